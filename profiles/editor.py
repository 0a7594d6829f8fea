"""Creating, editing and showing a profile the way a coach works with an FML.

`create_profile` and `edit_profile` walk the coach through the profile:
first the person (postcode, radius, education, licences, hours, experience),
then the FML rubric by rubric, offering the graded levels of the catalogue
for each item. Input and output are injected callables (`ask(prompt) -> str`,
`say(text)`), so the CLI passes `input`/`print` and tests pass real text.
`render_profile` prints a profile as a coach reads an FML: Dutch, item names
and levels in words. The CLI subcommands `profile new | edit | show` call these.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from typing import IO, Any

from pydantic_core import PydanticCustomError

from profiles.catalogue import Item, load_catalogue
from profiles.model import Limitation, Profile, check_limitation, profile_from_data
from profiles.passend_werk import passend_scope
from vacancies.errors import ProfileError
from vacancies.vocabulary import DRIVING_LICENCES, EDUCATION_LEVELS, EDUCATION_NAMES_NL

Ask = Callable[[str], str]
Say = Callable[[str], None]

YES = {"j", "ja", "y", "yes"}
NO = {"n", "nee", "no"}


def lines_input(stream: IO[str], *, echo: Say | None = None) -> Ask:
    """An `ask` that reads answers line by line from a text stream (stdin, a file)."""

    def ask(prompt: str) -> str:
        line = stream.readline()
        if line == "":
            raise EOFError
        answer = line.rstrip("\r\n")
        if echo is not None:
            echo(f"{prompt}{answer}")
        return answer

    return ask


class _Dialogue:
    """Asks until an answer is valid; EOF ends the dialogue with a ProfileError."""

    def __init__(self, ask: Ask, say: Say) -> None:
        self.ask, self.say = ask, say

    def get(self, prompt: str, parse: Callable[[str], Any], *, current: Any) -> Any:
        shown = f" [{_show(current)}]" if _show(current) else ""
        while True:
            try:
                answer = self.ask(f"{prompt}{shown}: ").strip()
            except (EOFError, KeyboardInterrupt):
                raise ProfileError("invoer gestopt voordat het profiel af was; er is niets "
                                   "opgeslagen.") from None
            if answer == "":
                return current
            if answer == "-":
                return None  # type: ignore[return-value]  # '-' empties an optional field
            try:
                return parse(answer)
            except ValueError as exc:
                self.say(f"  Ongeldig: {exc} Probeer het opnieuw (Enter = houden, - = leeg).")

    def yes_no(self, prompt: str, *, current: bool) -> bool:
        def parse(answer: str) -> bool:
            if answer.lower() in YES:
                return True
            if answer.lower() in NO:
                return False
            raise ValueError("antwoord j of n.")

        result = self.get(f"{prompt} (j/n)", parse, current="j" if current else "n")
        return result in (True, "j")


def _show(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def _number(answer: str) -> float:
    try:
        value = float(answer.replace(",", "."))
    except ValueError:
        raise ValueError(f"'{answer}' is geen getal.") from None
    if value < 0 or value != value or value in (float("inf"), float("-inf")):
        raise ValueError("geef een getal van 0 of meer.")
    return value


def _education(answer: str) -> str:
    wanted = answer.lower().replace(" ", "").replace("-", "")
    if wanted.isdigit() and 1 <= int(wanted) <= len(EDUCATION_LEVELS):
        return EDUCATION_LEVELS[int(wanted) - 1]
    if wanted in EDUCATION_LEVELS:
        return wanted
    if wanted == "basisonderwijs":
        return "basis"
    raise ValueError(f"kies een nummer of een van: {', '.join(EDUCATION_LEVELS)}.")


def _licences(answer: str) -> list[str]:
    codes = [code.strip().upper() for code in re.split(r"[,\s]+", answer) if code.strip()]
    unknown = [code for code in codes if code not in DRIVING_LICENCES]
    if unknown:
        raise ValueError(f"onbekend rijbewijs {', '.join(unknown)}.")
    return codes


def _date(answer: str) -> date:
    match = re.fullmatch(r"(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})", answer)
    try:
        if match:
            return date(int(match[3]), int(match[2]), int(match[1]))
        return date.fromisoformat(answer)
    except ValueError:
        raise ValueError("geef een datum als 15-09-2025 of 2025-09-15.") from None


def _words(answer: str) -> list[str]:
    return [word.strip() for word in answer.split(",") if word.strip()]


def _experience(answer: str) -> list[dict[str, Any]]:
    result = []
    for part in answer.split(";"):
        if not part.strip():
            continue
        title, _, years = part.rpartition(":")
        if not title.strip():
            raise ValueError("schrijf 'functie: jaren', meerdere gescheiden door ';'.")
        result.append({"title": title.strip(), "years": _number(years.strip())})
    return result


def _level_parser(item: Item) -> Callable[[str], int]:
    def parse(answer: str) -> int:
        if not answer.isdigit() or item.level(int(answer)) is None:
            raise ValueError(f"kies een niveau van 0 t/m {item.max_level}.")
        return int(answer)

    return parse


def _conditions_parser(item: Item) -> Callable[[str], list[str]]:
    codes = [c.code for c in item.conditions]

    def parse(answer: str) -> list[str]:
        chosen = []
        for part in _words(answer.replace(" ", ",")):
            if part.isdigit() and 1 <= int(part) <= len(codes):
                code = codes[int(part) - 1]
            elif part in codes:
                code = part
            else:
                raise ValueError(f"kies nummers 1 t/m {len(codes)} of {', '.join(codes)}.")
            if code not in chosen:
                chosen.append(code)
        if not chosen:
            raise ValueError("kies minstens één voorwaarde.")
        return chosen

    return parse


def _ask_item(talk: _Dialogue, item: Item, current: Limitation | None) -> Limitation | None:
    talk.say(f"\n  {item.key} {item.name}")
    if item.kind == "conditions":
        for number, condition in enumerate(item.conditions, start=1):
            talk.say(f"    {number}. {condition.label}")
        chosen = talk.get("    voorwaarden (nummers, komma's; 0 = geen beperking)",
                          lambda a: [] if a.strip() == "0" else _conditions_parser(item)(a),
                          current=list(current.conditions or []) if current else [])
        if not chosen:
            return None
        note = talk.get("    toelichting (Enter = geen)", str,
                        current=current.note if current else None)
        return check_limitation(item.key, Limitation(level=1, conditions=chosen, note=note))
    for option in item.levels:
        talk.say(f"    {option.level}. {option.label}")
    level = talk.get("    niveau", _level_parser(item), current=current.level if current else 0)
    if not level:
        return None
    value = unit = None
    if item.unit is not None:
        guide = item.level(level)
        hint = (f" (Enter = richtwaarde {guide.value:g} {item.unit})"
                if guide and guide.value is not None and not (current and current.value) else "")
        value = talk.get(f"    waarde in {item.unit}{hint}", _number,
                         current=current.value if current and current.level == level else None)
        unit = item.unit if value is not None else None
    note = talk.get("    toelichting (Enter = geen)", str,
                    current=current.note if current else None)
    return check_limitation(item.key, Limitation(level=level, value=value, unit=unit, note=note))


def _walk(talk: _Dialogue, data: dict[str, Any]) -> dict[str, Any]:
    talk.say("\nDe werknemer")
    data["postcode"] = talk.get("Postcode (4 cijfers)", str, current=data.get("postcode"))
    data["max_travel_km"] = talk.get("Maximale reisafstand in km", _number,
                                     current=data.get("max_travel_km"))
    talk.say("Opleidingsniveau: " + ", ".join(
        f"{n}. {EDUCATION_NAMES_NL[code]}" for n, code in enumerate(EDUCATION_LEVELS, start=1)))
    data["education_level"] = talk.get("Opleidingsniveau", _education,
                                       current=data.get("education_level"))
    data["education_field"] = talk.get("Richting van de opleiding", str,
                                       current=data.get("education_field"))
    data["driving_licences"] = talk.get("Rijbewijzen (bijv. B, BE)", _licences,
                                        current=data.get("driving_licences") or []) or []
    data["hours_per_week_max"] = talk.get("Maximaal aantal uren per week", _number,
                                          current=data.get("hours_per_week_max"))
    start = data.get("illness_start")
    data["illness_start"] = talk.get("Eerste ziektedag (dd-mm-jjjj)", _date,
                                     current=date.fromisoformat(start) if isinstance(start, str)
                                     else start)
    experience = data.get("experience") or []
    current_experience = "; ".join(f"{e['title']}: {e['years']:g}" for e in experience)
    answer = talk.get("Werkervaring ('functie: jaren; ...')", _experience,
                      current=current_experience or None)
    data["experience"] = answer if isinstance(answer, list) else experience if answer else []
    data["skills"] = talk.get("Vaardigheden en certificaten (komma's)", _words,
                              current=data.get("skills") or []) or []
    wishes = data.get("wishes") or {}
    titles = talk.get("Gewenste functies (komma's)", _words, current=wishes.get("titles") or [])
    data["wishes"] = {"titles": titles or [], "sectors": wishes.get("sectors") or []}

    catalogue = load_catalogue()
    limitations: dict[str, Any] = {}
    current_limitations = {key: Limitation.model_validate(value) for key, value in
                           (data.get("limitations") or {}).items()}
    talk.say("\nDe FML, rubriek voor rubriek (0 = normaal, Enter = houden)")
    for rubric in catalogue.rubrics:
        keys = [item.key for item in rubric.items]
        has = any(key in current_limitations for key in keys)
        if not talk.yes_no(f"\nRubriek {rubric.key} {rubric.name}: beperkingen?", current=has):
            continue
        for item in rubric.items:
            while True:
                try:
                    limitation = _ask_item(talk, item, current_limitations.get(item.key))
                    break
                except PydanticCustomError as exc:
                    talk.say(f"  Ongeldig: {exc.message()}")
            if limitation is not None:
                limitations[item.key] = limitation.model_dump(exclude_none=True)
    data["limitations"] = limitations
    return data


def create_profile(*, ask: Ask = input, say: Say = print, profile_id: str | None = None
                   ) -> Profile:
    """A new profile, asked item by item; ProfileError when the input stops early."""
    talk = _Dialogue(ask, say)
    say("Nieuw profiel. Enter neemt de waarde tussen [ ] over, '-' maakt een veld leeg.")
    while not profile_id:
        profile_id = talk.get("Profielcode (geen naam, bijv. p-0042)", str, current=None)
    data: dict[str, Any] = {"id": profile_id}
    return profile_from_data(_clean(_walk(talk, data)), source_name="invoer")


def edit_profile(profile: Profile, *, ask: Ask = input, say: Say = print) -> Profile:
    """The profile with the coach's changes; Enter keeps every current answer."""
    talk = _Dialogue(ask, say)
    say(f"Profiel {profile.id} bewerken. Enter houdt de huidige waarde, '-' maakt leeg.")
    data = profile.model_dump(mode="json")
    return profile_from_data(_clean(_walk(talk, data)), source_name="invoer")


