"""A coach's shortlist for one profile: filtered, searched, judged, ranked.

What does not depend on the profile is read once (`OpenVacancies`: the
ranking facts and coordinates that `matcher.refresh` stores per content hash,
as numpy columns). For one profile the work is
then vectorised: the vacancies within the travel radius (the profile's
`max_travel_km`, widened by how long the employee has been ill, see
`profiles.passend_werk`; unknown distance is never filtered), without a
licence the employee lacks or far more hours than the employee can work, are
searched in FAISS with the profile's query embedding, restricted to them;
every one gets a bound on its score (`matcher.ranking.coarse_scores`). Only
the best few are loaded, judged against the FML (`matcher.suitability.judge`)
and finished, in order of their bound, until no vacancy left could still
enter the list: `ongeschikt` never appears, and the result is the same as
judging every vacancy.
"""

from __future__ import annotations

import heapq
import itertools
import logging
import math
from collections import defaultdict, deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING

import numpy as np

from matcher.index import VacancyIndex, faiss_id
from matcher.models import DEMAND_CODES, Match, Requirements
from matcher.ranking import (
    NO_LEVEL,
    WEIGHTS,
    Candidate,
    FactTable,
    VacancyFacts,
    best_held,
    coarse_scores,
    facts_from_json,
    finish,
    licence_mask,
    occupation_names,
    profile_terms,
    semantic_scale,
)
from matcher.store import MatcherStore
from matcher.suitability import (
    HOURS_CLEARLY_ABOVE,
    WORKDAYS,
    judge,
    licence_covered,
    limit_value,
    max_hours_per_week,
)
from profiles.catalogue import load_catalogue
from profiles.model import Profile
from profiles.passend_werk import load_rules, passend_scope
from vacancies.geo import EARTH_RADIUS_KM, locate, region_distance_km
from vacancies.model import Vacancy
from vacancies.store import VacancyStore
from vacancies.vocabulary import DRIVING_LICENCES, EDUCATION_LEVELS, education_rank

if TYPE_CHECKING:
    from config import Settings
    from matcher.embeddings import Embedder

logger = logging.getLogger(__name__)

SEMANTIC_K = 1000           # similarities fetched from FAISS; the rest count as least similar
FIRST_BATCH = 64            # vacancies put in order at first (more when needed)
SEMANTIC_DEPTH = 200        # the embedding is searched among what could reach this deep
LOAD_BATCH = 16             # vacancies loaded from the store at a time

Loader = Callable[[list[str]], dict[str, tuple[Vacancy, Requirements]]]
"""Loads the vacancies and requirements of some ids (only the few that are judged)."""


def profile_query(profile: Profile) -> str:
    """What the profile's embedding says: experience, education and skills, not wishes."""
    parts = [f"{e.title} ({e.years:g} jaar ervaring)" for e in profile.experience]
    if profile.education_level:
        subject = f" {profile.education_field}" if profile.education_field else ""
        parts.append(f"opleiding {profile.education_level}{subject}")
    if profile.skills:
        parts.append("vaardigheden: " + ", ".join(profile.skills))
    return "; ".join(parts) or "passend werk"


