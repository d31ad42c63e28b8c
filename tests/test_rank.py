import random
from collections.abc import Sequence
from datetime import UTC, date, datetime
from typing import Any

import pytest

from newsrag.models import RetrievedChunk
from newsrag.retrieval.rank import Ranking, chunk_words, collapse_duplicates, rerank
from newsrag.retrieval.search import HybridRetriever, text_query

AS_OF = date(2020, 6, 1)
STORY = "Apple unveiled a new iPhone with a faster chip and a larger screen on Tuesday in Cupertino"


def chunk(
    article_id: int,
    text: str,
    *,
    fused: float = 0.03,
    score: float = 0.7,
    published: date | None = date(2020, 5, 1),
    position: int = 0,
    title: str = "",
    categories: tuple[str, ...] = (),
) -> RetrievedChunk:
    return RetrievedChunk(
        chunk_id=article_id * 100 + position,
        article_id=article_id,
        position=position,
        text=text,
        score=score,
        url=f"https://news.example/{article_id}",
        title=title or f"Article {article_id}",
        source="example",
        published_at=(
            datetime(published.year, published.month, published.day, tzinfo=UTC)
            if published
            else None
        ),
        categories=categories,
        fused=fused,
    )


def ids(chunks: Sequence[RetrievedChunk]) -> list[tuple[int, int]]:
    return [(c.article_id, c.position) for c in chunks]


def test_a_near_identical_chunk_of_another_article_is_dropped() -> None:
    original = chunk(1, STORY)
    syndicated = chunk(2, STORY + " local time")

    assert ids(collapse_duplicates([original, syndicated], 0.8)) == [(1, 0)]


def test_a_second_chunk_of_the_same_article_is_kept_even_when_alike() -> None:
    first = chunk(1, STORY)
    second = chunk(1, STORY + " local time", position=1)

    assert ids(collapse_duplicates([first, second], 0.8)) == [(1, 0), (1, 1)]


def test_different_stories_are_all_kept() -> None:
    chunks = [chunk(1, STORY), chunk(2, "Heavy rain flooded the streets of Paris overnight")]

    assert ids(collapse_duplicates(chunks, 0.8)) == [(1, 0), (2, 0)]


def test_rerank_collapses_duplicates_keeping_the_better_ranked() -> None:
    ranked = rerank(
        [chunk(1, STORY, fused=0.05), chunk(2, STORY + " local time", fused=0.04)],
        Ranking(),
    )

    assert ids(ranked) == [(1, 0)]


def test_a_named_category_lifts_a_chunk_above_a_slightly_better_one() -> None:
    plain = chunk(1, "The league final was postponed after the storm", fused=0.032)
    sport = chunk(
        2, "The cup final ended in a draw after extra time", fused=0.030, categories=("Sports",)
    )

    ranked = rerank([plain, sport], Ranking(topic_boost=0.25), topics=["Sports"])

    assert ids(ranked) == [(2, 0), (1, 0)]
    assert ranked[0].fused == pytest.approx(0.030 * 1.25)
    assert ranked[1].fused == pytest.approx(0.032)


def test_without_a_named_category_the_fused_order_stands() -> None:
    plain = chunk(1, "The league final was postponed after the storm", fused=0.032)
    sport = chunk(
        2, "The cup final ended in a draw after extra time", fused=0.030, categories=("Sports",)
    )

    assert ids(rerank([plain, sport], Ranking())) == [(1, 0), (2, 0)]


def test_a_chunk_far_closer_to_the_question_than_the_fused_leader_leads() -> None:
    fused_first = chunk(1, "A Chinese submarine entered Japanese waters near Okinawa", score=0.6)
    closest = chunk(2, "The wreck of USS Grayback was found off Okinawa", fused=0.029, score=0.74)

    assert ids(rerank([fused_first, closest], Ranking())) == [(2, 0), (1, 0)]
    assert ids(rerank([fused_first, closest], Ranking(dense_lead=0.2))) == [(1, 0), (2, 0)]


def test_for_latest_the_newest_on_topic_chunk_comes_first() -> None:
    older = chunk(1, STORY, fused=0.05, score=0.80, published=date(2019, 6, 1))
    newer = chunk(
        2,
        "Apple cut the price of the iPhone SE in Europe",
        fused=0.03,
        score=0.75,
        published=date(2020, 5, 30),
    )

    ranked = rerank([older, newer], Ranking(), recent=True, as_of=AS_OF)

    assert ids(ranked) == [(2, 0), (1, 0)]


