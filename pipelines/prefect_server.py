"""The Prefect API a command-line run talks to: the configured server, or a temporary one of its own.

Without `PREFECT_API_URL`, Prefect would start a temporary server by itself, as a plain child process
that outlives a run killed with SIGKILL and keeps its concurrency leases in memory, so that a killed
holder's write slot stays taken for ever. The command line therefore starts that server itself, the way
Prefect does (uvicorn serving `prefect.server.api.server:create_app`, UI off, ephemeral mode), with two
differences:

- it is tied to the run (`processes.tied`): the kernel kills it when the run dies, however it dies;
- its concurrency leases are kept on disk (`PREFECT_HOME/concurrency_leases`, Prefect's filesystem lease
  storage), so that they outlive it and the next run can find and release a dead holder's lease.
"""

from __future__ import annotations

import logging
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

from processes import tied

log = logging.getLogger(__name__)

LEASE_STORAGE = "prefect.server.concurrency.lease_storage.filesystem"
STARTUP_SECONDS = 120  # migrations on a new database take ~10 s, a busy 2-core machine more

_own_lease_folder: Path | None = None  # set while this process runs its own temporary server


def configured_api() -> str | None:
    """The Prefect API this process would talk to, if one is configured."""
    from prefect.settings import get_current_settings

    return get_current_settings().api.url or None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def own_lease_folder() -> Path | None:
    """Where this process's own temporary server keeps its concurrency leases; None when the API is another's."""
    return _own_lease_folder


@dataclass(frozen=True)
class TemporaryServer:
    url: str  # the API
    home: Path  # its PREFECT_HOME: database and concurrency leases
    pid: int

    @property
    def lease_folder(self) -> Path:
        return self.home / "concurrency_leases"  # Prefect's filesystem lease storage keeps them there


def _server_env(home: Path | None) -> dict[str, str]:
    from prefect.settings import get_current_settings

    env = os.environ | get_current_settings().to_environment_variables(exclude_unset=True) | {
        "PREFECT_UI_ENABLED": "0",
        "PREFECT__SERVER_EPHEMERAL": "1",  # no services, as Prefect's own temporary server
        "PREFECT_SERVER_CONCURRENCY_LEASE_STORAGE": LEASE_STORAGE,
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    }
    env.pop("PREFECT_API_URL", None)
    if home is not None:  # a home of its own: its database there too
        env["PREFECT_HOME"] = str(home)
        for key in ("PREFECT_API_DATABASE_CONNECTION_URL", "PREFECT_SERVER_DATABASE_CONNECTION_URL"):
            env.pop(key, None)
    return env


@contextmanager
def temporary_server(home: Path | None = None) -> Iterator[TemporaryServer]:
    """A Prefect API server tied to this process (default: on this process's PREFECT_HOME), up until the block ends."""
    import prefect
    from prefect.settings import get_current_settings

    port = _free_port()
    url = f"http://127.0.0.1:{port}/api"
    server = tied.popen(
        [sys.executable, "-m", "uvicorn", "--app-dir", str(Path(prefect.__file__).parent.parent), "--factory",
         "prefect.server.api.server:create_app", "--host", "127.0.0.1", "--port", str(port), "--log-level", "error",
         "--lifespan", "on"],
        env=_server_env(home), stdin=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + STARTUP_SECONDS
        while True:
            if server.poll() is not None:
                raise RuntimeError(f"the temporary Prefect server exited with code {server.returncode} while starting")
            try:
                if httpx.get(f"{url}/health", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"the temporary Prefect server did not answer on {url} within {STARTUP_SECONDS} s")
            time.sleep(0.2)
        log.info("temporary Prefect server on %s (pid %d, ends with this run)", url, server.pid)
        yield TemporaryServer(url, Path(home or get_current_settings().home), server.pid)
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def _send_what_prefect_holds() -> None:
    """Logs and events Prefect still queues go to the server before it stops (else "Error logging to API"
    tracebacks at exit)."""
    from prefect.events.worker import EventsWorker
    from prefect.logging.handlers import APILogWorker

    for worker in (APILogWorker, EventsWorker):
        worker.drain_all(timeout=10)


@contextmanager
def prefect_api() -> Iterator[str]:
    """Yield the API URL to use; start a temporary server tied to this process if none is configured.

    Call it from the thread that lives as long as the run (the parent-death signal follows that thread)."""
    global _own_lease_folder
    configured = configured_api()
    if configured:
        yield configured
        return
    from prefect.context import refresh_global_settings_context
    from prefect.settings import PREFECT_API_URL, temporary_settings

    with temporary_server() as server:
        # Prefect's background threads (logs, events) read the process-wide settings, not this thread's.
        before = os.environ.get("PREFECT_API_URL")
        os.environ["PREFECT_API_URL"] = server.url
        refresh_global_settings_context()
        _own_lease_folder = server.lease_folder
        try:
            with temporary_settings(updates={PREFECT_API_URL: server.url}):
                yield server.url
        finally:
            _own_lease_folder = None
            _send_what_prefect_holds()
            if before is None:
                os.environ.pop("PREFECT_API_URL", None)
            else:
                os.environ["PREFECT_API_URL"] = before
            refresh_global_settings_context()
