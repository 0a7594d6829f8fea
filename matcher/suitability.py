"""The suitability verdict: what a vacancy demands against what the FML allows.

Pure functions, no I/O. `judge` compares each demand of a vacancy with the
limited FML items it can touch (the table of CONTRACTS §1, kept as data in the
FML catalogue), the hours with the employee's maximum, the required licences
and education with the profile, and returns a `Verdict` whose verdict is its
worst reason (CONTRACTS §4), mirroring UWV's CBBS:

- `ongeschikt`: a demand clearly exceeds a limitation (a quantity well above
  the maximum, an explicit night shift where nights are excluded, a required
  licence the employee lacks, many more hours than the employee can work);
- `let_op`: a demand touches a limitation but is vague, implied or borderline;
  the coach must judge. Doubt is always `let_op`, never `geschikt`;
- `geschikt`: nothing touches a limitation, and there are no reasons.

Every reason carries the vacancy's evidence sentence and a Dutch explanation
a coach can read aloud.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import cast

from matcher.models import VERDICT_ORDER, Demand, Reason, Requirements, Verdict, VerdictName
from profiles.catalogue import Catalogue, Item, load_catalogue
from profiles.model import Limitation, Profile
from profiles.passend_werk import PassendWerkRules, load_rules, passend_scope
from vacancies.vocabulary import EDUCATION_NAMES_NL, education_rank

# A quantity at or above this multiple of the limit is clearly above it (ongeschikt);
# between the limit and this, it is borderline (let_op). "ongeveer 10 kg" allows 12 kg.
CLEARLY_ABOVE = 1.25
# Hours per week: the vacancy's minimum above the maximum by more than this fraction is
# ongeschikt ("ongeveer 24 uur" is not 26 uur, but it is also not 36 uur).
HOURS_CLEARLY_ABOVE = 1.15
# Days in a working week, to read a weekly minimum against a limit per day (VI.2).
WORKDAYS = 5

# Conditions (I.8, II.12, VI.1) that exclude a demand outright when the vacancy states it
# explicitly. The others are about degree ("weinig klantcontact", "geen veelvuldige
# deadlines") and stay let_op for the coach to weigh.
EXPLICIT_EXCLUDES = {("VI.1", "nacht"), ("II.12", "leidinggeven"), ("I.8", "risico")}
# An explicit demand on an item limited to its last level ("niet") is ongeschikt only when
# the evidence names that very movement; "bukken" says nothing about kneeling.
ITEM_WORDS: dict[str, tuple[str, ...]] = {
    "IV.7": ("reik", "boven", "schouder", "hoog"),
    "IV.9": ("buk", "buig", "gebogen"),
    "IV.10": ("buk", "buig", "gebogen"),
    "IV.18": ("trap",),
    "IV.19": ("klim", "ladder", "steiger", "hoogte", "dak", "hoogwerker", "trapje"),
    "IV.20": ("kniel", "hurk", "geknield", "gehurkt"),
    "V.5": ("kniel", "hurk", "geknield", "gehurkt"),
    "V.6": ("buk", "buig", "gebogen", "gedraaid"),
    "V.7": ("boven", "schouder", "plafond"),
    "III.1": ("vries", "koel", "kou", "hitte", "warm", "buiten", "weer"),
    "III.2": ("tocht", "buiten", "weer"),
}
HEAVY_WORDS = re.compile(r"\bzwa(?:ar|re)\b|\bsjouw", re.IGNORECASE)
EVENING_WORDS = re.compile(r"avond|\bnacht|late? ?dienst|ploegendienst", re.IGNORECASE)
# Licences that a licence includes (a CE driver may drive C and BE; C requires B).
LICENCE_INCLUDES: dict[str, frozenset[str]] = {
    "BE": frozenset({"B"}),
    "C1": frozenset({"B"}),
    "C1E": frozenset({"C1", "BE", "B"}),
    "C": frozenset({"C1", "B"}),
    "CE": frozenset({"C", "C1", "C1E", "BE", "B"}),
    "D1": frozenset({"B"}),
    "D1E": frozenset({"D1", "BE", "B"}),
    "D": frozenset({"D1", "B"}),
    "DE": frozenset({"D", "D1", "D1E", "BE", "B"}),
    "A2": frozenset({"A1", "AM"}),
    "A": frozenset({"A2", "A1", "AM"}),
    "B": frozenset({"AM"}),
}
# Unit conversions to the unit of the FML item (kg of force ≈ 10 N). Hours and minutes are
# not converted: on the FML, minutes are "at a stretch" and hours are "per day", two
# different measures, so "4 uur lopen" is not compared with "30 minuten achtereen".
_CONVERT: dict[tuple[str, str], float] = {("kg", "N"): 10.0, ("N", "kg"): 0.1}


def worst(verdicts: list[str]) -> VerdictName:
    """The worst of some verdict names; `geschikt` when there are none."""
    return cast(VerdictName, max(verdicts, key=VERDICT_ORDER.__getitem__, default="geschikt"))


def _fmt(number: float) -> str:
    return f"{number:g}".replace(".", ",")


def _excluded(item: Item, limitation: Limitation) -> bool:
    """Whether the level rules the movement out altogether ('niet: kan niet klimmen')."""
    level = item.level(limitation.level)
    return level is not None and level.label.startswith("niet")


def limit_value(item: Item, limitation: Limitation) -> float | None:
    """The maximum the profile allows on a measured item: its own value, else the level's."""
    if limitation.value is not None:
        return limitation.value
    level = item.level(limitation.level)
    return level.value if level else None


