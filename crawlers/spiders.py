"""Spiders: they only navigate. Reading a page is the parsers' work.

One spider per kind of source (CONTRACTS §7):
- `JobPostingSpider` (`jobposting`): the sitemap (given, or found through
  robots.txt; sitemap indexes and gzip too) or the start pages; each page goes,
  unread, to the ingest process, which reads it with `crawlers.parsers.jobposting`.
  A page whose sitemap `lastmod` is what the last crawl saw is not fetched again.
- `RecruiteeSpider` (`recruitee`), `IndeedXmlSpider` (`indeed-xml`) and
  `RssSpider` (`rss`, following RFC 5005 `next` links): one feed address.

All of them are polite and incremental in the same way: a page fetched before
is asked for with If-None-Match / If-Modified-Since, and a 304 or a body with
the same hash as last time is not parsed again; its vacancies count as seen
and unchanged. Every failure is counted by kind; none stops the crawl. A crawl
whose sitemap or feed failed is not "successful", so lifecycle closes nothing
on its account.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path
from typing import Any, ClassVar

from scrapy import Request, Spider, signals
from scrapy.exceptions import DontCloseSpider, IgnoreRequest
from scrapy.http import Response
from scrapy.spidermiddlewares.httperror import HttpError
from scrapy.utils._compression import _DecompressionMaxSizeExceeded
from scrapy.utils.gz import gunzip, gzip_magic_number
from scrapy.utils.sitemap import Sitemap, sitemap_urls_from_robots
from twisted.internet.defer import CancelledError
from twisted.internet.error import (
    ConnectionLost,
    ConnectionRefusedError,
    DNSLookupError,
    TCPTimedOutError,
    TimeoutError,
)
from twisted.python.failure import Failure
from twisted.web._newclient import ResponseFailed, ResponseNeverReceived
from twisted.web.client import PotentialDataLoss

from crawlers.parsers import indeed_xml, recruitee, rss
from crawlers.parsers.common import PageResult, charset_of, decode_body
from crawlers.report import SourceReport
from crawlers.sources import Source
from crawlers.state import CrawlState, PageDone, PageState, UnreadPage
from vacancies.store import open_database

logger = logging.getLogger(__name__)

PARSER_VERSION = "1"
"""Part of every body hash: a new parser version reads unchanged pages again."""

_SCRAPY_ERRORS = {  # Scrapy >= 2.14 names download failures itself
    "CannotResolveHostError": "dns", "DownloadTimeoutError": "timeout",
    "DownloadCancelledError": "too_large", "DownloadConnectionRefusedError":
    "connection_refused", "ResponseDataLossError": "partial_response",
    "DownloadFailedError": "connection_lost",
}


def failure_kind(failure: Failure) -> str:
    """A short name for why a request failed, as the crawl report counts it."""
    error = failure.value
    if failure.check(HttpError):
        return f"http_{error.response.status}"
    if failure.check(IgnoreRequest):
        message = str(error)
        if "robots.txt" in message:
            return "robots_disallowed"
        if "redirect" in message:
            return "redirect_loop"
        return "ignored"
    if failure.check(DNSLookupError):
        return "dns"
    if failure.check(TimeoutError, TCPTimedOutError):
        return "timeout"
    if type(error).__name__ in _SCRAPY_ERRORS:
        return _SCRAPY_ERRORS[type(error).__name__]
    if failure.check(CancelledError):
        return "too_large"
    if failure.check(ConnectionRefusedError):
        return "connection_refused"
    if failure.check(PotentialDataLoss):
        return "partial_response"
    if failure.check(ConnectionLost, ResponseFailed, ResponseNeverReceived):
        return "connection_lost"
    return type(error).__name__


class PageRequest(Request):
    """A request whose callback and errback are named cheaply when JOBDIR writes it to disk.

    Scrapy's `Request.to_dict` finds a callback's name by listing every member of the
    spider (`inspect.getmembers`), twice per request: about a quarter of a millisecond
    each. Our callbacks are always methods of the spider under their own name, so the
    name is checked directly; anything else goes the slow way.
    """

    def to_dict(self, *, spider: Spider | None = None) -> dict[str, Any]:
        names = {kind: _method_name(spider, getattr(self, kind))
                 for kind in ("callback", "errback")}
        if None in names.values():
            return super().to_dict(spider=spider)
        record: dict[str, Any] = {"url": self.url, **names, "headers": dict(self.headers)}
        for attribute in self.attributes:
            record.setdefault(attribute, getattr(self, attribute))
        record["_class"] = f"{type(self).__module__}.{type(self).__name__}"
        return record


def _method_name(spider: Spider | None, method: Any) -> str | None:
    """The name under which `method` is a bound method of `spider`, if it is one by name."""
    function = getattr(method, "__func__", None)
    name = getattr(method, "__name__", None)
    if spider is None or function is None or name is None:
        return None
    found = getattr(spider, name, None)
    return name if getattr(found, "__func__", None) is function else None


class SourceSpider(Spider):
    """What every spider shares: the source, its report, its state and the page notes."""

    name = "source"
    crawl_state: CrawlState

    def __init__(self, *args: Any, source: Source, report: SourceReport, crawl_number: int,
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.source = source
        self.report = report
        self.crawl_number = crawl_number
        self.entry_failed = False
        self.requested: set[str] = set()
        self.handled: set[str] = set()
        self.swept = False
        self._known: dict[str, PageState] | None = None
        if source.allowed_domains:
            self.allowed_domains = list(source.allowed_domains)

    @classmethod
    def from_crawler(cls, crawler: Any, *args: Any, **kwargs: Any) -> SourceSpider:
        spider = super().from_crawler(crawler, *args, **kwargs)
        database = open_database(Path(crawler.settings["SPOORZOEKER_DB"]))
        spider.crawl_state = CrawlState(database)
        crawler.signals.connect(spider._reached, signal=signals.request_reached_downloader)
        crawler.signals.connect(spider._sweep, signal=signals.spider_idle)
        crawler.signals.connect(spider._dropped, signal=signals.request_dropped)
        return spider

    def _dropped(self, request: Request, spider: Spider | None = None) -> None:
        """A redirect back to an address already fetched is a loop: count it."""
        if request.url in request.meta.get("redirect_urls", ()):
            self.report.error("redirect_loop")
            self.handled.add(request.meta["redirect_urls"][0])

    # --- requests --------------------------------------------------------------------------

    def page_request(self, url: str, callback: Callable[..., Any], *, entry: bool = False,
                     lastmod: str | None = None, conditional: bool = True,
                     dont_filter: bool = False) -> Request:
        """A request for a page, conditional when the page was fetched well before."""
        headers: dict[str, str] = {}
        known = self.known_page(url) if conditional else None
        if known is not None and known.ok and known.done_crawl is not None:
            if known.etag:
                headers["If-None-Match"] = known.etag
            if known.last_modified:
                headers["If-Modified-Since"] = known.last_modified
        return PageRequest(url, callback=callback, errback=self.failed, headers=headers,
                           dont_filter=dont_filter,
                           meta={"entry": entry, "lastmod": lastmod,
                                 "conditional": conditional, "handle_httpstatus_list": [304]})

    def known_page(self, url: str) -> PageState | None:
        """What the crawls before this one learnt about a page (read once per crawl)."""
        if self._known is None:
            self._known = self.crawl_state.pages(self.source.name)
        return self._known.get(url)

    def _reached(self, request: Request, spider: Spider | None = None) -> None:
        self.requested.add(request.url)

    def _sweep(self, spider: Spider | None = None) -> None:
        """When the queue runs dry: fetch what this crawl listed but never handled (pages
        lost when an earlier run of the same crawl was cut off)."""
        if self.swept:
            return
        self.swept = True
        listed = self.crawl_state.missing(self.source.name, crawl=self.crawl_number)
        seen = self.requested | self.handled
        missing = [url for url in listed if url not in seen]
        if not missing:
            return
        logger.info("%s: %d listed pages still to fetch", self.source.name, len(missing))
        for url in missing:
            self.crawler.engine.crawl(self.page_request(url, self.parse_page, dont_filter=True))
        raise DontCloseSpider

    def parse_page(self, response: Response) -> Iterator[Any]:  # pragma: no cover
        raise NotImplementedError

    # --- responses -------------------------------------------------------------------------

    def fetched(self, response: Response) -> tuple[PageDone | None, str | None]:
        """A note for an unchanged page (304 or same body), else the decoded text."""
        self.report.pages += 1
        meta = response.meta
        if response.status == 304:
            return self.done(response, (), unchanged=True), None
        body_hash = hashlib.sha256(PARSER_VERSION.encode() + response.body).hexdigest()[:32]
        if meta.get("conditional", True):
            known = self.known_page(_page_url(response))
            if known is not None and known.ok and known.body_hash == body_hash \
                    and known.done_crawl is not None:
                return self.done(response, (), unchanged=True, body_hash=body_hash), None
        content_type = (response.headers.get("Content-Type") or b"").decode("latin-1")
        text = decode_body(response.body, declared=charset_of(content_type))
        response.meta["body_hash"] = body_hash
        return None, text

    def done(self, response: Response, record_ids: Any, *, unchanged: bool = False,
             body_hash: str | None = None, vacancies: tuple[Any, ...] = (),
             next_url: str | None = None, unread: UnreadPage | None = None) -> PageDone:
        headers = response.headers
        url = _page_url(response)
        self.handled.add(url)
        return PageDone(
            source=self.source.name, url=url, crawl=self.crawl_number,
            record_ids=tuple(record_ids), unchanged=unchanged,
            etag=_header(headers, "ETag"), last_modified=_header(headers, "Last-Modified"),
            lastmod=response.meta.get("lastmod"),
            body_hash=body_hash or response.meta.get("body_hash"),
            vacancies=vacancies, next_url=next_url, unread=unread)

    def result(self, response: Response, page: PageResult) -> Iterator[Any]:
        """The page's note with its vacancies (one item per page); problems are counted."""
        for problem in page.problems:
            self.report.error(problem)
        yield self.done(response, [vacancy.id for vacancy in page.vacancies],
                        vacancies=tuple(page.vacancies),
                        next_url=getattr(page, "next_page", None))

    def failed(self, failure: Failure) -> Iterator[Any]:
        """Count a failed request by kind; the crawl goes on."""
        kind = failure_kind(failure)
        self.report.error(kind)
        request = failure.request  # type: ignore[attr-defined]  # Scrapy sets it
        logger.info("%s: %s failed (%s)", self.source.name, request.url, kind)
        if request.meta.get("entry"):
            self.entry_failed = True
            return
        self.handled.add(request.url)
        yield PageDone(source=self.source.name, url=request.url, crawl=self.crawl_number,
                       ok=False)


