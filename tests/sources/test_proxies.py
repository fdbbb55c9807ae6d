"""A live run goes through the proxy the environment names, except for hosts NO_PROXY exempts."""

from __future__ import annotations

import socket
import threading

import httpx
import pytest

from sources.proxies import EnvironmentProxies


@pytest.fixture
def proxy(monkeypatch):
    """A loopback 'proxy' that answers every request with 200 and records the request line it got."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(4)
    seen: list[str] = []

    def serve() -> None:
        conn, _ = server.accept()
        seen.append(conn.recv(65536).decode().splitlines()[0])
        conn.sendall(b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nok")
        conn.close()

    threading.Thread(target=serve, daemon=True).start()
    url = f"http://127.0.0.1:{server.getsockname()[1]}"
    for key in ("HTTPS_PROXY", "https_proxy", "ALL_PROXY", "all_proxy", "NO_PROXY", "no_proxy"):
        monkeypatch.delenv(key, raising=False)
    monkeypatch.setenv("HTTP_PROXY", url)
    yield seen
    server.close()


def test_a_request_goes_through_the_proxy_the_environment_names(proxy):
    with httpx.Client(transport=EnvironmentProxies()) as client:
        assert client.get("http://statistik.example/tableFetch").text == "ok"
    assert proxy == ["GET http://statistik.example/tableFetch HTTP/1.1"]  # the absolute form a proxy gets


def test_a_host_no_proxy_names_is_reached_directly(proxy, monkeypatch):
    monkeypatch.setenv("NO_PROXY", "statistik.example")
    with httpx.Client(transport=EnvironmentProxies()) as client, pytest.raises(httpx.ConnectError):
        client.get("http://statistik.example/tableFetch")  # no such name: tried directly, not via the proxy
    assert proxy == []
