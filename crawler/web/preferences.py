"""A user's own settings in the web UI: the language of the pages (French or English)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from starlette.responses import RedirectResponse, Response

from crawler.web.auth import PageUser, check_csrf
from crawler.web.context import web_context
from crawler.web.errors import BadRequest
from crawler.web.i18n import LANGUAGES, as_language
from crawler.web.login import local_path
from db.user_settings import set_user_language

router = APIRouter(include_in_schema=False)


@router.post("/preferences/language")
def choose_language(
    request: Request,
    user: PageUser,
    csrf_token: Annotated[str, Form()] = "",
    language: Annotated[str, Form()] = "",
    next: Annotated[str, Form()] = "",
) -> Response:
    """Store the user's language (empty: follow the browser again), then go back to ``next``
    (a local path only). Raises BadRequest for a language the UI does not have."""
    check_csrf(request, csrf_token)
    chosen = as_language(language)
    if language and chosen is None:
        raise BadRequest(f"language: expected one of {', '.join(LANGUAGES)}")
    with web_context(request).writers.begin() as session:
        set_user_language(session, user.id, chosen)
    return RedirectResponse(local_path(next), status_code=303)
