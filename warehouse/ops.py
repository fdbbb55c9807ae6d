"""Every write of the `ops` schema: what happened to each batch (ops.batch_outcomes), why a batch was
quarantined (ops.quarantine), each request (ops.requests: downloaded, skipped or parsed again, and why), each run
(ops.runs) and what the last mart build derived on today's territory (ops.territory_adjustments); and the read of a
request's last attempt, which decides whether the next run downloads it. The pipeline says what happened; the SQL is
here."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime

import duckdb
import pyarrow as pa

from sources.contract import RawPayload, TableRequest, Validator


@dataclass
class BatchResult:
    """What happened to one batch: the row of ops.batch_outcomes, and what a run's summary lists."""

    source_id: str
    table_id: str
    outcome: str  # loaded | unchanged | skipped | quarantined | failed
    batch_id: str | None = None
    rows_new: int = 0
    rows_revised: int = 0
    rows_unchanged: int = 0
    dropped: dict[str, int] = field(default_factory=dict)
    message: str | None = None
    warnings: list[str] = field(default_factory=list)
    request: str | None = None  # the planned request (TableRequest.describe()), set by the flow
    reparsed: str | None = None  # why a payload with the data last loaded was parsed again

    def as_dict(self) -> dict:
        return asdict(self)


def record_outcome(con: duckdb.DuckDBPyConnection, run_id: str, result: BatchResult) -> None:
    con.execute(
        """INSERT INTO ops.batch_outcomes (run_id, source_id, table_id, batch_id, outcome, rows_new, rows_revised,
               rows_unchanged, dropped, message, recorded_at, reparsed)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?::JSON, ?, ?, ?)""",
        [run_id, result.source_id, result.table_id, result.batch_id, result.outcome, result.rows_new, result.rows_revised,
         result.rows_unchanged, json.dumps(result.dropped or {}), result.message, datetime.now(UTC), result.reparsed],
    )


def record_quarantine(con: duckdb.DuckDBPyConnection, run_id: str, batch_id: str, payload: RawPayload, payload_path: str,
                      reason: str, gx_results: list[dict] | None, failing_rows: list[dict] | None) -> None:
    """Why a batch was kept out of core: the reason, the GX result and a sample of the failing rows."""
    con.execute(
        "INSERT INTO ops.quarantine VALUES (?, ?, ?, ?, ?::JSON, ?, ?::JSON, ?::JSON, ?, ?)",
        [run_id, batch_id, payload.source_id, payload.table_id, json.dumps(payload.request, sort_keys=True), reason,
         json.dumps(gx_results, default=str) if gx_results else None, json.dumps(failing_rows or [], default=str),
         payload_path, datetime.now(UTC)],
    )


def record_run(con: duckdb.DuckDBPyConnection, run_id: str, flow_name: str, mode: str, started: datetime,
               state: str, summary: dict) -> None:
    con.execute(
        "INSERT INTO ops.runs VALUES (?, ?, ?, ?, ?, ?, ?::JSON)",
        [run_id, flow_name, mode, started, datetime.now(UTC), state, json.dumps(summary)],
    )


def record_territory(con: duckdb.DuckDBPyConnection, report: pa.Table, built_at: datetime) -> None:
    """The territory report of a mart build (transforms/territory.py REPORT_SQL) replaces the previous build's."""
    con.register("territory_report", report)
    try:
        con.execute("DELETE FROM ops.territory_adjustments")
        con.execute("INSERT INTO ops.territory_adjustments SELECT *, ? FROM territory_report", [built_at])
    finally:
        con.unregister("territory_report")


@dataclass(frozen=True)
class RequestAttempt:
    """What one run did with one request, and what the warehouse then holds of it (a row of ops.requests)."""

    outcome: str  # loaded | unchanged | skipped | quarantined | failed: the worst of its batches
    downloaded: bool
    forced: bool
    reason: str
    provider_updated: str | None = None
    validators: tuple[Validator, ...] = ()
    parse_fingerprint: str | None = None
    batches: tuple[str, ...] = ()  # raw.batches holding the request's data
    run_id: str | None = None  # set when read back


def _regions(request: TableRequest) -> str:
    return json.dumps(dict(request.regions), sort_keys=True)


def record_request(con: duckdb.DuckDBPyConnection, run_id: str, request: TableRequest, attempt: RequestAttempt) -> None:
    con.execute(
        """INSERT INTO ops.requests (run_id, source_id, table_id, first_year, last_year, regions, outcome, downloaded, forced,
               reason, provider_updated, validators, parse_fingerprint, batches, recorded_at)
           VALUES (?, ?, ?, ?, ?, ?::JSON, ?, ?, ?, ?, ?, ?::JSON, ?, ?::JSON, ?)""",
        [run_id, request.source_id, request.table_id, request.first_year, request.last_year, _regions(request), attempt.outcome,
         attempt.downloaded, attempt.forced, attempt.reason, attempt.provider_updated, json.dumps([list(v) for v in attempt.validators]),
         attempt.parse_fingerprint, json.dumps(list(attempt.batches)), datetime.now(UTC)],
    )


def last_request(con: duckdb.DuckDBPyConnection, request: TableRequest) -> RequestAttempt | None:
    """The newest attempt of the same request (source, table, years and regional selection), or None."""
    row = con.execute(
        """SELECT outcome, downloaded, forced, reason, provider_updated, validators, parse_fingerprint, batches, run_id
           FROM ops.requests WHERE source_id = ? AND table_id = ? AND first_year = ? AND last_year = ? AND regions = ?::JSON
           ORDER BY recorded_at DESC LIMIT 1""",
        [request.source_id, request.table_id, request.first_year, request.last_year, _regions(request)],
    ).fetchone()
    if row is None:
        return None
    outcome, downloaded, forced, reason, updated, validators, fingerprint, batches, run_id = row
    return RequestAttempt(outcome, downloaded, forced, reason, updated, tuple(tuple(v) for v in json.loads(validators)),
                          fingerprint, tuple(json.loads(batches)), run_id)
