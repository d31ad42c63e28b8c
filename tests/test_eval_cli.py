"""`newsrag eval --questions FILE`, run through typer's CliRunner against the Wikinews corpus
database with settings in the environment: JSON metrics, `--compare`, and bad question files."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner, Result

from newsrag.cli import app
from newsrag.config import get_settings
from tests.conftest import ONNX_DIR, write_jsonl

pytestmark = pytest.mark.model

WIKI = "https://en.wikinews.org/wiki/"
QUESTIONS: list[dict[str, object]] = [
    {
        "qid": "fact-01",
        "type": "fact",
        "question": "When did the Mozilla Foundation release Firefox 1.0?",
        "gold_ids": [WIKI + "Firefox_1.0_Internet_Browser_released_by_Mozilla_Foundation"],
        "must_contain_any": ["November 9, 2004"],
    },
    {
        "qid": "time-01",
        "type": "time",
        "question": "What did Apple introduce in January 2007?",
        "gold_ids": [WIKI + "Apple_introduces_iPhone_and_Apple_TV"],
        "must_contain_any": ["iPhone"],
    },
    {
        "qid": "latest-01",
        "type": "latest",
        "question": "What is the latest news about Boeing 737 orders?",
        "gold_ids": [WIKI + "Ryanair_exercises_options_on_five_Boeing_737s"],
        "must_contain_any": ["Ryanair"],
        "as_of": "2005-07-01",
    },
    {
        "qid": "unanswerable-01",
        "type": "unanswerable",
        "question": "What is the recipe for chocolate chip cookies?",
        "gold_ids": [],
        "must_contain_any": [],
    },
]
METRICS = {
    "hits@1",
    "hits@4",
    "hits@10",
    "mrr@10",
    "map@10",
    "accuracy",
    "refusal_rate",
    "retrieval_p50_ms",
}
CONFIGURATIONS = {"dense", "text", "hybrid", "hybrid+time"}


def settings_env(database_url: str, data_dir: Path) -> dict[str, str]:
    return {
        "NEWSRAG_DATABASE_URL": database_url,
        "DATABASE_URL": database_url,
        "NEWSRAG_DATA_DIR": str(data_dir),
        "NEWSRAG_ONNX_DIR": str(ONNX_DIR),
        "NEWSRAG_SOURCES": "",
        "NEWSRAG_REFRESH_MINUTES": "0",
    }


def run_eval(database_url: str, workdir: Path, *args: str) -> Result:
    """`newsrag eval ARGS` in `workdir` (no `.env` there), with only the given settings."""
    with pytest.MonkeyPatch.context() as patch:
        for name in list(os.environ):
            if name.startswith("NEWSRAG_") or name in {"DATABASE_URL", "REDIS_URL"}:
                patch.delenv(name)
        for name, value in settings_env(database_url, workdir / "data").items():
            patch.setenv(name, value)
        patch.chdir(workdir)
        get_settings.cache_clear()
        try:
            return CliRunner().invoke(app, ["eval", *args])
        finally:
            get_settings.cache_clear()


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("eval")
    write_jsonl(folder / "questions.jsonl", QUESTIONS)
    return folder


@pytest.fixture(scope="module")
def configured(corpus_uri: str, workdir: Path) -> Iterator[dict[str, Any]]:
    result = run_eval(corpus_uri, workdir, "--questions", "questions.jsonl", "--json")
    assert result.exit_code == 0, result.output
    yield json.loads(result.stdout)


@pytest.fixture(scope="module")
def compared(corpus_uri: str, workdir: Path) -> Iterator[dict[str, Any]]:
    result = run_eval(corpus_uri, workdir, "--questions", "questions.jsonl", "--compare", "--json")
    assert result.exit_code == 0, result.output
    yield json.loads(result.stdout)


# --- --json --------------------------------------------------------------------------------------


def test_json_reports_the_configured_run_only(configured: dict[str, Any]) -> None:
    assert set(configured) == {"configured"}
    assert set(configured["configured"]) == {"all", "by_type"}


def test_json_holds_every_metric_over_all_questions(configured: dict[str, Any]) -> None:
    summary = configured["configured"]["all"]

    assert set(summary) >= METRICS
    assert summary["questions"] == len(QUESTIONS)
    for name in METRICS - {"retrieval_p50_ms"}:
        assert 0.0 <= summary[name] <= 1.0, name
    assert summary["retrieval_p50_ms"] > 0


def test_json_scores_the_corpus_questions(configured: dict[str, Any]) -> None:
    summary = configured["configured"]["all"]

    assert summary["hits@10"] == 1.0  # every gold article is in the corpus
    assert summary["hits@1"] <= summary["hits@4"] <= summary["hits@10"]
    assert summary["refusal_rate"] == 1.0  # the cookie recipe is refused
    assert summary["accuracy"] >= 0.5


def test_json_breaks_the_metrics_down_by_question_type(configured: dict[str, Any]) -> None:
    kinds = configured["configured"]["by_type"]

    assert set(kinds) == {"fact", "time", "latest", "unanswerable"}
    assert all(kind["questions"] == 1 for kind in kinds.values())
    assert all(set(kind) >= METRICS for kind in kinds.values())
    assert kinds["fact"]["hits@10"] == 1.0
    assert kinds["unanswerable"]["refusal_rate"] == 1.0


# --- --compare -----------------------------------------------------------------------------------


def test_compare_runs_the_four_configurations(compared: dict[str, Any]) -> None:
    assert set(compared) == CONFIGURATIONS
    for name in CONFIGURATIONS:
        assert set(compared[name]["all"]) >= METRICS, name
        assert compared[name]["all"]["questions"] == len(QUESTIONS)
        assert set(compared[name]["by_type"]) == {"fact", "time", "latest", "unanswerable"}


def test_compare_hybrid_finds_every_gold_article(compared: dict[str, Any]) -> None:
    assert compared["hybrid"]["all"]["hits@10"] == 1.0
    assert compared["hybrid+time"]["all"]["hits@10"] == 1.0


# --- bad question files --------------------------------------------------------------------------


def error_lines(result: Result) -> list[str]:
    return [line for line in result.stderr.splitlines() if line.strip()]


def test_a_missing_questions_file_is_one_line_naming_it(corpus_uri: str, tmp_path: Path) -> None:
    result = run_eval(corpus_uri, tmp_path, "--questions", "absent.jsonl", "--json")

    assert result.exit_code == 1
    assert result.stdout == ""
    lines = error_lines(result)
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("error (")
    assert "absent.jsonl" in lines[0]
    assert "Traceback" not in result.output


@pytest.mark.parametrize(
    "line",
    ["this is not json", '{"qid": "q2"}', '["a", "list"]'],
    ids=["not-json", "no-question", "not-an-object"],
)
def test_a_malformed_line_is_one_line_naming_the_file_and_line(
    corpus_uri: str, tmp_path: Path, line: str
) -> None:
    good = json.dumps(QUESTIONS[0])
    (tmp_path / "broken.jsonl").write_text(f"{good}\n{line}\n{good}\n", encoding="utf-8")

    result = run_eval(corpus_uri, tmp_path, "--questions", "broken.jsonl")

    assert result.exit_code == 1, result.output
    lines = error_lines(result)
    assert len(lines) == 1, result.stderr
    assert "broken.jsonl:2" in lines[0]
    assert "Traceback" not in result.output


def test_an_empty_questions_file_is_one_line_naming_it(corpus_uri: str, tmp_path: Path) -> None:
    (tmp_path / "empty.jsonl").write_text("\n\n", encoding="utf-8")

    result = run_eval(corpus_uri, tmp_path, "--questions", "empty.jsonl")

    assert result.exit_code == 1
    lines = error_lines(result)
    assert len(lines) == 1, result.stderr
    assert "empty.jsonl" in lines[0]
