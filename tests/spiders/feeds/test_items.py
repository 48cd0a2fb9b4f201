"""A feed entry becomes one post; group and country become routable tags."""

from __future__ import annotations

from datetime import UTC, datetime

from crawler.core.items import PostRecord
from spiders.feeds.items import FeedEntry

PUBLISHED = datetime(2026, 11, 2, 10, 0, tzinfo=UTC)


def test_feed_entry_record_for_matching_and_routing() -> None:
    entry = FeedEntry(entry_id="nightveil:chu", title="CHU de Rennes", group_name="nightveil",
                      website="chu-rennes.example", country="FR", summary="412 GB",
                      tags=["Healthcare"])  # fmt: skip
    record = entry.to_post_record()
    assert record.title == "CHU de Rennes" and record.text == "chu-rennes.example\n412 GB"
    assert record.author is None and record.group_name == "nightveil"  # not an author
    assert record.tags == ["Healthcare", "group:nightveil", "country:FR"]
    assert record.extra == {"country": "FR", "group_name": "nightveil",
                            "website": "chu-rennes.example"}  # fmt: skip


def test_news_entry_record() -> None:
    url = "https://news.example/a"
    entry = FeedEntry(entry_id=url, title="Fuite", url=url, published=PUBLISHED,
                      author="Rédaction", summary="Un hôpital…",
                      tags=["santé", "", "santé", "group:x"])  # fmt: skip
    assert entry.to_post_record() == PostRecord(
        external_id=url,
        url=url,
        title="Fuite",
        author="Rédaction",
        posted_at=PUBLISHED,
        text="Un hôpital…",
        tags=["santé", "group:x"],  # empty and repeated tags dropped, order kept
    )


def test_group_label_is_not_repeated() -> None:
    entry = FeedEntry(entry_id="e", title="t", group_name="x", tags=["group:x"])
    assert entry.to_post_record().tags == ["group:x"]
