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
  its occupation as implied demands, never against a negation in the text;
- work placed at a client ("aan de slag bij een van onze opdrachtgevers") is
  customer contact only for professional work (consultancy, secondment of
  professionals), not for operational work an agency places there.

Only sentences that contain a cue are tokenised, which keeps extraction fast;
so do a cache of each word's pattern keys and case-sensitive copies of the
patterns, matched on lower-cased text where that provably gives the same
matches (see _for_lowered).
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
from itertools import repeat
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
# the end mark and the space after it; the sentence ends after the mark (start + 1)
_SENTENCE_END = re.compile(r"[.!?]\s+(?=[A-Z0-9\"'“(])")
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
    # at most this many words between the cue and a `requires` match, in one clause
    near: int | None = None
    # the same pattern, case-sensitive, for lower-cased text (None when that differs)
    lowered: re.Pattern[str] | None = None


@dataclass(frozen=True)
class Placement:
    """When work placed at a client counts as customer contact (cues.toml [placement])."""

    professional_sectors: frozenset[str]
    operational_sectors: frozenset[str]
    professional_work: re.Pattern[str]
    professional_education: frozenset[str]


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
    personal: re.Pattern[str]  # the worker addressed in person (je, jij, u, you)
    company_personal_codes: frozenset[str]  # codes for which "we werken" is the employer
    competence_list: re.Pattern[str]  # a line that lists the competences asked (VDAB)
    negation_words: frozenset[str]
    negation_window: int
    clause_break: frozenset[str]
    clause_gap: re.Pattern[str]  # what may not stand between a cue and its `near` verb
    # ... nor, further than `beneficiary_near` words away, this ("voor de reiziger")
    beneficiary: re.Pattern[str]
    beneficiary_near: int
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
    placement: Placement
    key_words: re.Pattern[str]  # the words any key starts (see _key_regex)
    # key of a pattern ("code#i") or reassurance ("!code") -> its code and pattern (None)
    targets: dict[str, tuple[str, DemandPattern | None]]
    word_codes: dict[str, frozenset[str]] = field(default_factory=dict)  # word -> its keys
    # English and Dutch marker words -> how often each list names them
    language_words: tuple[dict[str, int], dict[str, int]] = ({}, {})


def _compile(pattern: str, *, where: str) -> re.Pattern[str]:
    try:
        return re.compile(pattern, re.IGNORECASE)
    except re.error as exc:
        raise ConfigError(f"Patroon in {where} is ongeldig: {exc}") from exc


# ------------------------------------------------------------------- case folding
# Python's re matches case-insensitively per position, which makes every alternative
# of a long alternation expensive. A pattern with only lower-case letters matches
# lower-cased text case-sensitively in the same places, about twice as fast, as long
# as the text has no characters with unusual case rules (the Kelvin sign, the long s,
# the dotted I...). Both sides are checked; otherwise the original pattern is used.

try:
    from _sre import unicode_tolower as _sre_lower
    from re._casefix import _EXTRA_CASES  # type: ignore[import-not-found]
    _EXTRA_CASE_CHARS = frozenset(_EXTRA_CASES) | {c for v in _EXTRA_CASES.values() for c in v}
except ImportError:  # another Python: every non-ASCII text takes the slow, sure way
    _sre_lower = None
    _EXTRA_CASE_CHARS = frozenset()


@cache
def _plain_char(ch: str) -> bool:
    """Whether a character matches case-insensitively exactly as its lower case does."""
    if ch.isascii():
        return True
    low = ch.lower()
    return (_sre_lower is not None and len(low) == 1 and ord(low) == _sre_lower(ord(ch))
            and ord(low) not in _EXTRA_CASE_CHARS and ch.isalnum() == low.isalnum()
            and ch.isdecimal() == low.isdecimal() and ch.isspace() == low.isspace())


def _plain_text(text: str) -> bool:
    """Whether lower-cased text may be matched case-sensitively (see _for_lowered)."""
    return text.isascii() or all(map(_plain_char, set(_NON_ASCII.findall(text))))


_NON_ASCII = re.compile(r"[^\x00-\x7f]")


