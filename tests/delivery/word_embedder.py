"""A small, deterministic embedder for tests that need vectors but not the language model.

Each word is hashed to a few dimensions; a text is the normalised sum of its words, so
texts that share words are similar. It counts what it embedded, so a test can see that
an unchanged vacancy is not embedded again.
"""

from __future__ import annotations

import hashlib
import re

import numpy as np

_WORD = re.compile(r"[a-zà-ÿ0-9]+")


class WordEmbedder:
    dim = 64

    def __init__(self) -> None:
        self.passages: list[str] = []
        self.queries: list[str] = []

    def _vector(self, text: str) -> np.ndarray:
        vector = np.zeros(self.dim, dtype=np.float32)
        for word in _WORD.findall(text.lower()):
            digest = hashlib.sha256(word.encode()).digest()
            for byte in digest[:3]:
                vector[byte % self.dim] += 1.0
        norm = np.linalg.norm(vector)
        return vector / norm if norm else vector + 1 / np.sqrt(self.dim)

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        self.passages.extend(texts)
        return np.stack([self._vector(t) for t in texts]) if texts else np.zeros((0, self.dim))

    def embed_queries(self, texts: list[str]) -> np.ndarray:
        self.queries.extend(texts)
        return np.stack([self._vector(t) for t in texts])
