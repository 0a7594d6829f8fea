"""The shortlist over a real store: filters, distance, the widening radius, exact ranking."""

from __future__ import annotations

from datetime import date

import numpy as np
import pytest

from config import Settings
from delivery.shortlist import ShortlistService
from delivery.zoekprofiel import OccupationChoice, Zoekprofiel, approve
from matcher.index import VacancyIndex
from matcher.models import Demand, HoursRange, Requirements
from matcher.ranking import Candidate, rank
from matcher.refresh import extractor_version, refresh_all, vacancy_location
from matcher.store import MatcherStore
from matcher.suitability import judge
from profiles.model import Profile
from tests.delivery.word_embedder import WordEmbedder
from vacancies.geo import distance_km, locate
from vacancies.model import Vacancy
from vacancies.store import VacancyStore

TODAY = date(2026, 11, 22)
PROFILE = Profile.model_validate({
    "id": "p-magazijn", "postcode": "2711", "max_travel_km": 30, "education_level": "vmbo",
    "experience": [{"title": "magazijnmedewerker", "years": 9}],
    "driving_licences": ["B"], "hours_per_week_max": 36, "illness_start": "2026-09-01",
    "limitations": {"IV.13": {"level": 2, "value": 10, "unit": "kg"},
                    "VI.1": {"level": 1, "conditions": ["nacht"]}}})


def demand(code: str, evidence: str, *, value: float | None = None, unit: str | None = None,
           certainty: str = "explicit") -> Demand:
    return Demand(code=code, value=value, unit=unit, certainty=certainty, evidence=evidence)


STORE = [
    (Vacancy(id="near", title="Orderpicker", place="Delft", description="Orderpicken in Delft."),
     Requirements()),
    (Vacancy(id="heavy", title="Orderpicker", place="Leiden",
             description="Je tilt dozen tot 25 kilo."),
     Requirements(demands=[demand("tillen", "Je tilt dozen tot 25 kilo.", value=25,
                                  unit="kg")])),
    (Vacancy(id="night", title="Magazijnmedewerker", place="Rotterdam",
             description="Je werkt in nachtdienst."),
     Requirements(demands=[demand("nachtdienst", "Je werkt in nachtdienst.")])),
    (Vacancy(id="lift", title="Reachtruckchauffeur", place="Gouda",
             description="Soms tillen."),
     Requirements(demands=[demand("tillen", "Soms tillen.", certainty="implied")])),
    (Vacancy(id="truck", title="Chauffeur C", place="Den Haag",
             description="Rijbewijs C vereist."), Requirements(driving_licences=["C"])),
    (Vacancy(id="far", title="Orderpicker", place="Groningen", description="Orderpicken."),
     Requirements()),
    (Vacancy(id="utrecht", title="Orderpicker", place="Utrecht", description="Orderpicken."),
     Requirements()),
    (Vacancy(id="region", title="Orderpicker", place="Randstad", description="Orderpicken."),
     Requirements()),
    (Vacancy(id="hours", title="Orderpicker", place="Delft", description="Fulltime 40 uur."),
     Requirements(hours_per_week=HoursRange(min=45, max=45))),
    (Vacancy(id="limburg", title="Orderpicker", place="Limburg, Netherlands",
             description="Orderpicken."), Requirements()),
    (Vacancy(id="own-province", title="Orderpicker", place="South Holland, Netherlands",
             description="Orderpicken."), Requirements()),
    (Vacancy(id="titled", title="Orderpicker – Rijswijk (ZH)", place="ZH, NL",
             description="Orderpicken."), Requirements()),
]


@pytest.fixture
def service(db_path) -> ShortlistService:
    store = VacancyStore.open(db_path)
    for vacancy, _ in STORE:
        store.upsert(vacancy)
    matcher_store = MatcherStore(store.db)
    matcher_store.save_requirements([(v.id, v.content_hash(), r) for v, r in STORE],
                                    extractor=extractor_version())
    embedder = WordEmbedder()
    settings = Settings(db=db_path)
    refresh_all(settings=settings, embedder=embedder)
    return ShortlistService(vacancies=store, matcher_store=matcher_store, embedder=embedder,
                            index=VacancyIndex.load(settings.index_path, dim=embedder.dim))


