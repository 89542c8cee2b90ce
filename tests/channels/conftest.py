"""Shared by the channel tests: nothing here may reach past the loopback interface."""

import socket
from collections.abc import Iterator
from typing import Any

import pytest


@pytest.fixture(scope="module", autouse=True)
def _loopback_only() -> Iterator[None]:
    """Fail any attempt to reach past 127.0.0.1 (Slack, a language model, anything)."""
    connect = socket.socket.connect

    def guarded(sock: socket.socket, address: Any) -> None:
        if sock.family in (socket.AF_INET, socket.AF_INET6) and address[0] not in ("127.0.0.1", "::1"):
            raise AssertionError(f"a channel test tried to reach {address}")
        connect(sock, address)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(socket.socket, "connect", guarded)
        yield
