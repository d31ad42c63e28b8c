"""The evaluation question file: one JSON object per line,
`{"qid", "question", "gold_ids", "must_contain_any", "type"?, "as_of"?, "turns"?}`."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from newsrag.errors import InvalidInput


class _Row(BaseModel):
    model_config = ConfigDict(extra="ignore")

    qid: str = Field(min_length=1)
    question: str = Field(min_length=1)
    gold_ids: list[str] = Field(default_factory=list)
    must_contain_any: list[str] = Field(default_factory=list)
    type: str = "other"
    as_of: date | None = None
    turns: list[str] = Field(default_factory=list)


@dataclass(frozen=True)
class Question:
    """`gold_ids` are article URLs (or ids the store keeps as URLs); none for a question the
    news cannot answer, whose right answer is the refusal."""

    qid: str
    question: str
    gold_ids: tuple[str, ...]
    must_contain_any: tuple[str, ...]
    type: str
    as_of: date | None
    turns: tuple[str, ...]

    @property
    def answerable(self) -> bool:
        return bool(self.gold_ids)


def load_questions(path: Path) -> list[Question]:
    """The questions in `path`; a malformed line is InvalidInput naming its line number."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise InvalidInput(
            f"Cannot read the questions file {path} ({exc.strerror}): check --questions."
        ) from exc
    questions: list[Question] = []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            row = _Row.model_validate(json.loads(line))
        except (ValueError, ValidationError) as exc:
            reason = str(exc).splitlines()[0]
            raise InvalidInput(
                f"{path}:{number} is not a question object ({reason}): each line needs "
                '{"qid", "question", "gold_ids", "must_contain_any"}.'
            ) from exc
        questions.append(
            Question(
                row.qid,
                row.question,
                tuple(row.gold_ids),
                tuple(row.must_contain_any),
                row.type,
                row.as_of,
                tuple(row.turns),
            )
        )
    if not questions:
        raise InvalidInput(f"{path} holds no questions: add one JSON object per line.")
    return questions
