"""Benchmark: precision and recall of cross-source deduplication on generated reposts.

Generates base vacancies the way Dutch employers write them (one employer's
vacancies share their "over ons" and "wat bieden wij" paragraphs and its own
phrasing; chains post the same text for several towns; now and then an employer
has two openings for the same job in the same town, another shift), then
reposts each one 1-4 times:
- job boards keep the employer's name and text but add their own header and
  footer, change the title ("(m/v/x)", "Vacature:", casing, hours, place), drop,
  swap or reword a sentence, or show only the first half of the text;
- staffing agencies (uitzendbureaus) post it as their own: their name as
  employer, "onze opdrachtgever" instead of the employer's blurb, a reworded
  opening, their recruiter's phone instead of the manager's, often their own
  offer (an hourly wage instead of a monthly salary), their own boilerplate,
  tasks in another order;
- job boards also carry agencies' copies (a repost of a repost).
Hard negatives are built in: the same employer's other jobs (same template),
the same text in other towns, the same title at other employers in the same
town (agencies hide the employer, so such ads look alike), and a second
opening of the same job at the same employer and town with another shift.

All postings go through `DuplicateFinder` in a random order, as a crawl meets
them; pairs in the same predicted group are scored against the true groups.
Missed pairs are broken down by the kinds of the two postings, false merges by
how the two vacancies are related.

    .venv/bin/python bench/dedup.py [--vacancies 600] [--seeds 1 2 3]

Targets (issue 7): precision >= 0.98, recall >= 0.9.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from itertools import combinations
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from vacancies import geo  # noqa: E402
from vacancies.dedup import DuplicateFinder, fingerprint  # noqa: E402

TOWNS = ["Zoetermeer", "Delft", "Gouda", "Leiden", "Den Haag", "Rotterdam", "Utrecht",
         "Alphen aan den Rijn", "Waddinxveen", "Rijswijk", "Bleiswijk", "Pijnacker",
         "Leiderdorp", "Bodegraven", "Woerden", "Schiedam", "Vlaardingen", "Dordrecht",
         "Haarlem", "Amersfoort", "Zwolle", "Breda", "Tilburg", "Eindhoven", "Nijmegen",
         "Arnhem", "Apeldoorn", "Enschede", "Groningen", "Maastricht"]
POSTCODES = {town: f"{2000 + 37 * i:04d}" for i, town in enumerate(TOWNS)}
PROVINCES = ["Zuid-Holland", "ZH", "Utrecht", "Noord-Brabant", "Gelderland"]

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
GENDER_SUFFIXES = ["(m/v/x)", "(m/v)", "(v/m/x)", "m/v/x", "(M/V/X)", "(h/v/x)", "(m/v/d)"]
REQUIREMENTS = ["Je hebt een mbo-diploma op niveau 2", "Je spreekt goed Nederlands",
                "Je bent flexibel inzetbaar", "Je hebt rijbewijs B",
                "Je hebt ervaring in een vergelijkbare functie", "Je bent stressbestendig",
                "Je werkt graag in een team", "Je bent klantvriendelijk en zorgvuldig",
                "Je hebt een VCA-certificaat of wilt dat halen", "Je bent punctueel"]
SYNONYMS = {"Je": "Jij", "werkt": "bent aan het werk", "klanten": "afnemers",
            "dagelijks": "elke dag", "regio": "omgeving", "controleert": "checkt",
            "collega's": "teamleden", "begint": "start", "ervaring": "werkervaring",
            "goederen": "producten", "flexibel": "breed"}
SHIFTS = [("dagdienst", (7, 15)), ("avonddienst", (15, 23)), ("nachtdienst", (23, 7)),
          ("weekend", (8, 17)), ("ochtenddienst", (6, 12))]
BOARDS = {
    "Werkzoeker": ("Bekijk deze vacature op Werkzoeker.nl, de grootste vacaturebank van de "
                   "regio.", "Solliciteer direct via Werkzoeker.nl. Reageer binnen twee weken "
                   "voor de beste kans. Deel deze vacature met vrienden."),
    "Banenbank": ("Nieuwe vacature via Banenbank!", "Ben jij de kandidaat die we zoeken? Klik "
                  "op solliciteren en upload je cv. Banenbank verwerkt je gegevens volgens de "
                  "AVG."),
    "Regiobanen": ("", "Via Regiobanen vind je werk dicht bij huis."),
    "Vacaturedirect": ("Vacature", "Deze vacature is geplaatst door de werkgever. "
                       "Vacaturedirect is niet verantwoordelijk voor de inhoud."),
}


@dataclass(frozen=True)
class Agency:
    """A staffing agency's way of writing: the same for every job it posts."""

    name: str
    header: str
    blurb: str  # "{town}": how it describes an employer it does not name
    openings: tuple[str, ...]  # "{occupation}", "{town}", "{hours}": its first sentence
    asks: str
    standard_need: str
    offer: str  # "{low}", "{high}": an hourly wage
    footer: str
    recruiters: tuple[tuple[str, str], ...]


