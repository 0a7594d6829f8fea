"""How far "passend werk" reaches for one employee on one day.

Passende arbeid widens as the illness lasts (art. 7:658a lid 4 BW): work
further below the employee's own level and further from home becomes
acceptable. The stages and their limits are data (`config/passend_werk.toml`);
`passend_scope` is a pure function of the profile, the date and those rules.
README.md ("Passend werk wordt ruimer ...") gives the rule in words a coach reads.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path

from vacancies.errors import ConfigError

RULES_PATH = Path(__file__).resolve().parents[1] / "config" / "passend_werk.toml"


@dataclass(frozen=True)
class Stage:
    from_months: int
    name: str
    education_tiers_below: int | None
    travel_factor: float
    travel_km_cap: float


@dataclass(frozen=True)
class PassendWerkRules:
    education_tiers: dict[str, int]
    stages: tuple[Stage, ...]


@dataclass(frozen=True)
class PassendScope:
    """What counts as passend for this profile today."""

    months_ill: int | None
    stage: str
    lowest_education_tier: int | None  # None: no lower bound
    max_travel_km: float | None  # None: the profile has no radius

    def education_acceptable(self, tier: int | None) -> bool:
        """Whether a vacancy asking this tier is not too far below the employee's level."""
        return tier is None or self.lowest_education_tier is None or (
            tier >= self.lowest_education_tier)


@cache
def load_rules(path: Path = RULES_PATH) -> PassendWerkRules:
    """The passend-werk stages from the config file."""
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
        stages = tuple(sorted(
            (Stage(from_months=int(s["from_months"]), name=str(s["name"]),
                   education_tiers_below=(int(s["education_tiers_below"])
                                          if "education_tiers_below" in s else None),
                   travel_factor=float(s.get("travel_factor", 1.0)),
                   travel_km_cap=float(s.get("travel_km_cap", 200)))
             for s in raw["stage"]), key=lambda s: s.from_months))
        tiers = {str(k): int(v) for k, v in raw["education_tiers"].items()}
    except (OSError, KeyError, ValueError, TypeError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"{path}: regels voor passend werk onleesbaar ({exc}).") from None
    if not stages or stages[0].from_months != 0:
        raise ConfigError(f"{path}: de eerste fase moet bij from_months = 0 beginnen.")
    return PassendWerkRules(education_tiers=tiers, stages=stages)


def months_between(start: date, today: date) -> int:
    """Whole months from start to today (0 when today is before start)."""
    months = (today.year - start.year) * 12 + (today.month - start.month)
    if today.day < start.day:
        months -= 1
    return max(months, 0)


def passend_scope(*, illness_start: date | None, education_level: str | None,
                  max_travel_km: float | None, today: date,
                  rules: PassendWerkRules | None = None) -> PassendScope:
    """The reach of passend werk on `today` for an employee ill since `illness_start`."""
    rules = rules or load_rules()
    months = months_between(illness_start, today) if illness_start else None
    stage = rules.stages[0]
    for candidate in rules.stages:
        if months is not None and months >= candidate.from_months:
            stage = candidate
    own_tier = rules.education_tiers.get(education_level or "")
    lowest = (None if own_tier is None or stage.education_tiers_below is None
              else own_tier - stage.education_tiers_below)
    travel = (None if max_travel_km is None else
              min(max_travel_km * stage.travel_factor, max(stage.travel_km_cap, max_travel_km)))
    return PassendScope(months_ill=months, stage=stage.name, lowest_education_tier=lowest,
                        max_travel_km=travel)
