"""SQL for durable chat sessions: appends are atomic per session, seq comes from the database."""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import UTC, datetime

from psycopg.types.json import Jsonb

from newsrag.models import Message, SessionHistory, source_from_row, source_row
from newsrag.store.database import Database


class SessionTables:
    def __init__(self, db: Database) -> None:
        self.db = db

    def append(self, session_id: str, messages: Sequence[Message], ttl_seconds: int) -> None:
        """Append messages in order and push the session's expiry `ttl_seconds` into the future.

        An expired session starts afresh. The upsert locks the session's row, so concurrent
        appends to one session get consecutive, distinct sequence numbers.
        """
        with self.db.connection() as conn, conn.transaction():
            conn.execute(
                "DELETE FROM sessions WHERE id = %s AND expires_at <= now()", (session_id,)
            )
            row = conn.execute(
                """
                INSERT INTO sessions (id, message_count, expires_at)
                VALUES (%(id)s, %(n)s, now() + make_interval(secs => %(ttl)s))
                ON CONFLICT (id) DO UPDATE SET
                    message_count = sessions.message_count + %(n)s,
                    updated_at = now(),
                    expires_at = now() + make_interval(secs => %(ttl)s)
                RETURNING message_count
                """,
                {"id": session_id, "n": len(messages), "ttl": ttl_seconds},
            ).fetchone()
            assert row is not None
            first = row[0] - len(messages) + 1
            with conn.cursor() as cur:
                cur.executemany(
                    "INSERT INTO messages "
                    "(session_id, seq, role, content, created_at, interrupted, sources) "
                    "VALUES (%s, %s, %s, %s, %s, %s, %s)",
                    [
                        (
                            session_id,
                            first + i,
                            m.role,
                            m.content,
                            m.timestamp,
                            m.interrupted,
                            Jsonb([source_row(source) for source in m.sources]),
                        )
                        for i, m in enumerate(messages)
                    ],
                )

    def history(self, session_id: str) -> SessionHistory | None:
        """The live session's messages in order, or None when unknown or expired."""
        with self.db.connection() as conn:
            row = conn.execute(
                "SELECT expires_at - now() FROM sessions WHERE id = %s AND expires_at > now()",
                (session_id,),
            ).fetchone()
            if row is None:
                return None
            rows = conn.execute(
                "SELECT role, content, created_at, interrupted, sources FROM messages "
                "WHERE session_id = %s ORDER BY seq",
                (session_id,),
            ).fetchall()
        ttl = max(0, math.ceil(row[0].total_seconds()))  # a live session has >= 1 s left
        messages = [
            Message(
                role,
                content,
                created.astimezone(UTC),
                interrupted,
                tuple(source_from_row(source) for source in sources),
            )
            for role, content, created, interrupted, sources in rows
        ]
        return SessionHistory(session_id, messages, ttl)

    def delete(self, session_id: str) -> bool:
        """Remove a live session; False when there was nothing to remove."""
        with self.db.connection() as conn:
            row = conn.execute(
                "DELETE FROM sessions WHERE id = %s RETURNING expires_at > now()", (session_id,)
            ).fetchone()
        return bool(row and row[0])

    def purge_expired(self, now: datetime | None = None) -> int:
        with self.db.connection() as conn:
            cur = conn.execute(
                "DELETE FROM sessions WHERE expires_at <= coalesce(%s, now())", (now,)
            )
            return cur.rowcount
