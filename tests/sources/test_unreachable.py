"""A host that does not answer ends its source within a bound, naming the host and the last error.

Real sockets on loopback, the provider's real client (Eurostat's), short timeouts: a name that does not
resolve, a closed port, a connection that never completes (a listening socket whose backlog is full), and a
server that accepts and never answers. A download that is slow but making progress is not cut.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import replace

import httpx
import pytest

from sources.client import RetryPolicy
from sources.errors import HostUnreachable
from sources.eurostat import EurostatClient
from tests.sources.eurostat_bodies import GDP, gdp_server

POLICY = RetryPolicy(attempts=4, backoff=0.1, min_interval=0.0, connect_timeout=0.5, first_byte_timeout=0.5,
                     unanswered_budget=3.0)


def client(catalog, base_url: str, policy: RetryPolicy = POLICY) -> EurostatClient:
    source = catalog.sources["eurostat"].model_copy(update={"base_url": base_url})
    return EurostatClient(source, httpx.Client(timeout=policy.httpx_timeout()), catalog, policy=policy)


def fetch(catalog, base_url: str, policy: RetryPolicy = POLICY) -> tuple[float, HostUnreachable | list]:
    started = time.monotonic()
    try:
        got: HostUnreachable | list = list(client(catalog, base_url, policy).fetch(catalog.tables[GDP], 2021, 2021, {"geo": "DE117"}))
    except HostUnreachable as exc:
        got = exc
    return time.monotonic() - started, got


def _listener(backlog: int = 8) -> socket.socket:
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    s.listen(backlog)
    return s


@pytest.fixture
def closed_port() -> int:
    s = _listener()
    port = s.getsockname()[1]
    s.close()
    return port


@pytest.fixture
def full_backlog() -> Iterator[int]:
    """A port whose SYNs are dropped: its listen queue is full and nobody accepts."""
    s = _listener(0)
    port = s.getsockname()[1]
    queued = []
    for _ in range(4):
        c = socket.socket()
        c.setblocking(False)
        c.connect_ex(("127.0.0.1", port))
        queued.append(c)
    time.sleep(0.1)
    yield port
    for c in queued:
        c.close()
    s.close()


@pytest.fixture
def silent_server() -> Iterator[int]:
    """Accepts every connection and never sends a byte."""
    s = _listener()
    held: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        s.settimeout(0.1)
        while not stop.is_set():
            try:
                held.append(s.accept()[0])
            except TimeoutError:
                pass

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield s.getsockname()[1]
    stop.set()
    thread.join()
    for c in held:
        c.close()
    s.close()


def test_a_name_that_does_not_resolve(catalog):
    took, err = fetch(catalog, "http://eurostat.invalid/api/")
    assert isinstance(err, HostUnreachable) and err.host == "eurostat.invalid"
    assert "host eurostat.invalid did not answer (4 attempt(s) in" in str(err) and "ConnectError" in str(err)
    assert took < 10


def test_a_closed_port(catalog, closed_port):
    took, err = fetch(catalog, f"http://127.0.0.1:{closed_port}/api/")
    assert isinstance(err, HostUnreachable)
    assert str(err).startswith(f"source eurostat, table {GDP}: host 127.0.0.1 did not answer (4 attempt(s)")
    assert "ConnectError" in err.last_error and took < 10


def test_a_connection_that_never_completes_stops_within_the_budget(catalog, full_backlog):
    took, err = fetch(catalog, f"http://127.0.0.1:{full_backlog}/api/")
    assert isinstance(err, HostUnreachable) and "ConnectTimeout" in err.last_error
    assert took <= POLICY.unanswered_budget + 0.5  # 0.5 s per attempt and the pauses: 3 attempts fit, not 4
    assert "(3 attempt(s)" in str(err)


def test_a_server_that_accepts_and_never_answers_stops_within_the_budget(catalog, silent_server):
    took, err = fetch(catalog, f"http://127.0.0.1:{silent_server}/api/")
    assert isinstance(err, HostUnreachable) and "ReadTimeout" in err.last_error
    assert took <= POLICY.unanswered_budget + 0.5


def test_a_slow_download_that_makes_progress_is_not_cut(catalog):
    """2.4 s in chunks 0.3 s apart: beyond the 3 s budget's share per attempt, but never silent for 0.5 s."""
    body = gdp_server()(httpx.Request("GET", "http://x/" + GDP + "?geo=DE117&unit=MIO_EUR&unit=EUR_HAB&sinceTimePeriod=2021"
                                      "&untilTimePeriod=2021")).content
    s = _listener()

    def serve() -> None:
        conn, _ = s.accept()
        conn.recv(65536)
        conn.sendall(b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: %d\r\n\r\n" % len(body))
        step = len(body) // 8 + 1
        for i in range(0, len(body), step):
            time.sleep(0.3)
            conn.sendall(body[i:i + step])
        conn.close()

    threading.Thread(target=serve, daemon=True).start()
    took, payloads = fetch(catalog, f"http://127.0.0.1:{s.getsockname()[1]}/", replace(POLICY, unanswered_budget=1.0))
    s.close()
    assert isinstance(payloads, list) and payloads[0].body.read() == body and took > 2.0
