"""Precision of requirement extraction: words that look like a demand and are not.

Each family of false positives seen on unlabelled real postings (figurative
words, benefit and application lines, the employer's blurb, trait lists, a
pré, tools that share a word with protective equipment) has sentences written
for these tests, each next to a twin that is a real demand and must still be
found. The sentences are our own, not copied from any posting.
"""

from __future__ import annotations

import pytest

from matcher.models import Requirements
from matcher.requirements import extract


def codes(requirements: Requirements) -> set[str]:
    return {demand.code for demand in requirements.demands}


def read(description: str, title: str = "Medewerker") -> set[str]:
    return codes(extract(title=title, description=description))


def tasks(sentence: str) -> str:
    return f"Wat ga je doen?\n{sentence}"


# Each case: (code, a sentence that is no demand, its twin that is one). The job title is
# neutral ("Medewerker") so that only the sentence can carry the demand.
TWINS = [
    # figurative lifting, and research about heavy work
    ("tillen", "Je tilt onze marketing naar nieuwe hoogten.",
     "Je tilt dozen tot 20 kg."),
    ("tillen", "Je tilt de kwaliteit van onze rapportages naar een volgend niveau.",
     "Je tilt en sjouwt dagelijks kratten."),
    ("tillen", "Je onderzoekt hoe exoskeletten mensen met een lichamelijk zwaar beroep helpen.",
     "Het is lichamelijk zwaar werk: je lost vrachtwagens met zakken aardappelen."),
    # walking: word parts and idioms
    ("lopen", "Je krijgt veel loopbaankansen binnen onze organisatie.",
     "Je loopt veel: de hele dag rondes door het magazijn."),
    ("lopen", "Bij ons loopt veel nog niet op rolletjes, daar help jij bij.",
     "Tijdens je dienst loop je rondes langs alle afdelingen."),
    # climbing: roofs as a place of work, not as data
    ("klimmen", "Je bouwt de software waarmee we het inmeten van de daken plannen.",
     "Je werkt op daken en plaatst zonnepanelen."),
    # hand/arm work named as colleagues' work, software or a figure of speech
    ("hand_arm", "Je werkt samen met monteurs, inkopers, assemblage- en servicemedewerkers.",
     "Je doet de assemblage van kleine onderdelen aan de werkbank."),
    ("hand_arm", "Je traint een taalmodel op assembly code.",
     "Je doet assembly van printplaten met de hand."),
    ("hand_arm", "Je automatiseert de migratie zodat er zo min mogelijk handmatig werk overblijft.",
     "Het is precisiewerk met kleine onderdelen."),
    # protective equipment: Helm the Kubernetes tool; a pré
    ("beschermingsmiddelen", "Je rolt releases uit met Kubernetes, Helm en Terraform.",
     "Op de bouwplaats draag je een helm en veiligheidsschoenen."),
    ("beschermingsmiddelen", "Een VCA-certificaat is een pré.",
     "Je draagt veiligheidsschoenen en handschoenen."),
    # outdoors: "buiten" as outside a scope, "op straat" said of other people
    ("buiten_klimaat", "Er is ruimte om je te ontwikkelen buiten je takenpakket.",
     "Je werkt buiten, in weer en wind."),
    ("buiten_klimaat", "Onze stichting vangt moeders op die op straat terecht zijn gekomen.",
     "Je werkt op straat en spreekt jongeren aan op hun gedrag."),
    ("buiten_klimaat", "Je werkt samen met partners van buiten de organisatie.",
     "Je bent veel buiten aan het werk, ook in de winter."),
    ("buiten_klimaat", "Je kijkt van buiten naar binnen naar onze processen.",
     "Je werkt grotendeels buiten op het terrein."),
    # elevated risk: a subject list, a figure of speech
    ("verhoogd_risico", "Het tijdschrift behandelt onderwerpen als werkstress, machineveiligheid "
                        "en gevaarlijke stoffen.",
     "Je werkt met gevaarlijke stoffen in het laboratorium."),
    ("verhoogd_risico", "Je analyseert vergunningen en onderzoek naar gevaarlijke stoffen.",
     "Je vervoert gevaarlijke stoffen volgens de ADR-regelgeving."),
    ("verhoogd_risico", "In een wereld waarin data explosief toeneemt, bouw jij aan de basis.",
     "Je werkt in een omgeving met explosiegevaar."),
    # noise, dust: measuring it is not being exposed to it
    ("geluid_stof_trillingen", "Je voert metingen uit van geluid en trillingen in de installatie.",
     "In de hal is veel lawaai en stof."),
    ("geluid_stof_trillingen", "Je analyseert de luchtkwaliteit met sensoren in de stad.",
     "Je meet de producten na; in de hal is veel lawaai."),
    # evening and weekend: dates, perks, flexibility offered, planning others' rosters
    ("avond_weekend", "De sluitingsdatum is zondag 3 maart.",
     "Je werkt ook op zondag."),
    ("avond_weekend", "Gewoon op tijd thuis voor het avondeten.",
     "Je werkt twee avonden per week in de winkel."),
    ("avond_weekend", "Wil je 's middags je kind van school halen en 's avonds je werk afmaken? "
                      "Dat kan bij ons.",
     "Je werkt regelmatig 's avonds tot 22:00 uur."),
    ("avond_weekend", "Je helpt de planners bij het maken van roosters.",
     "Je werkt in een rooster met wisselende diensten."),
    # customer contact: the employer's customers, products, colleagues, traits
    ("klantcontact", "Wij leveren dataplatformen aan onze klanten.",
     "Je helpt klanten aan de telefoon met hun vragen."),
    ("klantcontact", "Je bouwt tools die onze klanten helpen hun processen te verbeteren.",
     "Je adviseert klanten over de inrichting van hun systemen."),
    ("klantcontact", "Je bouwt een platform dat onze klanten helpt bij hun planning.",
     "Ben jij de nieuwe engineer die onze klanten verder helpt?"),
    ("klantcontact", "Je bent het aanspreekpunt voor collega's bij vragen over het dataplatform.",
     "Je bent het eerste aanspreekpunt voor klanten aan de balie."),
    ("klantcontact", "Je bent proactief, servicegericht en nauwkeurig.",
     "Je staat klanten te woord in de winkel."),
    ("klantcontact", "Je maakt analyses met de data van de klantenservice.",
     "Je werkt op de klantenservice en beantwoordt vragen van klanten."),
    # conflicts: medical complaints, other people's disputes
    ("conflicten", "Je analyseert registraties van chronische klachten en zorggebruik.",
     "Je handelt klachten van klanten af."),
    ("conflicten", "Onze rechtbank helpt burgers die in een geschil verwikkeld zijn.",
     "Je voert lastige gesprekken en gaat goed om met agressie."),
    ("conflicten", "Wij werken voor iedereen, van rechters tot burgers die door een ruzie of een "
                   "misdrijf in een rechtszaak verwikkeld raken.",
     "Je behandelt bezwaarschriften van burgers."),
    ("klantcontact", "Je werkt met het relatiebeheer (CRM) systeem en maakt rapportages.",
     "Relatiebeheer is een belangrijk deel van je werk: je bezoekt klanten."),
    ("klantcontact", "Je levert inzichten die ons helpen onze klanten beter te begrijpen.",
     "Je adviseert klanten persoonlijk in de showroom."),
    ("klantcontact", "Je werkt aan een voicebot die klantgesprekken ondersteunt.",
     "Je voert klantgesprekken over hun verzekering."),
    ("klantcontact", "Je bent het aanspreekpunt voor ons nieuwe dataplatform.",
     "Je bent het aanspreekpunt voor bezoekers van het museum."),
    ("klantcontact", "Je bent nieuwsgierig, zelfstandig en klant- en resultaatgericht.",
     "Je onderhoudt contact met klanten over hun bestellingen."),
    # other people's emotions: the sector, research, diplomas
    ("emoties_anderen", "Parnassia is marktleider in de ggz voor mensen met psychische problemen.",
     "Je begeleidt cliënten met psychische problemen in hun dagelijks leven."),
    ("emoties_anderen", "Je bouwt dashboards die bijdragen aan betere zorg voor kwetsbare mensen.",
     "Je begeleidt kwetsbare ouderen en biedt een luisterend oor."),
    # time pressure: pace of a company, balanced workload, stress as a topic
    ("tijdsdruk", "Ons bedrijf groeit in hoog tempo.",
     "Je werkt in een hoog tempo aan de lopende band."),
    ("tijdsdruk", "We zorgen voor een acceptabele werkdruk en een goede balans tussen werk "
                  "en privé.",
     "Je werkt onder tijdsdruk met harde deadlines."),
    ("tijdsdruk", "Je onderzoekt stressklachten bij jongeren.",
     "Je bent stressbestendig en houdt het hoofd koel bij drukte."),
    # travel: commuting, people located across Europe, rounds within one neighbourhood
    ("reizen", "Je overlegt veel met de business, die in heel Europa zit.",
     "Je reist regelmatig naar klanten in heel Europa."),
    ("reizen", "Je bent woonachtig in de Randstad of reisbereid naar ons kantoor.",
     "Je bezoekt klanten in heel Nederland."),
    # leadership: your own manager, projects without staff
    ("leidinggeven", "Samen met je people manager kies je je opleiding.",
     "Als people manager geef je leiding aan een team van acht medewerkers."),
    ("leidinggeven", "Je geeft leiding aan projecten en bewaakt planning en budget.",
     "Je geeft leiding aan een team van zes monteurs."),
    # onvoorspelbaar: a listed cue in a pitch of the shop's team, not the job
    ("onvoorspelbaar", "Wij zijn een gezellig team en we hebben een klantenkring waarbij geen "
                       "dag hetzelfde is.",
     "Geen dag is hetzelfde: je planning verandert als er een storing is."),
    # standing as a figure of speech
    ("staan", "Je bent in staat om vanuit de gehele keten te denken.",
     "Je staat de hele dag achter de toonbank."),
    ("staan", "De komende jaren staat er nog veel te gebeuren.",
     "Je staat grotendeels aan de productielijn."),
    ("staan", "Bij vragen staat ons hele team voor je klaar.",
     "Je staat de hele dag klaar voor klanten achter de toonbank."),
]


