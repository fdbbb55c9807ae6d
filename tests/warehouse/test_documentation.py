"""Every table and column analysts can see is documented with COMMENT ON."""

from __future__ import annotations

import duckdb
import pytest

from pipelines.flows import nightly


@pytest.mark.usefixtures("prefect_harness")
def test_every_table_and_column_has_a_comment(tmp_path):
    nightly(data_dir=str(tmp_path))
    con = duckdb.connect(str(tmp_path / "labour_monitor.duckdb"), read_only=True)
    schemas = ("raw", "core", "ops", "marts")
    tables = con.execute(f"SELECT schema_name, table_name FROM duckdb_tables() WHERE schema_name IN {schemas} AND comment IS NULL "
                         f"UNION ALL SELECT schema_name, view_name FROM duckdb_views() WHERE schema_name IN {schemas} AND comment IS NULL").fetchall()
    columns = con.execute(f"SELECT schema_name, table_name, column_name FROM duckdb_columns() WHERE schema_name IN {schemas} AND comment IS NULL").fetchall()
    assert con.execute(f"SELECT count(*) FROM duckdb_tables() WHERE schema_name IN {schemas}").fetchone()[0] >= 9
    assert tables == [] and columns == []
