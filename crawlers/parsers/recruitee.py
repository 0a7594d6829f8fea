"""Reading the Recruitee public careers API (`https://<company>.recruitee.com/api/offers/`).

One JSON document lists every published offer of a company with its full
HTML description, so a Recruitee source is one request. A truncated or
partly broken document still gives every offer that can be read.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from typing import Any

from pydantic import ValidationError

from crawlers.parsers.common import PageResult, html_to_text, local_id, parse_date
from vacancies.model import Vacancy

logger = logging.getLogger(__name__)


def parse_offers(text: str, *, url: str, source: str) -> PageResult:
    """Every readable offer of a Recruitee `/api/offers/` response."""
    result = PageResult()
    try:
        document = json.loads(text)
        offers = document.get("offers") if isinstance(document, dict) else None
        if not isinstance(offers, list):
            result.problems.append("unexpected_json")
            return result
    except json.JSONDecodeError:
        result.problems.append("broken_json")
        offers = list(_salvage_offers(text))
    for offer in offers:
        vacancy = _vacancy(offer, url=url, source=source) if isinstance(offer, dict) else None
        if vacancy is None:
            result.problems.append("incomplete_offer")
        else:
            result.vacancies.append(vacancy)
    return result


def _salvage_offers(text: str) -> Iterator[Any]:
    """The complete offer objects at the start of a cut-off `{"offers": [...` document."""
    key = text.find('"offers"')
    start = text.find("[", key) if key >= 0 else -1
    if start < 0:
        return
    decoder = json.JSONDecoder()
    position = start + 1
    while position < len(text):
        while position < len(text) and text[position] in " \t\r\n,":
            position += 1
        if position >= len(text) or text[position] != "{":
            return
        try:
            offer, position = decoder.raw_decode(text, position)
        except json.JSONDecodeError:
            return
        yield offer


def _vacancy(offer: dict[str, Any], *, url: str, source: str) -> Vacancy | None:
    title = _string(offer.get("title"))
    sections = [html_to_text(_string(offer.get(key))) for key in ("description", "requirements")]
    description = "\n\n".join(part for part in sections if part)
    if not title or not description:
        return None
    hours = [offer.get("min_hours"), offer.get("max_hours")]
    if any(isinstance(h, int | float) and h for h in hours):
        low, high = (h if isinstance(h, int | float) and h else None for h in hours)
        span = f"{low:g}" if high in (None, low) else f"{low or high:g}-{high:g}"
        description += f"\n\nUren per week: {span}"
    page_url = _string(offer.get("careers_url")) or url
    try:
        return Vacancy(
            id=f"{source}:{local_id(offer.get('id'), offer.get('slug'), fallback=page_url)}",
            title=title,
            description=description,
            employer=_string(offer.get("company_name")) or None,
            place=_string(offer.get("city")) or _string(offer.get("location")) or None,
            postcode=_string(offer.get("postal_code")) or None,
            url=page_url,
            date_posted=parse_date(offer.get("published_at") or offer.get("created_at")),
            valid_through=parse_date(offer.get("close_at")),
            source=source,
            employment_type=_string(offer.get("employment_type_code")) or None,
            raw=json.dumps(offer, ensure_ascii=False),
        )
    except ValidationError as error:
        logger.info("Recruitee offer on %s skipped: %s", url, error.errors()[0]["msg"])
        return None


def _string(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""
