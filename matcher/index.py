"""The vector index of open vacancies: FAISS with stable ids, saved beside the database.

Each vacancy id maps to a stable 63-bit integer, so the index can be updated
in place: changed vacancies are replaced, closed ones removed. Searches can be
restricted to the vacancies that passed the suitability filter.
"""

from __future__ import annotations

import hashlib
import logging
import os
from collections.abc import Iterable
from pathlib import Path

import faiss
import numpy as np

logger = logging.getLogger(__name__)


def faiss_id(vacancy_id: str) -> int:
    """A stable, non-negative 63-bit id for a vacancy id."""
    digest = hashlib.sha256(vacancy_id.encode("utf-8")).digest()
    return int.from_bytes(digest[:8], "big") & 0x7FFF_FFFF_FFFF_FFFF


class VacancyIndex:
    """Exact inner-product search (vectors are L2-normalised, so cosine) over vacancies."""

    def __init__(self, index: faiss.IndexIDMap2) -> None:
        self.index = index

    @classmethod
    def empty(cls, dim: int) -> VacancyIndex:
        return cls(faiss.IndexIDMap2(faiss.IndexFlatIP(dim)))

    @classmethod
    def load(cls, path: Path, *, dim: int) -> VacancyIndex:
        """The saved index, or an empty one when there is none or it has another size."""
        if path.exists():
            index = faiss.read_index(str(path))
            if index.d == dim:
                return cls(index)
            logger.info("index %s has dimension %d, model has %d: rebuilding", path, index.d, dim)
        return cls.empty(dim)

    def save(self, path: Path) -> None:
        """Write atomically: a crash never leaves half an index."""
        partial = path.with_suffix(path.suffix + ".part")
        faiss.write_index(self.index, str(partial))
        os.replace(partial, path)

    def __len__(self) -> int:
        return int(self.index.ntotal)

    def ids(self) -> set[int]:
        return {int(i) for i in faiss.vector_to_array(self.index.id_map)}

    def upsert(self, vacancy_ids: list[str], vectors: np.ndarray) -> None:
        if not vacancy_ids:
            return
        ids = np.array([faiss_id(v) for v in vacancy_ids], dtype=np.int64)
        self.index.remove_ids(ids)
        self.index.add_with_ids(np.ascontiguousarray(vectors, dtype=np.float32), ids)

    def remove(self, vacancy_ids: Iterable[str]) -> int:
        ids = np.array([faiss_id(v) for v in vacancy_ids], dtype=np.int64)
        return int(self.index.remove_ids(ids)) if len(ids) else 0

    def search(self, query: np.ndarray, *, among: Iterable[str], k: int = 100) -> dict[str, float]:
        """Similarity of the query to the best `k` of the vacancies `among` (those that passed)."""
        names = {faiss_id(v): v for v in among}
        if len(self) == 0 or not names:
            return {}
        selector = faiss.IDSelectorBatch(np.fromiter(names, dtype=np.int64))
        params = faiss.SearchParameters(sel=selector)
        k = min(k, len(names), len(self))
        scores, ids = self.index.search(
            np.ascontiguousarray(query.reshape(1, -1), dtype=np.float32), k, params=params)
        found: dict[str, float] = {}
        for score, found_id in zip(scores[0], ids[0], strict=True):
            if found_id < 0:
                continue
            found[names[int(found_id)]] = float(score)
        return found
