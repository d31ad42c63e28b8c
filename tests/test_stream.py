"""POST /api/chat/stream end to end: server-sent events over the Wikinews corpus with real
MiniLM and the extractive generator; failures, heartbeats, and a real client leaving mid-answer
on a real uvicorn server; and the `interrupted` flag kept by both session stores."""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn
from fastapi.testclient import TestClient

from newsrag.api.app import create_app
from newsrag.api.routes import stream as stream_route
from newsrag.embeddings.local import LocalEmbedder
from newsrag.errors import ProviderError
from newsrag.generation.base import NOT_COVERED, Generator
from newsrag.generation.citations import cited_numbers
from newsrag.models import Message
from newsrag.retrieval import Evidence
from newsrag.services import Services, build_services
from newsrag.sessions import create_session_store
from newsrag.store import Database
from tests.api_helpers import (
    ABSENT_QUESTION,
    CHAT_FIELDS,
    FIREFOX_QUESTION,
    FIREFOX_TOPIC,
    api_services_fixture,  # noqa: F401  (the `api_services` fixture)
    assert_error,
    chat,
    client_fixture,  # noqa: F401  (the `client` fixture)
    new_id,
)
from tests.conftest import REDIS_TEST_URL, make_settings

pytestmark = pytest.mark.model

PROVIDER_DOWN = "The generation provider is down: try again in a minute."
SLOW_PIECES = ["Firefox 1.0 came out [1]", " in November 2004 [1]", " for many systems [1]"]
SLOW_PIECES += [f" and part {n} [1]" for n in range(4, 9)]

Event = tuple[str, Any]


# --- helpers -------------------------------------------------------------------------------


def parse_events(text: str) -> list[Event]:
    """(event name, decoded data) of each SSE event; comment lines (`: ping`) are skipped."""
    events: list[Event] = []
    for block in text.split("\n\n"):
        lines = [line for line in block.split("\n") if line and not line.startswith(":")]
        if not lines:
            continue
        fields = dict(line.split(": ", 1) for line in lines)
        events.append((fields["event"], json.loads(fields["data"])))
    return events


def stream(client: TestClient, session_id: str, message: str) -> list[Event]:
    response = client.post("/api/chat/stream", json={"sessionId": session_id, "message": message})
    assert response.status_code == 200, response.text
    return parse_events(response.text)


def tokens(events: Sequence[Event]) -> list[str]:
    return [data["text"] for name, data in events if name == "token"]


def last(events: Sequence[Event], name: str) -> Any:
    found = [data for event, data in events if event == name]
    assert found, f"no {name} event in {events}"
    return found[-1]


class BrokenGenerator(Generator):
    model = "broken"

    def generate(self, question: str, evidence: Sequence[Evidence]) -> str:
        raise ProviderError(PROVIDER_DOWN, code="provider_down")


class SlowGenerator(Generator):
    """Streams SLOW_PIECES with a pause before each one, like a remote model would."""

    model = "slow"

    def __init__(self, pause: float) -> None:
        self.pause = pause

    def generate(self, question: str, evidence: Sequence[Evidence]) -> str:
        return "".join(self.stream(question, evidence))

    def stream(
        self, question: str, evidence: Sequence[Evidence], *, message: str = ""
    ) -> Iterator[str]:
        for piece in SLOW_PIECES:
            time.sleep(self.pause)
            yield piece


def services_with(
    generator: Generator, corpus_uri: str, minilm: LocalEmbedder, tmp_path: Path
) -> Services:
    settings = make_settings(corpus_uri, tmp_path)
    return build_services(settings, embedder=minilm, generator=generator)


@pytest.fixture
def slow_services(corpus_uri: str, minilm: LocalEmbedder, tmp_path: Path) -> Iterator[Services]:
    services = services_with(SlowGenerator(0.3), corpus_uri, minilm, tmp_path)
    yield services
    services.close()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


@pytest.fixture
def live_url(slow_services: Services) -> Iterator[str]:
    """The app on a real uvicorn server on 127.0.0.1, serving with the slow generator."""
    port = free_port()
    config = uvicorn.Config(
        create_app(services=slow_services), host="127.0.0.1", port=port, log_level="warning"
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        assert time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)


# --- events --------------------------------------------------------------------------------


