"""Recall of requirement extraction: demands said in words the first rules did not know.

On unlabelled real postings the extractor missed demands in families of wording:
other ways to say that no day is the same or that it gets busy, consultancy and
secondment work at clients, availability outside office hours, headings it read
as the wrong section, short sentences that go on about the job, VDAB competence
lists and executive or shop titles. Each new rule has a sentence written for
these tests that it must catch, next to a near twin that it must not. The
sentences are our own, not copied from any posting.
"""

from __future__ import annotations

import pytest

from matcher.requirements import extract
from tests.matcher.test_requirements_precision import read, tasks

# (code, a sentence in the tasks that is the demand, a near twin that is not). The title
# is neutral ("Medewerker") so that only the sentence can carry the demand.
TWINS = [
    # no day is the same, said otherwise
    ("onvoorspelbaar", "Bij ons team is geen enkele dag hetzelfde.",
     "Bij ons team is geen enkele collega hetzelfde opgeleid."),
    ("onvoorspelbaar", "Een werkdag als adviseur is eigenlijk nooit hetzelfde.",
     "Een werkdag als adviseur duurt nooit langer dan acht uur."),
    ("onvoorspelbaar", "Geen twee dagen zijn hier hetzelfde.",
     "Geen twee projecten zijn hier hetzelfde gepland."),
    ("onvoorspelbaar", "Elke dag ziet er weer anders uit.",
     "Elke ruimte ziet er weer anders uit."),
    ("onvoorspelbaar", "Om snel te kunnen schakelen houd je overzicht.",
     "Om snel te kunnen rekenen houd je overzicht."),
    # a listed cue next to "dynamische omgeving" (which alone is no cue)
    ("onvoorspelbaar", "Je werkt in een dynamische omgeving waar geen dag hetzelfde is.",
     "Je werkt in een dynamische omgeving met fijne collega's."),
    # busy moments, said otherwise
    ("tijdsdruk", "Je blijft rustig als het druk wordt.",
     "Je ruimt het magazijn op als het rustig wordt."),
    ("tijdsdruk", "Je houdt tijdens drukte het hoofd koel.",
     "Je geeft inzicht in de drukte in de treinen."),
    ("tijdsdruk", "Het kan soms flink druk zijn.",
     "Het kan soms flink warm zijn."),
    # conflict conversations as a task; conflict handling as a training topic is not
    ("conflicten", "Je voert evaluatie- en conflictgesprekken met medewerkers.",
     "Je volgt een training over conflicthantering."),
    ("klantcontact", "Je staat stevig in je contacten met klanten.",
     "Je zorgt dat het aantal contacten met klanten omlaag gaat."),
    # available outside office hours
    ("avond_weekend", "Je bent indien nodig inzetbaar buiten de normale kantooruren.",
     "Je bent inzetbaar op verschillende afdelingen."),
    ("avond_weekend", "Je bent soms beschikbaar buiten de normale werkuren.",
     "Je bent soms beschikbaar voor vragen van collega's."),
    # leading people, said otherwise: "leiding te geven", the staff before the verb
    ("leidinggeven", "Je hebt het in je om leiding te geven aan een klein team.",
     "Je hebt het in je om richting te geven aan een klein project."),
    ("leidinggeven", "Teamleden op de productielijn aansturen.",
     "Machines op de productielijn aansturen."),
    ("leidinggeven", "Je stuurt het team aan bij de dagelijkse planning.",
     "Op termijn kun je het team aansturen."),
    # a trait that "is een vereiste" is no employer blurb; missing no deadline is meeting them
    ("tijdsdruk", "Stressbestendigheid is een vereiste in deze rol.",
     "Stressbestendigheid is een thema in ons onderzoek."),
    ("tijdsdruk", "Jij mist geen deadlines, want je plant goed.",
     "Er zijn bij ons geen deadlines."),
    # travel said otherwise; the branches of the employer are no travel, going to them is
    ("reizen", "Je vindt het leuk om incidenteel te reizen naar projecten in het buitenland.",
     "Je vindt het leuk om incidenteel te reizen naar ons kantoor in Utrecht."),
    ("reizen", "Regelmatig internationaal reizen is voor jou geen probleem.",
     "Regelmatig internationaal overleg is voor jou geen probleem."),
    ("reizen", "Je moet regelmatig reizen naar verschillende vestigingen.",
     "Je werkt vanuit een van onze vestigingen."),
    # stand-by duty is on call (like piket), also written with a markdown-escaped hyphen
    ("avond_weekend", "Je draait mee in de stand-by diensten.",
     "Je draait mee in de stand-up van het team."),
    ("avond_weekend", "Je draait mee in de stand\\-by diensten.",
     "Je draait mee in de stand\\-up van het team."),
    ("nachtdienst", "Je bent bereid te werken in een 3\\-ploegendienst.",
     "Je bent bereid te werken in een 3\\-daagse werkweek."),
    # "niet erg om" is not minding, not a negation
    ("avond_weekend", "Je vindt het niet erg om af en toe in het weekend te werken.",
     "Je werkt niet in het weekend."),
]


