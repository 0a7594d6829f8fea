"""Words shared by vacancies and profiles: the Dutch education ladder and licences."""

from __future__ import annotations

from typing import Literal

EDUCATION_LEVELS: tuple[str, ...] = (
    "basis", "vmbo", "mbo1", "mbo2", "mbo3", "mbo4", "havo", "vwo", "hbo", "wo",
)
EducationLevel = Literal[
    "basis", "vmbo", "mbo1", "mbo2", "mbo3", "mbo4", "havo", "vwo", "hbo", "wo"]

EDUCATION_NAMES_NL: dict[str, str] = {
    "basis": "basisonderwijs", "vmbo": "vmbo", "mbo1": "mbo 1", "mbo2": "mbo 2",
    "mbo3": "mbo 3", "mbo4": "mbo 4", "havo": "havo", "vwo": "vwo", "hbo": "hbo", "wo": "wo",
}

DRIVING_LICENCES: tuple[str, ...] = (
    "AM", "A1", "A2", "A", "B", "BE", "C1", "C1E", "C", "CE", "D1", "D1E", "D", "DE", "T",
)


def education_rank(level: str | None) -> int | None:
    """Position of an education level on the Dutch ladder, or None when unknown."""
    return EDUCATION_LEVELS.index(level) if level in EDUCATION_LEVELS else None
