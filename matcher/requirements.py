"""Requirement extraction: what a vacancy demands of the worker, with the sentence that shows it.

A registered spaCy component (`requirements`) over `spacy.blank("nl")` with the
lookup lemmatizer and a sentencizer reads a vacancy and produces the
`requirements` object of CONTRACTS §2: the demand codes of §1, each with its
certainty and a verbatim evidence sentence, plus hours, education, licences,
experience and language. Everything it knows is data under
`config/requirements/` (loaded through `config/requirements.cfg`): demand
patterns, negation and reassurance cues, section headings, distractor
contexts, field patterns and the job-title knowledge base.

How a posting is read, as a careful coach reads it:
- the text is cut into headed sections; demands in "Wat bieden wij?", the
  company blurb and the application part are not demands of the job, and
  text before the first heading counts only where it addresses the worker;
- a cue preceded by a negation in its clause ("geen zwaar tilwerk") or
  followed by one ("zwaar tillen hoort er niet bij") is no demand, and a
  reassurance anywhere ("tillen doe je met een tillift", "uitsluitend
  overdag") takes away what was only implied;
- explicit statements win over implied ones; the job title adds the loads of
  its occupation as implied demands, never against a negation in the text.

Only sentences that contain a cue are tokenised, which keeps extraction fast.
"""

from __future__ import annotations

import json
import logging
import re
import tomllib
from bisect import bisect_right
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import numpy
import spacy
from spacy.language import Language
from spacy.tokens import Doc

from config import CONFIG_DIR
from matcher.models import DEMAND_CODES, Demand, HoursRange, Requirements
from matcher.occupations import Occupation, match_titles
from vacancies.errors import ConfigError
from vacancies.vocabulary import DRIVING_LICENCES, EDUCATION_LEVELS

logger = logging.getLogger(__name__)

DEFAULT_CONFIG = CONFIG_DIR / "requirements.cfg"

# Sections whose sentences can carry a demand, best evidence first.
SECTION_RANK: dict[str, int] = {"tasks": 0, "profile": 1, "other": 2, "intro": 2, "team": 2,
                                "title": 3}
NO_DEMAND_SECTIONS = frozenset({"offer", "company", "apply"})
FIELD_SECTIONS_EXCLUDED = frozenset({"offer", "company", "apply"})

_BULLET = re.compile(r"^\s*(?:[*\-•·–—>]+|\d{1,2}[.)])\s+")
_MARKUP = re.compile(r"[*_#`]+")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9\"'“(])")
_EVIDENCE_STRIP = " \t\r\n*-•·–—_#;:,>"
_WORD = re.compile(r"[a-zà-ÿ']+")
_NUMBER_WORDS = {"een": 1, "één": 1, "twee": 2, "drie": 3, "vier": 4, "vijf": 5, "zes": 6,
                 "zeven": 7, "acht": 8, "negen": 9, "tien": 10}

if not Doc.has_extension("requirements"):
    Doc.set_extension("requirements", default=None)


# --------------------------------------------------------------------------- data


@dataclass(frozen=True)
class DemandPattern:
    """One demand cue: a regular expression with what it means."""

    code: str
    certainty: str
    regex: re.Pattern[str]
    worker: bool = False
    requires: re.Pattern[str] | None = None
    value_unit: str | None = None


@dataclass
class RuleBook:
    """Every pattern and cue of the extractor, compiled once."""

    patterns: dict[str, list[DemandPattern]]
    code_regex: dict[str, re.Pattern[str]]
    index: dict[str, frozenset[str]]
    sections: list[tuple[str, re.Pattern[str]]]
    worker: re.Pattern[str]
    apply_sentence: re.Pattern[str]
    benefit_sentence: re.Pattern[str]
    benefit_exempt: frozenset[str]
    company_sentence: re.Pattern[str]
    company_recruits: re.Pattern[str]
    company_codes: frozenset[str]
    negation_words: frozenset[str]
    negation_window: int
    clause_break: frozenset[str]
    not_negating: re.Pattern[str]
    negation_after: re.Pattern[str]
    reassurance: dict[str, re.Pattern[str]]
    distractors: dict[str, re.Pattern[str]]
    optional_only: re.Pattern[str] | None
    screen_terms: re.Pattern[str]
    screen_min: int
    not_screen_titles: re.Pattern[str]
    fields: dict[str, Any]
    title_kb: Path


def _compile(pattern: str, *, where: str) -> re.Pattern[str]:
    try:
        return re.compile(pattern, re.IGNORECASE)
    except re.error as exc:
        raise ConfigError(f"Patroon in {where} is ongeldig: {exc}") from exc


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"Bestand {path} is niet te lezen: {exc}") from exc


