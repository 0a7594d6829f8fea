"""What every parser needs: the result type, decoding bytes whose charset lies, plain text
from HTML, dates in the forms feeds write them, and a quick guess of a text's language.

Parsers never fetch and never raise on bad input: what can be read is kept, what
cannot becomes a problem (a short English kind such as `broken_json`) that the
crawl report counts per source.
"""

from __future__ import annotations

import codecs
import hashlib
import html
import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime
from email.utils import parsedate_to_datetime
from typing import Any

from lxml import etree

from vacancies.model import Vacancy

_BLOCK_TAGS = {"p", "div", "section", "article", "ul", "ol", "table", "tr", "br",
               "h1", "h2", "h3", "h4", "h5", "h6"}


@dataclass
class PageResult:
    """What one page or feed gave: its vacancies and the problems met on the way."""

    vacancies: list[Vacancy] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


_BOMS = ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF32_LE, "utf-32"),
         (codecs.BOM_UTF32_BE, "utf-32"), (codecs.BOM_UTF16_LE, "utf-16"),
         (codecs.BOM_UTF16_BE, "utf-16"))
_META_CHARSET = re.compile(rb"""<meta[^>]+charset=["']?([A-Za-z0-9_.:-]+)""", re.I)
_XML_ENCODING = re.compile(rb"""<\?xml[^>]+encoding=["']([A-Za-z0-9_.:-]+)""", re.I)


def decode_body(body: bytes, *, declared: str | None) -> str:
    """The text of a fetched body, also when its charset is missing or wrong.

    Order: a byte-order mark; valid UTF-8 (a single-byte label on UTF-8 bytes is the
    usual lie); the declared charset; the one in `<meta>` or the XML declaration;
    finally Windows-1252, which decodes anything.
    """
    for bom, encoding in _BOMS:
        if body.startswith(bom):
            return body[len(bom):].decode(encoding, errors="replace")
    declared_codec = _codec(declared)
    if declared_codec in {"utf-16", "utf-32", "utf-16-le", "utf-16-be"}:
        return body.decode(declared_codec, errors="replace")
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError:
        pass
    head = body[:4096]
    inline = _META_CHARSET.search(head) or _XML_ENCODING.search(head)
    for candidate in (declared_codec, _codec(inline.group(1).decode("ascii")) if inline else None):
        if candidate and candidate != "utf-8":
            try:
                return body.decode(candidate)
            except (UnicodeDecodeError, LookupError):
                continue
    return body.decode("cp1252", errors="replace")


def _codec(label: str | None) -> str | None:
    if not label:
        return None
    try:
        return codecs.lookup(label.strip().strip("\"'")).name
    except LookupError:
        return None


def charset_of(content_type: str | None) -> str | None:
    """The charset parameter of a Content-Type header value, if any."""
    match = re.search(r"charset=([^;\s]+)", content_type or "", re.I)
    return match.group(1) if match else None


_PLAIN_HTML = etree.HTMLParser()
"""libxml2's HTML parser without lxml.html's element classes: those are looked up in
Python for every element touched, a third of the time of reading a description."""
_BLANK_LINES = re.compile(r"\n{3,}")
_TAGS = re.compile(r"<[^>]+>")
_FULL_DOCUMENT = re.compile(r"^\s*<(?:html|!doctype)", re.I)


def html_to_text(fragment: str) -> str:
    """Readable plain text of an HTML fragment: paragraphs and bullets on their own lines."""
    if "<" not in fragment:
        unescaped = html.unescape(fragment)
        if "<" not in unescaped:
            return unescaped.strip()
        # HTML escaped once more ("&lt;p&gt;"), as some sites put it in JSON-LD: read it as HTML.
        fragment = unescaped
    body = _html_body(fragment)
    if body is None:
        return html.unescape(_TAGS.sub(" ", fragment)).strip()
    parts: list[str] = []
    append = parts.append
    blocks = _BLOCK_TAGS

    def walk(element: Any) -> None:
        tag = element.tag if isinstance(element.tag, str) else ""
        if tag == "script" or tag == "style":
            if element.tail:
                append(element.tail)
            return
        block = tag in blocks
        if tag == "li":
            append("\n* ")
            block = True
        elif block:
            append("\n")
        if element.text:
            append(element.text)
        for child in element:
            walk(child)
        if block:
            append("\n")
        if element.tail:
            append(element.tail)

    if body.text and body.text.strip():
        append(body.text)
    for child in body:
        walk(child)
    text = _single_spaces("".join(parts))
    return _BLANK_LINES.sub("\n\n", "\n".join(line.strip() for line in text.splitlines())).strip()


