"""Server-side HTML: the Jinja2 environment (autoescaping on), its filters, and page responses.

Crawled text is hostile. Every value is escaped by Jinja2's autoescape, nothing is marked
``|safe``, and only ``http``/``https`` URLs ever become links (:func:`safe_url`); pages carry a
Content-Security-Policy without any script source, so even a missed escape could not run code.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, tzinfo
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit

from fastapi import Request
from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.responses import HTMLResponse

from crawler.core.display_time import shown_time
from crawler.core.version import __version__
from crawler.web.auth import AuthUser, read_session, write_session
from crawler.web.context import web_context
from crawler.web.i18n import (
    LANGUAGE_NAMES,
    Language,
    choose_language,
    context_translate,
    localised_when,
)
from db.user_settings import user_language

TEMPLATES = Path(__file__).with_name("templates")


def template_environment(zone: tzinfo = UTC) -> Environment:
    """The Jinja2 environment of the UI: autoescape on for every template and string; times
    shown in ``zone`` with its label."""
    environment = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(default=True, default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    environment.filters["when"] = localised_when(lambda value: shown_time(value, zone))
    environment.filters["safe_url"] = safe_url
    environment.filters["score"] = lambda value: f"{value:.2f}" if value is not None else ""
    environment.globals["version"] = __version__
    environment.globals["link"] = link
    environment.globals["_"] = context_translate
    environment.globals["languages"] = LANGUAGE_NAMES
    return environment


def render(
    request: Request,
    template: str,
    context: Mapping[str, Any],
    user: AuthUser | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    """Render ``template`` with the user, CSRF token and page language
    (:func:`page_language`); refresh the session cookie if new."""
    session = read_session(request)
    page = web_context(request).templates.get_template(template)
    here = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    html = page.render(
        {
            **context,
            "user": user,
            "csrf_token": session.csrf,
            "path": request.url.path,
            "here": here,
            "lang": page_language(request, user),
        }
    )
    response = HTMLResponse(html, status_code=status_code)
    if session.fresh:
        write_session(request, response, session)
    return response


def page_language(request: Request, user: AuthUser | None) -> Language:
    """The language of the page for this request: the user's setting, else the browser's
    (worked out once per request)."""
    cached = getattr(request.state, "language", None)
    if cached is not None:
        return cached  # type: ignore[no-any-return]
    chosen = None
    if user is not None:
        with web_context(request).readers.begin() as session:
            chosen = user_language(session, user.id)
    language = choose_language(chosen, request.headers.get("accept-language"))
    request.state.language = language
    return language


def safe_url(value: str | None) -> str | None:
    """``value`` when it is an http(s) URL with a host, else None (never a link then)."""
    if not value:
        return None
    try:
        parts = urlsplit(value.strip())
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return None
    return value.strip()


def link(path: str, params: Mapping[str, Any] | None = None, **changes: Any) -> str:
    """``path`` with the query ``params`` updated by ``changes`` (None or "" removes a key)."""
    merged = {**(params or {}), **changes}
    query = {key: value for key, value in merged.items() if value not in (None, "", False)}
    return f"{path}?{urlencode(query)}" if query else path
