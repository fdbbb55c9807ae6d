"""Statistik der Bundesagentur für Arbeit (BA): the statistics table API (`bids-api`, `tableFetch`), JSON form.

    GET {base_url}{table}?{parameter}={region name}
    e.g. …/bifrontend/bids-api/pc/v1/tableFetch/dia/EckwerteTabelleALOKr?Kreis=Heilbronn

No credentials. One request answers for one region, addressed by its name, not its key: the names of
the Kreise come from the BA's region list (REGION_LIST_URL, a JavaScript assignment
`var persistListenfelderJSON = {…}` whose lists hold items with `formValues.Filtername`, `BA_SCHL`,
whose first five digits are the AGS, and `DESC`, the name to send); a state is sent by its name.
The answer is a JSON list of items `{"metricName", "value", "index", "attributes"}`: `index` 0 is
the newest period, `attributes["0"]["DESC"]` its label ("Oktober 2026").

Not verified against a recorded answer: none was available when this module was written (see
README.md, "Bundesagentur für Arbeit"). Hence the strictness: an answer of another shape, a period
label of another form, a metric the catalog expects but the answer lacks, or two items for one
figure is a FormatError naming the region and the item, never a guess. `labour-monitor record`
keeps the first live answers, and the parse notes list the metrics an answer holds that the catalog
does not use, so that the first live run shows what to declare.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pyarrow as pa

from catalog import Catalog, Indicator, Source, SourceTable
from sources.base import HttpClient, snippet
from sources.conditional import NOT_MODIFIED
from sources.contract import OBSERVATION_SCHEMA, ClientSetup, ParseResult, Provider, RawPayload, Selection, Upstream
from sources.errors import FormatError, NoData, ProviderError
from sources.observations import find_duplicate_keys
from sources.periods import report_month

REGION_LIST_URL = "https://statistik.arbeitsagentur.de/Auswahl/Layout/Statistiktabellen/JS/DR-LZR-persistListenfelderJSON.js"
REGION_LIST_VARIABLE = "persistListenfelderJSON"
KREIS_FILTER = "Kreis"  # `formValues.Filtername` of the region list's Kreis entries
_ITEM_KEYS = ("metricName", "value", "index", "attributes")


# --------------------------------------------------------------------------------------------
# The region list: which name to send for a Kreis
# --------------------------------------------------------------------------------------------


def kreis_names(js: bytes, source: str, table: str | None = None) -> dict[str, str]:
    """AGS -> the name the API takes, from the BA's region list (every list of Kreis entries in it)."""
    text = js.decode("utf-8-sig", "replace").strip()
    prefix = re.match(rf"var\s+{REGION_LIST_VARIABLE}\s*=\s*", text)
    if prefix is None:
        raise FormatError(source, table, f"region list {REGION_LIST_URL}: not the assignment `var {REGION_LIST_VARIABLE} = …` "
                          f"(starts {text[:60]!r})")
    try:
        doc = json.loads(text[prefix.end():].rstrip().rstrip(";"))
    except ValueError as exc:
        raise FormatError(source, table, f"region list {REGION_LIST_URL}: the assigned value is not JSON ({exc})") from exc
    if not isinstance(doc, dict):
        raise FormatError(source, table, f"region list {REGION_LIST_URL}: expected an object of lists, got {type(doc).__name__}")
    names: dict[str, str] = {}
    for key, entries in doc.items():
        for n, entry in enumerate(entries if isinstance(entries, list) else [], 1):
            form = entry.get("formValues") if isinstance(entry, dict) else None
            if not isinstance(form, dict) or form.get("Filtername") != KREIS_FILTER:
                continue
            ags, name = str(form.get("BA_SCHL", ""))[:5], form.get("DESC")
            if not re.fullmatch(r"[0-9]{5}", ags) or not isinstance(name, str) or not name.strip():
                raise FormatError(source, table, f"region list, {key!r} entry {n}: a Kreis entry without a 5-digit BA_SCHL and a DESC: {form}")
            if names.setdefault(ags, name) != name:
                raise FormatError(source, table, f"region list: Kreis {ags} has two names, {names[ags]!r} and {name!r}")
    if not names:
        raise FormatError(source, table, f"region list {REGION_LIST_URL}: no entries with formValues.Filtername {KREIS_FILTER!r}")
    return names


def regional_selections(codes_by_level: dict[str, set[str]], table: SourceTable | None) -> list[Selection]:
    """A run's regions as one selection: the catalog codes at the levels the table has a parameter for
    (none: no request). The client asks for each of them in turn."""
    levels = table.region_parameters if table is not None else {}
    asked = sorted(code for level, codes in codes_by_level.items() if level in levels for code in codes)
    return [(("regions", ",".join(asked)),)] if asked else []


# --------------------------------------------------------------------------------------------
# Fetching
# --------------------------------------------------------------------------------------------


