"""Benchmark of requirement extraction on the labelled development set.

Runs `spoorzoeker extract` (CONTRACTS §2) on the development postings of
../shared/data (labels_dev.jsonl joined by id with the texts of the shared
vacancy files) and prints per-code precision, recall and F1 with support,
micro and macro F1, field accuracies and vacancies per second on one core.
When the `spoorzoeker extract` command is not available yet it calls
`matcher.requirements.extract_many` in-process and says so.

    .venv/bin/python bench/extraction.py [--data ../shared/data] [--errors] [--runs 3]

Each speed run is a fresh process: the pipeline is built first (not timed), then
the 1,493 postings are read once with empty caches, as `spoorzoeker extract`
reads a new batch. Runs in one process would let later runs reuse what the
first run cached for the very same texts (titles, words), which flatters.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from matcher.models import DEMAND_CODES  # noqa: E402

TEXT_FILES = ("vacancies_nl_jobboards.jsonl", "vacancies_vdab_flemish.jsonl", "written_dev.jsonl")
SPEED_FILE = "vacancies_nl_jobboards.jsonl"


def read_jsonl(path: Path) -> list[dict]:
    with path.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def dev_set(data: Path) -> tuple[list[dict], list[dict]]:
    """Gold labels and the vacancies they label, in the same order."""
    texts: dict[str, dict] = {}
    for name in TEXT_FILES:
        for record in read_jsonl(data / name):
            texts[record["id"]] = record
    labels = read_jsonl(data / "labels_dev.jsonl")
    vacancies = [{"id": lab["id"], "title": texts[lab["id"]]["title"],
                  "description": texts[lab["id"]]["description"]} for lab in labels]
    return labels, vacancies


def cli_command() -> list[str] | None:
    """The `spoorzoeker extract` command when the CLI offers it, else None."""
    exe = shutil.which("spoorzoeker") or str(REPO / ".venv" / "bin" / "spoorzoeker")
    if not Path(exe).exists():
        return None
    probe = subprocess.run([exe, "extract", "--help"], capture_output=True, text=True,
                           timeout=120)
    return [exe, "extract"] if probe.returncode == 0 else None


def run_cli(command: list[str], vacancies: list[dict]) -> tuple[list[dict], float]:
    """Requirements by the CLI, and the wall time of the run (includes start-up)."""
    with tempfile.NamedTemporaryFile("w", suffix=".jsonl", delete=False,
                                     encoding="utf-8") as handle:
        for vacancy in vacancies:
            handle.write(json.dumps(vacancy, ensure_ascii=False) + "\n")
        path = handle.name
    env = dict(os.environ, OMP_NUM_THREADS="1", MKL_NUM_THREADS="1")
    try:
        start = time.perf_counter()
        done = subprocess.run([*command, path], capture_output=True, text=True, env=env,
                              check=True)
        elapsed = time.perf_counter() - start
    finally:
        os.unlink(path)
    out = [json.loads(line) for line in done.stdout.splitlines() if line.strip()]
    return [o["requirements"] for o in out], elapsed


def run_in_process(vacancies: list[dict]) -> tuple[list[dict], float, float]:
    """Requirements in-process, with the CPU time and the wall time of the extraction."""
    from matcher.requirements import build_pipeline, extract_many

    build_pipeline()
    cpu, wall = time.process_time(), time.perf_counter()
    found = list(extract_many((v["title"], v["description"]) for v in vacancies))
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    return [r.model_dump() for r in found], cpu, wall


def f1(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def same_hours(a: dict | None, b: dict | None) -> bool:
    if a is None or b is None:
        return a is None and b is None

    def close(x: float | None, y: float | None) -> bool:
        return (x is None and y is None) or (
            x is not None and y is not None and abs(x - y) < 0.05)
    return close(a.get("min"), b.get("min")) and close(a.get("max"), b.get("max"))


def evaluate(labels: list[dict], predicted: list[dict], vacancies: list[dict],
             *, show_errors: bool) -> None:
    counts = {code: [0, 0, 0] for code in DEMAND_CODES}
    certainty_right = certainty_total = 0
    fields = {"hours": 0, "education": 0, "licences": 0, "experience": 0, "language": 0}
    errors: list[str] = []
    invalid_evidence = 0
    for gold, pred, vacancy in zip(labels, predicted, vacancies, strict=True):
        pred_codes = {d["code"]: d for d in pred["demands"]}
        for d in pred["demands"]:
            if d["evidence"] not in vacancy["title"] + "\n" + vacancy["description"]:
                invalid_evidence += 1
        for code in DEMAND_CODES:
            in_gold = code in gold["demands"]
            in_pred = code in pred_codes
            if in_gold and in_pred:
                counts[code][0] += 1
                certainty_total += 1
                certainty_right += gold["demands"][code] == pred_codes[code]["certainty"]
            elif in_pred:
                counts[code][1] += 1
                quote = pred_codes[code]["evidence"][:110]
                errors.append(f"FP {code:22} {gold['id']:24} {quote!r}")
            elif in_gold:
                counts[code][2] += 1
                quote = gold["evidence"].get(code, "")[:110]
                errors.append(f"FN {code:22} {gold['id']:24} {quote!r}")
        checks = {
            "hours": same_hours(gold["hours_per_week"], pred["hours_per_week"]),
            "education": gold["education_level"] == pred["education_level"],
            "licences": sorted(gold["driving_licences"]) == sorted(pred["driving_licences"]),
            "experience": gold["experience_years"] == pred["experience_years"],
            "language": gold["language"] == pred["language"],
        }
        for name, ok in checks.items():
            fields[name] += ok
            if not ok:
                key = {"hours": "hours_per_week", "education": "education_level",
                       "licences": "driving_licences", "experience": "experience_years",
                       "language": "language"}[name]
                errors.append(f"FIELD {name:19} {gold['id']:24} gold={gold[key]} "
                              f"pred={pred[key]}")
    print(f"{'code':24}{'P':>7}{'R':>7}{'F1':>7}{'support':>9}{'tp':>5}{'fp':>5}{'fn':>5}")
    macro = []
    for code in DEMAND_CODES:
        tp, fp, fn = counts[code]
        p, r, f = f1(tp, fp, fn)
        if tp + fn:
            macro.append(f)
        print(f"{code:24}{p:7.3f}{r:7.3f}{f:7.3f}{tp + fn:9d}{tp:5d}{fp:5d}{fn:5d}")
    tp = sum(c[0] for c in counts.values())
    fp = sum(c[1] for c in counts.values())
    fn = sum(c[2] for c in counts.values())
    p, r, f = f1(tp, fp, fn)
    print(f"\nmicro P {p:.3f}  R {r:.3f}  F1 {f:.3f}   (tp {tp}, fp {fp}, fn {fn})")
    print(f"macro F1 {statistics.mean(macro):.3f} over {len(macro)} codes with support")
    weak = [c for c in DEMAND_CODES if sum(counts[c][::2]) >= 5
            and f1(*counts[c])[2] < 0.75]
    print(f"codes with support >= 5 below F1 0.75: {', '.join(weak) or 'none'}")
    print(f"certainty agreement on true positives: {certainty_right}/{certainty_total}")
    print(f"evidence not verbatim: {invalid_evidence}")
    n = len(labels)
    print(f"\nfield accuracy (n = {n})")
    for name, right in fields.items():
        print(f"  {name:12}{right / n:7.3f}  ({right}/{n})")
    if show_errors:
        print("\nerrors")
        for line in sorted(errors):
            print("  " + line)


def speed_set_of(data: Path) -> list[dict]:
    return [{"id": r["id"], "title": r["title"], "description": r["description"]}
            for r in read_jsonl(data / SPEED_FILE)]


def speed_run(data: Path) -> tuple[float, float]:
    """CPU and wall time of one extraction of the speed set, in a fresh process."""
    env = dict(os.environ, OMP_NUM_THREADS="1", MKL_NUM_THREADS="1")
    done = subprocess.run([sys.executable, __file__, "--data", str(data), "--speed-worker"],
                          capture_output=True, text=True, env=env, check=True)
    times = json.loads(done.stdout.strip().splitlines()[-1])
    return times["cpu"], times["wall"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=REPO / ".." / "shared" / "data")
    parser.add_argument("--errors", action="store_true", help="list every wrong call")
    parser.add_argument("--runs", type=int, default=3, help="speed runs (median)")
    parser.add_argument("--no-speed", action="store_true")
    parser.add_argument("--speed-worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    if args.speed_worker:  # one speed run (a child of main): print its times as JSON
        _, cpu, wall = run_in_process(speed_set_of(args.data))
        print(json.dumps({"cpu": cpu, "wall": wall}))
        return
    labels, vacancies = dev_set(args.data)
    command = cli_command()
    if command:
        print(f"extraction by: {' '.join(command)} (subprocess)")
        predicted, _ = run_cli(command, vacancies)
    else:
        print("extraction by: matcher.requirements.extract_many in-process "
              "(`spoorzoeker extract` is not available yet)")
        predicted = run_in_process(vacancies)[0]
    print(f"development set: {len(labels)} labelled postings\n")
    evaluate(labels, predicted, vacancies, show_errors=args.errors)
    if args.no_speed:
        return
    speed_set = speed_set_of(args.data)
    cpu_times, wall_times = [], []
    for _ in range(args.runs):
        # the extraction only, in a fresh process; it runs in one thread, so its CPU time
        # is the time of one core (wall time also counts waiting for a core on a busy
        # machine)
        cpu, wall = speed_run(args.data)
        cpu_times.append(cpu)
        wall_times.append(wall)
    cpu, wall = statistics.median(cpu_times), statistics.median(wall_times)
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"\nspeed: {len(speed_set)} postings of {SPEED_FILE}, extraction only, one thread, "
          f"a fresh process per run (empty caches), median of {args.runs} runs:")
    print(f"  CPU time of one core {cpu:.2f} s -> {len(speed_set) / cpu:.0f} vacancies/s "
          f"(runs: {', '.join(f'{len(speed_set) / c:.0f}' for c in cpu_times)})")
    print(f"  wall clock {wall:.2f} s -> {len(speed_set) / wall:.0f} vacancies/s "
          f"(load average {load:.1f} on {os.cpu_count()} cores)")
    if command:
        _, wall = run_cli(command, speed_set)
        print(f"  through the CLI, wall clock incl. start-up and JSON: {wall:.2f} s -> "
              f"{len(speed_set) / wall:.0f} vacancies/s")


if __name__ == "__main__":
    main()
