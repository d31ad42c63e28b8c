"""The HTTP API end to end: real MiniLM, the extractive generator and the Wikinews corpus."""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from newsrag.api.app import create_app
from newsrag.embeddings.local import LocalEmbedder
from newsrag.errors import ProviderError
from newsrag.generation.base import NOT_COVERED, Generator
from newsrag.retrieval import Evidence
from newsrag.services import Services, build_services
from tests.conftest import REDIS_TEST_URL, make_settings, wikinews_rows

pytestmark = pytest.mark.model

SEED_QUESTION = "What are the latest news about technology?"
ABSENT_QUESTION = "What is the recipe for chocolate chip cookies?"
FIREFOX_QUESTION = "When was Firefox 1.0 released?"
PROVIDER_DOWN = "The model provider is down: set NEWSRAG_GENERATOR=extractive."
CITATION = re.compile(r"\[(\d+)\]")
PREFLIGHT = {"Origin": "http://localhost:5173", "Access-Control-Request-Method": "POST"}


def new_id() -> str:
    return uuid.uuid4().hex


@pytest.fixture(scope="module")
def api_services(
    corpus_uri: str, minilm: LocalEmbedder, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Services]:
    settings = make_settings(corpus_uri, tmp_path_factory.mktemp("api"))
    services = build_services(settings, embedder=minilm)
    yield services
    services.close()


@pytest.fixture(scope="module")
def client(api_services: Services) -> Iterator[TestClient]:
    with TestClient(create_app(services=api_services)) as test_client:
        yield test_client


def chat(client: TestClient, session_id: str, message: str) -> dict[str, Any]:
    response = client.post("/api/chat", json={"sessionId": session_id, "message": message})
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def assert_error(body: Any, *, naming: str | None = None) -> None:
    assert isinstance(body, dict)
    assert body["success"] is False
    assert isinstance(body["error"], str)
    assert body["error"].strip()
    assert "detail" not in body
    if naming is not None:
        assert naming in body["error"]


# --- POST /api/chat ---------------------------------------------------------------------------


def test_chat_answers_the_seed_question_from_the_corpus(client: TestClient) -> None:
    body = chat(client, "test-123", SEED_QUESTION)

    assert body["success"] is True
    assert body["sessionId"] == "test-123"
    assert body["userMessage"] == SEED_QUESTION
    assert body["covered"] is True
    assert body["sources"]
    assert all(s["url"].startswith("https://en.wikinews.org/wiki/") for s in body["sources"])
    assert body["answer"].strip() and body["answer"] != NOT_COVERED
    client.delete("/api/session/test-123")


def test_chat_response_has_exactly_the_documented_fields(client: TestClient) -> None:
    body = chat(client, new_id(), SEED_QUESTION)

    assert set(body) == {
        "success",
        "sessionId",
        "userMessage",
        "answer",
        "sources",
        "model",
        "timestamp",
        "covered",
    }
    for source in body["sources"]:
        assert set(source) == {"title", "url", "score", "publishedAt", "source"}
        assert isinstance(source["title"], str) and source["title"]
        assert isinstance(source["score"], float)
        assert source["source"] == "Wikinews"
        assert datetime.fromisoformat(source["publishedAt"]).year >= 2004
    assert isinstance(body["model"], str) and body["model"]


def test_chat_timestamp_is_iso_8601_with_a_timezone(client: TestClient) -> None:
    body = chat(client, new_id(), SEED_QUESTION)

    stamp = datetime.fromisoformat(body["timestamp"].replace("Z", "+00:00"))
    assert stamp.tzinfo is not None


def test_chat_sources_are_best_first_and_one_per_article(client: TestClient) -> None:
    body = chat(client, new_id(), SEED_QUESTION)

    scores = [s["score"] for s in body["sources"]]
    urls = [s["url"] for s in body["sources"]]
    assert scores == sorted(scores, reverse=True)
    assert len(urls) == len(set(urls))


@pytest.mark.parametrize("question", [SEED_QUESTION, FIREFOX_QUESTION])
def test_chat_answer_cites_only_sources_it_returns(client: TestClient, question: str) -> None:
    body = chat(client, new_id(), question)

    cited = [int(n) for n in CITATION.findall(body["answer"])]
    assert cited, body["answer"]
    assert all(1 <= n <= len(body["sources"]) for n in cited)