def _clean(data: dict[str, Any]) -> dict[str, Any]:
    return {key: (value.isoformat() if isinstance(value, date) else value)
            for key, value in data.items() if value is not None}


# --- showing a profile -------------------------------------------------------------------------


def _format_date(day: date) -> str:
    return day.strftime("%d-%m-%Y")


# Items the verdict reads without a demand code: hours per day and per week.
CHECKED_WITHOUT_DEMAND = {"VI.2", "VI.3"}


def _unchecked_items() -> set[str]:
    """Items no demand code touches: the coach judges them by hand."""
    catalogue = load_catalogue()
    linked = {link.item for links in catalogue.demand_links.values() for link in links
              if link.condition is None} | CHECKED_WITHOUT_DEMAND
    return {key for key in catalogue.items if key not in linked}


def _unchecked_conditions() -> set[tuple[str, str]]:
    catalogue = load_catalogue()
    linked = {(link.item, link.condition) for links in catalogue.demand_links.values()
              for link in links if link.condition is not None}
    return {(item.key, c.code) for item in catalogue.items.values() for c in item.conditions
            if (item.key, c.code) not in linked}


def render_profile(profile: Profile, *, today: date | None = None) -> str:
    """The profile as a coach reads an FML: the person first, then each rubric in words."""
    catalogue = load_catalogue()
    today = today or date.today()
    lines = [f"Profiel {profile.id} — {catalogue.title}", ""]
    person = []
    if profile.postcode:
        person.append(f"postcode {profile.postcode}")
    if profile.max_travel_km is not None:
        person.append(f"reisafstand max. {profile.max_travel_km:g} km")
    lines.append("Werknemer: " + (", ".join(person) or "geen woonplaats of reisafstand"))
    education = (EDUCATION_NAMES_NL.get(profile.education_level, profile.education_level)
                 if profile.education_level else "onbekend")
    if profile.education_field:
        education += f" ({profile.education_field})"
    lines.append(f"Opleiding: {education}")
    lines.append("Rijbewijs: " + (", ".join(profile.driving_licences) or "geen"))
    if profile.hours_per_week_max is not None:
        lines.append(f"Uren: max. {profile.hours_per_week_max:g} per week")
    if profile.experience:
        lines.append("Werkervaring: " + "; ".join(
            f"{e.title} ({e.years:g} jaar)" for e in profile.experience))
    if profile.skills:
        lines.append("Vaardigheden: " + ", ".join(profile.skills))
    if profile.wishes.titles or profile.wishes.sectors:
        lines.append("Wensen (alleen voor de volgorde): "
                     + ", ".join(profile.wishes.titles + profile.wishes.sectors))
    scope = passend_scope(illness_start=profile.illness_start,
                          education_level=profile.education_level,
                          max_travel_km=profile.max_travel_km, today=today)
    if profile.illness_start:
        lines.append(f"Eerste ziektedag: {_format_date(profile.illness_start)} "
                     f"({scope.months_ill} maanden ziek, {scope.stage})")
    if scope.max_travel_km is not None and profile.max_travel_km is not None \
            and scope.max_travel_km > profile.max_travel_km:
        lines.append(f"Passend werk nu tot ca. {scope.max_travel_km:.0f} km reisafstand "
                     f"(eigen grens {profile.max_travel_km:g} km)")
    lines += ["", "Functionele mogelijkheden (alleen afwijkingen van normaal):"]
    unchecked, unchecked_conditions = _unchecked_items(), _unchecked_conditions()
    for rubric in catalogue.rubrics:
        limited = [(item, profile.limitations[item.key]) for item in rubric.items
                   if item.key in profile.limitations]
        if not limited:
            lines.append(f"  Rubriek {rubric.key} {rubric.name}: normaal")
            continue
        lines.append(f"  Rubriek {rubric.key} {rubric.name}")
        for item, limitation in limited:
            lines.append(f"    {item.key} {item.name}")
            if item.kind == "conditions":
                for code in limitation.conditions or []:
                    condition = item.condition(code)
                    label = condition.label if condition else code
                    mark = (" (niet automatisch getoetst)"
                            if (item.key, code) in unchecked_conditions else "")
                    lines.append(f"      - {label}{mark}")
            else:
                level = item.level(limitation.level)
                label = level.label if level else f"niveau {limitation.level}"
                lines.append(f"      niveau {limitation.level}: {label}")
                if limitation.value is not None:
                    lines.append(f"      waarde: {limitation.value:g} {limitation.unit}")
                if (item.key == "VI.3" and profile.hours_per_week_max is not None and level
                        and level.value is not None
                        and level.value != profile.hours_per_week_max):
                    lines.append(f"      let op: het profiel noemt max. "
                                 f"{profile.hours_per_week_max:g} uur per week; dat getal "
                                 "telt bij het toetsen")
                if item.key in unchecked:
                    lines.append("      (niet automatisch getoetst: beoordeel dit zelf bij "
                                 "elke vacature)")
            if limitation.note:
                lines.append(f"      toelichting: {limitation.note}")
    return "\n".join(lines) + "\n"
