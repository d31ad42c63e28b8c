"""Retention: `newsrag prune --older-than 365d` and NEWSRAG_RETENTION_DAYS delete the articles
published before the cutoff with their chunks, in batches, and the vectors cached before it; the
store's counts and its search are right afterwards. A real database, the fake embedder."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from newsrag.errors import InvalidInput
from newsrag.models import Article, SearchFilters
from newsrag.refresh import Refresher
from newsrag.retention import Pruned, parse_age
from newsrag.services import Services
from newsrag.store import ChunkSearch, Fusion
from tests.conftest import FakeEmbedder, wikinews_rows, write_jsonl
from tests.db_helpers import write
from tests.test_cli import run

NOW = datetime.now(UTC)


def dated(number: int, days_ago: int | None) -> Article:
    published = NOW - timedelta(days=days_ago) if days_ago is not None else None
    return Article(
        f"https://example.org/{number}",
        f"Harbour story {number}",
        f"Story {number} about the harbour.",
        "Gazette",
        published,
    )


def store_articles(services: Services, embedder: FakeEmbedder, ages: list[int | None]) -> None:
    for number, days_ago in enumerate(ages):
        texts = [f"harbour story {number} part one", f"harbour story {number} part two"]
        write(services.store, embedder, dated(number, days_ago), texts)


def found_urls(services: Services, embedder: FakeEmbedder) -> set[str]:
    chunks = ChunkSearch(services.db).hybrid(
        embedder.embed_one("harbour story"), "harbour", Fusion(), SearchFilters(), 100
    )
    return {chunk.url for chunk in chunks}


@pytest.mark.parametrize(
    ("text", "days"), [("365d", 365), ("52w", 364), ("1y", 365), ("30", 30), (" 2 W ", 14)]
)
def test_an_age_is_days_weeks_or_years(text: str, days: int) -> None:
    assert parse_age(text) == timedelta(days=days)


@pytest.mark.parametrize("text", ["a year", "0d", "12m", "-5d", ""])
def test_anything_else_is_refused_with_examples(text: str) -> None:
    with pytest.raises(InvalidInput, match="such as 365d, 52w or 1y"):
        parse_age(text)


def test_prune_deletes_older_articles_with_their_chunks_and_keeps_the_rest(
    fake_services: Services, fake_embedder: FakeEmbedder
) -> None:
    store_articles(fake_services, fake_embedder, [800, 400, 100, 5, None])

    done = fake_services.retention.prune(NOW - timedelta(days=365))

    assert (done.articles, done.chunks) == (2, 4)
    stats = fake_services.store.stats()
    assert (stats.articles, stats.chunks) == (3, 6)
    assert found_urls(fake_services, fake_embedder) == {
        "https://example.org/2",
        "https://example.org/3",
        "https://example.org/4",
    }


def test_prune_goes_a_batch_at_a_time(fake_services: Services, fake_embedder: FakeEmbedder) -> None:
    store_articles(fake_services, fake_embedder, [900, 800, 700, 600, 500])
    seen: list[int] = []

    def batch(done: Pruned) -> None:
        seen.append(done.articles)

    fake_services.retention.prune(NOW - timedelta(days=365), batch=2, on_batch=batch)

    assert seen[:3] == [2, 4, 5]
    assert fake_services.store.stats().articles == 0


def test_an_undated_article_counts_from_when_it_was_ingested(
    fake_services: Services, fake_embedder: FakeEmbedder
) -> None:
    store_articles(fake_services, fake_embedder, [None])

    kept = fake_services.retention.prune(NOW - timedelta(days=1))
    gone = fake_services.retention.prune(datetime.now(UTC) + timedelta(minutes=1))

    assert (kept.articles, gone.articles) == (0, 1)


def test_prune_deletes_the_vectors_cached_before_the_cutoff(
    fake_services: Services, fake_embedder: FakeEmbedder
) -> None:
    fake_services.embedder.embed(["a cached sentence", "another cached sentence"])
    model = fake_embedder.model_name
    cached_before = fake_services.retention.cache.count(model)

    done = fake_services.retention.prune(datetime.now(UTC) + timedelta(minutes=1))

    assert cached_before == 2
    assert done.cached == 2
    assert fake_services.retention.cache.count(model) == 0


def test_the_refresher_prunes_after_refreshing_when_retention_is_set(
    fake_services: Services, fake_embedder: FakeEmbedder, tmp_path: Path
) -> None:
    store_articles(fake_services, fake_embedder, [800, 5])
    source = write_jsonl(tmp_path / "feed.jsonl", [])
    refresher = Refresher(
        fake_services.ingestor,
        fake_services.runs,
        [str(source)],
        60,
        retention=fake_services.retention,
        retention_days=365,
    )

    refresher.run_once()

    assert found_urls(fake_services, fake_embedder) == {"https://example.org/1"}


def test_the_prune_command_reports_what_it_deleted(tmp_path: Path, fresh_uri: str) -> None:
    write_jsonl(tmp_path / "three.jsonl", wikinews_rows(3))  # published in November 2004
    assert run(tmp_path, fresh_uri, "ingest", "three.jsonl").code == 0

    result = run(tmp_path, fresh_uri, "prune", "--older-than", "1y")

    assert result.code == 0, result.output
    assert "Pruned 3 articles" in result.stdout
    assert "the store holds 0 articles, 0 chunks." in result.stdout


def test_the_prune_command_refuses_an_age_it_cannot_read(tmp_path: Path, fresh_uri: str) -> None:
    result = run(tmp_path, fresh_uri, "prune", "--older-than", "a while")

    assert result.code == 1
    assert result.stderr.strip().startswith("error (invalid_input): --older-than 'a while'")
    assert "Traceback" not in result.output
