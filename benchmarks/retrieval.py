"""Hybrid retrieval at 10k, 100k and 1M chunks: load, index build and query latency/recall.

    .venv/bin/python benchmarks/retrieval.py [--sizes real,10000,100000,1000000] [--queries 20]

Starts its own PostgreSQL 18 + pgvector (scripts/faultlib.py), fills it with the real Wikinews
chunks of ../shared/data embedded once (ONNX int8 by default: only the time to embed them
depends on the precision) and replicated (benchmarks/retrieval_data.py), and at
each size reports the binary COPY throughput, the GIN and HNSW build times (indexes built after
loading), and p50/p95 latency of newsrag's own `ChunkSearch.hybrid` with its default settings on
the dev set's questions (embedded by the same model, full-text part as HybridRetriever builds
it): with the HNSW index and with an exact scan (index scans off: the dense part scans and
sorts), without and with a 1-year publication window. Recall@10 is that of the dense part alone
(`text_k=0`, 10 results) with the index against the exact scan. Latencies are also given as a
ratio of the exact scan's in the same run. At the largest size, hnsw.ef_search and the
iterative-scan mode are swept (not scaled by store size), and so is the full-text budget, with
the top-10 overlap of each budget's results with those of the unlimited full-text search.
Target (issue 8): at 1M chunks, the filtered hybrid query p50 <= 20 ms at recall@10 >= 0.95.
Size `real` is the corpus alone, the real chunks without replicas.
The last line is `retrieval_<size>_filtered_p50_ms <x> recall_at_10 <r> unfiltered_p50_ms <x>
unfiltered_p95_ms <x> unfiltered_recall_at_10 <r> real_recall_at_10 <r>
real_filtered_recall_at_10 <r>` for the largest size (and the real chunks alone).
"""

from __future__ import annotations

import argparse
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import ivfflat
import numpy as np
from retrieval_data import Corpus, Index, Load, Store, read_corpus
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
from newsrag.store import ChunkSearch, Fusion, VectorScan
from newsrag.store.search import RANK_LIMIT, TEXT_BUDGET

SWEEP_EF = (40, 100, 200, 400, 1000)
UNLIMITED = 10**9
FIXED_EF = 10**12  # chunks per ef_search: the sweep's ef_search is not scaled by store size
# (text budget, rank limit): the rank limit swept at the default budget, the budget at the
# default limit, and last the search that ranks every chunk holding any word of the question.
SWEEP_TEXT = (
    *((TEXT_BUDGET, limit) for limit in (100, RANK_LIMIT, 1000, 3000)),
    (500, RANK_LIMIT),
    (8000, RANK_LIMIT),
    (UNLIMITED, UNLIMITED),
)


@dataclass(frozen=True)
class Measure:
    """One size: hybrid and dense-only timings with the index and exact, per filter."""

    size: int
    load: Load
    selectivity: float
    hybrid: dict[tuple[bool, bool], Timing]  # (filtered, exact)
    dense: dict[tuple[bool, bool], Timing]

    def recall(self, filtered: bool) -> float:
        return recall(self.dense[filtered, False], self.dense[filtered, True])

    def source_recall(self, filtered: bool, corpus_chunks: int) -> float:
        """Recall@10 counting a chunk as found when a replica of the same real chunk was: rows
        are numbered from 1 in whole replicas of the corpus."""
        return recall(
            self.dense[filtered, False],
            self.dense[filtered, True],
            lambda chunk_id: (chunk_id - 1) % corpus_chunks,
        )


def measure(
    store: Store, size: int, load: Load, queries: list[Query], window: SearchFilters = WINDOW
) -> Measure:
    hybrid: dict[tuple[bool, bool], Timing] = {}
    dense: dict[tuple[bool, bool], Timing] = {}
    for exact in (False, True):
        db = pool(store, queries, exact)
        try:
            search = ChunkSearch(db)
            for filtered in (False, True):
                filters = filters_for(filtered, window)
                hybrid[filtered, exact] = timed(search, queries, filters, text=True)
                dense[filtered, exact] = timed(search, queries, filters, text=False)
        finally:
            db.close()
    within = sum(1 for day in store.dates if _in_window(day, window))
    return Measure(size, load, within / len(store.dates), hybrid, dense)


def _in_window(day: datetime, window: SearchFilters) -> bool:
    assert window.start is not None and window.end is not None
    start = datetime.combine(window.start, datetime.min.time(), tzinfo=UTC)
    end = datetime.combine(window.end, datetime.min.time(), tzinfo=UTC)
    return start <= day < end


@dataclass(frozen=True)
class Tuned:
    """The dense part under one HNSW scan, without and with the window (`filtered`)."""

    scan: VectorScan
    dense: dict[bool, Timing]
    recall: dict[bool, float]


