"""Loopback ports for servers that tests, benchmarks and the demo start."""

from __future__ import annotations

import socket


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now (the OS picks it).

    Another process could take it before the caller binds it; on loopback, in a test or
    the demo, that race is rare enough, and servers that can bind port 0 should.
    """
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port
