"""All of newsrag's settings, read once from the environment and `.env`.

Nothing else in the package reads the environment: every setting has an environment variable
(shown in `Field(validation_alias=...)` or as `NEWSRAG_<NAME>`), documented in the README.
"""

from __future__ import annotations

import os
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Literal

from pydantic import (
    AliasChoices,
    Field,
    SecretStr,
    ValidationError,
    ValidationInfo,
    field_validator,
)
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from newsrag.errors import ConfigurationError

DEFAULT_SOURCES = (
    "https://feeds.bbci.co.uk/news/rss.xml",
    "https://feeds.npr.org/1001/rss.xml",
    "https://www.theguardian.com/world/rss",
)

CommaList = Annotated[list[str], NoDecode]


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="NEWSRAG_",
        env_file=".env",
        env_file_encoding="utf-8",
        extra="ignore",
        populate_by_name=True,
    )

    database_url: str | None = Field(
        default=None, validation_alias=AliasChoices("DATABASE_URL", "NEWSRAG_DATABASE_URL")
    )
    # Hot standbys of DATABASE_URL for searches (store/replicas.py), comma-separated.
    database_read_urls: CommaList = Field(default_factory=list)
    data_dir: Path = Path(".newsrag")
    redis_url: str | None = Field(
        default=None, validation_alias=AliasChoices("REDIS_URL", "NEWSRAG_REDIS_URL")
    )
    session_ttl: int = Field(
        default=1800,
        gt=0,
        validation_alias=AliasChoices("NEWSRAG_SESSION_TTL", "REDIS_SESSION_TTL"),
    )
    session_store: str = "auto"

    embedding_provider: str = "onnx"
    embedding_model: str = "sentence-transformers/all-MiniLM-L6-v2"
    embedding_batch: int = Field(default=32, gt=0, le=1024)
    embedding_concurrency: int = Field(default=4, gt=0, le=64)
    embedding_fallback: Literal["local", "none"] = "local"
    # ONNX Runtime embedder (`onnx`, the default): int8 (the default since issue 18) about
    # twice as fast as fp32 at cosine ~0.996 to `local`'s vectors, which fp32 gives exactly;
    # 0 threads = one per core.
    onnx_precision: Literal["fp32", "int8"] = "int8"
    onnx_threads: int = Field(default=0, ge=0, le=256)
    # Where the exported graphs are kept (default: NEWSRAG_DATA_DIR/onnx).
    onnx_dir: Path | None = None

    hf_token: SecretStr | None = Field(
        default=None,
        validation_alias=AliasChoices("HF_TOKEN", "HUGGINGFACE_API_KEY", "NEWSRAG_HF_TOKEN"),
    )
    hf_provider: str = "hf-inference"
    hf_endpoint: str = "https://router.huggingface.co"
    hf_hub_endpoint: str = Field(
        default="https://huggingface.co",
        validation_alias=AliasChoices("NEWSRAG_HF_HUB_ENDPOINT", "HF_ENDPOINT"),
    )
    openai_base_url: str = "https://api.openai.com/v1"
    openai_api_key: SecretStr | None = Field(
        default=None, validation_alias=AliasChoices("OPENAI_API_KEY", "NEWSRAG_OPENAI_API_KEY")
    )
    provider_timeout: float = Field(default=10.0, gt=0)
    provider_retries: int = Field(default=2, ge=0, le=10)
    provider_retry_budget: float = Field(default=1.5, ge=0)

    generator: str = "extractive"
    generator_fallback: Literal["extractive", "none"] = "extractive"
    llm_model: str | None = None
    llm_provider: str = "auto"
    llm_gguf: Path | None = None
    llm_max_tokens: int = Field(default=256, gt=0, le=4096)
    llm_temperature: float = Field(default=0.2, ge=0.0, le=2.0)
    llm_context_tokens: int = Field(default=2048, ge=512, le=131072)
    llm_threads: int | None = Field(default=None, gt=0, le=256)
    top_k: int = Field(default=5, gt=0, le=50)
    candidates: int = Field(default=40, gt=0, le=1000)
    retrieval_mode: Literal["hybrid", "dense", "text"] = "hybrid"
    dense_candidates: int = Field(default=40, ge=0, le=1000)
    text_candidates: int = Field(default=40, ge=0, le=1000)
    # hnsw.ef_search of the vector search is at least this, twice the dense candidates and one
    # per NEWSRAG_HNSW_CHUNKS_PER_EF chunks in the store (at most 1000): a wide search lifts
    # recall at 1M chunks, while at 10k it would make the planner prefer an exact scan (18 ms
    # instead of 1.6). See benchmarks/retrieval.py.
    hnsw_ef_search: int = Field(default=40, gt=0, le=1000)
    hnsw_chunks_per_ef: int = Field(default=1000, gt=0)
    # The vector search's index (store/vectors.py): "hnsw", or "ivfflat", exact within the
    # NEWSRAG_IVFFLAT_PROBES lists it scans (recall@10 1.000 at 1M chunks where HNSW finds 0.80)
    # and built again by ingestion whenever the store has doubled since it was trained.
    vector_index: Literal["hnsw", "ivfflat"] = "hnsw"
    ivfflat_probes: int = Field(default=10, gt=0, le=10_000)
    # A store of more chunks than this narrows the full-text search to the query's rarest
    # words (PostgreSQL's statistics), while every word still counts in the rank, and ranks
    # at most NEWSRAG_TEXT_RANK_LIMIT chunks: those holding most of the rarest words first.
    text_budget: int = Field(default=2000, gt=0)
    text_rank_limit: int = Field(default=300, gt=0)
    rrf_k: int = Field(default=60, gt=0, le=1000)
    dense_weight: float = Field(default=1.0, ge=0.0)
    text_weight: float = Field(default=1.0, ge=0.0)
    chunks_per_article: int = Field(default=2, gt=0, le=20)
    # How many of the best articles an answer reads whole (0: only the chunks retrieved).
    read_articles: int = Field(default=2, ge=0, le=10)
    duplicate_overlap: float = Field(default=0.8, gt=0.0, le=1.0)
    dense_lead: float = Field(default=0.1, ge=0.0, le=2.0)
    time_awareness: bool = True
    as_of: date | None = None
    stale_days: int = Field(default=30, ge=0)
    # The refresher deletes articles published more than this many days ago (0: keeps all).
    retention_days: int = Field(default=0, ge=0)
    recency_half_life_days: float = Field(default=7.0, gt=0)
    topic_depth: int = Field(default=20, gt=0, le=1000)
    topic_margin: float = Field(default=0.15, ge=0.0, le=2.0)
    topic_boost: float = Field(default=0.25, ge=0.0)
    min_score: float = Field(default=0.35, ge=-1.0, le=1.0)
    min_source_ratio: float = Field(default=0.7, ge=0.0, le=1.0)
    max_answer_sentences: int = Field(default=4, gt=0, le=20)

    chunk_tokens: int = Field(default=200, ge=50, le=2000)
    chunk_overlap: int = Field(default=40, ge=0, le=500)

    sources: CommaList = Field(default_factory=lambda: list(DEFAULT_SOURCES))
    refresh_minutes: float = Field(default=30, ge=0)
    fetch_timeout: float = Field(default=10.0, gt=0)
    fetch_full_articles: bool = True
    user_agent: str = "newsrag/0.1 (+https://github.com/newsrag/newsrag)"
    # Fetching safely (SSRF): limits per URL, and whether private addresses may be fetched.
    allow_private_urls: bool = False
    fetch_max_bytes: int = Field(default=10_000_000, gt=0)
    fetch_total_timeout: float = Field(default=30.0, gt=0)
    fetch_max_redirects: int = Field(default=5, ge=0, le=20)
    # Bearer token of the admin endpoints (POST /api/ingest, DELETE /api/articles); unset: off.
    admin_token: SecretStr | None = None

    host: str = "127.0.0.1"
    port: int = Field(default=3000, validation_alias=AliasChoices("NEWSRAG_PORT", "PORT"))
    workers: int = Field(default=1, ge=1, le=64)
    # On SIGTERM: stop accepting, let answers in flight (streams too) finish within this many
    # seconds, then exit.
    shutdown_grace: int = Field(default=30, ge=0)
    cors_origins: CommaList = Field(default_factory=lambda: ["*"])
    log_level: str = "INFO"
    # Token buckets (api/ratelimit.py): requests a minute on average and at once; 0 a minute is
    # no limit. Per client address on /api, per session on the chat endpoints.
    rate_limit_per_client: float = Field(default=120, ge=0)
    rate_limit_client_burst: int = Field(default=60, gt=0)
    rate_limit_per_session: float = Field(default=20, ge=0)
    rate_limit_session_burst: int = Field(default=10, gt=0)

    @field_validator("sources", "cors_origins", "database_read_urls", mode="before")
    @classmethod
    def _split_commas(cls, value: object) -> object:
        if isinstance(value, str):
            return [item.strip() for item in value.split(",") if item.strip()]
        return value

    @field_validator("chunk_overlap")
    @classmethod
    def _overlap_below_size(cls, value: int, info: ValidationInfo) -> int:
        size = info.data.get("chunk_tokens", 200)
        if value >= size:
            raise ValueError("NEWSRAG_CHUNK_OVERLAP must be smaller than NEWSRAG_CHUNK_TOKENS")
        return value


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The settings; an invalid value is a ConfigurationError naming its variable."""
    try:
        return Settings()
    except ValidationError as exc:
        raise settings_error(exc) from exc


def settings_error(exc: ValidationError) -> ConfigurationError:
    """One sentence for every invalid setting: its variable, its value (secrets masked), why."""
    from newsrag.masking import mask_secret, mask_url

    problems = []
    for error in exc.errors():
        field = str(error["loc"][0]) if error["loc"] else "?"
        name = field if field.isupper() else f"NEWSRAG_{field.upper()}"
        value = str(error.get("input", ""))
        shown = mask_secret(value) if name in SECRET_VARIABLES else mask_url(value)[:80]
        problems.append(f"{name}={shown!r} ({error['msg'].rstrip('.')})")
    return ConfigurationError(
        f"Invalid setting {'; '.join(problems)}: correct it in the environment or .env, or unset "
        "it for the default.",
        code="invalid_setting",
    )


SECRET_VARIABLES = (
    "HF_TOKEN",
    "HUGGINGFACE_API_KEY",
    "NEWSRAG_HF_TOKEN",
    "OPENAI_API_KEY",
    "NEWSRAG_ADMIN_TOKEN",
)
OTHER_VARIABLES = ("DATABASE_URL", "REDIS_URL", "REDIS_SESSION_TTL", "PORT", "HF_ENDPOINT")


def configured_variables(env_file: Path = Path(".env")) -> dict[str, str]:
    """The newsrag variables set in the environment or in `env_file`, secrets masked, for
    `newsrag doctor`. The environment wins over the file, as in `Settings`."""
    from dotenv import dotenv_values

    from newsrag.masking import mask_secret, mask_url

    found = {k: v or "" for k, v in dotenv_values(env_file).items()} if env_file.exists() else {}
    found.update(os.environ)
    names = [
        n for n in found if n.startswith("NEWSRAG_") or n in OTHER_VARIABLES + SECRET_VARIABLES
    ]
    return {
        name: mask_secret(found[name]) if name in SECRET_VARIABLES else mask_url(found[name])
        for name in sorted(names)
    }
