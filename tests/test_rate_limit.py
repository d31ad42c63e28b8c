"""Rate limits end to end, on a clock the tests move: per client address on /api (not /health),
per session on both chat endpoints, 429 with Retry-After in the envelope, buckets in this
process or shared through the real Redis by two app instances, and 503 when that Redis is down."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import redis
from fastapi import FastAPI
from fastapi.testclient import TestClient

from newsrag.api.app import create_app
from newsrag.api.ratelimit import KEY_PREFIX, Limit, MemoryBuckets
from newsrag.services import Services
from tests.api_helpers import (
    FIREFOX_QUESTION,
    api_services_fixture,  # noqa: F401  (the `api_services` fixture)
    assert_error,
    chat,
    new_id,
)
from tests.conftest import REDIS_TEST_URL, make_settings

pytestmark = pytest.mark.model


class Clock:
    def __init__(self) -> None:
        self.now = 1_000_000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def address() -> str:
    """A client address of this test's own, so Redis buckets of other tests never count."""
    return f"client-{new_id()}"


Limited = Callable[..., FastAPI]


@pytest.fixture
def limited(api_services: Services, corpus_uri: str, tmp_path: Path, clock: Clock) -> Limited:
    """An app on the test corpus with these limits (both off unless given), on the test clock."""

    def build(**limits: object) -> FastAPI:
        values: dict[str, object] = {"rate_limit_per_client": 0, "rate_limit_per_session": 0}
        values.update(limits)
        settings = make_settings(corpus_uri, tmp_path, **values)
        return create_app(settings, api_services, clock=clock)

    return build


def history_status(client: TestClient) -> int:
    return client.get(f"/api/history/{new_id()}").status_code


def assert_429(response: Any, code: str, retry_after: str, naming: str) -> None:
    assert response.status_code == 429
    assert response.headers["retry-after"] == retry_after
    body = response.json()
    assert_error(body, naming=naming)
    assert body["code"] == code


# --- per client --------------------------------------------------------------------------------


def test_a_client_past_its_burst_gets_a_429_with_retry_after(
    limited: Limited, clock: Clock, address: str
) -> None:
    app = limited(
        rate_limit_per_client=6,
        rate_limit_client_burst=3,
    )
    with TestClient(app, client=(address, 1)) as client:
        allowed = [history_status(client) for _ in range(3)]
        refused = client.get(f"/api/history/{new_id()}")

    assert allowed == [404, 404, 404]
    assert_429(refused, "client_rate_limited", "10", "wait 10 s")


def test_a_client_bucket_refills_at_the_configured_rate(
    limited: Limited, clock: Clock, address: str
) -> None:
    app = limited(
        rate_limit_per_client=6,
        rate_limit_client_burst=1,
    )
    with TestClient(app, client=(address, 1)) as client:
        first = history_status(client)
        clock.now += 4
        early = client.get(f"/api/history/{new_id()}")
        clock.now += 6
        on_time = history_status(client)

    assert first == 404
    assert_429(early, "client_rate_limited", "6", "wait 6 s")
    assert on_time == 404


def test_each_client_address_has_its_own_bucket(limited: Limited, clock: Clock) -> None:
    app = limited(
        rate_limit_per_client=1,
        rate_limit_client_burst=1,
    )
    with TestClient(app, client=("192.0.2.1", 1)) as first:
        statuses = [history_status(first), history_status(first)]
    with TestClient(app, client=("192.0.2.2", 1)) as second:
        statuses.append(history_status(second))

    assert statuses == [404, 429, 404]


def test_health_and_the_page_are_not_limited(limited: Limited, clock: Clock, address: str) -> None:
    app = limited(
        rate_limit_per_client=1,
        rate_limit_client_burst=1,
    )
    with TestClient(app, client=(address, 1)) as client:
        used = history_status(client)
        health = [client.get("/health").status_code for _ in range(3)]
        page = [client.get(path).status_code for path in ("/", "/static/app.js")]
        refused = history_status(client)

    assert (used, health, page, refused) == (404, [200, 200, 200], [200, 200], 429)


def test_zero_a_minute_turns_the_limits_off(limited: Limited, clock: Clock) -> None:
    app = limited(
        rate_limit_per_client=0,
        rate_limit_client_burst=1,
        rate_limit_per_session=0,
        rate_limit_session_burst=1,
    )
    with TestClient(app) as client:
        statuses = {history_status(client) for _ in range(20)}

    assert statuses == {404}


# --- per session -------------------------------------------------------------------------------


