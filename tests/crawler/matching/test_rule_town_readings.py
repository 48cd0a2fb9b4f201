"""Rule: "hôpital de <town>" is the town's hospital read from the town alone; when the post
names in full another establishment of that town, that one is the town's hospital and the
town reading is dropped."""

from __future__ import annotations

from dataclasses import replace

import pytest

from crawler.core.records import EntityRecord
from crawler.matching.matcher import Matcher
from crawler.matching.watchlist import Watchlist
from tests.crawler.matching.support import establishment, keys, legal_entity

# Real shapes: a surgery site of another legal entity sits in Corbeil-Essonnes and is named
# after it; the Centre hospitalier Sud Francilien is the town's hospital.
SITE = establishment(
    "910022706",
    "CH Sud Essonne Dourdan Etampes Chirurgie Cancers Urologiques",
    "Corbeil Essonnes",
    "91",
    aliases=["CH Essonne Dourdan Etampes Sit Corbeil"],
    finess_ej="910019447",
)
CHSF = establishment(
    "910000314",
    "Centre Hospitalier Sud Francilien",
    "Corbeil Essonnes",
    "91",
    finess_ej="910002773",
)


@pytest.fixture(scope="module")
def matcher() -> Matcher:
    return Matcher(Watchlist((SITE, CHSF), {}))


def test_the_town_s_hospital_named_in_full_wins(matcher: Matcher) -> None:
    title = "Cyberattaque de l'hôpital de Corbeil-Essonnes : LockBit publie des données"
    text = "Centre Hospitalier Sud Francilien\ndomain: chsf.fr\nDossiers de patients publiés."
    assert keys(matcher, title, text) == {CHSF.key}


def test_the_town_alone_still_reads_its_hospital(matcher: Matcher) -> None:
    assert keys(matcher, "hôpital de Corbeil-Essonnes", "dossiers patients") == {SITE.key}


def test_a_home_care_service_of_the_town_does_not_hide_the_town_s_hospital(
    bundled_matcher: Matcher,
) -> None:
    # Santé Service du Berry (HAD) is in Vierzon; the town's hospital is still the CH.
    text = (
        "Le centre hospitalier de Vierzon a arrêté plusieurs applications. Santé Service du "
        "Berry, qui assure l'hospitalisation à domicile, précise que ses systèmes sont à part."
    )
    assert "finess-ej:180000051" in keys(bundled_matcher, "Incident à Vierzon", text)


def test_a_psychiatric_hospital_of_the_town_does_not_hide_the_town_s_hospital(
    bundled_matcher: Matcher,
) -> None:
    # The CHS du Gers is in Auch too; "the hospital center of Auch" is still the CH.
    text = (
        "The hospital center of Auch confirmed a ransomware attack. The psychiatric hospital "
        "of the Gers isolated its systems as a precaution."
    )
    found = keys(bundled_matcher, "French hospital in Auch hit", text)
    assert found & {"finess-ej:320780117", "finess:320000086"}


# Rule: a type word and a town name the one public hospital (or the one psychiatric hospital)
# of that town whose name does not say the town, with the entity's own type word only.
SAVOIE = establishment(
    "730000304",
    "Centre Hospitalier Specialise de la Savoie",
    "Bassens",
    "73",
    category="Centre Hospitalier Spécialisé lutte Maladies Mentales",
    tags=["category:292"],
)
CORNOUAILLE = establishment(
    "290000025", "Centre Hospitalier de Cornouaille", "Quimper", "29", tags=["category:355"]
)
# Two public hospitals of one town (two families): the town names neither.
BREST_ONE = establishment(
    "290000017", "Centre Hospitalier des Abers", "Brest", "29", tags=["category:355"]
)
BREST_TWO = establishment(
    "290000041", "Centre Hospitalier du Ponant", "Brest", "29", tags=["category:355"]
)
# A public hospital named "Hôpital …" is its town's "CH" (never its "Hospital").
WASSY = establishment("520000084", "Hôpital Saint-Charles", "Wassy", "52", tags=["category:106"])
# A mobile emergency unit sits in a town and carries its host's name: a unit, not a hospital.
QUILLAN = establishment(
    "110780236",
    "CH de Limoux Quillan Site de Quillan",
    "Quillan",
    "11",
    tags=["category:355"],
    parent_key="finess-ej:110780707",
)
SMUR = establishment(
    "110007598",
    "CH Carcassonne SMUR Antenne Quillan",
    "Quillan",
    "11",
    aliases=["CH Limoux Quillan Site Quillan"],
    tags=["category:355"],
    parent_key="finess-ej:110780061",
)


