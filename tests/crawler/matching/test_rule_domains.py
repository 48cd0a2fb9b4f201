"""Rule: a title that is only a domain (LockBit lists victims so) is read word by word, also
when its words are glued together ("cliniquedelaloire.fr", "chcannes.fr"); a foreign
country-code domain's glued words are not read."""

from __future__ import annotations

from dataclasses import replace

import pytest

from crawler.matching.matcher import Matcher
from crawler.matching.spelling import Speller
from crawler.matching.watchlist import Watchlist
from tests.crawler.matching.support import establishment, keys, legal_entity

LOIRE = establishment("420011413", "Clinique de la Loire", "Saint-Etienne", "42")
CANNES = legal_entity("060780988", "Centre hospitalier de Cannes", "Cannes", "06")


@pytest.fixture(scope="module")
def matcher() -> Matcher:
    return Matcher(Watchlist((LOIRE, CANNES), {}))


@pytest.mark.parametrize(
    ("title", "key"),
    [
        ("cliniquedelaloire.fr", LOIRE.key),
        ("clinique-de-la-loire.fr", LOIRE.key),
        ("www.chcannes.fr", CANNES.key),
        ("centrehospitalierdecannes.com", CANNES.key),
        ("ch-cannes.fr", CANNES.key),
    ],
)
def test_a_bare_domain_title_is_read_word_by_word(matcher: Matcher, title: str, key: str) -> None:
    assert keys(matcher, title, "") == {key}


def test_span_of_a_glued_domain_points_into_the_title(matcher: Matcher) -> None:
    [match] = matcher.match("www.chcannes.fr", "").matches
    # "chcannes.fr" is a domain the CH's own name gives: read whole, not cut into words.
    assert match.matched == "chcannes.fr"
    [match] = matcher.match("www.cliniquedelaloire.fr", "").matches
    assert match.matched == "cliniquedelaloire"


@pytest.mark.parametrize("title", ["chcannes.it", "cliniquedelaloire.be", "lecharme.fr"])
def test_foreign_or_unrelated_domains_name_nobody(matcher: Matcher, title: str) -> None:
    assert keys(matcher, title, "") == set()


def test_segmentation_prefers_type_words_to_glued_name_words() -> None:
    speller = Speller(["Centrehospitalier Sud", "Cannes"])
    assert speller.segment("centrehospitalierdecannes") == ["centre", "hospitalier", "de", "cannes"]
    assert speller.segment("cannes") is None  # one word: nothing to cut
    # a short name word is never cut into an article and a letter of a dotted acronym
    assert Speller(["Bar le Duc"]).segment("duc") is None


# A watched domain is read as it is, even when its label could be cut into name words
# ("claudiusregaud.fr" is the institute's own domain, not "claudius regaud" without a type).
REGAUD = replace(
    legal_entity("310789136", "Institut Claudius Regaud", "Toulouse", "31"),
    domains=("claudiusregaud.fr",),
)
# A coined name (a distinctive word of no language) alone is a weak alias: written as a whole
# French or generic domain it names its entity ("cyceron.fr", "cyceron.com", as the bare
# title "Cyceron" does), not under another country's code, and never an ordinary word.
CYCERON = establishment(
    "140017534", "Groupement d'Interet Public Cyceron", "Caen", "14", aliases=("Cyceron",)
)
HORIZON = establishment("750000001", "Horizon", "Paris", "75", aliases=("Horizon",))


@pytest.fixture(scope="module")
def domains() -> Matcher:
    return Matcher(Watchlist((REGAUD, CYCERON, HORIZON), {}, ordinary_words=frozenset({"horizon"})))


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("claudiusregaud.fr", {REGAUD.key}),
        ("https://www.claudiusregaud.fr/", {REGAUD.key}),
        ("cyceron.fr", {CYCERON.key}),
        ("www.cyceron.fr", {CYCERON.key}),
        ("cyceron.com", {CYCERON.key}),
        ("cyceron.de", set()),
        ("cyceron-voyages.fr", set()),  # more than the name: not its domain
        ("horizon.fr", set()),
    ],
)
def test_a_domain_that_is_exactly_a_name_names_it(
    domains: Matcher, title: str, expected: set[str]
) -> None:
    assert keys(domains, title, "Group: braincipher") == expected


def test_the_name_a_matched_domain_spells_is_the_domain_s_entity() -> None:
    # Real shapes: the lab network of Montpellier (labosud.fr, its sites "LBM Labosud …") and
    # a lab of La Réunion whose alias is "Labosud": the post about labosud.fr names the first.
    network = replace(
        legal_entity("340019306", "LBM Labosud Arles", "Montpellier", "34"),
        domains=["labosud.fr"],
        tags=["category:611", "legal-entity"],
    )
    reunion = establishment(
        "970409017", "Site Labosud", "St Louis", "974", aliases=["Labosud"], tags=["category:611"]
    )
    matcher = Matcher(Watchlist((network, reunion), {}))
    text = "Labosud is a network of medical biology laboratories in the south of France."
    assert keys(matcher, "labosud.fr", text) == {network.key}