def load_rulebook(*, demands: Path, cues: Path, fields: Path, title_kb: Path) -> RuleBook:
    """Read and compile the data files of the extractor."""
    patterns: dict[str, list[DemandPattern]] = {code: [] for code in DEMAND_CODES}
    try:
        lines = demands.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise ConfigError(f"Bestand {demands} is niet te lezen: {exc}") from exc
    for number, line in enumerate(lines, start=1):
        if not line.strip() or line.lstrip().startswith("//"):
            continue
        where = f"{demands.name}:{number}"
        try:
            entry = json.loads(line)
        except ValueError as exc:
            raise ConfigError(f"Regel {where} is geen geldige JSON: {exc}") from exc
        code = entry.get("code")
        if code not in patterns or entry.get("certainty") not in ("explicit", "implied"):
            raise ConfigError(f"Regel {where}: onbekende code of zekerheid.")
        patterns[code].append(DemandPattern(
            code=code, certainty=entry["certainty"],
            regex=_compile(entry["re"], where=where), worker=bool(entry.get("worker")),
            requires=_compile(entry["requires"], where=where) if entry.get("requires") else None,
            value_unit=entry.get("value")))
    code_regex: dict[str, re.Pattern[str]] = {}
    for code, items in patterns.items():
        if items:
            joined = "|".join(f"(?P<p{i}>{p.regex.pattern})" for i, p in enumerate(items))
            joined = re.sub(r"\(\?P<value>", "(?:", joined)
            code_regex[code] = _compile(joined, where=f"{demands.name} ({code})")
    cue = _read_toml(cues)
    neg = cue["negation"]
    reassurance = {code: _compile(p, where=f"{cues.name} reassurance.{code}")
                   for code, p in neg.get("reassurance", {}).items()}
    distractors = {code: _compile(p, where=f"{cues.name} distractors.{code}")
                   for code, p in cue.get("distractors", {}).items()}
    optional_only = distractors.pop("_all", None)
    index: dict[str, set[str]] = {}
    keyed = [(f"{code}#{i}", p.regex.pattern) for code, items in patterns.items()
             for i, p in enumerate(items)]
    keyed += [(f"!{code}", p.pattern) for code, p in reassurance.items()]
    for hint, words in _FIELD_HINT_KEYS.items():
        for key in words.split():
            index.setdefault(key[:-1] + " " if key.endswith("=") else key, set()).add(hint)
    for code, pattern in keyed:
        try:
            keys = _pattern_keys(pattern)
        except _Unbounded as exc:
            raise ConfigError(f"Patroon voor {code} kan overal beginnen; begin het met een "
                              f"woord of getal: {str(exc)[:60]}") from exc
        for key in keys:
            index.setdefault(key, set()).add(code)
    return RuleBook(
        patterns=patterns, code_regex=code_regex,
        index={key: frozenset(codes) for key, codes in index.items()},
        sections=[(kind, _compile(p, where=f"{cues.name} sections.{kind}"))
                  for kind, p in cue["sections"].items()],
        worker=_compile(cue["worker"]["address"], where=f"{cues.name} worker"),
        apply_sentence=_compile(cue["worker"]["apply_sentence"], where=f"{cues.name} worker"),
        benefit_sentence=_compile(cue["worker"]["benefit_sentence"], where=f"{cues.name} worker"),
        benefit_exempt=frozenset(cue["worker"]["benefit_exempt"]),
        company_sentence=_compile(cue["worker"]["company_sentence"], where=f"{cues.name} worker"),
        company_recruits=_compile(cue["worker"]["company_recruits"], where=f"{cues.name} worker"),
        company_codes=frozenset(cue["worker"]["company_codes"]),
        negation_words=frozenset(neg["before"]), negation_window=int(neg["window"]),
        clause_break=frozenset(neg["clause_break"]),
        not_negating=_compile(neg["not_negating"], where=f"{cues.name} not_negating"),
        negation_after=_compile(neg["after"], where=f"{cues.name} after"),
        reassurance=reassurance, distractors=distractors, optional_only=optional_only,
        screen_terms=_compile(cue["screen_work"]["terms"], where=f"{cues.name} screen_work"),
        screen_min=int(cue["screen_work"]["min_distinct"]),
        not_screen_titles=_compile(cue["screen_work"]["not_screen_titles"],
                                   where=f"{cues.name} screen_work"),
        fields=_compile_fields(_read_toml(fields), where=fields.name),
        title_kb=title_kb)


def _compile_fields(raw: dict[str, Any], *, where: str) -> dict[str, Any]:
    def walk(node: Any, path: str) -> Any:
        if isinstance(node, dict):
            return {k: walk(v, f"{path}.{k}") for k, v in node.items()}
        if isinstance(node, str):
            return _compile(node, where=f"{where} {path}")
        return node
    compiled = walk(raw, "")
    compiled["language"] = raw["language"]
    return compiled


# --------------------------------------------------------------------------- index

_KEY = 8
_DIGITS = frozenset("0123456789")
# Words too common to select sentences by: a pattern that starts with one is keyed by
# the word after it.
_COMMON = frozenset("""
je jij u de het een in op te aan met van bij en of is at on the a to as als naar door
voor om tot ook er zijn ben bent we wij you your dat die niet geen no not ons onze jouw
uw mee af s ma zo ben bent ca max min all alle onder binnen toe dag werkt werken werk
staat sta up per hele veel ad zich kan kun wel goede eigen snel tussen is kunnen elke
iedere
""".split())  # noqa: SIM905


def _common(word: str) -> bool:
    return word in _COMMON or word.isdigit()


class _Unbounded(Exception):
    """A pattern that can start anywhere: it cannot be indexed by word prefixes."""


def _pattern_keys(pattern: str) -> set[str]:
    """Every word prefix (up to eight letters) a match of the pattern can start with.

    Lets the extractor run a demand's patterns only on sentences with a word
    that could start a match, which is what makes extraction fast.
    """
    from re import _constants as sre  # type: ignore[attr-defined]
    from re import _parser as sre_parse  # type: ignore[attr-defined]

    def chars_of(items: Any) -> set[str]:
        chars: set[str] = set()
        for op, arg in items:
            if op is sre.LITERAL:
                chars.add(chr(arg).lower())
            elif op is sre.RANGE and arg[1] - arg[0] <= 12:
                chars |= {chr(c).lower() for c in range(arg[0], arg[1] + 1)}
            elif op is sre.CATEGORY and arg is sre.CATEGORY_DIGIT:
                chars |= _DIGITS
            elif op is sre.CATEGORY and arg is sre.CATEGORY_SPACE:
                chars.add(" ")
            else:
                raise _Unbounded(pattern)
        return chars

    def walk(items: list[Any], acc: str, out: set[str]) -> None:
        if not items or len(acc) >= _KEY and not _common(acc):
            out.add(acc)
            return
        op, arg = items[0]
        rest = items[1:]
        if op in (sre.LITERAL, sre.IN):
            try:
                chars = {chr(arg).lower()} if op is sre.LITERAL else chars_of(arg)
            except _Unbounded:
                if not acc:
                    raise
                out.add(acc)
                return
            for ch in chars:
                if ch.isalnum() or ch == "_":
                    if len(acc) < _KEY or _common(acc):
                        walk(rest, acc + ch, out)
                    else:
                        out.add(acc[:_KEY])
                elif _common(acc) and not (acc.isdigit() and ch in ":."):
                    after: set[str] = set()
                    try:
                        walk(rest, "", after)
                    except _Unbounded:
                        after = {acc + " "}
                    out |= {acc + " "} if "" in after else after
                elif acc:
                    out.add(acc + " ")  # the whole word
                else:
                    walk(rest, acc, out)
        elif op is sre.AT and acc and not _common(acc) and arg is sre.AT_BOUNDARY:
            out.add(acc + " ")  # the word ends here
        elif op in (sre.AT, sre.ASSERT, sre.ASSERT_NOT):
            walk(rest, acc, out)
        elif op is sre.SUBPATTERN:
            walk(list(arg[-1]) + rest, acc, out)
        elif op is sre.BRANCH:
            for branch in arg[1]:
                walk(list(branch) + rest, acc, out)
        elif op in (sre.MAX_REPEAT, sre.MIN_REPEAT):
            low, high, item = arg
            if low == 0:
                walk(rest, acc, out)
            if high != 0:
                walk(list(item) + rest, acc, out)
        elif acc:
            out.add(acc)
        else:
            raise _Unbounded(pattern)

    keys: set[str] = set()
    walk(list(sre_parse.parse(pattern, re.IGNORECASE)), "", keys)
    if "" in keys or " " in keys:
        raise _Unbounded(pattern)
    return keys


