"""Benchmark of shortlist latency at scale: 100k and 1M open vacancies.

Synthetic stores: titles, employers and places are drawn from the real Adzuna
titles of ../shared/data/titles_locations_adzuna_nl.csv (a generic list when
that is absent), each with a short Dutch text and requirements drawn from
plausible distributions (education, experience, licences, hours, a demand or
two); 10% have a place that is not a point (distance unknown). The vectors are
realistic in shape rather than from the model: unit vectors around 300
topic centres, and queries near a centre (embedding a million texts on two
cores would take hours and measures the model, not the shortlist).

For each size it builds the FAISS index the way the product does (exact up to
`Settings.index_exact_limit`, IVF beyond), then for the four sample profiles
with their own radius and a batch of queries each, prints shortlist p50/p95
(`delivery.shortlist.rank_open`: filters, restricted search, bounds, judging
the few best) against the FAISS search alone on the same queries: restricted to the
candidates that passed the radius, licence and hours filters (what a
shortlist that filters and then searches costs) and unrestricted (plain
semantic search), with k = SEMANTIC_K; plus build times and memory. The
shortlist itself restricts the search further, to the candidates whose score
the embedding could still lift into the top (see delivery/shortlist.py).

    .venv/bin/python bench/shortlist.py [--sizes 100000 1000000] [--queries 10]

Targets (issue 6): p50 ≤ 50 ms at 100k and ≤ 150 ms at 1M, within 1.5× FAISS alone.
"""

from __future__ import annotations

import argparse
import csv
import gc
import resource
import statistics
import sys
import time
from datetime import date
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from config import Settings  # noqa: E402
from delivery.shortlist import (  # noqa: E402
    SEMANTIC_K,
    OpenVacancies,
    candidate_rows,
    rank_open,
)
from matcher.index import VacancyIndex  # noqa: E402
from matcher.models import Demand, HoursRange, Requirements  # noqa: E402
from matcher.ranking import vacancy_facts  # noqa: E402
from profiles.model import Profile, load_profile  # noqa: E402
from vacancies.geo import locate  # noqa: E402
from vacancies.model import Vacancy  # noqa: E402

DIM = 384
CENTRES = 300
TODAY = date(2026, 11, 22)
FALLBACK_TITLES = [("Orderpicker", "Tilburg"), ("Productiemedewerker", "Oss"),
                   ("Administratief medewerker", "Utrecht"), ("Schoonmaker", "Zwolle"),
                   ("Verzorgende IG", "Eindhoven"), ("Elektricien", "Deventer"),
                   ("Klantenservicemedewerker", "Zoetermeer"), ("Data analist", "Amsterdam")]
DEMANDS = ["tillen", "staan", "lopen", "beeldscherm", "klantcontact", "avond_weekend",
           "tijdsdruk", "nachtdienst", "bukken_knielen", "klimmen"]


def templates(data: Path, rng: np.random.Generator) -> list[tuple[Vacancy, Requirements, tuple]]:
    """Distinct vacancies to draw from: a real title and place, generated requirements."""
    path = data / "titles_locations_adzuna_nl.csv"
    if path.exists():
        with path.open(encoding="utf-8") as handle:
            pairs = [(r["title"], r["location"], r["company"]) for r in csv.DictReader(handle)]
    else:
        pairs = [(t, p, "Werkgever") for t, p in FALLBACK_TITLES]
    result = []
    for number, (title, place, employer) in enumerate(pairs):
        where = locate(place)
        demands = [Demand(code=code, certainty=rng.choice(["explicit", "implied"]),
                          evidence=f"Je werk vraagt {code}.")
                   for code in rng.choice(DEMANDS, size=rng.integers(0, 3), replace=False)]
        if demands and demands[0].code == "tillen" and rng.random() < 0.5:
            demands[0] = demands[0].model_copy(update={"value": float(rng.choice([10, 15, 25])),
                                                       "unit": "kg"})
        hours = rng.choice([None, 16, 24, 32, 36])
        requirements = Requirements(
            demands=demands,
            hours_per_week=None if hours is None else HoursRange(min=float(hours), max=40.0),
            education_level=rng.choice([None, None, "vmbo", "mbo2", "mbo3", "mbo4", "hbo"]),
            driving_licences=["B"] if rng.random() < 0.15 else [],
            experience_years=rng.choice([None, None, 1.0, 2.0, 3.0]))
        vacancy = Vacancy(id=f"t{number}", title=title, employer=employer, place=place,
                          description=f"{title} bij {employer} in {place}. Je werkt in een "
                                      "team en je krijgt een goede inwerkperiode.")
        result.append((vacancy, requirements, (where.lat, where.lon) if where else None))
    return result