def test_chat_says_not_covered_for_a_question_outside_the_corpus(client: TestClient) -> None:
    body = chat(client, new_id(), ABSENT_QUESTION)

    assert body["covered"] is False
    assert body["answer"] == NOT_COVERED
    assert body["sources"] == []


def test_chat_does_not_count_one_shared_topic_word_as_coverage(client: TestClient) -> None:
    body = chat(client, new_id(), "What is the science behind chocolate chip cookies?")

    assert body["covered"] is False
    assert body["sources"] == []


def test_chat_answers_a_specific_question_from_the_right_article(client: TestClient) -> None:
    firefox = wikinews_rows(4)[3]
    assert "November 9, 2004" in str(firefox["body"])

    body = chat(client, new_id(), FIREFOX_QUESTION)

    assert body["covered"] is True
    assert "Firefox" in body["sources"][0]["title"]
    assert body["sources"][0]["url"] == firefox["url"]
    assert "November" in body["answer"]


def test_chat_lists_only_sources_near_the_best_one(client: TestClient) -> None:
    body = chat(client, new_id(), FIREFOX_QUESTION)

    best = body["sources"][0]["score"]
    assert all(source["score"] >= 0.7 * best - 1e-4 for source in body["sources"])


def test_chat_appends_the_question_and_the_answer_to_the_history(client: TestClient) -> None:
    session = new_id()
    body = chat(client, session, FIREFOX_QUESTION)

    history = client.get(f"/api/history/{session}").json()
    assert [(m["role"], m["content"]) for m in history["messages"]] == [
        ("user", FIREFOX_QUESTION),
        ("assistant", body["answer"]),
    ]


def test_chat_keeps_a_session_per_id(client: TestClient) -> None:
    first, second = new_id(), new_id()
    chat(client, first, FIREFOX_QUESTION)
    chat(client, second, ABSENT_QUESTION)

    messages = client.get(f"/api/history/{first}").json()["messages"]
    assert [m["content"] for m in messages if m["role"] == "user"] == [FIREFOX_QUESTION]
    assert all(m["content"] != NOT_COVERED for m in messages)
    others = client.get(f"/api/history/{second}").json()["messages"]
    assert [m["content"] for m in others if m["role"] == "user"] == [ABSENT_QUESTION]


# --- GET /api/history, DELETE /api/session -------------------------------------------------------


def test_history_lists_two_turns_in_order(client: TestClient) -> None:
    session = new_id()
    chat(client, session, FIREFOX_QUESTION)
    chat(client, session, ABSENT_QUESTION)

    response = client.get(f"/api/history/{session}")

    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"success", "sessionId", "messages", "messageCount", "ttl", "ttlMinutes"}
    assert body["success"] is True
    assert body["sessionId"] == session
    assert [m["role"] for m in body["messages"]] == ["user", "assistant", "user", "assistant"]
    assert [m["content"] for m in body["messages"]][::2] == [FIREFOX_QUESTION, ABSENT_QUESTION]
    assert body["messages"][3]["content"] == NOT_COVERED
    assert body["messageCount"] == 4
    for message in body["messages"]:
        assert set(message) == {"role", "content", "timestamp"}
    stamps = [datetime.fromisoformat(m["timestamp"]) for m in body["messages"]]
    assert stamps == sorted(stamps)


def test_history_reports_the_remaining_time_to_live(client: TestClient) -> None:
    session = new_id()
    chat(client, session, ABSENT_QUESTION)

    body = client.get(f"/api/history/{session}").json()

    assert 1700 < body["ttl"] <= 1800
    assert body["ttlMinutes"] == round(body["ttl"] / 60)


def test_history_of_an_unknown_session_is_404(client: TestClient) -> None:
    session = new_id()

    response = client.get(f"/api/history/{session}")

    assert response.status_code == 404
    assert response.json() == {"success": False, "error": "Session not found", "sessionId": session}


def test_delete_clears_the_session(client: TestClient) -> None:
    session = new_id()
    chat(client, session, ABSENT_QUESTION)

    response = client.delete(f"/api/session/{session}")

    assert response.status_code == 200
    assert response.json() == {
        "success": True,
        "sessionId": session,
        "message": "Session cleared successfully",
    }
    assert client.get(f"/api/history/{session}").status_code == 404


