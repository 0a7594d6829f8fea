"""Storing what a crawl reads: language check, deduplication and writing, per batch.

`Ingest` takes what spiders yield (a `PageDone` note with the page's vacancies, or
a lone `Vacancy`) and keeps vacancies in a language the coaches place (others are
counted as `other_language`). A new vacancy that is a near-duplicate of an open
one (any source) becomes an alias of it (`duplicates` in the report); otherwise it
is stored as itself and counted `new`, `updated` or `unchanged`. Vacancies and
page notes are written in batches, one transaction each, so a crawl killed
halfway leaves either a page with its vacancies or neither.

`python -m crawlers.ingest` runs one `Ingest` in a process of its own, beside
Scrapy's (`crawlers.pipelines.IngestProcess` starts it and talks to it).
"""

from __future__ import annotations

import argparse
import gc
import itertools
import logging
import os
import pickle
import signal
import sys
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import replace
from datetime import date
from multiprocessing.connection import Connection
from pathlib import Path

from crawlers.parsers import jobposting
from crawlers.parsers.common import PageResult, guess_language
from crawlers.state import CrawlState, PageDone
from vacancies.dedup import DuplicateFinder, Fingerprint, fingerprint, load_finder, save_fingerprint
from vacancies.model import Vacancy
from vacancies.store import VacancyStore, utc_now

logger = logging.getLogger(__name__)

PARSERS: dict[str, Callable[..., PageResult]] = {"jobposting": jobposting.parse_page}
"""The parsers of pages spiders pass on unread, by source kind."""
NICENESS = 15  # the ingest process's scheduling priority below the crawl's
BATCH_ITEMS = 200
BATCH_SECONDS = 1.0


