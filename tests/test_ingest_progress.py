"""The plain lines `newsrag ingest` prints: progress when its output is not a terminal, and
one line per skipped source or item."""

from __future__ import annotations

from newsrag.cli.ingest import ProblemLines, ProgressLines
from newsrag.ingest.pipeline import Problem


class Clock:
    """A clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def started(total: int = 435) -> tuple[ProgressLines, list[str], Clock]:
    lines: list[str] = []
    clock = Clock()
    progress = ProgressLines(lines.append, clock=clock)
    progress.start("five.jsonl", total)
    return progress, lines, clock


def test_a_source_starting_prints_its_article_count() -> None:
    _, lines, _ = started()

    assert lines == ["five.jsonl: ingesting 435 articles"]


def test_no_progress_line_before_100_articles_or_10_seconds() -> None:
    progress, lines, clock = started()

    for _ in range(6):
        clock.now += 1
        progress.advance(16)

    assert lines == ["five.jsonl: ingesting 435 articles"]


def test_a_progress_line_gives_the_count_share_rate_and_eta() -> None:
    progress, lines, clock = started()

    clock.now += 50
    progress.advance(160)

    assert lines[1:] == ["five.jsonl: 160/435 articles (36%), 3.2 articles/s, ETA 86 s"]


def test_a_progress_line_follows_every_100_articles() -> None:
    progress, lines, clock = started()

    for _ in range(14):
        clock.now += 1
        progress.advance(16)

    assert [line.split(",")[0] for line in lines[1:]] == [
        "five.jsonl: 112/435 articles (25%)",
        "five.jsonl: 224/435 articles (51%)",
    ]


def test_a_progress_line_follows_every_10_seconds_when_articles_are_slow() -> None:
    progress, lines, clock = started()

    for _ in range(4):
        clock.now += 4
        progress.advance(16)

    assert lines[1:] == ["five.jsonl: 48/435 articles (11%), 4.0 articles/s, ETA 97 s"]


def test_the_last_articles_print_the_closing_line_only() -> None:
    progress, lines, clock = started(total=20)

    clock.now += 30
    progress.advance(20)
    progress.finish()

    assert lines[1:] == ["five.jsonl: done, 20 articles in 30 s"]


def test_a_skipped_source_prints_no_closing_line() -> None:
    lines: list[str] = []
    progress = ProgressLines(lines.append, clock=Clock())

    progress.finish()

    assert lines == []


def test_a_long_source_is_shortened_to_its_end() -> None:
    source = "https://news.example.org/" + "section/" * 10 + "feed.xml"
    lines: list[str] = []

    ProgressLines(lines.append, clock=Clock()).start(source, 3)

    assert lines == ["…" + source[-49:] + ": ingesting 3 articles"]


def test_a_skipped_source_is_printed_as_its_sentence() -> None:
    lines: list[str] = []
    sentence = "Cannot read https://example.org/feed.xml (timed out): check the URL."

    ProblemLines(lines.append).add(Problem("https://example.org/feed.xml", sentence, item=False))

    assert lines == [sentence]


def test_a_skipped_item_is_printed_after_its_source() -> None:
    lines: list[str] = []

    ProblemLines(lines.append).add(Problem("five.jsonl", "line 2: missing 'title'"))

    assert lines == ["five.jsonl: line 2: missing 'title'"]


def test_items_past_the_tenth_of_a_source_are_counted_in_one_line() -> None:
    lines: list[str] = []
    problems = ProblemLines(lines.append)

    for number in range(1, 14):
        problems.add(Problem("five.jsonl", f"line {number}: not a JSON object"))
    problems.end("five.jsonl")

    assert lines[9:] == [
        "five.jsonl: line 10: not a JSON object",
        "five.jsonl: 3 more skipped items",
    ]


def test_each_source_has_its_own_ten_items() -> None:
    lines: list[str] = []
    problems = ProblemLines(lines.append)

    for source in ("one.jsonl", "two.jsonl"):
        for number in range(1, 12):
            problems.add(Problem(source, f"line {number}: not a JSON object"))
        problems.end(source)

    assert lines.count("one.jsonl: 1 more skipped items") == 1
    assert lines.count("two.jsonl: 1 more skipped items") == 1
    assert len(lines) == 22
