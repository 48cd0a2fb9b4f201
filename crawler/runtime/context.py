"""Per-crawl context shared by the storage pipeline and the run recorder.

One crawl of one source owns one engine, one session factory, the source's row id and the
``CrawlRun`` id, and the matcher handed over by whoever started the crawl, if any. The context
is built once per Scrapy crawler, on first use, and disposed of by the run recorder when the
spider closes.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from crawler.core.config import Settings, SourceConfig
from crawler.matching.matcher import Matcher
from db.engine import make_engine, make_session_factory
from db.models import Source
from db.repository import start_run, sync_sources
from spiders.registry import load_settings

APP_SETTINGS_KEY = "LEAKWATCH_APP_SETTINGS"
RUN_ID_KEY = "LEAKWATCH_RUN_ID"
_ATTRIBUTE = "_leakwatch_context"
_MATCHER_ATTRIBUTE = "_leakwatch_matcher"


@dataclass
class CrawlContext:
    """Everything a crawl's components share: settings, database access and run identity."""

    settings: Settings
    source: SourceConfig
    engine: Engine
    sessions: sessionmaker[Session]
    source_id: int
    run_id: int
    state_before: dict[str, Any]
    matcher: Matcher | None = None

    @classmethod
    def of(cls, crawler: Any) -> CrawlContext:
        """The crawler's context, created on first call (syncs the source, opens the run)."""
        context: CrawlContext | None = getattr(crawler, _ATTRIBUTE, None)
        if context is None:
            context = cls._build(crawler)
            setattr(crawler, _ATTRIBUTE, context)
        return context

    @classmethod
    def _build(cls, crawler: Any) -> CrawlContext:
        settings = crawler.settings.get(APP_SETTINGS_KEY) or load_settings()
        source: SourceConfig = crawler.spider.source
        engine = make_engine(settings.database_url)
        sessions = make_session_factory(engine)
        with sessions.begin() as session:
            source_id = sync_sources(session, [source])[source.name]
            row = session.get(Source, source_id)
            state = dict(row.state) if row is not None else {}
            run_id = crawler.settings.getint(RUN_ID_KEY) or start_run(session, source_id).id
        matcher = getattr(crawler, _MATCHER_ATTRIBUTE, None)
        return cls(settings, source, engine, sessions, source_id, run_id, state, matcher)

    def close(self) -> None:
        """Release the database engine."""
        self.engine.dispose()


def hand_over_matcher(crawler: Any, matcher: Matcher) -> None:
    """Give the crawler's context ``matcher``, loaded before the crawl, instead of loading one.

    Not a Scrapy setting: Scrapy deep-copies its settings, hundreds of megabytes here.
    """
    setattr(crawler, _MATCHER_ATTRIBUTE, matcher)
