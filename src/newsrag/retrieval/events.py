"""Whether the news found reports that something asked about later happened.

"Did Erdogan ever turn Hagia Sophia into a mosque?", "Did the amendment end up passing?" and
"What date did the merger actually close?" ask whether (or when) an announced event went ahead,
and "How was the lawsuit eventually resolved?" how: the words "ever" (not in "the first ever
spacewalk"), "end up", "actually", "finally", "eventually", "ultimately", "officially" or "go
ahead and" say so ("How did it end up?" asks whether it ended). Coverage of the announcement
names everything such a question names, yet answers it only when a sentence states the event
as done ("the Senate passed it", "the toilet was recovered"), not as planned ("will convert",
"is expected to pass"). Together with the results of `retrieval/outcomes.py` (who won, what
sentence, ...), `unreported` tells the answerability decision when the news held stops before
what the question asks.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Collection, Iterable, Sequence

from newsrag.retrieval.coverage import Vocabulary
from newsrag.retrieval.outcomes import (
    article_texts,
    asked_clause,
    clause_names,
    realised,
    unreported_outcome,
)
from newsrag.retrieval.select import Evidence
from newsrag.text import STOPWORDS, YEAR, split_sentences

_LATER = re.compile(
    r"^(?:(?P<when>when|(?:on )?(?:what|which) (?:date|day|year|month))|did|has|have|had|was|"
    r"were|is|how)\b"
    r".*?\b(?:(?<!first )(?<!first-)(?<!only )(?<!est )ever|end(?:ed)? up|actually|finally|"
    r"eventually|ultimately|officially|go ahead and)"
    r"(?:\s+(?:(?:actually|really|officially|finally|ever)\s+)?(?P<verb>[a-z]+)\b|\s*\??$)",
    re.IGNORECASE,
)
# "When did Navalny fly back to Russia?", "Did the season start back up?": whether (or when)
# someone or something returned, which coverage from before the return does not say.
_GOING_BACK = ("go", "come", "fly", "head", "move", "start", "bring", "get", "sail", "travel")
_BACK = re.compile(
    r"^(?:when|(?:on )?(?:what|which) (?:date|day|year|month)|did|has|have|had|was|were|is)\b"
    rf".*?\b(?:{'|'.join(_GOING_BACK)})(?:es|s|ing)? back\b",
    re.IGNORECASE,
)
_RETURNED = ("returned", "returns", "resumed", "resumes")
_IRREGULAR = {
    "be": ("was", "were", "been"),
    "become": ("became",),
    "begin": ("began", "begun"),
    "break": ("broke", "broken"),
    "bring": ("brought",),
    "build": ("built",),
    "buy": ("bought",),
    "come": ("came",),
    "do": ("did", "done"),
    "fall": ("fell", "fallen"),
    "find": ("found",),
    "fly": ("flew", "flown"),
    "get": ("got", "gotten"),
    "give": ("gave", "given"),
    "go": ("went", "gone"),
    "hold": ("held",),
    "keep": ("kept",),
    "leave": ("left",),
    "lose": ("lost",),
    "make": ("made",),
    "meet": ("met",),
    "pay": ("paid",),
    "rise": ("rose", "risen"),
    "run": ("ran",),
    "sell": ("sold",),
    "send": ("sent",),
    "take": ("took", "taken"),
    "win": ("won",),
}
# Verbs news reports an event by as often as by the one asked: "did he end up backing Biden?"
# is answered by "Sanders endorsed Biden".
_SAME_GROUPS = (
    ("back", "endorse", "support"),
    ("quit", "resign", "leave"),
    ("fire", "sack", "dismiss", "oust"),
    ("pass", "approve", "adopt"),
    ("buy", "acquire", "purchase"),
    ("beat", "defeat"),
    ("free", "release"),
    ("ban", "prohibit"),
    ("close", "complete", "finalise", "finalize"),
    ("settle", "resolve", "sort"),
)
_SAME = {verb: tuple(v for v in group if v != verb) for group in _SAME_GROUPS for verb in group}
_BASE_REPORTED = re.compile(r"\b(?:did|didn't|did not|never)\s+$", re.IGNORECASE)


def unreported(
    question: str, evidence: Sequence[Evidence], named: Collection[str] = frozenset()
) -> bool:
    """Whether the question asks for a result (`unreported_outcome`) or whether a later event
    happened (`unreported_event`) that no statement of the evidence reports; `named` are the
    question's lower-case words that are names ("mcarthur")."""
    return unreported_outcome(question, evidence, named) or unreported_event(
        question, evidence, named
    )


