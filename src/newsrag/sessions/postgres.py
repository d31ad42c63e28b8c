"""Sessions in the newsrag database (the default)."""

from __future__ import annotations

from collections.abc import Sequence

from newsrag.config import Settings
from newsrag.models import Message, SessionHistory
from newsrag.sessions.base import SessionStore, session_stores
from newsrag.store.database import Database
from newsrag.store.sessions import SessionTables


class PostgresSessionStore(SessionStore):
    name = "postgres"

    def __init__(self, db: Database, ttl_seconds: int) -> None:
        self.tables = SessionTables(db)
        self.db = db
        self.ttl_seconds = ttl_seconds

    def append(self, session_id: str, messages: Sequence[Message]) -> None:
        self.tables.append(session_id, messages, self.ttl_seconds)

    def history(self, session_id: str) -> SessionHistory | None:
        return self.tables.history(session_id)

    def delete(self, session_id: str) -> bool:
        return self.tables.delete(session_id)

    def check(self) -> None:
        self.tables.purge_expired()


@session_stores.register("postgres")
def _postgres(settings: Settings, *, db: Database) -> SessionStore:
    return PostgresSessionStore(db, settings.session_ttl)
