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
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import lxml.html
from lxml import etree
from pydantic import ValidationError

from vacancies.model import Vacancy

logger = logging.getLogger(__name__)

_BLOCK_TAGS = {"p", "div", "section", "article", "ul", "ol", "table", "tr", "br",
               "h1", "h2", "h3", "h4", "h5", "h6"}


@dataclass
class PageResult:
    """What one page gave: its vacancies and the problems met on the way."""

    vacancies: list[Vacancy] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


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
    for script in document.xpath('//script[@type="application/ld+json"]'):
        text = (script.text or "").strip()
        if not text:
            continue
        try:
            data = json.loads(text, strict=False)
        except json.JSONDecodeError:
            problems.append("broken_json_ld")
            continue
        yield from _find_postings(data)


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


def html_to_text(fragment: str) -> str:
    """Readable plain text of an HTML fragment: paragraphs and bullets on their own lines."""
    if "<" not in fragment:
        return html.unescape(fragment).strip()
    try:
        root = lxml.html.fragment_fromstring(fragment, create_parent="div")
    except (etree.ParserError, ValueError):
        return html.unescape(re.sub(r"<[^>]+>", " ", fragment)).strip()
    parts: list[str] = []

    def walk(element: Any) -> None:
        tag = element.tag if isinstance(element.tag, str) else ""
        if tag in {"script", "style"}:
            if element.tail:
                parts.append(element.tail)
            return
        if tag == "li":
            parts.append("\n* ")
        elif tag in _BLOCK_TAGS:
            parts.append("\n")
        if element.text:
            parts.append(element.text)
        for child in element:
            walk(child)
        if tag in _BLOCK_TAGS or tag == "li":
            parts.append("\n")
        if element.tail:
            parts.append(element.tail)

    walk(root)
    text = "".join(parts)
    lines = (re.sub(r"[ \t\u00a0]+", " ", line).strip() for line in text.splitlines())
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


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
    text = _text(value)
    match = re.match(r"(\d{4}-\d{2}-\d{2})", text)
    if not match:
        return None
    try:
        return date.fromisoformat(match.group(1))
    except ValueError:
        return None


def _employment_type(value: Any) -> str | None:
    if isinstance(value, list):
        return ",".join(_text(v) for v in value if _text(v)) or None
    return _text(value) or None
