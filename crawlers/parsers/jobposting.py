"""Reading schema.org `JobPosting` records out of a web page.

Most Dutch job sites and career pages publish their vacancies as JSON-LD
(`<script type="application/ld+json">`), as a single object, a list or an
`@graph`; some still use microdata. This module turns such a page into
`Vacancy` records and never raises on a malformed block: what can be read is
kept, what cannot is reported back as a problem.
"""

from __future__ import annotations

import hashlib
import html
import json
import logging
import re
from collections.abc import Iterator
from datetime import date
from typing import Any

import lxml.html
from lxml import etree
from pydantic import ValidationError

from crawlers.parsers.common import PageResult, html_to_text, parse_date
from vacancies.model import Vacancy

__all__ = ["PageResult", "html_to_text", "parse_page"]

logger = logging.getLogger(__name__)

def parse_page(body: str, *, url: str, source: str) -> PageResult:
    """All JobPostings of an HTML page, JSON-LD first, microdata as the fallback."""
    result = PageResult()
    try:
        document = lxml.html.document_fromstring(body)
    except (etree.ParserError, ValueError):
        result.problems.append("unreadable_html")
        return result
    postings = list(_json_ld_postings(document, result.problems))
    if not postings:
        postings = list(_microdata_postings(document))
    for posting in postings:
        vacancy = _vacancy_from_posting(posting, url=url, source=source, raw=body)
        if vacancy is None:
            result.problems.append("incomplete_jobposting")
        else:
            result.vacancies.append(vacancy)
    return result


def _json_ld_postings(document: Any, problems: list[str]) -> Iterator[dict[str, Any]]:
    for script in document.iter("script"):
        if script.get("type") != "application/ld+json":
            continue
        text = (script.text or "").strip()
        if not text:
            continue
        data = _load_json_ld(text)
        if data is None:
            problems.append("broken_json_ld")
            continue
        yield from _find_postings(data)


_TRAILING_COMMA = re.compile(r",\s*([}\]])")


def _load_json_ld(text: str) -> Any:
    """The JSON of a script block; the usual CMS slips (comments, CDATA, trailing commas)
    are repaired, anything else gives None."""
    try:
        return json.loads(text, strict=False)
    except json.JSONDecodeError:
        pass
    repaired = re.sub(r"^\s*(<!--|//\s*<!\[CDATA\[|<!\[CDATA\[)", "", text)
    repaired = re.sub(r"(-->|//\s*\]\]>|\]\]>)\s*$", "", repaired)
    repaired = _TRAILING_COMMA.sub(r"\1", repaired)
    try:
        return json.loads(repaired, strict=False)
    except json.JSONDecodeError:
        return None


def _find_postings(data: Any) -> Iterator[dict[str, Any]]:
    """Walk lists and `@graph` containers down to every JobPosting object."""
    if isinstance(data, list):
        for element in data:
            yield from _find_postings(element)
    elif isinstance(data, dict):
        kinds = data.get("@type")
        kinds = kinds if isinstance(kinds, list) else [kinds]
        if "JobPosting" in kinds:
            yield data
        elif "@graph" in data:
            yield from _find_postings(data["@graph"])


def _microdata_postings(document: Any) -> Iterator[dict[str, Any]]:
    for scope in document.xpath('//*[@itemscope and contains(@itemtype, "JobPosting")]'):
        yield _microdata_object(scope)


def _microdata_object(scope: Any) -> dict[str, Any]:
    """A microdata item as a JSON-LD-like dict (nested items become dicts)."""
    item: dict[str, Any] = {}
    for prop in scope.xpath('.//*[@itemprop]'):
        # Only properties whose nearest enclosing item is this scope.
        owner = prop.getparent()
        while owner is not None and owner.get("itemscope") is None:
            owner = owner.getparent()
        if owner is not scope:
            continue
        name = prop.get("itemprop")
        if prop.get("itemscope") is not None:
            value: Any = _microdata_object(prop)
        elif prop.get("content") is not None:
            value = prop.get("content")
        elif prop.get("datetime") is not None:
            value = prop.get("datetime")
        elif name == "description":
            value = lxml.html.tostring(prop, encoding="unicode")
        else:
            value = prop.text_content().strip()
        item.setdefault(name, value)
    return item


def _vacancy_from_posting(posting: dict[str, Any], *, url: str, source: str,
                          raw: str) -> Vacancy | None:
    title = _text(posting.get("title") or posting.get("name"))
    description = html_to_text(_text(posting.get("description")))
    if not title or not description:
        return None
    address = _address(posting.get("jobLocation"))
    identifier = _identifier(posting.get("identifier"))
    vacancy_url = _text(posting.get("url")) or url
    local_id = identifier or hashlib.sha256(vacancy_url.encode()).hexdigest()[:16]
    try:
        return Vacancy(
            id=f"{source}:{local_id}",
            title=html.unescape(title),
            description=description,
            employer=_organisation_name(posting.get("hiringOrganization")),
            place=address.get("addressLocality"),
            postcode=address.get("postalCode"),
            url=vacancy_url,
            date_posted=_date(posting.get("datePosted")),
            valid_through=_date(posting.get("validThrough")),
            source=source,
            employment_type=_employment_type(posting.get("employmentType")),
            raw=raw,
        )
    except ValidationError as error:
        logger.info("JobPosting on %s skipped: %s", url, error.errors()[0]["msg"])
        return None


def _text(value: Any) -> str:
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, dict):
        return _text(value.get("name") or value.get("value") or value.get("@value"))
    if isinstance(value, list) and value:
        return _text(value[0])
    return ""


def _identifier(value: Any) -> str | None:
    if isinstance(value, dict):  # a PropertyValue: its value, not the issuer's name
        value = value.get("value") or value.get("@value") or value.get("name")
    text = _text(value)
    return re.sub(r"[^\w.-]+", "-", text).strip("-") or None if text else None


def _organisation_name(value: Any) -> str | None:
    return html.unescape(_text(value)) or None


def _address(location: Any) -> dict[str, str]:
    if isinstance(location, list):
        location = location[0] if location else None
    if not isinstance(location, dict):
        return {}
    address = location.get("address", location)
    if isinstance(address, list):
        address = address[0] if address else {}
    if isinstance(address, str):
        return {"addressLocality": address}
    if not isinstance(address, dict):
        return {}
    return {key: _text(address.get(key)) for key in ("addressLocality", "postalCode")
            if _text(address.get(key))}


def _date(value: Any) -> date | None:
    return parse_date(_text(value))


def _employment_type(value: Any) -> str | None:
    if isinstance(value, list):
        return ",".join(_text(v) for v in value if _text(v)) or None
    return _text(value) or None
