"""The only package that speaks SQL: PostgreSQL + pgvector behind plain dataclasses."""

from newsrag.store.articles import ArticleStore, DeletedArticle, IndexInfo, StoreStats
from newsrag.store.database import Database, connect, migrate
from newsrag.store.jobs import IngestJob, JobState, JobTables
from newsrag.store.runs import RunTables, SourceRun
from newsrag.store.search import ChunkSearch, Fusion, VectorScan
from newsrag.store.sessions import SessionTables
from newsrag.store.vectors import VectorIndex, VectorIndexes

__all__ = [
    "ArticleStore",
    "ChunkSearch",
    "Database",
    "DeletedArticle",
    "Fusion",
    "IndexInfo",
    "IngestJob",
    "JobState",
    "JobTables",
    "RunTables",
    "SessionTables",
    "SourceRun",
    "StoreStats",
    "VectorIndex",
    "VectorIndexes",
    "VectorScan",
    "connect",
    "migrate",
]