def synthetic(n: int, pool: list, rng: np.random.Generator):
    """n open vacancies drawn from the templates, with vectors around topic centres."""
    centres = rng.standard_normal((CENTRES, DIM)).astype(np.float32)
    centres /= np.linalg.norm(centres, axis=1, keepdims=True)
    pick = rng.integers(0, len(pool), size=n)
    facts_of = [vacancy_facts(v, r) for v, r, _ in pool]
    ids = [f"v{i}" for i in range(n)]
    lat, lon = [], []
    jitter = rng.normal(0, 0.03, size=(n, 2))
    unknown = rng.random(n) < 0.10
    for i, t in enumerate(pick):
        point = pool[t][2]
        if point is None or unknown[i]:
            lat.append(None)
            lon.append(None)
        else:
            lat.append(point[0] + jitter[i, 0])
            lon.append(point[1] + jitter[i, 1])
    vectors = centres[pick % CENTRES] + 0.6 * rng.standard_normal((n, DIM)).astype(
        np.float32) / np.sqrt(DIM)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    facts = [facts_of[t] for t in pick]
    return ids, pick, facts, lat, lon, vectors, centres


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=REPO.parent / "shared" / "data")
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--queries", type=int, default=10, help="queries per profile")
    parser.add_argument("--top", type=int, default=20)
    args = parser.parse_args()
    settings = Settings()
    rng = np.random.default_rng(11)
    pool = templates(args.data, rng)
    profiles: list[Profile] = [load_profile(p, source_name=p.name)
                               for p in sorted((args.data / "profiles").glob("*.json"))]
    print(f"{len(pool)} template vacancies, {len(profiles)} profiles, "
          f"exact index up to {settings.index_exact_limit:,}, nprobe {settings.index_nprobe}")
    for n in args.sizes:
        gc.collect()
        started = time.perf_counter()
        ids, pick, facts, lat, lon, vectors, centres = synthetic(n, pool, rng)
        generated = time.perf_counter() - started
        started = time.perf_counter()
        open_vacancies = OpenVacancies.build(ids=ids, facts=facts, lat=lat, lon=lon)
        columns = time.perf_counter() - started
        started = time.perf_counter()
        index = VacancyIndex.build(open_vacancies.faiss_ids, vectors,
                                   exact_limit=settings.index_exact_limit,
                                   nprobe=settings.index_nprobe)
        built = time.perf_counter() - started
        del vectors
        gc.collect()

        def load(wanted: list[str], pick: np.ndarray = pick
                 ) -> dict[str, tuple[Vacancy, Requirements]]:
            loaded = {}
            for vacancy_id in wanted:
                vacancy, requirements, _ = pool[pick[int(vacancy_id[1:])]]
                record = vacancy.__dict__ | {"id": vacancy_id}
                loaded[vacancy_id] = (Vacancy.model_construct(**record), requirements)
            return loaded

        shortlist_ms, faiss_ms, plain_ms, candidates = [], [], [], []
        for profile in profiles:
            for q in range(args.queries):
                query = centres[(hash(profile.id) + q) % CENTRES] + 0.3 * rng.standard_normal(
                    DIM).astype(np.float32) / np.sqrt(DIM)
                query = (query / np.linalg.norm(query)).astype(np.float32)
                started = time.perf_counter()
                matches = rank_open(open_vacancies=open_vacancies, index=index, query=query,
                                    profile=profile, load=load, top=args.top, today=TODAY)
                shortlist_ms.append((time.perf_counter() - started) * 1000)
                rows, _, _ = candidate_rows(open_vacancies=open_vacancies, profile=profile,
                                            today=TODAY)
                everything = len(rows) == len(open_vacancies)
                started = time.perf_counter()
                index.search_ids(query, among=None if everything else
                                 open_vacancies.faiss_ids[rows],
                                 k=min(SEMANTIC_K, len(rows)))
                faiss_ms.append((time.perf_counter() - started) * 1000)
                started = time.perf_counter()
                index.search_ids(query, among=None, k=SEMANTIC_K)
                plain_ms.append((time.perf_counter() - started) * 1000)
                candidates.append(len(rows))
                assert len(matches) <= args.top
        p50, p95 = np.percentile(shortlist_ms, 50), np.percentile(shortlist_ms, 95)
        f50, f95 = np.percentile(faiss_ms, 50), np.percentile(faiss_ms, 95)
        print(f"\n{n:,} open vacancies ({index.kind} index, {len(index):,} vectors)")
        print(f"  generate {generated:.1f} s, columns {columns:.1f} s, index build {built:.1f} s, "
              f"peak RSS {rss_mb():,.0f} MB")
        print(f"  candidates after radius/licence/hours filters: median "
              f"{statistics.median(candidates):,.0f}")
        print(f"  shortlist  p50 {p50:6.1f} ms  p95 {p95:6.1f} ms")
        n50, n95 = np.percentile(plain_ms, 50), np.percentile(plain_ms, 95)
        print(f"  FAISS alone, restricted to the filtered candidates (IDSelectorBatch), "
              f"k={SEMANTIC_K}:")
        print(f"             p50 {f50:6.1f} ms  p95 {f95:6.1f} ms  -> shortlist/FAISS "
              f"{p50 / max(f50, 1e-9):.2f}x")
        print(f"  FAISS alone, unrestricted top {SEMANTIC_K} (plain semantic search):")
        print(f"             p50 {n50:6.1f} ms  p95 {n95:6.1f} ms  -> shortlist/FAISS "
              f"{p50 / max(n50, 1e-9):.2f}x")
        del index, open_vacancies, facts
    print("\ntargets: p50 <= 50 ms at 100k, <= 150 ms at 1M, within 1.5x FAISS alone")


if __name__ == "__main__":
    main()