def test_delete_twice_is_404_the_second_time(client: TestClient) -> None:
    session = new_id()
    chat(client, session, ABSENT_QUESTION)
    client.delete(f"/api/session/{session}")

    response = client.delete(f"/api/session/{session}")

    assert response.status_code == 404
    assert response.json() == {"success": False, "error": "Session not found", "sessionId": session}


def test_chat_after_delete_starts_a_fresh_history(client: TestClient) -> None:
    session = new_id()
    chat(client, session, FIREFOX_QUESTION)
    client.delete(f"/api/session/{session}")
    chat(client, session, ABSENT_QUESTION)

    messages = client.get(f"/api/history/{session}").json()["messages"]
    assert [m["content"] for m in messages] == [ABSENT_QUESTION, NOT_COVERED]


@pytest.mark.parametrize("path", ["/api/history/a%20b", "/api/session/a%20b"])
def test_session_routes_reject_an_illegal_session_id(client: TestClient, path: str) -> None:
    method = client.get if "history" in path else client.delete

    response = method(path)

    assert response.status_code == 400
    body = response.json()
    assert_error(body)
    assert body["error"].startswith("'sessionId' must be")


# --- invalid requests --------------------------------------------------------------------------


INVALID_BODIES: list[tuple[str, object, str | None]] = [
    ("missing-session", {"message": "hello"}, "sessionId"),
    ("missing-message", {"sessionId": "SESSION"}, "message"),
    ("empty-message", {"sessionId": "SESSION", "message": ""}, "message"),
    ("blank-message", {"sessionId": "SESSION", "message": " \t\n "}, "message"),
    ("number-message", {"sessionId": "SESSION", "message": 42}, "message"),
    ("list-message", {"sessionId": "SESSION", "message": ["hello"]}, "message"),
    ("null-message", {"sessionId": "SESSION", "message": None}, "message"),
    ("long-message", {"sessionId": "SESSION", "message": "word " * 1001}, "message"),
    ("space-in-session", {"sessionId": "a b", "message": "hello"}, "sessionId"),
    ("path-session", {"sessionId": "../x", "message": "hello"}, "sessionId"),
    ("number-session", {"sessionId": 123, "message": "hello"}, "sessionId"),
    ("json-array", [{"sessionId": "SESSION", "message": "hello"}], None),
]


@pytest.mark.parametrize(
    ("body", "field"),
    [case[1:] for case in INVALID_BODIES],
    ids=[case[0] for case in INVALID_BODIES],
)
def test_chat_rejects_an_invalid_body_with_400(
    client: TestClient, body: object, field: str | None
) -> None:
    session = new_id()
    payload = _with_session(body, session)

    response = client.post("/api/chat", json=payload)

    assert response.status_code == 400, response.text
    assert_error(response.json(), naming=field)
    assert client.get(f"/api/history/{session}").status_code == 404


def _with_session(body: object, session: str) -> object:
    if isinstance(body, dict):
        return {k: session if v == "SESSION" else v for k, v in body.items()}
    if isinstance(body, list):
        return [_with_session(item, session) for item in body]
    return body


def test_chat_accepts_a_message_of_exactly_5000_characters(client: TestClient) -> None:
    message = ("chocolate cookie recipe " * 300)[:5000]

    body = chat(client, new_id(), message)

    assert body["userMessage"] == message.strip()


@pytest.mark.parametrize(
    "raw", ['{"sessionId": "x", "message": ', "not json at all", ""], ids=["cut", "text", "empty"]
)
def test_chat_rejects_a_body_that_is_not_json(client: TestClient, raw: str) -> None:
    response = client.post(
        "/api/chat", content=raw.encode(), headers={"Content-Type": "application/json"}
    )

    assert response.status_code == 400
    body = response.json()
    assert_error(body)
    assert "JSON" in body["error"]


def test_chat_rejects_a_message_with_a_nul_character(client: TestClient) -> None:
    session = new_id()

    response = client.post("/api/chat", json={"sessionId": session, "message": "Firefox\x00"})

    assert response.status_code == 400
    assert_error(response.json(), naming="message")
    assert client.get(f"/api/history/{session}").status_code == 404


