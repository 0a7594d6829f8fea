"""Profiles follow the FML catalogue; a bad file gives one Dutch ProfileError naming the field."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from matcher.models import DEMAND_CODES
from profiles.catalogue import load_catalogue
from profiles.model import Profile, load_profile, profile_to_json
from vacancies.errors import ProfileError

GOOD = {
    "id": "p-0042", "postcode": "3511", "max_travel_km": 25, "education_level": "mbo2",
    "education_field": "logistiek", "experience": [{"title": "orderpicker", "years": 6}],
    "skills": ["heftruckcertificaat"], "driving_licences": ["B"], "hours_per_week_max": 24,
    "illness_start": "2025-09-15",
    "limitations": {
        "IV.13": {"level": 2, "value": 5, "unit": "kg", "note": "tillen max ca. 5 kg"},
        "VI.1": {"level": 1, "conditions": ["nacht"], "note": "geen nachtdiensten"},
        "II.12": {"level": 1, "conditions": ["klantcontact"]},
    },
    "wishes": {"titles": ["magazijnmedewerker"], "sectors": []},
}

# Every rubric and item DOMAIN.md names, with the item numbers used there.
DOMAIN_ITEMS = (
    [f"I.{n}" for n in range(1, 10)] + [f"II.{n}" for n in range(1, 13)]
    + [f"III.{n}" for n in range(1, 9)]
    + [f"IV.{n}" for n in (3, 4, 7, 8, 9, 10, 11, 12, 13, 14, 16, 17, 18, 19, 20)]
    + [f"V.{n}" for n in range(1, 10)] + ["VI.1", "VI.2", "VI.3"])


def with_changes(**changes) -> str:
    data = json.loads(json.dumps(GOOD))
    data.update(changes)
    return json.dumps(data)


def with_limitation(key: str, value) -> str:
    data = json.loads(json.dumps(GOOD))
    data["limitations"][key] = value
    return json.dumps(data)


def test_the_catalogue_holds_every_item_of_the_domain_with_levels():
    catalogue = load_catalogue()
    assert sorted(catalogue.items) == sorted(DOMAIN_ITEMS)
    for item in catalogue.items.values():
        assert item.level(0) is not None and item.max_level >= 1, item.key
    assert catalogue.item("IV.13").level(3).value == 5
    assert catalogue.item("IV.13").unit == "kg"
    assert catalogue.item("IV.12").unit == "N"
    assert {c.code for c in catalogue.item("I.8").conditions} == {
        "deadlines", "tempo", "voorspelbaar", "onderbrekingen", "afleiding", "risico"}
    assert {c.code for c in catalogue.item("II.12").conditions} == {
        "klantcontact", "leidinggeven", "solitair"}
    assert {c.code for c in catalogue.item("VI.1").conditions} == {"avond", "nacht"}


def test_every_demand_code_maps_to_existing_items_and_conditions():
    catalogue = load_catalogue()
    assert set(catalogue.demand_links) == set(DEMAND_CODES)
    for code, links in catalogue.demand_links.items():
        for link in links:
            item = catalogue.item(link.item)
            assert item is not None, (code, link.item)
            assert (link.condition is None) == (item.kind == "scale"), (code, link.item)
            if link.condition:
                assert item.condition(link.condition) is not None


def test_a_good_profile_loads_and_round_trips():
    profile = load_profile(json.dumps(GOOD), source_name="p.json")
    assert profile.limitations["IV.13"].value == 5
    assert load_profile(profile_to_json(profile), source_name="terug.json") == profile


def test_unit_spellings_are_normalised_to_the_catalogue():
    profile = load_profile(with_limitation("IV.13", {"level": 2, "value": 10, "unit": "kilo"}),
                           source_name="p.json")
    assert profile.limitations["IV.13"].unit == "kg"


@pytest.mark.parametrize(("text", "field", "words"), [
    (with_changes(diagnose="burn-out"), "diagnose", "nooit een diagnose"),
    (with_changes(naam="Jan"), "naam", "onbekend veld"),
    (with_limitation("IV.15", {"level": 1}), "limitations.IV.15", "onbekend FML-item"),
    (with_limitation("IV.13", {"level": 9}), "limitations.IV.13.level", "kies 1 t/m 4"),
    (with_limitation("IV.13", {"level": 0}), "limitations.IV.13.level", "minstens 1"),
    (with_limitation("IV.13", {"level": 2, "value": 5}), "limitations.IV.13.unit",
     "zonder eenheid"),
    (with_limitation("IV.13", {"level": 2, "value": 5, "unit": "N"}), "limitations.IV.13.unit",
     "past niet"),
    (with_limitation("IV.9", {"level": 1, "value": 5, "unit": "kg"}), "limitations.IV.9.value",
     "geen maat"),
    (with_limitation("VI.1", {"level": 1, "conditions": ["dag"]}),
     "limitations.VI.1.conditions", "onbekende voorwaarde 'dag'"),
    (with_limitation("VI.1", {"level": 1}), "limitations.VI.1.conditions", "minstens één"),
    (with_limitation("IV.13", {"level": 1, "conditions": ["nacht"]}),
     "limitations.IV.13.conditions", "geen voorwaarden"),
    (with_limitation("IV.13", {"level": 1, "ernst": "hoog"}), "limitations.IV.13.ernst",
     "onbekend veld"),
    (with_changes(hours_per_week_max="veel"), "hours_per_week_max", "getal"),
    (with_changes(education_level="mbo5"), "education_level", "opleidingsniveau"),
    (with_changes(illness_start="gisteren"), "illness_start", "datum"),
    (with_changes(driving_licences=["Z"]), "driving_licences", "onbekend rijbewijs"),
    (with_changes(experience=[{"title": "kok", "years": -1}]), "experience[0].years",
     "minstens 0"),
    (with_changes(limitations=[]), "limitations", "object"),
])
def test_a_bad_profile_gives_one_dutch_error_naming_the_field(text, field, words):
    with pytest.raises(ProfileError) as caught:
        load_profile(text, source_name="p.json")
    message = str(caught.value)
    assert message.startswith("p.json: ")
    assert f"'{field}'" in message
    assert words in message


@pytest.mark.parametrize(("raw", "words"), [
    ("{", "geen geldige JSON (regel 1"),
    ("", "leeg"),
    ("[1, 2]", "één JSON-object"),
    ('{"id": "a", "id": "b"}', "dubbel"),
    ('{"id": "a", "max_travel_km": NaN}', "geen getal"),
    (b"\xff\xfe{", "UTF-8"),
    ("[" * 100_000, "JSON"),
])
def test_unreadable_profile_text_gives_a_profile_error(raw, words):
    with pytest.raises(ProfileError, match=re.escape(words)):
        load_profile(raw, source_name="p.json")


def test_a_missing_file_gives_a_profile_error_naming_it(tmp_path: Path):
    with pytest.raises(ProfileError, match="weg.json: kan het bestand niet lezen"):
        load_profile(tmp_path / "weg.json", source_name="weg.json")


def test_the_sample_profiles_load(shared_data: Path):
    paths = sorted((shared_data / "profiles").glob("*.json"))
    assert paths
    for path in paths:
        assert isinstance(load_profile(path, source_name=path.name), Profile)


# --- fuzz: whatever the file holds, the answer is a Profile or one ProfileError ----------------

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=12),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner,
                                                               max_size=4),
    max_leaves=12)
KEYS = [*GOOD, "diagnose", "limitations"]
LIMITATION_KEYS = ["level", "value", "unit", "conditions", "note", "ernst"]


@st.composite
def mutated_profiles(draw) -> str:
    data = json.loads(json.dumps(GOOD))
    for _ in range(draw(st.integers(1, 4))):
        target = draw(st.sampled_from(["top", "limitation", "drop"]))
        if target == "top":
            data[draw(st.sampled_from(KEYS))] = draw(json_values)
        elif target == "drop" and data:
            data.pop(draw(st.sampled_from(sorted(data))))
        else:
            limitations = data.get("limitations")
            if not isinstance(limitations, dict):
                continue
            item = draw(st.sampled_from([*sorted(load_catalogue().items), "IV.99", "X.1", ""]))
            entry = limitations.setdefault(item, {"level": 1})
            if isinstance(entry, dict):
                entry[draw(st.sampled_from(LIMITATION_KEYS))] = draw(
                    json_values | st.integers(-3, 6) | st.sampled_from(
                        ["kg", "N", "uur", "nacht", ["nacht"], ["klantcontact", "x"]]))
    text = json.dumps(data, allow_nan=True)
    if draw(st.booleans()):
        cut = draw(st.integers(0, len(text)))
        text = text[:cut] + draw(st.text(max_size=3)) + text[cut:]
    return text


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(mutated_profiles(), st.text(max_size=200), st.binary(max_size=200),
                 json_values.map(json.dumps)))
def test_any_profile_file_gives_a_profile_or_one_profile_error(raw):
    try:
        result = load_profile(raw, source_name="fuzz.json")
    except ProfileError as error:
        message = str(error)
        assert message.startswith("fuzz.json: ")
        assert "Traceback" not in message and "\n" not in message
    else:
        assert isinstance(result, Profile)
