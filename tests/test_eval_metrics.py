import json
from dataclasses import replace
from pathlib import Path

import pytest

from newsrag.errors import InvalidInput
from newsrag.evaluation.metrics import answer_correct, average_precision, hits, reciprocal_rank
from newsrag.evaluation.questions import Question, load_questions
from newsrag.evaluation.runner import Outcome, by_type, summarise

RETRIEVED = ["a", "b", "c", "d", "e"]


def test_hits_at_k_counts_a_gold_article_within_the_first_k() -> None:
    assert hits(RETRIEVED, ["c"], 1) == 0.0
    assert hits(RETRIEVED, ["c"], 2) == 0.0
    assert hits(RETRIEVED, ["c"], 3) == 1.0
    assert hits(RETRIEVED, ["z"], 10) == 0.0


def test_reciprocal_rank_is_one_over_the_first_gold_rank() -> None:
    assert reciprocal_rank(RETRIEVED, ["a"]) == 1.0
    assert reciprocal_rank(RETRIEVED, ["e", "c"]) == pytest.approx(1 / 3)
    assert reciprocal_rank(RETRIEVED, ["z"]) == 0.0


def test_reciprocal_rank_ignores_gold_below_rank_ten() -> None:
    retrieved = [f"x{n}" for n in range(10)] + ["gold"]

    assert reciprocal_rank(retrieved, ["gold"]) == 0.0


def test_average_precision_of_gold_at_ranks_one_and_three() -> None:
    assert average_precision(["g1", "x", "g2"], ["g1", "g2"]) == pytest.approx((1 / 1 + 1 / 3) / 2)


def test_average_precision_divides_by_all_gold_articles_even_unfound() -> None:
    assert average_precision(["x", "g1"], ["g1", "g2"]) == pytest.approx((1 / 2) / 2)


def test_average_precision_divides_by_at_most_ten() -> None:
    gold = [f"g{n}" for n in range(12)]

    assert average_precision(["g0"], gold) == pytest.approx(1 / 10)


def test_average_precision_counts_a_repeated_article_once() -> None:
    assert average_precision(["g1", "g1"], ["g1", "g2"]) == pytest.approx(1 / 2)


def test_average_precision_without_gold_is_zero() -> None:
    assert average_precision(RETRIEVED, []) == 0.0


def test_an_answer_is_correct_when_it_contains_an_expected_string_in_any_case() -> None:
    answer = "Dennis MUILENBURG resigned in December 2019 [1]."

    assert answer_correct(answer, True, ["Calhoun", "muilenburg"]) is True
    assert answer_correct(answer, True, ["Calhoun"]) is False


def test_a_refusal_is_not_correct_for_an_answerable_question() -> None:
    assert answer_correct("Muilenburg is not in the news I have.", False, ["Muilenburg"]) is False


def test_without_expected_strings_only_a_refusal_is_correct() -> None:
    assert answer_correct("The news does not cover this.", False, []) is True
    assert answer_correct("It was Muilenburg [1].", True, []) is False


def write(path: Path, lines: list[str]) -> Path:
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_load_questions_reads_required_and_optional_fields(tmp_path: Path) -> None:
    path = write(
        tmp_path / "q.jsonl",
        [
            json.dumps(
                {
                    "qid": "q1",
                    "question": "And who replaced him?",
                    "gold_ids": ["https://news.example/1"],
                    "must_contain_any": ["Calhoun"],
                    "type": "follow_up",
                    "as_of": "2020-01-14",
                    "turns": ["Why did the CEO of Boeing resign?"],
                }
            ),
            "",
            json.dumps({"qid": "q2", "question": "Who won the 2030 World Cup?"}),
        ],
    )

    first, second = load_questions(path)

    assert first.qid == "q1"
    assert first.gold_ids == ("https://news.example/1",)
    assert first.must_contain_any == ("Calhoun",)
    assert first.type == "follow_up"
    assert first.as_of is not None and first.as_of.isoformat() == "2020-01-14"
    assert first.turns == ("Why did the CEO of Boeing resign?",)
    assert first.answerable is True
    assert (second.qid, second.gold_ids, second.as_of, second.turns) == ("q2", (), None, ())
    assert second.answerable is False


