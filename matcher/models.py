"""The models the matcher produces: requirements, reasons, verdicts and matches.

Their JSON form is fixed by CONTRACTS §2 (requirements), §4 (verdicts) and
§5 (shortlist entries).
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from vacancies.vocabulary import EducationLevel

DEMAND_CODES: tuple[str, ...] = (
    "tillen", "duwen_trekken", "staan", "lopen", "bukken_knielen", "klimmen",
    "boven_schouder", "hand_arm", "beeldscherm", "nachtdienst", "avond_weekend",
    "rijden", "reizen", "klantcontact", "leidinggeven", "tijdsdruk", "onvoorspelbaar",
    "conflicten", "emoties_anderen", "buiten_klimaat", "geluid_stof_trillingen",
    "beschermingsmiddelen", "verhoogd_risico",
)

DemandCode = Literal[
    "tillen", "duwen_trekken", "staan", "lopen", "bukken_knielen", "klimmen",
    "boven_schouder", "hand_arm", "beeldscherm", "nachtdienst", "avond_weekend",
    "rijden", "reizen", "klantcontact", "leidinggeven", "tijdsdruk", "onvoorspelbaar",
    "conflicten", "emoties_anderen", "buiten_klimaat", "geluid_stof_trillingen",
    "beschermingsmiddelen", "verhoogd_risico",
]
Certainty = Literal["explicit", "implied"]
VerdictName = Literal["geschikt", "let_op", "ongeschikt"]

VERDICT_ORDER: dict[str, int] = {"geschikt": 0, "let_op": 1, "ongeschikt": 2}


class Demand(BaseModel):
    """Something a vacancy asks of the worker that an FML item can limit."""

    model_config = ConfigDict(extra="forbid")

    code: DemandCode
    value: float | None = None
    unit: str | None = None
    certainty: Certainty
    evidence: str


class HoursRange(BaseModel):
    model_config = ConfigDict(extra="forbid")

    min: float | None
    max: float | None


class Requirements(BaseModel):
    """Everything a vacancy demands, each demand with the sentence that shows it."""

    model_config = ConfigDict(extra="forbid")

    demands: list[Demand] = Field(default_factory=list)
    hours_per_week: HoursRange | None = None
    education_level: EducationLevel | None = None
    driving_licences: list[str] = Field(default_factory=list)
    experience_years: float | None = None
    language: str = "nl"

    def demand(self, code: str) -> Demand | None:
        return next((d for d in self.demands if d.code == code), None)


class Reason(BaseModel):
    """One item-by-item comparison that touches a limitation (CONTRACTS §4)."""

    fml: str | None
    demand: str | None
    verdict: VerdictName
    evidence: str | None
    explanation: str


class Verdict(BaseModel):
    """The suitability of one vacancy for one profile: its worst reason."""

    id: str
    verdict: VerdictName
    reasons: list[Reason] = Field(default_factory=list)


class Match(BaseModel):
    """One line of a coach's shortlist (CONTRACTS §5)."""

    id: str
    title: str
    employer: str | None
    place: str | None
    distance_km: float | None
    score: float
    verdict: VerdictName
    reasons: list[Reason]
    why: str