def _page_url(response: Response) -> str:
    """The address a page was asked for (its notes stay under it when it redirects)."""
    return str(response.meta.get("redirect_urls", [response.url])[0])


def _header(headers: Any, name: str) -> str | None:
    value = headers.get(name)
    return value.decode("latin-1") if value else None


class JobPostingSpider(SourceSpider):
    """Crawls one `jobposting` source: its sitemap or its start pages."""

    name = "jobposting"

    async def start(self) -> AsyncIterator[Any]:
        if self.source.sitemap:
            yield self.page_request(self.source.sitemap, self.parse_sitemap, entry=True,
                                    conditional=False, dont_filter=True)
        for url in self.source.start_urls:
            yield self.page_request(url, self.parse_page, entry=True, dont_filter=True)

    def parse_sitemap(self, response: Response) -> Iterator[Any]:
        self.report.pages += 1
        if response.url.endswith("/robots.txt"):
            found = list(sitemap_urls_from_robots(response.body, base_url=response.url))
            if not found:
                self.report.error("no_sitemap")
                self.entry_failed = True
            for url in found:
                yield self.page_request(url, self.parse_sitemap, entry=True, conditional=False,
                                        dont_filter=True)
            return
        sitemap = self._sitemap(response)
        if sitemap is None:
            self.report.error("broken_sitemap")
            self.entry_failed = True
            return
        if sitemap.type == "sitemapindex":
            for entry in sitemap:
                yield self.page_request(entry["loc"], self.parse_sitemap, entry=True,
                                        conditional=False, dont_filter=True)
            return
        entries = [entry for entry in sitemap if entry.get("loc")]
        self.crawl_state.mark_listed(self.source.name, [e["loc"] for e in entries],
                               crawl=self.crawl_number)
        for entry in entries:
            url, lastmod = entry["loc"], entry.get("lastmod")
            page = self.known_page(url)
            if page is not None and page.done_crawl == self.crawl_number:
                self.handled.add(url)  # done before this crawl was cut off and resumed
                continue
            if page is not None and page.ok and lastmod and page.lastmod == lastmod \
                    and page.done_crawl is not None:
                self.handled.add(url)
                yield PageDone(source=self.source.name, url=url, crawl=self.crawl_number,
                               unchanged=True, lastmod=lastmod)
                continue
            yield self.page_request(url, self.parse_page, lastmod=lastmod)

    def _sitemap(self, response: Response) -> Sitemap | None:
        body = response.body
        if gzip_magic_number(response):
            try:
                body = gunzip(body, max_size=self.settings.getint("DOWNLOAD_MAXSIZE"))
            except (_DecompressionMaxSizeExceeded, OSError):
                return None
        try:
            sitemap = Sitemap(body)
        except Exception:  # noqa: BLE001 (lxml raises several kinds on garbage)
            return None
        return sitemap if sitemap.type in {"urlset", "sitemapindex"} else None

    def parse_page(self, response: Response) -> Iterator[Any]:
        unchanged, text = self.fetched(response)
        if unchanged is not None:
            yield unchanged
            return
        content_type = (response.headers.get("Content-Type") or b"").decode("latin-1").lower()
        if content_type and not any(k in content_type for k in ("html", "xml", "text")):
            self.report.error("not_html")
            yield self.done(response, ())
            return
        # What the page holds decides nothing about where to go next: the ingest reads it,
        # in its own process, and the crawl goes on fetching.
        yield self.done(response, (), unread=UnreadPage(kind=self.source.kind, text=text or "",
                                                        url=response.url))


