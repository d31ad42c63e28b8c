"""Helpers shared by the HTTP API tests: the module-scoped services and client over the
Wikinews corpus, questions, and response checks.

The fixtures are named `api_services` and `client`; a test module uses them by importing both
`api_services_fixture` and `client_fixture` (module scope: one client per test module)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from newsrag.api.app import create_app
from newsrag.embeddings.local import LocalEmbedder
from newsrag.services import Services, build_services
from tests.conftest import make_settings

ABSENT_QUESTION = "What is the recipe for chocolate chip cookies?"
FIREFOX_QUESTION = "When was Firefox 1.0 released?"
# Answered in several sentences (the date question above is answered by the one holding it).
FIREFOX_TOPIC = "Tell me about the Firefox 1.0 release"
CHAT_FIELDS = {
    "success",
    "sessionId",
    "userMessage",
    "answer",
    "sources",
    "model",
    "timestamp",
    "covered",
    "retrievalQuery",
    "citations",
    "degraded",
    "notice",
    "timeWindow",
}


def new_id() -> str:
    return uuid.uuid4().hex


@pytest.fixture(scope="module", name="api_services")
def api_services_fixture(
    corpus_uri: str, minilm: LocalEmbedder, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Services]:
    settings = make_settings(corpus_uri, tmp_path_factory.mktemp("api"))
    services = build_services(settings, embedder=minilm)
    yield services
    services.close()


@pytest.fixture(scope="module", name="client")
def client_fixture(api_services: Services) -> Iterator[TestClient]:
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
