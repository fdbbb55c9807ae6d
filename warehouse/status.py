"""What the published warehouse holds, for `labour-monitor status`: its last runs, the batches loaded per
table (with the provider's update stamp) and the current observations per source and indicator."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from warehouse.connection import read_only


@dataclass(frozen=True)
class WarehouseStatus:
    runs: list[tuple]  # run_id, flow, mode, started_at, state: the newest five
    batches: list[tuple]  # source_id, table_id, batches, last loaded_at, provider_updated of the last
    observations: list[tuple]  # source_id, indicator_id, rows, rows with a value, first and last period


def read_status(path: Path) -> WarehouseStatus:
    """Read the published file read-only (an analyst's session and a run's publish do not block it)."""
    con = read_only(path)
    try:
        return WarehouseStatus(
            runs=con.execute("SELECT run_id, flow, mode, started_at, state FROM ops.runs ORDER BY started_at DESC LIMIT 5").fetchall(),
            batches=con.execute("""SELECT source_id, table_id, count(*), max(loaded_at), any_value(provider_updated ORDER BY loaded_at DESC)
                                   FROM raw.batches GROUP BY ALL ORDER BY ALL""").fetchall(),
            observations=con.execute("""SELECT source_id, indicator_id, count(*), count(value), min(period), max(period)
                                        FROM core.observations WHERE valid_to IS NULL GROUP BY ALL ORDER BY ALL""").fetchall(),
        )
    finally:
        con.close()
