"""Rule: French health organisations that are in no register the bundle reads (occupational-
health services, mutuelles and prévoyance institutions, GHTs) come from the project's curated
list, ``crawler/matching/curated/organisations_outside_finess.csv``. They are matched by their
name in leak-site and press wording; their acronyms and ordinary-word names never fire alone,
and a foreign organisation of a like name is not them. A name of three generic words or more
("Alpes Santé Travail", "Sud-Ouest Mutualité") is a name, read with health context close by
(a health word of the name itself counts, as for every ordinary-word name)."""

from __future__ import annotations

import csv

import pytest

from crawler.core.records import ENTITY_KINDS, EntityRecord
from crawler.matching.build_bundled import PROJECT_LISTS
from crawler.matching.matcher import Matcher
from crawler.matching.watchlist import Watchlist
from tests.crawler.matching.support import keys

SPSTI = "occupational:alpes-sante-travail"
MUTUELLE = "insurer:uniprevoyance"
GHT = "group:ght-coeur-grand-est"


@pytest.mark.parametrize(
    ("title", "text", "expected"),
    [
        (
            "Cyberattaque contre un service de santé au travail en Isère",
            "Alpes Santé Travail, qui suit les salariés de 20 000 entreprises, confirme le vol "
            "de dossiers médicaux revendiqué par LockBit.",
            SPSTI,
        ),
        ("APREVYA", "Group: lockbit3", "occupational:aprevya"),
        (
            "Uniprévoyance victime d'un rançongiciel",
            "L'institution de prévoyance a déposé plainte ; des données d'assurés ont été "
            "publiées sur le site du groupe Medusa.",
            MUTUELLE,
        ),
        (
            "La MNH (Mutuelle nationale des hospitaliers) touchée par une fuite",
            "Les données de 300 000 adhérents seraient en vente.",
            "insurer:mnh",
        ),
        (
            "Le GHT Cœur Grand Est visé par une cyberattaque",
            "Les hôpitaux du groupement ont basculé en mode dégradé ce lundi.",
            GHT,
        ),
        # Rows of every kind, written as leak sites and the press write them.
        ("Intermétra", "Group: lockbit3", "occupational:intermetra"),
        ("AIST 21", "Group: lockbit3", "occupational:aist-21"),
        (
            "Viasanté Mutuelle",
            "Données d'adhérents publiées par le groupe Akira",
            "insurer:viasante-mutuelle",
        ),
        (
            "Le GHT Cantal visé par une cyberattaque",
            "Les hôpitaux d'Aurillac et de Saint-Flour fonctionnent en mode dégradé.",
            "group:ght-cantal",
        ),
        # A regional fund or company of a group is written as the group's alias or own row.
        ("Groupama Loire Bretagne", "Group: lockbit3", "insurer:groupama-assurances-mutuelles"),
        ("MSA Lorraine", "Group: lockbit3", "insurer:msa-lorraine"),
    ],
)
def test_named_in_a_leak_or_press_item(
    bundled_matcher: Matcher, title: str, text: str, expected: str
) -> None:
    assert expected in keys(bundled_matcher, title, text)


@pytest.mark.parametrize(
    ("title", "text"),
    [
        ("AST 2025 schedule", "Talks on abstract syntax trees, room 4"),  # the AST of "AST 67"
        ("MNT token price", "The MNT/USDT pair rose 12% this week"),  # the MNH's sister MNT
        ("Le MGP publié", "Le nouveau MGP du club de football est en ligne"),
        ("Carte blanche", "Le chef a eu carte blanche pour le menu de la soirée"),
        ("Choisir une mutuelle familiale", "Comparatif des garanties santé pour les enfants"),
        ("MMA fighter wins the title", "The MMA event drew 20,000 fans in Las Vegas"),
        ("Ransomware attack in April hits group", "The group published the data in April"),
        ("Une abeille sur une fleur", "La vie de l'abeille dure quelques semaines"),
    ],
)
def test_an_acronym_or_ordinary_phrase_alone_names_none_of_them(
    bundled_matcher: Matcher, title: str, text: str
) -> None:
    curated = {key for key in keys(bundled_matcher, title, text) if not key.startswith("finess")}
    assert curated == set()


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("pstlandes.fr", "occupational:prevention-sante-travail-landes"),
        ("www.arpege-prevoyance.com", "insurer:arpege-prevoyance"),
    ],
)
def test_named_by_its_own_domain(bundled_matcher: Matcher, title: str, expected: str) -> None:
    assert expected in keys(bundled_matcher, title, "Group: lockbit3")


@pytest.mark.parametrize(
    ("title", "text"),
    [
        # "Réunion" (GHT de La Réunion) is also a meeting.
        (
            "La réunion du groupement hospitalier de territoire",
            "Les directeurs des hôpitaux se sont réunis lundi.",
        ),
        # Names left out of the list because they are ordinary phrases of a leak or an ad
        # (curated/README.md): they must stay out.
        ("Un hôpital cher pour les patients", "La santé coûte cher"),
        ("Fuite chez une clinique", "Données : identités, mutuelle, numéros de sécurité sociale"),
        ("Entreprise de construction", "Entreprise du BTP : santé au travail, paie, RH"),
        ("Comparatif", "La mutuelle de France plus chère que prévu pour les retraités"),
    ],
)
def test_an_ordinary_word_of_a_new_name_does_not_fire_alone(
    bundled_matcher: Matcher, title: str, text: str
) -> None:
    curated = {key for key in keys(bundled_matcher, title, text) if not key.startswith("finess")}
    assert curated == set()


