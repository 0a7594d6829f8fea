"""Item pipelines: every Vacancy a spider yields is stored and counted."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from vacancies.model import Vacancy
from vacancies.store import VacancyStore

logger = logging.getLogger(__name__)


class StorePipeline:
    """Writes each vacancy to the store and counts new, updated and unchanged ones."""

    def __init__(self, crawler: Any, store: VacancyStore) -> None:
        self.crawler = crawler
        self.store = store

    @classmethod
    def from_crawler(cls, crawler: Any) -> StorePipeline:
        return cls(crawler, VacancyStore.open(Path(crawler.settings["SPOORZOEKER_DB"])))

    def process_item(self, item: Any) -> Any:
        if isinstance(item, Vacancy):
            spider = self.crawler.spider
            spider.report.items += 1
            change = self.store.upsert(item)
            setattr(spider.report, change, getattr(spider.report, change) + 1)
            progress = getattr(spider, "on_item", None)
            if progress is not None:
                progress()
        return item
