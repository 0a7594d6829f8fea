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
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

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
SECTION_RANK: dict[str, int] = {"tasks": 0, "profile": 1, "other": 2, "intro": 2, "title": 3}
NO_DEMAND_SECTIONS = frozenset({"offer", "company", "apply"})
FIELD_SECTIONS_EXCLUDED = frozenset({"offer", "company", "apply"})

_BULLET = re.compile(r"^\s*(?:[*\-•·–—>]+|\d{1,2}[.)])\s+")
_MARKUP = re.compile(r"[*_#`]+")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9\"'“(])|(?<=[.!?])(?=[A-Z][a-z])")
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
    trigger: re.Pattern[str]
    sections: list[tuple[str, re.Pattern[str]]]
    worker: re.Pattern[str]
    apply_sentence: re.Pattern[str]
    negation_words: frozenset[str]
    negation_window: int
    clause_break: frozenset[str]
    not_negating: re.Pattern[str]
    negation_after: re.Pattern[str]
    reassurance: dict[str, re.Pattern[str]]
    distractors: dict[str, re.Pattern[str]]
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
    trigger_parts = [p.regex.pattern for items in patterns.values() for p in items]
    trigger_parts += [p.pattern for p in reassurance.values()]
    trigger_parts.append(cue["screen_work"]["terms"])
    trigger = _compile("|".join(f"(?:{re.sub(r'[(][?]P<value>', '(?:', p)})"
                                for p in trigger_parts), where=cues.name)
    return RuleBook(
        patterns=patterns, code_regex=code_regex, trigger=trigger,
        sections=[(kind, _compile(p, where=f"{cues.name} sections.{kind}"))
                  for kind, p in cue["sections"].items()],
        worker=_compile(cue["worker"]["address"], where=f"{cues.name} worker"),
        apply_sentence=_compile(cue["worker"]["apply_sentence"], where=f"{cues.name} worker"),
        negation_words=frozenset(neg["before"]), negation_window=int(neg["window"]),
        clause_break=frozenset(neg["clause_break"]),
        not_negating=_compile(neg["not_negating"], where=f"{cues.name} not_negating"),
        negation_after=_compile(neg["after"], where=f"{cues.name} after"),
        reassurance=reassurance, distractors=distractors,
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


# --------------------------------------------------------------------------- segments


@dataclass(frozen=True)
class Segment:
    """A sentence or bullet of the vacancy, where it stands and under which heading."""

    text: str
    source: str  # "title" or "description"
    start: int  # offset in its source
    section: str
    worker: bool
    bullet: bool


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
        if regex.search(lowered):
            if marked or len(plain.split()) <= 5:
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
    pieces: list[str] = []
    begin = 0
    for boundary in _SENTENCE_END.finditer(line):
        if _ABBREVIATION.search(line, begin, boundary.start()) and \
                _ABBREVIATION.search(line[begin:boundary.start()]):
            continue
        pieces.append(line[begin:boundary.start()])
        begin = boundary.end()
    pieces.append(line[begin:])
    return pieces


def segment(title: str, description: str, rules: RuleBook) -> list[Segment]:
    """Cut a vacancy into sentences with their section; the title is the first segment."""
    segments = [Segment(text=title, source="title", start=0, section="title",
                        worker=True, bullet=False)] if title.strip() else []
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
        paragraph_worker = bool(rules.worker.search(line))
        position = 0
        for piece in _split_sentences(line):
            found = line.find(piece, position)
            position = found + len(piece)
            text = piece.strip()
            if len(text) < 2:
                continue
            start = line_start + found + piece.find(text)
            worker = bool(rules.worker.search(text)) or (
                section == "intro" and paragraph_worker)
            kind = "apply" if rules.apply_sentence.search(text) else section
            segments.append(Segment(text=text, source="description", start=start,
                                    section=kind, worker=worker, bullet=bullet))
    return segments


def detect_language(text: str, rules: RuleBook) -> str:
    """'en' for an English posting, else 'nl' (the market's language)."""
    words = _WORD.findall(text[:3000].lower())
    english = set(rules.fields["language"]["english"])
    dutch = set(rules.fields["language"]["dutch"])
    en = sum(1 for w in words if w in english)
    nl = sum(1 for w in words if w in dutch)
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


class RequirementsComponent:
    """The spaCy component: reads `doc.user_data['vacancy']`, sets `doc._.requirements`."""

    def __init__(self, nlp: Language, name: str, rules: RuleBook) -> None:
        self.name = name
        self.rules = rules

    # The pipeline's make_doc for a vacancy: only sentences with a cue are tokenised.
    def make_doc(self, nlp: Language, *, title: str, description: str) -> Doc:
        segments = segment(title, description, self.rules)
        reading = _Reading(title=title, description=description, segments=segments)
        parts: list[str] = []
        position = 0
        for seg in segments:
            if seg.source != "title" and not self.rules.trigger.search(seg.text):
                continue
            reading.doc_starts.append(position)
            reading.doc_segments.append(seg)
            clean = seg.text.replace("\\", " ")
            parts.append(clean)
            position += len(clean) + 2
        doc = nlp.make_doc("\n\n".join(parts))
        starts = set(reading.doc_starts)
        for token in doc:
            if token.idx in starts:
                token.is_sent_start = True
        doc.user_data["vacancy"] = reading
        return doc

    def __call__(self, doc: Doc) -> Doc:
        reading = doc.user_data.get("vacancy")
        if reading is None:  # a plain nlp(text): the text is the description
            reading = _Reading(title="", description=doc.text,
                               segments=segment("", doc.text, self.rules))
            reading.doc_segments = reading.segments
            reading.doc_starts = [s.start for s in reading.segments]
        doc._.requirements = self.read(doc, reading)
        return doc

    # ------------------------------------------------------------------ reading
    def read(self, doc: Doc, reading: _Reading) -> Requirements:
        rules = self.rules
        language = detect_language(reading.description or reading.title, rules)
        negated: set[str] = set()
        for seg in reading.segments:
            for code, regex in rules.reassurance.items():
                if code not in negated and regex.search(seg.text):
                    negated.add(code)
        sentences = list(doc.sents)
        sent_starts = [s.start_char for s in sentences]
        token_starts = [t.idx for t in doc]
        candidates: dict[str, list[_Candidate]] = {}
        for code, regex in rules.code_regex.items():
            items = rules.patterns[code]
            for match in regex.finditer(doc.text):
                pattern = items[int(next(k for k, v in match.groupdict().items()
                                         if v is not None and k.startswith("p"))[1:])]
                sent = sentences[bisect_right(sent_starts, match.start()) - 1]
                seg_index = bisect_right(reading.doc_starts, sent.start_char) - 1
                if seg_index < 0:
                    continue
                seg = reading.doc_segments[seg_index]
                verdict = self._judge(doc, sent, match, pattern, seg, token_starts)
                if verdict == "negated":
                    negated.add(code)
                    continue
                if verdict != "ok":
                    continue
                candidates.setdefault(code, []).append(self._candidate(
                    pattern, match, sent, seg, reading.doc_starts[seg_index]))
        demands: list[Demand] = []
        occupations = match_titles(reading.title, path=rules.title_kb) if reading.title else []
        for code in DEMAND_CODES:
            found = candidates.get(code, [])
            explicit = [c for c in found if c.certainty == "explicit"]
            pool = explicit or ([] if code in negated else found)
            best = min(pool, key=lambda c: c.rank) if pool else None
            if best is None and code not in negated:
                best = self._from_title(code, occupations, reading)
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

    def _judge(self, doc: Doc, sent: Any, match: re.Match[str], pattern: DemandPattern,
               seg: Segment, token_starts: list[int]) -> str:
        rules = self.rules
        if seg.section in NO_DEMAND_SECTIONS:
            return "skip"
        if seg.section == "intro" and not seg.worker:
            return "skip"
        if pattern.worker and seg.section in ("other",) and not seg.worker and not seg.bullet:
            return "skip"
        text = sent.text
        distractor = rules.distractors.get(pattern.code)
        if distractor is not None and distractor.search(text):
            return "skip"
        if pattern.requires is not None and not pattern.requires.search(text):
            return "skip"
        # negation before the cue, inside its clause
        first = bisect_right(token_starts, match.start()) - 1
        for i in range(first - 1, max(sent.start, first - rules.negation_window) - 1, -1):
            token = doc[i]
            lower = token.lower_
            if lower in rules.clause_break:
                break
            if lower in rules.negation_words and not rules.not_negating.match(
                    doc.text, token.idx):
                return "negated"
        if first >= 0 and doc[first].lower_ in rules.negation_words and \
                not rules.not_negating.match(doc.text, doc[first].idx):
            return "negated"
        if rules.negation_after.search(doc.text[match.end():sent.end_char]):
            return "negated"
        return "ok"

    def _candidate(self, pattern: DemandPattern, match: re.Match[str], sent: Any,
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
        if not occupations or code not in occupations[0].demands and not any(
                o.name == "leidinggevende" and code in o.demands for o in occupations):
            return None
        evidence = reading.title.strip(_EVIDENCE_STRIP) or reading.title
        return _Candidate(code=code, certainty="implied", rank=(2,), evidence=evidence)

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
            if seg.section == "intro" and not seg.worker:
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
        segs = [s for s in reading.segments]
        required = [s for s in segs if s.section not in FIELD_SECTIONS_EXCLUDED]
        return {
            "hours_per_week": read_hours(segs, self.rules.fields["hours"],
                                         self.rules.fields["hours_extra"]["days_excluded"]),
            "education_level": read_education(required, self.rules.fields["education"]),
            "driving_licences": read_licences(required, self.rules.fields["licences"]),
            "experience_years": read_experience(required, self.rules.fields["experience"]),
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
    left = max(text.rfind(c, 0, start) for c in ";(.") + 1
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


def read_hours(segments: list[Segment], rules: dict[str, Any],
               days_excluded: re.Pattern[str]) -> HoursRange | None:
    """The weekly hours of the job, by CONTRACTS §2 (fte, days and fulltime included)."""
    number = rules["number"].pattern
    unit = rules["unit"].pattern
    joiner = rules["range_joiner"].pattern
    mention = re.compile(
        rf"(?P<a>{number})(?:\s*(?:uur|u)?{joiner}(?P<b>{number}))?\s*[- ]?{unit}", re.IGNORECASE)
    after_label = re.compile(
        rf"(?:aantal (?:uur|uren)|uren per week|uur per week|hours per week|werkuren)\s*:?\s*"
        rf"(?P<a>{number})(?:{joiner}(?P<b>{number}))?\b(?!\s*(?:%|euro|€|,-))", re.IGNORECASE)
    hours: list[tuple[float, float | None]] = []
    days: list[tuple[float, float | None]] = []
    ftes: list[tuple[float, float | None]] = []
    fulltime = False
    only_alternatives = False
    for seg in segments:
        text = seg.text.replace("\\", "")
        lowered = text.lower()
        for m in rules["fte"].finditer(text):
            if rules["salary_basis"].search(lowered[max(0, m.start() - 30):m.start()]):
                continue
            lo = _number(m.group("fte"))
            hi = _number(m.group("fte2")) if m.group("fte2") else lo
            base = re.match(r"\s*(?:van|o\.?b\.?v\.?|bij|op basis van)\s*(\d{2})\s*uur",
                            text[m.end():])
            if not 0 < lo <= 1.0:
                continue
            if base:
                full = float(base.group(1))
                ftes.append((round(lo * full, 1), round(hi * full, 1)))
            else:
                ftes.append((round(lo * 36, 1), round(hi * 40, 1)))
        stripped = rules["fte"].sub(lambda m: " " * len(m.group()), text)
        stripped = re.sub(r"\b(?:van|o\.?b\.?v\.?|bij)\s*\d{2}\s*uur\b(?=.*fte)|"
                          r"(?<=fte )(?:van|o\.?b\.?v\.?|bij)\s*\d{2}\s*uur",
                          lambda m: " " * len(m.group()), stripped)
        for regex in (mention, after_label):
            for m in regex.finditer(stripped):
                before = stripped[max(0, m.start() - 40):m.start()]
                tail = stripped[m.end():m.end() + 30]
                if regex is mention and re.search(r"\d[:.]$|\du$", stripped[:m.start()]):
                    continue
                if regex is mention and re.match(r"[:.]\d", stripped[m.end("a"):]):
                    continue  # a clock time such as 22:00
                if rules["salary_basis"].search(before[-25:]) or rules["salary_basis"].search(
                        tail[:12]):
                    continue
                if _HOURS_SKIP_AFTER.search(tail) or _HOURS_SKIP_BEFORE.search(before):
                    continue
                if re.match(r"\d+u\s*[-–]\s*\d", stripped[m.start():]) or re.search(
                        r"\d+u\s*[-–]\s*$", before):
                    continue  # Flemish clock times "6u-14u"
                lo = _number(m.group("a"))
                hi = _number(m.group("b")) if m.group("b") else None
                if lo < 12 and not rules["per_week"].search(tail[:15]):
                    continue
                if not 4 <= lo <= 48 or (hi is not None and not lo <= hi <= 60):
                    continue
                if hi is None:
                    if rules["minimum"].search(before[-20:]):
                        hours.append((lo, None))
                        continue
                    hi = lo
                hours.append((lo, hi))
        for m in rules["days"].finditer(lowered):
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
        if rules["fulltime_alternatives"].search(lowered):
            only_alternatives = True
        elif rules["fulltime"].search(lowered) and not rules["salary_basis"].search(lowered):
            fulltime = True
    for found in (hours, days, ftes):
        if found:
            lo = min(f[0] for f in found)
            highs = [f[1] for f in found if f[1] is not None]
            hi = max(highs) if highs else None
            if hi is None and fulltime:
                hi = 40.0
            if hi is not None and hi < lo:
                hi = lo
            return HoursRange(min=lo, max=hi)
    if fulltime and not only_alternatives:
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


def read_education(segments: list[Segment], rules: dict[str, Any]) -> str | None:
    """The lowest education level the vacancy requires, or None."""
    levels: list[int] = []
    for seg in segments:
        text = seg.text.replace("\\", "")
        if not _EDU_CONTEXT.search(text) and seg.section != "title":
            continue
        clean = _EDU_FALSE.sub(" ", text)
        for level, regex in rules["levels"].items():
            for m in regex.finditer(clean):
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
    for seg in segments:
        text = seg.text.replace("\\", "")
        lowered = text.lower()
        if "ervaring" not in lowered and "experience" not in lowered and \
                "jaar" not in lowered and "years" not in lowered:
            continue
        for m in rules["years"].finditer(lowered):
            clause = _clause_around(lowered, m.start(), m.end())
            if not rules["years_context"].search(clause):
                continue
            if rules["optional"].search(clause) or re.search(
                    r"\b(oud|ouder|leeftijd|age|old|contract|garantie|bestaan)\b", clause):
                continue
            years = _number(m.group("n1"))
            if years <= 15:
                return years
        for clause in re.split(r"[;,.]", lowered):
            if rules["optional"].search(clause):
                continue
            if rules["several"].search(clause):
                several = True
            elif rules["required"].search(clause):
                required = True
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
