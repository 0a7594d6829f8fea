"""The zoekprofiel: a reasoned draft from experience, education and FML; approval by the coach."""

from __future__ import annotations

import json
import re
from datetime import date

import pytest

from delivery.zoekprofiel import (
    approve,
    approved_occupations,
    draft,
    from_json,
    latest,
    render,
    review,
)
from profiles.model import Profile
from vacancies.errors import InputError
from vacancies.store import open_database

TODAY = date(2026, 11, 22)
MAGAZIJN = Profile.model_validate({
    "id": "p-magazijn", "postcode": "2711", "max_travel_km": 20, "education_level": "vmbo",
    "experience": [{"title": "magazijnmedewerker", "years": 9}], "driving_licences": ["B"],
    "limitations": {"IV.13": {"level": 2, "value": 10, "unit": "kg"},
                    "VI.1": {"level": 1, "conditions": ["nacht"]}}})
TECHNIEK = Profile.model_validate({
    "id": "p-techniek", "postcode": "7311", "education_level": "mbo3",
    "education_field": "elektrotechniek", "experience": [{"title": "elektromonteur", "years": 18}],
    "driving_licences": ["B", "BE"],
    "limitations": {"IV.19": {"level": 3}, "IV.20": {"level": 3}}})


def choices(profile: Profile) -> dict:
    return {c.occupation: c for c in draft(profile, today=TODAY).occupations}


def test_own_and_related_occupations_are_proposed_with_the_experience_as_reason():
    drafted = choices(MAGAZIJN)
    assert drafted["orderpicker"].included
    assert "Ervaring in dit beroep: 9 jaar als magazijnmedewerker." in drafted[
        "orderpicker"].reasons
    assert drafted["reachtruckchauffeur"].included
    assert drafted["reachtruckchauffeur"].reasons[0].startswith("Verwante ervaring")


def test_a_load_that_touches_a_limitation_is_proposed_but_marked():
    orderpicker = choices(MAGAZIJN)["orderpicker"]
    assert orderpicker.verdict == "let_op"
    assert any("IV.13" in reason and reason.startswith("Let op") for reason in
               orderpicker.reasons)


def test_occupations_above_the_education_or_needing_a_missing_licence_are_excluded_with_why():
    drafted = choices(MAGAZIJN)
    assert not drafted["ict-medewerker"].included
    assert drafted["ict-medewerker"].reasons[0] == "Vraagt meestal hbo; eigen opleiding vmbo."
    assert not drafted["vrachtwagenchauffeur"].included
    assert "rijbewijs C" in drafted["vrachtwagenchauffeur"].reasons[0]
    assert not drafted["leidinggevende"].included


def test_a_load_the_fml_rules_out_excludes_even_the_own_occupation_for_the_coach_to_discuss():
    elektricien = choices(TECHNIEK)["elektricien"]
    assert not elektricien.included and elektricien.verdict == "ongeschikt"
    assert "IV.19" in elektricien.reasons[0] and "Bespreek" in elektricien.reasons[0]
    assert choices(TECHNIEK)["assemblagemedewerker"].included


def test_approval_is_stored_dated_and_the_latest_counts(db_path):
    db = open_database(db_path)
    assert approved_occupations(db, profile_id=MAGAZIJN.id) == []
    first = approve(db, draft(MAGAZIJN, today=TODAY), coach="Anna")
    assert first.approved and first.approved[:4].isdigit()
    edited = draft(MAGAZIJN, today=TODAY)
    for choice in edited.occupations:
        choice.included = choice.occupation == "reachtruckchauffeur"
    approve(db, edited, coach="Bert")
    assert approved_occupations(db, profile_id=MAGAZIJN.id) == ["reachtruckchauffeur"]
    stored = latest(db, profile_id=MAGAZIJN.id)
    assert stored.coach == "Bert" and stored.drafted == "2026-11-22"
    assert db.execute("select count(*) from zoekprofielen").fetchone()[0] == 2
    assert "goedgekeurd" in render(stored) and "door Bert" in render(stored)


