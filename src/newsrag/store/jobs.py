"""SQL for ingestion jobs submitted over the admin API: their state, progress and errors."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Literal
from uuid import UUID

from newsrag.models import IngestReport
from newsrag.store.database import Database

JobState = Literal["queued", "running", "done", "failed"]
MAX_ERRORS = 100
KEEP_DAYS = 30

_COLUMNS = (
    "id, state, sources, sources_done, articles_found, articles_processed, new, updated, "
    "unchanged, failed, chunks, errors, created_at, started_at, finished_at"
)


@dataclass(frozen=True)
class IngestJob:
    """`articles_found`: articles read from the sources so far; `articles_processed`: how many
    of them have been checked, embedded and stored (or skipped) so far."""

    id: UUID
    state: JobState
    sources: list[str]
    sources_done: int
    articles_found: int
    articles_processed: int
    new: int
    updated: int
    unchanged: int
    failed: int
    chunks: int
    errors: list[str]
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None


class JobTables:
    """A job's rows change only until it finishes: a job abandoned by a stopping process stays
    failed even if its thread gets further."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def create(self, sources: Sequence[str]) -> UUID:
        """A new queued job; jobs finished more than KEEP_DAYS ago are forgotten."""
        with self.db.connection() as conn:
            conn.execute(
                "DELETE FROM ingest_jobs WHERE finished_at < now() - make_interval(days => %s)",
                (KEEP_DAYS,),
            )
            row = conn.execute(
                "INSERT INTO ingest_jobs (sources) VALUES (%s) RETURNING id", (list(sources),)
            ).fetchone()
        assert row is not None
        job_id: UUID = row[0]
        return job_id

    def get(self, job_id: UUID) -> IngestJob | None:
        with self.db.connection() as conn:
            row = conn.execute(
                f"SELECT {_COLUMNS} FROM ingest_jobs WHERE id = %s", (job_id,)
            ).fetchone()
        return IngestJob(*row) if row else None

    def start(self, job_id: UUID) -> None:
        self._update(job_id, "state = 'running', started_at = now()")

    def found(self, job_id: UUID, articles: int) -> None:
        self._update(job_id, "articles_found = articles_found + %s", articles)

    def processed(self, job_id: UUID, articles: int) -> None:
        self._update(job_id, "articles_processed = articles_processed + %s", articles)

    def add(self, job_id: UUID, report: IngestReport, errors: Sequence[str]) -> None:
        """Count one more source as done, with what its ingestion did and its errors."""
        with self.db.connection() as conn:
            conn.execute(
                """
                UPDATE ingest_jobs SET
                    sources_done = sources_done + 1,
                    new = new + %s, updated = updated + %s, unchanged = unchanged + %s,
                    failed = failed + %s, chunks = chunks + %s,
                    errors = (errors || %s::text[])[1:%s]
                WHERE id = %s AND finished_at IS NULL
                """,
                (
                    report.new,
                    report.updated,
                    report.unchanged,
                    report.failed,
                    report.chunks,
                    list(errors),
                    MAX_ERRORS,
                    job_id,
                ),
            )

    def finish(self, job_id: UUID, state: JobState, error: str = "") -> None:
        """End the job, unless it has ended already (abandoned when its process stopped)."""
        with self.db.connection() as conn:
            conn.execute(
                "UPDATE ingest_jobs SET state = %s, finished_at = now(), "
                "errors = (errors || %s::text[])[1:%s] WHERE id = %s AND finished_at IS NULL",
                (state, [error] if error else [], MAX_ERRORS, job_id),
            )

    def abandon(self, job_ids: Sequence[UUID], error: str) -> None:
        """Mark the jobs among `job_ids` that have not finished as failed, saying why."""
        with self.db.connection() as conn:
            conn.execute(
                "UPDATE ingest_jobs SET state = 'failed', finished_at = now(), "
                "errors = errors || %s::text WHERE id = ANY(%s) AND finished_at IS NULL",
                (error, list(job_ids)),
            )

    def _update(self, job_id: UUID, assignments: str, *values: object) -> None:
        with self.db.connection() as conn:
            conn.execute(
                f"UPDATE ingest_jobs SET {assignments} WHERE id = %s AND finished_at IS NULL",
                (*values, job_id),
            )