_WORDS = re.compile(r"\w+")
# Words that make a sentence worth reading for the fields (prefix keys as above; a key
# ending in "=" must be the whole word).
_FIELD_HINT_KEYS = {
    "#hours": "0 1 2 3 4 5 6 7 8 9 full voltijd part deeltijd dagen",
    "#education": "mbo hbo wo= opleidin niveau diploma bachelor master universi academis havo "
                  "vwo vmbo graduaat onderwij degree msc phd pabo studie student lbo mavo "
                  "basissch secundai startkwa vakdiplo",
    "#experience": "ervaring werkerva experien jaar jaren year",
    "#licence": "rijbewij licen",
}


def _codes_in(text: str, index: dict[str, frozenset[str]]) -> set[str]:
    """The demand codes (and '!code' reassurances) whose patterns could match in the text.

    A key ending in a space must be the whole word; other keys are word prefixes.
    """
    codes: set[str] = set()
    cache = _WORD_CODES.setdefault(id(index), {})
    for word in set(_WORDS.findall(text.lower())):
        found = cache.get(word)
        if found is None:
            keys: set[str] = set(index.get(word + " ", ()))
            for size in range(min(len(word), _KEY), 0, -1):
                keys |= index.get(word[:size], frozenset())
            found = frozenset(keys)
            if len(cache) < 500_000:
                cache[word] = found
        if found:
            codes |= found
    return codes


_WORD_CODES: dict[int, dict[str, frozenset[str]]] = {}


# --------------------------------------------------------------------------- segments


@dataclass
class Segment:
    """A sentence or bullet of the vacancy, where it stands and under which heading.

    Whether it addresses the worker, and whether it is about applying, is
    settled only for the sentences that need it (`settle`), to stay fast.
    """

    text: str
    source: str  # "title" or "description"
    start: int  # offset in its source
    section: str
    bullet: bool
    line: str = ""
    worker: bool = True
    settled: bool = False
    hints: frozenset[str] = frozenset()

    def settle(self, rules: RuleBook) -> Segment:
        if not self.settled:
            self.settled = True
            if self.source != "title":
                self.worker = bool(rules.worker.search(self.text)) or (
                    self.section == "intro" and bool(rules.worker.search(self.line)))
                low = self.text.lower()
                if any(stem in low for stem in _APPLY_STEMS) and \
                        rules.apply_sentence.search(self.text):
                    self.section = "apply"
        return self


# Every apply_sentence cue contains one of these (a cheap check before the pattern).
_APPLY_STEMS = ("sollicit", "woord", "contact", "informatie", "vermeld", "motivatie", "cv",
                "bureau", "reageer", "reageren", "assessment", "screening", "vog",
                "verklaring", "acquisitie", "ongevraagd", "vragen over", "sluitingsdatum",
                "gesprek", "vacature", "uiterlijk")


def _heading_kind(line: str, rules: RuleBook) -> str | None:
    """The section kind a line opens, or None when the line is not a heading."""
    raw = line.strip()
    if not raw or len(raw) > 80 or _BULLET.match(raw) and not raw.startswith("**"):
        return None
    plain = _MARKUP.sub("", raw).replace("\\", "").strip().rstrip(":?!").strip()
    if not plain or len(plain.split()) > 9:
        return None
    marked = raw.startswith(("**", "#", "__")) or raw.endswith((":", "?", ":**", "?**"))
    lowered = plain.lower()
    for kind, regex in rules.sections:
        if regex.search(lowered) and (marked or len(plain.split()) <= 5):
            return kind
    if marked and not re.search(r"[.!]\s*\S", plain) and len(plain.split()) <= 7:
        return "other"
    return None


_ABBREVIATION = re.compile(
    r"(?:\b(?:min|max|ca|o\.a|bijv|incl|excl|o\.b\.v|m\.b\.t|nr|tel|evt|resp|vs|etc|dhr|"
    r"mevr|drs|ing|ir|dr|prof|st|i\.v\.m|z\.s\.m|e\.d|o\.m|m\.u\.v|t\.a\.v|p\.p|ma|di|wo|do|vr|za|zo)"
    r"|\b[a-z])\.\s*$", re.IGNORECASE)


def _split_sentences(line: str) -> list[str]:
    """Sentences of one line; no split after an abbreviation such as "min." or "o.a."."""
    if ". " not in line and "? " not in line and "! " not in line and ".\t" not in line:
        return [line]
    pieces: list[str] = []
    begin = 0
    for boundary in _SENTENCE_END.finditer(line):
        if _ABBREVIATION.search(line, max(begin, boundary.start() - 8), boundary.start()):
            continue
        pieces.append(line[begin:boundary.start()])
        begin = boundary.end()
    pieces.append(line[begin:])
    return pieces


