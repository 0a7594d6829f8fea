"""Benchmark: CPU time of deduplication per posting, fingerprint and find + add apart.

Every posting of a set goes through `fingerprint`, then, in order, through
`DuplicateFinder.find` and (when it is no copy) `add`, as the crawler's ingest
does. Three sets:
- `real`: the real job-board postings of ../shared/data (skipped, with a message,
  when ../shared is absent);
- `site`: the pages of bench/crawl.py's generated career site, parsed as the
  crawler parses them (`crawlers.parsers.jobposting.parse_page`);
- `reposts`: bench/dedup.py's generated reposts (seed 1), many of them copies.

Each run is a fresh process; the numbers are CPU time (time.process_time, so the
other work of a shared machine counts for little), the median of `--runs` runs.

    .venv/bin/python bench/dedup_speed.py [--runs 3] [--pages 3000]
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO / ".." / "shared" / "data"
REAL = SHARED / "vacancies_nl_jobboards.jsonl"
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))

Posting = tuple[str, str, str | None, str | None]  # title, description, place, employer


def real_postings() -> list[Posting]:
    postings = []
    with REAL.open(encoding="utf-8") as lines:
        for line in lines:
            record = json.loads(line)
            postings.append((record["title"] or "", record["description"] or "",
                             record.get("place"), record.get("employer")))
    return postings


def site_postings(pages: int) -> list[Posting]:
    from crawl import write_site  # bench/crawl.py

    from crawlers.parsers.jobposting import parse_page

    folder = Path(tempfile.mkdtemp()) / "site"
    write_site(folder, pages=pages)
    postings = []
    for number in range(pages):
        body = (folder / "v" / f"{number}.html").read_text(encoding="utf-8")
        for vacancy in parse_page(body, url=f"http://127.0.0.1/v/{number}.html",
                                  source="bench").vacancies:
            postings.append((vacancy.title, vacancy.description, vacancy.place,
                             vacancy.employer))
    return postings


def repost_postings() -> list[Posting]:
    from dedup import generate  # bench/dedup.py

    return [(posting.title, posting.description, posting.place, posting.employer)
            for posting in generate(random.Random(1), 600)]


def measure(postings: list[Posting]) -> dict[str, float]:
    """CPU µs per posting of `fingerprint` and of `find` + `add`."""
    from vacancies import geo
    from vacancies.dedup import DuplicateFinder, fingerprint

    geo.preload()
    started = time.process_time()
    prints = [fingerprint(title=title, description=description, place=place, employer=employer)
              for title, description, place, employer in postings]
    printed = time.process_time()
    finder = DuplicateFinder()
    copies = 0
    for number, print_ in enumerate(prints):
        key = str(number)
        if finder.find(print_, exclude=key) is None:
            finder.add(key, print_)
        else:
            copies += 1
    found = time.process_time()
    return {"postings": len(postings), "copies": copies,
            "fingerprint_us": 1e6 * (printed - started) / max(len(postings), 1),
            "find_add_us": 1e6 * (found - printed) / max(len(postings), 1)}


def worker(kind: str, pages: int) -> dict[str, float]:
    postings = {"real": real_postings, "site": lambda: site_postings(pages),
                "reposts": repost_postings}[kind]()
    return measure(postings)


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--pages", type=int, default=3000)
    parser.add_argument("--sets", nargs="+", default=["real", "site", "reposts"])
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        print(json.dumps(worker(args.worker, args.pages)))
        return
    print(f"{'set':>8} {'postings':>8} {'copies':>6} {'fingerprint µs':>14} "
          f"{'find+add µs':>11}   (CPU per posting, median of {args.runs} runs)")
    for kind in args.sets:
        if kind == "real" and not REAL.exists():
            print(f"{'real':>8}: skipped, {REAL} is absent (the real postings live outside "
                  "the repository)")
            continue
        results: list[dict[str, Any]] = []
        for _ in range(args.runs):
            done = subprocess.run([sys.executable, __file__, "--worker", kind, "--pages",
                                   str(args.pages)], cwd=REPO, capture_output=True, text=True,
                                  check=True)
            results.append(json.loads(done.stdout.strip().splitlines()[-1]))
        fingerprint_us = statistics.median(r["fingerprint_us"] for r in results)
        find_add_us = statistics.median(r["find_add_us"] for r in results)
        runs = " / ".join(", ".join(f"{r[name]:.0f}" for r in results)
                          for name in ("fingerprint_us", "find_add_us"))
        print(f"{kind:>8} {results[0]['postings']:>8.0f} {results[0]['copies']:>6.0f} "
              f"{fingerprint_us:>14.0f} {find_add_us:>11.0f}   (runs: {runs})")


if __name__ == "__main__":
    main()