@dataclass
class OpenVacancies:
    """The open vacancies as columns: what ranking needs of them before any profile."""

    ids: list[str]
    faiss_ids: np.ndarray       # (n,) int64
    table: FactTable
    lat: np.ndarray             # (n,) float64 radians, nan when unknown
    lon: np.ndarray
    unknown_place: np.ndarray   # rows without coordinates
    regions: dict[str, np.ndarray] = field(default_factory=dict)  # province -> its rows
    # (of unknown place: the vacancy says only the province)
    _order: np.ndarray | None = None
    _sorted_ids: np.ndarray | None = None
    _lat32: np.ndarray | None = None
    _lon32: np.ndarray | None = None

    def __len__(self) -> int:
        return len(self.ids)

    @classmethod
    def build(cls, *, ids: list[str], facts: list[VacancyFacts],
              lat: Iterable[float | None], lon: Iterable[float | None]) -> OpenVacancies:
        lat_deg = np.array([math.nan if v is None else v for v in lat], dtype=np.float64)
        lon_deg = np.array([math.nan if v is None else v for v in lon], dtype=np.float64)
        known = ~np.isnan(lat_deg)
        regions: dict[str, list[int]] = defaultdict(list)
        for row, fact in enumerate(facts):
            if fact.region is not None and not known[row]:
                regions[fact.region].append(row)
        return cls(ids=ids, faiss_ids=np.array([faiss_id(v) for v in ids], dtype=np.int64),
                   table=FactTable.build(facts), lat=np.radians(lat_deg),
                   lon=np.radians(lon_deg), unknown_place=np.flatnonzero(~known),
                   regions={k: np.asarray(v, dtype=np.int64) for k, v in regions.items()})

    @classmethod
    def from_store(cls, *, vacancies: VacancyStore, matcher_store: MatcherStore
                   ) -> OpenVacancies:
        """The open vacancies with their ranking facts; facts that are missing or stale
        (a caller refreshed only requirements and embeddings) are read first."""
        from matcher.refresh import refresh_facts

        current = {row[0]: row[1] for row in vacancies.db.execute(
            "select id, content_hash from vacancies where status = 'open'")}
        read = refresh_facts(vacancies=vacancies, matcher_store=matcher_store)
        if read:
            logger.info("read the ranking facts of %d vacancies first", read)
        ids, facts, lats, lons = [], [], [], []
        for vacancy_id, content_hash, text, lat, lon in matcher_store.facts():
            if current.get(vacancy_id) != content_hash:
                continue
            ids.append(vacancy_id)
            facts.append(facts_from_json(text))
            lats.append(lat)
            lons.append(lon)
        if len(ids) < len(current):
            logger.warning("%d open vacancies have no requirements yet; run a refresh",
                           len(current) - len(ids))
        return cls.build(ids=ids, facts=facts, lat=lats, lon=lons)

    def row_of_faiss(self, found: np.ndarray) -> np.ndarray:
        """Rows of FAISS ids (-1 for ids not open)."""
        if not len(self.faiss_ids):
            return np.full(len(found), -1, dtype=np.int64)
        if self._order is None or self._sorted_ids is None:
            self._order = np.argsort(self.faiss_ids)
            self._sorted_ids = self.faiss_ids[self._order]
        position = np.clip(np.searchsorted(self._sorted_ids, found), 0,
                           len(self._sorted_ids) - 1)
        return np.where(self._sorted_ids[position] == found, self._order[position], -1)

    def within(self, *, home_lat: float, home_lon: float, radius_km: float
               ) -> tuple[np.ndarray, np.ndarray]:
        """(rows, km), rows ascending: within the radius, or of unknown place (km nan)
        unless the place is a province that lies wholly beyond the radius.

        A flat-earth test with a margin (cheap, float32) picks the near rows; the exact
        great-circle distance decides for those."""
        if self._lat32 is None or self._lon32 is None:
            self._lat32 = self.lat.astype(np.float32)
            self._lon32 = self.lon.astype(np.float32)
        dy = self._lat32 - np.float32(home_lat)
        dx = (self._lon32 - np.float32(home_lon)) * np.float32(math.cos(home_lat))
        reach = np.float32((radius_km * 1.02 + 1.0) / EARTH_RADIUS_KM)
        near = np.flatnonzero(dx * dx + dy * dy <= reach * reach)
        distance = haversine(self.lat[near], self.lon[near], home_lat, home_lon)
        inside = distance <= radius_km
        # rows in ascending order without sorting: mark them, then read the marks
        km = np.full(len(self.ids), np.nan)
        km[near[inside]] = distance[inside]
        marked = np.zeros(len(self.ids), dtype=bool)
        marked[near[inside]] = True
        marked[self.unknown_place] = True
        for region, region_rows in self.regions.items():
            nearest = region_distance_km(math.degrees(home_lat), math.degrees(home_lon), region)
            if nearest is not None and nearest > radius_km:
                marked[region_rows] = False
        rows = np.flatnonzero(marked)
        return rows, km[rows]


def haversine(lat: np.ndarray, lon: np.ndarray, home_lat: float, home_lon: float) -> np.ndarray:
    """Straight-line km from home to each point (radians in); nan where unknown."""
    a = (np.sin((lat - home_lat) / 2) ** 2
         + math.cos(home_lat) * np.cos(lat) * np.sin((lon - home_lon) / 2) ** 2)
    return 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(a, 0.0, 1.0)))


def _covered_mask(held: list[str]) -> int:
    return sum(1 << i for i, code in enumerate(DRIVING_LICENCES) if licence_covered(code, held))