@pytest.fixture(scope="module")
def towns() -> Matcher:
    entities = (SAVOIE, CORNOUAILLE, BREST_ONE, BREST_TWO, QUILLAN, SMUR, WASSY)
    return Matcher(Watchlist(entities, {}))


@pytest.mark.parametrize(
    ("title", "key"),
    [
        ("Centre hospitalier spécialisé de Bassens", SAVOIE.key),
        ("CHS de Bassens : dossiers patients", SAVOIE.key),
        ("EPSM Bassens", SAVOIE.key),
        ("CH de Quimper", CORNOUAILLE.key),
        ("Centre hospitalier de Quimper", CORNOUAILLE.key),
        ("Centre hospitalier de Quillan", QUILLAN.key),
        ("CH de Wassy", WASSY.key),
        ("Centre hospitalier de Wassy", WASSY.key),
        # French's own "hôpital" names the town's public hospital as "CH" does.
        ("Hôpital de Quimper", CORNOUAILLE.key),
        ("Cyberattaque : l'hôpital de Quimper paralysé", CORNOUAILLE.key),
        # Its domain, glued, with the town's saint written short.
        ("ch-quimper.fr", CORNOUAILLE.key),
    ],
)
def test_the_one_hospital_of_a_town_is_named_by_type_and_town(
    towns: Matcher, title: str, key: str
) -> None:
    assert keys(towns, title, "Group: lockbit3") == {key}


@pytest.mark.parametrize(
    "title",
    [
        "CH de Bassens",  # a psychiatric hospital needs its own type word
        "Hôpital de Bassens",
        "Hôpital privé de Quimper",  # a private hospital is another one
        "Bassens Hospital",
        "Bethesda Hospital, Quimper",
        "Centre hospitalier de Brest",  # two public hospitals in Brest
        "Quimper",
        "Wassy Hospital",  # English is any country's
    ],
)
def test_another_type_word_or_two_hospitals_name_nothing(towns: Matcher, title: str) -> None:
    assert keys(towns, title, "Group: lockbit3") == set()


def test_a_unit_read_from_its_host_s_name_is_its_legal_entity() -> None:
    # Real shapes: the long-stay unit carries the town hospital's name as an alias; the
    # hospital itself is named "Nord-Ouest" and sits in the next town.
    head = legal_entity("690782222", "Centre Hospitalier Nord Ouest - Villefranche", "Alix", "69")
    usld = establishment(
        "690802251",
        "USLD CH de Villefranche",
        "Villefranche sur Saone",
        "69",
        aliases=["Long Séjour-C.h.g. de Villefranche-Sur-Saone"],
        category="Etablissement de Soins Longue Durée",
        parent_key=head.key,
    )
    matcher = Matcher(Watchlist((head, usld), {}))
    assert keys(matcher, "Hôpital de Villefranche-sur-Saône", "Group: lockbit3") == {head.key}
    assert keys(matcher, "USLD CH de Villefranche", "Group: lockbit3") == {usld.key}