@pytest.mark.parametrize(("code", "demand", "near"), TWINS,
                         ids=[f"{c}-{i}" for i, (c, _, _) in enumerate(TWINS)])
def test_new_wording_is_caught_and_its_near_twin_is_not(code, demand, near):
    assert code in read(tasks(demand)), demand
    assert code not in read(tasks(near)), near


# Consultancy and secondment at clients: work placed at a client is customer contact for a
# professional job (here the title says so; see test_klantcontact.py for agency work).
CONSULTANCY_TWINS = [
    ("Na de training ga je aan de slag bij een van onze opdrachtgevers.",
     "Na de training ga je aan de slag bij een van onze vestigingen."),
    ("Je werkt aan uitdagende projecten voor diverse klanten.",
     "Je werkt aan uitdagende projecten voor diverse afdelingen."),
    ("Je voert opdrachten uit bij verschillende opdrachtgevers.",
     "Je voert opdrachten uit voor je leidinggevende."),
    ("Je draait mee in projecten voor klanten.",
     "Je draait mee in projecten voor de afdeling."),
    ("In deze rol werk je met een diversiteit aan klanten.",
     "In deze rol werk je met een diversiteit aan databronnen."),
    ("Je implementeert en optimaliseert oplossingen bij onze klanten.",
     "Je implementeert en optimaliseert oplossingen voor ons datateam."),
]


@pytest.mark.parametrize(("demand", "near"), CONSULTANCY_TWINS,
                         ids=[f"consultancy-{i}" for i in range(len(CONSULTANCY_TWINS))])
def test_consultancy_wording_is_caught_and_its_near_twin_is_not(demand, near):
    assert "klantcontact" in read(tasks(demand), title="Junior consultant"), demand
    assert "klantcontact" not in read(tasks(near), title="Junior consultant"), near


def test_evidence_keeps_the_backslashes_of_the_posting():
    text = tasks("Je draait mee in de stand\\-by diensten van het team.")
    found = extract(title="Medewerker", description=text).demand("avond_weekend")
    assert found is not None and found.evidence in text
    assert found.evidence.endswith("van het team.")


def test_a_social_outing_after_work_is_no_evening_work():
    text = tasks("Je verwerkt bestellingen.\nBuiten werktijd ondernemen we vaak iets gezelligs.")
    assert "avond_weekend" not in read(text)


# Where a text stands decides whether it speaks of the job: (code, a whole text whose
# section or paragraph makes it the demand, a near twin whose section does not).
PLACED_TWINS = [
    # text before the first heading counts only where it speaks to the worker or of the job
    ("onvoorspelbaar", "In deze functie is geen dag hetzelfde.",
     "In onze branche is geen dag hetzelfde."),
    # under a heading of no known kind, a short sentence without "je" continues the
    # paragraph it stands in
    ("onvoorspelbaar",
     "**Het avontuur**\nJe werkt samen met veel afdelingen. Geen dag is hetzelfde!",
     "**Het avontuur**\nOns bedrijf groeit snel. Geen dag is hetzelfde!"),
    # "Wat biedt <werkgever> jou?" is the offer
    ("avond_weekend",
     "**Wat ga je doen?**\n* Je verwerkt orders.\n* Je werkt soms in het weekend.",
     "**Wat biedt Acme jou?**\n* Een goed salaris.\n* Je werkt soms in het weekend."),
    # "Dit ben jij" and "Over jou" are the profile, not the company
    ("tijdsdruk", "**Dit ben jij**\nEen resultaatgerichte en stressbestendige teamspeler.",
     "**Dit zijn wij**\nEen resultaatgerichte en stressbestendige organisatie."),
    ("avond_weekend",
     "**Over jou**\n* Je vindt het niet erg om ook buiten kantoortijden te werken.",
     "**Over ons**\n* Wij zijn ook buiten kantoortijden bereikbaar voor onze klanten."),
    # "Bijzonderheden" after the offer speak of the job again
    ("avond_weekend", "**Arbeidsvoorwaarden**\n* Een goed salaris.\n\nBijzonderheden\n"
                      "Je bent indien nodig inzetbaar buiten de normale kantooruren.",
     "**Arbeidsvoorwaarden**\n* Een goed salaris.\n"
     "Je bent indien nodig inzetbaar buiten de normale kantooruren."),
]


