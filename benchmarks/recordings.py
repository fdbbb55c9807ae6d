"""Recordings shaped like a live nightly run, for benchmarks/nightly.py. ALL FIGURES ARE GENERATED (seeded random
numbers), not statistics: only the shape of the answers is real.

A live nightly asks every table of every enabled source from its first year to this year, for every region
(pipelines/flows.py `plan`); these recordings answer exactly those requests, through the real clients and the real
recorder (sources/recording.py), in the formats the providers serve:

- Regionaldatenbank (GENESIS): per table a `metadata/table` answer with a time range and an `Updated` stamp, and a
  `data/tablefile` zip holding the ffcsv flat file of every catalog indicator of the table, every year from the
  table's first year to last year, for every region of the catalog the table is published for (the Kreise of the
  scope, their Regierungsbezirke and state, Germany). Counts of a state or Regierungsbezirk are the sums of its
  Kreise and totals the sums of their parts, so that expectations/ passes as it does on real answers.
- Eurostat: per dataset one JSON-stat 2.0 answer with every requested code of each dimension, with an ETag and a
  Last-Modified header (made up: no recorded Eurostat answer kept its headers).
- Every other enabled source with recordings in the bundled sample (the partner files: IHK, BA-Pendler, BIBB; the
  partners' register of goals and measures): the sample's recordings (sample/recordings/), as they are.
- The BA table API (ba-statistik) is not answered: its answer format is not confirmed (sources/ba.py), and a
  replayed run leaves a table without recordings out, as the offline sample does.

The regions are whatever the catalog in scope holds: a catalog of every Kreis in Germany makes the answers nationwide.
"""

from __future__ import annotations

import random
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import format_datetime
from pathlib import Path

import httpx

from catalog import Catalog, Indicator, SourceTable
from expectations.rules import load_rules
from pipelines.requests_file import read_requests, write_requests
from pipelines.settings import SAMPLE_DIR
from sample.ffcsv import LAYOUTS, Content, Layout, flat_file, zipped
from sample.jsonstat import FREQ, Dimension, dataset
from sources.client import RetryPolicy
from sources.contract import TableRequest
from sources.eurostat import EurostatClient
from sources.genesis import GenesisClient
from sources.recording import RecordingTransport, request_params

GENESIS, EUROSTAT = "regionalstatistik", "eurostat"
PERCENT = "percent"
# The reference day of a table whose time variable is STAG (a day), as its metadata time range shows it.
STAG_DAY = {"13111-01-03-4": "06-30"}
UPDATED = "17.03.2026 09:41:12h"  # made up: the `Updated` stamp of every generated table
ETAG_DATE = datetime(2026, 3, 17, 9, 41, 12, tzinfo=UTC)


@dataclass(frozen=True)
class Recorded:
    """What was generated: the requests the recordings answer, and the flat-file rows written per table."""

    requests: list[TableRequest]
    rows: dict[str, int]


def layout_of(table: SourceTable, catalog: Catalog) -> Layout:
    """The flat-file layout of a table: sample/ffcsv.py's where known, else one built from the catalog's indicators
    (their content codes, units and classifying variables; labels are the codes)."""
    if table.id in LAYOUTS:
        return LAYOUTS[table.id]
    contents: dict[str, list[Indicator]] = {}
    for ind in catalog.indicators_for(table.id):
        contents.setdefault(ind.content or "WERT01", []).append(ind)
    built = []
    for code, inds in contents.items():
        variables: dict[str, dict[str, str]] = {}
        for ind in inds:
            for var, attr in ind.filters.items():
                variables.setdefault(var, {"": "Insgesamt"})[attr] = attr or "Insgesamt"
        built.append(Content(code, code, inds[0].source_unit, tuple((v, v, a) for v, a in variables.items())))
    return Layout(table.id.split("-")[0], table.title_de, "JAHR", "Jahr", tuple(built))


