"""Cells and rows of a partner file: CSV and XLSX rows as lists of cells, a cell as the text it shows, and a
value cell as a figure (a number in the kind's notation, or a marker: NULL with its status)."""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Callable, Iterator
from typing import Any

from catalog.partner_files import FileKind
from sources.errors import FormatError

Rows = list[tuple[int, list[Any]]]  # (file line or sheet row, cells)


class FileError(FormatError):
    """A partner file the mapping cannot read: names the file, and the row and column where there is one."""

    def __init__(self, source: str, table: str, file: str, detail: str, row: int | None = None, column: str | None = None) -> None:
        self.file, self.column = file, column
        where = f"file {file}" + (f", column {column!r}" if column is not None else "")
        super().__init__(source, table, f"{where}: {detail}", row=row)


def cell_text(cell: Any) -> str:
    """A cell as the text it shows: XLSX numbers without a trailing .0, strings stripped."""
    if cell is None:
        return ""
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    return str(cell).strip()


def words(cell: Any) -> str:
    return " ".join(cell_text(cell).split())


def cell_at(cells: list[Any], i: int) -> Any:
    return cells[i] if i < len(cells) else None


def csv_rows(data: bytes, kind: FileKind, fail: Callable[..., FileError]) -> Iterator[tuple[int, list[Any]]]:
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


def xlsx_rows(data: bytes, kind: FileKind, fail: Callable[..., FileError]) -> Iterator[tuple[int, list[Any]]]:
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


def cell_value(cell: Any, kind: FileKind, fail: Callable[[str], FileError]) -> tuple[float | None, str | None, str | None]:
    """(value, status, marker) of a value cell: a number, or a marker of the kind (NULL with its status)."""
    if isinstance(cell, bool):
        raise fail(f"a truth value ({cell}) is not a figure")
    if isinstance(cell, int | float):
        return float(cell), None, None
    text = cell_text(cell)
    if text in kind.markers:
        return None, kind.markers[text].status, text
    number = kind.number(text)
    if number is None:
        notation = f"decimal {kind.decimal!r}" + (f", thousands {kind.thousands!r}" if kind.thousands else ", no thousands separator")
        raise fail(f"value {text!r} is neither a number ({notation}) nor a marker of this kind {sorted(kind.markers)}")
    return number, None, None
