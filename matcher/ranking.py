"""Ranking the vacancies a profile may do: realistic fit first, wishes last.

Pure functions: candidates that already passed the suitability check come in,
an ordered shortlist with a Dutch `why` per line comes out. `ongeschikt`
never appears; `let_op` appears, marked and ranked lower.

The score uses what the profile says explicitly, through the job-title
knowledge base (`matcher.occupations`): experience in the same occupation as
the vacancy, in a related one or in the same sector, weighted by years; the
education asked against the employee's own (the vacancy's stated level, else
the level its occupation usually asks); experience asked in work the employee
never did; skills and licences of the profile found in the vacancy; whether
the job is an entry job that asks nothing the employee lacks; the verdict; the
distance; one embedding similarity as a smaller part. An approved zoekprofiel
(`delivery.zoekprofiel`) favours its occupations; a wish only breaks ties.
Not realistic work is not shown at all: jobs for the Participatiewet target
group or for students, and jobs two education tiers above the employee's own
with no experience that fits.

Everything that does not depend on the profile is computed once per vacancy
(`VacancyFacts`, columnar in `FactTable`), so scoring many vacancies for one
profile is a handful of numpy operations (`coarse_scores`); the verdict and
the skills, which need the text or the FML, are added for the best few only
(`finish`). `rank` is the small, pure entry point over a list of candidates.
"""

from __future__ import annotations

import functools
import json
import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np

from matcher.models import DEMAND_CODES, Match, Requirements, Verdict
from matcher.occupations import (
    Occupation,
    load_families,
    load_title_kb,
    match_titles,
    normalise_title,
)
from profiles.model import Profile
from profiles.passend_werk import load_rules
from vacancies.model import Vacancy
from vacancies.vocabulary import DRIVING_LICENCES, EDUCATION_LEVELS

# The parts of the score. Experience and the barriers decide; the embedding refines;
# verdict and distance order what fits equally; a wish only breaks a tie.
WEIGHTS = {"experience": 0.40, "entry": 0.15, "semantic": 0.12, "skills": 0.05,
           "verdict": 0.08, "distance": 0.08, "zoekprofiel": 0.06, "wish": 0.02}
# Fit of experience by how the held occupation relates to the vacancy's.
FIT_SAME, FIT_RELATED, FIT_FIELD, FIT_SECTOR = 1.0, 0.75, 0.55, 0.40
# Penalties for what the vacancy asks and the employee lacks.
PENALTY_EDUCATION = 0.30        # asked level above the employee's, without fitting experience
PENALTY_EDUCATION_FIT = 0.08    # the same, with experience in the occupation
PENALTY_TYPICAL_EDUCATION = 0.25  # the occupation usually asks 2+ tiers more
PENALTY_TYPICAL_STEP = 0.12     # the occupation usually asks one tier more
PENALTY_EXPERIENCE = 0.22       # asks experience in work the employee never did
PENALTY_TARGET_GROUP = 1.00     # jobs only for the Participatiewet/banenafspraak target group

# Jobs reserved for the target group of the Participatiewet / banenafspraak (beschut werk):
# an employee in spoor 2 has an employer and falls outside it.
TARGET_GROUP = re.compile(
    r"doelgroepregister|banenafspraak|participatiewet|participatiebaan|beschut(?:te)? werk"
    r"|indicatie (?:banenafspraak|beschut)|wsw[- ]indicatie|sociale werkvoorziening",
    re.IGNORECASE)
# Internships, graduation assignments and student jobs are for pupils and students, not for
# an employee in spoor 2: like target-group jobs they are not open to the employee.
STUDENT_JOB = re.compile(
    r"\b(?:stage|stages|stagiair|stagiaire|stageplaats|afstudeer\w*|werkstudent|"
    r"internship|intern|bijbaan)\b(?!-)", re.IGNORECASE)
# Title words of professional occupations the knowledge base may not list; when it names no
# occupation, they say what education the job usually asks.
PROFESSIONAL_TITLE = re.compile(
    r"\b(?:\w*manager|consultant|\w*adviseur|advisor|specialist|scientist|\w*analist|analyst|"
    r"architect|jurist|\w*onderzoeker|researcher|\w*loog|controller|strateeg|developer|"
    r"ontwikkelaar|designer|programmeur|accountant|officer|lead|director|journalist)\b",
    re.IGNORECASE)
