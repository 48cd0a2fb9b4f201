"""The feed family spider: RSS/Atom, ransomwatch ``posts.json`` and the ransomware.live API.

One :class:`FeedSpider` per source; ``start_urls`` are the feeds, the ``engine`` their format
(spiders/feeds/parsers.py). Every run fetches each feed whole and yields all its entries (those
older than ``options.max_age_days`` left out): the storage pipeline's upsert keeps one post per
entry id and only new or changed entries are matched again. Conditional requests
(``ETag``/``Last-Modified`` remembered in the state) make an unchanged feed cost a 304.

A 200 answer that is not a feed of the engine's format (invalid XML with no entry, an HTML
page, JSON without victims) is ``parser_broken`` with a copy of the page; invalid XML from
which entries were recovered keeps them and logs a warning. Nothing here touches the database.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime
from typing import Any, NoReturn
from urllib.parse import urlsplit

import scrapy
from scrapy.exceptions import CloseSpider
from scrapy.http import Response
from twisted.python.failure import Failure

from crawler.core.config import SourceConfig
from crawler.core.dates import DateResolver
from crawler.core.errors import ConfigError
from crawler.core.file_links import TRACKER_EXPORT
from spiders.base import SourceSpider, failure_reason
from spiders.feeds.options import FeedOptions
from spiders.feeds.parsers import VICTIM_LIST_ENGINES, parse_feed, recent_entries
from spiders.interstitials import BlockedPage, blocked_page_of

HANDLED_STATUSES = [304, *range(400, 600)]


class FeedSpider(SourceSpider):
    """Fetch one feed source's feeds and yield their entries."""

    name = "feed"
    family = "feed"

    def __init__(
        self,
        source: SourceConfig | str | None = None,
        state: dict[str, Any] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(source, state, **kwargs)
        self.options = FeedOptions.of(self.source)
        try:
            DateResolver(self.source.timezone)
        except ValueError as exc:
            raise ConfigError(f"sources[{self.source.name}].timezone: {exc}") from None
        hosts = {urlsplit(url).hostname or "" for url in self.source.start_urls}
        self.allowed_domains = sorted(hosts | set(self.options.allowed_domains))
        self.stopped = False

    async def start(self) -> AsyncIterator[Any]:
        """Request every feed of the source (conditionally when it was seen before)."""
        for url in self.source.start_urls:
            yield scrapy.Request(
                url,
                callback=self.parse_feed,
                errback=self.feed_failed,
                headers=self._validators(url),
                meta={
                    TRACKER_EXPORT: self.source.engine in VICTIM_LIST_ENGINES,
                    "download_maxsize": self.options.max_feed_bytes,
                    "handle_httpstatus_list": HANDLED_STATUSES,
                },
            )

    def parse_feed(self, response: Response) -> Iterator[Any]:
        """Yield the feed's entries; report a feed that is not one."""
        if self.stopped:
            return
        if response.status == 304:
            self.logger.info("source %s: %s not modified", self.source.name, response.url)
            return
        if response.status >= 400:
            self._stop_if_blocked(response)
            self.report_health("degraded", f"HTTP {response.status} on the feed", response.url)
            return
        content_type = (response.headers.get(b"Content-Type") or b"").decode("latin-1")
        dates = DateResolver(self.source.timezone, now=datetime.now(UTC))
        page = parse_feed(
            self.source.engine,
            response.body,
            response.url,
            content_type,
            dates,
            self.options.group_page_url,
        )
        if page.problem and not page.entries:
            self._stop_if_blocked(response)
            self.report_health("parser_broken", page.problem, response.url, page=response.body)
            return
        if page.problem:
            self.logger.warning("source %s: %s: %s", self.source.name, response.url, page.problem)
        self._remember_validators(response)
        page = recent_entries(page, self.options.max_age_days)
        if not page.entries and not page.skipped:
            self.logger.warning("source %s: %s lists no entry", self.source.name, response.url)
        self.crawler.stats.inc_value("leakwatch/feed/entries", len(page.entries))
        self.crawler.stats.inc_value("leakwatch/feed/skipped", page.skipped)
        self.logger.info(
            "source %s: %d entr%s from %s (%d left out)",
            self.source.name,
            len(page.entries),
            "y" if len(page.entries) == 1 else "ies",
            response.url,
            page.skipped,
        )
        yield from page.entries

    def feed_failed(self, failure: Failure) -> None:
        """A feed could not be fetched: report why."""
        request = getattr(failure, "request", None)
        url = request.url if request is not None else None
        self.report_health("degraded", f"feed not fetched: {failure_reason(failure)}", url)

    # --- helpers -----------------------------------------------------------------------------

    def _validators(self, url: str) -> dict[str, str]:
        """``If-None-Match`` / ``If-Modified-Since`` from the last successful fetch."""
        if not self.options.conditional_requests:
            return {}
        validators = self.state.get("validators")
        known = validators.get(url) if isinstance(validators, dict) else None
        if not isinstance(known, dict):
            return {}
        headers = {}
        if known.get("etag"):
            headers["If-None-Match"] = str(known["etag"])
        if known.get("last_modified"):
            headers["If-Modified-Since"] = str(known["last_modified"])
        return headers

    def _remember_validators(self, response: Response) -> None:
        url = response.meta.get("redirect_urls", [response.url])[0]
        etag = (response.headers.get(b"ETag") or b"").decode("latin-1")
        modified = (response.headers.get(b"Last-Modified") or b"").decode("latin-1")
        validators = self.state.get("validators")
        if not isinstance(validators, dict):
            validators = self.state["validators"] = {}
        if etag or modified:
            validators[url] = {"etag": etag, "last_modified": modified}
        else:
            validators.pop(url, None)

    def _stop_if_blocked(self, response: Response) -> None:
        text = response.body[:200_000].decode("utf-8", errors="replace")
        headers = {
            name.decode("latin-1").lower(): (response.headers.get(name) or b"").decode("latin-1")
            for name in response.headers
        }
        blocked = blocked_page_of(response.status, headers, text)
        if blocked is not None:
            self._stop(blocked, response)

    def _stop(self, blocked: BlockedPage, response: Response) -> NoReturn:
        """Report ``blocked`` once and close the spider: retrying will not get past it."""
        if not self.stopped:
            self.stopped = True
            self.report_health(blocked.status, blocked.detail, response.url, page=response.body)
        raise CloseSpider(blocked.status)
