"""Load a batch of observations into core with vintages, in one transaction.

A figure seen for the first time opens a vintage; a figure whose value, status or unit changed
closes the current vintage (valid_to) and opens a new one; an identical figure changes nothing.
Either the whole batch (observations and its raw.batches row) commits, or nothing does.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pyarrow as pa

from sources.blob import InMemory
from sources.contract import RawPayload
from warehouse.connection import writable
from warehouse.transaction import atomically
from warehouse.vintages import merge_vintages

SCHEMA_SQL = Path(__file__).parent / "schema.sql"


@dataclass(frozen=True)
class LoadCounts:
    rows_new: int
    rows_revised: int
    rows_unchanged: int


def connect(path: Path) -> duckdb.DuckDBPyConnection:
    con = writable(path)
    con.execute(SCHEMA_SQL.read_text(encoding="utf-8"))
    return con


def new_batch_id(table_id: str) -> str:
    return f"{table_id}-{uuid.uuid4().hex[:12]}"


@dataclass(frozen=True)
class LastLoad:
    """The batch last loaded for the same source, table and request: its id, data hash and parse fingerprint."""

    batch_id: str
    sha256: str
    parse_fingerprint: str | None


def last_loaded(con: duckdb.DuckDBPyConnection, payload: RawPayload) -> LastLoad | None:
    """The batch last loaded for the same source, table and request."""
    row = con.execute(
        """SELECT batch_id, sha256, parse_fingerprint FROM raw.batches WHERE source_id = ? AND table_id = ? AND request = ?::JSON
           ORDER BY loaded_at DESC LIMIT 1""",
        [payload.source_id, payload.table_id, json.dumps(payload.request, sort_keys=True)],
    ).fetchone()
    return LastLoad(*row) if row else None


def stored_payloads(con: duckdb.DuckDBPyConnection, data_dir: Path, batch_ids: tuple[str, ...],
                    unpack: Callable[[bytes], bytes]) -> list[RawPayload] | None:
    """The payloads of loaded batches as they were received, read back from their stored bodies (`unpack`: the data
    inside a body); None when a batch or its stored body is missing (then the caller downloads again)."""
    rows = {r[0]: r[1:] for r in con.execute(
        """SELECT batch_id, source_id, table_id, url, request, fetched_at, etag, last_modified, provider_updated, payload_path
           FROM raw.batches WHERE batch_id IN (SELECT unnest(?::VARCHAR[]))""", [list(batch_ids)]).fetchall()}
    payloads = []
    for batch_id in batch_ids:
        if batch_id not in rows or not (data_dir / rows[batch_id][-1]).is_file():
            return None
        source_id, table_id, url, request, fetched_at, etag, last_modified, updated, path = rows[batch_id]
        body = read_stored(data_dir / path)
        payloads.append(RawPayload(source_id, table_id, url, json.loads(request), InMemory(body), InMemory(unpack(body)),
                                   _CONTENT_TYPES.get(Path(path.removesuffix(_PACKED)).suffix, ""), fetched_at, etag,
                                   last_modified, updated))
    return payloads


_EXTENSIONS = {"application/zip": "zip", "text/csv": "csv", "application/json": "json"}
_CONTENT_TYPES = {f".{ext}": content_type for content_type, ext in _EXTENSIONS.items()}
# A body that is not an archive already (a zip, an xlsx workbook: "PK") is kept zstd-compressed: a flat file of a
# whole table is hundreds of MB of text, and writing it raw costs more than compressing it (benchmarks/ingest.py).
_PACKED, _CODEC = ".zst", "zstd"


def store_payload(data_dir: Path, payload: RawPayload) -> str:
    """Keep the body as served, content-addressed by the data hash (zstd-compressed unless it is an archive already);
    return its path relative to data_dir."""
    ext = _EXTENSIONS.get(payload.content_type.split(";")[0].strip(), "bin")
    packed = payload.body.head(2) != b"PK"
    rel = Path("raw") / payload.source_id / payload.table_id / f"{payload.sha256}.{ext}{_PACKED if packed else ''}"
    target = data_dir / rel
    if not target.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_name(target.name + ".part")
        with pa.output_stream(str(tmp), compression=_CODEC if packed else None) as out:
            for chunk in payload.body.buffers():  # a stream: a body on disk is never held in memory whole
                out.write(chunk)
        tmp.replace(target)
    return rel.as_posix()


def store_payload_meanwhile(data_dir: Path, payload: RawPayload) -> Future[str]:
    """`store_payload` on a thread of its own, while the caller parses and validates the payload: hashing and
    compressing release the GIL, so on two cores the store costs the batch almost no time. Ask the future for the
    path before the batch is recorded (it raises what the store raised)."""
    pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="store-payload")
    try:
        return pool.submit(store_payload, data_dir, payload)
    finally:
        pool.shutdown(wait=False)  # the store runs on; its thread ends with it


def read_stored(path: Path) -> bytes:
    """A stored body as it was served."""
    with pa.input_stream(str(path), compression=_CODEC if path.name.endswith(_PACKED) else None) as stored:
        return stored.read()


def record_batch(con: duckdb.DuckDBPyConnection, batch_id: str, payload: RawPayload, payload_path: str, rows_read: int,
                 rows_loaded: int, now: datetime, fingerprint: str | None) -> None:
    """The batch's row of raw.batches, inside the caller's transaction (the batch's rows commit with it)."""
    con.execute(
        """INSERT INTO raw.batches (batch_id, source_id, table_id, request, url, fetched_at, loaded_at, etag, last_modified,
               provider_updated, sha256, size_bytes, payload_path, rows_read, rows_loaded, parse_fingerprint)
           VALUES (?, ?, ?, ?::JSON, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
        [
            batch_id, payload.source_id, payload.table_id, json.dumps(payload.request, sort_keys=True),
            payload.url, payload.fetched_at, now, payload.etag, payload.last_modified,
            payload.provider_updated, payload.sha256, payload.body.size, payload_path, rows_read, rows_loaded, fingerprint,
        ],
    )


def load_batch(
    con: duckdb.DuckDBPyConnection,
    observations: pa.Table,
    payload: RawPayload,
    payload_path: str,
    rows_read: int,
    now: datetime | None = None,
    fingerprint: str | None = None,
) -> LoadCounts:
    """Merge one batch into core.observations and register it in raw.batches, atomically."""
    with _atomically_with(con, observations):
        return _merge_batch(con, observations, payload, payload_path, rows_read, now, fingerprint)


@contextmanager
def _atomically_with(con: duckdb.DuckDBPyConnection, observations: pa.Table) -> Iterator[None]:
    """One transaction (warehouse/transaction.py) with the batch as relation `incoming`, scanned in place by the load's
    statements, not copied; unregistered once the transaction ended (DuckDB refuses it inside a failed one)."""
    try:
        with atomically(con):
            con.register("incoming", observations)
            yield
    finally:
        con.unregister("incoming")


def _merge_batch(con: duckdb.DuckDBPyConnection, observations: pa.Table, payload: RawPayload, payload_path: str,
                 rows_read: int, now: datetime | None, fingerprint: str | None) -> LoadCounts:
    """The statements of a batch's load, on relation `incoming`, inside the caller's transaction."""
    now = now or datetime.now(UTC)
    batch_id = observations.column("batch_id")[0].as_py() if observations.num_rows else new_batch_id(payload.table_id)
    merged = merge_vintages(con, "core.observations", "incoming", now)
    record_batch(con, batch_id, payload, payload_path, rows_read, observations.num_rows, now, fingerprint)
    return LoadCounts(merged.rows_new, merged.rows_revised, merged.rows_unchanged)


class _Undone(Exception):
    """The caller rejected a staged batch: its transaction is rolled back."""


class StagedLoad:
    """`load_batch` run on a thread of its own while the caller validates the batch; its transaction commits only
    when the caller accepts the batch (`commit`), else it is rolled back whole (`rollback`): nothing of the batch is
    visible before the verdict, nothing of a rejected batch ever. DuckDB's statements run off the GIL while GX holds
    it, so on two cores the load costs the batch little beyond its validation. The connection is the stage's until
    `commit` or `rollback` returns; one of them must be called."""

    def __init__(self, con: duckdb.DuckDBPyConnection, observations: pa.Table, payload: RawPayload,
                 payload_path: Future[str], rows_read: int, fingerprint: str | None = None) -> None:
        self._accepted: Future[bool] = Future()
        pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="staged-load")
        try:
            self._loaded = pool.submit(self._load, con, observations, payload, payload_path, rows_read, fingerprint)
        finally:
            pool.shutdown(wait=False)  # the load runs on; its thread ends with it

    def _load(self, con: duckdb.DuckDBPyConnection, observations: pa.Table, payload: RawPayload,
              payload_path: Future[str], rows_read: int, fingerprint: str | None) -> LoadCounts:
        with _atomically_with(con, observations):
            # the batch's row names its stored body: the store runs meanwhile too
            counts = _merge_batch(con, observations, payload, payload_path.result(), rows_read, None, fingerprint)
            if not self._accepted.result():
                raise _Undone
        return counts

    def commit(self) -> LoadCounts:
        """The batch passed: commit its load once staged, and return its counts (or raise what the load raised,
        rolled back)."""
        self._accepted.set_result(True)
        return self._loaded.result()

    def rollback(self) -> None:
        """The batch is rejected: roll its load back whole (a load that failed meanwhile is rolled back already)."""
        self._accepted.set_result(False)
        self._loaded.exception()  # waits; _Undone, or the load's own error: of no account for a rejected batch
