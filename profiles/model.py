"""The capability profile of one employee (CONTRACTS §3).

A profile holds the limited FML items of the employee (health data), the
education, experience, hours and travel radius. It never holds a diagnosis:
unknown fields are rejected. Limitations are checked against the FML
catalogue (`profiles/fml_catalogue.json`): the item must exist, the level must
be one of its graded levels, a value needs the item's unit, and only I.8,
II.12 and VI.1 carry conditions. `load_profile` turns any bad profile file
into one `ProfileError` in plain Dutch that names the file and the field.
"""

from __future__ import annotations

import json
import math
from datetime import date
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator
from pydantic_core import PydanticCustomError

from profiles.catalogue import load_catalogue
from vacancies.errors import ProfileError
from vacancies.vocabulary import DRIVING_LICENCES, EDUCATION_LEVELS, EducationLevel


class Limitation(BaseModel):
    """One limited FML item: its graded level, a value where the form has one."""

    model_config = ConfigDict(extra="forbid")

    level: int = Field(ge=1)
    value: float | None = Field(default=None, allow_inf_nan=False)
    unit: str | None = None
    conditions: list[str] | None = None
    note: str | None = None


class Experience(BaseModel):
    model_config = ConfigDict(extra="forbid")

    title: str = Field(min_length=1)
    years: float = Field(ge=0, allow_inf_nan=False)


class Wishes(BaseModel):
    model_config = ConfigDict(extra="forbid")

    titles: list[str] = Field(default_factory=list)
    sectors: list[str] = Field(default_factory=list)


def _fml_error(field: str, message: str) -> PydanticCustomError:
    return PydanticCustomError("fml", "{message}", {"field": field, "message": message})


def check_limitation(key: str, limitation: Limitation) -> Limitation:
    """The limitation with its unit spelled as in the catalogue; raises for anything off-form."""
    catalogue = load_catalogue()
    where = f"limitations.{key}"
    item = catalogue.item(key)
    if item is None:
        rubric = key.split(".", 1)[0]
        known = [k for k in catalogue.items if k.split(".", 1)[0] == rubric]
        hint = (f" Bekende items in rubriek {rubric}: {', '.join(known)}." if known else
                " Gebruik de vorm <rubriek>.<nummer>, bijvoorbeeld 'IV.13'.")
        raise _fml_error(where, f"onbekend FML-item '{key}'.{hint}")
    title = f"{item.key} {item.name}"
    if item.level(limitation.level) is None:
        raise _fml_error(f"{where}.level",
                         f"niveau {limitation.level} bestaat niet voor {title}; "
                         f"kies 1 t/m {item.max_level}.")
    updates: dict[str, Any] = {}
    if item.kind == "conditions":
        codes = [c.code for c in item.conditions]
        if not limitation.conditions:
            raise _fml_error(f"{where}.conditions",
                             f"{title} heeft voorwaarden; kies er minstens één uit: "
                             f"{', '.join(codes)}.")
        for condition in limitation.conditions:
            if condition not in codes:
                raise _fml_error(f"{where}.conditions",
                                 f"onbekende voorwaarde '{condition}' bij {title}; "
                                 f"kies uit: {', '.join(codes)}.")
        if len(set(limitation.conditions)) != len(limitation.conditions):
            raise _fml_error(f"{where}.conditions", f"een voorwaarde staat dubbel bij {title}.")
        if limitation.value is not None or limitation.unit is not None:
            raise _fml_error(f"{where}.value", f"{title} heeft geen waarde, alleen voorwaarden.")
    else:
        if limitation.conditions is not None:
            raise _fml_error(f"{where}.conditions",
                             f"{title} heeft geen voorwaarden; alleen I.8, II.12 en VI.1 hebben "
                             "die.")
        if limitation.value is not None and limitation.unit is None:
            raise _fml_error(f"{where}.unit",
                             f"waarde {limitation.value:g} zonder eenheid bij {title}; "
                             f"geef de eenheid ({item.unit or 'geen'}).")
        if limitation.unit is not None:
            if limitation.value is None:
                raise _fml_error(f"{where}.value",
                                 f"eenheid '{limitation.unit}' zonder waarde bij {title}.")
            if item.unit is None:
                raise _fml_error(f"{where}.value",
                                 f"{title} heeft op het formulier geen maat; laat waarde en "
                                 "eenheid weg.")
            unit = catalogue.normalise_unit(limitation.unit)
            if unit != item.unit:
                raise _fml_error(f"{where}.unit",
                                 f"eenheid '{limitation.unit}' past niet bij {title}; "
                                 f"gebruik '{item.unit}'.")
            if limitation.value is not None and limitation.value < 0:
                raise _fml_error(f"{where}.value", "een waarde kan niet negatief zijn.")
            updates["unit"] = unit
    return limitation.model_copy(update=updates) if updates else limitation


