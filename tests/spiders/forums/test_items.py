"""A forum thread becomes one post: its id, dates and first post; counters in ``extra``."""

from __future__ import annotations

from datetime import UTC, datetime

from crawler.core.items import PostRecord, item_to_json
from spiders.forums.items import ForumThread

CREATED = datetime(2026, 11, 20, 8, 30, tzinfo=UTC)
LAST = datetime(2026, 11, 23, 7, 0, tzinfo=UTC)


def test_thread_record() -> None:
    thread = ForumThread(thread_id="1204", title="[VENTE] Base CHU", url="http://f.example/t/1204",
                         author="pharmacist", created_at=CREATED, last_post_at=LAST, replies=4,
                         views=0, tags=["VENTE"], sticky=False, section="Databases",
                         text="échantillon")  # fmt: skip
    assert thread.to_post_record() == PostRecord(
        external_id="1204",
        url="http://f.example/t/1204",
        title="[VENTE] Base CHU",
        author="pharmacist",
        posted_at=CREATED,
        activity_at=LAST,
        text="échantillon",
        tags=["VENTE"],
        # sticky=False is kept (only None, "" and [] are left out); views=0 too.
        extra={"replies": 4, "section": "Databases", "sticky": False, "views": 0},
    )


def test_thread_without_first_post_or_counters() -> None:
    record = ForumThread(thread_id="7", title="t", url="http://f.example/t/7").to_post_record()
    assert record.text == "" and record.tags == [] and record.extra == {"sticky": False}
    assert record.posted_at is None and record.activity_at is None


def test_record_tags_are_a_copy() -> None:
    thread = ForumThread(thread_id="7", title="t", url="u", tags=["SELL"])
    thread.to_post_record().tags.append("changed")
    assert thread.tags == ["SELL"]


def test_json_of_a_thread() -> None:
    thread = ForumThread(thread_id="7", title="t", url="u", created_at=CREATED)
    assert item_to_json(thread) == {
        "thread_id": "7", "title": "t", "url": "u", "author": None,
        "created_at": "2026-11-20T08:30:00+00:00", "last_post_at": None, "replies": None,
        "views": None, "tags": [], "sticky": False, "section": None, "text": None,
    }  # fmt: skip
