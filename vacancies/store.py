"""The vacancy store: one SQLite database, opened through sqlite-utils in WAL mode.

This module owns the tables `vacancies` (the current state of each vacancy),
`vacancy_urls` (every URL a vacancy was found at), `vacancy_snapshots`
(every version of the text ever seen, with the page as fetched: vacancies
disappear, the dossier must not; the raw page is kept there only, not a second
time in `vacancies`) and `vacancy_aliases` (records of other sources found to be the same
vacancy: deduplication folds them into one canonical vacancy that keeps every
URL). Other packages own their own tables in the same file and open it with
`open_database`.

Lifecycle: a crawl marks every record it saw with the crawl's number
(`last_crawl`); a record not seen in the last N successful crawls of its
source is closed by `close_unseen`. A canonical vacancy stays open while its
own record or any alias is still published.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, Literal

import sqlite_utils

from vacancies.errors import SpoorzoekerError
from vacancies.model import Vacancy

logger = logging.getLogger(__name__)

Change = Literal["new", "updated", "unchanged"]

_VACANCY_COLUMNS = {
    "id": str, "title": str, "description": str, "employer": str, "place": str,
    "postcode": str, "url": str, "date_posted": str, "valid_through": str, "source": str,
    "employment_type": str, "raw": str, "content_hash": str, "status": str,
    "first_seen": str, "last_seen": str, "closed_at": str, "last_crawl": int, "own_open": int,
}
_ALIAS_COLUMNS = {
    "id": str, "canonical_id": str, "source": str, "url": str, "content_hash": str,
    "status": str, "first_seen": str, "last_seen": str, "last_crawl": int,
}


def utc_now() -> str:
    """The current time as the store writes it: ISO 8601, UTC, seconds."""
    return datetime.now(UTC).replace(microsecond=0).isoformat()


def open_database(path: Path) -> sqlite_utils.Database:
    """Open (and create) the SQLite file at `path` in WAL mode."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        db = sqlite_utils.Database(path)
        db.enable_wal()
    except OSError as error:
        raise SpoorzoekerError(f"De database {path} kan niet worden geopend: {error}") from error
    db.execute("PRAGMA busy_timeout = 10000")
    return db


@dataclass(frozen=True)
class StoredVacancy:
    """A vacancy as the store knows it: the published record and its life in the store."""

    vacancy: Vacancy
    content_hash: str
    status: Literal["open", "closed"]
    first_seen: str
    last_seen: str
    source_urls: tuple[str, ...]

    def export_record(self) -> dict[str, Any]:
        """The JSON object `export` writes: the ingest format plus the store's fields."""
        record = self.vacancy.model_dump(mode="json", exclude={"raw", "employment_type"},
                                         exclude_none=False)
        record.update(status=self.status, first_seen=self.first_seen,
                      last_seen=self.last_seen, source_urls=list(self.source_urls))
        return record