class FeedSpider(SourceSpider):
    """One feed address (`url` of the source); the parser is the subclass's."""

    parser: ClassVar[Callable[..., PageResult]]

    async def start(self) -> AsyncIterator[Any]:
        yield self.page_request(self.source.url or "", self.parse_page, entry=True,
                                dont_filter=True)

    def parse_page(self, response: Response) -> Iterator[Any]:
        unchanged, text = self.fetched(response)
        if unchanged is not None:
            yield unchanged
            known = self.known_page(_page_url(response))
            if known is not None and known.next_url:  # the pages after it may have changed
                yield self.page_request(known.next_url, self.parse_page, entry=True)
            return
        page = type(self).parser(text or "", url=response.url, source=self.source.name)
        if any(problem.startswith(("broken_", "unexpected_")) for problem in page.problems):
            self.entry_failed = True  # part of the feed may be missing: close nothing
        yield from self.result(response, page)
        next_page = getattr(page, "next_page", None)
        if next_page:
            yield self.page_request(next_page, self.parse_page, entry=True)


class RecruiteeSpider(FeedSpider):
    name = "recruitee"
    parser = staticmethod(recruitee.parse_offers)


class IndeedXmlSpider(FeedSpider):
    name = "indeed-xml"
    parser = staticmethod(indeed_xml.parse_feed)


class RssSpider(FeedSpider):
    name = "rss"
    parser = staticmethod(rss.parse_feed)


SPIDERS: dict[str, type[SourceSpider]] = {
    "jobposting": JobPostingSpider, "recruitee": RecruiteeSpider,
    "indeed-xml": IndeedXmlSpider, "rss": RssSpider,
}
