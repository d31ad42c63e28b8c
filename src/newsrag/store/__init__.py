"""The only package that speaks SQL: PostgreSQL + pgvector behind plain dataclasses."""

from newsrag.store.articles import ArticleStore, IndexInfo, StoreStats
from newsrag.store.database import Database, connect, migrate
from newsrag.store.runs import RunTables, SourceRun
from newsrag.store.search import ChunkSearch, Fusion
from newsrag.store.sessions import SessionTables

__all__ = [
    "ArticleStore",
    "ChunkSearch",
    "Database",
    "Fusion",
    "IndexInfo",
    "RunTables",
    "SessionTables",
    "SourceRun",
    "StoreStats",
    "connect",
    "migrate",
]
