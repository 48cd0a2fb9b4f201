"""Rule: a press or feed item that designates its victim (``<victim>\\ndomain: …`` before the
summary, or the victim as title and its website first in the text) names as victims only
that victim, its family, the names sharing its domain or a word of it, and — once the victim is
a watched name — the article's headline; the other names of its summary are mentioned in
passing."""

from __future__ import annotations

import pytest

from crawler.matching.matcher import Matcher
from crawler.matching.victim_field import VictimField, victim_field
from tests.crawler.matching.support import keys

CAHORS = "finess-ej:460780216"
FIGEAC = "finess-ej:460780083"
BREST = "finess-ej:290000017"


def test_the_press_layout_designates_the_victim_line() -> None:
    found = victim_field("Titre", "Mairie de Quimper\ndomain: quimper.bzh\nLa ville a été touchée.")
    assert found == VictimField(
        (("text", 0, 38),), "Mairie de Quimper", "quimper.bzh", ("title", 0, 5)
    )


def test_a_title_followed_by_its_website_designates_the_title() -> None:
    found = victim_field("Lacroix Group", "https://www.lacroix-group.com/\nElectronics maker.")
    assert found is not None
    assert found.written == "Lacroix Group"
    assert found.domain == "lacroix-group.com"
    assert found.spans == (("title", 0, 13), ("text", 0, 31))


@pytest.mark.parametrize(
    ("title", "text"),
    [
        ("Vends base patients", "CHU de Brest, 40k lignes.\nPrix 2k"),  # a forum post
        ("ch-cahors.fr", "Group: lockbit3"),  # a feed entry without website line
        ("Titre", "Une ligne\nPas de domaine ici"),
    ],
)
def test_posts_without_a_victim_field_designate_none(title: str, text: str) -> None:
    assert victim_field(title, text) is None


def test_a_non_health_victim_makes_the_summary_hospitals_passing_mentions(
    bundled_matcher: Matcher,
) -> None:
    text = (
        "Mairie de Quimper\ndomain: quimper.bzh\nLa ville a été victime d'un rançongiciel. Le "
        "CHU de Brest partage le même prestataire que la ville."
    )
    assert keys(bundled_matcher, "Quimper : la mairie paralysée", text) == set()


def test_the_same_summary_without_a_victim_field_still_names_the_hospital(
    bundled_matcher: Matcher,
) -> None:
    # (A headline naming the town hall would make it background too: see test_rule_headline.)
    text = "Le CHU de Brest partage le même prestataire que la ville."
    assert keys(bundled_matcher, "Cyberattaque en Bretagne", text) == {BREST}


def test_a_watched_victim_keeps_its_own_names_and_drops_another_hospital(
    bundled_matcher: Matcher,
) -> None:
    text = (
        "Centre hospitalier de Cahors\ndomain: ch-cahors.fr\nL'hôpital de Cahors a vu ses "
        "serveurs chiffrés. Le CH de Figeac, qui partage le même éditeur, reste vigilant."
    )
    assert keys(bundled_matcher, "Lot : rançongiciel à l'hôpital", text) == {CAHORS}


def test_a_watched_victim_keeps_the_hospitals_of_the_headline(bundled_matcher: Matcher) -> None:
    text = (
        "Centre hospitalier de Cahors\ndomain: ch-cahors.fr\nLes deux hôpitaux lotois ont vu "
        "leurs serveurs chiffrés."
    )
    assert keys(bundled_matcher, "Le CH de Cahors et le CH de Figeac touchés", text) == {
        CAHORS,
        FIGEAC,
    }


def test_an_unwatched_victim_line_keeps_the_names_sharing_its_words(
    bundled_matcher: Matcher,
) -> None:
    # The victim line is no watched name; the summary's name shares its town.
    text = (
        "Centre hospitalier de Cahors (pôle administratif)\ndomain: \nLe centre hospitalier "
        "de Cahors a été touché. Le CH de Figeac n'utilise pas ce logiciel."
    )
    assert keys(bundled_matcher, "Cyberattaque dans le Lot", text) == {CAHORS}


