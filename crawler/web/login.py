"""Log in, log out, and the one route that needs no login: the health probe ``/healthz``.

A login reserves an attempt with the throttle (a locked-out username or address is refused at
once, with no argon2 work), reads the password hash in a read-only session, verifies it with no
session open, and only then writes the new session row: the argon2 work never holds SQLite's
write lock, so a flood of logins cannot stall a crawl's writes. Failed and refused logins are
logged with the username (escaped, cut to 64 characters) and the client address, never the
password.
"""

from __future__ import annotations

import logging
import math
import secrets
from typing import Annotated

from fastapi import APIRouter, Form, Request
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError
from starlette.responses import JSONResponse, RedirectResponse, Response

from crawler.web.auth import (
    SessionData,
    check_csrf,
    login_session,
    read_session,
    session_user,
    write_session,
)
from crawler.web.context import WebContext, web_context
from crawler.web.forwarded import client_address
from crawler.web.rendering import render
from db.accounts import hash_password, login_candidate, needs_rehash, verify_password
from db.web_sessions import end_session, start_session

logger = logging.getLogger(__name__)
router = APIRouter(include_in_schema=False)
#: Longest username shown in a log line.
LOGGED_NAME_LENGTH = 64


@router.get("/healthz")
def healthz(request: Request) -> Response:
    """200 ``{"status": "ok"}`` when the database answers, 503 otherwise. No login needed."""
    try:
        with web_context(request).readers.begin() as session:
            session.execute(text("SELECT 1"))
    except SQLAlchemyError:
        return JSONResponse({"status": "database unavailable"}, status_code=503)
    return JSONResponse({"status": "ok"})


@router.get("/login")
def login_form(request: Request) -> Response:
    """The login form (straight to the hit list when already logged in)."""
    if session_user(request, web_context(request)) is not None:
        return RedirectResponse(local_path(request.query_params.get("next")), status_code=303)
    return render(request, "login.html", {"next": request.query_params.get("next") or ""})


@router.post("/login")
def login(
    request: Request,
    username: Annotated[str, Form()] = "",
    password: Annotated[str, Form()] = "",
    csrf_token: Annotated[str, Form()] = "",
    next: Annotated[str, Form()] = "",
) -> Response:
    """Check the password; on success start a new session and go where the user was going.

    401 for a wrong password or an unknown or disabled user; 429 (with ``Retry-After``) while
    the username or the client's address is locked out.
    """
    check_csrf(request, csrf_token)
    context = web_context(request)
    name = username.strip()
    address = client_address(request, context.config.trusted_proxies)
    wait = context.throttle.reserve(name, address)
    if wait:
        logger.warning(
            "login refused for user %s from %s: locked out for %d s more",
            loggable(name),
            address,
            wait,
        )
        minutes = math.ceil(wait / 60)
        page = {"next": next, "error": "locked", "minutes": minutes, "username": username}
        refused = render(request, "login.html", page, status_code=429)
        refused.headers["Retry-After"] = str(wait)
        return refused
    secret = check_password(context, name, password)
    if secret is None:
        locked = context.throttle.failed(name, address)
        logger.warning(
            "failed login for user %s from %s%s",
            loggable(name),
            address,
            ": locked out" if locked else "",
        )
        page = {"next": next, "error": "failed", "username": username}
        return render(request, "login.html", page, status_code=401)
    context.throttle.succeeded(name, address)
    response = RedirectResponse(local_path(next), status_code=303)
    write_session(request, response, login_session(secret))
    return response


def check_password(context: WebContext, username: str, password: str) -> str | None:
    """The secret of a new session when ``password`` is the enabled ``username``'s, else None.

    Three steps, so that the argon2 work (and a re-hash) happens with no database session open:
    read the hash, verify it, then write the session in a short transaction that checks the
    hash is still the one verified.
    """
    with context.readers.begin() as db:
        candidate = login_candidate(db, username)
    with context.throttle.checks:
        if not verify_password(candidate.password_hash, password):
            return None
        if candidate.user_id is None or candidate.disabled:
            return None
        rehashed = None
        if needs_rehash(candidate.password_hash):
            rehashed = hash_password(password)
    with context.writers.begin() as db:
        return start_session(
            db, candidate.user_id, candidate.password_hash, context.config.session_max_age, rehashed
        )


@router.post("/logout")
def logout(request: Request, csrf_token: Annotated[str, Form()] = "") -> Response:
    """End the session server-side (its cookie, even copied, no longer logs in) and start a new
    anonymous one."""
    check_csrf(request, csrf_token)
    secret = read_session(request).secret
    if secret is not None:
        with web_context(request).writers.begin() as db:
            end_session(db, secret)
    response = RedirectResponse("/login", status_code=303)
    write_session(request, response, SessionData(csrf=secrets.token_urlsafe(32)))
    return response


def loggable(username: str) -> str:
    """``username`` as a log line may show it: quoted, control characters escaped (no forged
    log lines), cut to LOGGED_NAME_LENGTH characters."""
    shown = repr(username[:LOGGED_NAME_LENGTH])
    return shown + "…" if len(username) > LOGGED_NAME_LENGTH else shown


def local_path(target: str | None) -> str:
    """``target`` when it is a path on this site, else ``/hits`` (no open redirect)."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/hits"
    return target