def _attributes(layout: Layout, ind: Indicator) -> tuple[str, ...]:
    """The attribute codes of an indicator's rows in layout order (the content code first where the file has several)."""
    content = next(c for c in layout.contents if c.code == (ind.content or c.code))
    attrs = tuple(ind.filters.get(var, "") for var, _, _ in content.variables)
    return ((content.code,) if len(layout.contents) > 1 else ()) + attrs


def _period(layout: Layout, table: SourceTable, year: int) -> str:
    return f"{year}-{STAG_DAY.get(table.id, '12-31')}" if layout.time_code == "STAG" else str(year)


def _number(value: float, percent: bool) -> str:
    return f"{value:.1f}".replace(".", ",") if percent else str(round(value))


def genesis_rows(table: SourceTable, catalog: Catalog, years: range, rng: random.Random) -> list[tuple]:
    """ffcsv rows of every catalog indicator of `table` for `years` and every catalog region the table is published
    for. Kreis figures are random walks; aggregates of counts are the sums of their Kreise, of other figures the mean;
    a total with parts (expectations/rules.yaml) is the sum of its parts."""
    layout = layout_of(table, catalog)
    indicators = catalog.indicators_for(table.id)
    kreise = [k.code for k in catalog.kreise_in_scope()] if table.publishes("kreis") else []
    figures: dict[tuple[str, str], list[float]] = {}
    for ind in indicators:
        for code in kreise:
            level = rng.uniform(1.5, 12.0) if ind.unit == PERCENT else rng.uniform(2_000, 400_000)
            walk = []
            for _ in years:
                level *= rng.uniform(0.98, 1.02)
                walk.append(min(level, 99.0) if ind.unit == PERCENT else level)
            figures[(ind.id, code)] = walk
    rules = load_rules(catalog).get(table.id)
    for rule in rules.parts_sum_to_total if rules else ():
        for code in kreise:
            figures[(rule.total, code)] = [sum(v) for v in zip(*(figures[(p, code)] for p in rule.parts), strict=True)]
    aggregates = [r for r in catalog.regions.values() if r.level in ("regbez", "state", "country") and table.publishes(r.level)]
    for region in aggregates:
        members = [k for k in kreise if region.level == "country" or k.startswith(region.code)]
        for ind in indicators:
            if not members:
                continue
            series = list(zip(*(figures[(ind.id, k)] for k in members), strict=True))
            summed = ind.unit != PERCENT and ind.aggregation.method == "sum"
            figures[(ind.id, region.code)] = [sum(s) if summed else sum(s) / len(s) for s in series]
    names = {r.code: r.name_de for r in catalog.regions.values()}
    by_id = {ind.id: ind for ind in indicators}
    return [(_period(layout, table, year), code, names[code], _attributes(layout, by_id[iid]), _number(values[i], by_id[iid].unit == PERCENT), "")
            for i, year in enumerate(years) for (iid, code), values in figures.items()]


def genesis_answers(catalog: Catalog, last_year: int, rng: random.Random, rows: dict[str, int]) -> Callable[[httpx.Request], httpx.Response]:
    """The Regionaldatenbank as a mock: `metadata/table` and `data/tablefile` of every catalog table of GENESIS."""
    def answer(request: httpx.Request) -> httpx.Response:
        form = request_params(request)
        table = catalog.tables[str(form["name"])]
        layout = layout_of(table, catalog)
        if request.url.path.endswith("metadata/table"):
            first, last = _period(layout, table, table.start_year), _period(layout, table, last_year)
            span = {"From": ".".join(reversed(first.split("-"))) if "-" in first else first,
                    "To": ".".join(reversed(last.split("-"))) if "-" in last else last}
            doc = {"Ident": {"Service": "metadata", "Method": "table"}, "Status": {"Code": 0, "Content": "erfolgreich", "Type": "Information"},
                   "Parameter": {"name": table.id, "area": "all", "language": "de"},
                   "Object": {"Code": table.id, "Content": table.title_de, "Time": span, "Valid": "false", "Updated": UPDATED}}
            return httpx.Response(200, json=doc)
        years = range(max(int(str(form["startyear"])), table.start_year), min(int(str(form["endyear"])), last_year) + 1)
        generated = genesis_rows(table, catalog, years, rng)
        rows[table.id] = len(generated)
        body = zipped(f"{table.id}_1773740472000_de_flat.csv", flat_file(layout, generated, quality=True))
        return httpx.Response(200, content=body, headers={"content-type": "application/zip"})
    return answer


