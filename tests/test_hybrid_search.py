"""ChunkSearch.hybrid on a real database: full-text search on the title-weighted tsvector,
weighted reciprocal-rank fusion with dense search, filters inside both searches, pgvector's
iterative scan under a filter, and migration 0004's `heading` backfill."""

from __future__ import annotations

from datetime import UTC, date, datetime

import numpy as np
import psycopg
import pytest

from newsrag.embeddings import Vectors
from newsrag.models import RetrievedChunk, SearchFilters
from newsrag.store import ArticleStore, ChunkSearch, Database, Fusion
from newsrag.store.database import migrate
from tests.conftest import FakeEmbedder, article
from tests.db_helpers import migrate_before, plan_index_scans, write, write_old_article

# --- helpers -------------------------------------------------------------------------------


def search(
    db: Database,
    embedder: FakeEmbedder,
    text: str,
    fusion: Fusion,
    filters: SearchFilters | None = None,
    *,
    like: str = "",
    limit: int = 100,
) -> list[RetrievedChunk]:
    """Hybrid search for `text`, the dense side searching near the vector of `like`."""
    vector = embedder.embed_one(like or text or "nothing")
    return ChunkSearch(db).hybrid(vector, text, fusion, filters or SearchFilters(), limit)


def put(
    db: Database, embedder: FakeEmbedder, url: str, chunks: list[str], **fields: object
) -> None:
    """Write the article at `url` (see conftest's `article`) with these chunk texts."""
    write(ArticleStore(db), embedder, article(url, None, **fields), chunks)


def texts(found: list[RetrievedChunk]) -> list[str]:
    return [chunk.text for chunk in found]


def urls(found: list[RetrievedChunk]) -> set[str]:
    return {chunk.url for chunk in found}


