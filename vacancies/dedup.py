"""Finding the same vacancy published at several places (reposts across sources).

A Dutch vacancy is posted two to five times: on the employer's site, on job boards
(their own header and footer, often a shortened text) and by staffing agencies, which
post it as their own (their name as employer, their own opening, offer and contact
lines, the employer's name left out, the title reworded). Each posting gets a
`Fingerprint`: the hashed word 3-grams of its description and a MinHash (datasketch)
of them, its longer sentences, its title without what sites add ("(m/v/x)",
"Vacature:", "X zoekt:", hours, the place), the seniority the title asks, its place,
and the facts it names: hours per week (or fte), working times, and each number with
the words around it.

`DuplicateFinder` holds the postings seen so far, grouped into jobs. Candidates for a
new posting come from three signals: MinHash LSH over the text, the rarer sentences it
shares with a job, and the same title at the same place. A candidate is rejected when
the two contradict each other: another place (names of one place such as "Den Haag"
and "'s-Gravenhage" agree, through the gazetteer of `vacancies.geo`), another
seniority, hours or working times, or other numbers in the same words ("met 18
collega's" against "met 6 collega's"). Otherwise it is scored on how much
*job-specific* text the two share: every 3-gram weighs 1 / (the number of jobs whose
texts have it), so a site's footer, an employer's "over ons" or an agency's template
counts for little, and the overlap is weighted containment (the share of the lighter
text found in the other), as a repost is often a shortened copy. A logistic score over
that overlap, the plain overlap, the title similarity, a known place and agreeing
numbers decides; titles that differ need more shared text, and postings under the
same employer name (whose own other jobs share its boilerplate) need nearly the same
text. A posting found to be a copy joins its job, so a later copy of that copy (a
board carrying an agency's ad) is found too, and a job holding a contradicting
posting ('Senior' beside a 'Junior') is not joined.

The fingerprints of stored vacancies live in the table `vacancy_fingerprints`, owned
here; it is a cache of what `fingerprint` computes, rebuilt when its version is older
than `FINGERPRINT_VERSION` or its layout differs.
"""

from __future__ import annotations

import codecs
import functools
import heapq
import itertools
import json
import logging
import re
import unicodedata
import zlib
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import sqlite_utils
from datasketch import MinHash, MinHashLSH

from vacancies import geo

logger = logging.getLogger(__name__)

FINGERPRINT_VERSION = 4
NUM_PERM = 64
SHINGLE_WORDS = 3
LSH_THRESHOLD = 0.5
# Sentences shared with at most this many jobs propose those jobs as candidates.
CANDIDATE_JOBS_PER_SENTENCE = 12
CANDIDATE_JOBS = 12  # of those, the jobs sharing the most sentences are verified
TITLE_CANDIDATES = 3  # the latest postings with the same title at the same place
# A sentence found in this many jobs is boilerplate for good: its jobs are no longer kept.
BOILERPLATE_JOBS = 64
COPIES_PER_JOB = 8  # copies of one job kept to match later copies against
WEIGHTS_KEPT = 20_000  # n-gram weights of this many indexed texts are kept between finds
_SEED = 7

_TITLE_NOISE = re.compile(
    r"\b(m|v|x|mv|mvx|h|f|d|w|vacature|gezocht|fulltime|parttime|full time|part time|"
    r"uur|uren|per week|pw|nieuw|direct|urgent|regio|ervaren|junior|medior|senior|in)\b")
_TITLE_PREFIX = re.compile(r"^[^:]*\b(?:zoekt|vacature|gezocht|nieuw)\s*:\s*", re.IGNORECASE)
_LEVELS = {"junior": "junior", "starter": "junior", "trainee": "trainee", "medior": "medior",
           "senior": "senior", "lead": "lead", "stage": "stage", "stagiair": "stage",
           "stagiaire": "stage", "afstudeeropdracht": "stage", "afstudeerder": "stage",
           "werkstudent": "student", "bijbaan": "student"}
_NON_WORD = re.compile(r"[^a-z0-9]+")
_WORD_CHARS = b"abcdefghijklmnopqrstuvwxyz0123456789"
# Words are runs of `_WORD_CHARS`: all other bytes become spaces, then `bytes.split`.
_WORDS_ONLY = bytes(byte if byte in _WORD_CHARS else 32 for byte in range(256))
_HOURS = re.compile(r"(?<![\d.,:])(\d{1,2})(?:\s*(?:-|tot|a|/)\s*(\d{1,2}))?\s*(?:uur|uren|u)\b")
_HOUR_UNIT = re.compile(r"u(?:ur|ren)?\b")  # a word start is checked by hand: faster
_FTE_NUMBER = r"(0[.,]\d{1,2}|1(?:[.,]0{1,2})?)"
# A number not after a digit, point or comma, before 'fte'. The look back follows the
# first digit (the same test), so that the regex engine can jump from '0' or '1' to the
# next '0' or '1' instead of trying every position: four times faster.
_FTE = re.compile(r"(0(?<![\d.,]0)[.,]\d{1,2}|1(?<![\d.,]1)(?:[.,]0{1,2})?)"
                  rf"(?:\s*(?:-|tot|a)\s*{_FTE_NUMBER})?\s*fte\b")
_WEEK_AFTER = re.compile(r"\s*(?:per|p\.?|/|in de)\s*(?:week|wk)\b|\s*p\.?w\b")
# '\d\d?', not '\d{1,2}' (the same matches): a pattern that starts with a character class
# lets the engine jump from digit to digit instead of trying every position.
_TIMES = re.compile(r"(\d\d?)[.:](\d{2})\s*(?:-|tot|t/m)\s*(\d\d?)[.:](\d{2})")
_TIME_HINT = re.compile(r"[.:]\d\d")
_DIGIT_RUN = re.compile(r"\d+")
_POSTCODE_OR_NUMBER = re.compile(r"\b\d{4}\s?[A-Za-z]{2}\b|\d+")
_PLACE_PREFIX = re.compile(r"^(?:regio|omgeving|rondom|nabij|gemeente)\s+")
_NOT_A_PLACE = {"nl", "nederland", "netherlands", "the netherlands", "holland", "remote",
                "thuiswerken", "hybride", "landelijk", "diverse locaties", "meerdere locaties",
                "randstad", "the randstad", "noord holland", "north holland", "zuid holland",
                "south holland", "noord brabant", "north brabant", "gelderland", "overijssel",
                "limburg", "friesland", "fryslan", "drenthe", "flevoland", "zeeland",
                "werk van thuis", "thuis", "nh", "zh", "ut", "nb", "ge", "ov", "li", "fr", "gr",
                "dr", "fl", "ze"}
# Two names of one place (the gazetteer of `vacancies.geo` knows more, but loading it
# costs a crawl a second; it is only asked about places read from a text).
_PLACE_NAMES = {"s gravenhage": "den haag", "the hague": "den haag",
                "s hertogenbosch": "den bosch", "hertogenbosch": "den bosch",
                "alphen a d rijn": "alphen aan den rijn",
                "capelle a d ijssel": "capelle aan den ijssel",
                "krimpen a d ijssel": "krimpen aan den ijssel"}


def _ascii(text: str) -> str:
    """Lower case with accents (and all other non-ASCII) removed: the ASCII letters of
    each character's NFKD form after case folding ('É' → 'e', 'ß' → 'ss', '’' → '').

    The text is lower-cased and encoded as ASCII; only its runs of other characters go
    through `_fold_run` (twice as fast as folding and decomposing the whole text, with
    the same result: for every character, lower case first changes nothing here, as a
    check over all of Unicode showed)."""
    if text.isascii():
        return text.lower()
    return text.lower().encode("ascii", _FOLD_ERRORS).decode("ascii")


