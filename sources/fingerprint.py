"""The fingerprint of what shapes a table's parse: its catalog entry, its indicators, the provider-published regions
the parser can keep (with their NUTS codes), the scope and the territorial changes (which rows of a former Kreis are
its sign of dissolution). Stored with every batch: an unchanged payload is skipped only while this is unchanged too,
so that a catalog change (a new indicator of the table, a new Kreis, a wider scope) re-parses the stored payload.
Aggregates (partner regions, a network's own region) are computed from the loaded figures and re-parse nothing."""

from __future__ import annotations

import hashlib
import json

from catalog import PUBLISHED_LEVELS, Catalog, Indicator, SourceTable, TerritoryLink


def parse_fingerprint(table: SourceTable, indicators: list[Indicator], regions: list[str], scope: tuple[str, ...],
                      territory: list[TerritoryLink]) -> str:
    """A short hash of the entries that decide which rows of a payload become which observations."""
    shape = {
        "table": table.model_dump(include={"id", "source", "freq", "start_year", "end_year", "regions", "levels"}),
        "indicators": sorted((i.model_dump(include={"id", "content", "source_unit", "unit", "filters"}) for i in indicators),
                             key=lambda d: d["id"]),
        "regions": sorted(regions),
        "scope": list(scope),
        "territory": sorted([t.predecessor, t.successor, t.since.isoformat()] for t in territory),
    }
    return hashlib.sha256(json.dumps(shape, sort_keys=True, default=list).encode()).hexdigest()[:16]


def table_fingerprint(catalog: Catalog, table_id: str) -> str:
    """`parse_fingerprint` of a catalog table."""
    published = [f"{r.code}:{r.nuts or ''}" for r in catalog.regions.values() if r.level in (*PUBLISHED_LEVELS, "former_kreis")]
    return parse_fingerprint(catalog.tables[table_id], catalog.indicators_for(table_id), published, catalog.region_scope(),
                             catalog.territory())
