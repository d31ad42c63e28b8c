"""Chat session stores, each behaviour checked on both: PostgreSQL (a fresh database) and the
real Redis (db 15), built the way the app builds them, through `create_session_store`."""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import redis

from newsrag.errors import SessionStoreError
from newsrag.models import Message, Source
from newsrag.sessions import SessionStore, create_session_store
from newsrag.store import Database
from tests.conftest import REDIS_TEST_URL, make_settings

StoreFactory = Callable[..., SessionStore]
EXPIRED_AFTER = 2.1  # seconds to wait for a session_ttl=1 session to be gone


@pytest.fixture(scope="module")
def redis_client() -> Iterator[redis.Redis[bytes]]:
    client: redis.Redis[bytes] = redis.Redis.from_url(REDIS_TEST_URL)
    try:
        client.ping()
    except redis.RedisError:
        pytest.fail(f"No Redis at {REDIS_TEST_URL}: run `bash scripts/ensure-redis.sh`.")
    yield client
    client.close()


@pytest.fixture
def new_id(redis_client: redis.Redis[bytes]) -> Iterator[Callable[[], str]]:
    """Makes unique session ids; their Redis keys are removed after the test."""
    made: list[str] = []

    def make() -> str:
        made.append(f"test-{uuid.uuid4()}")
        return made[-1]

    yield make
    if made:
        redis_client.delete(*(f"chat:{session_id}" for session_id in made))


def build(
    kind: str, db: Database, data_dir: Path, *, ttl: int = 1800, redis_url: str = REDIS_TEST_URL
) -> SessionStore:
    settings = make_settings(
        db.uri,
        data_dir,
        redis_url=redis_url if kind == "redis" else None,
        session_ttl=ttl,
    )
    return create_session_store(settings, db)


@pytest.fixture(params=["postgres", "redis"])
def make_store(request: pytest.FixtureRequest, fresh_db: Database, tmp_path: Path) -> StoreFactory:
    """Builds the parametrized kind of store with a given session_ttl."""
    kind: str = request.param

    def make(ttl: int = 1800) -> SessionStore:
        store = build(kind, fresh_db, tmp_path, ttl=ttl)
        assert store.name == kind
        return store

    return make


@pytest.fixture
def store(make_store: StoreFactory) -> SessionStore:
    return make_store()


def message(role: str, content: str, seconds: int = 0) -> Message:
    at = datetime(2025, 3, 1, 9, 30, 15, 123456, tzinfo=UTC) + timedelta(seconds=seconds)
    return Message(role, content, at)  # type: ignore[arg-type]


def contents(store: SessionStore, session_id: str) -> list[str] | None:
    history = store.history(session_id)
    return None if history is None else [m.content for m in history.messages]


# --- history, unknown sessions, delete, isolation ------------------------------------------


def test_history_keeps_messages_in_order_with_roles_and_utc_timestamps(
    store: SessionStore, new_id: Callable[[], str]
) -> None:
    session_id = new_id()
    first = [message("user", "What did the council decide?", 0), message("assistant", "A", 1)]
    second = [message("user", "And the mayor?", 60), message("assistant", "She agreed.", 61)]
    store.append(session_id, first)
    store.append(session_id, second)
    history = store.history(session_id)
    assert history is not None
    assert history.session_id == session_id
    assert [(m.role, m.content) for m in history.messages] == [
        ("user", "What did the council decide?"),
        ("assistant", "A"),
        ("user", "And the mayor?"),
        ("assistant", "She agreed."),
    ]
    assert [m.timestamp for m in history.messages] == [m.timestamp for m in first + second]
    assert all(m.timestamp.utcoffset() == timedelta(0) for m in history.messages)


def test_history_keeps_unicode_and_multiline_content(
    store: SessionStore, new_id: Callable[[], str]
) -> None:
    session_id = new_id()
    text = 'Zürich “quoted” — 東京\nsecond line\t{"json": true}'
    store.append(session_id, [message("user", text)])
    assert contents(store, session_id) == [text]


def test_an_answer_keeps_its_sources_in_the_history(
    store: SessionStore, new_id: Callable[[], str]
) -> None:
    session = new_id()
    published = datetime(2004, 11, 16, tzinfo=UTC)
    sources = (
        Source(1, "Firefox 1.0 released", "https://example.org/ff", 0.8123, published, "Wikinews"),
        Source(2, "Undated story", "https://example.org/u", 0.5, None, ""),
    )
    answer = replace(message("assistant", "a"), sources=sources)
    store.append(session, [message("user", "q"), answer])

    history = store.history(session)

    assert history is not None
    assert [m.sources for m in history.messages] == [(), sources]


def test_unknown_session_has_no_history(store: SessionStore, new_id: Callable[[], str]) -> None:
    assert store.history(new_id()) is None


def test_delete_returns_true_then_false_and_forgets_history(
    store: SessionStore, new_id: Callable[[], str]
) -> None:
    session_id = new_id()
    store.append(session_id, [message("user", "hello")])
    assert store.delete(session_id) is True
    assert store.history(session_id) is None
    assert store.delete(session_id) is False


def test_delete_of_unknown_session_returns_false(
    store: SessionStore, new_id: Callable[[], str]
) -> None:
    assert store.delete(new_id()) is False


def test_sessions_are_isolated(store: SessionStore, new_id: Callable[[], str]) -> None:
    one, two = new_id(), new_id()
    store.append(one, [message("user", "one: budget")])
    store.append(two, [message("user", "two: storm")])
    store.append(one, [message("assistant", "one: answer")])
    assert contents(store, one) == ["one: budget", "one: answer"]
    assert contents(store, two) == ["two: storm"]
    store.delete(one)
    assert contents(store, two) == ["two: storm"]


