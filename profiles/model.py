"""The capability profile of one employee (CONTRACTS §3).

A profile holds the limited FML items of the employee (health data), the
education, experience, hours and travel radius. It never holds a diagnosis:
unknown fields are rejected.
"""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, ConfigDict, Field

from vacancies.vocabulary import EducationLevel


class Limitation(BaseModel):
    """One limited FML item: its graded level, a value where the form has one."""

    model_config = ConfigDict(extra="forbid")

    level: int = Field(ge=1)
    value: float | None = None
    unit: str | None = None
    conditions: list[str] | None = None
    note: str | None = None


class Experience(BaseModel):
    model_config = ConfigDict(extra="forbid")

    title: str = Field(min_length=1)
    years: float = Field(ge=0)


class Wishes(BaseModel):
    model_config = ConfigDict(extra="forbid")

    titles: list[str] = Field(default_factory=list)
    sectors: list[str] = Field(default_factory=list)


class Profile(BaseModel):
    """What an employee can do, with which limitations, from where."""

    model_config = ConfigDict(extra="forbid")

    id: str = Field(min_length=1)
    postcode: str | None = None
    max_travel_km: float | None = Field(default=None, ge=0)
    education_level: EducationLevel | None = None
    education_field: str | None = None
    experience: list[Experience] = Field(default_factory=list)
    skills: list[str] = Field(default_factory=list)
    driving_licences: list[str] = Field(default_factory=list)
    hours_per_week_max: float | None = Field(default=None, ge=0)
    illness_start: date | None = None
    limitations: dict[str, Limitation] = Field(default_factory=dict)
    wishes: Wishes = Field(default_factory=Wishes)

    def limitation(self, item: str) -> Limitation | None:
        return self.limitations.get(item)
