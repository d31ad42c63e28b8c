"""Answers from an OpenAI-compatible model through the HTTP API: NEWSRAG_GENERATOR=openai pointed
at a real loopback chat server (tests/chat_server.py), over the Wikinews corpus with real MiniLM.
What the model is sent, its streamed pieces, the rewrite of follow-ups, the clean-up of its
reply, and what happens when it fails: the extractive fallback, its cooldown, or HTTP 503."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from newsrag.api.app import create_app
from newsrag.embeddings.local import LocalEmbedder
from newsrag.generation.base import NOT_COVERED
from newsrag.generation.fallback import Fallback
from newsrag.generation.openai import OpenAIChatGenerator
from newsrag.services import Services, build_services
from tests.api_helpers import FIREFOX_QUESTION, assert_error, chat, new_id
from tests.chat_server import ChatServer, Failure, Script, cite_first_source
from tests.conftest import make_settings
from tests.test_stream import free_port, last, parse_events, tokens

pytestmark = pytest.mark.model

MODEL = "openai:test-model"
FIREFOX_ANSWER = (
    "Firefox 1.0 was released by the Mozilla Foundation on November 9, 2004. [1] "
    "It was available for Windows, Mac OS X and Linux. [1]"
)
REWRITTEN = "What share of the vote did Alfred Gusenbauer get as Austrian Social Democrat leader?"
OVERLOADED = Failure(503, {"error": {"message": "the model is overloaded"}})

Open = Callable[..., TestClient]


def history(client: TestClient, session: str) -> list[tuple[str, str]]:
    messages = client.get(f"/api/history/{session}").json()["messages"]
    return [(m["role"], m["content"]) for m in messages]


@pytest.fixture(scope="module")
def chat_server() -> Iterator[ChatServer]:
    with ChatServer() as running:
        yield running


@pytest.fixture
def server(chat_server: ChatServer) -> ChatServer:
    """The module's chat server, answering by default and with no requests seen yet."""
    chat_server.answer = cite_first_source
    chat_server.requests.clear()
    return chat_server


@pytest.fixture
def open_api(
    server: ChatServer, corpus_uri: str, minilm: LocalEmbedder, tmp_path: Path
) -> Iterator[Open]:
    """`open_api(**settings)`: a client of the API answering with the `openai` generator at
    `server` (no retries), the settings overridden; everything is closed after the test."""
    opened: list[tuple[Services, TestClient]] = []

    def open_client(**overrides: object) -> TestClient:
        values: dict[str, object] = {
            "generator": "openai",
            "openai_base_url": server.url + "/v1",
            "llm_model": "test-model",
            "provider_retries": 0,
            "provider_timeout": 5.0,
        }
        values.update(overrides)
        services = build_services(make_settings(corpus_uri, tmp_path, **values), embedder=minilm)
        context = TestClient(create_app(services=services))
        opened.append((services, context))
        return context.__enter__()

    yield open_client
    for services, context in reversed(opened):
        context.__exit__(None, None, None)
        if isinstance(services.generator, OpenAIChatGenerator):
            services.generator.client.close()
        services.close()


@contextmanager
def frozen_clock(client: TestClient) -> Iterator[list[float]]:
    """The app's fallback policy on a clock the test moves (`clock[0] += 31`)."""
    app = client.app
    assert isinstance(app, FastAPI)
    services: Services = app.state.services
    now = [1000.0]
    policy = services.chat.fallback
    services.chat.fallback = Fallback(
        policy.primary, policy.fallback, cooldown=policy.cooldown, clock=lambda: now[0]
    )
    yield now


# --- answers from the model -----------------------------------------------------------------


def test_the_model_s_answer_is_returned_with_its_name(server: ChatServer, open_api: Open) -> None:
    body = chat(open_api(), new_id(), FIREFOX_QUESTION)

    assert body["model"] == MODEL
    assert body["degraded"] is False
    assert body["notice"] is None
    assert body["covered"] is True
    title = body["sources"][0]["title"]
    assert "Firefox" in title
    assert body["answer"] == f"The news reports on {title}. [1]"
    assert body["citations"] == [{"sentence": f"The news reports on {title}.", "sources": [1]}]


def test_the_model_is_sent_the_question_and_the_numbered_sources(
    server: ChatServer, open_api: Open
) -> None:
    chat(open_api(), new_id(), FIREFOX_QUESTION)

    [request] = server.requests
    assert request.path == "/v1/chat/completions"
    assert request.body["model"] == "test-model"
    assert request.body["stream"] is True
    assert f"Question: {FIREFOX_QUESTION}" in request.prompt
    assert '<source n="1" title="Firefox 1.0 Internet Browser released' in request.prompt
    assert "November 9, 2004" in request.prompt


def test_a_reply_saying_the_news_does_not_cover_it_is_not_covered(
    server: ChatServer, open_api: Open
) -> None:
    server.answer = lambda messages: "The news I have does not cover this."

    body = chat(open_api(), new_id(), FIREFOX_QUESTION)

    assert body["covered"] is False
    assert body["answer"] == NOT_COVERED
    assert body["sources"] == []
    assert body["citations"] == []
    assert body["model"] == MODEL


def test_a_sentence_the_model_repeats_three_times_is_answered_once(
    server: ChatServer, open_api: Open
) -> None:
    sentence = "Firefox 1.0 was released on November 9, 2004. [1]"
    server.answer = lambda messages: " ".join([sentence] * 3)

    body = chat(open_api(), new_id(), FIREFOX_QUESTION)

    assert body["answer"] == sentence
    assert body["citations"] == [
        {"sentence": "Firefox 1.0 was released on November 9, 2004.", "sources": [1]}
    ]


