"""GENESIS REST 2020 (Regionaldatenbank Deutschland, GENESIS-Online): fetch tables, parse flat files.

The API as it stands since July 2025: POST with a form body, credentials in the `username` and
`password` headers (an API token goes as username with an empty password), a zip for
`data/tablefile?format=ffcsv`, a JSON envelope (`Status.Code`) or a flat `{"Code", "Content"}`
error for everything else, often with HTTP 200. See README.md, "GENESIS", for the quirks.
"""

from __future__ import annotations

import io
import json
import logging
import os
import re
import time
import zipfile
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import httpx
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from catalog import Catalog, Source, SourceTable
from sources.client import RetryPolicy, send
from sources.contract import OBSERVATION_KEY, OBSERVATION_SCHEMA, ParseResult, RawPayload
from sources.errors import (
    AuthError,
    FormatError,
    NoData,
    ProviderError,
    SourceError,
    TableMissing,
    TooLarge,
    TransientError,
)
from transforms.markers import apply_markers
from transforms.regions import classify

log = logging.getLogger(__name__)

REGIONAL_VARIABLES = frozenset({"DINSG", "DLAND", "REGBEZ", "KREISE", "GEMEIN", "GEMVB"})
# The regional variable a request selects for each catalog level; the country (DINSG) takes no key.
REGIONAL_VARIABLE_BY_LEVEL = {"kreis": "KREISE", "regbez": "REGBEZ", "state": "DLAND", "country": "DINSG"}


def regional_selections(codes_by_level: dict[str, set[str]]) -> list[tuple[tuple[str, str], ...]]:
    """GENESIS takes one regional variable per request: one selection per level, in the order Kreise,
    Regierungsbezirke, state, Germany."""
    return [
        (("regionalvariable", variable),) + (() if level == "country" else (("regionalkey", ",".join(sorted(codes_by_level[level]))),))
        for level, variable in REGIONAL_VARIABLE_BY_LEVEL.items() if level in codes_by_level
    ]
