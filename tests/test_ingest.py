from pathlib import Path

import pytest

from newsrag.errors import IndexMismatch
from newsrag.ingest.chunking import chunk_article
from newsrag.ingest.pipeline import Problem
from newsrag.services import Services, build_services
from tests.conftest import (
    FEEDS,
    FakeEmbedder,
    article,
    make_settings,
    wikinews_rows,
    write_jsonl,
)


def chunk_texts(services: Services, url: str) -> list[str]:
    with services.db.connection() as conn:
        rows = conn.execute(
            "SELECT c.text FROM chunks c JOIN articles a ON a.id = c.article_id "
            "WHERE a.url = %s ORDER BY c.position",
            (url,),
        ).fetchall()
    return [row[0] for row in rows]


def test_ingesting_the_same_file_twice_adds_nothing(
    fake_services: Services, fake_embedder: FakeEmbedder, tmp_path: Path
) -> None:
    source = str(write_jsonl(tmp_path / "news.jsonl", wikinews_rows(12)))
    [first] = fake_services.ingestor.ingest_sources([source])
    stats = fake_services.store.stats()
    calls = fake_embedder.calls
    [second] = fake_services.ingestor.ingest_sources([source])

    assert (first.report.new, first.report.unchanged) == (12, 0)
    assert (second.report.new, second.report.updated, second.report.unchanged) == (0, 0, 12)
    assert fake_services.store.stats() == stats
    assert fake_embedder.calls == calls


def test_a_first_ingest_leaves_the_statistics_the_text_search_narrows_on(
    fake_services: Services, tmp_path: Path
) -> None:
    source = str(write_jsonl(tmp_path / "news.jsonl", wikinews_rows(3)))
    fake_services.ingestor.ingest_sources([source])

    with fake_services.db.connection() as conn:
        row = conn.execute("SELECT reltuples FROM pg_class WHERE relname = 'chunks'").fetchone()
    assert row is not None
    assert row[0] == fake_services.store.stats().chunks


def test_a_changed_article_replaces_its_chunks(fake_services: Services, tmp_path: Path) -> None:
    rows = wikinews_rows(3)
    write_jsonl(tmp_path / "news.jsonl", rows)
    fake_services.ingestor.ingest_sources([str(tmp_path / "news.jsonl")])
    rows[1] = {**rows[1], "body": "A correction was published. The vote was on Tuesday."}
    write_jsonl(tmp_path / "news.jsonl", rows)

    [outcome] = fake_services.ingestor.ingest_sources([str(tmp_path / "news.jsonl")])

    assert (outcome.report.updated, outcome.report.unchanged) == (1, 2)
    assert chunk_texts(fake_services, str(rows[1]["url"])) == [
        "A correction was published. The vote was on Tuesday."
    ]


def two_bad_items(folder: Path) -> tuple[list[dict[str, object]], str]:
    """Four articles, the second without a title and the third holding NUL; and their file."""
    rows = wikinews_rows(4)
    rows[1] = {**rows[1], "title": ""}
    rows[2] = {**rows[2], "body": "Text with a NUL \x00 byte that PostgreSQL refuses."}
    return rows, str(write_jsonl(folder / "news.jsonl", rows))


def test_a_bad_item_is_reported_and_the_rest_goes_in(
    fake_services: Services, tmp_path: Path
) -> None:
    rows, source = two_bad_items(tmp_path)

    [outcome] = fake_services.ingestor.ingest_sources([source])

    assert (outcome.report.new, outcome.report.failed) == (2, 2)
    assert any(error.startswith("line 2") for error in outcome.report.errors)
    assert any(str(rows[2]["url"]) in error for error in outcome.report.errors)
    assert fake_services.store.stats().articles == 2


def test_an_unreadable_source_is_skipped_and_recorded(
    fake_services: Services, tmp_path: Path
) -> None:
    good = str(write_jsonl(tmp_path / "news.jsonl", wikinews_rows(2)))
    missing = str(tmp_path / "missing.jsonl")

    outcomes = fake_services.ingestor.ingest_sources([missing, good])

    assert outcomes[0].error and missing in outcomes[0].error
    assert outcomes[1].report.new == 2
    runs = {run.source: run for run in fake_services.runs.latest()}
    assert runs[missing].ok is False and missing in runs[missing].message
    assert runs[good].ok is True and runs[good].new == 2


