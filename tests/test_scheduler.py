"""The nightly job, as the long-running scheduler calls it: night after night in one
process, each night a real crawl of a site on 127.0.0.1 and a refresh."""

from __future__ import annotations

import pytest

import scheduler
from config import Settings
from tests.crawlers.crawling import serve, sources_toml
from tests.crawlers.test_crawl import career_site
from vacancies.store import VacancyStore


@pytest.mark.slow
def test_the_scheduler_crawls_night_after_night_in_one_process(tmp_path, db_path, model_cache,
                                                               monkeypatch):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    with serve(career_site()) as site:
        sources = tmp_path / "sources.toml"
        sources.write_text(sources_toml({"name": "testsite", "kind": "jobposting",
                                         "sitemap": f"{site.base_url}/robots.txt"}),
                           encoding="utf-8")
        settings = Settings(db=db_path, sources=sources, model_cache=model_cache,
                            crawl_autothrottle=False, download_delay=0, log_level="ERROR",
                            profile_key_file=tmp_path / "profile.key")
        assert scheduler.night(settings) == 0
        first = VacancyStore.open(db_path).count()
        assert scheduler.night(settings) == 0  # Scrapy's reactor cannot start twice in one
        #                                        process: the second night needs its own

    store = VacancyStore.open(db_path)
    assert first > 0 and store.count() == first
    runs = list(store.db.query("select number, successful from crawl_runs"))
    assert runs == [{"number": 1, "successful": 1}, {"number": 2, "successful": 1}]
