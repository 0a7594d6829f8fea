"""The item pipeline: hand what the spiders yield to the ingest process, and count it.

Spiders yield one `PageDone` per page (with the page's vacancies, or the page
unread) or a lone `Vacancy`. `IngestPipeline` sends them through an
`IngestProcess` to the ingest of the crawl's database (`crawlers.ingest`, a
process beside Scrapy's), which reads, checks the language, deduplicates and
writes them; when a spider closes, the pipeline waits until all it sent is written and
adds the ingest's counts to the source's report. Sources crawled side by side in
one process share one ingest process (started by the first spider that opens,
stopped by the last that closes).
"""

from __future__ import annotations

import logging
import os
import pickle
import queue
import socket
import subprocess
import sys
import threading
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from scrapy.utils.defer import deferred_from_coro

from crawlers.report import SourceReport
from crawlers.state import PageDone
from vacancies.errors import SpoorzoekerError
from vacancies.model import Vacancy

logger = logging.getLogger(__name__)

SEND_PAGES = 24  # pages gathered before they go through the pipe at once
QUEUED_BUNCHES = 16  # bunches that may wait for the ingest before the crawl waits too


class IngestError(SpoorzoekerError):
    """The ingest process stopped: what it had not written is read again next crawl."""


class IngestProcess:
    """The crawl's side of an ingest process for one database.

    The process is a fresh interpreter (`python -m crawlers.ingest`), not a fork of the
    crawl's: Scrapy's process has threads and an event loop a fork would copy half-way.
    The two talk over a socket pair, the child's end passed as a file descriptor. A
    thread of ours writes to it, so the crawl goes on fetching while the ingest writes a
    batch; only when `QUEUED_BUNCHES` bunches wait does the crawl wait too."""

    def __init__(self, db: Path, *, languages: list[str]) -> None:
        ours, theirs = socket.socketpair()
        root = str(Path(__file__).resolve().parents[1])
        path = os.pathsep.join(filter(None, [root, os.environ.get("PYTHONPATH")]))
        self._process = subprocess.Popen(
            [sys.executable, "-m", "crawlers.ingest", "--fd", str(theirs.fileno()),
             "--db", str(db), "--languages", ",".join(languages)],
            pass_fds=[theirs.fileno()], env={**os.environ, "PYTHONPATH": path},
            stdin=subprocess.DEVNULL)
        theirs.close()
        self._connection = Connection(ours.detach())
        self._outgoing: list[tuple[str, int | None, PageDone | Vacancy]] = []
        self._queue: queue.Queue[bytes | None] = queue.Queue(maxsize=QUEUED_BUNCHES)
        self._writer = threading.Thread(target=self._write, name="spoorzoeker-ingest-writer",
                                        daemon=True)
        self._writer.start()
        self._ready = False
        self.failed = False

    def wait_ready(self) -> None:
        """Wait until the ingest has loaded what the store knows (before the crawl fetches
        anything: a crawl that had to wait for it later would see its downloads time out)."""
        if self._ready:
            return
        try:
            self._connection.recv_bytes()
        except (EOFError, OSError) as error:
            raise self._failure() from error
        self._ready = True

    @property
    def pid(self) -> int:
        return self._process.pid

    def send(self, item: PageDone | Vacancy, *, source: str, crawl: int | None) -> None:
        """Pass an item on; bunches of `SEND_PAGES` go through the pipe at once."""
        if self.failed:
            raise self._failure()
        self._outgoing.append((source, crawl, item))
        if len(self._outgoing) >= SEND_PAGES:
            self._send_outgoing()

    def counts(self, source: str) -> dict[str, int]:
        """Everything sent so far written; what was counted for `source`."""
        self.wait_ready()
        self._send_outgoing()
        self._send(("counts", source))
        try:
            counts: dict[str, int] = pickle.loads(self._connection.recv_bytes())
        except (EOFError, OSError) as error:
            raise self._failure() from error
        return counts

    def stop(self) -> None:
        """Write what is left and end the process."""
        try:
            if not self.failed:
                self._send_outgoing()
                self._send(("stop",))
        except IngestError:
            pass  # reported where it was noticed
        finally:
            self._queue.put(None)
            self._writer.join(timeout=120)
            self._connection.close()
            try:
                self._process.wait(timeout=120)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait()

    def _send_outgoing(self) -> None:
        if self._outgoing:
            bunch, self._outgoing = self._outgoing, []
            self._send(("items", bunch))

    def _send(self, message: tuple[Any, ...]) -> None:
        if self.failed:
            raise self._failure()
        self._queue.put(pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL))

    def _write(self) -> None:
        """The writer thread: send what is queued, in order; after a failure, drop it (the
        crawl hears of the failure at its next item)."""
        while (message := self._queue.get()) is not None:
            if self.failed:
                continue
            try:
                self._connection.send_bytes(message)
            except OSError:
                self.failed = True

    def _failure(self) -> IngestError:
        self.failed = True
        try:
            code = f" (code {self._process.wait(timeout=2)})"
        except subprocess.TimeoutExpired:
            code = ""
        return IngestError(f"Het opslaan van vacatures is onverwacht gestopt{code}; wat nog "
                           "niet was opgeslagen, wordt bij de volgende crawl opnieuw gelezen.")

