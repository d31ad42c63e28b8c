"""Searches on a read replica, for real: a primary and a hot standby built from it, two API
processes reading from the standby, and the standby stopped and restarted during a chat load.

    .venv/bin/python scripts/replica_check.py [--sessions 50] [--messages 20] [--articles 60]

The primary (faultlib.LocalPostgres) and the standby (`pg_basebackup -R` of it, its own port) run
the embedded PostgreSQL's binaries on 127.0.0.1; sessions live in the Redis at 127.0.0.1:6379
(database 12, emptied first). It ingests the first `--articles` Wikinews articles on the primary,
then checks, each with its figures:

1. an article ingested on the primary is found through the standby (its served transactions go
   up during one chat, and the answer cites the article);
2. the same load, `--sessions` sessions of `--messages` chats each through two `newsrag serve`
   processes, first with every read on the primary alone, then with searches on the standby
   while the standby is stopped after a third of the chats and started again after two thirds:
   0 failed chats, 0 lost and 0 misplaced messages (every history holds its own messages, in
   order), p50 and p95 of each;
3. once the standby answers again, searches go back to it (within 45 s: a replica that failed
   is retried after a backoff of up to 30 s).

Bounded by --timeout seconds (default 900). Exits 1 when a check fails.
"""

from __future__ import annotations

import argparse
import asyncio
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
import redis
from faultlib import (
    NEWSRAG,
    WIKINEWS,
    LocalPostgres,
    LocalStandby,
    free_port,
    newsrag_env,
    p50,
    p95,
    wait_healthy,
    wait_until,
)
from load_sessions import QUESTIONS, Tally, check_session, history, message

REDIS_URL = "redis://127.0.0.1:6379/12"
FIREFOX = "When was Firefox 1.0 released?"
FIREFOX_URL = "Firefox_1.0_Internet_Browser_released_by_Mozilla_Foundation"


class Servers:
    """Two `newsrag serve` processes on their own ports, with one environment."""

    def __init__(self, env: dict[str, str], log: Path) -> None:
        self.ports = [free_port(), free_port()]
        self.bases = [f"http://127.0.0.1:{port}" for port in self.ports]
        with log.open("a", encoding="utf-8") as errors:  # the servers' warnings, not the output
            self.processes = [
                subprocess.Popen(
                    [str(NEWSRAG), "serve", "--port", str(port)],
                    env=env,
                    stdout=subprocess.DEVNULL,
                    stderr=errors,
                )
                for port in self.ports
            ]

    def wait(self) -> None:
        for base, process in zip(self.bases, self.processes, strict=True):
            wait_healthy(base, process, 120, step=0.5)

    def stop(self) -> None:
        for process in self.processes:
            process.terminate()
        for process in self.processes:
            process.wait(60)


async def load(
    bases: list[str], sessions: int, count: int, prefix: str, standby: LocalStandby | None
) -> tuple[Tally, list[str], list[str]]:
    """`sessions` sessions of `count` chats, each session on one of the two servers in turn;
    with `standby`, it is stopped after a third of the chats and started after two thirds.
    Returns the tally, the problems and what happened to the standby."""
    total = sessions * count
    tally = Tally()
    events: list[str] = []
    clients = [httpx.AsyncClient(base_url=base, timeout=120) for base in bases]

    async def session(number: int) -> None:
        client = clients[number % 2]
        for index in range(count):
            started = time.perf_counter()
            text = f"({prefix}) {message(number, index)}"  # not cached from the other load
            body = {"sessionId": f"{prefix}-{number:03d}", "message": text}
            response = await client.post("/api/chat", json=body)
            tally.record(response.status_code, time.perf_counter() - started)

    async def outage() -> None:
        assert standby is not None
        while sum(tally.statuses.values()) < total // 3:
            await asyncio.sleep(0.05)
        await asyncio.to_thread(standby.stop)
        events.append(f"standby stopped after {sum(tally.statuses.values())} chats")
        while sum(tally.statuses.values()) < 2 * total // 3:
            await asyncio.sleep(0.05)
        await asyncio.to_thread(standby.start)
        events.append(f"standby started after {sum(tally.statuses.values())} chats")

    try:
        extra = [outage()] if standby is not None else []
        await asyncio.gather(*(session(number) for number in range(sessions)), *extra)
        problems = [f"HTTP {status} x{n}" for status, n in tally.statuses.items() if status != 200]
        for number in range(sessions):
            client = clients[(number + 1) % 2]  # read back through the other server
            messages = [
                {**item, "content": item["content"].removeprefix(f"({prefix}) ")}
                for item in await history(client, f"{prefix}-{number:03d}")
            ]
            problems += [
                p.replace("load-", f"{prefix}-") for p in check_session(number, messages, count)
            ]
    finally:
        for client in clients:
            await client.aclose()
    return tally, problems, events


