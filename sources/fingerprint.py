"""The fingerprint of what shapes a table's parse: its catalog entry, its indicators, and the regions and scope
the parser keeps rows of. Stored with every batch: an unchanged payload is skipped only while this is unchanged
too, so that a catalog change (a new indicator of the table, a new region) re-parses the stored payload."""

from __future__ import annotations

import hashlib
import json

from catalog import Catalog, Indicator, SourceTable


def parse_fingerprint(table: SourceTable, indicators: list[Indicator], regions: list[str], scope: tuple[str, ...]) -> str:
    """A short hash of the entries that decide which rows of a payload become which observations."""
    shape = {
        "table": table.model_dump(include={"id", "source", "freq", "start_year", "end_year", "regions", "levels"}),
        "indicators": sorted((i.model_dump(include={"id", "content", "source_unit", "unit", "filters"}) for i in indicators),
                             key=lambda d: d["id"]),
        "regions": sorted(regions),
        "scope": list(scope),
    }
    return hashlib.sha256(json.dumps(shape, sort_keys=True, default=list).encode()).hexdigest()[:16]


def table_fingerprint(catalog: Catalog, table_id: str) -> str:
    """`parse_fingerprint` of a catalog table."""
    return parse_fingerprint(catalog.tables[table_id], catalog.indicators_for(table_id), list(catalog.regions), catalog.scope.states)
