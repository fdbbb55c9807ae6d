"""The write slot against real servers and real processes: a holder is a subprocess that takes the slot and
is then killed with SIGKILL; the waiting run is this test process.

Servers: the temporary server the command line starts (`pipelines.prefect_server.temporary_server`, leases on
disk) and a real `prefect server start --no-services` (leases in memory, no Repossessor). The real server with
its services is covered with deployments and a worker in test_prefect_server.py.
"""

from __future__ import annotations

import logging
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from uuid import UUID

import httpx
import pytest
from prefect.client.orchestration import get_client
from prefect.client.schemas.actions import GlobalConcurrencyLimitUpdate
from prefect.server.concurrency.lease_storage.filesystem import ConcurrencyLeaseStorage
from prefect.settings import PREFECT_API_URL, temporary_settings
from prefect.utilities.asyncutils import run_coro_as_sync

import pipelines.writer as writer
from pipelines import reclaim
from pipelines.cli import main
from pipelines.prefect_server import TemporaryServer, temporary_server
from pipelines.writer import WRITER_LIMIT, SlotHeld, WriteSlotLost, ensure_writer_limit, one_writer, unlock
from tests.conftest import REPO

pytestmark = pytest.mark.slow

HOLD = """
import logging, sys, time
from pathlib import Path
from pipelines.writer import one_writer
with one_writer(logging.getLogger("holder"), "nightly", None, Path(sys.argv[1])):
    print("holding", flush=True)
    time.sleep(600)
"""


@pytest.fixture(scope="module")
def temporary(tmp_path_factory) -> Iterator[TemporaryServer]:
    with temporary_server(tmp_path_factory.mktemp("prefect-home")) as server:
        yield server


@pytest.fixture(scope="module")
def no_services(tmp_path_factory) -> Iterator[TemporaryServer]:
    """`prefect server start --no-services`: leases in memory, nothing revokes an expired one."""
    home = tmp_path_factory.mktemp("prefect-home-real")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")} | {
        "PREFECT_HOME": str(home), "PREFECT_SERVER_ANALYTICS_ENABLED": "false", "PREFECT_SERVER_DATABASE_TIMEOUT": "60"}
    prefect = str(Path(sys.executable).with_name("prefect"))
    proc = subprocess.Popen([prefect, "server", "start", "--no-services", "--host", "127.0.0.1", "--port", str(port)],
                            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT, start_new_session=True)
    url = f"http://127.0.0.1:{port}/api"
    try:
        deadline = time.monotonic() + 180
        while True:
            try:
                if httpx.get(f"{url}/health", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert proc.poll() is None and time.monotonic() < deadline, "prefect server start did not come up"
            time.sleep(1)
        yield TemporaryServer(url, home, proc.pid)
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=30)


@pytest.fixture(params=["temporary", "no_services"])
def server(request) -> Iterator[TemporaryServer]:
    api = request.getfixturevalue(request.param)
    with temporary_settings(updates={PREFECT_API_URL: api.url}):
        with get_client(sync_client=True) as client:  # each test starts with a free slot and no record
            ensure_writer_limit(client, logging.getLogger("test"))
            client.update_global_concurrency_limit(WRITER_LIMIT, GlobalConcurrencyLimitUpdate(active_slots=0))
            reclaim.delete_holder(client, reclaim.read_holder(client).token) if reclaim.read_holder(client) else None
        yield api


@pytest.fixture
def quick(monkeypatch):
    """Say who holds the slot every second instead of every 30 s; renew every 0.2 s."""
    monkeypatch.setattr(writer, "SAY_EVERY_SECONDS", 1.0)
    monkeypatch.setattr(writer, "RENEW_SECONDS", 0.2)


