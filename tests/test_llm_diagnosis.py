"""The language-model generators' provider failures, against a real loopback chat server: each
diagnosed into one sentence that names the fix, token masked; failures mid-stream; no token."""

from __future__ import annotations

import time

import pytest

from newsrag.config import Settings
from newsrag.errors import (
    EndpointRetired,
    ModelNotServed,
    PermissionDenied,
    ProviderError,
    ProviderServerError,
    ProviderTimeout,
    ProviderUnreachable,
    RateLimited,
    TokenMissing,
    TokenRejected,
)
from newsrag.generation import generators
from newsrag.generation.llm import ChatModelGenerator
from tests.chat_server import ChatServer, Failure, Script
from tests.llm_helpers import (
    DEFAULT_ANSWER,
    ENDPOINT_SETTING,
    EVIDENCE,
    KINDS,
    MASKED,
    MODEL,
    OFFLINE,
    QUESTION,
    TOKEN_SETTING,
    failure,
    generator,
    no_credentials,  # noqa: F401  (a fixture)
    pieces_then_error,
    server_fixture,  # noqa: F401  (the `server` fixture)
    shared_server,  # noqa: F401  (used by `server`)
)
from tests.provider_helpers import unused_url


@pytest.mark.parametrize("kind", KINDS)
def test_401_is_token_rejected_naming_the_masked_token_and_its_setting(
    server: ChatServer, kind: str
) -> None:
    server.queue(Failure(401, {"error": "Invalid credentials in Authorization header"}))
    error = failure(generator(kind, server.url))

    assert type(error) is TokenRejected
    assert f"refused the token {MASKED[kind]} as invalid or expired (401)" in error.message
    assert error.message.endswith(f"set {TOKEN_SETTING[kind]}.")


@pytest.mark.parametrize("kind", KINDS)
def test_403_is_permission_denied_naming_the_fix(server: ChatServer, kind: str) -> None:
    server.queue(Failure(403, {"error": "This token may not call this model"}))
    error = failure(generator(kind, server.url))

    assert type(error) is PermissionDenied
    assert MASKED[kind] in error.message
    assert "This token may not call this model" in error.message
    if kind == "hf":
        assert "may not call Inference Providers" in error.message
        assert '"Make calls to Inference Providers"' in error.message
        assert "https://huggingface.co/settings/tokens" in error.message
    assert error.message.endswith(f"{TOKEN_SETTING[kind]}.")


@pytest.mark.parametrize("kind", KINDS)
def test_404_is_model_not_served_naming_the_llm_model_setting(
    server: ChatServer, kind: str
) -> None:
    server.queue(Failure(404, {"error": f"Model {MODEL} does not exist"}))
    error = failure(generator(kind, server.url))

    assert type(error) is ModelNotServed
    assert f"does not serve the model {MODEL} (404: Model {MODEL} does not exist)" in error.message
    assert "set NEWSRAG_LLM_MODEL to a model it serves" in error.message


def test_hf_404_names_the_llm_provider_setting_not_the_embedding_one(server: ChatServer) -> None:
    server.queue(Failure(404, {"error": f"Model {MODEL} does not exist"}))
    error = failure(generator("hf", server.url, llm_provider="together"))

    assert "NEWSRAG_HF_PROVIDER" not in error.message
    assert "NEWSRAG_LLM_PROVIDER" in error.message


@pytest.mark.parametrize("kind", KINDS)
def test_410_is_endpoint_retired_naming_the_successor(server: ChatServer, kind: str) -> None:
    # what each setting holds: the OpenAI base URL ends in /v1, the HF endpoint is the router root
    successor = {"openai": "https://new.example.org/v1", "hf": "https://router.example.org"}[kind]
    said = f"https://old.example.org is no longer supported. Please use {successor} instead."
    server.queue(Failure(410, {"error": said}))
    error = failure(generator(kind, server.url))

    assert type(error) is EndpointRetired
    assert error.message.startswith(f"The endpoint {server.url}/v1/chat/completions is retired")
    assert error.message.endswith(f"set {ENDPOINT_SETTING[kind]}={successor} (or unset it).")


@pytest.mark.parametrize("kind", KINDS)
def test_429_is_rate_limited_with_the_servers_retry_after(server: ChatServer, kind: str) -> None:
    server.queue(Failure(429, {"error": "Rate limit reached"}, {"Retry-After": "30"}))
    error = failure(generator(kind, server.url, provider_retries=0))

    assert type(error) is RateLimited
    assert isinstance(error, RateLimited) and error.retry_after == 30
    assert "(429: Rate limit reached): retry in 30 s" in error.message
    assert error.message.endswith(f"or set {OFFLINE}.")
    assert len(server.requests) == 1


