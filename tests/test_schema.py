"""The PostgreSQL schema: tables, indexes and migrations, the index's model guard, article
writes and vector search."""

from __future__ import annotations

import json
import subprocess
import sys

import psycopg
import pytest

from newsrag.errors import IndexMismatch
from newsrag.store import ArticleStore, Database
from newsrag.store.database import migrate, migration_files
from tests.conftest import FakeEmbedder, article
from tests.db_helpers import nearest, write

MODEL = FakeEmbedder.model_name


# --- helpers -------------------------------------------------------------------------------


def chunk_rows(db: Database, url: str) -> list[tuple[int, str]]:
    with db.connection() as conn:
        rows = conn.execute(
            "SELECT c.position, c.text FROM chunks c JOIN articles a ON a.id = c.article_id "
            "WHERE a.url = %s ORDER BY c.position",
            (url,),
        ).fetchall()
    return [(position, text) for position, text in rows]


def index_meta(db: Database) -> list[tuple[str, int]]:
    with db.connection() as conn:
        rows = conn.execute("SELECT model, dimension FROM index_meta").fetchall()
    return [(model, dimension) for model, dimension in rows]


# --- 1, 2: schema and migrations -----------------------------------------------------------


def test_migrations_create_all_tables(fresh_db: Database) -> None:
    with fresh_db.connection() as conn:
        rows = conn.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
        tables = {row[0] for row in rows}
    assert {
        "articles",
        "chunks",
        "sessions",
        "messages",
        "index_meta",
        "source_runs",
        "schema_migrations",
    } <= tables


INDEX_SQL = """
SELECT am.amname, opc.opcname, att.attname
FROM pg_index x
JOIN pg_class i ON i.oid = x.indexrelid
JOIN pg_class t ON t.oid = x.indrelid
JOIN pg_am am ON am.oid = i.relam
JOIN pg_opclass opc ON opc.oid = x.indclass[0]
JOIN pg_attribute att ON att.attrelid = t.oid AND att.attnum = x.indkey[0]
WHERE t.relname = %s
"""


def indexes_on(db: Database, table: str) -> set[tuple[str, str, str]]:
    with db.connection() as conn:
        return {(am, opclass, column) for am, opclass, column in conn.execute(INDEX_SQL, (table,))}


def test_chunk_embeddings_have_an_hnsw_cosine_index(fresh_db: Database) -> None:
    assert ("hnsw", "vector_cosine_ops", "embedding") in indexes_on(fresh_db, "chunks")


def test_chunk_full_text_has_a_gin_index(fresh_db: Database) -> None:
    assert ("gin", "tsvector_ops", "tsv") in indexes_on(fresh_db, "chunks")


def test_articles_published_at_has_a_btree_index(fresh_db: Database) -> None:
    assert ("btree", "timestamptz_ops", "published_at") in indexes_on(fresh_db, "articles")


def test_chunk_embedding_column_is_vector_384(fresh_db: Database) -> None:
    with fresh_db.connection() as conn:
        row = conn.execute(
            "SELECT format_type(atttypid, atttypmod), attnotnull FROM pg_attribute "
            "WHERE attrelid = 'chunks'::regclass AND attname = 'embedding'"
        ).fetchone()
    assert row == ("vector(384)", True)


def test_migrations_are_recorded_in_schema_migrations(fresh_uri: str) -> None:
    shipped = migration_files()
    assert migrate(fresh_uri) == [name for _, name, _ in shipped]
    with psycopg.connect(fresh_uri) as conn:
        rows = conn.execute("SELECT version, name FROM schema_migrations ORDER BY version")
        recorded = rows.fetchall()
    assert recorded == [(version, name) for version, name, _ in shipped]
    assert shipped[0][:2] == (1, "0001_initial.sql")


def test_migrating_again_applies_nothing(fresh_uri: str) -> None:
    migrate(fresh_uri)
    assert migrate(fresh_uri) == []
    with psycopg.connect(fresh_uri) as conn:
        row = conn.execute("SELECT count(*) FROM schema_migrations").fetchone()
    assert row == (len(migration_files()),)


def test_two_processes_starting_together_on_an_empty_database_migrate_it_once(
    fresh_uri: str,
) -> None:
    script = (
        "import json, sys; from newsrag.store.database import migrate; "
        "print(json.dumps(migrate(sys.argv[1])))"
    )
    starts = [
        subprocess.Popen(
            [sys.executable, "-c", script, fresh_uri], stdout=subprocess.PIPE, text=True
        )
        for _ in range(2)
    ]
    results = [json.loads(process.communicate(timeout=120)[0]) for process in starts]

    assert [process.returncode for process in starts] == [0, 0]
    assert sorted(results, key=len) == [[], [name for _, name, _ in migration_files()]]
    with psycopg.connect(fresh_uri) as conn:
        row = conn.execute("SELECT count(*) FROM schema_migrations").fetchone()
    assert row == (len(migration_files()),)


# --- 3: the index's model guard ------------------------------------------------------------


