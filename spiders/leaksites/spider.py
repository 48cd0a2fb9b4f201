"""The leak-site family spider: ransomware groups' victim listings, read with a group layout.

One :class:`LeakSiteSpider` per source; the source's layout (spiders/leaksites/layout.py: bundled
``options.layout``, ``options.layout_file`` or inline keys) says where each field is, so a new
group needs a configuration, not code. Each run:

1. reads every listing (each start URL, or the first answering one with ``options.mirrors``)
   page by page, following the layout's next link or URL pattern up to its page cap;
2. yields the victims that are new or whose listing fields changed (spiders/leaksites/state.py),
   after reading their victim page when the layout has detail rules (never a file host or a
   download). Victim pages wait until every listing was read, then share what is left of
   ``max_pages`` (and ``options.max_details``): new victims first, then pages pending from
   earlier runs, then changed victims. Pages skipped for a cap are noted (stats, the run's
   detail) and read on the next runs; a page that fails (any HTTP error, unreachable) is
   retried on the next runs, and given up after ``PAGE_ATTEMPTS`` runs;
3. when every listing was read to its end, sets ``state["listing_complete"]`` and
   ``state["seen_ids"]``: the run recorder marks the source's other posts removed, refreshes
   ``last_seen`` of the listed ones and clears ``removed_at`` of those that came back.

A source without a layout is read by the generic reader (spiders/leaksites/generic.py). When a
layout finds no victim on a first listing page that answered 200, the generic reader tries
the page too: its victims are yielded (``layout = "generic"``) and the run still reports
``parser_broken`` ("the layout found no victim; the generic reader found N"), so the operator
learns the layout broke. A run read by the generic reader never marks removals (a heuristic
may miss victims). A 200 listing page where neither finds a victim is ``parser_broken`` (with
a copy of the page); an anti-bot page is ``challenge``, a login wall ``auth_required``;
unreachable pages ``degraded``. Nothing here touches the database.
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
from spiders.base import SourceSpider, failure_reason
from spiders.interstitials import blocked_page_of
from spiders.leaksites.generic import GENERIC, parse_generic_page
from spiders.leaksites.items import LeakSitePost, leak_site_post_id
from spiders.leaksites.layout import source_layout
from spiders.leaksites.options import LeakSiteOptions
from spiders.leaksites.parsers import (
    LeakListingPage,
    ListedPost,
    parse_leak_detail,
    parse_leak_page,
    pattern_page_url,
)
from spiders.leaksites.state import LeakSiteState

HANDLED_STATUSES = list(range(400, 600))
_LISTING_PRIORITY = 100
_DETAIL_PRIORITY = -100
#: Listing pages the generic reader follows ("next" links), the first included.
GENERIC_MAX_PAGES = 10


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
    #: Listing page URLs requested (the generic reader's "next" links may loop).
    visited_urls: set[str] = field(default_factory=set)
    done: bool = False
    complete: bool = False

    @property
    def url(self) -> str:
        """The listing's first page on the mirror in use."""
        return self.urls[self.mirror]


