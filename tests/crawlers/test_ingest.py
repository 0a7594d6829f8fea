"""The ingest on a real store: batches, one bad record among good ones, the raw page kept
once, pages read by the ingest, other languages, and copies of copies across crawls."""

from __future__ import annotations

from crawlers.ingest import Ingest
from crawlers.state import CrawlState, PageDone, UnreadPage
from vacancies.model import Vacancy
from vacancies.store import VacancyStore

TEXTS = {
    "a": ("Orderpicker", "Je pakt orders in ons magazijn in Gouda en je scant de pallets. "
                         "Je werkt in ploegen met een vast team van collega's."),
    "b": ("Kok", "Je kookt voor de bewoners van ons verzorgingshuis en je maakt elke dag "
                 "verse soep. Je werkt overdag en soms in het weekend."),
    "c": ("Schoonmaker", "Je maakt 's avonds de kantoren schoon en je vult de voorraad aan. "
                         "Je werkt zelfstandig in een rustig gebouw."),
}


def vacancy(key: str, **changes: object) -> Vacancy:
    title, description = TEXTS[key]
    fields = {"id": f"site:{key}", "title": title, "description": description,
              "place": "Gouda", "source": "site", "url": f"https://site.nl/{key}",
              "raw": f"<html>{title}</html>"}
    fields.update(changes)
    return Vacancy.model_validate(fields)


def unstorable(key: str, **changes: object) -> Vacancy:
    """A record SQLite cannot take (a lone surrogate in its text): it stands for anything
    that goes wrong while one record is written."""
    fields = dict(vacancy(key, **changes))
    fields["description"] += " \ud83d"
    return Vacancy.model_construct(**fields)


def note(key: str, *vacancies: Vacancy, **changes: object) -> PageDone:
    fields = {"source": "site", "url": f"https://site.nl/{key}", "crawl": 1,
              "record_ids": tuple(v.id for v in vacancies), "body_hash": f"hash-{key}",
              "etag": f'"{key}"', "vacancies": vacancies} | changes
    return PageDone(**fields)  # type: ignore[arg-type]


def add(ingest: Ingest, item: PageDone | Vacancy) -> None:
    ingest.add(item, source="site", crawl=1)


def test_a_record_that_cannot_be_stored_loses_no_other_and_its_page_is_read_again(db_path):
    ingest = Ingest.open(db_path, languages=["nl"])
    add(ingest, note("a", vacancy("a")))
    add(ingest, note("b", unstorable("b")))
    add(ingest, note("c", vacancy("c")))
    ingest.flush()

    store = VacancyStore.open(db_path)
    assert sorted(s.vacancy.id for s in store.vacancies()) == ["site:a", "site:c"]
    assert ingest.take_counts("site") == {"items": 3, "new": 2, "error:store_error": 1}
    state = CrawlState(store.db)
    good, bad = state.page("site", "https://site.nl/a"), state.page("site", "https://site.nl/b")
    assert good.ok and good.body_hash == "hash-a" and good.done_crawl == 1
    assert not bad.ok and bad.body_hash is None and bad.done_crawl == 1  # not skipped next time


def test_a_repost_arriving_after_a_failed_original_is_not_folded_into_it(db_path):
    ingest = Ingest.open(db_path, languages=["nl"])
    add(ingest, note("a", unstorable("a")))
    ingest.flush()
    add(ingest, note("a2", vacancy("a", id="bord:a", source="bord")))
    ingest.flush()

    store = VacancyStore.open(db_path)
    assert [s.vacancy.id for s in store.vacancies()] == ["bord:a"]
    assert ingest.take_counts("site") == {"items": 2, "new": 1, "error:store_error": 1}


def test_the_raw_page_is_kept_once_with_the_snapshot(db_path):
    ingest = Ingest.open(db_path, languages=["nl"])
    add(ingest, note("a", vacancy("a")))
    ingest.flush()

    store = VacancyStore.open(db_path)
    assert [row["raw"] for row in store.db.query("select raw from vacancies")] == [None]
    assert [row["raw"] for row in store.db.query("select raw from vacancy_snapshots")] == [
        "<html>Orderpicker</html>"]
    assert store.get("site:a").vacancy.raw == "<html>Orderpicker</html>"


def test_an_unread_page_is_read_by_the_ingest_with_its_problems_counted(db_path):
    posting = ('{"@context": "https://schema.org", "@type": "JobPosting", "title": "Kok", '
               '"description": "<p>Je kookt elke dag verse soep voor de bewoners en je werkt '
               'in een vast team van collega\'s.</p>", "identifier": "k1", '
               '"jobLocation": {"address": {"addressLocality": "Gouda"}}}')
    page = (f'<html lang="nl"><script type="application/ld+json">{posting}</script>'
            '<script type="application/ld+json">{"broken": </script></html>')
    ingest = Ingest.open(db_path, languages=["nl"])
    add(ingest, note("k", unread=UnreadPage(kind="jobposting", text=page,
                                            url="https://site.nl/k")))
    ingest.flush()

    store = VacancyStore.open(db_path)
    [stored] = list(store.vacancies())
    assert (stored.vacancy.title, stored.vacancy.place) == ("Kok", "Gouda")
    assert CrawlState(store.db).page("site", "https://site.nl/k").record_ids == (
        stored.vacancy.id,)
    assert ingest.take_counts("site") == {"items": 1, "new": 1, "error:broken_json_ld": 1}


