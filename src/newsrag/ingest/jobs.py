"""Ingestion jobs submitted over the admin API (`POST /api/ingest`).

A job runs in a background thread of the process that accepted it, one job at a time (the
others wait, `queued`), through the same `Ingestor` as the CLI and the refresh. Its state,
progress and errors are written to the database as it goes, so any process sharing the database
can report on it. A process that stops marks its unfinished jobs `failed`; one that is killed
leaves them `queued` or `running`.
"""

from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Sequence
from contextlib import suppress
from uuid import UUID

from newsrag.errors import NewsragError
from newsrag.ingest.pipeline import Ingestor
from newsrag.store import JobTables

log = logging.getLogger(__name__)

STOPPED = "The server stopped before this job finished: submit it again."
UNEXPECTED = "The job failed unexpectedly: the details are in the server log."


class _Stopped(Exception):
    """Raised from the progress callback to end the running job when the process stops."""


class IngestJobs:
    def __init__(self, ingestor: Ingestor, tables: JobTables) -> None:
        self.ingestor = ingestor
        self.tables = tables
        self._queue: queue.Queue[UUID | None] = queue.Queue()
        self._mine: set[UUID] = set()
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def submit(self, sources: Sequence[str]) -> UUID:
        """Queue a job ingesting `sources` (http(s) URLs, already validated); returns its id."""
        job_id = self.tables.create(sources)
        with self._lock:
            self._mine.add(job_id)
            if self._thread is None:
                self._thread = threading.Thread(
                    target=self._work, name="newsrag-ingest-jobs", daemon=True
                )
                self._thread.start()
        self._queue.put(job_id)
        return job_id

    def close(self, timeout: float = 30) -> None:
        """Stop the running job after its current group of articles; mark unfinished jobs
        of this process failed."""
        self._stop.set()
        self._queue.put(None)
        if self._thread is not None:
            self._thread.join(timeout)
        with self._lock:
            unfinished = list(self._mine)
        if unfinished:
            with suppress(NewsragError):
                self.tables.abandon(unfinished, STOPPED)

    def _work(self) -> None:
        while (job_id := self._queue.get()) is not None and not self._stop.is_set():
            try:
                self._run(job_id)
            except _Stopped:
                return
            with self._lock:
                self._mine.discard(job_id)

    def _run(self, job_id: UUID) -> None:
        try:
            job = self.tables.get(job_id)
            if job is None:
                return
            self.tables.start(job_id)
            read = 0
            for source in job.sources:
                self._check_stop()
                [outcome] = self.ingestor.ingest_sources(
                    [source],
                    on_articles=lambda _source, found: self.tables.found(job_id, found),
                    progress=lambda done: self._progress(job_id, done),
                )
                report = outcome.report
                errors = [outcome.error] if outcome.error else []
                errors += [f"{source}: {error}" for error in report.errors]
                self.tables.add(job_id, report, errors)
                read += not outcome.error
            self.tables.finish(job_id, "done" if read else "failed")
        except NewsragError as exc:
            log.warning("ingest job %s failed: %s", job_id, exc.message)
            self._fail(job_id, exc.message)
        except _Stopped:
            raise
        except Exception:
            log.exception("ingest job %s failed unexpectedly", job_id)
            self._fail(job_id, UNEXPECTED)

    def _progress(self, job_id: UUID, done: int) -> None:
        self.tables.processed(job_id, done)
        self._check_stop()

    def _check_stop(self) -> None:
        if self._stop.is_set():
            raise _Stopped

    def _fail(self, job_id: UUID, error: str) -> None:
        try:
            self.tables.finish(job_id, "failed", error)
        except NewsragError as exc:
            log.warning("could not record that ingest job %s failed: %s", job_id, exc.message)