_GENDER_MARKS = re.compile(r"\((?:m/v(?:/x)?|v/m(?:/x)?|m/v/x|m/w/x|x/v/m)\)", re.IGNORECASE)
_WORD = re.compile(r"[a-zà-ÿ]+")
# Words in many titles that say nothing about the work itself.
GENERIC_TITLE_WORDS = frozenset({
    "medewerker", "medewerkers", "junior", "senior", "medior", "allround", "all", "round",
    "parttime", "fulltime", "vacature", "functie", "ervaren", "zelfstandig", "assistent",
    "the", "and", "met", "voor", "van", "bij", "uur", "per", "week", "fte"})
_SKILL_SUFFIX = re.compile(r"(?:certificaat|diploma|registratie|rijbewijs|cursus)$")
_FLAG_TARGET_GROUP, _FLAG_LEADS, _FLAG_DIPLOMA, _FLAG_TRAINEE = 1, 2, 4, 8
TRAINEE = re.compile(r"\b(?:leerling|leerwerk|in opleiding|bbl|opleidingsplaats|"
                     r"zij-?instromer|omscholing)", re.IGNORECASE)
# Not realistic work, so not shown: a job for the target group or for students, or one that
# asks (or usually asks) an education two tiers above the employee's own while no
# experience fits it. Passend werk widens downwards, never two tiers up.
UNREALISTIC_TIERS = 2
NO_OCCUPATION = -1
NO_LEVEL = -1


# --- what a vacancy is, whoever reads it -----------------------------------------------------


@dataclass(frozen=True)
class VacancyFacts:
    """What ranking needs of one vacancy that does not depend on any profile."""

    occupations: tuple[str, ...]
    education_tier: int | None       # tier asked in the text
    typical_tier: int | None         # tier the occupation usually asks
    experience_years: float | None
    target_group: bool
    leads: bool                      # the occupation is leading people
    title_keys: frozenset[str]
    licences: tuple[str, ...] = ()   # required driving licences
    hours_min: float | None = None   # the least hours a week the job asks
    demands: tuple[str, ...] = ()    # demand codes (for which a profile's FML must look)
    education_level: str | None = None
    trade_diploma: bool = False      # the occupation asks a diploma of its own trade
    trainee: bool = False            # a trainee or learning job: the trade is taught
    region: str | None = None        # the Dutch province, when that is all the place says


def facts_to_json(facts: VacancyFacts) -> str:
    """The facts as a small JSON object (stored per vacancy and content hash)."""
    return json.dumps({"occupations": list(facts.occupations), "education": facts.education_tier,
                       "typical": facts.typical_tier, "experience": facts.experience_years,
                       "target_group": facts.target_group, "leads": facts.leads,
                       "title_keys": sorted(facts.title_keys), "licences": list(facts.licences),
                       "hours_min": facts.hours_min, "demands": list(facts.demands),
                       "education_level": facts.education_level,
                       "trade_diploma": facts.trade_diploma, "trainee": facts.trainee,
                       "region": facts.region},
                      ensure_ascii=False)


def facts_from_json(text: str) -> VacancyFacts:
    data = json.loads(text)
    return VacancyFacts(
        occupations=tuple(data["occupations"]), education_tier=data["education"],
        typical_tier=data["typical"], experience_years=data["experience"],
        target_group=bool(data["target_group"]), leads=bool(data["leads"]),
        title_keys=frozenset(data["title_keys"]), licences=tuple(data.get("licences", ())),
        hours_min=data.get("hours_min"), demands=tuple(data.get("demands", ())),
        education_level=data.get("education_level"),
        trade_diploma=bool(data.get("trade_diploma")), trainee=bool(data.get("trainee")),
        region=data.get("region"))


def education_tier(level: str | None) -> int | None:
    """The werk- en denkniveau tier of an education level (config/passend_werk.toml)."""
    return load_rules().education_tiers.get(level or "") if level else None