def test_stream_sends_sources_then_tokens_then_done(client: TestClient) -> None:
    events = stream(client, new_id(), FIREFOX_QUESTION)

    names = [name for name, _ in events]
    assert names[0] == "sources"
    assert names[-1] == "done"
    assert set(names[1:-1]) == {"token"}
    assert len(names) >= 3


def test_stream_sources_event_lists_the_sources_found(client: TestClient) -> None:
    events = stream(client, new_id(), FIREFOX_QUESTION)

    sources = last(events, "sources")
    assert sources
    for source in sources:
        assert set(source) == {"n", "title", "url", "score", "publishedAt", "source"}
        assert source["url"].startswith("https://en.wikinews.org/wiki/")
    done_urls = {s["url"] for s in last(events, "done")["sources"]}
    assert {s["url"] for s in sources} == done_urls
    assert any("Firefox" in s["title"] for s in sources)


def test_stream_tokens_join_into_the_done_answer(client: TestClient) -> None:
    events = stream(client, new_id(), FIREFOX_TOPIC)

    pieces = tokens(events)
    answer = last(events, "done")["answer"]
    assert len(pieces) >= 2, pieces  # the extractive generator streams sentence by sentence
    assert all(cited_numbers(piece) for piece in pieces)  # each sentence carries its [n]
    assert "".join(pieces) == answer
    assert "November" in answer


def test_stream_done_has_the_fields_of_chat_with_checked_citations(client: TestClient) -> None:
    session = new_id()
    done = last(stream(client, session, FIREFOX_QUESTION), "done")

    assert set(done) == CHAT_FIELDS
    assert done["success"] is True
    assert done["sessionId"] == session
    assert done["userMessage"] == FIREFOX_QUESTION
    assert done["covered"] is True
    assert done["retrievalQuery"] == FIREFOX_QUESTION
    cited = cited_numbers(done["answer"])
    assert cited == list(range(1, len(cited) + 1))
    assert "Firefox" in done["sources"][0]["title"]
    assert done == {**chat(client, new_id(), FIREFOX_QUESTION), **_same_turn(done)}


def _same_turn(done: dict[str, Any]) -> dict[str, Any]:
    """The fields of a turn that differ between two askings of one question."""
    return {key: done[key] for key in ("sessionId", "timestamp")}


def test_stream_says_not_covered_for_a_question_outside_the_corpus(client: TestClient) -> None:
    events = stream(client, new_id(), ABSENT_QUESTION)

    assert last(events, "sources") == []
    assert tokens(events) == [NOT_COVERED]
    done = last(events, "done")
    assert done["covered"] is False
    assert done["answer"] == NOT_COVERED
    assert done["sources"] == []


def test_stream_answers_with_event_stream_headers(client: TestClient) -> None:
    response = client.post(
        "/api/chat/stream", json={"sessionId": new_id(), "message": FIREFOX_QUESTION}
    )

    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/event-stream")
    assert response.headers["cache-control"] == "no-cache"
    assert response.headers["x-accel-buffering"] == "no"


@pytest.mark.parametrize(
    ("body", "naming"),
    [
        ({"sessionId": "ok-id"}, "'message' is required."),
        ({"sessionId": "bad id!", "message": "hi"}, "'sessionId' must be 1-128 characters"),
        ({"sessionId": "ok-id", "message": "   "}, "'message' must not be empty."),
    ],
)
def test_stream_rejects_a_bad_body_with_the_400_envelope(
    client: TestClient, body: dict[str, str], naming: str
) -> None:
    response = client.post("/api/chat/stream", json=body)

    assert response.status_code == 400
    assert response.headers["content-type"].startswith("application/json")
    assert_error(response.json(), naming=naming)
    assert response.json()["code"] == "invalid_input"


def test_stream_history_holds_the_question_and_the_answer(client: TestClient) -> None:
    session = new_id()
    done = last(stream(client, session, FIREFOX_QUESTION), "done")

    messages = client.get(f"/api/history/{session}").json()["messages"]
    assert [(m["role"], m["content"]) for m in messages] == [
        ("user", FIREFOX_QUESTION),
        ("assistant", done["answer"]),
    ]
    assert set(messages[0]) == {"role", "content", "timestamp"}
    assert messages[1]["sources"] == done["sources"]


# --- failures and heartbeats ---------------------------------------------------------------


