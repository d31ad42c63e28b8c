"""The session store contract and its registry (NEWSRAG_SESSION_STORE)."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence

from newsrag.models import Message, SessionHistory
from newsrag.registry import Registry


class SessionStore(ABC):
    """Per-session chat history that expires after `ttl_seconds` without a new message."""

    name: str
    ttl_seconds: int

    @abstractmethod
    def append(self, session_id: str, messages: Sequence[Message]) -> None:
        """Append messages in order, atomically, and restart the session's expiry clock."""

    @abstractmethod
    def history(self, session_id: str) -> SessionHistory | None:
        """The session's messages oldest first, or None when it is unknown or expired."""

    @abstractmethod
    def delete(self, session_id: str) -> bool:
        """Forget the session; False when there was nothing to forget."""

    @abstractmethod
    def check(self) -> None:
        """Raise SessionStoreError when the store cannot be reached."""


session_stores: Registry[SessionStore] = Registry("session store", "NEWSRAG_SESSION_STORE")
