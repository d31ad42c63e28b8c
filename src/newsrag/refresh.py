"""Background re-ingestion of NEWSRAG_SOURCES, one refresher at a time across processes; with
NEWSRAG_RETENTION_DAYS, each refresh then prunes what is older."""

from __future__ import annotations

import logging
import threading
from datetime import UTC, datetime, timedelta

from newsrag.errors import NewsragError
from newsrag.ingest.pipeline import Ingestor, SourceOutcome
from newsrag.retention import Retention
from newsrag.store import RunTables

log = logging.getLogger(__name__)


class Refresher:
    """Every `minutes`, re-ingests `sources` unless another process holds the refresh lock."""

    def __init__(
        self,
        ingestor: Ingestor,
        runs: RunTables,
        sources: list[str],
        minutes: float,
        *,
        retention: Retention | None = None,
        retention_days: int = 0,
    ) -> None:
        self.ingestor = ingestor
        self.runs = runs
        self.sources = sources
        self.minutes = minutes
        self.retention = retention
        self.retention_days = retention_days
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    @property
    def enabled(self) -> bool:
        return self.minutes > 0 and bool(self.sources)

    def start(self) -> None:
        if not self.enabled or self._thread is not None:
            return
        self._thread = threading.Thread(target=self._loop, name="newsrag-refresh", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=30)
            self._thread = None

    def run_once(self) -> list[SourceOutcome] | None:
        """Refresh now, then prune what is older than the retention; None when another process
        is refreshing."""
        with self.runs.refresh_lock() as mine:
            if not mine:
                log.info("refresh skipped: another process is refreshing")
                return None
            outcomes = self.ingestor.ingest_sources(self.sources)
            if self.retention is not None and self.retention_days:
                before = datetime.now(UTC) - timedelta(days=self.retention_days)
                pruned = self.retention.prune(before)
                log.info(
                    "pruned %d articles (%d chunks) published before %s, %d cached vectors",
                    pruned.articles,
                    pruned.chunks,
                    before.date().isoformat(),
                    pruned.cached,
                )
        for outcome in outcomes:
            report = outcome.report
            log.info(
                "refreshed %s: %s",
                outcome.source,
                outcome.error
                or f"{report.new} new, {report.updated} updated, {report.unchanged} unchanged, "
                f"{report.failed} failed",
            )
        return outcomes

    def _loop(self) -> None:
        while not self._stop.wait(self.minutes * 60):
            try:
                self.run_once()
            except NewsragError as exc:
                log.warning("refresh failed: %s", exc.message)
