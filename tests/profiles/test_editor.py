"""The profile editor, driven with real answer text, and the FML-style rendering."""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path

import pytest

from profiles.catalogue import load_catalogue
from profiles.editor import create_profile, edit_profile, lines_input, render_profile
from profiles.model import load_profile
from vacancies.errors import ProfileError


def items_in(rubric: str) -> list[str]:
    return [item.key for item in load_catalogue().items.values() if item.rubric == rubric]


def answers_for_new_profile() -> str:
    person = ["3511", "25", "4", "logistiek", "B", "24", "15-09-2025",
              "orderpicker: 6; heftruckchauffeur: 2", "heftruckcertificaat, WMS", "magazijn"]
    fml = ["n",  # I
           "j"]  # II: only II.12 limited (klantcontact)
    for key in items_in("II"):
        fml += ["1", "weinig klantcontact"] if key == "II.12" else ["0"]
    fml += ["n", "j"]  # III no, IV yes
    for key in items_in("IV"):
        fml += ["3", "", "tillen max ca. 5 kg"] if key == "IV.13" else ["0"]
    fml += ["n", "j"]  # V no, VI yes
    for key in items_in("VI"):
        fml += ["2", ""] if key == "VI.1" else ["0"]
    return "\n".join(["p-0042", *person, *fml]) + "\n"


def run_new(text: str) -> tuple[object, str]:
    shown: list[str] = []
    profile = create_profile(ask=lines_input(io.StringIO(text)), say=shown.append)
    return profile, "\n".join(shown)


def test_a_new_profile_is_made_rubric_by_rubric_from_typed_answers():
    profile, shown = run_new(answers_for_new_profile())
    assert profile.id == "p-0042"
    assert profile.education_level == "mbo2"  # the 4th of the offered levels
    assert profile.illness_start == date(2025, 9, 15)
    assert [(e.title, e.years) for e in profile.experience] == [
        ("orderpicker", 6), ("heftruckchauffeur", 2)]
    assert set(profile.limitations) == {"II.12", "IV.13", "VI.1"}
    lifting = profile.limitations["IV.13"]
    assert (lifting.level, lifting.value, lifting.note) == (3, None, "tillen max ca. 5 kg")
    assert profile.limitations["VI.1"].conditions == ["nacht"]
    assert profile.limitations["II.12"].conditions == ["klantcontact"]
    assert "3. beperkt: ongeveer 5 kg" in shown  # the catalogue levels are offered


def test_a_wrong_answer_is_asked_again_with_a_dutch_hint():
    text = answers_for_new_profile().replace("\n3511\n25\n", "\n3511\nver\n25\n", 1)
    profile, shown = run_new(text)
    assert profile.max_travel_km == 25
    assert "Ongeldig: 'ver' is geen getal." in shown


def test_an_out_of_range_level_is_asked_again():
    text = answers_for_new_profile().replace("\n3\n\ntillen max", "\n7\n3\n\ntillen max", 1)
    profile, shown = run_new(text)
    assert profile.limitations["IV.13"].level == 3
    assert "kies een niveau van 0 t/m 4" in shown


def test_input_that_stops_early_saves_nothing_and_says_so():
    with pytest.raises(ProfileError, match="invoer gestopt"):
        run_new("p-1\n3511\n")


def test_editing_with_only_enter_keeps_the_profile():
    profile, _ = run_new(answers_for_new_profile())
    kept = edit_profile(profile, ask=lines_input(io.StringIO("\n" * 500)), say=lambda _: None)
    assert kept == profile


def test_editing_one_level_changes_only_that_item():
    profile, _ = run_new(answers_for_new_profile())
    answers = [""] * 10  # the person: keep everything
    answers += ["", ""]  # I: keep 'n'; II: keep 'j'
    answers += [""] * (len(items_in("II")) - 1) + ["", ""]  # II.12: keep conditions and note
    answers += ["", ""]  # III keep 'n', IV keep 'j'
    for key in items_in("IV"):
        answers += ["2", "8", ""] if key == "IV.13" else [""]
    answers += ["\n" * 20]
    changed = edit_profile(profile, ask=lines_input(io.StringIO("\n".join(answers))),
                           say=lambda _: None)
    assert changed.limitations["IV.13"].level == 2
    assert changed.limitations["IV.13"].value == 8 and changed.limitations["IV.13"].unit == "kg"
    assert changed.limitations["VI.1"] == profile.limitations["VI.1"]
    assert changed.postcode == profile.postcode


def test_render_reads_like_an_fml():
    profile, _ = run_new(answers_for_new_profile())
    text = render_profile(profile, today=date(2026, 3, 15))
    assert "Opleiding: mbo 2 (logistiek)" in text
    assert "Rubriek I Persoonlijk functioneren: normaal" in text
    assert "IV.13 Tillen of dragen" in text and "niveau 3: beperkt: ongeveer 5 kg" in text
    assert "is niet in staat om 's nachts te werken" in text
    assert "toelichting: tillen max ca. 5 kg" in text
    assert "Eerste ziektedag: 15-09-2025 (6 maanden ziek, tweede half jaar)" in text


def test_items_no_demand_can_touch_are_marked_for_the_coach():
    profile = load_profile('{"id": "p", "limitations": {"I.1": {"level": 2}, "IV.13": '
                           '{"level": 1}}}', source_name="p.json")
    text = render_profile(profile, today=date(2026, 1, 1))
    before, after = text.split("IV.13", 1)
    assert "niet automatisch getoetst" in before and "niet automatisch getoetst" not in after


def test_the_sample_profiles_render(shared_data: Path):
    for path in sorted((shared_data / "profiles").glob("*.json")):
        text = render_profile(load_profile(path, source_name=path.name), today=date(2026, 1, 1))
        assert text.startswith(f"Profiel {path.stem}")
        assert "Rubriek VI Werktijden" in text
