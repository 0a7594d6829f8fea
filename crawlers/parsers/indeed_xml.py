"""Reading job feeds in the Indeed XML format, which many Dutch ATSs publish.

The format (Indeed's "XML feed" for job sites): a `<source>` root with
`<publisher>`, `<publisherurl>`, `<lastBuildDate>` and one `<job>` per vacancy,
each with `<title>`, `<date>`, `<referencenumber>`, `<url>`, `<company>`,
`<city>`, `<state>`, `<country>`, `<postalcode>`, `<description>` (HTML, often
in CDATA), and optionally `<salary>`, `<education>`, `<jobtype>`, `<category>`,
`<experience>` and `<expirationdate>`. A feed that breaks off halfway still
gives every complete job before the break.
"""

from __future__ import annotations

import logging
from typing import Any

from lxml import etree
from pydantic import ValidationError

from crawlers.parsers.common import PageResult, html_to_text, local_id, parse_date
from vacancies.model import Vacancy

logger = logging.getLogger(__name__)


def xml_parser() -> etree.XMLParser:
    """A forgiving parser that never resolves entities or touches the network."""
    return etree.XMLParser(recover=True, resolve_entities=False, no_network=True,
                           huge_tree=True, encoding="utf-8")


def parse_xml(text: str, problems: list[str]) -> Any:
    """The root element of a feed's text, or None if unreadable; damage is noted in `problems`.

    A damaged feed still gives its root: the recovering parser keeps what came before the break.
    """
    parser = xml_parser()
    try:
        root = etree.fromstring(text.encode("utf-8"), parser=parser)
    except etree.XMLSyntaxError:
        root = None
    if root is None or parser.error_log:
        problems.append("broken_xml")
    return root


def parse_feed(text: str, *, url: str, source: str) -> PageResult:
    """Every readable `<job>` of an Indeed-format XML feed."""
    result = PageResult()
    root = parse_xml(text, result.problems)
    if root is None:
        return result
    for job in root.iter("job"):
        vacancy = _vacancy(job, url=url, source=source)
        if vacancy is None:
            result.problems.append("incomplete_job")
        else:
            result.vacancies.append(vacancy)
    return result


def _vacancy(job: Any, *, url: str, source: str) -> Vacancy | None:
    fields = {child.tag.lower(): (child.text or "").strip()
              for child in job if isinstance(child.tag, str)}
    title = fields.get("title", "")
    description = html_to_text(fields.get("description", ""))
    if not title or not description:
        return None
    job_url = fields.get("url") or url
    try:
        return Vacancy(
            id=f"{source}:{local_id(fields.get('referencenumber'), fallback=job_url + title)}",
            title=title,
            description=description,
            employer=fields.get("company") or None,
            place=fields.get("city") or None,
            postcode=fields.get("postalcode") or None,
            url=job_url,
            date_posted=parse_date(fields.get("date")),
            valid_through=parse_date(fields.get("expirationdate")),
            source=source,
            employment_type=fields.get("jobtype") or None,
            raw=etree.tostring(job, encoding="unicode"),
        )
    except ValidationError as error:
        logger.info("Indeed job on %s skipped: %s", url, error.errors()[0]["msg"])
        return None