def test_a_session_past_its_burst_gets_a_429_on_both_chat_endpoints_and_nothing_is_stored(
    limited: Limited, clock: Clock
) -> None:
    app = limited(
        rate_limit_per_session=3,
        rate_limit_session_burst=2,
    )
    session = new_id()
    extra = {"sessionId": session, "message": "Who else was involved?"}
    with TestClient(app) as client:
        chat(client, session, FIREFOX_QUESTION)
        chat(client, session, "And when?")
        refused = client.post("/api/chat", json=extra)
        refused_stream = client.post("/api/chat/stream", json=extra)
        other_session = client.post(
            "/api/chat", json={"sessionId": new_id(), "message": FIREFOX_QUESTION}
        )
        history = client.get(f"/api/history/{session}").json()

    assert_429(refused, "session_rate_limited", "20", "wait 20 s")
    assert_429(refused_stream, "session_rate_limited", "20", "this session")
    assert other_session.status_code == 200
    questions = [m["content"] for m in history["messages"] if m["role"] == "user"]
    assert questions == [FIREFOX_QUESTION, "And when?"]


# --- in Redis ----------------------------------------------------------------------------------


@pytest.fixture
def test_redis() -> Iterator[redis.Redis[bytes]]:
    client: redis.Redis[bytes] = redis.Redis.from_url(REDIS_TEST_URL)
    yield client
    client.close()


def test_two_apps_sharing_redis_share_a_client_bucket(
    limited: Limited,
    clock: Clock,
    address: str,
    test_redis: redis.Redis[bytes],
) -> None:
    limits = {"redis_url": REDIS_TEST_URL, "rate_limit_per_client": 60}
    first_app = limited(rate_limit_client_burst=2, **limits)
    second_app = limited(rate_limit_client_burst=2, **limits)
    try:
        with (
            TestClient(first_app, client=(address, 1)) as first,
            TestClient(second_app, client=(address, 2)) as second,
        ):
            statuses = [history_status(first), history_status(second)]
            refused = second.get(f"/api/history/{new_id()}")
            refused_too = history_status(first)
            clock.now += 1
            statuses += [history_status(first), history_status(second)]
    finally:
        key = f"{KEY_PREFIX}client:{address}"
        ttl_ms = test_redis.pttl(key)
        test_redis.delete(key)

    assert statuses == [404, 404, 404, 429]
    assert_429(refused, "client_rate_limited", "1", "wait 1 s")
    assert refused_too == 429
    assert 0 < ttl_ms <= 3000


def test_a_session_bucket_in_redis_is_shared_by_two_apps(
    limited: Limited,
    clock: Clock,
    test_redis: redis.Redis[bytes],
) -> None:
    limits = {"redis_url": REDIS_TEST_URL, "rate_limit_per_session": 1}
    session = new_id()
    first_app = limited(rate_limit_session_burst=1, **limits)
    second_app = limited(rate_limit_session_burst=1, **limits)
    try:
        with TestClient(first_app) as first, TestClient(second_app) as second:
            chat(first, session, FIREFOX_QUESTION)
            refused = second.post(
                "/api/chat/stream", json={"sessionId": session, "message": FIREFOX_QUESTION}
            )
    finally:
        test_redis.delete(f"{KEY_PREFIX}session:{session}")

    assert_429(refused, "session_rate_limited", "60", "wait 60 s")


def test_limits_answer_503_when_their_redis_is_unreachable(limited: Limited, clock: Clock) -> None:
    app = limited(
        redis_url="redis://127.0.0.1:1/0",
        rate_limit_per_client=60,
    )
    with TestClient(app) as client:
        refused = client.get(f"/api/history/{new_id()}")
        health = client.get("/health")

    assert refused.status_code == 503
    body = refused.json()
    assert_error(body, naming="unset REDIS_URL")
    assert body["code"] == "redis_unavailable"
    assert "Retry-After" not in refused.headers
    assert health.status_code == 200


# --- buckets in this process -------------------------------------------------------------------


def test_memory_buckets_forget_full_buckets_when_there_are_too_many() -> None:
    buckets = MemoryBuckets(sweep_at=3)
    limit = Limit(per_minute=60, burst=1)

    async def run() -> list[float]:
        waits = [await buckets.take(f"client:{n}", limit, 0.0) for n in range(3)]
        waits.append(await buckets.take("client:late", limit, 10.0))
        waits.append(await buckets.take("client:late", limit, 10.0))
        return waits

    waits = asyncio.run(run())

    assert waits == [0.0, 0.0, 0.0, 0.0, 1.0]
    assert set(buckets.buckets) == {"client:late"}