def test_provider_failure_is_an_error_event_that_keeps_the_question(
    corpus_uri: str, minilm: LocalEmbedder, tmp_path: Path
) -> None:
    session = new_id()
    services = services_with(BrokenGenerator(), corpus_uri, minilm, tmp_path)
    try:
        with TestClient(create_app(services=services)) as broken:
            events = stream(broken, session, FIREFOX_QUESTION)
            history = broken.get(f"/api/history/{session}").json()
    finally:
        services.close()

    assert [name for name, _ in events] == ["sources", "error"]
    assert events[-1][1] == {"success": False, "error": PROVIDER_DOWN, "code": "provider_down"}
    assert [(m["role"], m["content"]) for m in history["messages"]] == [("user", FIREFOX_QUESTION)]


def test_stream_pings_while_the_answer_is_being_produced(
    slow_services: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(stream_route, "HEARTBEAT_SECONDS", 0.05)
    with TestClient(create_app(services=slow_services)) as slow:
        response = slow.post(
            "/api/chat/stream", json={"sessionId": new_id(), "message": FIREFOX_QUESTION}
        )

    assert ": ping\n\n" in response.text
    events = parse_events(response.text)
    assert tokens(events) == SLOW_PIECES
    assert last(events, "done")["answer"].startswith("Firefox 1.0 came out [1] in November")


def test_a_client_leaving_mid_answer_keeps_the_partial_answer_marked_interrupted(
    live_url: str,
) -> None:
    session = new_id()
    full = "".join(SLOW_PIECES)
    first_token = None
    with (
        httpx.Client(base_url=live_url, timeout=30) as http,
        http.stream(
            "POST", "/api/chat/stream", json={"sessionId": session, "message": FIREFOX_QUESTION}
        ) as response,
    ):
        assert response.status_code == 200
        lines = response.iter_lines()
        for line in lines:
            if line == "event: token":
                first_token = json.loads(next(lines).removeprefix("data: "))["text"]
                break
    assert first_token == SLOW_PIECES[0]

    messages: list[dict[str, Any]] = []
    deadline = time.monotonic() + 5
    with httpx.Client(base_url=live_url, timeout=10) as http:
        while time.monotonic() < deadline and len(messages) < 2:
            found = http.get(f"/api/history/{session}")
            messages = found.json()["messages"] if found.status_code == 200 else []
            time.sleep(0.1)
        time.sleep(1.0)  # longer than the rest of the answer would take: nothing is added
        settled = http.get(f"/api/history/{session}").json()["messages"]

    assert settled == messages
    assert [m["role"] for m in messages] == ["user", "assistant"]
    assert messages[0]["content"] == FIREFOX_QUESTION
    assert "interrupted" not in messages[0]
    answer = messages[1]
    assert answer["interrupted"] is True
    assert answer["content"].startswith(SLOW_PIECES[0])
    assert full.startswith(answer["content"])
    assert len(answer["content"]) < len(full)


# --- the interrupted flag in the session stores -------------------------------------------


def _turn(interrupted: bool) -> list[Message]:
    at = datetime(2025, 3, 1, 9, 30, tzinfo=UTC)
    return [Message("user", "Q?", at), Message("assistant", "Part", at, interrupted=interrupted)]


def test_migration_adds_the_interrupted_column_with_a_false_default(fresh_db: Database) -> None:
    with fresh_db.connection() as conn:
        row = conn.execute(
            "SELECT data_type, is_nullable, column_default FROM information_schema.columns "
            "WHERE table_name = 'messages' AND column_name = 'interrupted'"
        ).fetchone()
    assert row == ("boolean", "NO", "false")


@pytest.mark.parametrize("kind", ["postgres", "redis"])
def test_session_stores_keep_the_interrupted_flag(
    kind: str, fresh_db: Database, tmp_path: Path
) -> None:
    settings = make_settings(
        fresh_db.uri, tmp_path, redis_url=REDIS_TEST_URL if kind == "redis" else None
    )
    store = create_session_store(settings, fresh_db)
    assert store.name == kind
    session = f"test-{new_id()}"
    try:
        store.append(session, _turn(interrupted=True))
        store.append(session, _turn(interrupted=False))
        history = store.history(session)
    finally:
        store.delete(session)

    assert history is not None
    assert [m.interrupted for m in history.messages] == [False, True, False, False]