@dataclass
class VictimPage:
    """A victim whose own page waits for a request: fresh this run or pending from before."""

    entry: ListedPost
    post_id: str
    #: New or changed this run (then the victim is yielded whether its page is read or not).
    fresh: bool
    #: Unknown before this run.
    new: bool

    @property
    def rank(self) -> int:
        """Who gets the budget first: new victims, then pending pages, then changed ones."""
        return 0 if self.new else 2 if self.fresh else 1


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
        self.options = LeakSiteOptions.of(self.source)
        self.layout = source_layout(self.source)
        # A layout's group already holds the source's ``group`` option (inline keys merge).
        self.group = self.layout.group if self.layout else self.options.group or self.source.name
        #: Whether the generic reader reads the listing (no layout, or the layout broke).
        self.generic = self.layout is None
        self.fetch_details = (
            self.options.fetch_details and self.layout is not None and bool(self.layout.detail)
        )
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
        #: Victim pages waiting for every listing to end, and whether they were handed out.
        self.waiting: list[VictimPage] = []
        self.released = False
        #: The crawl's reference time for relative dates and countdowns.
        self.now = datetime.now(UTC)

    async def start(self) -> AsyncIterator[Any]:
        """Request the first page of every listing."""
        self.tracker = LeakSiteState(self.state)
        urls = self.source.start_urls
        self.listings = (
            [Listing(list(urls))] if self.options.mirrors else [Listing([u]) for u in urls]
        )
        for listing in self.listings:
            request = self._listing_request(listing, listing.url, 1)
            if request is not None:
                yield request

    # --- listings ----------------------------------------------------------------------------

    def parse_listing(self, response: Response) -> Iterator[Any]:
        """Yield the fresh victims of a listing page and the next page; once every listing
        ended, the victim pages within the budget."""
        yield from self._read_listing(response)
        yield from self._release_victim_pages()

    def _read_listing(self, response: Response) -> Iterator[Any]:
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
        page = self._parse_page(text, response, page_number)
        if not page.posts:
            yield from self._empty_page(listing, page_number, response)
            return
        listing.pages = page_number
        entries = self._first_of_each_id(page.posts)
        fresh = [entry for entry in entries if self._note(entry.post)]
        pending = [
            entry
            for entry in entries
            if entry not in fresh and self.tracker.page_pending(self._post_id(entry.post))
        ]
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
            yield from self._take(entry, fresh=True)
        for entry in pending:
            yield from self._take(entry, fresh=False)

    def _parse_page(self, text: str, response: Response, number: int) -> LeakListingPage:
        """The page read by the layout; when it finds nothing on the first page, or the source
        has none, by the generic reader (a broken layout is reported all the same)."""
        if self.layout is not None and not self.generic:
            page = parse_leak_page(text, response.url, self.layout, self.now, self.source.timezone)
            if page.posts or number > 1:
                return page
        generic = parse_generic_page(text, response.url, self.group, self.now, self.source.timezone)
        found = LeakListingPage([ListedPost(post) for post in generic.posts], generic.next_url)
        if found.posts and not self.generic:
            assert self.layout is not None
            self.generic = True
            self.report_health(
                "parser_broken",
                f"no victim found by the {self.layout.group} layout; the generic reader found "
                f"{len(found.posts)} (items marked layout = {GENERIC!r}): fix the layout",
                response.url,
                page=response.body,
            )
        return found

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
        yield from self._release_victim_pages()

    def _next_page(
        self, listing: Listing, page: LeakListingPage, number: int, url: str
    ) -> Iterator[scrapy.Request]:
        if self.generic:
            yield from self._next_generic_page(listing, page, number, url)
            return
        assert self.layout is not None
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

    def _next_generic_page(
        self, listing: Listing, page: LeakListingPage, number: int, url: str
    ) -> Iterator[scrapy.Request]:
        """Follow the page's "next" link on the same site, up to GENERIC_MAX_PAGES pages."""
        next_url = page.next_url
        if next_url is None or next_url in listing.visited_urls:
            self._end_listing(listing, complete=True)
            return
        if number >= GENERIC_MAX_PAGES or urlsplit(next_url).hostname != urlsplit(url).hostname:
            self._end_listing(listing, complete=False)
            return
        listing.visited_urls.add(next_url)
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
        reader = (
            "the generic reader"
            if self.layout is None
            else f"the {self.layout.group} layout nor by the generic reader"
        )
        self.report_health(
            "parser_broken", f"no victim found by {reader}", response.url, page=response.body
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
        if listing.mirror + 1 >= len(listing.urls) or not self.options.mirrors:
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
        complete_run = all(item.complete for item in self.listings) and not self.failed
        # The generic reader is a heuristic: it may miss victims, which must not read as removed.
        if ended and complete_run and not self.generic:
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

    def _take(self, entry: ListedPost, fresh: bool) -> Iterator[Any]:
        """A fresh victim without a page to read is yielded now; a victim page waits."""
        post_id = self._post_id(entry.post)
        if not self.fetch_details or entry.detail_url is None:
            if fresh:
                self.tracker.remember(post_id, entry.post)
                yield entry.post
            return
        if entry.refused_detail is not None:
            self.logger.info(
                "source %s: victim page of %r not followed: %s",
                self.source.name,
                entry.post.post_title,
                entry.refused_detail,
            )
            self.tracker.page_read(post_id)  # nothing to read there, ever
            if fresh:
                self.tracker.remember(post_id, entry.post)
                yield entry.post
            return
        new = not self.tracker.is_known(post_id)
        self.waiting.append(VictimPage(entry, post_id, fresh, new))

    def _release_victim_pages(self) -> Iterator[Any]:
        """Once every listing ended: request the waiting victim pages the budget allows (new
        victims first), yield the fresh victims left without one, and say what was skipped."""
        if self.released or not self.listings or not all(item.done for item in self.listings):
            return
        self.released = True
        waiting = sorted(self.waiting, key=lambda page: page.rank)  # stable: page order kept
        skipped = 0
        for page in waiting:
            if page.fresh:
                self.tracker.remember(page.post_id, page.entry.post)
            if self.details_requested < self.options.max_details and self._budget():
                yield self._detail_request(page)
                continue
            skipped += 1
            self.tracker.page_skipped(page.post_id)
            if page.fresh:
                yield page.entry.post
        if skipped:
            self._note_skipped(skipped, len(waiting))

    def _note_skipped(self, skipped: int, waiting: int) -> None:
        cap = (
            f"max_details = {self.options.max_details}"
            if self.details_requested >= self.options.max_details
            else f"max_pages = {self.source.max_pages}, {self.requested - self.details_requested}"
            " of them for the listing"
        )
        self.crawler.stats.set_value("leakwatch/leaksite/detail_pages_skipped", skipped)
        self.note(
            f"{skipped} of {waiting} victim page(s) not read ({cap}); their victims are stored "
            "with their listing fields, the pages are read on the next runs",
            capped=True,
        )

    def _detail_request(self, page: VictimPage) -> scrapy.Request:
        self.details_requested += 1
        self.requested += 1
        assert page.entry.detail_url is not None
        return scrapy.Request(
            page.entry.detail_url,
            callback=self.parse_detail,
            errback=self.detail_failed,
            priority=_DETAIL_PRIORITY,
            meta={**self._meta(), "victim": page},
        )

    def parse_detail(self, response: Response) -> Iterator[LeakSitePost]:
        """Yield the victim with the fields its own page adds."""
        page: VictimPage = response.meta["victim"]
        self.crawler.stats.inc_value("leakwatch/leaksite/detail_pages")
        if response.status >= 400:
            yield from self._page_failed(page, f"HTTP {response.status}")
            return
        self.tracker.page_read(page.post_id)
        assert self.layout is not None  # only layouts with detail rules read victim pages
        yield parse_leak_detail(
            response.text,
            response.url,
            page.entry.post,
            self.layout,
            self.now,
            self.source.timezone,
        )

    def detail_failed(self, failure: Failure) -> Iterator[LeakSitePost]:
        """A victim page could not be fetched: keep the victim; the next run tries again."""
        request = getattr(failure, "request", None)
        if request is None:
            return
        yield from self._page_failed(request.meta["victim"], failure_reason(failure))

    def _page_failed(self, page: VictimPage, why: str) -> Iterator[LeakSitePost]:
        """Count the failure (retried on the next runs, given up after PAGE_ATTEMPTS); a fresh
        victim is yielded with its listing fields."""
        url = page.entry.detail_url
        runs = self.tracker.page_failed(page.post_id, why)
        if runs is None:
            self.logger.warning(
                "source %s: victim page %s: %s (retried next run)", self.source.name, url, why
            )
            self.crawler.stats.inc_value("leakwatch/leaksite/detail_pages_failed")
        else:
            self.crawler.stats.inc_value("leakwatch/leaksite/detail_pages_given_up")
            self.note(
                f"victim page of {page.entry.post.post_title!r} given up after {runs} runs: "
                f"{why} ({url})"
            )
        if page.fresh:
            yield page.entry.post

    # --- helpers -------------------------------------------------------------------------------

    def _listing_request(self, listing: Listing, url: str, page: int) -> scrapy.Request | None:
        if not self._budget():
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

    def _budget(self) -> bool:
        """Whether one more request fits in the run's cap (one request of margin)."""
        return self.requested < self.budget

    def _post_id(self, post: LeakSitePost) -> str:
        return leak_site_post_id(post)

    def _meta(self) -> dict[str, Any]:
        return {
            "download_maxsize": self.options.max_page_bytes,
            "handle_httpstatus_list": HANDLED_STATUSES,
        }
