"""Precision audit of requirement extraction on postings nobody labelled.

The development set (bench/extraction.py) measures 90 labelled postings; the
product reads thousands it has never seen. This script runs the extractor on
the unlabelled job-board postings of ../shared/data and prints, per demand
code, how many postings fire and a reproducible sample of the evidence
sentences, for a human to judge which demands are real. Nothing of the
postings is stored in the repository: the data is read at run time.

The sample is stable across versions of the extractor: postings are ordered
once by a seeded hash of their id, and the sample of a code is the first
postings in that order where the code fires. A posting that stops firing drops
out and the next one in the order takes its place, so before and after a
change mostly the same postings are judged.

    .venv/bin/python bench/extraction_audit.py [--data ../shared/data] [--per-code 10]
        [--seed 4] [--codes tillen,lopen] [--json out.json]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from matcher.models import DEMAND_CODES  # noqa: E402

AUDIT_FILE = "vacancies_nl_jobboards.jsonl"


def read_postings(path: Path) -> list[dict]:
    with path.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def audit_order(ids: list[str], *, seed: int) -> list[int]:
    """Positions of the postings in the seeded audit order (stable under any extractor)."""
    def key(i: int) -> str:
        return hashlib.sha256(f"{seed}:{ids[i]}".encode()).hexdigest()
    return sorted(range(len(ids)), key=key)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=REPO / ".." / "shared" / "data")
    parser.add_argument("--per-code", type=int, default=10, help="sampled postings per code")
    parser.add_argument("--seed", type=int, default=4)
    parser.add_argument("--codes", default="", help="comma-separated codes (default: all)")
    parser.add_argument("--json", type=Path, help="also write the sample as JSON here")
    args = parser.parse_args()

    from matcher.requirements import extract_many

    postings = read_postings(args.data / AUDIT_FILE)
    # labelled development postings are measured by bench/extraction.py; leave them out
    labelled = {json.loads(line)["id"] for line in
                (args.data / "labels_dev.jsonl").read_text(encoding="utf-8").splitlines()
                if line.strip()}
    postings = [p for p in postings if p["id"] not in labelled]
    found = list(extract_many((p.get("title") or "", p.get("description") or "")
                              for p in postings))
    order = audit_order([p["id"] for p in postings], seed=args.seed)
    codes = [c for c in args.codes.split(",") if c] or list(DEMAND_CODES)
    total = len(postings)
    print(f"audit set: {total} unlabelled postings of {AUDIT_FILE} "
          f"(seed {args.seed}, {args.per_code} per code)\n")
    print(f"{'code':24}{'fire':>6}{'rate':>8}{'explicit':>10}{'implied':>9}")
    for code in DEMAND_CODES:
        hits = [r.demand(code) for r in found]
        fired = [d for d in hits if d is not None]
        explicit = sum(d.certainty == "explicit" for d in fired)
        print(f"{code:24}{len(fired):6d}{len(fired) / total:8.1%}{explicit:10d}"
              f"{len(fired) - explicit:9d}")
    sample: dict[str, list[dict]] = {}
    for code in codes:
        rows = []
        for i in order:
            demand = found[i].demand(code)
            if demand is None:
                continue
            rows.append({"id": postings[i]["id"], "title": postings[i].get("title") or "",
                         "certainty": demand.certainty, "evidence": demand.evidence})
            if len(rows) == args.per_code:
                break
        sample[code] = rows
        print(f"\n== {code} ({len(rows)} sampled)")
        for row in rows:
            print(f"  [{row['id']}] {row['title'][:60]!r} ({row['certainty']})")
            print(f"      {row['evidence'][:300]!r}")
    if args.json:
        args.json.write_text(json.dumps(sample, ensure_ascii=False, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
