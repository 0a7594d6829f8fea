"""Ranking: realistic fit first, let_op lower, ongeschikt never, wishes break ties."""

from __future__ import annotations

from matcher.models import Reason, Requirements, Verdict
from matcher.ranking import Candidate, rank, title_fit
from profiles.model import Profile
from vacancies.model import Vacancy

PROFILE = Profile.model_validate({
    "id": "p1", "postcode": "2711", "max_travel_km": 20, "education_level": "vmbo",
    "experience": [{"title": "magazijnmedewerker", "years": 9}],
    "wishes": {"titles": ["heftruckchauffeur"]}})


def candidate(vacancy_id: str, title: str, *, verdict: str = "geschikt", similarity: float = 0.8,
              distance: float | None = 5.0, education: str | None = None) -> Candidate:
    reasons = [] if verdict == "geschikt" else [Reason(
        fml="V.4", demand="staan", verdict=verdict, evidence="Je staat de hele dag.",
        explanation="Vacature vraagt staand werk; belastbaarheid staan beperkt.")]
    return Candidate(
        vacancy=Vacancy(id=vacancy_id, title=title, description="...", place="Zoetermeer"),
        requirements=Requirements(education_level=education),
        verdict=Verdict(id=vacancy_id, verdict=verdict, reasons=reasons),
        similarity=similarity, distance_km=distance)


def test_title_fit_ignores_gender_marks_and_case():
    assert title_fit("magazijnmedewerker", "Magazijnmedewerker (m/v/x) nachtploeg") == 1.0
    assert title_fit("magazijnmedewerker", "Verpleegkundige") == 0.0


def test_ongeschikt_never_appears():
    ranked = rank([candidate("a", "Magazijnmedewerker", verdict="ongeschikt"),
                   candidate("b", "Schoonmaker")], profile=PROFILE)
    assert [m.id for m in ranked] == ["b"]


def test_let_op_ranks_below_an_equal_geschikt_and_is_marked_with_its_reasons():
    ranked = rank([candidate("a", "Magazijnmedewerker", verdict="let_op"),
                   candidate("b", "Magazijnmedewerker")], profile=PROFILE)
    assert [m.id for m in ranked] == ["b", "a"]
    assert ranked[1].verdict == "let_op"
    assert ranked[1].reasons[0].demand == "staan"
    assert "let op: staand werk" in ranked[1].why


def test_experience_beats_a_wish():
    ranked = rank([candidate("wish", "Heftruckchauffeur", similarity=0.8),
                   candidate("fit", "Magazijnmedewerker", similarity=0.8)], profile=PROFILE)
    assert ranked[0].id == "fit"


def test_wish_breaks_a_tie():
    ranked = rank([candidate("a", "Productiemedewerker"),
                   candidate("b", "Heftruckchauffeur")], profile=PROFILE)
    assert ranked[0].id == "b"


def test_nearer_ranks_higher_and_unknown_distance_is_neutral():
    ranked = rank([candidate("far", "Magazijnmedewerker", distance=18.0),
                   candidate("near", "Magazijnmedewerker", distance=2.0),
                   candidate("unknown", "Magazijnmedewerker", distance=None)], profile=PROFILE)
    assert [m.id for m in ranked] == ["near", "unknown", "far"]
    assert "afstand onbekend" in ranked[1].why


def test_why_is_a_dutch_sentence_a_coach_can_read_aloud():
    (match,) = rank([candidate("a", "Magazijnmedewerker", distance=8.2)], profile=PROFILE)
    assert match.why == "Sluit aan bij 9 jaar ervaring als magazijnmedewerker; 8 km van huis."


# --- what the profile says, used explicitly ---------------------------------------------------

CARE = Profile.model_validate({
    "id": "p2", "postcode": "5038", "max_travel_km": 15, "education_level": "mbo3",
    "education_field": "verzorgende IG",
    "experience": [{"title": "verzorgende IG", "years": 14}], "skills": ["BIG-registratie"],
    "driving_licences": ["B"]})


def order_of(profile: Profile, *candidates: Candidate) -> list[str]:
    return [m.id for m in rank(list(candidates), profile=profile)]


def test_same_occupation_beats_related_beats_sector_beats_unrelated():
    ranked = order_of(
        PROFILE,
        candidate("unrelated", "Kapper"),
        candidate("sector", "Vrachtwagenchauffeur"),   # transport: another sector
        candidate("related", "Reachtruckchauffeur"),  # logistics family
        candidate("same", "Orderpicker"))             # the KB knows magazijnmedewerker as this
    assert ranked.index("same") < ranked.index("related") < ranked.index("unrelated")


def test_more_years_of_the_same_experience_rank_higher():
    junior = PROFILE.model_copy(update={"experience": [
        PROFILE.experience[0].model_copy(update={"years": 1})]})
    (short,) = rank([candidate("a", "Orderpicker")], profile=junior)
    (long,) = rank([candidate("a", "Orderpicker")], profile=PROFILE)
    assert long.score > short.score


def test_an_education_level_above_the_employees_own_ranks_lower():
    ranked = order_of(CARE, candidate("hbo", "Begeleider wonen", education="hbo"),
                      candidate("mbo", "Begeleider wonen", education="mbo3"))
    assert ranked == ["mbo", "hbo"]


