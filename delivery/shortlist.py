"""A coach's shortlist for one profile: judged, filtered by distance, ranked.

Every open vacancy with requirements is judged against the profile;
`ongeschikt` ones and those beyond the travel radius drop out; the rest are
searched in FAISS with the profile's query embedding (restricted to them)
and ranked by `matcher.ranking`.
"""

from __future__ import annotations

import logging
from datetime import date
from typing import TYPE_CHECKING
from urllib.parse import urlparse

from matcher.index import VacancyIndex
from matcher.models import Match, Requirements, Verdict
from matcher.ranking import Candidate, rank
from matcher.store import MatcherStore
from matcher.suitability import judge
from profiles.model import Profile
from vacancies.geo import distance_km, locate
from vacancies.model import Vacancy
from vacancies.store import VacancyStore

if TYPE_CHECKING:
    from matcher.embeddings import Embedder

logger = logging.getLogger(__name__)


def profile_query(profile: Profile) -> str:
    """What the profile's embedding says: experience, education and skills, not wishes."""
    parts = [f"{e.title} ({e.years:g} jaar ervaring)" for e in profile.experience]
    if profile.education_level:
        field = f" {profile.education_field}" if profile.education_field else ""
        parts.append(f"opleiding {profile.education_level}{field}")
    if profile.skills:
        parts.append("vaardigheden: " + ", ".join(profile.skills))
    return "; ".join(parts) or "passend werk"


def country_of(vacancy: Vacancy) -> str:
    """Belgian vacancies (a .be address) are looked up in Belgium: "Bergen" there is Mons."""
    host = urlparse(vacancy.url or "").hostname or ""
    return "BE" if host.endswith(".be") else "NL"


def shortlist(*, profile: Profile, vacancies: VacancyStore, matcher_store: MatcherStore,
              index: VacancyIndex, embedder: Embedder, top: int = 20,
              today: date | None = None) -> list[Match]:
    """The ranked shortlist of open vacancies for `profile` (CONTRACTS §5)."""
    requirements = matcher_store.requirements()
    home = locate(postcode=profile.postcode) if profile.postcode else None
    passed: dict[str, tuple[Vacancy, Requirements, Verdict, float | None]] = {}
    for stored in vacancies.vacancies():
        vacancy = stored.vacancy
        if vacancy.id not in requirements:
            logger.warning("vacancy %s has no requirements yet; run a refresh", vacancy.id)
            continue
        verdict = judge(vacancy_id=vacancy.id, requirements=requirements[vacancy.id],
                        profile=profile, today=today)
        if verdict.verdict == "ongeschikt":
            continue
        where = locate(vacancy.place, postcode=vacancy.postcode, country=country_of(vacancy))
        distance = distance_km(home, where)
        if (distance is not None and profile.max_travel_km is not None
                and distance > profile.max_travel_km):
            continue
        passed[vacancy.id] = (vacancy, requirements[vacancy.id], verdict, distance)
    if not passed:
        return []
    query = embedder.embed_queries([profile_query(profile)])[0]
    similarities = index.search(query, among=passed, k=len(passed))
    candidates = [
        Candidate(vacancy=vacancy, requirements=reqs, verdict=verdict,
                  similarity=similarities.get(vacancy_id, 0.0), distance_km=distance)
        for vacancy_id, (vacancy, reqs, verdict, distance) in passed.items()
    ]
    return rank(candidates, profile=profile, top=top)
