import itertools
from datetime import UTC, datetime

from newsrag.ingest.chunking import chunk_article, chunk_text
from newsrag.text import count_tokens, split_sentences
from tests.conftest import article, wikinews_rows


def test_sentences_split_on_end_marks_but_not_on_abbreviations() -> None:
    text = "Dr. Smith met Mr. Jones in the U.S. capital. They talked. Did it work? Yes!"
    assert split_sentences(text) == [
        "Dr. Smith met Mr. Jones in the U.S. capital.",
        "They talked.",
        "Did it work?",
        "Yes!",
    ]


def test_sentences_never_cross_paragraph_breaks() -> None:
    text = "First paragraph without a full stop\n\nSecond paragraph starts here."
    assert split_sentences(text) == [
        "First paragraph without a full stop",
        "Second paragraph starts here.",
    ]


def test_chunks_keep_whole_sentences_within_the_size() -> None:
    body = str(wikinews_rows(4)[3]["body"])
    sentences = set(split_sentences(body))
    for chunk in chunk_text(body, size=80, overlap=20):
        assert count_tokens(chunk) <= 80
        assert all(part in sentences for part in split_sentences(chunk))


def test_consecutive_chunks_share_whole_sentences_up_to_the_overlap() -> None:
    body = " ".join(f"Sentence number {i} talks about topic {i}." for i in range(40))
    chunks = chunk_text(body, size=60, overlap=20)
    assert len(chunks) > 2
    for first, second in itertools.pairwise(chunks):
        earlier, later = split_sentences(first), split_sentences(second)
        shared = [s for s in later if s in earlier]
        assert shared == earlier[-len(shared) :] == later[: len(shared)]
        assert 0 < sum(count_tokens(s) for s in shared) <= 20


def test_a_sentence_longer_than_a_chunk_is_split_by_words() -> None:
    body = " ".join(["word"] * 500) + "."
    chunks = chunk_text(body, size=100, overlap=10)
    assert len(chunks) >= 5
    assert all(count_tokens(c) <= 100 for c in chunks)
    assert sum(c.count("word") for c in chunks) >= 500


def test_each_chunk_is_embedded_with_title_and_date() -> None:
    news = article(published_at=datetime(2020, 3, 11, tzinfo=UTC))
    chunks = chunk_article(news)
    assert chunks[0].embedding_text.startswith("Council approves budget (2020-03-11)\n")
    assert chunks[0].text in chunks[0].embedding_text
    assert [c.position for c in chunks] == list(range(len(chunks)))


def test_empty_body_gives_no_chunks() -> None:
    assert chunk_text("   \n\n  ") == []
