"""Keep secrets out of logs, errors and status pages."""

from __future__ import annotations

import hashlib
import re
from urllib.parse import urlsplit, urlunsplit

_KEYWORD_PASSWORD = re.compile(r"(password\s*=\s*)('(?:[^'\\]|\\.)*'|\S+)", re.IGNORECASE)


def mask_url(url: str) -> str:
    """Hide the password of a connection string, in URL or in key=value form:
    `postgresql://user:secret@host/db` -> `postgresql://user:***@host/db`,
    `host=db password=secret` -> `host=db password=***`."""
    if "://" in url:
        parts = urlsplit(url)
        if parts.password:
            host = parts.netloc.rsplit("@", 1)[1]
            url = urlunsplit(parts._replace(netloc=f"{parts.username or ''}:***@{host}"))
    return _KEYWORD_PASSWORD.sub(r"\1***", url)


def mask_secret(secret: str) -> str:
    """`hf_abcdefgh1234` -> `hf_…1234`; short secrets are hidden entirely."""
    if len(secret) < 12:
        return "…"
    prefix = secret[:3] if secret[:3] in ("hf_", "sk-") else ""
    return f"{prefix}…{secret[-4:]}"


def session_hash(session_id: str) -> str:
    """What logs say of a session: the first 16 hex digits of its id's SHA-256."""
    return hashlib.sha256(session_id.encode()).hexdigest()[:16]
