"""Reading the ATS and feed formats from fixtures written after their public documentation."""

from __future__ import annotations

from datetime import date

from crawlers.parsers import indeed_xml, recruitee, rss
from crawlers.parsers.common import decode_body, guess_language, parse_date
from tests.conftest import FIXTURES

FEEDS = FIXTURES / "feeds"


def read(name: str) -> str:
    return (FEEDS / name).read_text(encoding="utf-8")


def test_recruitee_offers_give_every_field_and_skip_an_offer_without_title():
    result = recruitee.parse_offers(read("recruitee_offers.json"),
                                    url="https://groenhuis.recruitee.com/api/offers/",
                                    source="groenhuis")
    assert [v.id for v in result.vacancies] == ["groenhuis:1843201", "groenhuis:1843202"]
    first = result.vacancies[0]
    assert first.title == "Logistiek medewerker inslag"
    assert first.employer == "Groenhuis Distributie"
    assert (first.place, first.postcode) == ("Bleiswijk", "2665 KX")
    assert first.url == "https://groenhuis.recruitee.com/o/logistiek-medewerker-inslag"
    assert first.date_posted == date(2026, 11, 3)
    assert first.valid_through == date(2026, 12, 31)
    assert "* Je lost vrachtwagens met een palletwagen." in first.description
    assert "* Je hebt een heftruckcertificaat of wilt dat halen." in first.description
    assert first.description.endswith("Uren per week: 32-40")
    assert result.vacancies[1].description.endswith("Uren per week: 24")
    assert result.problems == ["incomplete_offer"]


def test_cut_off_recruitee_document_keeps_the_complete_offers():
    result = recruitee.parse_offers(read("recruitee_offers_truncated.json"),
                                    url="https://x.recruitee.com/api/offers/", source="x")
    assert [v.title for v in result.vacancies] == ["Logistiek medewerker inslag"]
    assert result.problems == ["broken_json"]


def test_recruitee_document_of_another_shape_is_a_problem():
    result = recruitee.parse_offers('{"error": "not found"}', url="u", source="x")
    assert result.vacancies == [] and result.problems == ["unexpected_json"]


def test_indeed_feed_gives_every_job_with_cdata_and_html():
    result = indeed_xml.parse_feed(read("indeed_feed.xml"), url="https://ats.nl/feed.xml",
                                   source="ats")
    assert [v.id for v in result.vacancies] == ["ats:PM-2026-118", "ats:CH-77"]
    job = result.vacancies[0]
    assert job.title == "Productiemedewerker voedingsmiddelen"
    assert job.employer == "Kaasmakerij Het Groene Hart"
    assert (job.place, job.postcode) == ("Bodegraven", "2411 AB")
    assert job.date_posted == date(2026, 11, 16)
    assert job.valid_through == date(2027, 1, 15)
    assert "* Je werkt in een 2-ploegendienst." in job.description
    assert result.vacancies[1].employer == "Bouwhandel De Vries & Zn."
    assert result.problems == ["incomplete_job"]


def test_indeed_feed_cut_off_halfway_keeps_the_jobs_before_the_break():
    result = indeed_xml.parse_feed(read("indeed_feed_broken.xml"), url="u", source="ats")
    assert [v.title for v in result.vacancies] == ["Productiemedewerker voedingsmiddelen"]
    assert "broken_xml" in result.problems


def test_rss_items_with_extension_elements_and_the_next_page():
    result = rss.parse_feed(read("rss_feed.xml"),
                            url="https://werkenbij.zorgkring.nl/vacatures/feed", source="zk")
    first, second = result.vacancies
    assert first.id == "zk:zorgkring-4411"
    assert first.title == "Helpende Zorg & Welzijn (24 uur)"
    assert first.description.startswith("Je helpt bewoners van ons woonzorgcentrum")
    assert (first.employer, first.place, first.postcode) == (
        "Zorgkring Midden-Holland", "Gouda", "2803 PE")
    assert first.date_posted == date(2026, 11, 18)
    assert first.valid_through == date(2026, 12, 20)
    assert second.description == "Je houdt de appartementen van onze cliënten schoon en gezellig."
    assert second.place == "Waddinxveen"
    assert result.problems == ["incomplete_item"]
    assert result.next_page == "https://werkenbij.zorgkring.nl/vacatures/feed?pagina=2"


def test_atom_entries():
    result = rss.parse_feed(read("atom_feed.xml"), url="https://g.nl/feed.atom", source="g")
    first, second = result.vacancies
    assert first.title == "Medewerker buitendienst groen"
    assert first.url == "https://werkenbij.gemeente-voorbeeld.nl/vacatures/buitendienst-groen"
    assert first.employer == "Gemeente Voorbeeldstad"
    assert first.place == "Leiderdorp"
    assert first.date_posted == date(2026, 11, 12)
    assert second.description == "Je helpt inwoners aan de balie met paspoorten en rijbewijzen."
    assert result.next_page is None and result.problems == []


def test_garbage_is_a_problem_not_a_crash():
    for parse in (indeed_xml.parse_feed, rss.parse_feed):
        assert parse("", url="u", source="s").problems == ["broken_xml"]
    assert recruitee.parse_offers("<html>", url="u", source="s").problems == ["broken_json"]


def test_decode_body_survives_wrong_and_missing_charsets():
    text = "Café-medewerker, één dag"
    assert decode_body(text.encode("cp1252"), declared="utf-8") == text
    assert decode_body(text.encode("utf-8"), declared="iso-8859-1") == text
    assert decode_body(text.encode("utf-8"), declared=None) == text
    latin = f'<meta charset="windows-1252"><p>{text}</p>'.encode("cp1252")
    assert text in decode_body(latin, declared=None)
    assert decode_body(b"\xef\xbb\xbfhallo", declared="cp1252") == "hallo"


def test_guess_language_tells_dutch_from_english_and_german():
    assert guess_language("Wij zoeken een collega voor het magazijn. Je werkt met een "
                          "team van tien mensen en je bent flexibel in de week.") == "nl"
    assert guess_language("We are looking for a warehouse worker to join our team. You "
                          "will work with the team and have experience in logistics.") == "en"
    assert guess_language("Wir suchen eine Verstärkung für unser Lager. Sie arbeiten im "
                          "Team und sind auch am Wochenende für die Kunden da.") == "de"
    assert guess_language("Kort.") is None


def test_parse_date_reads_iso_and_rfc_822():
    assert parse_date("2026-11-03 09:00:00 UTC") == date(2026, 11, 3)
    assert parse_date("Wed, 18 Nov 2026 09:30:00 +0100") == date(2026, 11, 18)
    assert parse_date("binnenkort") is None
