"""Benchmark of the ranking: does the shortlist put realistic work first?

Ingests the 90 development postings (the 50 real ones named in
../shared/data/labels_dev.jsonl and the 40 of written_dev.jsonl) into a fresh
store through `spoorzoeker ingest`, then, per sample profile
(../shared/data/profiles/*.json) with its travel radius widened to the whole
country (the grades ignore distance), asks the shortlist for every vacancy it
may show and prints nDCG@10 and the share of the top 10 graded ≥ 1 against
../shared/data/relevance_dev.jsonl (README.md there explains the grades),
per profile and on average.

nDCG uses the gain 2^grade − 1. Its ideal ranking is taken over the vacancies
the shortlist may show at all, i.e. every stored posting the verdict does not
call `ongeschikt` (CONTRACTS §5: those never appear, and the grades ignore the
FML, so a graded posting the FML rules out cannot count against the ranking).
Postings the shortlist leaves out as unrealistic do count against it. The
nDCG against the ideal over every graded posting is printed beside it for
transparency.

    .venv/bin/python bench/ranking.py [--data ../shared/data] [--db KEEP.sqlite]
                                      [--today 2026-11-22] [--show 10]

Targets (issue 6): nDCG@10 ≥ 0.75 and ≥ 8 of the top 10 graded ≥ 1.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from config import Settings  # noqa: E402
from profiles.model import Profile, load_profile  # noqa: E402

POSTING_FILES = ("vacancies_nl_jobboards.jsonl", "vacancies_vdab_flemish.jsonl",
                 "written_dev.jsonl")
WHOLE_COUNTRY_KM = 400.0


def dev_postings(data: Path) -> list[str]:
    """The JSONL lines of the 90 development postings (ids in labels_dev.jsonl)."""
    wanted = {json.loads(line)["id"] for line in (data / "labels_dev.jsonl").open()}
    lines = []
    for name in POSTING_FILES:
        for line in (data / name).open(encoding="utf-8"):
            if line.strip() and json.loads(line)["id"] in wanted:
                lines.append(line.rstrip("\n"))
    return lines


def ingest(lines: list[str], db: Path) -> str:
    """Load the postings through the real CLI, as a user would."""
    with tempfile.NamedTemporaryFile("w", suffix=".jsonl", delete=False,
                                     encoding="utf-8") as handle:
        handle.write("\n".join(lines) + "\n")
    executable = Path(sys.executable).parent / "spoorzoeker"
    command = [str(executable)] if executable.exists() else [sys.executable, str(REPO / "cli.py")]
    try:
        result = subprocess.run([*command, "ingest", handle.name, "--db", str(db), "--quiet"],
                                capture_output=True, text=True, check=False,
                                env={**os.environ, "HF_HUB_OFFLINE": "1"})
    finally:
        os.unlink(handle.name)
    if result.returncode != 0:
        sys.exit(f"ingest failed ({result.returncode}): {result.stderr.strip()[-2000:]}")
    return result.stdout.strip()


def dcg(gains: list[float]) -> float:
    return sum((2 ** g - 1) / math.log2(i + 2) for i, g in enumerate(gains))


def ndcg_at(ranked: list[str], grades: dict[str, int], pool: list[str], k: int = 10) -> float:
    ideal = dcg(sorted((grades.get(v, 0) for v in pool), reverse=True)[:k])
    return dcg([grades.get(v, 0) for v in ranked[:k]]) / ideal if ideal else 0.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=REPO.parent / "shared" / "data")
    parser.add_argument("--db", type=Path, help="keep the store here (reused when it exists)")
    parser.add_argument("--today", type=date.fromisoformat, default=date(2026, 11, 22))
    parser.add_argument("--show", type=int, default=0, help="print the top N per profile")
    args = parser.parse_args()

    from delivery.shortlist import ShortlistService
    from matcher.suitability import judge

    lines = dev_postings(args.data)
    workdir = tempfile.TemporaryDirectory()
    db = args.db or Path(workdir.name) / "bench.sqlite"
    if not db.exists():
        started = time.perf_counter()
        summary = ingest(lines, db)
        print(f"ingest of {len(lines)} development postings: {summary} "
              f"({time.perf_counter() - started:.0f} s)")
    settings = Settings(db=db)
    service = ShortlistService.open(settings)
    stored_requirements = service.matcher_store.requirements()
    relevance = {json.loads(line)["profile"]: json.loads(line)["grades"]
                 for line in (args.data / "relevance_dev.jsonl").open()}
    rows = []
    for path in sorted((args.data / "profiles").glob("*.json")):
        profile: Profile = load_profile(path, source_name=path.name)
        profile = profile.model_copy(update={"max_travel_km": WHOLE_COUNTRY_KM})
        grades = relevance.get(profile.id)
        if grades is None:
            print(f"{profile.id}: no grades, skipped")
            continue
        matches = service.shortlist(profile=profile, top=len(lines), today=args.today)
        ranked = [m.id for m in matches]
        top = ranked[:10]
        good = sum(1 for v in top if grades.get(v, 0) >= 1)
        may_show = [vacancy_id for vacancy_id, requirements in stored_requirements.items()
                    if judge(vacancy_id=vacancy_id, requirements=requirements,
                             profile=profile, today=args.today).verdict != "ongeschikt"]
        shown_ndcg = ndcg_at(ranked, grades, may_show)
        all_ndcg = ndcg_at(ranked, grades, list(grades))
        rows.append((profile.id, shown_ndcg, good / max(len(top), 1), all_ndcg, len(ranked),
                     len(may_show)))
        if args.show:
            for number, match in enumerate(matches[:args.show], start=1):
                print(f"  {number:2}. [{grades.get(match.id, 0)}] {match.title[:60]} "
                      f"({match.verdict}, {match.score:.3f}) {match.why}")
    print(f"\n{'profile':28} {'nDCG@10':>8} {'top10≥1':>8} {'nDCG(all)':>10} {'shown':>6}"
          f" {'may show':>8}")
    for name, shown_ndcg, share, all_ndcg, count, pool in rows:
        print(f"{name:28} {shown_ndcg:8.3f} {share:8.0%} {all_ndcg:10.3f} {count:6} {pool:8}")
    if rows:
        mean = [sum(r[i] for r in rows) / len(rows) for i in (1, 2, 3)]
        print(f"{'mean':28} {mean[0]:8.3f} {mean[1]:8.0%} {mean[2]:10.3f}")
        print("targets: nDCG@10 >= 0.75, top10>=1 >= 80%")


if __name__ == "__main__":
    main()