class Profile(BaseModel):
    """What an employee can do, with which limitations, from where."""

    model_config = ConfigDict(extra="forbid")

    id: str = Field(min_length=1)
    postcode: str | None = None
    max_travel_km: float | None = Field(default=None, ge=0, allow_inf_nan=False)
    education_level: EducationLevel | None = None
    education_field: str | None = None
    experience: list[Experience] = Field(default_factory=list)
    skills: list[str] = Field(default_factory=list)
    driving_licences: list[str] = Field(default_factory=list)
    hours_per_week_max: float | None = Field(default=None, ge=0, le=168, allow_inf_nan=False)
    illness_start: date | None = None
    limitations: dict[str, Limitation] = Field(default_factory=dict)
    wishes: Wishes = Field(default_factory=Wishes)

    @field_validator("limitations")
    @classmethod
    def _limitations_follow_the_fml(cls, value: dict[str, Limitation]) -> dict[str, Limitation]:
        return {key: check_limitation(key, limitation) for key, limitation in value.items()}

    @field_validator("driving_licences")
    @classmethod
    def _known_licences(cls, value: list[str]) -> list[str]:
        licences = []
        for licence in value:
            code = licence.strip().upper()
            if code not in DRIVING_LICENCES:
                raise PydanticCustomError(
                    "fml", "{message}",
                    {"field": "driving_licences",
                     "message": f"onbekend rijbewijs '{licence}'; kies uit "
                                f"{', '.join(DRIVING_LICENCES)}."})
            licences.append(code)
        return licences

    def limitation(self, item: str) -> Limitation | None:
        return self.limitations.get(item)


# --- loading a profile file -------------------------------------------------------------------

_PYDANTIC_NL: dict[str, str] = {
    "missing": "ontbreekt; dit veld is verplicht.",
    "int_type": "moet een geheel getal zijn.",
    "int_parsing": "moet een geheel getal zijn.",
    "int_from_float": "moet een geheel getal zijn (zonder komma).",
    "float_type": "moet een getal zijn.",
    "float_parsing": "moet een getal zijn.",
    "finite_number": "moet een gewoon getal zijn.",
    "string_type": "moet tekst zijn (tussen aanhalingstekens).",
    "string_too_short": "mag niet leeg zijn.",
    "list_type": "moet een lijst zijn ([...]).",
    "dict_type": "moet een object zijn ({...}).",
    "model_type": "moet een object zijn ({...}).",
    "model_attributes_type": "moet een object zijn ({...}).",
    "date_type": "moet een datum zijn zoals 2025-09-15.",
    "date_parsing": "moet een datum zijn zoals 2025-09-15.",
    "date_from_datetime_parsing": "moet een datum zijn zoals 2025-09-15.",
    "date_from_datetime_inexact": "moet een datum zijn zoals 2025-09-15 (zonder tijd).",
    "bool_type": "moet true of false zijn.",
}


def _field_path(loc: tuple[int | str, ...]) -> str:
    path = ""
    for part in loc:
        if isinstance(part, int):
            path += f"[{part}]"
        else:
            path += ("." if path else "") + str(part)
    return path or "(profiel)"


