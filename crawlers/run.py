"""Running a crawl of the configured sources with Scrapy, politely.

One Scrapy process runs every enabled source, each as its own crawler with
its own delay and concurrency. The bundled demo site (a source with
`serve_demo = true`) is served on 127.0.0.1 for the length of the crawl.

Each crawl of a source gets a number (`crawlers.state`). With
`crawl_resumable`, Scrapy's JOBDIR for the source lives beside the database:
a crawl that is cut off (Ctrl-C, a killed process) keeps its number and its
queue, and the next `crawl` resumes it; the spider fetches whatever the cut
lost. After a crawl that finished, lifecycle runs per source: records missed
by the last N successful crawls are closed, and so is what is past its
validThrough.
"""

from __future__ import annotations

import contextlib
import logging
import re
import shutil
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import Any

from scrapy.crawler import CrawlerProcess

from config import Settings
from crawlers.report import SourceReport
from crawlers.sources import Source
from crawlers.spiders import SPIDERS
from crawlers.state import CrawlState, PageDone
from vacancies.errors import ConfigError
from vacancies.store import VacancyStore

logger = logging.getLogger(__name__)


def scrapy_settings(*, settings: Settings) -> dict[str, Any]:
    """Polite defaults for every source: robots.txt, AutoThrottle, a clear user agent."""
    return {
        "USER_AGENT": settings.user_agent,
        "ROBOTSTXT_OBEY": True,
        "AUTOTHROTTLE_ENABLED": True,
        "AUTOTHROTTLE_TARGET_CONCURRENCY": 1.0,
        "CONCURRENT_REQUESTS_PER_DOMAIN": settings.concurrency_per_domain,
        "DOWNLOAD_DELAY": settings.download_delay,
        "DOWNLOAD_TIMEOUT": settings.download_timeout,
        "DOWNLOAD_MAXSIZE": settings.max_page_bytes,
        "DOWNLOAD_WARNSIZE": min(settings.warn_page_bytes, settings.max_page_bytes),
        "RETRY_TIMES": settings.retry_times,
        # 429 (and 503 with Retry-After) are retried by RetryAfterMiddleware, after the wait.
        "RETRY_HTTP_CODES": [500, 502, 503, 504, 522, 524, 408],
        "REDIRECT_MAX_TIMES": 5,
        # A page gives a few items: Scrapy's default of 100 parallel item tasks per
        # response only costs time.
        "CONCURRENT_ITEMS": 8,
        # Scrapy reads a callback's source (inspect + ast) to warn about `return value` in a
        # generator; its cache is keyed by the bound method, new for every request, so it
        # parsed our callbacks for every page. Our callbacks are covered by tests instead.
        "WARN_ON_GENERATOR_RETURN_VALUE": False,
        # JOBDIR's queue on disk: Scrapy's default (LIFO) truncates its file at every pop,
        # a system call per page; the FIFO queue reads its chunk files front to back.
        "SCHEDULER_DISK_QUEUE": "scrapy.squeues.PickleFifoDiskQueue",
        "DOWNLOADER_MIDDLEWARES": {"crawlers.middlewares.RetryAfterMiddleware": 560},
        "COOKIES_ENABLED": False,
        "TELNETCONSOLE_ENABLED": False,
        "REMOTE_CONTROL_ENABLED": False,  # no listening control port on a crawler
        "LOG_LEVEL": settings.log_level,
        "ITEM_PIPELINES": {"crawlers.pipelines.IngestPipeline": 300},
        "SPOORZOEKER_DB": str(settings.db),
        "SPOORZOEKER_LANGUAGES": list(settings.crawl_languages),
        "SPOORZOEKER_RETRY_AFTER_MAX": settings.retry_after_max,
    } | ({} if settings.crawl_autothrottle else {"AUTOTHROTTLE_ENABLED": False})