def eurostat_answers(catalog: Catalog, rng: random.Random, rows: dict[str, int]) -> Callable[[httpx.Request], httpx.Response]:
    """Eurostat's Statistics API as a mock: one JSON-stat dataset with every requested code of every dimension."""
    percent_units = {i.source_unit for i in catalog.indicators.values() if i.unit == PERCENT}

    def answer(request: httpx.Request) -> httpx.Response:
        table = request.url.path.rsplit("/", 1)[-1]
        params = request.url.params
        first, last = int(params["sinceTimePeriod"]), int(params["untilTimePeriod"])
        dims = [FREQ]
        for key in dict.fromkeys(k for k, _ in params.multi_items() if k not in ("format", "lang", "sinceTimePeriod", "untilTimePeriod")):
            dims.append(Dimension(key, key, {c: c for c in params.get_list(key)}))
        dims.append(Dimension("time", "Time", {str(y): str(y) for y in range(first, last + 1)}))
        cells: dict[tuple[str, ...], tuple[float | None, str | None]] = {}
        combos: list[tuple[str, ...]] = [("A",)]
        for dim in dims[1:]:
            combos = [c + (code,) for c in combos for code in dim.categories]
        for codes in combos:
            unit = codes[[d.id for d in dims].index("unit")] if "unit" in params else ""
            cells[codes] = (round(rng.uniform(1.0, 20.0) if unit in percent_units else rng.uniform(100, 90_000), 1), None)
        rows[table] = len(cells)
        body = dataset(f"{table} (generated)", table.upper(), dims, cells, catalog.markers(EUROSTAT))
        return httpx.Response(200, content=body, headers={"content-type": "application/json", "etag": f'"{table}-2026-03"',
                                                          "last-modified": format_datetime(ETAG_DATE, usegmt=True)})
    return answer


def generate(out: Path, catalog: Catalog, this_year: int, first_year: int | None = None, seed: int = 20260317) -> Recorded:
    """Write recordings answering a live nightly's requests to `out` (with its requests.yaml); return them.
    `first_year`: ask no year before it (a smaller run), else every year from each table's first."""
    shutil.rmtree(out, ignore_errors=True)
    rng, rows = random.Random(seed), {}
    policy = RetryPolicy(attempts=1, min_interval=0)
    requests: list[TableRequest] = []
    last_year = this_year - 1  # the newest year published
    mocks = {GENESIS: genesis_answers(catalog, last_year, rng, rows), EUROSTAT: eurostat_answers(catalog, rng, rows)}
    for source_id, answer in mocks.items():
        source = catalog.sources[source_id]
        http = httpx.Client(transport=RecordingTransport(httpx.MockTransport(answer), out / source_id))
        client = (GenesisClient(source, http, policy=policy) if source_id == GENESIS
                  else EurostatClient(source, http, catalog, policy=policy))
        for table in catalog.tables_for(source_id):
            request = TableRequest(source_id, table.id, max(table.start_year, first_year or 0), this_year)
            list(client.fetch(table, request.first_year, request.last_year, request.region_params))
            requests.append(request)
    sample = read_requests(SAMPLE_DIR / "recordings" / "requests.yaml", catalog)
    for source in catalog.sources.values():
        if source.enabled and source.id not in mocks and (SAMPLE_DIR / "recordings" / source.id).is_dir():
            shutil.copytree(SAMPLE_DIR / "recordings" / source.id, out / source.id)
            requests += [r for r in sample if r.source_id == source.id]
    write_requests(out / "requests.yaml", requests, "GENERATED for benchmarks/nightly.py: the requests of a live nightly run")
    return Recorded(requests, rows)

