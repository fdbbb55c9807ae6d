"""One writer at a time: a Prefect global concurrency limit around every run that writes the warehouse,
reclaimed from a holder that died.

The lock file of warehouse/publish.py serialises runs on one machine. Runs started from the Prefect UI, by
the schedule or on workers on other machines share only the Prefect server, so every writing flow also
takes the one slot of the global concurrency limit `labour-monitor-warehouse` (with a lease that it renews)
and records itself as its holder (pipelines/holder.py). A run that finds the slot taken:

- waits while the holder lives, saying every 30 s who holds the slot and since when;
- reclaims the slot of a dead holder at once (pipelines/reclaim.py), and says whose it was;
- waits, and says how to clear it, for a slot taken without a holder record (by hand, or by a run of an
  older version), unless the run's own temporary server can prove the slot has no live lease.
"""

from __future__ import annotations

import contextvars
import logging
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from uuid import UUID

import httpx
from prefect.client.orchestration import SyncPrefectClient, get_client
from prefect.client.schemas.actions import GlobalConcurrencyLimitCreate, GlobalConcurrencyLimitUpdate
from prefect.client.schemas.objects import ConcurrencyLeaseHolder
from prefect.exceptions import ObjectAlreadyExists, ObjectNotFound

from pipelines import reclaim
from pipelines.holder import Holder, read_mirror, remove_mirror, write_mirror

WRITER_LIMIT = "labour-monitor-warehouse"
LEASE_SECONDS = 60  # the shortest lease Prefect grants; the holder record goes stale after 30 s
RENEW_SECONDS = 10  # the holder renews its lease and its record this often
SAY_EVERY_SECONDS = 30  # a waiting run says who holds the slot this often
POLL_SECONDS = 1.0

Logger = logging.Logger | logging.LoggerAdapter


class WriteSlotLost(RuntimeError):
    """The slot was taken from this run (its lease revoked): it must not publish."""


def ensure_writer_limit(client: SyncPrefectClient, logger: Logger) -> None:
    """Create the limit with one slot if it is missing, re-activate it or set it back to one slot."""
    try:
        limit = client.read_global_concurrency_limit_by_name(WRITER_LIMIT)
    except ObjectNotFound:
        try:
            client.create_global_concurrency_limit(GlobalConcurrencyLimitCreate(name=WRITER_LIMIT, limit=1))
            logger.info("created the global concurrency limit %r (1 slot: one writer at a time)", WRITER_LIMIT)
        except ObjectAlreadyExists:  # another run created it a moment ago
            pass
        limit = client.read_global_concurrency_limit_by_name(WRITER_LIMIT)
    if limit.limit != 1 or not limit.active:
        logger.warning("global concurrency limit %r was %s with %d slots; set back to 1 active slot",
                       WRITER_LIMIT, "active" if limit.active else "inactive", limit.limit)
        client.update_global_concurrency_limit(WRITER_LIMIT, GlobalConcurrencyLimitUpdate(limit=1, active=True))


def _try_take(client: SyncPrefectClient, run_id: str | None) -> str | None:
    """The lease id if the slot was free, else None."""
    holder = ConcurrencyLeaseHolder(type="flow_run", id=UUID(run_id)) if run_id else None
    try:
        response = client.increment_concurrency_slots_with_lease(
            [WRITER_LIMIT], 1, "concurrency", lease_duration=LEASE_SECONDS, holder=holder)
    except httpx.HTTPStatusError as exc:
        if exc.response.status_code == 423:  # locked: the slot is taken
            return None
        raise
    return str(response.json()["lease_id"])


def _take(client: SyncPrefectClient, run_id: str | None, logger: Logger, lease_folder: Path | None) -> str:
    """Wait for the slot, reclaiming it from a dead holder; return the lease id."""
    asked = time.monotonic()
    said_at: float | None = None
    while True:
        lease_id = _try_take(client, run_id)
        if lease_id:
            logger.info("write slot %r acquired after %.1f s", WRITER_LIMIT, time.monotonic() - asked)
            return lease_id
        holder = reclaim.read_holder(client)
        if holder and not holder.is_alive():
            reclaim.reclaim(client, holder, WRITER_LIMIT, logger)
            continue
        if holder is None and lease_folder and reclaim.free_orphan_slots(client, WRITER_LIMIT, lease_folder, logger):
            continue
        if said_at is None or time.monotonic() - said_at >= SAY_EVERY_SECONDS:
            waited = f" (waiting for {time.monotonic() - asked:.0f} s)" if said_at is not None else ""
            if holder:
                logger.warning("another run is writing the warehouse: %s holds the write slot %r; waiting for it to "
                               "finish%s", holder.describe(), WRITER_LIMIT, waited)
            else:
                logger.warning("another run is writing the warehouse: the write slot %r is taken without a holder "
                               "record (taken by hand, or by a run of an older version); waiting%s. If no run is "
                               "writing, `labour-monitor unlock` frees it (README, Operations)", WRITER_LIMIT, waited)
            said_at = time.monotonic()
        time.sleep(POLL_SECONDS)