def segment(title: str, description: str, rules: RuleBook) -> list[Segment]:
    """Cut a vacancy into sentences with their section; the title is the first segment."""
    segments = [Segment(text=title, source="title", start=0, section="title",
                        bullet=False, settled=True)] if title.strip() else []
    section = "intro"
    offset = 0
    for line in description.splitlines(keepends=True):
        line_start = offset
        offset += len(line)
        if not line.strip():
            continue
        kind = _heading_kind(line, rules)
        if kind is not None:
            section = kind
            continue
        bullet = bool(_BULLET.match(line))
        position = 0
        for piece in _split_sentences(line):
            found = line.find(piece, position)
            position = found + len(piece)
            text = piece.strip()
            if len(text) < 2:
                continue
            start = line_start + found + piece.find(text)
            segments.append(Segment(text=text, source="description", start=start,
                                    section=section, bullet=bullet, line=line))
    return segments


def detect_language(text: str, rules: RuleBook) -> str:
    """'en' for an English posting, else 'nl' (the market's language)."""
    counts = Counter(_WORD.findall(text[:1500].lower()))
    en = sum(counts[w] for w in rules.fields["language"]["english"])
    nl = sum(counts[w] for w in rules.fields["language"]["dutch"])
    return "en" if en > 1.3 * nl and en >= 5 else "nl"


# --------------------------------------------------------------------------- component


@dataclass
class _Candidate:
    code: str
    certainty: str
    rank: tuple[int, ...]
    evidence: str
    value: float | None = None
    unit: str | None = None


@dataclass
class _Reading:
    """What the component knows of one vacancy while it reads it."""

    title: str
    description: str
    segments: list[Segment]
    doc_starts: list[int] = field(default_factory=list)
    doc_segments: list[Segment] = field(default_factory=list)
    doc_codes: list[set[str]] = field(default_factory=list)
    negated: set[str] = field(default_factory=set)
    doc_text: str | None = None


# "als <beroep>" in a task sentence names the job; not in experience or growth wording.
_ROLE = re.compile(r"(?:^|\s)[Aa]ls\s+((?:[\w\\&/-]+\s?){1,3})")
_ROLE_CONTEXT_NOT = re.compile(
    r"ervaring|doorgroei|groeien|doorstromen|opleiding|stage|gezocht|zoeken|zoekt|vacature|"
    r"sollicit|zoals|net als|evenals|zowel als|alsof",
    re.IGNORECASE)
_ROLE_NOT_A_NAME = re.compile(
    r"(?:je|jij|u|het|er|de|een|we|wij|dat|die|deze|dit|zij|hij|ze|jouw|onze|ons|"
    r"geen|nodig|mogelijk|volgt|gevolg)\b", re.IGNORECASE)
_MAYBE_OPTIONAL = re.compile(r"pr[eé]|plus|voorkeur|aanbeveling|nice", re.IGNORECASE)


@dataclass(frozen=True)
class _Sentence:
    start: int  # first token
    start_char: int
    end_char: int
    text: str


class _Tokens:
    """Token offsets, lower-case ids and sentence starts of a doc, read as arrays (fast)."""

    def __init__(self, doc: Doc) -> None:
        if len(doc):
            table = doc.to_array(["IDX", "LOWER", "LENGTH", "SENT_START"])
            self.idx = table[:, 0].tolist()
            self.lower = table[:, 1].tolist()
            self.length = table[:, 2].tolist()
            self.starts = [0] + [int(i) for i in numpy.flatnonzero(table[:, 3] == 1) if i]
        else:
            self.idx, self.lower, self.length, self.starts = [], [], [], []

    def sentences(self, text: str) -> Iterator[_Sentence]:
        count = len(self.idx)
        for k, first in enumerate(self.starts):
            last = (self.starts[k + 1] if k + 1 < len(self.starts) else count) - 1
            begin, end = self.idx[first], self.idx[last] + self.length[last]
            yield _Sentence(start=first, start_char=begin, end_char=end, text=text[begin:end])


