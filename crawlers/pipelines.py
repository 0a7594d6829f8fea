"""Item pipelines: validate, deduplicate and store what the spiders yield, and count it.

`LanguagePipeline` drops vacancies in a language the coaches do not place
(counted as `other_language`). `StorePipeline` writes vacancies and page notes
in batches, one transaction each, so a crawl killed halfway leaves either a
page with its vacancies or neither. A new vacancy that is a near-duplicate of
an open one (any source) becomes an alias of it (`duplicates` in the report);
otherwise it is stored as itself and counted `new`, `updated` or `unchanged`.
"""

from __future__ import annotations

import itertools
import logging
import time
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

from scrapy.exceptions import DropItem

from crawlers.parsers.common import guess_language
from crawlers.state import CrawlState, PageDone
from vacancies.dedup import (
    DuplicateFinder,
    Fingerprint,
    fingerprint,
    load_finder,
    save_fingerprint,
)
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
        # Per page: its note (None for a vacancy yielded on its own) and its vacancies, each
        # with the canonical vacancy it duplicates.
        self.buffer: list[tuple[PageDone | None, list[tuple[Vacancy, str | None]]]] = []
        self.buffered = 0
        # Vacancies found but not yet written: their fingerprint and the canonical vacancy
        # they duplicate (None for a new canonical one).
        self.pending: dict[str, tuple[Fingerprint, str | None]] = {}
        self.flushed_at = time.monotonic()
        self.today = date.today()

    @classmethod
    def from_crawler(cls, crawler: Any) -> StorePipeline:
        store = VacancyStore.open(Path(crawler.settings["SPOORZOEKER_DB"]))
        # In WAL mode NORMAL syncs at checkpoints, not at every batch's commit; the database
        # stays whole. A power cut may undo the last batches: their page notes go with them
        # (same transaction), so the next crawl fetches those pages again.
        store.db.execute("PRAGMA synchronous = NORMAL")
        return cls(crawler, store)

    def open_spider(self) -> None:
        key = str(self.crawler.settings["SPOORZOEKER_DB"])
        if key not in _FINDERS:
            _FINDERS[key] = load_finder(self.store.db, open_vacancies=itertools.chain(
                self.store.open_texts(), self.store.open_alias_texts()))
        self.finder = _FINDERS[key]

    def close_spider(self) -> None:
        self.flush()

    def process_item(self, item: Any) -> Any:
        if isinstance(item, Vacancy | PageDone):
            vacancies = (item,) if isinstance(item, Vacancy) else item.vacancies
            self.crawler.spider.report.items += len(vacancies)
            self.buffer.append((item if isinstance(item, PageDone) else None,
                                [(vacancy, self._canonical(vacancy)) for vacancy in vacancies]))
            self.buffered += len(vacancies) + 1
            if self.buffered >= BATCH_ITEMS or \
                    time.monotonic() - self.flushed_at >= BATCH_SECONDS:
                self.flush()
        return item

    def flush(self) -> None:
        """Write the buffered vacancies and page notes in one transaction (one commit per
        batch). Each vacancy is written under its own savepoint: one that cannot be stored
        is counted (`store_error`) and undone alone, and its page is noted as not read
        well, so the next crawl reads it again instead of skipping it as unchanged."""
        if not self.buffer:
            return
        spider = self.crawler.spider
        crawl = getattr(spider, "crawl_number", None)
        seen_at = utc_now()
        with self.store.batch():
            for note, vacancies in self.buffer:
                stored = all([self._store_safely(vacancy, canonical, crawl=crawl,
                                                 seen_at=seen_at)
                              for vacancy, canonical in vacancies])
                if note is None:
                    continue
                if not stored:
                    note = replace(note, ok=False, etag=None, last_modified=None,
                                   body_hash=None)
                if note.unchanged:
                    known = self.state.page(note.source, note.url)
                    if known is not None:
                        counts = self.store.touch(known.record_ids, crawl=crawl, seen_at=seen_at,
                                                  today=self.today)
                        spider.report.items += sum(counts.values())
                        spider.report.unchanged += counts["unchanged"]
                        spider.report.updated += counts["updated"]
                        spider.report.duplicates += counts["duplicates"]
                self.state.save(note)
        self.buffer.clear()
        self.buffered = 0
        self.flushed_at = time.monotonic()

    def _store_safely(self, vacancy: Vacancy, canonical: str | None, *, crawl: int | None,
                      seen_at: str) -> bool:
        """Store one vacancy under a savepoint and count it; False when it failed."""
        try:
            with self.store.savepoint():
                counted = self._store(vacancy, canonical, crawl=crawl, seen_at=seen_at)
        except Exception:  # noqa: BLE001 (one bad record must not cost the batch)
            logger.warning("%s could not be stored", vacancy.id, exc_info=True)
            self.crawler.spider.report.error("store_error")
            _, duplicated = self.pending.pop(vacancy.id, (None, ""))
            if duplicated is None and self.finder is not None:
                self.finder.remove(vacancy.id)  # not stored: no repost may join it
            return False
        self.pending.pop(vacancy.id, None)
        report = self.crawler.spider.report
        for name in counted:
            setattr(report, name, getattr(report, name) + 1)
        return True

    def _canonical(self, vacancy: Vacancy) -> str | None:
        """The vacancy this one duplicates, decided when it arrives; a new canonical vacancy
        joins the finder at once, so a repost later in the same crawl finds it."""
        if vacancy.id in self.pending:
            return self.pending[vacancy.id][1]
        known, canonical = self.store.known(vacancy.id)
        if known or self.finder is None:
            return canonical
        print_ = fingerprint(title=vacancy.title, description=vacancy.description,
                             place=vacancy.place, employer=vacancy.employer)
        canonical = self.finder.find(print_, exclude=vacancy.id)
        if canonical is None:
            self.finder.add(vacancy.id, print_)
        self.pending[vacancy.id] = (print_, canonical)
        return canonical

    def _store(self, vacancy: Vacancy, canonical: str | None, *, crawl: int | None,
               seen_at: str) -> list[str]:
        """Write one vacancy; the report counters it adds to."""
        if canonical is not None:
            self.store.add_alias(vacancy, canonical_id=canonical, seen_at=seen_at, crawl=crawl,
                                 today=self.today)
            self._save_print(vacancy)  # a later crawl finds copies of this copy too
            return ["duplicates"]
        change = self.store.upsert(vacancy, seen_at=seen_at, crawl=crawl, today=self.today)
        counted: list[str] = [change]
        if change == "new" and vacancy.valid_through and vacancy.valid_through < self.today:
            counted.append("closed")  # found already past its validThrough: stored, closed
        if change == "updated" and self.finder is not None:
            print_ = fingerprint(title=vacancy.title, description=vacancy.description,
                                 place=vacancy.place, employer=vacancy.employer)
            self.finder.add(vacancy.id, print_)
            self.pending[vacancy.id] = (print_, None)
        self._save_print(vacancy)
        return counted

    def _save_print(self, vacancy: Vacancy) -> None:
        if vacancy.id in self.pending:
            save_fingerprint(self.store.db, vacancy_id=vacancy.id,
                             content_hash=vacancy.content_hash(),
                             print_=self.pending[vacancy.id][0], title=vacancy.title)
