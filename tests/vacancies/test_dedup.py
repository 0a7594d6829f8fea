"""Deduplication: the same job across sites is found, different jobs are kept apart."""

from __future__ import annotations

import json
import re
import unicodedata

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from vacancies import dedup
from vacancies.dedup import (
    DuplicateFinder,
    fingerprint,
    hours_per_week,
    is_duplicate,
    load_finder,
    names_own_title,
    number_conflicts,
    place_in_text,
    place_key,
    places_agree,
    title_key,
    title_level,
    title_relation,
    working_times,
)
from vacancies.store import VacancyStore

TASKS = ("Je verzamelt in ons distributiecentrum in Bleiswijk producten voor de winkels van "
         "onze klanten. Je werkt met een handscanner en een elektrische palletwagen. Je werkt "
         "van maandag tot en met vrijdag van 7.00 tot 15.30 uur in team Noord met twaalf "
         "collega's. Je begint op 1 december, vragen? Bel Sanne Kramer via 06-12345678.")
BOILERPLATE = ("Groenhuis Distributie is een familiebedrijf met 300 collega's. Wij bieden een "
               "goed salaris, 25 vakantiedagen en een reiskostenvergoeding. Wij werken al "
               "veertig jaar voor supermarkten in heel Nederland.")
OWN_TEXT = ("Als orderpicker in Bleiswijk werk je 32 uur per week in team Oost met 14 "
            "collega's. Je verzamelt producten voor de winkels en stapelt de rolcontainers. Je "
            "werkt van dinsdag tot en met zaterdag van 6.00 tot 14.00 uur. Je begint op 3 maart. "
            "Vragen? Bel Ahmet Yilmaz via 06-87654321. Wat vragen wij? Je hebt een VCA-diploma. "
            "Je spreekt goed Nederlands.")
AGENCY_COPY = ("Tempo Personeel: werk dat bij je past. Onze klant is een groeiende organisatie in "
               "Bleiswijk. Wij zoeken een orderpicker voor 32 uur per week in Bleiswijk. Je "
               "verzamelt producten voor de winkels en stapelt de rolcontainers. Je werkt van "
               "dinsdag tot en met zaterdag van 6.00 tot 14.00 uur. Je begint op 3 maart. Wat "
               "neem je mee? Je hebt een VCA-diploma. Je spreekt goed Nederlands. Je verdient "
               "14,50 euro per uur. Vragen? Bel Anouk van Tempo Personeel via 085-2223300.")


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


def test_agency_repost_under_its_own_name_and_words_is_found():
    """An uitzendbureau names itself, rewrites the opening, the offer and the contact."""
    finder = DuplicateFinder()
    finder.add("werkgever:1", fingerprint(
        title="Orderpicker", description=f"{BOILERPLATE} {OWN_TEXT}", place="Bleiswijk",
        employer="Groenhuis Distributie B.V."))
    agency = fingerprint(title="ORDERPICKER (m/v/d) 32 uur", description=AGENCY_COPY,
                         place="Regio Bleiswijk", employer="Tempo Personeel")
    assert finder.find(agency) == "werkgever:1"


def test_copy_of_a_copy_is_found_through_the_copy():
    """A job board carrying the agency's ad shares nothing with the employer's own words
    that the agency dropped, but it is the agency's ad: the finder kept it."""
    finder = DuplicateFinder()
    finder.add("werkgever:1", fingerprint(
        title="Orderpicker", description=f"{BOILERPLATE} {OWN_TEXT}", place="Bleiswijk",
        employer="Groenhuis Distributie B.V."))
    assert finder.find(fingerprint(title="Orderpicker", description=AGENCY_COPY,
                                   place="Bleiswijk", employer="Tempo Personeel"))
    board = fingerprint(title="Orderpicker Bleiswijk", place="Bleiswijk",
                        employer="Tempo Personeel",
                        description="Nieuw op Banenbank! " + AGENCY_COPY[60:400] + " ...")
    assert finder.find(board) == "werkgever:1"
    assert len(finder) == 1


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


def test_one_employer_template_with_another_title_is_another_vacancy():
    """Real employers post several jobs on one long template, only the role changed."""
    template = (f"{BOILERPLATE} Als {{role}} werk je in ons team Data & Analytics aan de "
                "dataplatformen van de winkels. Je bouwt pijplijnen, je overlegt met de "
                "collega's van de winkels en je denkt mee over de keuze van tools. Wij vragen "
                "een hbo-diploma en drie jaar ervaring. Je werkt hybride vanuit Veghel.")
    data = fingerprint(title="Google Data Engineer", place="Veghel", employer="Groenhuis",
                       description=template.format(role="Data Engineer"))
    cloud = fingerprint(title="Google Cloud Engineer", place="Veghel", employer="Groenhuis",
                        description=template.format(role="Cloud Engineer"))
    assert title_relation(data, cloud) == "differs" and names_own_title(data, cloud)
    assert not is_duplicate(data, cloud)


