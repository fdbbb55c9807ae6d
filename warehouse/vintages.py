"""Merge a registered Arrow relation into a table with vintages (valid_from / valid_to).

A row whose key (indicator, region, period, and release where both sides have one) is new opens a
vintage; a row whose value, status or unit changed closes the current vintage and opens a new one; an
identical row changes nothing. Runs inside the caller's transaction: the caller decides what commits
together.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import duckdb

_KEY = "c.indicator_id = i.indicator_id AND c.region_code = i.region_code AND c.period = i.period"
_RELEASE = " AND c.release IS NOT DISTINCT FROM i.release"
_CHANGED = "(c.value IS DISTINCT FROM i.value OR c.status IS DISTINCT FROM i.status OR c.unit IS DISTINCT FROM i.unit)"


@dataclass(frozen=True)
class MergeCounts:
    rows_new: int
    rows_revised: int
    rows_unchanged: int
    rows_withdrawn: int = 0


def merge_vintages(con: duckdb.DuckDBPyConnection, target: str, incoming: str, now: datetime,
                   withdraw_absent: bool = False) -> MergeCounts:
    """Merge relation `incoming` (the target's columns without valid_from/valid_to) into `target`.

    withdraw_absent: `incoming` is the complete current state, so a current row it no longer holds
    is closed too (used for computed values; a provider batch covers only part of a table).
    """
    def columns(relation: str) -> set[str]:
        return {d[0] for d in con.execute(f"SELECT * FROM {relation} LIMIT 0").description}

    releases = "release" in columns(target) and "release" in columns(incoming)
    key = _KEY + (_RELEASE if releases else "")
    withdrawn = 0
    if releases:  # a figure loaded before its provider's releases were kept is the same figure, now dated: close it
        withdrawn += con.execute(f"""
            UPDATE {target} AS c SET valid_to = $now FROM {incoming} i
            WHERE c.valid_to IS NULL AND c.release IS NULL AND i.release IS NOT NULL AND {_KEY} AND c.source_id = i.source_id
        """, {"now": now}).fetchall()[0][0]
    if withdraw_absent:
        withdrawn = con.execute(f"""
            UPDATE {target} AS c SET valid_to = $now
            WHERE c.valid_to IS NULL AND NOT EXISTS (SELECT 1 FROM {incoming} i WHERE {key})
        """, {"now": now}).fetchall()[0][0]
    revised = con.execute(
        f"UPDATE {target} AS c SET valid_to = $now FROM {incoming} i WHERE c.valid_to IS NULL AND {key} AND {_CHANGED}",
        {"now": now}).fetchall()[0][0]
    opened = con.execute(f"""
        INSERT INTO {target} BY NAME
        SELECT i.*, $now AS valid_from, NULL AS valid_to FROM {incoming} i
        WHERE NOT EXISTS (SELECT 1 FROM {target} c WHERE c.valid_to IS NULL AND {key})
    """, {"now": now}).fetchall()[0][0]
    total = con.execute(f"SELECT count(*) FROM {incoming}").fetchall()[0][0]
    # Rows opened are the new keys plus the revised ones (their old vintage was just closed).
    new = opened - revised
    return MergeCounts(new, revised, total - opened, withdrawn)