def candidate_rows(*, open_vacancies: OpenVacancies, profile: Profile, today: date
                   ) -> tuple[np.ndarray, np.ndarray, float | None]:
    """(rows, their distance in km or nan, the radius): the vacancies that pass the
    filters needing no text: within the widened travel radius or of unknown place, no
    licence the employee lacks, not far more hours than the employee can work."""
    table = open_vacancies.table
    home = locate(postcode=profile.postcode) if profile.postcode else None
    scope = passend_scope(illness_start=profile.illness_start,
                          education_level=profile.education_level,
                          max_travel_km=profile.max_travel_km, today=today)
    home_lat = math.radians(home.lat) if home else math.nan
    home_lon = math.radians(home.lon) if home else math.nan
    if home is not None and scope.max_travel_km is not None:
        rows, distance = open_vacancies.within(home_lat=home_lat, home_lon=home_lon,
                                               radius_km=scope.max_travel_km)
    else:
        rows = np.arange(len(open_vacancies))
        distance = (haversine(open_vacancies.lat, open_vacancies.lon, home_lat, home_lon)
                    if home else np.full(len(rows), np.nan))
    lacking = ~np.uint16(_covered_mask(profile.driving_licences))
    keep = (table.licences[rows] & lacking) == 0
    week_max = max_hours_per_week(profile)
    if week_max is not None:
        keep &= ~(table.hours_min[rows] > week_max * HOURS_CLEARLY_ABOVE)
    return rows[keep], distance[keep], scope.max_travel_km


def surely_flagged(*, table: FactTable, rows: np.ndarray, profile: Profile, today: date
                   ) -> np.ndarray:
    """Per row: the verdict will have at least one reason (so it is not `geschikt`), by the
    same rules as `matcher.suitability.judge`: a demand touching a limited item, more hours
    than the employee can work, a licence not literally held, an education level above the
    employee's own or further below it than passend werk reaches yet."""
    catalogue = load_catalogue()
    touching = 0
    for number, code in enumerate(DEMAND_CODES):
        for link in catalogue.demand_links.get(code, ()):
            limitation = profile.limitations.get(link.item)
            if limitation is not None and (link.condition is None or link.condition in (
                    limitation.conditions or ())):
                touching |= 1 << number
    flagged = (table.demands[rows] & np.uint32(touching)) != 0
    hours = table.hours_min[rows]
    week_max = max_hours_per_week(profile, catalogue)
    if week_max is not None:
        flagged |= hours > week_max
    day = profile.limitations.get("VI.2")
    day_item = catalogue.item("VI.2")
    day_max = limit_value(day_item, day) if day and day_item else None
    if day_max is not None:
        flagged |= hours > day_max * WORKDAYS
    held = np.uint16(licence_mask(profile.driving_licences))
    flagged |= (table.licences[rows] & ~held) != 0
    asked = table.education_rank[rows].astype(np.int16)
    stated = asked != NO_LEVEL
    own = education_rank(profile.education_level)
    if own is None:
        flagged |= stated & (asked != EDUCATION_LEVELS.index("basis"))
    else:
        flagged |= stated & (asked > own)
        rules = load_rules()
        scope = passend_scope(illness_start=profile.illness_start,
                              education_level=profile.education_level,
                              max_travel_km=profile.max_travel_km, today=today, rules=rules)
        if scope.lowest_education_tier is not None:
            low = [rank for rank, level in enumerate(EDUCATION_LEVELS)
                   if rules.education_tiers.get(level, 99) < scope.lowest_education_tier]
            flagged |= stated & np.isin(asked, low)
    return flagged