def _for_lowered(regex: re.Pattern[str]) -> re.Pattern[str] | None:
    """The case-insensitive pattern as a case-sensitive one for lower-cased text, or None
    when the pattern names upper-case or unusual letters (then only the original holds).
    """
    from re import _constants as sre  # type: ignore[attr-defined]
    from re import _parser as sre_parse  # type: ignore[attr-defined]

    def letter_ok(code: int) -> bool:
        ch = chr(code)
        return ch == ch.lower() and _plain_char(ch)

    def ok(items: Any) -> bool:
        for op, arg in items:
            if op in (sre.LITERAL, sre.NOT_LITERAL):
                if not letter_ok(arg):
                    return False
            elif op is sre.IN:
                for kind, value in arg:
                    if kind is sre.LITERAL and not letter_ok(value):
                        return False
                    if kind is sre.RANGE and any(
                            chr(c).lower() != chr(c) or chr(c).upper() != chr(c)
                            for c in range(value[0], value[1] + 1)):
                        return False
                    if kind not in (sre.LITERAL, sre.RANGE, sre.CATEGORY, sre.NEGATE):
                        return False
            elif op is sre.SUBPATTERN:
                if arg[1] or arg[2] or not ok(arg[-1]):  # no inline flags
                    return False
            elif op is sre.BRANCH:
                if not all(ok(branch) for branch in arg[1]):
                    return False
            elif op in (sre.MAX_REPEAT, sre.MIN_REPEAT, sre.POSSESSIVE_REPEAT):
                if not ok(arg[2]):
                    return False
            elif op in (sre.ASSERT, sre.ASSERT_NOT):
                if not ok(arg[1]):
                    return False
            elif op is sre.ATOMIC_GROUP:
                if not ok(arg):
                    return False
            elif op not in (sre.ANY, sre.AT, sre.GROUPREF):
                return False
        return True

    if not regex.flags & re.IGNORECASE or _sre_lower is None:
        return None
    if not ok(sre_parse.parse(regex.pattern, regex.flags)):
        return None
    return re.compile(regex.pattern, regex.flags & ~re.IGNORECASE)


# id of a pattern -> the pattern (kept alive, so the id stays its own) and its fast form;
# by id because a compiled pattern hashes its whole program on every lookup
_PARENTHESIS = re.compile(r"\([^()]*\)")  # an aside: "producten (Workbench, Connect) bij"
_NOT_A_WORD = re.compile(r"[^\w\s'’-]")
_FAST: dict[int, tuple[re.Pattern[str], re.Pattern[str] | None]] = {}


def _fast(regex: re.Pattern[str]) -> re.Pattern[str] | None:
    entry = _FAST.get(id(regex))
    if entry is None or entry[0] is not regex:
        entry = _FAST[id(regex)] = (regex, _for_lowered(regex))
    return entry[1]


def _search(regex: re.Pattern[str], text: str, lowered: str | None) -> re.Match[str] | None:
    """regex.search(text); on `lowered` (text.lower(), or None when the text is not
    plain) with the faster case-sensitive form when there is one. Positions are the same.
    """
    fast = _fast(regex) if lowered is not None else None
    return fast.search(lowered) if fast is not None and lowered is not None \
        else regex.search(text)


def _finditer(regex: re.Pattern[str], text: str,
              lowered: str | None) -> Iterator[re.Match[str]]:
    """regex.finditer(text), like _search (matched text comes lower-cased then)."""
    fast = _fast(regex) if lowered is not None else None
    return fast.finditer(lowered) if fast is not None and lowered is not None \
        else regex.finditer(text)


def _sub_blank(regex: re.Pattern[str], text: str,
               lowered: str | None) -> tuple[str, str | None]:
    """regex.sub(" ", text) and, when the text is plain, its lower-case form, like _search."""
    fast = _fast(regex) if lowered is not None else None
    if fast is None or lowered is None:
        out = regex.sub(" ", text)
        return out, (out.lower() if lowered is not None else None)
    spans = [m.span() for m in fast.finditer(lowered)]
    if not spans:
        return text, lowered
    pieces: list[str] = []
    low_pieces: list[str] = []
    last = 0
    for begin, end in spans:
        pieces += [text[last:begin], " "]
        low_pieces += [lowered[last:begin], " "]
        last = end
    return "".join([*pieces, text[last:]]), "".join([*low_pieces, lowered[last:]])


def _match(regex: re.Pattern[str], text: str, lowered: str | None,
           pos: int) -> re.Match[str] | None:
    """regex.match(text, pos), like _search."""
    fast = _fast(regex) if lowered is not None else None
    return fast.match(lowered, pos) if fast is not None and lowered is not None \
        else regex.match(text, pos)


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
        regex = _compile(entry["re"], where=where)
        patterns[code].append(DemandPattern(
            code=code, certainty=entry["certainty"],
            regex=regex, worker=bool(entry.get("worker")),
            requires=_compile(entry["requires"], where=where) if entry.get("requires") else None,
            value_unit=entry.get("value"), near=entry.get("near"), lowered=_fast(regex)))
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
    book = RuleBook(
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
        personal=_compile(cue["worker"]["personal"], where=f"{cues.name} worker"),
        company_personal_codes=frozenset(cue["worker"]["company_personal_codes"]),
        competence_list=_compile(cue["worker"]["competence_list"], where=f"{cues.name} worker"),
        negation_words=frozenset(neg["before"]), negation_window=int(neg["window"]),
        clause_break=frozenset(neg["clause_break"]),
        clause_gap=_compile(neg["clause_gap"], where=f"{cues.name} clause_gap"),
        beneficiary=_compile(neg["beneficiary"], where=f"{cues.name} beneficiary"),
        beneficiary_near=int(neg["beneficiary_near"]),
        not_negating=_compile(neg["not_negating"], where=f"{cues.name} not_negating"),
        negation_after=_compile(neg["after"], where=f"{cues.name} after"),
        reassurance=reassurance, distractors=distractors, optional_only=optional_only,
        screen_terms=_compile(cue["screen_work"]["terms"], where=f"{cues.name} screen_work"),
        screen_min=int(cue["screen_work"]["min_distinct"]),
        not_screen_titles=_compile(cue["screen_work"]["not_screen_titles"],
                                   where=f"{cues.name} screen_work"),
        fields=_compile_fields(_read_toml(fields), where=fields.name),
        title_kb=title_kb, key_words=_key_regex(index),
        placement=Placement(
            professional_sectors=frozenset(cue["placement"]["professional_sectors"]),
            operational_sectors=frozenset(cue["placement"]["operational_sectors"]),
            professional_work=_compile(cue["placement"]["professional_work"],
                                       where=f"{cues.name} placement"),
            professional_education=frozenset(cue["placement"]["professional_education"])),
        targets={**{f"{code}#{i}": (code, p) for code, items in patterns.items()
                    for i, p in enumerate(items)},
                 **{f"!{code}": (code, None) for code in reassurance}})
    _prepare(book)
    return book


