"""The job-title knowledge base: which occupation a vacancy title names, and its loads.

The knowledge base is data (`config/requirements/occupations.json`): common
occupations of this labour market with the spelling variants of their titles,
their sector, the education level usually asked, and the demands their core
tasks carry (in the spirit of UWV's CBBS function descriptions). Requirement
extraction uses those demands as `implied` ones; ranking and profiles may use
the sector and typical education. Titles are normalised first: gendered
suffixes such as "(m/v/x)" and "medewerk(st)er" disappear.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path

from config import CONFIG_DIR
from vacancies.errors import ConfigError

DEFAULT_TITLE_KB = CONFIG_DIR / "requirements" / "occupations.json"

_GENDER = re.compile(
    r"\(\s*[mvfhwxd](?:\s*/\s*[mvfhwxd]){1,3}\s*\)|\b[mvfhwx](?:\s*/\s*[mvfhwxd]){1,3}\b",
    re.IGNORECASE)
_FEMININE = re.compile(r"(?i)\(st\)|\(ster\)|\(e\)|\(ne\)|\(in\)")


@dataclass(frozen=True)
class Occupation:
    """One occupation of the knowledge base."""

    name: str
    variants: tuple[str, ...]
    sector: str | None
    education: str | None
    demands: tuple[str, ...]
    pattern: re.Pattern[str]
    trade_diploma: bool = False   # asks a diploma of its own trade: no entry job without it
    licence: str | None = None    # the driving licence its ordinary jobs ask


def normalise_title(title: str) -> str:
    """Lower-case a title without gender markers: 'Medewerk(st)er (m/v/x)' -> 'medewerker'."""
    text = _GENDER.sub(" ", title)
    text = _FEMININE.sub("", text)
    text = text.replace("\\", "")
    return re.sub(r"\s+", " ", text).strip().lower()


@cache
def _read(path: Path) -> dict:
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ConfigError(f"Beroepenlijst {path} is niet te lezen: {exc}") from exc
    if not isinstance(raw, dict):
        raise ConfigError(f"Beroepenlijst {path} is geen JSON-object.")
    return raw


@cache
def _load(path: Path) -> tuple[Occupation, ...]:
    occupations = []
    for entry in _read(path).get("occupations", []):
        try:
            variants = tuple(entry["variants"])
            # Longest variants first: an alternation stops at the first that matches, and
            # the longest match decides ("heftruckchauffeur" is no "truckchauffeur").
            pattern = re.compile("|".join(
                f"(?:{v})" for v in sorted(variants, key=len, reverse=True)))
            occupations.append(Occupation(
                name=entry["name"], variants=variants, sector=entry.get("sector"),
                education=entry.get("education"), demands=tuple(entry.get("demands", [])),
                pattern=pattern, trade_diploma=bool(entry.get("trade_diploma", False)),
                licence=entry.get("licence")))
        except (KeyError, re.error) as exc:
            raise ConfigError(
                f"Beroepenlijst {path}: beroep {entry.get('name', '?')} is fout: {exc}") from exc
    return tuple(occupations)


def load_title_kb(path: Path | None = None) -> list[Occupation]:
    """All occupations of the knowledge base, in file order."""
    return list(_load(path or DEFAULT_TITLE_KB))


@cache
def load_families(path: Path | None = None) -> tuple[frozenset[str], ...]:
    """Families of occupations whose experience carries over directly (symmetric)."""
    path = path or DEFAULT_TITLE_KB
    names = {occupation.name for occupation in _load(path)}
    families = []
    for family in _read(path).get("families", []):
        unknown = sorted(set(family) - names)
        if unknown:
            raise ConfigError(f"Beroepenlijst {path}: familie {family} noemt onbekende "
                              f"beroepen: {', '.join(unknown)}")
        families.append(frozenset(family))
    return tuple(families)


def match_titles(title: str, *, path: Path | None = None) -> list[Occupation]:
    """Every occupation the title names, the most specific (longest match) first."""
    return list(_match_titles(title, path or DEFAULT_TITLE_KB))


@cache
def _any_variant(path: Path) -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{o.pattern.pattern})" for o in _load(path)))


@lru_cache(maxsize=50_000)
def _match_titles(title: str, path: Path) -> tuple[Occupation, ...]:
    text = normalise_title(title)
    if not _any_variant(path).search(text):
        return ()
    found: list[tuple[int, int, Occupation]] = []
    for order, occupation in enumerate(_load(path)):
        best = max((len(m.group()) for m in occupation.pattern.finditer(text)), default=0)
        if best:
            found.append((-best, order, occupation))
    return tuple(occupation for _, _, occupation in sorted(found, key=lambda f: (f[0], f[1])))


def match_title(title: str, *, path: Path | None = None) -> Occupation | None:
    """The occupation a vacancy title names most specifically, or None."""
    matches = match_titles(title, path=path)
    return matches[0] if matches else None