def _describe(error: Any) -> tuple[str, str]:
    """(field, Dutch message) for one pydantic error."""
    kind = error["type"]
    ctx = error.get("ctx") or {}
    if kind == "fml":
        return ctx["field"], ctx["message"]
    field = _field_path(tuple(error["loc"]))
    if kind == "extra_forbidden":
        name = str(error["loc"][-1]) if error["loc"] else ""
        if name.lower() in {"diagnose", "diagnosis", "diagnoses"}:
            return field, ("een profiel bevat nooit een diagnose (alleen functionele "
                           "beperkingen); haal dit veld weg.")
        return field, "onbekend veld; dit hoort niet in een profiel."
    if kind == "literal_error" and field == "education_level":
        return field, f"onbekend opleidingsniveau; kies uit {', '.join(EDUCATION_LEVELS)}."
    if kind in ("greater_than_equal", "greater_than"):
        return field, f"moet minstens {ctx.get('ge', ctx.get('gt'))} zijn."
    if kind in ("less_than_equal", "less_than"):
        return field, f"mag hoogstens {ctx.get('le', ctx.get('lt'))} zijn."
    return field, _PYDANTIC_NL.get(kind, "ongeldige waarde.")


def profile_from_data(data: Any, *, source_name: str) -> Profile:
    """A validated Profile from parsed JSON; one ProfileError naming the field otherwise."""
    if not isinstance(data, dict):
        raise ProfileError(f"{source_name}: een profiel moet één JSON-object zijn ({{...}}).")
    try:
        return Profile.model_validate(data)
    except ValidationError as exc:
        errors = exc.errors(include_url=False)
        field, message = _describe(errors[0])
        more = f" (en nog {len(errors) - 1} andere fout(en))" if len(errors) > 1 else ""
        error = ProfileError(f"{source_name}: veld '{field}': {message}{more}")
        error.field = field  # type: ignore[attr-defined]
        raise error from None


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is geen getal")


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise ValueError(f"veld '{key}' staat dubbel")
        result[key] = value
    return result


def load_profile(path_or_text: Path | str | bytes, *, source_name: str) -> Profile:
    """Read a profile from a file (a Path) or from JSON text (str or bytes).

    Anything wrong, from an unreadable file to an unknown FML item, becomes one
    `ProfileError` whose message starts with `source_name` and names the field.
    """
    raw: str | bytes
    if isinstance(path_or_text, Path):
        try:
            raw = path_or_text.read_bytes()
        except OSError as exc:
            raise ProfileError(f"{source_name}: kan het bestand niet lezen "
                               f"({exc.strerror or exc.__class__.__name__}).") from None
    else:
        raw = path_or_text
    if isinstance(raw, bytes):
        try:
            raw = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise ProfileError(f"{source_name}: het bestand is geen UTF-8-tekst.") from None
    if not raw.strip():
        raise ProfileError(f"{source_name}: het bestand is leeg; verwacht een JSON-profiel.")
    try:
        data = json.loads(raw, parse_constant=_reject_constant, object_pairs_hook=_no_duplicates)
    except json.JSONDecodeError as exc:
        raise ProfileError(f"{source_name}: geen geldige JSON (regel {exc.lineno}, kolom "
                           f"{exc.colno}): {exc.msg}.") from None
    except ValueError as exc:
        raise ProfileError(f"{source_name}: geen geldig profiel: {exc}.") from None
    except RecursionError:
        raise ProfileError(f"{source_name}: de JSON is te diep genest.") from None
    try:
        return profile_from_data(data, source_name=source_name)
    except RecursionError:
        raise ProfileError(f"{source_name}: de JSON is te diep genest.") from None


def _whole_numbers(value: Any) -> Any:
    if isinstance(value, float) and math.isfinite(value) and value.is_integer():
        return int(value)
    if isinstance(value, dict):
        return {key: _whole_numbers(inner) for key, inner in value.items()}
    if isinstance(value, list):
        return [_whole_numbers(inner) for inner in value]
    return value


def profile_to_json(profile: Profile) -> str:
    """The profile as CONTRACTS §3 JSON (empty fields left out, 25.0 written as 25)."""
    data = _whole_numbers(profile.model_dump(mode="json", exclude_none=True))
    return json.dumps(data, ensure_ascii=False, indent=1)