_FOLDED: dict[str, str] = {}  # runs of non-ASCII characters ('’', 'é') recur: fold each once


def _fold_run(error: UnicodeError) -> tuple[str, int]:
    """Encoding error handler: a run of non-ASCII characters as ASCII ('é' → 'e')."""
    assert isinstance(error, UnicodeEncodeError)
    run = error.object[error.start:error.end]
    folded = _FOLDED.get(run)
    if folded is None:
        if len(_FOLDED) > 20_000:
            _FOLDED.clear()
        decomposed = unicodedata.normalize("NFKD", run.casefold())
        folded = _FOLDED[run] = decomposed.encode("ascii", "ignore").decode("ascii")
    return folded, error.end


_FOLD_ERRORS = "spoorzoeker-dedup-fold"
codecs.register_error(_FOLD_ERRORS, _fold_run)


def normalise(text: str) -> str:
    """Lower case, accents removed, punctuation as spaces: what stays the same across sites."""
    return _NON_WORD.sub(" ", _ascii(text)).strip()


def title_key(title: str, *, place: str | None = None) -> str:
    """A title without the words sites add to it: '(m/v/x)', 'vacature', hours, seniority,
    an agency's 'X zoekt:' and, when given, the place."""
    title = _TITLE_PREFIX.sub("", title.strip())
    words = _TITLE_NOISE.sub(" ", normalise(_DIGIT_RUN.sub(" ", title))).split()
    if place and len(words) > 1:
        place_words = set(place.split())
        kept = [word for word in words if word not in place_words]
        words = kept or words
    return " ".join(words)


def title_level(title: str) -> frozenset[str]:
    """The seniority a title asks ('Senior Data Engineer' → {'senior'}, '(Junior) analist'
    → {'junior'}); empty when it names none, which agrees with any."""
    return frozenset(_LEVELS[word] for word in normalise(title).split() if word in _LEVELS)


def title_trigrams(title: str, *, place: str | None = None) -> frozenset[str]:
    return _key_trigrams(title_key(title, place=place))


def _key_trigrams(key: str) -> frozenset[str]:
    squashed = key.replace(" ", "")
    if len(squashed) < 3:
        return frozenset({squashed}) if squashed else frozenset()
    return frozenset(squashed[i:i + 3] for i in range(len(squashed) - 2))


def place_key(place: str | None) -> str | None:
    """The town of a place string ('2712 LB Zoetermeer, ZH, NL' → 'zoetermeer', 'Regio
    Gouda' → 'gouda'); a country or 'remote' says nothing (None)."""
    if not place:
        return None
    first = normalise(_POSTCODE_OR_NUMBER.sub(" ", place.split(",")[0]))
    first = _PLACE_PREFIX.sub("", first)
    if not first or first in _NOT_A_PLACE:
        return None
    return first


def employer_key(employer: str | None) -> str | None:
    """An employer's name without legal form ('Van Dijk Logistiek B.V.' → 'van dijk logistiek')."""
    if not employer:
        return None
    name = _LEGAL_FORM.sub(" ", normalise(employer))
    return " ".join(name.split()) or None


_LEGAL_FORM = re.compile(r"\b(b ?v|n ?v|v ?o ?f|bv|nv|vof|holding|groep|group|nederland|"
                         r"the netherlands|zn|en zonen)\b")


_PLACE_IN_TEXT = re.compile(
    r"(?:(?:standplaats|werklocatie|locatie|plaats)\s*:\s*|\bin )"
    r"((?:'s-)?[A-Z][\w'-]+(?: (?:aan|op|den|de|der|van|[A-Z][\w'-]+)){0,4})")
_NOT_PLACES = {"nederland", "het", "de", "een", "deze", "overleg", "dienst", "ons", "onze"}


def place_in_text(text: str) -> str | None:
    """The town a description names ('Als kok in Rijswijk ...'), for postings without place;
    only a name the gazetteer knows ('in Python' is no place)."""
    for match in _PLACE_IN_TEXT.finditer(text[:3000]):
        key = place_key(match.group(1))
        if key and key.split()[0] not in _NOT_PLACES and _location(key) is not None:
            return key
    return None


@functools.lru_cache(maxsize=20_000)
def _location(key: str) -> geo.Location | None:
    """Where a place key is ('s hertogenbosch' is "'s-Hertogenbosch"), or None."""
    if key.startswith("s "):
        return geo.locate("'s-" + key[2:].replace(" ", "-")) or geo.locate(key)
    return geo.locate(key)


def hours_per_week(text: str, *, title: bool = False) -> tuple[tuple[int, int], ...]:
    """The hours per week a text names, as (lowest, highest) ranges: '32 tot 40 uur per
    week' → ((32, 40),), '0,8 fte' → ((28, 32),). In a title any 'N uur' counts; in a
    description only hours said to be per week or named with 'uren per week' just
    before, so '24 uur per dag' or 'reageer binnen 48 uur' do not."""
    return _hours(_ascii(text), title=title)


def _hours(plain: str, *, title: bool) -> tuple[tuple[int, int], ...]:
    found: set[tuple[int, int]] = set()
    for unit in _HOUR_UNIT.finditer(plain):  # find 'uur' first: cheaper than every digit
        if unit.start() and plain[unit.start() - 1].isalnum():
            continue
        match = _HOURS.search(plain, max(0, unit.start() - 16), unit.end())
        if match is None:
            continue
        low = int(match.group(1))
        high = int(match.group(2) or low)
        if not 4 <= low <= high <= 48:
            continue
        if title or _WEEK_AFTER.match(plain, match.end()) or \
                "week" in plain[max(0, match.start() - 25):match.start()]:
            found.add((low, high))
    for match in _fte_matches(plain):  # '0,8 - 1,0 fte': 28-40
        low_fte = float(match.group(1).replace(",", "."))
        high_fte = float((match.group(2) or match.group(1)).replace(",", "."))
        if 0 < low_fte <= high_fte <= 1:
            found.add((int(low_fte * 36), round(high_fte * 40)))
    return tuple(sorted(found))


def _fte_matches(plain: str) -> Iterator[re.Match[str]]:
    """What `_FTE.finditer(plain)` finds in an ASCII text, found faster. A match ends in
    'fte' and has before it only digits, points, commas, white space, dashes, 'tot' and
    'a' (`_FTE_CHARS`), so for each 'fte' the regex searches only that stretch before it."""
    free = 0  # where the last match ends
    at = plain.find("fte")
    while at >= 0:
        start = at
        while start > free and plain[start - 1] in _FTE_CHARS:
            start -= 1
        match = _FTE.search(plain, start, at + 4)  # (one more: the word end after 'fte')
        if match is not None:
            free = match.end()
            yield match
        at = plain.find("fte", at + 1)


_FTE_CHARS = frozenset("0123456789.,-toa \t\n\r\x0b\x0c\x1c\x1d\x1e\x1f")


def working_times(text: str) -> frozenset[tuple[int, int]]:
    """The working times a text names ('van 7.00 tot 15.30 uur' → {(700, 1530)})."""
    return _working_times(text, [hint.start() for hint in _TIME_HINT.finditer(text)])


