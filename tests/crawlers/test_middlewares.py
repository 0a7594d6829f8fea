"""Reading Retry-After the way servers write it."""

from __future__ import annotations

from datetime import UTC, datetime

from crawlers.middlewares import retry_after_seconds


def test_retry_after_in_seconds_or_as_an_http_date():
    now = datetime(2026, 11, 22, 12, 0, 0, tzinfo=UTC)
    assert retry_after_seconds("120", now=now) == 120.0
    assert retry_after_seconds("Sun, 22 Nov 2026 12:00:30 GMT", now=now) == 30.0
    assert retry_after_seconds("Sun, 22 Nov 2026 11:00:00 GMT", now=now) == 0.0


def test_unreadable_retry_after_is_none():
    assert retry_after_seconds(None) is None
    assert retry_after_seconds("") is None
    assert retry_after_seconds("straks") is None
