"""Partner files: skilled-labour figures that partners (IHK, Handwerkskammer, development agency) export
as CSV or XLSX, read from a drop folder or a URL and parsed by a declared mapping per file kind.

A file kind is a catalog table of a `files` source; catalog/partner_files.yaml says where its file is
and which column holds what. A file is one payload, hashed like any other: the same file again is not
parsed, a corrected file opens new vintages of the figures it changes. Parsing is strict: every error
names the file, the row (file line, or sheet row) and the column.
"""

from __future__ import annotations

import csv
import io
import re
import shutil
import time
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import formatdate
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import httpx
import pyarrow as pa
import yaml

from catalog import CATALOG_DIR, Catalog, CatalogError, Source, SourceTable, Status
from sources.client import RetryPolicy, send
from sources.contract import OBSERVATION_SCHEMA, ParseResult, RawPayload
from sources.errors import FormatError, NoData, ProviderError, TableMissing
from sources.genesis import find_duplicate_keys

KINDS_FILE = CATALOG_DIR / "partner_files.yaml"
DROP_FOLDER_ENV = "LABOUR_MONITOR_PARTNER_FILES"
CONTENT_TYPES = {
    ".csv": "text/csv",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
PERIODS = {"A": r"^[0-9]{4}$", "Q": r"^[0-9]{4}-Q[1-4]$", "M": r"^[0-9]{4}-(0[1-9]|1[0-2])$"}
_XLSX_MAGIC = b"PK\x03\x04"


class FileError(FormatError):
    """A partner file the mapping cannot read: names the file, and the row and column where there is one."""

    def __init__(self, source: str, table: str, file: str, detail: str, row: int | None = None, column: str | None = None) -> None:
        self.file, self.column = file, column
        where = f"file {file}" + (f", column {column!r}" if column is not None else "")
        super().__init__(source, table, f"{where}: {detail}", row=row)


# --------------------------------------------------------------------------------------------
# The mapping of each file kind (catalog/partner_files.yaml)
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class FileKind:
    id: str
    source: str
    file: str | None  # glob in the partner's drop folder
    url: str | None  # or an address to fetch it from
    sheet: str | None
    delimiter: str
    encoding: str
    decimal: str
    thousands: str
    region_column: str
    period_column: str
    indicator_columns: tuple[str, ...]
    value_column: str
    unit_column: str | None
    ignored: tuple[str, ...]
    regions: dict[str, str]  # label in the file -> catalog region code
    indicators: dict[tuple[str, ...], str | None]  # values of the indicator columns -> indicator id (None: left out)
    markers: dict[str, Status]  # string in the value column -> suppressing catalog status

    @property
    def columns(self) -> tuple[str, ...]:
        named = (self.region_column, self.period_column, *self.indicator_columns, self.value_column, self.unit_column)
        return tuple(c for c in named if c is not None)

    def number(self, text: str) -> float | None:
        """The number a text value writes in this kind's notation, or None when it is not one."""
        d, t = re.escape(self.decimal), re.escape(self.thousands)
        plain = rf"-?[0-9]+(?:{d}[0-9]+)?"
        grouped = rf"|-?[0-9]{{1,3}}(?:{t}[0-9]{{3}})+(?:{d}[0-9]+)?" if self.thousands else ""
        if not re.fullmatch(plain + grouped, text):
            return None
        return float((text.replace(self.thousands, "") if self.thousands else text).replace(self.decimal, "."))


_KIND_KEYS = {"id", "file", "url", "sheet", "csv", "numbers", "columns", "regions", "indicators", "markers"}
_COLUMN_KEYS = {"region", "period", "indicator", "value", "unit", "ignore"}


def _flatten(tree: Any, depth: int, where: str, path: tuple[str, ...] = ()) -> dict[tuple[str, ...], str | None]:
    """Nested `indicators:` mapping -> {(value of each indicator column): indicator id}."""
    if len(path) == depth:
        if tree is not None and not isinstance(tree, str):
            raise CatalogError(f"{where}: {' / '.join(path)} must map to an indicator id or ~, got {tree!r}")
        return {path: tree}
    if not isinstance(tree, dict):
        raise CatalogError(f"{where}: expected {depth} levels of labels (one per indicator column), got {tree!r} under {path}")
    out: dict[tuple[str, ...], str | None] = {}
    for label, sub in tree.items():
        out |= _flatten(sub, depth, where, (*path, str(label)))
    return out


def _kind(entry: dict[str, Any], catalog: Catalog, n: int) -> FileKind:
    where = f"{KINDS_FILE.name}: kind {entry.get('id', n)!r}"
    unknown = set(entry) - _KIND_KEYS
    if unknown:
        raise CatalogError(f"{where}: unknown keys {sorted(unknown)}")
    table = catalog.tables.get(entry.get("id", ""))
    if table is None or catalog.sources[table.source].provider != "files":
        raise CatalogError(f"{where}: not a table of a `files` source in indicators.yaml")
    if bool(entry.get("file")) == bool(entry.get("url")):
        raise CatalogError(f"{where}: give either `file` (a glob in the drop folder) or `url`")
    cols = entry.get("columns") or {}
    if set(cols) - _COLUMN_KEYS or not all(cols.get(k) for k in ("region", "period", "indicator", "value")):
        raise CatalogError(f"{where}: columns must name region, period, indicator and value (and may name unit, ignore)")
    indicator_columns = (cols["indicator"],) if isinstance(cols["indicator"], str) else tuple(cols["indicator"])
    named = [cols["region"], cols["period"], *indicator_columns, cols["value"], *([cols["unit"]] if cols.get("unit") else []),
             *(cols.get("ignore") or [])]
    if len(set(named)) != len(named):
        raise CatalogError(f"{where}: a column label is named twice: {named}")
    regions = {str(k): str(v) for k, v in (entry.get("regions") or {}).items()}
    bad = sorted(set(regions.values()) - set(catalog.regions))
    if bad:
        raise CatalogError(f"{where}: regions {bad} are not in regions.yaml")
    indicators = _flatten(entry.get("indicators") or {}, len(indicator_columns), where)
    foreign = sorted(i for i in indicators.values() if i is not None and (i not in catalog.indicators or catalog.indicators[i].table != table.id))
    if foreign:
        raise CatalogError(f"{where}: {foreign} are not indicators of table {table.id!r} in indicators.yaml")
    by_status = {s.status: s for s in catalog.statuses.values()}
    markers = {}
    for sign, status in (entry.get("markers") or {}).items():
        if status not in by_status or not by_status[status].suppressed:
            raise CatalogError(f"{where}: marker {sign!r} must map to a suppressing status of statuses.yaml, got {status!r}")
        markers[str(sign)] = by_status[status]
    numbers = entry.get("numbers") or {}
    decimal, thousands = numbers.get("decimal", ","), numbers.get("thousands", "")
    if decimal not in (",", ".") or thousands not in ("", ".", ",", " ", "'") or decimal == thousands:
        raise CatalogError(f"{where}: numbers: decimal must be ',' or '.', thousands another sign or '', got {numbers!r}")
    csv_opts = entry.get("csv") or {}
    return FileKind(
        id=table.id, source=table.source, file=entry.get("file"), url=entry.get("url"), sheet=entry.get("sheet"),
        delimiter=csv_opts.get("delimiter", ";"), encoding=csv_opts.get("encoding", "utf-8-sig"),
        decimal=decimal, thousands=thousands,
        region_column=cols["region"], period_column=cols["period"], indicator_columns=indicator_columns,
        value_column=cols["value"], unit_column=cols.get("unit"), ignored=tuple(cols.get("ignore") or ()),
        regions=regions, indicators=indicators, markers=markers,
    )


def load_kinds(catalog: Catalog, path: Path = KINDS_FILE) -> dict[str, FileKind]:
    """Every file kind, checked against the catalog; every table of a `files` source must have one."""
    try:
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise CatalogError(f"{path.name}: cannot read: {exc}") from exc
    if not isinstance(doc, dict) or not isinstance(doc.get("kinds"), list):
        raise CatalogError(f"{path.name}: expected a top-level list 'kinds:'")
    kinds: dict[str, FileKind] = {}
    for n, entry in enumerate(doc["kinds"], 1):
        kind = _kind(entry, catalog, n)
        if kind.id in kinds:
            raise CatalogError(f"{path.name}: duplicate kind {kind.id!r}")
        kinds[kind.id] = kind
    unmapped = sorted(t.id for t in catalog.tables.values() if catalog.sources[t.source].provider == "files" and t.id not in kinds)
    if unmapped:
        raise CatalogError(f"{path.name}: tables {unmapped} of `files` sources have no kind")
    return kinds


# --------------------------------------------------------------------------------------------
# Fetching: a drop folder (read directly) or a URL (over httpx, so record and replay work)
# --------------------------------------------------------------------------------------------


class FilesClient:
    """Fetches the files of one partner source as raw payloads.

    `folder`: the partner's drop folder (None: not configured). `keep_in`: record mode, where a copy of
    each file read from the folder is kept for replay.
    """

    def __init__(
        self,
        source: Source,
        kinds: dict[str, FileKind],
        folder: Path | None,
        http: httpx.Client,
        policy: RetryPolicy = RetryPolicy(),
        sleep: Callable[[float], None] = time.sleep,
        keep_in: Path | None = None,
    ) -> None:
        self.source, self.kinds, self.folder, self.http = source, kinds, folder, http
        self.policy, self.sleep, self.keep_in = policy, sleep, keep_in

    def fetch(self, table: SourceTable, startyear: int, endyear: int, regions: dict[str, str] | None = None) -> Iterator[RawPayload]:
        """Yield the kind's file. A file is read whole: the years select nothing (GX checks its rows against
        the table's declared years), and there is no regional selection."""
        if any((regions or {}).values()):
            raise ValueError(f"source {self.source.id}, table {table.id}: a partner file has no regional selection, got {regions}")
        kind = self.kinds[table.id]
        yield self._download(kind) if kind.url else self._read(kind)

    def _read(self, kind: FileKind) -> RawPayload:
        src = self.source.id
        if self.folder is None:
            raise ProviderError(src, kind.id, f"no drop folder configured: set {DROP_FOLDER_ENV} (files are read from its subfolder {src}/)")
        if not self.folder.is_dir():
            raise NoData(src, kind.id, f"drop folder {self.folder} does not exist")
        found = sorted(p for p in self.folder.glob(kind.file or "") if p.is_file() and p.suffix.lower() in CONTENT_TYPES)
        if not found:
            raise NoData(src, kind.id, f"no .csv or .xlsx file matching {kind.file!r} in {self.folder}")
        if len(found) > 1:
            raise ProviderError(src, kind.id, f"{len(found)} files match {kind.file!r} in {self.folder}: {[p.name for p in found]}; "
                                "keep one per kind (the newest release, or the corrected file)")
        path = found[0]
        data = path.read_bytes()
        if self.keep_in is not None and self.keep_in.resolve() != self.folder.resolve():
            self.keep_in.mkdir(parents=True, exist_ok=True)
            for old in self.keep_in.glob(kind.file or ""):
                old.unlink()
            shutil.copyfile(path, self.keep_in / path.name)
        return RawPayload(
            source_id=src, table_id=kind.id, url=path.resolve().as_uri(), request={}, body=data, data=data,
            content_type=CONTENT_TYPES[path.suffix.lower()], fetched_at=datetime.now(UTC),
            last_modified=formatdate(path.stat().st_mtime, usegmt=True),
        )

    def _download(self, kind: FileKind) -> RawPayload:
        src, url = self.source.id, kind.url or ""
        response = send(self.http, self.http.build_request("GET", url), source=src, table=kind.id, policy=self.policy, sleep=self.sleep)
        if response.is_redirect:
            raise ProviderError(src, kind.id, f"HTTP {response.status_code} redirect from {url} to {response.headers.get('location')!r}: "
                                "set the new address in catalog/partner_files.yaml (redirects are not followed)")
        if response.status_code == 404:
            raise TableMissing(src, kind.id, f"HTTP 404: no file at {url}")
        if response.status_code >= 400:
            raise ProviderError(src, kind.id, f"HTTP {response.status_code} for {url}")
        body = response.content
        if body.lstrip(b"\xef\xbb\xbf \r\n\t")[:1] == b"<":
            raise FormatError(src, kind.id, f"{url} answered with an HTML page, not a CSV or XLSX file (a login or error page?)")
        return RawPayload(
            source_id=src, table_id=kind.id, url=url, request={}, body=body, data=body,
            content_type=response.headers.get("content-type", ""), fetched_at=datetime.now(UTC),
            etag=response.headers.get("etag"), last_modified=response.headers.get("last-modified"),
        )


# --------------------------------------------------------------------------------------------
# Parsing
# --------------------------------------------------------------------------------------------


def file_name(url: str) -> str:
    """The file's name from its address (a file: URI or an http(s) URL)."""
    return Path(urlparse(url).path).name or url


def _text(cell: Any) -> str:
    """A cell as the text it shows: XLSX numbers without a trailing .0, strings stripped."""
    if cell is None:
        return ""
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    return str(cell).strip()


def _csv_rows(data: bytes, kind: FileKind, fail: Callable[..., FileError]) -> Iterator[tuple[int, list[Any]]]:
    try:
        text = data.decode(kind.encoding)
    except UnicodeDecodeError as exc:
        raise fail(f"not {kind.encoding} text ({exc.reason} at byte {exc.start}); save the export as {kind.encoding}") from None
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=kind.delimiter)
    try:
        for cells in reader:
            yield reader.line_num, cells
    except csv.Error as exc:
        raise fail(f"malformed CSV: {exc}", row=reader.line_num) from None