def test_a_vacancy_in_another_language_is_counted_and_not_stored(db_path):
    english = vacancy("b", id="site:en", title="Cook",
                      description="You will cook for the residents of our care home and you "
                                  "make fresh soup every day. You work during the day and "
                                  "sometimes at the weekend with the team.")
    ingest = Ingest.open(db_path, languages=["nl"])
    add(ingest, note("a", vacancy("a"), english))
    ingest.flush()

    store = VacancyStore.open(db_path)
    assert [s.vacancy.id for s in store.vacancies()] == ["site:a"]
    assert CrawlState(store.db).page("site", "https://site.nl/a").record_ids == ("site:a",)
    assert ingest.take_counts("site") == {"items": 1, "new": 1, "error:other_language": 1}


def test_a_copy_of_a_copy_is_found_in_a_later_crawl(db_path):
    """Night 1 stores the employer's ad, night 2 an agency's copy of it, night 3 a job
    board's copy of the agency's ad: each night is a new process with a new finder, and the
    third still lands on the employer's vacancy (through the copy it shares words with)."""
    from tests.vacancies.test_dedup import AGENCY_COPY, BOILERPLATE, OWN_TEXT

    def crawl(record: Vacancy) -> dict[str, int]:
        ingest = Ingest.open(db_path, languages=["nl"])  # a fresh finder, as in a new process
        ingest.add(note(record.id, record, source=record.source), source=record.source,
                   crawl=1)
        ingest.flush()
        return ingest.take_counts(record.source)

    crawl(Vacancy(id="werkgever:1", title="Orderpicker", place="Bleiswijk",
                  employer="Groenhuis Distributie B.V.", source="werkgever",
                  description=f"{BOILERPLATE} {OWN_TEXT}"))
    assert crawl(Vacancy(id="tempo:7", title="Orderpicker", place="Bleiswijk",
                         employer="Tempo Personeel", source="tempo",
                         description=AGENCY_COPY))["duplicates"] == 1
    # the board shows the agency's short version: its header, blurb, offer and contact,
    # words the employer's own ad does not have
    short = ("Tempo Personeel: werk dat bij je past. Onze klant is een groeiende organisatie "
             "in Bleiswijk. Wij zoeken een orderpicker voor 32 uur per week in Bleiswijk. Je "
             "verdient 14,50 euro per uur. Vragen? Bel Anouk van Tempo Personeel via "
             "085-2223300.")
    assert short.split(". ")[1] in AGENCY_COPY and short.split(". ")[1] not in OWN_TEXT
    board = crawl(Vacancy(id="bord:3", title="Orderpicker (m/v) 32 uur", place="Bleiswijk",
                          employer="Tempo Personeel", source="bord", description=short))

    store = VacancyStore.open(db_path)
    assert board == {"items": 1, "duplicates": 1}
    assert store.alias_of("bord:3") == "werkgever:1"
    assert [s.vacancy.id for s in store.vacancies()] == ["werkgever:1"]


def test_a_bunch_taken_at_once_is_stored_as_one_by_one(tmp_path):
    """`add_all` works stage by stage; what it stores and counts must not change: a repost
    within the bunch, another language, a lone vacancy, a record that cannot be stored."""
    english = vacancy("b", id="site:en", title="Cook",
                      description="You will cook for the residents of our care home and you "
                                  "make fresh soup every day. You work during the day and "
                                  "sometimes at the weekend with the team.")
    items: list[PageDone | Vacancy] = [
        note("a", vacancy("a")), note("en", english, vacancy("b")),
        note("a2", vacancy("a", id="bord:a", source="bord", url="https://bord.nl/a")),
        vacancy("c"), note("x", unstorable("c", id="site:x"))]
    stored = {}
    for way in ("one_by_one", "at_once"):
        db = tmp_path / f"{way}.sqlite"
        ingest = Ingest.open(db, languages=["nl"])
        if way == "one_by_one":
            for item in items:
                add(ingest, item)
        else:
            ingest.add_all([("site", 1, item) for item in items])
        ingest.flush()
        store = VacancyStore.open(db)
        stored[way] = (
            ingest.take_counts("site"),
            sorted((s.vacancy.id, s.source_urls) for s in store.vacancies()),
            [(r["id"], r["canonical_id"]) for r in store.db.query(
                "select id, canonical_id from vacancy_aliases order by id")],
            sorted((page.url, page.record_ids, page.ok)
                   for page in CrawlState(store.db).pages("site").values()))

    assert stored["at_once"] == stored["one_by_one"]
    counts, vacancies, aliases, _ = stored["at_once"]
    assert counts == {"items": 5, "new": 3, "duplicates": 1, "error:other_language": 1,
                      "error:store_error": 1}
    assert [id_ for id_, _ in vacancies] == ["site:a", "site:b", "site:c"]
    assert aliases == [("bord:a", "site:a")]
