"""Token-bucket rate limits: per client address on every /api route, and per session on the chat
endpoints. With REDIS_URL set the buckets live in Redis (one atomic Lua script per request), so
every worker shares them; otherwise they live in this process.

A bucket holds up to `burst` tokens and gains `per_minute / 60` a second; a request takes one, and
a request that finds none is answered 429 with `Retry-After` (whole seconds until a token is
back). When Redis cannot be reached the request is answered 503 in the envelope, as sessions in
Redis are: limits that silently stopped applying would be no limits.
"""

from __future__ import annotations

import logging
import math
import time
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import redis
import redis.asyncio
from starlette.types import ASGIApp, Receive, Scope, Send

from newsrag.api.errors import envelope
from newsrag.api.limits import body_session_id
from newsrag.config import Settings
from newsrag.errors import NewsragError, StorageError
from newsrag.masking import mask_url

log = logging.getLogger("newsrag.api")

Clock = Callable[[], float]

CHAT_PATHS = frozenset({"/api/chat", "/api/chat/stream"})
KEY_PREFIX = "ratelimit:"
CLIENT_WAIT = "Too many requests from your address: wait {seconds} s, then try again."
SESSION_WAIT = "Too many messages in this session: wait {seconds} s before sending the next one."
# Buckets of this many addresses or sessions at most before the full ones are dropped.
MEMORY_SWEEP = 10_000

# Mirrors `refill_and_take`. KEYS[1]: the bucket; ARGV: tokens a second, burst, now (seconds).
TAKE_SCRIPT = """
local rate = tonumber(ARGV[1])
local burst = tonumber(ARGV[2])
local now = tonumber(ARGV[3])
local bucket = redis.call('HMGET', KEYS[1], 'tokens', 'at')
local tokens = tonumber(bucket[1]) or burst
local at = tonumber(bucket[2]) or now
if now > at then
  tokens = math.min(burst, tokens + (now - at) * rate)
  at = now
end
local wait = 0
if tokens >= 1 then
  tokens = tokens - 1
else
  wait = (1 - tokens) / rate
end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'at', tostring(at))
redis.call('PEXPIRE', KEYS[1], math.ceil((burst / rate + 1) * 1000))
return tostring(wait)
"""


@dataclass(frozen=True)
class Limit:
    """`per_minute` requests a minute on average, `burst` at once; 0 a minute is no limit."""

    per_minute: float
    burst: int

    @property
    def enabled(self) -> bool:
        return self.per_minute > 0

    @property
    def rate(self) -> float:
        return self.per_minute / 60


@dataclass(frozen=True)
class Rejection:
    message: str
    code: str
    retry_after: int


def refill_and_take(
    tokens: float, at: float, now: float, limit: Limit
) -> tuple[float, float, float]:
    """The bucket (tokens, at) refilled up to `now` after taking one token if there is one, and
    the seconds to wait for one (0 when it was taken). A clock that went back refills nothing."""
    if now > at:
        tokens = min(limit.burst, tokens + (now - at) * limit.rate)
        at = now
    if tokens >= 1:
        return tokens - 1, at, 0.0
    return tokens, at, (1 - tokens) / limit.rate


class Buckets(ABC):
    @abstractmethod
    async def take(self, key: str, limit: Limit, now: float) -> float:
        """Take a token from the bucket `key`: 0 when taken, else seconds until one is there."""

    @abstractmethod
    async def aclose(self) -> None:
        """Let go of connections (at the app's shutdown)."""


class MemoryBuckets(Buckets):
    """Buckets in this process (each worker has its own). Full buckets are forgotten when there
    are more than `sweep_at`, so passing addresses do not pile up."""

    def __init__(self, sweep_at: int = MEMORY_SWEEP) -> None:
        self.buckets: dict[str, tuple[float, float, Limit]] = {}
        self.sweep_at = sweep_at

    async def take(self, key: str, limit: Limit, now: float) -> float:
        tokens, at, _ = self.buckets.get(key, (float(limit.burst), now, limit))
        tokens, at, wait = refill_and_take(tokens, at, now, limit)
        self.buckets[key] = (tokens, at, limit)
        if len(self.buckets) > self.sweep_at:
            self._sweep(now)
        return wait

    def _sweep(self, now: float) -> None:
        self.buckets = {
            key: (tokens, at, limit)
            for key, (tokens, at, limit) in self.buckets.items()
            if tokens + (now - at) * limit.rate < limit.burst
        }
        self.sweep_at = max(self.sweep_at, 2 * len(self.buckets))

    async def aclose(self) -> None:
        """Nothing to let go of."""


