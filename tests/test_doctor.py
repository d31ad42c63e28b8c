import os
import subprocess
import sys
from pathlib import Path

import pytest

from newsrag.doctor import Check, run_checks
from tests.conftest import ONNX_DIR, REDIS_TEST_URL, make_settings
from tests.provider_helpers import HF_TOKEN as TOKEN
from tests.provider_helpers import (
    remote_values,
    server_fixture,  # noqa: F401  (the `server` fixture)
)
from tests.provider_server import ProviderServer, forbidden, whoami_body


def by_component(checks: list[Check]) -> dict[str, Check]:
    return {check.component: check for check in checks}


def test_the_embedded_defaults_pass_every_check(fresh_uri: str, tmp_path: Path) -> None:
    checks = by_component(run_checks(make_settings(fresh_uri, tmp_path), tmp_path / ".env"))

    assert all(check.ok for check in checks.values()), checks
    assert list(checks) == ["settings", "database", "embeddings (onnx)", "generator"]
    assert "pgvector 0.8" in checks["database"].detail
    assert "384 dimensions" in checks["embeddings (onnx)"].detail


def test_settings_are_listed_with_tokens_masked(
    fresh_uri: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HF_TOKEN", TOKEN)
    (tmp_path / ".env").write_text("NEWSRAG_TOP_K=3\n", encoding="utf-8")

    [settings_check, *_] = run_checks(make_settings(fresh_uri, tmp_path), tmp_path / ".env")

    assert "HF_TOKEN=hf_…abcd" in settings_check.detail
    assert "NEWSRAG_TOP_K=3" in settings_check.detail
    assert TOKEN not in settings_check.detail


def test_a_token_without_inference_permission_is_named_with_the_fix(
    fresh_uri: str, tmp_path: Path, server: ProviderServer
) -> None:
    server.queue(forbidden())
    server.whoami = whoami_body(scopes=())
    settings = make_settings(
        fresh_uri, tmp_path, **remote_values("hf", server.url), hf_hub_endpoint=server.url
    )

    checks = by_component(run_checks(settings, tmp_path / ".env"))

    embedding, token = checks["embeddings (hf)"], checks["hf token"]
    assert not embedding.ok and embedding.detail == "permission_denied"
    assert "Make calls to Inference Providers" in embedding.fix
    assert not token.ok and "may NOT call Inference Providers" in token.detail
    assert "HF_TOKEN" in token.fix


def test_a_working_hf_provider_and_token_pass(
    fresh_uri: str, tmp_path: Path, server: ProviderServer
) -> None:
    settings = make_settings(
        fresh_uri, tmp_path, **remote_values("hf", server.url), hf_hub_endpoint=server.url
    )

    checks = by_component(run_checks(settings, tmp_path / ".env"))

    assert checks["embeddings (hf)"].ok
    assert checks["hf token"].ok and "newsrag-tester" in checks["hf token"].detail


def test_an_unreachable_redis_fails_its_check(fresh_uri: str, tmp_path: Path) -> None:
    settings = make_settings(fresh_uri, tmp_path, redis_url="redis://127.0.0.1:1/0")
    checks = by_component(run_checks(settings, tmp_path / ".env"))

    assert not checks["redis"].ok
    assert "REDIS_URL" in checks["redis"].fix


def test_a_reachable_redis_passes_its_check(fresh_uri: str, tmp_path: Path) -> None:
    settings = make_settings(fresh_uri, tmp_path, redis_url=REDIS_TEST_URL)
    assert by_component(run_checks(settings, tmp_path / ".env"))["redis"].ok


def test_doctor_exits_1_and_names_the_broken_database(tmp_path: Path) -> None:
    env = {
        **os.environ,
        "DATABASE_URL": "postgresql://postgres@127.0.0.1:1/x",
        "NEWSRAG_DATA_DIR": str(tmp_path),
        "NEWSRAG_ONNX_DIR": str(ONNX_DIR),
        "COLUMNS": "200",
    }
    done = subprocess.run(
        [str(Path(sys.executable).parent / "newsrag"), "doctor"],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=120,
    )

    assert done.returncode == 1
    assert "database" in done.stdout and "FAILED" in done.stdout
    assert "DATABASE_URL" in done.stdout
    assert "Traceback" not in done.stderr
