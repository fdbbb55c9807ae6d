"""One batch from provider to core, as plain functions the flows call (and tests call without Prefect)."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path

import duckdb

from catalog import Catalog, SourceTable
from sources.contract import RawPayload, TableRequest
from sources.errors import SourceError
from sources.genesis import parse_tablefile
from warehouse.load import LoadCounts, last_loaded_sha, load_batch, new_batch_id, record_outcome, store_payload

log = logging.getLogger(__name__)

PARSERS = {"genesis": parse_tablefile}


@dataclass
class BatchResult:
    source_id: str
    table_id: str
    outcome: str  # loaded | unchanged | failed
    batch_id: str | None = None
    rows_new: int = 0
    rows_revised: int = 0
    rows_unchanged: int = 0
    dropped: dict[str, int] = field(default_factory=dict)
    message: str | None = None

    def as_dict(self) -> dict:
        return asdict(self)


def process_payload(
    con: duckdb.DuckDBPyConnection, payload: RawPayload, request: TableRequest, catalog: Catalog, data_dir: Path, run_id: str
) -> BatchResult:
    """Skip an unchanged payload; otherwise parse it and load it whole. Records the outcome in ops."""
    table = catalog.tables[request.table_id]
    src = catalog.sources[table.source]
    if last_loaded_sha(con, payload) == payload.sha256:
        result = BatchResult(src.id, table.id, "unchanged", message="same data as the last load, not parsed")
    else:
        batch_id = new_batch_id(table.id)
        parsed = PARSERS[src.provider](payload.data, table, catalog, batch_id)
        path = store_payload(data_dir, payload)
        counts = load_batch(con, parsed.observations, payload, path, parsed.rows_read)
        result = BatchResult(src.id, table.id, "loaded", batch_id, **asdict(counts), dropped=parsed.dropped,
                             message="; ".join(parsed.notes) or None)
    record_outcome(con, run_id, result.source_id, result.table_id, result.outcome, result.batch_id,
                   LoadCounts(result.rows_new, result.rows_revised, result.rows_unchanged), result.dropped, result.message)
    return result


def record_failure(con: duckdb.DuckDBPyConnection, run_id: str, table: SourceTable, error: Exception) -> BatchResult:
    message = str(error) if isinstance(error, SourceError) else f"source {table.source}, table {table.id}: {type(error).__name__}: {error}"
    log.error(message)
    record_outcome(con, run_id, table.source, table.id, "failed", message=message)
    return BatchResult(table.source, table.id, "failed", message=message)


class RunHadFailures(Exception):
    """Raised after publishing when some batches failed: the flow run ends Failed, the summary says why."""

    def __init__(self, summary: dict) -> None:
        self.summary = summary
        super().__init__(f"{len(summary['failed'])} batch(es) failed: " + " | ".join(summary["failed"]))


def summarise(results: Iterable[BatchResult]) -> dict:
    results = list(results)
    outcomes: dict[str, int] = {}
    for r in results:
        outcomes[r.outcome] = outcomes.get(r.outcome, 0) + 1
    return {
        "batches": outcomes,
        "rows_new": sum(r.rows_new for r in results),
        "rows_revised": sum(r.rows_revised for r in results),
        "rows_unchanged": sum(r.rows_unchanged for r in results),
        "failed": [r.message for r in results if r.outcome == "failed"],
        "results": [r.as_dict() for r in results],
    }