def test_a_generic_reading_of_the_town_does_not_hide_the_town_s_hospital() -> None:
    # Real shapes: the CH of Saint-Lô is named after its memorial; its alias "CH - Saint-Lo"
    # reads "saint lo" as a generic core (a saint and a short word), which must not stop the
    # town from naming its one public hospital, nor its domain written with "st" glued.
    head = legal_entity(
        "500000112", "Centre Hospitalier Memorial France Etats-Unis St-Lo", "St Lo", "50"
    )
    site = establishment(
        "500000450",
        "Centre Hospitalier Memorial France Etats-Unis St-Lo",
        "St Lo",
        "50",
        aliases=["CH - Saint-Lo"],
        tags=["category:355"],
        parent_key=head.key,
        finess_ej="500000112",
    )
    head = replace(head, tags=("category:355", "legal-entity"))
    matcher = Matcher(Watchlist((head, site), {}))
    for title in ("Hôpital de Saint-Lô", "Centre hospitalier de Saint-Lô", "ch-stlo.fr"):
        assert keys(matcher, title, "Group: lockbit3") == {head.key}, title


def test_a_psychiatric_legal_entity_is_no_second_public_hospital_of_its_town() -> None:
    # Real shapes: Saint-Dizier has its CH and the psychiatric "CH de la Haute-Marne", whose
    # legal entity has the category of its sites only as a tag.
    hospital = establishment(
        "520000068",
        "Centre Hospitalier Geneviève de Gaulle Anthonioz",
        "St Dizier",
        "52",
        tags=["category:355"],
    )
    psychiatric = replace(
        legal_entity("520780081", "Centre hospitalier de la Haute-Marne", "St Dizier", "52"),
        tags=("category:292", "legal-entity"),
    )
    matcher = Matcher(Watchlist((hospital, psychiatric), {}))
    assert keys(matcher, "CH de Saint-Dizier", "Group: lockbit3") == {hospital.key}
    assert keys(matcher, "CHS de Saint-Dizier", "Group: lockbit3") == {psychiatric.key}


def test_a_psychiatric_unit_named_hopital_is_no_second_public_hospital() -> None:
    # Real shapes: Ajaccio's CH (Miséricorde) and a psychiatric night hospital of the CHD de
    # Castelluccio named "Hôpital de Nuit …".
    hospital = establishment(
        "2A0000022", "CH Nd la Misericorde", "Ajaccio", "2A", tags=["category:355"]
    )
    night = establishment(
        "2A0004750",
        "Hôpital de Nuit a Passeghjata",
        "Ajaccio",
        "2A",
        category="Centre Hospitalier Spécialisé lutte Maladies Mentales",
        tags=["category:292"],
        parent_key="finess-ej:2A0000386",
    )
    matcher = Matcher(Watchlist((hospital, night), {}))
    assert keys(matcher, "Centre hospitalier d'Ajaccio", "Group: lockbit3") == {hospital.key}


def test_a_town_s_article_contracted_with_de_still_reads_the_town() -> None:
    # "Centre hospitalier du Chesnay": the town Le Chesnay after "du"; a given name is no town
    # ("Centre hospitalier François …" is no hospital of Le François).
    chesnay = establishment(
        "780800256", "Hôpital André Mignot", "Le Chesnay", "78", tags=["category:355"]
    )
    francois = establishment(
        "970200101", "Hôpital du Saint-Esprit", "Le Francois", "972", tags=["category:355"]
    )
    matcher = Matcher(Watchlist((chesnay, francois), {}))
    assert keys(matcher, "Centre hospitalier du Chesnay", "Group: lockbit3") == {chesnay.key}
    assert keys(matcher, "Hôpital du Chesnay", "Group: lockbit3") == {chesnay.key}
    assert keys(matcher, "Centre hospitalier François", "Group: lockbit3") == set()


def test_a_unit_s_name_naming_its_host_needs_the_host_s_place() -> None:
    # Real shapes: the long-stay unit "Centre Long Séjour - CH Montfort" (Montfort-sur-Meu):
    # "Hôpital Montfort" alone is as much Ottawa's; with the town, it is the Breton one.
    unit = establishment(
        "350013249",
        "Centre Long Séjour - CH Montfort",
        "Montfort sur Meu",
        "35",
        category="Etablissement de Soins Longue Durée",
        tags=["category:362"],
    )
    matcher = Matcher(Watchlist((unit,), {}))
    assert keys(matcher, "Hopital Montfort", "Group: lockbit3") == set()
    assert keys(matcher, "CH Montfort (Montfort-sur-Meu)", "Group: lockbit3") == {unit.key}


