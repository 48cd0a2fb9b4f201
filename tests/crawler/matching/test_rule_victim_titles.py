"""Rule: a short name that is a leak site's whole victim title. A short brand ("Orpea",
"Macif") needs health or sale words in a post, but a title that is the name and nothing else
(a legal form aside) is that organisation, when the organisation writes the
name as a word; initials ("CNAM", "ACMS") are many bodies' and still need context. A name of
ordinary words is so only when it is the organisation's whole name of two words or more
("Dedalus France", not "Harmonie"); an establishment's name that needs its place is so when
it is its whole own name of three words or more with a health word ("Pôle Santé
République"), not a nursing home's."""

from __future__ import annotations

import pytest

from crawler.core.records import EntityRecord
from crawler.matching.matcher import Matcher
from crawler.matching.watchlist import Watchlist
from tests.crawler.matching.support import establishment, keys

EMEIS = EntityRecord(key="group:emeis", kind="group", name="emeis", aliases=["Orpea", "ORPEA"])
MACIF = EntityRecord(key="insurer:macif", kind="insurer", name="Macif", aliases=["MACIF"])
DEDALUS = EntityRecord(
    key="vendor:dedalus", kind="vendor", name="Dedalus France", aliases=["Dedalus"]
)
HARMONIE = EntityRecord(
    key="insurer:harmonie", kind="insurer", name="Harmonie Mutuelle", aliases=["Harmonie"]
)
CNAM = EntityRecord(
    key="insurer:cnam", kind="insurer", name="Assurance Maladie", aliases=["CNAM", "CPAM"]
)
APHP = EntityRecord(
    key="group:ap-hp", kind="group", name="AP-HP", aliases=["APHP", "Assistance Publique"]
)


@pytest.fixture(scope="module")
def matcher() -> Matcher:
    ordinary = frozenset({"dedalus", "france", "harmonie"})
    return Matcher(
        Watchlist((EMEIS, MACIF, CNAM, DEDALUS, HARMONIE, APHP), {}, ordinary_words=ordinary)
    )


@pytest.mark.parametrize(
    ("title", "key"),
    [
        ("ORPEA", EMEIS.key),
        ("Orpea SA", EMEIS.key),
        ("Macif", MACIF.key),
        ("MACIF", MACIF.key),
        ("Dedalus France", DEDALUS.key),
        # a body's own hyphenated acronym, with or without its hyphen
        ("AP-HP", APHP.key),
        ("APHP", APHP.key),
    ],
)
def test_a_short_name_that_is_the_whole_title_is_read(
    matcher: Matcher, title: str, key: str
) -> None:
    assert keys(matcher, title, "Group: lockbit3") == {key}


@pytest.mark.parametrize(
    ("title", "text"),
    [
        ("CNAM", "Group: lockbit3"),  # initials: the Conservatoire is a CNAM too
        ("Orpea Hotels Group", "Group: lockbit3"),  # a longer name
        ("Hotels", "Orpea was mentioned in a thread about hotels"),  # not the title
        ("Harmonie", "Group: lockbit3"),  # one ordinary word
        ("Dedalus", "Group: lockbit3"),  # an ordinary-word alias, not the whole name
    ],
)
def test_initials_longer_titles_and_texts_still_need_context(
    matcher: Matcher, title: str, text: str
) -> None:
    assert keys(matcher, title, text) == set()


# A name of generic words after its type word (a region, a direction) needs a place in a
# post, but a leak site's whole victim title that is an establishment's own full name of two
# named words or more is that establishment; a one-word name and a nursing
# home's name still need their place.
GHBS = EntityRecord(
    key="finess-ej:560005746",
    kind="establishment",
    name="Groupe hospitalier Bretagne Sud",
    finess_ej="560005746",
    city="Quimperle",
    department="29",
    category="Entité juridique",
    tags=["category:355", "legal-entity"],
)
PARC = EntityRecord(
    key="finess:140016759",
    kind="establishment",
    name="Clinique du Parc",
    finess_et="140016759",
    city="Caen",
    department="14",
    tags=["category:365"],
)
SAINT_JEAN = EntityRecord(
    key="finess:340780634",
    kind="establishment",
    name="Clinique Saint Jean de Dieu",
    finess_et="340780634",
    city="Montpellier",
    department="34",
    tags=["category:365"],
)
RESIDENCE = EntityRecord(
    key="finess:290021765",
    kind="establishment",
    name="EHPAD Résidence du Bois Joli",
    finess_et="290021765",
    city="Brest",
    department="29",
    tags=["category:500"],
)


