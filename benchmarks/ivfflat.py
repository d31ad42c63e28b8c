"""newsrag's IVFFlat vector index (NEWSRAG_VECTOR_INDEX=ivfflat) on the store of
benchmarks/retrieval.py: build time, recall@10 and latency, by probes.

    .venv/bin/python benchmarks/ivfflat.py [--sizes real,1000000] [--probes 5,10,20,40]

At each size the index is built as newsrag builds it (`VectorIndexes.build`: CREATE INDEX
CONCURRENTLY, lists = chunks / 1000, at least 10) and newsrag's own `ChunkSearch` is run with
`VectorScan(probes=...)` on the dev set's questions: the dense part alone (recall@10 against the
exact scan of the same run, also counted by real chunk, without and with a 1-year window) and
the hybrid search (p50/p95). benchmarks/retrieval.py calls `measure` at its largest size with
the default probes, so that `make bench` reports both indexes on one store.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from retrieval_data import Store, read_corpus
from retrieval_timing import (
    BOTH,
    QUESTIONS,
    REAL_WINDOW,
    WINDOW,
    Query,
    Timing,
    filters_for,
    pool,
    recall,
    timed,
)

from newsrag.config import Settings
from newsrag.embeddings import create_embedder
from newsrag.models import SearchFilters
from newsrag.store import ChunkSearch, Database, VectorIndexes, VectorScan


@dataclass(frozen=True)
class Probed:
    """One size and probes: the build, the dense part's recall and the hybrid search's times,
    without and with the window (`filtered`)."""

    size: int
    lists: int
    build_seconds: float
    probes: int
    recall: dict[bool, float]
    by_real: float
    dense: dict[bool, Timing]
    exact: dict[bool, Timing]
    hybrid: dict[bool, Timing]


def exact_dense(store: Store, queries: list[Query], window: SearchFilters) -> dict[bool, Timing]:
    """The dense part by an exact scan (index scans off), without and with the window."""
    db = pool(store, queries, exact=True)
    try:
        return {f: timed(ChunkSearch(db), queries, filters_for(f, window), False) for f in BOTH}
    finally:
        db.close()


def measure(
    store: Store,
    queries: list[Query],
    exact: dict[bool, Timing],
    window: SearchFilters,
    probes: Sequence[int],
    real: int,
) -> list[Probed]:
    """Build newsrag's IVFFlat index on the store as it is, then search it at each of `probes`;
    `exact` is the dense part's exact scan on the same store."""
    owner = Database(store.server.uri, embedded=False, max_size=1)
    try:
        started = time.perf_counter()
        built = VectorIndexes(owner, "ivfflat").build()
        seconds = time.perf_counter() - started
    finally:
        owner.close()
    assert built is not None and built.lists is not None and built.trained_on is not None
    with store.connect() as conn:
        conn.execute("ANALYZE chunks")
    db = pool(store, queries)
    try:
        rows = []
        for count in probes:
            search = ChunkSearch(db, VectorScan(probes=count))
            dense = {f: timed(search, queries, filters_for(f, window), False) for f in BOTH}
            hybrid = {f: timed(search, queries, filters_for(f, window), True) for f in BOTH}
            found = {f: recall(dense[f], exact[f]) for f in BOTH}
            by_real = recall(dense[False], exact[False], lambda chunk_id: (chunk_id - 1) % real)
            rows.append(
                Probed(
                    built.trained_on,
                    built.lists,
                    seconds,
                    count,
                    found,
                    by_real,
                    dense,
                    exact,
                    hybrid,
                )
            )
    finally:
        db.close()
    return rows


def table(rows: Sequence[Probed]) -> list[str]:
    lines = [
        "| chunks | lists | build s | probes | recall@10 (by real chunk) | filtered recall@10 "
        "| dense p50 ms (exact) | hybrid p50/p95 ms | filtered hybrid p50/p95 ms |",
        "|---:|---:|---:|---:|---|---|---|---|---|",
    ]
    for r in rows:
        lines.append(
            f"| {r.size:,} | {r.lists} | {r.build_seconds:.0f} | {r.probes} "
            f"| {r.recall[False]:.3f} ({r.by_real:.3f}) | {r.recall[True]:.3f} "
            f"| {r.dense[False].p50:.1f} ({r.exact[False].p50:.1f}) "
            f"| {r.hybrid[False].p50:.1f}/{r.hybrid[False].p95:.1f} "
            f"| {r.hybrid[True].p50:.1f}/{r.hybrid[True].p95:.1f} |"
        )
    return lines


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
    probes = [int(p) for p in args.probes.split(",")]
    rows: list[Probed] = []
    with tempfile.TemporaryDirectory(prefix="newsrag-ivfflat-") as folder:
        store = Store(Path(folder), corpus)
        try:
            store.open()
            for size in sizes:
                store.grow(size, None)
                window = REAL_WINDOW if size == real else WINDOW
                exact = exact_dense(store, queries, window)
                rows += measure(store, queries, exact, window, probes, real)
                print("\n".join(table(rows)[-len(probes) :]), flush=True)
        finally:
            store.close()
    print("\n".join(table(rows)))


if __name__ == "__main__":
    main()
