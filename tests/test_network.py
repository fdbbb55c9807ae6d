"""Nothing in the test process reaches the network: only loopback is allowed (pytest-socket, pyproject.toml)."""

from __future__ import annotations

import socket

import pytest
from pytest_socket import SocketConnectBlockedError


@pytest.mark.filterwarnings("ignore:A test tried to use socket:UserWarning")
def test_a_socket_to_a_non_loopback_address_is_refused():
    # UDP: even if the guard were gone, connect() only sets the peer and sends nothing. 192.0.2.1 is TEST-NET-1.
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock, pytest.raises(SocketConnectBlockedError):
        sock.connect(("192.0.2.1", 53))


def test_a_socket_to_loopback_is_allowed():
    with socket.socket() as server, socket.socket() as client:
        server.bind(("127.0.0.1", 0))
        server.listen(1)
        client.connect(server.getsockname())
        accepted, _ = server.accept()
        accepted.close()
