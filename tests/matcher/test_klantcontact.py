"""Precision of the demand klantcontact: customers named in a sentence that are not met.

On unlabelled postings "klant" stood in many sentences of IT, analyst and policy
jobs where the worker never meets a customer: the customer belongs to another
clause ("collega's die software voor opdrachtgevers bouwen"), is the thing
analysed ("de kredietwaardigheid van klanten beoordelen"), is the employer's
market ("We werken samen met bewoners en partners"), a product answers
customers, or "klantcontact" is the topic of the work. Each family below has
sentences written for these tests, each next to a twin in which the worker does
deal with customers and which must still be found. The sentences are our own,
not copied from any posting.
"""

from __future__ import annotations

import pytest

from tests.matcher.test_requirements_precision import read, tasks

# (a sentence without customer contact, its twin with it). The title is neutral.
TWINS = [
    # the contact verb and the customer stand in different clauses
    ("Je adviseert collega-ontwikkelaars die applicaties voor opdrachtgevers bouwen.",
     "Je adviseert opdrachtgevers over de inrichting van hun applicaties."),
    ("Je helpt het planningsteam bij het verbeteren van de dienstregeling voor reizigers.",
     "Je helpt reizigers op het perron met vragen over hun reis."),
    ("Je ondersteunt de afdeling met analyses om te meten hoe tevreden klanten zijn.",
     "Je ondersteunt klanten bij het invullen van hun aangifte."),
    ("Je helpt ons om beter te voorspellen, zodat we nieuwe klanten aantrekken.",
     "Je helpt nieuwe klanten op weg met hun eerste bestelling."),
    ("Je helpt mee om te bepalen waar klanten volgens de data behoefte aan hebben.",
     "Je helpt klanten aan de telefoon met het kiezen van een abonnement."),
    # "bel" is to phone: not beleid, belang, belasting
    ("Naast de klant zijn ook de adviseurs van de directie verantwoordelijk voor het beleid.",
     "Je belt klanten na om te vragen of de reparatie goed is gegaan."),
    ("Je bewaakt de belangen van burgers bij het opstellen van het nieuwe beleid.",
     "Je belt burgers terug die een vraag over hun aanslag hebben."),
    # the employer's "we" is not the worker
    ("We werken elke dag samen met bewoners, scholen en andere overheden aan schoon water.",
     "Je werkt elke dag samen met bewoners aan het schoonhouden van hun buurt."),
    # working together with, or thinking along with, customers
    ("Je werkt nauw samen met het marketingteam aan nieuwe campagnes.",
     "Je werkt nauw samen met onze klanten aan hun nieuwe datawarehouse."),
    ("Je denkt mee met collega's over de nieuwe architectuur.",
     "Je denkt mee met de klant over de inrichting van zijn netwerk."),
    ("Je werkt met data over kinderen en hun schoolloopbaan.",
     "Je vindt het fijn om met kinderen (en hun ouders) te werken."),
    ("Je leert hoe je je kennis kunt overdragen.",
     "Je leert hoe je je kennis kunt overdragen aan collega's en klanten."),
    # customers as a topic, a data source or a department name
    ("Je helpt het team de customer experience te verbeteren.",
     "Je staat klanten te woord aan de servicebalie."),
    ("Je ontwikkelt AI-toepassingen in klantcontact voor grote webwinkels.",
     "Je hebt dagelijks klantcontact aan de telefoon."),
    ("Je werkt aan een chatbot die vragen van reizigers over hun reis beantwoordt.",
     "Je beantwoordt vragen van reizigers over hun reis aan de balie."),
    ("Je bouwt nieuwe oplossingen met moderne technieken om klanten op hun wenken te "
     "bedienen.",
     "Je bedient klanten in de zaak en rekent af aan de kassa."),
    # a point of contact inside the organisation or for a topic
    ("Je bent het eerste aanspreekpunt binnen onze ICT-afdeling.",
     "Je bent het eerste aanspreekpunt voor klanten met een storing."),
    ("Je bent het aanspreekpunt op het gebied van datakwaliteit.",
     "Je bent het aanspreekpunt voor huurders bij reparatieverzoeken."),
    ("Jij bent hun eerste aanspreekpunt bij HR-vragen.",
     "Jij bent het eerste aanspreekpunt voor ouders bij vragen over de opvang."),
    ("Collega’s zien jou als hét aanspreekpunt voor vragen over het datamodel.",
     "Klanten zien jou als hét aanspreekpunt voor vragen over hun order."),
    ("Je kiest de vorm van je analyse die het beste bij de klantvraag past.",
     "Je handelt klantvragen af per telefoon en e-mail."),
    # hospitality as a quality of a place, sales as a department or data
    ("Je zorgt voor alles wat onze werkplekken prettig en gastvrij maakt.",
     "Je ontvangt gasten gastvrij aan de receptie."),
    ("Je maakt verkoopanalyses en rapportages voor de afdeling verkoop.",
     "Je bent verkoopmedewerker in onze winkel."),
    ("Je zorgt voor een glimlach op het gezicht van onze klanten met mooie drukwerk.",
     "Je bent het gezicht van ons kantoor en ontvangt bezoekers."),
]


