"""Ransomware listings: which posts are one, their group and the date the group listed them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from crawler.core.listing import RansomwareListing, ransomware_listing
from spiders.feeds.items import FeedEntry
from spiders.leaksites.items import LeakSitePost

LISTED = datetime(2026, 11, 23, 6, 58, 40, tzinfo=UTC)
SEEN = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


def _listing_of(kind: str, item: FeedEntry | LeakSitePost) -> RansomwareListing | None:
    record = item.to_post_record()
    return ransomware_listing(
        kind, record.author, record.extra, record.tags, record.posted_at, SEEN, record.group_name
    )


def test_a_victim_list_feed_entry_is_a_listing_by_its_group() -> None:
    entry = FeedEntry(entry_id="nightveil:ch cannes", title="Centre Hospitalier de Cannes",
                      published=LISTED, group_name="nightveil", country="FR")  # fmt: skip
    listing = _listing_of("feed", entry)
    assert listing == RansomwareListing("nightveil", LISTED)
    assert listing.reason() == "listed by nightveil on 2026-11-23"


def test_a_news_feed_entry_is_no_listing() -> None:
    news = FeedEntry(entry_id="urn:1", title="Le CHU de Rennes victime d'une cyberattaque",
                     published=LISTED, summary="Le groupe nightveil revendique…")  # fmt: skip
    assert _listing_of("feed", news) is None


def test_a_group_tag_is_enough() -> None:
    assert ransomware_listing("feed", None, {}, ["Santé", "group:corvus"], LISTED, SEEN) == (
        RansomwareListing("corvus", LISTED)
    )


@pytest.mark.parametrize("kind", ["forum", "telegram", "paste"])
def test_other_families_never_list(kind: str) -> None:
    assert ransomware_listing(kind, "x", {"group_name": "nightveil"}, [], LISTED, SEEN) is None


def test_a_leak_site_post_is_listed_when_the_site_says_so() -> None:
    published = SEEN + timedelta(days=7)  # the countdown's end, not the listing date
    post = LeakSitePost(post_title="Hôpital privé de Thiais", group_name="nightveil",
                        discovered=LISTED, published=published)  # fmt: skip
    assert _listing_of("leaksite", post) == RansomwareListing("nightveil", LISTED)
    countdown = LeakSitePost(post_title="CH de Dax", group_name="corvus", published=published)
    assert _listing_of("leaksite", countdown) == RansomwareListing("corvus", SEEN)
    past = LeakSitePost(post_title="CH de Dax", group_name="corvus", published=LISTED)
    assert _listing_of("leaksite", past) == RansomwareListing("corvus", LISTED)


def test_a_leak_site_post_without_group_is_still_a_listing() -> None:
    listing = ransomware_listing("leaksite", None, {}, [], None, None)
    assert listing == RansomwareListing("a leak site", None)
    assert listing.reason() == "listed by a leak site"


def test_the_date_is_the_utc_day() -> None:
    late = datetime(2026, 11, 23, 23, 30, tzinfo=UTC)
    naive = ransomware_listing("feed", None, {"group_name": "x"}, [], late.replace(tzinfo=None))
    assert naive is not None and naive.listed_at == late
    paris = datetime.fromisoformat("2026-11-24T00:30:00+01:00")
    listing = ransomware_listing("feed", None, {"group_name": "x"}, [], paris, SEEN)
    assert listing is not None and listing.reason() == "listed by x on 2026-11-23"


def test_the_post_group_wins_and_old_rows_fall_back_to_the_author() -> None:
    stored = ransomware_listing("leaksite", "oldauthor", {"group_name": "x"}, [], LISTED, SEEN,
                                "play")  # fmt: skip
    assert stored == RansomwareListing("play", LISTED)
    # a row stored before posts had a group: the leak site's author was the group
    assert ransomware_listing("leaksite", "lockbit3", {}, [], None, SEEN).group == "lockbit3"
    # a forum author is never a group
    assert ransomware_listing("forum", "seller", {}, [], None, SEEN, "play") is None