def _prepare(book: RuleBook) -> None:
    """Compile once, while the pipeline is built, what reading would otherwise compile on
    first use: the fast lower-case forms of every pattern and the combined field patterns.
    """
    def walk(node: Any) -> None:
        if isinstance(node, re.Pattern):
            _fast(node)
        elif isinstance(node, dict):
            for value in node.values():
                walk(value)
        elif isinstance(node, list | tuple):
            for value in node:
                walk(value)
        elif isinstance(node, DemandPattern):
            walk([node.regex, node.requires])
    walk([book.patterns, book.code_regex, book.reassurance, book.distractors,
          book.optional_only, book.worker, book.personal, book.apply_sentence, book.not_negating,
          book.negation_after, book.clause_gap, book.beneficiary, book.screen_terms, book.fields,
          _MAYBE_OPTIONAL, _EDU_CONTEXT, _EDU_FALSE, _WO_CONTEXT,
          _levels_regex(book.fields["education"]["levels"])])
    book.language_words = (dict(Counter(book.fields["language"]["english"])),
                           dict(Counter(book.fields["language"]["dutch"])))
    hours = book.fields["hours"]
    walk(_hour_patterns(hours["number"].pattern, hours["unit"].pattern,
                        hours["range_joiner"].pattern))


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


# Words that make a sentence worth reading for the fields (prefix keys as above; a key
# ending in "=" must be the whole word).
_FIELD_HINT_KEYS: dict[str, str] = {
    "#hours": "0 1 2 3 4 5 6 7 8 9 full voltijd part deeltijd dagen",
    "#education": "mbo hbo wo= opleidin niveau diploma bachelor master universi academis havo "
                  "vwo vmbo graduaat onderwij degree msc phd pabo studie student lbo mavo "
                  "basissch secundai startkwa vakdiplo",
    "#experience": "ervaring werkerva experien jaar jaren year",
    "#licence": "rijbewij licen",
}


def _key_regex(keys: Iterable[str]) -> re.Pattern[str]:
    """One pattern that matches, in lower-case text, every word that starts with a key.

    A key ending in a space must be the whole word; other keys are word prefixes.
    The keys are merged into a tree of alternatives ("til(?:t|len)"); a word seen for
    the first time that this pattern does not match has no keys (see _word_keys).
    """
    def tree(words: Iterable[str]) -> str:
        root: dict[str, Any] = {}
        for word in words:
            node = root
            for ch in word:
                node = node.setdefault(ch, {})
            node[""] = {}

        def emit(node: dict[str, Any]) -> str:
            branches = [re.escape(ch) + emit(sub) for ch, sub in sorted(node.items()) if ch]
            if not branches:
                return ""
            body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
            if "" in node:
                return (body if len(branches) > 1 else f"(?:{body})") + "?"
            return body
        return emit(root)

    keys = list(keys)
    prefixes = tree(k for k in keys if not k.endswith(" "))
    words = tree(k[:-1] for k in keys if k.endswith(" "))
    return re.compile(rf"(?<!\w)(?:(?:{prefixes})\w*|(?:{words})\b)")


def _codes_in(text: str, rules: RuleBook) -> set[str]:
    """The demand codes (and '!code' reassurances, '#field' hints) whose patterns could
    match in the lower-cased text: those keyed by a word of it or by a prefix of one.

    Each word's keys are looked up once and cached, so a sentence costs a few calls
    into C (find the words, look them up, join their keys) instead of a loop per word.
    """
    words = _WORDS.findall(text)
    found: list[frozenset[str] | None] = list(map(rules.word_codes.get, words))
    if None in found:
        for i, word in enumerate(words):
            if found[i] is None:
                found[i] = _word_keys(word, rules)
    return set().union(*found)  # type: ignore[arg-type]  # no None is left


