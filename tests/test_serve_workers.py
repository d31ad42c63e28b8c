"""`newsrag serve --workers N`: each worker listens on a socket of its own (SO_REUSEPORT), so that
connections opened together are spread over the workers instead of all going to the one whose
event loop woke first; SIGTERM still stops them all."""

from __future__ import annotations

import pickle
import signal
import socket
import subprocess
from collections import Counter
from multiprocessing.reduction import ForkingPickler
from pathlib import Path

import httpx
import pytest

from newsrag.api.listeners import worker_socket
from newsrag.errors import ConfigurationError
from tests.conftest import wikinews_rows, write_jsonl
from tests.test_cli import NEWSRAG, cli_env, run
from tests.test_shutdown import wait_live
from tests.test_stream import free_port

pytestmark = pytest.mark.model

CONNECTIONS = 20


def listening(sock: socket.socket) -> bool:
    return bool(sock.getsockopt(socket.SOL_SOCKET, socket.SO_ACCEPTCONN))


def test_each_worker_unpickles_its_own_listening_socket_on_the_parents_port() -> None:
    parent = worker_socket("127.0.0.1", 0)
    assert parent is not None
    try:
        first, second = (pickle.loads(ForkingPickler.dumps(parent)) for _ in range(2))
        try:
            port = parent.getsockname()[1]
            assert first.getsockname()[1] == second.getsockname()[1] == port
            assert first.fileno() != second.fileno()
            assert listening(first) and listening(second)
            assert not listening(parent)  # no connection waits where no worker accepts
            # asyncio sets TCP_NODELAY on the connections of TCP sockets only: without it a
            # keep-alive client waits 40 ms on every response
            assert first.proto == second.proto == socket.IPPROTO_TCP
        finally:
            first.close()
            second.close()
    finally:
        parent.close()


def test_a_port_in_use_names_the_setting_that_moves_it() -> None:
    with socket.create_server(("127.0.0.1", 0)) as taken:
        port = taken.getsockname()[1]

        with pytest.raises(ConfigurationError) as raised:
            worker_socket("127.0.0.1", port)

    assert raised.value.code == "address_unavailable"
    assert f"127.0.0.1:{port}" in raised.value.message
    assert "NEWSRAG_PORT" in raised.value.message


def connections_by_process(pids: list[int], port: int) -> Counter[int]:
    """How many established connections on `port` each process holds, from /proc."""
    inodes: dict[str, int] = {}
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        fields = line.split()
        local_port = int(fields[1].split(":")[1], 16)
        if local_port == port and fields[3] == "01":  # ESTABLISHED, the server's side
            inodes[fields[9]] = 0
    held: Counter[int] = Counter()
    for pid in pids:
        for fd in Path(f"/proc/{pid}/fd").iterdir():
            target = fd.readlink().name if fd.is_symlink() else ""
            if target.startswith("socket:[") and target[8:-1] in inodes:
                held[pid] += 1
    return held


def children(pid: int) -> list[int]:
    return [
        int(child)
        for task in Path(f"/proc/{pid}/task").iterdir()
        for child in (task / "children").read_text().split()
    ]


def test_connections_opened_together_are_spread_over_both_workers(
    tmp_path: Path, fresh_uri: str
) -> None:
    write_jsonl(tmp_path / "two.jsonl", wikinews_rows(2))
    assert run(tmp_path, fresh_uri, "ingest", "two.jsonl").code == 0
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = cli_env(tmp_path, fresh_uri, NEWSRAG_LOG_LEVEL="WARNING")
    command = [str(NEWSRAG), "serve", "--port", str(port), "--workers", "2"]
    server = subprocess.Popen(command, cwd=tmp_path, env=env)
    clients = [httpx.Client(base_url=base, timeout=30) for _ in range(CONNECTIONS)]
    try:
        wait_live(base, server)
        for client in clients:  # each keeps its connection open
            assert client.get("/health/live").status_code == 200

        held = connections_by_process(children(server.pid), port)

        assert sum(held.values()) == CONNECTIONS
        assert len(held) == 2, held  # both workers serve
        server.send_signal(signal.SIGTERM)
        assert server.wait(60) == 0
    finally:
        for client in clients:
            client.close()
        if server.poll() is None:
            server.kill()
            server.wait(30)