class RequirementsComponent:
    """The spaCy component: reads `doc.user_data['vacancy']`, sets `doc._.requirements`."""

    def __init__(self, nlp: Language, name: str, rules: RuleBook) -> None:
        self.name = name
        self.rules = rules
        strings = nlp.vocab.strings
        self.negation_ids = frozenset(strings.add(w) for w in rules.negation_words)
        self.clause_break_ids = frozenset(strings.add(w) for w in rules.clause_break)
        # sentence-wide cues (distractors, benefit and blurb lines) of the doc being read
        self._sentence_flags: dict[tuple[int, str], bool] = {}

    # The pipeline's make_doc for a vacancy: only sentences with a cue are tokenised.
    def make_doc(self, nlp: Language, *, title: str, description: str) -> Doc:
        return self._doc(nlp, _Reading(title=title, description=description,
                                       segments=segment(title, description, self.rules)))

    def _doc(self, nlp: Language, reading: _Reading) -> Doc:
        parts: list[str] = []
        position = 0
        rules = self.rules
        for seg in reading.segments:
            codes: set[str] = set()
            keys = _codes_in(seg.text, rules.index)
            seg.hints = frozenset(k for k in keys if k[0] == "#")
            for key in keys:
                if key[0] == "#":
                    continue
                if key[0] == "!":
                    if rules.reassurance[key[1:]].search(seg.text):
                        reading.negated.add(key[1:])
                    continue
                code, number = key.split("#")
                if code not in codes and rules.patterns[code][int(number)].regex.search(
                        seg.text):
                    codes.add(code)
            if not codes and seg.source != "title":
                continue
            seg.settle(rules)
            reading.doc_starts.append(position)
            reading.doc_segments.append(seg)
            reading.doc_codes.append(codes)
            clean = seg.text.replace("\\", " ")
            parts.append(clean)
            position += len(clean) + 2
        reading.doc_text = "\n\n".join(parts)
        doc = nlp.make_doc(reading.doc_text)
        if len(doc):
            idx = doc.to_array("IDX")
            for i in numpy.searchsorted(idx, reading.doc_starts):
                if i < len(doc) and idx[i] in reading.doc_starts:
                    doc[int(i)].is_sent_start = True
        doc.user_data["vacancy"] = reading
        return doc

    def __call__(self, doc: Doc) -> Doc:
        reading = doc.user_data.get("vacancy")
        if reading is None:  # a plain nlp(text): read the text as a description
            reading = _Reading(title="", description=doc.text,
                               segments=segment("", doc.text, self.rules))
            for seg in reading.segments:
                seg.settle(self.rules)
                seg.hints = frozenset(_FIELD_HINT_KEYS)
                reading.doc_starts.append(seg.start)
                reading.doc_segments.append(seg)
                reading.doc_codes.append(set(self.rules.code_regex))  # every code
        doc._.requirements = self.read(doc, reading)
        return doc

    # ------------------------------------------------------------------ reading
    def read(self, doc: Doc, reading: _Reading) -> Requirements:
        rules = self.rules
        self._sentence_flags.clear()
        language = detect_language(reading.description or reading.title, rules)
        negated = set(reading.negated)
        doc_text = reading.doc_text if reading.doc_text is not None else doc.text
        tokens = _Tokens(doc)
        candidates: dict[str, list[_Candidate]] = {}
        for sent in tokens.sentences(doc_text):
            text = sent.text
            lead = sent.start_char + len(text) - len(text.lstrip())
            seg_index = bisect_right(reading.doc_starts, lead) - 1
            if seg_index < 0:
                continue
            seg = reading.doc_segments[seg_index]
            for code in reading.doc_codes[seg_index]:
                items = rules.patterns[code]
                for match in rules.code_regex[code].finditer(text):
                    pattern = items[int(next(k for k, v in match.groupdict().items()
                                             if v is not None and k.startswith("p"))[1:])]
                    verdict = self._judge(tokens, doc_text, sent, match, pattern, seg)
                    if verdict == "negated":
                        negated.add(code)
                    elif verdict == "ok":
                        candidates.setdefault(code, []).append(self._candidate(
                            pattern, match, sent, seg, reading.doc_starts[seg_index]))
        demands: list[Demand] = []
        occupations = match_titles(reading.title, path=rules.title_kb) if reading.title else []
        roles = self._roles_in_text(reading)
        for code in DEMAND_CODES:
            found = candidates.get(code, [])
            explicit = [c for c in found if c.certainty == "explicit"]
            pool = explicit or ([] if code in negated else found)
            best = min(pool, key=lambda c: c.rank) if pool else None
            if best is None and code not in negated:
                best = self._from_title(code, occupations, reading)
            if best is None and code not in negated:
                best = roles.get(code)
            if best is None and code == "beeldscherm" and code not in negated:
                best = self._screen_work(reading, occupations)
            if best is None:
                continue
            if code == "tillen" and best.value is None:
                weighed = [c for c in pool if c.value is not None]
                if weighed:
                    best = min(weighed, key=lambda c: c.rank)
            demands.append(Demand(code=code, certainty=best.certainty,  # type: ignore[arg-type]
                                  evidence=best.evidence, value=best.value, unit=best.unit))
        fields = self._fields(reading)
        return Requirements(demands=demands, language=language, **fields)

    def _sentence_is(self, kind: str, sent: _Sentence, regex: re.Pattern[str]) -> bool:
        """Whether a sentence-wide cue holds, asked once per sentence of the doc being read."""
        key = (sent.start_char, kind)
        found = self._sentence_flags.get(key)
        if found is None:
            found = self._sentence_flags[key] = regex.search(sent.text) is not None
        return found

    def _judge(self, tokens: _Tokens, doc_text: str, sent: _Sentence, match: re.Match[str],
               pattern: DemandPattern, seg: Segment) -> str:
        """'ok' for a demand, 'negated' for a negated cue, 'skip' for a cue out of place."""
        rules = self.rules
        text = sent.text
        start = sent.start_char + match.start()
        # a negation before the cue, inside its clause, or a cancelling phrase after it
        first = bisect_right(tokens.idx, start) - 1
        for i in range(first, max(sent.start, first - rules.negation_window) - 1, -1):
            lower = tokens.lower[i]
            if i != first and lower in self.clause_break_ids:
                break
            if lower in self.negation_ids and not rules.not_negating.match(
                    doc_text, tokens.idx[i]):
                return "negated"
        if rules.negation_after.match(text, match.end()):
            return "negated"
        if seg.section in NO_DEMAND_SECTIONS:
            return "skip"
        if seg.section in ("intro", "team") and not seg.worker:
            return "skip"
        if pattern.worker and seg.section == "other" and not seg.worker and not seg.bullet:
            return "skip"
        if pattern.requires is not None and not pattern.requires.search(text):
            return "skip"
        distractor = rules.distractors.get(pattern.code)
        if distractor is not None and self._sentence_is(f"!{pattern.code}", sent, distractor):
            return "skip"
        # a line about pay, leave or perks offers something; it asks nothing of the worker
        if pattern.code not in rules.benefit_exempt and self._sentence_is(
                "benefit", sent, rules.benefit_sentence):
            return "skip"
        # the employer speaking of itself ("Wij leveren ... aan onze klanten"), not of the job
        if pattern.code in rules.company_codes and self._sentence_is(
                "company", sent, rules.company_sentence) and not self._sentence_is(
                "worker", sent, rules.worker) and not rules.company_recruits.search(text):
            return "skip"
        if rules.optional_only is not None and _MAYBE_OPTIONAL.search(text) and any(
                m.start() <= match.start() < m.end()
                for m in rules.optional_only.finditer(text)):
            return "skip"
        return "ok"

    def _candidate(self, pattern: DemandPattern, match: re.Match[str], sent: _Sentence,
                   seg: Segment, doc_start: int) -> _Candidate:
        # The evidence is the sentence as it stands in the original text.
        begin = sent.start_char - doc_start
        end = min(sent.end_char - doc_start, len(seg.text))
        evidence = seg.text[max(begin, 0):end].strip(_EVIDENCE_STRIP) or seg.text
        value = unit = None
        if pattern.value_unit:
            number = re.search(r"\d{1,3}(?:[.,]\d)?", match.group())
            if number:
                amount = float(number.group().replace(",", "."))
                if 1 <= amount <= 80:
                    value, unit = amount, pattern.value_unit
        rank = (0 if pattern.certainty == "explicit" else 1, 0 if value is not None else 1,
                SECTION_RANK.get(seg.section, 2), 0 if seg.worker else 1, seg.start)
        return _Candidate(code=pattern.code, certainty=pattern.certainty, rank=rank,
                          evidence=evidence, value=value, unit=unit)

    def _from_title(self, code: str, occupations: list[Occupation],
                    reading: _Reading) -> _Candidate | None:
        """The title's occupation as an implied demand; a leader's title counts as leading."""
        leader = next((o for o in occupations if o.name == "leidinggevende"), None)
        if leader is not None and not re.search(r"meewerkend", reading.title, re.IGNORECASE):
            occupation: Occupation | None = leader
        else:
            occupation = occupations[0] if occupations else None
        if occupation is None or code not in occupation.demands:
            return None
        evidence = reading.title.strip(_EVIDENCE_STRIP) or reading.title
        return _Candidate(code=code, certainty="implied", rank=(2,), evidence=evidence)

    def _roles_in_text(self, reading: _Reading) -> dict[str, _Candidate]:
        """Implied loads of the occupation a task sentence names ("werk je mee als grondwerker")."""
        found: dict[str, _Candidate] = {}
        for seg in reading.segments:
            text = seg.text
            if seg.source == "title" or "als " not in text and "Als " not in text:
                continue
            if seg.section not in ("tasks", "intro", "team", "other"):
                continue
            seg.settle(self.rules)
            if seg.section not in ("tasks", "intro", "team", "other") or not seg.worker:
                continue
            if not self.rules.worker.search(text):  # "een sterke positie als toezichthouder"
                continue
            if _ROLE_CONTEXT_NOT.search(seg.text):
                continue
            for m in _ROLE.finditer(seg.text):
                if _ROLE_NOT_A_NAME.match(m.group(1)):
                    continue
                occupation = match_titles(m.group(1), path=self.rules.title_kb)
                if not occupation or occupation[0].name == "leidinggevende" and \
                        not re.search(r"supervisor|leidinggevende|teamleider|voorman",
                                      m.group(1), re.IGNORECASE):
                    continue
                evidence = seg.text.strip(_EVIDENCE_STRIP) or seg.text
                for code in occupation[0].demands:
                    found.setdefault(code, _Candidate(code=code, certainty="implied",
                                                      rank=(2,), evidence=evidence))
        return found

    def _screen_work(self, reading: _Reading,
                     occupations: list[Occupation]) -> _Candidate | None:
        rules = self.rules
        if occupations or rules.not_screen_titles.search(reading.title):
            return None
        terms: set[str] = set()
        first: Segment | None = None
        for seg in reading.segments:
            if seg.section in NO_DEMAND_SECTIONS or seg.section == "title":
                continue
            seg.settle(rules)
            if seg.section in NO_DEMAND_SECTIONS or seg.section in ("intro", "team") and \
                    not seg.worker:
                continue
            hits = {m.group().lower() for m in rules.screen_terms.finditer(seg.text)}
            if hits and first is None and seg.section in ("tasks", "intro", "other"):
                first = seg
            terms |= hits
        if len(terms) < rules.screen_min:
            return None
        chosen = first or reading.segments[0]
        return _Candidate(code="beeldscherm", certainty="implied", rank=(2,),
                          evidence=chosen.text.strip(_EVIDENCE_STRIP) or chosen.text)

    # ------------------------------------------------------------------ fields
    def _fields(self, reading: _Reading) -> dict[str, Any]:
        fields = self.rules.fields
        def asked(hint: str) -> list[Segment]:
            found = [s.settle(self.rules) for s in reading.segments if hint in s.hints]
            return [s for s in found if s.section not in FIELD_SECTIONS_EXCLUDED]

        return {
            "hours_per_week": read_hours([
                s for s in reading.segments if "#hours" in s.hints], fields["hours"],
                fields["hours_extra"]["days_excluded"]),
            "education_level": read_education(asked("#education"), fields["education"]),
            "driving_licences": read_licences(asked("#licence"), fields["licences"]),
            "experience_years": read_experience(asked("#experience"), fields["experience"]),
        }