def unreported_event(
    question: str, evidence: Sequence[Evidence], named: Collection[str] = frozenset()
) -> bool:
    """Whether the question asks if (or when) an event went ahead ("Did X ever V ...?") and no
    sentence of an article holding all its names states it done: a past or present form of its
    verb, or "did (not) V", with no "will", "could", "must" or "if" just before it, and no year
    but the question's when it names one. A question asking when ("What date did X finally
    V?") is unreported only when the verb is found as planned ("intends to leave"): the date of
    a flight is often told as a launch. Whether (or when) someone went back ("when did Navalny
    fly back to Russia?") is unreported unless a return is stated ("returned", "flew back")."""
    clause = asked_clause(" ".join(question.split()))
    found = _LATER.search(clause)
    back = None if found else _BACK.search(clause)
    forms = _event_forms(found) if found else (_returned() if back else None)
    if forms is None:
        return False
    done, said = forms
    years = set(YEAR.findall(clause))
    names = clause_names(clause, years, named)
    planned = False
    for parts in article_texts(evidence).values():
        if not all(Vocabulary.of(*parts).holds(name) for name in names):
            continue
        for statement in _statements(parts):
            stated = set(YEAR.findall(statement))
            if years and stated and not stated & years:
                continue
            if _states(done, said, statement):
                return False
            planned = planned or bool(said.search(statement) or done.search(statement))
    return planned or back is not None or (found is not None and not found["when"])


def stating_event(question: str) -> Callable[[str], bool] | None:
    """For a question asking whether (or when) a later event happened ("Did they ever sort it
    out?"), whether a sentence states it done ("settled", "resolved"; `states_done`); else
    None."""
    forms = _event_forms(_LATER.search(asked_clause(" ".join(question.split()))))
    return functools.partial(states_done, forms[0]) if forms else None


def states_done(done: re.Pattern[str], statement: str) -> bool:
    """Whether the statement holds a done form of the event's verb (`done`) not under "will",
    "could", "if" and the like."""
    return any(realised(statement, form.start()) for form in done.finditer(statement))


def _event_forms(found: re.Match[str] | None) -> tuple[re.Pattern[str], re.Pattern[str]] | None:
    """The done forms and the base forms of the verb a later event is asked by, and of the
    verbs news reports it by as often (_SAME)."""
    verb = (found["verb"] or "end").lower() if found else ""  # "How did it end up?"
    if found is None or verb in STOPWORDS:
        return None
    bases = {same for base in _bases(verb) for same in (base, *_SAME.get(base, ()))}
    done = _alternatives({form for base in bases for form in _done_forms(base)})
    return done, _alternatives(bases)


def _statements(parts: Sequence[str]) -> Iterable[str]:
    yield parts[0]
    for text in parts[1:]:
        yield from split_sentences(text)


def _states(done: re.Pattern[str], said: re.Pattern[str], statement: str) -> bool:
    """Whether the statement says the event happened (or did not): a done form of its verb not
    under "will", "could", "if" and the like, or its base form after "did" or "never"."""
    if states_done(done, statement):
        return True
    return any(
        _BASE_REPORTED.search(statement[: found.start()]) for found in said.finditer(statement)
    )


def _bases(verb: str) -> set[str]:
    """The base forms a verb as asked may have: "passing" is "pass" (or "passe"), "coming"
    "come" (or "com"), "stopping" "stop", "poisoned" "poison"; a form that is no word matches
    nothing."""
    for ending in ("ing", "ed"):
        if verb.endswith(ending) and len(verb) >= len(ending) + 3:
            stem = verb[: -len(ending)]
            doubled = {stem[:-1]} if stem[-1] == stem[-2] and stem[-1] not in "ls" else set()
            return {stem, f"{stem}e", *doubled}
    return {verb}


def _alternatives(words: Iterable[str]) -> re.Pattern[str]:
    return re.compile(rf"\b(?:{'|'.join(sorted(words, key=len, reverse=True))})\b", re.I)


def _done_forms(base: str) -> set[str]:
    """The forms that state a verb's event as done: past, participle, present."""
    forms = {*_IRREGULAR.get(base, ()), f"{base}s", f"{base}es"}
    if base.endswith("e"):
        forms.add(f"{base}d")
    elif base.endswith("y") and base[-2:-1] not in "aeiou":
        forms |= {f"{base[:-1]}ied", f"{base[:-1]}ies"}
    else:
        forms |= {f"{base}ed", f"{base}{base[-1]}ed"}
    return forms


@functools.cache
def _returned() -> tuple[re.Pattern[str], re.Pattern[str]]:
    """For a question about going back (`_BACK`), the forms stating a return done ("flew back",
    "returned") and planned ("fly back", "return"); the same for every such question."""
    done = {f"{form} back" for verb in _GOING_BACK for form in _done_forms(verb)}
    planned = {*(f"{verb} back" for verb in _GOING_BACK), "return", "resume"}
    return _alternatives({*done, *_RETURNED}), _alternatives(planned)
