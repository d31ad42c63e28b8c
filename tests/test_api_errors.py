"""The API's error envelopes (400, 404, 405, 500, 503), CORS, GET /health, and sessions kept
in Redis."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from newsrag.api.app import create_app
from newsrag.embeddings.local import LocalEmbedder
from newsrag.errors import ProviderError
from newsrag.generation.base import Generator
from newsrag.retrieval import Evidence
from newsrag.services import Services, build_services
from tests.api_helpers import (
    FIREFOX_QUESTION,
    api_services_fixture,  # noqa: F401  (the `api_services` fixture)
    assert_error,
    chat,
    client_fixture,  # noqa: F401  (the `client` fixture)
    new_id,
)
from tests.conftest import REDIS_TEST_URL, make_settings

pytestmark = pytest.mark.model

PROVIDER_DOWN = "The model provider is down: set NEWSRAG_GENERATOR=extractive."
PREFLIGHT = {"Origin": "http://localhost:5173", "Access-Control-Request-Method": "POST"}


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