@pytest.mark.parametrize(("code", "distractor", "demand"), TWINS,
                         ids=[f"{code}-{i}" for i, (code, _, _) in enumerate(TWINS)])
def test_a_look_alike_is_no_demand_and_its_twin_is(code, distractor, demand):
    assert code not in read(tasks(distractor)), distractor
    assert code in read(tasks(demand)), demand


def test_a_reimbursement_line_asks_no_walking():
    text = ("Wat bieden wij?\n- Reiskostenvergoeding, ook als je te voet komt.\n\n"
            "Wat ga je doen?\nJe werkt op kantoor aan rapportages.")
    assert "lopen" not in read(text)
    # the same words in the tasks, without the perk, are a demand
    assert "lopen" in read(tasks("Je bezorgt post te voet in de binnenstad."))


def test_a_benefit_line_inside_the_tasks_is_no_demand():
    # job boards often lose the "Wat bieden wij?" heading; the sentence itself is a perk
    line = tasks("Je krijgt een goed salaris, een bonus en een reiskostenvergoeding, "
                 "ook als je te voet komt.")
    assert "lopen" not in read(line)


def test_a_benefit_line_still_tells_of_weekend_shifts():
    # pay for weekend shifts means weekend shifts are worked: evening/weekend is exempt
    line = tasks("Je salaris is inclusief een toeslag voor je weekenddiensten.")
    assert "avond_weekend" in read(line)


