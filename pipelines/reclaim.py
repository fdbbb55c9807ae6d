"""Freeing the write slot of a run that died, exactly once.

- **A dead holder with a lease the server knows** (our temporary server keeps leases on disk; a real
  server keeps them in memory until it restarts): its lease is released, which frees exactly its slot and
  nothing else, however many runs do it at once.
- **A dead holder whose lease the server forgot** (a real server restarted with leases in memory): the
  slot is an orphan. One waiting run claims it (a variable named after the holder's token: creating it is
  atomic), lets 2 s pass, checks that the record still names the dead holder (no other run took the slot
  meanwhile) and gives back one slot.
- **No holder record** and the run's own temporary server: the server's lease storage is on disk and
  complete, so an expired lease of the slot (a run killed the moment it took the slot, before it wrote
  its record) is released, and slots taken beyond the live leases (left by a run of an older version)
  are given back, under a lock file so that two runs on the machine do not both do it.
"""

from __future__ import annotations

import fcntl
import logging
import time
from dataclasses import asdict
from datetime import UTC, datetime
from pathlib import Path
from uuid import UUID

import httpx
from prefect.client.orchestration import SyncPrefectClient
from prefect.client.schemas.actions import VariableCreate, VariableUpdate
from prefect.exceptions import ObjectAlreadyExists, ObjectNotFound
from prefect.utilities.asyncutils import run_coro_as_sync

from pipelines.holder import HOLDER_VARIABLE, Holder, remove_mirror

SETTLE_SECONDS = 2.0  # a run that just took the slot writes its record within this
PROBE_LEASE_SECONDS = 60  # Prefect's shortest lease

Logger = logging.Logger | logging.LoggerAdapter


def read_holder(client: SyncPrefectClient) -> Holder | None:
    variable = client.read_variable_by_name(HOLDER_VARIABLE)
    return Holder.from_value(variable.value) if variable else None


def write_holder(client: SyncPrefectClient, holder: Holder) -> None:
    """Create or replace the record (a stale one of a dead holder may be there, and go while this runs)."""
    while True:
        try:
            client.create_variable(VariableCreate(name=HOLDER_VARIABLE, value=asdict(holder)))
            return
        except ObjectAlreadyExists:
            pass
        try:
            client.update_variable(VariableUpdate(name=HOLDER_VARIABLE, value=asdict(holder)))
            return
        except httpx.HTTPStatusError as exc:
            if exc.response.status_code != 404:  # deleted between the two calls: create it again
                raise


def _delete_variable(client: SyncPrefectClient, name: str) -> None:
    try:
        client.delete_variable_by_name(name)
    except ObjectNotFound:
        pass


def delete_holder(client: SyncPrefectClient, token: str) -> None:
    """Delete the record if it is still the one of `token`."""
    found = read_holder(client)
    if found and found.token == token:
        _delete_variable(client, HOLDER_VARIABLE)


def _lease_known(client: SyncPrefectClient, lease_id: str) -> bool:
    """Whether the server still has the lease (expired or not): renewing is the API's only way to ask."""
    try:
        client.renew_concurrency_lease(UUID(lease_id), PROBE_LEASE_SECONDS)
    except httpx.HTTPStatusError as exc:
        if exc.response.status_code == 410:
            return False
        raise
    return True


def reclaim(client: SyncPrefectClient, holder: Holder, limit: str, logger: Logger) -> None:
    """Free the slot of `holder`, which is dead; say whose it was."""
    if holder.lease_id and _lease_known(client, holder.lease_id):
        client.release_concurrency_slots_with_lease(UUID(holder.lease_id))
        how = "its lease was released"
    else:
        claim = f"{HOLDER_VARIABLE}-orphan-{holder.token}"
        try:
            client.create_variable(VariableCreate(name=claim, value={"at": datetime.now(UTC).isoformat()}))
        except ObjectAlreadyExists:
            return  # another run is freeing it
        try:
            time.sleep(SETTLE_SECONDS)
            current = read_holder(client)
            if current is None or current.token != holder.token:
                return  # the slot changed hands meanwhile
            held = datetime.now(UTC) - datetime.fromisoformat(holder.since)
            client.release_concurrency_slots([limit], 1, occupancy_seconds=max(1.0, held.total_seconds()))
            delete_holder(client, holder.token)  # before the claim goes: a late second claimer then finds no record
        finally:
            _delete_variable(client, claim)
        how = "the server no longer knew its lease (restarted with leases in memory?): one slot given back"
    delete_holder(client, holder.token)  # no-op after an orphan's release
    remove_mirror(Path(holder.data_dir), holder.token)
    logger.warning("write slot %r reclaimed from %s: that run is dead (%s); %s",
                   limit, holder.describe(), holder.why_dead(), how)


async def _leases_of(folder: Path, limit_id: UUID) -> tuple[list[UUID], int]:
    """(expired lease ids, number of live leases) of the limit in a filesystem lease storage."""
    from prefect.server.concurrency.lease_storage.filesystem import ConcurrencyLeaseStorage

    storage = ConcurrencyLeaseStorage(folder)
    expired = [i for i in await storage.read_expired_lease_ids(limit=1000)
               if (lease := await storage.read_lease(i)) and limit_id in lease.resource_ids]
    live = 0
    for lease_id in await storage.read_active_lease_ids(limit=1000):
        lease = await storage.read_lease(lease_id)
        live += bool(lease and limit_id in lease.resource_ids)
    return expired, live


def free_orphan_slots(client: SyncPrefectClient, limit: str, lease_folder: Path, logger: Logger) -> bool:
    """With the run's own temporary server: release expired leases and give back slots no lease holds.
    True if a slot was freed."""
    if not lease_folder.is_dir():
        return False
    with open(lease_folder / "labour-monitor-orphans.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        gcl = client.read_global_concurrency_limit_by_name(limit)
        expired, live = run_coro_as_sync(_leases_of(lease_folder, gcl.id))
        for lease_id in expired:
            client.release_concurrency_slots_with_lease(lease_id)
            logger.warning("write slot %r: released lease %s, which expired (its run died the moment it took the "
                           "slot, before recording itself)", limit, lease_id)
        if expired:
            return True
        if gcl.active_slots <= live:
            return False
        time.sleep(SETTLE_SECONDS)  # a lease is written just after its slot is counted
        gcl = client.read_global_concurrency_limit_by_name(limit)
        expired, live = run_coro_as_sync(_leases_of(lease_folder, gcl.id))
        surplus = gcl.active_slots - live
        if surplus <= 0 or expired:
            return False
        client.release_concurrency_slots([limit], surplus, occupancy_seconds=1.0)  # how long is unknown; the API wants > 0
        logger.warning("write slot %r: %d slot(s) were taken without a lease (left by a run of an older version, "
                       "whose temporary server kept leases in memory); given back", limit, surplus)
        return True
