"""One batch into the warehouse, whole or not at all, in one call: unchanged (the same data as last loaded:
not even checked), loaded (one transaction, warehouse/load.py) or quarantined (nothing of it in core), and
its outcome recorded in ops.batch_outcomes.

The caller (pipelines/batch.py) says whether the batch may load: `check(batch_id)` parses and validates it
and answers `Accepted` (the observations), `AcceptedRegister` (an alliance's register of goals and measures,
loaded into tables of its own: warehouse/register.py) or `Rejected` (why, with the GX result and failing rows).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path

import duckdb
import pyarrow as pa

from sources.contract import RawPayload, RegisterRows
from warehouse.load import last_loaded, load_batch, new_batch_id, store_payload_meanwhile
from warehouse.ops import BatchResult, record_outcome, record_quarantine
from warehouse.register import load_register

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Accepted:
    observations: pa.Table
    rows_read: int
    dropped: dict[str, int] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)  # said in the outcome's message
    warnings: list[str] = field(default_factory=list)  # failed checks of severity warning: loaded and reported


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
               check: Callable[[str], Accepted | AcceptedRegister | Rejected], fingerprint: str | None = None) -> BatchResult:
    """Skip an unchanged payload (the same data, parsed with the same catalog entries: `fingerprint`); otherwise store
    its body (meanwhile `check` runs), and load it whole or quarantine it whole. A payload with the same data but a changed
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
        verdict = check(batch_id)
        path = stored.result()
        if isinstance(verdict, Rejected):
            log.error("quarantined %s: %s", batch_id, verdict.reason)
            record_quarantine(con, run_id, batch_id, payload, path, verdict.reason, verdict.gx_results, verdict.failing_rows)
            result = BatchResult(payload.source_id, payload.table_id, "quarantined", batch_id, dropped=verdict.dropped,
                                 message=verdict.reason)
        elif isinstance(verdict, AcceptedRegister):
            counts = load_register(con, verdict.register, batch_id, payload, path, fingerprint=fingerprint)
            result = BatchResult(payload.source_id, payload.table_id, "loaded", batch_id, **asdict(counts), message=reparsed,
                                 reparsed=reparsed)
        else:
            counts = load_batch(con, verdict.observations, payload, path, verdict.rows_read, fingerprint=fingerprint)
            notes = ([reparsed] if reparsed else []) + verdict.notes + [f"warning: {w}" for w in verdict.warnings]
            result = BatchResult(payload.source_id, payload.table_id, "loaded", batch_id, **asdict(counts), dropped=verdict.dropped,
                                 message="; ".join(notes) or None, warnings=verdict.warnings, reparsed=reparsed)
    record_outcome(con, run_id, result)
    return result