# --------------------------------------------------------------------------- fields


def _number(text: str) -> float:
    text = text.strip().lower()
    if text in _NUMBER_WORDS:
        return float(_NUMBER_WORDS[text])
    return float(text.replace(",", "."))


def _clause_around(text: str, start: int, end: int) -> str:
    left = max(text.rfind(c, 0, start) for c in ";,(.") + 1
    rights = [i for i in (text.find(c, end) for c in ";,)") if i != -1]
    right = min(rights) if rights else len(text)
    return text[left:right]


def _optional(text: str, start: int, end: int, rules: dict[str, Any]) -> bool:
    """A mention that is only preferred ("een pré", "bij voorkeur") or offered, not required."""
    left = max(text.rfind(c, 0, start) for c in ";(.,") + 1
    rights = [i for i in (text.find(c, end) for c in ";.") if i != -1]
    right = min(rights) if rights else len(text)
    comma = text.find(",", end, right)
    after = text[end:comma if comma != -1 else right]
    return bool(rules["optional_before"].search(text[left:start])
                or rules["optional_after"].search(after))


_HOURS_SKIP_AFTER = re.compile(
    r"^\s*(?:per|p/|a|in de|/)\s*(?:dag|dienst|nacht|shift|day|maand|jaar|rit|keer)\b"
    r"|^\s*(?:reistijd|rijden|onderweg|opleiding|training|cursus|scholing|bereikbaar|service)",
    re.IGNORECASE)
_HOURS_SKIP_BEFORE = re.compile(r"(?:binnen|within|na|after|uiterlijk|ruim)\s*$", re.IGNORECASE)


_HOUR_WORDS = ("uur", "uren", "hour", "hrs", "u/", "u ", "u)", "u,", "u.", "urig", "h/", "h ")
_FULLTIME_WORDS = ("full", "voltijd", "part", "deeltijd")