LONG_STAY = EntityRecord(
    key="finess:630790384",
    kind="establishment",
    name="Centre de Long Séjour",
    finess_et="630790384",
    city="Clermont Ferrand",
    department="63",
    tags=["category:362"],
)


@pytest.fixture(scope="module")
def generic() -> Matcher:
    return Matcher(Watchlist((GHBS, PARC, SAINT_JEAN, RESIDENCE, LONG_STAY), {}))


def test_a_generic_full_name_that_is_the_whole_title_is_read(generic: Matcher) -> None:
    assert keys(generic, "Groupe Hospitalier Bretagne Sud", "Group: lockbit3") == {GHBS.key}


def test_an_ehpad_whole_name_that_is_the_whole_title_is_read(generic: Matcher) -> None:
    # "EHPAD" is France's word only; the name may leave out its town at its end.
    assert keys(generic, "EHPAD Résidence du Bois Joli", "Group: lockbit3") == {RESIDENCE.key}
    olt = EntityRecord(
        key="finess:460005374",
        kind="establishment",
        name="EHPAD Résidence d'Olt Cahors",
        finess_et="460005374",
        city="Cahors",
        department="46",
        tags=["category:500"],
    )
    assert keys(Matcher(Watchlist((olt,), {})), "EHPAD Résidence d'Olt", "Group: safepay") == {
        olt.key
    }


def test_two_ehpads_of_one_name_stay_ambiguous() -> None:
    other = EntityRecord(
        key="finess:560000001",
        kind="establishment",
        name="EHPAD Résidence du Bois Joli",
        finess_et="560000001",
        city="Vannes",
        department="56",
        tags=["category:500"],
    )
    result = Matcher(Watchlist((RESIDENCE, other), {})).match(
        "EHPAD Résidence du Bois Joli", "Group: lockbit3"
    )
    assert result.matches == []
    assert {c.key for a in result.ambiguous for c in a.candidates} == {RESIDENCE.key, other.key}


def test_a_generic_full_name_written_with_an_article_is_read(generic: Matcher) -> None:
    assert keys(generic, "Groupe Hospitalier de Bretagne Sud", "Group: lockbit3") == {GHBS.key}


@pytest.mark.parametrize(
    ("title", "text"),
    [
        ("Clinique du Parc", "Group: lockbit3"),
        ("Résidence du Bois Joli", "Group: lockbit3"),  # any country's, not only an EHPAD's
        ("Bretagne Sud", "Group: lockbit3"),
        ("Centre de Long Séjour", "Group: lockbit3"),  # what it does, not which it is
        ("Un centre de long séjour a été touché", "données de patients"),
        ("Fuite au Groupe Hospitalier Bretagne Sud", ""),
        ("Cyberattaque", "Le Groupe Hospitalier Bretagne Sud est touché."),
    ],
)
def test_other_generic_names_still_need_their_place(
    generic: Matcher, title: str, text: str
) -> None:
    assert keys(generic, title, text) == set()


def test_initials_with_a_department_number_that_are_the_whole_title_are_read() -> None:
    # "AST 67", "SIST24": initials and a department number are one body's name.
    ast = EntityRecord(
        key="occupational:ast-67", kind="occupational", name="AST 67", aliases=["AST67"]
    )
    matcher = Matcher(Watchlist((ast,), {}))
    for title in ("AST 67", "AST67"):
        assert keys(matcher, title, "Group: play") == {ast.key}, title
    assert keys(matcher, "AST 67 rapport annuel", "") == set()


POLE = establishment(
    "630780211", "Pôle Santé Republique", "Clermont Ferrand", "63", tags=["category:365"]
)
TILLEULS = establishment(
    "630000001", "Résidence Santé les Tilleuls", "Riom", "63", tags=["category:500"]
)


#: The bundled watchlist's ordinary words among these names (wordfreq, at build time).
ORDINARY = frozenset({"pole", "sante", "republique", "residence", "tilleuls"})


@pytest.fixture(scope="module")
def ordinary() -> Matcher:
    return Matcher(Watchlist((POLE, TILLEULS), {}, ordinary_words=ORDINARY))


