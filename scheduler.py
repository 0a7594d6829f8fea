"""When Spoorzoeker runs: the nightly crawl and refresh, with APScheduler 3.

It calls the same functions the CLI calls (`crawlers.run.crawl`,
`matcher.refresh.refresh_all`); nothing imports this module. Start it with
`spoorzoeker-scheduler` (add `--now` to run the nightly job once, at once).
"""

from __future__ import annotations

import argparse
import logging
import multiprocessing
import sys

from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.cron import CronTrigger

from config import Settings
from crawlers.run import crawl, select_sources
from crawlers.sources import load_sources
from matcher.refresh import refresh_all
from vacancies.errors import SpoorzoekerError

logger = logging.getLogger("spoorzoeker.scheduler")

NIGHTLY = CronTrigger(hour=2, minute=30)


def night(settings: Settings) -> int:
    """Run `nightly` in a process of its own and wait for it; its exit code.

    Scrapy's reactor starts once per process: a scheduler that crawled in its own
    process would fail every night after the first. A fresh process per night also
    gives back the memory of the language and embedding models."""
    process = multiprocessing.get_context("spawn").Process(
        target=_nightly_process, args=(settings,), name="spoorzoeker-nightly")
    process.start()
    process.join()
    if process.exitcode:
        logger.error("De nachtelijke taak is mislukt (code %s); de volgende nacht probeert "
                     "hij het opnieuw.", process.exitcode)
    return process.exitcode or 0


def _nightly_process(settings: Settings) -> None:
    logging.basicConfig(level=settings.log_level.upper(), stream=sys.stderr)
    try:
        nightly(settings)
    except SpoorzoekerError as error:
        logger.error("%s", error)
        sys.exit(2)


def nightly(settings: Settings) -> None:
    """Crawl every enabled source, then read, embed and index what changed (once per
    process: see `night`)."""
    reports = crawl(sources=select_sources(load_sources(settings.sources), only=None),
                    settings=settings)
    for name, report in reports.items():
        logger.warning(report.summary_nl(name))
    summary = refresh_all(settings=settings)
    logger.warning("refresh: %d read, %d embedded, %d indexed, %d removed", summary.extracted,
                   summary.embedded, summary.indexed, summary.removed)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="spoorzoeker-scheduler",
                                     description="Draai de nachtelijke taken op vaste tijden.")
    parser.add_argument("--now", action="store_true",
                        help="voer de nachtelijke taak nu één keer uit")
    args = parser.parse_args(argv)
    settings = Settings()
    logging.basicConfig(level=settings.log_level.upper(), stream=sys.stderr)
    try:
        if args.now:
            return night(settings)
        scheduler = BlockingScheduler(timezone="Europe/Amsterdam")
        # One crawl at a time; a missed night runs once when the machine is back.
        scheduler.add_job(night, NIGHTLY, args=[settings], id="nightly", max_instances=1,
                          coalesce=True, misfire_grace_time=3 * 3600)
        scheduler.start()
    except SpoorzoekerError as error:
        print(f"spoorzoeker-scheduler: {error}", file=sys.stderr)
        return 2
    except (KeyboardInterrupt, SystemExit):
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