def test_a_town_shared_with_a_non_health_victim_names_no_hospital(
    bundled_matcher: Matcher,
) -> None:
    text = (
        "Mairie de Figeac\ndomain: ville-figeac.fr\nLa commune a été touchée ; le centre "
        "hospitalier de Figeac a coupé ses liaisons avec elle par précaution."
    )
    assert keys(bundled_matcher, "Figeac : la mairie paralysée", text) == set()


def test_a_title_with_its_website_names_no_customer_of_its_summary(
    bundled_matcher: Matcher,
) -> None:
    text = (
        "lacroix-group.com\nL'équipementier électronique, dont les cartes équipent aussi le "
        "CHU de Brest, a été victime d'un rançongiciel."
    )
    assert keys(bundled_matcher, "Lacroix Group", text) == set()


@pytest.mark.parametrize(
    "victim",
    [
        "Conseil départemental du Lot",  # "départemental" qualifies hospitals too
        "Grand Cahors",  # a town and a generic word
    ],
)
def test_a_non_health_victim_sharing_only_places_names_no_hospital(
    bundled_matcher: Matcher, victim: str
) -> None:
    text = (
        f"{victim}\ndomain: \nLa collectivité a été victime d'une cyberattaque ; le centre "
        "hospitalier de Cahors reste joignable."
    )
    assert keys(bundled_matcher, "Cyberattaque dans le Lot", text) == set()


def test_a_description_ending_with_the_website_designates_the_title() -> None:
    found = victim_field("Lacroix Group", "Electronics maker.\nwebsite: www.lacroix-group.com")
    assert found is not None
    assert found.domain == "lacroix-group.com"
    assert found.spans == (("title", 0, 13), ("text", 18, 49))


def test_a_leak_site_description_names_no_customer_of_the_victim(
    bundled_matcher: Matcher,
) -> None:
    text = (
        "Lacroix Group makes electronic boards; the CHU de Brest is among its customers."
        "\nwebsite: lacroix-group.com"
    )
    assert keys(bundled_matcher, "Lacroix Group", text) == set()


@pytest.mark.parametrize(
    ("title", "text"),
    [
        ("Untitled", "chu-brest.fr\nadmin@chu-brest.fr:hunter2"),
        ("Paste 4412", "dump\nwebsite: chu-brest.fr"),
    ],
)
def test_a_website_that_is_not_the_title_s_designates_nothing(title: str, text: str) -> None:
    assert victim_field(title, text) is None


def test_a_paste_starting_with_a_domain_still_names_its_hospital(bundled_matcher: Matcher) -> None:
    text = "vpn-gateway.net\nCentre hospitalier de Cahors : comptes VPN\nuser1:***"
    assert keys(bundled_matcher, "Untitled", text) == {CAHORS}


def test_a_victim_whose_website_is_another_country_s_is_no_french_victim(
    bundled_matcher: Matcher,
) -> None:
    text = (
        "Stockholm emergency hospital run by a subsidiary of a French group; the CHU de Brest "
        "uses the same software.\nwebsite: sodersjukhuset.se"
    )
    assert keys(bundled_matcher, "Sodersjukhuset", text) == set()


def test_the_initials_of_the_title_make_the_website_its_own() -> None:
    found = victim_field("Restauration Collective du Sud-Ouest", "Caterer.\nwebsite: rcso.fr")
    assert found is not None
    assert found.domain == "rcso.fr"


def test_a_victim_written_by_the_initials_of_the_name_described() -> None:
    # Real shape: a leak-site post whose title is the victim's domain, its initials and town
    # ("ghm-grenoble.fr"), and whose description names it in full.
    from crawler.matching.watchlist import Watchlist
    from tests.crawler.matching.support import establishment

    ghm = establishment("380012658", "Groupe Hospitalier Mutualiste de Grenoble", "Grenoble", "38")
    matcher = Matcher(Watchlist((ghm,), {}))
    text = (
        "Groupe Hospitalier Mutualiste de Grenoble - private non-profit hospital. We have "
        "downloaded 85 GB of data.\nwebsite: ghm-grenoble.fr"
    )
    assert keys(matcher, "ghm-grenoble.fr", text) == {ghm.key}
    # initials that are not the name's leave it a name in passing
    other = text.replace("ghm-grenoble.fr", "xylocorp.fr")
    assert keys(matcher, "xylocorp.fr", other) == set()