AGENCIES = [
    Agency("Uitzendplus", "Voor onze opdrachtgever zoeken wij een enthousiaste kracht.",
           "Onze opdrachtgever is een gezond familiebedrijf in de regio {town}.",
           ("Voor onze opdrachtgever in {town} zoeken wij een {occupation} voor {hours} per "
            "week.", "Wij zoeken een {occupation} in {town} voor {hours} per week."),
           "Wat neem je mee?", "Je bent minimaal drie maanden beschikbaar",
           "Wij bieden: een uurloon tussen {low} en {high} euro, weekelijks uitbetaald, "
           "8% vakantiegeld en reiskosten vanaf tien kilometer.",
           "Uitzendplus regelt je contract, je salaris en je planning. Je werkt via ons in "
           "fase A met uitzicht op een vast contract bij de opdrachtgever.",
           (("Lisa", "088-1234500"), ("Tom", "088-1234511"))),
    Agency("Flexwerk Detachering", "Flexwerk Detachering zoekt voor een klant in de regio:",
           "Je gaat aan de slag bij een bekende werkgever in {town}.",
           ("Ben jij de {occupation} die wij zoeken? Je werkt {hours} per week in {town}.",
            "Als {occupation} bij onze klant in {town} werk je {hours} per week."),
           "Wie ben jij?", "Je hebt een eigen telefoon met WhatsApp",
           "Je verdient {low} tot {high} euro bruto per uur. Na 26 weken kans op een contract "
           "bij de klant.",
           "Interesse? Bel onze recruiters of kom langs op een van onze vestigingen.",
           (("Daan", "010-7654300"), ("Noor", "010-7654322"), ("Sem", "010-7654333"))),
    Agency("Tempo Personeel", "Tempo Personeel: werk dat bij je past.",
           "Onze klant is een groeiende organisatie in {town} met een fijne sfeer.",
           ("Tempo Personeel zoekt een {occupation} voor {hours} per week in {town}.",),
           "Jouw profiel:", "Je kunt snel beginnen",
           "Jouw beloning: {low} tot {high} euro per uur, plus toeslagen voor onregelmatige "
           "uren.",
           "Solliciteer via de knop. Binnen twee werkdagen hoor je van ons.",
           (("Anouk", "085-2223300"),)),
]