def _working_times(text: str, hints: list[int]) -> frozenset[tuple[int, int]]:
    """`working_times`, with where `_TIME_HINT` matches in `text` given."""
    found: set[tuple[int, int]] = set()
    for match in _time_matches(text, hints):
        if match.start() and text[match.start() - 1] in "0123456789.,:":
            continue  # part of a larger number ('2.500.00')
        h1, m1, h2, m2 = (int(part) for part in match.groups())
        if h1 < 25 and h2 < 25:
            found.add((h1 * 100 + m1, h2 * 100 + m2))
    return frozenset(found)


def _time_matches(text: str, hints: list[int]) -> Iterator[re.Match[str]]:
    """What `_TIMES.finditer(text)` finds, found faster: a time starts one or two digits
    before a point or colon with two digits after it (`hints`: where `_TIME_HINT`
    matches), so the regex is tried only there, leftmost first and never inside a time
    already found."""
    free = 0  # where the last time found ends
    for hint in hints:
        for start in (hint - 2, hint - 1):
            if start >= free and (match := _TIMES.match(text, start)) is not None:
                free = match.end()
                yield match
                break


def _time_hints(codes: np.ndarray) -> list[int]:
    """Where `_TIME_HINT` matches in an ASCII text, from its bytes (NumPy: faster)."""
    digit = (codes[1:] - np.uint8(48)) < 10  # (wraps around below '0')
    head = codes[:-2]
    separator = (head == 46) | (head == 58)  # '.', ':'
    return (separator & digit[:-1] & digit[1:]).nonzero()[0].tolist()


# --- MinHash ------------------------------------------------------------------------------

_SCHEME = "affine32"
_rng = np.random.RandomState(_SEED)
# Multiply-shift hashing (a * x + b, the high 32 bits of 64): one family of NUM_PERM hash
# functions, about five times faster in NumPy than the modular affine one.
_A = _rng.randint(1, 2**63 - 1, size=NUM_PERM, dtype=np.int64).astype(np.uint64) | np.uint64(1)
_B = _rng.randint(0, 2**63 - 1, size=NUM_PERM, dtype=np.int64).astype(np.uint64)
_SHIFT = np.uint64(32)
_MIX = (np.uint64(0x9E3779B1), np.uint64(0x85EBCA77))
# datasketch's LSH takes its MinHash objects; we give them our values (its own update
# hashes every n-gram in Python, several times slower than `_minhash_values`).
_PERMUTATIONS = MinHash(num_perm=NUM_PERM, seed=_SEED, scheme=_SCHEME).permutations
_EMPTY_SIGNATURE = np.full(NUM_PERM, np.iinfo(np.uint32).max, dtype=np.uint32)
_B_COLUMN = _B[:, np.newaxis]
_LOW = np.uint64(0xFFFFFFFF)
# Words repeat across vacancies: each is hashed once, its CRC-32 kept, plus 2**32 for a
# word of digits only (where the numbers of a text are is then known without a loop).
_WORD_HASHES: dict[bytes, int] = {}
_DIGITS_FLAG = 1 << 32


_UNKNOWN = 1 << 40  # a word not hashed yet


def _word_hashes(words: list[bytes]) -> np.ndarray:
    """Each word's CRC-32 in a uint64 array, with 2**32 added for a word of digits."""
    cache = _WORD_HASHES
    if len(cache) > 500_000:
        cache.clear()
    hashed = np.fromiter(map(cache.get, words, itertools.repeat(_UNKNOWN)), dtype=np.uint64,
                         count=len(words))
    if hashed.max() >= _UNKNOWN:  # (looked up first: most words are known)
        unknown = (hashed == _UNKNOWN).nonzero()[0]
        values = []
        for i in unknown.tolist():
            word = words[i]
            value = cache.get(word)
            if value is None:
                value = cache[word] = zlib.crc32(word) | (_DIGITS_FLAG if word.isdigit() else 0)
            values.append(value)
        hashed[unknown] = values
    return hashed


def _shingles(hashed: np.ndarray, size: int) -> np.ndarray:
    """Hashes (32 bit, in a uint64 array) of the word `size`-grams, one per start word."""
    if len(hashed) < size:
        return hashed.copy()
    grams = hashed[:len(hashed) - size + 1].copy()
    for offset in range(1, size):
        grams = (grams * _MIX[(offset - 1) % 2] + hashed[offset:len(hashed) - size + 1 + offset]
                 ) & _LOW
    return grams


def _unique(values: np.ndarray) -> np.ndarray:
    """The distinct values, sorted (`np.unique` without its overhead for small arrays)."""
    ordered = values.copy()
    ordered.sort()
    if len(ordered) < 2:
        return ordered
    keep = np.empty(len(ordered), dtype=bool)
    keep[0] = True
    np.not_equal(ordered[1:], ordered[:-1], out=keep[1:])
    return ordered[keep]


def _minhash_values(grams: np.ndarray) -> np.ndarray:
    if len(grams) == 0:
        return _EMPTY_SIGNATURE.copy()
    values = np.multiply.outer(_A, grams.astype(np.uint64))  # one row per hash function
    values += _B_COLUMN
    # The high 32 bits of the least value are the least of the values' high 32 bits.
    return (values.min(axis=1) >> _SHIFT).astype(np.uint32)


def signature(description: str, *, size: int = SHINGLE_WORDS) -> tuple[np.ndarray, np.ndarray]:
    """The MinHash signature of a text's word `size`-grams, and the hashed n-grams themselves
    (sorted, distinct: exact overlap for the few candidates the finder proposes).

    Words are hashed once (CRC-32, stable across processes), n-grams are combined from
    them and hashed with `NUM_PERM` multiply-shift hash functions, all in NumPy: the
    crawler fingerprints every page it reads.
    """
    words = normalise(description).encode("ascii").split()
    grams = (_unique(_shingles(_word_hashes(words) & _LOW, size)) if words
             else np.empty(0, np.uint64))
    return _minhash_values(grams), grams.astype(np.uint32)


# Where a sentence ends in (ASCII-folded) text: end marks before white space or the end
# ('.', '!', '?', ';'), a colon before white space, line breaks, bullets (' - ', ' * '),
# Markdown emphasis ('**') and '|'. Each byte's classes are looked up in NumPy: a regex
# over the text (or a Python loop over its words) costs several times more.
_WORD, _SPACE, _STOP, _COLON, _BREAK, _BULLET, _STAR = 1, 2, 4, 8, 16, 32, 64
_CLASSES = np.zeros(256, dtype=np.uint8)
for _chars, _class in ((_WORD_CHARS, _WORD), (b" \t\n\r\x0b\x0c\x1c\x1d\x1e\x1f", _SPACE),
                       (b".!?;", _STOP), (b":", _COLON), (b"\n|", _BREAK), (b"-*", _BULLET),
                       (b"*", _STAR)):
    _CLASSES[list(_chars)] |= _class


