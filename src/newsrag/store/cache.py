"""SQL for the embedding cache."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime

import numpy as np

from newsrag.embeddings.base import Vectors
from newsrag.store.database import Database


class EmbeddingCache:
    def __init__(self, db: Database) -> None:
        self.db = db

    def get(self, model: str, keys: Sequence[bytes]) -> dict[bytes, Vectors]:
        with self.db.connection() as conn:
            rows = conn.execute(
                "SELECT text_hash, embedding FROM embedding_cache "
                "WHERE model = %s AND text_hash = ANY(%s)",
                (model, list(set(keys))),
            ).fetchall()
        return {bytes(key): vector.to_numpy().astype(np.float32) for key, vector in rows}

    def put(self, model: str, vectors: Mapping[bytes, Vectors]) -> None:
        with self.db.connection() as conn, conn.cursor() as cur:
            cur.executemany(
                "INSERT INTO embedding_cache (model, text_hash, embedding) VALUES (%s, %s, %s) "
                "ON CONFLICT DO NOTHING",
                [(model, key, np.asarray(vector)) for key, vector in vectors.items()],
            )

    def prune_batch(self, before: datetime, limit: int) -> int:
        """Delete up to `limit` vectors cached before `before`; returns how many."""
        with self.db.connection() as conn:
            row = conn.execute(
                "WITH gone AS (DELETE FROM embedding_cache WHERE ctid IN ("
                " SELECT ctid FROM embedding_cache WHERE created_at < %s LIMIT %s)"
                " RETURNING 1) SELECT count(*) FROM gone",
                (before, limit),
            ).fetchone()
        return int(row[0]) if row else 0

    def count(self, model: str) -> int:
        with self.db.connection() as conn:
            row = conn.execute(
                "SELECT count(*) FROM embedding_cache WHERE model = %s", (model,)
            ).fetchone()
        return int(row[0]) if row else 0