def test_the_closing_date_is_an_application_line():
    text = "Solliciteren?\nReageer voor zaterdag 12 april.\n\nWat ga je doen?\nJe maakt analyses."
    assert "avond_weekend" not in read(text)


def test_the_employer_looking_for_someone_is_not_a_blurb():
    # "we zoeken" names the worker: a field researcher works outdoors (implied)
    found = read("Wie zoeken we?\nWe zijn op zoek naar een onderzoeker met veldkennis van de "
                 "Nederlandse flora.")
    assert "buiten_klimaat" in found


def test_a_helmet_in_a_list_of_protective_equipment_still_counts():
    assert "beschermingsmiddelen" in read(tasks("Je werkt altijd met helm, harnas en "
                                                "valbeveiliging."))


def test_a_company_sentence_about_its_work_still_counts_when_it_speaks_to_the_worker():
    line = tasks("Soms werken we op zaterdag om een deadline te halen.")
    found = read(line)
    assert "tijdsdruk" in found and "avond_weekend" in found


def test_a_role_named_for_the_organisation_is_not_the_workers_role():
    text = tasks("Data is het fundament voor een sterke positie als toezichthouder.")
    assert not read(text) & {"conflicten", "verhoogd_risico"}


def test_the_recruiter_who_answers_questions_is_no_customer_contact():
    text = tasks("Je bouwt dashboards.\nVragen? Sanne staat je dan graag te woord.")
    assert "klantcontact" not in read(text)
    assert "klantcontact" in read(tasks("Je staat bezoekers graag te woord aan de balie."))


