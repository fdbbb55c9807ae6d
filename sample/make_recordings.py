"""Build the offline sample's recordings from the cited figures in sample/figures.csv.

The bodies are written in the exact format the Regionaldatenbank serves (a zip holding one ffcsv
member; JSON envelopes for metadata/table), and the recordings are made through the real client
(sources/genesis.py) and recorder (sources/recording.py): a run replays exactly these requests.

    python -m sample.make_recordings            # rewrite sample/recordings/regionalstatistik
"""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

import httpx
import yaml

from catalog import default_catalog
from sample.ffcsv import LAYOUTS, flat_file, zipped
from sources.client import RetryPolicy
from sources.genesis import GenesisClient
from sources.recording import RecordingTransport

HERE = Path(__file__).parent
SOURCE = "regionalstatistik"
# Table -> (first year, last year, member-name stamp, metadata: time range and `Updated` stamp as served in 2026-03).
REQUESTS = {
    "12411-01-01-4": (2023, 2024, "1773175772751", ("31.12.1995", "31.12.2024"), "31.03.2025 11:18:07h"),
    "13111-01-03-4": (2023, 2023, "1773174923332", ("30.06.2008", "30.06.2025"), "08.09.2025 09:08:56h"),
}
COPYRIGHT = (
    "© Statistische Ämter des Bundes und der Länder, Deutschland, 2026.\nDieses Werk ist lizenziert unter der "
    "Datenlizenz Deutschland\n- Namensnennung - Version 2.0."
)


def figures(path: Path = HERE / "figures.csv", current: bool = True) -> list[dict[str, str]]:
    with path.open(encoding="utf-8") as fh:
        return [r for r in csv.DictReader(fh) if (r["current"] == "true") == current]


def flat_rows(rows: list[dict[str, str]]) -> list[tuple[str, str, str, tuple[str, ...], str, str]]:
    """Figures as ffcsv rows; value_q stays empty: the cited sources do not give the quality flags."""
    return [(r["period"], r["region_code"], r["region_label"], tuple(r["attributes"].split("|")), r["value"], "") for r in rows]


def metadata_body(table: str, time_range: tuple[str, str], updated: str) -> bytes:
    title = default_catalog().tables[table].title_de
    doc = {
        "Ident": {"Service": "metadata", "Method": "table"},
        "Status": {"Code": 0, "Content": "erfolgreich", "Type": "Information"},
        "Parameter": {"username": "********************", "password": "********************", "name": table,
                      "area": "Alle", "language": "de"},
        "Object": {"Code": table, "Content": title, "Time": {"From": time_range[0], "To": time_range[1]},
                   "Valid": "false", "Updated": updated},
        "Copyright": COPYRIGHT,
    }
    return json.dumps(doc, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def build(out: Path = HERE / "recordings", rows: list[dict[str, str]] | None = None) -> None:
    """Write recordings for REQUESTS from `rows` (default: the current figures of figures.csv)."""
    catalog = default_catalog()
    folder = out / SOURCE
    shutil.rmtree(folder, ignore_errors=True)
    by_table: dict[str, list[dict[str, str]]] = {}
    for r in figures() if rows is None else rows:
        by_table.setdefault(r["table"], []).append(r)

    bodies: dict[tuple[str, str], httpx.Response] = {}
    for table, (_, _, stamp, time_range, updated) in REQUESTS.items():
        data = flat_file(LAYOUTS[table], flat_rows(by_table.get(table, [])))
        name = f"{table}_{stamp}_de_flat"
        bodies[("data/tablefile", table)] = httpx.Response(
            200, content=zipped(f"{name}.csv", data),
            headers={"content-type": "application/zip", "content-disposition": f"attachment; filename={name}.zip",
                     "cache-control": "max-age=172800"},
        )
        bodies[("metadata/table", table)] = httpx.Response(
            200, content=metadata_body(table, time_range, updated), headers={"content-type": "application/json"}
        )

    def serve(request: httpx.Request) -> httpx.Response:
        method = "/".join(request.url.path.split("/")[-2:])
        name = dict(httpx.QueryParams(request.content.decode())).get("name")
        return bodies[(method, name)]

    http = httpx.Client(transport=RecordingTransport(httpx.MockTransport(serve), folder))
    client = GenesisClient(catalog.sources[SOURCE], http, policy=RetryPolicy(attempts=1, min_interval=0))
    for table, (first, last, *_) in REQUESTS.items():
        list(client.fetch(catalog.tables[table], first, last))
    requests = {SOURCE: {t: [first, last] for t, (first, last, *_) in REQUESTS.items()}}
    (out / "requests.yaml").write_text(
        "# Requests the recordings answer: the offline run asks for exactly these (see sample/README.md).\n"
        + yaml.safe_dump(requests, sort_keys=True), encoding="utf-8")


if __name__ == "__main__":
    build()
