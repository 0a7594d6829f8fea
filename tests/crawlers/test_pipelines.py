"""The store pipeline on a real store: batches, one bad record among good ones, the raw page
kept once; and the request class that JOBDIR writes to disk."""

from __future__ import annotations

from types import SimpleNamespace

from scrapy import Request
from scrapy.settings import Settings as ScrapySettings
from scrapy.utils.request import request_from_dict

from crawlers.pipelines import StorePipeline, reset_finders
from crawlers.report import SourceReport
from crawlers.sources import Source
from crawlers.spiders import JobPostingSpider, PageRequest
from crawlers.state import CrawlState, PageDone
from vacancies.model import Vacancy
from vacancies.store import VacancyStore

TEXTS = {
    "a": ("Orderpicker", "Je pakt orders in ons magazijn in Gouda en je scant de pallets. "
                         "Je werkt in ploegen met een vast team van collega's."),
    "b": ("Kok", "Je kookt voor de bewoners van ons verzorgingshuis en je maakt elke dag "
                 "verse soep. Je werkt overdag en soms in het weekend."),
    "c": ("Schoonmaker", "Je maakt 's avonds de kantoren schoon en je vult de voorraad aan. "
                         "Je werkt zelfstandig in een rustig gebouw."),
}


def vacancy(key: str, **changes: object) -> Vacancy:
    title, description = TEXTS[key]
    fields = {"id": f"site:{key}", "title": title, "description": description,
              "place": "Gouda", "source": "site", "url": f"https://site.nl/{key}",
              "raw": f"<html>{title}</html>"}
    fields.update(changes)
    return Vacancy.model_validate(fields)


def unstorable(key: str, **changes: object) -> Vacancy:
    """A record SQLite cannot take (a lone surrogate in its text): it stands for anything
    that goes wrong while one record is written."""
    fields = dict(vacancy(key, **changes))
    fields["description"] += " \ud83d"
    return Vacancy.model_construct(**fields)


def pipeline(db_path) -> tuple[StorePipeline, SourceReport]:  # noqa: ANN001
    reset_finders()
    report = SourceReport()
    crawler = SimpleNamespace(settings=ScrapySettings({"SPOORZOEKER_DB": str(db_path)}),
                              spider=SimpleNamespace(report=report, crawl_number=1))
    store_pipeline = StorePipeline.from_crawler(crawler)
    store_pipeline.open_spider()
    return store_pipeline, report


def note(key: str, *vacancies: Vacancy) -> PageDone:
    return PageDone(source="site", url=f"https://site.nl/{key}", crawl=1,
                    record_ids=tuple(v.id for v in vacancies), body_hash=f"hash-{key}",
                    etag=f'"{key}"', vacancies=vacancies)


def test_a_record_that_cannot_be_stored_loses_no_other_and_its_page_is_read_again(db_path):
    store_pipeline, report = pipeline(db_path)
    broken = unstorable("b")
    store_pipeline.process_item(note("a", vacancy("a")))
    store_pipeline.process_item(note("b", broken))
    store_pipeline.process_item(note("c", vacancy("c")))
    store_pipeline.close_spider()

    store = VacancyStore.open(db_path)
    assert sorted(s.vacancy.id for s in store.vacancies()) == ["site:a", "site:c"]
    assert report.new == 2 and report.errors["store_error"] == 1
    state = CrawlState(store.db)
    good, bad = state.page("site", "https://site.nl/a"), state.page("site", "https://site.nl/b")
    assert good.ok and good.body_hash == "hash-a" and good.done_crawl == 1
    assert not bad.ok and bad.body_hash is None and bad.done_crawl == 1  # not skipped next time


def test_a_repost_arriving_after_a_failed_original_is_not_folded_into_it(db_path):
    store_pipeline, report = pipeline(db_path)
    original = unstorable("a")
    store_pipeline.process_item(note("a", original))
    store_pipeline.close_spider()
    store_pipeline.process_item(note("a2", vacancy("a", id="bord:a", source="bord")))
    store_pipeline.close_spider()

    store = VacancyStore.open(db_path)
    assert [s.vacancy.id for s in store.vacancies()] == ["bord:a"]
    assert report.duplicates == 0 and report.new == 1


def test_the_raw_page_is_kept_once_with_the_snapshot(db_path):
    store_pipeline, _ = pipeline(db_path)
    store_pipeline.process_item(note("a", vacancy("a")))
    store_pipeline.close_spider()

    store = VacancyStore.open(db_path)
    assert [row["raw"] for row in store.db.query("select raw from vacancies")] == [None]
    assert [row["raw"] for row in store.db.query("select raw from vacancy_snapshots")] == [
        "<html>Orderpicker</html>"]
    assert store.get("site:a").vacancy.raw == "<html>Orderpicker</html>"


def test_page_requests_are_written_for_jobdir_as_scrapy_writes_them_and_read_back():
    spider = JobPostingSpider(source=Source(name="site", kind="jobposting",
                                            sitemap="https://site.nl/robots.txt"),
                              report=SourceReport(), crawl_number=1)
    request = spider.page_request("https://site.nl/v/1.html", spider.parse_page,
                                  lastmod="2026-11-20", conditional=False)

    written = request.to_dict(spider=spider)
    assert written == Request.to_dict(request, spider=spider)
    read = request_from_dict(written, spider=spider)
    assert isinstance(read, PageRequest)
    assert read.callback.__func__ is JobPostingSpider.parse_page
    assert read.errback.__func__ is JobPostingSpider.failed
    assert read.meta["lastmod"] == "2026-11-20"


def test_a_copy_of_a_copy_is_found_in_a_later_crawl(db_path):
    """Night 1 stores the employer's ad, night 2 an agency's copy of it, night 3 a job
    board's copy of the agency's ad: each night is a new process with a new finder, and the
    third still lands on the employer's vacancy (through the copy it shares words with)."""
    from tests.vacancies.test_dedup import AGENCY_COPY, BOILERPLATE, OWN_TEXT

    def crawl(record: Vacancy) -> SourceReport:
        store_pipeline, report = pipeline(db_path)  # a fresh finder, as in a new process
        store_pipeline.process_item(note(record.id, record))
        store_pipeline.close_spider()
        return report

    crawl(Vacancy(id="werkgever:1", title="Orderpicker", place="Bleiswijk",
                  employer="Groenhuis Distributie B.V.", source="werkgever",
                  description=f"{BOILERPLATE} {OWN_TEXT}"))
    assert crawl(Vacancy(id="tempo:7", title="Orderpicker", place="Bleiswijk",
                         employer="Tempo Personeel", source="tempo",
                         description=AGENCY_COPY)).duplicates == 1
    # the board shows the agency's short version: its header, blurb, offer and contact,
    # words the employer's own ad does not have
    short = ("Tempo Personeel: werk dat bij je past. Onze klant is een groeiende organisatie "
             "in Bleiswijk. Wij zoeken een orderpicker voor 32 uur per week in Bleiswijk. Je "
             "verdient 14,50 euro per uur. Vragen? Bel Anouk van Tempo Personeel via "
             "085-2223300.")
    assert short.split(". ")[1] in AGENCY_COPY and short.split(". ")[1] not in OWN_TEXT
    board = crawl(Vacancy(id="bord:3", title="Orderpicker (m/v) 32 uur", place="Bleiswijk",
                          employer="Tempo Personeel", source="bord", description=short))

    store = VacancyStore.open(db_path)
    assert board.duplicates == 1 and board.new == 0
    assert store.alias_of("bord:3") == "werkgever:1"
    assert [s.vacancy.id for s in store.vacancies()] == ["werkgever:1"]
