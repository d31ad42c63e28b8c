"""Sessions in Redis under `chat:<sessionId>` (a list of JSON messages) with native expiry."""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from typing import Any

import redis

from newsrag.config import Settings
from newsrag.errors import ConfigurationError, SessionStoreError
from newsrag.masking import mask_url
from newsrag.models import Message, SessionHistory, source_from_row, source_row
from newsrag.sessions.base import SessionStore, session_stores

# A session id may hold ':' (`tenant:42`), but its key is this fixed prefix and then the whole id:
# distinct ids are distinct keys, and none starts like another kind's (rate limits: `ratelimit:`).
KEY_PREFIX = "chat:"


class RedisSessionStore(SessionStore):
    name = "redis"

    def __init__(self, url: str, ttl_seconds: int) -> None:
        self.display_url = mask_url(url)
        self.ttl_seconds = ttl_seconds
        self.client = connect_redis(url)

    def append(self, session_id: str, messages: Sequence[Message]) -> None:
        key = KEY_PREFIX + session_id
        rows = [json.dumps(_row(m)) for m in messages]
        with self._errors():
            pipe = self.client.pipeline(transaction=True)
            pipe.rpush(key, *rows)
            pipe.expire(key, self.ttl_seconds)
            pipe.execute()

    def history(self, session_id: str) -> SessionHistory | None:
        key = KEY_PREFIX + session_id
        with self._errors():
            pipe = self.client.pipeline(transaction=True)
            pipe.lrange(key, 0, -1)
            pipe.ttl(key)
            rows, ttl = pipe.execute()
        if not rows:
            return None
        messages = [_message(json.loads(row)) for row in rows]
        return SessionHistory(session_id, messages, max(0, int(ttl)))

    def delete(self, session_id: str) -> bool:
        with self._errors():
            return bool(self.client.delete(KEY_PREFIX + session_id))

    def check(self) -> None:
        with self._errors():
            self.client.ping()

    @contextmanager
    def _errors(self) -> Iterator[None]:
        try:
            yield
        except redis.RedisError as exc:
            raise SessionStoreError(
                f"Redis at {self.display_url} is not answering ({exc.__class__.__name__}): "
                "start it, or unset REDIS_URL to keep sessions in PostgreSQL.",
                code="redis_unavailable",
            ) from exc


def connect_redis(url: str) -> redis.Redis[bytes]:
    """A client of the Redis at `url`; it connects at its first command (again after a failure)."""
    return redis.Redis.from_url(
        url, socket_timeout=5, socket_connect_timeout=5, health_check_interval=30
    )


def answers(client: redis.Redis[bytes]) -> bool:
    """Whether the Redis of `client` answers a PING."""
    try:
        return bool(client.ping())
    except redis.RedisError:
        return False


def _row(message: Message) -> dict[str, Any]:
    """The JSON of one message; `interrupted` and `sources` are written only when there are
    (absent reads false and none)."""
    row: dict[str, Any] = {
        "role": message.role,
        "content": message.content,
        "timestamp": message.timestamp.isoformat(),
    }
    if message.interrupted:
        row["interrupted"] = True
    if message.sources:
        row["sources"] = [source_row(source) for source in message.sources]
    return row


def _message(row: dict[str, Any]) -> Message:
    return Message(
        row["role"],
        row["content"],
        datetime.fromisoformat(row["timestamp"]),
        bool(row.get("interrupted", False)),
        tuple(source_from_row(source) for source in row.get("sources", [])),
    )


@session_stores.register("redis")
def _redis(settings: Settings, **_: object) -> SessionStore:
    if not settings.redis_url:
        raise ConfigurationError(
            "NEWSRAG_SESSION_STORE=redis needs REDIS_URL, e.g. REDIS_URL=redis://127.0.0.1:6379/0.",
            code="redis_not_configured",
        )
    return RedisSessionStore(settings.redis_url, settings.session_ttl)