def test_a_domain_spelling_a_name_is_the_entity_named_so_before_one_with_it_as_an_alias(
    bundled_matcher: Matcher,
) -> None:
    # Real shapes: "ch-arras.fr" reads "CH Arras", the CH d'Arras's name and an alias of the
    # "Hopale Rééducation-Centre Arras" (read as "centre Arras"): the CH is meant.
    assert keys(bundled_matcher, "ch-arras.fr", "Group: lockbit3") == {"finess-ej:620100057"}


@pytest.mark.parametrize("title", ["bergonie.fr", "www.bergonie.fr", "https://www.bergonie.fr/"])
def test_a_french_domain_that_is_a_typed_name_s_word_names_it(
    bundled_matcher: Matcher, title: str
) -> None:
    # The Institut Bergonié (Bordeaux) is named "Bergonié" only after its type word.
    assert keys(bundled_matcher, title, "Group: lockbit3") == {"finess:330000662"}


@pytest.mark.parametrize("title", ["bergonie.com", "cholet.fr", "horizon.fr"])
def test_not_under_another_tld_nor_for_a_town_or_an_ordinary_word(
    bundled_matcher: Matcher, title: str
) -> None:
    assert keys(bundled_matcher, title, "Group: lockbit3") == set()


BIOPOLE = replace(
    legal_entity("970112116", "Bio Pôle Antilles", "St Martin", "971"), domains=["antilles.fr"]
)


@pytest.mark.parametrize(
    ("title", "text", "expected"),
    [
        ("antilles.fr", "Group: x", {BIOPOLE.key}),
        ("intranet.antilles.fr", "Group: x", {BIOPOLE.key}),  # a host under it is its
        ("Université des Antilles", "domain: univ-antilles.fr\nAttaque.", set()),
        ("univ_antilles.fr", "Group: x", set()),
    ],
)
def test_a_watched_domain_is_read_at_a_host_s_dot_not_after_a_hyphen(
    title: str, text: str, expected: set[str]
) -> None:
    # "univ-antilles.fr" ends with "antilles.fr" as folded words, but is another host.
    matcher = Matcher(Watchlist((BIOPOLE,), {}))
    assert keys(matcher, title, text) == expected


@pytest.mark.parametrize(
    ("title", "found"),
    [
        ("clinique-mont-louis.fr", True),
        ("www.clinique-du-mont-louis.com", True),
        ("Clinique du Mont Louis", True),
        ("clinique-mont-louis.be", False),  # a Belgian domain is a Belgian clinic's
        ("clinique-mont-louis-lyon.fr", False),  # more than the name: not the whole title
    ],
)
def test_a_domain_that_is_a_clinic_s_whole_name_names_it_as_the_name_would(
    title: str, found: bool
) -> None:
    # A clinic's own name of two named words is the victim when it is the whole title, and
    # so is the domain that spells it.
    clinic = establishment("750301145", "Clinique du Mont Louis", "Paris", "75")
    matcher = Matcher(Watchlist((clinic,), {}))
    assert keys(matcher, title, "Group: lockbit3") == ({clinic.key} if found else set())


# Real shapes: an association known by a coined word, whose domain is a .org; an association
# known by its acronym and department number, glued in its domain.
CALYDIAL = legal_entity("690002225", "Calydial", "Vienne", "69")
ADAPEI = replace(
    legal_entity("250006111", "Adapei du Doubs", "Besancon", "25"), aliases=["Adapei 25"]
)


@pytest.fixture(scope="module")
def associations() -> Matcher:
    return Matcher(Watchlist((CALYDIAL, ADAPEI), {}))


@pytest.mark.parametrize("title", ["calydial.org", "www.calydial.com", "Calydial"])
def test_a_name_s_generic_domain_is_the_name_as_a_title(associations: Matcher, title: str) -> None:
    assert keys(associations, title, "Group: lockbit3") == {CALYDIAL.key}


def test_another_country_s_domain_is_not(associations: Matcher) -> None:
    assert keys(associations, "calydial.it", "Group: lockbit3") == set()


@pytest.mark.parametrize("title", ["adapei25.fr", "www.adapei25.fr", "adapei-25.fr"])
def test_a_name_glued_to_its_number_in_a_domain(associations: Matcher, title: str) -> None:
    assert keys(associations, title, "Group: lockbit3") == {ADAPEI.key}


def test_a_name_s_own_numbered_word_is_read_as_it_is() -> None:
    # Real shape: the lab "LBM Cbm25 des Tilleroyes" (Besançon): "cbm25" is its own word.
    tilleroyes = establishment("250017605", "LBM Cbm25 des Tilleroyes", "Besancon", "25")
    toulouse = legal_entity("310023130", "LBM Cbm", "Toulouse", "31")
    matcher = Matcher(Watchlist((tilleroyes, toulouse), {}))
    assert keys(matcher, "lbm-cbm25-des-tilleroyes.fr", "Group: lockbit3") == {tilleroyes.key}
