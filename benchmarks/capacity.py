"""What a store of N chunks costs: disk, index sizes (the memory a fast search wants) and build
times, with the HNSW index on `vector` and on `halfvec`, for docs/scaling.md.

    .venv/bin/python benchmarks/capacity.py [--sizes 100000,1000000]

Fills its own PostgreSQL 18 + pgvector (scripts/faultlib.py) with the real Wikinews chunks,
replicated as benchmarks/retrieval.py does (benchmarks/retrieval_data.py), and at each size
reports the COPY and index build times, the database's size on disk, the size of the chunks
table, of its HNSW index (cosine, m = 16, ef_construction = 64, as the schema builds it) and of
its full-text GIN index; then builds an HNSW index on `embedding::halfvec(384)` instead and
reports its size and build time. Bytes per chunk are each size divided by the chunk count.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from newsrag.config import Settings

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "scripts"))

from retrieval_data import Corpus, Index, Store, read_corpus

MIB = 1024 * 1024
HALFVEC = (
    "CREATE INDEX chunks_embedding_halfvec_idx ON chunks USING hnsw "
    "((embedding::halfvec(384)) halfvec_cosine_ops) WITH (m = 16, ef_construction = 64)"
)
SIZES = """
    SELECT pg_database_size(current_database()),
           pg_total_relation_size('chunks'),
           pg_relation_size('chunks_embedding_hnsw_idx'),
           pg_relation_size('chunks_tsv_idx')
"""


@dataclass(frozen=True)
class Sized:
    chunks: int
    copy_seconds: float
    gin_seconds: float
    hnsw_seconds: float
    halfvec_seconds: float
    database: int
    table: int
    hnsw: int
    gin: int
    halfvec: int


def measure(store: Store, size: int, index: Index) -> Sized:
    load = store.grow(size, index)
    with store.connect() as conn:
        row = conn.execute(SIZES).fetchone()
        assert row is not None
        database, table, hnsw, gin = (int(value) for value in row)
        conn.execute("DROP INDEX chunks_embedding_hnsw_idx")
        started = time.perf_counter()
        conn.execute(HALFVEC)
        halfvec_seconds = time.perf_counter() - started
        found = conn.execute("SELECT pg_relation_size('chunks_embedding_halfvec_idx')").fetchone()
        halfvec = int(found[0]) if found else 0
        conn.execute("DROP INDEX chunks_embedding_halfvec_idx")
        conn.execute(index.sql())  # the next size grows from the schema's own index
    return Sized(
        size,
        load.copy_seconds,
        load.gin_seconds,
        load.hnsw_seconds,
        halfvec_seconds,
        database,
        table,
        hnsw,
        gin,
        halfvec,
    )


def table(rows: list[Sized]) -> list[str]:
    lines = [
        "| chunks | COPY s | GIN build s | HNSW build s (vector) | HNSW build s (halfvec) "
        "| database MiB | chunks table MiB | HNSW MiB (vector) | HNSW MiB (halfvec) | GIN MiB "
        "| bytes/chunk: database, HNSW vector, HNSW halfvec |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for r in rows:
        lines.append(
            f"| {r.chunks:,} | {r.copy_seconds:.0f} | {r.gin_seconds:.0f} | {r.hnsw_seconds:.0f} "
            f"| {r.halfvec_seconds:.0f} | {r.database / MIB:,.0f} | {r.table / MIB:,.0f} "
            f"| {r.hnsw / MIB:,.0f} | {r.halfvec / MIB:,.0f} | {r.gin / MIB:,.0f} "
            f"| {r.database / r.chunks:,.0f}, {r.hnsw / r.chunks:,.0f}, "
            f"{r.halfvec / r.chunks:,.0f} |"
        )
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--sizes", default="100000,1000000")
    args = parser.parse_args()
    sizes = sorted(int(size) for size in args.sizes.split(","))
    started = time.perf_counter()
    corpus: Corpus = read_corpus(Settings(onnx_precision="int8"))
    index = Index()
    rows: list[Sized] = []
    with tempfile.TemporaryDirectory(prefix="newsrag-capacity-") as folder:
        store = Store(Path(folder), corpus)
        try:
            store.open()
            for size in sizes:
                rows.append(measure(store, size, index))
                print(table(rows)[-1], flush=True)
        finally:
            store.close()
    print()
    print("\n".join(table(rows)))
    print(f"\ntotal {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()