def test_each_skipped_item_goes_to_the_problem_callback_once(
    fake_services: Services, tmp_path: Path
) -> None:
    _, source = two_bad_items(tmp_path)
    problems: list[Problem] = []

    [outcome] = fake_services.ingestor.ingest_sources([source], on_problem=problems.append)

    assert problems == [Problem(source, error) for error in outcome.report.errors]
    assert len(problems) == 2


def test_a_skipped_source_goes_to_the_problem_callback_once(
    fake_services: Services, tmp_path: Path
) -> None:
    missing = str(tmp_path / "missing.jsonl")
    problems: list[Problem] = []

    [outcome] = fake_services.ingestor.ingest_sources([missing], on_problem=problems.append)

    assert problems == [Problem(missing, outcome.error, item=False)]


def test_without_a_problem_callback_each_problem_is_one_logged_warning(
    fake_services: Services, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    rows = wikinews_rows(2)
    rows[1] = {**rows[1], "title": ""}
    source = str(write_jsonl(tmp_path / "news.jsonl", rows))
    missing = str(tmp_path / "missing.jsonl")

    with caplog.at_level("WARNING", logger="newsrag.ingest.pipeline"):
        fake_services.ingestor.ingest_sources([source, missing])

    item, skipped = [record.getMessage() for record in caplog.records]
    assert item == f"skipped an item of {source}: line 2: missing 'title'"
    assert skipped.startswith(f"skipped source {missing}: No such file: {missing}")


@pytest.mark.parametrize(
    "name",
    [
        "guardian.rss",
        "heise.atom",
        "encoding.rss",
        "uolNoticias.rss",
        "content-encoded.rss",
        "feedburner.atom",
    ],
)
def test_every_feed_snapshot_is_ingested(fake_services: Services, name: str) -> None:
    [outcome] = fake_services.ingestor.ingest_sources([str(FEEDS / name)])

    assert outcome.error == ""
    assert outcome.report.new > 0
    assert outcome.report.chunks >= outcome.report.new
    assert fake_services.store.stats().articles == outcome.report.new


def test_vectors_from_another_model_are_refused(
    fake_services: Services, fresh_uri: str, tmp_path: Path
) -> None:
    source = str(write_jsonl(tmp_path / "news.jsonl", wikinews_rows(3)))
    fake_services.ingestor.ingest_sources([source])
    other = build_services(
        make_settings(fresh_uri, tmp_path),
        embedder=FakeEmbedder(dimension=768, model_name="BAAI/bge-base-en-v1.5"),
    )
    more = str(write_jsonl(tmp_path / "more.jsonl", wikinews_rows(5)[3:]))
    try:
        with pytest.raises(IndexMismatch) as refused:
            other.ingestor.ingest_sources([more])
    finally:
        other.close()

    assert "sentence-transformers/all-MiniLM-L6-v2 (384 dimensions)" in refused.value.message
    assert "BAAI/bge-base-en-v1.5 (768 dimensions)" in refused.value.message
    assert fake_services.store.stats().articles == 3


def test_the_real_corpus_is_indexed_with_minilm(corpus_services: Services) -> None:
    stats = corpus_services.store.stats()
    index = corpus_services.store.index_info()

    assert stats.articles == 60
    assert stats.chunks > stats.articles
    assert index is not None
    assert (index.model, index.dimension) == ("sentence-transformers/all-MiniLM-L6-v2", 384)


def test_reindex_cleans_a_stored_article_and_a_second_run_changes_nothing(
    fake_services: Services, fake_embedder: FakeEmbedder
) -> None:
    raw = article(
        "https://example.org/interview",
        "((WN)) When does the library open?\n\n((Jane Doe)) The new library opens on Monday.",
    )
    chunks = chunk_article(raw, 200, 40)
    vectors = fake_embedder.embed([chunk.embedding_text for chunk in chunks])
    fake_services.store.write_article(raw, chunks, vectors, fake_embedder.model_name)

    first = fake_services.ingestor.reindex()
    second = fake_services.ingestor.reindex()

    assert (first.updated, first.unchanged) == (1, 0)
    assert chunk_texts(fake_services, raw.url) == [
        "Wikinews: When does the library open?\n\nJane Doe: The new library opens on Monday."
    ]
    assert (second.updated, second.unchanged) == (0, 1)
