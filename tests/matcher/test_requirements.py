"""Requirement extraction on Dutch vacancy sentences written for these tests.

Each hard case of real postings (negation, reassurance, distractors, sections,
hours, education, licences, English postings) has its own sentences here; a
shared-data test guards the development-set score against regressions.
"""

from __future__ import annotations

import json

import pytest

from matcher.models import Requirements
from matcher.occupations import load_title_kb, match_title, normalise_title
from matcher.requirements import build_pipeline, extract, extract_many


def codes(requirements: Requirements) -> set[str]:
    return {demand.code for demand in requirements.demands}


def read(description: str, title: str = "Medewerker") -> Requirements:
    return extract(title=title, description=description)


# --------------------------------------------------------------------------- negation


@pytest.mark.parametrize("sentence", [
    "Wat ga je doen?\nJe pakt bestellingen in. Geen zwaar tilwerk: alles gaat op de band.",
    "Wat ga je doen?\nJe verzorgt bewoners. Tillen doe je met een tillift.",
    "Wat ga je doen?\nJe helpt in de keuken; zwaar tillen hoort er niet bij.",
])
def test_negated_or_reassured_lifting_is_no_demand(sentence):
    assert "tillen" not in codes(read(sentence))


def test_lifting_with_a_weight_is_explicit_with_its_value():
    found = read("Wat ga je doen?\nJe tilt dagelijks dozen tot 25 kilo en stapelt ze op pallets.")
    demand = found.demand("tillen")
    assert demand is not None and demand.certainty == "explicit"
    assert (demand.value, demand.unit) == (25, "kg")
    assert demand.evidence == "Je tilt dagelijks dozen tot 25 kilo en stapelt ze op pallets."


@pytest.mark.parametrize("sentence", [
    "Wij bieden:\n- Geen avond- of weekenddiensten;\n- Een vast contract.",
    "Wat ga je doen?\nJe werkt uitsluitend overdag, van maandag tot en met vrijdag.",
    "Wat vragen wij?\nJe bent beschikbaar op werkdagen; geen weekenddiensten.",
])
def test_day_work_is_no_evening_or_weekend_demand(sentence):
    found = read(sentence, title="Kassamedewerker")
    assert "avond_weekend" not in codes(found)


def test_title_demand_yields_to_negation_in_the_text():
    found = read("Wat ga je doen?\nJe legt producten klaar. Je werkt zittend aan een tafel.",
                 title="Productiemedewerker (m/v/x)")
    assert "staan" not in codes(found)
    assert "hand_arm" in codes(found)


def test_no_night_work_in_a_driving_job():
    found = read("Je rijdt dagritten naar winkels in de regio. Geen nachtwerk.",
                 title="Chauffeur C/CE dagritten")
    assert "rijden" in codes(found)
    assert "nachtdienst" not in codes(found)


def test_no_customer_contact_is_respected():
    found = read("Wat ga je doen?\nJe scant dossiers in. Er is geen klantcontact.",
                 title="Medewerker archief")
    assert "klantcontact" not in codes(found)
    assert "beeldscherm" in codes(found)


# --------------------------------------------------------------------------- distractors


def test_customers_in_the_company_blurb_are_no_customer_contact():
    text = ("Fresh Logistiek levert dagelijks aan 400 klanten in heel Nederland. Onze klanten "
            "rekenen op snelle levering.\n\n**Wat ga je doen?**\nJe verzamelt orders in het "
            "magazijn met een handscanner.")
    found = read(text, title="Orderpicker")
    assert "klantcontact" not in codes(found)
    assert {"tillen", "lopen"} <= codes(found)


def test_under_supervision_is_no_leadership():
    found = read("Wat ga je doen?\nJe werkt onder leiding van een ervaren voorman aan de "
                 "inrichting van tuinen.", title="Hovenier")
    assert "leidinggeven" not in codes(found)


def test_leading_a_team_is_leadership():
    found = read("Wat ga je doen?\nJe stuurt een team van acht schoonmakers aan en maakt de "
                 "planning.", title="Objectleider schoonmaak")
    assert found.demand("leidinggeven").certainty == "explicit"


def test_benefits_are_no_demands():
    text = ("**Wat ga je doen?**\nJe beantwoordt vragen van klanten per telefoon en mail.\n\n"
            "**Wat bieden wij?**\n- Flexibele werktijden;\n- Een leaseauto;\n"
            "- Geen dag is hetzelfde in ons dynamische team;\n- Reiskostenvergoeding.")
    found = read(text, title="Klantenservicemedewerker")
    assert "klantcontact" in codes(found)
    assert not {"avond_weekend", "rijden", "onvoorspelbaar", "reizen"} & codes(found)


