"""Reading a register workbook (XLSX) into typed rows, sheet by sheet (sources/register/rows.py): columns are found by
their header, never by position; every error names the sheet, the row and the column."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from pydantic import ValidationError

from sources.errors import FormatError
from sources.register.rows import SHEETS, About, Goal, Measure, Output, Row

R = TypeVar("R", bound=Row)
_XLSX_MAGIC = b"PK\x03\x04"


class RegisterError(FormatError):
    """A register workbook that cannot be loaded: names the workbook, and the sheet, row and column where there is one."""

    def __init__(self, source: str, table: str, file: str, detail: str, sheet: str | None = None, row: int | None = None,
                 column: str | None = None) -> None:
        self.file, self.sheet, self.column = file, sheet, column
        where = f"workbook {file}" + (f", sheet {sheet!r}" if sheet else "") + (f", column {column!r}" if column else "")
        super().__init__(source, table, f"{where}: {detail}", row=row)


Fail = Callable[..., RegisterError]  # (detail, sheet=, row=, column=) -> the error to raise


@dataclass(frozen=True)
class Workbook:
    """The register's rows, each with its sheet row: what the checks against the catalog read."""

    about: About
    about_rows: dict[str, int]  # field label -> its row on sheet Register
    goals: list[tuple[int, Goal]]
    measures: list[tuple[int, Measure]]
    outputs: list[tuple[int, Output]]
    rows_read: int


def _text(cell: Any) -> str:
    return "" if cell is None else str(cell).strip()


def _problem(error: ValidationError) -> tuple[str | None, str]:
    """The column and the words of a model's first error."""
    first = error.errors()[0]
    column = str(first["loc"][0]) if first["loc"] else None
    if first["type"] == "missing":
        return column, "a value is required"
    if first["type"] == "extra_forbidden":
        return column, "not a field of this sheet"
    message = str(first["msg"]).removeprefix("Value error, ")
    return column, message if first["type"].startswith("value_error") else f"{message}, got {first.get('input')!r}"


def _typed(model: type[R], cells: dict[str, Any], sheet: str, row: int | None, fail: Fail) -> R:
    try:
        return model.model_validate(cells)
    except ValidationError as exc:
        column, detail = _problem(exc)
        raise fail(detail, sheet=sheet, row=row, column=column) from None


def _about(rows: list[tuple[int, tuple[Any, ...]]], fail: Fail) -> tuple[About, dict[str, int]]:
    """Sheet Register: a field label in column A, its value in column B."""
    sheet = "Register"
    cells: dict[str, Any] = {}
    at: dict[str, int] = {}
    for n, values in rows:
        label = _text(values[0] if values else None)
        if not label:
            raise fail("a value without a field label in column A", sheet=sheet, row=n, column="A")
        if label in at:
            raise fail(f"field {label!r} given twice (also row {at[label]})", sheet=sheet, row=n, column=label)
        at[label] = n
        if len(values) > 1 and _text(values[1]):
            cells[label] = values[1]
    for label in About.headers():
        if label not in at:
            raise fail(f"no row for the field {label!r} (column A: the field, column B: its value)", sheet=sheet)
    try:
        return About.model_validate(cells), at
    except ValidationError as exc:
        column, detail = _problem(exc)
        raise fail(detail, sheet=sheet, row=at.get(column or ""), column=column) from None


def _table(model: type[R], sheet: str, rows: list[tuple[int, tuple[Any, ...]]], fail: Fail) -> list[tuple[int, R]]:
    """A sheet with its header in the first row that has any text: each later row a `model`, found by header."""
    if not rows:
        raise fail("no header row", sheet=sheet)
    header_row, header = rows[0]
    labels = [_text(c) for c in header]
    known = model.headers()
    for k, label in enumerate(labels):
        if label and label not in known:
            raise fail(f"not a column of this sheet (its columns: {known})", sheet=sheet, row=header_row, column=label)
        if label and label in labels[:k]:
            raise fail("column header given twice", sheet=sheet, row=header_row, column=label)
    missing = [c for c in known if c not in labels]
    if missing:
        raise fail(f"column missing from the header row (its columns: {known})", sheet=sheet, row=header_row, column=missing[0])
    out = []
    for n, values in rows[1:]:
        stray = next((k for k, c in enumerate(values) if _text(c) and (k >= len(labels) or not labels[k])), None)
        if stray is not None:
            raise fail(f"a value in a column without a header: {values[stray]!r}", sheet=sheet, row=n)
        cells = {labels[k]: c for k, c in enumerate(values) if _text(c)}
        out.append((n, _typed(model, cells, sheet, n, fail)))
    return out


def read_workbook(data: bytes, fail: Fail) -> Workbook:
    """The register's sheets as typed rows; other sheets (the template's notes and lists) are not read."""
    from openpyxl import load_workbook  # only the register needs it here

    if data[:4] != _XLSX_MAGIC:
        raise fail("not an XLSX workbook (save the register as an Excel workbook, .xlsx)")
    try:
        book = load_workbook(io.BytesIO(data), data_only=True, read_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise fail(f"not a readable XLSX workbook: {exc}") from None
    missing = [s for s in SHEETS if s not in book.sheetnames]
    if missing:
        raise fail(f"no sheet {missing[0]!r}; a register has the sheets {list(SHEETS)}, this workbook {book.sheetnames}")
    rows = {name: [(n, tuple(values)) for n, values in enumerate(book[name].iter_rows(values_only=True), start=1)
                   if any(_text(c) for c in values)] for name in SHEETS}
    book.close()
    about, about_rows = _about(rows["Register"], fail)
    goals = _table(Goal, "Ziele", rows["Ziele"], fail)
    measures = _table(Measure, "Maßnahmen", rows["Maßnahmen"], fail)
    outputs = _table(Output, "Ergebnisse", rows["Ergebnisse"], fail)
    return Workbook(about, about_rows, goals, measures, outputs, rows_read=len(goals) + len(measures) + len(outputs))
