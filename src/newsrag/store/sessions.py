"""SQL for durable chat sessions: appends are atomic per session, seq comes from the database."""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import UTC, datetime

from psycopg.types.json import Jsonb

from newsrag.models import Message, SessionHistory, source_from_row, source_row
from newsrag.store.database import Database

# The session upserted, unless it has expired (then nothing is written: the caller deletes it
# and appends again), and the messages inserted after its earlier ones.
_APPEND = """
    WITH session AS (
        INSERT INTO sessions (id, message_count, expires_at)
        VALUES (%(id)s, %(n)s, now() + make_interval(secs => %(ttl)s))
        ON CONFLICT (id) DO UPDATE SET
            message_count = sessions.message_count + %(n)s,
            updated_at = now(),
            expires_at = now() + make_interval(secs => %(ttl)s)
        WHERE sessions.expires_at > now()
        RETURNING message_count
    )
    INSERT INTO messages (session_id, seq, role, content, created_at, interrupted, sources)
    SELECT %(id)s, session.message_count - %(n)s + m.n, m.role, m.content, m.created_at,
           m.interrupted, m.sources
    FROM session, unnest(
        %(roles)s::text[], %(contents)s::text[], %(times)s::timestamptz[],
        %(interrupted)s::boolean[], %(sources)s::jsonb[]
    ) WITH ORDINALITY AS m(role, content, created_at, interrupted, sources, n)
"""


class SessionTables:
    def __init__(self, db: Database) -> None:
        self.db = db

    def append(self, session_id: str, messages: Sequence[Message], ttl_seconds: int) -> None:
        """Append messages in order and push the session's expiry `ttl_seconds` into the future.

        An expired session starts afresh. The upsert locks the session's row, so concurrent
        appends to one session get consecutive, distinct sequence numbers. A live or new
        session takes one statement; an expired one is deleted first, in the same transaction.
        """
        values = {
            "id": session_id,
            "n": len(messages),
            "ttl": ttl_seconds,
            "roles": [m.role for m in messages],
            "contents": [m.content for m in messages],
            "times": [m.timestamp for m in messages],
            "interrupted": [m.interrupted for m in messages],
            "sources": [Jsonb([source_row(source) for source in m.sources]) for m in messages],
        }
        with self.db.connection() as conn, conn.transaction():
            if conn.execute(_APPEND, values).rowcount == len(messages):
                return
            conn.execute(
                "DELETE FROM sessions WHERE id = %s AND expires_at <= now()", (session_id,)
            )
            conn.execute(_APPEND, values)

    def history(self, session_id: str) -> SessionHistory | None:
        """The live session's messages in order, or None when unknown or expired."""
        with self.db.connection() as conn:
            rows = conn.execute(
                """
                SELECT s.expires_at - now(), m.role, m.content, m.created_at, m.interrupted,
                       m.sources
                FROM sessions s LEFT JOIN messages m ON m.session_id = s.id
                WHERE s.id = %s AND s.expires_at > now()
                ORDER BY m.seq
                """,
                (session_id,),
            ).fetchall()
        if not rows:
            return None
        ttl = max(0, math.ceil(rows[0][0].total_seconds()))  # a live session has >= 1 s left
        messages = [
            Message(
                role,
                content,
                created.astimezone(UTC),
                interrupted,
                tuple(source_from_row(source) for source in sources),
            )
            for _, role, content, created, interrupted, sources in rows
            if role is not None
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
