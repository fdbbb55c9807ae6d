"""Eurostat Statistics API 1.0 (JSON-stat 2.0): fetch datasets for the catalog's regions, decode them.

`GET {base_url}{dataset}?format=JSON&lang=EN&<dimension>=<code>…&geo=<NUTS>…&sinceTimePeriod=&untilTimePeriod=`,
no credentials. A repeated parameter asks for several codes. The answer is a JSON-stat 2.0 dataset whose
`value` and `status` are sparse dicts keyed by the flat cell index (row-major over `id`, the last
dimension varying fastest), or an error envelope `{"error": [{"status", "id", "label"}]}`. An unknown
filter code or an empty time range is answered with HTTP 200 and no cells. See README.md, "Eurostat".
"""

from __future__ import annotations

import json
import logging
import re
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import httpx
import numpy as np
import pyarrow as pa

from catalog import Catalog, Indicator, Source, SourceTable, Status
from sources.base import HttpClient
from sources.conditional import NOT_MODIFIED
from sources.contract import OBSERVATION_SCHEMA, ClientSetup, ParseResult, Provider, RawPayload, Upstream
from sources.errors import FormatError, NoData, ProviderError, TableMissing, TooLarge, TransientError
from sources.observations import find_duplicate_keys
from transforms.regions import kept_codes

log = logging.getLogger(__name__)

MAINTENANCE_HOST = "sorry.ec.europa.eu"  # where Eurostat redirects every request during maintenance
_PERIOD = {"A": r"[0-9]{4}", "Q": r"[0-9]{4}-Q[1-4]", "M": r"[0-9]{4}-[0-9]{2}"}


def dimension_filters(table: SourceTable, catalog: Catalog) -> dict[str, list[str]]:
    """The codes the table's indicators need, per dimension: each one's `unit` and filters."""
    wanted: dict[str, set[str]] = {}
    for ind in catalog.indicators_for(table.id):
        for dim, code in {"unit": ind.source_unit, **ind.filters}.items():
            wanted.setdefault(dim, set()).add(code)
    return {dim: sorted(codes) for dim, codes in sorted(wanted.items())}


def geo_codes(table: SourceTable, catalog: Catalog) -> list[str]:
    """NUTS codes of the catalog regions of the scope at the levels the table is published for."""
    return [r.nuts for code, r in catalog.regions.items() if r.nuts and table.publishes(r.level) and catalog.in_scope(code)]


# --------------------------------------------------------------------------------------------
# Decoding a JSON-stat dataset
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Cube:
    """The cells of one JSON-stat dataset that carry a value or a status, in flat-index order."""

    dims: tuple[str, ...]
    categories: dict[str, list[str]]  # dimension -> its codes by position
    size: int  # number of cells of the full cube (product of the dimension sizes)
    index: np.ndarray  # flat index of each present cell
    positions: dict[str, np.ndarray]  # dimension -> position of each present cell
    values: list[Any]
    flags: list[str | None]

    def codes(self, dim: str) -> list[str]:
        cats = self.categories[dim]
        return [cats[p] for p in self.positions[dim]]


def _categories(doc: dict[str, Any], dim: str, size: int, source: str, table: str) -> list[str]:
    category = ((doc.get("dimension") or {}).get(dim) or {}).get("category") or {}
    index = category.get("index")
    if isinstance(index, list):  # JSON-stat allows an array; Eurostat sends a dict
        index = {code: pos for pos, code in enumerate(index)}
    if not isinstance(index, dict) or len(index) != size or sorted(index.values()) != list(range(size)):
        raise FormatError(source, table, f"dimension {dim!r}: category index does not match its size {size}")
    codes = [""] * size
    for code, pos in index.items():
        codes[pos] = code
    return codes


