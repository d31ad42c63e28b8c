"""Reads that tolerate a little lag (searches) on PostgreSQL read replicas.

NEWSRAG_DATABASE_READ_URLS names hot standbys of DATABASE_URL. Each search goes to the next
replica in turn; a replica that fails (down, its connection lost mid-query, or a query it
refuses, such as one cancelled by a conflict with recovery) is skipped for a while, twice as
long after each failure in a row (1 s up to 30 s), and the same read is done again on the next
replica, else on the primary: a replica going away fails no search. Writes, and reads that must
see them (ingestion, jobs, sessions kept in PostgreSQL), always use the primary.
"""

from __future__ import annotations

import itertools
import logging
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

import psycopg
from psycopg.conninfo import conninfo_to_dict

from newsrag.errors import ConfigurationError, StorageError
from newsrag.masking import mask_url
from newsrag.store.database import Database, Waits, first_line

log = logging.getLogger(__name__)

T = TypeVar("T")
FIRST_BACKOFF = 1.0
MAX_BACKOFF = 30.0
# A replica that does not answer is given up on quickly: the read goes elsewhere.
REPLICA_WAITS = Waits(pool=1.0, down=0.5, reconnect=2.0)
# Seconds behind the primary: 0 when it has replayed all it received, else since the last
# transaction it replayed; NULL on a server that is not a standby.
LAG = """
    SELECT CASE
        WHEN NOT pg_is_in_recovery() THEN NULL
        WHEN pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() THEN 0.0
        ELSE EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp())::float8
    END
"""


@dataclass(frozen=True)
class ReplicaState:
    """How a replica is: "ok" with its lag in seconds, or "down" with why and when it is tried
    again."""

    url: str
    state: str
    lag_seconds: float | None = None
    error: str | None = None
    retry_in_seconds: float | None = None


@dataclass
class _Health:
    failures: int = 0
    retry_at: float = 0.0
    error: str | None = None


class ReadRouting:
    """The replicas in turn for lag-tolerant reads, skipping those that failed lately, then the
    primary."""

    def __init__(
        self,
        primary: Database,
        replicas: Sequence[Database],
        *,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.primary = primary
        self.replicas = list(replicas)
        self.clock = clock
        self._health = {id(replica): _Health() for replica in self.replicas}
        self._turn = itertools.count()
        self._lock = threading.Lock()

    def read(self, work: Callable[[psycopg.Connection[Any]], T]) -> T:
        """`work` done on the next replica that answers, else on the primary."""
        for replica in self._candidates():
            try:
                result = replica.read(work)
            except StorageError as exc:
                self._failed(replica, exc.message)
                continue
            except psycopg.Error as exc:  # a standby's own refusal: a conflict with recovery
                self._failed(replica, f"{type(exc).__name__}: {first_line(exc)}")
                continue
            self._answered(replica)
            return result
        return self.primary.read(work)

    @property
    def all_down(self) -> bool:
        """Whether replicas are configured and every one is being skipped."""
        now = self.clock()
        return bool(self.replicas) and all(
            health.retry_at > now for health in self._health.values()
        )

    def states(self) -> list[ReplicaState]:
        """Each replica's state; one that is not skipped is asked its lag."""
        now = self.clock()
        found = []
        for replica in self.replicas:
            health = self._health[id(replica)]
            if health.retry_at > now:
                retry = round(health.retry_at - now, 1)
                found.append(ReplicaState(replica.display_uri, "down", None, health.error, retry))
                continue
            try:
                row = replica.read(lambda conn: conn.execute(LAG).fetchone())
            except StorageError as exc:
                self._failed(replica, exc.message)
                found.append(ReplicaState(replica.display_uri, "down", None, exc.message))
                continue
            lag = None if row is None or row[0] is None else round(float(row[0]), 3)
            found.append(ReplicaState(replica.display_uri, "ok", lag))
        return found

    def close(self) -> None:
        for replica in self.replicas:
            replica.close()

    def _candidates(self) -> list[Database]:
        """The replicas not being skipped, starting with the next in turn."""
        now = self.clock()
        with self._lock:
            start = next(self._turn)
        count = len(self.replicas)
        ordered = [self.replicas[(start + index) % count] for index in range(count)]
        return [replica for replica in ordered if self._health[id(replica)].retry_at <= now]

    def _failed(self, replica: Database, error: str) -> None:
        with self._lock:
            health = self._health[id(replica)]
            backoff = min(MAX_BACKOFF, FIRST_BACKOFF * 2**health.failures)
            health.failures += 1
            health.retry_at = self.clock() + backoff
            health.error = error
        log.warning(
            "read replica %s failed (%s); reads skip it for %.0f s",
            replica.display_uri,
            error,
            backoff,
        )

    def _answered(self, replica: Database) -> None:
        health = self._health[id(replica)]
        if health.failures:
            with self._lock:
                health.failures, health.retry_at, health.error = 0, 0.0, None
            log.info("read replica %s answers again", replica.display_uri)


def open_replicas(urls: Sequence[str]) -> list[Database]:
    """A pool per replica URL, opened without waiting for the servers."""
    for url in urls:
        try:
            conninfo_to_dict(url)
        except psycopg.ProgrammingError:
            raise ConfigurationError(  # not chained: psycopg's message shows the password
                f"NEWSRAG_DATABASE_READ_URLS holds {mask_url(url)}, not a PostgreSQL URL: "
                "list postgresql://user:password@host:5432/dbname URLs, comma-separated.",
                code="invalid_database_url",
            ) from None
    return [Database(url, embedded=False, waits=REPLICA_WAITS, replica=True) for url in urls]