def title_words(title: str) -> set[str]:
    """The meaningful words of a job title, lower case, without gender marks."""
    return set(_title_words(title))


@functools.lru_cache(maxsize=65536)
def _title_words(title: str) -> frozenset[str]:
    cleaned = _GENDER_MARKS.sub(" ", normalise_title(title)).replace("medewerkster", "medewerker")
    return frozenset(word for word in _WORD.findall(cleaned)
                     if len(word) > 2 and word not in GENERIC_TITLE_WORDS)


def word_key(word: str) -> str:
    """Words that share their first six letters count as the same (magazijnier, magazijn)."""
    return word[:6] if len(word) > 5 else word


def title_fit(experience_title: str, vacancy_title: str) -> float:
    """How well a title the employee held matches a vacancy title by its words (0..1)."""
    held, offered = title_words(experience_title), title_words(vacancy_title)
    if not held or not offered:
        return 0.0
    if held <= offered:
        return 1.0
    offered_keys = {word_key(o) for o in offered}
    return min(1.0, sum(1 for h in held if word_key(h) in offered_keys) / len(held))


def vacancy_facts(vacancy: Vacancy, requirements: Requirements) -> VacancyFacts:
    """The profile-independent facts of one vacancy (computed once per content)."""
    occupations = tuple(o.name for o in match_titles(vacancy.title)[:2])
    kb = _kb()
    typical = max((education_tier(kb[name].education) or 0 for name in occupations),
                  default=0) or None
    if not occupations and PROFESSIONAL_TITLE.search(vacancy.title):
        typical = education_tier("hbo")
    text = f"{vacancy.title}\n{vacancy.description}"
    return VacancyFacts(
        occupations=occupations, education_tier=education_tier(requirements.education_level),
        typical_tier=typical, experience_years=requirements.experience_years,
        target_group=(TARGET_GROUP.search(text) is not None
                      or STUDENT_JOB.search(vacancy.title) is not None),
        leads=any("leidinggeven" in kb[name].demands for name in occupations[:1]),
        title_keys=frozenset(word_key(w) for w in title_words(vacancy.title)),
        licences=tuple(code.strip().upper() for code in requirements.driving_licences),
        hours_min=requirements.hours_per_week.min if requirements.hours_per_week else None,
        demands=tuple(d.code for d in requirements.demands),
        education_level=requirements.education_level,
        trade_diploma=any(kb[name].trade_diploma for name in occupations[:1]),
        trainee=TRAINEE.search(vacancy.title) is not None)


def licence_mask(codes: Iterable[str]) -> int:
    """Licence codes as a bit mask over DRIVING_LICENCES (unknown codes set the top bit)."""
    mask = 0
    for code in codes:
        position = DRIVING_LICENCES.index(code) if code in DRIVING_LICENCES else 15
        mask |= 1 << position
    return mask


def demand_mask(codes: Iterable[str]) -> int:
    """Demand codes as a bit mask over DEMAND_CODES."""
    return sum(1 << DEMAND_CODES.index(code) for code in set(codes) if code in DEMAND_CODES)


def _kb() -> dict[str, Occupation]:
    return {o.name: o for o in load_title_kb()}


def occupation_names() -> list[str]:
    """The occupations of the knowledge base, in file order (their column ids)."""
    return [o.name for o in load_title_kb()]