@dataclass
class _Keeper:
    """Renews the lease and the holder record while the run writes."""

    holder: Holder
    data_dir: Path
    logger: Logger
    stop: threading.Event = field(default_factory=threading.Event)
    lost: str | None = None

    def run(self) -> None:
        with get_client(sync_client=True) as client:
            while not self.stop.wait(RENEW_SECONDS):
                try:
                    client.renew_concurrency_lease(UUID(self.holder.lease_id), LEASE_SECONDS)
                except httpx.HTTPStatusError as exc:
                    if exc.response.status_code == 410:
                        self.lost = f"its lease {self.holder.lease_id} was revoked"
                        self.logger.error("write slot %r lost: %s", WRITER_LIMIT, self.lost)
                        return
                    self.logger.warning("could not renew the write slot's lease: %s", exc)
                except httpx.TransportError as exc:
                    self.logger.warning("could not renew the write slot's lease: %s", exc)
                    continue
                self.holder = self.holder.renewed()
                reclaim.write_holder(client, self.holder)
                write_mirror(self.data_dir, self.holder)


@dataclass(frozen=True)
class WriteSlot:
    """The slot a run holds; `check()` before publishing."""

    keeper: _Keeper

    def check(self) -> None:
        if self.keeper.lost:
            raise WriteSlotLost(f"write slot {WRITER_LIMIT!r} lost ({self.keeper.lost}): not publishing")


@contextmanager
def one_writer(logger: Logger, flow: str, run_id: str | None, data_dir: Path,
               lease_folder: Path | None = None) -> Iterator[WriteSlot]:
    """Hold the warehouse's single write slot for the block.

    `lease_folder`: where the run's own temporary server keeps its leases (pipelines/prefect_server.py); with
    it, a slot without a holder record and without a live lease is freed (left by a run of an older version)."""
    with get_client(sync_client=True) as client:
        ensure_writer_limit(client, logger)
        lease_id = _take(client, run_id, logger, lease_folder)
        holder = Holder.me(run_id or "local", flow, lease_id, data_dir)
        keeper = _Keeper(holder, data_dir, logger)
        # with this thread's context: the Prefect API it talks to (settings live in context variables)
        thread = threading.Thread(target=contextvars.copy_context().run, args=(keeper.run,), name="write-slot-keeper",
                                  daemon=True)
        try:
            reclaim.write_holder(client, holder)
            write_mirror(data_dir, holder)
            thread.start()
            yield WriteSlot(keeper)
        finally:
            keeper.stop.set()
            if thread.is_alive():
                thread.join()
            logger.info("releasing write slot %r", WRITER_LIMIT)
            # the slot first: killed in between, a record of a dead holder is left, which the next run replaces
            client.release_concurrency_slots_with_lease(UUID(lease_id))
            reclaim.delete_holder(client, holder.token)
            remove_mirror(data_dir, holder.token)


class SlotHeld(RuntimeError):
    """`unlock` refused: the recorded holder lives."""


def unlock(data_dir: Path) -> str:
    """Free the slot by hand: refused while the recorded holder lives; says what was freed."""
    with get_client(sync_client=True) as client:
        holder = reclaim.read_holder(client) or read_mirror(data_dir)
        if holder and holder.is_alive():
            raise SlotHeld(f"not unlocked: {holder.describe()} is alive; let it finish, or stop it first "
                           f"(process {holder.pid} on {holder.host})")
        try:
            taken = client.read_global_concurrency_limit_by_name(WRITER_LIMIT).active_slots
        except ObjectNotFound:
            return f"the write slot {WRITER_LIMIT!r} does not exist yet: nothing to free"
        client.update_global_concurrency_limit(WRITER_LIMIT, GlobalConcurrencyLimitUpdate(active_slots=0))
        if holder:
            reclaim.delete_holder(client, holder.token)
            remove_mirror(data_dir, holder.token)
        by = f" by {holder.describe()}, which is dead ({holder.why_dead()})" if holder else " without a holder record"
        return f"write slot {WRITER_LIMIT!r} freed: {taken} slot(s) were taken{by}"