def ask(base: str, question: str) -> dict[str, object]:
    body = {"sessionId": "replica-check", "message": question}
    answer: dict[str, object] = httpx.post(f"{base}/api/chat", json=body, timeout=120).json()
    return answer


def figures(name: str, tally: Tally) -> str:
    failed = sum(n for status, n in tally.statuses.items() if status != 200)
    return (
        f"| {name} | {sum(tally.statuses.values())} | {failed} | "
        f"{p50(tally.seconds) * 1000:.0f} | {p95(tally.seconds) * 1000:.0f} |"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--sessions", type=int, default=50)
    parser.add_argument("--messages", type=int, default=20)
    parser.add_argument("--articles", type=int, default=60)
    parser.add_argument("--timeout", type=int, default=900)
    args = parser.parse_args()
    signal.alarm(args.timeout)  # SIGALRM ends the run (exit status 142) if it takes longer
    redis.Redis.from_url(REDIS_URL).flushdb()
    failures: list[str] = []
    with tempfile.TemporaryDirectory(prefix="newsrag-replica-") as temp:
        work = Path(temp)
        work.chmod(0o755)
        articles = work / "articles.jsonl"
        with WIKINEWS.open(encoding="utf-8") as source:
            lines = [line for _, line in zip(range(args.articles), source, strict=False)]
        articles.write_text("".join(lines), encoding="utf-8")
        primary = LocalPostgres(work / "primary")
        standby = LocalStandby(work / "standby", primary)
        servers: Servers | None = None
        try:
            started = time.perf_counter()
            primary.init()
            standby.init()
            print(f"primary and standby (pg_basebackup -R): {time.perf_counter() - started:.1f} s")
            env = newsrag_env(work, DATABASE_URL=primary.uri, REDIS_URL=REDIS_URL)
            subprocess.run(
                [str(NEWSRAG), "ingest", str(articles)], env=env, check=True, capture_output=True
            )
            if not standby.replayed():
                failures.append("the standby did not replay the ingestion within 30 s")

            servers = Servers(env, work / "servers.log")
            servers.wait()
            for question in QUESTIONS:  # the same cached sentences for both loads
                ask(servers.bases[0], question)
            alone, alone_problems, _ = asyncio.run(
                load(servers.bases, args.sessions, args.messages, "primary", None)
            )
            servers.stop()
            failures += [f"primary alone: {p}" for p in alone_problems]

            replicated = newsrag_env(
                work,
                DATABASE_URL=primary.uri,
                REDIS_URL=REDIS_URL,
                NEWSRAG_DATABASE_READ_URLS=standby.uri,
            )
            servers = Servers(replicated, work / "servers.log")
            servers.wait()
            before = standby.transactions()
            answer = ask(servers.bases[0], FIREFOX)
            served = standby.transactions() - before
            cited = [str(s["url"]) for s in answer.get("sources", [])]  # type: ignore[union-attr]
            found = any(FIREFOX_URL in url for url in cited)
            print(f"1. found through the standby: {found} ({served} transactions it served)")
            if not found or served <= 0:
                failures.append("the article was not found through the standby")

            read, read_problems, events = asyncio.run(
                load(servers.bases, args.sessions, args.messages, "replica", standby)
            )
            failures += [f"reads on the standby: {p}" for p in read_problems]
            print(
                f"2. {args.sessions} sessions x {args.messages} chats, two API processes, "
                "sessions in Redis; " + "; ".join(events)
            )
            print("| reads | chats | failed | p50 ms | p95 ms |")
            print("|---|---|---|---|---|")
            print(figures("primary alone", alone))
            print(figures("standby, stopped and restarted", read))
            print(f"   lost or misplaced: {len(alone_problems) + len(read_problems)} problems")

            assert standby.replayed(60)
            waited = time.perf_counter()

            def back() -> bool:
                mark = standby.transactions()
                reads = []
                for base in servers.bases:
                    ask(base, FIREFOX)
                    database = httpx.get(f"{base}/health", timeout=30).json()["database"]
                    reads.append(database.get("reads"))
                return reads == ["replicas", "replicas"] and standby.transactions() > mark

            returned = wait_until(back, 45, step=1.0)
            print(
                f"3. searches back on the standby: {returned} after "
                f"{time.perf_counter() - waited:.1f} s"
            )
            if not returned:
                failures.append("searches did not return to the standby within 45 s")
            logged = (work / "servers.log").read_text(encoding="utf-8", errors="replace")
            skips = logged.count("reads skip it for")
            print(f"   the servers logged {skips} warnings of a read replica failing")
        finally:
            if servers is not None:
                servers.stop()
            standby.close()
            primary.close()
    for failure in failures[:20]:
        print(f"FAILED: {failure}")
    print("ok" if not failures else f"{len(failures)} checks failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