def test_the_employers_sector_is_no_demand():
    text = ("Ons ziekenhuis biedt 24/7 zorg aan patiënten uit de hele regio.\n\n"
            "**Wat ga je doen?**\nJe verwerkt facturen en boekt betalingen in ons systeem.")
    found = read(text, title="Financieel administratief medewerker")
    assert not {"nachtdienst", "klantcontact", "emoties_anderen"} & codes(found)
    assert "beeldscherm" in codes(found)


@pytest.mark.parametrize("sentence", [
    "Je tilt onze rapportages naar een hoger niveau.",
    "Jij helpt ons datateam naar het volgende level te tillen.",
    "De onderdelen wegen minder dan 2 kilo, zwaar werk is het niet.",
])
def test_idioms_and_light_weights_are_not_lifting(sentence):
    assert "tillen" not in codes(read("Wat ga je doen?\n" + sentence, title="Medewerker"))


def test_a_cue_inside_experience_that_is_only_a_pre_is_no_demand():
    text = ("Wat vragen wij?\n- Ervaring met klantcontact is een pré;\n"
            "- Je kunt snel schakelen (ervaring met Excel is een plus).")
    found = read(text, title="Medewerker")
    assert "klantcontact" not in codes(found)
    assert "onvoorspelbaar" in codes(found)


# --------------------------------------------------------------------------- sections


def test_demands_in_tasks_count_and_in_offer_do_not():
    text = ("Wat ga je doen?\nJe werkt in een 2-ploegendienst aan de lopende band.\n\n"
            "Wat bieden wij?\nEen fiets van de zaak en een training heftruck rijden.")
    found = read(text, title="Productiemedewerker")
    assert "avond_weekend" in codes(found)
    assert "rijden" not in codes(found)


def test_heading_variants_are_recognised():
    text = ("**Wie ben jij?**\n* Je bent stressbestendig\n\n**Arbeidsvoorwaarden**\n"
            "* Werken onder hoge tijdsdruk is bij ons verleden tijd\n")
    found = read(text, title="Medewerker")
    assert found.demand("tijdsdruk").evidence == "Je bent stressbestendig"


# --------------------------------------------------------------------------- demands


@pytest.mark.parametrize(("sentence", "code"), [
    ("Je duwt rolcontainers naar de winkelvloer.", "duwen_trekken"),
    ("Je staat de hele dag achter de kassa.", "staan"),
    ("Je loopt veel door het magazijn.", "lopen"),
    ("Bij het vullen van de onderste schappen buk je veel.", "bukken_knielen"),
    ("Je werkt regelmatig op ladders en steigers.", "klimmen"),
    ("Je monteert lampen boven je hoofd.", "boven_schouder"),
    ("Je werkt de hele dag achter de computer.", "beeldscherm"),
    ("Je werkt in een 3-ploegendienst.", "nachtdienst"),
    ("Je werkt ook op zaterdag.", "avond_weekend"),
    ("Je rijdt met een bestelbus naar klanten.", "rijden"),
    ("Je reist veel door heel Nederland en België.", "reizen"),
    ("Je helpt klanten aan de balie.", "klantcontact"),
    ("Er wordt gewerkt met productienormen en een hoog tempo.", "tijdsdruk"),
    ("Je moet snel kunnen schakelen tussen taken.", "onvoorspelbaar"),
    ("Je handelt klachten van klanten af.", "conflicten"),
    ("Je biedt een luisterend oor aan cliënten die verdrietig zijn.", "emoties_anderen"),
    ("Je werkt buiten, in weer en wind.", "buiten_klimaat"),
    ("In de hal is het lawaaiig en er komt veel stof vrij.", "geluid_stof_trillingen"),
    ("Veiligheidsschoenen en handschoenen zijn verplicht.", "beschermingsmiddelen"),
    ("Je werkt met gevaarlijke stoffen.", "verhoogd_risico"),
    ("Je bent bereid om in ploegen te werken.", "avond_weekend"),
    ("Je bent verantwoordelijk voor een team van tien medewerkers.", "leidinggeven"),
    ("Je bent de hele dag op je benen.", "staan"),
    ("Je werkt in een koude omgeving bij het laadperron.", "buiten_klimaat"),
    ("Je begeleidt mensen met een verstandelijke beperking.", "klantcontact"),
])
def test_each_demand_is_read_from_a_task_sentence(sentence, code):
    found = read("Wat ga je doen?\n" + sentence, title="Medewerker")
    assert code in codes(found)
    assert found.demand(code).evidence in sentence


