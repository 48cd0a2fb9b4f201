"""Rule: a small misspelling of a distinctive name next to a type word is corrected (bounded
edit distance, rare words only); generic and ordinary words are never "corrected"."""

from __future__ import annotations

import pytest

from crawler.core.records import EntityRecord
from crawler.matching.matcher import Matcher
from crawler.matching.spelling import Speller
from crawler.matching.watchlist import Watchlist
from tests.crawler.matching.support import establishment, keys

BORDEAUX = establishment("330781196", "CHU de Bordeaux", "Bordeaux", "33")
ROUSSY = establishment("940019144", "Institut Gustave Roussy", "Villejuif", "94")
VALENCIENNES = establishment(
    "590782215", "Centre Hospitalier de Valenciennes", "Valenciennes", "59"
)
PARC = establishment("690023239", "Clinique du Parc", "Lyon", "69")


@pytest.fixture(scope="module")
def matcher() -> Matcher:
    return Matcher(Watchlist((BORDEAUX, ROUSSY, VALENCIENNES, PARC), {}))


@pytest.mark.parametrize(
    ("title", "key"),
    [
        ("Fuite au CHU de Bordeux", BORDEAUX.key),  # a letter left out
        ("Institut Gustav Roussy leak", ROUSSY.key),
        ("CH de Valencienes - base patients", VALENCIENNES.key),
        ("centre hospitalier de Valenceinnes", VALENCIENNES.key),  # two letters swapped
        ("Bordeux hospital patients db", BORDEAUX.key),  # before an English type word
    ],
)
def test_a_misspelt_distinctive_name_next_to_a_type_word_is_read(
    matcher: Matcher, title: str, key: str
) -> None:
    assert keys(matcher, title, "dossiers patients en vente") == {key}


def test_the_span_of_a_corrected_name_points_into_the_post(matcher: Matcher) -> None:
    title = "Fuite au CHU de Bordeux"
    [match] = matcher.match(title, "dossiers patients").matches
    assert title[match.start : match.end] == match.matched == "CHU de Bordeux"


@pytest.mark.parametrize(
    "title",
    [
        "Bordeux wine clinic opening",  # no health words in the post
    ],
)
def test_no_correction_without_health_words_or_on_generic_words(
    matcher: Matcher, title: str
) -> None:
    assert keys(matcher, title, "" if "wine" in title else "patients") == set()


def test_the_speller_needs_one_neighbour_with_the_same_first_letter() -> None:
    speller = Speller(["Clinique Marignane", "Clinique Marignano", "CHU Toulouse"])
    assert speller.correction("toulouze") == "toulouse"
    assert speller.correction("marignan") is None  # two names at distance 1
    assert speller.correction("coulouse") is None  # the first letter is kept
    assert speller.correction("toulouse") is None  # a known word is no misspelling
    assert speller.correction("toulo") is None  # too short to correct


def test_generic_name_words_are_never_targets() -> None:
    speller = Speller(["Clinique de la Fontaine", "Clinique du Belvedere"])
    assert speller.correction("fontaime") is None
    assert speller.correction("belvedère") is None


BAYERE = establishment("690782420", "Centre Médical de Bayere", "Charnay", "69", aliases=["Bayere"])


def test_a_corrected_word_alone_names_no_typeless_alias_nor_a_brand() -> None:
    # "Bayero" is one letter from the alias "Bayere", "Solimat" from the insurer "Solimut":
    # the type word that called for the correction is another name's ("… Pediatric
    # Hospital", "Hospital Laboral …").
    solimut = EntityRecord(
        key="insurer:solimut",
        kind="insurer",
        name="Solimut Mutuelle de France",
        aliases=["Solimut"],
    )
    matcher = Matcher(Watchlist((BORDEAUX, BAYERE, solimut), {}))
    text = "patients records for sale"
    assert keys(matcher, "Hasiya Bayero Pediatric Hospital", text) == set()
    assert keys(matcher, "Hospital Laboral Solimat", text) == set()
    assert keys(matcher, "Fuite au CHU de Bordeux", text) == {BORDEAUX.key}


def test_a_town_one_letter_short_after_a_type_word_is_completed() -> None:
    # Real shape: "Centre Hospitalier Universitaire de Nante" (five letters: shorter than any
    # other correction); only a town's word, and only by the letter left out.
    nantes = establishment("440000289", "CHU de Nantes", "Nantes", "44")
    rouen = establishment("760780239", "CHU de Rouen", "Rouen", "76")
    nantua = establishment("010000123", "Clinique Lagosta", "Nantua", "01")
    matcher = Matcher(Watchlist((nantes, rouen, nantua), {}))
    title = "Centre Hospitalier Universitaire de Nante"
    assert keys(matcher, title, "dossiers patients en vente") == {nantes.key}
    # a substitution in five letters is no correction ("Rouan"), nor a name's word ("Lagost")
    assert keys(matcher, "Centre Hospitalier de Rouan", "dossiers patients") == set()
    assert keys(matcher, "Clinique Lagos", "dossiers patients") == set()


def test_the_speller_completes_only_towns_from_five_letters() -> None:
    speller = Speller(["CHU de Nantes", "Clinique Lagosta"], towns=["Nantes"])
    assert speller.correction("nante") == "nantes"
    assert speller.correction("lagost") == "lagosta"
    assert speller.correction("lagos") is None
