"""`newsrag doctor`: check each piece the configured mode needs, in order, and say what to do."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

import httpx
import huggingface_hub.constants

from newsrag.config import Settings, configured_variables
from newsrag.embeddings import Embedder, embedders
from newsrag.errors import NewsragError, ProviderError
from newsrag.generation import generators
from newsrag.providers.diagnosis import TOKENS_PAGE, Endpoint, error_text
from newsrag.providers.http import http_boundary
from newsrag.providers.huggingface import hf_token
from newsrag.sessions.redis import RedisSessionStore
from newsrag.store import ArticleStore, Database, VectorIndexes, connect

T = TypeVar("T")
INFERENCE_SCOPE = "inference.serverless.write"
PROBE = "Doctor's check: a sentence to embed."


@dataclass(frozen=True)
class Check:
    component: str
    ok: bool
    detail: str
    fix: str = ""


def run_checks(settings: Settings, env_file: Path = Path(".env")) -> list[Check]:
    """Every check, in order; a check that cannot run because an earlier one failed says so."""
    checks = [_settings_check(settings, env_file)]
    db = _attempt(checks, "database", lambda: connect(settings.database_url, settings.data_dir))
    if db is not None:
        checks.append(_database_check(db, VectorIndexes(db, settings.vector_index)))
    if settings.redis_url:
        checks.append(_redis_check(settings.redis_url))
    embedder = _attempt(
        checks, "embeddings", lambda: embedders.create(settings.embedding_provider, settings)
    )
    if embedder is not None:
        checks.append(_embedding_check(embedder, settings))
        if settings.embedding_provider == "hf" and hf_token(settings) and not hub_offline():
            checks.append(_token_check(settings))
        generator = _attempt(
            checks,
            "generator",
            lambda: generators.create(settings.generator, settings, embedder=embedder),
        )
        if generator is not None:
            checks.append(Check("generator", True, generator.model))
    if db is not None:
        db.close()
    return checks


def hub_offline() -> bool:
    """Whether HF_HUB_OFFLINE keeps huggingface_hub (and so the token check) off the network."""
    return bool(huggingface_hub.constants.HF_HUB_OFFLINE)


def _attempt(checks: list[Check], component: str, step: Callable[[], T]) -> T | None:
    try:
        return step()
    except NewsragError as exc:
        checks.append(Check(component, False, exc.code, exc.message))
        return None


def _settings_check(settings: Settings, env_file: Path) -> Check:
    found = configured_variables(env_file)
    source = f"{env_file} read" if env_file.exists() else "no .env file"
    listed = ", ".join(f"{name}={value}" for name, value in found.items()) or "defaults only"
    mode = f"embeddings={settings.embedding_provider}, generator={settings.generator}"
    return Check("settings", True, f"{source}; {listed}; {mode}")


def _database_check(db: Database, vectors: VectorIndexes) -> Check:
    store = ArticleStore(db)
    try:
        version = store.pgvector_version()
        index = store.index_info()
        stats = store.stats()
        vector_index = vectors.current()
    except NewsragError as exc:
        return Check("database", False, exc.code, exc.message)
    kind = "embedded" if db.embedded else "DATABASE_URL"
    built = f"{index.model} ({index.dimension} dims)" if index else "empty index"
    searched = f"{vector_index.kind or 'no'} vector index"
    if vector_index.lists:
        searched += f" ({vector_index.lists} lists, trained on {vector_index.trained_on} chunks)"
    detail = (
        f"{kind} {db.display_uri}; pgvector {version}; {built}; {searched}; "
        f"{stats.articles} articles"
    )
    if stats.articles == 0:
        return Check("database", True, detail, "run `newsrag ingest` to add news")
    if vector_index.stale(vectors.kind, stats.chunks):
        fix = f"run `newsrag reindex --vectors` to build the {vectors.kind} index it asks for"
        return Check("database", True, detail, f"NEWSRAG_VECTOR_INDEX={vectors.kind}: {fix}")
    return Check("database", True, detail)


def _redis_check(url: str) -> Check:
    store = RedisSessionStore(url, ttl_seconds=1)
    try:
        store.check()
    except NewsragError as exc:
        return Check("redis", False, exc.code, exc.message)
    return Check("redis", True, f"{store.display_url} answers")


def _embedding_check(embedder: Embedder, settings: Settings) -> Check:
    component = f"embeddings ({settings.embedding_provider})"
    try:
        vector = embedder.embed_one(PROBE)
    except NewsragError as exc:
        return Check(component, False, exc.code, exc.message)
    return Check(component, True, f"{embedder.model_name}: {len(vector)} dimensions")


def _token_check(settings: Settings) -> Check:
    """Ask the Hub what the token may do: can it call Inference Providers?"""
    url = settings.hf_hub_endpoint.rstrip("/") + "/api/whoami-v2"
    token = hf_token(settings)
    hub = Endpoint(
        service="the Hugging Face Hub",
        url=url,
        model="",
        token_setting="HF_TOKEN",
        endpoint_setting="NEWSRAG_HF_HUB_ENDPOINT",
        model_setting="NEWSRAG_EMBEDDING_MODEL",
    )
    try:
        with http_boundary(hub, settings.provider_timeout, token):
            response = httpx.get(
                url, headers={"Authorization": f"Bearer {token}"}, timeout=settings.provider_timeout
            )
    except ProviderError as exc:
        return Check("hf token", False, "hub_unreachable", exc.message)
    if response.status_code == 401:
        return Check(
            "hf token",
            False,
            "token_rejected",
            f"The Hub rejects HF_TOKEN as invalid or expired: create one at {TOKENS_PAGE}.",
        )
    if not response.is_success:
        said = error_text(response.content)
        return Check(
            "hf token", False, "hub_error", f"{url} answered {response.status_code}: {said}"
        )
    try:
        info = response.json()
        token = info.get("auth", {}).get("accessToken", {})
        role = token.get("role", "")
        scopes = token.get("fineGrained", {}).get("global", [])
    except (ValueError, AttributeError):
        return Check(
            "hf token",
            False,
            "hub_error",
            f"{url} did not answer with the Hub's whoami JSON: check NEWSRAG_HF_HUB_ENDPOINT.",
        )
    allowed = role in ("read", "write") or INFERENCE_SCOPE in scopes
    who = f"user {info.get('name', '?')}, {role or 'unknown'} token"
    if allowed:
        return Check("hf token", True, f"{who}; may call Inference Providers")
    return Check(
        "hf token",
        False,
        f"{who}; may NOT call Inference Providers",
        f'Create a fine-grained token at {TOKENS_PAGE} with "Make calls to Inference Providers" '
        "and set HF_TOKEN.",
    )
