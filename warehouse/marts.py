"""Rebuild the marts: the .sql files in warehouse/marts/, in the order of their names."""

from __future__ import annotations

from pathlib import Path

import duckdb

MARTS_DIR = Path(__file__).parent / "marts"


def mart_files() -> list[Path]:
    return sorted(MARTS_DIR.glob("*.sql"))


def build_marts(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Run every mart file in one transaction; return the files run."""
    con.execute("BEGIN TRANSACTION")
    try:
        for sql in mart_files():
            con.execute(sql.read_text(encoding="utf-8"))
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    return [p.name for p in mart_files()]
