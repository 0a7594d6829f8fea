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
    plain = "".join(char for char in decomposed if not unicodedata.combining(char))
    return _NON_WORD.sub(" ", plain).strip()


def shingles(text: str, *, size: int = SHINGLE_WORDS) -> set[str]:
    """The word `size`-grams of a text (the words themselves for a very short text)."""
    words = normalise(text).split()
    if len(words) < size:
        return set(words)
    return {" ".join(words[i:i + size]) for i in range(len(words) - size + 1)}


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
_PERMUTATIONS = MinHash(num_perm=NUM_PERM, seed=_SEED, scheme=_SCHEME).permutations


@dataclass(frozen=True)
class Fingerprint:
    """What deduplication knows of one vacancy."""

    signature: np.ndarray
    size: int
    title: frozenset[str]
    title_key: str
    place: str | None
    employer: str | None = None

    def minhash(self) -> MinHash:
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
    grams = shingles(description) or shingles(title)
    minhash = MinHash(num_perm=NUM_PERM, seed=_SEED, permutations=_PERMUTATIONS, scheme=_SCHEME)
    minhash.update_batch([gram.encode("utf-8") for gram in grams])
    return Fingerprint(signature=minhash.hashvalues.copy(), size=len(grams),
                       title=title_trigrams(title), title_key=title_key(title),
                       place=place_key(place), employer=employer_key(employer))


def _jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    if not a or not b:
        return 0.0
    return len(a & b) / len(a | b)


def text_overlap(a: Fingerprint, b: Fingerprint) -> tuple[float, float]:
    """Estimated (Jaccard, containment) of two descriptions' 3-gram sets."""
    jaccard = float(np.mean(a.signature == b.signature))
    if a.size == 0 or b.size == 0:
        return jaccard, 0.0
    shared = jaccard / (1 + jaccard) * (a.size + b.size)
    return jaccard, min(1.0, shared / min(a.size, b.size))


def is_duplicate(a: Fingerprint, b: Fingerprint) -> bool:
    """Whether two fingerprints are the same job (pure; symmetric)."""
    if a.place and b.place and a.place != b.place \
            and a.place not in b.place and b.place not in a.place:
        return False
    titles = _jaccard(a.title, b.title)
    jaccard, containment = text_overlap(a, b)
    if min(a.size, b.size) < 8:  # a text this short says little: the title must agree
        return titles >= 0.8 and containment >= 0.8
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
        self._by_title: dict[str, set[str]] = {}

    def __len__(self) -> int:
        return len(self._prints)

    def add(self, key: str, print_: Fingerprint) -> None:
        if key in self._prints:
            self.remove(key)
        self._prints[key] = print_
        self._lsh.insert(key, print_.minhash())
        if print_.title_key:
            self._by_title.setdefault(print_.title_key, set()).add(key)

    def remove(self, key: str) -> None:
        old = self._prints.pop(key, None)
        if old is None:
            return
        self._lsh.remove(key)
        self._by_title.get(old.title_key, set()).discard(key)

    def find(self, print_: Fingerprint, *, exclude: str | None = None) -> str | None:
        """The key of the best matching duplicate, or None."""
        candidates = set(self._lsh.query(print_.minhash()))
        candidates |= self._by_title.get(print_.title_key, set())
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
        db["vacancy_fingerprints"].create(
            {"vacancy_id": str, "content_hash": str, "signature": bytes, "size": int,
             "title": str, "place": str, "employer": str}, pk="vacancy_id")


def save_fingerprint(db: sqlite_utils.Database, *, vacancy_id: str, content_hash: str,
                     print_: Fingerprint, title: str) -> None:
    db.execute(
        "insert or replace into vacancy_fingerprints (vacancy_id, content_hash, signature, "
        "size, title, place, employer) values (?, ?, ?, ?, ?, ?, ?)",
        [vacancy_id, content_hash, print_.signature.astype(np.uint32).tobytes(), print_.size,
         title, print_.place, print_.employer])


OpenVacancy = tuple[str, str, str, str, str | None, str | None]
"""(id, content hash, title, description, place, employer) of an open canonical vacancy."""


def load_finder(db: sqlite_utils.Database, *, open_vacancies: Iterable[OpenVacancy]
                ) -> DuplicateFinder:
    """A finder over the given open canonical vacancies; stored fingerprints are reused,
    missing or outdated ones computed and saved."""
    ensure_table(db)
    stored = {row["vacancy_id"]: row for row in db.query(
        "select vacancy_id, content_hash, signature, size, title, place, employer "
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
                    employer=row["employer"])
            else:
                print_ = fingerprint(title=title, description=description, place=place,
                                     employer=employer)
                save_fingerprint(db, vacancy_id=vacancy_id, content_hash=content_hash,
                                 print_=print_, title=title)
            finder.add(vacancy_id, print_)
    return finder
