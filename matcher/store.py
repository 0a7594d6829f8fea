"""The matcher's tables: requirements per vacancy and embeddings per content hash.

Both are derived data, keyed so that unchanged vacancies cost nothing on a
re-run: requirements are kept with the content hash they were read from,
embeddings by content hash and model.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator

import numpy as np
import sqlite_utils

from matcher.models import Requirements
from vacancies.store import utc_now


class MatcherStore:
    """Requirements and embeddings in the one SQLite database."""

    def __init__(self, db: sqlite_utils.Database) -> None:
        self.db = db
        if "requirements" not in db.table_names():
            db.table("requirements").create(
                {"vacancy_id": str, "content_hash": str, "extractor": str, "json": str,
                 "extracted_at": str}, pk="vacancy_id")
        if "embeddings" not in db.table_names():
            db.table("embeddings").create(
                {"content_hash": str, "model": str, "dim": int, "vector": bytes},
                pk=("content_hash", "model"))
        if "index_entries" not in db.table_names():
            db.table("index_entries").create({"vacancy_id": str, "content_hash": str},
                                       pk="vacancy_id")
        if "ranking_facts" not in db.table_names():
            db.table("ranking_facts").create(
                {"vacancy_id": str, "content_hash": str, "version": str, "json": str,
                 "lat": float, "lon": float}, pk="vacancy_id")

    def facts_outdated(self, current: dict[str, str], *, version: str) -> list[str]:
        """Ids (of `current`: id → content hash) whose ranking facts are missing or stale."""
        known = {row["vacancy_id"]: (row["content_hash"], row["version"]) for row in
                 self.db.query("select vacancy_id, content_hash, version from ranking_facts")}
        return [vacancy_id for vacancy_id, content_hash in current.items()
                if known.get(vacancy_id) != (content_hash, version)]

    def save_facts(self, rows: Iterable[tuple[str, str, str, float | None, float | None]], *,
                   version: str) -> None:
        """Rows of (vacancy id, content hash, facts JSON, latitude, longitude)."""
        with self.db.atomic():
            self.db.table("ranking_facts").upsert_all(
                ({"vacancy_id": vacancy_id, "content_hash": content_hash, "version": version,
                  "json": facts, "lat": lat, "lon": lon}
                 for vacancy_id, content_hash, facts, lat, lon in rows),
                pk="vacancy_id")

    def facts(self) -> Iterator[tuple[str, str, str, float | None, float | None]]:
        """Every stored row of (vacancy id, content hash, facts JSON, latitude, longitude)."""
        for row in self.db.execute(
                "select vacancy_id, content_hash, json, lat, lon from ranking_facts"):
            yield row[0], row[1], row[2], row[3], row[4]

    def changed_since_index(self, current: dict[str, str]) -> list[str]:
        """Ids (of `current`: id → content hash) indexed with an older text."""
        indexed = {row["vacancy_id"]: row["content_hash"]
                   for row in self.db.query("select * from index_entries")}
        return [v for v, h in current.items() if v in indexed and indexed[v] != h]

    def mark_indexed(self, entries: dict[str, str]) -> None:
        with self.db.atomic():
            self.db.table("index_entries").upsert_all(
                ({"vacancy_id": v, "content_hash": h} for v, h in entries.items()),
                pk="vacancy_id")

    def requirements_outdated(self, current: dict[str, str], *, extractor: str) -> list[str]:
        """Ids (of `current`: id → content hash) whose requirements are missing or stale."""
        known = {row["vacancy_id"]: (row["content_hash"], row["extractor"]) for row in
                 self.db.query("select vacancy_id, content_hash, extractor from requirements")}
        return [vacancy_id for vacancy_id, content_hash in current.items()
                if known.get(vacancy_id) != (content_hash, extractor)]

    def save_requirements(self, rows: Iterable[tuple[str, str, Requirements]], *,
                          extractor: str) -> None:
        now = utc_now()
        with self.db.atomic():
            self.db.table("requirements").upsert_all(
                ({"vacancy_id": vacancy_id, "content_hash": content_hash, "extractor": extractor,
                  "json": requirements.model_dump_json(), "extracted_at": now}
                 for vacancy_id, content_hash, requirements in rows),
                pk="vacancy_id")

    def requirements(self, vacancy_ids: Iterable[str] | None = None) -> dict[str, Requirements]:
        if vacancy_ids is None:
            rows = self.db.query("select vacancy_id, json from requirements")
        else:
            ids = list(vacancy_ids)
            rows = self.db.query(
                "select vacancy_id, json from requirements where vacancy_id in "
                "(select value from json_each(?))", [json.dumps(ids)])
        return {row["vacancy_id"]: Requirements.model_validate_json(row["json"]) for row in rows}

    def missing_embeddings(self, content_hashes: Iterable[str], *, model: str) -> list[str]:
        known = {row["content_hash"] for row in self.db.query(
            "select content_hash from embeddings where model = ?", [model])}
        return sorted({h for h in content_hashes if h not in known})

    def save_embeddings(self, content_hashes: list[str], vectors: np.ndarray, *,
                        model: str) -> None:
        with self.db.atomic():
            self.db.table("embeddings").upsert_all(
                ({"content_hash": h, "model": model, "dim": int(v.shape[0]),
                  "vector": np.asarray(v, dtype=np.float32).tobytes()}
                 for h, v in zip(content_hashes, vectors, strict=True)),
                pk=("content_hash", "model"))

    def embeddings(self, content_hashes: Iterable[str], *, model: str) -> dict[str, np.ndarray]:
        rows = self.db.query(
            "select content_hash, vector from embeddings where model = ? and content_hash in "
            "(select value from json_each(?))", [model, json.dumps(list(content_hashes))])
        return {row["content_hash"]: np.frombuffer(row["vector"], dtype=np.float32)
                for row in rows}
