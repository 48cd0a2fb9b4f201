"""Victim statuses: markers cut out of real leak-site titles, and status fields on saved pages.

The titles are real ones, as ransomwatch, ransomware.live and ransomfeed recorded them
(/work/shared/data/ransomware/); the pages are the saved LockBit 3.0 and Play listings.
"""

from __future__ import annotations

import re
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

import pytest

from spiders.leaksites.items import LeakSitePost, leak_site_post_id
from spiders.leaksites.layout import LeakSiteLayout, bundled_layout
from spiders.leaksites.parsers import parse_leak_detail, parse_leak_listing
from spiders.leaksites.state import fingerprint
from spiders.leaksites.status import known_statuses, split_title, status_of

FIXTURES = Path(__file__).parents[2] / "fixtures" / "leaksite"
NOW = datetime(2024, 10, 4, 12, 0, tzinfo=UTC)
SITE = "http://leaks.example.onion/"


@pytest.mark.parametrize(
    ("shown", "title", "status"),
    [
        ("www.al-shefafarm.ro(SOLD)", "www.al-shefafarm.ro", "sold"),
        ("AL SHEFA FARM<www.al-shefafarm.ro>(SOLD)", "AL SHEFA FARM<www.al-shefafarm.ro>", "sold"),
        ("www.christies.com<SOLD>", "www.christies.com", "sold"),
        ("lmgroup.com<Disclose>", "lmgroup.com", "published"),
        ("ccsdschools.com<disclose>", "ccsdschools.com", "published"),
        ("www.galgorm.com<Auction>", "www.galgorm.com", "for_sale"),
        (
            "Christies Auction House - christies.com<Auction>",
            "Christies Auction House - christies.com",
            "for_sale",
        ),
        ("www.jgsummit.com.ph <update>", "www.jgsummit.com.ph", "updated"),
        ("www.gbricambi.it [UPDATE]", "www.gbricambi.it", "updated"),
        (
            "[UPDATE] Robeson County Sheriff's Office <www.robesoncoso.org>",
            "Robeson County Sheriff's Office <www.robesoncoso.org>",
            "updated",
        ),
        (
            "[Published]Constelacion Savings and Credit Society<www.constelacion.com.sv>",
            "Constelacion Savings and Credit Society<www.constelacion.com.sv>",
            "published",
        ),
        ("[DISCLOSED][TORRENT] Roberto Verino Difusion", "Roberto Verino Difusion", "published"),
        ("Sidockgroup. Published", "Sidockgroup", "published"),
        ("COLORADO.EDU FILES  PART4 PUBLISHED", "COLORADO.EDU FILES PART4", "published"),
        ("valleylandtitleco.com - UPD", "valleylandtitleco.com", "updated"),
        ("{UPD} Control & Automation technology", "Control & Automation technology", "updated"),
        (
            "ASL 1 - Avezzano Sulmona L'Aquila *UPD 05-13*",
            "ASL 1 - Avezzano Sulmona L'Aquila",
            "updated",
        ),
        ("NJVC [ post has been updated - 2 Oct.]", "NJVC", "updated"),
        ("Informist Media (Unpay-Full public)", "Informist Media", "published"),
        ("Zurvita(Unpay-Partially public)", "Zurvita", "partially_published"),
        ("Aceromex (Unpay-Start Leaking)", "Aceromex", "partially_published"),
        ("HALLIDAYS GROUP LIMITED (Unpay)", "HALLIDAYS GROUP LIMITED", "unpaid"),
        ("An Insurance Company  -Paid", "An Insurance Company", "paid"),
        ("Herrs (You have 72 hours)", "Herrs", "countdown"),
        ("SBM & Co [You have 48 hours. Check your e-mail]", "SBM & Co", "countdown"),
        ("Worthen Industries [You have three days]", "Worthen Industries", "countdown"),
        ("Rossell Techsys(Data will be given tomorrow)", "Rossell Techsys", "countdown"),
        (
            "Announcement: Retail House going to be LEAKED",
            "Announcement: Retail House",
            "countdown",
        ),
        ("Superline - Full Leak", "Superline", "published"),
        ("Brooklyn Premier Orthopedics FULL LEAK!", "Brooklyn Premier Orthopedics", "published"),
        ("UPDATE! FEAM Maintenance", "FEAM Maintenance", "updated"),
        ("LEAKED! Motel One", "Motel One", "published"),
        ("e-driver.hsc.gov.ua - 431 GB SOLD", "e-driver.hsc.gov.ua - 431 GB", "sold"),
        (
            "Change HealthCare - OPTUM Group - United HealthCare Group - FOR SALE",
            "Change HealthCare - OPTUM Group - United HealthCare Group",
            "for_sale",
        ),
        (
            "American Clinical Solutions(acslabtest.com)auctioning",
            "American Clinical Solutions(acslabtest.com)",
            "for_sale",
        ),
        (
            r"actionfirepros.com\$17.4M\USA\407GB\<1% DISCLOSED",
            r"actionfirepros.com\$17.4M\USA\407GB",
            "partially_published",
        ),
        (
            r"riomarineinc.com\$56M\USA\490GB\100% DISCLOSED",
            r"riomarineinc.com\$56M\USA\490GB",
            "published",
        ),
        # countdowns written into the title by the site
        ("Clinique du Lac 3D 04h 12m", "Clinique du Lac", "countdown"),
        ("Clinique du Lac Time left: 3D 04h 12m", "Clinique du Lac", "countdown"),
        ("Clinique du Lac - Data will be published in…", "Clinique du Lac", "countdown"),
        ("Clinique du Lac [Data will be published in 3 days]", "Clinique du Lac", "countdown"),
    ],
)
def test_markers_leave_real_titles(shown: str, title: str, status: str) -> None:
    assert split_title(shown) == (title, status)


