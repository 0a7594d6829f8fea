"""A crawl against a hostile server on 127.0.0.1: every fault counted, every good item kept."""

from __future__ import annotations

import json

import pytest

from tests.conftest import FIXTURES
from tests.crawlers.crawling import Reply, Request, run_crawl, serve, sources_toml
from vacancies.store import VacancyStore

PAGES = FIXTURES / "pages"


def posting_page(*, identifier: str, title: str, description: str,
                 place: str = "Zoetermeer") -> str:
    posting = {"@context": "https://schema.org", "@type": "JobPosting", "identifier": identifier,
               "title": title, "description": description,
               "hiringOrganization": {"@type": "Organization", "name": "Testbedrijf"},
               "jobLocation": {"@type": "Place", "address": {"@type": "PostalAddress",
                                                             "addressLocality": place}}}
    return ('<!DOCTYPE html><html><head><script type="application/ld+json">'
            f"{json.dumps(posting, ensure_ascii=False)}</script></head><body></body></html>")


DUTCH = ("Je werkt in de keuken van ons restaurant en je helpt de kok met het voorbereiden "
         "van de lunch. Wij zoeken een collega die van aanpakken weet.")
# A second job of the same employer: the same text would (rightly) be one vacancy to dedup.
DUTCH_OTHER = ("Je staat achter de bar van ons café en je schenkt koffie voor de gasten op het "
               "terras. Wij zoeken een collega die graag met mensen werkt.")


def hostile_site() -> dict[str, object]:
    busy_calls: list[Request] = []

    def busy(request: Request) -> Reply:
        busy_calls.append(request)
        if len(busy_calls) == 1:
            return Reply(429, "te veel verzoeken", "text/plain", headers={"Retry-After": "1"})
        return Reply(body=(PAGES / "microdata.html").read_text(encoding="utf-8"))

    pages: dict[str, object] = {
        "/v/goed.html": Reply(body=(PAGES / "jsonld_single.html").read_text(encoding="utf-8")),
        "/v/graph.html": Reply(body=(PAGES / "jsonld_graph.html").read_text(encoding="utf-8")),
        "/v/kapot-jsonld.html": Reply(
            body=(PAGES / "jsonld_list_and_broken.html").read_text(encoding="utf-8")),
        "/v/traag.html": Reply(body="te laat", delay=3),
        "/v/fout.html": Reply(500, "interne fout", "text/plain"),
        "/v/druk.html": busy,
        "/v/lus-a.html": Reply(302, headers={"Location": "/v/lus-b.html"}),
        "/v/lus-b.html": Reply(302, headers={"Location": "/v/lus-a.html"}),
        "/v/enorm.html": Reply(stream_bytes=50 * 1024 * 1024),
        "/v/enorm-gemeld.html": Reply(body="klein", declared_length=50 * 1024 * 1024),
        "/v/afgebroken.html": Reply(body="<html><head>", declared_length=5000),
        "/v/cp1252.html": Reply(body=posting_page(
            identifier="cp", title="Café-medewerker", description=DUTCH_OTHER).encode("cp1252"),
            content_type="text/html; charset=utf-8"),
        "/v/zonder-charset.html": Reply(body=posting_page(
            identifier="nc", title="Keukenhulp één dag", description=DUTCH).encode("utf-8"),
            content_type="text/html"),
        "/v/engels.html": Reply(body=posting_page(
            identifier="en", title="Warehouse associate",
            description="We are looking for a warehouse associate to join our team. You will "
                        "work with the team and you have experience in logistics."),
            content_type=None),
    }
    listed = [path for path in pages if path != "/v/lus-b.html"]
    urls = "".join(f"<url><loc>{{base}}{path}</loc></url>" for path in listed)
    return {
        "/robots.txt": Reply(body="User-agent: *\nAllow: /\nSitemap: {base}/sitemap.xml\n",
                             content_type="text/plain"),
        "/sitemap.xml": Reply(body='<?xml version="1.0" encoding="UTF-8"?><urlset xmlns="http:'
                                   f'//www.sitemaps.org/schemas/sitemap/0.9">{urls}</urlset>',
                              content_type="application/xml"),
        **pages,
    }


@pytest.mark.slow
def test_hostile_site_every_fault_counted_every_good_item_kept(tmp_path, db_path):
    with serve(hostile_site()) as site:
        toml = sources_toml({"name": "vijandig", "kind": "jobposting",
                             "sitemap": f"{site.base_url}/robots.txt"})
        report = run_crawl(tmp_path, toml, db=db_path, download_timeout=1,
                           max_page_bytes=1024 * 1024, warn_page_bytes=512 * 1024)["vijandig"]
        busy = [r.at for r in site.requests if r.path == "/v/druk.html"]

    errors = report["errors"]
    assert errors["timeout"] == 1
    assert errors["http_500"] == 1
    assert errors["redirect_loop"] == 1
    assert errors["too_large"] == 2
    assert errors["other_language"] == 1
    assert errors["broken_json_ld"] == 1
    assert errors["incomplete_jobposting"] == 1
    assert errors.get("partial_response", 0) + errors.get("connection_lost", 0) == 1
    assert "http_429" not in errors
    assert len(busy) == 2 and busy[1] - busy[0] >= 0.9  # waited as Retry-After asked

    store = VacancyStore.open(db_path)
    titles = sorted(s.vacancy.title for s in store.vacancies())
    assert titles == ["Café-medewerker", "Kassamedewerker zaterdag", "Keukenhulp één dag",
                      "Magazijnmedewerker (m/v/x)", "Schoonmaker kantoren (avond)",
                      "Verzorgende IG & helpende plus"]
    assert report["items"] == report["new"] == 6
