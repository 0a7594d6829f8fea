"""The FAISS index: stable ids, in-place updates, restricted search, persistence."""

from __future__ import annotations

import numpy as np

from matcher.index import VacancyIndex, faiss_id


def unit(*values: float) -> np.ndarray:
    vector = np.array(values, dtype=np.float32)
    return vector / np.linalg.norm(vector)


def test_ids_are_stable_and_non_negative():
    assert faiss_id("demo:1001") == faiss_id("demo:1001")
    assert faiss_id("demo:1001") != faiss_id("demo:1002")
    assert all(faiss_id(f"v{i}") >= 0 for i in range(1000))


def test_search_is_restricted_to_the_candidates_that_passed():
    index = VacancyIndex.empty(3)
    index.upsert(["a", "b", "c"], np.stack([unit(1, 0, 0), unit(0.9, 0.1, 0), unit(0, 1, 0)]))
    query = unit(1, 0, 0)
    assert list(index.search(query, among=["a", "b", "c"], k=2)) == ["a", "b"]
    only = index.search(query, among=["b", "c"], k=10)
    assert list(only) == ["b", "c"]
    assert only["b"] > only["c"]
    assert index.search(query, among=[], k=10) == {}


def test_upsert_replaces_and_remove_deletes():
    index = VacancyIndex.empty(3)
    index.upsert(["a", "b"], np.stack([unit(1, 0, 0), unit(0, 1, 0)]))
    index.upsert(["a"], np.stack([unit(0, 0, 1)]))
    assert len(index) == 2
    assert index.search(unit(0, 0, 1), among=["a", "b"], k=1) == {"a": 1.0}
    assert index.remove(["b", "unknown"]) == 1
    assert index.search(unit(0, 1, 0), among=["a", "b"], k=5).keys() == {"a"}


def test_saved_index_loads_with_the_same_ids(tmp_path):
    path = tmp_path / "spoorzoeker.faiss"
    index = VacancyIndex.empty(3)
    index.upsert(["a", "b"], np.stack([unit(1, 0, 0), unit(0, 1, 0)]))
    index.save(path)
    loaded = VacancyIndex.load(path, dim=3)
    assert loaded.ids() == {faiss_id("a"), faiss_id("b")}
    assert VacancyIndex.load(path, dim=4).ids() == set()
