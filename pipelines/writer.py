"""One writer at a time: a Prefect global concurrency limit around every run that writes the warehouse.

The lock file of warehouse/publish.py serialises runs on one machine. Runs started from the Prefect
UI, by the schedule or on workers on other machines share only the Prefect server, so every writing
flow also takes the one slot of the global concurrency limit `labour-monitor-warehouse`. The second
run waits for the slot and says so in its log; the UI shows who holds it (Concurrency → Global).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from contextlib import contextmanager

from prefect.client.orchestration import get_client
from prefect.client.schemas.actions import GlobalConcurrencyLimitCreate, GlobalConcurrencyLimitUpdate
from prefect.client.schemas.objects import ConcurrencyLeaseHolder
from prefect.concurrency.sync import concurrency
from prefect.exceptions import ObjectAlreadyExists, ObjectNotFound
from prefect.runtime import flow_run

WRITER_LIMIT = "labour-monitor-warehouse"


def ensure_writer_limit(logger: logging.Logger | logging.LoggerAdapter) -> tuple[int, int]:
    """Create the limit with one slot if it is missing, re-activate it or set it back to one slot;
    return (slots taken, limit) as the server sees them now."""
    with get_client(sync_client=True) as client:
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
            limit = client.read_global_concurrency_limit_by_name(WRITER_LIMIT)
        return limit.active_slots, limit.limit


@contextmanager
def one_writer(logger: logging.Logger | logging.LoggerAdapter) -> Iterator[None]:
    """Hold the warehouse's single write slot for the block; wait (and log it) while another run holds it."""
    taken, slots = ensure_writer_limit(logger)
    if taken >= slots:
        logger.warning("another run is writing the warehouse (concurrency limit %r: %d of %d slot taken); "
                       "waiting for it to finish", WRITER_LIMIT, taken, slots)
    run_id = flow_run.get_id()
    holder = ConcurrencyLeaseHolder(type="flow_run", id=run_id) if run_id else None
    asked = time.monotonic()
    with concurrency(WRITER_LIMIT, occupy=1, strict=True, holder=holder):
        logger.info("write slot %r acquired after %.1f s", WRITER_LIMIT, time.monotonic() - asked)
        try:
            yield
        finally:
            logger.info("releasing write slot %r", WRITER_LIMIT)