def decode_cube(doc: Any, source: str, table: str) -> Cube:
    """Decode the sparse `value`/`status` dicts through the dimension sizes (row-major, last dimension fastest)."""
    if not isinstance(doc, dict) or doc.get("class") != "dataset":
        raise FormatError(source, table, f"not a JSON-stat dataset: {str(doc)[:120]}")
    dims, sizes = doc.get("id"), doc.get("size")
    if not isinstance(dims, list) or not isinstance(sizes, list) or len(dims) != len(sizes) or not all(isinstance(n, int) for n in sizes):
        raise FormatError(source, table, f"`id` {dims} and `size` {sizes} do not describe the same dimensions")
    categories = {dim: _categories(doc, dim, n, source, table) for dim, n in zip(dims, sizes, strict=True)}
    values, status = doc.get("value") or {}, doc.get("status") or {}
    if isinstance(values, list):  # the dense form of JSON-stat: one entry per cell
        values = dict(enumerate(values))
    if not isinstance(values, dict) or not isinstance(status, dict):
        raise FormatError(source, table, "`value` and `status` must be objects keyed by cell index")
    values = {str(k): v for k, v in values.items() if v is not None}  # null: no value
    total = int(np.prod(sizes, dtype=np.int64)) if sizes else 0
    try:
        index = np.array(sorted({int(k) for k in values} | {int(k) for k in status}), dtype=np.int64)
    except ValueError as exc:
        raise FormatError(source, table, f"a cell key is not an index: {exc}") from exc
    outside = index[(index < 0) | (index >= total)]
    if len(outside):
        raise FormatError(source, table, f"cell index {outside[0]} outside the cube of {total} cells", row=int(outside[0]))
    positions, rest = {}, index
    for dim, n in zip(reversed(dims), reversed(sizes), strict=True):  # the last dimension varies fastest
        positions[dim], rest = rest % max(n, 1), rest // max(n, 1)
    status = {str(int(k)): v for k, v in status.items()}
    cells = [str(i) for i in index]
    flags = [None if status.get(k) is None else str(status[k]).strip() or None for k in cells]
    return Cube(tuple(dims), categories, total, index, positions, [values.get(k) for k in cells], flags)


def regions_with_data(doc: dict[str, Any], source: str, table: str) -> set[str]:
    """The `geo` codes of the dataset that have at least one cell (a value or a status)."""
    cube = decode_cube(doc, source, table)
    return set(cube.codes("geo")) if "geo" in cube.dims else set()


def flag_status(flag: str, markers: dict[str, Status]) -> Status | None:
    """The status of a JSON-stat status string ("e", "|C", "p|C", "bp"): that of its sign listed first
    in the catalog; None when a sign is unknown."""
    obs, bar, conf = flag.partition("|")
    signs = list(obs) + ([bar + conf] if conf else [])
    if not signs or any(s not in markers for s in signs):
        return None
    order = list(markers)
    return markers[min(signs, key=order.index)]


# --------------------------------------------------------------------------------------------
# Fetching
# --------------------------------------------------------------------------------------------