def crawl(*, sources: list[Source], settings: Settings,
          on_page: Callable[[str], None] | None = None,
          on_crawler: Callable[[Any], None] | None = None) -> dict[str, SourceReport]:
    """Crawl the given sources into the store; failures are counted, never fatal.

    `on_page(source name)` is called for every page handled (progress);
    `on_crawler(crawler)` for every Scrapy crawler before it starts (benchmarks)."""
    unsupported = [s for s in sources if s.kind not in SPIDERS]
    for source in unsupported:
        logger.warning("source %s: kind %s is not supported yet", source.name, source.kind)
    reports = {source.name: SourceReport() for source in sources}
    for source in unsupported:
        reports[source.name].error("unsupported_kind")
    runnable = [s for s in sources if s.kind in SPIDERS]
    store = VacancyStore.open(Path(settings.db))
    state = CrawlState(store.db)
    crawlers: dict[str, tuple[Any, int]] = {}
    counters: list[Callable[..., None]] = []
    with _served(runnable) as resolved:
        process = CrawlerProcess({**scrapy_settings(settings=settings),
                                  "LOG_INSTALL_ROOT_HANDLER": False})
        for source in resolved:
            number, resumed = state.begin(source.name)
            overrides = _per_source(source)
            if settings.crawl_resumable:
                jobdir = _jobdir(settings, source)
                if not resumed:
                    shutil.rmtree(jobdir, ignore_errors=True)
                overrides["JOBDIR"] = str(jobdir)
            if resumed:
                logger.info("source %s: resuming crawl %d", source.name, number)
            spider_class = type(f"{SPIDERS[source.kind].__name__}_{len(crawlers)}",
                                (SPIDERS[source.kind],), {"custom_settings": overrides})
            crawler = process.create_crawler(spider_class)
            if on_page is not None:
                counter = _counter(on_page, source.name)
                counters.append(counter)  # signal receivers are held weakly
                crawler.signals.connect(counter, signal=_item_scraped())
            if on_crawler is not None:
                on_crawler(crawler)
            process.crawl(crawler, source=source, report=reports[source.name],
                          crawl_number=number)
            crawlers[source.name] = (crawler, number)
        process.start()
    today = date.today()
    for name, (crawler, number) in crawlers.items():
        report = reports[name]
        reason = crawler.stats.get_value("finish_reason") if crawler.stats else None
        if reason != "finished":
            logger.warning("source %s: crawl %d stopped (%s); the next crawl resumes it",
                           name, number, reason)
            continue
        spider = crawler.spider
        successful = not getattr(spider, "entry_failed", True)
        state.finish(name, number, successful=successful)
        if settings.crawl_resumable:
            shutil.rmtree(_jobdir(settings, spider.source), ignore_errors=True)
        if successful:
            before = state.unseen_before(name, missed=settings.close_after_missed_crawls)
            if before is not None:
                report.closed += store.close_unseen(source=name, before_crawl=before)
        report.closed += store.close_expired(today=today, source=name)
    store.close_expired(today=today)  # ingested vacancies past their validThrough too
    return reports


def _jobdir(settings: Settings, source: Source) -> Path:
    return settings.crawl_jobs_dir / re.sub(r"[^\w.-]+", "_", source.name)


def _counter(on_page: Callable[[str], None], name: str) -> Callable[..., None]:
    def counted(item: Any = None, **_: Any) -> None:
        if isinstance(item, PageDone):
            on_page(name)

    return counted


def _item_scraped() -> object:
    from scrapy import signals

    return signals.item_scraped


def _per_source(source: Source) -> dict[str, Any]:
    overrides: dict[str, Any] = {}
    if source.download_delay is not None:
        overrides["DOWNLOAD_DELAY"] = source.download_delay
        overrides["AUTOTHROTTLE_START_DELAY"] = max(source.download_delay, 0.01)
    if source.concurrency is not None:
        overrides["CONCURRENT_REQUESTS_PER_DOMAIN"] = source.concurrency
    return overrides


@contextlib.contextmanager
def _served(sources: list[Source]) -> Iterator[list[Source]]:
    """Serve the bundled demo site while sources that ask for it are crawled."""
    if not any(source.serve_demo for source in sources):
        yield sources
        return
    from crawlers.demo_server import serve_demo_site

    with serve_demo_site() as base_url:
        yield [s.with_base_url(base_url) if s.serve_demo else s for s in sources]


def select_sources(sources: list[Source], *, only: str | None) -> list[Source]:
    """The enabled sources, or the one named with --only (even when disabled)."""
    if only is None:
        return [source for source in sources if source.enabled]
    chosen = [source for source in sources if source.name == only]
    if not chosen:
        names = ", ".join(source.name for source in sources) or "geen"
        raise ConfigError(f"Bron '{only}' staat niet in het bronnenbestand (wel: {names})")
    return chosen
