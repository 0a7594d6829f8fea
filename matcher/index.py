"""The vector index of open vacancies: FAISS with stable ids, saved beside the database.

Each vacancy id maps to a stable 63-bit integer, so the index can be updated
in place: changed vacancies are replaced, closed ones removed. Searches can be
restricted to the vacancies that passed the filters (an `IDSelectorBatch` in
the search parameters).

Up to `exact_limit` vectors (a setting) the index is exact: an `IndexIDMap2`
over a flat inner-product index, whose search is a fast scan at that size.
Beyond it, `rebalanced` rebuilds it as an IVF index (inverted lists over
k-means cells, `nprobe` of them searched per query) with the same ids; below
half the limit it goes back to exact. Vectors are L2-normalised, so the inner
product is the cosine.
"""

from __future__ import annotations

import hashlib
import logging
import math
import os
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import faiss
import numpy as np

logger = logging.getLogger(__name__)
faiss_module: Any = faiss  # the faiss stubs lack DirectMap and the IVF search parameters

DEFAULT_EXACT_LIMIT = 200_000
DEFAULT_NPROBE = 32
TRAINING_SAMPLE = 40  # vectors per IVF list used to train the cells


def faiss_id(vacancy_id: str) -> int:
    """A stable, non-negative 63-bit id for a vacancy id."""
    digest = hashlib.sha256(vacancy_id.encode("utf-8")).digest()
    return int.from_bytes(digest[:8], "big") & 0x7FFF_FFFF_FFFF_FFFF


def _ids_array(vacancy_ids: Iterable[str]) -> np.ndarray:
    return np.array([faiss_id(v) for v in vacancy_ids], dtype=np.int64)


class VacancyIndex:
    """Inner-product search over vacancies: exact up to a size, IVF beyond."""

    def __init__(self, index: Any, *, nprobe: int = DEFAULT_NPROBE) -> None:
        # Any: the faiss stubs know neither IDMap2's id_map nor IVF's search parameters.
        self.index: Any = index
        self.nprobe = nprobe

    @classmethod
    def empty(cls, dim: int) -> VacancyIndex:
        return cls(faiss.IndexIDMap2(faiss.IndexFlatIP(dim)))

    @classmethod
    def build(cls, ids: np.ndarray, vectors: np.ndarray, *,
              exact_limit: int = DEFAULT_EXACT_LIMIT, nprobe: int = DEFAULT_NPROBE,
              seed: int = 7) -> VacancyIndex:
        """An index of these FAISS ids and vectors, exact or IVF by their number."""
        vectors = np.ascontiguousarray(vectors, dtype=np.float32)
        ids = np.ascontiguousarray(ids, dtype=np.int64)
        dim = vectors.shape[1]
        if len(ids) <= exact_limit:
            index = cls.empty(dim)
            if len(ids):
                index.index.add_with_ids(vectors, ids)
            index.nprobe = nprobe
            return index
        nlist = int(min(65536, max(16, math.sqrt(len(ids)))))
        quantizer = faiss.IndexFlatIP(dim)
        ivf: Any = faiss.IndexIVFFlat(quantizer, dim, nlist, faiss.METRIC_INNER_PRODUCT)
        ivf.set_direct_map_type(faiss_module.DirectMap.Hashtable)
        sample = np.random.default_rng(seed).choice(
            len(ids), size=min(len(ids), nlist * TRAINING_SAMPLE), replace=False)
        ivf.train(vectors[np.sort(sample)])
        ivf.add_with_ids(vectors, ids)
        logger.info("built an IVF index: %d vectors in %d lists", len(ids), nlist)
        return cls(ivf, nprobe=nprobe)

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

    @property
    def kind(self) -> str:
        return "ivf" if isinstance(self.index, faiss.IndexIVF) else "exact"

    def __len__(self) -> int:
        return int(self.index.ntotal)

    def faiss_ids(self) -> np.ndarray:
        """Every id in the index."""
        if self.kind == "exact":
            return faiss.vector_to_array(self.index.id_map).astype(np.int64)
        lists = self.index.invlists
        parts = [faiss.rev_swig_ptr(lists.get_ids(n), lists.list_size(n)).copy()
                 for n in range(self.index.nlist) if lists.list_size(n)]
        return np.concatenate(parts).astype(np.int64) if parts else np.zeros(0, np.int64)

    def ids(self) -> set[int]:
        return {int(i) for i in self.faiss_ids()}

    def vectors(self) -> tuple[np.ndarray, np.ndarray]:
        """(ids, vectors) of everything in the index, to rebuild it in another form."""
        ids = self.faiss_ids()
        if not len(ids):
            return ids, np.zeros((0, self.index.d), dtype=np.float32)
        if self.kind == "exact":
            return ids, self.index.index.reconstruct_n(0, len(ids))
        return ids, self.index.reconstruct_batch(ids)

    def rebalanced(self, *, exact_limit: int = DEFAULT_EXACT_LIMIT) -> VacancyIndex:
        """This index, or a rebuild of it when its size calls for the other kind."""
        size = len(self)
        if (self.kind == "exact" and size > exact_limit) or (
                self.kind == "ivf" and size < exact_limit // 2):
            ids, vectors = self.vectors()
            return VacancyIndex.build(ids, vectors, exact_limit=exact_limit, nprobe=self.nprobe)
        return self

    def upsert(self, vacancy_ids: list[str], vectors: np.ndarray) -> None:
        if not vacancy_ids:
            return
        ids = _ids_array(vacancy_ids)
        self.index.remove_ids(ids)
        self.index.add_with_ids(np.ascontiguousarray(vectors, dtype=np.float32), ids)

    def remove(self, vacancy_ids: Iterable[str]) -> int:
        ids = _ids_array(vacancy_ids)
        return int(self.index.remove_ids(ids)) if len(ids) else 0

    def search_ids(self, query: np.ndarray, *, among: np.ndarray | None, k: int
                   ) -> tuple[np.ndarray, np.ndarray]:
        """(FAISS ids, similarities) of the best `k`, among these FAISS ids (None: all)."""
        if len(self) == 0 or k <= 0 or (among is not None and not len(among)):
            return np.zeros(0, np.int64), np.zeros(0, np.float32)
        selector = None if among is None else faiss.IDSelectorBatch(
            np.ascontiguousarray(among, dtype=np.int64))
        params: Any = None
        if self.kind == "ivf":
            params = faiss_module.SearchParametersIVF()
            params.nprobe = self.nprobe
            if selector is not None:
                params.sel = selector
        elif selector is not None:
            params = faiss.SearchParameters()
            params.sel = selector
        k = min(k, len(self) if among is None else min(len(among), len(self)))
        scores, ids = self.index.search(
            np.ascontiguousarray(query.reshape(1, -1), dtype=np.float32), k, params=params)
        keep = ids[0] >= 0
        return ids[0][keep], scores[0][keep]

    def search(self, query: np.ndarray, *, among: Iterable[str], k: int = 100) -> dict[str, float]:
        """Similarity of the query to the best `k` of the vacancies `among` (those that passed)."""
        names = {faiss_id(v): v for v in among}
        if not names:
            return {}
        ids, scores = self.search_ids(query, among=np.fromiter(names, dtype=np.int64), k=k)
        return {names[int(i)]: float(s) for i, s in zip(ids, scores, strict=True)}
