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


def clustered(n: int, dim: int = 16, seed: int = 3) -> np.ndarray:
    rng = np.random.default_rng(seed)
    vectors = rng.standard_normal((n, dim)).astype(np.float32)
    return vectors / np.linalg.norm(vectors, axis=1, keepdims=True)


def test_the_index_is_exact_up_to_the_limit_and_ivf_beyond():
    vectors = clustered(400)
    ids = np.arange(1, 401, dtype=np.int64)
    assert VacancyIndex.build(ids, vectors, exact_limit=400).kind == "exact"
    ivf = VacancyIndex.build(ids, vectors, exact_limit=100, nprobe=64)
    assert ivf.kind == "ivf"
    assert len(ivf) == 400
    assert set(ivf.faiss_ids()) == set(range(1, 401))


def test_ivf_search_is_restricted_and_finds_what_exact_search_finds():
    vectors = clustered(400)
    ids = np.arange(1, 401, dtype=np.int64)
    exact = VacancyIndex.build(ids, vectors, exact_limit=1000)
    ivf = VacancyIndex.build(ids, vectors, exact_limit=100, nprobe=1000)  # every list
    query = vectors[7]
    among = ids[ids % 3 == 0]
    found_exact, _ = exact.search_ids(query, among=among, k=5)
    found_ivf, scores = ivf.search_ids(query, among=among, k=5)
    assert list(found_ivf) == list(found_exact)
    assert all(i % 3 == 0 for i in found_ivf)
    assert scores[0] >= scores[-1]


def test_rebalancing_switches_kind_and_keeps_ids_and_vectors(tmp_path):
    vectors = clustered(300)
    ids = np.arange(1, 301, dtype=np.int64)
    exact = VacancyIndex.build(ids, vectors, exact_limit=1000)
    grown = exact.rebalanced(exact_limit=100)
    assert grown.kind == "ivf"
    path = tmp_path / "ivf.faiss"
    grown.save(path)
    loaded = VacancyIndex.load(path, dim=16)
    assert loaded.kind == "ivf" and loaded.ids() == set(range(1, 301))
    loaded.nprobe = 1000
    found, scores = loaded.search_ids(vectors[10], among=None, k=1)
    assert found[0] == 11 and scores[0] > 0.99
    shrunk = loaded.rebalanced(exact_limit=1000)
    assert shrunk.kind == "exact" and shrunk.ids() == set(range(1, 301))
    assert shrunk.rebalanced(exact_limit=1000) is shrunk


def test_ivf_removes_closed_vacancies():
    index = VacancyIndex.build(np.array([faiss_id(f"v{i}") for i in range(300)]),
                               clustered(300), exact_limit=100, nprobe=1000)
    assert index.remove(["v1", "v2", "nope"]) == 2
    assert faiss_id("v1") not in index.ids() and len(index) == 298
