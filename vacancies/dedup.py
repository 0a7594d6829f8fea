"""Finding the same vacancy published at several places (reposts across sources).

A Dutch vacancy is posted two to five times: on the employer's site, by agencies,
on job boards, each with its own boilerplate around the text and small edits.
Each vacancy gets a `Fingerprint`: a MinHash (datasketch) of the word 3-grams of
its description, the letter trigrams of its title and its place. Candidates come
from MinHash LSH and from an exact title index; a candidate is a duplicate only
when the texts overlap enough *and* the titles agree *and* the places do not
differ. The overlap is measured as containment (the share of the shorter text
found in the longer), so a job board's truncated copy or a site's extra footer
still counts. The fingerprints of stored vacancies live in the table
`vacancy_fingerprints`, owned here.
"""

from __future__ import annotations

import re
import unicodedata
import zlib
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import sqlite_utils
from datasketch import MinHash, MinHashLSH

NUM_PERM = 128
SHINGLE_WORDS = 3
LSH_THRESHOLD = 0.3
# The share of the shorter text that must be found in the other (with agreeing titles),
# by whether the two postings name the same employer, different ones or not both one.
SAME_EMPLOYER, UNKNOWN_EMPLOYER, OTHER_EMPLOYER = 0.45, 0.55, 0.75
NEAR_COPY = 0.75  # texts this alike are one job even when the titles differ more
_SEED = 7

_TITLE_NOISE = re.compile(
    r"\b(m|v|x|mv|mvx|h|f|d|w|vacature|gezocht|fulltime|parttime|full time|part time|"
    r"uur|per week|pw|nieuw|direct|urgent|regio|ervaren|junior|medior|senior)\b")
_NON_WORD = re.compile(r"[^a-z0-9]+")


def normalise(text: str) -> str:
    """Lower case, accents removed, punctuation as spaces: what stays the same across sites."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    plain = decomposed.encode("ascii", "ignore").decode("ascii")  # accents (and all non-ASCII) go
    return _NON_WORD.sub(" ", plain).strip()


def title_key(title: str) -> str:
    """A title without the words sites add to it: '(m/v/x)', 'vacature', hours."""
    words = _TITLE_NOISE.sub(" ", normalise(re.sub(r"\d+", " ", title)))
    return " ".join(words.split())


def title_trigrams(title: str) -> frozenset[str]:
    squashed = title_key(title).replace(" ", "")
    if len(squashed) < 3:
        return frozenset({squashed}) if squashed else frozenset()
    return frozenset(squashed[i:i + 3] for i in range(len(squashed) - 2))


def place_key(place: str | None) -> str | None:
    """The town of a place string ('2712 LB Zoetermeer, ZH, NL' → 'zoetermeer')."""
    if not place:
        return None
    first = normalise(re.sub(r"\b\d{4}\s?[A-Za-z]{2}\b|\d+", " ", place.split(",")[0]))
    return first or None


_SCHEME = "affine32"
_PRIME = np.uint64(4294967291)  # the largest prime below 2**32
_rng = np.random.RandomState(_SEED)
_A = _rng.randint(1, 2**32 - 5, size=NUM_PERM, dtype=np.uint64)
_B = _rng.randint(0, 2**32 - 5, size=NUM_PERM, dtype=np.uint64)
_MIX = (np.uint64(0x9E3779B1), np.uint64(0x85EBCA77))
# datasketch's LSH takes its MinHash objects; we give them our values (its own update
# hashes every n-gram in Python, several times slower than `signature`).
_PERMUTATIONS = MinHash(num_perm=NUM_PERM, seed=_SEED, scheme=_SCHEME).permutations


_WORD_HASHES: dict[str, int] = {}  # words repeat across vacancies: hash each once


def signature(description: str, *, size: int = SHINGLE_WORDS) -> tuple[np.ndarray, np.ndarray]:
    """The MinHash signature of a text's word `size`-grams, and the hashed n-grams themselves
    (sorted, distinct: exact overlap for the few candidates LSH finds).

    Words are hashed once (CRC-32, stable across processes), n-grams are combined from
    them and permuted with `NUM_PERM` universal hash functions, all in NumPy: the crawler
    fingerprints every page it reads.
    """
    words = normalise(description).split()
    if not words:
        return (np.full(NUM_PERM, np.iinfo(np.uint32).max, dtype=np.uint32),
                np.empty(0, dtype=np.uint32))
    cache = _WORD_HASHES
    if len(cache) > 500_000:
        cache.clear()
    for word in set(words).difference(cache):
        cache[word] = zlib.crc32(word.encode())
    hashed = np.fromiter(map(cache.__getitem__, words), dtype=np.uint64, count=len(words))
    if len(hashed) >= size:
        grams = hashed[:len(hashed) - size + 1].copy()
        for offset in range(1, size):
            grams = (grams * _MIX[(offset - 1) % 2] + hashed[offset:len(hashed) - size + 1 + offset]
                     ) & np.uint64(0xFFFFFFFF)
    else:
        grams = hashed
    grams = np.unique(grams)
    permuted = (grams[:, None] * _A % _PRIME + _B) % _PRIME
    return permuted.min(axis=0).astype(np.uint32), grams.astype(np.uint32)


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

    def minhash(self) -> MinHash:
        """The signature as datasketch's MinHash, for its LSH index."""
        return MinHash(num_perm=NUM_PERM, seed=_SEED, hashvalues=self.signature,
                       permutations=_PERMUTATIONS, scheme=_SCHEME)


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
    """The town a description names ('Als kok in Rijswijk ...'), for postings without place."""
    for match in _PLACE_IN_TEXT.finditer(text[:3000]):
        key = place_key(match.group(1))
        if key and key.split()[0] not in _NOT_PLACES:
            return key
    return None