def rank_open(*, open_vacancies: OpenVacancies, index: VacancyIndex, query: np.ndarray,
              profile: Profile, load: Loader, top: int = 20, today: date | None = None,
              approved: Iterable[str] = (), semantic_k: int = SEMANTIC_K) -> list[Match]:
    """The shortlist over columnar open vacancies (see the module docstring)."""
    today = today or date.today()
    table = open_vacancies.table
    rows, distance, radius = candidate_rows(open_vacancies=open_vacancies, profile=profile,
                                            today=today)
    if not len(rows):
        return []
    terms = profile_terms(profile, approved=approved)
    flagged = surely_flagged(table=table, rows=rows, profile=profile, today=today)
    unknown = np.full(len(rows), np.nan, dtype=np.float32)
    bounds, entry_job, unrealistic = coarse_scores(
        table=table, rows=rows, terms=terms, similarity=unknown,
        distance_km=distance.astype(np.float32), max_travel_km=radius, has_reasons=flagged)
    bounds[unrealistic] = -np.inf  # not shown at all
    # The embedding adds at most WEIGHTS["semantic"]: search only the vacancies it could
    # lift among the best (the rest keep similarity 0, as if least similar).
    depth = min(len(rows), max(SEMANTIC_DEPTH, 4 * top))
    floor = np.partition(bounds, len(rows) - depth)[len(rows) - depth]
    eligible = np.flatnonzero(bounds + WEIGHTS["semantic"] >= floor)
    similarity = semantic_similarity(open_vacancies=open_vacancies, index=index, query=query,
                                     rows=rows, eligible=eligible, k=semantic_k)
    bounds = bounds + WEIGHTS["semantic"] * semantic_scale(similarity)
    names = occupation_names()
    catalogue = load_catalogue()
    best: list[tuple[float, tuple[int, ...], Match]] = []   # min-heap of the best `top`
    loaded: dict[str, tuple[Vacancy, Requirements]] = {}
    order = _by_bound(bounds, first=max(FIRST_BATCH, 2 * top))
    ahead: deque[int] = deque()
    while True:
        if not ahead:
            ahead.extend(itertools.islice(order, LOAD_BATCH))
            if not ahead:
                break
            loaded.update(load([open_vacancies.ids[rows[j]] for j in ahead]))
        i = ahead.popleft()
        bound = float(bounds[i])
        if (len(best) >= top and best[0][0] >= bound) or bound == -np.inf:
            break
        vacancy_id = open_vacancies.ids[rows[i]]
        if vacancy_id not in loaded:
            continue
        vacancy, requirements = loaded[vacancy_id]
        verdict = judge(vacancy_id=vacancy_id, requirements=requirements, profile=profile,
                        today=today, catalogue=catalogue)
        if verdict.verdict == "ongeschikt":
            continue
        km = None if math.isnan(distance[i]) else float(distance[i])
        sim = float(similarity[i])
        candidate = Candidate(vacancy=vacancy, requirements=requirements, verdict=verdict,
                              similarity=0.0 if math.isnan(sim) else sim, distance_km=km)
        held, fit = best_held(terms, _facts_of(table, int(rows[i]), names), vacancy.title)
        match = finish(candidate=candidate, bound=bound, terms=terms, row_fit=fit,
                       held=held, profile=profile, flagged=bool(flagged[i]),
                       entry=bool(entry_job[i]))
        if match is None:
            continue
        item = (match.score, _reverse(match.id), match)
        if len(best) < top:
            heapq.heappush(best, item)
        elif item[:2] > best[0][:2]:
            heapq.heapreplace(best, item)
    return sorted((m for _, _, m in best), key=lambda m: (-m.score, m.id))


def semantic_search_among(*, open_vacancies: OpenVacancies, rows: np.ndarray,
                          eligible: np.ndarray) -> np.ndarray | None:
    """The FAISS ids the search is restricted to (None: every open vacancy)."""
    if len(eligible) == len(open_vacancies):
        return None
    return open_vacancies.faiss_ids[rows[eligible]]


def semantic_similarity(*, open_vacancies: OpenVacancies, index: VacancyIndex,
                        query: np.ndarray, rows: np.ndarray, eligible: np.ndarray, k: int
                        ) -> np.ndarray:
    """Cosine of the query to the best `k` of the eligible rows (nan for the others)."""
    similarity = np.full(len(rows), np.nan, dtype=np.float32)
    among = semantic_search_among(open_vacancies=open_vacancies, rows=rows, eligible=eligible)
    found_ids, scores = index.search_ids(query, among=among, k=min(k, len(eligible)))
    found_rows = open_vacancies.row_of_faiss(found_ids)
    position = np.searchsorted(rows, found_rows)
    valid = (found_rows >= 0) & (position < len(rows))
    valid[valid] &= rows[position[valid]] == found_rows[valid]
    similarity[position[valid]] = scores[valid]
    return similarity


