"""One batch into the warehouse, whole or not at all, in one call: unchanged (the same data as last loaded:
not even checked), loaded (one transaction, warehouse/load.py) or quarantined (nothing of it in core), and
its outcome recorded in ops.batch_outcomes.

The caller (pipelines/batch.py) says whether the batch may load: `check(batch_id)` parses it and answers `Parsed`
(the observations, and how to validate them: `Accepted` or `Rejected`), `AcceptedRegister` (an alliance's register
of goals and measures, loaded into tables of its own: warehouse/register.py) or `Rejected` (why, with the GX result
and failing rows). Parsed observations are loaded while they are validated (warehouse.load.StagedLoad), and the
load commits only when they pass.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import asdict, dataclass, field
from pathlib import Path

import duckdb
import pyarrow as pa

from sources.contract import RawPayload, RegisterRows
from warehouse.load import LoadCounts, StagedLoad, last_loaded, new_batch_id, store_payload_meanwhile
from warehouse.ops import BatchResult, record_outcome, record_quarantine
from warehouse.register import load_register

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Accepted:
    """The observations passed validation: they load."""

    dropped: dict[str, int] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)  # said in the outcome's message
    warnings: list[str] = field(default_factory=list)  # failed checks of severity warning: loaded and reported


@dataclass(frozen=True)
class Parsed:
    """Observations parsed, their verdict to come: `validate` runs while their load is staged beside it."""

    observations: pa.Table
    rows_read: int
    validate: Callable[[], Accepted | Rejected]


@dataclass(frozen=True)
class AcceptedRegister:
    register: RegisterRows


@dataclass(frozen=True)
class Rejected:
    reason: str  # naming source, table and the failing check or row
    gx_results: list[dict] | None = None
    failing_rows: list[dict] | None = None
    dropped: dict[str, int] = field(default_factory=dict)


def take_batch(con: duckdb.DuckDBPyConnection, payload: RawPayload, data_dir: Path, run_id: str,
               check: Callable[[str], Parsed | AcceptedRegister | Rejected], fingerprint: str | None = None) -> BatchResult:
    """Skip an unchanged payload (the same data, parsed with the same catalog entries: `fingerprint`); otherwise store
    its body (meanwhile `check` runs, and parsed observations are loaded while they are validated), and load it whole or
    quarantine it whole. A payload with the same data but a changed
    fingerprint is parsed again, and its outcome says so (`reparsed`)."""
    last = last_loaded(con, payload)
    same_data = last is not None and last.sha256 == payload.sha256
    if same_data and last.parse_fingerprint == fingerprint:
        result = BatchResult(payload.source_id, payload.table_id, "unchanged", last.batch_id,
                             message="same data as the last load, not parsed")
    else:
        reparsed = (f"same data as the last load, parsed again: the catalog entries that shape the parse of table "
                    f"{payload.table_id} changed (fingerprint {last.parse_fingerprint or 'none'} -> {fingerprint})") if same_data and last else None
        batch_id = new_batch_id(payload.table_id)
        stored = store_payload_meanwhile(data_dir, payload)
        verdict, counts = check(batch_id), None
        if isinstance(verdict, Parsed):
            verdict, counts = _load_if_valid(con, verdict, payload, stored, fingerprint)
        path = stored.result()
        if isinstance(verdict, Rejected):
            log.error("quarantined %s: %s", batch_id, verdict.reason)
            record_quarantine(con, run_id, batch_id, payload, path, verdict.reason, verdict.gx_results, verdict.failing_rows)
            result = BatchResult(payload.source_id, payload.table_id, "quarantined", batch_id, dropped=verdict.dropped,
                                 message=verdict.reason)
        elif isinstance(verdict, AcceptedRegister):
            loaded = load_register(con, verdict.register, batch_id, payload, path, fingerprint=fingerprint)
            result = BatchResult(payload.source_id, payload.table_id, "loaded", batch_id, **asdict(loaded), message=reparsed,
                                 reparsed=reparsed)
        else:
            assert counts is not None  # accepted observations were loaded by _load_if_valid
            notes = ([reparsed] if reparsed else []) + verdict.notes + [f"warning: {w}" for w in verdict.warnings]
            result = BatchResult(payload.source_id, payload.table_id, "loaded", batch_id, **asdict(counts), dropped=verdict.dropped,
                                 message="; ".join(notes) or None, warnings=verdict.warnings, reparsed=reparsed)
    record_outcome(con, run_id, result)
    return result


def _load_if_valid(con: duckdb.DuckDBPyConnection, parsed: Parsed, payload: RawPayload, stored: Future[str],
                   fingerprint: str | None) -> tuple[Accepted | Rejected, LoadCounts | None]:
    """Validate the observations while their load is staged; commit it if they pass, else roll it back whole."""
    staged = StagedLoad(con, parsed.observations, payload, stored, parsed.rows_read, fingerprint)
    try:
        verdict = parsed.validate()
    except BaseException:
        staged.rollback()
        raise
    if isinstance(verdict, Rejected):
        staged.rollback()
        return verdict, None
    return verdict, staged.commit()
