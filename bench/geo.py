"""Benchmark of vacancies.geo: load time, lookup speed and resolution rate on real places.

Run: `.venv/bin/python bench/geo.py`. Prints the time to build the indexes, the median
(of 3 runs) microseconds per PC4 lookup and per place-string lookup, and how many place
strings of the shared job-board and Adzuna files resolve, with the unresolved strings.
Regions ("Nederland", a province, "Randstad", "Werk van thuis") are expected to give
no point and are counted apart. The shared data is read at run time, never copied.
"""

from __future__ import annotations

import csv
import json
import statistics
import sys
import time
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

from vacancies import geo

DATA = Path(__file__).resolve().parents[1] / ".." / "shared" / "data"
PC4_CODES = ("3511", "2711", "1012", "9711", "6211", "5611", "8011", "4811", "1781", "7511")
REGION_STRINGS = frozenset({
    "Nederland", "NL", "The Randstad, Netherlands", "Randstad, ZH, NL", "Werk van thuis, NL",
    "Haaglanden, ZH, NL", "Utrecht, Netherlands",
})


def _place_strings() -> Counter[str | None]:
    places: Counter[str | None] = Counter()
    with (DATA / "vacancies_nl_jobboards.jsonl").open(encoding="utf-8") as handle:
        for line in handle:
            if line.strip():
                places[json.loads(line).get("place")] += 1
    with (DATA / "titles_locations_adzuna_nl.csv").open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            places[row.get("location")] += 1
    return places


def _is_region(place: str) -> bool:
    """Strings that name an area on purpose: the country, a province, the Randstad."""
    if place in REGION_STRINGS:
        return True
    parts = [p.strip() for p in place.split(",")]
    if parts[-1] in ("NL", "Nederland", "Netherlands"):
        parts = parts[:-1]
    if len(parts) != 1:
        return False
    code, bare_name = geo._province(parts[0])  # noqa: SLF001
    return code is not None and not (bare_name in ("utrecht", "groningen") and parts == [place])


def _median_us(calls: Sequence[tuple[str | None, str | None]], repeats: int = 3) -> float:
    runs = []
    for _ in range(repeats):
        start = time.perf_counter()
        for place, postcode in calls:
            geo.locate(place, postcode=postcode)
        runs.append((time.perf_counter() - start) / len(calls) * 1e6)
    return statistics.median(runs)


def main() -> int:
    start = time.perf_counter()
    available = geo.preload()
    print(f"load: {time.perf_counter() - start:.2f} s (data available: {available})")
    if not available:
        return 1

    pc4_calls = [(None, code) for code in PC4_CODES] * 200
    print(f"PC4 lookup (postcode=): {_median_us(pc4_calls):.1f} us")
    pc4_in_text = [(f"{code} AB", None) for code in PC4_CODES] * 200
    print(f"PC4 lookup (in place string): {_median_us(pc4_in_text):.1f} us")

    if not DATA.is_dir():
        print(f"no shared data at {DATA}; resolution rate skipped")
        return 0
    places = _place_strings()
    distinct = [p for p in places if isinstance(p, str) and p.strip()]
    print(f"place-string lookup: {_median_us([(p, None) for p in distinct]):.1f} us "
          f"({len(distinct)} distinct strings)")

    resolved = unresolved = regions = empty = 0
    misses: Counter[str] = Counter()
    wrongly_placed: list[str] = []
    for place, count in places.items():
        if not isinstance(place, str) or not place.strip():
            empty += count
            continue
        location = geo.locate(place)
        if _is_region(place):
            regions += count
            if location is not None:
                wrongly_placed.append(f"{place!r} -> {location.label}")
            continue
        if location is None:
            unresolved += count
            misses[place] += count
        else:
            resolved += count
    total = resolved + unresolved
    print(f"place strings: {total} (regions {regions}, empty {empty} set apart); "
          f"resolved {resolved} = {100 * resolved / total:.1f}%, unresolved {unresolved}")
    for place, count in misses.most_common():
        print(f"  unresolved {count:3d}  {place!r}")
    for line in wrongly_placed:
        print(f"  region given a point: {line}")

    vdab = DATA / "vacancies_vdab_flemish.jsonl"
    if vdab.is_file():
        with vdab.open(encoding="utf-8") as handle:
            flemish = [json.loads(line).get("place") for line in handle if line.strip()]
        missed = [p for p in flemish if geo.locate(p, country="BE") is None]
        print(f"VDAB (country BE): {len(flemish) - len(missed)} of {len(flemish)} resolved; "
              f"unresolved: {sorted(set(map(str, missed)))}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
