"""The commands of CONTRACTS.md, run as the installed `spoorzoeker` program."""

from __future__ import annotations

import json

import pytest

from matcher.models import Requirements, Verdict

PROFILE = {
    "id": "p-test", "postcode": "2711", "max_travel_km": 25, "education_level": "vmbo",
    "experience": [{"title": "magazijnmedewerker", "years": 9}], "skills": [],
    "driving_licences": ["B"], "hours_per_week_max": 32,
    "limitations": {"IV.13": {"level": 2, "value": 10, "unit": "kg"},
                    "VI.1": {"level": 1, "conditions": ["nacht"]}},
}

VACANCIES = [
    {"id": "zwaar", "title": "Magazijnmedewerker", "place": "Zoetermeer",
     "description": "Je tilt de hele dag dozen tot 25 kilo. Je werkt 32 uur per week."},
    {"id": "nacht", "title": "Productiemedewerker nachtdienst", "place": "Delft",
     "description": "Je werkt in vaste nachtdiensten aan de productielijn."},
    {"id": "licht", "title": "Administratief medewerker", "place": "Zoetermeer",
     "description": "Je verwerkt facturen op kantoor. Je werkt 24 uur per week, overdag."},
]


def jsonl(records: list[dict]) -> str:
    return "".join(json.dumps(record, ensure_ascii=False) + "\n" for record in records)


@pytest.fixture
def profile_file(tmp_path):
    path = tmp_path / "profiel.json"
    path.write_text(json.dumps(PROFILE), encoding="utf-8")
    return path


def test_extract_gives_contract_lines_in_input_order(run_cli):
    result = run_cli("extract", stdin=jsonl(VACANCIES))
    assert result.returncode == 0, result.stderr
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert [line["id"] for line in lines] == ["zwaar", "nacht", "licht"]
    for line, vacancy in zip(lines, VACANCIES, strict=True):
        assert set(line) == {"id", "requirements"}
        requirements = Requirements.model_validate(line["requirements"])
        for demand in requirements.demands:
            assert demand.evidence in vacancy["title"] + "\n" + vacancy["description"]
    heavy = Requirements.model_validate(lines[0]["requirements"]).demand("tillen")
    assert (heavy.value, heavy.unit) == (25, "kg")


def test_bad_lines_exit_2_name_file_line_and_field_and_keep_the_good(run_cli, tmp_path):
    path = tmp_path / "vacatures.jsonl"
    path.write_text(jsonl(VACANCIES[:1]) + '{"id": "kapot",\n' + '{"id": "x", "title": "T"}\n'
                    + jsonl(VACANCIES[1:]), encoding="utf-8")
    result = run_cli("extract", str(path))
    assert result.returncode == 2
    errors = result.stderr.strip().splitlines()
    assert errors == [f"spoorzoeker: {path}:2: geen geldige JSON" + errors[0].split("JSON", 1)[1],
                      f"spoorzoeker: {path}:3: veld 'description': ontbreekt"]
    assert [json.loads(line)["id"] for line in result.stdout.splitlines()] == [
        "zwaar", "nacht", "licht"]
    assert "Traceback" not in result.stderr


def test_check_judges_each_vacancy_with_reasons(run_cli, profile_file):
    result = run_cli("check", "--profile", str(profile_file), stdin=jsonl(VACANCIES))
    assert result.returncode == 0, result.stderr
    verdicts = {v.id: v for v in (Verdict.model_validate_json(line)
                                  for line in result.stdout.splitlines())}
    assert verdicts["zwaar"].verdict == "ongeschikt"
    assert verdicts["nacht"].verdict == "ongeschikt"
    assert verdicts["licht"].verdict == "geschikt" and verdicts["licht"].reasons == []
    reason = next(r for r in verdicts["zwaar"].reasons if r.demand == "tillen")
    assert reason.evidence == "Je tilt de hele dag dozen tot 25 kilo."
    assert "25 kg" in reason.explanation


def test_check_uses_given_requirements_and_rejects_bad_ones(run_cli, profile_file):
    given = {**VACANCIES[2], "requirements": {"demands": [
        {"code": "nachtdienst", "certainty": "explicit", "evidence": "overdag"}]}}
    broken = {**VACANCIES[2], "id": "kapot", "requirements": {"demands": [{"code": "vliegen"}]}}
    result = run_cli("check", "--profile", str(profile_file), stdin=jsonl([given, broken]))
    assert result.returncode == 2
    assert [json.loads(line)["verdict"] for line in result.stdout.splitlines()] == ["ongeschikt"]
    assert "-:2: veld 'requirements.demands.0" in result.stderr


def test_check_with_a_bad_profile_exits_2_with_one_line(run_cli, tmp_path):
    path = tmp_path / "profiel.json"
    path.write_text(json.dumps({**PROFILE, "diagnose": "rugklachten"}), encoding="utf-8")
    result = run_cli("check", "--profile", str(path), stdin=jsonl(VACANCIES))
    assert result.returncode == 2
    assert len(result.stderr.strip().splitlines()) == 1
    assert "diagnose" in result.stderr and "Traceback" not in result.stderr
    assert "rugklachten" not in result.stderr


@pytest.mark.slow
def test_ingest_then_shortlist_then_export_round_trip(run_cli, tmp_path, db_path, profile_file):
    first = run_cli("ingest", "--db", str(db_path), "--quiet", stdin=jsonl(VACANCIES))
    assert first.returncode == 0, first.stderr
    assert first.stdout.startswith("Ingelezen: 3 nieuw, 0 bijgewerkt, 0 ongewijzigd, 0 afgewezen")

    changed = [{**VACANCIES[2], "description": VACANCIES[2]["description"] + " Parttime."}]
    again = run_cli("ingest", "--db", str(db_path), "--quiet",
                    stdin=jsonl(VACANCIES[:2] + changed) + '{"id": "leeg"}\n')
    assert again.returncode == 2
    assert again.stdout.startswith("Ingelezen: 0 nieuw, 1 bijgewerkt, 2 ongewijzigd, 1 afgewezen")
    assert "-:4: veld 'title': ontbreekt" in again.stderr

    result = run_cli("shortlist", "--db", str(db_path), "--profile", str(profile_file), "--json")
    assert result.returncode == 0, result.stderr
    shortlist = json.loads(result.stdout)
    assert [entry["id"] for entry in shortlist] == ["licht"]
    assert set(shortlist[0]) == {"id", "title", "employer", "place", "distance_km", "score",
                                 "verdict", "reasons", "why"}
    assert shortlist[0]["distance_km"] < 5

    exported = run_cli("export", "--db", str(db_path)).stdout
    restored_db = tmp_path / "restored.sqlite"
    assert run_cli("ingest", "--db", str(restored_db), "--quiet", stdin=exported).returncode == 0
    assert run_cli("export", "--db", str(restored_db)).stdout.count("\n") == 3
    assert {json.loads(line)["id"] for line in
            run_cli("export", "--db", str(restored_db)).stdout.splitlines()} == {
        "zwaar", "nacht", "licht"}