class Holder:
    """A subprocess that holds the slot until it is killed."""

    def __init__(self, server: TemporaryServer, data: Path) -> None:
        env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")} | {
            "PREFECT_API_URL": server.url, "PREFECT_HOME": str(server.home), "PREFECT_SERVER_ANALYTICS_ENABLED": "false"}
        self.proc = subprocess.Popen([sys.executable, "-c", HOLD, str(data)], cwd=REPO, env=env,
                                     stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        line = self.proc.stdout.readline()
        assert line.strip() == "holding", line + self.proc.stdout.read()

    def kill(self) -> None:
        os.kill(self.proc.pid, signal.SIGKILL)
        self.proc.wait()


class Waiter(threading.Thread):
    """A run in this process that waits for the slot, holds it briefly and records what it logged."""

    def __init__(self, data: Path, lease_folder: Path | None, name: str = "waiter", hold: float = 0.5) -> None:
        super().__init__(daemon=True)
        self.data, self.lease_folder, self.hold = data, lease_folder, hold
        self.records: list[logging.LogRecord] = []
        self.logger = logging.getLogger(f"test.{name}")
        self.logger.setLevel(logging.INFO)
        self.logger.addHandler(_Collect(self.records))
        self.held: tuple[float, float] | None = None
        self.error: BaseException | None = None
        self.settings = PREFECT_API_URL.value()

    def run(self) -> None:
        try:
            with temporary_settings(updates={PREFECT_API_URL: self.settings}):
                with one_writer(self.logger, "nightly", None, self.data, self.lease_folder):
                    start = time.monotonic()
                    time.sleep(self.hold)
                    self.held = (start, time.monotonic())
        except BaseException as exc:  # noqa: BLE001
            self.error = exc

    def said(self, text: str) -> list[str]:
        return [m for m in (r.getMessage() for r in self.records) if text in m]

    def wait_until_it_says(self, text: str, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while not self.said(text):
            assert time.monotonic() < deadline, f"never said {text!r}: {[r.getMessage() for r in self.records]}"
            time.sleep(0.1)


class _Collect(logging.Handler):
    def __init__(self, into: list[logging.LogRecord]) -> None:
        super().__init__()
        self.into = into

    def emit(self, record: logging.LogRecord) -> None:
        self.into.append(record)


def test_a_waiting_run_says_who_holds_the_slot_and_takes_it_the_moment_the_holder_is_killed(server, quick, tmp_path):
    holder = Holder(server, tmp_path)
    waiter = Waiter(tmp_path, None)
    waiter.start()
    time.sleep(2.5)
    waiting = waiter.said("another run is writing the warehouse: run local (nightly, pid ")
    assert len(waiting) >= 2 and f"pid {holder.proc.pid} on" in waiting[0] and " since 20" in waiting[0]
    assert waiter.held is None  # two runs never write at once
    holder.kill()
    waiter.join(timeout=30)
    assert waiter.error is None and waiter.held
    (reclaimed,) = waiter.said("reclaimed from run local")
    assert f"that run is dead (process {holder.proc.pid} no longer runs on {socket.gethostname()})" in reclaimed
    assert "its lease was released" in reclaimed


def test_a_dead_holder_whose_lease_the_server_forgot_is_reclaimed_once_by_two_waiting_runs(server, quick, tmp_path):
    holder = Holder(server, tmp_path)
    with get_client(sync_client=True) as client:
        lease = reclaim.read_holder(client).lease_id
        # as after a restart of a server that kept its leases in memory: the slot is counted, its lease is gone
        client.release_concurrency_slots_with_lease(UUID(lease))
        client.update_global_concurrency_limit(WRITER_LIMIT, GlobalConcurrencyLimitUpdate(active_slots=1))
    holder.kill()
    waiters = [Waiter(tmp_path, None, f"w{i}", hold=1.0) for i in range(2)]
    for w in waiters:
        w.start()
    for w in waiters:
        w.join(timeout=60)
        assert w.error is None and w.held, w.error
    orphan = [m for w in waiters for m in w.said("the server no longer knew its lease")]
    assert len(orphan) == 1, orphan  # one slot given back, not two
    (a_in, a_out), (b_in, b_out) = sorted(w.held for w in waiters)
    assert a_out <= b_in  # one after the other
    with get_client(sync_client=True) as client:
        assert client.read_global_concurrency_limit_by_name(WRITER_LIMIT).active_slots == 0


def test_a_run_killed_before_it_recorded_itself_is_freed_once_its_lease_expires(temporary, quick, tmp_path):
    """With the run's own temporary server the leases are on disk: an expired one is released."""
    with temporary_settings(updates={PREFECT_API_URL: temporary.url}), get_client(sync_client=True) as client:
        ensure_writer_limit(client, logging.getLogger("test"))
        lease_id = writer._try_take(client, None)  # taken, then the process died before writing its record
        assert lease_id
        storage = ConcurrencyLeaseStorage(temporary.lease_folder)
        run_coro_as_sync(storage.renew_lease(UUID(lease_id), timedelta(seconds=-1)))  # its 60 s have passed
        waiter = Waiter(tmp_path, temporary.lease_folder)
        waiter.start()
        waiter.join(timeout=30)
    assert waiter.error is None and waiter.held
    assert waiter.said(f"released lease {lease_id}, which expired")


def test_a_slot_left_without_a_lease_by_an_older_version_is_given_back_by_a_run_with_its_own_server(temporary, quick, tmp_path):
    with temporary_settings(updates={PREFECT_API_URL: temporary.url}), get_client(sync_client=True) as client:
        ensure_writer_limit(client, logging.getLogger("test"))
        client.update_global_concurrency_limit(WRITER_LIMIT, GlobalConcurrencyLimitUpdate(active_slots=1))
        waiter = Waiter(tmp_path, temporary.lease_folder)
        waiter.start()
        waiter.join(timeout=30)
    assert waiter.error is None and waiter.held
    assert waiter.said("1 slot(s) were taken without a lease (left by a run of an older version")


def test_a_slot_taken_without_a_record_waits_and_says_how_to_unlock_it(server, quick, tmp_path):
    with get_client(sync_client=True) as client:
        client.update_global_concurrency_limit(WRITER_LIMIT, GlobalConcurrencyLimitUpdate(active_slots=1))
    waiter = Waiter(tmp_path, None)  # a real server's leases are not ours to read: a person decides
    waiter.start()
    waiter.wait_until_it_says("`labour-monitor unlock` frees it")
    assert waiter.said("is taken without a holder record (taken by hand, or by a run of an older version)")
    assert "1 slot(s) were taken without a holder record" in unlock(tmp_path)
    waiter.join(timeout=30)
    assert waiter.error is None and waiter.held


def test_unlock_refuses_while_the_holder_lives_and_status_shows_it_without_a_server(server, tmp_path, capsys):
    holder = Holder(server, tmp_path)
    with pytest.raises(SlotHeld, match=f"is alive; .* \\(process {holder.proc.pid} on "):
        unlock(tmp_path)
    with temporary_settings(updates={PREFECT_API_URL: ""}):  # status reads the data folder, not a server
        assert main(["--data-dir", str(tmp_path), "status"]) == 1  # no warehouse yet, but who writes it
        out = capsys.readouterr().out
        assert f"Write slot: held by run local (nightly, pid {holder.proc.pid} on {socket.gethostname()}) since 20" in out
        holder.kill()
        main(["--data-dir", str(tmp_path), "status"])
        out = capsys.readouterr().out
        assert f"which is dead (process {holder.proc.pid} no longer runs" in out and "the next run reclaims it" in out
    assert "by run local (nightly" in unlock(tmp_path)


def test_a_run_whose_lease_was_revoked_does_not_publish(server, quick, tmp_path):
    logger = logging.getLogger("test.lost")
    with one_writer(logger, "nightly", None, tmp_path) as slot:
        with get_client(sync_client=True) as client:
            client.release_concurrency_slots_with_lease(UUID(reclaim.read_holder(client).lease_id))
        deadline = time.monotonic() + 10
        while not slot.keeper.lost and time.monotonic() < deadline:
            time.sleep(0.1)
        with pytest.raises(WriteSlotLost, match="lease .* was revoked"):
            slot.check()
