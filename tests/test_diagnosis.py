"""Provider failures diagnosed through the real embedders against a real loopback server: each
answer becomes one typed error whose sentence names the setting or URL that fixes it."""

from __future__ import annotations

import time

import pytest

from newsrag.config import Settings
from newsrag.embeddings.hf import HFEmbedder
from newsrag.embeddings.openai import OpenAIEmbedder
from newsrag.embeddings.remote import RemoteEmbedder
from newsrag.errors import (
    BadProviderResponse,
    EndpointRetired,
    ModelLoading,
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
from tests.provider_helpers import (
    HF_MASKED,
    HF_TOKEN,
    MODEL,
    OPENAI_KEY,
    OPENAI_MASKED,
    PROVIDERS,
    remote_embedder,
    server_fixture,  # noqa: F401  (the `server` fixture)
    unused_url,
)
from tests.provider_server import (
    ProviderServer,
    Reply,
    bad_gateway,
    forbidden,
    loading,
    not_found,
    rate_limited,
    retired,
    server_error,
    slow,
    unauthorized,
    wrong_dimension,
    wrong_shape,
)

TOKEN_ENV = ("HF_TOKEN", "HUGGINGFACE_API_KEY", "NEWSRAG_HF_TOKEN")


def failure(embedder: RemoteEmbedder, texts: list[str] | None = None) -> ProviderError:
    with pytest.raises(ProviderError) as caught:
        embedder.embed(texts or ["the council approved the budget"])
    return caught.value


@pytest.mark.parametrize("provider", PROVIDERS)
def test_401_is_token_rejected_naming_the_setting_and_the_masked_token(
    server: ProviderServer, provider: str
) -> None:
    server.always(unauthorized())
    error = failure(remote_embedder(provider, server.url))

    assert type(error) is TokenRejected
    assert error.code == "token_rejected"
    setting, masked, raw = (
        ("HF_TOKEN", HF_MASKED, HF_TOKEN)
        if provider == "hf"
        else ("OPENAI_API_KEY", OPENAI_MASKED, OPENAI_KEY)
    )
    assert f"the token {masked} as invalid or expired (401)" in error.message
    assert error.message.endswith(f"set {setting}.")
    assert raw not in error.message
    assert raw[3:] not in str(error)
    if provider == "hf":
        assert "https://huggingface.co/settings/tokens" in error.message


@pytest.mark.parametrize("provider", PROVIDERS)
def test_403_is_permission_denied_quoting_the_provider(
    server: ProviderServer, provider: str
) -> None:
    server.always(forbidden("jane"))
    error = failure(remote_embedder(provider, server.url))

    assert type(error) is PermissionDenied
    assert error.code == "permission_denied"
    said = "does not have sufficient permissions to call Inference Providers on behalf of user jane"
    assert said in error.message
    if provider == "hf":
        assert error.message.startswith(f"The Hugging Face token {HF_MASKED} may not call")
        assert '"Make calls to Inference Providers"' in error.message
        assert "https://huggingface.co/settings/tokens" in error.message
        assert error.message.endswith("set HF_TOKEN.")
        assert HF_TOKEN not in error.message
    else:
        assert f"refused the token {OPENAI_MASKED} for {MODEL} (403" in error.message
        assert error.message.endswith("set another OPENAI_API_KEY.")
        assert OPENAI_KEY not in error.message


@pytest.mark.parametrize("provider", PROVIDERS)
def test_404_is_model_not_served_naming_model_and_provider(
    server: ProviderServer, provider: str
) -> None:
    server.always(not_found(MODEL))
    error = failure(remote_embedder(provider, server.url))

    assert type(error) is ModelNotServed
    assert error.code == "model_not_served"
    assert f"does not serve the model {MODEL} (404: Model {MODEL} does not exist)" in error.message
    assert "set NEWSRAG_EMBEDDING_MODEL to a model it serves" in error.message
    if provider == "hf":
        assert error.message.startswith("Hugging Face (hf-inference) does not serve")
        assert error.message.endswith("or choose another NEWSRAG_HF_PROVIDER.")


def test_410_is_endpoint_retired_naming_the_router_as_successor(server: ProviderServer) -> None:
    server.always(retired())
    embedder = remote_embedder("hf", server.url)
    error = failure(embedder)

    assert type(error) is EndpointRetired
    assert error.code == "endpoint_retired"
    assert error.message.startswith(f"The endpoint {embedder.endpoint.url} is retired (410: ")
    assert error.message.endswith(
        "set NEWSRAG_HF_ENDPOINT=https://router.huggingface.co (or unset it)."
    )
    # the URL the provider says is gone is quoted, never offered as the fix
    assert "NEWSRAG_HF_ENDPOINT=https://api-inference" not in error.message


@pytest.mark.parametrize("provider", PROVIDERS)
def test_429_is_rate_limited_and_raised_without_waiting_past_the_budget(
    server: ProviderServer, provider: str
) -> None:
    server.always(rate_limited(30))
    started = time.monotonic()
    error = failure(remote_embedder(provider, server.url))
    elapsed = time.monotonic() - started

    assert type(error) is RateLimited
    assert error.code == "rate_limited"
    assert isinstance(error, RateLimited) and error.retry_after == 30
    assert "(429: Rate limit reached. Please retry later.): retry in 30 s" in error.message
    assert elapsed < 2.0
    assert len(server.embedding_requests()) == 1


@pytest.mark.parametrize("provider", PROVIDERS)
def test_503_loading_is_model_loading_with_the_estimate(
    server: ProviderServer, provider: str
) -> None:
    server.always(loading(estimated_time=42))
    error = failure(remote_embedder(provider, server.url))

    assert type(error) is ModelLoading
    assert error.code == "model_loading"
    assert f"is still loading {MODEL} (about 42 s more)" in error.message
    assert isinstance(error, ModelLoading) and error.estimated_time == 42


@pytest.mark.parametrize("provider", PROVIDERS)
@pytest.mark.parametrize(
    ("reply", "said"),
    [
        (server_error(500), "HTTP 500 (Internal Server Error)"),
        (bad_gateway(), "HTTP 502 (502 Bad Gateway)"),
    ],
    ids=["500", "502"],
)
def test_5xx_is_provider_server_error_quoting_the_answer(
    server: ProviderServer, provider: str, reply: Reply, said: str
) -> None:
    server.always(reply)
    error = failure(remote_embedder(provider, server.url))

    assert type(error) is ProviderServerError
    assert error.code == "provider_server_error"
    assert f"failed with {said}: try again later" in error.message
    assert "<html>" not in error.message


@pytest.mark.parametrize("provider", PROVIDERS)
def test_no_answer_in_time_is_provider_timeout_naming_the_setting(
    server: ProviderServer, provider: str
) -> None:
    server.always(slow(5))
    started = time.monotonic()
    error = failure(remote_embedder(provider, server.url, provider_timeout=0.3))
    elapsed = time.monotonic() - started

    assert type(error) is ProviderTimeout
    assert error.code == "provider_timeout"
    assert "did not answer within 0.3 s" in error.message
    assert "raise NEWSRAG_PROVIDER_TIMEOUT" in error.message
    assert elapsed < 2.5  # three tries of 0.3 s and the backoff, not the server's 5 s


@pytest.mark.parametrize("provider", PROVIDERS)
def test_connection_refused_is_provider_unreachable_naming_the_endpoint_setting(
    provider: str,
) -> None:
    url = unused_url()
    error = failure(remote_embedder(provider, url))

    assert type(error) is ProviderUnreachable
    assert error.code == "provider_unreachable"
    setting = "NEWSRAG_HF_ENDPOINT" if provider == "hf" else "NEWSRAG_OPENAI_BASE_URL"
    assert "Cannot reach " in error.message
    assert f" at {url}/" in error.message
    assert f"(connection refused): check {setting} and the network" in error.message


@pytest.mark.parametrize("provider", PROVIDERS)
def test_vectors_of_another_dimension_are_a_bad_response_naming_both(
    server: ProviderServer, provider: str
) -> None:
    server.always(wrong_dimension(768))
    error = failure(remote_embedder(provider, server.url))

    assert type(error) is BadProviderResponse
    assert error.code == "bad_provider_response"
    assert "vectors of 768 dimensions, expected 384" in error.message
    assert "NEWSRAG_EMBEDDING_MODEL" in error.message


@pytest.mark.parametrize("provider", PROVIDERS)
def test_an_answer_that_is_not_vectors_is_a_bad_response(
    server: ProviderServer, provider: str
) -> None:
    server.always(wrong_shape())
    error = failure(remote_embedder(provider, server.url))

    assert type(error) is BadProviderResponse
    assert error.code == "bad_provider_response"
    if provider == "hf":
        assert "with something that is not a list of vectors" in error.message
    else:
        assert "did not answer in the OpenAI embeddings format" in error.message


@pytest.mark.parametrize(
    ("answer", "said"),
    [
        ([[[0.1] * 384] * 3], "one vector per token, not per text"),
        ("<html>not json</html>", "with something that is not a list of vectors"),
        ([[0.1] * 384, [0.1] * 10], "with something that is not a list of vectors"),
        ([[0.1] * 384] * 3, "an array of shape (3, 384) for 2 texts"),
    ],
    ids=["per-token", "not-json", "ragged", "too-many"],
)
def test_hf_answers_that_are_not_one_vector_per_text_are_a_bad_response(
    server: ProviderServer, answer: object, said: str
) -> None:
    server.always(Reply(200, answer))
    error = failure(remote_embedder("hf", server.url), ["first text", "second text"])

    assert type(error) is BadProviderResponse
    assert said in error.message
    assert "NEWSRAG_EMBEDDING_MODEL" in error.message


def test_hf_without_a_token_is_token_missing_and_sends_nothing(
    server: ProviderServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in TOKEN_ENV:
        monkeypatch.delenv(name, raising=False)
    error = failure(remote_embedder("hf", server.url, hf_token=None))

    assert type(error) is TokenMissing
    assert error.code == "token_missing"
    assert "NEWSRAG_EMBEDDING_PROVIDER=hf needs a token" in error.message
    assert "set HF_TOKEN" in error.message
    assert server.requests == []


def test_openai_without_a_key_is_token_missing_for_api_openai_com(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    monkeypatch.delenv("NEWSRAG_OPENAI_API_KEY", raising=False)
    settings = Settings(_env_file=None, embedding_provider="openai")  # type: ignore[call-arg]
    error = failure(OpenAIEmbedder(settings))

    assert type(error) is TokenMissing
    assert "https://api.openai.com/v1/embeddings needs an API key: set OPENAI_API_KEY" in (
        error.message
    )


def test_the_old_huggingface_api_key_variable_is_honoured(
    server: ProviderServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in TOKEN_ENV:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HUGGINGFACE_API_KEY", HF_TOKEN)
    settings = Settings(_env_file=None, embedding_provider="hf", hf_endpoint=server.url)  # type: ignore[call-arg]

    vectors = HFEmbedder(settings).embed(["budget approved"])

    assert vectors.shape == (1, 384)
    (request,) = server.embedding_requests()
    assert request.headers["authorization"] == f"Bearer {HF_TOKEN}"
