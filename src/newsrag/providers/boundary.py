"""The one boundary between newsrag and the provider libraries (huggingface_hub, httpx,
onnxruntime and tokenizers, llama.cpp).

Every call into one of them runs inside `boundary(...)`:

    with boundary("huggingface_hub", fix, hf_translator(endpoint, timeout), secrets=[token]):
        client.feature_extraction(texts, model=url)

A newsrag error raised inside passes as it is. Any other exception leaves as a ProviderError:
the one a translator makes of it (the library's known errors, each with its own sentence), else
`provider_error`, whose sentence names the library, the exception's class and its message
(secrets masked) and ends with `fix`. Its traceback is logged once, at debug level.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager

from newsrag.errors import NewsragError, ProviderError
from newsrag.masking import mask_secret

log = logging.getLogger(__name__)

Translator = Callable[[Exception], ProviderError | None]

# Tokens that may sit in a library's message: Hugging Face, OpenAI, and any Bearer header.
_TOKEN_SHAPES = re.compile(r"\b(?:hf_|sk-)[A-Za-z0-9_-]{8,}|(?<=Bearer )\S+", re.IGNORECASE)
MESSAGE_CHARS = 300


@contextmanager
def boundary(
    library: str, fix: str, *translators: Translator, secrets: Sequence[str] = ()
) -> Iterator[None]:
    """Turn every exception raised inside into a ProviderError (see the module's docstring).
    `fix` ends the sentence of an exception no translator knows: what the user can do."""
    try:
        yield
    except NewsragError:
        raise
    except Exception as exc:
        log.debug("%s raised %s", library, type(exc).__name__, exc_info=exc)
        raise translated(exc, library, fix, translators, secrets) from exc


def translated(
    exc: Exception,
    library: str,
    fix: str,
    translators: Sequence[Translator] = (),
    secrets: Sequence[str] = (),
) -> ProviderError:
    """The first translator's error for `exc`, else `unexpected`. A translator that trips over an
    exception of an unexpected shape (a missing attribute, say) counts as not knowing it."""
    for translate in translators:
        try:
            error = translate(exc)
        except Exception:
            error = None
        if error is not None:
            return error
    return unexpected(exc, library, fix, secrets)


def unexpected(
    exc: BaseException, library: str, fix: str, secrets: Sequence[str] = ()
) -> ProviderError:
    return ProviderError(
        f"{library} failed with {describe(exc, secrets)}: {fix}", code="provider_error"
    )


def describe(exc: BaseException, secrets: Sequence[str] = ()) -> str:
    """`Class` or `Class (first line of its message)`, secrets masked."""
    said = one_line(masked(str(exc), secrets))
    name = type(exc).__name__
    return f"{name} ({said})" if said else name


def masked(text: str, secrets: Sequence[str] = ()) -> str:
    """`text` with each of `secrets`, and anything shaped like a token, masked."""
    for secret in secrets:
        if secret:
            text = text.replace(secret, mask_secret(secret))
    return _TOKEN_SHAPES.sub(lambda match: mask_secret(match.group(0)), text)


def one_line(text: str) -> str:
    """The first non-empty line of `text`, spaces collapsed, at most MESSAGE_CHARS long."""
    line = next((line for line in text.splitlines() if line.strip()), "")
    line = " ".join(line.split()).rstrip(".")
    return line if len(line) <= MESSAGE_CHARS else line[: MESSAGE_CHARS - 1] + "…"