def test_ensure_index_records_the_model_once(fresh_db: Database) -> None:
    store = ArticleStore(fresh_db)
    first = store.ensure_index(MODEL, 384)
    again = ArticleStore(fresh_db).ensure_index(MODEL, 384)
    assert (first.model, first.dimension) == (again.model, again.dimension) == (MODEL, 384)
    assert index_meta(fresh_db) == [(MODEL, 384)]


def test_another_model_name_raises_index_mismatch_naming_both(fresh_db: Database) -> None:
    ArticleStore(fresh_db).ensure_index(MODEL, 384)
    with pytest.raises(IndexMismatch) as caught:
        ArticleStore(fresh_db).ensure_index("intfloat/e5-small-v2", 384)
    assert MODEL in caught.value.message
    assert "intfloat/e5-small-v2" in caught.value.message
    assert caught.value.code == "index_mismatch"
    assert index_meta(fresh_db) == [(MODEL, 384)]


def test_another_dimension_raises_index_mismatch_naming_both(fresh_db: Database) -> None:
    ArticleStore(fresh_db).ensure_index(MODEL, 384)
    with pytest.raises(IndexMismatch) as caught:
        ArticleStore(fresh_db).ensure_index(MODEL, 512)
    assert "384 dimensions" in caught.value.message
    assert "512 dimensions" in caught.value.message
    assert index_meta(fresh_db) == [(MODEL, 384)]


def test_writing_with_a_mismatching_model_writes_nothing(
    fresh_db: Database, fake_embedder: FakeEmbedder
) -> None:
    store = ArticleStore(fresh_db)
    store.ensure_index(MODEL, 384)
    with pytest.raises(IndexMismatch):
        write(store, fake_embedder, article(), ["one chunk"], model="other/model")
    assert store.stats().articles == 0
    assert store.stats().chunks == 0
    assert store.content_hashes([article().url]) == {}


def test_writing_with_a_mismatching_dimension_writes_nothing(fresh_db: Database) -> None:
    store = ArticleStore(fresh_db)
    store.ensure_index(MODEL, 384)
    with pytest.raises(IndexMismatch):
        write(store, FakeEmbedder(dimension=512), article(), ["one chunk"], model=MODEL)
    assert store.stats().articles == 0
    assert index_meta(fresh_db) == [(MODEL, 384)]


# --- 4, 5: articles, chunks and search -----------------------------------------------------


def test_write_article_returns_new_then_updated(
    fresh_db: Database, fake_embedder: FakeEmbedder
) -> None:
    store = ArticleStore(fresh_db)
    assert write(store, fake_embedder, article(), ["first version"]) == "new"
    changed = article(body="A different body about the budget vote.")
    assert write(store, fake_embedder, changed, ["second version"]) == "updated"
    assert store.stats().articles == 1
    assert store.content_hashes([changed.url]) == {changed.url: changed.content_hash}


def test_update_replaces_the_article_chunks(
    fresh_db: Database, fake_embedder: FakeEmbedder
) -> None:
    store = ArticleStore(fresh_db)
    write(store, fake_embedder, article(), ["old alpha", "old beta", "old gamma"])
    write(store, fake_embedder, article(body="New body."), ["new delta", "new epsilon"])
    assert chunk_rows(fresh_db, article().url) == [(0, "new delta"), (1, "new epsilon")]
    assert store.stats().chunks == 2


def test_chunks_are_deleted_with_their_article(
    fresh_db: Database, fake_embedder: FakeEmbedder
) -> None:
    store = ArticleStore(fresh_db)
    write(store, fake_embedder, article("https://example.org/gone"), ["a", "b"])
    write(store, fake_embedder, article("https://example.org/kept"), ["c"])
    with fresh_db.connection() as conn:
        conn.execute("DELETE FROM articles WHERE url = %s", ("https://example.org/gone",))
    assert chunk_rows(fresh_db, "https://example.org/gone") == []
    assert chunk_rows(fresh_db, "https://example.org/kept") == [(0, "c")]
    assert store.stats().chunks == 1


def test_dense_search_returns_the_identical_chunk_first(
    fresh_db: Database, fake_embedder: FakeEmbedder
) -> None:
    store = ArticleStore(fresh_db)
    budget = [
        "The city council approved the library budget on Monday",
        "The mayor praised readers after the vote",
    ]
    storm = ["A storm flooded the coastal town overnight", "Rescue teams evacuated residents"]
    write(store, fake_embedder, article("https://example.org/budget"), budget)
    write(store, fake_embedder, article("https://example.org/storm", title="Storm"), storm)
    query = fake_embedder.embed([storm[0]])[0]
    hits = nearest(fresh_db, query, limit=4)
    assert hits[0].text == storm[0]
    assert hits[0].url == "https://example.org/storm"
    assert hits[0].title == "Storm"
    assert hits[0].score == pytest.approx(1.0, abs=1e-5)
    assert len(hits) == 4
    assert all(hit.score < hits[0].score - 1e-3 for hit in hits[1:])
    assert [hit.score for hit in hits] == sorted((hit.score for hit in hits), reverse=True)