# Fields read from words about others: the pupils or schools of a level are whom the job
# serves, and colleagues', a team's or the employer's years are not the years asked.
def _fields(description: str) -> tuple[str | None, float | None]:
    found = extract(title="Medewerker", description=description)
    return found.education_level, found.experience_years


@pytest.mark.parametrize(("text", "education"), [
    ("Wat ga je doen?\nJe zet je in om vmbo-leerlingen en mbo-studenten te laten groeien in "
     "hun vak.\nWie ben jij?\nJe hebt een afgeronde hbo-opleiding.", "hbo"),
    ("Wat ga je doen?\nJe maakt dashboards voor onze vmbo-scholen en mbo-sectoren.", None),
    ("Wat ga je doen?\nJe draagt bij aan het succes van 12.000 mbo-studenten.", None),
    # the twins: a level asked of the worker, and a student the worker is
    ("Wie ben jij?\nJe hebt een vmbo-diploma en bent leergierig.", "vmbo"),
    ("Wie ben jij?\nJe bent een hbo-student bedrijfskunde.", "hbo"),
    ("Wie ben jij?\nWe zoeken hbo-studenten voor een afstudeerstage.", "hbo"),
])
def test_the_pupils_or_schools_of_a_level_are_no_level_asked(text, education):
    assert _fields(text)[0] == education, text


@pytest.mark.parametrize(("text", "years"), [
    ("Wat ga je doen?\nJe bouwt dashboards. Collega’s met 10+ jaar ervaring steunen je waar "
     "nodig.", None),
    ("Wat ga je doen?\nJe komt in een team van vier developers met gezamenlijk 12 jaar ervaring.",
     None),
    ("Over de functie\nVanuit ons bedrijf combineren we meer dan 10 jaar ervaring met de doelen "
     "van onze klanten.", None),
    ("Wie ben jij?\nJe hebt ervaring met Excel (we werken met Tableau).", 1),
    # the twins: years asked of the worker, also when "we" ask them or seek colleagues
    ("Wie ben jij?\nJe hebt 10+ jaar ervaring in analytics.", 10),
    ("Wie ben jij?\nWe zoeken collega’s met minimaal 3 jaar ervaring.", 3),
    ("Wie ben jij?\nWij vragen minimaal 4 jaar werkervaring.", 4),
])
def test_years_of_others_are_no_experience_asked(text, years):
    assert _fields(text)[1] == years, text
