"""The FML catalogue: every rubric and item of the Functionele Mogelijkhedenlijst as data.

The items, their graded levels (with a guide value where the form has a
measure: kg, newton, minutes, hours, metres), the conditions of I.8, II.12 and
VI.1, and which demand codes of CONTRACTS §1 touch which item all live in
`fml_catalogue.json` beside this module. This module only reads that file and
offers lookups; profiles are validated against it and the matcher reads the
demand table from it.
"""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

CATALOGUE_PATH = Path(__file__).resolve().parent / "fml_catalogue.json"


@dataclass(frozen=True)
class Level:
    """One graded level of an item; 0 is 'normaal'."""

    level: int
    label: str
    value: float | None = None


@dataclass(frozen=True)
class Condition:
    """One specific condition of I.8, II.12 or VI.1."""

    code: str
    label: str


@dataclass(frozen=True)
class Item:
    """One FML item, keyed as '<rubriek>.<nummer>' (for example 'IV.13')."""

    key: str
    rubric: str
    number: int
    name: str
    kind: str  # "scale" or "conditions"
    levels: tuple[Level, ...]
    unit: str | None = None
    conditions: tuple[Condition, ...] = ()

    @property
    def max_level(self) -> int:
        return max(level.level for level in self.levels)

    def level(self, level: int) -> Level | None:
        return next((lv for lv in self.levels if lv.level == level), None)

    def condition(self, code: str) -> Condition | None:
        return next((c for c in self.conditions if c.code == code), None)


@dataclass(frozen=True)
class Rubric:
    key: str
    name: str
    items: tuple[Item, ...]


@dataclass(frozen=True)
class DemandLink:
    """One FML item (and condition, for I.8/II.12/VI.1) a demand code can conflict with."""

    item: str
    condition: str | None


@dataclass(frozen=True)
class Catalogue:
    title: str
    rubrics: tuple[Rubric, ...]
    units: dict[str, tuple[str, ...]]
    demand_links: dict[str, tuple[DemandLink, ...]]
    demand_names: dict[str, str]

    @functools.cached_property
    def items(self) -> dict[str, Item]:
        """Every item by key, built once: `judge` looks items up for every demand."""
        return {item.key: item for rubric in self.rubrics for item in rubric.items}

    def item(self, key: str) -> Item | None:
        return self.items.get(key)

    def normalise_unit(self, unit: str) -> str | None:
        """The catalogue's spelling of a unit ('kilo' → 'kg'), or None when unknown."""
        wanted = unit.strip().lower().rstrip(".")
        for canonical, aliases in self.units.items():
            if wanted == canonical.lower() or wanted in aliases:
                return canonical
        return None


def _parse(raw: dict) -> Catalogue:
    rubrics = []
    for rubric in raw["rubrics"]:
        items = []
        for item in rubric["items"]:
            items.append(Item(
                key=f"{rubric['id']}.{item['number']}", rubric=rubric["id"], number=item["number"],
                name=item["name"], kind=item["kind"], unit=item.get("unit"),
                levels=tuple(Level(lv["level"], lv["label"], lv.get("value"))
                             for lv in item["levels"]),
                conditions=tuple(Condition(c["code"], c["label"])
                                 for c in item.get("conditions", ()))))
        rubrics.append(Rubric(key=rubric["id"], name=rubric["name"], items=tuple(items)))
    return Catalogue(
        title=raw["title"], rubrics=tuple(rubrics),
        units={unit: tuple(aliases) for unit, aliases in raw["units"].items()},
        demand_links={code: tuple(DemandLink(link["item"], link["condition"])
                                  for link in entry["items"])
                      for code, entry in raw["demands"].items()},
        demand_names={code: entry["name"] for code, entry in raw["demands"].items()})


@cache
def load_catalogue(path: Path = CATALOGUE_PATH) -> Catalogue:
    """The FML catalogue (read once)."""
    return _parse(json.loads(path.read_text(encoding="utf-8")))


def rubric_of(key: str) -> str:
    """'IV.13' → 'IV'."""
    return key.split(".", 1)[0]
