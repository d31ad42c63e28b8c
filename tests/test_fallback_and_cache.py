"""The local fallback for a failing remote MiniLM, provider errors through the HTTP API with the
real wiring, and the embedding cache (per model, per text)."""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Sequence
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from fastapi.testclient import TestClient

from newsrag.api.app import create_app
from newsrag.embeddings import create_embedder
from newsrag.embeddings.base import Vectors
from newsrag.embeddings.cache import CachedEmbedder
from newsrag.embeddings.fallback import FallbackEmbedder
from newsrag.embeddings.hf import HFEmbedder
from newsrag.embeddings.local import LocalEmbedder
from newsrag.errors import PermissionDenied, ProviderUnreachable
from newsrag.ingest.chunking import chunk_article
from newsrag.services import build_services
from newsrag.store.cache import EmbeddingCache
from tests.conftest import FakeEmbedder, article, make_settings, wikinews_rows
from tests.provider_helpers import (
    HF_TOKEN,
    MODEL,
    remote_embedder,
    remote_settings,
    remote_values,
    server_fixture,  # noqa: F401  (the `server` fixture)
    unused_url,
)
from tests.provider_server import ProviderServer, forbidden, retired, server_error

PERMISSION = "The Hugging Face token hf_…abcd may not call Inference Providers (403: "


