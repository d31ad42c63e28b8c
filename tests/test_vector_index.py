"""The vector index as NEWSRAG_VECTOR_INDEX says: HNSW by default, IVFFlat trained on the chunks
present and trained again whenever the store has doubled, searched at NEWSRAG_IVFFLAT_PROBES."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import numpy as np
import pytest

from newsrag.doctor import run_checks
from newsrag.errors import StorageError
from newsrag.models import SearchFilters
from newsrag.services import Services, build_services
from newsrag.store import ChunkSearch, Database, Fusion, VectorIndex, VectorIndexes, VectorScan
from newsrag.store.vectors import lists_for
from tests.conftest import FakeEmbedder, make_settings, wikinews_rows, write_jsonl
from tests.db_helpers import plan_index_scans
from tests.test_schema import indexes_on


@contextmanager
def vector_services(
    uri: str, folder: Path, kind: str, embedder: FakeEmbedder
) -> Iterator[Services]:
    services = build_services(make_settings(uri, folder, vector_index=kind), embedder=embedder)
    try:
        yield services
    finally:
        services.close()


def ingest(services: Services, folder: Path, first: int, last: int) -> None:
    """Wikinews articles `first` to `last` (0-based, last excluded)."""
    source = write_jsonl(folder / f"rows{first}-{last}.jsonl", wikinews_rows(last)[first:])
    services.ingestor.ingest_sources([str(source)])


def chunk_count(db: Database) -> int:
    with db.connection() as conn:
        row = conn.execute("SELECT count(*) FROM chunks").fetchone()
    assert row is not None
    return int(row[0])


def vector_methods(db: Database) -> set[str]:
    return {method for method, _, column in indexes_on(db, "chunks") if column == "embedding"}


@pytest.fixture
def ivfflat(fresh_uri: str, tmp_path: Path, fake_embedder: FakeEmbedder) -> Iterator[Services]:
    with vector_services(fresh_uri, tmp_path, "ivfflat", fake_embedder) as services:
        yield services


def test_lists_follow_pgvectors_advice_with_at_least_ten() -> None:
    assert [lists_for(n) for n in (0, 1_848, 250_000, 1_000_000, 4_000_000)] == [
        10,
        10,
        250,
        1000,
        2000,
    ]


def test_the_default_store_keeps_its_hnsw_index_through_ingestion(
    fake_services: Services, tmp_path: Path
) -> None:
    ingest(fake_services, tmp_path, 0, 5)

    assert fake_services.vectors.current() == VectorIndex("hnsw")
    assert vector_methods(fake_services.db) == {"hnsw"}


def test_ingestion_replaces_hnsw_by_ivfflat_trained_on_every_chunk(
    ivfflat: Services, tmp_path: Path
) -> None:
    ingest(ivfflat, tmp_path, 0, 10)

    assert ivfflat.vectors.current() == VectorIndex("ivfflat", 10, chunk_count(ivfflat.db))
    assert vector_methods(ivfflat.db) == {"ivfflat"}


def test_ivfflat_is_trained_again_only_once_the_store_has_doubled(
    ivfflat: Services, tmp_path: Path
) -> None:
    ingest(ivfflat, tmp_path, 0, 10)
    first = chunk_count(ivfflat.db)
    ingest(ivfflat, tmp_path, 10, 12)  # a few more chunks: the centres still fit
    assert ivfflat.vectors.current().trained_on == first

    ingest(ivfflat, tmp_path, 12, 40)

    assert chunk_count(ivfflat.db) >= 2 * first
    assert ivfflat.vectors.current().trained_on == chunk_count(ivfflat.db)


def test_switching_back_to_hnsw_rebuilds_it_on_the_next_ingestion(
    ivfflat: Services, fresh_uri: str, tmp_path: Path, fake_embedder: FakeEmbedder
) -> None:
    ingest(ivfflat, tmp_path, 0, 5)
    with vector_services(fresh_uri, tmp_path, "hnsw", fake_embedder) as hnsw:
        ingest(hnsw, tmp_path, 5, 6)

        assert hnsw.vectors.current() == VectorIndex("hnsw")
        assert vector_methods(hnsw.db) == {"hnsw"}


def dense_ids(db: Database, vector: np.ndarray, probes: int, limit: int) -> list[int]:
    search = ChunkSearch(db, VectorScan(probes=probes))
    found = search.hybrid(vector, "", Fusion(dense_k=limit, text_k=0), SearchFilters(), limit)
    return [chunk.chunk_id for chunk in found]


def test_ivfflat_scans_as_many_lists_as_its_probes(
    fresh_uri: str, tmp_path: Path, fake_embedder: FakeEmbedder
) -> None:
    plan_index_scans(fresh_uri)
    with vector_services(fresh_uri, tmp_path, "ivfflat", fake_embedder) as services:
        ingest(services, tmp_path, 0, 30)
        total = chunk_count(services.db)
        vector = fake_embedder.embed_one("election results parliament vote")

        every_list = dense_ids(services.db, vector, probes=10, limit=total)
        one_list = dense_ids(services.db, vector, probes=1, limit=total)

    assert len(every_list) == total  # all 10 lists: the exact nearest, every chunk
    assert 0 < len(one_list) < total  # one list: only the chunks around one centre


def test_building_now_replaces_the_index_in_use(
    fake_services: Services, fresh_uri: str, tmp_path: Path, fake_embedder: FakeEmbedder
) -> None:
    ingest(fake_services, tmp_path, 0, 5)
    with vector_services(fresh_uri, tmp_path, "ivfflat", fake_embedder) as services:
        built = services.vectors.build()

    assert built == VectorIndex("ivfflat", 10, chunk_count(fake_services.db))
    assert vector_methods(fake_services.db) == {"ivfflat"}


def test_doctor_names_the_index_and_how_to_build_the_one_configured(
    fake_services: Services, fresh_uri: str, tmp_path: Path
) -> None:
    ingest(fake_services, tmp_path, 0, 3)
    settings = make_settings(fresh_uri, tmp_path, vector_index="ivfflat")

    database = next(check for check in run_checks(settings) if check.component == "database")

    assert "hnsw vector index" in database.detail
    assert database.fix == (
        "NEWSRAG_VECTOR_INDEX=ivfflat: run `newsrag reindex --vectors` to build the ivfflat "
        "index it asks for"
    )


def test_a_build_the_database_fails_says_the_index_in_use_stays_and_what_to_run(
    fresh_db: Database,
) -> None:
    with fresh_db.connection() as conn:
        conn.execute("ALTER TABLE chunks RENAME TO chunks_elsewhere")

    with pytest.raises(StorageError) as raised:
        VectorIndexes(fresh_db, "ivfflat").build()

    assert raised.value.code == "index_build_failed"
    assert "Building the ivfflat vector index failed" in raised.value.message
    assert "run `newsrag reindex --vectors` again" in raised.value.message