class RedisBuckets(Buckets):
    """Buckets shared by every worker: a hash per bucket, expiring once it would be full."""

    def __init__(self, url: str) -> None:
        self.display_url = mask_url(url)
        self.client: redis.asyncio.Redis[bytes] = redis.asyncio.Redis.from_url(
            url, socket_timeout=2, socket_connect_timeout=2
        )
        self.script = self.client.register_script(TAKE_SCRIPT)

    async def take(self, key: str, limit: Limit, now: float) -> float:
        with self._errors():
            wait = await self.script(
                keys=[KEY_PREFIX + key], args=[repr(limit.rate), limit.burst, repr(now)]
            )
        return float(wait)

    async def aclose(self) -> None:
        await self.client.connection_pool.disconnect()

    @contextmanager
    def _errors(self) -> Iterator[None]:
        try:
            yield
        except redis.RedisError as exc:
            raise StorageError(
                f"Redis at {self.display_url} is not answering ({exc.__class__.__name__}), "
                "so rate limits cannot be checked: start it, or unset REDIS_URL to keep rate "
                "limits in each process.",
                code="redis_unavailable",
            ) from exc


class RateLimiter:
    def __init__(
        self, per_client: Limit, per_session: Limit, buckets: Buckets, clock: Clock = time.time
    ) -> None:
        self.per_client = per_client
        self.per_session = per_session
        self.buckets = buckets
        self.clock = clock

    @classmethod
    def from_settings(cls, settings: Settings, clock: Clock = time.time) -> RateLimiter:
        per_client = Limit(settings.rate_limit_per_client, settings.rate_limit_client_burst)
        per_session = Limit(settings.rate_limit_per_session, settings.rate_limit_session_burst)
        limited = per_client.enabled or per_session.enabled
        buckets: Buckets = (
            RedisBuckets(settings.redis_url) if settings.redis_url and limited else MemoryBuckets()
        )
        return cls(per_client, per_session, buckets, clock)

    async def check(self, scope: Scope) -> Rejection | None:
        """Why the request must wait, or None when it may go on (its tokens taken)."""
        path: str = scope["path"]
        if not path.startswith("/api/"):
            return None
        client = scope.get("client")
        address = client[0] if client else "unknown"
        checks = [(self.per_client, f"client:{address}", CLIENT_WAIT, "client_rate_limited")]
        session_id = body_session_id(scope) if path in CHAT_PATHS else None
        if session_id and scope["method"] == "POST":
            key = f"session:{session_id}"
            checks.append((self.per_session, key, SESSION_WAIT, "session_rate_limited"))
        for limit, key, message, code in checks:
            if not limit.enabled:
                continue
            wait = await self.buckets.take(key, limit, self.clock())
            if wait:
                seconds = max(1, math.ceil(round(wait, 3)))  # 6.0000001 s is 6 s
                return Rejection(message.format(seconds=seconds), code, seconds)
        return None

    async def aclose(self) -> None:
        await self.buckets.aclose()


class RateLimits:
    """Answers 429 (with Retry-After) to a request over its limits, 503 when Redis is down."""

    def __init__(self, app: ASGIApp, limiter: RateLimiter) -> None:
        self.app = app
        self.limiter = limiter

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        try:
            rejection = await self.limiter.check(scope)
        except NewsragError as exc:
            log.error("Rate limits could not be checked: %s", exc.message)
            await envelope(exc.status, exc.message, exc.code)(scope, receive, send)
            return
        if rejection is None:
            await self.app(scope, receive, send)
            return
        response = envelope(429, rejection.message, rejection.code)
        response.headers["Retry-After"] = str(rejection.retry_after)
        await response(scope, receive, send)