def _words(data: bytes) -> tuple[list[bytes], np.ndarray]:
    """The words of an ASCII-folded text and the index of each sentence's first word."""
    words = data.translate(_WORDS_ONLY).split()
    if not words:
        return words, np.empty(0, dtype=np.intp)
    classes = _CLASSES[np.frombuffer(data, dtype=np.uint8)]
    in_word = classes & _WORD
    word_starts = (in_word[1:] > in_word[:-1]).nonzero()[0] + 1
    if in_word[0]:
        word_starts = np.concatenate(([0], word_starts))
    head, space_after = classes[:-1], (classes[1:] & _SPACE).astype(bool)
    end = (classes & _BREAK).astype(bool)
    end[:-1] |= (head & (_STOP | _COLON)).astype(bool) & space_after
    end[:-1] |= (head & classes[1:] & _STAR).astype(bool)
    end[:-2] |= ((classes[:-2] & _SPACE).astype(bool) & (classes[1:-1] & _BULLET).astype(bool)
                 & space_after[1:])
    if classes[-1] & _STOP:
        end[-1] = True
    # A word starts a sentence when an end mark lies between it and the word before.
    ends_before = np.searchsorted(end.nonzero()[0], word_starts)
    return words, np.concatenate(([0], (ends_before[1:] != ends_before[:-1]).nonzero()[0] + 1))


def _sentence_hashes(hashed: np.ndarray, starts: np.ndarray, *, shortest: int = 4
                     ) -> np.ndarray:
    """A 32-bit hash (of its words' hashes and their order) per distinct sentence of at
    least `shortest` words, sorted; `starts` are the sentences' first words."""
    lengths = np.empty(len(starts), dtype=np.intp)
    np.subtract(starts[1:], starts[:-1], out=lengths[:-1])
    lengths[-1] = len(hashed) - starts[-1]
    kept = lengths >= shortest
    # Each word adds (its hash x _MIX[0] + its place in the sentence, from 1, x _MIX[1]),
    # modulo 2**32: the sum over a sentence of L words is (the sum of its hashes x
    # _MIX[0] + L (L + 1) / 2 x _MIX[1]), summed modulo 2**64 and cut to the low 32 bits.
    sums = np.add.reduceat(hashed, starts)[kept]
    size = lengths[kept].astype(np.uint64)
    sums *= _MIX[0]
    sums += (size * (size + np.uint64(1)) >> np.uint64(1)) * _MIX[1]
    sums &= _LOW
    return _unique(sums).astype(np.uint32)


def _numbers(words: list[bytes], digits: np.ndarray
             ) -> tuple[set[str], dict[tuple[str, str], set[str]]]:
    """The numbers of a text (but 0) and, for each number between two words that are no
    numbers, those two words; `digits` are where the words of digits are (sorted)."""
    numbers = {word.decode("ascii") for word in {words[i] for i in digits.tolist()}
               if word.strip(b"0")}
    numbered: dict[tuple[str, str], set[str]] = {}
    is_digits = np.zeros(len(words) + 1, dtype=bool)  # (one more: the last has no next)
    is_digits[digits] = True
    alone = digits[(digits > 0) & ~is_digits[digits - 1] & ~is_digits[digits + 1]]
    last = len(words) - 1
    for i in alone.tolist():
        if i < last:
            numbered.setdefault((words[i - 1].decode("ascii"), words[i + 1].decode("ascii")),
                                set()).add(words[i].decode("ascii"))
    return numbers, numbered


@dataclass(frozen=True)
class Fingerprint:
    """What deduplication knows of one vacancy."""

    signature: np.ndarray
    size: int
    title: frozenset[str]
    title_key: str
    place: str | None
    employer: str | None = None
    grams: np.ndarray | None = None  # hashed n-grams, sorted; None: estimate from signature
    # The distinct sentences of four words or more, hashed: copies share some whole.
    sentences: np.ndarray | None = None
    level: frozenset[str] = frozenset()
    hours: tuple[tuple[int, int], ...] = ()
    times: frozenset[tuple[int, int]] = field(default_factory=frozenset)
    numbers: frozenset[str] = field(default_factory=frozenset)
    title_numbers: frozenset[str] = field(default_factory=frozenset)  # 'groep 4-5': {4, 5}
    words: np.ndarray | None = None  # the text's distinct words, hashed (CRC-32), sorted
    # The numbers between each two words: {('met', 'collega'): {'18'}} for 'met 18 collega's'.
    numbered: Mapping[tuple[str, str], frozenset[str]] = field(default_factory=dict)

    def __getstate__(self) -> dict[str, Any]:
        """What pickling keeps (the crawler sends fingerprints between processes): not the
        MinHash object and n-gram cells cached on it, which are made again when needed."""
        return {name: value for name, value in self.__dict__.items()
                if name not in ("_minhash", "_cells")}

    def minhash(self) -> MinHash:
        """The signature as datasketch's MinHash, for its LSH index (made once)."""
        made = self.__dict__.get("_minhash")
        if made is None:
            made = MinHash(num_perm=NUM_PERM, seed=_SEED, hashvalues=self.signature,
                           permutations=_PERMUTATIONS, scheme=_SCHEME)
            object.__setattr__(self, "_minhash", made)
        return made


def fingerprint(*, title: str, description: str, place: str | None,
                employer: str | None = None) -> Fingerprint:
    """The fingerprint of a vacancy's published text (pure)."""
    town = place_key(place) or place_in_text(description)
    plain, plain_title = _ascii(description), _ascii(title)
    data = plain.encode("ascii")
    words, starts = _words(data)
    if not words:  # no text: the title stands in for it
        words, starts = _words(plain_title.encode("ascii"))
    numbers: set[str] = set()
    numbered: dict[tuple[str, str], set[str]] = {}
    if words:
        hashed = _word_hashes(words)
        digits = (hashed > _LOW).nonzero()[0]
        if len(digits):
            hashed &= _LOW
            numbers, numbered = _numbers(words, digits)
        grams = _unique(_shingles(hashed, SHINGLE_WORDS))
        word_set = _unique(hashed).astype(np.uint32)
        sentences = _sentence_hashes(hashed, starts)
    else:
        grams = np.empty(0, np.uint64)
        word_set, sentences = np.empty(0, np.uint32), np.empty(0, np.uint32)
    # Hours and working times are numbers: a text without digits (all ASCII) names none.
    has_digits = len(data.translate(None, b"0123456789")) < len(data)
    hours = sorted(set(_hours(plain_title, title=True))
                   | set(_hours(plain, title=False) if has_digits else ()))
    key = title_key(title, place=town)
    times = (_working_times(plain, _time_hints(np.frombuffer(data, np.uint8))) if has_digits
             else _EMPTY)
    title_numbers = _DIGIT_RUN.findall(title)
    # Empty sets are all one object: fewer objects per fingerprint for the garbage collector.
    return Fingerprint(signature=_minhash_values(grams), size=len(grams),
                       grams=grams.astype(np.uint32),
                       sentences=sentences, title=_key_trigrams(key),
                       title_key=key, place=town,
                       employer=employer_key(employer), level=title_level(title) or _EMPTY,
                       hours=tuple(hours), times=times or _EMPTY,
                       numbers=frozenset(numbers) if numbers else _EMPTY,
                       title_numbers=frozenset(title_numbers) if title_numbers else _EMPTY,
                       words=word_set,
                       numbered={context: frozenset(found) for context, found in numbered.items()})


_EMPTY: frozenset[Any] = frozenset()


def number_conflicts(a: Fingerprint, b: Fingerprint) -> int:
    """How many places both texts fill with other numbers: the same words around ('met
    ... collega s') but no number in common there ('18' in one, '6' in the other). A
    copy keeps its numbers (an agency turning a monthly salary into an hourly wage
    words it otherwise); two jobs written on one template differ in them."""
    small, large = sorted((a.numbered, b.numbered), key=len)
    return sum(1 for context, numbers in small.items()
               if (other := large.get(context)) is not None and not numbers & other)


