"""Benchmark: precision and recall of cross-source deduplication on generated reposts.

Generates base vacancies the way Dutch employers write them (one employer's
vacancies share their "over ons" and "wat bieden wij" paragraphs; chains post
the same text for several towns), then reposts each one 1-5 times as job
boards and agencies do: their own header and footer, a changed title
("(m/v/x)", "Vacature:", word order), a dropped or reworded sentence, a
truncated text, the employer's name replaced by "onze opdrachtgever", the
place written differently. All postings go through `DuplicateFinder` in a
random order, as a crawl meets them; pairs in the same predicted group are
scored against the true groups.

    .venv/bin/python bench/dedup.py [--vacancies 600] [--seed 1]

Targets (issue 7): precision >= 0.98, recall >= 0.9.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from collections import defaultdict
from dataclasses import dataclass
from itertools import combinations
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from vacancies.dedup import DuplicateFinder, fingerprint  # noqa: E402

TOWNS = ["Zoetermeer", "Delft", "Gouda", "Leiden", "Den Haag", "Rotterdam", "Utrecht",
         "Alphen aan den Rijn", "Waddinxveen", "Rijswijk", "Bleiswijk", "Pijnacker",
         "Leiderdorp", "Bodegraven", "Woerden", "Schiedam", "Vlaardingen", "Dordrecht",
         "Haarlem", "Amersfoort", "Zwolle", "Breda", "Tilburg", "Eindhoven", "Nijmegen",
         "Arnhem", "Apeldoorn", "Enschede", "Groningen", "Maastricht"]
POSTCODES = {town: f"{2000 + 37 * i:04d}" for i, town in enumerate(TOWNS)}

OCCUPATIONS = {
    "Magazijnmedewerker": ["Je pakt orders met een handscanner", "Je laadt en lost vrachtwagens",
                           "Je rijdt met een elektrische palletwagen",
                           "Je controleert binnenkomende goederen op schade",
                           "Je houdt je werkplek netjes en veilig",
                           "Je telt de voorraad en boekt verschillen af"],
    "Orderpicker": ["Je verzamelt producten voor winkelorders", "Je werkt met voice picking",
                    "Je stapelt rolcontainers stevig en netjes",
                    "Je haalt dagelijks je productienorm",
                    "Je werkt in een koel vak van zeven graden"],
    "Productiemedewerker": ["Je bedient de verpakkingsmachine", "Je vult grondstoffen bij",
                            "Je controleert de kwaliteit van de producten aan de lijn",
                            "Je werkt in een drieploegendienst",
                            "Je maakt de machines schoon aan het eind van je dienst"],
    "Schoonmaker": ["Je maakt kantoren en sanitair schoon", "Je zuigt en dweilt de vloeren",
                    "Je vult zeep en papier aan", "Je werkt in de avonduren na kantoortijd",
                    "Je meldt gebreken aan de objectleider"],
    "Kassamedewerker": ["Je rekent af met klanten aan de kassa", "Je helpt klanten met vragen",
                        "Je vult de schappen bij als het rustig is",
                        "Je werkt ook op zaterdag", "Je telt de kassa aan het eind van de dag"],
    "Chauffeur": ["Je rijdt met een bakwagen naar klanten in de regio",
                  "Je laadt de wagen zelf met een laadklep",
                  "Je plant je route met de boordcomputer",
                  "Je levert goederen af en laat tekenen voor ontvangst",
                  "Je controleert je voertuig voor vertrek"],
    "Klantenservicemedewerker": ["Je beantwoordt vragen van klanten per telefoon",
                                 "Je handelt e-mails en chats af",
                                 "Je legt afspraken vast in het klantsysteem",
                                 "Je lost klachten zelf op of zet ze door",
                                 "Je werkt op werkdagen tussen acht en zes uur"],
    "Verzorgende IG": ["Je helpt cliënten bij wassen en aankleden",
                       "Je deelt medicijnen uit volgens het zorgplan",
                       "Je rapporteert in het elektronisch dossier",
                       "Je werkt in een rooster met avond- en weekenddiensten",
                       "Je overlegt met de wijkverpleegkundige"],
    "Receptionist": ["Je ontvangt bezoekers en meldt ze aan", "Je neemt de telefoon aan",
                     "Je beheert de vergaderruimtes", "Je verwerkt de post",
                     "Je bestelt kantoorartikelen"],
    "Kok": ["Je bereidt lunch en diner voor onze gasten", "Je maakt de mise-en-place klaar",
            "Je bewaakt de HACCP-normen", "Je werkt in de avond en in het weekend",
            "Je bestelt producten bij de leveranciers"],
    "Administratief medewerker": ["Je verwerkt inkoopfacturen", "Je boekt betalingen in",
                                  "Je beheert het archief", "Je maakt maandrapportages",
                                  "Je werkt de hele dag achter een beeldscherm"],
    "Beveiliger": ["Je loopt rondes over het terrein", "Je controleert toegangspassen",
                   "Je houdt camerabeelden in de gaten", "Je treedt op bij incidenten",
                   "Je werkt in nachtdiensten en weekenden"],
}
TITLE_VARIANTS = {
    "Magazijnmedewerker": ["Medewerker magazijn", "Logistiek medewerker magazijn"],
    "Productiemedewerker": ["Medewerker productie", "Operator productie"],
    "Schoonmaker": ["Schoonmaakmedewerker", "Medewerker schoonmaak"],
    "Kassamedewerker": ["Caissière", "Medewerker kassa"],
    "Chauffeur": ["Bezorger bakwagen", "Chauffeur bakwagen"],
    "Klantenservicemedewerker": ["Medewerker klantenservice", "Klantcontactmedewerker"],
    "Administratief medewerker": ["Medewerker administratie", "Administratief ondersteuner"],
}
REQUIREMENTS = ["Je hebt een mbo-diploma op niveau 2", "Je spreekt goed Nederlands",
                "Je bent flexibel inzetbaar", "Je hebt rijbewijs B",
                "Je hebt ervaring in een vergelijkbare functie", "Je bent stressbestendig",
                "Je werkt graag in een team", "Je bent klantvriendelijk en zorgvuldig",
                "Je hebt een VCA-certificaat of wilt dat halen", "Je bent punctueel"]
SYNONYMS = {"Je": "Jij", "werkt": "bent aan het werk", "klanten": "afnemers",
            "dagelijks": "elke dag", "regio": "omgeving", "controleert": "checkt"}
BOARDS = {
    "werkzoeker": ("Bekijk deze vacature op Werkzoeker.nl, de grootste vacaturebank van de "
                   "regio.", "Solliciteer direct via Werkzoeker.nl. Reageer binnen twee weken "
                   "voor de beste kans. Deel deze vacature met vrienden."),
    "banenbank": ("Nieuwe vacature via Banenbank!", "Ben jij de kandidaat die we zoeken? Klik "
                  "op solliciteren en upload je cv. Banenbank verwerkt je gegevens volgens de "
                  "AVG."),
    "uitzendplus": ("Voor onze opdrachtgever zoeken wij een enthousiaste kracht.",
                    "Uitzendplus regelt je contract, je salaris en je planning. Je werkt via "
                    "ons in fase A met uitzicht op een vast contract bij de opdrachtgever."),
    "flexwerk": ("Flexwerk Detachering zoekt voor een klant in de regio:",
                 "Interesse? Bel onze recruiters of kom langs op een van onze vestigingen."),
    "regiobanen": ("", "Via Regiobanen vind je werk dicht bij huis."),
}


@dataclass
class Posting:
    group: int
    title: str
    description: str
    place: str | None
    employer: str | None = None


def base_vacancies(rng: random.Random, count: int) -> list[Posting]:
    employers = [f"Bedrijf {name}" for name in
                 ("Van Dijk", "De Groot", "Jansen", "Bakker", "Visser", "Smit", "Meijer",
                  "De Boer", "Mulder", "Bos", "Vos", "Peters", "Hendriks", "Dekker", "Brouwer",
                  "De Wit", "Dijkstra", "Smits", "De Graaf", "Van der Meer", "Kok", "Jacobs",
                  "Vermeulen", "Van den Berg", "Willems", "Hoekstra", "Koster", "Prins",
                  "Verhoeven", "Kuipers")]
    about = {e: (f"{e} is een familiebedrijf met {rng.randint(20, 900)} collega's. Wij werken "
                 f"al {rng.randint(5, 80)} jaar voor klanten in heel Nederland en staan bekend "
                 "om onze nuchtere en open werksfeer. Bij ons krijg je de ruimte om te groeien.")
             for e in employers}
    offer = {e: (f"Wat bieden wij? Een salaris tussen {rng.randint(2300, 2600)} en "
                 f"{rng.randint(2700, 3200)} euro bruto per maand, {rng.randint(24, 27)} "
                 "vakantiedagen, een reiskostenvergoeding en een goed pensioen. Je krijgt een "
                 "contract voor een jaar met uitzicht op vast.") for e in employers}
    voice = {e: employer_voice(random.Random(rng.random())) for e in employers}
    postings: list[Posting] = []
    occupations = list(OCCUPATIONS)
    taken: set[tuple[str, str, str]] = set()  # one employer posts a job once per town
    while len(postings) < count:
        employer = rng.choice(employers)
        occupation = rng.choice(occupations)
        tasks = rng.sample(OCCUPATIONS[occupation], k=rng.randint(3, 5))
        needs = rng.sample(REQUIREMENTS, k=rng.randint(2, 4))
        hours = rng.choice(["24 uur", "32 uur", "32 tot 40 uur", "36 uur", "40 uur"])
        towns = rng.sample(TOWNS, k=rng.choice([1, 1, 1, 2, 3]))  # chains: one text, many towns
        if any((employer, occupation, town) in taken for town in towns):
            continue
        details = job_details(rng)
        for town in towns:
            taken.add((employer, occupation, town))
            text = (f"{about[employer]}\n\nAls {occupation.lower()} in {town} ga je aan de slag "
                    f"voor {hours} per week. {details} " + ". ".join(tasks)
                    + ".\n\nWat vragen wij? " + ". ".join(needs) + f".\n\n{offer[employer]}")
            postings.append(Posting(group=len(postings), title=occupation,
                                    description=voice[employer](text), place=town,
                                    employer=f"{employer} B.V."))
    return postings[:count]


VOICES = [("Je ", ["Je ", "Jij ", "Als collega ", "In deze rol "]),
          ("Wat vragen wij?", ["Wat vragen wij?", "Wie zoeken we?", "Jouw profiel:"]),
          ("Wat bieden wij?", ["Wat bieden wij?", "Dit krijg je van ons:", "Ons aanbod:"]),
          (" ga je aan de slag", [" ga je aan de slag", " werk je", " ben je aan de slag"]),
          ("Je hebt ", ["Je hebt ", "Je beschikt over ", "In bezit van "]),
          ("Je bent ", ["Je bent ", "Jij bent ", "Je staat bekend als "])]


def employer_voice(rng: random.Random):  # noqa: ANN201 (a small closure)
    """Each employer writes in its own words: a fixed choice of phrasings."""
    choices = [(phrase, rng.choice(options)) for phrase, options in VOICES]

    def speak(text: str) -> str:
        for phrase, chosen in choices:
            text = text.replace(phrase, chosen)
        return text

    return speak


def job_details(rng: random.Random) -> str:
    """What makes one opening itself: team, manager, days and hours, start, contact."""
    person = rng.choice(["Sanne", "Mohamed", "Petra", "Kees", "Fatima", "Joost", "Ilse",
                         "Ahmet", "Marieke", "Ruud", "Esther", "Bas"])
    surname = rng.choice(["de Vries", "El Amrani", "Kramer", "Yilmaz", "Postma", "Verbeek",
                          "Schouten", "Hermans"])
    team = rng.choice(["Noord", "Zuid", "West", "Oost", "Centrum", "Haven", "Polder"])
    days = rng.choice(["maandag tot en met vrijdag", "dinsdag tot en met zaterdag",
                       "maandag, woensdag en vrijdag", "vier dagen per week in overleg"])
    start, end = rng.choice([(6, 14), (7, 15), (8, 17), (9, 17), (14, 22), (16, 21)])
    return (f"Je komt in team {team} met {rng.randint(4, 30)} collega's, onder leiding van "
            f"{person} {surname}. Je werkt {days} van {start}.00 tot {end}.00 uur. Je begint "
            f"op {rng.randint(1, 28)} {rng.choice(['januari', 'februari', 'maart', 'april'])} "
            f"of eerder in overleg. Vragen over deze functie? Bel {person} via "
            f"06-{rng.randint(10000000, 99999999)}.")


def repost(rng: random.Random, base: Posting, board: str) -> Posting:
    header, footer = BOARDS[board]
    sentences = [s for s in base.description.replace("\n\n", " \n\n ").split(". ") if s]
    edits = rng.sample(["drop", "synonym", "truncate", "agency", "swap", "none"], k=2)
    if "drop" in edits and len(sentences) > 4:
        sentences.pop(rng.randrange(2, len(sentences) - 1))
    if "swap" in edits and len(sentences) > 5:
        i = rng.randrange(2, len(sentences) - 2)
        sentences[i], sentences[i + 1] = sentences[i + 1], sentences[i]
    text = ". ".join(sentences)
    if "synonym" in edits:
        for word, other in rng.sample(sorted(SYNONYMS.items()), k=2):
            text = text.replace(f" {word} ", f" {other} ", 2)
    if "agency" in edits:
        text = text.split("\n\n", 1)[-1]  # agencies leave out who the employer is
    if "truncate" in edits:
        words = text.split()
        text = " ".join(words[:max(25, int(len(words) * rng.uniform(0.45, 0.7)))]) + " ..."
    title = base.title
    roll = rng.random()
    if roll < 0.3:
        title = f"{title} (m/v/x)"
    elif roll < 0.5:
        title = f"Vacature: {title}"
    elif roll < 0.75 and title in TITLE_VARIANTS:
        title = rng.choice(TITLE_VARIANTS[title])
    elif roll < 0.85:
        title = f"{title} {rng.choice(['32 uur', 'fulltime', 'parttime'])}"
    place: str | None = base.place
    roll = rng.random()
    if place and roll < 0.25:
        place = f"{place}, ZH, NL"
    elif place and roll < 0.4:
        place = f"{POSTCODES[place]} {place}"
    elif roll < 0.45:
        place = None
    employer = base.employer
    if "agency" in edits or rng.random() < 0.1:
        employer = rng.choice([None, board.capitalize()])  # agencies name themselves or no one
    elif rng.random() < 0.3:
        employer = (employer or "").removesuffix(" B.V.")
    return Posting(group=base.group, title=title, place=place, employer=employer,
                   description=f"{header}\n\n{text}\n\n{footer}".strip())


def generate(rng: random.Random, count: int) -> list[Posting]:
    postings: list[Posting] = []
    for base in base_vacancies(rng, count):
        copies = rng.choices([1, 2, 3, 4, 5], weights=[30, 30, 20, 12, 8])[0]
        boards = rng.sample(sorted(BOARDS), k=copies - 1)
        postings.append(base)
        postings.extend(repost(rng, base, board) for board in boards)
    rng.shuffle(postings)
    return postings


def evaluate(postings: list[Posting]) -> dict[str, float]:
    finder = DuplicateFinder()
    predicted: dict[int, int] = {}
    started = time.perf_counter()
    for number, posting in enumerate(postings):
        print_ = fingerprint(title=posting.title, description=posting.description,
                             place=posting.place, employer=posting.employer)
        match = finder.find(print_)
        if match is None:
            finder.add(str(number), print_)
            predicted[number] = number
        else:
            predicted[number] = predicted[int(match)]
    elapsed = time.perf_counter() - started
    true_pairs = _pairs({n: p.group for n, p in enumerate(postings)})
    found_pairs = _pairs(predicted)
    hits = len(true_pairs & found_pairs)
    return {"postings": len(postings), "true_pairs": len(true_pairs),
            "predicted_pairs": len(found_pairs),
            "precision": hits / len(found_pairs) if found_pairs else 1.0,
            "recall": hits / len(true_pairs) if true_pairs else 1.0,
            "per_posting_ms": 1000 * elapsed / len(postings)}


def _pairs(groups: dict[int, int]) -> set[tuple[int, int]]:
    members: dict[int, list[int]] = defaultdict(list)
    for number, group in groups.items():
        members[group].append(number)
    return {pair for group in members.values() for pair in combinations(sorted(group), 2)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--vacancies", type=int, default=600)
    parser.add_argument("--seeds", type=int, nargs="+", default=[1, 2, 3])
    args = parser.parse_args()
    print(f"{'seed':>4} {'postings':>8} {'true pairs':>10} {'found':>6} {'precision':>9} "
          f"{'recall':>7} {'ms/posting':>10}")
    totals: defaultdict[str, float] = defaultdict(float)
    for seed in args.seeds:
        result = evaluate(generate(random.Random(seed), args.vacancies))
        for key, value in result.items():
            totals[key] += value
        print(f"{seed:>4} {result['postings']:>8} {result['true_pairs']:>10} "
              f"{result['predicted_pairs']:>6} {result['precision']:>9.4f} "
              f"{result['recall']:>7.4f} {result['per_posting_ms']:>10.2f}")
    runs = len(args.seeds)
    precision, recall = totals["precision"] / runs, totals["recall"] / runs
    print(f"mean precision {precision:.4f} (target >= 0.98), mean recall {recall:.4f} "
          f"(target >= 0.90): {'OK' if precision >= 0.98 and recall >= 0.9 else 'BELOW TARGET'}")


if __name__ == "__main__":
    main()