def test_ids_that_differ_only_in_punctuation_are_separate_sessions(
    store: SessionStore, new_id: Callable[[], str]
) -> None:
    stem = new_id()
    ids = [f"{stem}:42", f"{stem}.42", f"{stem}@42", f"{stem}42"]
    try:
        for session_id in ids:
            store.append(session_id, [message("user", session_id)])
        store.delete(ids[0])
        assert contents(store, ids[0]) is None
        assert [contents(store, session_id) for session_id in ids[1:]] == [[i] for i in ids[1:]]
    finally:
        for session_id in ids:
            store.delete(session_id)


def test_check_passes_when_the_store_is_reachable(store: SessionStore) -> None:
    store.check()


# --- expiry ---------------------------------------------------------------------------------


@pytest.mark.parametrize("ttl", [1, 60])
def test_ttl_is_reported_right_after_an_append(
    ttl: int, make_store: StoreFactory, new_id: Callable[[], str]
) -> None:
    store = make_store(ttl=ttl)
    session_id = new_id()
    store.append(session_id, [message("user", "hello")])
    history = store.history(session_id)
    assert history is not None
    assert 0 < history.ttl_seconds <= ttl
    assert history.ttl_seconds >= ttl - 5


def test_session_expires_after_its_ttl(make_store: StoreFactory, new_id: Callable[[], str]) -> None:
    store = make_store(ttl=1)
    session_id = new_id()
    store.append(session_id, [message("user", "soon gone")])
    time.sleep(EXPIRED_AFTER)
    assert store.history(session_id) is None


def test_append_to_an_expired_session_starts_a_fresh_history(
    make_store: StoreFactory, new_id: Callable[[], str]
) -> None:
    store = make_store(ttl=1)
    session_id = new_id()
    store.append(session_id, [message("user", "old question"), message("assistant", "old")])
    time.sleep(EXPIRED_AFTER)
    store.append(session_id, [message("user", "new question")])
    assert contents(store, session_id) == ["new question"]


# --- concurrency ----------------------------------------------------------------------------


def test_concurrent_appends_lose_nothing(store: SessionStore, new_id: Callable[[], str]) -> None:
    session_id = new_id()
    texts = [f"message {n}" for n in range(20)]
    with ThreadPoolExecutor(max_workers=20) as pool:
        list(pool.map(lambda text: store.append(session_id, [message("user", text)]), texts))
    got = contents(store, session_id)
    assert got is not None
    assert len(got) == 20
    assert set(got) == set(texts)


def test_concurrent_multi_message_appends_stay_contiguous(
    store: SessionStore, new_id: Callable[[], str]
) -> None:
    session_id = new_id()

    def turn(n: int) -> None:
        store.append(session_id, [message("user", f"q{n}"), message("assistant", f"a{n}")])

    with ThreadPoolExecutor(max_workers=10) as pool:
        list(pool.map(turn, range(10)))
    got = contents(store, session_id)
    assert got is not None
    pairs = list(zip(got[::2], got[1::2], strict=True))
    assert sorted(pairs) == sorted((f"q{n}", f"a{n}") for n in range(10))


# --- Redis specifics ------------------------------------------------------------------------


def test_redis_stores_a_list_under_chat_key_with_native_ttl(
    fresh_db: Database,
    tmp_path: Path,
    new_id: Callable[[], str],
    redis_client: redis.Redis[bytes],
) -> None:
    store = build("redis", fresh_db, tmp_path, ttl=300)
    session_id = new_id()
    store.append(session_id, [message("user", "where is it?")])
    key = f"chat:{session_id}"
    assert redis_client.llen(key) == 1
    assert 0 < redis_client.ttl(key) <= 300
    stored = [json.loads(row) for row in redis_client.lrange(key, 0, -1)]
    assert [(row["role"], row["content"]) for row in stored] == [("user", "where is it?")]


def test_redis_keeps_a_session_id_with_colons_and_at_under_chat_and_the_whole_id(
    fresh_db: Database,
    tmp_path: Path,
    new_id: Callable[[], str],
    redis_client: redis.Redis[bytes],
) -> None:
    store = build("redis", fresh_db, tmp_path)
    session_id = f"tenant:{new_id()}:user@example.com"
    try:
        store.append(session_id, [message("user", "hello")])
        assert redis_client.llen(f"chat:{session_id}") == 1
    finally:
        store.delete(session_id)


def test_redis_append_restarts_the_expiry_clock(
    fresh_db: Database,
    tmp_path: Path,
    new_id: Callable[[], str],
    redis_client: redis.Redis[bytes],
) -> None:
    store = build("redis", fresh_db, tmp_path, ttl=300)
    session_id = new_id()
    store.append(session_id, [message("user", "first")])
    redis_client.expire(f"chat:{session_id}", 5)
    store.append(session_id, [message("user", "second")])
    assert redis_client.ttl(f"chat:{session_id}") > 5


def test_unreachable_redis_check_raises_session_store_error(
    fresh_db: Database, tmp_path: Path
) -> None:
    store = build("redis", fresh_db, tmp_path, redis_url="redis://127.0.0.1:1/0")
    with pytest.raises(SessionStoreError) as caught:
        store.check()
    assert caught.value.code == "redis_unavailable"
    assert "REDIS_URL" in caught.value.message
    assert "redis://127.0.0.1:1/0" in caught.value.message


def test_unreachable_redis_masks_the_password(fresh_db: Database, tmp_path: Path) -> None:
    store = build("redis", fresh_db, tmp_path, redis_url="redis://:hunter2-pw@127.0.0.1:1/0")
    with pytest.raises(SessionStoreError) as caught:
        store.history("any")
    assert "hunter2-pw" not in str(caught.value)
    assert ":***@127.0.0.1:1/0" in caught.value.message
