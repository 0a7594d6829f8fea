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