def test_evidence_is_verbatim_and_codes_are_unique():
    text = ("**Wat ga je doen?**\n* Je tilt dozen (max. 15 kg);\n* Je tilt ook kratten;\n"
            "* Je werkt in ploegendienst, ook in het weekend.")
    found = read(text, title="Magazijnmedewerker (m/v/x)")
    assert len(codes(found)) == len(found.demands)
    for demand in found.demands:
        assert demand.evidence in text or demand.evidence in "Magazijnmedewerker (m/v/x)"
    assert found.demand("tillen").value == 15


# --------------------------------------------------------------------------- hours


@pytest.mark.parametrize(("text", "hours"), [
    ("Je werkt 32-38 uur per week.", (32, 38)),
    ("Een contract voor 32 tot 40 uur per week.", (32, 40)),
    ("De functie is voor 0,8 fte.", (28.8, 32)),
    ("De functie is 0,8 fte van 38 uur.", (30.4, 30.4)),
    ("Het betreft een fulltime functie.", (36, 40)),
    ("We zoeken iemand voor parttime 20 uur.", (20, 20)),
    ("Je bent min. 24 uur per week beschikbaar.", (24, None)),
    ("Je bent minimaal 24 uur per week beschikbaar, fulltime mag ook.", (24, 40)),
    ("Je werkt 3 dagen per week.", (24, 24)),
    ("Het salaris is gebaseerd op 38 uur per week.", None),
    ("Je werkt parttime.", None),
    ("Zowel fulltime als parttime is bespreekbaar.", None),
    ("Werktijden van 16:45 tot 21:15 uur.", None),
    ("Communicatieadviseur voor 40 uur per week.", (40, 40)),
    ("Soort dienstverband: fulltime.\nSalaris o.b.v. 38 uur per week.", (38, 38)),
    ("Je werkt 0,6 fte, drie dagen per week lesgeven.", (24, 24)),
])
def test_hours_per_week(text, hours):
    found = read(text).hours_per_week
    if hours is None:
        assert found is None
    else:
        assert found is not None and (found.min, found.max) == hours


# --------------------------------------------------------------------------- education


@pytest.mark.parametrize(("text", "level"), [
    ("Wat vragen wij?\n- Je hebt een diploma MBO 2.", "mbo2"),
    ("Wat vragen wij?\n- Je hebt mbo-niveau.", "mbo2"),
    ("Wat vragen wij?\n- Een afgeronde hbo-opleiding.", "hbo"),
    ("Wat vragen wij?\n- Hbo werk- en denkniveau.", "hbo"),
    ("Wat vragen wij?\n- Mbo 4 of hbo in de richting logistiek.", "mbo4"),
    ("Wat vragen wij?\n- Een afgeronde master in de economie.", "wo"),
    ("Wat vragen wij?\n- Geen diploma nodig.", None),
    ("Wat vragen wij?\n- Een hbo-diploma is een pré.", None),
    ("Wat bieden wij?\n- Je volgt bij ons een mbo-opleiding.", None),
])
def test_education_level(text, level):
    assert read(text).education_level == level


# --------------------------------------------------------------------------- licences


@pytest.mark.parametrize(("text", "licences"), [
    ("Wat vragen wij?\n- Rijbewijs C/CE met code 95.", ["C"]),
    ("Wat vragen wij?\n- Je hebt rijbewijs BE.", ["BE"]),
    ("Wat vragen wij?\n- Rijbewijs B is een pré.", []),
    ("Wat vragen wij?\n- In bezit van rijbewijs B; BE is een pré.", ["B"]),
    ("Wat vragen wij?\n- Een geldig B-rijbewijs.", ["B"]),
    ("Wat bieden wij?\n- Wij betalen je opleiding voor rijbewijs C.", []),
    ("Wat vragen wij?\n- Bij voorkeur heb je een VCA-diploma en rijbewijs B.", []),
])
def test_driving_licences(text, licences):
    assert read(text).driving_licences == licences


def test_a_licence_alone_is_not_driving():
    found = read("Wat vragen wij?\n- Je hebt rijbewijs B.", title="Administratief medewerker")
    assert found.driving_licences == ["B"]
    assert "rijden" not in codes(found)


# --------------------------------------------------------------------------- experience