def _word_keys(word: str, rules: RuleBook) -> frozenset[str]:
    """The keys of one lower-case word: a whole-word key and the keys its prefixes are."""
    if rules.key_words.match(word):
        index = rules.index
        keys: set[str] = set(index.get(word + " ", ()))
        for size in range(min(len(word), _KEY), 0, -1):
            keys |= index.get(word[:size], frozenset())
        found = frozenset(keys)
    else:
        found = frozenset()
    if len(rules.word_codes) < 200_000:
        rules.word_codes[word] = found
    return found


_WORDS = re.compile(r"\w+")
_HINTS = frozenset(_FIELD_HINT_KEYS)


# --------------------------------------------------------------------------- segments


@dataclass(slots=True)
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
    lowered: str | None = None  # text.lower() when the text is plain (see _plain_text)
    kept: list[int] | None = None  # offsets of the characters read when backslashes were dropped

    def settle(self, rules: RuleBook) -> Segment:
        if not self.settled:
            self.settled = True
            if self.source != "title":
                plain = self.lowered is not None
                low = self.lowered if self.lowered is not None else self.text.lower()
                line_low = self.line.lower() if plain else None
                # the other sentences of an intro line that says whom the employer looks
                # for describe the job ("zoeken we een medewerker die ... Ervaring met ...
                # is een must"); the search sentence itself may describe a client company
                # ("Voor onze klant, die diepvriesproducten verdeelt, zoeken wij ...")
                # a short sentence of a paragraph that speaks to the worker goes on about the
                # job ("Je werkt met veel afdelingen samen. Geen dag is hetzelfde!")
                self.worker = bool(_search(rules.worker, self.text, self.lowered)) or (
                    self.section == "intro" and bool(
                        _search(rules.worker, self.line, line_low)
                        or _search(rules.company_recruits, self.line, line_low)
                        and not _search(rules.company_recruits, self.text, self.lowered))) or (
                    self.section == "other" and len(self.text) <= _FOLLOW_ON
                    and self.line.strip() != self.text
                    and bool(_search(rules.worker, self.line, line_low))) or (
                    self.section != "title" and self.text == self.line.strip()
                    and bool(_search(rules.competence_list, self.text, self.lowered)))
                if any(stem in low for stem in _APPLY_STEMS) and \
                        _search(rules.apply_sentence, self.text, self.lowered):
                    self.section = "apply"
        return self


# A sentence up to this long, in a paragraph that addresses the worker, continues about the job.
_FOLLOW_ON = 60

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
    words = len(plain.split())
    if not plain or words > 9:
        return None
    marked = raw.startswith(("**", "#", "__")) or raw.endswith((":", "?", ":**", "?**"))
    if marked or words <= 5:
        lowered = plain.lower()
        for kind, regex in rules.sections:
            if regex.search(lowered):
                return kind
    # a short bold line with a figure ("**32 uur per week | schaal 7**") is a tagline, no heading
    if marked and not _SENTENCE_INSIDE.search(plain) and words <= 7 and not _DIGIT.search(plain):
        return "other"
    return None


_SENTENCE_INSIDE = re.compile(r"[.!]\s*\S")
_DIGIT = re.compile(r"\d")


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
        end = boundary.start() + 1
        if _ABBREVIATION.search(line, max(begin, end - 8), end):
            continue
        pieces.append(line[begin:end])
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
        raw = line.strip()
        if not raw:
            continue
        if len(raw) <= 80:  # a longer line is no heading (see _heading_kind)
            kind = _heading_kind(line, rules)
            if kind is not None:
                section = kind
                continue
        bullet = _BULLET.match(line) is not None
        pieces = _split_sentences(line)
        if len(pieces) == 1:  # the whole line is one sentence (the common case)
            if len(raw) >= 2:
                segments.append(Segment(raw, "description", line_start + line.find(raw),
                                        section, bullet, line))
            continue
        position = 0
        for piece in pieces:
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
    words = _WORD.findall(text[:1500].lower())
    english, dutch = rules.language_words
    en = sum(map(english.get, words, repeat(0)))
    nl = sum(map(dutch.get, words, repeat(0)))
    return "en" if en > 1.3 * nl and en >= 5 else "nl"


# --------------------------------------------------------------------------- component


@dataclass(slots=True)
class _Candidate:
    code: str
    certainty: str
    rank: tuple[int, ...]
    evidence: str
    value: float | None = None
    unit: str | None = None
    placement: bool = False  # rests on work placed at a client only (see _serves_clients)


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
    plain: bool = False  # title and description are plain text (see _plain_text)


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


