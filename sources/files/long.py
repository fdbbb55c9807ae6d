"""The long layout of a file kind (`columns:`): a header row of labels, one figure per row. A statistics office's
export adds a preamble of "Label";"Value" lines above the header (the period, expected fields), a footer that
ends the table, and repeated header labels (the n-th occurrence is named `label#n`)."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from catalog import Catalog, SourceTable
from catalog.models import MONTHS
from catalog.partner_files import REPEAT, FileKind
from sources.contract import OBSERVATION_SCHEMA, ParseResult
from sources.files.cells import FileError, Rows, cell_at, cell_text
from sources.files.figures import add_fact, region_of, result, table_end
from sources.periods import report_month

PERIODS = {"A": r"^[0-9]{4}$", "Q": r"^[0-9]{4}-Q[1-4]$", "M": r"^[0-9]{4}-(0[1-9]|1[0-2])$"}
RELEASE = re.compile(r"[0-9]{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12][0-9]|3[01]))?)?")  # 2022, 2022-06 or 2021-07-21


def header_labels(cells: list[Any]) -> list[str]:
    """Header labels as the mapping names them: the n-th occurrence of a repeated label is `label#n`."""
    seen: dict[str, int] = {}
    out = []
    for label in (cell_text(c) for c in cells):
        if not label:
            out.append("")
            continue
        seen[label] = seen.get(label, 0) + 1
        out.append(label if seen[label] == 1 else f"{label}{REPEAT}{seen[label]}")
    return out


def header_positions(cells: list[Any], line: int, body: list[tuple[int, list[Any]]], kind: FileKind,
            fail: Callable[..., FileError]) -> dict[str, int]:
    """Column label -> position; every column must be declared and every declared column present."""
    positions: dict[str, int] = {}
    for i, label in enumerate(header_labels(cells)):
        if not label:
            if any(cell_text(cell_at(r, i)) for _, r in body):
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


def find_header(rows: Rows, kind: FileKind, fail: Callable[..., FileError]) -> int:
    """Index of the header row. Plain kinds: the first row. Kinds with a preamble: the first row whose labels
    are exactly the declared columns (ignored ones included); without one, the row most like it is checked
    as the header, so that the error names the changed or missing label."""
    if not kind.preamble:
        return 0
    wanted = {*kind.columns, *kind.ignored}
    for i, (_, cells) in enumerate(rows):
        labels = [label for label in header_labels(cells) if label]
        if len(labels) == len(wanted) and set(labels) == wanted:
            return i
    overlap = [len(wanted & set(header_labels(cells))) for _, cells in rows]
    best = max(range(len(rows)), key=lambda i: overlap[i], default=None)
    if best is None or overlap[best] == 0:
        raise fail(f"no header line: no line has the labels of kind {kind.id} {sorted(wanted)}")
    line, cells = rows[best]
    header_positions(cells, line, rows[best + 1:], kind, fail)  # raises, naming an unknown column or a missing declared one
    labels = [label for label in header_labels(cells) if label]
    missing = sorted(wanted - set(labels))
    if missing:  # an ignored column is part of the export's header too
        raise fail(f"column missing from the header {labels} (nearest line to the header of kind {kind.id})", row=line, column=missing[0])
    raise fail(f"line {line} is the nearest to a header but its labels are not exactly those of kind {kind.id}", row=line)


def metadata(rows: Rows, fail: Callable[..., FileError]) -> dict[str, list[tuple[int, str]]]:
    """Preamble lines "Label";"Value" -> {label without a trailing ':': [(line, value), ...]}."""
    fields: dict[str, list[tuple[int, str]]] = {}
    for line, cells in rows:
        texts = [cell_text(c) for c in cells]
        while texts and not texts[-1]:
            texts.pop()
        if len(texts) > 2:
            raise fail(f"a preamble line holds more than a label and a value: {texts}", row=line)
        label = texts[0].rstrip(":").strip()
        fields.setdefault(label, []).append((line, texts[1] if len(texts) > 1 else ""))
    return fields


def field(fields: dict[str, list[tuple[int, str]]], label: str, fail: Callable[..., FileError]) -> tuple[int, str]:
    found = fields.get(label, [])
    if not found:
        raise fail(f"the preamble has no field {label!r} (it has {[f for f in fields if f]})")
    if len({v for _, v in found}) > 1:
        raise fail(f"the preamble gives field {label!r} {len(found)} times with different values: {[v for _, v in found]}", row=found[-1][0])
    return found[0]


def preamble_period(fields: dict[str, list[tuple[int, str]]], kind: FileKind, freq: str, fail: Callable[..., FileError]) -> str:
    """The period a preamble's report month ("Juni 2023") gives: the year (annual table, the declared month
    only) or YYYY-MM (monthly table)."""
    label = kind.period_field or ""
    line, text = field(fields, label, fail)
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


def parse_long(rows: Rows, kind: FileKind, table: SourceTable, catalog: Catalog, batch_id: str,
               fail: Callable[..., FileError]) -> ParseResult:
    """A long table: a header row of the declared labels (below a preamble, where declared), one figure per row."""
    at = find_header(rows, kind, fail)
    (line, header), body = rows[at], table_end(rows[at + 1:], kind, fail)
    col = header_positions(header, line, body, kind, fail)
    fields = metadata(rows[:at], fail)
    for label, value in kind.expect.items():
        found_line, found = field(fields, label, fail)
        if found != value:
            raise fail(f"preamble field {label!r} is {found!r}, a file of kind {kind.id} shows {value!r}", row=found_line)
    file_period = preamble_period(fields, kind, table.freq, fail) if kind.period_field else None

    period_pattern = re.compile(PERIODS[table.freq])
    indicator_of = kind.indicator_of()
    out: dict[str, list[Any]] = {column: [] for column in OBSERVATION_SCHEMA.names}
    left_out = 0
    for row, cells in body:
        extra = [c for c in cells[len(header):] if cell_text(c)]
        if extra:
            raise fail(f"row has values beyond the last labelled column: {extra}", row=row)
        key = tuple(cell_text(cell_at(cells, col[c])) for c in kind.indicator_columns)
        known, indicator_id = indicator_of(key)
        if not known:
            raise fail(f"unknown indicator {' / '.join(key)!r} (not in the mapping of kind {kind.id})", row=row,
                       column=" / ".join(kind.indicator_columns))
        if indicator_id is None:
            left_out += 1
            continue
        indicator = catalog.indicators[indicator_id]
        region = region_of(cell_text(cell_at(cells, col[kind.region_column])), kind, catalog,
                         lambda d, row=row: fail(d, row=row, column=kind.region_column))
        period = file_period if kind.period_column is None else cell_text(cell_at(cells, col[kind.period_column]))
        if not period_pattern.fullmatch(period or ""):
            raise fail(f"period {period!r} is not in the {table.freq} format {PERIODS[table.freq]}", row=row, column=kind.period_column)
        unit = cell_text(cell_at(cells, col[kind.unit_column])) if kind.unit_column is not None else indicator.source_unit
        if unit != indicator.source_unit:
            raise fail(f"unit {unit!r} of {indicator_id} is not the catalog's {indicator.source_unit!r}", row=row, column=kind.unit_column)
        release = None
        if kind.release_column is not None:
            release = cell_text(cell_at(cells, col[kind.release_column]))
            if not RELEASE.fullmatch(release):
                raise fail(f"release {release!r} is not a date YYYY, YYYY-MM or YYYY-MM-DD", row=row, column=kind.release_column)
        add_fact(out, cell_at(cells, col[kind.value_column]), kind, table, catalog, batch_id, indicator_id, region, period, row,
                 lambda d, row=row: fail(d, row=row, column=kind.value_column), release)
    return result(out, left_out, len(body), kind, line, fail)
