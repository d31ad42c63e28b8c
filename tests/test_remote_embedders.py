"""The remote embedders (hf, openai) over real loopback HTTP: success, retries of transient
failures only, concurrent batches in order; and `with_retries` on a fake clock."""

from __future__ import annotations

import time

import numpy as np
import pytest
from prometheus_client import REGISTRY

from newsrag.errors import (
    PermissionDenied,
    ProviderError,
    ProviderServerError,
    RateLimited,
    TokenRejected,
)
from newsrag.providers.retry import with_retries
from tests.provider_helpers import (
    HF_TOKEN,
    MODEL,
    OPENAI_KEY,
    PROVIDERS,
    remote_embedder,
    server_fixture,  # noqa: F401  (the `server` fixture)
)
from tests.provider_server import (
    ProviderServer,
    Recorded,
    Reply,
    forbidden,
    hashed_vector,
    not_found,
    rate_limited,
    retired,
    server_error,
    slow,
    unauthorized,
)

HF_PATH = f"/hf-inference/models/{MODEL}/pipeline/feature-extraction"
TEXTS = ["The council approved the budget", "Firefox 1.0 was released", "Storm hits the coast"]


def inputs(request: Recorded) -> list[str]:
    body = request.body
    assert isinstance(body, dict)
    value = body.get("inputs", body.get("input"))
    return [value] if isinstance(value, str) else list(value)


def cosines(vectors: np.ndarray, texts: list[str]) -> list[float]:
    expected = np.array([hashed_vector(text, 384) for text in texts], dtype=np.float32)
    return [float(np.dot(a, b)) for a, b in zip(vectors, expected, strict=True)]


# --- success -----------------------------------------------------------------------------------


@pytest.mark.parametrize("provider", PROVIDERS)
def test_vectors_are_the_providers_own(server: ProviderServer, provider: str) -> None:
    vectors = remote_embedder(provider, server.url).embed(TEXTS)

    assert vectors.shape == (3, 384)
    assert vectors.dtype == np.float32
    assert cosines(vectors, TEXTS) == pytest.approx([1.0, 1.0, 1.0], abs=1e-5)
    (request,) = server.embedding_requests()
    assert inputs(request) == TEXTS


def test_hf_posts_to_the_feature_extraction_route_with_the_bearer_token(
    server: ProviderServer,
) -> None:
    remote_embedder("hf", server.url).embed(TEXTS[:1])

    (request,) = server.embedding_requests()
    assert request.method == "POST"
    assert request.path == HF_PATH
    assert request.headers["authorization"] == f"Bearer {HF_TOKEN}"


def test_openai_posts_model_and_input_with_the_key(server: ProviderServer) -> None:
    remote_embedder("openai", server.url).embed(TEXTS[:1])

    (request,) = server.embedding_requests()
    assert request.path == "/v1/embeddings"
    assert request.body == {"model": MODEL, "input": TEXTS[:1]}
    assert request.headers["authorization"] == f"Bearer {OPENAI_KEY}"


def test_an_unknown_models_dimension_is_learnt_from_one_probe(server: ProviderServer) -> None:
    embedder = remote_embedder("hf", server.url, embedding_model="BAAI/bge-small-en-v1.5")

    assert embedder.dimension == 384
    assert embedder.dimension == 384
    assert len(server.embedding_requests()) == 1


# --- batches -----------------------------------------------------------------------------------


@pytest.mark.parametrize("provider", PROVIDERS)
def test_70_texts_go_in_3_batches_and_come_back_in_order(
    server: ProviderServer, provider: str
) -> None:
    texts = [f"article {i} about topic {i % 7} and place {i % 11}" for i in range(70)]
    vectors = remote_embedder(provider, server.url, embedding_batch=32).embed(texts)

    requests = server.embedding_requests()
    assert len(requests) == 3
    batches = sorted((inputs(r) for r in requests), key=lambda batch: texts.index(batch[0]))
    assert [len(batch) for batch in batches] == [32, 32, 6]
    assert [text for batch in batches for text in batch] == texts
    assert vectors.shape == (70, 384)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    picks = [0, 31, 32, 63, 64, 69]
    assert cosines(vectors[picks], [texts[i] for i in picks]) == pytest.approx([1.0] * 6, abs=1e-5)


def test_batches_run_concurrently(server: ProviderServer) -> None:
    server.always(slow(0.4))
    texts = [f"text {i}" for i in range(12)]
    started = time.monotonic()
    vectors = remote_embedder("hf", server.url, embedding_batch=4, embedding_concurrency=4).embed(
        texts
    )
    elapsed = time.monotonic() - started

    assert vectors.shape == (12, 384)
    assert len(server.embedding_requests()) == 3
    assert elapsed < 1.0  # one after another would take 1.2 s


# --- retries through HTTP ----------------------------------------------------------------------


@pytest.mark.parametrize("provider", PROVIDERS)
def test_a_500_is_retried_once_then_the_vectors_come_back(
    server: ProviderServer, provider: str
) -> None:
    server.queue(server_error(500))
    vectors = remote_embedder(provider, server.url).embed(TEXTS)

    assert len(server.embedding_requests()) == 2
    assert cosines(vectors, TEXTS) == pytest.approx([1.0, 1.0, 1.0], abs=1e-5)