def sweep(store: Store, queries: list[Query], m: Measure) -> list[Tuned]:
    """The dense part (the only one an HNSW scan changes) under each ef_search and iterative
    mode, with its recall@10 against the exact scans of `m`."""
    scans = [VectorScan(ef_search=ef, chunks_per_ef=FIXED_EF) for ef in SWEEP_EF]
    scans += [
        VectorScan(ef_search=ef, iterative="strict_order", chunks_per_ef=FIXED_EF)
        for ef in SWEEP_EF[::2]
    ]
    db = pool(store, queries)
    try:
        results = []
        for scan in scans:
            search = ChunkSearch(db, scan)
            dense = {f: timed(search, queries, filters_for(f), False) for f in BOTH}
            found = {f: recall(dense[f], m.dense[f, True]) for f in BOTH}
            results.append(Tuned(scan, dense, found))
    finally:
        db.close()
    return results


@dataclass(frozen=True)
class Budgeted:
    """The hybrid query under one full-text budget and rank limit, without and with the window
    (`filtered`), and how many of its top 10 the unlimited full-text search also puts there."""

    budget: int
    rank_limit: int
    hybrid: dict[bool, Timing]
    overlap: dict[bool, float]


def budget_sweep(store: Store, queries: list[Query]) -> list[Budgeted]:
    """The hybrid query under each full-text budget and rank limit; the unlimited one matches
    and ranks every chunk that holds any word of the question."""
    db = pool(store, queries)
    try:
        timings = {
            (budget, limit): {
                f: timed(
                    ChunkSearch(db, text_budget=budget, rank_limit=limit),
                    queries,
                    filters_for(f),
                    True,
                )
                for f in BOTH
            }
            for budget, limit in SWEEP_TEXT
        }
    finally:
        db.close()
    whole = timings[UNLIMITED, UNLIMITED]
    return [
        Budgeted(budget, limit, hybrid, {f: recall(hybrid[f], whole[f]) for f in BOTH})
        for (budget, limit), hybrid in timings.items()
    ]


def size_table(measures: list[Measure], corpus_chunks: int) -> list[str]:
    """Each size's figures. Recall@10 by real chunk counts a replica of a chunk the exact scan
    found as found: each real chunk has one replica per corpus copy, near-duplicates (cosine
    about 0.95) that no real store holds hundreds of."""
    lines = [
        "| chunks | COPY rows/s | GIN build s | HNSW build s | in window "
        "| hybrid p50/p95 ms (exact) | ratio | filtered hybrid p50/p95 ms (exact) | ratio "
        "| dense p50 ms (exact) | filtered dense p50 ms (exact) "
        "| recall@10 | filtered recall@10 | by real chunk, filtered |",
        "|---:|---:|---:|---:|---:|---|---:|---|---:|---|---|---:|---:|---:|",
    ]
    for m in measures:
        cells = [
            f"{m.size:,}",
            f"{m.load.rows_per_second:,.0f}",
            f"{m.load.gin_seconds:.1f}",
            f"{m.load.hnsw_seconds:.1f}",
            f"{m.selectivity:.3f}",
        ]
        for filtered in (False, True):
            index, exact = m.hybrid[filtered, False], m.hybrid[filtered, True]
            cells.append(f"{index.p50:.1f}/{index.p95:.1f} ({exact.p50:.1f}/{exact.p95:.1f})")
            cells.append(f"{index.p50 / exact.p50:.2f}")
        for filtered in (False, True):
            index, exact = m.dense[filtered, False], m.dense[filtered, True]
            cells.append(f"{index.p50:.1f} ({exact.p50:.1f})")
        cells += [f"{m.recall(False):.3f}", f"{m.recall(True):.3f}"]
        cells.append(f"{m.source_recall(True, corpus_chunks):.3f}")
        lines.append("| " + " | ".join(cells) + " |")
    return lines


def sweep_table(m: Measure, tuned: list[Tuned]) -> list[str]:
    """Each scan's dense part, as a ratio of the exact scan's latency in the same run."""
    lines = [
        f"| {m.size:,} chunks, dense part | p50/p95 ms | ratio to exact | recall@10 "
        "| 1-year window p50/p95 ms | ratio to exact | recall@10 |",
        "|---|---|---:|---:|---|---:|---:|",
    ]
    for t in tuned:
        cells = [f"ef_search {max(t.scan.ef_search, 2 * Fusion.dense_k)}, {t.scan.iterative}"]
        for filtered in (False, True):
            dense, exact = t.dense[filtered], m.dense[filtered, True]
            cells.append(f"{dense.p50:.1f}/{dense.p95:.1f}")
            cells.append(f"{dense.p50 / exact.p50:.3f}")
            cells.append(f"{t.recall[filtered]:.3f}")
        lines.append("| " + " | ".join(cells) + " |")
    return lines


