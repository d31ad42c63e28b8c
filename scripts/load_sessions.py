"""Concurrent sessions against a real `newsrag serve --workers 2` on loopback: nothing lost,
nothing in the wrong session, no 5xx.

    .venv/bin/python scripts/load_sessions.py [--sessions 50] [--messages 20] [--same 20]

It starts its own PostgreSQL (faultlib.LocalPostgres: PostgreSQL 18 + pgvector on a port of
its own, reached through DATABASE_URL like any external one), uses the Redis at 127.0.0.1:6379
(database 13, emptied first) for sessions, ingests the first 60 Wikinews articles of
../shared/data with the real model, and serves with 2 uvicorn workers. Then:

1. `--sessions` sessions send `--messages` messages each, all sessions at once, each session's
   messages one after another; every history must hold exactly its 2 x messages messages, in
   order, each user message tagged with its own session.
2. `--same` messages are sent to one session at once; none may be lost.

Rate limits are off (every request comes from one address). Exits 1 when a check fails.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import redis
from faultlib import (
    NEWSRAG,
    WIKINEWS,
    LocalPostgres,
    free_port,
    newsrag_env,
    p50,
    p95,
    wait_healthy,
)

REDIS_URL = "redis://127.0.0.1:6379/13"
QUESTIONS = (
    "When was Firefox 1.0 released?",
    "What did the Brazilian delegation do at Arafat's funeral?",
    "What is the latest news about technology?",
    "Who won the election?",
)


@dataclass
class Tally:
    statuses: Counter[int] = field(default_factory=Counter)
    seconds: list[float] = field(default_factory=list)

    def record(self, status: int, seconds: float) -> None:
        self.statuses[status] += 1
        self.seconds.append(seconds)

    def line(self, name: str) -> str:
        return (
            f"{name}: {sum(self.statuses.values())} requests, statuses {dict(self.statuses)}, "
            f"p50 {p50(self.seconds) * 1000:.0f} ms, p95 {p95(self.seconds) * 1000:.0f} ms"
        )


def message(session: int, number: int) -> str:
    return f"[s{session:03d}-m{number:02d}] {QUESTIONS[number % len(QUESTIONS)]}"


async def send(client: httpx.AsyncClient, session_id: str, text: str, tally: Tally) -> None:
    started = time.perf_counter()
    response = await client.post("/api/chat", json={"sessionId": session_id, "message": text})
    tally.record(response.status_code, time.perf_counter() - started)


async def one_session(client: httpx.AsyncClient, session: int, count: int, tally: Tally) -> None:
    for number in range(count):
        await send(client, f"load-{session:03d}", message(session, number), tally)


async def history(client: httpx.AsyncClient, session_id: str) -> list[dict[str, str]]:
    response = await client.get(f"/api/history/{session_id}")
    if response.status_code != 200:
        return []
    messages: list[dict[str, str]] = response.json()["messages"]
    return messages


def check_session(session: int, messages: list[dict[str, str]], count: int) -> list[str]:
    """What is wrong with one session's history of `count` sequential messages."""
    problems = []
    if len(messages) != 2 * count:
        problems.append(f"load-{session:03d}: {len(messages)} messages, not {2 * count}")
    users = [m["content"] for m in messages if m["role"] == "user"]
    if users != [message(session, number) for number in range(count)]:
        problems.append(f"load-{session:03d}: user messages missing, foreign or out of order")
    roles = [m["role"] for m in messages]
    if roles != ["user", "assistant"] * (len(messages) // 2):
        problems.append(f"load-{session:03d}: roles do not alternate")
    return problems


async def run_load(base: str, sessions: int, count: int, same: int) -> list[str]:
    limits = httpx.Limits(max_connections=sessions + same)
    async with httpx.AsyncClient(base_url=base, timeout=120, limits=limits) as client:
        tally = Tally()
        started = time.perf_counter()
        await asyncio.gather(*(one_session(client, s, count, tally) for s in range(sessions)))
        elapsed = time.perf_counter() - started
        print(tally.line(f"{sessions} sessions x {count} messages"))
        print(f"  {sum(tally.statuses.values()) / elapsed:.1f} requests/s over {elapsed:.1f} s")
        problems = [f"{status} x{n}" for status, n in tally.statuses.items() if status != 200]
        histories = await asyncio.gather(
            *(history(client, f"load-{s:03d}") for s in range(sessions))
        )
        checked = 0
        for session, messages in enumerate(histories):
            problems += check_session(session, messages, count)
            checked += len(messages)
        print(f"  histories: {checked} messages checked in {sessions} sessions")

        crowd = Tally()
        texts = [message(999, number) for number in range(same)]
        await asyncio.gather(*(send(client, "load-same", text, crowd) for text in texts))
        print(crowd.line(f"{same} messages to one session at once"))
        problems += [f"same session: {status} x{n}" for status, n in crowd.statuses.items()]
        problems = [p for p in problems if not p.startswith("same session: 200")]
        shared = await history(client, "load-same")
        users = sorted(m["content"] for m in shared if m["role"] == "user")
        print(f"  history: {len(shared)} messages, {len(users)} of {same} user messages kept")
        if users != sorted(texts) or len(shared) != 2 * same:
            problems.append(f"same session: {len(users)} of {same} user messages kept")
        pairs = [shared[i]["role"] + shared[i + 1]["role"] for i in range(0, len(shared), 2)]
        if any(pair != "userassistant" for pair in pairs):
            problems.append("same session: a question is not followed by its answer")
        return problems


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=50)
    parser.add_argument("--messages", type=int, default=20)
    parser.add_argument("--same", type=int, default=20)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    redis.Redis.from_url(REDIS_URL).flushdb()
    with tempfile.TemporaryDirectory(prefix="newsrag-load-") as temp:
        work = Path(temp)
        articles = work / "articles.jsonl"
        with WIKINEWS.open(encoding="utf-8") as source:
            articles.write_text("".join(line for _, line in zip(range(60), source, strict=False)))
        port = free_port()
        database = LocalPostgres(work / "db")
        database.init()
        env = newsrag_env(work, DATABASE_URL=database.uri, REDIS_URL=REDIS_URL)
        ingest = [str(NEWSRAG), "ingest", str(articles)]
        serve = [str(NEWSRAG), "serve", "--port", str(port), "--workers", str(args.workers)]
        server: subprocess.Popen[bytes] | None = None
        base = f"http://127.0.0.1:{port}"
        try:
            subprocess.run(ingest, env=env, check=True, capture_output=True)
            server = subprocess.Popen(serve, env=env, stdout=subprocess.DEVNULL)
            ready = wait_healthy(base, server, 120, step=0.5)
            print(f"newsrag serve --workers {args.workers}: healthy after {ready:.1f} s")
            problems = asyncio.run(run_load(base, args.sessions, args.messages, args.same))
        finally:
            if server is not None:
                server.terminate()
                server.wait(30)
            database.close()
    print(json.dumps({"problems": problems[:20], "count": len(problems)}))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
