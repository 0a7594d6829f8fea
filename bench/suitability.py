"""Benchmark of the suitability verdict: is it safe, and does it spare the coach?

For each sample profile (../shared/data/profiles/*.json) × each labelled
development posting (../shared/data/labels_dev.jsonl) it derives the gold
conflict from the labels: a gold demand whose FML items the profile limits
(the table of CONTRACTS §1, conditions respected), gold hours whose minimum is
above `hours_per_week_max`, a required licence the profile lacks. It then
prints, per profile and overall:

- unsafe rate: gold conflict, verdict `geschikt` (target ≤ 1%), with the pairs;
- over-exclusion: no gold conflict, verdict `ongeschikt` (target ≤ 5%);
- review load: no gold conflict, verdict `let_op` (target ≤ 15%).

Two runs: on the GOLD requirements (the labels themselves: isolates the
verdict logic) and on EXTRACTED requirements, through `spoorzoeker check` as
a subprocess when the CLI can extract, else in-process when
`matcher.requirements.extract_many` exists, else skipped with a note.

    .venv/bin/python bench/suitability.py [--data ../shared/data] [--today 2026-11-22]
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from matcher.models import Demand, HoursRange, Requirements, Verdict  # noqa: E402
from matcher.suitability import judge  # noqa: E402
from profiles.catalogue import load_catalogue  # noqa: E402
from profiles.model import Profile, load_profile  # noqa: E402

POSTING_FILES = ("vacancies_nl_jobboards.jsonl", "vacancies_vdab_flemish.jsonl",
                 "written_dev.jsonl")


def gold_requirements(label: dict) -> Requirements:
    """The labels of one posting as Requirements (demands carry no quantities in the labels)."""
    evidence = label.get("evidence") or {}
    hours = label.get("hours_per_week")
    return Requirements(
        demands=[Demand(code=code, certainty=certainty, evidence=evidence.get(code, ""))
                 for code, certainty in label["demands"].items()],
        hours_per_week=HoursRange(**hours) if hours else None,
        education_level=label.get("education_level"),
        driving_licences=label.get("driving_licences") or [],
        experience_years=label.get("experience_years"),
        language=label.get("language") or "nl")


def gold_conflicts(label: dict, profile: Profile) -> list[str]:
    """Why the labels say this posting conflicts with this profile (empty: no conflict)."""
    catalogue = load_catalogue()
    why = []
    for code in label["demands"]:
        for link in catalogue.demand_links[code]:
            limitation = profile.limitations.get(link.item)
            if limitation is None:
                continue
            if link.condition is None or link.condition in (limitation.conditions or []):
                why.append(f"{code}→{link.item}" + (f"/{link.condition}" if link.condition
                                                     else ""))
    hours = label.get("hours_per_week") or {}
    if (profile.hours_per_week_max is not None and hours.get("min") is not None
            and hours["min"] > profile.hours_per_week_max):
        why.append(f"uren {hours['min']:g}>{profile.hours_per_week_max:g}")
    for licence in label.get("driving_licences") or []:
        if licence not in profile.driving_licences:
            why.append(f"rijbewijs {licence}")
    return why


@dataclass
class Tally:
    pairs: int = 0
    conflicts: int = 0
    unsafe: int = 0
    free: int = 0
    over_excluded: int = 0
    review: int = 0
    review_education_only: int = 0
    verdicts: dict[str, int] = field(default_factory=lambda: {
        "geschikt": 0, "let_op": 0, "ongeschikt": 0})
    unsafe_pairs: list[str] = field(default_factory=list)

    def add(self, *, conflict: list[str], verdict: Verdict, pair: str) -> None:
        self.pairs += 1
        self.verdicts[verdict.verdict] += 1
        if conflict:
            self.conflicts += 1
            if verdict.verdict == "geschikt":
                self.unsafe += 1
                self.unsafe_pairs.append(f"{pair}: gold {', '.join(conflict)}")
        else:
            self.free += 1
            self.over_excluded += verdict.verdict == "ongeschikt"
            self.review += verdict.verdict == "let_op"
            self.review_education_only += verdict.verdict == "let_op" and all(
                r.explanation.startswith("Vacature vraagt") and r.fml is None and r.demand is None
                for r in verdict.reasons)


def _pct(part: int, whole: int) -> str:
    return f"{100 * part / whole:5.1f}%" if whole else "    -"


def report(title: str, tallies: dict[str, Tally]) -> None:
    print(f"\n== {title}")
    print(f"{'profiel':28} {'paren':>5} {'confl':>5} {'onveilig':>9} {'uitsluit':>9} "
          f"{'review':>8}   geschikt/let_op/ongeschikt")
    total = Tally()
    for name, tally in tallies.items():
        print(f"{name:28} {tally.pairs:5} {tally.conflicts:5} "
              f"{_pct(tally.unsafe, tally.conflicts):>9} "
              f"{_pct(tally.over_excluded, tally.free):>9} {_pct(tally.review, tally.free):>8}"
              f"   {tally.verdicts['geschikt']}/{tally.verdicts['let_op']}/"
              f"{tally.verdicts['ongeschikt']}")
        for attr in ("pairs", "conflicts", "unsafe", "free", "over_excluded", "review",
                     "review_education_only"):
            setattr(total, attr, getattr(total, attr) + getattr(tally, attr))
        for key, count in tally.verdicts.items():
            total.verdicts[key] += count
        total.unsafe_pairs += tally.unsafe_pairs
    print(f"{'TOTAAL':28} {total.pairs:5} {total.conflicts:5} "
          f"{_pct(total.unsafe, total.conflicts):>9} {_pct(total.over_excluded, total.free):>9} "
          f"{_pct(total.review, total.free):>8}   {total.verdicts['geschikt']}/"
          f"{total.verdicts['let_op']}/{total.verdicts['ongeschikt']}")
    print(f"   (onveilig = gold-conflict maar geschikt, van {total.conflicts} conflictparen; "
          f"uitsluit/review van {total.free} paren zonder gold-conflict; "
          "doelen ≤1% / ≤5% / ≤15%)")
    print(f"   review door alleen een opleidingseis (CONTRACTS §4: hoger dan eigen niveau = "
          f"let_op): {total.review_education_only} van {total.review}; review zonder die: "
          f"{_pct(total.review - total.review_education_only, total.free).strip()}")
    if total.unsafe_pairs:
        print("   onveilige paren:")
        for line in total.unsafe_pairs:
            print(f"     {line}")


def run(*, labels: list[dict], profiles: dict[str, Profile],
        verdicts_for: Callable[[str, Profile], dict[str, Verdict]], title: str) -> None:
    tallies: dict[str, Tally] = {}
    for name, profile in profiles.items():
        verdicts = verdicts_for(name, profile)
        tally = tallies[name] = Tally()
        for label in labels:
            verdict = verdicts[label["id"]]
            tally.add(conflict=gold_conflicts(label, profile), verdict=verdict,
                      pair=f"{name} × {label['id']} → {verdict.verdict}")
    report(title, tallies)


def _cli_check(*, profile_path: Path, postings: list[dict]) -> dict[str, Verdict] | None:
    exe = shutil.which("spoorzoeker") or str(REPO / ".venv" / "bin" / "spoorzoeker")
    if not Path(exe).exists():
        return None
    with tempfile.NamedTemporaryFile("w", suffix=".jsonl", delete=False, encoding="utf-8") as f:
        for posting in postings:
            f.write(json.dumps({"id": posting["id"], "title": posting["title"],
                                "description": posting.get("description") or ""},
                               ensure_ascii=False) + "\n")
    try:
        done = subprocess.run([exe, "check", "--profile", str(profile_path), f.name],
                              capture_output=True, text=True, timeout=1800, check=False)
    finally:
        Path(f.name).unlink(missing_ok=True)
    if done.returncode != 0:
        print(f"   spoorzoeker check gaf exit {done.returncode}: "
              f"{done.stderr.strip().splitlines()[-1:] or ''}")
        return None
    return {v.id: v for v in (Verdict.model_validate_json(line)
                              for line in done.stdout.splitlines() if line.strip())}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=REPO.parent / "shared" / "data")
    parser.add_argument("--today", type=date.fromisoformat, default=None,
                        help="peildatum voor passend werk (standaard vandaag)")
    parser.add_argument("--no-extract", action="store_true",
                        help="alleen de gold-eisen, geen extractie")
    args = parser.parse_args(argv)
    if not args.data.is_dir():
        print(f"{args.data} ontbreekt: de gedeelde ontwikkeldata is er niet.")
        return 2
    labels = [json.loads(line) for line in
              (args.data / "labels_dev.jsonl").read_text(encoding="utf-8").splitlines()
              if line.strip()]
    wanted = {label["id"] for label in labels}
    postings: dict[str, dict] = {}
    for name in POSTING_FILES:
        for line in (args.data / name).read_text(encoding="utf-8").splitlines():
            record = json.loads(line)
            if record["id"] in wanted:
                postings[record["id"]] = record
    profile_paths = {p.stem: p for p in sorted((args.data / "profiles").glob("*.json"))}
    profiles = {name: load_profile(path, source_name=path.name)
                for name, path in profile_paths.items()}
    today = args.today or date.today()
    print(f"{len(profiles)} profielen × {len(labels)} gelabelde vacatures "
          f"({len(postings)} teksten gevonden); peildatum {today.isoformat()}")

    gold = {label["id"]: gold_requirements(label) for label in labels}
    texts = {vid: f"{p['title']}\n{p.get('description') or ''}" for vid, p in postings.items()}
    run(labels=labels, profiles=profiles, title="GOLD-eisen (labels) → judge (in-process)",
        verdicts_for=lambda _name, profile: {
            vid: judge(vacancy_id=vid, requirements=req, profile=profile, today=today,
                       text=texts.get(vid))
            for vid, req in gold.items()})
    if args.no_extract:
        return 0

    ordered = [postings[label["id"]] for label in labels if label["id"] in postings]
    if len(ordered) != len(labels):
        print("\n(extractie overgeslagen: niet alle teksten gevonden)")
        return 0
    try:
        from matcher.requirements import extract_many  # noqa: F401
    except ImportError:
        print("\n== GEËXTRAHEERDE eisen: overgeslagen, matcher.requirements.extract_many "
              "bestaat nog niet")
        return 0
    cli_results = {name: _cli_check(profile_path=path, postings=ordered)
                   for name, path in profile_paths.items()}
    ran = {name: result for name, result in cli_results.items() if result is not None}
    if len(ran) == len(cli_results):
        run(labels=labels, profiles=profiles,
            title="GEËXTRAHEERDE eisen via `spoorzoeker check` (subprocess)",
            verdicts_for=lambda name, _profile: ran[name])
        return 0
    from matcher.requirements import extract_many

    extracted = dict(zip((p["id"] for p in ordered),
                         extract_many((p["title"], p.get("description") or "") for p in ordered),
                         strict=True))
    run(labels=labels, profiles=profiles,
        title="GEËXTRAHEERDE eisen, in-process (de CLI kon niet draaien)",
        verdicts_for=lambda _name, profile: {
            vid: judge(vacancy_id=vid, requirements=req, profile=profile, today=today,
                       text=texts.get(vid))
            for vid, req in extracted.items()})
    return 0


if __name__ == "__main__":
    sys.exit(main())