_SHARED: dict[str, tuple[IngestProcess, int]] = {}
"""Per database: its ingest process and how many open spiders use it."""


def _acquire(db: Path, *, languages: list[str]) -> IngestProcess:
    key = str(db)
    process, users = _SHARED.get(key, (None, 0))
    if process is not None:  # (one that failed stops every crawl that uses it)
        _SHARED[key] = (process, users + 1)
        return process
    process = IngestProcess(db, languages=languages)
    _SHARED[key] = (process, 1)
    process.wait_ready()
    return process


def _release(db: Path) -> None:
    key = str(db)
    process, users = _SHARED[key]
    if users > 1:
        _SHARED[key] = (process, users - 1)
        return
    del _SHARED[key]
    process.stop()


class IngestPipeline:
    """Sends items to the ingest process; at the end adds its counts to the report."""

    def __init__(self, crawler: Any, *, db: Path, languages: list[str]) -> None:
        self.crawler = crawler
        self.db = db
        self.languages = languages
        self.ingest: IngestProcess | None = None

    @classmethod
    def from_crawler(cls, crawler: Any) -> IngestPipeline:
        return cls(crawler, db=Path(crawler.settings["SPOORZOEKER_DB"]),
                   languages=list(crawler.settings.getlist("SPOORZOEKER_LANGUAGES") or ["nl"]))

    def open_spider(self) -> None:
        try:
            self.ingest = _acquire(self.db, languages=self.languages)
        except IngestError:  # said once, by the first item (it stops the crawl) or the close
            self.ingest = _SHARED[str(self.db)][0]

    def process_item(self, item: Any) -> Any:
        if self.ingest is not None and isinstance(item, Vacancy | PageDone):
            spider = self.crawler.spider
            try:
                self.ingest.send(item, source=spider.source.name,
                                 crawl=getattr(spider, "crawl_number", None))
            except IngestError as error:
                self._stop_crawl(error)
        return item

    def close_spider(self) -> None:
        if self.ingest is None:
            return
        spider = self.crawler.spider
        try:
            _add_counts(spider.report, self.ingest.counts(spider.source.name))
        except IngestError as error:
            if not getattr(spider, "ingest_failed", False):
                logger.error("%s: %s", spider.source.name, error)
                spider.report.error("store_error")
        finally:
            _release(self.db)
            self.ingest = None

    def _stop_crawl(self, error: IngestError) -> None:
        """Without its ingest a crawl reads for nothing: it stops unfinished, so the next
        crawl resumes it and reads again what was not written."""
        spider = self.crawler.spider
        if getattr(spider, "ingest_failed", False):
            return
        spider.ingest_failed = True
        logger.error("%s: %s", spider.source.name, error)
        spider.report.error("store_error")
        deferred_from_coro(self.crawler.engine.close_spider_async(reason="ingest_failed"))


def _add_counts(report: SourceReport, counts: dict[str, int]) -> None:
    for name, step in counts.items():
        if name.startswith("error:"):
            report.errors[name.removeprefix("error:")] += step
        else:
            setattr(report, name, getattr(report, name) + step)
