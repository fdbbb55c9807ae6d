"""Build the offline sample's recordings from the cited figures in sample/figures.csv.

The bodies are written in the exact format the providers serve (Regionaldatenbank: a zip holding one
ffcsv member, JSON envelopes for metadata/table; Eurostat: JSON-stat 2.0), and the recordings are made
through the real clients (sources/genesis/, sources/eurostat.py) and recorder (sources/recording.py):
a run replays exactly these requests.

    python -m sample.make_recordings            # rewrite sample/recordings/{regionalstatistik,eurostat}
"""

from __future__ import annotations

import csv
import fnmatch
import json
import shutil
from pathlib import Path

import httpx
from catalog import default_catalog
from pipelines.requests_file import read_requests, write_requests
from sample.ffcsv import LAYOUTS, flat_file, regional_variable, zipped
from sample.jsonstat import FREQ, GEO_LABEL, TIME_LABEL, UNIT_LABEL, Dimension, dataset
from sources.client import RetryPolicy
from sources.contract import TableRequest
from sources.eurostat import EurostatClient
from sources.genesis import GenesisClient
from sources.recording import RecordingTransport

HERE = Path(__file__).parent
SOURCE = "regionalstatistik"
HF = "08121,08125,08126,08127,08128"
KREISE, DLAND, REGBEZ, DINSG = (("regionalvariable", v) for v in ("KREISE", "DLAND", "REGBEZ", "DINSG"))
# The Heilbronn-Franken Kreise, the state and Germany: one request per regional variable.
HF_STATE_GERMANY = ((KREISE, ("regionalkey", HF)), (DLAND, ("regionalkey", "08")), (DINSG,))
# Requests answered from one key of figures.csv only (sample/README.md), in the order of the answers' or exports' "Stand":
# where two give the same year, the older loads first and the newer is its revision. Nationwide answers are asked for
# the whole table (no regional selection); the long HF series one request per regional variable.
EXPORTS = {
    **{TableRequest(SOURCE, table, first, last, selection): key
       for table, first, last, key in (
           ("13111-01-03-4", 2012, 2015, "D2"),
           ("12411-02-03-4", 2015, 2015, "D3"),
           ("13211-02-05-4", 2001, 2016, "U1"),
           ("13211-02-05-4", 2015, 2020, "U2"),
           ("13211-02-05-4", 2025, 2025, "U3"),
           ("13211-02-05-4", 2023, 2023, "U4"),
       )
       for selection in HF_STATE_GERMANY},
    # D1, a website export, lists Hamburg and Berlin as Länder only (02, 11), not as the Kreise 02000 and 11000 that a
    # REST answer holds too: its Kreise are asked for by the other states' keys.
    **{TableRequest(SOURCE, "12411-01-01-4", 1995, 2015, selection): "D1"
       for selection in ((KREISE, ("regionalkey", ",".join(f"{s:02d}*" for s in range(1, 17) if s not in (2, 11)))), (REGBEZ,), (DLAND,), (DINSG,))},
    TableRequest(SOURCE, "12411-01-01-4", 2023, 2023): "S2",
    TableRequest(SOURCE, "12411-01-01-4", 2024, 2024): "S1",
    **{TableRequest(SOURCE, "13111-01-03-4", 2023, 2023, selection): "S4"
       for selection in ((KREISE, ("regionalkey", HF)), (REGBEZ, ("regionalkey", "081")), (DLAND, ("regionalkey", "08")), (DINSG,))},
    TableRequest(SOURCE, "13111-01-03-4", 2024, 2024): "S5",
}
# The requests of the sample, each answered with the figures it selects (see sample/README.md).
REQUESTS = list(EXPORTS)
# Per table: the metadata/table answer, abridged to what a real answer showed: time range and `Updated` stamp as
# served in 2026-03 where known (12411-01-01-4, 13111-01-03-4), the time range seen in 2026-08 for 13211-02-05-4;
# nothing else is known of the others, so their answers carry neither.
TABLES = {
    "12411-01-01-4": (("31.12.1995", "31.12.2024"), "31.03.2025 11:18:07h"),
    "13111-01-03-4": (("30.06.2008", "30.06.2025"), "08.09.2025 09:08:56h"),
    "13211-02-05-4": (("2001", "2025"), None),
    "12411-02-03-4": (None, None),
}
# The member-name stamp (epoch milliseconds) of a flat file: of the recorded answer (S1, S2, S4, S5), else the "Stand"
# of the export the figures come from (sample/README.md).
STAMPS = {"S1": "1773175772751", "S2": "1744323962295", "S4": "1773174923332", "S5": "1749623409083", "D1": "1507663073000",
          "D2": "1507657000000", "D3": "1507663185000", "U1": "1507663237000", "U2": "1629229084000", "U3": "1772119708000",
          "U4": "1783587702000"}
