"""The base every family spider builds on.

A source is data (:class:`crawler.core.config.SourceConfig`), not a class: one spider class per
family (``forum``, ``telegram``, ``paste``, ``leaksite``, ``feed``) is instantiated per source.

Contract with the crawl runner (``crawler.runtime.crawl``):

* ``source`` is the validated :class:`SourceConfig` (or its name, resolved through the config
  file when started by ``scrapy crawl <family> -a source=<name>``). Each family spider reads
  its typed options (``spiders/<family>/options.py``) from it.
* ``state`` is the source's saved incremental state (a JSON object, e.g. the newest thread id or
  the last Telegram message id). The spider reads it and writes the new state into
  ``self.state``; the runner persists it when the crawl ends.
* Problems are reported with :meth:`SourceSpider.report_health`, never by raising: the runner
  turns the worst report of the run into the source's health and a ``CrawlRun`` record.
* What a run left undone without a problem of the source (pages skipped for a cap, pages given
  up) is said with :meth:`SourceSpider.note`: the runner adds it to the run's detail, which
  ``leakwatch crawl`` prints, and a note about a cap makes the run ``partial``.

Spiders never touch the database, httpx or alerts.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any, ClassVar, Literal

import scrapy

from crawler.core.config import SourceConfig, load_config

HealthStatus = Literal[
    "ok", "degraded", "down", "parser_broken", "auth_required", "challenge", "no_preview"
]
#: Worse statuses sort later; the runner keeps the worst one reported during a run.
HEALTH_ORDER: tuple[HealthStatus, ...] = (
    "ok",
    "degraded",
    "no_preview",
    "parser_broken",
    "challenge",
    "auth_required",
    "down",
)
PAGE_SNAPSHOT_LIMIT = 512 * 1024


@dataclass
class HealthReport:
    """A problem seen during a crawl: status, a one-line detail, the URL and a page copy."""

    status: HealthStatus
    detail: str
    url: str | None = None
    page: bytes | None = None


class SourceSpider(scrapy.Spider):
    """Base class of family spiders: holds the source config, its state and health reports."""

    family: ClassVar[str] = ""

    def __init__(
        self,
        source: SourceConfig | str | None = None,
        state: dict[str, Any] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        if source is None:
            raise ValueError(f"spider {self.name!r} needs -a source=<source name>")
        if isinstance(source, str):
            # Family packages stay independent of the registry (which imports them all): the
            # family spider checks the source's options with its own model right after this.
            source = load_config().source(source)
        self.source: SourceConfig = source
        self.state: dict[str, Any] = dict(state or {})
        self.health_reports: list[HealthReport] = []
        #: One line per thing this run left undone (see :meth:`note`).
        self.notes: list[str] = []
        #: Whether a note says a cap stopped some of the work.
        self.capped = False

    def note(self, message: str, capped: bool = False) -> None:
        """Say what this run left undone (logged as a warning, added to the run's detail);
        ``capped`` when a cap is why, which makes an otherwise ok run ``partial``."""
        self.notes.append(message)
        self.capped = self.capped or capped
        self.logger.warning("source %s: %s", self.source.name, message)

    def report_health(
        self,
        status: HealthStatus,
        detail: str,
        url: str | None = None,
        page: bytes | None = None,
    ) -> None:
        """Record a problem for this run; the page copy is truncated to PAGE_SNAPSHOT_LIMIT."""
        snapshot = page[:PAGE_SNAPSHOT_LIMIT] if page is not None else None
        self.health_reports.append(HealthReport(status, detail, url, snapshot))
        if self.crawler is not None and self.crawler.stats is not None:
            self.crawler.stats.inc_value(f"leakwatch/health/{status}")
        self.logger.log(
            logging.WARNING if status != "ok" else logging.INFO,
            "source %s: %s: %s%s",
            self.source.name,
            status,
            detail,
            f" ({url})" if url else "",
        )

    def worst_health(self) -> HealthReport | None:
        """The most serious report of this run, or None when nothing was reported."""
        if not self.health_reports:
            return None
        return max(self.health_reports, key=lambda report: HEALTH_ORDER.index(report.status))


def failure_reason(failure: Any) -> str:
    """Why a request failed, never empty: the error's message, or its type when it has none
    (Scrapy cancels an oversize download with a bare ``CancelledError``)."""
    error = getattr(failure, "value", failure)
    message = str(error).strip()
    return message if message else type(error).__name__
