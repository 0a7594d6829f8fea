"""Spiders: they only navigate. Reading a page is the parsers' work.

`JobPostingSpider` serves every site that publishes schema.org JobPostings:
it follows the sitemap (found through robots.txt or given) or the start
URLs and hands each page to `crawlers.parsers.jobposting`.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Iterator
from typing import Any

from scrapy import Request
from scrapy.http import Response, TextResponse
from scrapy.spidermiddlewares.httperror import HttpError
from scrapy.spiders import SitemapSpider
from twisted.internet.error import DNSLookupError, TCPTimedOutError, TimeoutError
from twisted.python.failure import Failure

from crawlers.parsers.jobposting import parse_page
from crawlers.report import SourceReport
from crawlers.sources import Source

logger = logging.getLogger(__name__)


class JobPostingSpider(SitemapSpider):
    """Crawls one `jobposting` source: its sitemap or its start pages."""

    name = "jobposting"

    def __init__(self, *args: Any, source: Source, report: SourceReport, **kwargs: Any) -> None:
        self.source = source
        self.report = report
        self.sitemap_urls = [source.sitemap] if source.sitemap else []
        if source.allowed_domains:
            self.allowed_domains = list(source.allowed_domains)
        super().__init__(*args, **kwargs)

    async def start(self) -> AsyncIterator[Any]:
        for url in self.sitemap_urls:
            yield Request(url, callback=self._parse_sitemap, errback=self.failed)
        for url in self.source.start_urls:
            yield Request(url, callback=self.parse, errback=self.failed)

    def _parse_sitemap(self, response: Response) -> Iterator[Request]:
        self.report.pages += 1
        for request in super()._parse_sitemap(response):
            yield request.replace(errback=self.failed)

    def parse(self, response: Response, **kwargs: Any) -> Iterator[Any]:
        self.report.pages += 1
        if not isinstance(response, TextResponse):
            self.report.error("not_html")
            return
        page = parse_page(response.text, url=response.url, source=self.source.name)
        for problem in page.problems:
            self.report.error(problem)
        yield from page.vacancies

    def failed(self, failure: Failure) -> None:
        """Count a failed request by kind; the crawl goes on."""
        if failure.check(HttpError):
            kind = f"http_{failure.value.response.status}"
        elif failure.check(DNSLookupError):
            kind = "dns"
        elif failure.check(TimeoutError, TCPTimedOutError):
            kind = "timeout"
        else:
            kind = type(failure.value).__name__
        self.report.error(kind)
        logger.info("%s: request failed (%s)", self.source.name, kind)
