"""Rule: a name that hospitals abroad have too, written in English order ("Albert Schweitzer
Hospital", "Rothschild Hospital"), needs France, the entity's place or health words near it,
as a town does ("Royan Hospital"); the builder learns such names from the Wikidata hospitals of
other countries (the ``tune`` half only)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from crawler.matching.foreign_names import foreign_cores, learned, shared_abroad
from crawler.matching.matcher import Matcher
from crawler.matching.watchlist import Watchlist
from tests.crawler.matching.support import establishment, keys

SCHWEITZER = establishment(
    "680001195", "Hôpital Albert Schweitzer", "Colmar", "68", tags=["category:365"]
)


@pytest.fixture(scope="module")
def matcher() -> Matcher:
    return Matcher(Watchlist((SCHWEITZER,), {}, shared_abroad=frozenset({"albert schweitzer"})))


def test_the_english_name_alone_is_any_country_s(matcher: Matcher) -> None:
    assert keys(matcher, "Albert Schweitzer Hospital", "Group: lockbit3") == set()
    assert keys(matcher, "Albert Schweitzer Hospital, Hatvan", "Group: lockbit3") == set()


@pytest.mark.parametrize(
    ("title", "text"),
    [
        ("Albert Schweitzer Hospital", "Victim country: France"),
        ("Albert Schweitzer Hospital Colmar", "Group: lockbit3"),
        ("Hôpital Albert Schweitzer", "Group: lockbit3"),  # French order
    ],
)
def test_france_its_place_or_french_order_name_it(matcher: Matcher, title: str, text: str) -> None:
    assert keys(matcher, title, text) == {SCHWEITZER.key}


def test_without_the_list_the_english_name_is_read() -> None:
    plain = Matcher(Watchlist((SCHWEITZER,), {}))
    assert keys(plain, "Albert Schweitzer Hospital", "Group: lockbit3") == {SCHWEITZER.key}


def test_the_builder_reads_the_learned_half_of_hospitals_abroad(tmp_path: Path) -> None:
    items = [f"Q{n}" for n in range(1, 60)]
    kept = next(i for i in items if learned(i))
    left = next(i for i in items if not learned(i))
    tsv = tmp_path / "hospitals.tsv"
    tsv.write_text(
        "item\titemLabel\tcountryLabel\tofficial_website\tgeo\n"
        f"http://www.wikidata.org/entity/{kept}\tAlbert Schweitzer Hospital\tHungary\t\t\n"
        f"http://www.wikidata.org/entity/{left}\tRothschild Hospital\tAustria\t\t\n"
        f"http://www.wikidata.org/entity/{kept}\tHôpital Bellevue\tFrance\t\t\n",
        encoding="utf-8",
    )
    assert "albert schweitzer" in foreign_cores(tsv)
    assert "rothschild" not in foreign_cores(tsv)  # the other half stays unseen
    assert "bellevue" not in foreign_cores(tsv)  # France's own
    assert shared_abroad(tsv, ["albert schweitzer", "cannes"]) == ["albert schweitzer"]


def test_the_learned_half_is_the_foreign_set_s_tune_split() -> None:
    # The data builder (standard library only) splits the items itself: the two must agree,
    # or the build would learn from the held half.
    script = Path(__file__).resolve().parents[2] / "data" / "wikidata" / "build_wikidata_eval.py"
    spec = importlib.util.spec_from_file_location("build_wikidata_eval", script)
    assert spec is not None and spec.loader is not None
    builder = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(builder)
    for item in (f"Q{n}" for n in range(1, 2000)):
        assert learned(item) == (builder.split_of(item) == "tune"), item


# Real shapes: an establishment named only by a person (no type word in its FINESS name) and
# a hospital named after the same person abroad ("Henry Dunant Hospital Center", Athens).
DUNANT = establishment("140028036", "Henry Dunant", "Bayeux", "14")
DUNANT_HOSPITAL = establishment("750150377", "Hôpital Henry Dunant", "Paris", "75")


@pytest.fixture(scope="module")
def dunant() -> Matcher:
    return Matcher(
        Watchlist((DUNANT, DUNANT_HOSPITAL), {}, shared_abroad=frozenset({"henry dunant"}))
    )


def test_a_typeless_name_read_with_an_english_type_is_any_country_s(dunant: Matcher) -> None:
    # The English type word after the name makes it a hospital's name: the typeless entity of
    # that name needs France or its place as the typed one does.
    assert keys(dunant, "Henry Dunant Hospital Center", "Group: lockbit3") == set()
    assert keys(dunant, "Henry Dunant Hospital Center, Bayeux", "Group: lockbit3") == {DUNANT.key}


def test_the_typeless_name_alone_is_still_read(dunant: Matcher) -> None:
    assert keys(dunant, "Henry Dunant", "Group: lockbit3") == {DUNANT.key}