class BAClient(HttpClient):
    """Fetches one BA table for the catalog's regions as one raw payload: every region's answer, or none."""

    def __init__(self, source: Source, http: httpx.Client, catalog: Catalog, **kwargs: Any) -> None:
        super().__init__(source, http, **kwargs)
        self.catalog = catalog
        self._kreis_names: dict[str, str] | None = None  # the region list, read once per client

    def fetch(self, table: SourceTable, startyear: int, endyear: int, regions: dict[str, str] | None = None,
              upstream: Upstream | None = None) -> Iterator[RawPayload]:
        """Yield the table's answers for the regions, together: one batch loads whole or not at all.

        `regions`: `regions`, comma-separated catalog codes at levels the table has a parameter for;
        none = every catalog region of the scope at those levels. The API has no period parameter: it answers with
        the periods it publishes, and the years select nothing. `upstream`: the validators of the answers the
        warehouse holds, sent as conditional requests; every region 304 Not Modified raises NotModified, and a
        region answering 304 while others changed is asked again unconditionally.
        """
        regions = {k: v for k, v in (regions or {}).items() if v}
        if set(regions) - {"regions"}:
            raise ValueError(f"source {self.source.id}, table {table.id}: unknown regional selection {sorted(set(regions) - {'regions'})}")
        codes = regions["regions"].split(",") if regions else [
            r.code for r in self.catalog.regions.values() if r.level in table.region_parameters and self.catalog.in_scope(r.code)
        ]
        asked = [(code, dict([self.address(table, code)])) for code in codes]
        answers = [(code, params, self._get(table.id, params, code, upstream)) for code, params in asked]
        self.raise_if_not_modified(table.id, [response for _, _, response in answers])
        answers = [(code, params, self._get(table.id, params, code) if response.status_code == NOT_MODIFIED else response)
                   for code, params, response in answers]
        body = b"{" + b",".join(json.dumps(code).encode() + b":" + response.content for code, _, response in answers) + b"}"
        yield self.payload(table.id, self.source.base_url + table.id, {"regions": ",".join(codes)}, body,
                           [response for _, _, response in answers])

    def address(self, table: SourceTable, code: str) -> tuple[str, str]:
        """The query parameter and the name that ask the API for one catalog region."""
        region = self.catalog.regions.get(code)
        if region is None or region.level not in table.region_parameters:
            raise ValueError(f"source {self.source.id}, table {table.id}: no parameter for region {code!r}; "
                             f"the table addresses {sorted(table.region_parameters)} (catalog/indicators.yaml `region_parameters`)")
        if region.level != "kreis":
            return table.region_parameters[region.level], region.name_de
        names = self._names(table.id)
        if code not in names:
            raise ProviderError(self.source.id, table.id, f"Kreis {code} ({region.name_de}) is not in the BA's region list {REGION_LIST_URL}")
        return table.region_parameters["kreis"], names[code]

    def _names(self, table: str) -> dict[str, str]:
        if self._kreis_names is None:
            response = self.send(self.http.build_request("GET", REGION_LIST_URL), table)
            if response.status_code != 200:
                raise ProviderError(self.source.id, table, f"HTTP {response.status_code} for the region list {REGION_LIST_URL}")
            self._kreis_names = kreis_names(response.content, self.source.id, table)
        return self._kreis_names

    def _get(self, table: str, params: dict[str, str], code: str, upstream: Upstream | None = None) -> httpx.Response:
        """One region's answer, checked; a 304 Not Modified to a conditional request is returned as it is."""
        response = self.send(self.http.build_request("GET", self.source.base_url + table, params=params), table, upstream)
        if response.status_code == NOT_MODIFIED:
            return response
        asked = f" for {code} ({', '.join(f'{k}={v}' for k, v in params.items())})"
        self.refuse_redirect(response, table, asked)
        self.refuse_error_status(response, table, asked, f"no table {table!r} (check its id in catalog/indicators.yaml)")
        doc = self.json_body(response, table, asked)
        status = response.status_code
        if not isinstance(doc, list):
            keys = sorted(doc)[:8] if isinstance(doc, dict) else type(doc).__name__
            raise FormatError(self.source.id, table, f"HTTP {status}{asked}: expected a list of items, got {keys} "
                              f"({snippet(response.content, 80)!r})")
        if not doc:
            raise NoData(self.source.id, table, f"HTTP {status}{asked}: an empty list (a name the API does not know, or nothing published)")
        return response


# --------------------------------------------------------------------------------------------
# Parsing
# --------------------------------------------------------------------------------------------


def period_of(label: Any) -> str | None:
    """"Oktober 2026" -> "2026-10"; None for any other form."""
    found = report_month(label)
    return None if found is None else f"{found[0]}-{found[1]:02d}"


def _attribute(item: dict[str, Any], key: str) -> Any:
    attribute = item["attributes"].get(key)
    return attribute.get("DESC") if isinstance(attribute, dict) else None


def _matches(indicator: Indicator, item: dict[str, Any]) -> bool:
    return item["metricName"] == indicator.content and all(_attribute(item, k) == v for k, v in indicator.filters.items())


