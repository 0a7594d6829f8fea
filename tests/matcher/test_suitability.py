"""The suitability verdict: quantities, conditions, hours, licences, education, and its laws."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from matcher.models import DEMAND_CODES, VERDICT_ORDER, Demand, HoursRange, Requirements
from matcher.suitability import judge, licence_covered
from profiles.catalogue import load_catalogue
from profiles.model import Limitation, Profile

TODAY = date(2026, 11, 22)


def profile(**limitations: dict) -> Profile:
    """A profile with the given limitations (keys like IV_13 for 'IV.13')."""
    return Profile(id="p-test", education_level="mbo2", driving_licences=["B"],
                   hours_per_week_max=None, illness_start=date(2025, 1, 1),
                   limitations={key.replace("_", "."): Limitation(**value)
                                for key, value in limitations.items()})


def demand(code: str, *, certainty: str = "explicit", value: float | None = None,
           unit: str | None = None, evidence: str = "Zin uit de vacature.") -> Demand:
    return Demand(code=code, certainty=certainty, value=value, unit=unit, evidence=evidence)


def verdict_of(requirements: Requirements, the_profile: Profile):
    return judge(vacancy_id="v1", requirements=requirements, profile=the_profile, today=TODAY)


LIFT_5 = {"IV_13": {"level": 3, "value": 5, "unit": "kg", "note": "tillen max ca. 5 kg"}}


def test_lifting_well_above_the_limit_is_ongeschikt_with_the_coach_sentence():
    sentence = "Je tilt dagelijks dozen tot 25 kilo."
    result = verdict_of(Requirements(demands=[demand("tillen", value=25, unit="kg",
                                                     evidence=sentence)]), profile(**LIFT_5))
    assert result.verdict == "ongeschikt"
    [reason] = result.reasons
    assert (reason.fml, reason.demand, reason.evidence) == ("IV.13", "tillen", sentence)
    assert reason.explanation.startswith(
        "Vacature vraagt tillen tot 25 kg; belastbaarheid max. ca. 5 kg")


def test_vague_light_lifting_against_five_kilo_is_let_op():
    result = verdict_of(Requirements(demands=[demand(
        "tillen", certainty="implied", evidence="Soms licht tilwerk.")]), profile(**LIFT_5))
    assert result.verdict == "let_op"
    assert "Bespreek" in result.reasons[0].explanation


def test_lifting_just_above_the_limit_is_let_op_not_ongeschikt():
    result = verdict_of(Requirements(demands=[demand("tillen", value=6, unit="kg")]),
                        profile(**LIFT_5))
    assert result.verdict == "let_op"


def test_lifting_within_the_limit_still_asks_the_coach():
    result = verdict_of(Requirements(demands=[demand("tillen", value=3, unit="kg")]),
                        profile(**LIFT_5))
    assert result.verdict == "let_op"


def test_the_level_guide_value_is_used_when_the_profile_gives_no_value():
    result = verdict_of(Requirements(demands=[demand("tillen", value=20, unit="kg")]),
                        profile(IV_13={"level": 2}))  # level 2: ongeveer 10 kg
    assert result.verdict == "ongeschikt"
    assert "10 kg" in result.reasons[0].explanation


def test_heavy_lifting_in_words_against_a_low_limit_is_ongeschikt():
    result = verdict_of(Requirements(demands=[demand(
        "tillen", evidence="Reken op zwaar tilwerk.")]), profile(**LIFT_5))
    assert result.verdict == "ongeschikt"


def test_pushing_in_kilos_is_compared_with_the_newton_limit():
    result = verdict_of(Requirements(demands=[demand("duwen_trekken", value=40, unit="kg")]),
                        profile(IV_12={"level": 3}))  # ongeveer 100 N
    assert result.verdict == "ongeschikt"


def test_explicit_night_shifts_are_ongeschikt_when_nights_are_excluded():
    result = verdict_of(Requirements(demands=[demand("nachtdienst", evidence="3-ploegendienst")]),
                        profile(VI_1={"level": 1, "conditions": ["nacht"]}))
    assert result.verdict == "ongeschikt"
    assert "'s nachts" in result.reasons[0].explanation


def test_saturday_work_against_no_evenings_is_let_op_but_evening_shifts_are_ongeschikt():
    evenings = profile(VI_1={"level": 1, "conditions": ["avond"]})
    saturday = verdict_of(Requirements(demands=[demand(
        "avond_weekend", evidence="Je werkt ook op zaterdag.")]), evenings)
    evening = verdict_of(Requirements(demands=[demand(
        "avond_weekend", evidence="Je draait avonddiensten.")]), evenings)
    assert (saturday.verdict, evening.verdict) == ("let_op", "ongeschikt")


def test_a_condition_the_profile_does_not_name_is_no_conflict():
    result = verdict_of(Requirements(demands=[demand("klantcontact")]),
                        profile(II_12={"level": 1, "conditions": ["leidinggeven"]}))
    assert result.verdict == "geschikt"
    assert result.reasons == []


def test_explicit_klimmen_against_niet_klimmen_is_ongeschikt_but_bukken_is_not_knielen():
    techniek = profile(IV_19={"level": 3}, IV_20={"level": 3})
    climb = verdict_of(Requirements(demands=[demand(
        "klimmen", evidence="Je werkt regelmatig op een ladder.")]), techniek)
    bend = verdict_of(Requirements(demands=[demand(
        "bukken_knielen", evidence="Je bukt af en toe.")]), techniek)
    assert (climb.verdict, bend.verdict) == ("ongeschikt", "let_op")


@pytest.mark.parametrize(("hours", "expected"), [
    (HoursRange(min=32, max=40), "ongeschikt"),
    (HoursRange(min=26, max=26), "let_op"),
    (HoursRange(min=24, max=40), "geschikt"),
    (HoursRange(min=None, max=24), "geschikt"),
    (None, "geschikt"),
])
def test_hours_per_week_against_the_maximum(hours, expected):
    the_profile = profile().model_copy(update={"hours_per_week_max": 24})
    result = verdict_of(Requirements(hours_per_week=hours), the_profile)
    assert result.verdict == expected
    if expected != "geschikt":
        assert result.reasons[0].fml == "VI.3"
        assert "24 uur per week" in result.reasons[0].explanation


def test_hours_fall_back_on_the_vi3_level_without_hours_per_week_max():
    result = verdict_of(Requirements(hours_per_week=HoursRange(min=36, max=40)),
                        profile(VI_3={"level": 3}))  # ongeveer 20 uur
    assert result.verdict == "ongeschikt"


def test_a_required_licence_the_profile_lacks_is_ongeschikt():
    result = verdict_of(Requirements(driving_licences=["C"]), profile())
    assert result.verdict == "ongeschikt"
    assert "rijbewijs C" in result.reasons[0].explanation


def test_a_licence_included_in_a_held_one_is_let_op_and_an_identical_one_is_fine():
    assert verdict_of(Requirements(driving_licences=["AM"]), profile()).verdict == "let_op"
    assert verdict_of(Requirements(driving_licences=["B"]), profile()).verdict == "geschikt"
    assert licence_covered("C", ["CE"]) and not licence_covered("CE", ["C"])


def test_education_above_own_level_is_let_op():
    result = verdict_of(Requirements(education_level="hbo"), profile())
    assert result.verdict == "let_op"
    assert "hbo" in result.reasons[0].explanation and "mbo 2" in result.reasons[0].explanation


def test_work_far_below_own_level_is_flagged_early_in_the_illness_and_passend_later():
    hbo = Profile(id="p", education_level="hbo", illness_start=date(2026, 9, 1))
    early = judge(vacancy_id="v", requirements=Requirements(education_level="vmbo"),
                  profile=hbo, today=date(2026, 11, 1))
    late = judge(vacancy_id="v", requirements=Requirements(education_level="vmbo"),
                 profile=hbo, today=date(2027, 10, 1))
    assert (early.verdict, late.verdict) == ("let_op", "geschikt")


def test_reasons_are_sorted_worst_first_and_the_verdict_is_the_worst():
    the_profile = profile(**LIFT_5, VI_1={"level": 1, "conditions": ["nacht"]})
    result = verdict_of(Requirements(demands=[
        demand("nachtdienst", certainty="implied"), demand("tillen", value=25, unit="kg")]),
        the_profile)
    assert [r.verdict for r in result.reasons] == ["ongeschikt", "let_op"]
    assert result.verdict == "ongeschikt"


# --- properties ---------------------------------------------------------------------------------

CATALOGUE = load_catalogue()


@st.composite
def limitations(draw) -> dict[str, Limitation]:
    keys = draw(st.lists(st.sampled_from(sorted(CATALOGUE.items)), unique=True, max_size=8))
    result = {}
    for key in keys:
        item = CATALOGUE.items[key]
        if item.kind == "conditions":
            codes = [c.code for c in item.conditions]
            chosen = draw(st.lists(st.sampled_from(codes), min_size=1, unique=True))
            result[key] = Limitation(level=1, conditions=chosen)
        else:
            level = draw(st.integers(1, item.max_level))
            value = draw(st.none() | st.floats(0, 300)) if item.unit else None
            result[key] = Limitation(level=level, value=value,
                                     unit=item.unit if value is not None else None)
    return result


@st.composite
def demands(draw) -> Demand:
    code = draw(st.sampled_from(DEMAND_CODES))
    quantity = draw(st.none() | st.tuples(st.floats(0, 400), st.sampled_from(
        ["kg", "N", "uur", "min", "m", "cm"])))
    evidence = draw(st.sampled_from([
        "Je tilt zware dozen.", "Je werkt in de avond en nacht.", "Je klimt op een ladder.",
        "Je knielt en hurkt vaak.", "Soms licht werk.", "Je werkt met klanten."]))
    return Demand(code=code, certainty=draw(st.sampled_from(["explicit", "implied"])),
                  value=quantity[0] if quantity else None,
                  unit=quantity[1] if quantity else None, evidence=evidence)


@st.composite
def requirements(draw) -> Requirements:
    low = draw(st.none() | st.floats(0, 60))
    return Requirements(
        demands=draw(st.lists(demands(), max_size=6)),
        hours_per_week=None if low is None else HoursRange(min=low, max=None),
        education_level=draw(st.none() | st.sampled_from(["vmbo", "mbo2", "mbo4", "hbo", "wo"])),
        driving_licences=draw(st.lists(st.sampled_from(["B", "C", "CE", "AM"]), max_size=2,
                                       unique=True)))


@st.composite
def profiles(draw) -> Profile:
    return Profile(
        id="p", education_level=draw(st.none() | st.sampled_from(["vmbo", "mbo3", "hbo"])),
        driving_licences=draw(st.lists(st.sampled_from(["B", "BE", "C", "CE"]), unique=True)),
        hours_per_week_max=draw(st.none() | st.floats(0, 40)),
        illness_start=draw(st.none() | st.dates(date(2024, 1, 1), TODAY)),
        limitations=draw(limitations()))


def rank(name: str) -> int:
    return VERDICT_ORDER[name]


PROPERTY = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@PROPERTY
@given(profiles(), requirements())
def test_a_demand_on_a_limited_item_is_never_geschikt(the_profile, reqs):
    touched = [d for d in reqs.demands for link in CATALOGUE.demand_links[d.code]
               if link.item in the_profile.limitations and (
                   link.condition is None
                   or link.condition in (the_profile.limitations[link.item].conditions or []))]
    result = verdict_of(reqs, the_profile)
    if touched:
        assert result.verdict != "geschikt"
        assert {d.code for d in touched} <= {r.demand for r in result.reasons}


@PROPERTY
@given(profiles(), requirements(), limitations())
def test_adding_a_limitation_never_improves_the_verdict(the_profile, reqs, extra):
    before = verdict_of(reqs, the_profile)
    more = dict(the_profile.limitations)
    for key, limitation in extra.items():
        if key in more and limitation.conditions and more[key].conditions:
            # Adding conditions to a conditions item: the union is stricter.
            conditions = sorted(set(more[key].conditions) | set(limitation.conditions))
            more[key] = Limitation(level=1, conditions=conditions)
        else:
            more.setdefault(key, limitation)
    after = verdict_of(reqs, the_profile.model_copy(update={"limitations": more}))
    assert rank(after.verdict) >= rank(before.verdict)


@PROPERTY
@given(profiles(), requirements(), st.data())
def test_removing_a_demand_never_worsens_the_verdict(the_profile, reqs, data):
    if not reqs.demands:
        return
    index = data.draw(st.integers(0, len(reqs.demands) - 1))
    fewer = reqs.model_copy(update={"demands": reqs.demands[:index] + reqs.demands[index + 1:]})
    assert rank(verdict_of(fewer, the_profile).verdict) <= rank(
        verdict_of(reqs, the_profile).verdict)


@PROPERTY
@given(profiles(), requirements())
def test_the_verdict_is_the_worst_reason_and_geschikt_has_none(the_profile, reqs):
    result = verdict_of(reqs, the_profile)
    if result.verdict == "geschikt":
        assert result.reasons == []
    else:
        assert result.verdict == max((r.verdict for r in result.reasons), key=rank)
    for reason in result.reasons:
        assert reason.explanation.startswith("Vacature ")
        if reason.demand is not None:
            assert reason.evidence in {d.evidence for d in reqs.demands if d.code == reason.demand}


def test_hours_per_day_are_not_compared_with_minutes_at_a_stretch():
    """'4 uur lopen' (per day) says nothing exact about 'lopen 30 minuten achtereen'."""
    result = verdict_of(Requirements(demands=[demand("lopen", value=4, unit="uur")]),
                        profile(IV_16={"level": 2}))
    assert result.verdict == "let_op"
    per_day = verdict_of(Requirements(demands=[demand("lopen", value=6, unit="uur")]),
                         profile(IV_17={"level": 1}))  # ongeveer 4 uur per dag
    assert per_day.verdict == "ongeschikt"


def test_with_the_text_hours_licence_and_education_reasons_quote_their_sentence():
    text = ("Chauffeur bezorging\nWij zoeken een collega voor 32 tot 40 uur per week. "
            "Je hebt rijbewijs C en minimaal een hbo-opleiding. Je werkt in een leuk team.")
    the_profile = profile().model_copy(update={"hours_per_week_max": 24})
    reqs = Requirements(hours_per_week=HoursRange(min=32, max=40), driving_licences=["C"],
                        education_level="hbo")
    result = judge(vacancy_id="v", requirements=reqs, profile=the_profile, today=TODAY,
                   text=text)
    quoted = {reason.explanation.split(";")[0]: reason.evidence for reason in result.reasons}
    assert quoted == {
        "Vacature vraagt 32 tot 40 uur per week":
            "Wij zoeken een collega voor 32 tot 40 uur per week.",
        "Vacature vereist rijbewijs C": "Je hebt rijbewijs C en minimaal een hbo-opleiding.",
        "Vacature vraagt hbo": "Je hebt rijbewijs C en minimaal een hbo-opleiding.",
    }
    without = judge(vacancy_id="v", requirements=reqs, profile=the_profile, today=TODAY)
    assert [r.evidence for r in without.reasons] == [None, None, None]
    assert [r.verdict for r in without.reasons] == [r.verdict for r in result.reasons]


def test_the_word_worden_is_not_evidence_of_wo():
    reqs = Requirements(education_level="wo")
    result = judge(vacancy_id="v", requirements=reqs, profile=profile(), today=TODAY,
                   text="Wil je onderdeel worden van ons team? Je hebt een WO-opleiding.")
    assert result.reasons[0].evidence == "Je hebt een WO-opleiding."