@cache
def _hour_patterns(number: str, unit: str, joiner: str) -> tuple[re.Pattern[str], ...]:
    mention = re.compile(
        rf"(?P<a>{number})(?:\s*(?:uur|u)?{joiner}(?P<b>{number}))?\s*[- ]?{unit}", re.IGNORECASE)
    after_label = re.compile(
        rf"(?:aantal (?:uur|uren)|uren per week|uur per week|hours per week|werkuren)\s*:?\s*"
        rf"(?P<a>{number})(?:{joiner}(?P<b>{number}))?\b(?!\s*(?:%|euro|€|,-))", re.IGNORECASE)
    return mention, after_label


def read_hours(segments: list[Segment], rules: dict[str, Any],
               days_excluded: re.Pattern[str]) -> HoursRange | None:
    """The weekly hours of the job, by CONTRACTS §2 (fte, days and fulltime included)."""
    mention, after_label = _hour_patterns(rules["number"].pattern, rules["unit"].pattern,
                                          rules["range_joiner"].pattern)
    hours: list[tuple[float, float | None]] = []
    days: list[tuple[float, float | None]] = []
    ftes: list[tuple[float, float | None]] = []
    fulltime = False
    only_alternatives = False
    basis: list[float] = []  # the full-time week a salary is based on ("o.b.v. 40 uur")
    for seg in segments:
        text = seg.text.replace("\\", "")
        lowered = text.lower()
        has_fte = "fte" in lowered
        has_hours = any(unit in lowered + " " for unit in _HOUR_WORDS)
        has_days = "dag" in lowered
        has_fulltime = any(word in lowered for word in _FULLTIME_WORDS)
        if not (has_fte or has_hours or has_days or has_fulltime):
            continue
        for m in rules["fte"].finditer(text) if has_fte else ():
            if rules["salary_basis"].search(lowered[max(0, m.start() - 30):m.start()]):
                continue
            lo = _number(m.group("fte"))
            hi = _number(m.group("fte2")) if m.group("fte2") else lo
            if not 0 < lo <= 1.0:
                continue
            if m.group("base"):
                full = float(m.group("base"))
                ftes.append((round(lo * full, 1), round(hi * full, 1)))
            else:
                ftes.append((round(lo * 36, 1), round(hi * 40, 1)))
        stripped = rules["fte"].sub(lambda m: " " * len(m.group()), text) \
            if "fte" in lowered else text
        for regex in (mention, after_label) if has_hours else ():
            for m in regex.finditer(stripped):
                before = stripped[max(0, m.start() - 40):m.start()]
                tail = stripped[m.end():m.end() + 30]
                if regex is mention and re.search(r"\d[:.]$|\du$", stripped[:m.start()]):
                    continue
                if regex is mention and re.match(r"[:.]\d", stripped[m.end("a"):]):
                    continue  # a clock time such as 22:00
                if rules["salary_basis"].search(before[-25:]) or rules["salary_basis"].search(
                        tail[:12]):
                    if not m.group("b") and 32 <= _number(m.group("a")) <= 40:
                        basis.append(_number(m.group("a")))
                    continue
                if _HOURS_SKIP_AFTER.search(tail) or _HOURS_SKIP_BEFORE.search(before):
                    continue
                if re.match(r"\d+u\s*[-–]\s*\d", stripped[m.start():]) or re.search(
                        r"\d+u\s*[-–]\s*$", before):
                    continue  # Flemish clock times "6u-14u"
                lo = _number(m.group("a"))
                upper = _number(m.group("b")) if m.group("b") else None
                if lo < 12 and not rules["per_week"].search(tail[:15]):
                    continue
                if not 4 <= lo <= 48 or (upper is not None and not lo <= upper <= 60):
                    continue
                if upper is None:
                    if rules["minimum"].search(before[-20:]):
                        hours.append((lo, None))
                        continue
                    upper = lo
                hours.append((lo, upper))
        for m in rules["days"].finditer(lowered) if has_days else ():
            if _HOURS_SKIP_BEFORE.search(lowered[max(0, m.start() - 12):m.start()]):
                continue
            if days_excluded.search(lowered[m.end():m.end() + 40]) or days_excluded.search(
                    lowered[max(0, m.start() - 25):m.start()]):
                continue
            a = m.group("d1") or m.group("d3") or m.group("d5")
            b = m.group("d2") or m.group("d4") or m.group("d6")
            lo = _number(a) * 8
            hi = _number(b) * 8 if b else lo
            if rules["minimum"].search(lowered[max(0, m.start() - 20):m.start()]):
                days.append((lo, None))
            else:
                days.append((lo, hi))
        if not has_fulltime:
            continue
        if rules["fulltime_alternatives"].search(lowered):
            only_alternatives = True
        elif rules["fulltime"].search(lowered) and not rules["salary_basis"].search(lowered):
            fulltime = True
    for found in (hours, days, ftes):
        if found:
            lo = min(f[0] for f in found)
            highs = [f[1] for f in found if f[1] is not None]
            upper_bound = max(highs) if highs else None
            if upper_bound is None and fulltime:
                upper_bound = 40.0
            if upper_bound is not None and upper_bound < lo:
                upper_bound = lo
            return HoursRange(min=lo, max=upper_bound)
    if fulltime and not only_alternatives:
        if len(set(basis)) == 1:
            return HoursRange(min=basis[0], max=basis[0])
        return HoursRange(min=36, max=40)
    return None


_EDU_CONTEXT = re.compile(
    r"opleiding|niveau|diploma|denkniveau|afgerond|achtergrond|afgestudeerd|degree|graduat|"
    r"studie|studenten|gediplomeerd|werk- en denk|heb je|je hebt|beschik|minimaal|bachelor|"
    r"master|hbo|mbo|vmbo|havo|vwo|universit|academisch|pabo|stage|intern|wo\b", re.IGNORECASE)
_EDU_FALSE = re.compile(
    r"scrum ?master|masterclass|master ?data|webmaster|quizmaster|toastmaster|"
    r"academisch (?:ziekenhuis|medisch|centrum)|\b(?:ma|di|wo|do|vr)\s*[-–]\s*(?:di|wo|do|vr|za)\b|"
    r"niveau \d+ (?:van|in) (?:het|de) (?:vca|taal)|taalniveau|\b[abc][12] niveau|niveau [abc][12]",
    re.IGNORECASE)