def test_without_latest_the_higher_fused_score_comes_first_whatever_the_date() -> None:
    older = chunk(1, STORY, fused=0.05, score=0.80, published=date(2019, 6, 1))
    newer = chunk(
        2,
        "Apple cut the price of the iPhone SE in Europe",
        fused=0.03,
        score=0.75,
        published=date(2020, 5, 30),
    )

    assert ids(rerank([older, newer], Ranking(), as_of=AS_OF)) == [(1, 0), (2, 0)]


def test_for_latest_an_off_topic_newer_chunk_does_not_jump_ahead() -> None:
    # More on-topic chunks than `topic_depth`, each older and better fused than the stray one.
    on_topic = [
        chunk(
            n,
            f"Apple iPhone sales{n} growth{n} market{n} quarter{n}",
            fused=0.05 - n / 100_000,
            score=0.80,
            published=date(2020, 1, 1 + n),
            title="Apple iPhone",
        )
        for n in range(1, Ranking().topic_depth + 2)
    ]
    off_topic = chunk(
        99,
        "Heavy rain flooded the streets of Paris overnight",
        fused=0.01,
        score=0.30,
        published=date(2020, 5, 31),
        title="Weather",
    )

    ranked = ids(
        rerank(
            [*on_topic, off_topic],
            Ranking(),
            recent=True,
            as_of=AS_OF,
        )
    )

    assert ranked[0] == (len(on_topic), 0)
    assert (99, 0) not in ranked[: len(on_topic)]


def test_for_latest_an_undated_article_counts_as_oldest() -> None:
    undated = chunk(1, STORY, fused=0.05, score=0.80, published=None)
    dated = chunk(
        2,
        "Apple cut the price of the iPhone SE in Europe",
        fused=0.03,
        score=0.78,
        published=date(2019, 12, 1),
    )

    ranked = rerank([undated, dated], Ranking(), recent=True, as_of=AS_OF)

    assert ids(ranked) == [(2, 0), (1, 0)]


def test_equal_scores_are_ordered_newest_first_and_undated_last() -> None:
    chunks = [
        chunk(1, "Heavy rain flooded the streets of Paris overnight", published=None),
        chunk(2, "The cup final ended in a draw after extra time", published=date(2019, 1, 1)),
        chunk(3, STORY, published=date(2020, 5, 1)),
    ]

    assert ids(rerank(chunks, Ranking())) == [(3, 0), (2, 0), (1, 0)]


def test_the_text_query_drops_stopwords_and_time_words() -> None:
    assert text_query("latest news about Apple") == "apple"


def test_the_text_query_joins_content_words_with_or() -> None:
    query = text_query("What did the Boeing CEO say yesterday about Embraer?")

    assert set(query.split(" or ")) == {"boeing", "ceo", "embraer"}
    assert query.count(" or ") == 2


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("latest technology news", ["Science and technology"]),
        ("Who won the sport final?", ["Sports"]),
        ("What did Boeing announce?", []),
    ],
)
def test_topics_are_the_categories_the_query_names(query: str, expected: list[str]) -> None:
    unused: Any = None
    retriever = HybridRetriever(
        unused, unused, lambda: ["Science and technology", "Sports", "Politics and conflicts"]
    )

    assert retriever.topics(query) == expected


def test_the_long_word_filter_finds_exactly_the_pairs_a_full_count_finds() -> None:
    rng = random.Random(18)
    vocabulary = ["".join(rng.choices("abcdefgh", k=rng.randint(2, 12))) for _ in range(400)]
    texts = []
    for _ in range(60):
        words = rng.sample(vocabulary, rng.randint(5, 120))
        texts.append(" ".join(words))
        changed = [rng.choice(vocabulary) if rng.random() < 0.1 else w for w in words]
        texts.append(" ".join(changed))

    def jaccard(a: str, b: str) -> float:
        x, y = set(a.split()), set(b.split())
        return len(x & y) / len(x | y)

    pairs = [(a, b) for a in texts for b in texts]
    found = [chunk_words(a, 0.8).similar(chunk_words(b, 0.8), 0.8) for a, b in pairs]

    assert found == [jaccard(a, b) >= 0.8 for a, b in pairs]
    assert sum(found) > len(texts)  # near-duplicates besides each text with itself
