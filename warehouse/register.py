"""Load an alliance's register of goals, measures and outputs (sources/register/) into core.goals, core.measures and
core.measure_outputs, with vintages, in one transaction with its raw.batches row: the whole workbook or nothing.

The workbook is the whole register of its alliance: a row whose content changed (a new target, a moved target year)
closes its vintage and opens a new one; a row the workbook no longer holds is closed; an identical row changes nothing
(where it stands in the workbook, `source_row`, and which batch brought it are not its content).
"""

from __future__ import annotations

from datetime import UTC, datetime

import duckdb

from sources.contract import REGISTER_KEYS, REGISTER_PROVENANCE, REGISTER_SCHEMAS, RawPayload, RegisterRows
from warehouse.load import LoadCounts, record_batch
from warehouse.transaction import atomically


def _merge(con: duckdb.DuckDBPyConnection, name: str, alliance: str, now: datetime) -> LoadCounts:
    """Merge the registered relation `incoming` (rows of core.<name> of one alliance) into core.<name>."""
    content = ", ".join(c for c in REGISTER_SCHEMAS[name].names if c not in REGISTER_PROVENANCE)
    key = " AND ".join(f"k.{c} = t.{c}" for c in REGISTER_KEYS[name])
    current = f"SELECT {content} FROM core.{name} WHERE valid_to IS NULL AND alliance = $alliance"
    # What the workbook says that the warehouse does not (opening), and what it no longer says (closing), compared whole:
    # EXCEPT treats NULLs as equal and compares lists element by element.
    con.execute(f"CREATE OR REPLACE TEMP TABLE opening AS SELECT {content} FROM incoming EXCEPT {current}", {"alliance": alliance})
    con.execute(f"CREATE OR REPLACE TEMP TABLE closing AS {current} EXCEPT SELECT {content} FROM incoming", {"alliance": alliance})
    con.execute(f"""UPDATE core.{name} AS t SET valid_to = $now
                    WHERE t.valid_to IS NULL AND t.alliance = $alliance AND EXISTS (SELECT 1 FROM closing k WHERE {key})""",
                {"now": now, "alliance": alliance})
    con.execute(f"""INSERT INTO core.{name} BY NAME
                    SELECT t.*, $now AS valid_from, NULL AS valid_to FROM incoming t WHERE EXISTS (SELECT 1 FROM opening k WHERE {key})""",
                {"now": now})
    revised = con.execute(f"SELECT count(*) FROM opening t WHERE EXISTS (SELECT 1 FROM closing k WHERE {key})").fetchone()[0]
    opened = con.execute("SELECT count(*) FROM opening").fetchone()[0]
    total = con.execute("SELECT count(*) FROM incoming").fetchone()[0]
    con.execute("DROP TABLE opening")
    con.execute("DROP TABLE closing")
    return LoadCounts(opened - revised, revised, total - opened)


def load_register(con: duckdb.DuckDBPyConnection, register: RegisterRows, batch_id: str, payload: RawPayload, payload_path: str,
                  now: datetime | None = None, fingerprint: str | None = None) -> LoadCounts:
    """Merge the register's tables and register the batch in raw.batches, atomically; the counts are rows of all tables."""
    now = now or datetime.now(UTC)
    counts = []
    try:
        with atomically(con):
            for name, rows in register.tables.items():
                con.register("incoming", rows)  # scanned in place by the statements of the merge, not copied
                counts.append(_merge(con, name, register.alliance, now))
                con.unregister("incoming")
            loaded = sum(t.num_rows for t in register.tables.values())
            record_batch(con, batch_id, payload, payload_path, register.rows_read, loaded, now, fingerprint)
    finally:
        con.unregister("incoming")
    return LoadCounts(*(sum(getattr(c, f) for c in counts) for f in ("rows_new", "rows_revised", "rows_unchanged")))
