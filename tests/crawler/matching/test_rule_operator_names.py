"""Rule: a legal entity known by its operator's own name (the curated list
``crawler/matching/curated/legal_entity_names.csv``, tag ``ej-name:known``) is read as a curated
organisation, whatever its sites are: its name ("APF France handicap") stands alone like a
group's, where the name a nursing home's legal entity borrows from one of its homes needs its
place; a name of ordinary words still needs health context."""

from __future__ import annotations

from dataclasses import replace

import pytest

from crawler.core.records import EntityRecord
from crawler.matching.matcher import Matcher
from crawler.matching.watchlist import Watchlist
from tests.crawler.matching.support import establishment, keys, legal_entity

LEAK_SITE = "Group: lockbit3"
# The legal entity of disabled people's homes (category 182, "Service d'éducation spéciale…").
APF = replace(
    legal_entity("750719239", "APF France handicap", "Paris", "75"),
    aliases=["Association des paralysés de France"],
    tags=["category:182", "ej-name:known", "legal-entity"],
)
# The same kind of legal entity, named after its first home: that name needs its place.
FIRST_SITE = replace(
    legal_entity("750000001", "Résidence Arpavie Oberkampf", "Paris", "75"),
    tags=["category:500", "ej-name:first-site", "legal-entity"],
)
# A name of ordinary words (the list is the bundle's: Zipf frequency 3.5 or more).
MOULIN = replace(
    legal_entity("750721029", "Le Moulin Vert", "Paris", "75"),
    tags=["category:182", "ej-name:known", "legal-entity"],
)


@pytest.fixture(scope="module")
def matcher() -> Matcher:
    entities: tuple[EntityRecord, ...] = (APF, FIRST_SITE, MOULIN)
    return Matcher(Watchlist(entities, {}, ordinary_words=frozenset({"moulin", "vert"})))


@pytest.mark.parametrize(
    "title", ["APF France handicap", "APF France Handicap", "Association des paralysés de France"]
)
def test_an_operator_s_own_name_stands_alone_as_a_leak_site_title(
    matcher: Matcher, title: str
) -> None:
    assert keys(matcher, title, LEAK_SITE) == {APF.key}


def test_a_name_borrowed_from_a_home_still_needs_its_place(matcher: Matcher) -> None:
    assert keys(matcher, "Résidence Arpavie Oberkampf", LEAK_SITE) == set()


def test_an_operator_name_of_ordinary_words_needs_health_context(matcher: Matcher) -> None:
    assert keys(matcher, "", "nous avons déjeuné au moulin vert, près du pont") == set()
    assert keys(matcher, "Le Moulin Vert", LEAK_SITE) == set()
    text = "Le Moulin Vert : dossiers médicaux des patients publiés"
    assert keys(matcher, "", text) == {MOULIN.key}


def test_an_operator_named_by_a_type_word_and_generic_words_is_read_whole() -> None:
    # Real shapes: the home-hospitalisation foundation "Fondation Santé Service" and its site
    # "HAD Santé Service"; "Santé Service" alone, "Maison de Santé" name nothing.
    operator = EntityRecord(
        key="finess-ej:920029097",
        kind="establishment",
        name="Fondation Santé Service",
        finess_ej="920029097",
        city="Puteaux",
        department="92",
        category="Entité juridique",
        tags=["category:127", "ej-name:known", "legal-entity"],
    )
    site = EntityRecord(
        key="finess:920813623",
        kind="establishment",
        name="HAD Santé Service",
        finess_et="920813623",
        finess_ej="920029097",
        parent_key=operator.key,
        city="Puteaux",
        department="92",
        tags=["category:127"],
    )
    other = EntityRecord(
        key="finess:750000001",
        kind="establishment",
        name="Maison de Santé",
        finess_et="750000001",
        city="Paris",
        department="75",
        tags=["category:603"],
    )
    matcher = Matcher(Watchlist((operator, site, other), {}))
    assert keys(matcher, "Fondation Santé Service", "Group: lockbit3") == {operator.key}
    assert keys(matcher, "HAD Santé Service", "Group: lockbit3") == {site.key}
    text = (
        "La Fondation Santé Service, premier acteur de l'hospitalisation à domicile, est touchée."
    )
    assert keys(matcher, "Cyberattaque", text) == {operator.key}
    for title in ("Santé Service", "Maison de Santé", "Un service de santé au travail"):
        assert keys(matcher, title, "Group: lockbit3") == set(), title