def at(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


TEXT_ONLY = Fusion(dense_k=0)
DENSE_ONLY = Fusion(text_k=0)


# --- full text on the title-weighted tsvector ----------------------------------------------


def test_a_word_only_in_a_title_is_found_by_text_search(
    fresh_db: Database, fake_embedder: FakeEmbedder
) -> None:
    ferry = ["A passenger boat sank near the harbour.", "Divers searched the water at dawn."]
    put(fresh_db, fake_embedder, "https://e.org/ferry", ferry, title="Zanzibar ferry capsizes")
    put(fresh_db, fake_embedder, "https://e.org/budget", ["The council voted."])
    ship = ["A ferry crew watched as the ship was boarded."]
    put(fresh_db, fake_embedder, "https://e.org/ship", ship, title="Cargo ship seized")

    found = search(fresh_db, fake_embedder, "Zanzibar", TEXT_ONLY)

    assert found[0].url == "https://e.org/ferry"
    assert urls(found) == {"https://e.org/ferry"}
    assert len(found) == 2


def test_a_title_word_outranks_the_same_word_in_another_article_s_text(
    fresh_db: Database, fake_embedder: FakeEmbedder
) -> None:
    body = ["Officials said the volcano near the port was quiet."]
    put(fresh_db, fake_embedder, "https://e.org/body", body, title="Harbour news")
    title = ["Officials said the mountain near the port was loud."]
    put(fresh_db, fake_embedder, "https://e.org/title", title, title="Volcano erupts")

    found = search(fresh_db, fake_embedder, "volcano", TEXT_ONLY)

    assert [chunk.url for chunk in found] == ["https://e.org/title", "https://e.org/body"]
    assert found[0].fused > found[1].fused


def test_text_search_for_words_nothing_holds_returns_nothing(
    fresh_db: Database, fake_embedder: FakeEmbedder
) -> None:
    write(ArticleStore(fresh_db), fake_embedder, article(), ["The council approved a budget."])

    assert search(fresh_db, fake_embedder, "xylophone quasar", TEXT_ONLY) == []


@pytest.mark.parametrize("empty", ["", "   "], ids=["empty", "blank"])
def test_an_empty_text_query_without_dense_search_returns_nothing(
    fresh_db: Database, fake_embedder: FakeEmbedder, empty: str
) -> None:
    write(ArticleStore(fresh_db), fake_embedder, article(), ["The council approved a budget."])

    assert search(fresh_db, fake_embedder, empty, TEXT_ONLY, like="council budget") == []


# --- fusion ----------------------------------------------------------------------------------


def test_a_chunk_found_by_both_searches_outranks_chunks_found_by_one(
    fresh_db: Database, fake_embedder: FakeEmbedder
) -> None:
    store = ArticleStore(fresh_db)
    both, dense, text = "alpha beta kumquat", "alpha beta gamma", "kumquat kumquat kumquat"
    write(store, fake_embedder, article("https://e.org/both", title="One"), [both])
    write(store, fake_embedder, article("https://e.org/dense", title="Two"), [dense])
    write(store, fake_embedder, article("https://e.org/text", title="Three"), [text])
    write(store, fake_embedder, article("https://e.org/other", title="Four"), ["delta epsilon"])
    fusion = Fusion(dense_k=2, text_k=2, rrf_k=60)

    found = search(fresh_db, fake_embedder, "kumquat", fusion, like=dense)

    # dense ranks: dense 1, both 2; text ranks: text 1, both 2.
    assert texts(found)[0] == both
    assert found[0].fused == pytest.approx(1 / 62 + 1 / 62)
    assert set(texts(found[1:])) == {dense, text}
    assert [chunk.fused for chunk in found[1:]] == pytest.approx([1 / 61, 1 / 61])
    assert [chunk.fused for chunk in found] == sorted((c.fused for c in found), reverse=True)


def test_fused_scores_sum_each_search_s_weighted_term(
    fresh_db: Database, fake_embedder: FakeEmbedder
) -> None:
    put(fresh_db, fake_embedder, "https://e.org/both", ["alpha kumquat"], title="One")
    fusion = Fusion(dense_k=5, text_k=5, rrf_k=10, dense_weight=2.0, text_weight=0.5)

    found = search(fresh_db, fake_embedder, "kumquat", fusion, like="alpha kumquat")

    assert len(found) == 1
    assert found[0].fused == pytest.approx(2.0 / 11 + 0.5 / 11)


CORPUS = [
    ("https://e.org/1", ["river flood town", "storm wind rain"]),
    ("https://e.org/2", ["mountain snow storm", "river bank"]),
    ("https://e.org/3", ["flood warning river river", "snow"]),
    ("https://e.org/4", ["storm snow mountain pass", "quiet day"]),
    ("https://e.org/5", ["river flood flood town hall", "mountain river storm flood"]),
]


def write_corpus(db: Database, embedder: FakeEmbedder) -> None:
    for number, (url, chunks) in enumerate(CORPUS):
        put(db, embedder, url, chunks, title=f"Report {number}")


def test_without_dense_weight_the_order_is_the_text_search_s(
    fresh_db: Database, fake_embedder: FakeEmbedder
) -> None:
    write_corpus(fresh_db, fake_embedder)
    like = "mountain snow storm"

    text_only = search(fresh_db, fake_embedder, "river flood", TEXT_ONLY, like=like)
    unweighted = search(fresh_db, fake_embedder, "river flood", Fusion(dense_weight=0), like=like)

    assert len(text_only) >= 4
    assert texts(unweighted)[: len(text_only)] == texts(text_only)
    assert all(chunk.fused == 0 for chunk in unweighted[len(text_only) :])


def test_without_text_weight_the_order_is_the_dense_search_s(
    fresh_db: Database, fake_embedder: FakeEmbedder
) -> None:
    write_corpus(fresh_db, fake_embedder)
    like = "mountain snow storm"

    dense_only = search(fresh_db, fake_embedder, "river flood", DENSE_ONLY, like=like)
    unweighted = search(fresh_db, fake_embedder, "river flood", Fusion(text_weight=0), like=like)

    assert texts(dense_only)[0] == "mountain snow storm"
    assert texts(unweighted) == texts(dense_only)


# --- filters ---------------------------------------------------------------------------------

FILTERED = [
    ("https://e.org/feb", at(2020, 2, 29, 23, 59), "bbc", ("Politics",)),
    ("https://e.org/mar1", at(2020, 3, 1), "npr", ("Sports",)),
    ("https://e.org/mar5", at(2020, 3, 5, 12), "bbc", ("Sports", "Europe")),
    ("https://e.org/mar10", at(2020, 3, 10), "guardian", ("Politics",)),
    ("https://e.org/undated", None, "npr", ("Sports",)),
]
MODES = {"dense": DENSE_ONLY, "text": TEXT_ONLY, "hybrid": Fusion()}


@pytest.fixture
def filtered_db(fresh_db: Database, fake_embedder: FakeEmbedder) -> Database:
    store = ArticleStore(fresh_db)
    for url, published, source, categories in FILTERED:
        item = article(url, published_at=published, source=source, categories=categories)
        write(store, fake_embedder, item, [f"The council met about the stadium {url}."])
    return fresh_db


FILTER_CASES = [
    ("window", SearchFilters(start=date(2020, 3, 1), end=date(2020, 3, 10)), {"mar1", "mar5"}),
    ("from", SearchFilters(start=date(2020, 3, 5)), {"mar5", "mar10"}),
    ("until", SearchFilters(end=date(2020, 3, 1)), {"feb"}),
    ("source", SearchFilters(sources=("npr",)), {"mar1", "undated"}),
    ("sources", SearchFilters(sources=("npr", "guardian")), {"mar1", "mar10", "undated"}),
    ("category", SearchFilters(categories=("Sports",)), {"mar1", "mar5", "undated"}),
    ("categories", SearchFilters(categories=("Politics", "Europe")), {"feb", "mar5", "mar10"}),
    (
        "combined",
        SearchFilters(start=date(2020, 3, 1), sources=("bbc",), categories=("Sports",)),
        {"mar5"},
    ),
    ("none-match", SearchFilters(sources=("bbc",), categories=("Science",)), set()),
]


@pytest.mark.parametrize("mode", list(MODES))
@pytest.mark.parametrize(
    ("filters", "expected"),
    [case[1:] for case in FILTER_CASES],
    ids=[case[0] for case in FILTER_CASES],
)
def test_filters_keep_only_matching_articles(
    filtered_db: Database,
    fake_embedder: FakeEmbedder,
    mode: str,
    filters: SearchFilters,
    expected: set[str],
) -> None:
    found = search(filtered_db, fake_embedder, "council stadium", MODES[mode], filters)

    assert urls(found) == {f"https://e.org/{name}" for name in expected}


def test_without_filters_every_article_is_found(
    filtered_db: Database, fake_embedder: FakeEmbedder
) -> None:
    found = search(filtered_db, fake_embedder, "council stadium", Fusion())

    assert urls(found) == {url for url, *_ in FILTERED}


# --- pgvector iterative scan -----------------------------------------------------------------


def hnsw_planned_db(uri: str) -> Database:
    """A Database whose planner takes the HNSW index for ORDER BY distance."""
    plan_index_scans(uri)
    return Database(uri, embedded=False)


def plain_hnsw_matches(db: Database, vector: Vectors, filters: SearchFilters) -> int:
    """How many matching chunks one HNSW scan without iterative scan yields (ef_search 40)."""
    with db.connection() as conn:
        conn.execute("SET LOCAL hnsw.ef_search = 40")
        rows = conn.execute(
            "SELECT c.id FROM chunks c JOIN articles a ON a.id = c.article_id "
            "WHERE a.categories && %s ORDER BY c.embedding <=> %s LIMIT 20",
            (list(filters.categories), np.asarray(vector)),
        ).fetchall()
    return len(rows)


def test_filtered_dense_search_keeps_scanning_until_it_has_dense_k_chunks(
    fresh_uri: str, fake_embedder: FakeEmbedder
) -> None:
    db = hnsw_planned_db(fresh_uri)
    try:
        for n in range(30):  # 300 chunks near the query, in another category
            storm = [f"storm flood rain wind s{n}x{i}" for i in range(10)]
            put(db, fake_embedder, f"https://e.org/storm{n}", storm, categories=("Weather",))
        for n in range(3):  # 30 chunks far from it, in the category searched
            vote = [f"budget council vote v{n}x{i}" for i in range(10)]
            put(db, fake_embedder, f"https://e.org/vote{n}", vote, categories=("Politics",))
        vector = fake_embedder.embed_one("storm flood rain wind")
        politics = SearchFilters(categories=("Politics",))
        assert plain_hnsw_matches(db, vector, politics) < 20  # they are far down the graph

        found = ChunkSearch(db).hybrid(vector, "", Fusion(dense_k=20, text_k=0), politics, 50)

        assert len(found) == 20
        assert {chunk.categories for chunk in found} == {("Politics",)}
    finally:
        db.close()


# --- migration 0004: the chunk's heading -----------------------------------------------------


def test_store_writes_set_the_chunk_heading_to_the_article_title(
    fresh_db: Database, fake_embedder: FakeEmbedder
) -> None:
    store = ArticleStore(fresh_db)
    write(store, fake_embedder, article(title="Old title"), ["one", "two"])
    write(store, fake_embedder, article(title="New title", body="Changed."), ["three"])

    with fresh_db.connection() as conn:
        headings = conn.execute("SELECT heading FROM chunks").fetchall()

    assert headings == [("New title",)]


def test_migration_0004_backfills_the_heading_of_existing_chunks(fresh_uri: str) -> None:
    with psycopg.connect(fresh_uri) as conn:
        later = migrate_before(conn, 4)
        write_old_article(conn, "Quokka census finished", "Rangers counted the animals.")

    assert migrate(fresh_uri) == later

    with psycopg.connect(fresh_uri) as conn:
        row = conn.execute(
            "SELECT heading, tsv @@ websearch_to_tsquery('english', 'quokka') FROM chunks"
        ).fetchone()
    assert row == ("Quokka census finished", True)