def warnings(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [
        r.getMessage()
        for r in caplog.records
        if r.levelno >= logging.WARNING and r.name.startswith("newsrag")
    ]


# --- fallback ----------------------------------------------------------------------------------


def test_a_forbidden_remote_minilm_falls_back_to_the_local_model(
    server: ProviderServer, minilm: LocalEmbedder, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    server.always(forbidden())
    embedder = create_embedder(remote_settings("hf", server.url))
    assert isinstance(embedder, FallbackEmbedder)
    text = "Firefox 1.0 was released by the Mozilla Foundation"

    vector = embedder.embed_one(text)

    assert float(np.dot(vector, minilm.embed_one(text))) > 0.999
    state = embedder.state()
    assert state.state == "degraded"
    assert state.detail.startswith(PERMISSION)
    assert '"Make calls to Inference Providers"' in state.detail
    assert state.fallback == f"local {MODEL}"
    (line,) = warnings(caplog)
    assert line == f"embedding locally with {MODEL} until the provider recovers: {state.detail}"
    assert HF_TOKEN not in caplog.text
    embedder.embed_one("another question")  # within the cooldown: local, no new request or log
    assert len(server.embedding_requests()) == 1
    assert len(warnings(caplog)) == 1


def test_without_fallback_the_permission_error_propagates(server: ProviderServer) -> None:
    server.always(forbidden())
    embedder = create_embedder(remote_settings("hf", server.url, embedding_fallback="none"))
    assert isinstance(embedder, HFEmbedder)

    with pytest.raises(PermissionDenied) as caught:
        embedder.embed_one("budget approved")

    assert caught.value.message.startswith(PERMISSION)


def test_another_remote_model_is_not_wrapped_and_its_error_propagates(
    server: ProviderServer,
) -> None:
    server.always(forbidden())
    embedder = create_embedder(
        remote_settings("hf", server.url, embedding_model="BAAI/bge-small-en-v1.5")
    )
    assert isinstance(embedder, HFEmbedder)

    with pytest.raises(PermissionDenied):
        embedder.embed_one("budget approved")


def test_the_fallback_recovers_when_the_provider_answers_again(
    server: ProviderServer, minilm: LocalEmbedder
) -> None:
    now = [0.0]
    server.queue(forbidden())
    embedder = FallbackEmbedder(
        remote_embedder("hf", server.url), minilm, cooldown=60, clock=lambda: now[0]
    )
    embedder.embed_one("first")
    assert embedder.state().state == "degraded"

    now[0] = 61.0
    embedder.embed_one("second")

    assert embedder.state().state == "ok"
    assert len(server.embedding_requests()) == 2


def timed_fallback(url: str) -> tuple[float, FallbackEmbedder]:
    embedder = create_embedder(remote_settings("hf", url))  # default timeout, retries and budget
    assert isinstance(embedder, FallbackEmbedder)
    embedder.fallback.embed_one("load the model before timing")
    started = time.monotonic()
    vectors = embedder.embed(["How long does a failing provider delay a question?"])
    elapsed = time.monotonic() - started
    assert vectors.shape == (1, 384)
    assert embedder.state().state == "degraded"
    return elapsed, embedder


def test_a_503_provider_delays_the_fallback_by_less_than_2_5_s(server: ProviderServer) -> None:
    server.always(server_error(503))
    elapsed, _ = timed_fallback(server.url)

    print(f"503 answers delayed the fallback by {elapsed:.2f} s")
    assert len(server.embedding_requests()) == 3
    assert elapsed < 2.5


def test_a_refused_connection_delays_the_fallback_by_less_than_2_5_s() -> None:
    elapsed, embedder = timed_fallback(unused_url())

    print(f"a refused connection delayed the fallback by {elapsed:.2f} s")
    assert isinstance(embedder._last_error, ProviderUnreachable)
    assert elapsed < 2.5


# --- through the API, with the real wiring -----------------------------------------------------


@contextmanager
def api(corpus_uri: str, tmp_path: Path, server: ProviderServer, **overrides: object) -> Any:
    values = {**remote_values("hf", server.url), "embedding_fallback": "none", **overrides}
    services = build_services(make_settings(corpus_uri, tmp_path, **values))
    try:
        with TestClient(create_app(services=services)) as client:
            yield client
    finally:
        services.close()


def ask(client: TestClient, session_id: str, message: str) -> tuple[int, dict[str, Any]]:
    response = client.post("/api/chat", json={"sessionId": session_id, "message": message})
    body: dict[str, Any] = response.json()
    return response.status_code, body


def question(text: str) -> str:
    """A question no other test asks (the embedding cache would answer it without a request).
    The nonce is lower-case letters: a name or number the news lacks would make it uncovered."""
    nonce = "".join(chr(ord("a") + int(c, 16)) for c in uuid.uuid4().hex[:8])
    return f"{text} (ref {nonce})"


def test_a_retired_endpoint_is_a_503_naming_the_router_and_the_message_is_kept(
    corpus_uri: str, tmp_path: Path, server: ProviderServer
) -> None:
    server.always(retired())
    session, message = uuid.uuid4().hex, question("What did the city council decide?")
    with api(corpus_uri, tmp_path, server) as client:
        status, body = ask(client, session, message)
        history = client.get(f"/api/history/{session}").json()

    assert status == 503
    assert set(body) == {"success", "error", "code"}
    assert body["success"] is False
    assert body["code"] == "endpoint_retired"
    assert body["error"].endswith(
        "set NEWSRAG_HF_ENDPOINT=https://router.huggingface.co (or unset it)."
    )
    assert [(m["role"], m["content"]) for m in history["messages"]] == [("user", message)]


def test_a_forbidden_token_is_a_503_permission_denied(
    corpus_uri: str, tmp_path: Path, server: ProviderServer
) -> None:
    server.always(forbidden())
    with api(corpus_uri, tmp_path, server) as client:
        status, body = ask(client, uuid.uuid4().hex, question("Who won the election?"))

    assert status == 503
    assert body["code"] == "permission_denied"
    assert body["error"].startswith(PERMISSION)
    assert HF_TOKEN not in body["error"]


@pytest.mark.model
def test_with_the_local_fallback_a_forbidden_token_still_answers_from_the_corpus(
    corpus_uri: str, tmp_path: Path, server: ProviderServer
) -> None:
    server.always(forbidden())
    with api(corpus_uri, tmp_path, server, embedding_fallback="local") as client:
        status, body = ask(client, uuid.uuid4().hex, question("When was Firefox 1.0 released?"))
        health = client.get("/health")

    assert status == 200, body
    assert body["covered"] is True
    assert any("Firefox" in source["title"] for source in body["sources"])
    assert all(s["url"].startswith("https://en.wikinews.org/wiki/") for s in body["sources"])
    assert health.status_code == 200
    report = health.json()
    assert report["status"] == "degraded"
    assert report["embeddings"]["state"] == "degraded"
    assert report["embeddings"]["error"].startswith(PERMISSION)
    assert report["embeddings"]["fallback"] == f"local {MODEL}"


def test_asking_the_same_question_twice_embeds_it_once(
    corpus_uri: str, tmp_path: Path, server: ProviderServer
) -> None:
    message = question("What happened to the Firefox browser?")
    with api(corpus_uri, tmp_path, server) as client:
        first, _ = ask(client, uuid.uuid4().hex, message)
        second, _ = ask(client, uuid.uuid4().hex, message)

    assert (first, second) == (200, 200)
    sent = [r for r in server.embedding_requests() if any(message in t for t in r.body["inputs"])]
    assert len(sent) == 1


# --- the embedding cache -----------------------------------------------------------------------


class Recording(FakeEmbedder):
    def __init__(self, model_name: str | None = None) -> None:
        super().__init__(model_name=model_name)
        self.texts: list[str] = []

    def embed_batch(self, texts: Sequence[str]) -> Vectors:
        self.texts.extend(texts)
        return super().embed_batch(texts)


def test_reingesting_a_changed_article_embeds_only_its_new_chunks(
    fresh_uri: str, tmp_path: Path
) -> None:
    inner = Recording()
    settings = make_settings(fresh_uri, tmp_path, chunk_tokens=60, chunk_overlap=0)
    services = build_services(settings, embedder=inner)
    try:
        row = wikinews_rows(1)[0]
        body = str(row["body"])
        before = article("https://example.org/long", body=body, title=str(row["title"]))
        after = replace(before, body=body + "\n\nA late paragraph was added.")
        old = [c.embedding_text for c in chunk_article(before, 60, 0)]
        new = [c.embedding_text for c in chunk_article(after, 60, 0)]
        assert len(old) >= 3

        services.ingestor.ingest_articles([before])
        assert inner.texts == old
        inner.texts.clear()
        report = services.ingestor.ingest_articles([after])
    finally:
        services.close()

    assert report.updated == 1
    assert inner.texts == [text for text in new if text not in old]
    assert 1 <= len(inner.texts) < len(old)


def test_cached_vectors_equal_the_originals_and_cost_no_call(fresh_db: Any) -> None:
    inner = Recording()
    cached = CachedEmbedder(inner, EmbeddingCache(fresh_db))
    texts = ["the council approved the budget", "a storm hit the coast", "the council met"]

    first = cached.embed(texts)
    inner.texts.clear()
    again = cached.embed([texts[2], texts[0], texts[2]])

    assert inner.texts == []
    assert np.array_equal(again, first[[2, 0, 2]])
    assert np.allclose(first, FakeEmbedder().embed(texts), atol=1e-7)


def test_the_cache_is_keyed_per_model(fresh_db: Any) -> None:
    cache = EmbeddingCache(fresh_db)
    texts = ["the council approved the budget", "a storm hit the coast"]
    CachedEmbedder(Recording(), cache).embed(texts)
    other = Recording(model_name="BAAI/bge-small-en-v1.5")

    CachedEmbedder(other, cache).embed(texts)

    assert other.texts == texts
    assert cache.count(MODEL) == 2
    assert cache.count("BAAI/bge-small-en-v1.5") == 2


def forget_database_cache(db: Any) -> None:
    with db.connection() as conn:
        conn.execute("DELETE FROM embedding_cache")


def test_vectors_used_lately_are_kept_in_the_process(fresh_db: Any) -> None:
    inner = Recording()
    cached = CachedEmbedder(inner, EmbeddingCache(fresh_db))
    cached.embed(["the council approved the budget", "a storm hit the coast"])
    forget_database_cache(fresh_db)
    inner.texts.clear()

    cached.embed(["a storm hit the coast"])

    assert inner.texts == []


def test_the_process_keeps_the_most_recently_used_vectors_only(fresh_db: Any) -> None:
    inner = Recording()
    cached = CachedEmbedder(inner, EmbeddingCache(fresh_db), memory=2)
    cached.embed(["first text here", "second text here"])
    cached.embed(["first text here"])  # used again: the second is now the oldest
    cached.embed(["third text here"])
    forget_database_cache(fresh_db)
    inner.texts.clear()

    cached.embed(["first text here", "second text here", "third text here"])

    assert inner.texts == ["second text here"]