@dataclass
class Posting:
    group: int
    title: str
    description: str
    place: str | None
    employer: str | None = None
    kind: str = "origineel"  # origineel, vacaturebank, uitzendbureau
    job: tuple[str, str, str] = ("", "", "")  # the true employer, occupation and town
    parts: dict[str, str | list[str]] = field(default_factory=dict)  # to repost from


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
    pay = {e: (rng.randint(2300, 2600), rng.randint(2700, 3200)) for e in employers}
    offer = {e: (f"Wat bieden wij? Een salaris tussen {pay[e][0]} en {pay[e][1]} euro bruto "
                 f"per maand, {rng.randint(24, 27)} vakantiedagen, een reiskostenvergoeding en "
                 "een goed pensioen. Je krijgt een contract voor een jaar met uitzicht op vast.")
             for e in employers}
    voice = {e: employer_voice(random.Random(rng.random())) for e in employers}
    postings: list[Posting] = []
    occupations = list(OCCUPATIONS)
    taken: set[tuple[str, str, str]] = set()  # one employer posts a job once per town ...
    while len(postings) < count:
        employer = rng.choice(employers)
        occupation = rng.choice(occupations)
        towns = rng.sample(TOWNS, k=rng.choice([1, 1, 1, 2, 3]))  # chains: one text, many towns
        if any((employer, occupation, town) in taken for town in towns):
            continue
        openings: list[tuple[str, str, tuple[str, tuple[int, int]] | None]] = [
            (occupation, rng.choice(["24 uur", "32 uur", "32 tot 40 uur", "36 uur", "40 uur"]),
             None)]
        if len(towns) == 1 and rng.random() < 0.08:  # ... unless it has a second shift there
            first, second = rng.sample(SHIFTS, k=2)
            openings = [(occupation, openings[0][1], first),
                        (rng.choice([occupation, f"{occupation} {second[0]}"]),
                         rng.choice(["16 uur", "20 uur", "28 uur"]), second)]
        for title, hours, shift in openings:
            tasks = rng.sample(OCCUPATIONS[occupation], k=rng.randint(3, 5))
            needs = rng.sample(REQUIREMENTS, k=rng.randint(2, 4))
            details = job_details(rng, shift=shift)
            for town in towns:
                taken.add((employer, occupation, town))
                speak = voice[employer]
                parts: dict[str, str | list[str]] = {
                    "about": speak(about[employer]), "occupation": occupation.lower(),
                    "town": town, "hours": hours, "employer": employer,
                    "opening": speak(f"Als {occupation.lower()} in {town} ga je aan de slag "
                                     f"voor {hours} per week."),
                    "details": [speak(s) for s in details[:-1]], "contact": speak(details[-1]),
                    "tasks": [speak(t) for t in tasks], "asks": speak("Wat vragen wij?"),
                    "needs": [speak(n) for n in needs], "offer": speak(offer[employer]),
                    "pay": f"{pay[employer][0]} {pay[employer][1]}"}
                postings.append(Posting(group=len(postings), title=title, place=town,
                                        employer=f"{employer} B.V.", parts=parts,
                                        job=(employer, occupation, town),
                                        description=compose(parts)))
    return postings[:count]


def compose(parts: dict[str, str | list[str]]) -> str:
    """The employer's own text from its parts."""
    body = " ".join([str(parts["opening"]), *parts["details"], str(parts["contact"]),
                     *[f"{task}." for task in parts["tasks"]]])
    needs = " ".join(f"{need}." for need in parts["needs"])
    return f"{parts['about']}\n\n{body}\n\n{parts['asks']} {needs}\n\n{parts['offer']}"


VOICES = [("Je ", ["Je ", "Jij ", "Als collega ", "In deze rol "]),
          ("Wat vragen wij?", ["Wat vragen wij?", "Wie zoeken we?", "Jouw profiel:"]),
          ("Wat bieden wij?", ["Wat bieden wij?", "Dit krijg je van ons:", "Ons aanbod:"]),
          (" ga je aan de slag", [" ga je aan de slag", " werk je", " ben je aan de slag"]),
          ("Je hebt ", ["Je hebt ", "Je beschikt over ", "In bezit van "]),
          ("Je bent ", ["Je bent ", "Jij bent ", "Je staat bekend als "])]


def employer_voice(rng: random.Random) -> Callable[[str], str]:
    """Each employer writes in its own words: a fixed choice of phrasings."""
    choices = [(phrase, rng.choice(options)) for phrase, options in VOICES]

    def speak(text: str) -> str:
        for phrase, chosen in choices:
            text = text.replace(phrase, chosen)
        return text

    return speak