def fingerprint(*, title: str, description: str, place: str | None,
                employer: str | None = None) -> Fingerprint:
    """The fingerprint of a vacancy's published text (pure)."""
    place = place or place_in_text(description)
    values, grams = signature(description)
    if len(grams) == 0:
        values, grams = signature(title)
    return Fingerprint(signature=values, size=len(grams), grams=grams,
                       title=title_trigrams(title), title_key=title_key(title),
                       place=place_key(place), employer=employer_key(employer))


def _jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    if not a or not b:
        return 0.0
    return len(a & b) / len(a | b)


def text_overlap(a: Fingerprint, b: Fingerprint) -> tuple[float, float]:
    """(Jaccard, containment) of two descriptions' 3-gram sets: exact when both n-gram
    sets are known, else estimated from the MinHash signatures."""
    if a.grams is not None and b.grams is not None and a.size and b.size:
        shared = len(np.intersect1d(a.grams, b.grams, assume_unique=True))
        return shared / (a.size + b.size - shared), shared / min(a.size, b.size)
    jaccard = float(np.mean(a.signature == b.signature))
    if a.size == 0 or b.size == 0:
        return jaccard, 0.0
    estimated = jaccard / (1 + jaccard) * (a.size + b.size)
    return jaccard, min(1.0, estimated / min(a.size, b.size))


def is_duplicate(a: Fingerprint, b: Fingerprint) -> bool:
    """Whether two fingerprints are the same job (pure; symmetric)."""
    if a.place and b.place and a.place != b.place \
            and a.place not in b.place and b.place not in a.place:
        return False
    titles = _jaccard(a.title, b.title)
    jaccard, containment = text_overlap(a, b)
    if min(a.size, b.size) < 8:  # a text this short says little: the title must agree
        return titles >= 0.8 and containment >= 0.8
    needed: float
    if a.employer and b.employer:
        same = a.employer == b.employer or a.employer in b.employer or b.employer in a.employer
        needed = SAME_EMPLOYER if same else OTHER_EMPLOYER  # agencies name themselves
    else:
        needed = UNKNOWN_EMPLOYER
    return (titles >= 0.5 and containment >= needed) or (titles >= 0.2 and containment >= NEAR_COPY)


