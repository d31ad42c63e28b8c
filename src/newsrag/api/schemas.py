"""Request and response bodies of the HTTP API (camelCase, as the Node.js service had them)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StrictStr, StringConstraints
from pydantic_core import PydanticCustomError

SESSION_ID_PATTERN = r"^[A-Za-z0-9_-]{1,128}$"
MAX_MESSAGE = 5000

SessionId = Annotated[StrictStr, StringConstraints(pattern=SESSION_ID_PATTERN)]


def _no_nul(text: str) -> str:
    """PostgreSQL text cannot hold NUL: refuse it here rather than fail when storing it."""
    if "\x00" in text:
        raise PydanticCustomError("string_nul", "String must not contain NUL characters")
    return text


MessageText = Annotated[
    StrictStr,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=MAX_MESSAGE),
    AfterValidator(_no_nul),
]


class ChatRequest(BaseModel):
    model_config = ConfigDict(extra="ignore")

    sessionId: SessionId
    message: MessageText


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


class MessageOut(BaseModel):
    """`interrupted` is None (left out of the JSON) unless the answer was cut short."""

    role: Literal["user", "assistant"]
    content: str
    timestamp: datetime
    interrupted: Literal[True] | None = None


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
