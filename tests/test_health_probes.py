"""GET /health/live and GET /health/ready, the probes an orchestrator or load balancer polls:
live answers while the process answers; ready only while this process can answer chats (its
database, REDIS_URL's Redis when set, its loaded model), else 503 naming what is not ready."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from newsrag.api.app import create_app
from newsrag.services import Services, build_services
from tests.conftest import REDIS_TEST_URL, FakeEmbedder, make_settings
from tests.test_database_restart import TcpServer, server  # noqa: F401  (the `server` fixture)

DEAD_REDIS = "redis://127.0.0.1:1/0"


class Unloaded(FakeEmbedder):
    """An embedder whose model is not loaded yet."""

    @property
    def ready(self) -> bool:
        return False


@pytest.fixture
def services_for(fresh_uri: str, tmp_path: Path) -> Iterator[Callable[..., Services]]:
    built: list[Services] = []

    def make(embedder: FakeEmbedder | None = None, **overrides: object) -> Services:
        settings = make_settings(fresh_uri, tmp_path, **overrides)
        built.append(build_services(settings, embedder=embedder or FakeEmbedder()))
        return built[-1]

    yield make
    for services in built:
        services.close()


def probe(services: Services, path: str) -> tuple[int, dict[str, Any]]:
    with TestClient(create_app(services=services)) as client:
        response = client.get(path)
    return response.status_code, response.json()


def test_live_answers_ok_whatever_the_dependencies(
    services_for: Callable[..., Services],
) -> None:
    status, body = probe(services_for(Unloaded(), redis_url=DEAD_REDIS), "/health/live")

    assert status == 200
    assert body["status"] == "ok"


def test_ready_answers_ok_when_database_redis_and_model_are(
    services_for: Callable[..., Services],
) -> None:
    status, body = probe(services_for(redis_url=REDIS_TEST_URL), "/health/ready")

    assert status == 200
    assert body["checks"] == {"database": "ok", "redis": "ok", "model": "ok"}


def test_ready_is_503_naming_redis_when_it_does_not_answer(
    services_for: Callable[..., Services],
) -> None:
    status, body = probe(
        services_for(redis_url=DEAD_REDIS, session_store="postgres"), "/health/ready"
    )

    assert status == 503
    assert body["status"] == "not ready"
    assert "REDIS_URL" in body["checks"]["redis"]
    assert body["checks"]["database"] == "ok"


def test_ready_is_503_until_the_model_is_loaded(services_for: Callable[..., Services]) -> None:
    status, body = probe(services_for(Unloaded()), "/health/ready")

    assert status == 503
    assert body["checks"]["model"] == "The embedding model is not loaded yet."


def test_ready_is_503_naming_the_database_when_it_stops(
    server: TcpServer,  # noqa: F811
    tmp_path: Path,
) -> None:
    uri = f"postgresql://postgres@127.0.0.1:{server.port}/postgres"
    services = build_services(make_settings(uri, tmp_path), embedder=FakeEmbedder())
    try:
        with TestClient(create_app(services=services)) as client:
            server.stop()
            response = client.get("/health/ready")
    finally:
        services.close()

    assert response.status_code == 503
    assert "not answering" in response.json()["checks"]["database"] or (
        "Lost the connection" in response.json()["checks"]["database"]
    )