def test_ongeschikt_and_beyond_the_radius_never_appear(service):
    ids = [m.id for m in service.shortlist(profile=PROFILE, today=TODAY)]
    assert "heavy" not in ids and "night" not in ids and "truck" not in ids  # ongeschikt
    assert "hours" not in ids                                                # 45 > 36 h
    assert "far" not in ids and "utrecht" not in ids                         # 190 and 43 km
    assert "limburg" not in ids                            # all of Limburg is beyond 30 km
    assert {"near", "lift", "region", "own-province", "titled"} <= set(ids)


def test_let_op_is_marked_and_ranked_below_the_same_fit(service):
    matches = {m.id: m for m in service.shortlist(profile=PROFILE, today=TODAY)}
    assert matches["lift"].verdict == "let_op" and matches["lift"].reasons
    assert "let op: tillen" in matches["lift"].why
    assert matches["near"].verdict == "geschikt" and matches["near"].score > matches["lift"].score


def test_unknown_distance_is_shown_and_neutral(service):
    matches = {m.id: m for m in service.shortlist(profile=PROFILE, today=TODAY)}
    assert matches["region"].distance_km is None
    assert "afstand onbekend" in matches["region"].why
    assert matches["near"].distance_km is not None and matches["near"].distance_km < 15
    assert matches["near"].score > matches["region"].score
    assert matches["own-province"].distance_km is None  # home is in it: could be anywhere


def test_a_place_the_title_names_inside_the_stated_province_is_used(service):
    titled = next(m for m in service.shortlist(profile=PROFILE, today=TODAY)
                  if m.id == "titled")
    assert titled.distance_km is not None and 8 < titled.distance_km < 16  # Zoetermeer-Rijswijk


def test_the_radius_widens_as_the_illness_lasts(service):
    long_ill = PROFILE.model_copy(update={"illness_start": date(2025, 6, 1)})
    ids = [m.id for m in service.shortlist(profile=long_ill, today=TODAY)]
    assert "utrecht" in ids   # 43 km: within 30 km × 1.5 in the second year
    assert "far" not in ids


def test_an_approved_zoekprofiel_is_favoured(service):
    before = {m.id: m.score for m in service.shortlist(profile=PROFILE, today=TODAY)}
    approve(service.vacancies.db, Zoekprofiel(
        profile_id=PROFILE.id, drafted="2026-11-20", occupations=[OccupationChoice(
            occupation="reachtruckchauffeur", sector="logistiek", included=True,
            verdict="geschikt", reasons=["Verwante ervaring."])]), coach="Anna")
    after = {m.id: m.score for m in service.shortlist(profile=PROFILE, today=TODAY)}
    assert after["lift"] > before["lift"]
    assert after["near"] == before["near"]


