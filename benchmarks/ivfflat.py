"""An IVFFlat index instead of HNSW for the dense search: recall@10 and latency on the store of
benchmarks/retrieval.py (the real Wikinews chunks alone, and replicated to 1M chunks).

    .venv/bin/python benchmarks/ivfflat.py [--sizes real,1000000] [--probes 5,10,20,40]

At each size the index is built with `lists` = max(10, chunks // 1000) (pgvector's advice up to
1M rows) and newsrag's own `ChunkSearch` is run with `ivfflat.probes` set for the connection
(and pgvector 0.8's iterative scan, relaxed order, for the 1-year window), on the dev set's
questions: the dense part alone (recall@10 against the exact scan, also counted by real chunk)
and the hybrid search (p50/p95). The exact scan's dense p50 is the baseline of the same run.
newsrag itself builds HNSW (store/migrations); this measures the alternative only.
"""

from __future__ import annotations

import argparse
import tempfile
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import numpy as np
from retrieval import (
    QUESTIONS,
    REAL_WINDOW,
    WINDOW,
    Query,
    Timing,
    _filters,
    pool,
    recall,
    timed,
)
from retrieval_data import Store, read_corpus

from newsrag.config import Settings
from newsrag.embeddings import create_embedder
from newsrag.models import SearchFilters
from newsrag.store import ChunkSearch, Database

MAX_PROBES = 400


@dataclass(frozen=True)
class Ivf:
    """The IVFFlat index, under the name the store drops and rebuilds."""

    lists: int

    def sql(self) -> str:
        return (
            "CREATE INDEX chunks_embedding_hnsw_idx ON chunks USING ivfflat "
            f"(embedding vector_cosine_ops) WITH (lists = {self.lists})"
        )


def probed(store: Store, probes: int) -> Database:
    options = (
        f"-c ivfflat.probes={probes} -c ivfflat.iterative_scan=relaxed_order "
        f"-c ivfflat.max_probes={max(probes, MAX_PROBES)}"
    )
    return Database(store.server.uri + "?options=" + quote(options), embedded=False, max_size=2)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="real,1000000")
    parser.add_argument("--probes", default="5,10,20,40")
    parser.add_argument("--queries", type=int, default=20, help="dev questions asked")
    args = parser.parse_args()
    settings = Settings(embedding_provider="onnx", onnx_precision="int8")
    corpus = read_corpus(settings)
    real = len(corpus.chunks)
    texts = QUESTIONS[: args.queries]
    vectors = create_embedder(settings).embed(texts)
    queries = [Query(text, np.asarray(v)) for text, v in zip(texts, vectors, strict=True)]
    sizes = sorted(real if size == "real" else int(size) for size in args.sizes.split(","))
    print(
        "| chunks | lists | build s | probes | recall@10 (by real chunk) | filtered recall@10 "
        "| dense p50 ms (exact) | hybrid p50/p95 ms | filtered hybrid p50/p95 ms |"
    )
    print("|---:|---:|---:|---:|---|---|---|---|---|")
    with tempfile.TemporaryDirectory(prefix="newsrag-ivfflat-") as folder:
        store = Store(Path(folder), corpus)
        try:
            store.open()
            for size in sizes:
                lists = max(10, size // 1000)
                built = store.grow(size, Ivf(lists)).hnsw_seconds
                window = REAL_WINDOW if size == real else WINDOW
                db = pool(store, queries, exact=True)
                exact = {
                    f: timed(ChunkSearch(db), queries, _filters(f, window), False)
                    for f in (False, True)
                }
                db.close()
                for probes in (int(p) for p in args.probes.split(",")):
                    print(
                        row(store, queries, exact, window, size, lists, built, probes, real),
                        flush=True,
                    )
        finally:
            store.close()


def row(
    store: Store,
    queries: list[Query],
    exact: dict[bool, Timing],
    window: SearchFilters,
    size: int,
    lists: int,
    built: float,
    probes: int,
    real: int,
) -> str:
    db = probed(store, probes)
    try:
        search = ChunkSearch(db)
        timed(search, queries[:3], SearchFilters(), text=True)  # both connections open
        dense = {f: timed(search, queries, _filters(f, window), False) for f in (False, True)}
        hybrid = {f: timed(search, queries, _filters(f, window), True) for f in (False, True)}
    finally:
        db.close()
    by_real = recall(dense[False], exact[False], lambda chunk_id: (chunk_id - 1) % real)
    return (
        f"| {size:,} | {lists} | {built:.0f} | {probes} "
        f"| {recall(dense[False], exact[False]):.3f} ({by_real:.3f}) "
        f"| {recall(dense[True], exact[True]):.3f} "
        f"| {dense[False].p50:.1f} ({exact[False].p50:.1f}) "
        f"| {hybrid[False].p50:.1f}/{hybrid[False].p95:.1f} "
        f"| {hybrid[True].p50:.1f}/{hybrid[True].p95:.1f} |"
    )


if __name__ == "__main__":
    main()