@dataclass(frozen=True, slots=True)
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
        plain = reading.plain = _plain_text(reading.title) and _plain_text(reading.description)
        for seg in reading.segments:
            codes: set[str] = set()
            lowered = seg.text.lower()
            if plain:
                seg.lowered = lowered
            # job boards escape markdown ("stand\\-by", "3\\-ploegendienst"): the cues are
            # read without the backslashes, the evidence is cut from the text as it stands
            clean = seg.text
            if "\\" in clean:
                seg.kept = [i for i, ch in enumerate(clean) if ch != "\\"]
                clean = clean.replace("\\", "")
            clean_low = clean.lower() if plain else None
            keys = _codes_in(lowered, rules)
            seg.hints = _HINTS & keys
            keys -= _HINTS
            for key in keys:
                code, pattern = rules.targets[key]
                if pattern is None:  # a reassurance
                    if _search(rules.reassurance[code], clean, clean_low):
                        reading.negated.add(code)
                    continue
                if code in codes:
                    continue
                if pattern.lowered is not None and clean_low is not None:
                    if pattern.lowered.search(clean_low):
                        codes.add(code)
                elif pattern.regex.search(clean):
                    codes.add(code)
            if not codes and seg.source != "title":
                continue
            seg.settle(rules)
            reading.doc_starts.append(position)
            reading.doc_segments.append(seg)
            reading.doc_codes.append(codes)
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
        doc_lower = doc_text.lower() if reading.plain else None
        tokens = _Tokens(doc)
        candidates: dict[str, list[_Candidate]] = {}
        for sent in tokens.sentences(doc_text):
            text = sent.text
            lead = sent.start_char + len(text) - len(text.lstrip())
            seg_index = bisect_right(reading.doc_starts, lead) - 1
            if seg_index < 0:
                continue
            seg = reading.doc_segments[seg_index]
            low = doc_lower[sent.start_char:sent.end_char] if doc_lower is not None else None
            for code in reading.doc_codes[seg_index]:
                items = rules.patterns[code]
                for match in _finditer(rules.code_regex[code], text, low):
                    # the one alternative (?P<pN>...) that matched closed last
                    pattern = items[int((match.lastgroup or "p0")[1:])]
                    verdict = self._judge(tokens, (doc_text, doc_lower), sent, (text, low),
                                          match, pattern, seg)
                    if verdict == "negated":
                        negated.add(code)
                    elif verdict in ("ok", "placement"):
                        candidates.setdefault(code, []).append(self._candidate(
                            pattern, match, sent, seg, reading.doc_starts[seg_index],
                            placement=verdict == "placement"))
        demands: list[Demand] = []
        occupations = match_titles(reading.title, path=rules.title_kb) if reading.title else []
        roles = self._roles_in_text(reading)
        fields = self._fields(reading)
        for code in DEMAND_CODES:
            found = candidates.get(code, [])
            if any(c.placement for c in found) and not self._serves_clients(
                    [c.evidence for c in found if c.placement], occupations,
                    fields["education_level"], reading):
                found = [c for c in found if not c.placement]
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
        return Requirements(demands=demands, language=language, **fields)

    def _sentence_is(self, kind: str, sent: _Sentence, regex: re.Pattern[str],
                     texts: tuple[str, str | None]) -> bool:
        """Whether a sentence-wide cue holds, asked once per sentence of the doc being read."""
        key = (sent.start_char, kind)
        found = self._sentence_flags.get(key)
        if found is None:
            found = self._sentence_flags[key] = _search(regex, *texts) is not None
        return found

    def _judge(self, tokens: _Tokens, doc: tuple[str, str | None], sent: _Sentence,
               texts: tuple[str, str | None], match: re.Match[str], pattern: DemandPattern,
               seg: Segment) -> str:
        """'ok' for a demand, 'negated' for a negated cue, 'skip' for a cue out of place.

        `doc` and `texts` are the text of the doc and of the sentence, each with its
        lower-case form when plain (see _search).
        """
        rules = self.rules
        text, low = texts
        start = sent.start_char + match.start()
        # a negation before the cue, inside its clause, or a cancelling phrase after it
        first = bisect_right(tokens.idx, start) - 1
        for i in range(first, max(sent.start, first - rules.negation_window) - 1, -1):
            lower = tokens.lower[i]
            if i != first and lower in self.clause_break_ids:
                break
            if lower in self.negation_ids and not _match(
                    rules.not_negating, doc[0], doc[1], tokens.idx[i]):
                return "negated"
        if _match(rules.negation_after, text, low, match.end()):
            return "negated"
        if seg.section in NO_DEMAND_SECTIONS:
            return "skip"
        if seg.section in ("intro", "team") and not seg.worker:
            return "skip"
        if pattern.worker and seg.section == "other" and not seg.worker and not seg.bullet:
            return "skip"
        placed = False
        if pattern.requires is not None:
            if pattern.near is not None:
                near = self._near(pattern, match, texts)
                if near is None:
                    return "skip"
                placed = near == "placement"
            elif not _search(pattern.requires, text, low):
                return "skip"
        distractor = rules.distractors.get(pattern.code)
        if distractor is not None and self._sentence_is(f"!{pattern.code}", sent, distractor,
                                                         texts):
            return "skip"
        # a line about pay, leave or perks offers something; it asks nothing of the worker
        if pattern.code not in rules.benefit_exempt and self._sentence_is(
                "benefit", sent, rules.benefit_sentence, texts):
            return "skip"
        # the employer speaking of itself ("Wij leveren ... aan onze klanten"), not of the job
        if pattern.code in rules.company_codes and self._sentence_is(
                "company", sent, rules.company_sentence, texts) and not (
                self._sentence_is("personal", sent, rules.personal, texts)
                if pattern.code in rules.company_personal_codes
                else self._sentence_is("worker", sent, rules.worker, texts)) and not _search(
                rules.company_recruits, text, low):
            return "skip"
        if rules.optional_only is not None and _search(_MAYBE_OPTIONAL, text, low) and any(
                m.start() <= match.start() < m.end()
                for m in _finditer(rules.optional_only, text, low)):
            return "skip"
        return "placement" if placed else "ok"

    def _near(self, pattern: DemandPattern, match: re.Match[str],
              texts: tuple[str, str | None]) -> str | None:
        """Whether a `requires` word stands in the cue's clause, at most `near` words away:
        "near" when one does, "placement" when only words of the pattern's `placement` group
        do (work placed at a client, see _serves_clients), None when none does.

        "Je adviseert klanten" names whom the worker serves; in "Je adviseert collega's die
        software voor opdrachtgevers bouwen" the customers belong to another clause, and in
        "Je helpt het team bij de planning voor reizigers" they only benefit from a thing.
        A customer that a placement names as the place of work ("je werkt bij een van onze
        opdrachtgevers en helpt bij het storten van beton") is the workplace, whatever other
        verb stands in the clause.
        """
        assert pattern.requires is not None and pattern.near is not None
        text, low = texts
        conditional = "placement" in pattern.requires.groupindex
        found: str | None = None
        for other in _finditer(pattern.requires, text, low):
            if other.end() <= match.start():
                gap = text[other.end():match.start()]
            elif other.start() >= match.end():
                gap = text[match.end():other.start()]
            else:
                gap = ""
            words = len(_PARENTHESIS.sub(" ", gap).split()) if gap else 0
            if gap:
                gap_low = gap.lower() if low is not None else None
                if words > pattern.near or _search(self.rules.clause_gap, gap, gap_low) or (
                        words > self.rules.beneficiary_near
                        and _search(self.rules.beneficiary, gap, gap_low)):
                    continue
            if not conditional:
                return "near"
            if other.group("placement") is None:
                found = "near"
            elif other.end() <= match.start() and words <= 5 and not _NOT_A_WORD.search(gap):
                return "placement"  # the customer named is the place of work
            elif found is None:
                found = "placement"
        return found

    def _candidate(self, pattern: DemandPattern, match: re.Match[str], sent: _Sentence,
                   seg: Segment, doc_start: int, *, placement: bool = False) -> _Candidate:
        # The evidence is the sentence as it stands in the original text.
        begin = sent.start_char - doc_start
        end = sent.end_char - doc_start
        if seg.kept is not None:  # back to offsets in the text with its backslashes
            begin = seg.kept[begin] if 0 <= begin < len(seg.kept) else max(begin, 0)
            end = seg.kept[end - 1] + 1 if 0 < end <= len(seg.kept) else len(seg.text)
        end = min(end, len(seg.text))
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
                          evidence=evidence, value=value, unit=unit, placement=placement)

    def _serves_clients(self, sentences: list[str], occupations: list[Occupation],
                        education: str | None, reading: _Reading) -> bool:
        """Whether work placed at a client ("aan de slag bij een van onze opdrachtgevers")
        serves that client, as consultancy and secondment of professionals do, rather than
        being operational work an agency places there (cues.toml [placement]).

        The job is professional when the occupation that the title, or the role a placement
        sentence names ("als consultant"), names first is of a professional sector, when the
        title or such a sentence names professional work, or when higher education is asked;
        an occupation of operational work in the title or that role (orderpicker,
        schoonmaker) rules it out.
        """
        rules = self.rules.placement
        # every occupation a name matches can rule the work operational; only the one it
        # names most specifically (the first) makes it professional ("Data entry medewerker"
        # is administrative work, though "data" alone would be ICT)
        named = [occupations]
        for sentence in sentences:
            for m in _ROLE.finditer(sentence):
                if not _ROLE_NOT_A_NAME.match(m.group(1)):
                    named.append(match_titles(m.group(1), path=self.rules.title_kb))
        if any(o.sector in rules.operational_sectors for found in named for o in found):
            return False
        return any(found and found[0].sector in rules.professional_sectors for found in named) \
            or any(rules.professional_work.search(text) for text in [reading.title, *sentences]) \
            or education in rules.professional_education

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
            if _search(_ROLE_CONTEXT_NOT, text, seg.lowered) or not _ROLE.search(text):
                continue
            seg.settle(self.rules)
            if seg.section not in ("tasks", "intro", "team", "other") or not seg.worker:
                continue
            if not _search(self.rules.worker, text, seg.lowered):
                continue  # "een sterke positie als toezichthouder" names no role of the worker
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
            hits = {m.group().lower()
                    for m in _finditer(rules.screen_terms, seg.text, seg.lowered)}
            if not hits:
                continue
            seg.settle(rules)
            if seg.section in NO_DEMAND_SECTIONS or seg.section in ("intro", "team") and \
                    not seg.worker:
                continue
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
        hinted: dict[str, list[Segment]] = {hint: [] for hint in _HINTS}
        for seg in reading.segments:
            for hint in seg.hints:
                hinted[hint].append(seg)

        def asked(hint: str) -> list[Segment]:
            found = [s.settle(self.rules) for s in hinted[hint]]
            return [s for s in found if s.section not in FIELD_SECTIONS_EXCLUDED]

        return {
            "hours_per_week": read_hours(hinted["#hours"], fields["hours"],
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


def _optional(text: str, start: int, end: int, rules: dict[str, Any],
              lowered: str | None = None) -> bool:
    """A mention that is only preferred ("een pré", "bij voorkeur") or offered, not required.

    `lowered` is text.lower() when the text is plain (see _search), else None.
    """
    left = max(text.rfind(c, 0, start) for c in ";(.,") + 1
    rights = [i for i in (text.find(c, end) for c in ";.") if i != -1]
    right = min(rights) if rights else len(text)
    comma = text.find(",", end, right)
    stop = comma if comma != -1 else right
    return bool(_search(rules["optional_before"], text[left:start],
                        lowered[left:start] if lowered is not None else None)
                or _search(rules["optional_after"], text[end:stop],
                           lowered[end:stop] if lowered is not None else None))


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
        text = seg.text.replace("\\", "").replace("*", "")  # markdown: "**Uren:** 32"
        lowered = text.lower()
        fast = lowered if seg.lowered is not None else None  # plain text: fast patterns
        has_fte = "fte" in lowered
        spaced = lowered + " "
        has_hours = any(unit in spaced for unit in _HOUR_WORDS)
        has_days = "dag" in lowered
        has_fulltime = any(word in lowered for word in _FULLTIME_WORDS)
        if not (has_fte or has_hours or has_days or has_fulltime):
            continue
        for m in _finditer(rules["fte"], text, fast) if has_fte else ():
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
        stripped_fast = stripped.lower() if fast is not None and has_hours else None
        for regex in (mention, after_label) if has_hours else ():
            for m in _finditer(regex, stripped, stripped_fast):
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
        for m in _finditer(rules["days"], lowered, fast) if has_days else ():
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
    r"niveau \d+ (?:van|in) (?:het|de) (?:vca|taal)|taalniveau|\b[abc][12] niveau|niveau [abc][12]|"
    # school sectors named as a field of work: "onderwijsonderzoek in (po, vo, mbo, hbo)"
    r"\((?=[^)]*\b(?:po|vo)\b)\s*(?:po|vo|so|vso|mbo|hbo|wo)(?:\s*(?:,|en)\s*(?:po|vo|so|vso|mbo|hbo|wo))+"
    r"\s*\)|"
    # the pupils, students, schools or sectors of a level are whom the job serves, not the
    # level it asks: "vmbo-leerlingen en mbo-studenten", "onze vmbo-scholen" (a candidate is
    # one, "je bent een hbo-student", or sought: "we zoeken hbo-studenten")
    r"(?<!zoeken )(?<!zoekt )(?<!voor )(?<!zijn )\b(?:v?mbo|hbo|wo|havo|vwo)[- ](?:leerlingen|"
    r"scholieren|studenten|scholen|sectoren|sector|instellingen|docenten|leraren|leerkrachten|"
    r"colleges|locaties|teams)\b",
    re.IGNORECASE)


_LEVEL_REGEX: dict[int, tuple[dict[str, re.Pattern[str]], re.Pattern[str]]] = {}
_WO_CONTEXT = re.compile(r"opleiding|niveau|denk|hbo|master|diploma|afgerond|achtergrond|degree",
                         re.IGNORECASE)


def _levels_regex(levels: dict[str, re.Pattern[str]]) -> re.Pattern[str]:
    """All education levels in one pattern, each a named group (lowest levels last)."""
    entry = _LEVEL_REGEX.get(id(levels))
    if entry is None or entry[0] is not levels:
        entry = _LEVEL_REGEX[id(levels)] = (levels, re.compile(
            "|".join(f"(?P<{level}>{regex.pattern})" for level, regex in levels.items()),
            re.IGNORECASE))
    return entry[1]


def read_education(segments: list[Segment], rules: dict[str, Any]) -> str | None:
    """The lowest education level the vacancy requires, or None."""
    levels: list[int] = []
    for seg in segments:
        text = seg.text.replace("\\", "")
        low = seg.lowered.replace("\\", "") if seg.lowered is not None else None
        if not _search(_EDU_CONTEXT, text, low) and seg.section != "title":
            continue
        clean, clean_low = _sub_blank(_EDU_FALSE, text, low)
        for m in _finditer(_levels_regex(rules["levels"]), clean, clean_low):
            level = m.lastgroup or ""
            if level == "wo" and not _search(_WO_CONTEXT, clean, clean_low):
                continue
            if _optional(clean, m.start(), m.end(), rules, clean_low):
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
    """Minimum years of experience asked (CONTRACTS §2 conventions), or None.

    Years named ("3 jaar ervaring") decide; without them "ruime ervaring" counts as
    two years and plain required experience as one. So the clauses are read for
    those words only when no years were named, and only until "ruime ervaring".
    """
    numbers: list[float] = []
    # lower-cased texts, each with whether it is plain (then the fast patterns hold)
    texts = [(seg.text.replace("\\", "").lower(), seg.lowered is not None) for seg in segments]
    for lowered, plain in texts:
        for m in _finditer(rules["years"], lowered, lowered if plain else None):
            clause = _clause_around(lowered, m.start(), m.end())
            fast = clause if plain else None
            if not _search(rules["years_context"], clause, fast):
                continue
            if _search(rules["optional"], clause, fast) or _NOT_EXPERIENCE_YEARS.search(clause):
                continue
            if _experience_of_others(lowered, m.start(), m.end()):
                continue
            years = _number(m.group("n1"))
            if years <= 15:
                numbers.append(years)
    if numbers:
        return max(numbers)
    required = False
    for lowered, plain in texts:
        for clause in _CLAUSE_SPLIT.split(lowered):
            fast = clause if plain else None
            if _search(rules["several"], clause, fast):
                if not _search(rules["optional"], clause, fast):
                    return 2.0
            elif not required:
                asked = _search(rules["required"], clause, fast)
                if asked and not _search(rules["optional"], clause, fast) and \
                        not _experience_of_others(clause, asked.start(), asked.end()):
                    required = True
    return 1.0 if required else None


_NOT_EXPERIENCE_YEARS = re.compile(r"\b(oud|ouder|leeftijd|age|old|contract|garantie|bestaan)\b")
# Years of experience that others have: colleagues or a team "met 10+ jaar ervaring", pooled
# years ("gezamenlijk meer dan 60 jaar"), or the employer's ("combineren we meer dan 10 jaar
# ervaring met ...") in a clause that neither speaks to the worker nor says whom it seeks.
_HOLDER_BEFORE = re.compile(
    r"\b(?:collega['’]?s|teams?|developers|ontwikkelaars|experts|specialisten|consultants|"
    r"adviseurs|engineers|professionals|mensen|medewerkers|vakmensen|organisatie|bedrijf)"
    r"\s+met\s+(?:\S+\s+){0,3}$|\b(?:gezamenlijk|samen|in totaal|bij elkaar|opgeteld)\s+"
    r"(?:\S+\s+){0,3}$")
_EMPLOYER = re.compile(r"\b(?:we|wij)\b")
_SEEKS = re.compile(r"\b(?:iemand|wie|zoeken|zoekt|gezocht|vragen|vraagt|verwachten|verlangen|"
                    r"eisen|wensen|graag|uit van|kandidaat)\b")
_ADDRESSED = re.compile(r"\b(?:je|jij|jou|jouw|u|uw|hebt|bent|kunt|wilt)\b")
_CLAUSE_MARK = re.compile(r"[.;,()!?\n–]")


def _experience_of_others(lowered: str, start: int, end: int) -> bool:
    """Whether the years (or the experience) at lowered[start:end] are experience that others
    than the worker have; read in the clause around it (cut at punctuation and brackets).
    """
    left = max((m.end() for m in _CLAUSE_MARK.finditer(lowered, max(0, start - 120), start)),
               default=max(0, start - 120))
    right = _CLAUSE_MARK.search(lowered, end)
    clause = lowered[left:right.start() if right else len(lowered)]
    if _SEEKS.search(clause):
        return False
    if _HOLDER_BEFORE.search(lowered[left:start]):
        return True
    return bool(_EMPLOYER.search(clause)) and not _ADDRESSED.search(clause)


_CLAUSE_SPLIT = re.compile(r"[;,.]")


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
    skipped = [name for name in NOT_READ_BY_RULES if name in nlp.pipe_names]
    for doc in nlp.pipe(docs, batch_size=batch_size, disable=skipped):
        yield doc._.requirements


# Pipes whose output the rules never read: they read token texts, offsets and sentence
# starts, not lemmas. Extraction skips these (they stay in the pipeline for nlp(text));
# a rule that starts to read lemmas must take the lemmatizer off this list.
NOT_READ_BY_RULES = ("lemmatizer",)
