"""Whether a post is a ransomware group's victim listing, and what an alert says about it.

A leak-site post (source kind ``leaksite``) always is one. A feed entry is one when it carries
a group name: ransomwatch ``posts.json``, the ransomware.live API and RSS feeds of leak-site
posts (the post's ``group_name``; rows stored before it existed: ``group_name`` in ``extra``, a
``group:<name>`` tag, or a leak-site post's author). A listing naming a
watched entity is a breach already, whatever the post's wording:
:func:`crawler.core.severity.severity_of` makes it at least ``high``.

Storage (severity) and the alert document (its reason) read the same stored fields with
:func:`ransomware_listing`, so the two cannot disagree.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

#: Source families whose posts can be victim listings.
LISTING_SOURCE_KINDS = frozenset({"leaksite", "feed"})
GROUP_TAG = "group:"


@dataclass(frozen=True)
class RansomwareListing:
    """A victim listing: the group that listed the victim and when (UTC; None: unknown)."""

    group: str
    listed_at: datetime | None

    def reason(self) -> str:
        """``listed by <group> on <YYYY-MM-DD>`` (UTC date; without it when unknown)."""
        if self.listed_at is None:
            return f"listed by {self.group}"
        return f"listed by {self.group} on {self.listed_at:%Y-%m-%d}"


def ransomware_listing(
    source_kind: str,
    author: str | None,
    extra: Mapping[str, Any],
    tags: Sequence[str],
    posted_at: datetime | None,
    first_seen: datetime | None = None,
    group_name: str | None = None,
) -> RansomwareListing | None:
    """The listing a stored post is, or None when it is none.

    The group is the post's ``group_name``, else (older rows) ``extra["group_name"]``, else a
    ``group:<name>`` tag, else (leak sites) the post's author. The date is when the site listed
    the victim: ``extra["discovered"]``, else ``posted_at`` unless it lies after ``first_seen``
    (a leak site's countdown to publication), else ``first_seen``.
    """
    if source_kind not in LISTING_SOURCE_KINDS:
        return None
    group = (
        _text(group_name)
        or _text(extra.get("group_name"))
        or next((tag[len(GROUP_TAG) :].strip() for tag in tags if tag.startswith(GROUP_TAG)), "")
    )
    if not group and source_kind == "leaksite":
        group = _text(author) or "a leak site"
    if not group:
        return None
    seen = _utc(first_seen) if first_seen is not None else None
    listed_at = _iso(extra.get("discovered"))
    if listed_at is None and posted_at is not None:
        posted = _utc(posted_at)
        if seen is None or posted <= seen:
            listed_at = posted
    return RansomwareListing(group, listed_at or seen)


def _text(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""


def _iso(value: Any) -> datetime | None:
    if not isinstance(value, str) or not value:
        return None
    try:
        return _utc(datetime.fromisoformat(value))
    except ValueError:
        return None


def _utc(moment: datetime) -> datetime:
    # Naive times are UTC (as every stored time is).
    return moment.astimezone(UTC) if moment.tzinfo else moment.replace(tzinfo=UTC)
