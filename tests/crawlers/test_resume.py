"""A crawl cut off halfway (Ctrl-C, or its ingest process killed) resumes (Scrapy JOBDIR)
without losing or duplicating vacancies."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
from pathlib import Path

import pytest

from tests.crawlers.crawling import Reply, Site, run_crawl, serve, sources_toml, start_crawl
from tests.crawlers.test_faults import posting_page
from vacancies.store import VacancyStore

PAGES = 60


def slow_site() -> dict[str, object]:
    pages = {f"/v/{n}.html": Reply(body=posting_page(
        identifier=f"n{n}", title=f"Medewerker {n}",
        description=f"Vacature nummer {n}: je werkt in ons magazijn aan order {n} en je "
                    "helpt je collega's met het laden van de wagens.",
        place=f"Dorp {chr(65 + n % 26)}{chr(65 + n // 26)}"), delay=0.1)
        for n in range(PAGES)}
    urls = "".join(f"<url><loc>{{base}}{path}</loc></url>" for path in pages)
    return {"/sitemap.xml": Reply(body='<?xml version="1.0" encoding="UTF-8"?><urlset xmlns='
                                       f'"http://www.sitemaps.org/schemas/sitemap/0.9">{urls}'
                                       "</urlset>", content_type="application/xml"),
            "/robots.txt": Reply(body="User-agent: *\nAllow: /\n", content_type="text/plain"),
            **pages}


def crawl_a_third(tmp_path: Path, db_path: Path, site: Site) -> tuple[subprocess.Popen, str]:
    """Start a crawl of the slow site and return once a third of its pages were asked for
    (the crawl process and its sources file)."""
    toml = sources_toml({"name": "traag", "kind": "jobposting", "concurrency": 2,
                         "sitemap": f"{site.base_url}/sitemap.xml"})
    process = start_crawl(tmp_path, toml, db=db_path)
    deadline = time.monotonic() + 60
    while sum(path.startswith("/v/") for path in site.paths()) < PAGES // 3:
        assert time.monotonic() < deadline and process.poll() is None
        time.sleep(0.05)
    return process, toml


@pytest.mark.slow
def test_interrupted_crawl_resumes_without_loss_or_duplicates(tmp_path, db_path):
    with serve(slow_site()) as site:
        process, toml = crawl_a_third(tmp_path, db_path, site)
        process.send_signal(signal.SIGINT)  # Ctrl-C: Scrapy stops and keeps its JOBDIR
        process.communicate(timeout=60)
        stored_before = VacancyStore.open(db_path).count()
        assert 0 < stored_before < PAGES
        assert any((db_path.with_suffix(".crawljobs") / "traag").iterdir())

        resumed = run_crawl(tmp_path, toml, db=db_path)["traag"]
        fetched = [path for path in site.paths() if path.startswith("/v/")]

    store = VacancyStore.open(db_path)
    assert store.count() == PAGES
    assert resumed["new"] == PAGES - stored_before
    assert sorted({s.vacancy.title for s in store.vacancies()}) == sorted(
        f"Medewerker {n}" for n in range(PAGES))
    assert len(fetched) <= PAGES + 2  # at most the requests in flight at the cut again
    runs = list(store.db.query("select number, successful from crawl_runs"))
    assert runs == [{"number": 1, "successful": 1}]
    assert not (db_path.with_suffix(".crawljobs") / "traag").exists()


def ingest_process_of(pid: int) -> int | None:
    """The ingest process a crawl process started (`python -m crawlers.ingest`)."""
    for entry in Path("/proc").iterdir():
        try:
            stat = (entry / "stat").read_text()
            command = (entry / "cmdline").read_bytes()
        except (OSError, ValueError):
            continue
        if int(stat.rsplit(")", 1)[1].split()[1]) == pid and b"crawlers.ingest" in command:
            return int(entry.name)
    return None


@pytest.mark.slow
def test_a_crawl_whose_ingest_dies_stops_unfinished_and_the_next_crawl_gets_everything(
        tmp_path, db_path):
    with serve(slow_site()) as site:
        process, toml = crawl_a_third(tmp_path, db_path, site)
        ingest = ingest_process_of(process.pid)
        assert ingest is not None
        os.kill(ingest, signal.SIGKILL)
        stdout, stderr = process.communicate(timeout=60)
        assert process.returncode == 0, stderr
        cut = json.loads(stdout.strip().splitlines()[-1])["traag"]
        assert cut["errors"]["store_error"] == 1
        assert "Traceback" not in stderr

        resumed = run_crawl(tmp_path, toml, db=db_path)["traag"]

    store = VacancyStore.open(db_path)
    assert store.count() == PAGES
    assert cut["new"] + resumed["new"] == PAGES
    runs = list(store.db.query("select number, successful from crawl_runs"))
    assert runs == [{"number": 1, "successful": 1}]
