"""The wide layout of a file kind (`wide:`, BIBB's Ausbildungsmarkt tables): measure groups in merged header
cells, a period (year) per sub-column below them, the figures' rows chosen by their label, and the region
named in the title row."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from catalog import Catalog, SourceTable
from catalog.partner_files import FileKind, plain
from sources.contract import OBSERVATION_SCHEMA, ParseResult
from sources.files.cells import FileError, Rows, cell_at, cell_text, words
from sources.files.figures import add_fact, region_of, result, table_end


def group_row(rows: Rows, kind: FileKind, fail: Callable[..., FileError]) -> tuple[int, int, dict[int, str]]:
    """(index of the group row, its first group column, column -> group). The group row is the first row holding
    every declared group label (compared without footnote markers); a label stands in the first cell of its
    merged range, so an empty cell belongs to the group on its left. A label not declared is an error."""
    groups = {group for _, group in kind.indicators}

    def found(cells: list[Any]) -> list[str]:
        return [plain(cell_text(c)) for c in cells if cell_text(c)]

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
    first = min(k for k, c in enumerate(cells) if plain(cell_text(c)) in groups)
    by_column: dict[int, str] = {}
    for k in range(first, len(cells)):
        label = plain(cell_text(cells[k]))
        if label and label not in groups:
            raise fail(f"unknown group (not in the mapping of kind {kind.id}, which has {sorted(groups)})", row=line, column=label)
        by_column[k] = label or by_column[k - 1]
    return at, first, by_column


def title_region(rows: Rows, kind: FileKind, catalog: Catalog, line: int, fail: Callable[..., FileError]) -> str:
    """The region the title row names after the declared word ("... im  Arbeitsagenturbezirk Heilbronn")."""
    wide = kind.wide
    assert wide is not None
    after = re.compile(rf"(?:^|\s){re.escape(wide.title)}\s+(.+)$")
    for title_line, cells in rows:
        for cell in cells:
            match = after.search(words(cell))
            if match:
                return region_of(match[1].strip(), kind, catalog, lambda d: fail(f"title row: {d}", row=title_line, column="title"))
    raise fail(f"no title row naming the region after {wide.title!r} above the group header row", row=line)


def parse_wide(rows: Rows, kind: FileKind, table: SourceTable, catalog: Catalog, batch_id: str,
                fail: Callable[..., FileError]) -> ParseResult:
    """A wide table: the region from the title, a group row and a period row, then rows chosen by their label
    (the last text left of the first group column); the other rows are left out (counted) if `*: ~` says so."""
    wide = kind.wide
    assert wide is not None
    at, first, groups = group_row(rows, kind, fail)
    line = rows[at][0]
    region = title_region(rows[:at], kind, catalog, line, fail)
    if at + 1 >= len(rows):
        raise fail("no period row below the group header row", row=line)
    period_line, period_cells = rows[at + 1]
    periods: dict[int, str] = {}
    for k, group in groups.items():
        text = words(cell_at(period_cells, k))
        if not text or text in wide.ignore:
            continue
        if not re.fullmatch(r"[0-9]{4}", text):
            raise fail(f"period {text!r} is not a year (nor a sub-column left out under wide: ignore {list(wide.ignore)})",
                       row=period_line, column=group)
        periods[k] = text
    unlabelled = [k for k in groups if not words(cell_at(period_cells, k))]
    body = table_end(rows[at + 2:], kind, fail)
    named = {label for label, _ in kind.indicators}
    seen: set[str] = set()
    out: dict[str, list[Any]] = {column: [] for column in OBSERVATION_SCHEMA.names}
    left_out = 0
    for row, cells in body:
        extra = [c for c in cells[max(groups) + 1:] if cell_text(c)]
        if extra:
            raise fail(f"row has values beyond the last group column: {extra}", row=row)
        stray = next((k for k in unlabelled if cell_text(cell_at(cells, k))), None)
        if stray is not None:
            raise fail(f"a value in a column without a period in row {period_line}", row=row, column=groups[stray])
        label = next((t for t in reversed([words(c) for c in cells[:first]]) if t), "")
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
                add_fact(out, cell_at(cells, k), kind, table, catalog, batch_id, indicator_id, region, period, row,
                      lambda d, row=row, k=k, period=period: fail(d, row=row, column=f"{groups[k]} {period}"))
    missing = sorted(named - seen)
    if missing:
        raise fail(f"no row {missing[0]!r} in the table (the mapping of kind {kind.id} loads its figures)",
                   row=body[-1][0] if body else line, column="row label")
    return result(out, left_out, len(body), kind, line, fail)