def budget_table(size: int, budgeted: list[Budgeted]) -> list[str]:
    """Each budget's hybrid query, as a ratio of the unlimited full-text search's latency."""
    lines = [
        f"| {size:,} chunks, full-text budget, rank limit | hybrid p50/p95 ms | ratio to unlimited "
        "| top-10 overlap | 1-year window p50/p95 ms | ratio to unlimited | top-10 overlap |",
        "|---|---|---:|---:|---|---:|---:|",
    ]
    unlimited = budgeted[-1]
    for b in budgeted:
        cells = ["unlimited" if b.budget == UNLIMITED else f"{b.budget:,} chunks, {b.rank_limit:,}"]
        for filtered in BOTH:
            hybrid, whole = b.hybrid[filtered], unlimited.hybrid[filtered]
            cells.append(f"{hybrid.p50:.1f}/{hybrid.p95:.1f}")
            cells.append(f"{hybrid.p50 / whole.p50:.3f}")
            cells.append(f"{b.overlap[filtered]:.3f}")
        lines.append("| " + " | ".join(cells) + " |")
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="real,10000,100000,1000000")
    parser.add_argument("--queries", type=int, default=20, help="dev questions asked")
    parser.add_argument("--m", type=int, default=Index.m)
    parser.add_argument("--ef-construction", type=int, default=Index.ef_construction)
    parser.add_argument("--embedder", default="onnx", help="NEWSRAG_EMBEDDING_PROVIDER")
    # int8 embeds the corpus twice as fast as fp32; the store's timings and recall do not depend
    # on which of the two (cosine 0.994) made its vectors.
    parser.add_argument("--precision", default="int8", help="NEWSRAG_ONNX_PRECISION")
    args = parser.parse_args()
    index = Index(args.m, args.ef_construction)
    settings = Settings(embedding_provider=args.embedder, onnx_precision=args.precision)
    started = time.perf_counter()
    corpus: Corpus = read_corpus(settings)
    real = len(corpus.chunks)
    sizes = sorted(real if size == "real" else int(size) for size in args.sizes.split(","))
    texts = QUESTIONS[: args.queries]
    vectors = create_embedder(settings).embed(texts)
    queries = [Query(text, np.asarray(v)) for text, v in zip(texts, vectors, strict=True)]
    print(f"embedded {len(corpus.chunks)} chunks, {len(queries)} questions", flush=True)
    print(f"in {time.perf_counter() - started:.0f} s; index {index}", flush=True)
    measures: list[Measure] = []
    with tempfile.TemporaryDirectory(prefix="newsrag-retrieval-") as folder:
        store = Store(Path(folder), corpus)
        try:
            store.open()
            for size in sizes:
                load = store.grow(size, index)
                log = f"{size:,}: copy {load.copy_seconds:.1f} s, hnsw {load.hnsw_seconds:.1f} s"
                print(log, flush=True)
                window = REAL_WINDOW if size == real else WINDOW
                measures.append(measure(store, size, load, queries, window))
                print("\n".join(size_table(measures[-1:], len(corpus.chunks))[2:]), flush=True)
            tuned = sweep(store, queries, measures[-1])
            budgeted = budget_sweep(store, queries)
            exact = {f: measures[-1].dense[f, True] for f in BOTH}
            window = REAL_WINDOW if sizes[-1] == real else WINDOW
            [ivf] = ivfflat.measure(store, queries, exact, window, [VectorScan().probes], real)
        finally:
            store.close()
    last = measures[-1]
    print()
    print("\n".join(size_table(measures, len(corpus.chunks))))
    print()
    print("\n".join(sweep_table(last, tuned)))
    print()
    print("\n".join(budget_table(last.size, budgeted)))
    print()
    print("\n".join(ivfflat.table([ivf])))
    print(f"\ntotal {time.perf_counter() - started:.0f} s")
    name = f"{last.size // 1000}k" if last.size < 1_000_000 else f"{last.size // 1_000_000}m"
    unfiltered = last.hybrid[False, False]
    figures = [
        f"retrieval_{name}_filtered_p50_ms {last.hybrid[True, False].p50:.1f}",
        f"recall_at_10 {last.recall(True):.3f}",
        f"unfiltered_p50_ms {unfiltered.p50:.1f}",
        f"unfiltered_p95_ms {unfiltered.p95:.1f}",
        f"unfiltered_recall_at_10 {last.recall(False):.3f}",
    ]
    figures += [
        f"ivfflat_filtered_p50_ms {ivf.hybrid[True].p50:.1f}",
        f"ivfflat_recall_at_10 {ivf.recall[True]:.3f}",
        f"ivfflat_unfiltered_p50_ms {ivf.hybrid[False].p50:.1f}",
        f"ivfflat_unfiltered_p95_ms {ivf.hybrid[False].p95:.1f}",
        f"ivfflat_unfiltered_recall_at_10 {ivf.recall[False]:.3f}",
        f"ivfflat_build_s {ivf.build_seconds:.0f}",
    ]
    alone = next((m for m in measures if m.size == real), None)
    if alone is not None:
        figures.append(f"real_recall_at_10 {alone.recall(False):.3f}")
        figures.append(f"real_filtered_recall_at_10 {alone.recall(True):.3f}")
    print(" ".join(figures))


if __name__ == "__main__":
    main()