class VacancyStore:
    """Reads and writes vacancies; every write is one transaction."""

    def __init__(self, db: sqlite_utils.Database) -> None:
        self.db = db
        self._ensure_tables()

    @classmethod
    def open(cls, path: Path) -> VacancyStore:
        return cls(open_database(path))

    def _ensure_tables(self) -> None:
        if "vacancies" not in self.db.table_names():
            self.db.table("vacancies").create(_VACANCY_COLUMNS, pk="id",
                                              not_null={"title", "status"})
            self.db.table("vacancies").create_index(["status"])
        else:
            present = set(self.db.table("vacancies").columns_dict)
            for column in ("last_crawl", "own_open"):
                if column not in present:
                    self.db.table("vacancies").add_column(column, int)
        if "vacancy_aliases" not in self.db.table_names():
            self.db.table("vacancy_aliases").create(_ALIAS_COLUMNS, pk="id")
            self.db.table("vacancy_aliases").create_index(["canonical_id"])
            self.db.table("vacancy_aliases").create_index(["source", "status"])
        if "vacancy_urls" not in self.db.table_names():
            self.db.table("vacancy_urls").create(
                {"vacancy_id": str, "url": str, "source": str, "first_seen": str,
                 "last_seen": str},
                pk=("vacancy_id", "url"),
            )
        if "vacancy_snapshots" not in self.db.table_names():
            self.db.table("vacancy_snapshots").create(
                {"vacancy_id": str, "content_hash": str, "seen_at": str, "title": str,
                 "description": str, "raw": str},
                pk=("vacancy_id", "content_hash"),
            )

    @contextlib.contextmanager
    def batch(self) -> Iterator[VacancyStore]:
        """Many writes as one transaction (a crawl stores pages in batches)."""
        with self.savepoint():
            yield self

    @contextlib.contextmanager
    def savepoint(self) -> Iterator[VacancyStore]:
        """Writes that succeed or are undone together: a transaction of their own, or a
        savepoint inside the transaction already open (one failed record of a batch is
        undone alone). Unlike sqlite-utils' `atomic`, every savepoint has the same name:
        a new name per savepoint is a new statement for SQLite to compile, and thousands
        of them push the writes' prepared statements out of the statement cache."""
        conn = self.db.conn
        if not conn.in_transaction:
            with self.db.atomic():
                yield self
            return
        conn.execute("SAVEPOINT vacancy_store")
        try:
            yield self
        except BaseException:
            if conn.in_transaction:  # an error may have ended the whole transaction
                conn.execute("ROLLBACK TO SAVEPOINT vacancy_store")
                conn.execute("RELEASE SAVEPOINT vacancy_store")
            raise
        conn.execute("RELEASE SAVEPOINT vacancy_store")

    def upsert(self, vacancy: Vacancy, *, seen_at: str | None = None,
               crawl: int | None = None, today: date | None = None) -> Change:
        """Store what a source published now; reopen it if it was closed.

        A changed text keeps the earlier version as a snapshot. `crawl` is the
        number of the crawl that saw it (for closing what is no longer published).
        A vacancy past its validThrough is kept, closed: a page that still shows
        an expired vacancy neither reopens nor changes it.
        """
        seen_at = seen_at or utc_now()
        content_hash = vacancy.content_hash()
        expired = vacancy.valid_through is not None and vacancy.valid_through < (
            today or date.today())
        status = "closed" if expired else "open"
        with self.savepoint():
            self.db.execute("delete from vacancy_aliases where id = ?", [vacancy.id])
            rows = self._rows(
                "select content_hash, first_seen, status, last_crawl, closed_at from vacancies "
                "where id = ?", [vacancy.id])
            record = _row_from_vacancy(vacancy)
            closed_at = (rows[0]["closed_at"] if rows and rows[0]["status"] == "closed"
                         else seen_at) if expired else None
            record.update(content_hash=content_hash, last_seen=seen_at, status=status,
                          closed_at=closed_at, own_open=0 if expired else 1)
            if crawl is not None:
                record["last_crawl"] = crawl
            if not rows:
                record["first_seen"] = seen_at
                change: Change = "new"
            else:
                previous = rows[0]
                record["first_seen"] = previous["first_seen"]
                if crawl is None:
                    record["last_crawl"] = previous["last_crawl"]
                unchanged = (previous["content_hash"] == content_hash
                             and previous["status"] == status)
                change = "unchanged" if unchanged else "updated"
            self._write("vacancies", record, key=("id",))
            self._snapshot(vacancy, content_hash=content_hash, seen_at=seen_at)
            if vacancy.url:
                self.remember_url(vacancy.id, vacancy.url, source=vacancy.source,
                                  seen_at=seen_at)
        return change

    def alias_of(self, record_id: str) -> str | None:
        """The canonical vacancy a record was folded into, or None."""
        rows = self._rows("select canonical_id from vacancy_aliases where id = ?", [record_id])
        return rows[0]["canonical_id"] if rows else None

    def known(self, record_id: str) -> tuple[bool, str | None]:
        """Whether the store knows `record_id` (as a vacancy or an alias), and the canonical
        vacancy it was folded into (None unless it is an alias): one query, for the crawler
        that asks this of every vacancy it reads."""
        rows = self.db.conn.execute(
            "select canonical_id from vacancy_aliases where id = ? "
            "union all select null from vacancies where id = ?", [record_id, record_id]
        ).fetchall()
        canonical = next((row[0] for row in rows if row[0] is not None), None)
        return bool(rows), canonical

    def _rows(self, sql: str, params: list[Any]) -> list[dict[str, Any]]:
        """Rows of a read as dicts, straight from the connection (sqlite-utils' `query`
        wraps every read in a savepoint: two more statements for each of thousands)."""
        cursor = self.db.conn.execute(sql, params)
        keys = [column[0] for column in cursor.description]
        return [dict(zip(keys, row, strict=True)) for row in cursor.fetchall()]

    def add_alias(self, vacancy: Vacancy, *, canonical_id: str, seen_at: str | None = None,
                  crawl: int | None = None, today: date | None = None) -> Change:
        """Record `vacancy` as another publication of `canonical_id`: its URL joins the
        canonical vacancy's URLs, its text is kept as a snapshot under its own id, and a
        closed canonical vacancy is reopened (unless past its validThrough)."""
        seen_at = seen_at or utc_now()
        content_hash = vacancy.content_hash()
        with self.savepoint():
            rows = self._rows(
                "select content_hash, first_seen, status from vacancy_aliases where id = ?",
                [vacancy.id])
            record = {"id": vacancy.id, "canonical_id": canonical_id, "source": vacancy.source,
                      "url": vacancy.url, "content_hash": content_hash, "status": "open",
                      "last_seen": seen_at, "last_crawl": crawl,
                      "first_seen": rows[0]["first_seen"] if rows else seen_at}
            self._write("vacancy_aliases", record, key=("id",))
            self._snapshot(vacancy, content_hash=content_hash, seen_at=seen_at)
            if vacancy.url:
                self.remember_url(canonical_id, vacancy.url, source=vacancy.source,
                                  seen_at=seen_at)
            self._reopen([canonical_id], today=today or date.today())
        if not rows:
            return "new"
        unchanged = rows[0]["content_hash"] == content_hash and rows[0]["status"] == "open"
        return "unchanged" if unchanged else "updated"

    def _write(self, table: str, record: dict[str, Any], *, key: tuple[str, ...]) -> None:
        """Insert or update one row with plain SQL (the crawler writes thousands)."""
        columns = list(record)
        updates = ", ".join(f"{c} = excluded.{c}" for c in columns if c not in key)
        self.db.execute(
            f"insert into {table} ({', '.join(columns)}) values "
            f"({', '.join('?' for _ in columns)}) on conflict ({', '.join(key)}) "
            f"do update set {updates}", [record[c] for c in columns])

    def _snapshot(self, vacancy: Vacancy, *, content_hash: str, seen_at: str) -> None:
        self.db.execute(
            "insert or ignore into vacancy_snapshots (vacancy_id, content_hash, seen_at, title, "
            "description, raw) values (?, ?, ?, ?, ?, ?)",
            [vacancy.id, content_hash, seen_at, vacancy.title, vacancy.description,
             vacancy.raw])

    def _reopen(self, canonical_ids: Iterable[str], *, today: date) -> int:
        reopened = 0
        for vacancy_id in canonical_ids:
            cursor = self.db.execute(
                "update vacancies set status = 'open', closed_at = null where id = ? "
                "and status = 'closed' and (valid_through is null or valid_through >= ?)",
                [vacancy_id, today.isoformat()])
            reopened += cursor.rowcount
        return reopened

    def touch(self, record_ids: Iterable[str], *, crawl: int | None,
              seen_at: str | None = None, today: date | None = None) -> dict[str, int]:
        """Mark records as seen again without their text (a page that did not change).

        Returns how many were `unchanged`, reopened (`updated`) or aliases of another
        vacancy (`duplicates`); ids the store does not know are skipped.
        """
        seen_at = seen_at or utc_now()
        today = today or date.today()
        counts = {"unchanged": 0, "updated": 0, "duplicates": 0}
        with self.savepoint():
            for record_id in record_ids:
                own = self.db.execute(
                    "update vacancies set last_seen = ?, last_crawl = coalesce(?, last_crawl), "
                    "own_open = 1 where id = ?", [seen_at, crawl, record_id]).rowcount
                canonical = record_id
                if not own:
                    canonical = self.alias_of(record_id) or ""
                    if not canonical:
                        continue
                    self.db.execute(
                        "update vacancy_aliases set last_seen = ?, status = 'open', "
                        "last_crawl = coalesce(?, last_crawl) where id = ?",
                        [seen_at, crawl, record_id])
                reopened = self._reopen([canonical], today=today)
                if canonical != record_id:
                    counts["duplicates"] += 1
                else:
                    counts["updated" if reopened else "unchanged"] += 1
        return counts

    def close_unseen(self, *, source: str, before_crawl: int, at: str | None = None) -> int:
        """Close what `source` no longer publishes: records last seen in a crawl numbered
        below `before_crawl`. A canonical vacancy closes when neither its own record nor
        any alias is still published. Returns the number of vacancies closed."""
        at = at or utc_now()
        with self.savepoint():
            stale_aliases = [row for row in self.db.query(
                "select id, canonical_id from vacancy_aliases where source = ? and "
                "status = 'open' and last_crawl is not null and last_crawl < ?",
                [source, before_crawl])]
            self.db.execute(
                "update vacancy_aliases set status = 'closed' where source = ? and "
                "status = 'open' and last_crawl is not null and last_crawl < ?",
                [source, before_crawl])
            stale_own = [row["id"] for row in self.db.query(
                "select id from vacancies where source = ? and coalesce(own_open, 1) = 1 "
                "and last_crawl is not null and last_crawl < ?", [source, before_crawl])]
            for vacancy_id in stale_own:
                self.db.execute("update vacancies set own_open = 0 where id = ?", [vacancy_id])
            candidates = set(stale_own) | {row["canonical_id"] for row in stale_aliases}
            gone = [vacancy_id for vacancy_id in sorted(candidates) if not any(
                self.db.query(
                    "select 1 from vacancies where id = ? and coalesce(own_open, 1) = 1 "
                    "union all select 1 from vacancy_aliases where canonical_id = ? "
                    "and status = 'open'", [vacancy_id, vacancy_id]))]
            return self.close(gone, at=at)

    def content_hashes(self, *, status: str = "open") -> dict[str, str]:
        """id → content hash of every vacancy with this status, without loading the texts."""
        return {row[0]: row[1] for row in self.db.execute(
            "select id, content_hash from vacancies where status = ?", [status])}

    def open_texts(self) -> Iterator[tuple[str, str, str, str, str | None, str | None]]:
        """(id, content hash, title, description, place, employer) of every open vacancy."""
        for row in self.db.query("select id, content_hash, title, description, place, "
                                 "employer from vacancies where status = 'open'"):
            yield (row["id"], row["content_hash"], row["title"], row["description"],
                   row["place"], row["employer"])

    def open_alias_texts(self) -> Iterator[tuple[str, str, str, str, None, None, str]]:
        """(id, content hash, title, description, None, None, canonical id) of every open
        alias, from the snapshot of its current text: what the crawler's duplicate finder
        needs to find copies of copies after a restart (place and employer are not kept
        for aliases; their stored fingerprints have them)."""
        for row in self.db.execute(
                "select a.id, a.content_hash, s.title, s.description, a.canonical_id "
                "from vacancy_aliases a join vacancy_snapshots s "
                "on s.vacancy_id = a.id and s.content_hash = a.content_hash "
                "where a.status = 'open'"):
            yield row[0], row[1], row[2], row[3], None, None, row[4]

    def remember_url(self, vacancy_id: str, url: str, *, source: str | None,
                     seen_at: str | None = None) -> None:
        """Record that the vacancy was found at `url` (deduplication keeps every URL)."""
        seen_at = seen_at or utc_now()
        self.db.execute(
            "insert into vacancy_urls (vacancy_id, url, source, first_seen, last_seen) "
            "values (?, ?, ?, ?, ?) on conflict (vacancy_id, url) "
            "do update set last_seen = excluded.last_seen",
            [vacancy_id, url, source, seen_at, seen_at],
        )

    def close(self, vacancy_ids: Iterable[str], *, at: str | None = None) -> int:
        """Mark vacancies closed; their text and snapshots stay."""
        at = at or utc_now()
        closed = 0
        with self.savepoint():
            for vacancy_id in vacancy_ids:
                cursor = self.db.execute(
                    "update vacancies set status = 'closed', closed_at = ? "
                    "where id = ? and status = 'open'", [at, vacancy_id])
                closed += cursor.rowcount
        return closed

    def close_expired(self, *, today: date, source: str | None = None) -> int:
        """Close open vacancies (of one source, if given) whose validThrough lies before
        `today`."""
        where = "" if source is None else " and source = ?"
        expired = [row["id"] for row in self.db.query(
            "select id from vacancies where status = 'open' and valid_through is not null "
            f"and valid_through < ?{where}",
            [today.isoformat()] + ([] if source is None else [source]))]
        return self.close(expired)

    def get(self, vacancy_id: str) -> StoredVacancy | None:
        rows = list(self.db.query(f"{_SELECT_STORED} where v.id = ?", [vacancy_id]))
        return self._stored(rows[0]) if rows else None

    def vacancies(self, *, include_closed: bool = False) -> Iterator[StoredVacancy]:
        """Every stored vacancy (open ones only unless asked), in a stable order."""
        where = "" if include_closed else "where v.status = 'open'"
        for row in self.db.query(f"{_SELECT_STORED} {where} order by v.first_seen, v.id"):
            yield self._stored(row)

    def count(self, *, status: str | None = None) -> int:
        if status is None:
            return self.db.table("vacancies").count
        return self.db.table("vacancies").count_where("status = ?", [status])

    def _stored(self, row: dict[str, Any]) -> StoredVacancy:
        urls = tuple(r["url"] for r in self.db.query(
            "select url from vacancy_urls where vacancy_id = ? order by first_seen, url",
            [row["id"]]))
        fields = {key: row[key] for key in Vacancy.model_fields if key in row}
        if fields.get("raw") is None:
            fields["raw"] = row.get("snapshot_raw")  # kept once, with the snapshot
        vacancy = Vacancy.model_validate(fields)
        return StoredVacancy(vacancy=vacancy, content_hash=row["content_hash"],
                             status=row["status"], first_seen=row["first_seen"],
                             last_seen=row["last_seen"], source_urls=urls)


_SELECT_STORED = (
    "select v.*, s.raw as snapshot_raw from vacancies v left join vacancy_snapshots s "
    "on s.vacancy_id = v.id and s.content_hash = v.content_hash")
"""A stored vacancy with the page of its current text (the raw page lives in the snapshot;
databases written before keep theirs in `vacancies.raw` too)."""


def _row_from_vacancy(vacancy: Vacancy) -> dict[str, Any]:
    """The `vacancies` row of a vacancy, without the raw page (the snapshot keeps it)."""
    record = vacancy.model_dump(mode="json", exclude={"raw"})
    row = {key: record.get(key) for key in _VACANCY_COLUMNS if key in record}
    row["raw"] = None  # an older database may hold a copy here: it would go stale
    return row