@dataclass
class FactTable:
    """The facts of many vacancies as columns, for scoring them all at once."""

    occupation: np.ndarray      # (n, 2) int32 occupation ids, NO_OCCUPATION when none
    education: np.ndarray       # (n,) int8 tier asked, NO_LEVEL when none
    typical: np.ndarray         # (n,) int8 tier the occupation usually asks, NO_LEVEL
    experience: np.ndarray      # (n,) float32 years asked, nan when none
    flags: np.ndarray           # (n,) uint8: target group, leads
    licences: np.ndarray        # (n,) uint16 bit mask of required licences (DRIVING_LICENCES)
    hours_min: np.ndarray       # (n,) float32 least hours a week asked, nan when none
    demands: np.ndarray         # (n,) uint32 bit mask over DEMAND_CODES
    education_rank: np.ndarray  # (n,) int8 rank of the level asked (EDUCATION_LEVELS), NO_LEVEL
    title_rows: dict[str, np.ndarray] = field(default_factory=dict)  # word key -> rows

    def __len__(self) -> int:
        return int(self.education.shape[0])

    @classmethod
    def build(cls, facts: Sequence[VacancyFacts]) -> FactTable:
        ids = {name: number for number, name in enumerate(occupation_names())}
        n = len(facts)
        occupation = np.full((n, 2), NO_OCCUPATION, dtype=np.int32)
        education = np.full(n, NO_LEVEL, dtype=np.int8)
        typical = np.full(n, NO_LEVEL, dtype=np.int8)
        experience = np.full(n, np.nan, dtype=np.float32)
        flags = np.zeros(n, dtype=np.uint8)
        licences = np.zeros(n, dtype=np.uint16)
        hours_min = np.full(n, np.nan, dtype=np.float32)
        demands = np.zeros(n, dtype=np.uint32)
        education_rank = np.full(n, NO_LEVEL, dtype=np.int8)
        rows: dict[str, list[int]] = defaultdict(list)
        for row, fact in enumerate(facts):
            for column, name in enumerate(fact.occupations[:2]):
                occupation[row, column] = ids.get(name, NO_OCCUPATION)
            if fact.education_tier is not None:
                education[row] = fact.education_tier
            if fact.typical_tier is not None:
                typical[row] = fact.typical_tier
            if fact.experience_years is not None:
                experience[row] = fact.experience_years
            flags[row] = ((_FLAG_TARGET_GROUP * fact.target_group) | (_FLAG_LEADS * fact.leads)
                          | (_FLAG_DIPLOMA * fact.trade_diploma) | (_FLAG_TRAINEE * fact.trainee))
            licences[row] = licence_mask(fact.licences)
            if fact.hours_min is not None:
                hours_min[row] = fact.hours_min
            demands[row] = demand_mask(fact.demands)
            if fact.education_level in EDUCATION_LEVELS:
                education_rank[row] = EDUCATION_LEVELS.index(fact.education_level)
            for key in fact.title_keys:
                rows[key].append(row)
        return cls(occupation=occupation, education=education, typical=typical,
                   experience=experience, flags=flags, licences=licences, hours_min=hours_min,
                   demands=demands, education_rank=education_rank,
                   title_rows={k: np.asarray(v, dtype=np.int64) for k, v in rows.items()})


# --- what a profile says, for all vacancies ---------------------------------------------------


@dataclass(frozen=True)
class Held:
    """Why a vacancy's occupation fits the employee: the experience it rests on."""

    fit: float
    title: str            # the employee's own words ("orderpicker", "verzorgende IG")
    years: float | None   # None: from the education field, not from work
    relation: str         # "same", "related", "field", "sector"
    occupation: str


@dataclass(frozen=True)
class ProfileTerms:
    """What the profile says, turned into lookups over the knowledge base's occupations."""

    held: tuple[Held | None, ...]   # per occupation id: the best experience that fits it
    fit: np.ndarray                 # per occupation id (+1 for none, last): experience fit
    own_tier: int | None
    experience_titles: tuple[tuple[str, float, frozenset[str]], ...]  # title, years, word keys
    approved: np.ndarray            # per occupation id (+1): in the approved zoekprofiel
    wishes: tuple[str, ...]
    wish_keys: tuple[frozenset[str], ...]
    skills: tuple[tuple[str, tuple[str, ...]], ...]  # skill, the words to look for
    licences: frozenset[str]


def related_occupations(name: str) -> set[str]:
    """Occupations whose experience carries over to `name` (the knowledge base's families)."""
    return {other for family in load_families() if name in family for other in family} - {
        name}


