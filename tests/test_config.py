from pathlib import Path

import pytest
from pydantic import ValidationError

from newsrag.config import DEFAULT_SOURCES, Settings


def test_defaults_need_no_token_and_no_server() -> None:
    settings = Settings(_env_file=None)
    assert settings.database_url is None
    assert settings.redis_url is None
    assert settings.embedding_provider == "onnx"
    assert settings.generator == "extractive"
    assert settings.port == 3000
    assert settings.session_ttl == 1800
    assert settings.sources == list(DEFAULT_SOURCES)


def test_environment_variables_override_defaults(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_URL", "postgresql://u@db/news")
    monkeypatch.setenv("REDIS_URL", "redis://cache:6379/0")
    monkeypatch.setenv("NEWSRAG_SOURCES", "a.jsonl, https://x.example/feed.xml ,")
    monkeypatch.setenv("NEWSRAG_REFRESH_MINUTES", "0")
    monkeypatch.setenv("NEWSRAG_CORS_ORIGINS", "http://localhost:5173")
    settings = Settings(_env_file=None)
    assert settings.database_url == "postgresql://u@db/news"
    assert settings.redis_url == "redis://cache:6379/0"
    assert settings.sources == ["a.jsonl", "https://x.example/feed.xml"]
    assert settings.refresh_minutes == 0
    assert settings.cors_origins == ["http://localhost:5173"]


def test_the_old_session_ttl_name_is_honoured(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("REDIS_SESSION_TTL", "600")
    assert Settings(_env_file=None).session_ttl == 600


def test_a_dotenv_file_is_read(tmp_path: Path) -> None:
    env = tmp_path / ".env"
    env.write_text("NEWSRAG_PORT=4000\nNEWSRAG_TOP_K=3\n", encoding="utf-8")
    settings = Settings(_env_file=env)
    assert (settings.port, settings.top_k) == (4000, 3)


def test_an_overlap_as_large_as_the_chunk_is_refused() -> None:
    with pytest.raises(ValidationError, match="NEWSRAG_CHUNK_OVERLAP"):
        Settings(_env_file=None, chunk_tokens=100, chunk_overlap=100)