def describe_limitation(item: Item, limitation: Limitation, *, condition: str | None = None
                        ) -> str:
    """The limitation as the FML puts it: 'max. ca. 5 kg' or 'kan niet klimmen'."""
    if condition is not None:
        found = item.condition(condition)
        return found.label if found else condition
    value = limit_value(item, limitation)
    if value is not None and item.unit is not None:
        unit = {"uur": "uur", "min": "minuten"}.get(item.unit, item.unit)
        per = ""
        if item.unit == "uur":
            per = " per week" if item.key == "VI.3" else " per dag"
        elif item.unit == "min":
            per = " achtereen"
        return f"max. ca. {_fmt(value)} {unit}{per}"
    level = item.level(limitation.level)
    label = level.label if level else f"niveau {limitation.level}"
    return label.split(": ", 1)[-1] if ": " in label else f"{item.name.lower()} {label}"


@dataclass(frozen=True)
class _Touch:
    """One limited item (and condition) that a demand touches."""

    item: Item
    limitation: Limitation
    condition: str | None


def _touches(demand_code: str, profile: Profile, catalogue: Catalogue) -> list[_Touch]:
    touches = []
    for link in catalogue.demand_links.get(demand_code, ()):
        limitation = profile.limitations.get(link.item)
        item = catalogue.item(link.item)
        if limitation is None or item is None:
            continue
        if link.condition is not None and link.condition not in (limitation.conditions or ()):
            continue
        touches.append(_Touch(item=item, limitation=limitation, condition=link.condition))
    return touches


def _demand_quantity(demand: Demand, item: Item, catalogue: Catalogue) -> float | None:
    """The demand's value in the unit of the item, or None when it cannot be compared."""
    if demand.value is None or demand.unit is None or item.unit is None:
        return None
    unit = catalogue.normalise_unit(demand.unit)
    if unit is None:
        return None
    if unit == item.unit:
        return demand.value
    factor = _CONVERT.get((unit, item.unit))
    return None if factor is None else demand.value * factor


# Short verbs for a demand with a quantity: "tillen tot 25 kg".
QUANTITY_VERBS = {"tillen": "tillen", "duwen_trekken": "duwen of trekken", "staan": "staan",
                  "lopen": "lopen", "klimmen": "klimmen tot", "beeldscherm": "beeldschermwerk"}


def _demand_phrase(demand: Demand, catalogue: Catalogue) -> str:
    if demand.value is not None and demand.unit:
        verb = QUANTITY_VERBS.get(demand.code, catalogue.demand_names.get(demand.code,
                                                                           demand.code))
        joint = " " if verb.endswith(" tot") else " tot "
        return f"{verb}{joint}{_fmt(demand.value)} {demand.unit}"
    return catalogue.demand_names.get(demand.code, demand.code)


