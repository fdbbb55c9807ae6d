"""Parsing a partner file (CSV or XLSX, told apart by content) by its kind's mapping: every error names the
file, the row (file line, or sheet row) and the column."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlparse

from catalog import Catalog, SourceTable
from catalog.partner_files import FileKind, load_kinds
from sources.base import is_html
from sources.contract import ParseResult, RawPayload
from sources.files.cells import FileError, csv_rows, cell_text, xlsx_rows
from sources.files.long import parse_long
from sources.files.wide import parse_wide

_XLSX_MAGIC = b"PK\x03\x04"


def file_name(url: str) -> str:
    """The file's name from its address (a file: URI or an http(s) URL)."""
    return Path(urlparse(url).path).name or url


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
    rows = list((xlsx_rows if is_xlsx else csv_rows)(data, kind, fail))
    rows = [(n, cells) for n, cells in rows if any(cell_text(c) for c in cells)]  # blank lines carry nothing
    if not rows:
        raise fail("empty file: no header row")
    return (parse_long if kind.wide is None else parse_wide)(rows, kind, table, catalog, batch_id, fail)


def parse_payload(payload: RawPayload, table: SourceTable, catalog: Catalog, batch_id: str) -> ParseResult:
    """`parse_file` for a fetched payload, naming the file it came from."""
    return parse_file(payload.data.read(), file_name(payload.url), table, catalog, batch_id)
