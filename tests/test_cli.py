"""The `newsrag` console script, run as a user runs it: a subprocess with settings in its env."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from types import SimpleNamespace

import pytest

import newsrag.cli.ask as ask_command
from newsrag.models import Answer, Source
from newsrag.services import build_services
from tests.conftest import (
    ONNX_DIR,
    FakeEmbedder,
    make_settings,
    scratch_database,
    wikinews_rows,
    write_jsonl,
)

pytestmark = pytest.mark.model

NEWSRAG = Path(sys.executable).parent / "newsrag"
UNREACHABLE = "https://nonexistent.invalid/feed.xml"
FIREFOX = wikinews_rows(5)[3]
PROGRESS = re.compile(r"many\.jsonl: \d+/120 articles \(\d+%\), [\d.]+ articles/s, ETA \d+ s")


@dataclass(frozen=True)
class Run:
    code: int
    stdout: str
    stderr: str

    @property
    def output(self) -> str:
        return self.stdout + self.stderr


def cli_env(workdir: Path, database_url: str, **variables: str) -> dict[str, str]:
    """The environment of a `newsrag` subprocess in `workdir` on `database_url`: no NEWSRAG_
    setting of the caller's, no feeds, no refresh, and `variables`."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("NEWSRAG_") and key not in {"DATABASE_URL", "REDIS_URL"}
    }
    env.update(
        DATABASE_URL=database_url,
        NEWSRAG_DATA_DIR=str(workdir / "data"),
        NEWSRAG_ONNX_DIR=str(ONNX_DIR),
        NEWSRAG_SOURCES="",
        NEWSRAG_REFRESH_MINUTES="0",
        **variables,
    )
    return env