def test_second_shift_at_the_same_employer_and_place_is_another_vacancy():
    day = fingerprint(title="Orderpicker", description=f"{BOILERPLATE} {OWN_TEXT}",
                      place="Bleiswijk", employer="Groenhuis")
    evening = fingerprint(title="Orderpicker", place="Bleiswijk", employer="Groenhuis",
                          description=f"{BOILERPLATE} " + OWN_TEXT.replace(
                              "32 uur", "20 uur").replace("6.00 tot 14.00", "15.00 tot 23.00"))
    assert not is_duplicate(day, evening)


def test_same_template_with_other_numbers_is_another_vacancy():
    """An agency's two ads for one title in one town: team size and experience differ."""
    other = (AGENCY_COPY.replace("3 maart", "17 april")
             + " Je komt in een team met 8 collega's. Je hebt minimaal 1 jaar ervaring.")
    first = fingerprint(title="Orderpicker", description=AGENCY_COPY + " Je komt in een team "
                        "met 14 collega's. Je hebt minimaal 3 jaar ervaring.", place="Bleiswijk",
                        employer="Tempo Personeel")
    second = fingerprint(title="Orderpicker", description=other, place="Bleiswijk",
                         employer="Tempo Personeel")
    assert number_conflicts(first, second) >= 2
    assert not is_duplicate(first, second)


def test_junior_does_not_join_a_job_that_holds_a_senior():
    finder = DuplicateFinder()
    text = f"{BOILERPLATE} {TASKS}"
    finder.add("a", fingerprint(title="Data Scientist", description=text, place="Delft"))
    assert finder.find(fingerprint(title="Senior Data Scientist", description=text,
                                   place="Delft")) == "a"
    assert finder.find(fingerprint(title="Junior Data Scientist", description=text,
                                   place="Delft")) is None


def test_boilerplate_shared_by_many_jobs_weighs_little():
    """A job board's footer in every ad: its 3-grams weigh 1/the number of jobs."""
    footer = ("Solliciteer direct via Werkzoeker.nl. Reageer binnen twee weken voor de beste "
              "kans. Deel deze vacature met vrienden en bekenden in je netwerk.")
    finder = DuplicateFinder()
    for number, town in enumerate(["Delft", "Gouda", "Leiden", "Woerden", "Breda"]):
        finder.add(str(number), fingerprint(title=f"Functie {number}", place=town,
                                            description=f"Werk nummer {number} in {town}. "
                                                        f"{footer}"))
    probe = fingerprint(title="Kok", description=f"Als kok in Zwolle kook je. {footer}",
                        place="Zwolle")
    weights = finder.weights(probe)
    assert weights is not None and weights.min() <= 0.2 and weights.max() == 1.0


def test_finder_returns_the_canonical_key_and_skips_the_vacancy_itself():
    finder = DuplicateFinder()
    original = fingerprint(title="Orderpicker", description=TASKS, place="Bleiswijk")
    finder.add("werkgever:1", original)
    assert finder.find(original, exclude="werkgever:1") is None
    repost = fingerprint(title="Orderpicker (m/v/x)", description=f"{TASKS} Reageer nu!",
                         place="Bleiswijk")
    assert finder.find(repost, remember=False) == "werkgever:1"
    finder.remove("werkgever:1")
    assert finder.find(repost) is None and len(finder) == 0


def test_keys_for_titles_places_and_places_named_in_the_text():
    assert title_key("Vacature: Orderpicker (m/v/x) 32 uur") == "orderpicker"
    assert title_key("Tempo Personeel zoekt: Kok in Gouda", place="gouda") == "kok"
    assert title_level("(Junior) data-analist") == {"junior"}
    assert title_level("Data-analist") == frozenset()
    assert place_key("2712 LB Zoetermeer, ZH, NL") == "zoetermeer"
    assert place_key("Regio Gouda") == "gouda"
    assert place_key("The Randstad, Netherlands") is None
    assert place_key("'s-Hertogenbosch") == "s hertogenbosch"
    den_haag = fingerprint(title="Kok", description=TASKS, place="Den Haag")
    assert places_agree(den_haag, fingerprint(title="Kok", description=TASKS,
                                              place="'s-Gravenhage, ZH, NL"))
    assert not places_agree(den_haag, fingerprint(title="Kok", description=TASKS,
                                                  place="Rijswijk"))
    assert place_in_text("Als kok in Den Haag werk je in een team.") == "den haag"
    assert place_in_text("Standplaats: Alphen aan den Rijn") == "alphen aan den rijn"
    assert place_in_text("Je werkt in een team in heel Nederland.") is None


