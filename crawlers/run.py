"""Running a crawl of the configured sources with Scrapy, politely.

One Scrapy process runs every enabled source, each as its own crawler with
its own delay and concurrency. The bundled demo site (a source with
`serve_demo = true`) is served on 127.0.0.1 for the length of the crawl.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import Any

from scrapy.crawler import CrawlerProcess

from config import Settings
from crawlers.report import SourceReport
from crawlers.sources import Source
from crawlers.spiders import JobPostingSpider
from vacancies.errors import ConfigError
from vacancies.store import VacancyStore

logger = logging.getLogger(__name__)

SPIDERS = {"jobposting": JobPostingSpider}


def scrapy_settings(*, settings: Settings) -> dict[str, Any]:
    """Polite defaults for every source: robots.txt, AutoThrottle, a clear user agent."""
    return {
        "USER_AGENT": settings.user_agent,
        "ROBOTSTXT_OBEY": True,
        "AUTOTHROTTLE_ENABLED": True,
        "AUTOTHROTTLE_TARGET_CONCURRENCY": 1.0,
        "CONCURRENT_REQUESTS_PER_DOMAIN": settings.concurrency_per_domain,
        "DOWNLOAD_DELAY": settings.download_delay,
        "DOWNLOAD_TIMEOUT": 30,
        "RETRY_TIMES": 2,
        "COOKIES_ENABLED": False,
        "TELNETCONSOLE_ENABLED": False,
        "LOG_LEVEL": settings.log_level,
        "ITEM_PIPELINES": {"crawlers.pipelines.StorePipeline": 300},
        "SPOORZOEKER_DB": str(settings.db),
    }


def crawl(*, sources: list[Source], settings: Settings,
          on_item: Callable[[str], None] | None = None) -> dict[str, SourceReport]:
    """Crawl the given sources into the store; failures are counted, never fatal."""
    unsupported = [s for s in sources if s.kind not in SPIDERS]
    for source in unsupported:
        logger.warning("source %s: kind %s is not supported yet", source.name, source.kind)
    reports = {source.name: SourceReport() for source in sources}
    for source in unsupported:
        reports[source.name].error("unsupported_kind")
    runnable = [s for s in sources if s.kind in SPIDERS]
    with _served(runnable) as resolved:
        process = CrawlerProcess(scrapy_settings(settings=settings), install_root_handler=False)
        for source in resolved:
            spider_class = type(f"{SPIDERS[source.kind].__name__}_{len(reports)}",
                                (SPIDERS[source.kind],), {"custom_settings": _per_source(source)})
            crawler = process.create_crawler(spider_class)
            if on_item is not None:
                crawler.signals.connect(
                    lambda name=source.name, **_: on_item(name),
                    signal=_item_scraped())
            process.crawl(crawler, source=source, report=reports[source.name])
        process.start()
    store = VacancyStore.open(Path(settings.db))
    expired = store.close_expired(today=date.today())
    if expired:
        logger.info("closed %d vacancies past their validThrough", expired)
    return reports


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
