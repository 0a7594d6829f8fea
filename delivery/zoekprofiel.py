"""The zoekprofiel: a reasoned list of occupations to search in, tied to the FML.

Courts ask for a search profile that follows from the employee's capacity
(DOMAIN.md). `draft` proposes one from the job-title knowledge base
(`matcher.occupations`): every occupation the employee has experience in (the
same, a related one, the same sector) or that is an entry job at or below the
employee's education, each with its reasons; and the ones it leaves out, with
why: the education it usually asks is higher, it means leading people without
that experience, or its typical loads (the demands of its core tasks, judged
by `matcher.suitability.judge` as a vacancy's would be) exceed the FML. Loads
that only touch a limitation keep the occupation in, marked "let op".

The coach edits the draft (as JSON, or by answering yes/no per occupation)
and approves it; the approved zoekprofiel is stored, dated, with the coach's
name, in the table `zoekprofielen` (owned by delivery; the dossier reads it).
The shortlist then favours vacancies in the approved occupations.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any

import sqlite_utils

from matcher.models import Demand, Requirements
from matcher.occupations import Occupation, load_title_kb
from matcher.ranking import education_tier, held_occupations
from matcher.suitability import judge, licence_covered
from profiles.catalogue import load_catalogue
from profiles.model import Profile
from vacancies.errors import InputError
from vacancies.store import utc_now
from vacancies.vocabulary import EDUCATION_NAMES_NL

logger = logging.getLogger(__name__)

TABLE = "zoekprofielen"
ENTRY_TIER = 1
RELATIONS_NL = {"same": "ervaring in dit beroep", "related": "verwante ervaring",
                "sector": "ervaring in dezelfde sector", "field": "opleiding in dit vak"}


@dataclass
class OccupationChoice:
    """One occupation of the zoekprofiel: in or out, and why."""

    occupation: str
    sector: str | None
    included: bool
    verdict: str | None            # geschikt / let_op / ongeschikt on its typical loads
    reasons: list[str]
    coach_note: str | None = None


@dataclass
class Zoekprofiel:
    """The search profile of one employee: drafted, then approved by the coach."""

    profile_id: str
    drafted: str                   # ISO date of the draft
    occupations: list[OccupationChoice] = field(default_factory=list)
    approved: str | None = None    # ISO timestamp of the approval
    coach: str | None = None

    def included(self) -> list[str]:
        return [c.occupation for c in self.occupations if c.included]

    def to_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False, indent=1)


def typical_requirements(occupation: Occupation) -> Requirements:
    """The loads of an occupation's core tasks as a vacancy would state them."""
    catalogue = load_catalogue()
    return Requirements.model_validate({
        "demands": [Demand.model_validate({
            "code": code, "certainty": "explicit",
            "evidence": f"Kerntaak als {occupation.name}: "
                        f"{catalogue.demand_names.get(code, code)}"})
            for code in occupation.demands],
        "education_level": occupation.education})


