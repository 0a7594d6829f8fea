"""Reading JobPostings from saved pages in tests/fixtures/pages."""

from __future__ import annotations

import re
from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from crawlers.parsers.common import _single_spaces
from crawlers.parsers.jobposting import html_to_text, parse_page
from tests.conftest import FIXTURES

PAGES = FIXTURES / "pages"


def parse(name: str):
    body = (PAGES / name).read_text(encoding="utf-8")
    return parse_page(body, url=f"https://werk.example/{name}", source="test")


def test_single_json_ld_posting_gives_every_field():
    (vacancy,) = parse("jsonld_single.html").vacancies
    assert vacancy.id == "test:VD-2231"
    assert vacancy.title == "Magazijnmedewerker (m/v/x)"
    assert vacancy.employer == "Van Dijk Logistiek B.V."
    assert (vacancy.place, vacancy.postcode) == ("Zoetermeer", "2712 LB")
    assert vacancy.date_posted == date(2026, 11, 2)
    assert vacancy.valid_through == date(2026, 12, 31)
    assert vacancy.employment_type == "FULL_TIME,PART_TIME"
    assert "* Je tilt dozen tot 15 kilo." in vacancy.description
    assert "Wat ga je doen?\n" in vacancy.description
    assert "<" not in vacancy.description
    assert vacancy.raw.startswith("<!DOCTYPE html>")


def test_graph_container_and_entities():
    (vacancy,) = parse("jsonld_graph.html").vacancies
    assert vacancy.title == "Verzorgende IG & helpende plus"
    assert vacancy.employer == "Zorggroep Rijnland"
    assert vacancy.place == "Leiden"


def test_broken_block_is_counted_and_the_good_posting_in_a_list_is_kept():
    result = parse("jsonld_list_and_broken.html")
    assert [v.title for v in result.vacancies] == ["Schoonmaker kantoren (avond)"]
    assert result.vacancies[0].employer == "Schoon & Zo"
    assert result.vacancies[0].place == "Delft"
    assert sorted(result.problems) == ["broken_json_ld", "incomplete_jobposting"]


def test_microdata_is_the_fallback():
    (vacancy,) = parse("microdata.html").vacancies
    assert vacancy.title == "Kassamedewerker zaterdag"
    assert vacancy.employer == "Supermarkt De Hoek"
    assert (vacancy.place, vacancy.postcode) == ("Gouda", "2801")
    assert "* Op zaterdag van 9 tot 17 uur." in vacancy.description


def test_page_without_posting_gives_nothing_and_no_problem():
    result = parse("no_jobposting.html")
    assert result.vacancies == [] and result.problems == []


def test_unreadable_page_is_a_problem_not_a_crash():
    result = parse_page("", url="https://werk.example/leeg", source="test")
    assert result.vacancies == []
    assert result.problems == ["unreadable_html"]


def test_html_to_text_keeps_bullets_and_drops_scripts():
    text = html_to_text("<p>Intro</p><ul><li>een</li><li>twee</li></ul><script>x()</script>")
    assert text == "Intro\n\n* een\n\n* twee"


def test_html_escaped_twice_is_still_read_as_html():
    text = html_to_text("&lt;p&gt;Je verdient &euro; 15&lt;/p&gt;"
                        "&lt;ul&gt;&lt;li&gt;een&lt;/li&gt;&lt;/ul&gt;")
    assert text == "Je verdient € 15\n\n* een"


def test_plain_text_with_an_escaped_ampersand_stays_plain():
    text = html_to_text("Schoon &amp; Zo zoekt een schoonmaker")
    assert text == "Schoon & Zo zoekt een schoonmaker"


def test_html_to_text_folds_runs_of_spaces_tabs_and_no_break_spaces():
    text = html_to_text("<p>Je  werkt\t32&nbsp;uur \u00a0\t per week</p><p>\u00a0Rooster  </p>")
    assert text == "Je werkt 32 uur per week\n\nRooster"


@given(st.text(alphabet=" \t\u00a0\nab", max_size=40))
def test_space_runs_fold_as_the_regex_rule_says(text: str):
    # The rule, as a regex: a run of two or more, or one tab or no-break space, is a space.
    assert _single_spaces(text) == re.sub(r"[ \t\u00a0]{2,}|[\t\u00a0]", " ", text)
