"""HF_HUB_OFFLINE=1, common in offline deployments, with the `hf` embedder: every way in says so
in one sentence naming the variable (no 500, no traceback), and the default fallback keeps
answering on this machine."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import huggingface_hub.constants
import pytest
from fastapi.testclient import TestClient
from httpx import Response

from newsrag.api.app import create_app
from newsrag.services import build_services
from tests.conftest import make_settings, wikinews_rows, write_jsonl
from tests.provider_helpers import HF_TOKEN, unused_url
from tests.test_cli import Run, run

pytestmark = pytest.mark.model

OFFLINE = {
    "HF_HUB_OFFLINE": "1",
    "HF_TOKEN": HF_TOKEN,
    "NEWSRAG_EMBEDDING_PROVIDER": "hf",
    "NEWSRAG_PROVIDER_RETRIES": "0",
}
NO_FALLBACK = {**OFFLINE, "NEWSRAG_EMBEDDING_FALLBACK": "none"}
SENTENCE = "HF_HUB_OFFLINE is set, which keeps huggingface_hub off the network"


@pytest.fixture
def workdir(tmp_path: Path) -> Path:
    write_jsonl(tmp_path / "three.jsonl", wikinews_rows(3))
    return tmp_path


def assert_one_line(result: Run, prefix: str) -> str:
    assert result.code == 1, result.output
    assert "Traceback" not in result.output
    lines = [line for line in result.stderr.splitlines() if line.startswith(prefix)]
    assert len(lines) == 1, result.stderr
    assert SENTENCE in lines[0]
    assert "unset HF_HUB_OFFLINE" in lines[0]
    return lines[0]


def test_ingest_says_hf_hub_offline_in_one_line(workdir: Path, fresh_uri: str) -> None:
    result = run(workdir, fresh_uri, "ingest", "three.jsonl", **NO_FALLBACK)

    assert assert_one_line(result, "error (hf_hub_offline): ")


def test_ask_says_hf_hub_offline_in_one_line(workdir: Path, fresh_uri: str) -> None:
    result = run(workdir, fresh_uri, "ask", "Any news about Firefox?", **NO_FALLBACK)

    assert assert_one_line(result, "error (hf_hub_offline): ")


def test_doctor_says_hf_hub_offline_in_one_line(workdir: Path, fresh_uri: str) -> None:
    result = run(workdir, fresh_uri, "doctor", **NO_FALLBACK)

    assert assert_one_line(result, "embeddings (hf): ")


def test_ingest_falls_back_to_this_machine_and_names_the_variable(
    workdir: Path, fresh_uri: str
) -> None:
    result = run(workdir, fresh_uri, "ingest", "three.jsonl", **OFFLINE)

    assert result.code == 0, result.output
    assert "Traceback" not in result.output
    assert SENTENCE in result.stderr


@pytest.fixture
def hub_offline(monkeypatch: pytest.MonkeyPatch) -> None:
    """HF_HUB_OFFLINE=1 as huggingface_hub read it when imported."""
    monkeypatch.setattr(huggingface_hub.constants, "HF_HUB_OFFLINE", True)


def offline_chat(database_url: str, folder: Path, fallback: str) -> tuple[Response, Any]:
    """POST /api/chat with the `hf` embedder and HF_HUB_OFFLINE set, then GET /health."""
    settings = make_settings(
        database_url,
        folder,
        embedding_provider="hf",
        hf_token=HF_TOKEN,
        hf_endpoint=unused_url(),
        provider_retries=0,
        embedding_fallback=fallback,
    )
    services = build_services(settings)
    with TestClient(create_app(services=services)) as client:
        chat = client.post("/api/chat", json={"sessionId": "offline", "message": "Any news?"})
        health = client.get("/health").json()
    services.close()
    return chat, health


def test_chat_without_fallback_answers_503_naming_hf_hub_offline(
    fresh_uri: str, tmp_path: Path, hub_offline: None
) -> None:
    chat, _ = offline_chat(fresh_uri, tmp_path, "none")

    assert chat.status_code == 503
    assert chat.json()["code"] == "hf_hub_offline"
    assert SENTENCE in chat.json()["error"]


def test_chat_with_the_fallback_answers_and_health_names_hf_hub_offline(
    fresh_uri: str, tmp_path: Path, hub_offline: None
) -> None:
    chat, health = offline_chat(fresh_uri, tmp_path, "local")

    assert chat.status_code == 200, chat.text
    assert health["embeddings"]["state"] == "degraded"
    assert SENTENCE in health["embeddings"]["error"]