def test_a_category_label_several_operators_sites_share_is_no_operator_s_name() -> None:
    # Real shape: three homes of the Adapei de la Meuse, and others elsewhere, are named
    # "Institut Médico-Éducatif"; the words of the category name no operator.
    adapei = EntityRecord(
        key="finess-ej:550005003",
        kind="establishment",
        name="Adapei de la Meuse",
        finess_ej="550005003",
        city="Vassincourt",
        department="55",
        category="Entité juridique",
        tags=["category:246", "ej-name:known", "legal-entity"],
    )
    homes = [
        establishment(
            f"55000{n}137",
            "Institut Médico-Éducatif",
            city,
            "55",
            finess_ej="550005003",
            parent_key=adapei.key,
            tags=["category:183"],
        )
        for n, city in enumerate(("Thierville sur Meuse", "Commercy"))
    ]
    elsewhere = establishment(
        "120780218", "Institut Médico-Éducatif", "Severac d Aveyron", "12", tags=["category:183"]
    )
    matcher = Matcher(Watchlist((adapei, *homes, elsewhere), {}))
    text = "Institut médico-éducatif for children with intellectual disabilities, France."
    assert keys(matcher, "IME Château de la Roquette", text) == set()
    assert keys(matcher, "Institut Médico-Éducatif", "Group: lockbit3") == set()


# Real shape: a dialysis foundation known by a verb and "Santé" (the EJ FINESS names after a
# unit, "Aider Santé Uad Narbonne"; the curated list gives its own name).
AIDER = replace(
    legal_entity("340000264", "AIDER Santé", "Grabels", "34"),
    domains=["aidersante.com"],
    tags=["category:146", "ej-name:known", "legal-entity"],
)


@pytest.fixture(scope="module")
def aider() -> Matcher:
    return Matcher(Watchlist((AIDER,), {}, ordinary_words=frozenset({"aider"})))


@pytest.mark.parametrize(
    ("title", "text"),
    [
        ("AIDER SANTE", LEAK_SITE),
        ("AIDER Santé", "Association for dialysis at home and in units in Languedoc."),
        ("aidersante.com", LEAK_SITE),
        ("vends base", "vends base aider santé 20k lignes dialyse"),  # a post all in lower case
    ],
)
def test_an_operator_named_by_ordinary_words(aider: Matcher, title: str, text: str) -> None:
    assert keys(aider, title, text) == {AIDER.key}


def test_ordinary_words_in_lower_case_in_a_cased_text_are_words(aider: Matcher) -> None:
    text = "Je vais aider santé publique France à recenser les patients en dialyse."
    assert keys(aider, "Offre de bénévolat", text) == set()


def test_a_known_name_of_generic_words_is_the_whole_title_whatever_its_sites() -> None:
    # Real shape: the GH Sud Île-de-France (Melun), whose sites are mostly psychiatric units
    # (its category tag is theirs): its own name as a whole title is that legal entity.
    ghsif = replace(
        legal_entity("770110054", "Groupe hospitalier Sud Île-de-France", "Melun", "77"),
        tags=["category:156", "ej-name:known", "legal-entity"],
    )
    matcher = Matcher(Watchlist((ghsif,), {}))
    assert keys(matcher, "Groupe Hospitalier Sud Ile-de-France", LEAK_SITE) == {ghsif.key}