@pytest.mark.parametrize(
    "shown",
    [
        "ABS Auto Auctions",
        "Pifer's Auction & Realty",
        "SAGE Publishing",
        "rbauction.com",
        "Undisclosed Staffing Company",
        "Hensoldt",
        "Stages Pediatric Care Update",
        "Airspan Networks got Leaked",
        "RANSOMEDVC is for sale",
        "3D imagery of israel",
        "Bombardier Recreational Products (BRP)",
        "MADRID CALLE 30 SA ( https://www.mc30.es/ )",
        "Published",  # nothing would be left of it
    ],
)
def test_names_that_only_look_like_markers_are_kept(shown: str) -> None:
    assert split_title(shown) == (shown, None)


@pytest.mark.parametrize(
    ("text", "status"),
    [
        ("published", "published"),
        ("PUBLISHED FULL", "published"),
        ("3 DAYS BEFORE PUBLICATION", "countdown"),
        ("0 D 0 H 0 M 0 S", "countdown"),
        ("Time left", "countdown"),
        ("Negotiations", "negotiations"),  # unknown words are kept as shown
        ("   ", None),
        (None, None),
    ],
)
def test_status_fields_read_as_statuses(text: str | None, status: str | None) -> None:
    assert status_of(text) == status


def test_statuses_are_ordered_by_precedence() -> None:
    assert known_statuses()[:2] == ("published", "partially_published")
    assert split_title("[UPDATE] Acme (SOLD)") == ("Acme", "sold")


def test_title_markers_no_longer_split_one_victim_into_two_ids() -> None:
    listed = LeakSitePost(post_title="AL SHEFA FARM<www.al-shefafarm.ro>", group_name="ransomhub")
    page = '<div class="card"><h3>AL SHEFA FARM&lt;www.al-shefafarm.ro&gt;(SOLD)</h3></div>'
    layout = LeakSiteLayout.model_validate(
        {"group": "ransomhub", "post": "div.card", "fields": {"post_title": "h3"}}
    )
    (sold,) = parse_leak_listing(page, SITE, layout, NOW)
    assert (sold.post_title, sold.status) == ("AL SHEFA FARM<www.al-shefafarm.ro>", "sold")
    assert leak_site_post_id(sold) == leak_site_post_id(listed)
    assert fingerprint(sold) != fingerprint(listed)  # a new status makes the victim fresh


def test_lockbit_cards_say_published_or_counting_down() -> None:
    html = (FIXTURES / "LockBit3.0.html").read_text(encoding="utf-8")
    posts = parse_leak_listing(html, SITE, bundled_layout("lockbit3"), NOW)
    visible = len(re.findall(r'class="post-timer-end "', html))
    hidden = len(re.findall(r'class="post-timer-end d-none"', html))
    assert (visible, hidden) == (459, 4)
    assert Counter(post.status for post in posts) == {"published": 459, "countdown": 4}
    counting = [post for post in posts if post.status == "countdown"]
    assert "kumhotire.com" in {post.post_title for post in counting}
    assert all(post.published and post.published > NOW for post in counting)


def test_play_cells_say_published_or_days_left() -> None:
    html = (FIXTURES / "Play.html").read_text(encoding="utf-8")
    posts = parse_leak_listing(html, SITE, bundled_layout("play"), NOW)
    shown = Counter(re.findall(r'<h style="color: #F5F5F5;">([^<]+)</h>', html))
    assert shown == {
        "3 DAYS BEFORE PUBLICATION": 8,
        "4 DAYS BEFORE PUBLICATION": 3,
        "PUBLISHED": 12,
        "PUBLISHED FULL": 1,
    }
    assert Counter(post.status for post in posts) == {"published": 13, "countdown": 11}
    assert posts[0].post_title == "Garvey" and posts[0].status == "countdown"


def test_a_victim_page_status_replaces_the_listing_one() -> None:
    layout = LeakSiteLayout.model_validate(
        {
            "group": "g",
            "post": "div.card",
            "fields": {"post_title": "h3", "status": ".badge", "post_url": "a::attr(href)"},
            "detail": {"fields": {"status": "div.state"}},
        }
    )
    (listed,) = parse_leak_listing(
        '<div class="card"><h3>Clinique du Lac</h3><span class="badge">3D 04h 12m</span>'
        '<a href="/v/1">more</a></div>',
        SITE,
        layout,
        NOW,
    )
    assert listed.status == "countdown"
    detail = parse_leak_detail(
        '<div class="state">Data published</div><h1>Clinique du Lac [UPDATE]</h1>',
        SITE + "v/1",
        listed,
        layout,
        NOW,
    )
    assert detail.status == "published"
    assert detail.to_post_record().extra["status"] == "published"