def test_retry_after_is_honoured_before_the_retry(server: ProviderServer) -> None:
    server.queue(rate_limited(1))
    started = time.monotonic()
    vectors = remote_embedder("hf", server.url).embed(TEXTS)
    elapsed = time.monotonic() - started

    assert vectors.shape == (3, 384)
    assert len(server.embedding_requests()) == 2
    assert 1.0 <= elapsed < 2.0


@pytest.mark.parametrize("provider", PROVIDERS)
def test_it_gives_up_after_provider_retries_plus_one_requests(
    server: ProviderServer, provider: str
) -> None:
    server.queue(server_error(503), server_error(503), server_error(503))

    with pytest.raises(ProviderServerError, match="failed with HTTP 503"):
        remote_embedder(provider, server.url, provider_retries=2).embed(TEXTS)

    assert len(server.embedding_requests()) == 3


@pytest.mark.parametrize(
    "reply",
    [unauthorized(), forbidden(), not_found(MODEL), retired()],
    ids=["401", "403", "404", "410"],
)
@pytest.mark.parametrize("provider", PROVIDERS)
def test_client_errors_are_not_retried(server: ProviderServer, provider: str, reply: Reply) -> None:
    server.always(reply)

    with pytest.raises(ProviderError):
        remote_embedder(provider, server.url).embed(TEXTS)

    assert len(server.embedding_requests()) == 1


# --- with_retries on a fake clock --------------------------------------------------------------


class FakeTime:
    def __init__(self) -> None:
        self.now = 0.0
        self.sleeps: list[float] = []

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(round(seconds, 6))
        self.now += seconds


class Failing:
    """A call failing with `error` the first `times` calls (always when None), then "ok"."""

    def __init__(self, error: ProviderError, times: int | None = None, cost: float = 0.0) -> None:
        self.error, self.times, self.cost, self.calls = error, times, cost, 0
        self.fake: FakeTime | None = None

    def __call__(self) -> str:
        self.calls += 1
        if self.fake is not None:
            self.fake.now += self.cost
        if self.times is None or self.calls <= self.times:
            raise self.error
        return "ok"


def run(call: Failing, fake: FakeTime, *, budget: float, retries: int = 10) -> str:
    call.fake = fake
    return with_retries(
        call,
        retries=retries,
        budget=budget,
        base_delay=0.2,
        sleep=fake.sleep,
        clock=fake.clock,
        jitter=lambda: 0.5,
    )


def test_backoff_doubles_until_the_budget_would_be_passed() -> None:
    fake, call = FakeTime(), Failing(ProviderServerError("HTTP 500"))

    with pytest.raises(ProviderServerError):
        run(call, fake, budget=1.5)

    assert fake.sleeps == [0.2, 0.4, 0.8]  # a fourth wait of 1.6 s would end past 1.5 s
    assert call.calls == 4


def test_the_budget_counts_the_time_spent_in_calls() -> None:
    fake, call = FakeTime(), Failing(ProviderServerError("HTTP 500"), cost=0.5)

    with pytest.raises(ProviderServerError):
        run(call, fake, budget=1.5)

    assert fake.sleeps == [0.2]  # 0.5 + 0.2 + 0.5 = 1.2; another 0.4 s wait would pass 1.5
    assert call.calls == 2


def test_retries_stop_at_the_configured_count() -> None:
    fake, call = FakeTime(), Failing(ProviderServerError("HTTP 502"))

    with pytest.raises(ProviderServerError):
        run(call, fake, retries=2, budget=100.0)

    assert fake.sleeps == [0.2, 0.4]
    assert call.calls == 3


def test_success_after_transient_failures_returns_the_result() -> None:
    fake, call = FakeTime(), Failing(ProviderServerError("HTTP 500"), times=2)

    assert run(call, fake, budget=1.5) == "ok"
    assert fake.sleeps == [0.2, 0.4]


def test_a_longer_retry_after_replaces_the_backoff() -> None:
    fake, call = FakeTime(), Failing(RateLimited("slow down", retry_after=1.0), times=1)

    assert run(call, fake, budget=1.5) == "ok"
    assert fake.sleeps == [1.0]


def test_a_retry_after_past_the_budget_raises_at_once() -> None:
    fake, call = FakeTime(), Failing(RateLimited("slow down", retry_after=30.0))

    with pytest.raises(RateLimited):
        run(call, fake, budget=1.5)

    assert fake.sleeps == []
    assert call.calls == 1


@pytest.mark.parametrize(
    "error", [TokenRejected("401"), PermissionDenied("403"), ProviderError("other")], ids=str
)
def test_permanent_failures_are_raised_at_once(error: ProviderError) -> None:
    fake, call = FakeTime(), Failing(error)

    with pytest.raises(type(error)):
        run(call, fake, budget=100.0)

    assert fake.sleeps == []
    assert call.calls == 1


def test_a_refused_token_is_counted_in_the_provider_error_metric(server: ProviderServer) -> None:
    labels = {"kind": "embedder", "code": "permission_denied"}
    before = REGISTRY.get_sample_value("newsrag_provider_errors_total", labels) or 0.0
    server.always(forbidden())

    with pytest.raises(ProviderError) as caught:
        remote_embedder("hf", server.url).embed(TEXTS)

    assert caught.value.code == "permission_denied"
    assert REGISTRY.get_sample_value("newsrag_provider_errors_total", labels) == before + 1
