"""The forum family spider: MyBB, XenForo, phpBB and configured ("custom") forums.

One :class:`ForumSpider` per source. Its ``start_urls`` are the watched sections; the source's
``engine`` picks the selector table (spiders/forums/parsers). Each run:

1. logs in first when the source has credentials (a login form found on ``options.login_url``
   or the engine's usual login page, filled with form2request), cookies from the options are
   sent from the first request on;
2. reads each section's listing pages, newest activity first, and yields new or changed
   threads (with the first post's text when ``options.fetch_first_post`` is true);
3. stops paging a section at the first page whose non-sticky threads are all known and
   unchanged (spiders/forums/state.py), so an unchanged forum costs one page per section.

A login wall, ban, captcha or anti-bot interstitial is reported once (``auth_required`` or
``challenge``) and ends the crawl; a 200 page where the selectors find no thread is
``parser_broken`` with a copy of the page (its detail says when the page lists sub-forums: a
category or index was configured instead of a section). Nothing here touches the database.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime
from typing import Any, NoReturn, cast
from urllib.parse import urljoin, urlsplit, urlunsplit

import scrapy
from form2request import form2request
from scrapy.exceptions import CloseSpider
from scrapy.http import Response
from twisted.python.failure import Failure

from crawler.core.config import SourceConfig
from crawler.core.credentials import CREDENTIALS_KEY, SourceCredentials
from crawler.core.dates import DateResolver
from crawler.core.errors import ConfigError
from spiders.base import SourceSpider, failure_reason
from spiders.forums.items import ForumThread
from spiders.forums.options import ForumOptions
from spiders.forums.parsers import parse_first_post, parse_thread_list
from spiders.forums.state import ForumState, SectionState
from spiders.interstitials import BlockedPage, blocked_page_of, challenge_of

#: Statuses handed to the callbacks, which tell a login wall from an outage.
HANDLED_STATUSES = list(range(400, 600))
_LOGIN_PATHS = {"mybb": "member.php?action=login", "phpbb": "ucp.php?mode=login"}


def xenforo_login_url(section_url: str) -> str | None:
    """XenForo's login page for a section URL: ``…/login/`` next to ``…/forums/name.12/``, or
    ``index.php?login/`` without friendly URLs; None when the URL has neither shape."""
    parts = urlsplit(section_url)
    if parts.query.startswith("forums/"):
        return urlunsplit((parts.scheme, parts.netloc, parts.path, "login/", ""))
    root, found, _ = parts.path.partition("/forums/")
    if not found:
        return None
    return urlunsplit((parts.scheme, parts.netloc, f"{root}/login/", "", ""))


class ForumSpider(SourceSpider):
    """Crawl the watched sections of one forum source, incrementally."""

    name = "forum"
    family = "forum"

    def __init__(
        self,
        source: SourceConfig | str | None = None,
        state: dict[str, Any] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(source, state, **kwargs)
        self.options = ForumOptions.of(self.source)
        try:
            self.layout = self.options.layout(self.source.engine)
            self.dates = DateResolver(self.source.timezone, date_order=self.options.date_order)
        except ValueError as exc:
            raise ConfigError(f"sources[{self.source.name}].options: {exc}") from None
        self.login_url = self.options.login_url or self._default_login_url()
        hosts = [*self.source.start_urls, *([self.login_url] if self.login_url else [])]
        self.allowed_domains = sorted(
            {urlsplit(url).hostname or "" for url in hosts} | set(self.options.allowed_domains)
        )
        self.pages_requested = 0
        self.stopped = False
        self.cookies: dict[str, str] = {}
        # Scrapy reads a callback's source once per callable object (a weak cache) to warn
        # about generators returning values; a fresh bound method per request would mean a
        # source parse per page, so every request shares these ones.
        self._on_listing = self.parse_listing
        self._on_thread = self.parse_thread
        self._on_listing_failure = self.listing_failed
        self._on_thread_failure = self.thread_failed

    # --- start and login -------------------------------------------------------------------

    async def start(self) -> AsyncIterator[Any]:
        """Log in when credentials are configured, then request every watched section."""
        self.tracker = ForumState(self.state)
        credentials: SourceCredentials = self.settings.get(CREDENTIALS_KEY) or SourceCredentials()
        self.cookies = dict(credentials.cookies)
        self.credentials = credentials
        if credentials.can_log_in:
            if not self.login_url:
                raise ConfigError(
                    f"sources[{self.source.name}].options.login_url is needed to log in "
                    f"to a {self.source.engine} forum"
                )
            request = self._request(self.login_url, self.parse_login_page, priority=100)
            if request is not None:
                yield request
            return
        for request in self._section_requests():
            yield request

    def parse_login_page(self, response: Response) -> Iterator[Any]:
        """Fill and submit the login form with the configured credentials."""
        self._stop_if_blocked(response, challenge_only=True)
        forms = response.xpath("//form[.//input[@type='password']]")
        if not forms:
            self._stop(BlockedPage("auth_required", "no login form found"), response)
        form = forms[0]
        captcha = challenge_of(response.status, {}, form.get())
        if captcha is not None:
            detail = f"login form asks for a {captcha.detail}"
            self._stop(BlockedPage("challenge", detail), response)
        password_field = (
            self.options.password_field or form.xpath(".//input[@type='password']/@name").get()
        )
        username_field = (
            self.options.username_field
            or form.xpath(
                ".//input[@type='text' or @type='email' or not(@type)][@name]/@name"
            ).get()
        )
        if not password_field or not username_field:
            self._stop(BlockedPage("auth_required", "login form without named fields"), response)
        assert self.credentials.username is not None and self.credentials.password is not None
        data = {
            username_field: self.credentials.username.get_secret_value(),
            password_field: self.credentials.password.get_secret_value(),
        }
        request = self._count(
            form2request(form, data).to_scrapy(
                callback=self.after_login,
                errback=self.listing_failed,
                dont_filter=True,
                priority=100,
                meta=self._meta(),
            )
        )
        if request is not None:
            yield request

    def after_login(self, response: Response) -> Iterator[Any]:
        """Check the login worked (no password form any more), then crawl the sections."""
        self._stop_if_blocked(response, challenge_only=True)
        if response.status >= 400 or response.xpath("//form[.//input[@type='password']]"):
            self._stop(BlockedPage("auth_required", "login refused by the forum"), response)
        self.logger.info("source %s: logged in", self.source.name)
        yield from self._section_requests()

    # --- listings ----------------------------------------------------------------------------

    def parse_listing(self, response: Response) -> Iterator[Any]:
        """Yield new or changed threads of a listing page and, while they last, its next page."""
        if self.stopped:
            return
        section_key: str = response.meta["section"]
        page_number: int = response.meta["page"]
        if response.status >= 400:
            self._stop_if_blocked(response)
            detail = f"HTTP {response.status} on a listing page"
            self.report_health("degraded", detail, response.url)
            return
        page = parse_thread_list(response.text, response.url, self.layout, self._dates())
        if not page.threads:
            self._stop_if_blocked(response)
            if page.says_empty:
                self.logger.info("source %s: section %s is empty", self.source.name, response.url)
                return
            detail = (
                page.subforum_notice() or f"no thread found by the {self.source.engine} selectors"
            )
            self.report_health("parser_broken", detail, response.url, page=response.body)
            return
        section = self.tracker.section(section_key)
        fresh = [thread for thread in page.threads if section.is_fresh(thread)]
        moving = any(section.is_fresh(t) for t in page.threads if not t.sticky)
        has_normal = any(not thread.sticky for thread in page.threads)
        for thread in page.threads:
            section.remember(thread)
        self.crawler.stats.inc_value("leakwatch/forum/listing_pages")
        self.crawler.stats.inc_value("leakwatch/forum/threads_fresh", len(fresh))
        for thread in fresh:
            yield from self._emit(thread, section)
        if page.next_url and (moving or not has_normal):
            request = self._listing_request(page.next_url, section_key, page_number + 1)
            if request is not None:
                yield request

    def parse_thread(self, response: Response) -> Iterator[Any]:
        """Yield the thread with its first post's text."""
        thread: ForumThread = response.meta["thread"]
        if self.stopped:
            return
        if response.status < 400:
            try:
                thread.text = parse_first_post(response.text, self.layout)
            except Exception as exc:  # a hostile page must not lose the thread
                # The thread is kept without its text, and forgotten so the next run tries
                # its page again: it was remembered when its listing was read.
                self.logger.warning(
                    "source %s: first post of %s unreadable: %r",
                    self.source.name,
                    response.url,
                    exc,
                )
                self.crawler.stats.inc_value("leakwatch/forum/unreadable_posts")
                section = response.meta.get("section_state")
                if section is not None:
                    section.forget(thread.thread_id)
        else:
            self._stop_if_blocked(response)
        yield thread

    def thread_failed(self, failure: Failure) -> Iterator[Any]:
        """A thread page could not be fetched: keep the thread, without its text."""
        request = getattr(failure, "request", None)
        if request is not None and not self.stopped:
            self.logger.warning(
                "source %s: thread page: %s", self.source.name, failure_reason(failure)
            )
            yield request.meta["thread"]

    def listing_failed(self, failure: Failure) -> None:
        """A listing (or login) page could not be fetched: report why."""
        request = getattr(failure, "request", None)
        url = request.url if request is not None else None
        self.report_health("degraded", f"page not fetched: {failure_reason(failure)}", url)

    # --- helpers -----------------------------------------------------------------------------

    def _emit(self, thread: ForumThread, section: SectionState) -> Iterator[Any]:
        """The thread, or the request for its first post; over the page cap, the thread
        without text, forgotten so that the next run fetches its text."""
        if not self.options.fetch_first_post:
            yield thread
            return
        request = self._request(
            thread.url,
            self._on_thread,
            priority=50,
            meta={"thread": thread, "section_state": section},
            errback=self._on_thread_failure,
        )
        if request is None:
            section.forget(thread.thread_id)
        yield request if request is not None else thread

    def _section_requests(self) -> Iterator[scrapy.Request]:
        for url in self.source.start_urls:
            request = self._listing_request(url, url, 1)
            if request is not None:
                yield request

    def _listing_request(self, url: str, section: str, page: int) -> scrapy.Request | None:
        return self._request(
            url,
            self._on_listing,
            priority=-page,
            meta={"section": section, "page": page},
            errback=self._on_listing_failure,
        )

    def _request(
        self,
        url: str,
        callback: Any,
        priority: int = 0,
        meta: dict[str, Any] | None = None,
        errback: Any = None,
    ) -> scrapy.Request | None:
        return self._count(
            scrapy.Request(
                url,
                callback=callback,
                errback=errback or self._on_listing_failure,
                priority=priority,
                cookies=cast(dict[str | bytes, Any], self.cookies) or None,
                meta={**self._meta(), **(meta or {})},
            )
        )

    def _count(self, request: scrapy.Request) -> scrapy.Request | None:
        """``request`` if the run's page budget allows it, else None (and a log line once)."""
        if self.pages_requested >= self.source.max_pages:
            if self.pages_requested == self.source.max_pages:
                self.logger.info(
                    "source %s: page cap of %d reached", self.source.name, self.source.max_pages
                )
                self.pages_requested += 1
            return None
        self.pages_requested += 1
        return request

    def _meta(self) -> dict[str, Any]:
        return {
            "download_maxsize": self.options.max_page_bytes,
            "handle_httpstatus_list": HANDLED_STATUSES,
        }

    def _dates(self) -> DateResolver:
        """This page's resolver: relative dates count back from now; absolute ones are read
        once per crawl (the cache is shared)."""
        return self.dates.at(datetime.now(UTC))

    def _stop_if_blocked(self, response: Response, challenge_only: bool = False) -> None:
        """Report and stop the crawl when ``response`` is a challenge (or a login wall)."""
        headers = {
            name.decode("latin-1").lower(): (response.headers.get(name) or b"").decode("latin-1")
            for name in response.headers
        }
        text = getattr(response, "text", "")
        blocked = (
            challenge_of(response.status, headers, text)
            if challenge_only
            else blocked_page_of(response.status, headers, text)
        )
        if blocked is not None:
            self._stop(blocked, response)

    def _stop(self, blocked: BlockedPage, response: Response) -> NoReturn:
        """Report ``blocked`` once and close the spider: retrying will not get past it."""
        if not self.stopped:
            self.stopped = True
            self.report_health(blocked.status, blocked.detail, response.url, page=response.body)
        raise CloseSpider(blocked.status)

    def _default_login_url(self) -> str | None:
        first = self.source.start_urls[0]
        if self.source.engine == "xenforo":
            return xenforo_login_url(first)
        path = _LOGIN_PATHS.get(self.source.engine)
        return urljoin(first, path) if path else None
