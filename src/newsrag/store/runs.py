"""SQL for ingestion bookkeeping: each source's last outcome and the refresh lock."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime

from newsrag.models import IngestReport
from newsrag.store.database import Database

REFRESH_LOCK = 7_201_002


@dataclass(frozen=True)
class SourceRun:
    source: str
    finished_at: datetime
    ok: bool
    message: str
    new: int
    updated: int
    unchanged: int
    failed: int


class RunTables:
    def __init__(self, db: Database) -> None:
        self.db = db

    def record(self, source: str, report: IngestReport | None, error: str = "") -> None:
        report = report or IngestReport()
        with self.db.connection() as conn:
            conn.execute(
                """
                INSERT INTO source_runs (source, finished_at, ok, message, new, updated,
                                         unchanged, failed)
                VALUES (%s, now(), %s, %s, %s, %s, %s, %s)
                ON CONFLICT (source) DO UPDATE SET
                    finished_at = EXCLUDED.finished_at, ok = EXCLUDED.ok,
                    message = EXCLUDED.message, new = EXCLUDED.new, updated = EXCLUDED.updated,
                    unchanged = EXCLUDED.unchanged, failed = EXCLUDED.failed
                """,
                (
                    source,
                    not error,
                    error,
                    report.new,
                    report.updated,
                    report.unchanged,
                    report.failed,
                ),
            )

    def latest(self) -> list[SourceRun]:
        with self.db.connection() as conn:
            rows = conn.execute(
                "SELECT source, finished_at, ok, message, new, updated, unchanged, failed "
                "FROM source_runs ORDER BY source"
            ).fetchall()
        return [SourceRun(*row) for row in rows]

    @contextmanager
    def refresh_lock(self) -> Iterator[bool]:
        """Yields True for the one process (of any number) that may refresh now."""
        with self.db.connection() as conn:
            conn.autocommit = True
            row = conn.execute("SELECT pg_try_advisory_lock(%s)", (REFRESH_LOCK,)).fetchone()
            got = bool(row and row[0])
            try:
                yield got
            finally:
                if got:
                    conn.execute("SELECT pg_advisory_unlock(%s)", (REFRESH_LOCK,))
                conn.autocommit = False
