"""A leak-site victim becomes one post under a host-independent id."""

from __future__ import annotations

from datetime import UTC, datetime

from crawler.core.items import PostRecord
from spiders.leaksites.items import LeakSitePost, leak_site_post_id

DISCOVERED = datetime(2024, 10, 1, tzinfo=UTC)
PUBLISHED = datetime(2024, 10, 8, 12, 54, 49, tzinfo=UTC)


def test_victim_record() -> None:
    post = LeakSitePost(post_title="Clinique du Lac", group_name="MyGroup", discovered=DISCOVERED,
                        published=PUBLISHED, description="400 GB", website="clinique-du-lac.fr",
                        post_url="http://x.onion/leak/8812", country="FR")  # fmt: skip
    assert post.to_post_record() == PostRecord(
        external_id="mygroup:/leak/8812",
        url="http://x.onion/leak/8812",
        title="Clinique du Lac",
        group_name="MyGroup",
        posted_at=DISCOVERED,
        activity_at=PUBLISHED,
        text="clinique-du-lac.fr\n400 GB",
        extra={
            "country": "FR",
            "discovered": "2024-10-01T00:00:00+00:00",
            "group_name": "MyGroup",
            "published": "2024-10-08T12:54:49+00:00",
            "website": "clinique-du-lac.fr",
        },
    )


def test_undiscovered_victim_is_posted_when_published() -> None:
    post = LeakSitePost(post_title="Acme", group_name="play", published=PUBLISHED)
    record = post.to_post_record()
    assert record.posted_at == PUBLISHED and record.activity_at == PUBLISHED
    assert record.text == "" and record.url is None and record.external_id == "play:acme"


def test_post_ids_fall_back_to_the_title() -> None:
    post = LeakSitePost(post_title="  Clinique   Sainte-Isabelle ", group_name="Play")
    assert leak_site_post_id(post) == "play:clinique sainte-isabelle"
    post.post_url = "http://x.onion/"
    assert leak_site_post_id(post) == "play:clinique sainte-isabelle"
    post.post_url = "http://x.onion/topic.php?id=AbC"
    assert leak_site_post_id(post) == "play:/topic.php?id=AbC"
