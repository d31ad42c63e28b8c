"""POST /api/chat under 1, 10 and 50 concurrent clients against a real `newsrag serve`, run with
one worker process (the default) and with two (`--workers 2`), one after the other on one store.

    .venv/bin/python benchmarks/chat_load.py [--articles 120] [--requests 100] [--workers 1,2]

Starts its own PostgreSQL (scripts/faultlib.py), ingests the first `--articles` Wikinews
articles of ../shared/data, and serves them with the configured generator (extractive unless
NEWSRAG_GENERATOR says otherwise) and no rate limits. Reports, per server, the cold start of
`newsrag serve` until /health answers 200, then per level of concurrency throughput and latency
p50/p95 of chat requests (the dev set's questions, each client its own session), and the
server's peak RSS after the load (every worker's summed). Latencies are also printed as ratios
to GET /health's in the same run (the cost of a request that does no work), and the 10-client
p50 of each server as a ratio to the first one's (the 1-client level warms each server's
caches; a later server finds the sentence vectors an earlier one stored in the database). One
worker runs Python on one core at a time: at 10 clients its requests queue for it (about 15 ms of
Python each). Two workers each listen on a socket of their own (api/listeners.py); sharing one,
ten connections opened together went to a single worker in three runs of four.
Targets (issue 8, 18): chat p50 <= 150 ms at 10 clients, cold start <= 10 s, peak RSS <= 1.5 GiB.
"""

from __future__ import annotations

import argparse
import asyncio
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))

from faultlib import (  # noqa: E402
    NEWSRAG,
    WIKINEWS,
    LocalPostgres,
    dev_questions,
    free_port,
    newsrag_env,
    p50,
    p95,
    wait_healthy,
)

LEVELS = (1, 10, 50)
QUESTIONS = dev_questions()


@dataclass(frozen=True)
class Level:
    clients: int
    requests: int
    seconds: float
    latencies: list[float]
    failures: int

    @property
    def p50(self) -> float:
        return p50(self.latencies)

    @property
    def p95(self) -> float:
        return p95(self.latencies)


async def client_run(client: httpx.AsyncClient, number: int, count: int) -> tuple[list[float], int]:
    latencies: list[float] = []
    failures = 0
    for turn in range(count):
        question = QUESTIONS[(number * 7 + turn) % len(QUESTIONS)]
        body = {"sessionId": f"bench-{number}-{turn}", "message": question}
        started = time.perf_counter()
        response = await client.post("/api/chat", json=body)
        latencies.append(time.perf_counter() - started)
        failures += response.status_code != 200
    return latencies, failures


async def level(base: str, clients: int, total: int) -> Level:
    each = max(1, total // clients)
    limits = httpx.Limits(max_connections=clients)
    async with httpx.AsyncClient(base_url=base, timeout=120, limits=limits) as client:
        started = time.perf_counter()
        runs = await asyncio.gather(*(client_run(client, n, each) for n in range(clients)))
        seconds = time.perf_counter() - started
    latencies = [value for run, _ in runs for value in run]
    return Level(clients, len(latencies), seconds, latencies, sum(f for _, f in runs))


def health_p50(base: str, count: int = 50) -> float:
    with httpx.Client(base_url=base, timeout=10) as client:
        times = []
        for _ in range(count):
            started = time.perf_counter()
            client.get("/health")
            times.append(time.perf_counter() - started)
    return p50(times)


def peak_rss_mib(pid: int) -> float:
    """VmHWM (peak resident set) of the process and of its children (uvicorn's workers), summed,
    in MiB."""
    total = 0.0
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            total += int(line.split()[1]) / 1024
    for task in Path(f"/proc/{pid}/task").iterdir():
        for child in (task / "children").read_text().split():
            total += peak_rss_mib(int(child))
    return total


@dataclass(frozen=True)
class Served:
    """One `newsrag serve` under load: its workers, cold start, /health p50, levels, peak RSS."""

    workers: int
    started: float
    floor: float
    levels: list[Level]
    rss: float

    @property
    def ten(self) -> Level:
        return next(done for done in self.levels if done.clients == 10)


def serve(env: dict[str, str], workers: int, requests: int) -> Served:
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    command = [str(NEWSRAG), "serve", "--port", str(port), "--workers", str(workers)]
    server = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL)
    try:
        started = wait_healthy(base, server)
        floor = health_p50(base)
        levels = [asyncio.run(level(base, clients, requests)) for clients in LEVELS]
        rss = peak_rss_mib(server.pid)
    finally:
        server.terminate()
        server.wait(30)
    return Served(workers, started, floor, levels, rss)


def report(served: Served, first: Served) -> None:
    print(f"\n{served.workers} worker(s): cold start until /health is ok {served.started:.1f} s")
    print(f"GET /health p50 (baseline): {served.floor * 1000:.1f} ms")
    print("| clients | requests | failures | req/s | p50 ms | p95 ms | p50 / health p50 |")
    print("|---|---|---|---|---|---|---|")
    for done in served.levels:
        print(
            f"| {done.clients} | {done.requests} | {done.failures} | "
            f"{done.requests / done.seconds:.1f} | {done.p50 * 1000:.0f} | "
            f"{done.p95 * 1000:.0f} | {done.p50 / served.floor:.0f}x |"
        )
    ratio = served.ten.p50 / first.ten.p50
    print(f"10-client p50 as a ratio to {first.workers} worker(s)': {ratio:.2f}")
    print(f"server peak RSS after the load: {served.rss:.0f} MiB (target <= 1536 MiB)")


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--articles", type=int, default=120)
    parser.add_argument("--requests", type=int, default=100, help="chat requests per level")
    parser.add_argument("--workers", default="1,2", help="worker processes of each server")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="newsrag-bench-") as temp:
        work = Path(temp)
        articles = work / "articles.jsonl"
        with WIKINEWS.open(encoding="utf-8") as source:
            lines = [line for _, line in zip(range(args.articles), source, strict=False)]
        articles.write_text("".join(lines), encoding="utf-8")
        database = LocalPostgres(work / "db")
        database.init()
        env = newsrag_env(work, DATABASE_URL=database.uri)
        try:
            ingest = [str(NEWSRAG), "ingest", str(articles)]
            subprocess.run(ingest, env=env, check=True, capture_output=True)
            runs = [serve(env, int(n), args.requests) for n in args.workers.split(",")]
        finally:
            database.close()
    for served in runs:
        report(served, runs[0])
    first, last = runs[0], runs[-1]
    print(
        f"chat_p50_10_clients_ms {first.ten.p50 * 1000:.0f} cold_start_s {first.started:.1f} "
        f"rss_mib {first.rss:.0f} workers {last.workers} "
        f"workers_chat_p50_10_clients_ms {last.ten.p50 * 1000:.0f} "
        f"workers_cold_start_s {last.started:.1f} workers_rss_mib {last.rss:.0f}"
    )
    return 1 if any(done.failures for served in runs for done in served.levels) else 0


if __name__ == "__main__":
    sys.exit(main())