def parse_answers(data: bytes, table: SourceTable, catalog: Catalog, batch_id: str) -> ParseResult:
    """Turn a table's answers (catalog region code -> the served list of items) into observations.

    The row of an item is its running number over the answers, in the order they were fetched.
    """
    src, tid = table.source, table.id
    try:
        answers = json.loads(data)
    except ValueError as exc:
        raise FormatError(src, tid, f"not JSON: {exc}") from exc
    if not isinstance(answers, dict):
        raise FormatError(src, tid, "expected the answers keyed by region code")
    indicators = catalog.indicators_for(tid)
    markers = catalog.markers(catalog.sources[src].provider)
    rows: list[dict[str, Any]] = []
    dropped: Counter[str] = Counter()
    unused: Counter[str] = Counter()
    row = 0
    for code, items in answers.items():
        if code not in catalog.regions:
            raise FormatError(src, tid, f"an answer for {code!r}, which is not in catalog/regions.yaml")
        if not isinstance(items, list):
            raise FormatError(src, tid, f"the answer for {code} is not a list of items")
        seen: set[str] = set()
        newest_first: dict[str, list[tuple[int, str]]] = {}
        for n, item in enumerate(items, 1):
            row += 1
            where = f"region {code}, item {n}"
            if not isinstance(item, dict) or any(k not in item for k in _ITEM_KEYS):
                raise FormatError(src, tid, f"{where}: not an item with {list(_ITEM_KEYS)}: {str(item)[:120]}", row=row)
            metric, index = item["metricName"], item["index"]
            where += f" (metricName {metric!r}, index {index!r})"
            if not isinstance(metric, str) or isinstance(index, bool) or not isinstance(index, int) or not isinstance(item["attributes"], dict):
                raise FormatError(src, tid, f"{where}: metricName must be text, index an integer, attributes an object", row=row)
            found = [i for i in indicators if _matches(i, item)]
            if not found:
                dropped["not_in_catalog"] += 1
                unused[metric] += 1
                continue
            if len(found) > 1:
                raise FormatError(src, tid, f"{where}: matches several indicators {[i.id for i in found]}", row=row)
            indicator = found[0]
            period = period_of(_attribute(item, "0"))
            if period is None:
                raise FormatError(src, tid, f"{where}: period label {_attribute(item, '0')!r} (attributes['0']['DESC']) "
                                  "is not '<Monat> <Jahr>' as in 'Oktober 2026'", row=row)
            value, status, marker = _value(item["value"], markers, lambda d, where=where, row=row: FormatError(src, tid, f"{where}: {d}", row=row))
            seen.add(indicator.id)
            newest_first.setdefault(indicator.id, []).append((index, period))
            rows.append({
                "indicator_id": indicator.id, "region_code": code, "period": period, "freq": table.freq, "value": value,
                "unit": indicator.unit, "status": status, "marker": marker, "source_id": src, "table_id": tid,
                "batch_id": batch_id, "source_row": row,
            })
        missing = sorted(i.content or i.id for i in indicators if i.id not in seen)
        if missing:
            raise FormatError(src, tid, f"region {code}: no items for the metrics {missing} the catalog expects "
                              f"(the answer has {sorted({i.get('metricName') for i in items if isinstance(i, dict)}, key=str)}): layout changed?")
        for indicator_id, periods in newest_first.items():
            ordered = [p for _, p in sorted(periods)]
            if ordered != sorted(ordered, reverse=True):
                raise FormatError(src, tid, f"region {code}, {indicator_id}: index 0 is not the newest period ({ordered[:4]}…)")
    obs = pa.Table.from_pylist(rows, schema=OBSERVATION_SCHEMA)
    dup = find_duplicate_keys(obs) if obs.num_rows else None
    if dup is not None:
        raise FormatError(src, tid, f"two items for one figure {dup[1]}: an attribute the catalog does not select on "
                          "(declare it under the indicator's `filters`)", row=dup[0])
    notes = [f"metrics not in the catalog, left out: {', '.join(f'{m} ({k})' for m, k in sorted(unused.items()))}"] if unused else []
    return ParseResult(obs, rows_read=row, dropped=dict(dropped), notes=notes)


def _value(value: Any, markers: dict, fail: Callable[[str], FormatError]) -> tuple[float | None, str | None, str | None]:
    """(value, status, marker): a JSON number, or a BA marker (NULL with its status), never 0."""
    if isinstance(value, bool) or value is None:
        raise fail(f"value {value!r} is neither a number nor a BA marker {sorted(markers)}")
    if isinstance(value, int | float):
        return float(value), None, None
    if isinstance(value, str) and value.strip() in markers:
        sign = value.strip()
        return None, markers[sign].status, sign
    raise fail(f"value {value!r} is neither a JSON number nor a BA marker {sorted(markers)}")


def client(setup: ClientSetup) -> BAClient:
    return BAClient(setup.source, setup.http, setup.catalog, policy=setup.policy)


def parse(payload: RawPayload, table: SourceTable, catalog: Catalog, batch_id: str) -> ParseResult:
    return parse_answers(payload.data.read(), table, catalog, batch_id)


PROVIDER = Provider("ba", client, parse, regional_selections)