@pytest.mark.parametrize("top", [1, 3, 20])
def test_the_shortlist_equals_ranking_every_judged_candidate(db_path, top):
    """Lazy judging gives the same list as judging every vacancy (profile without skills)."""
    rng = np.random.default_rng(5)
    titles = ["Orderpicker", "Reachtruckchauffeur", "Schoonmaker", "Kassamedewerker",
              "Data analist", "Productiemedewerker", "Kapper", "Verzorgende IG"]
    places = ["Delft", "Leiden", "Gouda", "Rotterdam", "Den Haag", "Randstad", "Zoetermeer"]
    codes = ["tillen", "staan", "nachtdienst", "klantcontact", "lopen"]
    store = VacancyStore.open(db_path)
    pairs = []
    for number in range(60):
        vacancy = Vacancy(id=f"v{number:02}", title=str(rng.choice(titles)),
                          place=str(rng.choice(places)),
                          description=f"Tekst {number} met woorden {rng.integers(0, 9)}.")
        picked = rng.choice(codes, size=rng.integers(0, 3), replace=False)
        requirements = Requirements(
            demands=[demand(str(c), f"Het werk vraagt {c}.",
                            certainty=str(rng.choice(["explicit", "implied"])))
                     for c in picked],
            education_level=rng.choice([None, "vmbo", "mbo2", "hbo"]),
            experience_years=rng.choice([None, 1.0, 3.0]))
        store.upsert(vacancy)
        pairs.append((vacancy, requirements))
    matcher_store = MatcherStore(store.db)
    matcher_store.save_requirements([(v.id, v.content_hash(), r) for v, r in pairs],
                                    extractor=extractor_version())
    embedder = WordEmbedder()
    settings = Settings(db=db_path)
    refresh_all(settings=settings, embedder=embedder)
    index = VacancyIndex.load(settings.index_path, dim=embedder.dim)
    service = ShortlistService(vacancies=store, matcher_store=matcher_store, embedder=embedder,
                               index=index)
    got = service.shortlist(profile=PROFILE, top=top, today=TODAY)

    home = locate(postcode=PROFILE.postcode)
    query = service.query(PROFILE)
    similarity = index.search(query, among=[v.id for v, _ in pairs], k=len(pairs))
    candidates = []
    for vacancy, requirements in pairs:
        km = distance_km(home, vacancy_location(vacancy))
        if km is not None and km > PROFILE.max_travel_km:
            continue
        candidates.append(Candidate(
            vacancy=vacancy, requirements=requirements,
            verdict=judge(vacancy_id=vacancy.id, requirements=requirements, profile=PROFILE,
                          today=TODAY),
            similarity=similarity[vacancy.id], distance_km=km))
    expected = rank(candidates, profile=PROFILE, top=top)
    assert [m.id for m in got] == [m.id for m in expected]
    assert [m.score for m in got] == pytest.approx([m.score for m in expected], abs=1e-4)
    assert all(m.verdict != "ongeschikt" for m in got)


@pytest.mark.slow
def test_with_the_real_model_and_extraction_the_own_trade_comes_first(db_path, model_cache):
    """The whole path: extraction (spaCy), e5 embeddings, FAISS, verdict and ranking."""
    from matcher.embeddings import Embedder

    settings = Settings(db=db_path, model_cache=model_cache)
    store = VacancyStore.open(db_path)
    for vacancy in [
        Vacancy(id="own", title="Magazijnmedewerker (m/v)", place="Delft",
                description="Je verzamelt orders met een handscanner. Dagdienst, 32 uur."),
        Vacancy(id="entry", title="Medewerker schoonmaak", place="Leiden",
                description="Je maakt kantoren schoon. Geen ervaring nodig, 20 uur per week."),
        Vacancy(id="hbo", title="Beleidsadviseur", place="Den Haag",
                description="Je hebt een afgeronde hbo- of wo-opleiding en 5 jaar ervaring."),
        Vacancy(id="night", title="Orderpicker nachtdienst", place="Gouda",
                description="Je werkt in vaste nachtdiensten en tilt dozen tot 25 kilo."),
    ]:
        store.upsert(vacancy)
    embedder = Embedder.from_settings(settings)
    refresh_all(settings=settings, embedder=embedder)
    service = ShortlistService(vacancies=store, matcher_store=MatcherStore(store.db),
                               embedder=embedder,
                               index=VacancyIndex.load(settings.index_path, dim=embedder.dim))
    matches = service.shortlist(profile=PROFILE, today=TODAY)
    assert [m.id for m in matches][:2] == ["own", "entry"]
    assert "night" not in {m.id for m in matches} and "hbo" not in {m.id for m in matches}
    assert matches[0].why.startswith("Sluit aan bij 9 jaar ervaring als magazijnmedewerker")