def title_similarity(a: Fingerprint, b: Fingerprint) -> float:
    """How alike two titles are: Jaccard of their letter trigrams, or how much of the
    shorter title is in the longer ('Chauffeur' in 'Chauffeur bakwagen'), a little less."""
    if not a.title or not b.title:
        return 0.0
    shared = len(a.title & b.title)
    return max(shared / len(a.title | b.title), 0.9 * shared / min(len(a.title), len(b.title)))


def _one_edit_apart(a: str, b: str) -> bool:
    """Whether two words differ by one letter ('analist', 'analyst')."""
    if abs(len(a) - len(b)) > 1 or min(len(a), len(b)) < 5:
        return False
    if len(a) == len(b):
        return sum(x != y for x, y in zip(a, b, strict=True)) == 1
    short, long = sorted((a, b), key=len)
    return any(long[:i] + long[i + 1:] == short for i in range(len(long)))


def _uncovered(words: list[str], other: list[str]) -> list[str]:
    """The words of one title the other title does not have, also not as part of a
    compound ('magazijn' is in 'magazijnmedewerker') or spelled one letter apart."""
    squashed = "".join(other)
    return [word for word in words
            if word not in squashed and not any(
                (len(part) >= 4 and part in word) or _one_edit_apart(word, part)
                for part in other)]


def title_relation(a: Fingerprint, b: Fingerprint) -> str:
    """'same' when each title's words are in the other, 'extends' when one title only
    adds words to the other ('Chauffeur', 'Chauffeur bakwagen'), 'differs' when each has
    words the other lacks ('Azure Cloud Engineer', 'Azure Integration Engineer')."""
    words_a, words_b = a.title_key.split(), b.title_key.split()
    extra_a, extra_b = _uncovered(words_a, words_b), _uncovered(words_b, words_a)
    if (extra_a and extra_b and words_a and words_b) or (
            a.title_numbers and b.title_numbers and not a.title_numbers & b.title_numbers):
        return "differs"  # or other numbers: 'groep 4-5', 'groep 6-7-8'
    if extra_a or extra_b or a.level != b.level:  # 'Senior X' to 'X' adds a word too
        return "extends"
    return "same"


def names_own_title(a: Fingerprint, b: Fingerprint) -> bool:
    """Whether either text names a word of its own title that the other title and the
    other text lack: 'Data Engineer' in one text, 'BI Consultant' in the other, is two
    jobs written on one template. A board's or agency's new title ('Bezorger bakwagen'
    for 'Chauffeur') is not in the text it copied, so it is no such sign."""
    if a.words is None or b.words is None:
        return False
    words_a, words_b = a.title_key.split(), b.title_key.split()
    for own, other, extra in ((a, b, _uncovered(words_a, words_b)),
                              (b, a, _uncovered(words_b, words_a))):
        for word in extra:
            if len(word) < 4:
                continue
            hashed = np.uint32(zlib.crc32(word.encode()))
            assert own.words is not None and other.words is not None
            if _contains(own.words, hashed) and not _contains(other.words, hashed):
                return True
    return False


def _contains(sorted_values: np.ndarray, value: np.uint32) -> bool:
    position = int(np.searchsorted(sorted_values, value))
    return position < len(sorted_values) and sorted_values[position] == value


def text_overlap(a: Fingerprint, b: Fingerprint) -> tuple[float, float]:
    """(Jaccard, containment) of two descriptions' 3-gram sets: exact when both n-gram
    sets are known, else estimated from the MinHash signatures."""
    if a.grams is not None and b.grams is not None and a.size and b.size:
        shared = len(_shared_positions(a.grams, b.grams)[0])
        return shared / (a.size + b.size - shared), shared / min(a.size, b.size)
    jaccard = float(np.mean(a.signature == b.signature))
    if a.size == 0 or b.size == 0:
        return jaccard, 0.0
    estimated = jaccard / (1 + jaccard) * (a.size + b.size)
    return jaccard, min(1.0, estimated / min(a.size, b.size))


NUMBER_CONFLICTS = 2  # places filled with other numbers that make two postings two jobs


def places_agree(a: Fingerprint, b: Fingerprint) -> bool:
    """Whether two places can be the same (unknown agrees with anything)."""
    if not a.place or not b.place or a.place == b.place:
        return True
    return _same_place(a.place, b.place)


def _same_place(a: str, b: str) -> bool:
    if a in b or b in a:  # 'utrecht', 'utrecht leidsche rijn'
        return True
    return _PLACE_NAMES.get(a, a) == _PLACE_NAMES.get(b, b)


def contradicts(a: Fingerprint, b: Fingerprint) -> bool:
    """Whether two postings name facts that cannot both hold for one job: another place,
    another seniority, other hours per week, other working times, other numbers in the
    same words (`number_conflicts`)."""
    if not places_agree(a, b):
        return True
    if a.level and b.level and not a.level & b.level:
        return True
    if a.hours and b.hours and not any(
            low <= other_high and other_low <= high
            for low, high in a.hours for other_low, other_high in b.hours):
        return True
    if a.times and b.times and not a.times & b.times:
        return True
    return number_conflicts(a, b) >= NUMBER_CONFLICTS


def _same_employer(a: Fingerprint, b: Fingerprint) -> bool | None:
    if not a.employer or not b.employer:
        return None
    return a.employer == b.employer or a.employer in b.employer or b.employer in a.employer