def draft(profile: Profile, *, today: date | None = None) -> Zoekprofiel:
    """A reasoned draft: proposed occupations with their reasons, excluded ones with why."""
    today = today or date.today()
    held = held_occupations(profile)
    own_tier = education_tier(profile.education_level)
    own_name = EDUCATION_NAMES_NL.get(profile.education_level or "", "onbekend")
    choices: list[OccupationChoice] = []
    for occupation in load_title_kb():
        fit = held.get(occupation.name)
        experienced = fit is not None and fit.relation in ("same", "related")
        tier = education_tier(occupation.education)
        # An entry job asks no vocational diploma (at most the lowest tier, vmbo).
        entry = tier is None or tier <= ENTRY_TIER
        excluded: list[str] = []
        level = EDUCATION_NAMES_NL.get(occupation.education or "", "")
        if not entry and not experienced:
            if own_tier is not None and tier is not None and tier > own_tier:
                excluded.append(f"Vraagt meestal {level}; eigen opleiding {own_name}.")
            elif fit is None or fit.relation != "field":
                excluded.append(f"Vraagt meestal een vakdiploma ({level}) in dit vak; "
                                "daarin heeft de werknemer geen opleiding of ervaring.")
        if "leidinggeven" in occupation.demands and (fit is None or fit.relation != "same"):
            excluded.append("Leidinggeven zonder ervaring daarin is niet realistisch.")
        licence = occupation.licence
        if licence and not licence_covered(licence, profile.driving_licences):
            excluded.append(f"Vraagt rijbewijs {licence}; dat heeft de werknemer niet.")
        verdict = judge(vacancy_id=occupation.name, requirements=typical_requirements(occupation),
                        profile=profile, today=today)
        loads = [r for r in verdict.reasons if r.demand is not None]
        if verdict.verdict == "ongeschikt" and loads:
            excluded.append("De kenmerkende belasting past niet bij de FML: " + " ".join(
                _plain(r.explanation) for r in loads if r.verdict == "ongeschikt")
                + (" Bespreek of er werk in dit beroep is zonder deze belasting."
                   if experienced else ""))
        reasons: list[str] = []
        if fit is not None:
            years = "" if fit.years is None else f"{fit.years:g} jaar als "
            reasons.append(f"{RELATIONS_NL[fit.relation].capitalize()}: {years}{fit.title}.")
        elif entry and not excluded:
            if loads:
                continue  # an entry job whose typical loads touch a limitation: not proposed
            reasons.append("Instapberoep: vraagt meestal geen opleiding boven "
                           f"{own_name} en is te leren op de werkplek.")
        if not excluded:
            reasons.append("Let op: " + " ".join(_plain(r.explanation) for r in loads)
                           if loads else "De kenmerkende belasting past binnen de FML.")
        choices.append(OccupationChoice(
            occupation=occupation.name, sector=occupation.sector, included=not excluded,
            verdict=verdict.verdict, reasons=excluded + reasons))
    choices.sort(key=lambda c: (not c.included, -(held[c.occupation].fit
                                                  if c.occupation in held else 0.0)))
    return Zoekprofiel(profile_id=profile.id, drafted=today.isoformat(), occupations=choices)


def _plain(explanation: str) -> str:
    """A verdict's explanation said of an occupation rather than of one vacancy."""
    return explanation.replace("Vacature vraagt", "Het werk vraagt")