@pytest.mark.parametrize("kind", KINDS)
def test_a_500_is_retried_and_the_second_answer_is_streamed(server: ChatServer, kind: str) -> None:
    server.queue(Failure(500, {"error": "upstream hiccup"}))
    answer = generator(kind, server.url, provider_retries=2).generate(QUESTION, EVIDENCE)

    assert answer == DEFAULT_ANSWER
    assert len(server.requests) == 2


@pytest.mark.parametrize("kind", KINDS)
def test_a_500_without_retries_left_is_a_server_error_naming_the_offline_fix(
    server: ChatServer, kind: str
) -> None:
    server.queue(Failure(500, {"error": "upstream hiccup"}))
    error = failure(generator(kind, server.url, provider_retries=0))

    assert type(error) is ProviderServerError
    assert "failed with HTTP 500 (upstream hiccup)" in error.message
    assert error.message.endswith(f"set {OFFLINE}.")


@pytest.mark.parametrize("kind", KINDS)
def test_no_answer_in_time_is_provider_timeout_naming_the_setting(
    server: ChatServer, kind: str
) -> None:
    server.queue(Failure(200, {}, delay=1.5))
    started = time.monotonic()
    error = failure(generator(kind, server.url, provider_timeout=0.5, provider_retries=0))

    assert type(error) is ProviderTimeout
    assert "did not answer within 0.5 s" in error.message
    assert "raise NEWSRAG_PROVIDER_TIMEOUT" in error.message
    assert error.message.endswith(f"set {OFFLINE}.")
    assert time.monotonic() - started < 1.4


@pytest.mark.parametrize("kind", KINDS)
def test_a_stall_mid_stream_is_provider_timeout_after_the_pieces_so_far(
    server: ChatServer, kind: str
) -> None:
    server.queue(Script(["Firefox ", "1.0 ", "shipped."], pause=1.0))
    pieces, error = pieces_then_error(generator(kind, server.url, provider_timeout=0.3))

    assert pieces == ["Firefox "]
    assert type(error) is ProviderTimeout
    assert "did not answer within 0.3 s" in error.message
    assert len(server.requests) == 1  # a reply already under way is not sent again


@pytest.mark.parametrize("kind", KINDS)
def test_connection_refused_is_unreachable_naming_the_endpoint_setting(kind: str) -> None:
    url = unused_url()
    error = failure(generator(kind, url, provider_retries=0))

    assert type(error) is ProviderUnreachable
    assert f"at {url}/v1/chat/completions (connection refused)" in error.message
    assert f"check {ENDPOINT_SETTING[kind]} and the network, or set {OFFLINE}." in error.message


@pytest.mark.parametrize("kind", KINDS)
def test_an_error_event_mid_stream_raises_with_the_servers_text(
    server: ChatServer, kind: str
) -> None:
    server.queue(Script(["Firefox ", "1.0 "], error="Model overloaded, please retry"))
    pieces, error = pieces_then_error(generator(kind, server.url))

    assert pieces == ["Firefox ", "1.0 "]
    assert type(error) is ProviderError
    assert error.code == "provider_stream_error"
    assert "(Model overloaded, please retry)" in error.message
    assert error.message.endswith(f"set {OFFLINE}.")


@pytest.mark.parametrize("kind", KINDS)
def test_a_connection_cut_before_the_end_raises_stream_cut(server: ChatServer, kind: str) -> None:
    server.queue(Script(["Firefox ", "1.0 "], cut=True))
    error = failure(generator(kind, server.url))

    assert type(error) is ProviderError
    assert error.code == "provider_stream_cut"
    assert f"closed the connection before the answer from {MODEL} was complete" in error.message
    assert error.message.endswith(f"set {OFFLINE}.")


@pytest.mark.usefixtures("no_credentials")
def test_hf_without_a_token_is_token_missing_and_sends_nothing(server: ChatServer) -> None:
    error = failure(generator("hf", server.url, hf_token=None))

    assert type(error) is TokenMissing
    assert error.message.startswith("NEWSRAG_GENERATOR=hf needs a token")
    assert "set HF_TOKEN" in error.message
    assert error.message.endswith(f"or set {OFFLINE}.")
    assert server.requests == []


@pytest.mark.usefixtures("no_credentials")
def test_openai_without_a_key_for_api_openai_com_is_token_missing_before_sending() -> None:
    settings = Settings(_env_file=None, generator="openai")  # type: ignore[call-arg]
    made = generators.create("openai", settings)
    assert isinstance(made, ChatModelGenerator)
    error = failure(made)

    assert type(error) is TokenMissing
    assert error.message.startswith(
        "https://api.openai.com/v1/chat/completions needs an API key: set OPENAI_API_KEY"
    )
    assert error.message.endswith(f"or set {OFFLINE}.")


# --- follow-up questions -----------------------------------------------------------------------
