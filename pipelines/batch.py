"""One batch from provider to core, as plain functions the flows call (and tests call without Prefect)."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from pathlib import Path

import duckdb

from catalog import Catalog, SourceTable
from expectations.validate import Validator
from sources.contract import ParseResult, RawPayload, RegisterRows, TableRequest
from sources.errors import FormatError, SourceError
from sources.fingerprint import table_fingerprint
from sources.registry import provider
from warehouse.batches import Accepted, AcceptedRegister, Parsed, Rejected, take_batch
from warehouse.ops import BatchResult, record_outcome

__all__ = ["BatchResult", "RunHadFailures", "fingerprint_of", "process_payload", "record_failure", "record_skip", "summarise"]

log = logging.getLogger(__name__)


def fingerprint_of(catalog: Catalog, table: SourceTable) -> str:
    """The fingerprint of what shapes the parse of the table's payloads: its provider's, else the catalog entries'."""
    module = provider(catalog.sources[table.source].provider, table.source)
    return (module.fingerprint or table_fingerprint)(catalog, table.id)


def process_payload(
    con: duckdb.DuckDBPyConnection,
    payload: RawPayload,
    request: TableRequest,
    catalog: Catalog,
    data_dir: Path,
    run_id: str,
    validator: Validator,
) -> BatchResult:
    """Hand the payload to the warehouse, which loads it whole or quarantines it whole as `check` says: parsed by
    its provider's parser and validated with GX (a file the parser rejects is quarantined like a failed check); a
    register of goals and measures is checked by its parser and loaded into its own tables."""
    table = catalog.tables[request.table_id]
    module = provider(catalog.sources[table.source].provider, table.source)

    def check(batch_id: str) -> Parsed | AcceptedRegister | Rejected:
        try:
            parsed = module.parse(payload, table, catalog, batch_id)
        except FormatError as exc:
            return Rejected(str(exc), failing_rows=[{"row": exc.row}] if exc.row else [])
        if isinstance(parsed, RegisterRows):  # goals and measures: checked against the catalog by their parser
            return AcceptedRegister(parsed)
        return Parsed(parsed.observations, parsed.rows_read, lambda: validate(parsed))

    def validate(parsed: ParseResult) -> Accepted | Rejected:
        verdict = validator.validate(parsed.observations, request)
        if not verdict.passed:
            return Rejected("; ".join(verdict.critical), verdict.gx_results, verdict.failing_rows, parsed.dropped)
        return Accepted(parsed.dropped, parsed.notes, verdict.warnings)

    return take_batch(con, payload, data_dir, run_id, check, fingerprint_of(catalog, table))


def record_failure(con: duckdb.DuckDBPyConnection, run_id: str, table: SourceTable, error: Exception | str) -> BatchResult:
    """A request that brought no payload: `error` is what went wrong (the provider failed, or a bug), or the line
    saying why it was not sent; its outcome `failed`."""
    if isinstance(error, str):
        message = error
    else:
        message = str(error) if isinstance(error, SourceError) else f"source {table.source}, table {table.id}: {type(error).__name__}: {error}"
        log.error(message)
    result = BatchResult(table.source, table.id, "failed", message=message)
    record_outcome(con, run_id, result)
    return result


def record_skip(con: duckdb.DuckDBPyConnection, run_id: str, table: SourceTable, reason: str) -> BatchResult:
    """A request not downloaded because its provider says the data last loaded is unchanged: its outcome `skipped`."""
    result = BatchResult(table.source, table.id, "skipped", message=reason)
    record_outcome(con, run_id, result)
    return result


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
