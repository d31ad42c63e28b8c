"""`newsrag serve` on SIGTERM, as an orchestrator stops it: it stops accepting connections, lets
an answer already streaming finish (within NEWSRAG_SHUTDOWN_GRACE), then exits. A real server
process, a real database, and a loopback chat model that streams slowly."""

from __future__ import annotations

import signal
import subprocess
import threading
import time
from pathlib import Path

import httpx
import pytest

from tests.chat_server import ChatServer, Script, split_pieces
from tests.conftest import wikinews_rows, write_jsonl
from tests.test_cli import NEWSRAG, cli_env, run
from tests.test_stream import free_port, last, parse_events

pytestmark = pytest.mark.model

ANSWER = "Mozilla released Firefox 1.0 on November 9, 2004, for Windows, Mac and Linux. [1]"


def wait_live(base: str, server: subprocess.Popen[bytes], limit: float = 120.0) -> None:
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        assert server.poll() is None, "newsrag serve exited before answering"
        try:
            if httpx.get(f"{base}/health/live", timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    raise AssertionError("newsrag serve did not answer /health/live")


def test_a_stream_started_before_sigterm_completes_and_new_connections_are_refused(
    tmp_path: Path, fresh_uri: str
) -> None:
    write_jsonl(tmp_path / "five.jsonl", wikinews_rows(5))
    assert run(tmp_path, fresh_uri, "ingest", "five.jsonl").code == 0
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    with ChatServer() as model:
        model.queue(Script(split_pieces(ANSWER), pause=0.3))  # about 4 s of streaming
        env = cli_env(
            tmp_path,
            fresh_uri,
            NEWSRAG_GENERATOR="openai",
            NEWSRAG_OPENAI_BASE_URL=f"{model.url}/v1",
            NEWSRAG_SHUTDOWN_GRACE="30",
            NEWSRAG_LOG_LEVEL="WARNING",
        )
        server = subprocess.Popen(
            [str(NEWSRAG), "serve", "--port", str(port)], cwd=tmp_path, env=env
        )
        try:
            wait_live(base, server)
            started = threading.Event()
            received: list[str] = []

            def ask() -> None:
                body = {"sessionId": "shutdown-1", "message": "When was Firefox 1.0 released?"}
                with httpx.stream("POST", f"{base}/api/chat/stream", json=body, timeout=60) as r:
                    for text in r.iter_text():
                        received.append(text)
                        started.set()

            reader = threading.Thread(target=ask)
            reader.start()
            assert started.wait(30), "the stream did not start"
            server.send_signal(signal.SIGTERM)
            time.sleep(0.5)
            with pytest.raises(httpx.TransportError):
                httpx.get(f"{base}/health/live", timeout=2)
            reader.join(60)
            code = server.wait(30)
        finally:
            if server.poll() is None:
                server.kill()

    events = parse_events("".join(received))
    assert last(events, "done")["answer"] == ANSWER
    assert code in (0, -signal.SIGTERM)  # uvicorn re-raises the signal once it has shut down
