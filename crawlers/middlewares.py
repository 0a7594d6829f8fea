"""Downloader middleware: honour `Retry-After` on 429 and 503, as a polite crawler must.

Scrapy's own retry ignores the header and retries at once. Here a 429 or 503
that names a wait no longer than `SPOORZOEKER_RETRY_AFTER_MAX` seconds is
retried after that wait (at most `RETRY_TIMES` times); a longer wait, or no
retries left, passes the response on, and the spider counts it as `http_429`.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any

from scrapy import Request
from scrapy.http import Response
from scrapy.utils.defer import deferred_to_future
from twisted.internet import reactor, task

logger = logging.getLogger(__name__)

DEFAULT_WAIT = 5.0


def retry_after_seconds(value: str | None, *, now: datetime | None = None) -> float | None:
    """Seconds to wait from a Retry-After value (seconds or an HTTP date); None if unreadable."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        moment = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return max(0.0, (moment - (now or datetime.now(UTC))).total_seconds())


class RetryAfterMiddleware:
    """Waits as long as the server asks before retrying a 429 or 503."""

    def __init__(self, *, max_wait: float, retries: int) -> None:
        self.max_wait = max_wait
        self.retries = retries

    @classmethod
    def from_crawler(cls, crawler: Any) -> RetryAfterMiddleware:
        return cls(max_wait=crawler.settings.getfloat("SPOORZOEKER_RETRY_AFTER_MAX", 120.0),
                   retries=crawler.settings.getint("RETRY_TIMES", 2))

    def process_response(self, request: Request, response: Response) -> Any:
        """The response itself, or (on 429/503) a coroutine that waits and retries. Only
        the rare slow path is a coroutine: awaiting every response costs throughput."""
        if response.status not in (429, 503) or request.meta.get("dont_retry"):
            return response
        return self._wait_and_retry(request, response)

    async def _wait_and_retry(self, request: Request, response: Response) -> Request | Response:
        tries = request.meta.get("retry_after_times", 0)
        header = response.headers.get("Retry-After")
        wait = retry_after_seconds(header.decode("latin-1") if header else None)
        if wait is None:
            wait = DEFAULT_WAIT if response.status == 429 else None
        if wait is None or wait > self.max_wait or tries >= self.retries:
            return response
        logger.info("%s asks to wait %.1f s (status %d)", request.url, wait, response.status)
        await deferred_to_future(task.deferLater(reactor, wait, lambda: None))
        retry = request.replace(dont_filter=True)
        retry.meta["retry_after_times"] = tries + 1
        return retry