def test_the_town_s_hospital_named_beside_its_psychiatric_hospital_is_the_hospital(
    bundled_matcher: Matcher,
) -> None:
    # The CHS le Mas Careiron, named in the post, is read from its town (Uzès) too; the type
    # word written ("Centre Hospitalier d'Uzès") is the town's CH's own.
    title = "Centre Hospitalier d'Uzès / CHS Le Mas Careiron"
    found = keys(bundled_matcher, title, "Les deux établissements ont été touchés.")
    assert found & {"finess:300000064", "finess-ej:300780087"}
    assert found & {"finess:300000080", "finess-ej:300780103"}


def test_an_intercommunal_hospital_is_its_town_s_ch_too() -> None:
    chicas = establishment(
        "050002948",
        "Centre hospitalier intercommunal des Alpes du Sud",
        "Gap",
        "05",
        tags=["category:355"],
    )
    matcher = Matcher(Watchlist((chicas,), {}))
    for title in ("Centre hospitalier de Gap", "CH de Gap", "CHI de Gap"):
        assert keys(matcher, title, "Group: lockbit3") == {chicas.key}, title
    assert keys(matcher, "Clinique de Gap", "Group: lockbit3") == set()


# Real shape: a sheltered workshop named with its own town at the end, and the other homes of
# its association.
ESAT = establishment(
    "390782332", "ESAT Prestige Jura Saint Claude", "St Claude", "39", tags=["category:246"]
)
IME = establishment("390787026", "IME Juralliance St Claude", "St Claude", "39")


@pytest.fixture(scope="module")
def untyped() -> Matcher:
    return Matcher(Watchlist((ESAT, IME), {"39": "Jura"}))


@pytest.mark.parametrize(
    ("title", "text"),
    [
        ("ESAT Prestige Jura", "Sheltered workshop in Saint-Claude, Jura, France. Payroll."),
        ("Fuite à l'ESAT Prestige Jura", "L'ESAT Prestige Jura de Saint-Claude est touché."),
        ("ESAT Prestige Jura Saint Claude", "Group: akira"),  # the whole name, as before
    ],
)
def test_a_typeless_name_without_its_own_town_is_read_where_the_town_is_written(
    untyped: Matcher, title: str, text: str
) -> None:
    assert keys(untyped, title, text) == {ESAT.key}


@pytest.mark.parametrize(
    ("title", "text"),
    [
        ("ESAT Prestige Jura", "Group: akira"),  # its place is not written
        ("IME Juralliance", "Group: akira"),  # two named words left: too little
        ("ESAT Prestige Jura", "Sheltered workshop in Villeurbanne, France. Payroll."),
    ],
)
def test_without_its_town_written_the_shortened_name_names_nothing(
    untyped: Matcher, title: str, text: str
) -> None:
    assert keys(untyped, title, text) == set()


# Real shapes: FINESS names ending with their own town, written whole or short
# ("Brive" for Brive-la-Gaillarde), with a core that is an ordinary word or a saint's name.
MATHILDE = establishment("760025312", "Clinique Mathilde Rouen", "Rouen", "76")
SAINT_GERMAIN = establishment(
    "190000257", "Clinique Saint-Germain Brive", "Brive la Gaillarde", "19"
)
OTHER_SAINT_GERMAIN = establishment("780018727", "Clinique Saint Germain", "Le Vesinet", "78")


@pytest.fixture(scope="module")
def own_towns() -> Matcher:
    return Matcher(
        Watchlist(
            (MATHILDE, SAINT_GERMAIN, OTHER_SAINT_GERMAIN),
            {},
            ordinary_words=frozenset({"mathilde"}),
        )
    )


