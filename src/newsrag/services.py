"""Wiring: build every component once from `Settings`; the API and the CLI share it."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from redis import Redis

from newsrag.chat import ChatService
from newsrag.config import Settings
from newsrag.embeddings import Embedder, create_embedder
from newsrag.embeddings.cache import CachedEmbedder
from newsrag.generation import Generator, create_fallback, create_generator
from newsrag.ingest.fetch import NewsClient
from newsrag.ingest.jobs import IngestJobs
from newsrag.ingest.pipeline import Ingestor
from newsrag.ingest.sources import make_client
from newsrag.retention import Retention
from newsrag.retrieval import HybridRetriever, Ranking
from newsrag.sessions import SessionStore, create_session_store
from newsrag.sessions.redis import RedisSessionStore, connect_redis
from newsrag.store import (
    ArticleStore,
    ChunkSearch,
    Database,
    Fusion,
    JobTables,
    RunTables,
    VectorIndexes,
    VectorScan,
    connect,
)
from newsrag.store.cache import EmbeddingCache
from newsrag.store.replicas import ReadRouting, open_replicas
from newsrag.store.search import Reads
from newsrag.timing import TimedEmbedder

log = logging.getLogger(__name__)


@dataclass
class Services:
    settings: Settings
    db: Database
    store: ArticleStore
    runs: RunTables
    embedder: Embedder
    generator: Generator
    sessions: SessionStore
    ingestor: Ingestor
    chat: ChatService
    client: NewsClient
    jobs: IngestJobs
    retention: Retention
    vectors: VectorIndexes
    redis: Redis[bytes] | None = None  # REDIS_URL's client (`shared_redis`); None when unset
    replicas: ReadRouting | None = None  # NEWSRAG_DATABASE_READ_URLS; None when unset

    def close(self) -> None:
        self.jobs.close()
        self.client.close()
        if self.redis is not None:
            self.redis.close()
        if self.replicas is not None:
            self.replicas.close()
        self.db.close()


def build_services(
    settings: Settings,
    *,
    db: Database | None = None,
    embedder: Embedder | None = None,
    generator: Generator | None = None,
) -> Services:
    """Connect to the database (starting the embedded one if needed) and build the rest.

    `db`, `embedder` and `generator` may be given to share one across several builds (tests do).
    """
    db = db or connect(settings.database_url, settings.data_dir)
    store = ArticleStore(db)
    runs = RunTables(db)
    cache = EmbeddingCache(db)
    embedder = CachedEmbedder(embedder or create_embedder(settings), cache)
    generator = generator or create_generator(settings, embedder)
    sessions = create_session_store(settings, db)
    client = make_client(settings)
    vectors = VectorIndexes(db, settings.vector_index)
    ingestor = Ingestor(
        store,
        runs,
        embedder,
        client,
        chunk_tokens=settings.chunk_tokens,
        chunk_overlap=settings.chunk_overlap,
        fetch_full_articles=settings.fetch_full_articles,
        vectors=vectors,
    )
    replicas = ReadRouting(db, open_replicas(settings.database_read_urls))
    reads = replicas if replicas.replicas else db
    chat = ChatService(
        retriever(settings, TimedEmbedder(embedder), reads, store),
        generator,
        sessions,
        fallback=create_fallback(settings, embedder, generator),
        top_k=settings.top_k,
        candidates=settings.candidates,
        min_score=settings.min_score,
        min_source_ratio=settings.min_source_ratio,
        chunks_per_article=settings.chunks_per_article,
        read_articles=settings.read_articles,
        time_awareness=settings.time_awareness,
        as_of=settings.as_of,
        stale_days=settings.stale_days,
    )
    jobs = IngestJobs(ingestor, JobTables(db))
    return Services(
        settings,
        db,
        store,
        runs,
        embedder,
        generator,
        sessions,
        ingestor,
        chat,
        client,
        jobs,
        Retention(store, cache),
        vectors,
        shared_redis(settings, sessions),
        replicas if replicas.replicas else None,
    )


def shared_redis(settings: Settings, sessions: SessionStore) -> Redis[bytes] | None:
    """The client of REDIS_URL that /health asks: the session store's when sessions live in
    Redis, else one of its own (REDIS_URL may be there for the rate limits alone)."""
    if isinstance(sessions, RedisSessionStore):
        return sessions.client
    return connect_redis(settings.redis_url) if settings.redis_url else None


def retriever(
    settings: Settings, embedder: Embedder, db: Reads, store: ArticleStore
) -> HybridRetriever:
    return HybridRetriever(
        embedder,
        ChunkSearch(
            db,
            VectorScan(
                ef_search=settings.hnsw_ef_search,
                chunks_per_ef=settings.hnsw_chunks_per_ef,
                probes=settings.ivfflat_probes,
            ),
            text_budget=settings.text_budget,
            rank_limit=settings.text_rank_limit,
        ),
        store.categories,
        mode=settings.retrieval_mode,
        fusion=Fusion(
            dense_k=settings.dense_candidates,
            text_k=settings.text_candidates,
            rrf_k=settings.rrf_k,
            dense_weight=settings.dense_weight,
            text_weight=settings.text_weight,
        ),
        ranking=Ranking(
            half_life_days=settings.recency_half_life_days,
            topic_depth=settings.topic_depth,
            topic_margin=settings.topic_margin,
            topic_boost=settings.topic_boost,
            duplicate_overlap=settings.duplicate_overlap,
            dense_lead=settings.dense_lead,
        ),
    )
