"""Partner files: skilled-labour figures that partners (IHK, Handwerkskammer, development agency) export
as CSV or XLSX, read from a drop folder or a URL and parsed by a declared mapping per file kind.

A file kind is a catalog table of a `files` source; catalog/partner_files.yaml says where its file is
and which column holds what. A file is one payload, hashed like any other: the same file again is not
parsed, a corrected file opens new vintages of the figures it changes. Parsing is strict: every error
names the file, the row (file line, or sheet row) and the column.

Beyond a plain table (the header in the first line), a kind can declare the shape of a statistics
office's export (the BA's Pendler CSVs): a preamble of "Label";"Value" lines above the header, the
period taken from one of them, expected values of others, a footer that ends the table, repeated header
labels (the n-th occurrence is named `label#n`) and a wildcard `*` for rows deliberately left out.

A kind can also declare a wide table (`wide:`, BIBB's Ausbildungsmarkt tables): measure groups in merged
header cells, a period (year) per sub-column below them, the figures' rows chosen by their label, and the
region named in the title row. A kind with `each_file: true` reads every matching file, each as its own
batch (a table published as one file per region).
"""

from __future__ import annotations

import csv
import io
import re
import shutil
import time
import zipfile
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from email.utils import formatdate
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import httpx
import pyarrow as pa

from catalog import Catalog, Source, SourceTable
from sources.client import RetryPolicy, send
from sources.contract import OBSERVATION_SCHEMA, ParseResult, RawPayload
from sources.errors import FormatError, NoData, ProviderError, TableMissing
from sources.file_kinds import REPEAT, FileKind, load_kinds, plain
from sources.genesis import find_duplicate_keys
from sources.periods import MONTHS, report_month