def test_a_follow_up_is_searched_as_the_model_rewrites_it(
    server: ChatServer, open_api: Open
) -> None:
    def answer(messages: list[dict[str, str]]) -> str:
        if "Standalone question:" in messages[-1]["content"]:
            return REWRITTEN
        return "Alfred Gusenbauer was reelected as party leader. [1]"

    server.answer = answer
    client, session = open_api(), new_id()
    first = "Who was reelected as leader of the Austrian Social Democrat Party?"
    chat(client, session, first)

    body = chat(client, session, "And what share of the vote did he get?")

    assert body["retrievalQuery"] == REWRITTEN
    rewrite = server.requests[1]
    assert "Last question: And what share of the vote did he get?" in rewrite.prompt
    assert f"User: {first}" in rewrite.prompt
    assert "Assistant: Alfred Gusenbauer was reelected as party leader." in rewrite.prompt
    assert rewrite.body["stop"] == ["\n"]
    assert f"Question: {REWRITTEN}" in server.requests[2].prompt
    assert len(server.requests) == 3


def test_the_stream_sends_the_model_s_pieces_as_tokens(server: ChatServer, open_api: Open) -> None:
    server.answer = lambda messages: FIREFOX_ANSWER
    response = open_api().post(
        "/api/chat/stream", json={"sessionId": new_id(), "message": FIREFOX_QUESTION}
    )

    events = parse_events(response.text)
    pieces = tokens(events)
    assert len(pieces) > 5
    assert "".join(pieces) == FIREFOX_ANSWER
    done = last(events, "done")
    assert done["model"] == MODEL
    assert done["degraded"] is False
    assert done["answer"] == FIREFOX_ANSWER
    assert done["citations"] == [
        {
            "sentence": "Firefox 1.0 was released by the Mozilla Foundation on November 9, 2004.",
            "sources": [1],
        },
        {"sentence": "It was available for Windows, Mac OS X and Linux.", "sources": [1]},
    ]


# --- when the model fails -------------------------------------------------------------------


def test_a_failing_model_is_answered_by_the_extractive_fallback(
    server: ChatServer, open_api: Open
) -> None:
    server.queue(OVERLOADED)
    client, session = open_api(), new_id()

    body = chat(client, session, FIREFOX_QUESTION)

    assert body["degraded"] is True
    assert body["model"].startswith("extractive:")
    assert body["covered"] is True
    assert "November" in body["answer"]
    assert body["citations"]
    notice = body["notice"]
    assert "HTTP 503" in notice and "the model is overloaded" in notice
    assert "NEWSRAG_GENERATOR=extractive" in notice
    assert notice.endswith(f"(Answered by {body['model']} instead.)")
    assert history(client, session) == [("user", FIREFOX_QUESTION), ("assistant", body["answer"])]


def test_an_unreachable_model_is_answered_by_the_extractive_fallback(open_api: Open) -> None:
    url = f"http://127.0.0.1:{free_port()}/v1"

    body = chat(open_api(openai_base_url=url), new_id(), FIREFOX_QUESTION)

    assert body["degraded"] is True
    assert body["model"].startswith("extractive:")
    assert "connection refused" in body["notice"]
    assert url in body["notice"]
    assert "NEWSRAG_GENERATOR=extractive" in body["notice"]


def test_without_a_fallback_a_failing_model_is_a_503_that_keeps_the_question(
    server: ChatServer, open_api: Open
) -> None:
    server.queue(OVERLOADED)
    client, session = open_api(generator_fallback="none"), new_id()

    response = client.post("/api/chat", json={"sessionId": session, "message": FIREFOX_QUESTION})

    assert response.status_code == 503
    assert_error(response.json(), naming="failed with HTTP 503 (the model is overloaded)")
    assert response.json()["code"] == "provider_server_error"
    assert response.json()["error"].endswith(".")
    assert ". " not in response.json()["error"]
    assert history(client, session) == [("user", FIREFOX_QUESTION)]


def test_after_a_failure_the_next_question_does_not_reach_the_model(
    server: ChatServer, open_api: Open
) -> None:
    server.queue(OVERLOADED)
    client = open_api()
    first = chat(client, new_id(), FIREFOX_QUESTION)

    second = chat(client, new_id(), "What did Apple unveil at WWDC 2005?")

    assert len(server.requests) == 1
    assert second["degraded"] is True
    assert second["model"].startswith("extractive:")
    assert second["notice"] == first["notice"]


def test_after_the_cooldown_the_model_is_asked_again(server: ChatServer, open_api: Open) -> None:
    server.queue(OVERLOADED)
    client = open_api()
    with frozen_clock(client) as now:
        chat(client, new_id(), FIREFOX_QUESTION)
        now[0] += 29
        cooling = chat(client, new_id(), FIREFOX_QUESTION)
        now[0] += 2
        recovered = chat(client, new_id(), FIREFOX_QUESTION)

    assert cooling["degraded"] is True
    assert recovered["degraded"] is False
    assert recovered["model"] == MODEL
    assert recovered["notice"] is None
    assert len(server.requests) == 2


def test_a_model_failing_mid_stream_ends_the_stream_with_an_error_event(
    server: ChatServer, open_api: Open
) -> None:
    server.queue(Script(["Firefox 1.0 ", "was released "], cut=True))
    client, session = open_api(), new_id()
    response = client.post(
        "/api/chat/stream", json={"sessionId": session, "message": FIREFOX_QUESTION}
    )

    events = parse_events(response.text)
    assert tokens(events) == ["Firefox 1.0 ", "was released "]
    error = last(events, "error")
    assert error["code"] == "provider_stream_cut"
    assert "closed the connection before the answer" in error["error"]
    assert [name for name, _ in events][-1] == "error"
    assert history(client, session) == [("user", FIREFOX_QUESTION)]