@pytest.mark.parametrize(("distractor", "demand"), TWINS,
                         ids=[f"twin-{i}" for i in range(len(TWINS))])
def test_a_customer_not_met_is_no_contact_and_its_twin_is(distractor, demand):
    assert "klantcontact" not in read(tasks(distractor)), distractor
    assert "klantcontact" in read(tasks(demand)), demand


def test_working_together_with_colleagues_and_customers_in_a_list_is_contact():
    # a comma of a list does not end the clause
    assert "klantcontact" in read(tasks(
        "Je werkt veel samen met collega's, klanten en leveranciers van software."))


def test_an_aside_in_brackets_does_not_part_the_customer_from_the_verb():
    assert "klantcontact" in read(tasks(
        "Je installeert en ondersteunt onze producten (de server, de app en de koppelingen) "
        "bij onze klanten."))


def test_working_at_the_client_is_contact():
    # consultancy and secondment: the worker is placed at the client
    assert "klantcontact" in read(tasks("Je gaat als consultant aan de slag bij onze "
                                        "opdrachtgevers in de industrie."))
    assert "klantcontact" not in read(tasks("Je gaat als ontwikkelaar aan de slag bij ons "
                                            "team in Utrecht."))


# Work placed at a client. An agency that places a temp worker in a warehouse, a factory
# or on a cleaning round speaks of "onze opdrachtgever": the company where the work is done,
# whose people are colleagues, not customers. A consultant or seconded professional placed
# at a client serves that client. Each pair: (title, agency placement for operational work,
# no customer contact), (title, placement of a professional, customer contact).
PLACEMENT_TWINS = [
    (("Orderpicker",
      "Voor een opdrachtgever in Venlo zoeken wij orderpickers. Je gaat aan de slag bij een "
      "van onze opdrachtgevers in de regio Venlo. Je pakt orders en scant de pallets."),
     ("Junior consultant",
      "Voor een opdrachtgever in Venlo zoeken wij consultants. Je gaat aan de slag bij een "
      "van onze opdrachtgevers in de regio Venlo. Je brengt hun processen in kaart.")),
    (("Magazijnmedewerker",
      "Via ons uitzendbureau ga je werken bij een van onze opdrachtgevers in Zwolle. Je laadt "
      "en lost vrachtwagens."),
     ("Data engineer",
      "Via ons detacheringsbureau ga je werken bij een van onze opdrachtgevers in Zwolle. Je "
      "bouwt hun datapijplijnen.")),
    (("Schoonmaakmedewerker",
      "Je werkt bij verschillende opdrachtgevers in de regio. Je maakt kantoren schoon in de "
      "avond."),
     ("Interim projectleider",
      "Je werkt bij verschillende opdrachtgevers in de regio. Je leidt verbouwingen van "
      "kantoren.")),
    # the title is neutral: the role the placement sentence names decides
    (("Medewerker",
      "Als productiemedewerker word je ingezet bij een van onze opdrachtgevers in Oss. Je "
      "bedient de machines."),
     ("Medewerker",
      "Als adviseur word je ingezet bij een van onze opdrachtgevers in Oss. Je maakt een "
      "plan voor hun energiebesparing.")),
    # driving for several clients is transport, advising several clients is consultancy
    (("Chauffeur C",
      "Je rijdt voor verschillende opdrachtgevers ritten door de Benelux."),
     ("Fiscalist",
      "Je bent fiscaal specialist voor verschillende opdrachtgevers in de Benelux.")),
    # no role in title or sentence: only higher education asked makes it professional
    (("Medewerker",
      "Je werkt op locatie bij onze klanten.\n\nWat vragen wij?\nJe hebt een vmbo-diploma."),
     ("Medewerker",
      "Je werkt op locatie bij onze klanten.\n\nWat vragen wij?\nJe hebt een hbo-diploma.")),
]


