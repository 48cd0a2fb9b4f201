"""The leak-site family spider: ransomware groups' victim listings, read with a group layout.

One :class:`LeakSiteSpider` per source; the source's layout (spiders/leaksite_layout: bundled
``options.layout``, ``options.layout_file`` or inline keys) says where each field is, so a new
group needs a configuration, not code. Each run:

1. reads every listing (each start URL, or the first answering one with ``options.mirrors``)
   page by page, following the layout's next link or URL pattern up to its page cap;
2. yields the victims that are new or whose listing fields changed (spiders/leaksite_state),
   after reading their victim page when the layout has detail rules (at most
   ``options.max_details`` per run, never a file host or a download);
3. when every listing was read to its end, sets ``state["listing_complete"]`` and
   ``state["seen_ids"]``: the run recorder marks the source's other posts removed, refreshes
   ``last_seen`` of the listed ones and clears ``removed_at`` of those that came back.

A 200 listing page without any victim is ``parser_broken`` (with a copy of the page); an
anti-bot page is ``challenge``, a login wall ``auth_required``; unreachable pages ``degraded``.
Nothing here touches the database.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

import scrapy
from scrapy.exceptions import CloseSpider
from scrapy.http import Response
from twisted.python.failure import Failure

from crawler.core.config import SourceConfig
from crawler.core.errors import ConfigError
from crawler.core.items import LeakSitePost, leak_site_post_id
from spiders.base import SourceSpider, failure_reason
from spiders.interstitials import blocked_page_of
from spiders.leaksites.layout import layout_for_source
from spiders.leaksites.parsers import (
    LeakListingPage,
    ListedPost,
    parse_leak_detail,
    parse_leak_page,
    pattern_page_url,
)
from spiders.leaksites.state import LeakSiteState

#: Pages larger than this are refused unless ``options.max_page_bytes`` says otherwise.
DEFAULT_MAX_PAGE_BYTES = 8 * 1024 * 1024
#: Victim pages read per run unless ``options.max_details`` says otherwise.
DEFAULT_MAX_DETAILS = 25
HANDLED_STATUSES = list(range(400, 600))
_LISTING_PRIORITY = 100
_DETAIL_PRIORITY = -100


@dataclass
class Listing:
    """One listing being read this run: its URL (or mirrors), pages read, how it ended."""

    urls: list[str]
    mirror: int = 0
    #: Highest page number parsed, and requested.
    pages: int = 0
    requested_page: int = 0
    last_page: int | None = None
    visited: set[str] = field(default_factory=set)
    done: bool = False
    complete: bool = False

    @property
    def url(self) -> str:
        """The listing's first page on the mirror in use."""
        return self.urls[self.mirror]