@pytest.mark.parametrize(
    "title",
    ["CH du Gers", "Hôpital du Jura Sud", "CHU de La Réunion", "Hôpital privé d'Eure-et-Loir"],
)
def test_a_hospital_keeps_its_name_against_a_ght(bundled_matcher: Matcher, title: str) -> None:
    # GHTs named like one of their hospitals are left out of the list (curated/README.md).
    found = keys(bundled_matcher, title, "Group: lockbit3")
    assert any(key.startswith("finess") for key in found)
    assert not any(key.startswith("group:ght") for key in found)


def test_a_foreign_organisation_of_a_like_name_is_not_matched(bundled_matcher: Matcher) -> None:
    # "Mutuelle Générale" is an alias of La Mutuelle Générale; the Moroccan one is another.
    found = keys(
        bundled_matcher,
        "Maroc : la Mutuelle Générale du personnel des administrations publiques piratée",
        "Des dossiers médicaux d'adhérents marocains publiés à Rabat.",
    )
    assert "insurer:la-mutuelle-generale" not in found
    assert "insurer:cnp-assurances" not in keys(
        bundled_matcher, "CNP Seguros Holding Brasil", "Ransomware: data of Brazilian policyholders"
    )
    # Groupama's aliases are its French companies and funds, not its foreign subsidiaries.
    assert "insurer:groupama-assurances-mutuelles" not in keys(
        bundled_matcher, "Groupama Asigurari", "Romanian insurer listed by the group"
    )


def _organisation(key: str, name: str, *aliases: str) -> EntityRecord:
    kind = key.split(":")[0]
    return EntityRecord(key=key, kind=kind, name=name, aliases=list(aliases))


@pytest.fixture(scope="module")
def matcher() -> Matcher:
    entities = (
        _organisation(SPSTI, "Alpes Santé Travail"),
        _organisation("insurer:sud-ouest-mutualite", "Sud-Ouest Mutualité"),
        _organisation("group:ramsay-sante", "Ramsay Santé", "Générale de Santé"),
    )
    return Matcher(Watchlist(entities, {}))


def test_a_name_of_generic_words_needs_health_context_close_by(matcher: Matcher) -> None:
    assert keys(matcher, "Tournoi du club Sud-Ouest Mutualité", "Group: lockbit3") == set()
    # A leak site's whole victim title is that organisation (test_rule_victim_titles.py).
    assert keys(matcher, "Sud-Ouest Mutualité", "Group: lockbit3") == {
        "insurer:sud-ouest-mutualite"
    }
    assert keys(matcher, "Sud-Ouest Mutualité : fichier des adhérents de la mutuelle") == {
        "insurer:sud-ouest-mutualite"
    }
    # Its own health word counts, as for every ordinary-word name ("Harmonie Mutuelle").
    assert keys(matcher, "Alpes Santé Travail", "") == {SPSTI}


def test_two_generic_words_stay_a_concept(matcher: Matcher) -> None:
    # "Générale de Santé" (Ramsay's former name) needs another of its names, not a health word.
    assert keys(matcher, "La politique générale de santé de l'hôpital", "") == set()
    assert keys(matcher, "Générale de Santé, devenue Ramsay Santé", "") == {"group:ramsay-sante"}


def test_the_curated_list_is_well_formed() -> None:
    (path,) = [path for path in PROJECT_LISTS if path.name == "organisations_outside_finess.csv"]
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) > 290
    assert {row["kind"] for row in rows} <= set(ENTITY_KINDS) - {"establishment", "other"}
    assert len({(row["kind"], row["name"].casefold()) for row in rows}) == len(rows)
    for row in rows:
        assert row["name"].strip() == row["name"] and row["country"] == "FR"
        assert all(domain == domain.lower() for domain in row["domains"].split("|"))
        # A row either cites the page it was checked against or says it was not.
        assert row["source_url"] or "no page retrieved" in row["note"]
        if row["kind"] == "group" and row["name"].startswith("GHT "):
            assert "support: " in row["note"]  # every GHT names its support hospital
        elif row["kind"] == "group":  # a private group: how it was known
            assert "no page retrieved" in row["note"] or row["source_url"]


@pytest.mark.parametrize(
    "text",
    [
        "Liste des fichiers exfiltrés :\n\\\\srv-dpi\\backup\\dxcare_2024.bak\n214 Go",
        "Arborescence : /opt/dxcare/conf, 12 Go de données patients",
        "export_dxcare.csv (données patients), 3 Go",
    ],
)
def test_a_vendor_s_name_inside_a_file_path_is_the_victim_s_software(text: str) -> None:
    # Real shape: a hospital's exfiltrated file tree shows its patient-record software's
    # backups; the vendor is not the victim.
    dxcare = EntityRecord(key="vendor:dxcare", kind="vendor", name="DxCare")
    matcher = Matcher(Watchlist((dxcare,), {}))
    assert keys(matcher, "Fichiers du CH", text) == set()
    assert keys(matcher, "DxCare", "Group: lockbit3 — éditeur de logiciel médical") == {dxcare.key}
    assert keys(matcher, "Fuite chez DxCare/Dedalus", "données patients") == {dxcare.key}
