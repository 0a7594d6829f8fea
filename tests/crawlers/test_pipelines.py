"""The pipeline and its ingest process, a real child process on a real store: items go
through the pipe and are written and counted, sources side by side share one ingest, and
an ingest that dies is one clear error."""

from __future__ import annotations

import os
import signal
from types import SimpleNamespace

import pytest
from scrapy.settings import Settings as ScrapySettings

from crawlers.pipelines import IngestError, IngestPipeline, IngestProcess
from crawlers.report import SourceReport
from crawlers.sources import Source
from crawlers.state import CrawlState, PageDone, UnreadPage
from tests.crawlers.test_ingest import note, vacancy
from tests.vacancies.test_dedup import AGENCY_COPY, BOILERPLATE, OWN_TEXT
from vacancies.model import Vacancy
from vacancies.store import VacancyStore

POSTING = ('<html lang="nl"><script type="application/ld+json">{"@type": "JobPosting", '
           '"title": "Kok", "identifier": "k1", "description": "Je kookt elke dag verse soep '
           'voor de bewoners en je werkt in een vast team van collega\'s in de keuken."}'
           "</script></html>")


def test_items_sent_to_the_ingest_process_are_written_and_counted(db_path):
    ingest = IngestProcess(db_path, languages=["nl"])
    try:
        ingest.send(note("a", vacancy("a")), source="site", crawl=1)
        ingest.send(PageDone(source="site", url="https://site.nl/k", crawl=1, unread=UnreadPage(
            kind="jobposting", text=POSTING, url="https://site.nl/k")), source="site", crawl=1)
        assert ingest.counts("site") == {"items": 2, "new": 2}
        assert ingest.counts("site") == {}  # counted once
    finally:
        ingest.stop()

    store = VacancyStore.open(db_path)
    assert sorted(s.vacancy.title for s in store.vacancies()) == ["Kok", "Orderpicker"]
    assert CrawlState(store.db).page("site", "https://site.nl/k").done_crawl == 1


def crawler(db_path, name: str) -> SimpleNamespace:  # noqa: ANN001
    spider = SimpleNamespace(report=SourceReport(), crawl_number=1,
                             source=Source(name=name, kind="jobposting",
                                           sitemap=f"https://{name}.nl/robots.txt"))
    return SimpleNamespace(settings=ScrapySettings({"SPOORZOEKER_DB": str(db_path),
                                                    "SPOORZOEKER_LANGUAGES": ["nl"]}),
                           spider=spider)


def test_sources_side_by_side_share_one_ingest_and_see_each_others_vacancies(db_path):
    employer, agency = crawler(db_path, "werkgever"), crawler(db_path, "tempo")
    pipelines = [IngestPipeline.from_crawler(employer), IngestPipeline.from_crawler(agency)]
    for pipeline in pipelines:
        pipeline.open_spider()
    assert pipelines[0].ingest is pipelines[1].ingest
    pipelines[0].process_item(Vacancy(
        id="werkgever:1", title="Orderpicker", place="Bleiswijk", source="werkgever",
        employer="Groenhuis Distributie B.V.", description=f"{BOILERPLATE} {OWN_TEXT}"))
    pipelines[1].process_item(Vacancy(
        id="tempo:7", title="Orderpicker", place="Bleiswijk", employer="Tempo Personeel",
        source="tempo", description=AGENCY_COPY))  # before either was written
    for pipeline in pipelines:
        pipeline.close_spider()

    assert (employer.spider.report.new, agency.spider.report.duplicates) == (1, 1)
    assert VacancyStore.open(db_path).alias_of("tempo:7") == "werkgever:1"


def test_an_ingest_process_that_dies_is_one_clear_error_and_keeps_what_it_wrote(db_path):
    ingest = IngestProcess(db_path, languages=["nl"])
    ingest.send(note("a", vacancy("a")), source="site", crawl=1)
    assert ingest.counts("site") == {"items": 1, "new": 1}
    os.kill(ingest.pid, signal.SIGKILL)
    with pytest.raises(IngestError, match="Het opslaan van vacatures is onverwacht gestopt"):
        for key in ("b", "c") * 20:  # the pipe takes a bunch or two before it breaks
            ingest.send(note(key, vacancy(key)), source="site", crawl=1)
        ingest.counts("site")
    with pytest.raises(IngestError):
        ingest.send(note("b", vacancy("b")), source="site", crawl=1)
    ingest.stop()  # no second error

    assert [s.vacancy.id for s in VacancyStore.open(db_path).vacancies()] == ["site:a"]


def test_an_ingest_that_cannot_open_its_store_says_so_before_the_crawl_fetches(tmp_path):
    ingest = IngestProcess(tmp_path, languages=["nl"])  # a folder is no database
    with pytest.raises(IngestError, match="Het opslaan van vacatures is onverwacht gestopt"):
        ingest.wait_ready()
    ingest.stop()