def held_occupations(profile: Profile) -> dict[str, Held]:
    """For each occupation of the knowledge base, the experience that fits it best."""
    kb = load_title_kb()
    own: list[tuple[Occupation, str, float | None, float]] = []
    for experience in profile.experience:
        years_factor = 0.85 + 0.15 * min(experience.years, 10) / 10
        for occupation in match_titles(experience.title)[:2]:
            own.append((occupation, experience.title, experience.years, years_factor))
    if profile.education_field:
        for occupation in match_titles(profile.education_field)[:1]:
            own.append((occupation, profile.education_field, None, 1.0))
    best: dict[str, Held] = {}
    for occupation in kb:
        for held, title, years, factor in own:
            if years is None:
                relation, fit = ("field", FIT_FIELD) if held.name == occupation.name else (
                    "", 0.0)
            elif held.name == occupation.name:
                relation, fit = "same", FIT_SAME * factor
            elif occupation.name in related_occupations(held.name):
                relation, fit = "related", FIT_RELATED * factor
            elif held.sector and held.sector == occupation.sector:
                relation, fit = "sector", FIT_SECTOR * factor
            else:
                continue
            if fit > 0 and (occupation.name not in best or fit > best[occupation.name].fit):
                best[occupation.name] = Held(fit=fit, title=title, years=years,
                                             relation=relation, occupation=held.name)
    return best


def skill_words(skill: str) -> tuple[str, ...]:
    """How a skill shows in a vacancy: 'reachtruckcertificaat' also as 'reachtruck'."""
    text = skill.lower().strip()
    words = [text]
    stem = _SKILL_SUFFIX.sub("", text).rstrip("- ")
    if stem and stem != text and len(stem) >= 3:
        words.append(stem)
    return tuple(words)


def profile_terms(profile: Profile, *, approved: Iterable[str] = ()) -> ProfileTerms:
    """The lookups that score every vacancy for this profile."""
    names = occupation_names()
    best = held_occupations(profile)
    fit = np.zeros(len(names) + 1, dtype=np.float32)
    held: list[Held | None] = []
    for number, name in enumerate(names):
        found = best.get(name)
        held.append(found)
        fit[number] = found.fit if found else 0.0
    chosen = set(approved)
    approved_column = np.array([name in chosen for name in names] + [False], dtype=np.float32)
    return ProfileTerms(
        held=tuple(held), fit=fit, own_tier=education_tier(profile.education_level),
        experience_titles=tuple(
            (e.title, e.years, frozenset(word_key(w) for w in title_words(e.title)))
            for e in profile.experience),
        approved=approved_column, wishes=tuple(w.lower() for w in profile.wishes.titles),
        wish_keys=tuple(frozenset(word_key(w) for w in title_words(wish))
                        for wish in profile.wishes.titles),
        skills=tuple((s, skill_words(s)) for s in profile.skills if s.strip()),
        licences=frozenset(profile.driving_licences))


# --- scoring -------------------------------------------------------------------------------


def semantic_scale(similarity: np.ndarray) -> np.ndarray:
    """Similarities as 0..1 among the candidates (e5 cosines sit in a narrow band)."""
    found = similarity[np.isfinite(similarity)]
    if found.size == 0:
        return np.zeros_like(similarity)
    low, high = float(found.min()), float(found.max())
    scaled = (similarity - low) / ((high - low) or 1.0)
    return np.where(np.isfinite(scaled), scaled, 0.0).astype(np.float32)


def distance_fit(distance_km: np.ndarray, max_travel_km: float | None) -> np.ndarray:
    """1 at home, 0 at the edge of the radius; unknown (nan) is neutral (0.5)."""
    reach = max(max_travel_km or 50.0, 1.0)
    fit = np.clip(1.0 - distance_km / reach, 0.0, 1.0)
    return np.where(np.isnan(distance_km), 0.5, fit).astype(np.float32)


def title_word_fit(table: FactTable, terms: ProfileTerms, rows: np.ndarray) -> np.ndarray:
    """Per row of `rows`: the best share of an experience title's words in the vacancy title."""
    best = np.zeros(len(rows), dtype=np.float32)
    for _, years, keys in terms.experience_titles:
        if not keys:
            continue
        factor = 0.85 + 0.15 * min(years, 10) / 10
        best = np.maximum(best, _title_key_counts(table, keys)[rows] / len(keys) * factor)
    return best


def wish_rows(table: FactTable, terms: ProfileTerms, rows: np.ndarray) -> np.ndarray:
    """Per row of `rows`: the vacancy title holds every word of one of the wishes."""
    met = np.zeros(len(rows), dtype=bool)
    for keys in terms.wish_keys:
        if not keys:
            continue
        met |= _title_key_counts(table, keys)[rows] == len(keys)
    return met