def test_hours_and_times_a_text_names():
    assert hours_per_week("Je werkt 32 tot 40 uur per week.") == ((32, 40),)
    assert hours_per_week("Uren per week: 32-36 uur") == ((32, 36),)
    assert hours_per_week("Leraar groep 4 (0,8 - 1,0 fte)") == ((28, 40),)
    assert hours_per_week("Reageer binnen 24 uur, wij bellen van 9.00 tot 17.00 uur.") == ()
    assert hours_per_week("Orderpicker 24 uur", title=True) == ((24, 24),)
    assert working_times("van 7.00 tot 15.30 uur en van 15:30 - 23:00") == {(700, 1530),
                                                                          (1530, 2300)}


def test_renamed_title_is_no_sign_of_another_job_when_the_text_names_neither():
    chauffeur = fingerprint(title="Chauffeur", description=TASKS, place="Bleiswijk")
    renamed = fingerprint(title="Bezorger bakwagen", description=TASKS, place="Bleiswijk")
    assert title_relation(chauffeur, renamed) == "differs"
    assert not names_own_title(chauffeur, renamed)
    assert title_relation(chauffeur, fingerprint(title="Chauffeur bakwagen", description=TASKS,
                                                 place="Bleiswijk")) == "extends"


def test_fingerprints_are_stored_and_reused(db_path):
    store = VacancyStore.open(db_path)
    texts = [("a", "h1", "Orderpicker", TASKS, "Bleiswijk", None)]
    finder = load_finder(store.db, open_vacancies=texts)
    assert store.db["vacancy_fingerprints"].count == 1
    again = load_finder(store.db, open_vacancies=texts)
    probe = fingerprint(title="Orderpicker", description=TASKS, place="Bleiswijk")
    assert finder.find(probe, remember=False) == again.find(probe, remember=False) == "a"
    stored = again._prints["a"]  # read back from the table, not computed anew
    assert stored.hours == fingerprint(title="Orderpicker", description=TASKS,
                                       place="Bleiswijk").hours


def test_fingerprints_of_an_older_layout_are_rebuilt(db_path):
    store = VacancyStore.open(db_path)
    store.db["vacancy_fingerprints"].create({"vacancy_id": str, "content_hash": str,
                                             "signature": bytes}, pk="vacancy_id")
    finder = load_finder(store.db, open_vacancies=[("a", "h1", "Orderpicker", TASKS,
                                                    "Bleiswijk", None)])
    assert "version" in store.db["vacancy_fingerprints"].columns_dict
    assert finder.find(fingerprint(title="Orderpicker", description=TASKS,
                                   place="Bleiswijk")) == "a"


def test_real_cross_posts_merge_and_one_employers_other_jobs_do_not(shared_data):
    """Real postings (Indeed, Glassdoor, LinkedIn): the same text under the same employer
    at the same place is one job; one employer's template jobs stay apart."""
    rows = [json.loads(line) for line in
            (shared_data / "vacancies_nl_jobboards.jsonl").open(encoding="utf-8")]
    finder = DuplicateFinder()
    job: dict[str, str] = {}
    for row in rows:
        print_ = fingerprint(title=row["title"], description=row["description"] or "",
                             place=row["place"], employer=row["employer"])
        found = finder.find(print_)
        if found is None:
            finder.add(row["id"], print_)
        job[row["id"]] = found or row["id"]
    by_text: dict[tuple[str, ...], list[str]] = {}
    for row in rows:
        town = place_key(row["place"])
        if row["description"] and len(row["description"]) > 500 and town:
            key = (row["description"], title_key(row["title"]), (row["employer"] or "").lower(),
                   town.split()[0])
            by_text.setdefault(key, []).append(row["id"])
    same = [ids for ids in by_text.values() if len(ids) > 1]
    merged = sum(len({job[i] for i in ids}) == 1 for ids in same)
    assert len(same) > 100 and merged / len(same) >= 0.98
    apart = ["nl-5e10c7786439f88f", "nl-37a365fb0b5900b1", "nl-6db5992d26eb1857",
             "nl-c28fb5ad65445fb5",  # Sligro: Google Data/Cloud/Platform/Analytics Engineer
             "nl-f0ee950e5e544ab5", "nl-5cb9cf622fe95c8e", "nl-a7e710dbb57b8fbc",
             "nl-353acb734a226be1", "nl-a47d980202c84fad"]  # Defensie data jobs, Den Helder
    assert len({job[i] for i in apart}) == len(apart)
    assert job["nl-1009405054290"] == job["nl-37559a4a64b5077a"]  # an agency's copy