def _single_spaces(text: str) -> str:
    """Every run of spaces, tabs and no-break spaces as one space (single spaces stay).
    Plain `str` methods: a regex tries a match at every one of a description's spaces."""
    if "\t" in text:
        text = text.replace("\t", " ")
    if "\u00a0" in text:
        text = text.replace("\u00a0", " ")
    while "  " in text:
        text = text.replace("  ", " ")
    return text


def _html_body(fragment: str) -> Any:
    """The `<body>` libxml2 makes of a fragment (as `lxml.html.fragment_fromstring` reads
    it), or None when it cannot be read."""
    if not _FULL_DOCUMENT.match(fragment):
        fragment = f"<html><body>{fragment}</body></html>"
    try:
        document = etree.fromstring(fragment, _PLAIN_HTML)
    except (etree.ParserError, etree.XMLSyntaxError, ValueError):
        return None
    if document is None:
        return None
    bodies = [element for element in document if element.tag == "body"]
    return bodies[0] if len(bodies) == 1 else None


def parse_date(value: Any) -> date | None:
    """A date from ISO 8601 ("2026-11-02", "2026-11-02 10:00:00 UTC") or RFC 822 (RSS)."""
    if not isinstance(value, str) or not value.strip():
        return None
    text = value.strip()
    match = re.match(r"(\d{4}-\d{2}-\d{2})", text)
    if match:
        try:
            return date.fromisoformat(match.group(1))
        except ValueError:
            return None
    try:
        moment: datetime = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    return moment.date()


def local_id(*candidates: Any, fallback: str) -> str:
    """A stable id within a source: the first usable identifier, else a hash of `fallback`."""
    for candidate in candidates:
        text = str(candidate).strip() if candidate is not None else ""
        cleaned = re.sub(r"[^\w.-]+", "-", text).strip("-")
        if cleaned:
            return cleaned[:120]
    return hashlib.sha256(fallback.encode("utf-8")).hexdigest()[:16]


_STOPWORDS = {
    "nl": {"de", "het", "een", "en", "van", "je", "jij", "wij", "we", "ons", "onze", "voor",
           "met", "bij", "op", "is", "zijn", "niet", "ook", "als", "naar", "uur", "werk",
           "wat", "wie", "jouw", "heb", "hebt", "bent", "kun", "dit", "deze", "om", "aan"},
    "en": {"the", "and", "of", "you", "your", "we", "our", "for", "with", "to", "is", "are",
           "in", "will", "be", "as", "this", "on", "at", "work", "what", "who", "have",
           "an", "or", "job", "team", "experience"},
    "de": {"der", "die", "das", "und", "sie", "wir", "mit", "für", "ist", "sind", "bei",
           "auf", "ein", "eine", "zu", "von", "im", "den", "dem", "ihre", "unser", "oder",
           "auch", "nicht", "als", "arbeit", "wie"},
    "fr": {"le", "la", "les", "et", "de", "des", "vous", "nous", "pour", "avec", "est",
           "une", "un", "du", "en", "dans", "sur", "au", "votre", "notre", "qui", "que",
           "travail", "poste"},
}
_WORD = re.compile(r"[a-zäöüßàâçéèêëîïôûùÿæœ]+")


def guess_language(text: str) -> str | None:
    """The ISO 639-1 code whose common words the text uses most, or None when unsure.

    Deliberately small (four languages): the crawler only needs to tell Dutch
    vacancies from foreign ones; the matcher reads the language properly.
    """
    words = _WORD.findall(text[:2000].lower())
    if len(words) < 8:
        return None
    counts = Counter(words)
    scores = {code: sum(counts[word] for word in stopwords if word in counts)
              for code, stopwords in _STOPWORDS.items()}
    best = max(scores, key=lambda code: scores[code])
    ranked = sorted(scores.values(), reverse=True)
    if ranked[0] < 4 or ranked[0] < 1.5 * ranked[1]:
        return None
    return best
