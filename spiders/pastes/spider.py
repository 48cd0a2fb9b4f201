"""The paste family spider: paste archives (``archive``) and Pastebin's scraping API.

One :class:`PasteSiteSpider` per source. Each run reads the source's listing (``start_urls``):
an archive page (``engine = "archive"``, selectors in spiders/paste_parsers) or the JSON of
Pastebin's scraping API (``engine = "pastebin_api"``, which only answers allow-listed IPs).
For every paste not seen before it fetches the raw text, capped at ``options.max_paste_bytes``,
and yields a :class:`~crawler.core.items.Paste` with it; the pipeline matches the text and keeps
metadata plus a redacted excerpt only.

Raw bodies are guarded while they download (Scrapy's ``headers_received`` and
``bytes_received`` signals): a binary content type stops the download at once, a paste
announcing more than :data:`SKIP_FACTOR` times the cap is not downloaded (a data dump, not a
sale notice), a larger body is cut at the cap and matched truncated. In every case the paste's
metadata is still yielded, with a log line saying why its text is missing or short.

A 200 listing where nothing is found is ``parser_broken`` (with a copy of the page); the
scraping API's "YOUR IP … DOES NOT HAVE ACCESS" is ``auth_required``; challenges and login
walls are reported once and end the crawl.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime
from typing import Any, NoReturn
from urllib.parse import urlsplit

import scrapy
from scrapy import signals
from scrapy.exceptions import CloseSpider, IgnoreRequest, StopDownload
from scrapy.http import Response
from twisted.python.failure import Failure

from crawler.core.config import SourceConfig
from crawler.core.dates import DateResolver
from crawler.core.errors import ConfigError
from crawler.core.items import Paste
from spiders.base import SourceSpider, failure_reason
from spiders.interstitials import BlockedPage, blocked_page_of, challenge_of
from spiders.pastes.parsers import (
    ScrapingApiDenied,
    archive_layout,
    parse_paste_archive,
    parse_pastebin_api,
)
from spiders.pastes.state import DEFAULT_REMEMBERED, SeenKeys
from spiders.pastes.text import decode_paste

DEFAULT_MAX_PASTE_BYTES = 512 * 1024
#: Pastes announcing more than this many times the cap are not downloaded at all.
SKIP_FACTOR = 4
DEFAULT_MAX_LISTING_BYTES = 4 * 1024 * 1024
HANDLED_STATUSES = list(range(400, 600))
#: Request meta keys: the paste being fetched, its cap, and why its download was stopped.
PASTE_KEY = "leakwatch_paste"
CAP_KEY = "leakwatch_paste_cap"
STOPPED_KEY = "leakwatch_paste_stopped"
RECEIVED_KEY = "leakwatch_paste_received"
_GONE_STATUSES = (404, 410)


class PasteSiteSpider(SourceSpider):
    """Read one paste source's listing and the raw text of its new pastes."""

    name = "paste"
    family = "paste"

    def __init__(
        self,
        source: SourceConfig | str | None = None,
        state: dict[str, Any] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(source, state, **kwargs)
        options = self.source.options
        where = f"sources[{self.source.name}].options"
        try:
            self.layout = archive_layout(options)
            self.max_paste_bytes = _positive(options, "max_paste_bytes", DEFAULT_MAX_PASTE_BYTES)
            self.max_listing_bytes = _positive(
                options, "max_listing_bytes", DEFAULT_MAX_LISTING_BYTES
            )
            self.remembered = _positive(options, "remember_keys", DEFAULT_REMEMBERED)
            self.date_order = str(options.get("date_order", "MDY"))
            DateResolver(self.source.timezone, date_order=self.date_order)
        except ValueError as exc:
            raise ConfigError(f"{where}: {exc}") from None
        self.fetch_raw = bool(options.get("fetch_raw", True))
        hosts = {urlsplit(url).hostname or "" for url in self.source.start_urls}
        raw_host = urlsplit(self.layout.raw_url).hostname
        if raw_host and "{" not in raw_host:
            hosts.add(raw_host)
        hosts |= {host.removeprefix("www.") for host in hosts}  # archive links may drop "www."
        self.allowed_domains = sorted(hosts | set(options.get("allowed_domains", [])))
        self.pages_requested = 0
        self.stopped = False

    @classmethod
    def from_crawler(cls, crawler: Any, *args: Any, **kwargs: Any) -> PasteSiteSpider:
        """Build the spider and watch raw paste downloads as their bytes arrive."""
        spider: PasteSiteSpider = super().from_crawler(crawler, *args, **kwargs)
        crawler.signals.connect(spider.headers_received, signal=signals.headers_received)
        crawler.signals.connect(spider.bytes_received, signal=signals.bytes_received)
        return spider

    async def start(self) -> AsyncIterator[Any]:
        """Request every listing of the source."""
        self.seen = SeenKeys(self.state, self.remembered)
        for url in self.source.start_urls:
            request = self._request(
                url,
                self.parse_listing,
                meta={"download_maxsize": self.max_listing_bytes},
                errback=self.listing_failed,
                priority=100,
            )
            if request is not None:
                yield request

    # --- listings ----------------------------------------------------------------------------

    def parse_listing(self, response: Response) -> Iterator[Any]:
        """Yield the raw-text requests (or items) of the listing's unseen pastes."""
        if self.stopped:
            return
        if response.status >= 400:
            self._stop_if_blocked(response)
            self.report_health("degraded", f"HTTP {response.status} on the listing", response.url)
            return
        pastes = self._pastes_of(response)
        if pastes is None:
            return
        fresh = [paste for paste in pastes if paste.key not in self.seen]
        self.crawler.stats.inc_value("leakwatch/paste/listed", len(pastes))
        self.crawler.stats.inc_value("leakwatch/paste/fresh", len(fresh))
        self.logger.info(
            "source %s: %d paste(s) listed, %d new", self.source.name, len(pastes), len(fresh)
        )
        for paste in fresh:
            yield from self._fetch(paste)

    def _pastes_of(self, response: Response) -> list[Paste] | None:
        """The listing's pastes, or None after reporting why there are none."""
        text = _text_of(response)
        if self.source.engine == "pastebin_api":
            try:
                pastes = parse_pastebin_api(text, response.url, self._dates())
            except ScrapingApiDenied as exc:
                detail = f"the scraping API refused this IP (allow-list it): {exc}"
                self._stop(BlockedPage("auth_required", detail), response)
            except ValueError as exc:
                self._stop_if_blocked(response)
                self.report_health("parser_broken", str(exc), response.url, page=response.body)
                return None
            if not pastes:
                self.logger.warning("source %s: the scraping API listed no paste", self.source.name)
            return pastes
        pastes = parse_paste_archive(text, response.url, self.layout, self._dates())
        if not pastes:
            self._stop_if_blocked(response)
            self.report_health(
                "parser_broken",
                "no paste found by the archive selectors",
                response.url,
                page=response.body,
            )
            return None
        return pastes

    def listing_failed(self, failure: Failure) -> None:
        """A listing could not be fetched: report why."""
        request = getattr(failure, "request", None)
        url = request.url if request is not None else None
        self.report_health("degraded", f"listing not fetched: {failure_reason(failure)}", url)

    # --- raw texts ---------------------------------------------------------------------------

    def _fetch(self, paste: Paste) -> Iterator[Any]:
        """The raw-text request of ``paste``, or the paste itself when it cannot be fetched."""
        if not self.fetch_raw or not paste.raw_url:
            self.seen.remember(paste.key)
            yield paste
            return
        request = self._request(
            paste.raw_url,
            self.parse_raw,
            meta={
                PASTE_KEY: paste,
                CAP_KEY: self.max_paste_bytes,
                "download_maxsize": self.max_paste_bytes * SKIP_FACTOR,
                "download_warnsize": self.max_paste_bytes * SKIP_FACTOR,
            },
            errback=self.raw_failed,
            headers={"Accept-Encoding": "identity"},
        )
        if request is None:
            # Over the page budget: the metadata now, the text on a later run.
            yield paste
            return
        yield request

    def headers_received(
        self, headers: Any, body_length: int, request: scrapy.Request, spider: Any
    ) -> None:
        """Stop a raw download before its body when it is binary or far too large."""
        cap = request.meta.get(CAP_KEY)
        if spider is not self or cap is None:
            return
        content_type = (headers.get(b"Content-Type") or b"").decode("latin-1")
        decoded = decode_paste(b"", content_type)
        if decoded.text is None:
            request.meta[STOPPED_KEY] = decoded.note
            raise StopDownload(fail=False)
        if isinstance(body_length, int) and body_length > cap * SKIP_FACTOR:
            request.meta[STOPPED_KEY] = (
                f"announced {body_length} bytes, over {SKIP_FACTOR} times the cap"
            )
            raise StopDownload(fail=False)

    def bytes_received(self, data: bytes, request: scrapy.Request, spider: Any) -> None:
        """Stop a raw download once it passes the cap; what arrived is matched, truncated."""
        cap = request.meta.get(CAP_KEY)
        if spider is not self or cap is None:
            return
        received = request.meta.get(RECEIVED_KEY, 0) + len(data)
        request.meta[RECEIVED_KEY] = received
        if received > cap:
            raise StopDownload(fail=False)

    def parse_raw(self, response: Response) -> Iterator[Any]:
        """Yield the paste with its raw text (or without it, saying why)."""
        paste: Paste = response.meta[PASTE_KEY]
        if self.stopped:
            return
        content_type = (response.headers.get(b"Content-Type") or b"").decode("latin-1")
        if response.status >= 400 or "html" in content_type:
            self._stop_if_challenge(response)
        if response.status >= 400:
            gone = response.status in _GONE_STATUSES
            self.logger.warning(
                "source %s: paste %s: HTTP %d on its raw text%s",
                self.source.name,
                paste.key,
                response.status,
                " (deleted or expired)" if gone else "; retried next run",
            )
            if gone:
                self.seen.remember(paste.key)
            yield paste
            return
        stopped = response.meta.get(STOPPED_KEY)
        self.seen.remember(paste.key)
        if stopped:
            self.crawler.stats.inc_value("leakwatch/paste/skipped")
            self.logger.warning(
                "source %s: paste %s: text not kept: %s", self.source.name, paste.key, stopped
            )
            yield paste
            return
        cap: int = response.meta[CAP_KEY]
        truncated = "download_stopped" in response.flags and len(response.body) > cap
        decoded = decode_paste(response.body[:cap], content_type, final=not truncated)
        if decoded.note:
            self.logger.warning(
                "source %s: paste %s: %s", self.source.name, paste.key, decoded.note
            )
        if decoded.text is None:
            self.crawler.stats.inc_value("leakwatch/paste/binary")
            yield paste
            return
        if truncated:
            self.crawler.stats.inc_value("leakwatch/paste/truncated")
            self.logger.warning(
                "source %s: paste %s: over %d bytes, only its start is matched",
                self.source.name,
                paste.key,
                cap,
            )
        paste.text = decoded.text
        paste.truncated = truncated
        if paste.size is None:
            paste.size = len(response.body) if not truncated else None
        yield paste

    def raw_failed(self, failure: Failure) -> Iterator[Any]:
        """A raw text could not be fetched: yield the metadata.

        A refusal by the crawl's safety rules (content type, attachment, file link:
        ``IgnoreRequest``) will not change, so the paste counts as seen; any other failure
        (timeout, connection, server error) is tried again on the next run.
        """
        request = getattr(failure, "request", None)
        if request is None or self.stopped:
            return
        paste: Paste = request.meta[PASTE_KEY]
        if isinstance(failure.value, IgnoreRequest):
            self.seen.remember(paste.key)
        self.logger.warning(
            "source %s: paste %s: raw text not fetched: %s",
            self.source.name,
            paste.key,
            failure_reason(failure),
        )
        yield paste

    # --- helpers -----------------------------------------------------------------------------

    def _request(
        self,
        url: str,
        callback: Any,
        meta: dict[str, Any],
        errback: Any,
        priority: int = 0,
        headers: dict[str, str] | None = None,
    ) -> scrapy.Request | None:
        """A request if the run's page budget allows it, else None (and a log line once)."""
        if self.pages_requested >= self.source.max_pages:
            if self.pages_requested == self.source.max_pages:
                self.logger.info(
                    "source %s: page cap of %d reached; the rest waits for the next run",
                    self.source.name,
                    self.source.max_pages,
                )
                self.pages_requested += 1
            return None
        self.pages_requested += 1
        return scrapy.Request(
            url,
            callback=callback,
            errback=errback,
            priority=priority,
            headers=headers,
            meta={"handle_httpstatus_list": HANDLED_STATUSES, **meta},
        )

    def _dates(self) -> DateResolver:
        return DateResolver(self.source.timezone, now=datetime.now(UTC), date_order=self.date_order)

    def _stop_if_blocked(self, response: Response) -> None:
        blocked = blocked_page_of(response.status, _headers_of(response), _text_of(response))
        if blocked is not None:
            self._stop(blocked, response)

    def _stop_if_challenge(self, response: Response) -> None:
        blocked = challenge_of(response.status, _headers_of(response), _text_of(response))
        if blocked is not None:
            self._stop(blocked, response)

    def _stop(self, blocked: BlockedPage, response: Response) -> NoReturn:
        """Report ``blocked`` once and close the spider: retrying will not get past it."""
        if not self.stopped:
            self.stopped = True
            self.report_health(blocked.status, blocked.detail, response.url, page=response.body)
        raise CloseSpider(blocked.status)


def _positive(options: dict[str, Any], name: str, default: int) -> int:
    value = options.get(name, default)
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        raise ValueError(f"{name} must be a positive integer")
    return value


def _headers_of(response: Response) -> dict[str, str]:
    return {
        name.decode("latin-1").lower(): (response.headers.get(name) or b"").decode("latin-1")
        for name in response.headers
    }


def _text_of(response: Response) -> str:
    text = getattr(response, "text", None)
    if isinstance(text, str):
        return text
    return response.body.decode("utf-8", errors="replace")