def test_aliases_loaded_with_their_canonical_id_are_copies_of_it(db_path):
    """After a restart the agency's copy still leads a board's copy of it to the job."""
    store = VacancyStore.open(db_path)
    finder = load_finder(store.db, open_vacancies=[
        ("werkgever:1", "h1", "Orderpicker", f"{BOILERPLATE} {OWN_TEXT}", "Bleiswijk",
         "Groenhuis Distributie B.V."),
        ("tempo:7", "h2", "Orderpicker", AGENCY_COPY, "Bleiswijk", "Tempo Personeel",
         "werkgever:1")])
    assert len(finder) == 1
    board = fingerprint(title="Orderpicker Bleiswijk", place="Bleiswijk",
                        employer="Tempo Personeel",
                        description="Nieuw op Banenbank! " + AGENCY_COPY[60:400] + " ...")
    assert finder.find(board) == "werkgever:1"


def test_a_fingerprint_sent_to_another_process_leaves_its_caches_behind():
    """The crawler's dedup process returns fingerprints: they pickle small and work alike."""
    import pickle

    print_ = fingerprint(title="Orderpicker", description=TASKS, place="Bleiswijk")
    finder = DuplicateFinder()
    finder.add("a", print_)
    finder.weights(print_)  # caches the n-gram cells on it
    print_.minhash()
    assert {"_minhash", "_cells"} <= set(print_.__dict__)
    copy = pickle.loads(pickle.dumps(print_))
    assert not {"_minhash", "_cells"} & set(copy.__dict__)
    assert copy.title_key == print_.title_key and copy.numbered == print_.numbered
    assert finder.find(copy, remember=False) == "a"


# --- the fast paths find what the plain formulations find ---------------------------------

_TEXT_PIECES = ["je", "werkt", "7", "07", "00", "15", "30", "0,8", "1,0", "1.00", "fte", "uur",
                "tot", "t/m", "a", "-", " - ", " * ", "**", "*", "|", ":", ": ", ".", "..", "!",
                "?", ";", "\n", "\t", "\x1c", " ", "  ", "X", "é", "’", "ß", "٣", "oftewel"]
_texts = st.lists(st.sampled_from(_TEXT_PIECES), max_size=40).map("".join)


def _sentences_by_regex(plain: str) -> tuple[list[str], list[int]]:
    """The words of a text and the first word of each sentence, by one regex over the text
    (words and sentence ends as tokens): what `dedup._words` must agree with."""
    tokens = re.findall(r"[a-z0-9]+|[.!?;]+(?=\s|$)|:\s|\n+|\s[-*]\s|\*\*|\|", plain)
    words: list[str] = []
    starts: list[int] = []
    ended = True
    for token in tokens:
        if token[0].isalnum():
            if ended and words or not starts:
                starts.append(len(words))
            words.append(token)
            ended = False
        else:
            ended = True
    return words, starts


@settings(max_examples=300, deadline=None)
@given(_texts)
def test_words_and_sentences_are_those_of_the_token_regex(text):
    plain = dedup._ascii(text)
    words, starts = dedup._words(plain.encode("ascii"))
    expected_words, expected_starts = _sentences_by_regex(plain)
    assert [word.decode() for word in words] == expected_words
    assert (starts.tolist() if words else []) == expected_starts


@settings(max_examples=300, deadline=None)
@given(_texts)
def test_times_and_fte_are_found_where_the_plain_regexes_find_them(text):
    plain = dedup._ascii(text)
    times = re.compile(r"(\d{1,2})[.:](\d{2})\s*(?:-|tot|t/m)\s*(\d{1,2})[.:](\d{2})")
    number = r"(0[.,]\d{1,2}|1(?:[.,]0{1,2})?)"
    fte = re.compile(rf"(?<![\d.,]){number}(?:\s*(?:-|tot|a)\s*{number})?\s*fte\b")
    hints = dedup._time_hints(np.frombuffer(plain.encode("ascii"), np.uint8)) if plain else []
    assert [m.span() for m in dedup._time_matches(plain, hints)] == \
        [m.span() for m in times.finditer(plain)]
    assert [m.span() for m in dedup._fte_matches(plain)] == [m.span() for m in fte.finditer(plain)]


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=30))
def test_ascii_folding_is_nfkd_of_the_case_folded_text(text):
    folded = unicodedata.normalize("NFKD", text.casefold()).encode("ascii", "ignore").decode()
    assert dedup._ascii(text) == folded


def test_sentence_hashes_sum_each_words_hash_and_place():
    hashed = np.array([5, 7, 11, 13, 17, 19, 23, 29, 31], dtype=np.uint64)
    starts = np.array([0, 4, 5])  # sentences of 4, 1 and 4 words
    mix0, mix1, low = (int(value) for value in (*dedup._MIX, dedup._LOW))
    expected = sorted({sum(int(hashed[i]) * mix0 + (i - start + 1) * mix1
                           for i in range(start, end)) & low
                       for start, end in ((0, 4), (5, 9))})
    assert dedup._sentence_hashes(hashed, starts).tolist() == expected
