"""Write the catalog (regions, indicators, units, sources, statuses) into core tables on every build."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pyarrow as pa

from catalog import Catalog


def catalog_tables(catalog: Catalog) -> dict[str, pa.Table]:
    regions = pa.Table.from_pylist(
        [
            {"region_code": r.code, "name_de": r.name_de, "name_en": r.name_en, "level": r.level,
             "nuts": r.nuts, "parent": r.parent, "members": list(catalog.members(r.code))}
            for r in catalog.regions.values()
        ],
        schema=pa.schema([("region_code", pa.string()), ("name_de", pa.string()), ("name_en", pa.string()),
                          ("level", pa.string()), ("nuts", pa.string()), ("parent", pa.string()),
                          ("members", pa.list_(pa.string()))]),
    )
    provider = [
        {"indicator_id": i.id, "label_de": i.label_de, "label_en": i.label_en, "definition": i.definition,
         "unit": i.unit, "change_in": i.change_in, "topic": i.topic, "kind": "provider", "table_id": i.table,
         "source_id": catalog.tables[i.table].source, "formula": None, "aggregation": i.aggregation.method,
         "numerator": i.aggregation.numerator, "denominator": i.aggregation.denominator,
         "scale": i.aggregation.scale, "verified": i.verified}
        for i in catalog.indicators.values()
    ]
    derived = [
        {"indicator_id": d.id, "label_de": d.label_de, "label_en": d.label_en, "definition": d.definition,
         "unit": d.unit, "change_in": d.change_in, "topic": d.topic, "kind": "derived", "table_id": None, "source_id": None,
         "formula": d.formula.text(), "aggregation": d.aggregation.method, "numerator": None, "denominator": None,
         "scale": None, "verified": None}
        for d in catalog.derived.values()
    ]
    indicators = pa.Table.from_pylist(provider + derived, schema=pa.schema(
        [(k, pa.string()) for k in ("indicator_id", "label_de", "label_en", "definition", "unit", "change_in", "topic", "kind",
                                    "table_id", "source_id", "formula", "aggregation", "numerator", "denominator")]
        + [("scale", pa.float64()), ("verified", pa.bool_())]))
    units = pa.Table.from_pylist([u.model_dump() for u in catalog.units.values()],
                                 schema=pa.schema([("unit", pa.string()), ("decimals", pa.int32())]))
    sources = pa.Table.from_pylist(
        [
            {"source_id": s.id, "provider": s.provider, "name": s.name, "base_url": s.base_url, "licence": s.licence,
             "licence_url": s.licence_url, "citation": s.citation}
            for s in catalog.sources.values()
        ]
    )
    statuses = pa.Table.from_pylist(
        [
            {"provider": s.provider, "marker": s.marker, "status": s.status, "suppressed": s.suppressed,
             "label_de": s.label_de, "label_en": s.label_en}
            for s in [*catalog.all_statuses(), *catalog.computed_statuses.values()]
        ],
        schema=pa.schema([("provider", pa.string()), ("marker", pa.string()), ("status", pa.string()), ("suppressed", pa.bool_()),
                          ("label_de", pa.string()), ("label_en", pa.string())]),
    )
    return {"regions": regions, "indicators": indicators, "units": units, "sources": sources, "statuses": statuses}


def write_catalog(con: duckdb.DuckDBPyConnection, catalog: Catalog) -> None:
    for name, table in catalog_tables(catalog).items():
        con.register("catalog_rows", table)
        con.execute(f"CREATE OR REPLACE TABLE core.{name} AS SELECT * FROM catalog_rows")
        con.unregister("catalog_rows")
    con.execute((Path(__file__).parent / "reference.sql").read_text(encoding="utf-8"))
