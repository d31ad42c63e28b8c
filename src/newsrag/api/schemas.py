"""Request and response bodies of the HTTP API (camelCase, as the Node.js service had them)."""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Annotated, Literal, TypeGuard

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StrictStr,
    StringConstraints,
    model_validator,
)
from pydantic_core import PydanticCustomError

SESSION_ID_PATTERN = r"^[A-Za-z0-9_.:@-]{1,128}$"
SESSION_ID = re.compile(SESSION_ID_PATTERN)
MAX_MESSAGE = 5000


def not_only_dots(session_id: str) -> str:
    """Refuse `.`, `..` and the like: clients and proxies rewrite such path segments, so
    `/api/history/..` would reach another path than the session's."""
    if not session_id.strip("."):
        raise PydanticCustomError("string_pattern_mismatch", "String must not be only dots")
    return session_id


def is_session_id(value: object) -> TypeGuard[str]:
    """Whether `value` is a session id the API accepts (SessionId's rule, outside pydantic)."""
    return isinstance(value, str) and bool(SESSION_ID.fullmatch(value)) and bool(value.strip("."))


SessionId = Annotated[
    StrictStr, StringConstraints(pattern=SESSION_ID_PATTERN), AfterValidator(not_only_dots)
]


def no_nul(text: str) -> str:
    """PostgreSQL text cannot hold NUL: refuse it here rather than fail when storing it."""
    if "\x00" in text:
        raise PydanticCustomError("string_nul", "String must not contain NUL characters")
    return text


MessageText = Annotated[
    StrictStr,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=MAX_MESSAGE),
    AfterValidator(no_nul),
]

FilterName = Annotated[
    StrictStr, StringConstraints(min_length=1, max_length=200), AfterValidator(no_nul)
]


class Filters(BaseModel):
    """Optional narrowing of the search: published from `from` to `to` (both days included),
    by one of `sources` (outlets), in one of `categories`."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    from_: date | None = Field(default=None, alias="from")
    to: date | None = None
    sources: list[FilterName] = Field(default_factory=list, max_length=50)
    categories: list[FilterName] = Field(default_factory=list, max_length=50)

    @model_validator(mode="after")
    def _ordered(self) -> Filters:
        if self.from_ and self.to and self.from_ > self.to:
            raise PydanticCustomError("date_order", "filters.from must not be after filters.to")
        return self


class ChatRequest(BaseModel):
    model_config = ConfigDict(extra="ignore")

    sessionId: SessionId
    message: MessageText
    filters: Filters | None = None


class SourceOut(BaseModel):
    """`n` is the number the answer cites it by (`[n]`)."""

    n: int
    title: str
    url: str
    score: float
    publishedAt: datetime | None
    source: str


class CitationOut(BaseModel):
    """A sentence of the answer and the `n` of the sources it cites."""

    sentence: str
    sources: list[int]


class TimeWindowOut(BaseModel):
    """What the question's time words were understood as: `from`..`to` (days included, either
    may be open), `recent` for "latest", and the words (`label`)."""

    model_config = ConfigDict(populate_by_name=True)

    from_: date | None = Field(alias="from")
    to: date | None
    recent: bool
    label: str
    asOf: date


class ChatResponse(BaseModel):
    success: Literal[True] = True
    sessionId: str
    userMessage: str
    answer: str
    sources: list[SourceOut]
    model: str
    timestamp: datetime
    covered: bool
    retrievalQuery: str
    citations: list[CitationOut]
    degraded: bool
    notice: str | None
    timeWindow: TimeWindowOut | None


class MessageOut(BaseModel):
    """`interrupted` is None (left out of the JSON) unless the answer was cut short; `sources`
    (an assistant message's, as `POST /api/chat` listed them) is None for the user's."""

    role: Literal["user", "assistant"]
    content: str
    timestamp: datetime
    interrupted: Literal[True] | None = None
    sources: list[SourceOut] | None = None


class HistoryResponse(BaseModel):
    success: Literal[True] = True
    sessionId: str
    messages: list[MessageOut]
    messageCount: int
    ttl: int
    ttlMinutes: int


class ClearedResponse(BaseModel):
    success: Literal[True] = True
    sessionId: str
    message: str = "Session cleared successfully"


class StreamError(BaseModel):
    """The data of the `error` event of `POST /api/chat/stream`."""

    success: Literal[False] = False
    error: str
    code: str


class ErrorResponse(BaseModel):
    success: Literal[False] = False
    error: str
    code: str | None = Field(default=None)