def run(workdir: Path, database_url: str, *args: str, **variables: str) -> Run:
    """`newsrag *args` in `workdir` on `database_url`, with `variables` added to its env."""
    done = subprocess.run(
        [str(NEWSRAG), *args],
        cwd=workdir,
        env=cli_env(workdir, database_url, **variables),
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    return Run(done.returncode, done.stdout, done.stderr)


def summary_row(output: str, source: str) -> dict[str, str]:
    """The cells of the ingest summary's row for `source`, by column name."""
    lines = output.splitlines()
    header = next(line for line in lines if "unchanged" in line)
    names = [cell.strip() for cell in header.strip("┃│ ").split("┃")]
    row = next(line for line in lines if line.startswith("│") and f" {source} " in line)
    cells = [cell.strip() for cell in row.strip("│").split("│")]
    return dict(zip(names, cells, strict=True))


@pytest.fixture(scope="module")
def database_url(embedded_uri: str) -> Iterator[str]:
    """A fresh database for this module's runs (the function-scoped `fresh_uri`, shared)."""
    with scratch_database(embedded_uri, "t_cli") as uri:
        yield uri


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("cli")
    write_jsonl(folder / "five.jsonl", wikinews_rows(5))
    return folder


@pytest.fixture(scope="module")
def first_ingest(workdir: Path, database_url: str) -> Run:
    return run(workdir, database_url, "ingest", "five.jsonl")


@pytest.fixture(scope="module")
def second_ingest(workdir: Path, database_url: str, first_ingest: Run) -> Run:
    return run(workdir, database_url, "ingest", "five.jsonl", UNREACHABLE)


@pytest.fixture(scope="module")
def flawed_ingest(workdir: Path, database_url: str, first_ingest: Run) -> Run:
    """An ingest of the five articles, unchanged by now, and a sixth row without a title."""
    rows = [*wikinews_rows(5), {**wikinews_rows(6)[5], "title": ""}]
    write_jsonl(workdir / "flawed.jsonl", rows)
    return run(workdir, database_url, "ingest", "flawed.jsonl")


@pytest.fixture(scope="module")
def reingest(workdir: Path, embedded_uri: str) -> Iterator[Run]:
    """An ingest of 120 articles already in its database: past 100 articles, quickly. They are
    put there in-process by the fake embedder, which stands in for MiniLM under its name."""
    source = write_jsonl(workdir / "many.jsonl", wikinews_rows(120))
    with scratch_database(embedded_uri, "t_cli_progress") as uri:
        built = build_services(make_settings(uri, workdir / "fake"), embedder=FakeEmbedder())
        try:
            built.ingestor.ingest_sources([str(source)])
        finally:
            built.close()
        yield run(workdir, uri, "ingest", "many.jsonl")


@pytest.fixture(scope="module")
def firefox_answer(workdir: Path, database_url: str, first_ingest: Run) -> Run:
    return run(workdir, database_url, "ask", "When was Firefox 1.0 released?")


def test_ingest_adds_the_articles_of_a_jsonl_file(first_ingest: Run) -> None:
    assert first_ingest.code == 0, first_ingest.output
    row = summary_row(first_ingest.stdout, "five.jsonl")
    assert (row["new"], row["updated"], row["unchanged"], row["failed"]) == ("5", "0", "0", "0")
    assert int(row["chunks"]) >= 5


def test_ingest_again_finds_every_article_unchanged(second_ingest: Run) -> None:
    assert second_ingest.code == 0, second_ingest.output
    row = summary_row(second_ingest.stdout, "five.jsonl")
    assert (row["new"], row["updated"], row["unchanged"], row["failed"]) == ("0", "0", "5", "0")
    assert row["chunks"] == "0"


def test_ingest_reports_an_unreachable_source_in_one_line(second_ingest: Run) -> None:
    assert second_ingest.code == 0
    assert "Traceback" not in second_ingest.output
    mentions = [line for line in second_ingest.stderr.splitlines() if UNREACHABLE in line]
    assert len(mentions) == 1, second_ingest.stderr
    assert "Cannot read" in mentions[0]
    assert "NEWSRAG_SOURCES" in mentions[0]


def test_ingest_reports_a_failing_feed_once(second_ingest: Run) -> None:
    [line] = [line for line in second_ingest.stderr.splitlines() if UNREACHABLE in line]
    sentence = line[line.index("Cannot read") :]

    assert second_ingest.output.count(sentence) == 1, second_ingest.output


def test_ingest_reports_a_bad_item_once(flawed_ingest: Run) -> None:
    assert flawed_ingest.code == 0, flawed_ingest.output
    assert "flawed.jsonl: line 6: missing 'title'" in flawed_ingest.stderr.splitlines()
    assert flawed_ingest.output.count("line 6: missing 'title'") == 1, flawed_ingest.output


def test_ingest_prints_a_line_when_a_source_starts_and_one_when_it_is_done(
    first_ingest: Run,
) -> None:
    lines = first_ingest.stdout.splitlines()

    assert "five.jsonl: ingesting 5 articles" in lines
    assert [line for line in lines if re.fullmatch(r"five\.jsonl: done, 5 articles in \d+ s", line)]


def test_ingest_prints_progress_lines_when_its_output_is_not_a_terminal(reingest: Run) -> None:
    assert reingest.code == 0, reingest.output
    lines = reingest.stdout.splitlines()

    assert [line for line in lines if PROGRESS.fullmatch(line)], reingest.stdout
    assert summary_row(reingest.stdout, "many.jsonl")["unchanged"] == "120"


def test_ask_answers_with_citations_and_numbered_sources(firefox_answer: Run) -> None:
    assert firefox_answer.code == 0, firefox_answer.output
    lines = firefox_answer.stdout.splitlines()
    assert "[1]" in lines[0]
    assert "November 9, 2004" in lines[0]
    source = lines.index(f"[1] {FIREFOX['title']} (Wikinews, 2004-11-16)")
    assert lines[source + 1].strip() == FIREFOX["url"]


def test_ask_without_a_reachable_database_says_so_in_one_line(workdir: Path) -> None:
    result = run(workdir, "postgresql://postgres@127.0.0.1:1/x", "ask", "Any news?")

    assert result.code == 1
    assert "Traceback" not in result.output
    mentions = [line for line in result.output.splitlines() if "DATABASE_URL" in line]
    assert len(mentions) == 1, result.output
    assert mentions[0].startswith("error (database_unavailable): ")
    assert "127.0.0.1:1" in mentions[0]
    assert result.stdout == ""


def test_ask_prints_square_brackets_of_news_text_verbatim(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # Quotes in real news carry editorial brackets ("deliver such [music] content").
    text = 'Apple may not use the logo on "[music] content" [/sic] [1]'
    url = "https://example.org/wiki/Apple_[disambiguation]"
    answer = Answer(
        text,
        [Source(1, "[Update] Apple Corps sues", url, 0.8, datetime(2006, 3, 29), "Wikinews")],
        covered=True,
        model="test",
    )

    @contextmanager
    def stub_services() -> Iterator[SimpleNamespace]:
        yield SimpleNamespace(chat=SimpleNamespace(ask=lambda question: answer))

    monkeypatch.setattr(ask_command, "services", stub_services)

    ask_command.ask("What did Apple Corps say?")

    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == text
    assert lines[2] == "[1] [Update] Apple Corps sues (Wikinews, 2006-03-29)"
    assert lines[3].strip() == url


def test_an_invalid_setting_is_named_in_one_line_without_a_traceback(
    workdir: Path, database_url: str
) -> None:
    result = run(workdir, database_url, "ask", "Any news?", NEWSRAG_TOP_K="five", NEWSRAG_AS_OF="")

    assert result.code == 1
    assert "Traceback" not in result.output
    [line] = result.stderr.splitlines()
    assert line.startswith("error (invalid_setting): Invalid setting NEWSRAG_TOP_K='five'")
    assert "NEWSRAG_AS_OF=''" in line
    assert line.endswith("or unset it for the default.")


def test_reindex_reports_what_it_rewrote(
    workdir: Path, database_url: str, first_ingest: Run
) -> None:
    result = run(workdir, database_url, "reindex")

    assert result.code == 0, result.output
    assert "stored articles: done, 5 articles" in result.stdout
    assert "Reindexed: 0 updated, 5 unchanged, 0 failed, 0 chunks written." in result.stdout


def test_reindex_vectors_builds_the_configured_vector_index(
    workdir: Path, database_url: str, first_ingest: Run
) -> None:
    result = run(workdir, database_url, "reindex", "--vectors", NEWSRAG_VECTOR_INDEX="ivfflat")

    assert result.code == 0, result.output
    assert result.stdout.strip() == "Built the ivfflat vector index with 10 lists."