def _title_key_counts(table: FactTable, keys: Iterable[str]) -> np.ndarray:
    """Per vacancy of the table: how many of `keys` its title holds."""
    counts = np.zeros(len(table), dtype=np.float32)
    for key in keys:
        hits = table.title_rows.get(key)
        if hits is not None:
            counts[hits] += 1
    return counts


def coarse_scores(*, table: FactTable, rows: np.ndarray, terms: ProfileTerms,
                  similarity: np.ndarray, distance_km: np.ndarray,
                  max_travel_km: float | None, has_reasons: np.ndarray | None = None
                  ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The score of each vacancy of `rows` before its text is read: the verdict assumed
    geschikt unless surely flagged, no skill found yet (`finish` adds those).
    `similarity` and `distance_km` run along `rows` (nan: unknown). `has_reasons` (along
    `rows`) marks vacancies the verdict surely flags: at best `let_op`, as the score says.
    Also returns which rows are entry jobs (asking nothing the employee lacks) and which
    are not realistic work at all (see UNREALISTIC_TIERS)."""
    occupation = table.occupation[rows]
    fit_table = terms.fit
    experience = np.maximum(fit_table[occupation[:, 0]], fit_table[occupation[:, 1]])
    experience = np.maximum(experience, title_word_fit(table, terms, rows))
    asked = table.education[rows].astype(np.int16)
    typical = table.typical[rows].astype(np.int16)
    years_asked = table.experience[rows]
    flags = table.flags[rows]
    trainee = (flags & _FLAG_TRAINEE).astype(bool)
    own = terms.own_tier
    penalty = np.zeros(len(rows), dtype=np.float32)
    fits = experience >= FIT_RELATED * 0.85
    stated = asked != NO_LEVEL
    unrealistic = (flags & _FLAG_TARGET_GROUP).astype(bool)
    if own is not None:
        above = stated & (asked > own)
        penalty[above & fits] += PENALTY_EDUCATION_FIT
        penalty[above & ~fits] += PENALTY_EDUCATION
        typical_above = ~stated & (typical != NO_LEVEL) & (typical > own) & ~trainee
        far = typical >= own + 2
        penalty[typical_above & ~fits & far] += PENALTY_TYPICAL_EDUCATION
        penalty[typical_above & ~fits & ~far] += PENALTY_TYPICAL_STEP
        too_high = above | typical_above
        far_above = (stated & (asked >= own + UNREALISTIC_TIERS)) | (typical_above & far)
        unrealistic |= far_above & ~fits
    else:
        too_high = np.zeros(len(rows), dtype=bool)
    asks_experience = years_asked >= 1  # nan compares False
    penalty[asks_experience & (experience < FIT_SECTOR * 0.85 + 1e-6)] += PENALTY_EXPERIENCE
    penalty[(flags & _FLAG_TARGET_GROUP).astype(bool)] += PENALTY_TARGET_GROUP  # or students
    leads = (flags & _FLAG_LEADS).astype(bool) & ~fits
    trade = ((flags & _FLAG_DIPLOMA).astype(bool) & ~trainee
             & (experience < FIT_FIELD - 1e-6) & ~too_high)
    penalty[trade] += PENALTY_TYPICAL_STEP
    too_high = too_high | trade
    entry = (~asks_experience & ~too_high & ~leads).astype(np.float32)
    approved = np.maximum(terms.approved[occupation[:, 0]], terms.approved[occupation[:, 1]])
    score = (WEIGHTS["experience"] * experience + WEIGHTS["entry"] * entry
            + WEIGHTS["semantic"] * semantic_scale(similarity)
            + WEIGHTS["distance"] * distance_fit(distance_km, max_travel_km)
            + WEIGHTS["zoekprofiel"] * approved
            + WEIGHTS["wish"] * wish_rows(table, terms, rows) - penalty
            + WEIGHTS["verdict"] * (1.0 if has_reasons is None else ~has_reasons)
            ).astype(np.float32)
    return score, entry.astype(bool), unrealistic


def skills_found(terms: ProfileTerms, text: str, requirements: Requirements) -> list[str]:
    """The profile's skills and licences the vacancy text names or asks."""
    lowered = text.lower()
    found = [skill for skill, words in terms.skills if any(w in lowered for w in words)]
    found += [f"rijbewijs {code}" for code in requirements.driving_licences
              if code in terms.licences]
    return found


def wish_met(terms: ProfileTerms, title: str) -> bool:
    """The vacancy title holds every word of one of the wishes (as `wish_rows`)."""
    keys = {word_key(w) for w in title_words(title)}
    return any(wish and wish <= keys for wish in terms.wish_keys)


@dataclass(frozen=True)
class Candidate:
    """A vacancy that is not `ongeschikt`, with what the matcher knows of it."""

    vacancy: Vacancy
    requirements: Requirements
    verdict: Verdict
    similarity: float
    distance_km: float | None
    facts: VacancyFacts | None = None


def finish(*, candidate: Candidate, bound: float, terms: ProfileTerms, row_fit: float,
           held: Held | None, profile: Profile, flagged: bool = False,
           entry: bool = False) -> Match | None:
    """The final score and line of one candidate, from its bound (`coarse_scores`);
    `flagged`: the bound already counted the verdict as `let_op`."""
    if candidate.verdict.verdict == "ongeschikt":
        return None
    text = f"{candidate.vacancy.title}\n{candidate.vacancy.description}"
    skills = skills_found(terms, text, candidate.requirements)
    share = min(1.0, len(skills) / max(len(terms.skills), 1)) if skills else 0.0
    wish = wish_met(terms, candidate.vacancy.title)
    score = (bound + WEIGHTS["skills"] * share
             - (WEIGHTS["verdict"] if candidate.verdict.verdict == "let_op" else 0.0)
             + (WEIGHTS["verdict"] if flagged else 0.0))
    distance = candidate.distance_km
    return Match(
        id=candidate.vacancy.id, title=candidate.vacancy.title,
        employer=candidate.vacancy.employer, place=candidate.vacancy.place,
        distance_km=None if distance is None else round(distance, 1),
        score=round(float(score), 4), verdict=candidate.verdict.verdict,
        reasons=candidate.verdict.reasons,
        why=why_sentence(candidate=candidate, held=held, fit=row_fit, skills=skills,
                         wish=wish, profile=profile, entry=entry))


@functools.cache
def _occupation_ids() -> dict[str, int]:
    return {name: number for number, name in enumerate(occupation_names())}


def best_held(terms: ProfileTerms, facts: VacancyFacts, vacancy_title: str
              ) -> tuple[Held | None, float]:
    """The experience a vacancy rests on, and how well it fits (for the `why`)."""
    ids = _occupation_ids()
    best: Held | None = None
    for name in facts.occupations:
        found = terms.held[ids[name]] if name in ids else None
        if found and (best is None or found.fit > best.fit):
            best = found
    fit = best.fit if best else 0.0
    for title, years, _ in terms.experience_titles:
        words = title_fit(title, vacancy_title) * (0.85 + 0.15 * min(years, 10) / 10)
        if words > fit:
            best, fit = Held(fit=words, title=title, years=years, relation="same",
                             occupation=title), words
    return best, fit


def rank(candidates: list[Candidate], *, profile: Profile, top: int = 20,
         approved: Iterable[str] = ()) -> list[Match]:
    """The best `top` candidates for the profile, each with its score and `why`."""
    shown = [c for c in candidates if c.verdict.verdict != "ongeschikt"]
    if not shown:
        return []
    facts = [c.facts or vacancy_facts(c.vacancy, c.requirements) for c in shown]
    table = FactTable.build(facts)
    terms = profile_terms(profile, approved=approved)
    rows = np.arange(len(shown))
    bounds, entry, unrealistic = coarse_scores(
        table=table, rows=rows, terms=terms,
        similarity=np.array([c.similarity for c in shown], dtype=np.float32),
        distance_km=np.array([np.nan if c.distance_km is None else c.distance_km
                              for c in shown], dtype=np.float32),
        max_travel_km=profile.max_travel_km)
    matches = []
    for candidate, fact, bound, is_entry, out in zip(shown, facts, bounds, entry, unrealistic,
                                                     strict=True):
        if out:
            continue
        held, fit = best_held(terms, fact, candidate.vacancy.title)
        match = finish(candidate=candidate, bound=float(bound), terms=terms, row_fit=fit,
                       held=held, profile=profile, entry=bool(is_entry))
        if match is not None:
            matches.append(match)
    return order(matches)[:top]


def order(matches: list[Match]) -> list[Match]:
    """Highest score first; equal scores by id, so the order is stable."""
    return sorted(matches, key=lambda m: (-m.score, m.id))


# --- the sentence a coach reads aloud --------------------------------------------------------


def why_sentence(*, candidate: Candidate, held: Held | None, fit: float, skills: list[str],
                 wish: bool, profile: Profile, entry: bool = False) -> str:
    """One Dutch sentence a coach can read aloud: why this vacancy is on the list."""
    parts: list[str] = []
    if held and fit >= FIT_SECTOR * 0.85 - 1e-6:
        if held.years is None:
            parts.append(f"Past bij de opleiding {held.title}")
        elif held.relation == "same":
            parts.append(f"Sluit aan bij {_years(held.years)} ervaring als {held.title}")
        elif held.relation == "related":
            parts.append(f"Verwant aan {_years(held.years)} ervaring als {held.title}")
        else:
            parts.append(f"Zelfde sector als {_years(held.years)} ervaring als {held.title}")
    elif entry:
        parts.append("Instapfunctie: vraagt geen ervaring of hogere opleiding")
    else:
        parts.append("Geen directe aansluiting bij ervaring of opleiding; bespreek of het past")
    if skills:
        parts.append("vraagt " + _join(skills))
    if candidate.distance_km is None:
        parts.append("afstand onbekend")
    else:
        parts.append(f"{candidate.distance_km:.0f} km van huis")
    if wish:
        parts.append("ook een wens van de werknemer")
    if candidate.verdict.verdict == "let_op":
        topics = sorted({_topic(r.demand, r.fml, r.explanation)
                         for r in candidate.verdict.reasons})
        parts.append("let op: " + ", ".join(topics))
    sentence = "; ".join(parts)
    return sentence[0].upper() + sentence[1:] + "."


def _join(words: list[str]) -> str:
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " en " + words[-1]


def _years(years: float) -> str:
    whole = int(years) if float(years).is_integer() else years
    return f"{whole} jaar"


_TOPICS = {
    "tillen": "tillen", "duwen_trekken": "duwen en trekken", "staan": "staand werk",
    "lopen": "veel lopen", "bukken_knielen": "bukken en knielen", "klimmen": "klimmen",
    "boven_schouder": "werken boven schouderhoogte", "hand_arm": "veel hand- en armwerk",
    "beeldscherm": "beeldschermwerk", "nachtdienst": "nachtdiensten",
    "avond_weekend": "avond- en weekendwerk", "rijden": "rijden voor het werk",
    "reizen": "reizen voor het werk", "klantcontact": "klantcontact",
    "leidinggeven": "leidinggeven", "tijdsdruk": "tijdsdruk",
    "onvoorspelbaar": "onvoorspelbaar werk", "conflicten": "conflicten",
    "emoties_anderen": "emoties van anderen", "buiten_klimaat": "buiten of in kou en warmte",
    "geluid_stof_trillingen": "lawaai, stof of trillingen",
    "beschermingsmiddelen": "beschermingsmiddelen", "verhoogd_risico": "verhoogd risico",
}
_FML_TOPICS = {"VI.3": "uren per week", "VI.2": "uren per dag"}


def _topic(demand: str | None, fml: str | None, explanation: str = "") -> str:
    if demand is None and fml is None:
        lowered = explanation.lower()
        if "rijbewijs" in lowered:
            return "rijbewijs"
        if "opleiding" in lowered:
            return "opleidingsniveau"
    if demand in _TOPICS:
        return _TOPICS[demand]
    if fml in _FML_TOPICS:
        return _FML_TOPICS[fml]
    return demand or "zie reden"