def _judge_touch(demand: Demand, touch: _Touch, catalogue: Catalogue
                 ) -> tuple[VerdictName, str, float]:
    """(verdict, explanation, strictness) of one demand against one limited item."""
    phrase = _demand_phrase(demand, catalogue)
    evidence = (demand.evidence or "").lower()
    item, limitation = touch.item, touch.limitation
    quantity = _demand_quantity(demand, item, catalogue)
    limit = limit_value(item, limitation)
    if quantity is not None and limit is not None:
        # A quantity we can compare decides on its own.
        limit_text = describe_limitation(item, limitation)
        strictness = quantity / max(limit, 1e-9)
        if quantity >= limit * CLEARLY_ABOVE:
            return ("ongeschikt",
                    f"Vacature vraagt {phrase}; belastbaarheid {limit_text} "
                    f"(FML {item.key} {item.name}).", strictness)
        note = ("net boven de grens; bespreek hoe vaak en hoe lang." if quantity > limit else
                "binnen de grens, maar het item is beperkt; bespreek hoe vaak en hoe lang.")
        return ("let_op", f"Vacature vraagt {phrase}; belastbaarheid {limit_text} "
                          f"(FML {item.key} {item.name}): {note}", strictness)
    limit_text = describe_limitation(item, limitation, condition=touch.condition)
    strictness = limitation.level / max(item.max_level, 1)
    clearly = False
    if demand.certainty == "explicit":
        if touch.condition is not None:
            clearly = ((item.key, touch.condition) in EXPLICIT_EXCLUDES
                       or (touch.condition == "avond" and EVENING_WORDS.search(evidence)
                           is not None))
        elif _excluded(item, limitation):
            words = ITEM_WORDS.get(item.key)
            clearly = words is None or any(word in evidence for word in words)
        elif (demand.value is None and item.unit == "kg" and limit is not None and limit <= 10
              and HEAVY_WORDS.search(evidence) is not None):
            clearly = True
    if clearly:
        return ("ongeschikt", f"Vacature vraagt {phrase}; FML {item.key} {item.name}: "
                              f"{limit_text}.", strictness)
    vague = "" if demand.certainty == "explicit" else " (afgeleid uit de taken, niet letterlijk)"
    return ("let_op", f"Vacature vraagt {phrase}{vague}; FML {item.key} {item.name}: "
                      f"{limit_text}. Bespreek hoeveel en hoe vaak.", strictness)


def _judge_demand(demand: Demand, touches: list[_Touch], catalogue: Catalogue) -> Reason:
    """The reason for one demand that touches at least one limited item: its worst touch."""
    judged = [(touch, *_judge_touch(demand, touch, catalogue)) for touch in touches]
    touch, verdict, explanation, _ = max(
        judged, key=lambda row: (VERDICT_ORDER[row[1]], row[3]))
    return Reason(fml=touch.item.key, demand=demand.code, verdict=verdict,
                  evidence=demand.evidence, explanation=explanation)


def max_hours_per_week(profile: Profile, catalogue: Catalogue | None = None) -> float | None:
    """The hours a week the employee can work: hours_per_week_max, else the VI.3 level."""
    if profile.hours_per_week_max is not None:
        return profile.hours_per_week_max
    limitation = profile.limitations.get("VI.3")
    item = (catalogue or load_catalogue()).item("VI.3")
    return limit_value(item, limitation) if limitation and item else None


def _hours_reasons(requirements: Requirements, profile: Profile, catalogue: Catalogue
                   ) -> list[Reason]:
    hours = requirements.hours_per_week
    if hours is None or hours.min is None:
        return []
    asked = (f"{_fmt(hours.min)} tot {_fmt(hours.max)} uur per week"
             if hours.max is not None and hours.max != hours.min
             else f"minstens {_fmt(hours.min)} uur per week" if hours.max is None
             else f"{_fmt(hours.min)} uur per week")
    reasons = []
    week_max = max_hours_per_week(profile, catalogue)
    if week_max is not None and hours.min > week_max:
        verdict: VerdictName = ("ongeschikt" if hours.min > week_max * HOURS_CLEARLY_ABOVE
                                else "let_op")
        tail = "." if verdict == "ongeschikt" else "; net te veel, bespreek of minder kan."
        reasons.append(Reason(
            fml="VI.3", demand=None, verdict=verdict, evidence=None,
            explanation=f"Vacature vraagt {asked}; belastbaarheid max. ca. "
                        f"{_fmt(week_max)} uur per week{tail}"))
    day = profile.limitations.get("VI.2")
    day_item = catalogue.item("VI.2")
    day_max = limit_value(day_item, day) if day and day_item else None
    if day_max is not None and not reasons and hours.min > day_max * WORKDAYS:
        reasons.append(Reason(
            fml="VI.2", demand=None, verdict="let_op", evidence=None,
            explanation=f"Vacature vraagt {asked}; bij {WORKDAYS} werkdagen is dat "
                        f"meer dan de ca. {_fmt(day_max)} uur per dag van de FML. Bespreek de "
                        "verdeling over de week."))
    return reasons