def test_a_malformed_line_is_invalid_input_naming_the_line(tmp_path: Path) -> None:
    path = write(
        tmp_path / "q.jsonl",
        [json.dumps({"qid": "q1", "question": "Why?"}), "{not json"],
    )

    with pytest.raises(InvalidInput, match=f"{path}:2"):
        load_questions(path)


def test_a_line_missing_the_question_is_invalid_input_naming_the_line(tmp_path: Path) -> None:
    path = write(tmp_path / "q.jsonl", [json.dumps({"qid": "q1"})])

    with pytest.raises(InvalidInput, match=f"{path}:1"):
        load_questions(path)


def test_an_empty_questions_file_is_invalid_input(tmp_path: Path) -> None:
    path = write(tmp_path / "q.jsonl", [""])

    with pytest.raises(InvalidInput, match="no questions"):
        load_questions(path)


def test_a_missing_questions_file_is_invalid_input(tmp_path: Path) -> None:
    with pytest.raises(InvalidInput, match="--questions"):
        load_questions(tmp_path / "missing.jsonl")


def outcome(
    qid: str,
    gold: tuple[str, ...],
    retrieved: list[str],
    *,
    covered: bool = True,
    correct: bool = True,
    kind: str = "other",
) -> Outcome:
    question = Question(qid, f"question {qid}", gold, (), kind, None, ())
    return Outcome(question, retrieved, "answer", covered, correct, 0.01)


OUTCOMES = [
    outcome("found", ("a",), ["a", "x"], kind="inference"),
    outcome("second", ("b",), ["x", "b"], covered=False, correct=False, kind="inference"),
    outcome("refused", (), ["z"], covered=False, kind="null"),
    outcome("answered", (), ["a"], correct=False, kind="null"),
]


def test_retrieval_metrics_cover_only_answerable_questions() -> None:
    summary = summarise(OUTCOMES)

    assert summary["questions"] == 4
    assert summary["hits@1"] == pytest.approx(0.5)
    assert summary["hits@4"] == pytest.approx(1.0)
    assert summary["mrr@10"] == pytest.approx((1 + 1 / 2) / 2)
    assert summary["map@10"] == pytest.approx((1 + 1 / 2) / 2)


def test_accuracy_covers_all_questions_and_answerable_accuracy_the_answerable() -> None:
    summary = summarise(OUTCOMES)

    assert summary["accuracy"] == pytest.approx(2 / 4)
    assert summary["answerable_accuracy"] == pytest.approx(1 / 2)


def test_refusal_rate_covers_unanswerable_and_false_refusals_answerable_questions() -> None:
    summary = summarise([*OUTCOMES, outcome("also refused", (), [], covered=False, kind="null")])

    assert summary["refusal_rate"] == pytest.approx(2 / 3)
    assert summary["false_refusal_rate"] == pytest.approx(1 / 2)


def test_all_gold_in_sources_counts_answers_listing_every_gold_article() -> None:
    both = replace(outcome("both", ("a", "b"), ["a"]), sources=["b", "x", "a"])
    one = replace(outcome("one", ("a", "b"), ["a"]), sources=["a", "x"])

    assert summarise([both, one])["all_gold_in_sources"] == pytest.approx(1 / 2)


def test_gold_in_the_first_sources_counts_a_gold_article_among_the_answer_s_first_k() -> None:
    third = replace(outcome("third", ("a",), ["a"]), sources=["x", "y", "a"])
    fourth = replace(outcome("fourth", ("a",), ["a"]), sources=["x", "y", "z", "a"])

    summary = summarise([third, fourth])

    assert summary["gold_in_sources@3"] == pytest.approx(1 / 2)
    assert summary["gold_in_sources@4"] == pytest.approx(1.0)


def test_by_type_summarises_each_question_type_apart() -> None:
    summaries = by_type(OUTCOMES)

    assert sorted(summaries) == ["inference", "null"]
    assert summaries["inference"]["questions"] == 2
    assert summaries["inference"]["hits@1"] == pytest.approx(0.5)
    assert summaries["null"]["questions"] == 2
    assert summaries["null"]["refusal_rate"] == pytest.approx(0.5)