class DuplicateFinder:
    """The open canonical vacancies, searchable for a near-duplicate of a new one."""

    def __init__(self) -> None:
        self._lsh = MinHashLSH(threshold=LSH_THRESHOLD, num_perm=NUM_PERM)
        self._prints: dict[str, Fingerprint] = {}
        self._by_title: dict[tuple[str, str], set[str]] = {}  # (title, place): same job

    def __len__(self) -> int:
        return len(self._prints)

    def add(self, key: str, print_: Fingerprint) -> None:
        if key in self._prints:
            self.remove(key)
        self._prints[key] = print_
        self._lsh.insert(key, print_.minhash())
        if print_.title_key and print_.place:
            self._by_title.setdefault((print_.title_key, print_.place), set()).add(key)

    def remove(self, key: str) -> None:
        old = self._prints.pop(key, None)
        if old is None:
            return
        self._lsh.remove(key)
        self._by_title.get((old.title_key, old.place or ""), set()).discard(key)

    def find(self, print_: Fingerprint, *, exclude: str | None = None) -> str | None:
        """The key of the best matching duplicate, or None."""
        candidates = set(self._lsh.query(print_.minhash()))
        if print_.place:  # a short copy at the same place shares little text, but its title
            candidates |= self._by_title.get((print_.title_key, print_.place), set())
        candidates.discard(exclude)
        best: tuple[float, str] | None = None
        for key in sorted(candidates):
            other = self._prints[key]
            if not is_duplicate(print_, other):
                continue
            _, containment = text_overlap(print_, other)
            score = containment + _jaccard(print_.title, other.title)
            if best is None or score > best[0]:
                best = (score, key)
        return best[1] if best else None


# --- persistence ------------------------------------------------------------------------


def ensure_table(db: sqlite_utils.Database) -> None:
    if "vacancy_fingerprints" not in db.table_names():
        db.table("vacancy_fingerprints").create(
            {"vacancy_id": str, "content_hash": str, "signature": bytes, "size": int,
             "title": str, "place": str, "employer": str, "grams": bytes}, pk="vacancy_id")


def save_fingerprint(db: sqlite_utils.Database, *, vacancy_id: str, content_hash: str,
                     print_: Fingerprint, title: str) -> None:
    db.execute(
        "insert or replace into vacancy_fingerprints (vacancy_id, content_hash, signature, "
        "size, title, place, employer, grams) values (?, ?, ?, ?, ?, ?, ?, ?)",
        [vacancy_id, content_hash, print_.signature.astype(np.uint32).tobytes(), print_.size,
         title, print_.place, print_.employer,
         None if print_.grams is None else print_.grams.astype(np.uint32).tobytes()])


OpenVacancy = tuple[str, str, str, str, str | None, str | None]
"""(id, content hash, title, description, place, employer) of an open canonical vacancy."""


def load_finder(db: sqlite_utils.Database, *, open_vacancies: Iterable[OpenVacancy]
                ) -> DuplicateFinder:
    """A finder over the given open canonical vacancies; stored fingerprints are reused,
    missing or outdated ones computed and saved."""
    ensure_table(db)
    stored = {row["vacancy_id"]: row for row in db.query(
        "select vacancy_id, content_hash, signature, size, title, place, employer, grams "
        "from vacancy_fingerprints")}
    finder = DuplicateFinder()
    with db.atomic():
        for vacancy_id, content_hash, title, description, place, employer in open_vacancies:
            row = stored.get(vacancy_id)
            if row is not None and row["content_hash"] == content_hash:
                print_ = Fingerprint(
                    signature=np.frombuffer(row["signature"], dtype=np.uint32).copy(),
                    size=row["size"], title=title_trigrams(row["title"]),
                    title_key=title_key(row["title"]), place=row["place"],
                    employer=row["employer"], grams=None if row["grams"] is None else
                    np.frombuffer(row["grams"], dtype=np.uint32).copy())
            else:
                print_ = fingerprint(title=title, description=description, place=place,
                                     employer=employer)
                save_fingerprint(db, vacancy_id=vacancy_id, content_hash=content_hash,
                                 print_=print_, title=title)
            finder.add(vacancy_id, print_)
    return finder
