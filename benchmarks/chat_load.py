"""POST /api/chat under 1, 10 and 50 concurrent clients against a real `newsrag serve`.

    .venv/bin/python benchmarks/chat_load.py [--articles 120] [--requests 40]

Starts its own PostgreSQL (scripts/faultlib.py), ingests the first `--articles` Wikinews
articles of ../shared/data, and serves them with the configured generator (extractive unless
NEWSRAG_GENERATOR says otherwise) and no rate limits. Reports the cold start of `newsrag serve`
until /health answers 200, then, per level of concurrency, throughput and latency p50/p95 of
chat requests (the dev set's questions, each client its own session), and the server's peak RSS
after the load. Latencies are also printed as ratios to GET /health's in the same run (the
cost of a request that does no work), since absolute times on a shared machine mean little.
Targets (issue 8): chat p50 <= 150 ms at 10 clients, cold start <= 10 s, peak RSS <= 1.5 GiB.
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
    """VmHWM (peak resident set) of the process, in MiB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--articles", type=int, default=120)
    parser.add_argument("--requests", type=int, default=100, help="chat requests per level")
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
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        server: subprocess.Popen[bytes] | None = None
        try:
            ingest = [str(NEWSRAG), "ingest", str(articles)]
            subprocess.run(ingest, env=env, check=True, capture_output=True)
            serve = [str(NEWSRAG), "serve", "--port", str(port)]
            server = subprocess.Popen(serve, env=env, stdout=subprocess.DEVNULL)
            started = wait_healthy(base, server)
            floor = health_p50(base)
            levels = [asyncio.run(level(base, clients, args.requests)) for clients in LEVELS]
            rss = peak_rss_mib(server.pid)
        finally:
            if server is not None:
                server.terminate()
                server.wait(30)
            database.close()
    print(f"cold start until /health is ok: {started:.1f} s (target <= 10 s)")
    print(f"GET /health p50 (baseline): {floor * 1000:.1f} ms")
    print("| clients | requests | failures | req/s | p50 ms | p95 ms | p50 / health p50 |")
    print("|---|---|---|---|---|---|---|")
    for done in levels:
        print(
            f"| {done.clients} | {done.requests} | {done.failures} | "
            f"{done.requests / done.seconds:.1f} | {done.p50 * 1000:.0f} | "
            f"{done.p95 * 1000:.0f} | {done.p50 / floor:.0f}x |"
        )
    print(f"server peak RSS after the load: {rss:.0f} MiB (target <= 1536 MiB)")
    ten = next(done for done in levels if done.clients == 10)
    print(
        f"chat_p50_10_clients_ms {ten.p50 * 1000:.0f} cold_start_s {started:.1f} rss_mib {rss:.0f}"
    )
    return 1 if any(done.failures for done in levels) else 0


if __name__ == "__main__":
    sys.exit(main())
