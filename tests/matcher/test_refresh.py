"""Refresh: requirements, ranking facts, embeddings and the index follow the open vacancies,
and a re-run on unchanged vacancies reads and embeds nothing."""

from __future__ import annotations

import numpy as np
import pytest

from config import Settings
from matcher.index import VacancyIndex, faiss_id
from matcher.models import Requirements
from matcher.refresh import extractor_version, refresh_all
from matcher.store import MatcherStore
from tests.delivery.word_embedder import WordEmbedder
from vacancies.model import Vacancy
from vacancies.store import VacancyStore, open_database

VACANCIES = [
    Vacancy(id="a", title="Orderpicker", place="Tilburg",
            description="Je pakt dozen tot 20 kilo in het magazijn. Rijbewijs B vereist."),
    Vacancy(id="b", title="Administratief medewerker", place="Utrecht",
            description="Je verwerkt facturen in Exact Online, 24 uur per week."),
    Vacancy(id="c", title="Schoonmaker", place="Nergenshuizen-aan-Zee",
            description="Schoonmaakwerk in kantoren, 's avonds."),
]


def stored(db_path, vacancies: list[Vacancy]) -> VacancyStore:
    """A store with these vacancies whose requirements are already read (no spaCy needed)."""
    store = VacancyStore.open(db_path)
    for vacancy in vacancies:
        store.upsert(vacancy)
    MatcherStore(store.db).save_requirements(
        [(v.id, v.content_hash(), Requirements()) for v in vacancies],
        extractor=extractor_version())
    return store


def test_a_rerun_embeds_nothing_and_a_changed_text_embeds_once(db_path):
    settings = Settings(db=db_path, embedding_batch_size=2)
    store = stored(db_path, VACANCIES)
    embedder = WordEmbedder()
    first = refresh_all(settings=settings, embedder=embedder)
    assert (first.extracted, first.facts, first.embedded, first.indexed) == (0, 3, 3, 3)
    again = refresh_all(settings=settings, embedder=embedder)
    assert (again.facts, again.embedded, again.indexed) == (0, 0, 0)
    assert len(embedder.passages) == 3
    changed = VACANCIES[0].model_copy(update={"description": "Nu zonder tilwerk."})
    store.upsert(changed)
    MatcherStore(store.db).save_requirements(
        [(changed.id, changed.content_hash(), Requirements())], extractor=extractor_version())
    after = refresh_all(settings=settings, embedder=embedder)
    assert (after.facts, after.embedded, after.indexed) == (1, 1, 1)
    assert embedder.passages[-1] == "Orderpicker\nNu zonder tilwerk."


@pytest.mark.slow
def test_a_rerun_on_unchanged_vacancies_embeds_and_reads_nothing(db_path):
    """The whole path with real extraction (spaCy)."""
    settings = Settings(db=db_path, embedding_batch_size=2)
    store = VacancyStore.open(db_path)
    for vacancy in VACANCIES:
        store.upsert(vacancy)
    embedder = WordEmbedder()
    first = refresh_all(settings=settings, embedder=embedder)
    assert (first.extracted, first.facts, first.embedded, first.indexed) == (3, 3, 3, 3)
    assert len(embedder.passages) == 3

    again = refresh_all(settings=settings, embedder=embedder)
    assert (again.extracted, again.facts, again.embedded, again.indexed) == (0, 0, 0, 0)
    assert len(embedder.passages) == 3

    store.upsert(VACANCIES[1].model_copy(update={"description": "Nu 32 uur per week."}))
    changed = refresh_all(settings=settings, embedder=embedder)
    assert (changed.extracted, changed.facts, changed.embedded, changed.indexed) == (1, 1, 1, 1)
    assert embedder.passages[-1].startswith("Administratief medewerker\nNu 32 uur")


def test_facts_hold_the_place_and_unknown_places_stay_unknown(db_path):
    settings = Settings(db=db_path)
    stored(db_path, VACANCIES)
    refresh_all(settings=settings, embedder=WordEmbedder())
    rows = {vid: (lat, lon) for vid, _, _, lat, lon in MatcherStore(open_database(db_path)).facts()}
    assert abs(rows["a"][0] - 51.56) < 0.1 and abs(rows["a"][1] - 5.09) < 0.1  # Tilburg
    assert rows["c"] == (None, None)


def test_closed_vacancies_leave_the_index_and_the_index_persists(db_path):
    settings = Settings(db=db_path)
    store = stored(db_path, VACANCIES)
    refresh_all(settings=settings, embedder=WordEmbedder())
    store.close(["b"])
    summary = refresh_all(settings=settings, embedder=WordEmbedder())
    assert summary.removed == 1
    index = VacancyIndex.load(settings.index_path, dim=WordEmbedder.dim)
    assert index.ids() == {faiss_id("a"), faiss_id("c")}


def test_the_index_turns_ivf_when_it_outgrows_the_exact_limit(db_path):
    settings = Settings(db=db_path, index_exact_limit=40)
    stored(db_path, [Vacancy(id=f"v{number}", title=f"Orderpicker {number}",
                             description=f"Magazijnwerk ploeg {number % 7} hal {number}")
                     for number in range(60)])
    refresh_all(settings=settings, embedder=WordEmbedder())
    index = VacancyIndex.load(settings.index_path, dim=WordEmbedder.dim)
    assert index.kind == "ivf" and len(index) == 60
    assert np.isin([faiss_id("v0"), faiss_id("v59")], index.faiss_ids()).all()
