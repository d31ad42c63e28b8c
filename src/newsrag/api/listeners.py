"""A listening socket of its own for each worker of `newsrag serve --workers N`, all in one
SO_REUSEPORT group, so that the kernel spreads new connections over the workers.

uvicorn's workers share the one socket their parent binds, and the worker whose event loop wakes
first accepts every connection waiting (asyncio accepts up to the backlog at once): ten
keep-alive clients connecting together were all served by one of two workers in three runs of
four (benchmarks/chat_load.py's store: p50 127-162 ms at 10 clients, against 91 ms when both
workers served). With one socket per worker, bound with SO_REUSEPORT (Linux), the kernel picks a
worker for each new connection by its addresses' hash.

uvicorn's supervisor hands the same socket list to every worker it starts (restarts included),
pickled: `WorkerSocket` is bound, not listening, in the parent (so the address is checked once
and no connection waits on it), and unpickles in each worker as a new socket bound to the same
address and listening.
"""

from __future__ import annotations

import socket
import sys
from typing import Any

from newsrag.errors import ConfigurationError

BACKLOG = 2048  # uvicorn's default


class WorkerSocket(socket.socket):
    """The parent's bound socket; each worker that unpickles it gets its own (`listening`)."""

    def __reduce_ex__(self, protocol: Any) -> tuple[Any, ...]:
        return (listening, (self.family, self.getsockname()))


def listening(family: socket.AddressFamily, address: tuple[Any, ...]) -> socket.socket:
    """A new socket in the SO_REUSEPORT group of `address`, listening. Made as TCP explicitly:
    asyncio sets TCP_NODELAY only on connections of a socket whose protocol says TCP, and
    without it a keep-alive client waited 40 ms on every response (Nagle's algorithm against
    delayed acknowledgements)."""
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    _reuse(sock)
    sock.bind(address)
    sock.listen(BACKLOG)
    return sock


def worker_socket(host: str, port: int) -> WorkerSocket | None:
    """The parent's socket for workers on `host:port`, or None where the kernel does not spread
    connections over SO_REUSEPORT sockets (not Linux): uvicorn's shared socket then."""
    if not sys.platform.startswith("linux") or not hasattr(socket, "SO_REUSEPORT"):
        return None
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = WorkerSocket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    _reuse(sock)
    try:
        sock.bind((host, port))
    except OSError as exc:
        sock.close()
        raise ConfigurationError(
            f"Cannot listen on {host}:{port} ({exc.strerror}): set NEWSRAG_PORT (or --port) to "
            "a free port, or NEWSRAG_HOST to an address of this machine.",
            code="address_unavailable",
        ) from exc
    return sock


def _reuse(sock: socket.socket) -> None:
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