_RESULT_NAME = re.compile(r"(?<=:\s)\S*_\d+")
_PERIOD = {"JAHR": r"^[0-9]{4}$", "STAG": r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"}


# --------------------------------------------------------------------------------------------
# Fetching
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Credentials:
    username: str
    password: str = ""

    @classmethod
    def from_env(cls, source: Source) -> Credentials | None:
        user = os.environ.get(source.credentials_env.get("username", ""), "")
        return cls(user, os.environ.get(source.credentials_env.get("password", ""), "")) if user else None

    @property
    def is_token(self) -> bool:
        return self.password == ""

    def headers(self) -> dict[str, str]:
        return {"username": self.username, "password": self.password}

    def __repr__(self) -> str:  # never show the secret, not even in a traceback
        return "Credentials(username='***', password='***')"


class GenesisClient:
    """Fetches GENESIS tables as raw payloads. One instance per source (host)."""

    def __init__(
        self,
        source: Source,
        http: httpx.Client,
        credentials: Credentials | None = None,
        policy: RetryPolicy = RetryPolicy(),
        sleep: Callable[[float], None] = time.sleep,
        poll_interval: float = 30.0,
        max_polls: int = 240,
        language: str = "de",
    ) -> None:
        self.source, self.http, self.credentials = source, http, credentials
        self.policy, self.sleep = policy, sleep
        self.poll_interval, self.max_polls, self.language = poll_interval, max_polls, language

    # -- low level -------------------------------------------------------------------------

    def _post(self, method: str, form: dict[str, str], table: str | None) -> httpx.Response:
        headers = {"Content-Type": "application/x-www-form-urlencoded; charset=UTF-8"}
        if self.credentials:
            headers |= self.credentials.headers()
        request = self.http.build_request("POST", self.source.base_url + method, data=form, headers=headers)
        response = send(self.http, request, source=self.source.id, table=table, policy=self.policy, sleep=self.sleep)
        if response.is_redirect:
            raise ProviderError(
                self.source.id,
                table,
                f"HTTP {response.status_code} redirect to {response.headers.get('location')!r}: the API moved; "
                "set the new base_url in catalog/sources.yaml (redirects are not followed with credentials)",
            )
        return response

    def _envelope(self, response: httpx.Response, table: str | None) -> dict[str, Any]:
        """Parse a JSON answer and raise the typed error its status code stands for."""
        body = response.content.lstrip(b"\xef\xbb\xbf").lstrip()
        if body[:1] == b"<":
            raise FormatError(
                self.source.id, table, f"HTTP {response.status_code}: an HTML page instead of data (maintenance page or wrong URL)"
            )
        try:
            doc = json.loads(body)
        except ValueError as exc:
            raise FormatError(
                self.source.id, table, f"HTTP {response.status_code}: neither a zip nor JSON ({body[:60]!r}…)"
            ) from exc
        if not isinstance(doc, dict):  # e.g. a bare list or string: no envelope to read a code from
            raise FormatError(self.source.id, table, f"JSON answer without a status code: {str(doc)[:120]}")
        status = doc.get("Status") if isinstance(doc.get("Status"), dict) else doc
        code, text = status.get("Code"), str(status.get("Content", ""))
        if not isinstance(code, int):
            raise FormatError(self.source.id, table, f"JSON answer without a status code: {str(doc)[:120]}")
        src = self.source.id
        if code == 15:
            env = "/".join(self.source.credentials_env.values())
            raise AuthError(src, table, f"code 15, no credentials recognised: set {env} ({text})")
        if code == 2 and (response.status_code in (401, 403, 404) or "Passwort" in text or "password" in text.lower()):
            raise AuthError(src, table, f"code 2, the credentials were rejected ({text})")
        if code == 90:
            raise TableMissing(src, table, f"code 90, the table does not exist ({text})")
        if code in (103, 104):
            raise NoData(src, table, f"code {code}, no data for this selection ({text})")
        if code == 98:
            raise TooLarge(src, table, f"code 98, too large for a direct download ({text})")
        if code == -1:
            raise ProviderError(src, table, f"code -1, system error of the provider ({text})")
        if code == 22:
            log.warning("source %s, table %s: code 22, the provider adjusted a parameter (%s)", src, table, text)
        elif code not in (0, 99):
            raise ProviderError(src, table, f"code {code}: {text}")
        if response.status_code >= 400:
            raise ProviderError(src, table, f"HTTP {response.status_code} with code {code}: {text}")
        return doc

    def _data(self, response: httpx.Response, table: str) -> bytes:
        """The flat file inside a tablefile answer; any other answer raises its typed error."""
        body = response.content
        if body[:2] == b"PK":
            try:
                with zipfile.ZipFile(io.BytesIO(body)) as zf:
                    members = [n for n in zf.namelist() if n.endswith(".csv")]
                    if len(members) != 1:
                        raise FormatError(self.source.id, table, f"zip holds {zf.namelist()}, expected one .csv")
                    return zf.read(members[0])
            except (zipfile.BadZipFile, EOFError, zlib.error) as exc:
                raise FormatError(self.source.id, table, f"truncated or corrupt zip ({len(body)} bytes): {exc}") from exc
        if response.headers.get("content-type", "").startswith("text/csv"):
            return body  # an uncompressed flat file (regio before its 2025 move); the parser checks the layout
        doc = self._envelope(response, table)
        raise FormatError(self.source.id, table, f"expected a flat file, got status {doc.get('Status')}")

    # -- endpoints -------------------------------------------------------------------------

    def metadata(self, table: str) -> dict[str, Any]:
        """`metadata/table`: the table's structure, time range and `Updated` stamp."""
        response = self._post("metadata/table", {"name": table, "area": "all", "language": self.language}, table)
        return self._envelope(response, table).get("Object") or {}

    def _tablefile_form(self, table: str, startyear: int, endyear: int, job: bool, regions: dict[str, str]) -> dict[str, str]:
        return regions | {
            "name": table,
            "area": "all",
            "compress": "false",
            "format": "ffcsv",
            "language": self.language,
            "quality": "on",
            "startyear": str(startyear),
            "endyear": str(endyear),
            "job": "true" if job else "false",
        }

    def _payload(self, table: str, form: dict[str, str], response: httpx.Response, updated: str | None) -> RawPayload:
        return RawPayload(
            source_id=self.source.id,
            table_id=table,
            url=str(response.request.url),
            request=form,
            body=response.content,
            data=self._data(response, table),
            content_type=response.headers.get("content-type", ""),
            fetched_at=datetime.now(UTC),
            etag=response.headers.get("etag"),
            last_modified=response.headers.get("last-modified"),
            provider_updated=updated,
        )

    def fetch(
        self, table: SourceTable, startyear: int, endyear: int, regions: dict[str, str] | None = None
    ) -> Iterator[RawPayload]:
        """Yield the table for the years, split into smaller year ranges while the provider says code 98.

        `regions`: a regional selection, GENESIS `regionalvariable` (KREISE, DLAND, …) and `regionalkey`
        (AGS list, `*` wildcard); none = every region of the table.
        """
        regions = {k: v for k, v in (regions or {}).items() if v}
        unknown = set(regions) - {"regionalvariable", "regionalkey"}
        if unknown:
            raise ValueError(f"source {self.source.id}, table {table.id}: unknown regional selection {sorted(unknown)}")
        updated = self.metadata(table.id).get("Updated")
        yield from self._fetch_range(table.id, startyear, endyear, updated, regions)

    def _fetch_range(self, table: str, start: int, end: int, updated: str | None, regions: dict[str, str]) -> Iterator[RawPayload]:
        form = self._tablefile_form(table, start, end, job=False, regions=regions)
        try:
            yield self._payload(table, form, self._post("data/tablefile", form, table), updated)
        except TooLarge:
            if start < end:
                mid = (start + end) // 2
                log.info("source %s, table %s: %d-%d too large, splitting", self.source.id, table, start, end)
                yield from self._fetch_range(table, start, mid, updated, regions)
                yield from self._fetch_range(table, mid + 1, end, updated, regions)
            elif self.credentials and not self.credentials.is_token:
                yield self._job(table, start, end, updated, regions)
            else:
                raise TooLarge(
                    self.source.id,
                    table,
                    f"year {start} alone exceeds the download limit; the job flow needs a user name and password (a token cannot start jobs)",
                ) from None

    def _job(self, table: str, start: int, end: int, updated: str | None, regions: dict[str, str]) -> RawPayload:
        """The background-job flow: tablefile job=true (code 99), poll catalogue/results, then data/resultfile."""
        form = self._tablefile_form(table, start, end, job=True, regions=regions)
        doc = self._envelope(self._post("data/tablefile", form, table), table)
        match = _RESULT_NAME.search(doc["Status"]["Content"])
        if doc["Status"]["Code"] != 99 or not match:
            raise ProviderError(self.source.id, table, f"job not created: {doc['Status']}")
        result = match.group(0)
        poll = {"selection": result, "area": "user", "pagelength": "1", "language": self.language}
        for _ in range(self.max_polls):
            try:
                listing = self._envelope(self._post("catalogue/results", poll, table), table)
                if listing.get("List"):
                    break
            except NoData:  # code 104: the job is not finished yet
                pass
            self.sleep(self.poll_interval)
        else:
            raise TransientError(self.source.id, table, f"job {result} not finished after {self.max_polls} polls")
        form = {"name": result, "area": "user", "compress": "false", "format": "ffcsv", "language": self.language}
        return self._payload(table, form, self._post("data/resultfile", form, table), updated)


# --------------------------------------------------------------------------------------------
# Parsing the flat file (ffcsv)
# --------------------------------------------------------------------------------------------

FIXED_COLUMNS = ("statistics_code", "time_code", "time", "value", "value_unit", "value_variable_code")


def _read_flat(data: bytes, source: str, table: str) -> pa.Table:
    """Read the flat file as strings (no quoting in ffcsv), leaving out the label columns nobody uses."""
    header = data[: data.find(b"\n")] if b"\n" in data else data
    try:
        columns = header.decode("utf-8-sig").rstrip("\r").split(";")
    except UnicodeDecodeError as exc:
        raise FormatError(source, table, f"header is not UTF-8: {exc}") from exc
    if columns[0].startswith("Statistik_Code"):
        raise FormatError(source, table, "the old GENESIS-v4 flat-file layout (German headers, one column per content); request format=ffcsv from the REST 2020 API")
    missing = [c for c in FIXED_COLUMNS if c not in columns]
    if missing:
        raise FormatError(source, table, f"changed columns: {missing} missing from the header {columns}")
    try:
        return pacsv.read_csv(
            pa.BufferReader(data),
            read_options=pacsv.ReadOptions(use_threads=True, block_size=1 << 24),
            parse_options=pacsv.ParseOptions(delimiter=";", quote_char=False, newlines_in_values=False),
            convert_options=pacsv.ConvertOptions(
                column_types={c: pa.string() for c in columns},
                include_columns=[c for c in columns if not c.endswith("_label")],
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
            ),
        )
    except pa.ArrowInvalid as exc:
        raise FormatError(source, table, f"malformed flat file (truncated, changed rows or not UTF-8): {exc}") from exc


def _blocks(flat: pa.Table) -> list[int]:
    blocks, n = [], 1
    while f"{n}_variable_code" in flat.column_names:
        blocks.append(n)
        n += 1
    return blocks


def _fail_rows(exc: type[SourceError], source: str, table: str, mask: pa.Array, what: str, values: pa.Array) -> None:
    """Raise `exc` naming the first row where `mask` is true (file line = index + 2), if any."""
    idx = pc.indices_nonzero(pc.fill_null(mask, False)).to_pylist()
    if idx:
        raise exc(source, table, f"{what}: {values[idx[0]].as_py()!r} ({len(idx)} rows)", row=idx[0] + 2)


_SEP = "\x1f"


def _match_indicators(
    flat: pa.Table, blocks: list[int], region_block: pa.Array, table: SourceTable, catalog: Catalog
) -> tuple[pa.Array, pa.Array]:
    """Indicator id and unit of every row (NULL: not in the catalog).

    A row's shape is its content code, unit and classifying variable/attribute pairs (the regional block
    blanked). A file has few shapes however long it is, so the catalog's filters are checked per shape and
    the answer is mapped back to the rows: one pass over the file instead of one per indicator.
    """
    src, tid = table.source, table.id
    parts = [flat.column("value_variable_code"), flat.column("value_unit"), pc.cast(region_block, pa.string())]
    for b in blocks:
        is_region = pc.fill_null(pc.equal(region_block, b), False)
        parts += [flat.column(f"{b}_variable_code"), pc.if_else(is_region, "", flat.column(f"{b}_variable_attribute_code"))]
    shape = pc.binary_join_element_wise(*parts, _SEP)
    shape = (shape.combine_chunks() if isinstance(shape, pa.ChunkedArray) else shape).dictionary_encode()
    shapes = [s.split(_SEP) for s in shape.dictionary.to_pylist()]
    contents = sorted({sh[0] for sh in shapes})
    chosen: list = [None] * len(shapes)
    for ind in catalog.indicators_for(tid):
        content = ind.content
        if content is None:
            if len(contents) != 1:
                raise FormatError(src, tid, f"indicator {ind.id} has no content code in the catalog and the file offers {contents}")
            content = contents[0]
        for k, (code, unit, reg_block, *pairs) in enumerate(shapes):
            classifications = [(pairs[2 * j], pairs[2 * j + 1]) for j, b in enumerate(blocks) if str(b) != reg_block]
            # every classifying variable at the filtered attribute, or at its total ("")
            if code != content or any(attr != ind.filters.get(var, "") for var, attr in classifications):
                continue
            rows = pc.equal(shape.indices, k)
            if chosen[k] is not None:
                _fail_rows(FormatError, src, tid, rows, f"row matches two indicators ({chosen[k].id} and {ind.id})", flat.column("value_variable_code"))
            chosen[k] = ind
            if unit != ind.source_unit:
                _fail_rows(FormatError, src, tid, rows, f"unit of {ind.id} changed (catalog: {ind.source_unit!r})", flat.column("value_unit"))
    indicator = pc.take(pa.array([i.id if i else None for i in chosen], pa.string()), shape.indices)
    units = pc.take(pa.array([i.unit if i else None for i in chosen], pa.string()), shape.indices)
    return indicator, units


def parse_tablefile(data: bytes, table: SourceTable, catalog: Catalog, batch_id: str) -> ParseResult:
    """Turn a GENESIS ffcsv flat file into observations of the catalog's indicators for `table`.

    Row numbers in errors are file lines (the header is line 1).
    """
    src, tid = table.source, table.id
    flat = _read_flat(data, src, tid)
    n = flat.num_rows
    blocks = _blocks(flat)
    row_no = pa.array(np.arange(2, n + 2, dtype=np.int64))

    # The regional variable can differ between rows (DINSG/DLAND/REGBEZ/KREISE in one file).
    region = pa.nulls(n, pa.string())
    region_block = pa.nulls(n, pa.int64())
    for b in blocks:
        is_regional = pc.is_in(flat.column(f"{b}_variable_code"), value_set=pa.array(sorted(REGIONAL_VARIABLES)))
        region = pc.coalesce(region, pc.if_else(is_regional, flat.column(f"{b}_variable_attribute_code"), None))
        region_block = pc.coalesce(region_block, pc.if_else(is_regional, pa.scalar(b, pa.int64()), None))
    _fail_rows(FormatError, src, tid, pc.is_null(region), "row without a regional variable", flat.column("statistics_code"))
    region = region.combine_chunks() if isinstance(region, pa.ChunkedArray) else region

    indicator, unit = _match_indicators(flat, blocks, region_block, table, catalog)

    dropped: dict[str, int] = {}
    wanted_rows = pc.is_valid(indicator)
    dropped["not_in_catalog"] = n - pc.sum(wanted_rows).as_py() if n else 0

    keep, reason = classify(region, catalog)
    unknown = pc.and_(wanted_rows, pc.equal(pc.fill_null(reason, ""), "unknown_region"))
    _fail_rows(FormatError, src, tid, unknown, "unknown region code", region)
    for why in ("berlin_district", "out_of_scope"):
        dropped[why] = pc.sum(pc.and_(wanted_rows, pc.equal(pc.fill_null(reason, ""), why))).as_py() or 0
    mask = pc.and_(wanted_rows, keep)

    time_code = flat.column("time_code")
    period = flat.column("time")
    for code in pc.unique(pc.filter(time_code, mask)).to_pylist():
        pattern = _PERIOD.get(code)
        if pattern is None:
            _fail_rows(FormatError, src, tid, pc.and_(mask, pc.equal(time_code, code)), "unsupported time variable", time_code)
        bad = pc.and_(pc.and_(mask, pc.equal(time_code, code)), pc.invert(pc.match_substring_regex(period, pattern)))
        _fail_rows(FormatError, src, tid, bad, f"period not in the {code} format", period)

    sel = pc.indices_nonzero(mask)
    sub = flat.select([c for c in ("time", "value", "value_q") if c in flat.column_names]).take(sel)
    del flat, time_code, period  # the wide table is the largest thing alive: free it before building rows
    flags = sub.column("value_q") if "value_q" in sub.column_names else None
    marked = apply_markers(sub.column("value").combine_chunks(), flags.combine_chunks() if flags is not None else None, catalog.statuses)
    sub_rows = pc.take(row_no, sel)
    if marked.bad_value_rows:
        i = marked.bad_value_rows[0]
        raise FormatError(src, tid, f"value is neither a number nor a known marker: {sub.column('value')[i].as_py()!r} ({len(marked.bad_value_rows)} rows)", row=sub_rows[i].as_py())
    if marked.bad_flag_rows:
        i = marked.bad_flag_rows[0]
        raise FormatError(src, tid, f"unknown quality flag {flags[i].as_py()!r}", row=sub_rows[i].as_py())

    def const(value: str) -> pa.Array:
        return pa.repeat(pa.scalar(value, pa.string()), len(sel))

    obs = pa.table(
        {
            "indicator_id": pc.take(indicator, sel),
            "region_code": pc.take(region, sel),
            "period": sub.column("time"),
            "freq": const(table.freq),
            "value": marked.value,
            "unit": pc.take(unit, sel),
            "status": marked.status,
            "marker": marked.marker,
            "source_id": const(src),
            "table_id": const(tid),
            "batch_id": const(batch_id),
            "source_row": sub_rows,
            "release": pa.nulls(len(sel), pa.string()),
        }
    )
    del sub, marked
    # Arrow's allocator keeps freed blocks; hand them back so that loading does not stack on the parse peak.
    pa.default_memory_pool().release_unused()
    obs, notes, unpublished = drop_unpublished_newest(obs)
    dropped["not_yet_published"] = unpublished
    dup = find_duplicate_keys(obs)
    if dup is not None:
        raise FormatError(src, tid, f"duplicate observation {dup[1]}", row=dup[0])
    return ParseResult(obs.cast(OBSERVATION_SCHEMA), rows_read=n, dropped={k: v for k, v in dropped.items() if v}, notes=notes)


def drop_unpublished_newest(obs: pa.Table) -> tuple[pa.Table, list[str], int]:
    """Drop the newest period of an indicator at a regional level when all its values are "-".

    GENESIS answers a period whose Kreis figures are not loaded yet with "-" everywhere; that is
    "not yet published", not a column of zeros or of true nothings.
    """
    if obs.num_rows == 0:
        return obs, [], 0
    df = obs.select(["indicator_id", "region_code", "period", "marker"]).to_pandas()
    df["level"] = df["region_code"].str.len()
    newest = df.groupby(["indicator_id", "level"])["period"].transform("max")
    in_newest = df["period"] == newest
    all_dash = df[in_newest].groupby(["indicator_id", "level", "period"])["marker"].agg(lambda m: bool((m == "-").all()))
    unpublished = all_dash[all_dash]
    if unpublished.empty:
        return obs, [], 0
    drop = pd.MultiIndex.from_frame(df[["indicator_id", "level", "period"]]).isin(unpublished.index)
    notes = [f"{i} {p} (region code length {lv}): all values '-', taken as not yet published" for i, lv, p in unpublished.index]
    return obs.filter(pa.array(~drop)), notes, int(drop.sum())


def find_duplicate_keys(obs: pa.Table) -> tuple[int, str] | None:
    """The last file line and text of a repeated (indicator, region, period, release), or None.

    The key columns are dictionary-encoded into one integer per row: much faster than grouping by
    string columns on a large batch. A NULL (no release) is a value of its own.
    """
    key = np.zeros(obs.num_rows, dtype=np.int64)
    for name in OBSERVATION_KEY:
        encoded = pc.dictionary_encode(obs.column(name).combine_chunks(), null_encoding="encode")
        key = key * len(encoded.dictionary) + encoded.indices.to_numpy(zero_copy_only=False)
    repeated = pd.Series(key).duplicated(keep=False).to_numpy()
    if not repeated.any():
        return None
    first = key[repeated.argmax()]
    rows = np.flatnonzero(key == first)
    r = obs.slice(int(rows[0]), 1).to_pylist()[0]
    last_row = int(pc.max(pc.take(obs.column("source_row"), pa.array(rows))).as_py())
    release = f" (release {r['release']})" if r["release"] else ""
    return last_row, f"{r['indicator_id']} / {r['region_code']} / {r['period']}{release} appears {len(rows)} times"
