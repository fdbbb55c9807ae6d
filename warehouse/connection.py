"""Connections to a warehouse file, each with one memory limit for DuckDB.

DuckDB takes up to 80 % of the machine by default. Nationwide, the mart build alone took 1.4 GiB and the report's
reads 0.5 GiB (benchmarks/nightly.py); with this limit its joins, windows and sorts spill to `<file>.tmp` beside the
database instead, and a whole nightly stays under 1 GiB at about the same speed. The limit is SET on the connection,
not passed as its configuration: DuckDB refuses a second connection to a file open in the same process with another one.
"""

from __future__ import annotations

from pathlib import Path

import duckdb

MEMORY_LIMIT = "300MB"


def writable(path: Path) -> duckdb.DuckDBPyConnection:
    """A bulk append (a batch of a whole table) writes its compressed row groups out as they fill instead of buffering
    them up to a fifth of the memory limit: the 648k-row load of benchmarks/ingest.py peaked 160 MiB above its start,
    then 85 MiB, in no more time."""
    con = _limited(duckdb.connect(str(path)))
    con.execute("SET write_buffer_row_group_memory_limit = '16MB'")
    return con


def read_only(path: Path) -> duckdb.DuckDBPyConnection:
    """The published file read-only: an analyst's session and a run's publish do not block it. One thread: with two,
    the report's read of marts.comparison_series (hash joins of every current figure) at times ran out of the limit
    instead of spilling, and took no less time."""
    con = _limited(duckdb.connect(str(path), read_only=True))
    con.execute("SET threads = 1")
    return con


def _limited(con: duckdb.DuckDBPyConnection) -> duckdb.DuckDBPyConnection:
    con.execute(f"SET memory_limit = '{MEMORY_LIMIT}'")
    return con