EUROSTAT = "eurostat"
# nama_10r_3gdp (E1): Germany, the state, the Regierungsbezirk Stuttgart and its 13 Kreise, 2019-2022.
STUTTGART = "DE,DE1,DE11,DE111,DE112,DE113,DE114,DE115,DE116,DE117,DE118,DE119,DE11A,DE11B,DE11C,DE11D"
EUROSTAT_REQUESTS = [TableRequest(EUROSTAT, "nama_10r_3gdp", 2019, 2022, (("geo", STUTTGART),))]
# Per dataset: title and `extension.id` as the API writes them, and its dimensions in the API's order
# (the SDMX key order, as in the header `freq,unit,geo\TIME_PERIOD` of the real TSV).
DATASETS = {
    "nama_10r_3gdp": ("Gross domestic product (GDP) at current market prices by NUTS 3 region", "NAMA_10R_3GDP",
                      ("freq", "unit", "geo", "time")),
}
UNITS = {"MIO_EUR": "Million euro", "EUR_HAB": "Euro per inhabitant"}
COPYRIGHT = (
    "© Statistische Ämter des Bundes und der Länder, Deutschland, 2026.\nDieses Werk ist lizenziert unter der "
    "Datenlizenz Deutschland\n- Namensnennung - Version 2.0."
)


def figures(path: Path = HERE / "figures.csv", current: bool = True) -> list[dict[str, str]]:
    with path.open(encoding="utf-8") as fh:
        return [r for r in csv.DictReader(fh) if (r["current"] == "true") == current]


def selects(request: TableRequest, row: dict[str, str]) -> bool:
    """Whether the provider would answer `request` with this figure (table, years, regional selection)."""
    params = request.region_params
    code = row["region_code"]
    keys = params.get("regionalkey", "").split(",") if params.get("regionalkey") else None  # codes or patterns (0812*)
    return (
        row["table"] == request.table_id
        and request.first_year <= int(row["period"][:4]) <= request.last_year
        and ("regionalvariable" not in params or regional_variable(code) == params["regionalvariable"])
        and (keys is None or any(fnmatch.fnmatch(code, k) for k in keys))
        and EXPORTS[request] == row["source"]
    )


def flat_rows(rows: list[dict[str, str]]) -> list[tuple[str, str, str, tuple[str, ...], str, str]]:
    """Figures as ffcsv rows; value_q stays empty: the cited sources do not give the quality flags."""
    return [(r["period"], r["region_code"], r["region_label"], tuple(r["attributes"].split("|")), r["value"], "") for r in rows]