def job_details(rng: random.Random, *, shift: tuple[str, tuple[int, int]] | None
                ) -> list[str]:
    """What makes one opening itself: team, manager, days and hours, start; contact last."""
    person = rng.choice(["Sanne", "Mohamed", "Petra", "Kees", "Fatima", "Joost", "Ilse",
                         "Ahmet", "Marieke", "Ruud", "Esther", "Bas"])
    surname = rng.choice(["de Vries", "El Amrani", "Kramer", "Yilmaz", "Postma", "Verbeek",
                          "Schouten", "Hermans"])
    team = rng.choice(["Noord", "Zuid", "West", "Oost", "Centrum", "Haven", "Polder"])
    days = rng.choice(["maandag tot en met vrijdag", "dinsdag tot en met zaterdag",
                       "maandag, woensdag en vrijdag", "vier dagen per week in overleg"])
    start, end = shift[1] if shift else rng.choice([(6, 14), (7, 15), (8, 17), (9, 17),
                                                    (14, 22), (16, 21)])
    if shift and shift[0] == "weekend":
        days = "op zaterdag en zondag"
    return [f"Je komt in team {team} met {rng.randint(4, 30)} collega's, onder leiding van "
            f"{person} {surname}.", f"Je werkt {days} van {start}.00 tot {end}.00 uur.",
            f"Je begint op {rng.randint(1, 28)} "
            f"{rng.choice(['januari', 'februari', 'maart', 'april'])} of eerder in overleg.",
            f"Vragen over deze functie? Bel {person} via 06-{rng.randint(10000000, 99999999)}."]


def reword(rng: random.Random, text: str, *, count: int) -> str:
    for word, other in rng.sample(sorted(SYNONYMS.items()), k=count):
        text = text.replace(f" {word} ", f" {other} ", 2)
    return text


def repost_title(rng: random.Random, title: str, parts: dict[str, str | list[str]], *,
                 agency: Agency | None) -> str:
    """How a board or agency writes the title: gender suffix, prefix, variant, hours, place,
    casing; one or two of these at once."""
    for _ in range(rng.choice([1, 1, 2])):
        roll = rng.random()
        if roll < 0.3:
            title = f"{title} {rng.choice(GENDER_SUFFIXES)}"
        elif roll < 0.4:
            title = f"Vacature: {title}"
        elif roll < 0.55:
            variants = TITLE_VARIANTS.get(str(parts["occupation"]).capitalize())
            title = title.replace(str(parts["occupation"]).capitalize(), rng.choice(variants)) \
                if variants else title
        elif roll < 0.65:
            hours = str(parts["hours"])
            title = f"{title} {rng.choice([hours, 'fulltime' if '40' in hours else 'parttime'])}"
        elif roll < 0.75:
            title = f"{title} {rng.choice(['in', '-', '|'])} {parts['town']}"
        elif roll < 0.82:
            title = title.upper()
        elif roll < 0.87:
            title = title.lower()
        elif agency is not None:
            title = f"{agency.name} zoekt: {title}"
    return title


def repost_place(rng: random.Random, town: str, *, missing: float) -> str | None:
    roll = rng.random()
    if roll < missing:
        return None
    roll = rng.random()
    if roll < 0.2:
        return f"{town}, {rng.choice(PROVINCES)}, NL"
    if roll < 0.35:
        return f"{POSTCODES[town]} {rng.choice(['AB', 'LK', 'TX', 'PD'])} {town}"
    if roll < 0.45:
        return f"Regio {town}"
    return town


def board_repost(rng: random.Random, source: Posting, board: str) -> Posting:
    """A job board's copy: its header and footer, small edits, often only the first part."""
    header, footer = BOARDS[board]
    sentences = [s for s in source.description.replace("\n\n", " \n\n ").split(". ") if s]
    edits = rng.sample(["drop", "synonym", "truncate", "swap", "none"], k=2)
    if "drop" in edits and len(sentences) > 4:
        sentences.pop(rng.randrange(2, len(sentences) - 1))
    if "swap" in edits and len(sentences) > 5:
        i = rng.randrange(2, len(sentences) - 2)
        sentences[i], sentences[i + 1] = sentences[i + 1], sentences[i]
    text = ". ".join(sentences)
    if "synonym" in edits:
        text = reword(rng, text, count=2)
    if "truncate" in edits:
        words = text.split()
        text = " ".join(words[:max(25, int(len(words) * rng.uniform(0.45, 0.7)))]) + " ..."
    employer = source.employer
    if source.kind == "origineel":
        roll = rng.random()
        if roll < 0.25:
            employer = (employer or "").removesuffix(" B.V.")
        elif roll < 0.32:
            employer = None
        elif roll < 0.36:
            employer = board
    return Posting(group=source.group, title=repost_title(rng, source.title, source.parts,
                                                          agency=None),
                   place=repost_place(rng, str(source.parts["town"]), missing=0.05),
                   employer=employer, kind="vacaturebank", job=source.job, parts=source.parts,
                   description=f"{header}\n\n{text}\n\n{footer}".strip())