class Ingest:
    """Checks, deduplicates and writes crawled items in batches, and counts per source."""

    def __init__(self, store: VacancyStore, *, finder: DuplicateFinder,
                 languages: list[str]) -> None:
        self.store = store
        self.state = CrawlState(store.db)
        self.languages = set(languages)
        self.finder = finder
        # Per page: its note (None for a vacancy yielded on its own), the crawl number and
        # its vacancies, each with the canonical vacancy it duplicates.
        self.buffer: list[tuple[PageDone | None, str, int | None,
                                list[tuple[Vacancy, str | None]]]] = []
        self.buffered = 0
        # Vacancies found but not yet written: their fingerprint and the canonical vacancy
        # they duplicate (None for a new canonical one).
        self.pending: dict[str, tuple[Fingerprint, str | None]] = {}
        self.counts: dict[str, Counter[str]] = {}
        self.flushed_at = time.monotonic()
        self.today = date.today()

    @classmethod
    def open(cls, db: Path, *, languages: list[str]) -> Ingest:
        store = VacancyStore.open(db)
        # In WAL mode NORMAL syncs at checkpoints, not at every batch's commit; the database
        # stays whole. A power cut may undo the last batches: their page notes go with them
        # (same transaction), so the next crawl fetches those pages again.
        store.db.execute("PRAGMA synchronous = NORMAL")
        finder = load_finder(store.db, open_vacancies=itertools.chain(
            store.open_texts(), store.open_alias_texts()))
        return cls(store, finder=finder, languages=languages)

    def add(self, item: PageDone | Vacancy, *, source: str, crawl: int | None) -> None:
        """Take one item; a full batch (or one older than `BATCH_SECONDS`) is written."""
        self.add_all([(source, crawl, item)])

    def add_all(self, items: list[tuple[str, int | None, PageDone | Vacancy]]) -> None:
        """Take a bunch of (source, crawl number, item), as `add` would one by one, but
        stage by stage: every page read, then every language checked, then every vacancy
        deduplicated (in order). Each stage's code and data then stay in the processor's
        caches; item by item, a bench page cost about 15% more."""
        read = [(source, crawl, self._read(item, source=source)
                 if isinstance(item, PageDone) and item.unread is not None else item)
                for source, crawl, item in items]
        checked = [(source, crawl, self._checked(item, source=source))
                   for source, crawl, item in read]
        decided = [(source, crawl, item, [(vacancy, self._canonical(vacancy))
                                          for vacancy in _vacancies(item)])
                   for source, crawl, item in checked]
        for source, crawl, item, vacancies in decided:
            self.count(source, "items", len(vacancies))
            self.buffer.append((item if isinstance(item, PageDone) else None, source, crawl,
                                vacancies))
            self.buffered += len(vacancies) + 1
            if (self.buffered >= BATCH_ITEMS
                    or time.monotonic() - self.flushed_at >= BATCH_SECONDS):
                self.flush()

    def count(self, source: str, name: str, step: int = 1) -> None:
        self.counts.setdefault(source, Counter())[name] += step

    def take_counts(self, source: str) -> dict[str, int]:
        """What was counted for `source` since the last time it was asked (report fields;
        errors as `error:<kind>`)."""
        return dict(self.counts.pop(source, Counter()))

    def flush(self) -> None:
        """Write the buffered vacancies and page notes in one transaction (one commit per
        batch). Each vacancy is written under its own savepoint: one that cannot be stored
        is counted (`store_error`) and undone alone, and its page is noted as not read
        well, so the next crawl reads it again instead of skipping it as unchanged."""
        if not self.buffer:
            return
        seen_at = utc_now()
        with self.store.batch():
            for note, source, crawl, vacancies in self.buffer:
                stored = all([self._store_safely(vacancy, canonical, source=source,
                                                 crawl=crawl, seen_at=seen_at)
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
                        self.count(source, "items", sum(counts.values()))
                        for name in ("unchanged", "updated", "duplicates"):
                            self.count(source, name, counts[name])
                self.state.save(note)
        self.buffer.clear()
        self.buffered = 0
        self.flushed_at = time.monotonic()

    # --- inside ---------------------------------------------------------------------------

    def _read(self, note: PageDone, *, source: str) -> PageDone:
        """The note of an unread page with the vacancies its parser finds (problems counted)."""
        assert note.unread is not None
        page = PARSERS[note.unread.kind](note.unread.text, url=note.unread.url, source=source)
        for problem in page.problems:
            self.count(source, f"error:{problem}")
        return replace(note, unread=None, vacancies=tuple(page.vacancies),
                       record_ids=tuple(vacancy.id for vacancy in page.vacancies))

    def _checked(self, item: PageDone | Vacancy, *, source: str) -> PageDone | Vacancy | None:
        """The item without its vacancies in a language the coaches do not place (a lone
        vacancy in such a language: None)."""
        if isinstance(item, Vacancy):
            return item if self._accepted(item, source=source) else None
        kept = [vacancy for vacancy in item.vacancies if self._accepted(vacancy, source=source)]
        if len(kept) == len(item.vacancies):
            return item
        dropped = {vacancy.id for vacancy in item.vacancies} - {vacancy.id for vacancy in kept}
        return replace(item, vacancies=tuple(kept), record_ids=tuple(
            record_id for record_id in item.record_ids if record_id not in dropped))

    def _accepted(self, vacancy: Vacancy, *, source: str) -> bool:
        """Whether a vacancy is written in an accepted language (or its language is unclear)."""
        if not self.languages:
            return True
        language = guess_language(f"{vacancy.title}\n{vacancy.description}")
        if language is not None and language not in self.languages:
            self.count(source, "error:other_language")
            return False
        return True

    def _store_safely(self, vacancy: Vacancy, canonical: str | None, *, source: str,
                      crawl: int | None, seen_at: str) -> bool:
        """Store one vacancy under a savepoint and count it; False when it failed."""
        try:
            with self.store.savepoint():
                counted = self._store(vacancy, canonical, crawl=crawl, seen_at=seen_at)
        except Exception:  # noqa: BLE001 (one bad record must not cost the batch)
            logger.warning("%s could not be stored", vacancy.id, exc_info=True)
            self.count(source, "error:store_error")
            _, duplicated = self.pending.pop(vacancy.id, (None, ""))
            if duplicated is None:
                self.finder.remove(vacancy.id)  # not stored: no repost may join it
            return False
        self.pending.pop(vacancy.id, None)
        for name in counted:
            self.count(source, name)
        return True

    def _canonical(self, vacancy: Vacancy) -> str | None:
        """The vacancy this one duplicates, decided when it arrives; a new canonical vacancy
        joins the finder at once, so a repost later in the same crawl finds it."""
        if vacancy.id in self.pending:
            return self.pending[vacancy.id][1]
        known, canonical = self.store.known(vacancy.id)
        if known:
            return canonical
        print_ = _fingerprint(vacancy)
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
        if change == "updated":
            print_ = _fingerprint(vacancy)
            self.finder.add(vacancy.id, print_)
            self.pending[vacancy.id] = (print_, None)
        self._save_print(vacancy)
        return counted

    def _save_print(self, vacancy: Vacancy) -> None:
        if vacancy.id in self.pending:
            save_fingerprint(self.store.db, vacancy_id=vacancy.id,
                             content_hash=vacancy.content_hash(),
                             print_=self.pending[vacancy.id][0], title=vacancy.title)


def _vacancies(item: PageDone | Vacancy | None) -> tuple[Vacancy, ...]:
    if item is None:
        return ()
    return (item,) if isinstance(item, Vacancy) else item.vacancies


def _fingerprint(vacancy: Vacancy) -> Fingerprint:
    return fingerprint(title=vacancy.title, description=vacancy.description,
                       place=vacancy.place, employer=vacancy.employer)


# --- the ingest's own process -----------------------------------------------------------

def serve(connection: Connection, *, db: Path, languages: list[str]) -> None:
    """The ingest process: take bunches of items until the crawl's process says `stop`
    (or is gone), writing a batch when it is full or a second old; answer `counts`. It
    says `ready` once its finder is loaded."""
    ingest = Ingest.open(db, languages=languages)
    gc.freeze()  # the finder just loaded lives as long as the process: never scan it again
    connection.send_bytes(pickle.dumps("ready"))
    try:
        while True:
            if not connection.poll(BATCH_SECONDS):
                ingest.flush()
                continue
            try:
                message = pickle.loads(connection.recv_bytes())
            except EOFError:  # the crawl's process is gone: keep what arrived whole
                break
            kind = message[0]
            if kind == "items":
                ingest.add_all(message[1])
            elif kind == "counts":
                ingest.flush()
                connection.send_bytes(pickle.dumps(ingest.take_counts(message[1])))
            elif kind == "stop":
                break
    finally:
        ingest.flush()
        ingest.store.db.close()


def main(argv: list[str] | None = None) -> None:
    """`python -m crawlers.ingest --fd N --db PATH --languages nl,en` (started by
    `IngestProcess`, not by people)."""
    parser = argparse.ArgumentParser(prog="python -m crawlers.ingest")
    parser.add_argument("--fd", type=int, required=True)
    parser.add_argument("--db", type=Path, required=True)
    parser.add_argument("--languages", default="nl")
    args = parser.parse_args(argv)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the crawl's to handle
    # Fetching waits on the network and on Scrapy; the ingest can catch up in the gaps (a
    # full queue makes the crawl wait for it). On two cores this gave the crawl ~5% more.
    os.nice(NICENESS)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    try:
        serve(Connection(args.fd), db=args.db,
              languages=[code for code in args.languages.split(",") if code])
    except Exception as error:  # noqa: BLE001 (one line for people; the crawl stops cleanly)
        logging.getLogger("crawlers.ingest").error("Opslaan gestopt: %s", error)
        sys.exit(1)


if __name__ == "__main__":
    main()