def test_the_coach_edits_the_exported_json():
    exported = json.loads(draft(MAGAZIJN, today=TODAY).to_json())
    for entry in exported["occupations"]:
        entry["included"] = entry["occupation"] == "orderpicker"
    exported["occupations"][0]["coach_note"] = "besproken op 20-11"
    edited = from_json(json.dumps(exported), source_name="zp.json", profile_id=MAGAZIJN.id)
    assert edited.included() == ["orderpicker"]
    assert edited.occupations[0].coach_note == "besproken op 20-11"


@pytest.mark.parametrize(("change", "field"), [
    (lambda d: d["occupations"][0].update(occupation="astronaut"), "occupations[0].occupation"),
    (lambda d: d["occupations"][0].update(included="ja"), "occupations[0].included"),
    (lambda d: d.update(profile_id="iemand-anders"), "profile_id"),
])
def test_a_wrong_edit_names_the_field(change, field):
    data = json.loads(draft(MAGAZIJN, today=TODAY).to_json())
    change(data)
    with pytest.raises(InputError, match=re.escape(f"zp.json: veld '{field}'")):
        from_json(json.dumps(data), source_name="zp.json", profile_id=MAGAZIJN.id)


def test_interactive_review_accepts_rejects_and_keeps_with_enter():
    concept = draft(MAGAZIJN, today=TODAY)
    first, second = concept.occupations[0].occupation, concept.occupations[1].occupation
    answers = iter(["nee", "misschien", "ja"] + [""] * len(concept.occupations))
    said: list[str] = []
    reviewed = review(concept, ask=lambda _: next(answers), say=said.append)
    by_name = {c.occupation: c for c in reviewed.occupations}
    assert not by_name[first].included and by_name[first].coach_note == "door de coach uitgesloten"
    assert by_name[second].included and by_name[second].coach_note is None
    assert any("Antwoord met ja of nee" in line for line in said)
    assert not by_name["ict-medewerker"].included


def test_cli_draft_edit_approve_show(run_cli, tmp_path, db_path):
    profile = tmp_path / "profiel.json"
    profile.write_text(MAGAZIJN.model_dump_json(exclude_none=True), encoding="utf-8")
    concept = tmp_path / "zoekprofiel.json"
    shown = run_cli("zoekprofiel", "--db", str(db_path), "--profile", str(profile))
    assert shown.returncode == 0, shown.stderr
    assert "Beroepen om in te zoeken" in shown.stdout and "Uitgesloten" in shown.stdout
    assert run_cli("zoekprofiel", "--db", str(db_path), "--profile", str(profile),
                   "--out", str(concept)).returncode == 0
    data = json.loads(concept.read_text(encoding="utf-8"))
    for entry in data["occupations"]:
        entry["included"] = entry["occupation"] in ("orderpicker", "reachtruckchauffeur")
    concept.write_text(json.dumps(data), encoding="utf-8")
    approved = run_cli("zoekprofiel", "--db", str(db_path), "--profile", str(profile),
                       "--approve", str(concept), "--coach", "Anna")
    assert approved.returncode == 0, approved.stderr
    assert "2 beroepen om in te zoeken" in approved.stdout
    show = run_cli("zoekprofiel", "--db", str(db_path), "--profile", str(profile), "--show")
    assert "door Anna" in show.stdout and "- orderpicker" in show.stdout
    data["occupations"][0]["included"] = "ja"
    concept.write_text(json.dumps(data), encoding="utf-8")
    bad = run_cli("zoekprofiel", "--db", str(db_path), "--profile", str(profile),
                  "--approve", str(concept))
    assert bad.returncode == 2 and len(bad.stderr.strip().splitlines()) == 1
    assert "Traceback" not in bad.stderr
