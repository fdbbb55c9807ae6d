"""One batch from provider to core, as plain functions the flows call (and tests call without Prefect)."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from catalog import Catalog, SourceTable
from sources.contract import RawPayload, TableRequest
from expectations.validate import Validator
from sources.errors import FormatError, SourceError
from sources.ba import parse_answers
from sources.eurostat import parse_dataset
from sources.files import parse_payload
from sources.genesis import parse_tablefile
from warehouse.load import LoadCounts, last_loaded_sha, load_batch, new_batch_id, record_outcome, store_payload

log = logging.getLogger(__name__)

PARSERS = {"genesis": parse_tablefile, "eurostat": parse_dataset, "ba": parse_answers}  # provider -> parse(data, table, catalog, batch_id)
# Providers whose parser takes the whole payload: partner files name the file in their errors.
PAYLOAD_PARSERS = {"files": parse_payload}


@dataclass
class BatchResult:
    source_id: str
    table_id: str
    outcome: str  # loaded | unchanged | quarantined | failed
    batch_id: str | None = None
    rows_new: int = 0
    rows_revised: int = 0
    rows_unchanged: int = 0
    dropped: dict[str, int] = field(default_factory=dict)
    message: str | None = None
    warnings: list[str] = field(default_factory=list)
    request: str | None = None  # the planned request (TableRequest.describe()), set by the flow

    def as_dict(self) -> dict:
        return asdict(self)


def process_payload(
    con: duckdb.DuckDBPyConnection,
    payload: RawPayload,
    request: TableRequest,
    catalog: Catalog,
    data_dir: Path,
    run_id: str,
    validator: Validator,
) -> BatchResult:
    """Skip an unchanged payload; otherwise parse and validate it, then load it whole or quarantine it whole."""
    table = catalog.tables[request.table_id]
    src = catalog.sources[table.source]
    if last_loaded_sha(con, payload) == payload.sha256:
        result = BatchResult(src.id, table.id, "unchanged", message="same data as the last load, not parsed")
    else:
        batch_id = new_batch_id(table.id)
        path = store_payload(data_dir, payload)
        try:
            if src.provider in PAYLOAD_PARSERS:
                parsed = PAYLOAD_PARSERS[src.provider](payload, table, catalog, batch_id)
            else:
                parsed = PARSERS[src.provider](payload.data, table, catalog, batch_id)
        except FormatError as exc:
            return quarantine(con, run_id, batch_id, payload, path, str(exc), failing_rows=[{"row": exc.row}] if exc.row else [])
        verdict = validator.validate(parsed.observations, request)
        if not verdict.passed:
            return quarantine(con, run_id, batch_id, payload, path, "; ".join(verdict.critical),
                              verdict.gx_results, verdict.failing_rows, parsed.dropped)
        counts = load_batch(con, parsed.observations, payload, path, parsed.rows_read)
        notes = parsed.notes + [f"warning: {w}" for w in verdict.warnings]
        result = BatchResult(src.id, table.id, "loaded", batch_id, **asdict(counts), dropped=parsed.dropped,
                             message="; ".join(notes) or None, warnings=verdict.warnings)
    record_outcome(con, run_id, result.source_id, result.table_id, result.outcome, result.batch_id,
                   LoadCounts(result.rows_new, result.rows_revised, result.rows_unchanged), result.dropped, result.message)
    return result


def quarantine(
    con: duckdb.DuckDBPyConnection,
    run_id: str,
    batch_id: str,
    payload: RawPayload,
    payload_path: str,
    reason: str,
    gx_results: list[dict] | None = None,
    failing_rows: list[dict] | None = None,
    dropped: dict[str, int] | None = None,
) -> BatchResult:
    """Nothing of the batch reaches core: record why, with the GX result and a sample of failing rows."""
    log.error("quarantined %s: %s", batch_id, reason)
    con.execute(
        "INSERT INTO ops.quarantine VALUES (?, ?, ?, ?, ?::JSON, ?, ?::JSON, ?::JSON, ?, ?)",
        [run_id, batch_id, payload.source_id, payload.table_id, json.dumps(payload.request, sort_keys=True), reason,
         json.dumps(gx_results, default=str) if gx_results else None, json.dumps(failing_rows or [], default=str),
         payload_path, datetime.now(UTC)],
    )
    record_outcome(con, run_id, payload.source_id, payload.table_id, "quarantined", batch_id, dropped=dropped, message=reason)
    return BatchResult(payload.source_id, payload.table_id, "quarantined", batch_id, dropped=dropped or {}, message=reason)


def record_failure(con: duckdb.DuckDBPyConnection, run_id: str, table: SourceTable, error: Exception | str) -> BatchResult:
    """A request that brought nothing: `error` is what went wrong, or the line saying why it was not sent."""
    if isinstance(error, str):
        message = error
    else:
        message = str(error) if isinstance(error, SourceError) else f"source {table.source}, table {table.id}: {type(error).__name__}: {error}"
        log.error(message)
    record_outcome(con, run_id, table.source, table.id, "failed", message=message)
    return BatchResult(table.source, table.id, "failed", message=message)


class RunHadFailures(Exception):
    """Raised after publishing when some batches failed: the flow run ends Failed, the summary says why."""

    def __init__(self, summary: dict) -> None:
        self.summary = summary
        problems = summary["failed"] + summary["quarantined"]
        super().__init__(f"{len(summary['failed'])} batch(es) failed, {len(summary['quarantined'])} quarantined: " + " | ".join(problems))


def _once_each(messages: list[str]) -> list[str]:
    """Each message once, with the number of requests it stands for (a source not fetched fails all of its)."""
    counts: dict[str, int] = {}
    for m in messages:
        counts[m] = counts.get(m, 0) + 1
    return [m if n == 1 else f"{m} [{n} requests]" for m, n in counts.items()]


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
        "failed": _once_each([r.message or "" for r in results if r.outcome == "failed"]),
        "quarantined": [r.message for r in results if r.outcome == "quarantined"],
        "warnings": [w for r in results for w in r.warnings],
        "results": [r.as_dict() for r in results],
    }