@pytest.mark.parametrize(("text", "years"), [
    ("Wat vragen wij?\n- Minimaal 3 jaar werkervaring in de zorg.", 3),
    ("Wat vragen wij?\n- 3-5 jaar ervaring als planner.", 3),
    ("Wat vragen wij?\n- Enkele jaren ervaring in de logistiek.", 2),
    ("Wat vragen wij?\n- Ervaring met heftruck rijden.", 1),
    ("Wat vragen wij?\n- Ervaring is een pré.", None),
    ("Wat vragen wij?\n- Geen ervaring nodig.", None),
])
def test_experience_years(text, years):
    assert read(text).experience_years == years


# --------------------------------------------------------------------------- English


def test_english_posting_is_read_with_english_patterns():
    text = ("**What you will do**\nYou pick orders in our warehouse. Lifting boxes of up to "
            "20 kg and walking a lot are part of the job. You work fixed night shifts and "
            "safety shoes are mandatory.\n\n**What we offer**\n40 hours per week.")
    found = read(text, title="Warehouse Operator – Night Shift")
    assert found.language == "en"
    assert {"tillen", "lopen", "nachtdienst", "beschermingsmiddelen"} <= codes(found)
    assert found.demand("tillen").value == 20
    assert (found.hours_per_week.min, found.hours_per_week.max) == (40, 40)


def test_dutch_posting_is_dutch():
    assert read("Je werkt in ons team en helpt klanten met hun vragen.").language == "nl"


# --------------------------------------------------------------------------- title knowledge base


def test_title_knowledge_base_knows_gendered_and_variant_titles():
    assert normalise_title("Medewerk(st)er Klantenservice (m/v/x)") == "medewerker klantenservice"
    assert match_title("Verzorgende IG (m/v/x)").name == "verzorgende"
    assert match_title("Orderpickers gezocht DC Waalwijk").name == "orderpicker"
    assert match_title("Chauffeur C/CE supermarktdistributie").name == "vrachtwagenchauffeur"
    assert match_title("Schoonmaakster kantoren").name == "schoonmaker"
    assert match_title("Kassamedewerk(st)er").name == "kassamedewerker"
    assert match_title("Medewerker Facilitaire Dienst") is None
    assert match_title("Teamleider magazijn").name == "leidinggevende"
    assert all(o.demands for o in load_title_kb())


def test_a_trade_title_carries_the_loads_of_its_core_tasks():
    """A welder lifts and kneels, a waiter walks and works evenings: implied, never explicit."""
    from matcher.requirements import extract

    welder = extract(title="Leerling lasser", description="Je leert het vak in onze werkplaats.")
    assert {"tillen", "bukken_knielen"} <= {d.code for d in welder.demands}
    waiter = extract(title="Medewerker bediening", description="Je werkt in ons restaurant.")
    codes = {d.code: d.certainty for d in waiter.demands}
    assert codes.get("lopen") == "implied" and codes.get("avond_weekend") == "implied"
    assert codes.get("tillen") == "implied"  # trays and plates, table to table


def test_table_service_carries_trays_a_counter_job_does_not():
    from matcher.requirements import extract

    for title in ("F&B Associate", "Serveerster (m/v/x)", "Ober"):
        found = extract(title=title, description="Je werkt in ons restaurant.")
        assert "tillen" in {d.code for d in found.demands}, title
    barista = extract(title="Barista", description="Je werkt achter de koffiebar.")
    assert "tillen" not in {d.code for d in barista.demands}


def test_standing_by_choice_is_no_demand_and_a_large_part_of_the_day_is():
    from matcher.requirements import extract

    def codes(sentence: str) -> set[str]:
        return {d.code for d in extract(title="Medewerker", description=sentence).demands}

    assert "staan" not in codes("Je werkt zittend of staand, net wat jij prettig vindt.")
    assert "staan" in codes("Je staat een groot deel van de dag.")
    assert "tillen" in codes("Bij evenementen verplaats je af en toe tafels en stoelen.")


def test_a_forklift_driver_is_no_truck_driver():
    """The longest name wins, even when a shorter one ends the word: heftruck-chauffeur."""
    assert match_title("Heftruckchauffeur dagdienst (32 uur)").name == "reachtruckchauffeur"
    assert match_title("Reachtruckchauffeur 2-ploegen").name == "reachtruckchauffeur"
    assert match_title("Truckchauffeur CE internationaal").name == "vrachtwagenchauffeur"


def test_title_demands_are_implied():
    found = read("Orderpickers gezocht voor ons DC! Direct starten.", title="Orderpicker")
    assert {d.code: d.certainty for d in found.demands} == {"tillen": "implied",
                                                          "lopen": "implied"}


# --------------------------------------------------------------------------- API


