"""Search that scales with the store: the full-text search in a store larger than its budget
matches only on the query's rarest words, as PostgreSQL's statistics tell them
(store/lexicon.py), and still ranks by every word; the HNSW search widens with the store;
migration 0006 copies each article's publication time onto its chunks."""

from __future__ import annotations

from datetime import UTC, datetime

import psycopg
import pytest

from newsrag.models import SearchFilters
from newsrag.store import ArticleStore, ChunkSearch, Database, Fusion, VectorScan
from newsrag.store.database import migrate
from newsrag.store.lexicon import Lexicon, _quoted
from tests.conftest import FakeEmbedder, article
from tests.db_helpers import migrate_before, write, write_old_article

TEXT_ONLY = Fusion(dense_k=0)


@pytest.fixture
def council_db(fresh_db: Database, fake_embedder: FakeEmbedder) -> Database:
    """30 chunks about a council budget, 2 that also sight a quokka, analysed."""
    store = ArticleStore(fresh_db)
    for n in range(30):
        url = f"https://e.org/council{n}"
        write(store, fake_embedder, article(url, None), [f"The council budget meeting {n}."])
    write(store, fake_embedder, article("https://e.org/q1", None), ["A quokka was sighted."])
    both = article("https://e.org/q2", None)
    write(store, fake_embedder, both, ["The council sighted a quokka at its budget meeting."])
    with fresh_db.connection() as conn:
        conn.execute("ANALYZE chunks")
    return fresh_db


def text_search(
    db: Database,
    embedder: FakeEmbedder,
    budget: int,
    rank_limit: int = 500,
    words: str = "council or quokka",
) -> list[str]:
    vector = embedder.embed_one(words)
    found = ChunkSearch(db, text_budget=budget, rank_limit=rank_limit).hybrid(
        vector, words, TEXT_ONLY, SearchFilters(), 100
    )
    return [chunk.text for chunk in found]


def test_a_store_within_the_text_budget_matches_every_word_of_the_query(
    council_db: Database, fake_embedder: FakeEmbedder
) -> None:
    assert len(text_search(council_db, fake_embedder, budget=1000)) == 32


def test_a_store_over_the_text_budget_matches_only_its_rarest_words_ranked_by_all(
    council_db: Database, fake_embedder: FakeEmbedder
) -> None:
    found = text_search(council_db, fake_embedder, budget=5)

    assert found == [
        "The council sighted a quokka at its budget meeting.",
        "A quokka was sighted.",
    ]


def test_a_store_over_the_text_budget_ranks_first_the_chunks_holding_most_rare_words(
    council_db: Database, fake_embedder: FakeEmbedder
) -> None:
    words = "quokka or sighted or meeting"  # the first quokka chunk has no meeting

    found = text_search(council_db, fake_embedder, budget=5, rank_limit=1, words=words)

    assert found == ["The council sighted a quokka at its budget meeting."]


def test_a_store_over_the_text_budget_ranks_only_chunks_that_pass_the_filters(
    council_db: Database, fake_embedder: FakeEmbedder
) -> None:
    times = article("https://e.org/times", None, source="Quokka Times")
    write(ArticleStore(council_db), fake_embedder, times, ["A quokka sighted by the council."])
    vector = fake_embedder.embed_one("quokka")
    search = ChunkSearch(council_db, text_budget=5, rank_limit=1)

    found = search.hybrid(
        vector, "quokka or sighted", TEXT_ONLY, SearchFilters(sources=("Quokka Times",)), 100
    )

    assert [chunk.text for chunk in found] == ["A quokka sighted by the council."]


def test_the_rarest_words_are_chosen_until_their_chunks_exceed_the_budget(
    council_db: Database,
) -> None:
    with council_db.connection() as conn:
        tiers = Lexicon().tiers(conn, "council or quokka or sighted", budget=31)

    assert set(tiers[-1].split(" | ")) == {"'quokka'", "'sight'"}  # 2 chunks each; council 31


def test_chunks_holding_three_then_two_of_the_rarest_words_come_before_those_holding_one(
    council_db: Database,
) -> None:
    with council_db.connection() as conn:
        tiers = Lexicon().tiers(conn, "council or quokka or sighted", budget=31)

    assert tiers[:2] == (
        "('quokka' & 'sight' & 'council')",
        "('quokka' & 'sight') | ('quokka' & 'council') | ('sight' & 'council')",
    )


def test_a_store_within_the_text_budget_has_no_tiers(council_db: Database) -> None:
    with council_db.connection() as conn:
        assert Lexicon().tiers(conn, "council or quokka", budget=1000) == ()


def test_the_hnsw_search_widens_with_the_store_up_to_pgvectors_limit() -> None:
    scan = VectorScan(ef_search=40, chunks_per_ef=1000)

    assert scan.ef_for(dense_k=40, chunks=10_000) == 80
    assert scan.ef_for(dense_k=40, chunks=250_000) == 250
    assert scan.ef_for(dense_k=40, chunks=5_000_000) == 1000
    assert VectorScan(ef_search=500).ef_for(dense_k=40, chunks=10_000) == 500


def test_a_lexeme_with_quotes_and_backslashes_reaches_postgresql_verbatim(
    fresh_db: Database,
) -> None:
    odd = "o'neil\\x"
    with fresh_db.connection() as conn:
        row = conn.execute(
            "SELECT array_to_tsvector(ARRAY[%s]) @@ %s::tsquery", (odd, _quoted(odd))
        ).fetchone()

    assert row == (True,)


def test_store_writes_give_each_chunk_its_article_publication_time(
    fresh_db: Database, fake_embedder: FakeEmbedder
) -> None:
    published = datetime(2019, 5, 17, 9, 30, tzinfo=UTC)
    write(ArticleStore(fresh_db), fake_embedder, article(published_at=published), ["one", "two"])

    with fresh_db.connection() as conn:
        rows = conn.execute("SELECT published_at FROM chunks").fetchall()

    assert rows == [(published,), (published,)]


def test_migration_0006_copies_publication_times_onto_existing_chunks(fresh_uri: str) -> None:
    published = datetime(2012, 3, 4, tzinfo=UTC)
    with psycopg.connect(fresh_uri) as conn:
        later = migrate_before(conn, 6)
        write_old_article(conn, "Old", "Old text.", published)

    assert migrate(fresh_uri) == later

    with psycopg.connect(fresh_uri) as conn:
        row = conn.execute("SELECT published_at FROM chunks").fetchone()
    assert row == (published,)
