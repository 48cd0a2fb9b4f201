"""Log in, log out, and the one route that needs no login: the health probe ``/healthz``."""

from __future__ import annotations

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
    session_user,
    write_session,
)
from crawler.web.context import web_context
from crawler.web.rendering import render
from db.accounts import authenticate

router = APIRouter(include_in_schema=False)


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
    """Check the password; on success start a new session and go where the user was going."""
    check_csrf(request, csrf_token)
    with web_context(request).writers.begin() as session:
        user = authenticate(session, username.strip(), password)
        new_session = login_session(user) if user is not None else None
    if new_session is None:
        context = {"next": next, "error": "Unknown user or wrong password.", "username": username}
        return render(request, "login.html", context, status_code=401)
    response = RedirectResponse(local_path(next), status_code=303)
    write_session(request, response, new_session)
    return response


@router.post("/logout")
def logout(request: Request, csrf_token: Annotated[str, Form()] = "") -> Response:
    """End the session (a new anonymous one replaces it)."""
    check_csrf(request, csrf_token)
    response = RedirectResponse("/login", status_code=303)
    write_session(request, response, SessionData(csrf=secrets.token_urlsafe(32)))
    return response


def local_path(target: str | None) -> str:
    """``target`` when it is a path on this site, else ``/hits`` (no open redirect)."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/hits"
    return target
