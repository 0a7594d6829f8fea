"""What the crawler remembers between crawls, in its own tables of the store's database.

`crawl_runs` numbers each crawl of a source and says whether it finished and
succeeded: lifecycle counts successful crawls, and an unfinished crawl is
resumed under its own number. `crawl_pages` keeps, per fetched address, what
polite and incremental crawling needs: the ETag and Last-Modified for a
conditional request, the sitemap `lastmod`, a hash of the body (unchanged
content is not parsed again) and the ids of the records the page gave (so
they count as seen when the page is skipped). It also says in which crawl a
page was listed and done, so a resumed crawl fetches exactly what is missing.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from typing import Any

import sqlite_utils

from vacancies.model import Vacancy
from vacancies.store import utc_now

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class PageState:
    """What the last crawl learnt about one address."""

    url: str
    etag: str | None
    last_modified: str | None
    lastmod: str | None
    body_hash: str | None
    record_ids: tuple[str, ...]
    ok: bool
    done_crawl: int | None
    next_url: str | None = None


@dataclass(frozen=True)
class UnreadPage:
    """A fetched page the ingest still has to read with the parser of its `kind` (a page
    whose vacancies decide nothing about where the spider goes next)."""

    kind: str
    text: str
    url: str


@dataclass(frozen=True)
class PageDone:
    """The spider's note that a page was handled, with the vacancies it gave (or the page
    itself, `unread`, for the ingest to read): the item spiders yield, one per page. The
    ingest writes the note and the vacancies in one transaction."""

    source: str
    url: str
    crawl: int
    record_ids: tuple[str, ...] = ()
    unchanged: bool = False
    ok: bool = True
    etag: str | None = None
    last_modified: str | None = None
    lastmod: str | None = None
    body_hash: str | None = None
    next_url: str | None = None
    vacancies: tuple[Vacancy, ...] = ()
    unread: UnreadPage | None = None


class CrawlState:
    """Reads and writes `crawl_runs` and `crawl_pages`."""

    def __init__(self, db: sqlite_utils.Database) -> None:
        self.db = db
        names = db.table_names()
        if "crawl_runs" not in names:
            db.table("crawl_runs").create(
                {"source": str, "number": int, "started_at": str, "finished_at": str,
                 "successful": int}, pk=("source", "number"))
        if "crawl_pages" not in names:
            db.table("crawl_pages").create(
                {"source": str, "url": str, "etag": str, "last_modified": str, "lastmod": str,
                 "body_hash": str, "record_ids": str, "ok": int, "listed_crawl": int,
                 "done_crawl": int, "next_url": str}, pk=("source", "url"))
        elif "next_url" not in db.table("crawl_pages").columns_dict:
            db.table("crawl_pages").add_column("next_url", str)

    # --- runs ------------------------------------------------------------------------------

    def begin(self, source: str) -> tuple[int, bool]:
        """The number of this crawl of `source`, and whether it resumes an unfinished one."""
        rows = list(self.db.query(
            "select number, finished_at from crawl_runs where source = ? "
            "order by number desc limit 1", [source]))
        if rows and rows[0]["finished_at"] is None:
            return rows[0]["number"], True
        number = rows[0]["number"] + 1 if rows else 1
        self.db.table("crawl_runs").insert({"source": source, "number": number,
                                      "started_at": utc_now(), "finished_at": None,
                                      "successful": None})
        return number, False

    def finish(self, source: str, number: int, *, successful: bool) -> None:
        self.db.execute("update crawl_runs set finished_at = ?, successful = ? "
                        "where source = ? and number = ?",
                        [utc_now(), int(successful), source, number])

    def unseen_before(self, source: str, *, missed: int) -> int | None:
        """Records last seen in a crawl numbered below this were missed by the last `missed`
        successful crawls of `source` (None while there are fewer)."""
        rows = list(self.db.query(
            "select number from crawl_runs where source = ? and successful = 1 "
            "order by number desc limit ?", [source, missed]))
        return rows[-1]["number"] if len(rows) == missed else None

    # --- pages -----------------------------------------------------------------------------

    def page(self, source: str, url: str) -> PageState | None:
        # Straight from the connection: sqlite-utils' `query` adds a savepoint to each read,
        # and the store pipeline asks this for every page it notes.
        cursor = self.db.conn.execute("select * from crawl_pages where source = ? and url = ?",
                                      [source, url])
        row = cursor.fetchone()
        if row is None:
            return None
        return _page(dict(zip([column[0] for column in cursor.description], row, strict=True)))

    def pages(self, source: str) -> dict[str, PageState]:
        return {row["url"]: _page(row) for row in self.db.query(
            "select * from crawl_pages where source = ?", [source])}

    def mark_listed(self, source: str, urls: list[str], *, crawl: int) -> None:
        """Addresses a sitemap or feed listed in this crawl (to resume a cut-off crawl)."""
        with self.db.atomic():
            for url in urls:
                self.db.execute(
                    "insert into crawl_pages (source, url, listed_crawl) values (?, ?, ?) "
                    "on conflict (source, url) do update set listed_crawl = excluded.listed_crawl",
                    [source, url, crawl])

    def missing(self, source: str, *, crawl: int) -> list[str]:
        """Addresses listed in this crawl that no page note says were handled yet."""
        return [row["url"] for row in self.db.query(
            "select url from crawl_pages where source = ? and listed_crawl = ? and "
            "(done_crawl is null or done_crawl != ?) order by url", [source, crawl, crawl])]

    def save(self, done: PageDone) -> None:
        """Write a page note (called inside the store pipeline's transaction)."""
        previous = self.page(done.source, done.url)
        record_ids = done.record_ids
        if done.unchanged and previous is not None:
            record_ids = previous.record_ids
        values: dict[str, Any] = {
            "source": done.source, "url": done.url, "done_crawl": done.crawl, "ok": int(done.ok),
            "record_ids": json.dumps(list(record_ids)),
            "etag": done.etag, "last_modified": done.last_modified, "lastmod": done.lastmod,
            "body_hash": done.body_hash, "next_url": done.next_url,
        }
        if previous is not None:
            for key in ("etag", "last_modified", "lastmod", "body_hash", "next_url"):
                if values[key] is None:
                    values[key] = getattr(previous, key)
            if not done.ok:  # a failed fetch forgets nothing it knew
                values["record_ids"] = json.dumps(list(previous.record_ids))
        columns = list(values)
        updates = ", ".join(f"{c} = excluded.{c}" for c in columns if c not in {"source", "url"})
        self.db.execute(
            f"insert into crawl_pages ({', '.join(columns)}) values "
            f"({', '.join('?' for _ in columns)}) on conflict (source, url) "
            f"do update set {updates}", [values[c] for c in columns])


def _page(row: dict[str, Any]) -> PageState:
    return PageState(url=row["url"], etag=row["etag"], last_modified=row["last_modified"],
                     lastmod=row["lastmod"], body_hash=row["body_hash"],
                     record_ids=tuple(json.loads(row["record_ids"] or "[]")),
                     ok=bool(row["ok"]), done_crawl=row["done_crawl"],
                     next_url=row.get("next_url"))