class EurostatClient(HttpClient):
    """Fetches Eurostat datasets as raw payloads, one per request (a split request's answers together)."""

    def __init__(self, source: Source, http: httpx.Client, catalog: Catalog, **kwargs: Any) -> None:
        super().__init__(source, http, **kwargs)
        self.catalog = catalog

    def fetch(
        self, table: SourceTable, startyear: int, endyear: int, regions: dict[str, str] | None = None,
        upstream: Upstream | None = None,
    ) -> Iterator[RawPayload]:
        """Yield the dataset for the years and regions; split while Eurostat answers 413, then merged.

        `regions`: `geo`, a comma-separated list of NUTS codes; none = every catalog region at the
        table's levels. Every requested region must come back with data (HTTP 200 without is NoData).
        `upstream`: the validators of the answers the warehouse holds, sent as conditional requests; every answer
        304 Not Modified raises NotModified, and a 304 among 200s is asked again unconditionally.
        """
        regions = {k: v for k, v in (regions or {}).items() if v}
        unknown = set(regions) - {"geo"}
        if unknown:
            raise ValueError(f"source {self.source.id}, table {table.id}: unknown regional selection {sorted(unknown)}")
        geo = regions["geo"].split(",") if "geo" in regions else geo_codes(table, self.catalog)
        filters = dimension_filters(table, self.catalog)
        answers = list(self._answers(table.id, filters, geo, startyear, endyear, upstream))
        self.raise_if_not_modified(table.id, [response for response, _ in answers])
        answers = [(response, doc) if doc is not None else self._get(table.id, list(response.request.url.params.multi_items()))
                   for response, doc in answers]
        covered = set().union(*(regions_with_data(doc, self.source.id, table.id) for _, doc in answers))
        missing = [g for g in geo if g.upper() not in covered]
        if missing:
            ags = {r.nuts: r.code for r in self.catalog.regions.values() if r.nuts}
            named = ", ".join(f"{g} ({ags[g]})" if g in ags else g for g in missing)
            raise NoData(self.source.id, table.id, f"HTTP 200 without data for the requested regions {named} in "
                         f"{startyear}-{endyear} (an unknown code, or nothing published for them yet)")
        yield self._payload(table.id, self._params(filters, geo, startyear, endyear), answers)

    @staticmethod
    def _params(filters: dict[str, list[str]], geo: list[str], start: int, end: int) -> list[tuple[str, str]]:
        return ([("format", "JSON"), ("lang", "EN")] + [(dim, code) for dim, codes in filters.items() for code in codes]
                + [("geo", g) for g in geo] + [("sinceTimePeriod", str(start)), ("untilTimePeriod", str(end))])

    def _answers(self, dataset: str, filters: dict[str, list[str]], geo: list[str], start: int, end: int,
                 upstream: Upstream | None) -> Iterator[tuple[httpx.Response, dict[str, Any] | None]]:
        """The answers to one request: halved by years, then by regions, while Eurostat says it is too big."""
        try:
            answer = self._get(dataset, self._params(filters, geo, start, end), upstream)
        except TooLarge:
            if start < end:
                mid = (start + end) // 2
                halves = [(geo, start, mid), (geo, mid + 1, end)]
            elif len(geo) > 1:
                halves = [(geo[: len(geo) // 2], start, end), (geo[len(geo) // 2:], start, end)]
            else:
                raise
            log.info("source %s, table %s: %d-%d for %d regions too big, splitting", self.source.id, dataset, start, end, len(geo))
            for g, s, e in halves:
                yield from self._answers(dataset, filters, g, s, e, upstream)
            return
        yield answer

    def _get(self, dataset: str, params: list[tuple[str, str]], upstream: Upstream | None = None
             ) -> tuple[httpx.Response, dict[str, Any] | None]:
        """One answer and its JSON-stat document; None for a 304 Not Modified to a conditional request."""
        response = self.send(self.http.build_request("GET", self.source.base_url + dataset, params=params), dataset, upstream)
        if response.status_code == NOT_MODIFIED:
            return response, None
        src, status = self.source.id, response.status_code
        location = response.headers.get("location", "")
        if response.is_redirect and httpx.URL(location).host == MAINTENANCE_HOST:
            raise TransientError(src, dataset, f"HTTP {status} redirect to {location!r}: Eurostat is in maintenance")
        self.refuse_redirect(response, dataset)
        doc = self.json_body(response, dataset, instead="JSON-stat")
        if not isinstance(doc, dict):
            raise FormatError(src, dataset, f"HTTP {status}: JSON that is neither a dataset nor an error: {str(doc)[:120]}")
        self._raise_error(doc, status, dataset)
        if status >= 400:
            raise ProviderError(src, dataset, f"HTTP {status} without an error message: {str(doc)[:120]}")
        return response, doc

    def _raise_error(self, doc: dict[str, Any], http_status: int, dataset: str) -> None:
        """Raise the typed error an error envelope (or an asynchronous-answer warning) stands for."""
        src = self.source.id
        errors = doc.get("error")
        errors = [errors] if isinstance(errors, dict) else errors
        warning = doc.get("warning") if isinstance(doc.get("warning"), dict) else {}
        if not errors:
            if warning.get("status") == 413:  # "ASYNCHRONOUS_RESPONSE": the request is too big to answer directly
                raise TooLarge(src, dataset, f"413 {warning.get('label', '')}")
            return
        first = errors[0] if isinstance(errors[0], dict) else {"label": str(errors[0])}
        code, ident, label = first.get("status"), first.get("id"), str(first.get("label", ""))
        if 413 in (http_status, code):
            raise TooLarge(src, dataset, f"413 {label}")
        if 404 in (http_status, code):
            raise TableMissing(src, dataset, f"HTTP 404: dataset {dataset!r} is not available for dissemination; "
                               f"check its code in catalog/indicators.yaml ({label})")
        if ident == 100:
            raise NoData(src, dataset, f"no data for this selection ({label})")
        if 400 in (http_status, code):
            raise ProviderError(src, dataset, f"HTTP 400, request refused: {label} (check the dimension filters of its indicators in catalog/indicators.yaml)")
        raise ProviderError(src, dataset, f"HTTP {http_status}, error {code}/{ident}: {label}")

    def _payload(self, dataset: str, params: list[tuple[str, str]], answers: list[tuple[httpx.Response, dict[str, Any]]]) -> RawPayload:
        """One payload per request: the body as served, or the served bodies of a split request as a JSON array."""
        bodies = [response.content for response, _ in answers]
        request: dict[str, str] = {}
        for key, value in params:
            request[key] = f"{request[key]},{value}" if key in request else value
        return self.payload(
            dataset, str(httpx.URL(self.source.base_url + dataset, params=params)), request,
            bodies[0] if len(bodies) == 1 else b"[" + b",".join(bodies) + b"]", [response for response, _ in answers],
            provider_updated=max((doc["updated"] for _, doc in answers if isinstance(doc.get("updated"), str)), default=None),
        )


# --------------------------------------------------------------------------------------------
# Parsing
# --------------------------------------------------------------------------------------------


def _datasets(data: bytes, source: str, table: str) -> list[Any]:
    try:
        doc = json.loads(data)
    except ValueError as exc:
        raise FormatError(source, table, f"not JSON: {exc}") from exc
    return doc if isinstance(doc, list) else [doc]


def _matcher(indicators: list[Indicator], dims: tuple[str, ...], source: str, table: str) -> Callable[[dict[str, str]], list[Indicator]]:
    missing = sorted({d for i in indicators for d in ("unit", *i.filters) if d not in dims})
    if missing:
        raise FormatError(source, table, f"dimensions {missing} of the catalog's filters are not in the dataset (it has {list(dims)})")
    return lambda cell: [i for i in indicators if cell["unit"] == i.source_unit and all(cell[d] == c for d, c in i.filters.items())]


def parse_dataset(data: bytes, table: SourceTable, catalog: Catalog, batch_id: str, requested: tuple[str, ...] = ()) -> ParseResult:
    """Turn a JSON-stat answer (or the array of a split request's answers) into observations.

    A cell's row number is its flat index in the dataset (after the cells of the datasets before it).
    NUTS codes become the catalog's AGS codes; a code inside the covered states that the catalog does
    not know is an error; regions outside them are left out and counted, unless the request named them
    (`requested`: its `geo` codes).
    """
    src, tid = table.source, table.id
    markers = catalog.markers(catalog.sources[src].provider)
    indicators = catalog.indicators_for(tid)
    kept = set(kept_codes(catalog))
    region_of = {r.nuts: r.code for r in catalog.regions.values() if r.nuts and (r.code in kept or r.nuts in requested)}
    scope = tuple(nuts for code in catalog.region_scope() if (nuts := catalog.regions[code].nuts))
    period_format = re.compile(_PERIOD[table.freq])
    rows: list[dict[str, Any]] = []
    dropped: Counter[str] = Counter()
    offset, n_cells = 0, 0
    for doc in _datasets(data, src, tid):
        cube = decode_cube(doc, src, tid)
        for dim in ("geo", "time"):
            if dim not in cube.dims:
                raise FormatError(src, tid, f"no {dim!r} dimension (dimensions: {list(cube.dims)})")
        match = _matcher(indicators, cube.dims, src, tid)
        columns = {dim: cube.codes(dim) for dim in cube.dims}
        n_cells += len(cube.index)
        for k, flat in enumerate(cube.index):
            row = offset + int(flat)
            cell = {dim: columns[dim][k] for dim in cube.dims}
            where = f"cell {', '.join(f'{d}={c}' for d, c in cell.items())}"
            if cell.get("freq", table.freq) != table.freq:
                raise FormatError(src, tid, f"frequency {cell['freq']!r}, the catalog declares {table.freq!r}: {where}", row=row)
            found = match(cell)
            if not found:
                dropped["not_in_catalog"] += 1
                continue
            if len(found) > 1:
                raise FormatError(src, tid, f"{where} matches several indicators {[i.id for i in found]}", row=row)
            region = region_of.get(cell["geo"])
            if region is None:
                if cell["geo"].startswith(scope):
                    raise FormatError(src, tid, f"unknown NUTS code {cell['geo']!r} inside {scope} (not in catalog/regions.yaml): {where}", row=row)
                dropped["out_of_scope"] += 1
                continue
            if not period_format.fullmatch(cell["time"]):
                raise FormatError(src, tid, f"period {cell['time']!r} is not in the {table.freq} format: {where}", row=row)
            value, flag = cube.values[k], cube.flags[k]
            if value is not None and (isinstance(value, bool) or not isinstance(value, int | float)):
                raise FormatError(src, tid, f"value {value!r} is not a number: {where}", row=row)
            status = flag_status(flag, markers) if flag else None
            if flag and status is None:
                raise FormatError(src, tid, f"unknown status flag {flag!r} (catalog/statuses.yaml, provider eurostat): {where}", row=row)
            rows.append({
                "indicator_id": found[0].id, "region_code": region, "period": cell["time"], "freq": table.freq,
                "value": None if value is None else float(value), "unit": found[0].unit,
                "status": status.status if status else None, "marker": flag, "source_id": src, "table_id": tid,
                "batch_id": batch_id, "source_row": row,
            })
        offset += cube.size
    obs = pa.Table.from_pylist(rows, schema=OBSERVATION_SCHEMA)
    dup = find_duplicate_keys(obs) if obs.num_rows else None
    if dup is not None:
        raise FormatError(src, tid, f"duplicate observation {dup[1]} (a dimension the catalog does not filter?)", row=dup[0])
    return ParseResult(obs, rows_read=n_cells, dropped=dict(dropped))


def client(setup: ClientSetup) -> EurostatClient:
    return EurostatClient(setup.source, setup.http, setup.catalog, policy=setup.policy)


def parse(payload: RawPayload, table: SourceTable, catalog: Catalog, batch_id: str) -> ParseResult:
    return parse_dataset(payload.data.read(), table, catalog, batch_id, tuple(payload.request.get("geo", "").split(",")))


PROVIDER = Provider("eurostat", client, parse)
