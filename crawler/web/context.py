"""What every request handler shares: configuration, database sessions, cookie signer, templates.

Built once by :func:`crawler.web.app.create_app` and stored on ``app.state``; nothing here is a
module-level global.
"""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import Request
from itsdangerous import URLSafeTimedSerializer
from jinja2 import Environment
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from crawler.core.config import Settings, WebConfig
from crawler.web.throttle import LoginThrottle
from db.entity_lookup import EntityLookup


@dataclass
class WebContext:
    """Shared state of the web application.

    ``readers`` never take SQLite's write lock (pages, exports, API); ``writers`` do (login,
    triage). On PostgreSQL both use the same kind of connection. ``settings`` are the whole
    configuration: resolving a possible hit queues the new hit's alerts by its routes.
    ``entities`` is the entity lookup, whose watchlist index is built on the first lookup and
    shared by every request after it. ``throttle`` counts failed logins and locks out.
    """

    settings: Settings
    config: WebConfig
    readers: sessionmaker[Session]
    writers: sessionmaker[Session]
    signer: URLSafeTimedSerializer
    templates: Environment
    engines: tuple[Engine, ...]
    entities: EntityLookup
    throttle: LoginThrottle

    def close(self) -> None:
        """Release the database engines."""
        for engine in self.engines:
            engine.dispose()


def web_context(request: Request) -> WebContext:
    """The application's shared state."""
    context: WebContext = request.app.state.leakwatch
    return context