def licence_covered(required: str, held: list[str]) -> bool:
    """Whether the held licences include the required one (CE covers C, BE and B)."""
    required = required.strip().upper()
    return any(code == required or required in LICENCE_INCLUDES.get(code, frozenset())
               for code in (h.strip().upper() for h in held))


def _licence_reasons(requirements: Requirements, profile: Profile
                     ) -> list[tuple[Reason, str]]:
    reasons = []
    held = [h.strip().upper() for h in profile.driving_licences]
    for licence in requirements.driving_licences:
        code = licence.strip().upper()
        if code in held:
            continue
        if licence_covered(code, held):
            # Included in a licence the employee has: likely fine, but the profile does not
            # say so in words; the coach checks the licence itself.
            reasons.append((Reason(
                fml=None, demand=None, verdict="let_op", evidence=None,
                explanation=f"Vacature vereist rijbewijs {code}; de werknemer heeft "
                            f"{', '.join(held)}, dat {code} meestal omvat. Controleer het "
                            "rijbewijs."), code))
        else:
            reasons.append((Reason(
                fml=None, demand=None, verdict="ongeschikt", evidence=None,
                explanation=f"Vacature vereist rijbewijs {code}; dat heeft de werknemer niet."),
                code))
    return reasons


def _education_reasons(requirements: Requirements, profile: Profile, *, today: date,
                       rules: PassendWerkRules) -> list[Reason]:
    asked = requirements.education_level
    if asked is None:
        return []
    asked_name = EDUCATION_NAMES_NL.get(asked, asked)
    own = profile.education_level
    if own is None:
        if asked == "basis":
            return []
        return [Reason(fml=None, demand=None, verdict="let_op", evidence=None,
                       explanation=f"Vacature vraagt {asked_name}; de opleiding van de "
                                   "werknemer staat niet in het profiel.")]
    own_name = EDUCATION_NAMES_NL.get(own, own)
    asked_rank, own_rank = education_rank(asked), education_rank(own)
    if asked_rank is not None and own_rank is not None and asked_rank > own_rank:
        return [Reason(fml=None, demand=None, verdict="let_op", evidence=None,
                       explanation=f"Vacature vraagt {asked_name}; eigen opleiding {own_name}. "
                                   "Bespreek of ervaring dit goedmaakt.")]
    scope = passend_scope(illness_start=profile.illness_start, education_level=own,
                          max_travel_km=profile.max_travel_km, today=today, rules=rules)
    tier = rules.education_tiers.get(asked)
    if not scope.education_acceptable(tier):
        months = ("" if scope.months_ill is None
                  else f" na {scope.months_ill} maanden ziekte ({scope.stage})")
        return [Reason(fml=None, demand=None, verdict="let_op", evidence=None,
                       explanation=f"Vacature vraagt {asked_name}; dat ligt ver onder de eigen "
                                   f"opleiding ({own_name}) en is{months} nog niet vanzelf "
                                   "passend werk. Bespreek het met de werknemer.")]
    return []


# --- evidence for hours, licences and education ------------------------------------------------
# Requirements carry no sentence for these; when the vacancy text is at hand, the reason
# quotes the sentence that states them (verbatim), so the dossier shows where it came from.

_SENTENCE_END = re.compile(r"(?<=[.!?])\s+|\n+")
_HOURS_WORDS = re.compile(r"\buur\b|\buren\b|\bfte\b|full[- ]?time|part[- ]?time|voltijd|"
                          r"deeltijd|dagen per week|\d\s*u\b|\bu/w\b|\bhours\b", re.IGNORECASE)
