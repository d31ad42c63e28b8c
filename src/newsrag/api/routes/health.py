"""GET /health: each component's state, the index, and the last refresh of every source.

`timestamp`, `service` and `redis` are the fields the Node.js service answered with (`service`
names this one); `redis` is "connected", "disconnected" or "not configured" (no REDIS_URL).

For orchestrators and load balancers: GET /health/live answers 200 while the process answers at
all (restart it when it does not); GET /health/ready answers 200 when this process can answer
chats now (its database answers, REDIS_URL's Redis answers when set, its model is loaded), else
503 saying what is not ready (send it no traffic meanwhile).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from newsrag.api.deps import RefresherDep, ServicesDep
from newsrag.errors import NewsragError
from newsrag.services import Services
from newsrag.sessions.redis import answers
from newsrag.store.replicas import ReplicaState

router = APIRouter()


@router.get("/health")
def health(services: ServicesDep, refresher: RefresherDep) -> JSONResponse:
    body: dict[str, Any] = {"status": "ok", "timestamp": now_iso(), "service": "newsrag"}
    healthy = True
    try:
        stats = services.store.stats()
        index = services.store.index_info()
        runs = services.runs.latest()
        body["database"] = {
            "state": "ok",
            "embedded": services.db.embedded,
            "url": services.db.display_uri,
            "pgvector": services.store.pgvector_version(),
            "articles": stats.articles,
            "chunks": stats.chunks,
            "newestArticle": stats.newest.isoformat() if stats.newest else None,
            "index": {"model": index.model, "dimension": index.dimension} if index else None,
        }
        body["refresh"] = {
            "intervalMinutes": refresher.minutes if refresher.enabled else 0,
            "lastRefreshAt": max((r.finished_at for r in runs), default=None),
            "sources": [
                {
                    "source": r.source,
                    "ok": r.ok,
                    "finishedAt": r.finished_at.isoformat(),
                    "message": r.message,
                    "new": r.new,
                    "updated": r.updated,
                    "unchanged": r.unchanged,
                    "failed": r.failed,
                }
                for r in runs
            ],
        }
        if body["refresh"]["lastRefreshAt"] is not None:
            body["refresh"]["lastRefreshAt"] = body["refresh"]["lastRefreshAt"].isoformat()
    except NewsragError as exc:
        healthy = False
        body["database"] = {"state": "error", "error": exc.message, "code": exc.code}
    if services.replicas is not None and healthy:
        replicas = services.replicas.states()
        body["database"]["replicas"] = [replica_body(replica) for replica in replicas]
        up = any(replica.state == "ok" for replica in replicas)
        body["database"]["reads"] = "replicas" if up else "primary"
        if not up:  # searches go to the primary meanwhile
            body["status"] = "degraded"
    embedder = services.embedder
    state = embedder.state()
    body["embeddings"] = {
        "state": state.state,
        "provider": services.settings.embedding_provider,
        "model": embedder.model_name,
        "loaded": embedder.ready,
    }
    if state.state != "ok":
        body["embeddings"].update(error=state.detail, fallback=state.fallback)
        body["status"] = "degraded"
    body["generator"] = {"state": "ok", "model": services.generator.model}
    failure = services.chat.fallback.cooling_down()
    fallback = services.chat.fallback.fallback
    if failure is not None and fallback is not None:
        body["generator"].update(state="degraded", error=failure.message, fallback=fallback.model)
        body["status"] = "degraded"
    try:
        services.sessions.check()
        body["sessions"] = {
            "state": "ok",
            "store": services.sessions.name,
            "ttl": services.sessions.ttl_seconds,
        }
    except NewsragError as exc:
        healthy = False
        body["sessions"] = {"state": "error", "store": services.sessions.name, "error": exc.message}
    body["redis"] = redis_state(services, sessions_ok=body["sessions"]["state"] == "ok")
    if body["redis"] == "disconnected":  # the rate limits, shared in it, answer 503 meanwhile
        body["status"] = "degraded"
    if not healthy:
        body["status"] = "error"
    return JSONResponse(body, status_code=200 if healthy else 503)


@router.get("/health/live")
def live() -> dict[str, str]:
    return {"status": "ok", "timestamp": now_iso()}


@router.get("/health/ready")
def ready(services: ServicesDep) -> JSONResponse:
    checks: dict[str, str] = {}
    try:
        services.db.ping()
        checks["database"] = "ok"
    except NewsragError as exc:
        checks["database"] = exc.message
    if services.redis is not None:
        checks["redis"] = "ok" if answers(services.redis) else "REDIS_URL's Redis is not answering."
    checks["model"] = "ok" if services.embedder.ready else "The embedding model is not loaded yet."
    ok = all(state == "ok" for state in checks.values())
    body = {"status": "ok" if ok else "not ready", "timestamp": now_iso(), "checks": checks}
    return JSONResponse(body, status_code=200 if ok else 503)


def replica_body(replica: ReplicaState) -> dict[str, Any]:
    body: dict[str, Any] = {"url": replica.url, "state": replica.state}
    if replica.state == "ok":
        body["lagSeconds"] = replica.lag_seconds
    else:
        body.update(error=replica.error, retryInSeconds=replica.retry_in_seconds)
    return body


def now_iso() -> str:
    """Now in UTC, ISO 8601 to the millisecond with `Z`, as JavaScript's toISOString() writes it."""
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def redis_state(services: Services, *, sessions_ok: bool) -> str:
    """Whether REDIS_URL's Redis answers. When it holds the sessions, their check (just made)
    stands for it, so one /health asks Redis once."""
    if services.redis is None:
        return "not configured"
    answered = sessions_ok if services.sessions.name == "redis" else answers(services.redis)
    return "connected" if answered else "disconnected"
