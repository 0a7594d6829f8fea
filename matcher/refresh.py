"""Bringing derived data up to date after a crawl or ingest.

For every open vacancy whose text changed: read its requirements again and
embed it; then bring the FAISS index in line with the open vacancies. Work is
keyed by content hash, so a re-run on unchanged vacancies does nothing.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import logging
import re
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlparse

import numpy as np

from config import CONFIG_DIR, Settings
from matcher.index import VacancyIndex, faiss_id
from matcher.store import MatcherStore
from vacancies.geo import Location, locate, locate_in_region, locate_region
from vacancies.model import Vacancy
from vacancies.store import VacancyStore, open_database

if TYPE_CHECKING:
    from matcher.embeddings import Embedder

logger = logging.getLogger(__name__)

Progress = Callable[[str, int, int], None]
"""Called as progress(stage, done, total)."""


@dataclass
class RefreshSummary:
    extracted: int = 0
    facts: int = 0
    embedded: int = 0
    indexed: int = 0
    removed: int = 0
    seconds: dict[str, float] = field(default_factory=dict)
    """Wall-clock time of each stage: extract, facts, model, embed, index."""

    @contextlib.contextmanager
    def timed(self, stage: str) -> Iterator[None]:
        started = time.perf_counter()
        try:
            yield
        finally:
            self.seconds[stage] = time.perf_counter() - started


@functools.cache
def extractor_version() -> str:
    """A fingerprint of the extraction code and its pattern data: change either, re-read all."""
    digest = hashlib.sha256()
    package = Path(__file__).resolve().parent
    files = [*sorted(CONFIG_DIR.glob("requirements*")), *sorted(CONFIG_DIR.glob("requirements/*")),
             *sorted(package.glob("requirements*.py")), package / "occupations.py"]
    for path in files:
        if path.is_file():
            digest.update(path.name.encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def refresh_requirements(*, vacancies: VacancyStore, matcher_store: MatcherStore,
                         progress: Progress | None = None) -> int:
    """Extract requirements for open vacancies that have none for their current text."""
    hashes = vacancies.content_hashes()
    outdated = matcher_store.requirements_outdated(hashes, extractor=extractor_version())
    if not outdated:
        return 0  # nothing to read: the extraction pipeline is not even loaded
    from matcher.requirements import extract_many

    wanted = set(outdated)
    texts = {vacancy_id: (title, description) for vacancy_id, _, title, description, _, _
             in vacancies.open_texts() if vacancy_id in wanted}
    rows = []
    records = (texts[vacancy_id] for vacancy_id in outdated)
    for done, (vacancy_id, requirements) in enumerate(
            zip(outdated, extract_many(records), strict=True), start=1):
        rows.append((vacancy_id, hashes[vacancy_id], requirements))
        if progress:
            progress("extract", done, len(outdated))
    matcher_store.save_requirements(rows, extractor=extractor_version())
    return len(rows)


@functools.cache
def facts_version() -> str:
    """A fingerprint of what the ranking facts are read with: change it, read them again."""
    digest = hashlib.sha256(extractor_version().encode())
    package = Path(__file__).resolve().parent
    for path in (package / "ranking.py", package / "refresh.py",
                 package.parent / "vacancies" / "geo.py",
                 CONFIG_DIR / "requirements" / "occupations.json",
                 CONFIG_DIR / "passend_werk.toml"):
        if path.is_file():
            digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def country_of(vacancy: Vacancy) -> str:
    """Belgian vacancies (a .be address) are looked up in Belgium: "Bergen" there is Mons."""
    host = urlparse(vacancy.url or "").hostname or ""
    return "BE" if host.endswith(".be") else "NL"


def vacancy_location(vacancy: Vacancy) -> Location | None:
    """Where a vacancy is, from its postcode or place; None when that is not a point."""
    return vacancy_whereabouts(vacancy)[0]


# Where a title may name its place: after a dash or bar, or "in"/"te" ("... – Bergen (LI)").
_TITLE_PARTS = re.compile(r"\s+[-\u2013\u2014|]\s+|\s+(?:in|te)\s+")


def vacancy_whereabouts(vacancy: Vacancy) -> tuple[Location | None, str | None]:
    """(the point, the province) of a vacancy: its postcode or place as a point; when the
    place names only a Dutch province ("Limburg, Netherlands"), a place its title names
    inside that province ("Machine operator – Bergen (LI)"), or else the province, whose
    distance is then known only as a lower bound."""
    country = country_of(vacancy)
    location = locate(vacancy.place, postcode=vacancy.postcode, country=country)
    region = locate_region(vacancy.place) if location is None and country == "NL" else None
    if region is None:
        return location, None
    for part in _TITLE_PARTS.split(vacancy.title)[1:]:
        found = locate_in_region(part, region)
        if found is not None:
            return found, None
    return None, region



def refresh_facts(*, vacancies: VacancyStore, matcher_store: MatcherStore,
                  progress: Progress | None = None) -> int:
    """Read the ranking facts and the location of open vacancies whose text changed."""
    from matcher.ranking import facts_to_json, vacancy_facts

    hashes = vacancies.content_hashes()
    version = facts_version()
    outdated = matcher_store.facts_outdated(hashes, version=version)
    if not outdated:
        return 0
    requirements = matcher_store.requirements(outdated)
    rows = []
    for done, vacancy_id in enumerate(outdated, start=1):
        stored = vacancies.get(vacancy_id)
        if vacancy_id not in requirements or stored is None:
            continue
        where, region = vacancy_whereabouts(stored.vacancy)
        facts = replace(vacancy_facts(stored.vacancy, requirements[vacancy_id]), region=region)
        rows.append((vacancy_id, stored.content_hash, facts_to_json(facts),
                     where.lat if where else None, where.lon if where else None))
        if progress:
            progress("facts", done, len(outdated))
    matcher_store.save_facts(rows, version=version)
    return len(rows)


def passage_text(title: str, description: str, *, limit: int = 2000) -> str:
    """The text of a vacancy that is embedded: title first, then the start of the text."""
    return f"{title}\n{description[:limit]}"


def refresh_embeddings(*, vacancies: VacancyStore, matcher_store: MatcherStore,
                       embedder: Embedder, model_name: str, batch_size: int,
                       progress: Progress | None = None) -> int:
    """Embed the open vacancies whose content hash has no vector for this model yet."""
    by_hash = {content_hash: (title, description) for _, content_hash, title, description, _, _
               in vacancies.open_texts()}
    missing = matcher_store.missing_embeddings(by_hash, model=model_name)
    for start in range(0, len(missing), batch_size):
        batch = missing[start:start + batch_size]
        texts = [passage_text(*by_hash[h]) for h in batch]
        vectors = embedder.embed_passages(texts)
        matcher_store.save_embeddings(batch, vectors, model=model_name)
        if progress:
            progress("embed", start + len(batch), len(missing))
    return len(missing)


def refresh_index(*, vacancies: VacancyStore, matcher_store: MatcherStore, index: VacancyIndex,
                  model_name: str) -> tuple[int, int]:
    """Make the index hold exactly the open vacancies; returns (added or replaced, removed)."""
    open_now = vacancies.content_hashes()
    indexed = index.ids()
    wanted = {faiss_id(v): v for v in open_now}
    stale = [v for v in vacancies.content_hashes(status="closed") if faiss_id(v) in indexed]
    removed = index.remove(stale)
    to_add = [v for fid, v in wanted.items() if fid not in indexed]
    # Changed texts: the store knows which ids were re-embedded since the last index.
    to_add += [v for v in matcher_store.changed_since_index(open_now) if v not in to_add]
    vectors = matcher_store.embeddings((open_now[v] for v in to_add), model=model_name)
    present = [v for v in to_add if open_now[v] in vectors]
    if present:
        index.upsert(present, np.stack([vectors[open_now[v]] for v in present]))
    matcher_store.mark_indexed({v: open_now[v] for v in present})
    return len(present), removed


def refresh_all(*, settings: Settings, progress: Progress | None = None,
                embedder: Embedder | None = None) -> RefreshSummary:
    """Extract, embed and index everything that changed since the last run."""
    from matcher.embeddings import Embedder

    db = open_database(settings.db)
    vacancies = VacancyStore(db)
    matcher_store = MatcherStore(db)
    summary = RefreshSummary()
    with summary.timed("extract"):
        summary.extracted = refresh_requirements(vacancies=vacancies,
                                                 matcher_store=matcher_store, progress=progress)
    with summary.timed("facts"):
        summary.facts = refresh_facts(vacancies=vacancies, matcher_store=matcher_store,
                                      progress=progress)
    with summary.timed("model"):
        embedder = embedder or Embedder.from_settings(settings)
        dim = embedder.dim
    with summary.timed("embed"):
        summary.embedded = refresh_embeddings(
            vacancies=vacancies, matcher_store=matcher_store, embedder=embedder,
            model_name=settings.embedding_model, batch_size=settings.embedding_batch_size,
            progress=progress)
    with summary.timed("index"):
        index = VacancyIndex.load(settings.index_path, dim=dim)
        summary.indexed, summary.removed = refresh_index(
            vacancies=vacancies, matcher_store=matcher_store, index=index,
            model_name=settings.embedding_model)
        index = index.rebalanced(exact_limit=settings.index_exact_limit)
        index.save(settings.index_path)
    return summary