def test_unknown_path_is_a_404_envelope(client: TestClient) -> None:
    response = client.get("/api/nothing-here")

    assert response.status_code == 404
    assert_error(response.json())


def test_wrong_method_is_a_405_envelope(client: TestClient) -> None:
    response = client.get("/api/chat")

    assert response.status_code == 405
    assert_error(response.json())
    assert "POST" in response.headers["allow"]


# --- failures ----------------------------------------------------------------------------------


class BrokenGenerator(Generator):
    model = "broken"

    def __init__(self, error: Exception) -> None:
        self.error = error

    def generate(self, question: str, evidence: Sequence[Evidence]) -> str:
        raise self.error


@pytest.fixture
def broken_services(
    corpus_uri: str, minilm: LocalEmbedder, tmp_path: Path, request: pytest.FixtureRequest
) -> Iterator[Services]:
    error: Exception = request.param
    services = build_services(
        make_settings(corpus_uri, tmp_path), embedder=minilm, generator=BrokenGenerator(error)
    )
    yield services
    services.close()


@pytest.mark.parametrize("broken_services", [RuntimeError("boom in the generator")], indirect=True)
def test_unexpected_failure_is_a_500_envelope_without_a_traceback(
    broken_services: Services,
) -> None:
    app = create_app(services=broken_services)
    with TestClient(app, raise_server_exceptions=False) as broken:
        response = broken.post(
            "/api/chat", json={"sessionId": new_id(), "message": FIREFOX_QUESTION}
        )

    assert response.status_code == 500
    body = response.json()
    assert_error(body)
    assert "Traceback" not in response.text
    assert "boom in the generator" not in response.text


@pytest.mark.parametrize("broken_services", [RuntimeError("boom in the generator")], indirect=True)
def test_unexpected_failure_keeps_the_question_and_is_readable_cross_origin(
    broken_services: Services,
) -> None:
    session = new_id()
    app = create_app(services=broken_services)
    with TestClient(app, raise_server_exceptions=False) as broken:
        response = broken.post(
            "/api/chat",
            json={"sessionId": session, "message": FIREFOX_QUESTION},
            headers={"Origin": "http://localhost:5173"},
        )
        history = broken.get(f"/api/history/{session}").json()

    assert response.status_code == 500
    assert response.headers["access-control-allow-origin"] == "*"
    assert [(m["role"], m["content"]) for m in history["messages"]] == [("user", FIREFOX_QUESTION)]


@pytest.mark.parametrize(
    "broken_services", [ProviderError(PROVIDER_DOWN, code="provider_down")], indirect=True
)
def test_provider_failure_is_a_503_that_keeps_the_question(broken_services: Services) -> None:
    session = new_id()
    with TestClient(create_app(services=broken_services)) as broken:
        response = broken.post(
            "/api/chat", json={"sessionId": session, "message": FIREFOX_QUESTION}
        )
        history = broken.get(f"/api/history/{session}")

    assert response.status_code == 503
    assert response.json() == {"success": False, "error": PROVIDER_DOWN, "code": "provider_down"}
    messages = history.json()["messages"]
    assert [(m["role"], m["content"]) for m in messages] == [("user", FIREFOX_QUESTION)]


# --- CORS --------------------------------------------------------------------------------------


def test_cors_preflight_allows_any_origin_by_default(client: TestClient) -> None:
    response = client.options("/api/chat", headers=PREFLIGHT)

    assert response.status_code == 200
    assert response.headers["access-control-allow-origin"] == "*"
    assert "POST" in response.headers["access-control-allow-methods"]


def test_cors_header_is_on_a_simple_request_too(client: TestClient) -> None:
    response = client.get("/health", headers={"Origin": "http://localhost:5173"})

    assert response.headers["access-control-allow-origin"] == "*"


def test_cors_origins_setting_allows_only_the_listed_origin(
    api_services: Services, corpus_uri: str, tmp_path: Path
) -> None:
    settings = make_settings(corpus_uri, tmp_path, cors_origins=["http://a.example"])
    with TestClient(create_app(settings, api_services)) as restricted:
        allowed = restricted.options(
            "/api/chat", headers={**PREFLIGHT, "Origin": "http://a.example"}
        )
        refused = restricted.options("/api/chat", headers=PREFLIGHT)

    assert allowed.status_code == 200
    assert allowed.headers["access-control-allow-origin"] == "http://a.example"
    assert "access-control-allow-origin" not in refused.headers
    assert refused.status_code >= 400