EDUCATION_WORDS: dict[str, tuple[str, ...]] = {
    "basis": ("basisonderwijs",), "vmbo": ("vmbo",), "mbo1": ("mbo",), "mbo2": ("mbo",),
    "mbo3": ("mbo",), "mbo4": ("mbo",), "havo": ("havo",), "vwo": ("vwo",),
    "hbo": ("hbo", "bachelor", "hogeschool", "hoger beroeps", "pabo", "graduaat"),
    "wo": ("wo", "master", "universit", "academisch"),
}
EVIDENCE_MAX = 300


def _sentences(text: str) -> list[str]:
    return [part.strip() for part in _SENTENCE_END.split(text) if part and part.strip()]


def _quote(sentence: str) -> str:
    return sentence[:EVIDENCE_MAX]


def hours_evidence(text: str, hours_min: float) -> str | None:
    """The sentence that states the hours, preferring the one with the minimum in it."""
    number = re.compile(rf"(?<![\d,.]){re.escape(_fmt(hours_min))}(?![\d,])|"
                        rf"(?<![\d,.]){re.escape(f'{hours_min:g}')}(?![\d.])")
    candidates = [s for s in _sentences(text) if _HOURS_WORDS.search(s)]
    best = next((s for s in candidates if number.search(s)), None)
    return _quote(best or candidates[0]) if (best or candidates) else None


def licence_evidence(text: str, licence: str) -> str | None:
    """The sentence that asks for the licence."""
    code = re.compile(rf"(?<![\w-]){re.escape(licence)}(?![\w-])")
    found = [s for s in _sentences(text) if "rijbewijs" in s.lower() or "licen" in s.lower()]
    best = next((s for s in found if code.search(s)), None)
    return _quote(best or found[0]) if (best or found) else None


_EDUCATION_CONTEXT = re.compile(r"opleiding|diploma|niveau|afgerond|studie|degree|education|"
                                r"graduate|afgestudeerd", re.IGNORECASE)


def education_evidence(text: str, level: str) -> str | None:
    """The sentence that asks for the education level, preferring one about schooling."""
    words = EDUCATION_WORDS.get(level, (level,))
    matching = [sentence for sentence in _sentences(text) if any(
        re.search(rf"(?<!\w){re.escape(word)}" + (r"\b" if len(word) <= 4 else ""),
                  sentence.lower()) for word in words)]
    best = next((s for s in matching if _EDUCATION_CONTEXT.search(s)), None)
    return _quote(best or matching[0]) if (best or matching) else None


def judge(*, vacancy_id: str, requirements: Requirements, profile: Profile,
          today: date | None = None, rules: PassendWerkRules | None = None,
          catalogue: Catalogue | None = None, text: str | None = None) -> Verdict:
    """The verdict for one vacancy and one profile: every conflict as a reason, worst first.

    `text` (title and description of the vacancy), when given, lets the reasons on hours,
    licences and education quote the sentence of the vacancy that states them.
    """
    catalogue = catalogue or load_catalogue()
    rules = rules or load_rules()
    today = today or date.today()
    by_code: dict[str, Reason] = {}
    for demand in requirements.demands:
        touches = _touches(demand.code, profile, catalogue)
        if not touches:
            continue
        reason = _judge_demand(demand, touches, catalogue)
        known = by_code.get(demand.code)
        if known is None or VERDICT_ORDER[reason.verdict] > VERDICT_ORDER[known.verdict]:
            by_code[demand.code] = reason
    reasons: list[Reason] = list(by_code.values())
    hours = _hours_reasons(requirements, profile, catalogue)
    licences = _licence_reasons(requirements, profile)
    education = _education_reasons(requirements, profile, today=today, rules=rules)
    if text:
        hours_min = requirements.hours_per_week.min if requirements.hours_per_week else None
        hours = [r.model_copy(update={"evidence": hours_evidence(text, hours_min)})
                 if hours_min is not None else r for r in hours]
        licence_reasons = [r.model_copy(update={"evidence": licence_evidence(text, code)})
                           for r, code in licences]
        education = [r.model_copy(update={"evidence": education_evidence(
            text, requirements.education_level or "")}) for r in education]
        reasons += hours + licence_reasons + education
    else:
        reasons += hours + [r for r, _ in licences] + education
    reasons.sort(key=lambda r: -VERDICT_ORDER[r.verdict])
    return Verdict(id=vacancy_id, verdict=worst([r.verdict for r in reasons]), reasons=reasons)
