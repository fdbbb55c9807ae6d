"""Rebuild the marts: derive every region's values from the current facts, keep their vintages in
core.region_values (and what was derived on today's territory in ops.territory_adjustments), then run the .sql files
of warehouse/marts/ in the order of their names."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pyarrow as pa

from catalog import Catalog, default_catalog
from transforms.derive import FACT_COLUMNS, derive_values, sql_literal
from warehouse.ops import record_territory
from warehouse.reference import catalog_tables
from warehouse.transaction import atomically
from warehouse.vintages import MergeCounts, merge_vintages

MARTS_DIR = Path(__file__).parent / "marts"
# A figure published in several releases (a partner's forecasts) is compared in its newest; marts.releases has them all.
NEWEST_RELEASE = " QUALIFY row_number() OVER (PARTITION BY indicator_id, region_code, period ORDER BY release DESC NULLS LAST) = 1"


def mart_files() -> list[Path]:
    return sorted(MARTS_DIR.glob("*.sql"))


def render(sql: str, catalog: Catalog) -> str:
    """Fill the catalog into a mart file: its indicator ids (the profile's PIVOT must name its columns) and
    its carried statuses, strongest first (a change carries the first found at either end)."""
    carried = "[" + ", ".join(sql_literal(s) for s in catalog.carried_statuses()) + "]::VARCHAR[]"
    return (sql.replace("{{indicator_ids}}", ", ".join(sql_literal(i) for i in catalog.all_indicators()))
               .replace("{{carried_statuses}}", carried))


def _comment_profile_columns(con: duckdb.DuckDBPyConnection, catalog: Catalog) -> None:
    for i in catalog.all_indicators().values():
        con.execute(f'COMMENT ON COLUMN marts.region_profile."{i.id}" IS {sql_literal(f"{i.label_de} ({i.unit})")}')


def build_marts(con: duckdb.DuckDBPyConnection, catalog: Catalog | None = None, now: datetime | None = None) -> list[str]:
    """Derive and merge the region values, then run every mart file; all in one transaction.

    Returns the files run. `now` stamps the new vintages of core.region_values.
    """
    catalog = catalog or default_catalog()
    now = now or datetime.now(UTC)
    try:
        with atomically(con):
            con.register("aggregate_checks_in", _derive_and_merge(con, catalog, now))
            # The facts and derived values (Arrow, hundreds of MiB nationwide) are gone now: hand their memory back
            # before the mart files' windows and joins take theirs.
            pa.default_memory_pool().release_unused()
            for sql in mart_files():
                con.execute(render(sql.read_text(encoding="utf-8"), catalog))
            _comment_profile_columns(con, catalog)
            con.execute("INSERT INTO ops.mart_builds VALUES (?, ?)", [now, mart_inputs(catalog)])
    finally:
        con.unregister("aggregate_checks_in")
    return [p.name for p in mart_files()]


def _derive_and_merge(con: duckdb.DuckDBPyConnection, catalog: Catalog, now: datetime) -> pa.Table:
    """Every region's values from the current facts, merged into core.region_values with vintages; what was derived on
    today's territory recorded in ops. Returns the aggregate checks (provider figure beside the sum of the Kreise)."""
    facts = con.sql(f"SELECT {', '.join(FACT_COLUMNS)} FROM core.observations WHERE valid_to IS NULL{NEWEST_RELEASE}").to_arrow_table()
    derived = derive_values(facts, catalog)
    con.register("computed_values", derived.values)
    try:
        merge_values(con, now)
    finally:
        con.unregister("computed_values")
    record_territory(con, derived.territory, now)
    return derived.aggregate_checks


def mart_inputs(catalog: Catalog) -> str:
    """Fingerprint of what the marts are built from besides core's figures: the catalog's reference tables and the
    mart files as rendered."""
    digest = hashlib.sha256()
    for name, table in sorted(catalog_tables(catalog).items()):
        digest.update(f"{name}{table.to_pylist()!r}".encode())
    for sql in mart_files():
        digest.update(render(sql.read_text(encoding="utf-8"), catalog).encode())
    return digest.hexdigest()[:16]


def marts_current(con: duckdb.DuckDBPyConnection, catalog: Catalog) -> bool:
    """Whether the marts were last built from this catalog and these mart files (whether core's figures changed
    since is the caller's to know: a run that loaded no batch changed none)."""
    row = con.execute("SELECT inputs FROM ops.mart_builds ORDER BY built_at DESC LIMIT 1").fetchone()
    return row is not None and row[0] == mart_inputs(catalog)


def merge_values(con: duckdb.DuckDBPyConnection, now: datetime) -> MergeCounts:
    """The registered `computed_values` are the whole current state: merge them with vintages."""
    return merge_vintages(con, "core.region_values", "computed_values", now, withdraw_absent=True)


def mart_row_counts(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    """Rows of every table and view of the `marts` schema, by name."""
    names = [n for (n,) in con.execute("SELECT table_name FROM duckdb_tables() WHERE schema_name = 'marts' UNION "
                                       "SELECT view_name FROM duckdb_views() WHERE schema_name = 'marts' ORDER BY 1").fetchall()]
    return {n: con.execute(f'SELECT count(*) FROM marts."{n}"').fetchone()[0] for n in names}
