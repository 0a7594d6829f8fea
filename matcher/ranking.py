"""Ranking the vacancies a profile may do: realistic fit first, wishes last.

Pure functions: candidates that already passed the suitability check come in,
an ordered shortlist with a Dutch `why` per line comes out. `ongeschikt`
never appears; `let_op` appears, marked and ranked lower. The score weighs
what the profile says explicitly (experience titles and years, education)
beside one embedding similarity, then distance; a wish only breaks ties.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from matcher.models import Match, Requirements, Verdict
from profiles.model import Profile
from vacancies.model import Vacancy
from vacancies.vocabulary import education_rank

WEIGHTS = {"semantic": 0.30, "experience": 0.30, "education": 0.10, "distance": 0.15,
           "verdict": 0.15, "wish": 0.02}

_GENDER_MARKS = re.compile(r"\((?:m/v(?:/x)?|v/m(?:/x)?|m/v/x|m/w/x|x/v/m)\)", re.IGNORECASE)
_WORD = re.compile(r"[a-zà-ÿ]+")


@dataclass(frozen=True)
class Candidate:
    """A vacancy that is not `ongeschikt`, with what the matcher knows of it."""

    vacancy: Vacancy
    requirements: Requirements
    verdict: Verdict
    similarity: float
    distance_km: float | None


def title_words(title: str) -> set[str]:
    """The meaningful words of a job title, lower case, without gender marks."""
    cleaned = _GENDER_MARKS.sub(" ", title.lower()).replace("medewerkster", "medewerker")
    return {word for word in _WORD.findall(cleaned) if len(word) > 2}


def title_fit(experience_title: str, vacancy_title: str) -> float:
    """How well a title the employee held matches a vacancy title (0..1)."""
    held, offered = title_words(experience_title), title_words(vacancy_title)
    if not held or not offered:
        return 0.0
    if " ".join(sorted(held)) in vacancy_title.lower() or held <= offered:
        return 1.0
    shared = sum(1 for h in held for o in offered if h == o or (len(h) > 5 and h[:6] == o[:6]))
    return min(1.0, shared / len(held))


def experience_fit(profile: Profile, vacancy: Vacancy) -> tuple[float, str | None]:
    """Best fit of the employee's experience to the vacancy title, weighted by years."""
    best, label = 0.0, None
    for experience in profile.experience:
        fit = title_fit(experience.title, vacancy.title)
        weighted = fit * (0.6 + 0.4 * min(experience.years, 10) / 10)
        if weighted > best:
            best, label = weighted, experience.title
    return best, label


def education_fit(profile: Profile, requirements: Requirements) -> float:
    asked, own = education_rank(requirements.education_level), education_rank(
        profile.education_level)
    if asked is None or own is None:
        return 0.7
    if asked > own:
        return 0.2
    return 1.0 if own - asked <= 2 else 0.6


def distance_fit(distance_km: float | None, max_travel_km: float | None) -> float:
    if distance_km is None:
        return 0.5
    reach = max_travel_km or 50.0
    return max(0.0, 1.0 - distance_km / max(reach, 1.0))


def rank(candidates: list[Candidate], *, profile: Profile, top: int = 20) -> list[Match]:
    """The best `top` candidates for the profile, each with its score and `why`."""
    if not candidates:
        return []
    similarities = [c.similarity for c in candidates]
    low, high = min(similarities), max(similarities)
    spread = high - low or 1.0
    wishes = [w.lower() for w in profile.wishes.titles]
    scored: list[tuple[float, Match]] = []
    for candidate in candidates:
        if candidate.verdict.verdict == "ongeschikt":
            continue
        experience, held = experience_fit(profile, candidate.vacancy)
        wish = any(title_fit(w, candidate.vacancy.title) >= 1.0 for w in wishes)
        parts = {
            "semantic": (candidate.similarity - low) / spread,
            "experience": experience,
            "education": education_fit(profile, candidate.requirements),
            "distance": distance_fit(candidate.distance_km, profile.max_travel_km),
            "verdict": 1.0 if candidate.verdict.verdict == "geschikt" else 0.0,
            "wish": 1.0 if wish else 0.0,
        }
        score = sum(WEIGHTS[name] * value for name, value in parts.items())
        match = Match(
            id=candidate.vacancy.id, title=candidate.vacancy.title,
            employer=candidate.vacancy.employer, place=candidate.vacancy.place,
            distance_km=None if candidate.distance_km is None else round(candidate.distance_km, 1),
            score=round(score, 4), verdict=candidate.verdict.verdict,
            reasons=candidate.verdict.reasons,
            why=why_sentence(candidate=candidate, profile=profile, held=held,
                             experience=experience, wish=wish),
        )
        scored.append((score, match))
    scored.sort(key=lambda pair: (-pair[0], pair[1].id))
    return [match for _, match in scored[:top]]


def why_sentence(*, candidate: Candidate, profile: Profile, held: str | None,
                 experience: float, wish: bool) -> str:
    """One Dutch sentence a coach can read aloud: why this vacancy is on the list."""
    parts: list[str] = []
    if held and experience >= 0.5:
        years = next((e.years for e in profile.experience if e.title == held), 0)
        parts.append(f"Sluit aan bij {_years(years)} ervaring als {held}")
    else:
        parts.append("Past bij wat de werknemer kan en weet")
    if candidate.distance_km is None:
        parts.append("afstand onbekend")
    else:
        parts.append(f"{candidate.distance_km:.0f} km van huis")
    if wish:
        parts.append("ook een wens van de werknemer")
    if candidate.verdict.verdict == "let_op":
        topics = sorted({_topic(r.demand, r.fml) for r in candidate.verdict.reasons})
        parts.append("let op: " + ", ".join(topics))
    sentence = "; ".join(parts)
    return sentence[0].upper() + sentence[1:] + "."


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


def _topic(demand: str | None, fml: str | None) -> str:
    if demand in _TOPICS:
        return _TOPICS[demand]
    if fml in _FML_TOPICS:
        return _FML_TOPICS[fml]
    return {"opleiding": "opleidingsniveau", "rijbewijs": "rijbewijs"}.get(demand or "",
                                                                          demand or "zie reden")
