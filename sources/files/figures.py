"""The figures of a parsed file: one observation per value cell, the region a label names, where the table ends,
and the checks of the whole (at least one figure, none twice)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pyarrow as pa

from catalog import Catalog, SourceTable
from catalog.partner_files import FileKind
from sources.contract import OBSERVATION_SCHEMA, ParseResult
from sources.files.cells import FileError, Rows, cell_value, cell_text
from sources.observations import find_duplicate_keys


def add_fact(out: dict[str, list[Any]], cell: Any, kind: FileKind, table: SourceTable, catalog: Catalog, batch_id: str,
             indicator_id: str, region: str, period: str, row: int, fail: Callable[[str], FileError],
             release: str | None = None) -> None:
    """Append the observation of one value cell (a number, or a marker: NULL with its status) to `out`."""
    value, status, marker = cell_value(cell, kind, fail)
    fact = {"indicator_id": indicator_id, "region_code": region, "period": period, "freq": table.freq, "value": value,
            "unit": catalog.indicators[indicator_id].unit, "status": status, "marker": marker, "source_id": table.source,
            "table_id": table.id, "batch_id": batch_id, "source_row": row, "release": release}
    for column, v in fact.items():
        out[column].append(v)


def result(out: dict[str, list[Any]], left_out: int, rows_read: int, kind: FileKind, line: int,
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


def region_of(label: str, kind: FileKind, catalog: Catalog, fail: Callable[[str], FileError]) -> str:
    """The catalog region a label of the file names: mapped under `regions:`, or the code of a region of today as it
    is (a former Kreis is no region a partner's figure belongs to)."""
    current = label in catalog.regions and catalog.regions[label].level != "former_kreis"
    region = kind.regions.get(label, label if current else None)
    if region is None:
        known_labels = f"; labels the mapping knows: {sorted(kind.regions)}" if kind.regions else ""
        raise fail(f"unknown region {label!r} (not a code of a region of today, catalog/regions_germany.yaml and regions.yaml{known_labels})")
    return region


def table_end(body: Rows, kind: FileKind, fail: Callable[..., FileError]) -> Rows:
    """The data rows before the footer; a kind that declares a footer must have one (else the file is cut off)."""
    if not kind.footer:
        return body
    for i, (_, cells) in enumerate(body):
        if next((t for t in map(cell_text, cells) if t), "").startswith(kind.footer):
            return body[:i]
    last = body[-1][0] if body else None
    raise fail(f"no footer line (starting with {list(kind.footer)}) after the table: the file is cut off or not an export of kind {kind.id}",
               row=last)