def metadata_body(table: str, time_range: tuple[str, str] | None, updated: str | None) -> bytes:
    title = default_catalog().tables[table].title_de
    time = {"Time": {"From": time_range[0], "To": time_range[1]}} if time_range else {}
    doc = {
        "Ident": {"Service": "metadata", "Method": "table"},
        "Status": {"Code": 0, "Content": "erfolgreich", "Type": "Information"},
        "Parameter": {"username": "********************", "password": "********************", "name": table,
                      "area": "Alle", "language": "de"},
        "Object": {"Code": table, "Content": title, **time, "Valid": "false", **({"Updated": updated} if updated else {})},
        "Copyright": COPYRIGHT,
    }
    return json.dumps(doc, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def eurostat_answer(request: httpx.Request, rows: list[dict[str, str]]) -> httpx.Response:
    """The JSON-stat answer to a Statistics API request: the figures its dataset, units, regions and years select."""
    catalog = default_catalog()
    params, table = request.url.params, request.url.path.rsplit("/", 1)[-1]
    label, extension_id, order = DATASETS[table]
    nuts = {r.code: r.nuts for r in catalog.regions.values()}
    geo, units = params.get_list("geo"), params.get_list("unit")
    first, last = int(params["sinceTimePeriod"]), int(params["untilTimePeriod"])
    chosen = [r for r in rows if r["table"] == table and first <= int(r["period"]) <= last
              and nuts.get(r["region_code"]) in geo and r["attributes"] in units]
    dims = {
        "freq": FREQ,
        "unit": Dimension("unit", UNIT_LABEL, {u: UNITS[u] for u in units if any(r["attributes"] == u for r in chosen)}),
        "geo": Dimension("geo", GEO_LABEL, {g: r["region_label"] for g in geo for r in chosen if nuts[r["region_code"]] == g}),
        "time": Dimension("time", TIME_LABEL, {p: p for p in sorted({r["period"] for r in chosen})}),
    }
    cells = {("A", r["attributes"], nuts[r["region_code"]], r["period"]): (float(r["value"]), r["flag"] or None) for r in chosen}
    body = dataset(label, extension_id, [dims[d] for d in order], cells, catalog.markers(EUROSTAT))
    return httpx.Response(200, content=body, headers={"content-type": "application/json"})


def build_eurostat(out: Path, rows: list[dict[str, str]]) -> None:
    """Write recordings for EUROSTAT_REQUESTS from `rows`."""
    catalog = default_catalog()
    folder = out / EUROSTAT
    shutil.rmtree(folder, ignore_errors=True)
    http = httpx.Client(transport=RecordingTransport(httpx.MockTransport(lambda r: eurostat_answer(r, rows)), folder))
    client = EurostatClient(catalog.sources[EUROSTAT], http, catalog, policy=RetryPolicy(attempts=1, min_interval=0))
    for r in EUROSTAT_REQUESTS:
        list(client.fetch(catalog.tables[r.table_id], r.first_year, r.last_year, r.region_params))


def build(out: Path = HERE / "recordings", rows: list[dict[str, str]] | None = None, updated: dict[str, str] | None = None) -> None:
    """Write recordings for REQUESTS and EUROSTAT_REQUESTS from `rows` (default: the current figures of figures.csv).
    `updated`: another `Updated` stamp per table in the metadata answers (tests: a release other than the recorded one)."""
    catalog = default_catalog()
    rows = figures() if rows is None else rows
    folder = out / SOURCE
    shutil.rmtree(folder, ignore_errors=True)

    def serve(request: httpx.Request) -> httpx.Response:
        form = dict(httpx.QueryParams(request.content.decode()))
        table = form["name"]
        if request.url.path.endswith("metadata/table"):
            time_range, stamp = TABLES[table]
            return httpx.Response(200, content=metadata_body(table, time_range, (updated or {}).get(table, stamp)),
                                  headers={"content-type": "application/json"})
        wanted = TableRequest(SOURCE, table, int(form["startyear"]), int(form["endyear"]),
                              tuple((k, form[k]) for k in ("regionalvariable", "regionalkey") if k in form))
        stamp = STAMPS[EXPORTS[wanted]]
        data = flat_file(LAYOUTS[table], flat_rows([r for r in rows if selects(wanted, r)]))
        name = f"{table}_{stamp}_de_flat"
        return httpx.Response(
            200, content=zipped(f"{name}.csv", data),
            headers={"content-type": "application/zip", "content-disposition": f"attachment; filename={name}.zip",
                     "cache-control": "max-age=172800"},
        )

    http = httpx.Client(transport=RecordingTransport(httpx.MockTransport(serve), folder))
    client = GenesisClient(catalog.sources[SOURCE], http, policy=RetryPolicy(attempts=1, min_interval=0))
    for r in REQUESTS:
        list(client.fetch(catalog.tables[r.table_id], r.first_year, r.last_year, r.region_params))
    build_eurostat(out, rows)
    register(out, REQUESTS + EUROSTAT_REQUESTS)


def register(out: Path, requests: list[TableRequest]) -> None:
    """List `requests` in requests.yaml as all the recorded requests of their sources; other sources' stay."""
    sources = {r.source_id for r in requests}
    others = [r for r in read_requests(out / "requests.yaml") if r.source_id not in sources]
    write_requests(out / "requests.yaml", others + requests,
                   "Requests the recordings answer: the offline run asks for exactly these (see sample/README.md).")


if __name__ == "__main__":
    build()
