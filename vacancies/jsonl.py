"""Reading JSONL vacancy files the way every command must (CONTRACTS, preamble).

A bad line never costs the good ones: each line is parsed and validated on
its own, a bad one becomes an `InputError` naming file, line and field, and
reading goes on.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO, Any

from pydantic import ValidationError

from vacancies.errors import InputError
from vacancies.model import Vacancy


@dataclass(frozen=True)
class VacancyLine:
    """One good line: its number, the object as read and the validated vacancy."""

    line: int
    record: dict[str, Any]
    vacancy: Vacancy


def read_vacancy_lines(stream: IO[str], *, file_name: str) -> Iterator[VacancyLine | InputError]:
    """Yield each non-empty line of `stream` as a `VacancyLine` or an `InputError`."""
    for number, text in enumerate(stream, start=1):
        if not text.strip():
            continue
        try:
            record = json.loads(text)
        except json.JSONDecodeError as error:
            yield InputError(f"geen geldige JSON ({error.msg}, kolom {error.colno})",
                             file=file_name, line=number)
            continue
        if not isinstance(record, dict):
            yield InputError("een regel moet één JSON-object zijn", file=file_name, line=number)
            continue
        try:
            vacancy = Vacancy.model_validate(_with_string_id(record))
        except ValidationError as error:
            yield _input_error(error, file_name=file_name, line=number)
            continue
        yield VacancyLine(line=number, record=record, vacancy=vacancy)


def _with_string_id(record: dict[str, Any]) -> dict[str, Any]:
    """Accept numeric ids (common in dumps) as their string form."""
    if isinstance(record.get("id"), int) and not isinstance(record.get("id"), bool):
        return {**record, "id": str(record["id"])}
    return record


def _input_error(error: ValidationError, *, file_name: str, line: int) -> InputError:
    first = error.errors()[0]
    field = ".".join(str(part) for part in first["loc"]) or None
    if first["type"] == "missing":
        message = "ontbreekt"
    elif first["type"] in {"string_too_short"}:
        message = "is leeg"
    else:
        message = f"ongeldige waarde ({first['msg']})"
    return InputError(message, file=file_name, line=line, field=field)