def from_json(text: str, *, source_name: str, profile_id: str) -> Zoekprofiel:
    """A zoekprofiel the coach edited; InputError naming the field when it is wrong."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise InputError(f"geen geldige JSON: {error.msg}", file=source_name,
                         line=error.lineno) from None
    if not isinstance(data, dict) or not isinstance(data.get("occupations"), list):
        raise InputError("een lijst met beroepen ontbreekt", file=source_name,
                         field="occupations")
    if data.get("profile_id") != profile_id:
        raise InputError(f"dit zoekprofiel hoort bij '{data.get('profile_id')}', niet bij "
                         f"'{profile_id}'", file=source_name, field="profile_id")
    known = {o.name: o for o in load_title_kb()}
    choices = []
    for number, entry in enumerate(data["occupations"]):
        where = f"occupations[{number}]"
        name = entry.get("occupation") if isinstance(entry, dict) else entry
        if not isinstance(entry, dict) or name not in known:
            raise InputError(f"onbekend beroep '{name}'", file=source_name,
                             field=f"{where}.occupation")
        if not isinstance(entry.get("included"), bool):
            raise InputError("moet true of false zijn", file=source_name,
                             field=f"{where}.included")
        choices.append(OccupationChoice(
            occupation=entry["occupation"], sector=known[entry["occupation"]].sector,
            included=entry["included"], verdict=entry.get("verdict"),
            reasons=[str(r) for r in entry.get("reasons") or []],
            coach_note=entry.get("coach_note")))
    return Zoekprofiel(profile_id=profile_id, drafted=str(data.get("drafted") or
                                                          date.today().isoformat()),
                       occupations=choices)


def review(zoekprofiel: Zoekprofiel, *, ask: Callable[[str], str],
           say: Callable[[str], None]) -> Zoekprofiel:
    """Let the coach accept or reject each occupation (Enter keeps the proposal)."""
    for choice in zoekprofiel.occupations:
        proposal = "ja" if choice.included else "nee"
        say(f"\n{choice.occupation} ({choice.sector or 'geen sector'}): "
            f"{'voorgesteld' if choice.included else 'uitgesloten'}")
        for reason in choice.reasons:
            say(f"  - {reason}")
        while True:
            answer = ask(f"Opnemen in het zoekprofiel? [{proposal}] ").strip().lower()
            if answer in ("", "j", "ja", "y", "n", "nee", "no"):
                break
            say("Antwoord met ja of nee (Enter houdt het voorstel).")
        if answer:
            keep = answer in ("j", "ja", "y")
            if keep != choice.included:
                choice.coach_note = "door de coach " + ("opgenomen" if keep else "uitgesloten")
            choice.included = keep
    return zoekprofiel


def _table(db: sqlite_utils.Database) -> sqlite_utils.db.Table:
    table = db.table(TABLE)
    if TABLE not in db.table_names():
        table.create({"id": int, "profile_id": str, "drafted": str, "approved": str,
                      "coach": str, "json": str}, pk="id")
        table.create_index(["profile_id", "approved"])
    return table


def approve(db: sqlite_utils.Database, zoekprofiel: Zoekprofiel, *,
            coach: str | None = None) -> Zoekprofiel:
    """Store the zoekprofiel as approved now; earlier versions stay (the dossier shows them)."""
    zoekprofiel.approved = utc_now()
    zoekprofiel.coach = coach
    _table(db).insert({"profile_id": zoekprofiel.profile_id, "drafted": zoekprofiel.drafted,
                       "approved": zoekprofiel.approved, "coach": coach,
                       "json": zoekprofiel.to_json()})
    return zoekprofiel


def latest(db: sqlite_utils.Database, *, profile_id: str) -> Zoekprofiel | None:
    """The most recently approved zoekprofiel of a profile, or None."""
    if TABLE not in db.table_names():
        return None
    rows = list(db.query(f"select json from {TABLE} where profile_id = ? "
                         "order by approved desc, id desc limit 1", [profile_id]))
    if not rows:
        return None
    data: dict[str, Any] = json.loads(rows[0]["json"])
    data["occupations"] = [OccupationChoice(**c) for c in data["occupations"]]
    return Zoekprofiel(**data)


def approved_occupations(db: sqlite_utils.Database, *, profile_id: str) -> list[str]:
    """The occupations of the latest approved zoekprofiel ([] when there is none)."""
    found = latest(db, profile_id=profile_id)
    return found.included() if found else []


def render(zoekprofiel: Zoekprofiel) -> str:
    """The zoekprofiel as text a coach reads (and the dossier can print)."""
    lines = [f"Zoekprofiel voor {zoekprofiel.profile_id} (concept van {zoekprofiel.drafted}"
             + (f", goedgekeurd {zoekprofiel.approved[:10]}"
                f"{' door ' + zoekprofiel.coach if zoekprofiel.coach else ''}"
                if zoekprofiel.approved else "") + ")"]
    for title, wanted in (("Beroepen om in te zoeken", True), ("Uitgesloten", False)):
        chosen = [c for c in zoekprofiel.occupations if c.included == wanted]
        lines.append(f"\n{title} ({len(chosen)}):")
        for choice in chosen:
            mark = " [let op]" if choice.included and choice.verdict == "let_op" else ""
            lines.append(f"- {choice.occupation}{mark} ({choice.sector or 'geen sector'})")
            lines.extend(f"    {reason}" for reason in choice.reasons)
            if choice.coach_note:
                lines.append(f"    Coach: {choice.coach_note}")
    return "\n".join(lines)
