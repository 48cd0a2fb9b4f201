"""The leak-site family's item, :class:`LeakSitePost`, its stable id and its stored post."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlsplit

from crawler.core.items import PostRecord, extra_fields


@dataclass
class LeakSitePost:
    """One victim entry of a ransomware leak site, in the ransomwatch / ransomware.live schema.

    ``published`` is when the group publishes (or published) the data: a publication date, the
    end of a countdown. ``discovered`` is when the site listed the victim, when the page says
    so; otherwise it stays empty and the stored post's ``first_seen`` is the discovery time.
    """

    post_title: str
    group_name: str
    discovered: datetime | None = None
    published: datetime | None = None
    description: str = ""
    website: str | None = None
    post_url: str | None = None
    country: str | None = None
    #: What the site says of the victim: ``countdown``, ``published``, ``sold``… (the statuses
    #: of spiders/leaksites/statuses.yaml), from the layout's ``status`` field or the markers
    #: cut out of the title; other words as shown.
    status: str | None = None
    #: ``"generic"`` when the layout-free reader found the victim (spiders/leaksites/generic.py)
    #: instead of the source's layout; None when a layout read it.
    layout: str | None = None

    def to_post_record(self) -> PostRecord:
        """The victim as a post under :func:`leak_site_post_id`: posted when discovered (else
        published), active when published; website and description are matched."""
        return PostRecord(
            external_id=leak_site_post_id(self),
            url=self.post_url,
            title=self.post_title,
            group_name=self.group_name,
            posted_at=self.discovered or self.published,
            activity_at=self.published,
            text="\n".join(part for part in (self.website or "", self.description) if part),
            extra=extra_fields(
                self,
                ("group_name", "website", "country", "discovered", "published", "status", "layout"),
            ),
        )


def leak_site_post_id(item: LeakSitePost) -> str:
    """The victim's id, stable across crawls and mirrors: ``group:`` + the post URL's path and
    query (the host is left out, onion mirrors share ids), else ``group:`` + the title
    (case and spacing folded)."""
    group = item.group_name.casefold()
    if item.post_url:
        parts = urlsplit(item.post_url)
        locator = parts.path + (f"?{parts.query}" if parts.query else "")
        if locator.strip("/"):
            return f"{group}:{locator}"
    return f"{group}:{' '.join(item.post_title.split()).casefold()}"
