"""GET /health's fields shared with the Node.js service it replaces: `timestamp`, `service` and
`redis` ("connected", "disconnected" or "not configured"), for Redis holding the sessions or only
the rate limits; on a fresh database with the fake embedder (no model)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from newsrag.api.app import create_app
from newsrag.services import Services, build_services
from tests.conftest import REDIS_TEST_URL, FakeEmbedder, make_settings

DEAD_REDIS = "redis://127.0.0.1:1/0"  # nothing listens on port 1

Health = tuple[int, dict[str, Any]]


@pytest.fixture
def build(fresh_uri: str, tmp_path: Path, fake_embedder: FakeEmbedder) -> Callable[..., Services]:
    def make(**overrides: object) -> Services:
        settings = make_settings(fresh_uri, tmp_path, **overrides)
        return build_services(settings, embedder=fake_embedder)

    return make


def ask(services: Services) -> Health:
    try:
        with TestClient(create_app(services=services)) as client:
            response = client.get("/health")
    finally:
        services.close()
    return response.status_code, response.json()


@pytest.fixture
def health(build: Callable[..., Services]) -> Callable[..., Health]:
    """The status and body of GET /health on services built with these settings."""
    return lambda **overrides: ask(build(**overrides))


def test_health_answers_the_seed_checks_with_redis_holding_the_sessions(
    health: Callable[..., Health],
) -> None:
    status, body = health(redis_url=REDIS_TEST_URL)

    assert status == 200
    assert body["status"] == "ok"
    assert body["redis"] == "connected"
    assert body["service"] == "newsrag"
    assert body["sessions"]["store"] == "redis"


def test_health_timestamp_is_now_in_iso_8601_utc(health: Callable[..., Health]) -> None:
    before = datetime.now(UTC)

    _, body = health()

    stamp = datetime.fromisoformat(body["timestamp"])
    assert body["timestamp"].endswith("Z")
    assert stamp.utcoffset() == timedelta(0)
    assert before - timedelta(seconds=1) <= stamp <= datetime.now(UTC)


def test_health_keeps_every_component_beside_the_seed_fields(
    health: Callable[..., Health],
) -> None:
    _, body = health()

    assert set(body) == {
        "status",
        "timestamp",
        "service",
        "database",
        "refresh",
        "embeddings",
        "generator",
        "sessions",
        "redis",
    }


def test_health_says_redis_is_not_configured_without_redis_url(
    health: Callable[..., Health],
) -> None:
    status, body = health()

    assert status == 200
    assert body["redis"] == "not configured"
    assert body["sessions"]["store"] == "postgres"


def test_health_says_redis_is_connected_when_it_holds_only_the_rate_limits(
    health: Callable[..., Health],
) -> None:
    status, body = health(redis_url=REDIS_TEST_URL, session_store="postgres")

    assert status == 200
    assert body["redis"] == "connected"
    assert body["sessions"]["store"] == "postgres"


def test_health_says_redis_is_disconnected_and_degraded_when_it_holds_only_the_rate_limits(
    health: Callable[..., Health],
) -> None:
    status, body = health(redis_url=DEAD_REDIS, session_store="postgres")

    assert status == 200
    assert body["status"] == "degraded"
    assert body["redis"] == "disconnected"
    assert body["sessions"]["state"] == "ok"


def test_health_is_503_with_redis_disconnected_when_it_holds_the_sessions(
    health: Callable[..., Health],
) -> None:
    status, body = health(redis_url=DEAD_REDIS)

    assert status == 503
    assert body["status"] == "error"
    assert body["redis"] == "disconnected"
    assert body["sessions"]["state"] == "error"
    assert "REDIS_URL" in body["sessions"]["error"]


def test_health_pings_the_session_redis_once_on_the_store_client(
    build: Callable[..., Services], monkeypatch: pytest.MonkeyPatch
) -> None:
    services = build(redis_url=REDIS_TEST_URL)
    client = services.redis
    assert client is not None
    assert client is getattr(services.sessions, "client", None)
    pings: list[bool] = []
    ping = client.ping

    def counted() -> object:
        pings.append(True)
        return ping()

    monkeypatch.setattr(client, "ping", counted)

    _, body = ask(services)

    assert body["redis"] == "connected"
    assert pings == [True]
