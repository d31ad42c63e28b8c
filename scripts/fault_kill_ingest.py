"""Fault script: `kill -9` a `newsrag ingest` halfway, ingest again, check nothing is lost or
doubled.

Starts a private PostgreSQL (faultlib.LocalPostgres) used as DATABASE_URL, ingests the first
ARTICLES Wikinews articles with the configured embedder (the local MiniLM unless
NEWSRAG_EMBEDDING_PROVIDER says otherwise), kills the process once about half of them are in the
database, checks that no article is there without all of its chunks, runs the same ingest to the
end and checks: every article once (by URL), each with exactly the chunks the chunker makes of it
(positions 0..n-1), no duplicate article or (article, position). Exits 1 when a check fails.

    .venv/bin/python scripts/fault_kill_ingest.py [--articles 400]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psycopg
from faultlib import NEWSRAG, WIKINEWS, LocalPostgres, newsrag_env, wait_until

from newsrag.config import Settings
from newsrag.ingest.chunking import chunk_article
from newsrag.ingest.sources import make_client, read_source

INGEST_TIMEOUT = 300.0


def expected_chunks(source: Path, settings: Settings) -> dict[str, int]:
    """URL → number of chunks, from the chunker run in-process on the same file."""
    batch = read_source(str(source), make_client(settings), fetch_full_articles=False)
    latest = {article.url: article for article in batch.articles}
    return {
        url: len(chunk_article(article, settings.chunk_tokens, settings.chunk_overlap))
        for url, article in latest.items()
    }


def count_articles(uri: str) -> int:
    try:
        with psycopg.connect(uri, connect_timeout=5) as conn:
            row = conn.execute("SELECT count(*) FROM articles").fetchone()
    except psycopg.Error:  # the schema is not there yet
        return 0
    return int(row[0]) if row else 0


def stored_chunks(uri: str) -> dict[str, tuple[int, int, int]]:
    """URL → (chunks, lowest position, highest position) of every stored article."""
    with psycopg.connect(uri) as conn:
        rows = conn.execute(
            "SELECT a.url, count(c.id), coalesce(min(c.position), -1),"
            " coalesce(max(c.position), -1)"
            " FROM articles a LEFT JOIN chunks c ON c.article_id = a.id GROUP BY a.url"
        ).fetchall()
    return {url: (n, low, high) for url, n, low, high in rows}


def duplicates(uri: str) -> tuple[int, int]:
    """(URLs stored more than once, (article, position) pairs stored more than once)."""
    with psycopg.connect(uri) as conn:
        urls = conn.execute(
            "SELECT count(*) FROM (SELECT url FROM articles GROUP BY url HAVING count(*) > 1) d"
        ).fetchone()
        chunks = conn.execute(
            "SELECT count(*) FROM (SELECT article_id, position FROM chunks"
            " GROUP BY article_id, position HAVING count(*) > 1) d"
        ).fetchone()
    assert urls is not None and chunks is not None
    return int(urls[0]), int(chunks[0])


def incomplete(stored: dict[str, tuple[int, int, int]], expected: dict[str, int]) -> list[str]:
    """Stored articles whose chunks are not exactly positions 0..n-1 of the chunker's n."""
    return [
        url
        for url, (n, low, high) in stored.items()
        if n != expected.get(url, -1) or (low, high) != (0, n - 1)
    ]


def run_ingest(source: Path, env: dict[str, str], cwd: Path, kill_at: int | None) -> int | None:
    """Run `newsrag ingest`; with `kill_at`, kill -9 it once that many articles are stored and
    return the count seen at that moment. Returns None when it ran to the end."""
    started = time.monotonic()
    process = subprocess.Popen(
        [str(NEWSRAG), "ingest", "--strict", str(source)],
        env=env,
        cwd=cwd,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    uri = env["DATABASE_URL"]
    if kill_at is not None:
        if not wait_until(lambda: count_articles(uri) >= kill_at, INGEST_TIMEOUT, step=0.05):
            process.kill()
            raise SystemExit(f"FAIL: {kill_at} articles were not stored in {INGEST_TIMEOUT} s")
        os.kill(process.pid, signal.SIGKILL)
        process.wait(10)
        seen = count_articles(uri)
        print(f"killed ingest (-9) after {time.monotonic() - started:.1f} s")
        return seen
    try:
        _, errors = process.communicate(timeout=INGEST_TIMEOUT)
    except subprocess.TimeoutExpired:
        process.kill()
        raise SystemExit(f"FAIL: the second ingest did not end in {INGEST_TIMEOUT} s") from None
    if process.returncode != 0:
        raise SystemExit(f"FAIL: the second ingest exited {process.returncode}: {errors[-2000:]!r}")
    print(f"second ingest ran to the end in {time.monotonic() - started:.1f} s")
    return None


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=400)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="newsrag-fault-ingest-"))
    postgres = LocalPostgres(folder)
    try:
        postgres.init()
        with WIKINEWS.open(encoding="utf-8") as handle:
            rows = [json.loads(line) for line in handle if line.strip()][: args.articles]
        source = folder / "articles.jsonl"
        source.write_text("".join(json.dumps(row) + "\n" for row in rows), encoding="utf-8")
        env = newsrag_env(folder, DATABASE_URL=postgres.uri)
        expected = expected_chunks(source, Settings(_env_file=None))  # type: ignore[call-arg]
        print(f"articles: {len(expected)} distinct URLs, {sum(expected.values())} chunks expected")

        at_kill = run_ingest(source, env, folder, kill_at=len(expected) // 2)
        partial = incomplete(stored_chunks(postgres.uri), expected)
        print(f"articles at kill time: {at_kill}; with incomplete chunks: {len(partial)}")
        run_ingest(source, env, folder, kill_at=None)

        stored = stored_chunks(postgres.uri)
        missing = sorted(set(expected) - set(stored))
        extra = sorted(set(stored) - set(expected))
        after = incomplete(stored, expected)
        dup_urls, dup_chunks = duplicates(postgres.uri)
        print(f"articles after rerun: {len(stored)} (missing {len(missing)}, extra {len(extra)})")
        print(f"chunks after rerun: {sum(n for n, _, _ in stored.values())}")
        print(f"duplicates: {dup_urls} articles, {dup_chunks} (article, position) chunks")
        print(f"articles with incomplete chunks: {len(after)}")
        failures = [
            name
            for name, bad in (
                ("partial articles at kill time", partial),
                ("missing articles", missing),
                ("unexpected articles", extra),
                ("duplicates", dup_urls + dup_chunks),
                ("incomplete articles", after),
            )
            if bad
        ]
        if failures:
            print("FAIL: " + ", ".join(failures))
            return 1
        print("OK")
        return 0
    finally:
        postgres.close()
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
