"""The one ingestion code path (CLI, start-up, background refresh):
source → articles → chunks → vectors → store, one transaction per article."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace

from newsrag.embeddings import Embedder
from newsrag.errors import InvalidInput, NewsragError, StorageError
from newsrag.ingest.chunking import chunk_article
from newsrag.ingest.clean import clean_body
from newsrag.ingest.fetch import NewsClient
from newsrag.ingest.sources import read_source
from newsrag.metrics import count_ingest
from newsrag.models import Article, Chunk, IngestReport
from newsrag.store import ArticleStore, RunTables, VectorIndexes

log = logging.getLogger(__name__)

GROUP = 16
REINDEX_PAGE = 200

Progress = Callable[[int], None]


@dataclass(frozen=True)
class SourceOutcome:
    source: str
    report: IngestReport
    error: str = ""


@dataclass(frozen=True)
class Problem:
    """A skipped source (`item` False; its message names the source) or a skipped item of it."""

    source: str
    message: str
    item: bool = True


def log_problem(problem: Problem) -> None:
    """The default report of a problem: one warning in the log."""
    if problem.item:
        log.warning("skipped an item of %s: %s", problem.source, problem.message)
    else:
        log.warning("skipped source %s: %s", problem.source, problem.message)


class Ingestor:
    def __init__(
        self,
        store: ArticleStore,
        runs: RunTables,
        embedder: Embedder,
        client: NewsClient,
        *,
        chunk_tokens: int = 200,
        chunk_overlap: int = 40,
        fetch_full_articles: bool = True,
        vectors: VectorIndexes | None = None,
    ) -> None:
        self.store = store
        self.runs = runs
        self.embedder = embedder
        self.client = client
        self.chunk_tokens = chunk_tokens
        self.chunk_overlap = chunk_overlap
        self.fetch_full_articles = fetch_full_articles
        self.vectors = vectors

    def ingest_sources(
        self,
        sources: Iterable[str],
        *,
        on_articles: Callable[[str, int], None] | None = None,
        progress: Progress | None = None,
        on_problem: Callable[[Problem], None] = log_problem,
    ) -> list[SourceOutcome]:
        """Ingest each source. A source that cannot be read and an item that cannot be ingested
        are skipped, each given to `on_problem` once (by default, a warning in the log)."""
        outcomes = []
        for source in sources:
            try:
                batch = read_source(
                    source, self.client, fetch_full_articles=self.fetch_full_articles
                )
            except NewsragError as exc:
                on_problem(Problem(source, exc.message, item=False))
                self.runs.record(source, None, exc.message)
                outcomes.append(SourceOutcome(source, IngestReport(), exc.message))
                continue
            for error in batch.errors:
                on_problem(Problem(source, error))
            if on_articles is not None:
                on_articles(source, len(batch.articles))
            report = self.ingest_articles(batch.articles, progress=progress)
            for error in report.errors:
                on_problem(Problem(source, error))
            report.failed += len(batch.errors)
            report.errors = batch.errors + report.errors
            self.runs.record(source, report)
            count_ingest(report)
            outcomes.append(SourceOutcome(source, report))
        return outcomes

    def ingest_articles(
        self, articles: Sequence[Article], *, progress: Progress | None = None
    ) -> IngestReport:
        """Add new articles, replace changed ones, skip unchanged ones; each body cleaned first
        (`clean_body`), so that an article whose cleaning changed is replaced."""
        report = IngestReport()
        latest = {a.url: replace(a, body=clean_body(a.body)) for a in articles}
        unique = list(latest.values())
        report.unchanged += len(articles) - len(unique)
        if progress is not None and len(articles) > len(unique):
            progress(len(articles) - len(unique))
        for start in range(0, len(unique), GROUP):
            group = unique[start : start + GROUP]
            report.add(self._ingest_group(group))
            if progress is not None:
                progress(len(group))
        if report.chunks:
            self.store.analyze_if_new()
            self._maintain_vectors()
        return report

    def _maintain_vectors(self) -> None:
        """The vector index built again when ingestion made it stale (store/vectors.py); a
        build that fails leaves the index in use and the articles ingested, and is logged."""
        if self.vectors is None:
            return
        try:
            self.vectors.maintain()
        except StorageError as exc:
            log.warning("%s", exc.message)

    def reindex(
        self,
        *,
        on_total: Callable[[int], None] | None = None,
        progress: Progress | None = None,
    ) -> IngestReport:
        """Every stored article through `ingest_articles` again, a page at a time: those whose
        text the current cleaning changes are chunked and embedded anew (unchanged chunks'
        vectors come from the cache), the others stay."""
        if on_total is not None:
            on_total(self.store.stats().articles)
        report = IngestReport()
        after = 0
        while page := self.store.stored_articles(after, REINDEX_PAGE):
            after = page[-1][0]
            report.add(self.ingest_articles([article for _, article in page], progress=progress))
        return report

    def _ingest_group(self, group: Sequence[Article]) -> IngestReport:
        report = IngestReport()
        known = self.store.content_hashes([article.url for article in group])
        pending: list[tuple[Article, list[Chunk]]] = []
        for article in group:
            if known.get(article.url) == article.content_hash:
                report.unchanged += 1
                continue
            chunks = chunk_article(article, self.chunk_tokens, self.chunk_overlap)
            if not chunks:
                report.failed += 1
                report.errors.append(f"{article.url}: no text to index")
                continue
            pending.append((article, chunks))
        if not pending:
            return report
        texts = [chunk.embedding_text for _, chunks in pending for chunk in chunks]
        vectors = self.embedder.embed(texts)
        offset = 0
        for article, chunks in pending:
            article_vectors = vectors[offset : offset + len(chunks)]
            offset += len(chunks)
            try:
                outcome = self.store.write_article(
                    article, chunks, article_vectors, self.embedder.model_name
                )
            except InvalidInput as exc:
                report.failed += 1
                report.errors.append(f"{article.url}: {exc.message}")
                continue
            report.chunks += len(chunks)
            if outcome == "new":
                report.new += 1
            else:
                report.updated += 1
        return report
