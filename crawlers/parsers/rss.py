"""Reading vacancy feeds in RSS 2.0 and Atom 1.0.

RSS items carry `<title>`, `<link>`, `<description>`, `<guid>`, `<pubDate>` and
`<category>`; Atom entries `<title>`, `<link href>`, `<id>`, `<published>` or
`<updated>`, `<summary>` or `<content>` and `<author>`. Neither format has
fields for employer or place, so feeds add them as extension elements
(`<job:company>`, `<location>`, ...); those are read by their local name,
whatever their namespace. Paging (RFC 5005, `<atom:link rel="next">`) is
returned for the spider to follow.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urljoin

from lxml import etree
from pydantic import ValidationError

from crawlers.parsers.common import PageResult, html_to_text, local_id, parse_date
from crawlers.parsers.indeed_xml import parse_xml
from vacancies.model import Vacancy

logger = logging.getLogger(__name__)

_EMPLOYER = ("company", "employer", "werkgever", "hiringorganization", "organisation",
             "organization")
_PLACE = ("city", "location", "plaats", "standplaats", "place", "joblocation", "locality")
_POSTCODE = ("postalcode", "postcode", "zipcode", "zip")
_EXPIRES = ("expirationdate", "validthrough", "closingdate", "sluitingsdatum", "expires")
_KIND = ("jobtype", "employmenttype", "dienstverband")


@dataclass
class FeedResult(PageResult):
    """A feed page's vacancies and problems, and the next page of the feed if any."""

    next_page: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)


def parse_feed(text: str, *, url: str, source: str) -> FeedResult:
    """Every readable item (RSS) or entry (Atom) of a feed page."""
    result = FeedResult()
    root = parse_xml(text, result.problems)
    if root is None:
        return result
    entries = [e for e in root.iter() if _local(e) in {"item", "entry"}]
    for entry in entries:
        vacancy = _vacancy(entry, url=url, source=source)
        if vacancy is None:
            result.problems.append("incomplete_item")
        else:
            result.vacancies.append(vacancy)
    for link in root.iter():
        if _local(link) == "link" and link.get("rel") == "next" and link.get("href"):
            if link.getparent() is not None and _local(link.getparent()) in {"item", "entry"}:
                continue
            result.next_page = urljoin(url, link.get("href"))
            break
    return result


def _local(element: Any) -> str:
    return etree.QName(element).localname.lower() if isinstance(element.tag, str) else ""


def _vacancy(entry: Any, *, url: str, source: str) -> Vacancy | None:
    children: dict[str, Any] = {}
    for child in entry.iter():
        if child is not entry and isinstance(child.tag, str):
            children.setdefault(_local(child), child)

    def text(*names: str) -> str:
        for name in names:
            element = children.get(name)
            if element is not None and (element.text or "").strip():
                return (element.text or "").strip()
            if element is not None and name == "author":
                nested = [e.text for e in element if _local(e) == "name" and e.text]
                if nested:
                    return nested[0].strip()
        return ""

    title = html_to_text(text("title"))
    description = html_to_text(text("encoded", "content", "description", "summary"))
    if not title or not description:
        return None
    link = _link(entry) or url
    try:
        return Vacancy(
            id=f"{source}:{local_id(text('guid', 'id'), fallback=link + title)}",
            title=title,
            description=description,
            employer=text(*_EMPLOYER) or (text("author") if _local(entry) == "entry" else "")
            or None,
            place=text(*_PLACE) or None,
            postcode=text(*_POSTCODE) or None,
            url=link,
            date_posted=parse_date(text("pubdate", "published", "updated", "date")),
            valid_through=parse_date(text(*_EXPIRES)),
            source=source,
            employment_type=text(*_KIND) or None,
            raw=etree.tostring(entry, encoding="unicode"),
        )
    except ValidationError as error:
        logger.info("feed item on %s skipped: %s", url, error.errors()[0]["msg"])
        return None


def _link(entry: Any) -> str:
    for child in entry:
        if _local(child) != "link":
            continue
        if child.get("href") and child.get("rel") in (None, "alternate"):
            return str(child.get("href")).strip()
        if (child.text or "").strip():
            return str(child.text).strip()
    return ""