def agency_repost(rng: random.Random, base: Posting, agency: Agency) -> Posting:
    """An agency's copy: its name, its words around the job, the employer hidden."""
    parts = base.parts
    town, occupation, hours = str(parts["town"]), str(parts["occupation"]), str(parts["hours"])
    details = list(parts["details"])
    if rng.random() < 0.4:  # the manager's name stays with the employer
        details[0] = details[0].split(", onder leiding van")[0] + "."
    if rng.random() < 0.3:
        details.pop(rng.randrange(len(details)))
    tasks = list(parts["tasks"])
    if rng.random() < 0.5:
        rng.shuffle(tasks)
    if rng.random() < 0.3 and len(tasks) > 3:
        tasks.pop(rng.randrange(len(tasks)))
    opening = rng.choice(agency.openings).format(occupation=occupation, town=town, hours=hours)
    body = " ".join([opening, *details, *[f"{task}." for task in tasks]])
    needs = " ".join(f"{need}." for need in [*parts["needs"], agency.standard_need])
    if rng.random() < 0.5:
        low, high = (int(x) for x in str(parts["pay"]).split())
        offer = agency.offer.format(low=f"{low / 173:.2f}".replace(".", ","),
                                    high=f"{high / 173:.2f}".replace(".", ","))
    else:
        offer = str(parts["offer"])
    recruiter, phone = rng.choice(agency.recruiters)
    blurb = agency.blurb.format(town=town) if rng.random() < 0.75 else ""
    text = (f"{agency.header}\n\n{blurb}\n\n{body}\n\n{agency.asks} {needs}\n\n{offer}\n\n"
            f"Vragen? Bel {recruiter} van {agency.name} via {phone}. {agency.footer}")
    text = reword(rng, text.replace(str(parts["employer"]), "onze opdrachtgever"),
                  count=rng.randint(1, 3))
    return Posting(group=base.group, title=repost_title(rng, base.title, parts, agency=agency),
                   place=repost_place(rng, town, missing=0.12),
                   employer=agency.name if rng.random() < 0.85 else None,
                   kind="uitzendbureau", job=base.job, parts=parts,
                   description=text.replace("\n\n\n\n", "\n\n"))


def generate(rng: random.Random, count: int) -> list[Posting]:
    postings: list[Posting] = []
    for base in base_vacancies(rng, count):
        reposts = rng.choices([0, 1, 2, 3, 4], weights=[30, 30, 20, 12, 8])[0]
        agencies = rng.sample(AGENCIES, k=min(len(AGENCIES), sum(
            rng.random() < 0.4 for _ in range(reposts))))
        copies = [agency_repost(rng, base, agency) for agency in agencies]
        for board in rng.sample(sorted(BOARDS), k=min(len(BOARDS), reposts - len(copies))):
            carried = [copy for copy in copies if copy.kind == "uitzendbureau"]
            source = rng.choice(carried) if carried and rng.random() < 0.35 else base
            copies.append(board_repost(rng, source, board))
        postings.append(base)
        postings.extend(copies)
    rng.shuffle(postings)
    return postings