def test_an_occupation_that_usually_asks_hbo_ranks_below_an_entry_job():
    ranked = order_of(PROFILE, candidate("data", "Data analist"),
                      candidate("entry", "Crewmedewerker fastfood"))
    assert ranked[0] == "entry"
    graduate = PROFILE.model_copy(update={"education_level": "hbo"})
    assert set(order_of(graduate, candidate("data", "Data analist"),
                        candidate("entry", "Crewmedewerker fastfood"))) == {"data", "entry"}


def test_experience_asked_in_work_the_employee_never_did_ranks_lower():
    asks = Candidate(
        vacancy=Vacancy(id="asks", title="Schoonmaker", description="...", place="Zoetermeer"),
        requirements=Requirements(experience_years=1),
        verdict=Verdict(id="asks", verdict="geschikt"), similarity=0.8, distance_km=5.0)
    ranked = order_of(PROFILE, asks, candidate("none", "Schoonmaker"))
    assert ranked == ["none", "asks"]


def test_a_trade_diploma_job_is_no_entry_job_unless_it_trains():
    ranked = rank([candidate("nurse", "Verzorgende IG"),
                   candidate("trainee", "Leerling verzorgende IG (BBL)"),
                   candidate("entry", "Schoonmaker")], profile=PROFILE)
    by_id = {m.id: m for m in ranked}
    assert by_id["trainee"].score > by_id["nurse"].score
    assert by_id["trainee"].why.startswith("Instapfunctie")


def test_jobs_for_the_participatiewet_target_group_are_not_shown():
    target = Candidate(
        vacancy=Vacancy(id="beschut", title="Medewerker inpak", place="Zoetermeer",
                        description="Alleen voor kandidaten met een indicatie beschut werk."),
        requirements=Requirements(), verdict=Verdict(id="beschut", verdict="geschikt"),
        similarity=0.9, distance_km=1.0)
    ranked = order_of(PROFILE, target, candidate("open", "Schoonmaker", distance=15.0))
    assert ranked == ["open"]


def test_skills_found_in_the_text_count_and_are_named_in_why():
    with_skill = Candidate(
        vacancy=Vacancy(id="skill", title="Verzorgende IG", place="Tilburg",
                        description="Je hebt een geldige BIG-registratie."),
        requirements=Requirements(), verdict=Verdict(id="skill", verdict="geschikt"),
        similarity=0.8, distance_km=5.0)
    ranked = rank([with_skill, candidate("plain", "Verzorgende IG")], profile=CARE)
    assert [m.id for m in ranked] == ["skill", "plain"]
    assert ranked[0].why == ("Sluit aan bij 14 jaar ervaring als verzorgende IG; vraagt "
                             "BIG-registratie; 5 km van huis.")


def test_why_names_related_experience_and_entry_jobs():
    related, entry = rank([candidate("r", "Reachtruckchauffeur", distance=3.0),
                           candidate("e", "Crewmedewerker fastfood", distance=4.0)],
                          profile=PROFILE)
    assert related.why == "Verwant aan 9 jaar ervaring als magazijnmedewerker; 3 km van huis."
    assert entry.why == ("Instapfunctie: vraagt geen ervaring of hogere opleiding; "
                         "4 km van huis.")


def test_an_approved_zoekprofiel_favours_its_occupations():
    pair = [candidate("kassa", "Kassamedewerker"), candidate("schoon", "Schoonmaker")]
    for chosen, expected in (("schoonmaker", "schoon"), ("kassamedewerker", "kassa")):
        assert rank(pair, profile=PROFILE, approved=[chosen])[0].id == expected


def test_let_op_for_education_and_licence_is_named_in_why():
    reasons = [Reason(fml=None, demand=None, verdict="let_op", evidence=None,
                      explanation="Vacature vraagt mbo 2; eigen opleiding vmbo. Bespreek of "
                                  "ervaring dit goedmaakt.")]
    flagged = Candidate(
        vacancy=Vacancy(id="a", title="Orderpicker", description="...", place="Delft"),
        requirements=Requirements(education_level="mbo2"),
        verdict=Verdict(id="a", verdict="let_op", reasons=reasons),
        similarity=0.8, distance_km=12.0)
    (match,) = rank([flagged], profile=PROFILE)
    assert match.why.endswith("12 km van huis; let op: opleidingsniveau.")


def test_facts_survive_their_json_form():
    from matcher.ranking import facts_from_json, facts_to_json, vacancy_facts

    facts = vacancy_facts(
        Vacancy(id="x", title="Chauffeur C/CE (m/v)", description="Rijbewijs C vereist."),
        Requirements(driving_licences=["C"], experience_years=2, education_level="vmbo"))
    assert facts_from_json(facts_to_json(facts)) == facts
    assert facts.occupations[0] == "vrachtwagenchauffeur"


def test_internships_are_not_shown_and_professional_titles_ask_hbo():
    ranked = order_of(PROFILE, candidate("stage", "Stagiair marketing"),
                      candidate("consultant", "AI Consultant"),
                      candidate("entry", "Crewmedewerker fastfood"))
    assert ranked[0] == "entry" and "stage" not in ranked
    graduate = PROFILE.model_copy(update={"education_level": "wo"})
    assert "consultant" in order_of(graduate, candidate("consultant", "AI Consultant"))