@pytest.mark.parametrize(
    ("title", "text"),
    [
        ("Clinique Mathilde", "Group: lockbit3"),  # its whole name but its town, as a title
        ("clinique-mathilde.fr", "Group: blackbasta"),
        ("Clinique Mathilde, Rouen", "Group: lockbit3"),
        ("", "La clinique Mathilde de Rouen a été victime d'une cyberattaque."),
    ],
)
def test_a_name_without_its_own_town_at_its_end(own_towns: Matcher, title: str, text: str) -> None:
    assert keys(own_towns, title, text) == {MATHILDE.key}


def test_an_ordinary_word_alone_in_a_text_needs_the_town(own_towns: Matcher) -> None:
    text = "Ils ont recruté une infirmière à la clinique Mathilde, dit-on."
    assert keys(own_towns, "Offre d'emploi", text) == set()


def test_a_town_written_short_ends_a_saint_s_name(own_towns: Matcher) -> None:
    text = "La clinique Saint-Germain de Brive-la-Gaillarde (Corrèze) est sur un site de fuite."
    assert keys(own_towns, "Clinique Saint-Germain", text) == {SAINT_GERMAIN.key}
    assert keys(own_towns, "Clinique Saint-Germain, Brive", "Group: akira") == {SAINT_GERMAIN.key}
    # the saint's name alone is either clinic's
    assert keys(own_towns, "Clinique Saint-Germain", "Group: akira") == set()


def test_a_generic_word_but_its_town_is_no_title_of_its_own() -> None:
    # "Polyclinique du Parc - Caen" without Caen is Cholet's "Polyclinique du Parc" too.
    caen = establishment("140016759", "Polyclinique du Parc - Caen", "Caen", "14")
    cholet = establishment("490000890", "Polyclinique du Parc", "Cholet", "49")
    matcher = Matcher(Watchlist((caen, cholet), {}))
    assert keys(matcher, "Polyclinique du Parc", "Group: lockbit3") == set()
    assert keys(matcher, "Polyclinique du Parc, Caen", "Group: lockbit3") == {caen.key}


def test_a_legal_entity_written_whole_stays_beside_its_site_placed_by_a_town() -> None:
    # Real shape: "Le CHU de Brest … GHT Brest-Carhaix": "Carhaix" places the CHU's Carhaix
    # site (read from "Brest"), but the CHU's own name is written: the CHU is meant.
    chu = legal_entity("290000017", "CHU de Brest", "Brest", "29")
    carhaix = establishment(
        "290000256",
        "CHRU Brest Site Hôpital de Carhaix",
        "Carhaix Plouguer",
        "29",
        parent_key=chu.key,
        finess_ej="290000017",
        region="Bretagne",
    )
    matcher = Matcher(Watchlist((replace(chu, region="Bretagne"), carhaix), {}))
    text = "GHT Brest-Carhaix\nLe CHU de Brest a été visé par une attaque."
    assert keys(matcher, "Le CHU de Brest victime d'une cyberattaque", text) == {chu.key}


def test_a_legal_entity_named_after_its_site_in_a_group_is_that_legal_entity() -> None:
    # Real shape: "LBM Eurofins Interlab Bessières" names both a site and its legal entity
    # (which FINESS names after it), the legal entity belonging to a lab group.
    group = EntityRecord(key="lab:eurofins-biomnis", kind="lab", name="Eurofins Biomnis")
    ej = replace(
        legal_entity("810009589", "LBM Eurofins Interlab Bessières", "Albi", "81"),
        parent_key=group.key,
    )
    site = establishment(
        "310025143",
        "LBM Eurofins Interlab Bessières",
        "Bessieres",
        "31",
        parent_key=ej.key,
        finess_ej="810009589",
    )
    matcher = Matcher(Watchlist((group, ej, site), {}))
    assert keys(matcher, "LBM Eurofins Interlab Bessières", "Group: lockbit3") == {ej.key}