def _shared_positions(a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Where the values two sorted, distinct arrays share are in each."""
    swapped = len(a) > len(b)
    if swapped:
        a, b = b, a
    if not len(b):
        empty = np.empty(0, dtype=np.intp)
        return empty, empty
    at = np.searchsorted(b, a)
    # A value past b's end is above all of b: compared with b's last value, it differs.
    np.minimum(at, len(b) - 1, out=at)
    found = b[at] == a
    in_a, in_b = found.nonzero()[0], at[found]
    return (in_b, in_a) if swapped else (in_a, in_b)


def shared_weight(a: Fingerprint, b: Fingerprint, *, weights_a: np.ndarray,
                  weights_b: np.ndarray,
                  shared: tuple[np.ndarray, np.ndarray] | None = None) -> tuple[float, float]:
    """(weighted containment, plain containment) of two texts whose 3-grams are weighted
    by how job-specific they are: the summed weight of the 3-grams both have (each at
    the lower of its two weights) as a share of the lighter text's total weight, and
    the share of the shorter text's 3-grams the other has."""
    return _shared_weight(a, b, weights_a=weights_a, weights_b=weights_b, shared=shared,
                          total_a=float(weights_a.sum()), total_b=float(weights_b.sum()))


def _shared_weight(a: Fingerprint, b: Fingerprint, *, weights_a: np.ndarray,
                   weights_b: np.ndarray, shared: tuple[np.ndarray, np.ndarray] | None,
                   total_a: float, total_b: float) -> tuple[float, float]:
    """`shared_weight`, with the weights' sums given (the finder keeps them)."""
    assert a.grams is not None and b.grams is not None
    in_a, in_b = shared or _shared_positions(a.grams, b.grams)
    weight = float(np.minimum(weights_a[in_a], weights_b[in_b]).sum())
    total = min(total_a, total_b)
    return (weight / total if total > 0 else 0.0), len(in_a) / min(a.size, b.size)


# The verification score: a logistic model of "same job" over five features, fitted on
# the candidate pairs of bench/dedup.py's generated reposts (seeds 1-3). Plain
# containment weighs against: text shared because it is boilerplate is no sign of one
# job. `SAME_JOB` is the log-odds two postings need, and it and the rules below were
# set on seeds 1-10 and on the real postings of ../shared/data (seeds 11-20 kept apart
# as a check).
SCORE_WEIGHTS = {"containment": 14.9, "plain_containment": -4.7, "titles": 3.0, "place": 4.4,
                 "numbers": 6.3}
SCORE_BIAS = -10.9
SAME_JOB = -1.0  # probability 0.27
# Titles that differ (each has words the other lacks, after '(m/v/x)', hours, the place
# and such are gone) are one job only when the text says so clearly: a copy from an
# agency that renamed the job ('Chauffeur' → 'Bezorger bakwagen') shares this much
# job-specific text. An employer's own vacancies share its boilerplate (real ones often
# most of their text: 'Google Data Engineer' and 'Google Cloud Engineer' at one
# employer share 90%), so under the same employer name a posting whose title adds
# words or a seniority must be nearly the same text, a renamed one all but the same,
# and one whose text names its own title (`names_own_title`) the same text.
RENAMED_COPY = 0.3
OWN_TITLES = 0.6  # each text names its own title: two jobs unless most text is shared
SAME_EMPLOYER_EXTENDED = 0.9
SAME_EMPLOYER_SAME_TITLE = 0.5  # one employer's own text, copied: most of it stays
SAME_EMPLOYER_RENAMED = 0.95
SAME_EMPLOYER_OWN_TITLES = 0.99
MIN_OVERLAP = 0.2  # whatever else agrees, less shared job-specific text is another job
LITTLE_SHARED = 0.1  # less of the shorter text in the other is not weighed at all


def number_agreement(a: Fingerprint, b: Fingerprint) -> float:
    """The share of the numbers named in the text with fewer numbers that the other also
    names (hours, times, team size, salary, dates, phone); 0.5 (no sign either way) when
    either names fewer than three."""
    if len(a.numbers) < 3 or len(b.numbers) < 3:
        return 0.5
    return len(a.numbers & b.numbers) / min(len(a.numbers), len(b.numbers))


def _score(a: Fingerprint, b: Fingerprint, *, weights_a: np.ndarray | None,
           weights_b: np.ndarray | None,
           shared: tuple[np.ndarray, np.ndarray] | None = None,
           totals: tuple[float, float] | None = None, checked: bool = False) -> float | None:
    """How surely two postings are one job (log-odds), or None when they are not. The
    finder passes what it knows already: the weights' sums (`totals`) and that the two
    do not contradict each other (`checked`)."""
    if not checked and contradicts(a, b):
        return None
    titles = title_similarity(a, b)
    if min(a.size, b.size) < 8:  # a text this short says little: the title must agree
        containment = text_overlap(a, b)[1]
        return titles + containment if titles >= 0.8 and containment >= 0.8 else None
    if weights_a is None or weights_b is None:  # no corpus: every 3-gram counts as specific
        weights_a = np.ones(a.size)
        weights_b = np.ones(b.size)
        totals = None
    if totals is None:
        totals = (float(weights_a.sum()), float(weights_b.sum()))
    containment, plain = _shared_weight(a, b, weights_a=weights_a, weights_b=weights_b,
                                        shared=shared, total_a=totals[0], total_b=totals[1])
    if containment < MIN_OVERLAP:
        return None
    relation = title_relation(a, b)
    same_employer = _same_employer(a, b)
    if same_employer and plain < SAME_EMPLOYER_SAME_TITLE:
        return None
    if relation != "same":
        if same_employer:
            if names_own_title(a, b):
                needed = SAME_EMPLOYER_OWN_TITLES
            elif relation == "differs" or a.level != b.level:
                needed = SAME_EMPLOYER_RENAMED  # 'Senior X' to 'X' is as much a new name
            else:
                needed = SAME_EMPLOYER_EXTENDED
            if plain < needed:
                return None
        elif relation == "differs" and containment < (
                OWN_TITLES if names_own_title(a, b) else RENAMED_COPY):
            return None
    score = (SCORE_BIAS + SCORE_WEIGHTS["containment"] * containment
             + SCORE_WEIGHTS["plain_containment"] * plain
             + SCORE_WEIGHTS["titles"] * titles
             + SCORE_WEIGHTS["place"] * bool(a.place and b.place)
             + SCORE_WEIGHTS["numbers"] * number_agreement(a, b))
    return score if score >= SAME_JOB else None


def is_duplicate(a: Fingerprint, b: Fingerprint, *, weights_a: np.ndarray | None = None,
                 weights_b: np.ndarray | None = None) -> bool:
    """Whether two fingerprints are the same job (pure; symmetric). Without weights every
    3-gram counts as job-specific."""
    return _score(a, b, weights_a=weights_a, weights_b=weights_b) is not None


class GramCounts:
    """In how many jobs each 3-gram occurs, approximately: a count-min sketch (two rows
    of `width` 16-bit counters; a 3-gram's count is the lower of its two cells, never
    below the truth). Exact counts for every 3-gram of tens of thousands of vacancies
    would take gigabytes; this takes 4 x `width` bytes."""

    def __init__(self, *, width: int = 1 << 22) -> None:
        if width & (width - 1):
            raise ValueError("width must be a power of two")
        self._mask = np.uint64(width - 1)
        self._width = width
        self._rows = np.zeros((2, width), dtype=np.uint16)
        self._flat = self._rows.reshape(-1)  # both rows, one after the other (a view)

    def _cells(self, grams: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        keys = grams.astype(np.uint64)
        return keys & self._mask, ((keys * _MIX[1]) >> np.uint64(7)) & self._mask

    def add(self, grams: np.ndarray, *, step: int = 1) -> None:
        """Count distinct `grams` once more (step 1) or once less (step -1)."""
        for row, cells in zip(self._rows, self._cells(grams), strict=True):
            if step > 0:  # (two 3-grams of one text in one cell count once: rare, harmless)
                row[cells] = np.minimum(row[cells], np.uint16(0xFFFE)) + np.uint16(1)
            else:
                counts = np.bincount(cells.astype(np.intp), minlength=0)
                used = np.nonzero(counts)[0]
                row[used] -= np.minimum(row[used], counts[used].astype(np.uint16))

    def get(self, grams: np.ndarray, *, cells: tuple[np.ndarray, np.ndarray] | None = None
            ) -> np.ndarray:
        """The counts of `grams` (whose `cells`, when given, save working them out)."""
        first, second = cells or self._cells(grams)
        return np.minimum(self._rows[0][first], self._rows[1][second])

    def cells(self, grams: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Where `grams` are counted, ready to pass to `get`."""
        first, second = self._cells(grams)
        return first.astype(np.intp), second.astype(np.intp)

    # Both rows at once (one NumPy call where there were two; the finder's own use):

    def flat_cells(self, grams: np.ndarray) -> np.ndarray:
        """Where `grams` are counted in both rows, as places in the rows laid end to end:
        the first row's cells, then the second row's."""
        first, second = self._cells(grams)
        second += np.uint64(self._width)
        return np.concatenate((first, second)).astype(np.intp)

    def add_flat(self, cells: np.ndarray) -> None:
        """`add` (step 1) of the grams whose `flat_cells` these are."""
        flat = self._flat
        flat[cells] = np.minimum(flat[cells], np.uint16(0xFFFE)) + np.uint16(1)

    def get_flat(self, cells: np.ndarray) -> np.ndarray:
        """`get` of the grams whose `flat_cells` these are."""
        counts = self._flat[cells]
        half = len(counts) // 2
        return np.minimum(counts[:half], counts[half:])


class DuplicateFinder:
    """The vacancies seen so far, grouped into jobs, searchable for a new posting's job.

    A job is known by the key it was added under (its canonical vacancy) and holds that
    vacancy's fingerprint and those of the copies `find` matched to it. The finder counts
    in how many jobs each 3-gram occurs, which tells boilerplate and templates from what
    is said of this one job, and which jobs have each sentence, to propose candidates.
    """

    def __init__(self, *, gram_cells: int = 1 << 22) -> None:
        self._lsh = MinHashLSH(threshold=LSH_THRESHOLD, num_perm=NUM_PERM)
        self._prints: dict[str, Fingerprint] = {}  # canonical keys and copies' keys
        self._job_of: dict[str, str] = {}  # any key → its job's canonical key
        # canonical key → keys of matched copies (tuples: the GC leaves them alone)
        self._copies: dict[str, tuple[str, ...]] = {}
        # (title, place) → keys, oldest first (a dict as an ordered set; one key: itself)
        self._by_title: dict[tuple[str, str], str | dict[str, None]] = {}
        # sentence → its jobs (one job: its key, not a set of one; None: too many jobs)
        self._jobs_with: dict[int, str | set[str] | None] = {}
        self._job_sentences: dict[str, set[int]] = {}  # job → the sentences of its texts
        self._job_grams: dict[str, np.ndarray] = {}  # job → the 3-grams of all its texts
        self._gram_jobs = GramCounts(width=gram_cells)
        # key → (the number of jobs then, weights, their sum)
        self._weights: dict[str, tuple[int, np.ndarray | None, float]] = {}
        self._copy_number = 0

    def __len__(self) -> int:
        return len(self._copies)

    def add(self, key: str, print_: Fingerprint) -> None:
        """Add (or replace) the canonical vacancy `key`; copies matched to it stay."""
        if key in self._copies:
            self._unindex(key)
        else:
            self._copies[key] = ()
            self._job_sentences[key] = set()
        self._index(key, print_, job=key)

    def remove(self, key: str) -> None:
        """Forget a canonical vacancy and the copies matched to it."""
        if key not in self._copies:
            return
        for copy in self._copies.pop(key):
            self._unindex(copy)
        self._unindex(key)
        for sentence in self._job_sentences.pop(key):
            jobs = self._jobs_with.get(sentence)
            if type(jobs) is set:
                jobs.discard(key)
                if not jobs:
                    del self._jobs_with[sentence]
            elif jobs is not None and jobs == key:
                del self._jobs_with[sentence]
        grams = self._job_grams.pop(key, None)
        if grams is not None and len(grams):
            self._gram_jobs.add(grams, step=-1)

    def find(self, print_: Fingerprint, *, exclude: str | None = None,
             remember: bool = True) -> str | None:
        """The key of the job `print_` is a copy of, or None: the best scoring job none of
        whose postings contradicts it (a 'Junior' copy of 'Data Scientist' does not join
        the job that also holds 'Senior Data Scientist'). With `remember`, a copy found
        joins its job, so later copies can match it too."""
        excluded = self._job_of.get(exclude, exclude) if exclude is not None else None
        weights: np.ndarray | None = None
        total = 0.0
        scores: dict[str, float] = {}
        for key in self._candidates(print_):
            job = self._job_of[key]
            other = self._prints[key]
            if job == excluded or contradicts(print_, other):
                continue
            shared = None
            if print_.grams is not None and other.grams is not None \
                    and min(print_.size, other.size) >= 8:
                shared = _shared_positions(print_.grams, other.grams)
                if len(shared[0]) < LITTLE_SHARED * min(print_.size, other.size):
                    continue  # not worth weighing
            if weights is None:
                weights = self.weights(print_)
                total = 0.0 if weights is None else float(weights.sum())
            weights_b, total_b = self._stored_weights(key)
            score = _score(print_, other, weights_a=weights, weights_b=weights_b, shared=shared,
                           totals=(total, total_b), checked=True)
            if score is not None and score > scores.get(job, -np.inf):
                scores[job] = score
        found = next((job for job in sorted(scores, key=lambda j: (-scores[j], j))
                      if not any(contradicts(print_, self._prints[member])
                                 for member in (job, *self._copies[job]))), None)
        if found is None:
            return None
        job = found
        if remember:
            self.add_copy(job, print_)
        return job

    def add_copy(self, job: str, print_: Fingerprint) -> None:
        """File `print_` as a copy of the job `job` (as `find` does with a copy it found):
        later copies are matched against it too. Beyond `COPIES_PER_JOB` copies, or for
        an unknown job, nothing happens."""
        if job not in self._copies or len(self._copies[job]) >= COPIES_PER_JOB:
            return
        self._copy_number += 1
        copy = f"{job}\x00{self._copy_number}"
        self._copies[job] += (copy,)
        self._index(copy, print_, job=job)

    def weights(self, print_: Fingerprint) -> np.ndarray | None:
        """Each 3-gram's weight: 1 / the number of jobs whose texts have it (at least 1)."""
        if print_.grams is None or not print_.size:
            return None
        counts = self._gram_jobs.get_flat(self._cells(print_))
        return 1.0 / np.maximum(counts, 1).astype(np.float64)

    # --- inside ---------------------------------------------------------------------------

    def _stored_weights(self, key: str) -> tuple[np.ndarray | None, float]:
        """`weights` of an indexed text and their sum, kept while the number of jobs grew
        less than 10% (they change slowly, and the crawler asks for the same texts over
        and over)."""
        jobs = len(self._copies)
        kept = self._weights.get(key)
        if kept is None or jobs > kept[0] * 1.1 + 10:
            weights = self.weights(self._prints[key])
            if weights is None:
                kept = (jobs, None, 0.0)
            else:
                weights = weights.astype(np.float32)
                kept = (jobs, weights, float(weights.sum()))
            self._weights.pop(key, None)
            self._weights[key] = kept  # the newest last: the oldest go first when full
            if len(self._weights) > WEIGHTS_KEPT:
                del self._weights[next(iter(self._weights))]
        return kept[1], kept[2]

    def _cells(self, print_: Fingerprint) -> np.ndarray:
        """Where the n-grams of a fingerprint are counted (`GramCounts.flat_cells`)."""
        assert print_.grams is not None
        width = len(self._gram_jobs._flat)
        kept = print_.__dict__.get("_cells")
        if kept is None or kept[0] != width:  # kept with the fingerprint: asked for often
            kept = (width, self._gram_jobs.flat_cells(print_.grams))
            object.__setattr__(print_, "_cells", kept)
        return kept[1]

    def _candidates(self, print_: Fingerprint) -> set[str]:
        keys = set(self._lsh.query(print_.minhash()))
        if print_.place:  # a short copy at the same place shares little text, but its title
            titled = self._by_title.get((print_.title_key, print_.place))
            if isinstance(titled, dict):
                keys.update(list(titled)[-TITLE_CANDIDATES:])
            elif titled is not None:
                keys.add(titled)
        if print_.sentences is not None and len(print_.sentences):
            shared: Counter[str] = Counter()
            jobs_with = self._jobs_with
            for jobs in map(jobs_with.get, print_.sentences.tolist()):
                if jobs is None:
                    continue
                if not isinstance(jobs, set):  # one job
                    shared[jobs] += 1
                elif len(jobs) <= CANDIDATE_JOBS_PER_SENTENCE:
                    shared.update(jobs)
            # ties broken by key: the same crawl makes the same groups in every process
            # (the order of a set of keys changes with Python's hash seed)
            for job, _ in heapq.nsmallest(CANDIDATE_JOBS, shared.items(),
                                          key=lambda item: (-item[1], item[0])):
                keys.add(job)
                keys.update(self._copies[job])
        return keys

    def _index(self, key: str, print_: Fingerprint, *, job: str) -> None:
        self._prints[key] = print_
        self._job_of[key] = job
        self._lsh.insert(key, print_.minhash())
        if print_.title_key and print_.place:
            titled = self._by_title.get((print_.title_key, print_.place))
            if titled is None:
                self._by_title[(print_.title_key, print_.place)] = key
            elif isinstance(titled, dict):
                titled[key] = None
            elif titled != key:
                self._by_title[(print_.title_key, print_.place)] = {titled: None, key: None}
        if print_.grams is not None and len(print_.grams):
            known = self._job_grams.get(job)
            if known is None:  # the job's first text (whose cells are known already)
                self._gram_jobs.add_flat(self._cells(print_))
                self._job_grams[job] = print_.grams
            else:
                new = np.setdiff1d(print_.grams, known, assume_unique=True)
                if len(new):
                    self._gram_jobs.add_flat(self._gram_jobs.flat_cells(new))
                    self._job_grams[job] = np.union1d(known, new)
        if print_.sentences is not None:
            own = self._job_sentences[job]
            jobs_with = self._jobs_with
            # Each sentence is filed on its own (in any order): the job's new sentences
            # no job had yet get the job at once, the others one by one.
            fresh = set(print_.sentences.tolist())
            fresh.difference_update(own)
            own.update(fresh)
            first = fresh.difference(jobs_with)
            jobs_with.update(dict.fromkeys(first, job))  # the first job: itself
            for sentence in fresh.difference(first) if len(first) < len(fresh) else ():
                jobs = jobs_with[sentence]
                if jobs is None:
                    continue
                if not isinstance(jobs, set):  # a second job: a set, made as it always was
                    jobs_with[sentence] = jobs = {jobs}
                jobs.add(job)
                if len(jobs) >= BOILERPLATE_JOBS:
                    jobs_with[sentence] = None

    def _unindex(self, key: str) -> None:
        """Take one text out of the indexes (its sentences and 3-grams stay counted for
        its job until the job is removed)."""
        print_ = self._prints.pop(key)
        del self._job_of[key]
        self._weights.pop(key, None)
        self._lsh.remove(key)
        titled = self._by_title.get((print_.title_key, print_.place or ""))
        if type(titled) is dict:
            titled.pop(key, None)
        elif titled is not None and titled == key:
            del self._by_title[(print_.title_key, print_.place or "")]


# --- persistence ------------------------------------------------------------------------

_COLUMNS = {"vacancy_id": str, "content_hash": str, "version": int, "signature": bytes,
            "size": int, "title": str, "title_key": str, "place": str, "employer": str,
            "grams": bytes, "sentences": bytes, "words": bytes,
            "facts": str}


def ensure_table(db: sqlite_utils.Database) -> None:
    """Create `vacancy_fingerprints`; a table of an older layout is dropped (it only
    caches what `fingerprint` computes)."""
    if "vacancy_fingerprints" in db.table_names():
        if set(db["vacancy_fingerprints"].columns_dict) == set(_COLUMNS):
            return
        db["vacancy_fingerprints"].drop()
    db.table("vacancy_fingerprints").create(_COLUMNS, pk="vacancy_id")


def _array(blob: bytes | None) -> np.ndarray | None:
    return None if blob is None else np.frombuffer(blob, dtype=np.uint32).copy()


def save_fingerprint(db: sqlite_utils.Database, *, vacancy_id: str, content_hash: str,
                     print_: Fingerprint, title: str) -> None:
    facts = {"level": sorted(print_.level), "hours": [list(h) for h in print_.hours],
             "times": sorted(list(t) for t in print_.times), "numbers": sorted(print_.numbers),
             "title_numbers": sorted(print_.title_numbers),
             "numbered": sorted([*context, *sorted(numbers)]
                                for context, numbers in print_.numbered.items())}
    db.execute(
        "insert or replace into vacancy_fingerprints (vacancy_id, content_hash, version, "
        "signature, size, title, title_key, place, employer, grams, sentences, words, facts) "
        "values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [vacancy_id, content_hash, FINGERPRINT_VERSION,
         print_.signature.astype(np.uint32).tobytes(), print_.size, title, print_.title_key,
         print_.place, print_.employer,
         *(None if array is None else array.astype(np.uint32).tobytes()
           for array in (print_.grams, print_.sentences, print_.words)),
         json.dumps(facts)])


def _stored_print(row: dict[str, Any]) -> Fingerprint:
    facts = json.loads(row["facts"] or "{}")
    return Fingerprint(
        signature=np.frombuffer(row["signature"], dtype=np.uint32).copy(), size=row["size"],
        title=title_trigrams(row["title"], place=row["place"]), title_key=row["title_key"],
        place=row["place"], employer=row["employer"], grams=_array(row["grams"]),
        sentences=_array(row["sentences"]),
        words=_array(row["words"]),
        level=frozenset(facts.get("level", ())),
        hours=tuple(tuple(h) for h in facts.get("hours", ())),  # type: ignore[misc]
        times=frozenset(tuple(t) for t in facts.get("times", ())),  # type: ignore[misc]
        numbers=frozenset(facts.get("numbers", ())),
        title_numbers=frozenset(facts.get("title_numbers", ())),
        numbered={(n[0], n[1]): frozenset(n[2:]) for n in facts.get("numbered", ())})


OpenVacancy = tuple[str, str, str, str, str | None, str | None]
"""(id, content hash, title, description, place, employer) of an open canonical vacancy
(`load_finder` also takes a seventh element, the canonical id, for an open alias)."""


def load_finder(db: sqlite_utils.Database, *, open_vacancies: Iterable[tuple[Any, ...]]
                ) -> DuplicateFinder:
    """A finder over the given open vacancies; stored fingerprints are reused, missing or
    outdated ones computed and saved. Each item is an `OpenVacancy`, or one with the
    canonical vacancy's id as a seventh element: an alias, filed as a copy of that
    vacancy (after all canonical ones), so that later copies of it are found too."""
    ensure_table(db)
    stored = {row["vacancy_id"]: row for row in db.query(
        "select * from vacancy_fingerprints where version = ?", [FINGERPRINT_VERSION])}
    finder = DuplicateFinder()
    copies: list[tuple[str, Fingerprint]] = []
    with db.atomic():
        for vacancy_id, content_hash, title, description, place, employer, *canonical \
                in open_vacancies:
            row = stored.get(vacancy_id)
            if row is not None and row["content_hash"] == content_hash:
                print_ = _stored_print(row)
            else:
                print_ = fingerprint(title=title, description=description, place=place,
                                     employer=employer)
                save_fingerprint(db, vacancy_id=vacancy_id, content_hash=content_hash,
                                 print_=print_, title=title)
            if canonical and canonical[0] and canonical[0] != vacancy_id:
                copies.append((canonical[0], print_))
            else:
                finder.add(vacancy_id, print_)
    for job, print_ in copies:
        finder.add_copy(job, print_)
    return finder