@pytest.mark.parametrize(("code", "demand", "near"), PLACED_TWINS,
                         ids=[f"{c}-{i}" for i, (c, _, _) in enumerate(PLACED_TWINS)])
def test_where_a_text_stands_decides_whether_it_is_the_demand(code, demand, near):
    assert code in read(demand), demand
    assert code not in read(near), near


def test_a_vdab_competence_list_describes_the_worker():
    listed = ("Je bereidt de campagnes voor.\n\n"
              "Samenwerken Communiceren Stressbestendigheid Klantgerichtheid Flexibiliteit")
    said_of_the_company = ("Je bereidt de campagnes voor.\n\n"
                           "Stressbestendigheid van de sector is een thema in ons onderzoek.")
    assert "tijdsdruk" in read(listed)
    assert "tijdsdruk" not in read(said_of_the_company)


@pytest.mark.parametrize(("title", "code", "near_title"), [
    ("CEO", "leidinggeven", "Assistent van de directie"),
    ("Chief Technology Officer (CTO)", "leidinggeven", "Technology consultant"),
    ("Managing Director", "leidinggeven", "Marketing medewerker"),
    ("Restaurant manager", "leidinggeven", "Webshop manager"),
    ("Winkel slager", "klantcontact", "Slager"),
    ("Medewerker winkel", "klantcontact", "Medewerker magazijn"),
])
def test_executive_and_shop_titles(title, code, near_title):
    text = tasks("Je werkt mee in het team.")
    assert code in read(text, title=title), title
    assert code not in read(text, title=near_title), near_title


def test_a_shop_butcher_keeps_the_loads_of_a_butcher():
    found = read(tasks("Je werkt mee in het team."), title="Winkel slager")
    assert {"staan", "hand_arm", "klantcontact"} <= found


# Fields said in ways the first rules did not read: hours in a bold tagline or after a bold
# label, "5 of meer jaar", "die ervaring heeft met", school sectors that are no education level.
@pytest.mark.parametrize(("text", "field", "value", "near", "near_value"), [
    ("**Utrecht | 32 uur**\nJe maakt dashboards.", "hours_per_week", (32, 32),
     "**Utrecht | Data**\nJe maakt dashboards.", None),
    ("**Aantal uren per week** 38\n\nJe maakt dashboards.", "hours_per_week", (38, 38),
     "**Aantal vakantiedagen** 25\n\nJe maakt dashboards.", None),
    ("Wie ben jij?\n* 5 of meer jaar ervaring als databasebeheerder.", "experience_years", 5,
     "Wie ben jij?\n* Je bent 5 of meer jaar oud.", None),
    ("Jij bent iemand die\n* Ervaring heeft met BHV-coördinatie.", "experience_years", 1,
     "Jij bent iemand die\n* Interesse heeft in BHV-coördinatie.", None),
    ("Wie ben jij?\n* Je hebt een afgeronde hbo-opleiding.", "education_level", "hbo",
     "Wie ben jij?\n* Je doet onderzoek in het onderwijs (po, vo, mbo, hbo).", None),
])
def test_fields_said_otherwise(text, field, value, near, near_value):
    def get(description):
        found = getattr(extract(title="Medewerker", description=description), field)
        return (found.min, found.max) if field == "hours_per_week" and found else found
    assert get(text) == value, text
    assert get(near) == near_value, near
