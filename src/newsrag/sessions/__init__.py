"""Chat sessions: PostgreSQL by default, Redis when REDIS_URL is set (NEWSRAG_SESSION_STORE)."""

from newsrag.config import Settings
from newsrag.sessions import postgres as _postgres  # noqa: F401  (registers the built-ins)
from newsrag.sessions import redis as _redis  # noqa: F401
from newsrag.sessions.base import SessionStore, session_stores
from newsrag.store.database import Database


def create_session_store(settings: Settings, db: Database) -> SessionStore:
    name = settings.session_store
    if name == "auto":
        name = "redis" if settings.redis_url else "postgres"
    return session_stores.create(name, settings, db=db)


__all__ = ["SessionStore", "create_session_store", "session_stores"]
