"""Loopback ports for tests that start a server process."""

from __future__ import annotations

import socket
import time


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_until_listening(port: int, timeout_s: float = 60.0) -> None:
    """Return once something accepts connections on ``127.0.0.1:port``; fail the test after ``timeout_s``."""
    deadline = time.monotonic() + timeout_s
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            if time.monotonic() > deadline:
                raise AssertionError(f"nothing listened on port {port} within {timeout_s:.0f} s") from None
            time.sleep(0.2)