class LeakSiteSpider(SourceSpider):
    """Crawl one group's leak site, incrementally, with removal tracking."""

    name = "leaksite"
    family = "leaksite"

    def __init__(
        self,
        source: SourceConfig | str | None = None,
        state: dict[str, Any] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(source, state, **kwargs)
        options = self.source.options
        where = f"sources[{self.source.name}].options"
        self.layout = layout_for_source(self.source)
        try:
            self.mirrors = _flag(options, "mirrors", False)
            self.fetch_details = _flag(options, "fetch_details", True) and bool(self.layout.detail)
            self.max_details = int(options.get("max_details", DEFAULT_MAX_DETAILS))
            self.max_page_bytes = int(options.get("max_page_bytes", DEFAULT_MAX_PAGE_BYTES))
        except (TypeError, ValueError) as exc:
            raise ConfigError(f"{where}: {exc}") from None
        hosts = {urlsplit(url).hostname or "" for url in self.source.start_urls}
        self.allowed_domains = sorted(hosts)
        # One request of margin: a crawl that reaches CLOSESPIDER_PAGECOUNT ends as capped.
        self.budget = max(1, self.source.max_pages - 1)
        self.requested = 0
        self.details_requested = 0
        self.stopped = False
        self.failed = False
        self.seen_ids: set[str] = set()
        self.listings: list[Listing] = []
        #: The crawl's reference time for relative dates and countdowns.
        self.now = datetime.now(UTC)

    async def start(self) -> AsyncIterator[Any]:
        """Request the first page of every listing."""
        self.tracker = LeakSiteState(self.state)
        urls = self.source.start_urls
        self.listings = [Listing(list(urls))] if self.mirrors else [Listing([u]) for u in urls]
        for listing in self.listings:
            request = self._listing_request(listing, listing.url, 1)
            if request is not None:
                yield request

    # --- listings ----------------------------------------------------------------------------

    def parse_listing(self, response: Response) -> Iterator[Any]:
        """Yield the fresh victims of a listing page (or their victim pages) and the next page."""
        listing: Listing = response.meta["listing"]
        page_number: int = response.meta["page"]
        if self.stopped:
            return
        if response.status >= 400:
            detail = f"HTTP {response.status}"
            yield from self._listing_error(listing, page_number, detail, response)
            return
        text = getattr(response, "text", None)
        if text is None:
            yield from self._listing_error(listing, page_number, "not a web page", None)
            return
        page = parse_leak_page(text, response.url, self.layout, self.now, self.source.timezone)
        if not page.posts:
            yield from self._empty_page(listing, page_number, response)
            return
        listing.pages = page_number
        fresh = [e for e in self._first_of_each_id(page.posts) if self._note(e.post)]
        repeated = page_number > 1 and not any(
            self._post_id(entry.post) not in listing.visited for entry in page.posts
        )
        listing.visited |= {self._post_id(entry.post) for entry in page.posts}
        stats = self.crawler.stats
        stats.inc_value("leakwatch/leaksite/listing_pages")
        stats.inc_value("leakwatch/leaksite/posts_listed", len(page.posts))
        stats.inc_value("leakwatch/leaksite/posts_fresh", len(fresh))
        if repeated:
            self._end_listing(listing, complete=True)
        else:
            yield from self._next_page(listing, page, page_number, response.url)
        for entry in fresh:
            yield from self._emit(entry)

    def listing_failed(self, failure: Failure) -> Iterator[Any]:
        """A listing page could not be fetched: next mirror, or report why."""
        request = getattr(failure, "request", None)
        if request is None or "listing" not in request.meta:
            self.report_health("degraded", f"page not fetched: {failure_reason(failure)}")
            return
        yield from self._listing_error(
            request.meta["listing"],
            request.meta["page"],
            f"not fetched: {failure_reason(failure)}",
            None,
        )

    def _next_page(
        self, listing: Listing, page: LeakListingPage, number: int, url: str
    ) -> Iterator[scrapy.Request]:
        pagination = self.layout.pagination
        if pagination is None:
            self._end_listing(listing, complete=True)
            return
        if page.last_page is not None:
            listing.last_page = page.last_page
        if pagination.pattern is not None:
            last = listing.last_page
            if last is not None and number >= last:
                self._end_listing(listing, complete=True)
                return
            next_url: str | None = pattern_page_url(listing.url, pagination, number + 1)
        else:
            next_url = page.next_url
        if next_url is None:
            self._end_listing(listing, complete=True)
            return
        if number >= pagination.max_pages:
            self.logger.info("source %s: listing page cap of %d reached", self.source.name, number)
            self._end_listing(listing, complete=False)
            return
        if urlsplit(next_url).hostname != urlsplit(url).hostname:
            self.report_health("degraded", f"next page on another site: {next_url}", url)
            self._end_listing(listing, complete=False)
            return
        request = self._listing_request(listing, next_url, number + 1)
        if request is None:
            self._end_listing(listing, complete=False)
        else:
            yield request

    def _empty_page(self, listing: Listing, number: int, response: Response) -> Iterator[Any]:
        """A page without victims: the end of a paged listing, else a broken parser."""
        headers = {
            name.decode("latin-1").lower(): (response.headers.get(name) or b"").decode("latin-1")
            for name in response.headers
        }
        blocked = blocked_page_of(response.status, headers, response.text)
        if blocked is not None:
            self.stopped = True
            self.report_health(blocked.status, blocked.detail, response.url, page=response.body)
            raise CloseSpider(blocked.status)
        if number > 1:
            self.logger.info("source %s: listing ends at page %d", self.source.name, number - 1)
            self._end_listing(listing, complete=True)
            return
        if self._try_next_mirror(listing):
            yield from self._retry_on_mirror(listing)
            return
        self.failed = True
        self._end_listing(listing, complete=False)
        self.report_health(
            "parser_broken",
            f"no victim found by the {self.layout.group} layout",
            response.url,
            page=response.body,
        )

    def _listing_error(
        self, listing: Listing, number: int, detail: str, response: Response | None
    ) -> Iterator[Any]:
        if number == 1 and self._try_next_mirror(listing):
            yield from self._retry_on_mirror(listing)
            return
        if response is not None and number > 1 and response.status == 404:
            self._end_listing(listing, complete=True)  # a paged listing ran out of pages
            return
        if response is not None:
            blocked = blocked_page_of(response.status, {}, response.text)
            if blocked is not None:
                self.stopped = True
                self.report_health(blocked.status, blocked.detail, response.url, response.body)
                raise CloseSpider(blocked.status)
        self.failed = True
        self._end_listing(listing, complete=False)
        url = response.url if response is not None else listing.url
        self.report_health("degraded", f"listing page {number}: {detail}", url)

    def _try_next_mirror(self, listing: Listing) -> bool:
        if listing.mirror + 1 >= len(listing.urls) or not self.mirrors:
            return False
        self.logger.warning(
            "source %s: mirror %s failed, trying %s",
            self.source.name,
            listing.url,
            listing.urls[listing.mirror + 1],
        )
        listing.mirror += 1
        return True

    def _retry_on_mirror(self, listing: Listing) -> Iterator[scrapy.Request]:
        request = self._listing_request(listing, listing.url, 1)
        if request is not None:
            yield request
        else:
            self._end_listing(listing, complete=False)

    def _end_listing(self, listing: Listing, complete: bool) -> None:
        """Record how a listing ended; once all ended completely, hand the seen ids over."""
        listing.done = True
        listing.complete = complete
        ended = all(item.done for item in self.listings)
        if ended and all(item.complete for item in self.listings) and not self.failed:
            self.tracker.complete(self.seen_ids)
            self.logger.info(
                "source %s: complete listing, %d victim(s)", self.source.name, len(self.seen_ids)
            )

    # --- victims -------------------------------------------------------------------------------

    def _first_of_each_id(self, posts: list[ListedPost]) -> list[ListedPost]:
        """Victims stored under one id (same title, no post URL) count once per run."""
        kept: list[ListedPost] = []
        ids: set[str] = set()
        for entry in posts:
            post_id = self._post_id(entry.post)
            if post_id not in self.seen_ids and post_id not in ids:
                ids.add(post_id)
                kept.append(entry)
        return kept

    def _note(self, post: LeakSitePost) -> bool:
        """Count the victim as listed this run; True when it is new or changed."""
        post_id = self._post_id(post)
        self.seen_ids.add(post_id)
        return self.tracker.is_fresh(post_id, post)

    def _emit(self, entry: ListedPost) -> Iterator[Any]:
        """The victim, or the request for its victim page first."""
        post_id = self._post_id(entry.post)
        self.tracker.remember(post_id, entry.post)
        request = self._detail_request(entry)
        yield request if request is not None else entry.post

    def _detail_request(self, entry: ListedPost) -> scrapy.Request | None:
        if not self.fetch_details or entry.detail_url is None:
            return None
        if entry.refused_detail is not None:
            self.logger.info(
                "source %s: victim page of %r not followed: %s",
                self.source.name,
                entry.post.post_title,
                entry.refused_detail,
            )
            return None
        if self.details_requested >= self.max_details or not self._budget(self._reserved()):
            return None
        self.details_requested += 1
        self.requested += 1
        return scrapy.Request(
            entry.detail_url,
            callback=self.parse_detail,
            errback=self.detail_failed,
            priority=_DETAIL_PRIORITY,
            meta={**self._meta(), "post": entry.post},
        )

    def parse_detail(self, response: Response) -> Iterator[LeakSitePost]:
        """Yield the victim with the fields its own page adds."""
        post: LeakSitePost = response.meta["post"]
        self.crawler.stats.inc_value("leakwatch/leaksite/detail_pages")
        if response.status >= 400:
            self.logger.warning(
                "source %s: victim page HTTP %d: %s",
                self.source.name,
                response.status,
                response.url,
            )
            if response.status >= 500:
                self.tracker.forget(self._post_id(post))
            yield post
            return
        yield parse_leak_detail(
            response.text, response.url, post, self.layout, self.now, self.source.timezone
        )

    def detail_failed(self, failure: Failure) -> Iterator[LeakSitePost]:
        """A victim page could not be fetched: keep the victim; the next run tries again."""
        request = getattr(failure, "request", None)
        if request is None:
            return
        post: LeakSitePost = request.meta["post"]
        self.logger.warning("source %s: victim page: %s", self.source.name, failure_reason(failure))
        self.tracker.forget(self._post_id(post))
        yield post

    # --- helpers -------------------------------------------------------------------------------

    def _listing_request(self, listing: Listing, url: str, page: int) -> scrapy.Request | None:
        if not self._budget(0):
            self.logger.info("source %s: page cap of %d reached", self.source.name, self.budget)
            return None
        self.requested += 1
        listing.requested_page = max(listing.requested_page, page)
        return scrapy.Request(
            url,
            callback=self.parse_listing,
            errback=self.listing_failed,
            priority=_LISTING_PRIORITY,
            dont_filter=True,
            meta={**self._meta(), "listing": listing, "page": page},
        )

    def _reserved(self) -> int:
        """Requests kept for the listing pages still to read (victim pages come after)."""
        pagination = self.layout.pagination
        if pagination is None:
            return 0
        reserved = 0
        for listing in self.listings:
            if listing.done:
                continue
            last = min(pagination.max_pages, listing.last_page or pagination.max_pages)
            reserved += max(0, last - listing.requested_page)
        return reserved

    def _budget(self, reserved: int) -> bool:
        return self.requested + reserved < self.budget

    def _post_id(self, post: LeakSitePost) -> str:
        return leak_site_post_id(post)

    def _meta(self) -> dict[str, Any]:
        return {
            "download_maxsize": self.max_page_bytes,
            "handle_httpstatus_list": HANDLED_STATUSES,
        }


def _flag(options: dict[str, Any], key: str, default: bool) -> bool:
    value = options.get(key, default)
    if not isinstance(value, bool):
        raise ValueError(f"{key} must be true or false")
    return value
