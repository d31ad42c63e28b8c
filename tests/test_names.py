"""Names in a question typed in lower case are known by how the store writes them: a word its
articles capitalise inside sentences ("the Boston Marathon") is a name, one they write in lower
case ("a marathon") is not. Texts modelled on Wikinews articles."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from newsrag.models import Source
from newsrag.retrieval import Evidence
from newsrag.retrieval.answerability import Signals
from newsrag.retrieval.names import ProperNames, described, lower_case_words, written_as_names
from newsrag.store import ArticleStore, ChunkSearch, Database
from tests.conftest import FakeEmbedder, article
from tests.db_helpers import write
from tests.test_answer_checks import evidence

SPELLED = {
    "detroit": (4, 0),
    "boston": (5, 0),
    "marathon": (1, 6),
    "kosgei": (3, 1),
    "chicago": (1, 0),
}


class Spellings:
    """The store's spellings of SPELLED, and the words asked about, call by call."""

    def __init__(self) -> None:
        self.asked: list[list[str]] = []

    def __call__(self, words: Sequence[str]) -> Mapping[str, tuple[int, int]]:
        self.asked.append(list(words))
        return {word: SPELLED[word] for word in words if word in SPELLED}


def test_a_word_the_store_capitalises_is_a_name() -> None:
    names = ProperNames(Spellings())

    assert names.named({"boston", "marathon", "race"}) == {"boston"}


def test_a_word_seen_too_rarely_or_mostly_in_lower_case_is_not() -> None:
    names = ProperNames(Spellings())

    assert names.named({"kosgei", "chicago"}) == {"kosgei"}


def test_a_name_written_but_once_counts_when_asked_for_so() -> None:
    names = ProperNames(Spellings())

    assert names.named({"kosgei", "chicago", "marathon"}, seen=1) == {"kosgei", "chicago"}


def test_months_and_common_words_are_not_candidates_and_the_first_word_is() -> None:
    words = lower_case_words("chirac: who won the race in november at the boston marathon?")

    assert words == {"chirac", "won", "race", "boston", "marathon"}


def test_a_title_written_capitalised_before_names_is_no_name() -> None:
    words = lower_case_words("how much money did the kenyan tree lady get from the president?")

    assert "lady" not in words
    assert "president" not in words
    assert "kenyan" in words


def test_how_the_store_spells_a_word_is_asked_once() -> None:
    spellings = Spellings()
    names = ProperNames(spellings)

    names.named({"boston", "marathon"})
    names.named({"boston", "race"})

    assert spellings.asked == [["boston", "marathon"], ["race"]]


def test_the_store_counts_capitals_inside_sentences_of_plain_lower_case_words_only(
    fresh_db: Database, fake_embedder: FakeEmbedder
) -> None:
    texts = [
        "Brigid Kosgei won the Chicago Marathon. Kosgei ran in Chicago after a marathon in Boston.",
        "Chicago police closed roads for the race.",
    ]
    write(ArticleStore(fresh_db), fake_embedder, article("https://e.org/kosgei", None), texts)

    spellings = ChunkSearch(fresh_db).spellings(
        ["kosgei", "marathon", "chicago", "zanzibar", "o'neill", "Kosgei"]
    )

    assert spellings == {
        "kosgei": (1, 0),
        "marathon": (1, 1),
        "chicago": (2, 0),
        "zanzibar": (0, 0),
    }


def one_source(title: str, text: str) -> tuple[list[Source], list[Evidence]]:
    """One source, matching at 0.6, and its evidence."""
    found = [evidence(title, text)]
    return [Source(1, title, found[0].chunk.url, 0.6, None, "Wikinews")], found


def test_a_lower_case_name_the_evidence_lacks_makes_a_near_miss_unanswerable() -> None:
    question = "who won the women's race at the 2019 boston marathon?"
    best, found = one_source(
        "Kenya's Brigid Kosgei sets new world record at Chicago Marathon",
        "Brigid Kosgei of Kenya won the women's race at the 2019 Chicago Marathon.",
    )

    spellings = Spellings()

    assert Signals.of(question, best, found).answerable
    assert not Signals.of(question, best, found, ProperNames(spellings).named).answerable
    assert spellings.asked == [["boston"]]  # only the words the evidence lacks are looked up


def test_words_the_evidence_writes_capitalised_inside_sentences_are_names() -> None:
    text = "Police said Bruce McArthur was held. Sentence is due; McArthur faces a life sentence."

    found = written_as_names("what sentence did bruce mcarthur get at his hearing?", [text])

    assert found == {"bruce", "mcarthur"}  # "Sentence" opens its sentence, and is not one


def test_what_a_maker_makes_or_where_it_is_describes_it_and_is_no_name() -> None:
    assert described("how much did the mac maker pay the beatles' label?") == {"mac"}
    assert described("the senate vote on the detroit automaker bailout") == {"detroit"}
    assert described("who won the 2019 boston marathon?") == set()


def test_a_maker_described_by_its_city_is_answerable_from_an_article_not_naming_it() -> None:
    question = "what was the senate vote on the $14 billion detroit automaker bailout?"
    best, found = one_source(
        "US automaker bailout deal fails to pass Senate",
        "The US$14 billion bailout of the automakers failed in the Senate by 52-35.",
    )

    signals = Signals.of(question, best, found, ProperNames(Spellings()).named)

    assert signals.names == 1.0
    assert signals.answerable


def test_where_a_place_is_describes_it_and_is_no_name() -> None:
    question = "how long had the Baltic port city's mayor been in office?"

    assert described(question) == {"baltic"}
    assert described("what did the pacific island nation shut down for?") == {"pacific"}
    assert described("which city hosted the 2019 worlds?") == set()


def test_a_point_of_the_compass_is_no_name() -> None:
    words = lower_case_words("which company ran the bus that flipped over in eastern cuba?")

    assert "eastern" not in words
    assert "cuba" in words
