"""What spiders hand to Scrapy: the request class that JOBDIR writes to disk."""

from __future__ import annotations

from scrapy import Request
from scrapy.utils.request import request_from_dict

from crawlers.report import SourceReport
from crawlers.sources import Source
from crawlers.spiders import JobPostingSpider, PageRequest


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