DROP_FOLDER_ENV = "LABOUR_MONITOR_PARTNER_FILES"
CONTENT_TYPES = {
    ".csv": "text/csv",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
PERIODS = {"A": r"^[0-9]{4}$", "Q": r"^[0-9]{4}-Q[1-4]$", "M": r"^[0-9]{4}-(0[1-9]|1[0-2])$"}
RELEASE = re.compile(r"[0-9]{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12][0-9]|3[01]))?)?")  # 2022, 2022-06 or 2021-07-21
_XLSX_MAGIC = b"PK\x03\x04"


def is_html(data: bytes) -> bool:
    """Whether a body is a web page (a login, error or download page) rather than the exported file."""
    return data.lstrip(b"\xef\xbb\xbf \r\n\t")[:1] == b"<"


class FileError(FormatError):
    """A partner file the mapping cannot read: names the file, and the row and column where there is one."""

    def __init__(self, source: str, table: str, file: str, detail: str, row: int | None = None, column: str | None = None) -> None:
        self.file, self.column = file, column
        where = f"file {file}" + (f", column {column!r}" if column is not None else "")
        super().__init__(source, table, f"{where}: {detail}", row=row)


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
        """Yield the kind's file (with `each_file`: every matching file). A file is read whole: the years select nothing (GX checks its rows against
        the table's declared years), and there is no regional selection."""
        if any((regions or {}).values()):
            raise ValueError(f"source {self.source.id}, table {table.id}: a partner file has no regional selection, got {regions}")
        kind = self.kinds[table.id]
        if kind.url:
            yield self._download(kind)
        else:
            yield from self._read(kind)

    def _read(self, kind: FileKind) -> list[RawPayload]:
        """The kind's file in the drop folder; a kind with `each_file` reads every matching file, each a payload
        of its own (its request names the file, so each file is a batch and is skipped while unchanged)."""
        src = self.source.id
        if self.folder is None:
            raise ProviderError(src, kind.id, f"no drop folder configured: set {DROP_FOLDER_ENV} (files are read from its subfolder {src}/)")
        if not self.folder.is_dir():
            raise NoData(src, kind.id, f"drop folder {self.folder} does not exist")
        found = sorted(p for p in self.folder.glob(kind.file or "") if p.is_file() and p.suffix.lower() in CONTENT_TYPES)
        if not found:
            raise NoData(src, kind.id, f"no .csv or .xlsx file matching {kind.file!r} in {self.folder}")
        if len(found) > 1 and not kind.each_file:
            raise ProviderError(src, kind.id, f"{len(found)} files match {kind.file!r} in {self.folder}: {[p.name for p in found]}; "
                                "keep one per kind (the newest release, or the corrected file)")
        if self.keep_in is not None and self.keep_in.resolve() != self.folder.resolve():
            self.keep_in.mkdir(parents=True, exist_ok=True)
            for old in self.keep_in.glob(kind.file or ""):
                old.unlink()
            for path in found:
                shutil.copyfile(path, self.keep_in / path.name)
        return [self._payload(kind, path) for path in found]

    def _payload(self, kind: FileKind, path: Path) -> RawPayload:
        data = path.read_bytes()
        return RawPayload(
            source_id=self.source.id, table_id=kind.id, url=path.resolve().as_uri(),
            request={"file": path.name} if kind.each_file else {}, body=data, data=data,
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
        if is_html(body):
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


def _labels(cells: list[Any]) -> list[str]:
    """Header labels as the mapping names them: the n-th occurrence of a repeated label is `label#n`."""
    seen: dict[str, int] = {}
    out = []
    for label in (_text(c) for c in cells):
        if not label:
            out.append("")
            continue
        seen[label] = seen.get(label, 0) + 1
        out.append(label if seen[label] == 1 else f"{label}{REPEAT}{seen[label]}")
    return out


def _header(cells: list[Any], line: int, body: list[tuple[int, list[Any]]], kind: FileKind,
            fail: Callable[..., FileError]) -> dict[str, int]:
    """Column label -> position; every column must be declared and every declared column present."""
    positions: dict[str, int] = {}
    for i, label in enumerate(_labels(cells)):
        if not label:
            if any(_text(_at(r, i)) for _, r in body):
                raise fail(f"column {i + 1} holds values but has no label", row=line)
            continue
        positions[label] = i
    unknown = [label for label in positions if label not in kind.columns and label not in kind.ignored]
    if unknown:
        base, sep, n = unknown[0].rpartition(REPEAT)
        repeated = f" (occurrence {n} of the label {base!r} in this header)" if sep and base in positions else ""
        raise fail(f"unknown column{repeated} (not in the mapping of kind {kind.id}; declare it under columns, or under ignore)",
                   row=line, column=unknown[0])
    missing = [c for c in kind.columns if c not in positions]
    if missing:
        raise fail(f"column missing from the header {list(positions)}", row=line, column=missing[0])
    return positions


def _at(cells: list[Any], i: int) -> Any:
    return cells[i] if i < len(cells) else None


Rows = list[tuple[int, list[Any]]]


def _find_header(rows: Rows, kind: FileKind, fail: Callable[..., FileError]) -> int:
    """Index of the header row. Plain kinds: the first row. Kinds with a preamble: the first row whose labels
    are exactly the declared columns (ignored ones included); without one, the row most like it is checked
    as the header, so that the error names the changed or missing label."""
    if not kind.preamble:
        return 0
    wanted = {*kind.columns, *kind.ignored}
    for i, (_, cells) in enumerate(rows):
        labels = [label for label in _labels(cells) if label]
        if len(labels) == len(wanted) and set(labels) == wanted:
            return i
    overlap = [len(wanted & set(_labels(cells))) for _, cells in rows]
    best = max(range(len(rows)), key=lambda i: overlap[i], default=None)
    if best is None or overlap[best] == 0:
        raise fail(f"no header line: no line has the labels of kind {kind.id} {sorted(wanted)}")
    line, cells = rows[best]
    _header(cells, line, rows[best + 1:], kind, fail)  # raises, naming an unknown column or a missing declared one
    labels = [label for label in _labels(cells) if label]
    missing = sorted(wanted - set(labels))
    if missing:  # an ignored column is part of the export's header too
        raise fail(f"column missing from the header {labels} (nearest line to the header of kind {kind.id})", row=line, column=missing[0])
    raise fail(f"line {line} is the nearest to a header but its labels are not exactly those of kind {kind.id}", row=line)


def _metadata(rows: Rows, fail: Callable[..., FileError]) -> dict[str, list[tuple[int, str]]]:
    """Preamble lines "Label";"Value" -> {label without a trailing ':': [(line, value), ...]}."""
    fields: dict[str, list[tuple[int, str]]] = {}
    for line, cells in rows:
        texts = [_text(c) for c in cells]
        while texts and not texts[-1]:
            texts.pop()
        if len(texts) > 2:
            raise fail(f"a preamble line holds more than a label and a value: {texts}", row=line)
        label = texts[0].rstrip(":").strip()
        fields.setdefault(label, []).append((line, texts[1] if len(texts) > 1 else ""))
    return fields


def _field(fields: dict[str, list[tuple[int, str]]], label: str, fail: Callable[..., FileError]) -> tuple[int, str]:
    found = fields.get(label, [])
    if not found:
        raise fail(f"the preamble has no field {label!r} (it has {[f for f in fields if f]})")
    if len({v for _, v in found}) > 1:
        raise fail(f"the preamble gives field {label!r} {len(found)} times with different values: {[v for _, v in found]}", row=found[-1][0])
    return found[0]


def _preamble_period(fields: dict[str, list[tuple[int, str]]], kind: FileKind, freq: str, fail: Callable[..., FileError]) -> str:
    """The period a preamble's report month ("Juni 2023") gives: the year (annual table, the declared month
    only) or YYYY-MM (monthly table)."""
    label = kind.period_field or ""
    line, text = _field(fields, label, fail)
    found = report_month(text)
    if found is None:
        raise fail(f"preamble field {label!r} is {text!r}, not a German month and year such as 'Juni 2023'", row=line)
    year, month = found
    if freq == "A":
        if month != kind.period_month:
            wanted = next(n for n, m in MONTHS.items() if m == kind.period_month)
            raise fail(f"preamble field {label!r} is {text!r}: kind {kind.id} is annual and its figure refers to {wanted}; "
                       "a file for another month is not this table", row=line)
        return year
    return f"{year}-{month:02d}"


def _table_end(body: Rows, kind: FileKind, fail: Callable[..., FileError]) -> Rows:
    """The data rows before the footer; a kind that declares a footer must have one (else the file is cut off)."""
    if not kind.footer:
        return body
    for i, (_, cells) in enumerate(body):
        if next((t for t in map(_text, cells) if t), "").startswith(kind.footer):
            return body[:i]
    last = body[-1][0] if body else None
    raise fail(f"no footer line (starting with {list(kind.footer)}) after the table: the file is cut off or not an export of kind {kind.id}",
               row=last)


def parse_file(data: bytes, name: str, table: SourceTable, catalog: Catalog, batch_id: str, kind: FileKind | None = None) -> ParseResult:
    """Turn a partner file (CSV or XLSX, told apart by content) into observations of its kind's indicators."""
    kind = kind or load_kinds(catalog)[table.id]
    src, tid = table.source, table.id

    def fail(detail: str, row: int | None = None, column: str | None = None) -> FileError:
        return FileError(src, tid, name, detail, row=row, column=column)

    is_xlsx = data[:4] == _XLSX_MAGIC
    if name.lower().endswith(".xlsx") and not is_xlsx:
        raise fail("named .xlsx but not an XLSX workbook")
    if not is_xlsx and is_html(data):
        raise fail("an HTML page, not a CSV export (a login, error or download page saved in place of the file?)")
    rows = list((_xlsx_rows if is_xlsx else _csv_rows)(data, kind, fail))
    rows = [(n, cells) for n, cells in rows if any(_text(c) for c in cells)]  # blank lines carry nothing
    if not rows:
        raise fail("empty file: no header row")
    if kind.wide is not None:
        return _parse_wide(rows, kind, table, catalog, batch_id, fail)
    at = _find_header(rows, kind, fail)
    (line, header), body = rows[at], _table_end(rows[at + 1:], kind, fail)
    col = _header(header, line, body, kind, fail)
    fields = _metadata(rows[:at], fail)
    for label, value in kind.expect.items():
        found_line, found = _field(fields, label, fail)
        if found != value:
            raise fail(f"preamble field {label!r} is {found!r}, a file of kind {kind.id} shows {value!r}", row=found_line)
    file_period = _preamble_period(fields, kind, table.freq, fail) if kind.period_field else None

    period_pattern = re.compile(PERIODS[table.freq])
    indicator_of = kind.indicator_of()
    out: dict[str, list[Any]] = {column: [] for column in OBSERVATION_SCHEMA.names}
    left_out = 0
    for row, cells in body:
        extra = [c for c in cells[len(header):] if _text(c)]
        if extra:
            raise fail(f"row has values beyond the last labelled column: {extra}", row=row)
        key = tuple(_text(_at(cells, col[c])) for c in kind.indicator_columns)
        known, indicator_id = indicator_of(key)
        if not known:
            raise fail(f"unknown indicator {' / '.join(key)!r} (not in the mapping of kind {kind.id})", row=row,
                       column=" / ".join(kind.indicator_columns))
        if indicator_id is None:
            left_out += 1
            continue
        indicator = catalog.indicators[indicator_id]
        region = _region(_text(_at(cells, col[kind.region_column])), kind, catalog,
                         lambda d, row=row: fail(d, row=row, column=kind.region_column))
        period = file_period if kind.period_column is None else _text(_at(cells, col[kind.period_column]))
        if not period_pattern.fullmatch(period or ""):
            raise fail(f"period {period!r} is not in the {table.freq} format {PERIODS[table.freq]}", row=row, column=kind.period_column)
        unit = _text(_at(cells, col[kind.unit_column])) if kind.unit_column is not None else indicator.source_unit
        if unit != indicator.source_unit:
            raise fail(f"unit {unit!r} of {indicator_id} is not the catalog's {indicator.source_unit!r}", row=row, column=kind.unit_column)
        release = None
        if kind.release_column is not None:
            release = _text(_at(cells, col[kind.release_column]))
            if not RELEASE.fullmatch(release):
                raise fail(f"release {release!r} is not a date YYYY, YYYY-MM or YYYY-MM-DD", row=row, column=kind.release_column)
        _fact(out, _at(cells, col[kind.value_column]), kind, table, catalog, batch_id, indicator_id, region, period, row,
              lambda d, row=row: fail(d, row=row, column=kind.value_column), release)
    return _result(out, left_out, len(body), kind, line, fail)


def _fact(out: dict[str, list[Any]], cell: Any, kind: FileKind, table: SourceTable, catalog: Catalog, batch_id: str,
          indicator_id: str, region: str, period: str, row: int, fail: Callable[[str], FileError], release: str | None = None) -> None:
    """Append the observation of one value cell (a number, or a marker: NULL with its status) to `out`."""
    value, status, marker = _value(cell, kind, fail)
    fact = {"indicator_id": indicator_id, "region_code": region, "period": period, "freq": table.freq, "value": value,
            "unit": catalog.indicators[indicator_id].unit, "status": status, "marker": marker, "source_id": table.source,
            "table_id": table.id, "batch_id": batch_id, "source_row": row, "release": release}
    for column, v in fact.items():
        out[column].append(v)


def _result(out: dict[str, list[Any]], left_out: int, rows_read: int, kind: FileKind, line: int,
            fail: Callable[..., FileError]) -> ParseResult:
    """The parsed observations: at least one figure, no figure twice; rows left out by the mapping counted."""
    if not out["indicator_id"]:  # a file that gives nothing is a wrong or empty file, not a quiet night
        raise fail(f"no figure: all {left_out} rows are left out by the mapping of kind {kind.id} (relabelled columns or rows?)"
                   if left_out else "no data rows below the header", row=line)
    obs = pa.table(out, schema=OBSERVATION_SCHEMA)
    dup = find_duplicate_keys(obs) if obs.num_rows else None
    if dup is not None:
        raise fail(f"duplicate figure {dup[1]}", row=dup[0])
    return ParseResult(obs, rows_read=rows_read, dropped={"not_in_catalog": left_out} if left_out else {})


def _region(label: str, kind: FileKind, catalog: Catalog, fail: Callable[[str], FileError]) -> str:
    """The catalog region a label of the file names: mapped under `regions:`, or a catalog code as it is."""
    region = kind.regions.get(label, label if label in catalog.regions else None)
    if region is None:
        known_labels = f"; labels the mapping knows: {sorted(kind.regions)}" if kind.regions else ""
        raise fail(f"unknown region {label!r} (not a region code of catalog/regions.yaml{known_labels})")
    return region


# --- wide tables (`wide:`): groups of columns per measure, a year per column ----------------------------


def _words(cell: Any) -> str:
    return " ".join(_text(cell).split())


def _wide_groups(rows: Rows, kind: FileKind, fail: Callable[..., FileError]) -> tuple[int, int, dict[int, str]]:
    """(index of the group row, its first group column, column -> group). The group row is the first row holding
    every declared group label (compared without footnote markers); a label stands in the first cell of its
    merged range, so an empty cell belongs to the group on its left. A label not declared is an error."""
    groups = {group for _, group in kind.indicators}

    def found(cells: list[Any]) -> list[str]:
        return [plain(_text(c)) for c in cells if _text(c)]

    at = next((i for i, (_, cells) in enumerate(rows) if groups <= set(found(cells))), None)
    if at is None:
        overlap = [len(groups & set(found(cells))) for _, cells in rows]
        best = max(range(len(rows)), key=overlap.__getitem__)
        if overlap[best] == 0:
            raise fail(f"no group header row: no row has the group labels of kind {kind.id} {sorted(groups)}")
        line, cells = rows[best]
        missing = sorted(groups - set(found(cells)))
        raise fail(f"group label missing from the group header row {found(cells)} (renamed or dropped?)", row=line, column=missing[0])
    line, cells = rows[at]
    first = min(k for k, c in enumerate(cells) if plain(_text(c)) in groups)
    by_column: dict[int, str] = {}
    for k in range(first, len(cells)):
        label = plain(_text(cells[k]))
        if label and label not in groups:
            raise fail(f"unknown group (not in the mapping of kind {kind.id}, which has {sorted(groups)})", row=line, column=label)
        by_column[k] = label or by_column[k - 1]
    return at, first, by_column


def _wide_region(rows: Rows, kind: FileKind, catalog: Catalog, line: int, fail: Callable[..., FileError]) -> str:
    """The region the title row names after the declared word ("... im  Arbeitsagenturbezirk Heilbronn")."""
    wide = kind.wide
    assert wide is not None
    after = re.compile(rf"(?:^|\s){re.escape(wide.title)}\s+(.+)$")
    for title_line, cells in rows:
        for cell in cells:
            match = after.search(_words(cell))
            if match:
                return _region(match[1].strip(), kind, catalog, lambda d: fail(f"title row: {d}", row=title_line, column="title"))
    raise fail(f"no title row naming the region after {wide.title!r} above the group header row", row=line)


def _parse_wide(rows: Rows, kind: FileKind, table: SourceTable, catalog: Catalog, batch_id: str,
                fail: Callable[..., FileError]) -> ParseResult:
    """A wide table: the region from the title, a group row and a period row, then rows chosen by their label
    (the last text left of the first group column); the other rows are left out (counted) if `*: ~` says so."""
    wide = kind.wide
    assert wide is not None
    at, first, groups = _wide_groups(rows, kind, fail)
    line = rows[at][0]
    region = _wide_region(rows[:at], kind, catalog, line, fail)
    if at + 1 >= len(rows):
        raise fail("no period row below the group header row", row=line)
    period_line, period_cells = rows[at + 1]
    periods: dict[int, str] = {}
    for k, group in groups.items():
        text = _words(_at(period_cells, k))
        if not text or text in wide.ignore:
            continue
        if not re.fullmatch(r"[0-9]{4}", text):
            raise fail(f"period {text!r} is not a year (nor a sub-column left out under wide: ignore {list(wide.ignore)})",
                       row=period_line, column=group)
        periods[k] = text
    unlabelled = [k for k in groups if not _words(_at(period_cells, k))]
    body = _table_end(rows[at + 2:], kind, fail)
    named = {label for label, _ in kind.indicators}
    seen: set[str] = set()
    out: dict[str, list[Any]] = {column: [] for column in OBSERVATION_SCHEMA.names}
    left_out = 0
    for row, cells in body:
        extra = [c for c in cells[max(groups) + 1:] if _text(c)]
        if extra:
            raise fail(f"row has values beyond the last group column: {extra}", row=row)
        stray = next((k for k in unlabelled if _text(_at(cells, k))), None)
        if stray is not None:
            raise fail(f"a value in a column without a period in row {period_line}", row=row, column=groups[stray])
        label = next((t for t in reversed([_words(c) for c in cells[:first]]) if t), "")
        if label not in named:
            if not label or () not in kind.others:
                raise fail(f"unknown row {label!r} (not in the mapping of kind {kind.id})" if label else "a row with values but no label",
                           row=row, column="row label")
            left_out += 1
            continue
        seen.add(label)
        for k, period in periods.items():
            key = (label, groups[k])
            if key not in kind.indicators:
                raise fail(f"group {groups[k]!r} of row {label!r} is not in the mapping of kind {kind.id}", row=row, column=groups[k])
            indicator_id = kind.indicators[key]
            if indicator_id is not None:
                _fact(out, _at(cells, k), kind, table, catalog, batch_id, indicator_id, region, period, row,
                      lambda d, row=row, k=k, period=period: fail(d, row=row, column=f"{groups[k]} {period}"))
    missing = sorted(named - seen)
    if missing:
        raise fail(f"no row {missing[0]!r} in the table (the mapping of kind {kind.id} loads its figures)",
                   row=body[-1][0] if body else line, column="row label")
    return _result(out, left_out, len(body), kind, line, fail)


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
