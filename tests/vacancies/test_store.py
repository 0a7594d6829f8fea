"""The vacancy store on a real SQLite file."""

from __future__ import annotations

from datetime import date

import sqlite_utils

from vacancies.model import Vacancy
from vacancies.store import VacancyStore


def vacancy(**changes: object) -> Vacancy:
    fields = {"id": "v1", "title": "Orderpicker", "description": "Je pakt orders.",
              "place": "Zoetermeer", "url": "https://example.nl/v1", "source": "test"}
    fields.update(changes)
    return Vacancy.model_validate(fields)


def test_upsert_reports_new_unchanged_and_updated(db_path):
    store = VacancyStore.open(db_path)
    assert store.upsert(vacancy(), seen_at="2026-11-01T10:00:00+00:00") == "new"
    assert store.upsert(vacancy(), seen_at="2026-11-02T10:00:00+00:00") == "unchanged"
    assert store.upsert(vacancy(description="Je pakt orders, ook op zaterdag."),
                        seen_at="2026-11-03T10:00:00+00:00") == "updated"
    stored = store.get("v1")
    assert stored.first_seen == "2026-11-01T10:00:00+00:00"
    assert stored.last_seen == "2026-11-03T10:00:00+00:00"
    assert stored.vacancy.description == "Je pakt orders, ook op zaterdag."


def test_every_version_of_the_text_is_kept_as_a_snapshot(db_path):
    store = VacancyStore.open(db_path)
    store.upsert(vacancy(description="Eerste tekst."))
    store.upsert(vacancy(description="Tweede tekst."))
    texts = [row["description"] for row in store.db["vacancy_snapshots"].rows]
    assert texts == ["Eerste tekst.", "Tweede tekst."]


def test_closed_vacancy_keeps_its_text_and_reopens_when_seen_again(db_path):
    store = VacancyStore.open(db_path)
    store.upsert(vacancy())
    assert store.close(["v1"]) == 1
    assert store.count(status="open") == 0
    assert [s.vacancy.id for s in store.vacancies(include_closed=True)] == ["v1"]
    assert store.upsert(vacancy()) == "updated"
    assert store.get("v1").status == "open"


def test_close_expired_uses_valid_through(db_path):
    store = VacancyStore.open(db_path)
    seen = date(2026, 1, 15)
    store.upsert(vacancy(id="old", valid_through=date(2026, 1, 31)), today=seen)
    store.upsert(vacancy(id="current", valid_through=date(2027, 1, 31)), today=seen)
    store.upsert(vacancy(id="open-ended"), today=seen)
    assert store.close_expired(today=date(2026, 11, 22)) == 1
    assert {s.vacancy.id for s in store.vacancies()} == {"current", "open-ended"}


def test_export_record_lists_every_url_and_the_lifecycle(db_path):
    store = VacancyStore.open(db_path)
    store.upsert(vacancy(), seen_at="2026-11-01T10:00:00+00:00")
    store.remember_url("v1", "https://andere-site.nl/vacature/9", source="andere",
                       seen_at="2026-11-02T10:00:00+00:00")
    record = store.get("v1").export_record()
    assert record["source_urls"] == ["https://example.nl/v1", "https://andere-site.nl/vacature/9"]
    assert record["status"] == "open"
    assert record["first_seen"] == "2026-11-01T10:00:00+00:00"
    assert "raw" not in record


def test_database_is_a_real_sqlite_file_in_wal_mode(db_path):
    VacancyStore.open(db_path).upsert(vacancy())
    db = sqlite_utils.Database(db_path)
    assert db.journal_mode == "wal"
    assert db["vacancies"].count == 1


def test_alias_joins_the_canonical_vacancy_with_its_url_and_snapshot(db_path):
    store = VacancyStore.open(db_path)
    store.upsert(vacancy(), seen_at="2026-11-01T10:00:00+00:00", crawl=1)
    repost = vacancy(id="bord:9", url="https://bord.nl/9", source="bord",
                     description="Je pakt orders. Solliciteer via Bord.")
    assert store.add_alias(repost, canonical_id="v1", crawl=1) == "new"
    assert store.add_alias(repost, canonical_id="v1", crawl=2) == "unchanged"
    assert store.alias_of("bord:9") == "v1"
    assert store.count() == 1
    assert store.get("v1").source_urls == ("https://example.nl/v1", "https://bord.nl/9")
    texts = [row["description"] for row in store.db["vacancy_snapshots"].rows_where(
        "vacancy_id = ?", ["bord:9"])]
    assert texts == ["Je pakt orders. Solliciteer via Bord."]


def test_close_unseen_keeps_a_vacancy_open_while_another_source_still_publishes_it(db_path):
    store = VacancyStore.open(db_path)
    store.upsert(vacancy(), crawl=1)
    store.add_alias(vacancy(id="bord:9", source="bord", url="https://bord.nl/9"),
                    canonical_id="v1", crawl=5)
    assert store.close_unseen(source="test", before_crawl=3) == 0
    assert store.get("v1").status == "open"
    assert store.close_unseen(source="bord", before_crawl=6) == 1
    assert store.get("v1").status == "closed"
    assert store.touch(["bord:9"], crawl=7) == {"unchanged": 0, "updated": 0, "duplicates": 1}
    assert store.get("v1").status == "open"


def test_touch_marks_seen_reopens_and_skips_unknown_ids(db_path):
    store = VacancyStore.open(db_path)
    store.upsert(vacancy(), crawl=1)
    store.upsert(vacancy(id="old", valid_through=date(2026, 1, 31)), crawl=1)
    store.close(["v1", "old"])
    counts = store.touch(["v1", "old", "onbekend"], crawl=2, today=date(2026, 11, 22))
    assert counts == {"unchanged": 1, "updated": 1, "duplicates": 0}
    assert store.get("v1").status == "open"
    assert store.get("old").status == "closed"  # past its validThrough: stays closed
    assert store.close_unseen(source="test", before_crawl=2) == 0
    assert store.close_unseen(source="test", before_crawl=3) == 1


def test_ingested_vacancies_are_never_closed_as_unseen(db_path):
    store = VacancyStore.open(db_path)
    store.upsert(vacancy())
    assert store.close_unseen(source="test", before_crawl=100) == 0


def test_a_vacancy_past_its_valid_through_is_kept_closed_and_stays_unchanged(db_path):
    store = VacancyStore.open(db_path)
    expired = vacancy(valid_through=date(2026, 10, 31))
    assert store.upsert(expired, today=date(2026, 11, 22)) == "new"
    assert store.get("v1").status == "closed"
    assert store.upsert(expired, today=date(2026, 11, 23)) == "unchanged"
    assert store.get("v1").status == "closed"
    assert store.count(status="open") == 0
    extended = vacancy(valid_through=date(2027, 1, 31))
    assert store.upsert(extended, today=date(2026, 11, 23)) == "updated"
    assert store.get("v1").status == "open"
