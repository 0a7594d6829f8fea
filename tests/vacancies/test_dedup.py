"""Deduplication: the same job across sites is found, different jobs are kept apart."""

from __future__ import annotations

from vacancies.dedup import (
    DuplicateFinder,
    fingerprint,
    is_duplicate,
    load_finder,
    place_in_text,
    place_key,
    title_key,
)
from vacancies.store import VacancyStore

TASKS = ("Je verzamelt in ons distributiecentrum in Bleiswijk producten voor de winkels van "
         "onze klanten. Je werkt met een handscanner en een elektrische palletwagen. Je werkt "
         "van maandag tot en met vrijdag van 7.00 tot 15.30 uur in team Noord met twaalf "
         "collega's. Je begint op 1 december, vragen? Bel Sanne Kramer via 06-12345678.")
BOILERPLATE = ("Groenhuis Distributie is een familiebedrijf met 300 collega's. Wij bieden een "
               "goed salaris, 25 vakantiedagen en een reiskostenvergoeding. Wij werken al "
               "veertig jaar voor supermarkten in heel Nederland.")


def test_repost_with_board_boilerplate_and_other_title_is_a_duplicate():
    original = fingerprint(title="Orderpicker", description=f"{BOILERPLATE} {TASKS}",
                           place="Bleiswijk", employer="Groenhuis Distributie B.V.")
    repost = fingerprint(title="Vacature: Orderpicker (m/v/x)",
                         description=f"Nieuw op Banenbank! {TASKS} Solliciteer via Banenbank.",
                         place="2665 Bleiswijk, ZH, NL", employer="Groenhuis Distributie")
    assert is_duplicate(original, repost) and is_duplicate(repost, original)


def test_truncated_copy_on_a_job_board_is_a_duplicate():
    original = fingerprint(title="Orderpicker", description=f"{TASKS} {BOILERPLATE}",
                           place="Bleiswijk")
    words = TASKS.split()
    truncated = fingerprint(title="Orderpicker", place=None,
                            description=" ".join(words[:int(len(words) * 0.6)]) + " ...")
    assert is_duplicate(original, truncated)


def test_same_text_in_another_town_is_another_vacancy():
    delft = fingerprint(title="Orderpicker", description=TASKS, place="Delft")
    gouda = fingerprint(title="Orderpicker", description=TASKS, place="Gouda")
    assert not is_duplicate(delft, gouda)


def test_same_employer_boilerplate_with_another_job_is_another_vacancy():
    picker = fingerprint(title="Orderpicker", description=f"{BOILERPLATE} {TASKS}",
                         place="Bleiswijk", employer="Groenhuis")
    clerk = fingerprint(title="Administratief medewerker", place="Bleiswijk",
                        employer="Groenhuis",
                        description=f"{BOILERPLATE} Je verwerkt inkoopfacturen en boekt de "
                                    "betalingen in ons boekhoudpakket. Je werkt op kantoor.")
    assert not is_duplicate(picker, clerk)


def test_finder_returns_the_canonical_key_and_skips_the_vacancy_itself():
    finder = DuplicateFinder()
    original = fingerprint(title="Orderpicker", description=TASKS, place="Bleiswijk")
    finder.add("werkgever:1", original)
    assert finder.find(original, exclude="werkgever:1") is None
    repost = fingerprint(title="Orderpicker (m/v/x)", description=f"{TASKS} Reageer nu!",
                         place="Bleiswijk")
    assert finder.find(repost) == "werkgever:1"
    finder.remove("werkgever:1")
    assert finder.find(repost) is None and len(finder) == 0


def test_keys_for_titles_places_and_places_named_in_the_text():
    assert title_key("Vacature: Orderpicker (m/v/x) 32 uur") == "orderpicker"
    assert place_key("2712 LB Zoetermeer, ZH, NL") == "zoetermeer"
    assert place_key("'s-Hertogenbosch") == "s hertogenbosch"
    assert place_in_text("Als kok in Den Haag werk je in een team.") == "den haag"
    assert place_in_text("Standplaats: Alphen aan den Rijn") == "alphen aan den rijn"
    assert place_in_text("Je werkt in een team in heel Nederland.") is None


def test_fingerprints_are_stored_and_reused(db_path):
    store = VacancyStore.open(db_path)
    texts = [("a", "h1", "Orderpicker", TASKS, "Bleiswijk", None)]
    finder = load_finder(store.db, open_vacancies=texts)
    assert store.db["vacancy_fingerprints"].count == 1
    again = load_finder(store.db, open_vacancies=texts)
    probe = fingerprint(title="Orderpicker", description=TASKS, place="Bleiswijk")
    assert finder.find(probe) == again.find(probe) == "a"