def evaluate(postings: list[Posting]) -> dict[str, float | Counter[str]]:
    """Every posting through `fingerprint` and `DuplicateFinder` as a crawl meets them; the
    CPU time of that per posting (process time: other work on a shared machine does not
    count)."""
    finder = DuplicateFinder()
    predicted: dict[int, int] = {}
    started = time.process_time()
    for number, posting in enumerate(postings):
        print_ = fingerprint(title=posting.title, description=posting.description,
                             place=posting.place, employer=posting.employer)
        match = finder.find(print_)
        if match is None:
            finder.add(str(number), print_)
            predicted[number] = number
        else:
            predicted[number] = predicted[int(match)]
    elapsed = time.process_time() - started
    true_pairs = _pairs({n: p.group for n, p in enumerate(postings)})
    found_pairs = _pairs(predicted)
    hits = len(true_pairs & found_pairs)
    missed = Counter("-".join(sorted((postings[a].kind, postings[b].kind)))
                     for a, b in true_pairs - found_pairs)
    merged = Counter(_relation(postings[a], postings[b]) for a, b in found_pairs - true_pairs)
    return {"postings": len(postings), "true_pairs": len(true_pairs),
            "predicted_pairs": len(found_pairs),
            "precision": hits / len(found_pairs) if found_pairs else 1.0,
            "recall": hits / len(true_pairs) if true_pairs else 1.0,
            "per_posting_us": 1e6 * elapsed / len(postings), "missed": missed,
            "merged": merged}


def _relation(a: Posting, b: Posting) -> str:
    """How two different vacancies that were merged are related."""
    same_employer, same_job, same_town = (a.job[i] == b.job[i] for i in range(3))
    if same_employer and same_job:
        return "zelfde werkgever en functie, " + ("zelfde plaats" if same_town else
                                                   "andere plaats")
    if same_employer:
        return "zelfde werkgever, andere functie"
    if same_job:
        return "zelfde functie, andere werkgever, " + ("zelfde plaats" if same_town else
                                                        "andere plaats")
    return "anders"


def _pairs(groups: dict[int, int]) -> set[tuple[int, int]]:
    members: dict[int, list[int]] = defaultdict(list)
    for number, group in groups.items():
        members[group].append(number)
    return {pair for group in members.values() for pair in combinations(sorted(group), 2)}


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--vacancies", type=int, default=600)
    parser.add_argument("--seeds", type=int, nargs="+", default=[1, 2, 3])
    args = parser.parse_args()
    geo.preload()  # the gazetteer loads once per process (about a second), not per posting
    print(f"{'seed':>4} {'postings':>8} {'true pairs':>10} {'found':>6} {'precision':>9} "
          f"{'recall':>7} {'F1':>6} {'CPU µs/posting':>14}")
    totals: defaultdict[str, float] = defaultdict(float)
    missed: Counter[str] = Counter()
    merged: Counter[str] = Counter()
    for seed in args.seeds:
        result = evaluate(generate(random.Random(seed), args.vacancies))
        missed.update(result.pop("missed"))  # type: ignore[arg-type]
        merged.update(result.pop("merged"))  # type: ignore[arg-type]
        precision, recall = float(result["precision"]), float(result["recall"])  # type: ignore[arg-type]
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        for key, value in result.items():
            totals[key] += float(value)  # type: ignore[arg-type]
        print(f"{seed:>4} {result['postings']:>8} {result['true_pairs']:>10} "
              f"{result['predicted_pairs']:>6} {precision:>9.4f} {recall:>7.4f} {f1:>6.4f} "
              f"{result['per_posting_us']:>14.0f}")
    runs = len(args.seeds)
    precision, recall = totals["precision"] / runs, totals["recall"] / runs
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    print("missed pairs by kind: " + ", ".join(f"{k} {v}" for k, v in missed.most_common()))
    print("false merges: " + (", ".join(f"{k} {v}" for k, v in merged.most_common()) or "none"))
    print(f"mean precision {precision:.4f} (target >= 0.98), mean recall {recall:.4f} "
          f"(target >= 0.90), F1 {f1:.4f}, {totals['per_posting_us'] / runs:.0f} CPU µs/posting: "
          f"{'OK' if precision >= 0.98 and recall >= 0.9 else 'BELOW TARGET'}")


if __name__ == "__main__":
    main()
