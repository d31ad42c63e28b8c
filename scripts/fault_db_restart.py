"""Fault script: stop PostgreSQL, then Redis, under a running `newsrag serve`; check 503s in the
error envelope while they are down and answers again after they are back, without restarting
newsrag.

Each phase starts `newsrag serve` on a free port against a private PostgreSQL
(faultlib.LocalPostgres, as DATABASE_URL) and, for Redis, a private redis-server (as REDIS_URL),
then sends POST /api/chat in a loop: UP (all 200), DOWN (after `pg_ctl stop -m fast` or
`kill -9` of redis-server: every answer a 503 `{"success": false, ...}` within REQUEST_TIMEOUT
seconds, never a 500 or a hang), BACK (the same server started again on the same port and data:
the first 200 within RECOVERY_BOUND seconds, then all 200). Exits 1 when a check fails.

    .venv/bin/python scripts/fault_db_restart.py
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import httpx
from faultlib import HOST, NEWSRAG, LocalPostgres, LocalRedis, free_port, newsrag_env, wait_until

REQUEST_TIMEOUT = 25.0
RECOVERY_BOUND = 30.0
DOWN_REQUESTS = 4
UP_REQUESTS = 3
START_TIMEOUT = 180.0


@dataclass
class Phase:
    name: str
    counts: Counter[str] = field(default_factory=Counter)
    slowest: float = 0.0
    problems: list[str] = field(default_factory=list)

    def line(self) -> str:
        counts = ", ".join(f"{k}: {v}" for k, v in sorted(self.counts.items()))
        return f"  {self.name:<22} {counts or '-'}; slowest {self.slowest:.2f} s"


def ask(client: httpx.Client, phase: Phase, session: str) -> str:
    """One chat request; returns and counts its outcome: "200", "503", "timeout", or other."""
    started = time.monotonic()
    try:
        response = client.post(
            "/api/chat", json={"sessionId": session, "message": "What happened in Iraq?"}
        )
    except httpx.TimeoutException:
        outcome = "timeout"
    except httpx.HTTPError as exc:
        outcome = f"error {type(exc).__name__}"
    else:
        outcome = str(response.status_code)
        if response.status_code == 503 and response.json().get("success") is not False:
            outcome = "503 without envelope"
    phase.slowest = max(phase.slowest, time.monotonic() - started)
    phase.counts[outcome] += 1
    return outcome


def expect_all(client: httpx.Client, phase: Phase, wanted: str, times: int) -> None:
    for _ in range(times):
        outcome = ask(client, phase, phase.name.replace(" ", "-"))
        if outcome != wanted:
            phase.problems.append(f"{phase.name}: got {outcome}, wanted {wanted}")


def recover(client: httpx.Client, phase: Phase) -> float | None:
    """Seconds until the first 200, or None when none came within RECOVERY_BOUND."""
    started = time.monotonic()
    while time.monotonic() - started < RECOVERY_BOUND:
        outcome = ask(client, phase, "recovery")
        if outcome == "200":
            return time.monotonic() - started
        if outcome != "503":
            phase.problems.append(f"{phase.name}: got {outcome} while recovering")
        time.sleep(0.5)
    phase.problems.append(f"{phase.name}: no 200 within {RECOVERY_BOUND:.0f} s")
    return None


def fault_cycle(
    label: str,
    env: dict[str, str],
    folder: Path,
    stop: Callable[[], None],
    start: Callable[[], None],
) -> list[str]:
    """Serve, ask (up), stop the dependency, ask (down), start it, ask (back); print figures."""
    port = free_port()
    log = (folder / f"serve-{label}.log").open("wb")
    server = subprocess.Popen(
        [str(NEWSRAG), "serve", "--host", HOST, "--port", str(port)],
        env=env,
        cwd=folder,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://{HOST}:{port}"
    try:
        if not wait_until(lambda: _answers(base), START_TIMEOUT, step=1.0):
            return [f"{label}: newsrag serve did not answer within {START_TIMEOUT:.0f} s"]
        phases = [Phase(f"{label} up"), Phase(f"{label} down"), Phase(f"{label} back")]
        with httpx.Client(base_url=base, timeout=REQUEST_TIMEOUT) as client:
            expect_all(client, phases[0], "200", UP_REQUESTS)
            stop()
            expect_all(client, phases[1], "503", DOWN_REQUESTS)
            start()
            recovered = recover(client, phases[2])
            expect_all(client, phases[2], "200", UP_REQUESTS)
        alive = server.poll() is None
        took = f"{recovered:.2f} s" if recovered is not None else "never"
        print(f"{label}: recovery {took} after restart; newsrag still running: {alive}")
        for phase in phases:
            print(phase.line())
        problems = [p for phase in phases for p in phase.problems]
        slow = [p.name for p in phases if p.slowest >= REQUEST_TIMEOUT]
        problems += [f"{name}: a request took the whole timeout" for name in slow]
        return problems + ([] if alive else [f"{label}: newsrag serve exited"])
    finally:
        server.terminate()
        try:
            server.wait(15)
        except subprocess.TimeoutExpired:
            server.kill()
        log.close()


def _answers(base: str) -> bool:
    try:
        return httpx.get(base + "/health", timeout=2).status_code < 500
    except httpx.HTTPError:
        return False


def main() -> int:
    folder = Path(tempfile.mkdtemp(prefix="newsrag-fault-restart-"))
    postgres = LocalPostgres(folder)
    redis = LocalRedis(folder)
    problems: list[str] = []
    try:
        postgres.init()
        env = newsrag_env(folder, DATABASE_URL=postgres.uri)
        problems += fault_cycle("postgres", env, folder, postgres.stop, postgres.start)
        redis.start()
        env = newsrag_env(folder, DATABASE_URL=postgres.uri, REDIS_URL=redis.url)
        problems += fault_cycle("redis", env, folder, redis.kill, redis.start)
    finally:
        redis.close()
        postgres.close()
        if problems:
            print(f"serve logs kept in {folder}")
        else:
            shutil.rmtree(folder, ignore_errors=True)
    for problem in problems:
        print("FAIL: " + problem)
    if problems:
        return 1
    print("OK")
    return 0


if __name__ == "__main__":
    sys.exit(main())