@pytest.mark.parametrize(("operational", "professional"), PLACEMENT_TWINS,
                         ids=[f"placement-{i}" for i in range(len(PLACEMENT_TWINS))])
def test_agency_placement_for_operational_work_is_no_contact_and_consultancy_is(
        operational, professional):
    title, text = operational
    assert "klantcontact" not in read(tasks(text), title=title), text
    title, text = professional
    assert "klantcontact" in read(tasks(text), title=title), text


def test_the_occupation_a_title_names_first_decides_whether_it_is_professional():
    # "data" alone would be ICT; "data entry" is administrative work an agency places
    text = tasks("Via ons uitzendbureau ga je aan de slag bij een van onze opdrachtgevers.")
    assert "klantcontact" not in read(text, title="Data entry medewerker")
    assert "klantcontact" in read(text, title="Data analist")


def test_a_client_named_as_the_workplace_is_no_contact_whatever_verb_follows():
    # "helpt" has its own object here; the opdrachtgever is only where the work is done
    text = tasks("Je werkt bij een van onze opdrachtgevers op de bouwplaats en helpt bij het "
                 "storten van beton.")
    assert "klantcontact" not in read(text, title="Bouwvakker")
    assert "klantcontact" in read(tasks("Je werkt op de bouwplaats en helpt onze klanten bij "
                                        "het kiezen van materiaal."), title="Bouwvakker")


def test_working_in_the_clients_home_is_contact_also_for_operational_work():
    # in a customer's home the worker deals with the customer; an office round does not
    assert "klantcontact" in read(tasks("Je werkt bij klanten thuis en maakt hun huis schoon."),
                                  title="Schoonmaker")
    assert "klantcontact" not in read(tasks("Je werkt bij klanten en maakt hun kantoor schoon."),
                                      title="Schoonmaker")


def test_contact_said_in_other_words_still_counts_in_an_agency_job():
    # the placement alone is no contact; a sentence that says so still is
    text = tasks("Je werkt bij een van onze opdrachtgevers in de regio. Je helpt klanten aan "
                 "de balie met hun pakketten.")
    assert "klantcontact" in read(text, title="Magazijnmedewerker")


def test_contact_with_relations_in_an_intro_that_names_the_wanted_worker():
    # the intro line says whom the employer seeks; its other sentences describe the job
    text = ("Voor onze winkel zoeken we een medewerker die met zakelijke klanten kan omgaan. "
            "Dagelijks contact met relaties via telefoon en mail is een must.")
    assert "klantcontact" in read(text)
    # without the search, the same intro line is the employer's blurb
    blurb = ("Onze winkel bestaat dertig jaar. "
             "Dagelijks contact met relaties via telefoon en mail is voor ons belangrijk.")
    assert "klantcontact" not in read(blurb)


def test_the_search_sentence_that_describes_a_client_company_is_no_demand():
    text = ("Voor onze klant, een groothandel die diepvriesproducten verdeelt, zoeken wij een "
            "administratief medewerker.\n\nWat ga je doen?\nJe boekt facturen in.")
    assert "buiten_klimaat" not in read(text)
