"""Incremental crawls, deduplication across sources and the lifecycle of a vacancy,
each over several real crawls of a 127.0.0.1 site."""

from __future__ import annotations

import json
from html import escape

import pytest

from tests.crawlers.crawling import Reply, Request, run_crawl, serve, sources_toml
from tests.crawlers.test_faults import posting_page
from vacancies.store import VacancyStore

TEXTS = {
    "A": ("Orderpicker", "Je verzamelt in ons distributiecentrum producten voor de winkels. "
          "Je werkt met een handscanner en een elektrische palletwagen. Je werkt van maandag "
          "tot en met vrijdag van 7.00 tot 15.30 uur in team Noord met twaalf collega's."),
    "B": ("Receptionist", "Je ontvangt bezoekers van ons kantoor, neemt de telefoon aan en "
          "beheert de agenda van de vergaderzalen. Je werkt drie dagen per week."),
    "C": ("Chauffeur bakwagen", "Je rijdt met een bakwagen met laadklep naar klanten in de "
          "regio en levert daar meubels af. Je begint elke dag om zes uur bij ons depot."),
    "D": ("Kerstkrachten", "Je helpt in december in de winkel met inpakken en afrekenen. Je "
          "werkt op zaterdagen en in de kerstweek bij ons in de winkel."),
}


def offers(*keys: str, close_at: dict[str, str] | None = None) -> str:
    return json.dumps({"offers": [
        {"id": key, "title": TEXTS[key][0], "description": f"<p>{escape(TEXTS[key][1])}</p>",
         "city": "Gouda", "company_name": "Testbedrijf",
         "careers_url": f"https://test.recruitee.com/o/{key}",
         "close_at": (close_at or {}).get(key)} for key in keys]})


@pytest.mark.slow
def test_vacancy_missed_in_n_successful_crawls_is_closed_and_keeps_its_snapshot(tmp_path,
                                                                              db_path):
    phase = {"reply": Reply(body=offers("A", "B", "C", "D", close_at={"D": "2020-12-31"}),
                            content_type="application/json")}
    with serve({"/api/offers/": lambda request: phase["reply"]}) as site:
        toml = sources_toml({"name": "rec", "kind": "recruitee",
                             "url": f"{site.base_url}/api/offers/"})

        def crawl() -> dict:
            return run_crawl(tmp_path, toml, db=db_path, close_after_missed_crawls=2)["rec"]

        first = crawl()
        assert (first["new"], first["closed"]) == (4, 1)  # D is past its validThrough
        phase["reply"] = Reply(body=offers("A", "B"), content_type="application/json")
        assert crawl()["closed"] == 0  # C missed once
        phase["reply"] = Reply(500, "storing", "text/plain")
        failed = crawl()
        assert failed["closed"] == 0 and failed["errors"] == {"http_500": 1}
        phase["reply"] = Reply(body=offers("A", "B"), content_type="application/json")
        assert crawl()["closed"] == 1  # C missed by two successful crawls
        store = VacancyStore.open(db_path)
        closed = {s.vacancy.id: s for s in store.vacancies(include_closed=True)
                  if s.status == "closed"}
        assert set(closed) == {"rec:C", "rec:D"}
        assert closed["rec:C"].vacancy.title == "Chauffeur bakwagen"
        assert store.db["vacancy_snapshots"].count_where("vacancy_id = ?", ["rec:C"]) == 1

        phase["reply"] = Reply(body=offers("A", "B", "C"), content_type="application/json")
        again = crawl()
        assert (again["updated"], again["unchanged"]) == (1, 2)  # C reopened
        assert VacancyStore.open(db_path).get("rec:C").status == "open"


def test_lifecycle_threshold_counts_only_successful_crawls(db_path):
    from crawlers.state import CrawlState

    state = CrawlState(VacancyStore.open(db_path).db)
    for successful in (True, False, True, True):
        number, resumed = state.begin("s")
        assert not resumed
        state.finish("s", number, successful=successful)
    assert state.unseen_before("s", missed=2) == 3
    assert state.unseen_before("s", missed=3) == 1
    assert state.unseen_before("s", missed=4) is None
    number, _ = state.begin("s")
    assert state.begin("s") == (number, True)  # an unfinished crawl is resumed


def etag_route(body: str, etag: str):
    def route(request: Request) -> Reply:
        if request.headers.get("If-None-Match") == etag:
            return Reply(304, b"", None, headers={"ETag": etag})
        return Reply(body=body, content_type="application/json", headers={"ETag": etag})
    return route


def sitemap(base_paths: dict[str, str]) -> Reply:
    urls = "".join(f"<url><loc>{{base}}{path}</loc><lastmod>{lastmod}</lastmod></url>"
                   for path, lastmod in base_paths.items())
    return Reply(body='<?xml version="1.0" encoding="UTF-8"?><urlset xmlns="http://www.'
                      f'sitemaps.org/schemas/sitemap/0.9">{urls}</urlset>',
                 content_type="application/xml")


@pytest.mark.slow
def test_incremental_crawls_and_one_vacancy_from_two_sources(tmp_path, db_path):
    title, text = TEXTS["A"]
    repost = (f"Via Banenbank: nieuwe vacature! {text} Solliciteer direct via Banenbank, "
              "de vacaturesite van de regio.")
    lastmods = {"/v/1.html": "2026-11-01", "/v/2.html": "2026-11-01"}
    routes = {
        "/api/offers/": etag_route(offers("A", "B"), '"v1"'),
        "/robots.txt": Reply(body="User-agent: *\nAllow: /\n", content_type="text/plain"),
        "/sitemap.xml": lambda request: sitemap(lastmods),
        "/v/1.html": Reply(body=posting_page(identifier="b1", title=f"{title} (m/v/x)",
                                             description=repost, place="Gouda")),
        "/v/2.html": Reply(body=posting_page(identifier="b2", title="Schoonmaker",
                                             description=TEXTS["D"][1], place="Delft")),
    }
    with serve(routes) as site:
        toml = sources_toml(
            {"name": "werkgever", "kind": "recruitee", "url": f"{site.base_url}/api/offers/"},
            {"name": "banenbank", "kind": "jobposting", "sitemap": f"{site.base_url}/sitemap.xml"})
        first = run_crawl(tmp_path, toml, db=db_path)
        lastmods["/v/2.html"] = "2026-11-20"
        second = run_crawl(tmp_path, toml, db=db_path)
        fetched = site.paths()
        asked = [r.headers.get("If-None-Match") for r in site.requests
                 if r.path == "/api/offers/"]

    assert sum(report["duplicates"] for report in first.values()) == 1
    assert sum(report["new"] for report in first.values()) == 3
    # Second crawl: the API answered 304 and the unchanged sitemap entry was not fetched.
    assert second["werkgever"] == {**second["werkgever"], "items": 2, "new": 0}
    assert fetched.count("/v/1.html") == 1 and fetched.count("/v/2.html") == 2
    assert asked == [None, '"v1"']
    assert sum(second[name]["unchanged"] + second[name]["duplicates"]
               for name in second) == 4
    exported = [s.export_record() for s in VacancyStore.open(db_path).vacancies()]
    assert len(exported) == 3
    merged = [record for record in exported if len(record["source_urls"]) == 2]
    assert len(merged) == 1
    assert {url.split("/")[-1] for url in merged[0]["source_urls"]} == {"A", "1.html"}
