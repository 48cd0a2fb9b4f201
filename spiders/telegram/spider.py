"""The Telegram family spider: public channels read through their web preview (``t.me/s/…``).

One :class:`TelegramPreviewSpider` per source; each start URL is one channel
(``https://t.me/s/<channel>``, or ``https://t.me/<channel>``, read as its ``/s/`` preview).
Each run, per channel:

1. reads the preview page (the newest messages, oldest first) and yields every message newer
   than the last one seen by the previous run (spiders/telegram/state.py);
2. pages back with ``?before=<smallest id seen>``: on the first crawl ``options.depth`` pages
   in all, on later crawls until the last seen id is reached, so an unchanged channel costs
   one request.

A channel without a public preview (Telegram redirects ``/s/<channel>`` to the
``/<channel>`` info page, as for groups, users and bots) is ``no_preview``; a channel that
exists but has no message is logged and fine; a 200 page that is neither a preview nor an info
page is ``parser_broken`` with a copy of the page. Links and attached documents are metadata:
nothing is followed or downloaded. Nothing here touches the database.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import scrapy
from scrapy.http import Response, TextResponse
from twisted.python.failure import Failure
from w3lib.encoding import html_to_unicode

from crawler.core.config import SourceConfig
from crawler.core.errors import ConfigError
from spiders.base import SourceSpider, failure_reason
from spiders.interstitials import blocked_page_of
from spiders.telegram.options import TelegramOptions
from spiders.telegram.parsers import ChannelPage, parse_channel_page, split_channel_url
from spiders.telegram.state import TelegramState, next_before

#: Statuses handed to the callback, which tells an outage from a missing channel.
HANDLED_STATUSES = list(range(400, 600))
_TELEGRAM_HOSTS = {"t.me", "telegram.me"}


@dataclass
class ChannelCrawl:
    """One channel during one run: where its preview is and how far paging got."""

    key: str
    preview_url: str
    known_id: int | None = None
    pages_read: int = 0
    smallest_seen: int | None = None
    yielded: set[int] = field(default_factory=set)
    befores: set[int] = field(default_factory=set)


def preview_url_of(url: str) -> tuple[str, str]:
    """The channel (lower case) and the ``/s/<channel>`` preview URL of a start URL.

    Raises ValueError when the URL names no channel.
    """
    split = split_channel_url(url)
    if split is None:
        raise ValueError(f"{url!r} is not a channel URL such as https://t.me/s/<channel>")
    prefix, channel = split
    parts = urlsplit(url)
    return channel.lower(), urlunsplit(
        (parts.scheme, parts.netloc, f"{prefix}/s/{channel}", "", "")
    )


class TelegramPreviewSpider(SourceSpider):
    """Read the public web preview of the source's channels, incrementally."""

    name = "telegram"
    family = "telegram"

    def __init__(
        self,
        source: SourceConfig | str | None = None,
        state: dict[str, Any] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(source, state, **kwargs)
        self.options = TelegramOptions.of(self.source)
        self.channels: dict[str, ChannelCrawl] = {}
        for url in self.source.start_urls:
            try:
                key, preview = preview_url_of(url)
            except ValueError as exc:
                raise ConfigError(f"sources[{self.source.name}].start_urls: {exc}") from None
            self.channels.setdefault(key, ChannelCrawl(key, preview))
        hosts = {urlsplit(url).hostname or "" for url in self.source.start_urls}
        if hosts & _TELEGRAM_HOSTS:
            hosts |= _TELEGRAM_HOSTS
        self.allowed_domains = sorted(hosts | set(self.options.allowed_domains))
        self.pages_requested = 0

    async def start(self) -> AsyncIterator[Any]:
        """Request the newest page of every channel."""
        self.tracker = TelegramState(self.state)
        for crawl in self.channels.values():
            crawl.known_id = self.tracker.channel(crawl.key).last_id
            request = self._page_request(crawl, crawl.preview_url)
            if request is not None:
                yield request

    def parse_page(self, response: Response) -> Iterator[Any]:
        """Yield the page's new messages and, while needed, request the next older page."""
        crawl: ChannelCrawl = response.meta["channel"]
        if response.status >= 400:
            self._report_error_page(response)
            return
        page = parse_channel_page(page_text(response), response.url)
        if page.kind == "info" or _left_preview(response):
            detail = _no_preview_detail(crawl, page, response.url)
            self.report_health("no_preview", detail, response.url, page=response.body)
            return
        if page.kind == "unknown" or (not page.message_ids and page.unreadable):
            self._report_unreadable(response, page)
            return
        crawl.pages_read += 1
        self.crawler.stats.inc_value("leakwatch/telegram/pages")
        if not page.message_ids:
            self._no_messages(crawl, page, response)
            return
        state = self.tracker.channel(crawl.key)
        if crawl.pages_read == 1 and crawl.known_id and max(page.message_ids) < crawl.known_id:
            # Ids of a channel only grow: the username now belongs to another channel.
            self.logger.warning(
                "source %s: channel %s: newest message %d is older than the last seen %d; "
                "reading it as a new channel",
                self.source.name,
                crawl.key,
                max(page.message_ids),
                crawl.known_id,
            )
            crawl.known_id = None
            state.forget()
        state.saw(page.message_ids)
        crawl.smallest_seen = min([*page.message_ids, *_present(crawl.smallest_seen)])
        for message in page.messages:
            if crawl.known_id is not None and message.message_id <= crawl.known_id:
                continue
            if message.message_id not in crawl.yielded:
                crawl.yielded.add(message.message_id)
                yield message
        before = next_before(
            page.message_ids,
            page.before_id is not None,
            crawl.smallest_seen,
            crawl.known_id,
            crawl.pages_read,
            self.options.depth,
        )
        if before is None or before in crawl.befores:
            return  # the same page again would mean t.me ignores ?before=: stop there
        crawl.befores.add(before)
        request = self._page_request(crawl, f"{crawl.preview_url}?before={before}")
        if request is None and crawl.known_id is not None:
            self.logger.warning(
                "source %s: channel %s: page cap reached before message %d; older new "
                "messages are skipped",
                self.source.name,
                crawl.key,
                crawl.known_id,
            )
        if request is not None:
            yield request

    def page_failed(self, failure: Failure) -> None:
        """A page could not be fetched (network error, refused redirect): report why."""
        request = getattr(failure, "request", None)
        url = request.url if request is not None else None
        self.report_health("degraded", f"page not fetched: {failure_reason(failure)}", url)

    # --- helpers -----------------------------------------------------------------------------

    def _no_messages(self, crawl: ChannelCrawl, page: ChannelPage, response: Response) -> None:
        """A preview page without messages: an empty channel, the end of its history, or
        Telegram's "No posts found", which it also answers when it rate-limits a client."""
        if page.says_no_messages and crawl.pages_read == 1:
            detail = f"channel {crawl.key}: Telegram says 'No posts found' (rate limited?)"
            self.report_health("degraded", detail, response.url)
        elif crawl.pages_read == 1:
            self.logger.info("source %s: channel %s has no message", self.source.name, crawl.key)
        else:
            self.logger.info(
                "source %s: channel %s: no message before %s, the channel's beginning",
                self.source.name,
                crawl.key,
                crawl.smallest_seen,
            )

    def _report_error_page(self, response: Response) -> None:
        blocked = blocked_page_of(response.status, _headers(response), page_text(response))
        if blocked is not None:
            self.report_health(blocked.status, blocked.detail, response.url, page=response.body)
            return
        self.report_health("degraded", f"HTTP {response.status} on a preview page", response.url)

    def _report_unreadable(self, response: Response, page: ChannelPage) -> None:
        text = page_text(response)
        blocked = blocked_page_of(response.status, _headers(response), text)
        if blocked is not None:
            self.report_health(blocked.status, blocked.detail, response.url, page=response.body)
            return
        detail = (
            f"{page.unreadable} item(s) of the channel history without a readable message id"
            if page.unreadable
            else "neither a channel preview nor a channel info page"
        )
        self.report_health("parser_broken", detail, response.url, page=response.body)

    def _page_request(self, crawl: ChannelCrawl, url: str) -> scrapy.Request | None:
        """A request for a preview page, or None (logged once) past the run's page cap."""
        if self.pages_requested >= self.source.max_pages:
            if self.pages_requested == self.source.max_pages:
                self.logger.info(
                    "source %s: page cap of %d reached", self.source.name, self.source.max_pages
                )
                self.pages_requested += 1
            return None
        self.pages_requested += 1
        return scrapy.Request(
            url,
            callback=self.parse_page,
            errback=self.page_failed,
            meta={"channel": crawl, "handle_httpstatus_list": HANDLED_STATUSES},
        )


def page_text(response: Response) -> str:
    """The page as text, whatever its declared charset (undecodable bytes are replaced)."""
    if isinstance(response, TextResponse):
        return response.text
    return html_to_unicode(None, response.body)[1]


def _left_preview(response: Response) -> bool:
    """True when redirects took the request away from a ``/s/`` preview URL."""
    if not response.meta.get("redirect_urls"):
        return False
    return "s" not in urlsplit(response.url).path.split("/")


def _no_preview_detail(crawl: ChannelCrawl, page: ChannelPage, url: str) -> str:
    about = ", ".join(part for part in (page.title, page.info) if part)
    if page.kind != "info":
        served = f"redirected to {url}"
    else:
        served = f"served its info page ({about})" if about else "served an info page"
    return f"channel {crawl.key} has no public web preview: Telegram {served}"


def _headers(response: Response) -> dict[str, str]:
    return {
        name.decode("latin-1").lower(): (response.headers.get(name) or b"").decode("latin-1")
        for name in response.headers
    }


def _present(value: int | None) -> list[int]:
    return [] if value is None else [value]