@pytest.mark.parametrize("title", ["POLE SANTE REPUBLIQUE", "Pôle Santé République"])
def test_an_establishment_s_whole_name_of_ordinary_words_as_the_title_is_read(
    ordinary: Matcher, title: str
) -> None:
    assert keys(ordinary, title, "Group: akira") == {POLE.key}


@pytest.mark.parametrize(
    "title",
    [
        "République",  # one ordinary word
        "Pôle Santé République de Madagascar",  # more than the name
        "Résidence Santé les Tilleuls",  # a nursing home's: any country's
    ],
)
def test_other_names_of_ordinary_words_still_need_their_place(
    ordinary: Matcher, title: str
) -> None:
    assert keys(ordinary, title, "Group: akira") == set()


def test_initials_and_a_number_in_two_pieces_of_a_sentence_name_nothing() -> None:
    # Real shape: a mailbox dump "Format : .pst, 38 Go" is no "PST 38" (an occupational-health
    # service of the Isère).
    pst = EntityRecord(
        key="occupational:pst38", kind="occupational", name="PST 38", aliases=["PST38"]
    )
    matcher = Matcher(Watchlist((pst,), {}))
    text = "Boîtes récupérées : direction, drh, santé au travail\nFormat : .pst, 38 Go"
    assert keys(matcher, "CH de Chartres — mails", text) == set()
    assert keys(matcher, "Export; PST. 38 fichiers", "santé au travail") == set()
    assert keys(matcher, "PST 38", "Group: play") == {pst.key}
    assert keys(matcher, "Le PST 38 (santé au travail) est touché", "") == {pst.key}


def test_a_french_organisation_s_coined_common_name_is_the_whole_title() -> None:
    # Real shapes: a French lab network listed as "INOVIE"; the German lab group's French arm
    # listed as "Synlab" may be any country's.
    inovie = EntityRecord(
        key="lab:inovie", kind="lab", name="Inovie", aliases=["INOVIE"], tags=["country:FR"]
    )
    synlab = EntityRecord(
        key="lab:synlab-france",
        kind="lab",
        name="Synlab France",
        aliases=["Synlab"],
        tags=["country:DE"],
    )
    matcher = Matcher(Watchlist((inovie, synlab), {}))
    assert keys(matcher, "INOVIE", "Group: blackbasta") == {inovie.key}
    assert keys(matcher, "Synlab", "Group: blackbasta") == set()
    assert keys(matcher, "Inovie, un cabinet de conseil", "") == set()


def test_the_coined_common_words_are_the_common_words_no_language_has() -> None:
    from crawler.matching.name_words import COINED_COMMON_WORDS, COMMON_WORDS
    from crawler.matching.ordinary_words import coined_words

    assert coined_words(COMMON_WORDS) == COINED_COMMON_WORDS


def test_one_distinctive_word_after_ehpad_is_the_whole_title() -> None:
    # Real shapes: FINESS nursing homes named "EHPAD <one word>"; "EHPAD" is France's word, so
    # a distinctive word after it as the whole title is that home, an ordinary or generic one
    # is any home's ("EHPAD les Tilleuls") and still needs its place.
    monconseil = establishment(
        "370008419", "EHPAD Monconseil", "Tours", "37", tags=["category:500"]
    )
    tilleuls = establishment(
        "010000001", "EHPAD les Tilleuls", "Bourg", "01", tags=["category:500"]
    )
    matcher = Matcher(Watchlist((monconseil, tilleuls), {}, ordinary_words=frozenset({"tilleuls"})))
    assert keys(matcher, "EHPAD Monconseil", "Group: qilin") == {monconseil.key}
    assert keys(matcher, "EHPAD les Tilleuls", "Group: qilin") == set()
    assert keys(matcher, "Résidence Monconseil", "Group: qilin") == set()


def test_a_brand_s_french_arm_is_the_whole_title() -> None:
    # Real shape: the Swiss lab group's "Unilabs France" alias as a leak-site title.
    unilabs = EntityRecord(
        key="lab:unilabs",
        kind="lab",
        name="Unilabs",
        aliases=["Unilabs France"],
        tags=["country:CH"],
    )
    matcher = Matcher(Watchlist((unilabs,), {}))
    assert keys(matcher, "Unilabs France", "Group: lockbit3") == {unilabs.key}
    assert keys(matcher, "Unilabs", "Group: lockbit3") == set()  # any country's
