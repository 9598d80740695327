"""Semantic similarity: sentence embeddings from a model whose weights come with its package.

The model is WordLlama (`pip install masthead[embeddings]`): its 256-dimension "l2_supercat"
token embeddings (distilled from a large language model's) are inside the wheel, so
nothing is downloaded at run time and it runs on any CPU, about 1,500 abstracts a second
on two cores (bench/related_speed.py). Without the package the engine goes on with its
lexical and citation signals: `load_embedder()` answers None.

Vectors are L2-normalised float32, so a dot product is the cosine. They are cached per
article version (`related.models.ArticleEmbedding`), keyed by the model's name, so a new
model never mixes with vectors of the old one.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Sequence
from pathlib import Path
from typing import Protocol

import numpy as np

MAX_CHARS = 4000  # an abstract's worth: longer text adds time, not topic


class Embedder(Protocol):
    name: str
    dimensions: int

    def embed(self, texts: Sequence[str]) -> np.ndarray: ...


class WordLlamaEmbedder:
    name = "wordllama-l2_supercat-256"
    dimensions = 256

    def __init__(self) -> None:
        import wordllama

        # The wheel carries its weights and tokenizer; never ask a hub for them.
        package = Path(wordllama.__file__).parent
        self._model = wordllama.WordLlama.load(
            config="l2_supercat", dim=self.dimensions, cache_dir=package, disable_download=True
        )

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dimensions), dtype=np.float32)
        clipped = [t[:MAX_CHARS] for t in texts]
        vectors = np.asarray(self._model.embed(clipped, norm=True), dtype=np.float32)
        return normalise(vectors)


def normalise(vectors: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return (vectors / np.where(norms > 0, norms, 1.0)).astype(np.float32)


def embedding_available() -> bool:
    return importlib.util.find_spec("wordllama") is not None


_loaded: list[Embedder | None] = []


def load_embedder() -> Embedder | None:
    """The installed model, loaded once per process; None when it is not installed."""
    if not _loaded:
        _loaded.append(WordLlamaEmbedder() if embedding_available() else None)
    return _loaded[0]


def to_bytes(vector: np.ndarray) -> bytes:
    return np.asarray(vector, dtype="<f4").tobytes()


def from_bytes(data: bytes) -> np.ndarray:
    return np.frombuffer(data, dtype="<f4")