def test_extract_many_keeps_order_and_pipeline_is_cached():
    records = [("Chauffeur CE", "Je rijdt internationaal."), ("Data-analist", "Je bouwt "
               "dashboards in Power BI en analyseert data in SQL en Python."), ("Leeg", "")]
    found = list(extract_many(records, batch_size=2))
    assert "rijden" in codes(found[0])
    assert "beeldscherm" in codes(found[1])
    assert found[2].demands == []
    assert build_pipeline() is build_pipeline()
    assert build_pipeline().pipe_names == ["lemmatizer", "sentencizer", "requirements"]


def test_extraction_skips_only_pipes_whose_output_the_rules_do_not_read():
    """extract_many skips the lemmatizer; with it the requirements must be the same."""
    from matcher.requirements import _component

    records = [
        ("Orderpicker (m/v/x)", "Wat ga je doen?\nJe tilt dozen tot 23 kg en werkt in "
         "ploegendienst, ook 's nachts.\nWat bieden wij?\nEen fiets van de zaak."),
        ("Verzorgende IG", "Wie ben jij?\n- mbo-niveau 3\n- rijbewijs B is een pré\n"
         "Tillen doe je met een tillift. Je werkt 24-32 uur per week."),
        ("Data analyst", "What you'll do: you build dashboards. You work at a computer "
         "all day, with no night shifts."),
    ]
    nlp = build_pipeline()
    component = _component(nlp)
    full = [doc._.requirements for doc in nlp.pipe(
        component.make_doc(nlp, title=title, description=description)
        for title, description in records)]
    assert full == list(extract_many(records))
    assert any(token.lemma_ for doc in nlp.pipe(
        component.make_doc(nlp, title=t, description=d) for t, d in records) for token in doc)


def test_plain_nlp_call_reads_the_text_as_description():
    doc = build_pipeline()("Wat ga je doen?\nJe tilt zware dozen en werkt in het weekend.")
    assert {"tillen", "avond_weekend"} <= codes(doc._.requirements)


# --------------------------------------------------------------------------- development set


@pytest.mark.shared_data
@pytest.mark.slow
def test_development_set_micro_f1_stays_above_its_floor(shared_data):
    """A regression guard: the dev-set micro-F1 on demands and the key field accuracies."""
    texts = {}
    for name in ("vacancies_nl_jobboards.jsonl", "vacancies_vdab_flemish.jsonl",
                 "written_dev.jsonl"):
        with (shared_data / name).open(encoding="utf-8") as lines:
            for line in lines:
                record = json.loads(line)
                texts[record["id"]] = record
    with (shared_data / "labels_dev.jsonl").open(encoding="utf-8") as lines:
        labels = [json.loads(line) for line in lines]
    found = list(extract_many((texts[g["id"]]["title"], texts[g["id"]]["description"])
                              for g in labels))
    tp = fp = fn = 0
    licences = education = hours = 0
    for gold, requirements in zip(labels, found, strict=True):
        predicted = codes(requirements)
        tp += len(predicted & set(gold["demands"]))
        fp += len(predicted - set(gold["demands"]))
        fn += len(set(gold["demands"]) - predicted)
        licences += sorted(gold["driving_licences"]) == requirements.driving_licences
        education += gold["education_level"] == requirements.education_level
        found_hours = requirements.hours_per_week
        hours += (gold["hours_per_week"] is None and found_hours is None) or (
            gold["hours_per_week"] is not None and found_hours is not None
            and (gold["hours_per_week"]["min"], gold["hours_per_week"]["max"])
            == (found_hours.min, found_hours.max))
        record = texts[gold["id"]]
        for demand in requirements.demands:
            assert demand.evidence in record["title"] or demand.evidence in record["description"]
    micro_f1 = 2 * tp / (2 * tp + fp + fn)
    assert micro_f1 >= 0.94, micro_f1
    assert licences / len(labels) >= 0.95
    assert education / len(labels) >= 0.95
    assert hours / len(labels) >= 0.95


def test_an_occupation_named_in_the_tasks_adds_its_loads():
    found = read("Wat ga je doen?\nAls het rustig is op de werf, werk je mee als grondwerker.",
                 title="Projectcoördinator")
    assert {"tillen", "bukken_knielen", "buiten_klimaat"} <= codes(found)
    assert all(d.certainty == "implied" for d in found.demands)


def test_experience_in_another_occupation_adds_no_loads():
    found = read("Wat vragen wij?\n- Je hebt ervaring als chauffeur of als orderpicker.",
                 title="Planner")
    assert not {"rijden", "tillen", "lopen"} & codes(found)