def _by_bound(bounds: np.ndarray, *, first: int) -> Iterator[int]:
    """Indices of `bounds`, highest first, sorting only as far as they are asked for."""
    done = 0
    take = min(len(bounds), first)
    while done < len(bounds):
        part = (np.argpartition(-bounds, take - 1)[:take] if take < len(bounds)
                else np.arange(len(bounds)))
        part = part[np.argsort(-bounds[part], kind="stable")]
        yield from (int(i) for i in part[done:])
        done = take
        take = min(len(bounds), take * 4)


def _reverse(text: str) -> tuple[int, ...]:
    """A key that sorts ids in reverse, so the heap keeps the smaller id on equal scores."""
    return tuple(-ord(c) for c in text)


def _facts_of(table: FactTable, row: int, names: list[str]) -> VacancyFacts:
    """The occupations of one row (all `best_held` needs), back from the columns."""
    occupations = tuple(names[o] for o in table.occupation[row] if o >= 0)
    return VacancyFacts(occupations=occupations, education_tier=None, typical_tier=None,
                        experience_years=None, target_group=False, leads=False,
                        title_keys=frozenset())


def store_loader(vacancies: VacancyStore, matcher_store: MatcherStore) -> Loader:
    def load(ids: list[str]) -> dict[str, tuple[Vacancy, Requirements]]:
        requirements = matcher_store.requirements(ids)
        loaded = {}
        for vacancy_id in ids:
            stored = vacancies.get(vacancy_id)
            if stored is not None and vacancy_id in requirements:
                loaded[vacancy_id] = (stored.vacancy, requirements[vacancy_id])
        return loaded

    return load


class ShortlistService:
    """Shortlists over one store: open vacancies and query embeddings read once, reused."""

    def __init__(self, *, vacancies: VacancyStore, matcher_store: MatcherStore,
                 index: VacancyIndex, embedder: Embedder, semantic_k: int = SEMANTIC_K) -> None:
        self.vacancies = vacancies
        self.matcher_store = matcher_store
        self.index = index
        self.embedder = embedder
        self.semantic_k = semantic_k
        self._open: OpenVacancies | None = None
        self._queries: dict[str, np.ndarray] = {}

    @classmethod
    def open(cls, settings: Settings) -> ShortlistService:
        from matcher.embeddings import Embedder
        from vacancies.store import open_database

        db = open_database(settings.db)
        embedder = Embedder.from_settings(settings)
        index = VacancyIndex.load(settings.index_path, dim=embedder.dim)
        index.nprobe = settings.index_nprobe
        return cls(vacancies=VacancyStore(db), matcher_store=MatcherStore(db), index=index,
                   embedder=embedder, semantic_k=settings.shortlist_semantic_k)

    def open_vacancies(self) -> OpenVacancies:
        if self._open is None:
            self._open = OpenVacancies.from_store(vacancies=self.vacancies,
                                                  matcher_store=self.matcher_store)
        return self._open

    def forget(self) -> None:
        """Read the open vacancies again on the next shortlist (after a refresh)."""
        self._open = None

    def query(self, profile: Profile) -> np.ndarray:
        text = profile_query(profile)
        if text not in self._queries:
            self._queries[text] = self.embedder.embed_queries([text])[0]
        return self._queries[text]

    def shortlist(self, *, profile: Profile, top: int = 20, today: date | None = None,
                  approved: Iterable[str] | None = None) -> list[Match]:
        """The ranked shortlist (CONTRACTS §5); `approved`: the zoekprofiel's occupations,
        by default those of the profile's latest approved zoekprofiel in the store."""
        if approved is None:
            from delivery.zoekprofiel import approved_occupations

            approved = approved_occupations(self.vacancies.db, profile_id=profile.id)
        return rank_open(open_vacancies=self.open_vacancies(), index=self.index,
                         query=self.query(profile), profile=profile,
                         load=store_loader(self.vacancies, self.matcher_store), top=top,
                         today=today, approved=approved, semantic_k=self.semantic_k)


def shortlist(*, profile: Profile, vacancies: VacancyStore, matcher_store: MatcherStore,
              index: VacancyIndex, embedder: Embedder, top: int = 20,
              today: date | None = None) -> list[Match]:
    """The ranked shortlist of open vacancies for `profile` (CONTRACTS §5)."""
    service = ShortlistService(vacancies=vacancies, matcher_store=matcher_store, index=index,
                               embedder=embedder)
    return service.shortlist(profile=profile, top=top, today=today)