_LEVEL_REGEX: dict[int, re.Pattern[str]] = {}


def _levels_regex(key: int, levels: dict[str, re.Pattern[str]]) -> re.Pattern[str]:
    """All education levels in one pattern, each a named group (lowest levels last)."""
    if key not in _LEVEL_REGEX:
        _LEVEL_REGEX[key] = re.compile(
            "|".join(f"(?P<{level}>{regex.pattern})" for level, regex in levels.items()),
            re.IGNORECASE)
    return _LEVEL_REGEX[key]


def read_education(segments: list[Segment], rules: dict[str, Any]) -> str | None:
    """The lowest education level the vacancy requires, or None."""
    levels: list[int] = []
    for seg in segments:
        text = seg.text.replace("\\", "")
        if not _EDU_CONTEXT.search(text) and seg.section != "title":
            continue
        clean = _EDU_FALSE.sub(" ", text)
        for m in _levels_regex(id(rules), rules["levels"]).finditer(clean):
            level = m.lastgroup or ""
            if True:
                if level == "wo" and not re.search(r"opleiding|niveau|denk|hbo|master|"
                                                   r"diploma|afgerond|achtergrond|degree",
                                                   clean, re.IGNORECASE):
                    continue
                if _optional(clean, m.start(), m.end(), rules):
                    continue
                levels.append(EDUCATION_LEVELS.index(level))
    return EDUCATION_LEVELS[min(levels)] if levels else None


def read_licences(segments: list[Segment], rules: dict[str, Any]) -> list[str]:
    """The driving licences the vacancy requires (a pré is not required)."""
    found: set[str] = set()
    for seg in segments:
        text = seg.text.replace("\\", "")
        if "rijbewijs" not in text.lower() and "licen" not in text.lower():
            continue
        for m in rules["pattern"].finditer(text):
            clause = _clause_around(text, m.start(), m.end())
            if _optional(text, m.start(), m.end(), rules):
                continue
            group = m.group("after") or m.group("before")
            if group:
                parts = re.split(r"\s*(/|en|of|\+|,|and|or)\s*", group)
                names = [p.upper() for p in parts[::2] if p.upper() in DRIVING_LICENCES]
                joiners = set(parts[1::2])
                if joiners & {"/", "of", "or"}:
                    names = names[:1]
                found.update(names)
            elif m.group("bare") is not None and "licen" not in m.group().lower():
                tail = text[m.end():m.end() + 12]
                if re.match(r"\s*(?:[A-Z]{1,2}\d?E?\b|categorie)", tail):
                    continue
                if rules["bare_required"].search(clause):
                    found.add("B")
    return [lic for lic in DRIVING_LICENCES if lic in found]


def read_experience(segments: list[Segment], rules: dict[str, Any]) -> float | None:
    """Minimum years of experience asked (CONTRACTS §2 conventions), or None."""
    several = False
    required = False
    numbers: list[float] = []
    for seg in segments:
        text = seg.text.replace("\\", "")
        lowered = text.lower()
        for m in rules["years"].finditer(lowered):
            clause = _clause_around(lowered, m.start(), m.end())
            if not rules["years_context"].search(clause):
                continue
            if rules["optional"].search(clause) or re.search(
                    r"\b(oud|ouder|leeftijd|age|old|contract|garantie|bestaan)\b", clause):
                continue
            years = _number(m.group("n1"))
            if years <= 15:
                numbers.append(years)
        for clause in re.split(r"[;,.]", lowered):
            if rules["optional"].search(clause):
                continue
            if rules["several"].search(clause):
                several = True
            elif rules["required"].search(clause):
                required = True
    if numbers:
        return max(numbers)
    if several:
        return 2.0
    if required:
        return 1.0
    return None


# --------------------------------------------------------------------------- pipeline


@Language.factory(
    "requirements",
    default_config={
        "demands": "requirements/demands.jsonl",
        "cues": "requirements/cues.toml",
        "fields": "requirements/fields.toml",
        "title_kb": "requirements/occupations.json",
    },
)
def make_requirements(nlp: Language, name: str, demands: str, cues: str, fields: str,
                      title_kb: str) -> RequirementsComponent:
    """The `requirements` factory; data paths are relative to the config folder."""
    def resolve(path: str) -> Path:
        candidate = Path(path)
        return candidate if candidate.is_absolute() else CONFIG_DIR / candidate
    rules = load_rulebook(demands=resolve(demands), cues=resolve(cues),
                          fields=resolve(fields), title_kb=resolve(title_kb))
    return RequirementsComponent(nlp, name, rules)


@cache
def _build(config_path: Path) -> Language:
    try:
        config = spacy.util.load_config(config_path)
    except (OSError, ValueError) as exc:
        raise ConfigError(f"Pijplijnconfiguratie {config_path} is niet te lezen: {exc}") from exc
    nlp = spacy.util.load_model_from_config(config, auto_fill=True, validate=True)
    nlp.initialize()
    return nlp


def build_pipeline(config_path: Path | None = None) -> Language:
    """The requirement pipeline of `config/requirements.cfg` (built once, then cached)."""
    return _build((config_path or DEFAULT_CONFIG).resolve())


def _component(nlp: Language) -> RequirementsComponent:
    component = nlp.get_pipe("requirements")
    assert isinstance(component, RequirementsComponent)
    return component


def extract(*, title: str, description: str) -> Requirements:
    """What one vacancy demands (CONTRACTS §2)."""
    return next(extract_many([(title, description)]))


def extract_many(records: Iterable[tuple[str, str]], *,
                 batch_size: int = 64) -> Iterator[Requirements]:
    """Requirements for (title, description) pairs, in the same order."""
    nlp = build_pipeline()
    component = _component(nlp)
    docs = (component.make_doc(nlp, title=title or "", description=description or "")
            for title, description in records)
    for doc in nlp.pipe(docs, batch_size=batch_size):
        yield doc._.requirements
