"""The vacancy store: one SQLite database, opened through sqlite-utils in WAL mode.

This module owns the tables `vacancies` (the current state of each vacancy),
`vacancy_urls` (every URL a vacancy was found at) and `vacancy_snapshots`
(every version of the text ever seen: vacancies disappear, the dossier must
not). Other packages own their own tables in the same file and open it
with `open_database`.
"""

from __future__ import annotations

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
    "first_seen": str, "last_seen": str, "closed_at": str,
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
            self.db["vacancies"].create(_VACANCY_COLUMNS, pk="id", not_null={"title", "status"})
            self.db["vacancies"].create_index(["status"])
        if "vacancy_urls" not in self.db.table_names():
            self.db["vacancy_urls"].create(
                {"vacancy_id": str, "url": str, "source": str, "first_seen": str,
                 "last_seen": str},
                pk=("vacancy_id", "url"),
            )
        if "vacancy_snapshots" not in self.db.table_names():
            self.db["vacancy_snapshots"].create(
                {"vacancy_id": str, "content_hash": str, "seen_at": str, "title": str,
                 "description": str, "raw": str},
                pk=("vacancy_id", "content_hash"),
            )

    def upsert(self, vacancy: Vacancy, *, seen_at: str | None = None) -> Change:
        """Store what a source published now; reopen it if it was closed.

        A changed text keeps the earlier version as a snapshot.
        """
        seen_at = seen_at or utc_now()
        content_hash = vacancy.content_hash()
        with self.db.atomic():
            rows = list(self.db.query(
                "select content_hash, first_seen, status from vacancies where id = ?",
                [vacancy.id]))
            record = _row_from_vacancy(vacancy)
            record.update(content_hash=content_hash, last_seen=seen_at, status="open",
                          closed_at=None)
            if not rows:
                record["first_seen"] = seen_at
                self.db["vacancies"].insert(record)
                change: Change = "new"
            else:
                previous = rows[0]
                record["first_seen"] = previous["first_seen"]
                self.db["vacancies"].update(vacancy.id, record)
                unchanged = (previous["content_hash"] == content_hash
                             and previous["status"] == "open")
                change = "unchanged" if unchanged else "updated"
            self.db["vacancy_snapshots"].insert(
                {"vacancy_id": vacancy.id, "content_hash": content_hash, "seen_at": seen_at,
                 "title": vacancy.title, "description": vacancy.description,
                 "raw": vacancy.raw},
                ignore=True,
            )
            if vacancy.url:
                self.remember_url(vacancy.id, vacancy.url, source=vacancy.source,
                                  seen_at=seen_at)
        return change

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
        with self.db.atomic():
            for vacancy_id in vacancy_ids:
                cursor = self.db.execute(
                    "update vacancies set status = 'closed', closed_at = ? "
                    "where id = ? and status = 'open'", [at, vacancy_id])
                closed += cursor.rowcount
        return closed

    def close_expired(self, *, today: date) -> int:
        """Close open vacancies whose validThrough lies before `today`."""
        expired = [row["id"] for row in self.db.query(
            "select id from vacancies where status = 'open' and valid_through is not null "
            "and valid_through < ?", [today.isoformat()])]
        return self.close(expired)

    def get(self, vacancy_id: str) -> StoredVacancy | None:
        rows = list(self.db.query("select * from vacancies where id = ?", [vacancy_id]))
        return self._stored(rows[0]) if rows else None

    def vacancies(self, *, include_closed: bool = False) -> Iterator[StoredVacancy]:
        """Every stored vacancy (open ones only unless asked), in a stable order."""
        where = "" if include_closed else "where status = 'open'"
        for row in self.db.query(f"select * from vacancies {where} order by first_seen, id"):
            yield self._stored(row)

    def count(self, *, status: str | None = None) -> int:
        if status is None:
            return self.db["vacancies"].count
        return self.db["vacancies"].count_where("status = ?", [status])

    def _stored(self, row: dict[str, Any]) -> StoredVacancy:
        urls = tuple(r["url"] for r in self.db.query(
            "select url from vacancy_urls where vacancy_id = ? order by first_seen, url",
            [row["id"]]))
        vacancy = Vacancy.model_validate(
            {key: row[key] for key in Vacancy.model_fields if key in row})
        return StoredVacancy(vacancy=vacancy, content_hash=row["content_hash"],
                             status=row["status"], first_seen=row["first_seen"],
                             last_seen=row["last_seen"], source_urls=urls)


def _row_from_vacancy(vacancy: Vacancy) -> dict[str, Any]:
    record = vacancy.model_dump(mode="json")
    return {key: record.get(key) for key in _VACANCY_COLUMNS if key in record}