# --- GET /health -------------------------------------------------------------------------------


def test_health_reports_every_component(client: TestClient) -> None:
    response = client.get("/health")

    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["database"]["state"] == "ok"
    assert body["database"]["articles"] == 60
    assert body["database"]["chunks"] >= 60
    assert body["database"]["index"]["dimension"] == 384
    assert body["embeddings"]["state"] == "ok"
    assert body["embeddings"]["model"] == "sentence-transformers/all-MiniLM-L6-v2"
    assert body["sessions"]["state"] == "ok"
    assert body["sessions"]["store"] == "postgres"
    assert body["refresh"]["intervalMinutes"] == 0
    assert isinstance(body["refresh"]["sources"], list)


def test_health_does_not_reveal_the_database_password(
    corpus_uri: str, minilm: LocalEmbedder, tmp_path: Path
) -> None:
    # The embedded server trusts local connections, so any password in the URL is accepted.
    with_password = corpus_uri.replace("postgres:@", "postgres:s3cret-pw@", 1)
    assert "s3cret-pw" in with_password
    services = build_services(make_settings(with_password, tmp_path), embedder=minilm)
    try:
        with TestClient(create_app(services=services)) as probe:
            response = probe.get("/health")
    finally:
        services.close()

    assert response.status_code == 200
    assert "s3cret-pw" not in response.text
    assert "***" in response.json()["database"]["url"]


def redis_services(corpus_uri: str, minilm: LocalEmbedder, data_dir: Path, url: str) -> Services:
    return build_services(make_settings(corpus_uri, data_dir, redis_url=url), embedder=minilm)


def test_sessions_live_in_redis_when_redis_url_is_set(
    corpus_uri: str, minilm: LocalEmbedder, tmp_path: Path
) -> None:
    services = redis_services(corpus_uri, minilm, tmp_path, REDIS_TEST_URL)
    session = new_id()
    try:
        with TestClient(create_app(services=services)) as redis_client:
            health = redis_client.get("/health").json()
            answer = chat(redis_client, session, FIREFOX_QUESTION)
            history = redis_client.get(f"/api/history/{session}").json()
            cleared = redis_client.delete(f"/api/session/{session}")
            gone = redis_client.get(f"/api/history/{session}")
    finally:
        services.sessions.delete(session)
        services.close()

    assert health["sessions"] == {"state": "ok", "store": "redis", "ttl": 1800}
    assert [(m["role"], m["content"]) for m in history["messages"]] == [
        ("user", FIREFOX_QUESTION),
        ("assistant", answer["answer"]),
    ]
    assert 0 < history["ttl"] <= 1800
    assert cleared.status_code == 200
    assert gone.status_code == 404


@pytest.fixture
def unreachable_redis_client(
    corpus_uri: str, minilm: LocalEmbedder, tmp_path: Path
) -> Iterator[TestClient]:
    services = redis_services(corpus_uri, minilm, tmp_path, "redis://127.0.0.1:1/0")
    try:
        with TestClient(create_app(services=services)) as down:
            yield down
    finally:
        services.close()


def test_health_is_503_when_redis_is_unreachable(unreachable_redis_client: TestClient) -> None:
    response = unreachable_redis_client.get("/health")

    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "error"
    assert body["sessions"]["state"] == "error"
    assert body["sessions"]["store"] == "redis"
    assert "REDIS_URL" in body["sessions"]["error"]
    assert body["database"]["state"] == "ok"


def test_chat_is_a_503_envelope_when_redis_is_unreachable(
    unreachable_redis_client: TestClient,
) -> None:
    response = unreachable_redis_client.post(
        "/api/chat", json={"sessionId": new_id(), "message": FIREFOX_QUESTION}
    )

    assert response.status_code == 503
    body = response.json()
    assert_error(body, naming="REDIS_URL")
    assert body["code"] == "redis_unavailable"


def test_history_is_a_503_envelope_when_redis_is_unreachable(
    unreachable_redis_client: TestClient,
) -> None:
    response = unreachable_redis_client.get(f"/api/history/{new_id()}")

    assert response.status_code == 503
    assert_error(response.json(), naming="REDIS_URL")
