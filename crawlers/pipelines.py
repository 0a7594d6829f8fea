"""Item pipelines: validate, deduplicate and store what the spiders yield, and count it.

`LanguagePipeline` drops vacancies in a language the coaches do not place
(counted as `other_language`). `StorePipeline` writes vacancies and page notes
in batches, one transaction each, so a crawl killed halfway leaves either a
page with its vacancies or neither. A new vacancy that is a near-duplicate of
an open one (any source) becomes an alias of it (`duplicates` in the report);
otherwise it is stored as itself and counted `new`, `updated` or `unchanged`.
"""

from __future__ import annotations

import logging
import time
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

from scrapy.exceptions import DropItem

from crawlers.parsers.common import guess_language
from crawlers.state import CrawlState, PageDone
from vacancies.dedup import DuplicateFinder, fingerprint, load_finder, save_fingerprint
from vacancies.model import Vacancy
from vacancies.store import VacancyStore, utc_now

logger = logging.getLogger(__name__)

BATCH_ITEMS = 200
BATCH_SECONDS = 1.0

_FINDERS: dict[str, DuplicateFinder] = {}
"""One finder per database for the whole process: sources crawled side by side see each
other's vacancies at once, before either has written them."""


def reset_finders() -> None:
    """Forget the finders of an earlier crawl in this process (the store may have changed)."""
    _FINDERS.clear()


class LanguagePipeline:
    """Keeps vacancies written in an accepted language (or whose language is unclear)."""

    def __init__(self, crawler: Any, languages: list[str]) -> None:
        self.crawler = crawler
        self.languages = set(languages)

    @classmethod
    def from_crawler(cls, crawler: Any) -> LanguagePipeline:
        return cls(crawler, list(crawler.settings.getlist("SPOORZOEKER_LANGUAGES") or ["nl"]))

    def process_item(self, item: Any) -> Any:
        if not self.languages:
            return item
        if isinstance(item, Vacancy):
            if not self._accepted(item):
                raise DropItem(f"{item.id}: not in an accepted language")
        elif isinstance(item, PageDone) and item.vacancies:
            kept = tuple(vacancy for vacancy in item.vacancies if self._accepted(vacancy))
            if len(kept) != len(item.vacancies):
                return replace(item, vacancies=kept)
        return item

    def _accepted(self, vacancy: Vacancy) -> bool:
        language = guess_language(f"{vacancy.title}\n{vacancy.description}")
        if language is not None and language not in self.languages:
            self.crawler.spider.report.error("other_language")
            return False
        return True


class StorePipeline:
    """Writes vacancies and page notes to the store in batches and counts each vacancy."""

    def __init__(self, crawler: Any, store: VacancyStore) -> None:
        self.crawler = crawler
        self.store = store
        self.state = CrawlState(store.db)
        self.finder: DuplicateFinder | None = None
        self.buffer: list[Any] = []
        self.pending: dict[str, Any] = {}  # new canonical vacancies not yet written
        self.flushed_at = time.monotonic()
        self.today = date.today()

    @classmethod
    def from_crawler(cls, crawler: Any) -> StorePipeline:
        return cls(crawler, VacancyStore.open(Path(crawler.settings["SPOORZOEKER_DB"])))

    def open_spider(self) -> None:
        key = str(self.crawler.settings["SPOORZOEKER_DB"])
        if key not in _FINDERS:
            _FINDERS[key] = load_finder(self.store.db, open_vacancies=self.store.open_texts())
        self.finder = _FINDERS[key]

    def close_spider(self) -> None:
        self.flush()

    def process_item(self, item: Any) -> Any:
        if isinstance(item, Vacancy | PageDone):
            vacancies = (item,) if isinstance(item, Vacancy) else item.vacancies
            self.crawler.spider.report.items += len(vacancies)
            for vacancy in vacancies:
                self.buffer.append((vacancy, self._canonical(vacancy)))
            if isinstance(item, PageDone):
                self.buffer.append(item)
            if len(self.buffer) >= BATCH_ITEMS or \
                    time.monotonic() - self.flushed_at >= BATCH_SECONDS:
                self.flush()
        return item

    def flush(self) -> None:
        """Write the buffered vacancies and page notes in one transaction."""
        if not self.buffer:
            return
        spider = self.crawler.spider
        crawl = getattr(spider, "crawl_number", None)
        seen_at = utc_now()
        with self.store.batch():
            for item in self.buffer:
                if isinstance(item, tuple):
                    self._store(*item, crawl=crawl, seen_at=seen_at)
                    continue
                if item.unchanged:
                    known = self.state.page(item.source, item.url)
                    if known is not None:
                        counts = self.store.touch(known.record_ids, crawl=crawl, seen_at=seen_at,
                                                  today=self.today)
                        spider.report.items += sum(counts.values())
                        spider.report.unchanged += counts["unchanged"]
                        spider.report.updated += counts["updated"]
                        spider.report.duplicates += counts["duplicates"]
                self.state.save(item)
        self.buffer.clear()
        self.flushed_at = time.monotonic()

    def _canonical(self, vacancy: Vacancy) -> str | None:
        """The vacancy this one duplicates, decided when it arrives; a new canonical vacancy
        joins the finder at once, so a repost later in the same crawl finds it."""
        canonical = self.store.alias_of(vacancy.id)
        if canonical is not None or self.finder is None or vacancy.id in self.pending:
            return canonical
        if any(self.store.db.query("select 1 from vacancies where id = ?", [vacancy.id])):
            return None
        print_ = fingerprint(title=vacancy.title, description=vacancy.description,
                             place=vacancy.place, employer=vacancy.employer)
        canonical = self.finder.find(print_, exclude=vacancy.id)
        if canonical is None:
            self.finder.add(vacancy.id, print_)
            self.pending[vacancy.id] = print_
        return canonical

    def _store(self, vacancy: Vacancy, canonical: str | None, *, crawl: int | None,
               seen_at: str) -> None:
        report = self.crawler.spider.report
        if canonical is not None:
            self.store.add_alias(vacancy, canonical_id=canonical, seen_at=seen_at, crawl=crawl,
                                 today=self.today)
            report.duplicates += 1
            return
        change = self.store.upsert(vacancy, seen_at=seen_at, crawl=crawl, today=self.today)
        setattr(report, change, getattr(report, change) + 1)
        if change == "new" and vacancy.valid_through and vacancy.valid_through < self.today:
            report.closed += 1  # found already past its validThrough: stored, closed
        print_ = self.pending.pop(vacancy.id, None)
        if change == "updated" and self.finder is not None:
            print_ = fingerprint(title=vacancy.title, description=vacancy.description,
                                 place=vacancy.place, employer=vacancy.employer)
            self.finder.add(vacancy.id, print_)
        if print_ is not None:
            save_fingerprint(self.store.db, vacancy_id=vacancy.id,
                             content_hash=vacancy.content_hash(), print_=print_,
                             title=vacancy.title)
