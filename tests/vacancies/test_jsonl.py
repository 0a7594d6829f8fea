"""Reading JSONL: bad lines are named, good lines survive."""

from __future__ import annotations

import io

from vacancies.errors import InputError
from vacancies.jsonl import VacancyLine, read_vacancy_lines


def read(text: str) -> list[VacancyLine | InputError]:
    return list(read_vacancy_lines(io.StringIO(text), file_name="in.jsonl"))


def test_good_lines_survive_a_bad_one():
    entries = read(
        '{"id": "a", "title": "Schoonmaker", "description": "Kantoren schoonmaken."}\n'
        '{"id": "b", "title": "Kapot"\n'
        '\n'
        '{"id": 7, "title": "Chauffeur", "description": "Rijden.", "extra": true}\n')
    assert [type(e).__name__ for e in entries] == ["VacancyLine", "InputError", "VacancyLine"]
    assert entries[2].vacancy.id == "7"
    assert entries[2].line == 4
    assert str(entries[1]).startswith("in.jsonl:2: geen geldige JSON")


def test_missing_field_names_file_line_and_field():
    (error,) = read('{"id": "a", "title": "Schoonmaker"}\n')
    assert isinstance(error, InputError)
    assert (error.file, error.line, error.field) == ("in.jsonl", 1, "description")
    assert str(error) == "in.jsonl:1: veld 'description': ontbreekt"


def test_wrong_type_and_non_object_lines_are_rejected():
    wrong_type, not_object = read('{"id": "a", "title": ["x"], "description": "d"}\n[1, 2]\n')
    assert wrong_type.field == "title"
    assert not_object.line == 2 and "JSON-object" in str(not_object)
