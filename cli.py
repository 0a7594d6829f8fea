"""The `spoorzoeker` command: the edge where settings are built and I/O happens.

Every subcommand follows CONTRACTS.md: exit 0 on success, 2 on bad input
with one line on stderr per problem (file, line, field), never a traceback
for bad input, and good records are never lost because of a bad one.
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import json
import logging
import re
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO, Any

from config import CONFIG_DIR, Settings
from vacancies.errors import InputError, SpoorzoekerError

logger = logging.getLogger("spoorzoeker")

EXIT_OK, EXIT_BAD_INPUT = 0, 2
DEMO_PROFILE = CONFIG_DIR / "demo_profile.json"
CHUNK = 256


class BadInput:
    """Counts bad records and reports each on stderr as one line."""

    def __init__(self) -> None:
        self.count = 0

    def report(self, error: InputError | SpoorzoekerError) -> None:
        self.count += 1
        print(f"spoorzoeker: {error}", file=sys.stderr)

    @property
    def exit_code(self) -> int:
        return EXIT_BAD_INPUT if self.count else EXIT_OK


# --- helpers at the edge -------------------------------------------------------------------


@contextlib.contextmanager
def _open_input(name: str | None) -> Iterator[tuple[IO[str], str]]:
    if name in (None, "-"):
        yield sys.stdin, "-"
        return
    path = Path(name)
    try:
        stream = path.open(encoding="utf-8", errors="replace")
    except OSError as error:
        raise SpoorzoekerError(f"{name}: bestand kan niet worden gelezen ({error.strerror})") \
            from error
    with stream:
        yield stream, name


def _settings(args: argparse.Namespace) -> Settings:
    overrides: dict[str, Any] = {}
    if getattr(args, "db", None):
        overrides["db"] = Path(args.db)
    return Settings(**overrides)


def _chunks(items: Iterator[Any], size: int = CHUNK) -> Iterator[list[Any]]:
    chunk: list[Any] = []
    for item in items:
        chunk.append(item)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _good_lines(stream: IO[str], file_name: str, bad: BadInput) -> Iterator[Any]:
    from vacancies.jsonl import read_vacancy_lines

    for entry in read_vacancy_lines(stream, file_name=file_name):
        if isinstance(entry, InputError):
            bad.report(entry)
        else:
            yield entry


def _emit(record: dict[str, Any]) -> None:
    sys.stdout.write(json.dumps(record, ensure_ascii=False) + "\n")


_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def _safe(text: str | None) -> str:
    """Scraped text on a terminal: control characters (escape sequences) removed."""
    return _CONTROL.sub("", text or "")


@contextlib.contextmanager
def _progress(enabled: bool) -> Iterator[Callable[[str, int, int], None]]:
    """A progress bar per stage on stderr, when stderr is a terminal."""
    if not enabled or not sys.stderr.isatty():
        yield lambda stage, done, total: None
        return
    from rich.progress import Progress

    labels = {"extract": "Eisen lezen", "embed": "Vacatures inbedden",
              "crawl": "Pagina's lezen"}
    with Progress(transient=False, console=_stderr_console()) as bar:
        tasks: dict[str, Any] = {}

        def update(stage: str, done: int, total: int) -> None:
            if stage not in tasks:
                tasks[stage] = bar.add_task(labels.get(stage, stage), total=total or None)
            bar.update(tasks[stage], completed=done, total=total or None)

        yield update


def _stderr_console() -> Any:
    from rich.console import Console

    return Console(stderr=True)


# --- extract, check --------------------------------------------------------------------------


def cmd_extract(args: argparse.Namespace) -> int:
    from matcher.requirements import extract_many

    bad = BadInput()
    with _open_input(args.file) as (stream, name):
        for chunk in _chunks(_good_lines(stream, name, bad)):
            records = [(line.vacancy.title, line.vacancy.description) for line in chunk]
            for line, requirements in zip(chunk, extract_many(records), strict=True):
                _emit({"id": line.vacancy.id,
                       "requirements": requirements.model_dump(mode="json")})
    return bad.exit_code


def _load_profile(path: str) -> Any:
    from profiles.model import load_profile

    return load_profile(Path(path), source_name=path)


def cmd_check(args: argparse.Namespace) -> int:
    from pydantic import ValidationError

    from matcher.models import Requirements
    from matcher.requirements import extract_many
    from matcher.suitability import judge

    profile = _load_profile(args.profile)
    bad = BadInput()
    with _open_input(args.file) as (stream, name):
        for chunk in _chunks(_good_lines(stream, name, bad)):
            jobs: list[tuple[Any, Requirements | None]] = []
            for line in chunk:
                given = line.record.get("requirements")
                if given is None:
                    jobs.append((line, None))
                    continue
                try:
                    jobs.append((line, Requirements.model_validate(given)))
                except ValidationError as error:
                    first = error.errors()[0]
                    field = ".".join(str(part) for part in ("requirements", *first["loc"]))
                    bad.report(InputError(f"ongeldige waarde ({first['msg']})", file=name,
                                          line=line.line, field=field))
            to_read = [line for line, requirements in jobs if requirements is None]
            extracted = extract_many((x.vacancy.title, x.vacancy.description) for x in to_read)
            for line, requirements in jobs:
                verdict = judge(vacancy_id=line.vacancy.id,
                                requirements=requirements or next(extracted), profile=profile,
                                text=f"{line.vacancy.title}\n{line.vacancy.description}")
                _emit(verdict.model_dump(mode="json"))
    return bad.exit_code


# --- store: ingest, export, crawl --------------------------------------------------------------


def cmd_ingest(args: argparse.Namespace) -> int:
    from matcher.refresh import refresh_all
    from vacancies.store import VacancyStore

    settings = _settings(args)
    store = VacancyStore.open(settings.db)
    counts = {"new": 0, "updated": 0, "unchanged": 0}
    bad = BadInput()
    with _open_input(args.file) as (stream, name):
        for line in _good_lines(stream, name, bad):
            change = store.upsert(line.vacancy)
            for url in line.record.get("source_urls") or []:
                if isinstance(url, str) and url != line.vacancy.url:
                    store.remember_url(line.vacancy.id, url, source=line.vacancy.source)
            counts[change] += 1
    with _progress(not args.quiet) as progress:
        summary = refresh_all(settings=settings, progress=progress)
    print(f"Ingelezen: {counts['new']} nieuw, {counts['updated']} bijgewerkt, "
          f"{counts['unchanged']} ongewijzigd, {bad.count} afgewezen "
          f"({summary.extracted} keer eisen gelezen, {summary.embedded} ingebed).")
    return bad.exit_code


def cmd_export(args: argparse.Namespace) -> int:
    from vacancies.store import VacancyStore

    store = VacancyStore.open(_settings(args).db)
    for stored in store.vacancies(include_closed=args.all):
        _emit(stored.export_record())
    return EXIT_OK


def _run_crawl(settings: Settings, *, sources_file: Path, only: str | None,
               demo_only: bool = False,
               progress: Callable[[str, int, int], None] | None = None) -> dict[str, Any]:
    from crawlers.run import crawl, select_sources
    from crawlers.sources import load_sources

    sources = select_sources(load_sources(sources_file), only=only)
    if demo_only:
        sources = [source for source in sources if source.serve_demo]
    read = {"count": 0}

    def on_page(source_name: str) -> None:
        read["count"] += 1
        if progress is not None:
            progress("crawl", read["count"], 0)

    return crawl(sources=sources, settings=settings, on_page=on_page)


def cmd_crawl(args: argparse.Namespace) -> int:
    from matcher.refresh import refresh_all

    settings = _settings(args)
    with _progress(not args.json) as progress:
        reports = _run_crawl(settings, sources_file=Path(args.sources) if args.sources
                             else settings.sources, only=args.only, progress=progress)
        refresh_all(settings=settings, progress=progress)
    if args.json:
        _emit({"sources": {name: report.as_json() for name, report in reports.items()}})
    else:
        for name, report in reports.items():
            print(report.summary_nl(name))
    return EXIT_OK


# --- shortlist, demo ------------------------------------------------------------------------


def _shortlist(settings: Settings, profile: Any, *, top: int,
               embedder: Any | None = None) -> list[Any]:
    from delivery.shortlist import shortlist
    from matcher.embeddings import Embedder
    from matcher.index import VacancyIndex
    from matcher.store import MatcherStore
    from vacancies.store import VacancyStore, open_database

    db = open_database(settings.db)
    embedder = embedder or Embedder.from_settings(settings)
    index = VacancyIndex.load(settings.index_path, dim=embedder.dim)
    return shortlist(profile=profile, vacancies=VacancyStore(db), matcher_store=MatcherStore(db),
                     index=index, embedder=embedder, top=top)


def _print_shortlist(matches: list[Any]) -> None:
    if not matches:
        print("Geen passende vacatures gevonden.")
        return
    labels = {"geschikt": "geschikt", "let_op": "LET OP"}
    for number, match in enumerate(matches, start=1):
        where = ", ".join(p for p in (_safe(match.employer), _safe(match.place)) if p)
        distance = ("afstand onbekend" if match.distance_km is None
                    else f"{match.distance_km:.0f} km")
        print(f"{number:2}. {_safe(match.title)} — {where} ({distance})")
        print(f"    {labels[match.verdict]} · score {match.score:.2f} · {match.why}")
        for reason in match.reasons:
            print(f"    ! {reason.explanation}")


def cmd_shortlist(args: argparse.Namespace) -> int:
    settings = _settings(args)
    profile = _load_profile(args.profile)
    matches = _shortlist(settings, profile, top=args.top)
    if args.json:
        print(json.dumps([m.model_dump(mode="json") for m in matches], ensure_ascii=False,
                         indent=2))
    else:
        _print_shortlist(matches)
    return EXIT_OK


def cmd_demo(args: argparse.Namespace) -> int:
    """Serve the demo site, crawl it, read, embed, index, and print a shortlist."""
    from matcher.embeddings import Embedder
    from matcher.refresh import refresh_all

    settings = _settings(args)
    say = functools.partial(print, file=sys.stderr)
    started = time.perf_counter()
    reports = _run_crawl(settings, sources_file=settings.sources, only=None, demo_only=True)
    crawled = time.perf_counter() - started
    for name, report in reports.items():
        say(f"Crawlen: {report.summary_nl(name)} ({crawled:.1f} s)")

    embedder = Embedder.from_settings(settings)
    with _progress(True) as progress:
        summary = refresh_all(settings=settings, progress=progress, embedder=embedder)
    seconds = summary.seconds
    say(f"Eisen lezen: {summary.extracted} vacatures gelezen ({seconds['extract']:.1f} s)")
    say(f"Rangschikfeiten: {summary.facts} vacatures ({seconds['facts']:.1f} s)")
    say(f"Model laden: {settings.embedding_model} ({seconds['model']:.1f} s)")
    say(f"Inbedden: {summary.embedded} vacatures ingebed ({seconds['embed']:.1f} s)")
    say(f"Indexeren: {summary.indexed} toegevoegd, {summary.removed} verwijderd "
        f"({seconds['index']:.1f} s)")

    profile = _load_profile(str(DEMO_PROFILE))
    started = time.perf_counter()
    matches = _shortlist(settings, profile, top=args.top, embedder=embedder)
    say(f"Shortlist: {len(matches)} vacatures ({time.perf_counter() - started:.1f} s)")
    print(f"\nShortlist voor het demoprofiel '{profile.id}' "
          f"(postcode {profile.postcode}, max. {profile.max_travel_km:g} km):\n")
    _print_shortlist(matches)
    return EXIT_OK


# --- zoekprofiel ----------------------------------------------------------------------------


def cmd_zoekprofiel(args: argparse.Namespace) -> int:
    """Draft, review, approve or show the reasoned zoekprofiel of a profile."""
    from delivery import zoekprofiel
    from vacancies.store import open_database

    settings = _settings(args)
    profile = _load_profile(args.profile)
    db = open_database(settings.db)
    if args.show:
        found = zoekprofiel.latest(db, profile_id=profile.id)
        if found is None:
            raise SpoorzoekerError(f"profiel '{profile.id}' heeft nog geen goedgekeurd "
                                   "zoekprofiel")
        print(zoekprofiel.render(found))
        return EXIT_OK
    if args.approve:
        with _open_input(args.approve) as (stream, name):
            edited = zoekprofiel.from_json(stream.read(), source_name=name,
                                           profile_id=profile.id)
        approved = zoekprofiel.approve(db, edited, coach=args.coach)
        print(f"Zoekprofiel voor {profile.id} goedgekeurd op {(approved.approved or '')[:10]}: "
              f"{len(approved.included())} beroepen om in te zoeken.")
        return EXIT_OK
    concept = zoekprofiel.draft(profile)
    if args.interactive:
        reviewed = zoekprofiel.review(concept, ask=input, say=print)
        approved = zoekprofiel.approve(db, reviewed, coach=args.coach)
        print(f"\nZoekprofiel voor {profile.id} goedgekeurd op {(approved.approved or '')[:10]}: "
              f"{len(approved.included())} beroepen om in te zoeken.")
        return EXIT_OK
    if args.out:
        Path(args.out).write_text(concept.to_json() + "\n", encoding="utf-8")
        print(f"Concept geschreven naar {args.out}. Zet per beroep 'included' op true of "
              f"false en keur het goed met: spoorzoeker zoekprofiel --profile {args.profile} "
              f"--approve {args.out}")
        return EXIT_OK
    print(zoekprofiel.render(concept))
    return EXIT_OK


# --- profile: the FML capability profiles in the store ---------------------------------------


def _stored_profile(args: argparse.Namespace) -> tuple[Settings, Any]:
    from profiles.store import get_profile

    settings = _settings(args)
    return settings, get_profile(profile_id=args.id, settings=settings)


def cmd_profile_new(args: argparse.Namespace) -> int:
    from profiles.editor import create_profile
    from profiles.store import list_profiles, save_profile

    settings = _settings(args)
    profile = create_profile(ask=input, say=print, profile_id=args.id)
    if any(row["id"] == profile.id for row in list_profiles(settings=settings)):
        raise SpoorzoekerError(f"profiel '{profile.id}' bestaat al; gebruik 'spoorzoeker "
                               f"profile edit {profile.id}'")
    save_profile(profile=profile, settings=settings, coach=args.coach)
    print(f"Profiel {profile.id} opgeslagen.")
    return EXIT_OK


def cmd_profile_show(args: argparse.Namespace) -> int:
    from profiles.editor import render_profile

    _, profile = _stored_profile(args)
    print(render_profile(profile), end="")
    return EXIT_OK


def cmd_profile_edit(args: argparse.Namespace) -> int:
    from profiles.editor import edit_profile
    from profiles.store import save_profile

    settings, profile = _stored_profile(args)
    changed = edit_profile(profile, ask=input, say=print)
    save_profile(profile=changed, settings=settings)
    print(f"Profiel {changed.id} opgeslagen.")
    return EXIT_OK


def cmd_profile_list(args: argparse.Namespace) -> int:
    from profiles.store import list_profiles

    rows = list_profiles(settings=_settings(args), coach=args.coach)
    if not rows:
        print("Nog geen profielen opgeslagen.")
    for row in rows:
        print(f"{row['id']}\tcoach: {row['coach'] or '-'}\tbijgewerkt: {row['updated']}")
    return EXIT_OK


def cmd_profile_import(args: argparse.Namespace) -> int:
    from profiles.model import load_profile
    from profiles.store import save_profile

    if args.file == "-":
        profile = load_profile(sys.stdin.read(), source_name="-")
    else:
        profile = load_profile(Path(args.file), source_name=args.file)
    save_profile(profile=profile, settings=_settings(args), coach=args.coach)
    print(f"Profiel {profile.id} opgeslagen.")
    return EXIT_OK


def cmd_profile_export(args: argparse.Namespace) -> int:
    from profiles.model import profile_to_json

    _, profile = _stored_profile(args)
    print(profile_to_json(profile))
    return EXIT_OK


def cmd_profile_delete(args: argparse.Namespace) -> int:
    from profiles.store import delete_profile

    if not delete_profile(profile_id=args.id, settings=_settings(args)):
        raise SpoorzoekerError(f"profiel '{args.id}' bestaat niet")
    print(f"Profiel {args.id} verwijderd.")
    return EXIT_OK


# --- the parser ----------------------------------------------------------------------------


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="spoorzoeker",
        description="Passend werk vinden voor re-integratie spoor 2: vacatures verzamelen, "
                    "eisen lezen, toetsen aan de FML en rangschikken.")
    parser.add_argument("--log-level", default=None, help="bijvoorbeeld INFO of DEBUG")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMANDO")

    def command(name: str, handler: Callable[[argparse.Namespace], int], help_text: str,
                *, store: bool = False) -> argparse.ArgumentParser:
        sub = commands.add_parser(name, help=help_text, description=help_text)
        sub.set_defaults(handler=handler)
        if store:
            sub.add_argument("--db", help="SQLite-bestand (anders SPOORZOEKER_DB of de "
                                          "standaardmap)")
        return sub

    sub = command("extract", cmd_extract, "Lees de eisen uit vacatures (JSONL in, JSONL uit).")
    sub.add_argument("file", nargs="?", default="-", help="JSONL-bestand of - voor stdin")

    sub = command("check", cmd_check, "Toets vacatures aan een profiel: geschikt, let_op of "
                                      "ongeschikt, met redenen.")
    sub.add_argument("--profile", required=True, help="profiel.json")
    sub.add_argument("file", nargs="?", default="-", help="JSONL-bestand of - voor stdin")

    sub = command("ingest", cmd_ingest, "Laad vacatures uit JSONL in de opslag.", store=True)
    sub.add_argument("file", nargs="?", default="-", help="JSONL-bestand of - voor stdin")
    sub.add_argument("--quiet", action="store_true", help="geen voortgangsbalk")

    sub = command("export", cmd_export, "Schrijf de opgeslagen vacatures als JSONL.", store=True)
    sub.add_argument("--all", action="store_true", help="ook gesloten vacatures")

    sub = command("crawl", cmd_crawl, "Haal vacatures op bij de bronnen uit het bronnenbestand.",
                  store=True)
    sub.add_argument("--sources", help="bronnenbestand (standaard config/sources.toml)")
    sub.add_argument("--only", help="alleen deze bron")
    sub.add_argument("--json", action="store_true", help="rapport als één JSON-object")

    sub = command("shortlist", cmd_shortlist, "Toon de beste passende vacatures voor een "
                                              "profiel.", store=True)
    sub.add_argument("--profile", required=True, help="profiel.json")
    sub.add_argument("--top", type=int, default=20, help="aantal vacatures (standaard 20)")
    sub.add_argument("--json", action="store_true", help="uitvoer als JSON")

    sub = command("zoekprofiel", cmd_zoekprofiel, "Stel een beredeneerd zoekprofiel op uit "
                                                  "ervaring, opleiding en FML; de coach keurt "
                                                  "het goed.", store=True)
    sub.add_argument("--profile", required=True, help="profiel.json")
    sub.add_argument("--out", help="schrijf het concept als JSON om te bewerken")
    sub.add_argument("--approve", metavar="BESTAND",
                     help="keur het (bewerkte) JSON-zoekprofiel goed en sla het gedateerd op")
    sub.add_argument("--interactive", action="store_true",
                     help="loop het concept door (ja/nee per beroep) en sla het op")
    sub.add_argument("--show", action="store_true", help="toon het laatst goedgekeurde")
    sub.add_argument("--coach", help="de coach die goedkeurt")

    sub = command("demo", cmd_demo, "Serveer de demosite, crawl hem en toon een shortlist voor "
                                    "het demoprofiel.", store=True)
    sub.add_argument("--top", type=int, default=10, help="aantal vacatures (standaard 10)")

    sub = command("profile", cmd_profile_list, "Beheer de FML-profielen van werknemers "
                                               "(versleuteld opgeslagen).")
    actions = sub.add_subparsers(dest="profile_command", required=True, metavar="ACTIE")
    profile_actions: list[tuple[str, Callable[[argparse.Namespace], int], str]] = [
        ("new", cmd_profile_new, "Maak een profiel, rubriek voor rubriek."),
        ("show", cmd_profile_show, "Toon een profiel zoals een FML."),
        ("edit", cmd_profile_edit, "Wijzig een profiel (Enter houdt elke waarde)."),
        ("list", cmd_profile_list, "Toon de opgeslagen profielen."),
        ("import", cmd_profile_import, "Lees een profiel.json (CONTRACTS §3) in."),
        ("export", cmd_profile_export, "Schrijf een profiel als JSON naar stdout."),
        ("delete", cmd_profile_delete, "Verwijder een profiel."),
    ]
    for name, handler, help_text in profile_actions:
        action = actions.add_parser(name, help=help_text, description=help_text)
        action.set_defaults(handler=handler)
        action.add_argument("--db", help="SQLite-bestand (anders SPOORZOEKER_DB of de "
                                         "standaardmap)")
        if name in ("show", "edit", "export", "delete"):
            action.add_argument("id", help="profielcode")
        if name == "new":
            action.add_argument("--id", help="profielcode (anders wordt ernaar gevraagd)")
        if name == "import":
            action.add_argument("file", help="profiel.json of - voor stdin")
        if name in ("new", "import", "list"):
            action.add_argument("--coach", help="de coach van deze werknemer")
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    level = args.log_level or Settings().log_level
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
    # On the handler, not only the root logger: Scrapy resets the root level when it starts.
    handler.setLevel(level.upper())
    logging.basicConfig(level=level.upper(), handlers=[handler])
    try:
        return args.handler(args)
    except SpoorzoekerError as error:
        print(f"spoorzoeker: {error}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        print("spoorzoeker: afgebroken", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