def _xlsx_rows(data: bytes, kind: FileKind, fail: Callable[..., FileError]) -> Iterator[tuple[int, list[Any]]]:
    from openpyxl import load_workbook  # only XLSX needs it

    try:
        book = load_workbook(io.BytesIO(data), data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise fail(f"not a readable XLSX workbook: {exc}") from None
    if kind.sheet is not None and kind.sheet not in book.sheetnames:
        raise fail(f"no sheet {kind.sheet!r}; the workbook has {book.sheetnames}")
    sheet = book[kind.sheet] if kind.sheet is not None else book.worksheets[0]
    for number, cells in enumerate(sheet.iter_rows(values_only=True), start=1):
        yield number, list(cells)


def _header(cells: list[Any], line: int, body: list[tuple[int, list[Any]]], kind: FileKind,
            fail: Callable[..., FileError]) -> dict[str, int]:
    """Column label -> position; every column must be declared and every declared column present."""
    positions: dict[str, int] = {}
    for i, label in enumerate(_text(c) for c in cells):
        if not label:
            if any(_text(_at(r, i)) for _, r in body):
                raise fail(f"column {i + 1} holds values but has no label", row=line)
            continue
        if label in positions:
            raise fail("label appears twice in the header", row=line, column=label)
        positions[label] = i
    unknown = [label for label in positions if label not in kind.columns and label not in kind.ignored]
    if unknown:
        raise fail(f"unknown column (not in the mapping of kind {kind.id}; declare it under columns, or under ignore)",
                   row=line, column=unknown[0])
    missing = [c for c in kind.columns if c not in positions]
    if missing:
        raise fail(f"column missing from the header {list(positions)}", row=line, column=missing[0])
    return positions


def _at(cells: list[Any], i: int) -> Any:
    return cells[i] if i < len(cells) else None


def parse_file(data: bytes, name: str, table: SourceTable, catalog: Catalog, batch_id: str, kind: FileKind | None = None) -> ParseResult:
    """Turn a partner file (CSV or XLSX, told apart by content) into observations of its kind's indicators."""
    kind = kind or load_kinds(catalog)[table.id]
    src, tid = table.source, table.id

    def fail(detail: str, row: int | None = None, column: str | None = None) -> FileError:
        return FileError(src, tid, name, detail, row=row, column=column)

    is_xlsx = data[:4] == _XLSX_MAGIC
    if name.lower().endswith(".xlsx") and not is_xlsx:
        raise fail("named .xlsx but not an XLSX workbook")
    rows = list((_xlsx_rows if is_xlsx else _csv_rows)(data, kind, fail))
    rows = [(n, cells) for n, cells in rows if any(_text(c) for c in cells)]  # blank lines carry nothing
    if not rows:
        raise fail("empty file: no header row")
    (line, header), body = rows[0], rows[1:]
    col = _header(header, line, body, kind, fail)

    period_pattern = re.compile(PERIODS[table.freq])
    out: dict[str, list[Any]] = {column: [] for column in OBSERVATION_SCHEMA.names}
    left_out = 0
    for row, cells in body:
        extra = [c for c in cells[len(header):] if _text(c)]
        if extra:
            raise fail(f"row has values beyond the last labelled column: {extra}", row=row)
        key = tuple(_text(_at(cells, col[c])) for c in kind.indicator_columns)
        if key not in kind.indicators:
            raise fail(f"unknown indicator {' / '.join(key)!r} (not in the mapping of kind {kind.id})", row=row,
                       column=" / ".join(kind.indicator_columns))
        indicator_id = kind.indicators[key]
        if indicator_id is None:
            left_out += 1
            continue
        indicator = catalog.indicators[indicator_id]
        label = _text(_at(cells, col[kind.region_column]))
        region = kind.regions.get(label, label if label in catalog.regions else None)
        if region is None:
            raise fail(f"unknown region {label!r} (known labels: {sorted(kind.regions)})", row=row, column=kind.region_column)
        period = _text(_at(cells, col[kind.period_column]))
        if not period_pattern.fullmatch(period):
            raise fail(f"period {period!r} is not in the {table.freq} format {PERIODS[table.freq]}", row=row, column=kind.period_column)
        unit = _text(_at(cells, col[kind.unit_column])) if kind.unit_column is not None else indicator.source_unit
        if unit != indicator.source_unit:
            raise fail(f"unit {unit!r} of {indicator_id} is not the catalog's {indicator.source_unit!r}", row=row, column=kind.unit_column)
        value, status, marker = _value(_at(cells, col[kind.value_column]), kind,
                                       lambda d, row=row: fail(d, row=row, column=kind.value_column))
        fact = {"indicator_id": indicator_id, "region_code": region, "period": period, "freq": table.freq, "value": value,
                "unit": indicator.unit, "status": status, "marker": marker, "source_id": src, "table_id": tid,
                "batch_id": batch_id, "source_row": row}
        for column, v in fact.items():
            out[column].append(v)

    obs = pa.table(out, schema=OBSERVATION_SCHEMA)
    dup = find_duplicate_keys(obs) if obs.num_rows else None
    if dup is not None:
        raise fail(f"duplicate figure {dup[1]}", row=dup[0])
    return ParseResult(obs, rows_read=len(body), dropped={"not_in_catalog": left_out} if left_out else {})


def _value(cell: Any, kind: FileKind, fail: Callable[[str], FileError]) -> tuple[float | None, str | None, str | None]:
    """(value, status, marker) of a value cell: a number, or a marker of the kind (NULL with its status)."""
    if isinstance(cell, bool):
        raise fail(f"a truth value ({cell}) is not a figure")
    if isinstance(cell, int | float):
        return float(cell), None, None
    text = _text(cell)
    if text in kind.markers:
        return None, kind.markers[text].status, text
    number = kind.number(text)
    if number is None:
        notation = f"decimal {kind.decimal!r}" + (f", thousands {kind.thousands!r}" if kind.thousands else ", no thousands separator")
        raise fail(f"value {text!r} is neither a number ({notation}) nor a marker of this kind {sorted(kind.markers)}")
    return number, None, None


def parse_payload(payload: RawPayload, table: SourceTable, catalog: Catalog, batch_id: str) -> ParseResult:
    """`parse_file` for a fetched payload, naming the file it came from."""
    return parse_file(payload.data, file_name(payload.url), table, catalog, batch_id)
