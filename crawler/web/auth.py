"""Who is asking: server-side sessions for people, bearer tokens for scripts, CSRF on forms.

The session cookie is signed with ``web.secret_key`` (itsdangerous, timestamped, expiring after
``web.session_max_age``), HttpOnly, SameSite=Lax, and ``Secure`` when the client came over HTTPS
(directly, or as said by a trusted proxy: :mod:`crawler.web.forwarded`). It carries the CSRF
token that every form posts back (a cross-site page can make the browser send the cookie but
cannot read the token) and, once logged in, the secret of a server-side session
(:mod:`db.web_sessions`): logging out, disabling the user or changing their password deletes
that session, so a copied cookie stops working then, not when it expires.
"""

from __future__ import annotations

import hmac
import secrets
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from itsdangerous import BadSignature, URLSafeTimedSerializer
from starlette.responses import Response

from crawler.web.context import WebContext, web_context
from crawler.web.errors import Forbidden, LoginRequired
from crawler.web.forwarded import request_scheme
from db.accounts import user_for_token
from db.web_sessions import user_for_session

COOKIE_NAME = "leakwatch_session"
#: ``?format=`` values of the pages' downloads (crawler.web.downloads.FORMATS).
DOWNLOAD_FORMATS = ("csv", "json", "jsonl")
SALT = "leakwatch.session"
bearer_scheme = HTTPBearer(auto_error=False, description="API token from `leakwatch users token`")


@dataclass(frozen=True)
class AuthUser:
    """The authenticated user of a request."""

    id: int
    username: str
    role: str

    @property
    def can_triage(self) -> bool:
        """Analysts triage; journalists only read."""
        return self.role == "analyst"


@dataclass
class SessionData:
    """The content of the session cookie (``secret`` is None before login)."""

    csrf: str
    secret: str | None = None
    fresh: bool = False


def signer(secret: str) -> URLSafeTimedSerializer:
    """The serializer that signs and checks session cookies."""
    return URLSafeTimedSerializer(secret, salt=SALT)


def read_session(request: Request) -> SessionData:
    """The request's session, or a new anonymous one (``fresh``) when the cookie is missing,
    expired or forged. Cached on the request."""
    cached = getattr(request.state, "session", None)
    if isinstance(cached, SessionData):
        return cached
    context = web_context(request)
    session = SessionData(csrf=secrets.token_urlsafe(32), fresh=True)
    raw = request.cookies.get(COOKIE_NAME)
    if raw:
        try:
            data: dict[str, Any] = context.signer.loads(raw, max_age=context.config.session_max_age)
            secret = data.get("sid")
            session = SessionData(
                csrf=str(data["csrf"]), secret=secret if isinstance(secret, str) else None
            )
        except (BadSignature, KeyError, TypeError, AttributeError):
            pass
    request.state.session = session
    return session


def write_session(request: Request, response: Response, session: SessionData) -> None:
    """Set the signed session cookie on ``response``."""
    context = web_context(request)
    payload = {"csrf": session.csrf, "sid": session.secret}
    response.set_cookie(
        COOKIE_NAME,
        context.signer.dumps(payload),
        max_age=context.config.session_max_age,
        httponly=True,
        samesite="lax",
        secure=request_scheme(request, context.config.trusted_proxies) == "https",
        path="/",
    )


def login_session(secret: str) -> SessionData:
    """The cookie content of the new session ``secret``, with a new CSRF token (the anonymous
    one is dropped)."""
    return SessionData(csrf=secrets.token_urlsafe(32), secret=secret, fresh=True)


def check_csrf(request: Request, token: str | None) -> None:
    """Raise Forbidden unless ``token`` is the session's CSRF token."""
    expected = read_session(request).csrf
    if not token or not hmac.compare_digest(token.encode(), expected.encode()):
        raise Forbidden("the form expired or did not come from this site: reload and retry")


def session_user(request: Request, context: WebContext) -> AuthUser | None:
    """The user of the request's live server-side session, if any (an ended session, an
    expired one or a disabled user: None)."""
    session = read_session(request)
    if session.secret is None:
        return None
    with context.readers.begin() as db:
        user = user_for_session(db, session.secret)
        if user is None:
            return None
        return AuthUser(user.id, user.username, user.role)


def page_user(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer_scheme)],
) -> AuthUser:
    """Dependency of every page: the session's user; raises LoginRequired otherwise.

    A download (a list's ``?format=csv|json|jsonl``, an incident's MISP or STIX file) also
    accepts an API token, so scripts fetch the same exports as people; an HTML page never does.
    """
    context = web_context(request)
    if credentials is not None and is_download(request):
        return token_user(context, credentials.credentials, request.url.path)
    user = session_user(request, context)
    if user is None:
        raise LoginRequired(request.url.path)
    return user


def is_download(request: Request) -> bool:
    """Whether a page request asks for a file rather than HTML (only reads are downloads)."""
    if request.method != "GET":
        return False
    return request.query_params.get("format") in DOWNLOAD_FORMATS or request.url.path.endswith(
        ".json"
    )


def token_user(context: WebContext, token: str, path: str) -> AuthUser:
    """The enabled user of API ``token``; raises LoginRequired for an unknown or revoked one."""
    with context.readers.begin() as db:
        user = user_for_token(db, token)
        if user is None:
            raise LoginRequired(path)
        return AuthUser(user.id, user.username, user.role)


def api_user(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer_scheme)],
) -> AuthUser:
    """Dependency of every API route: the bearer token's user, else the session's.

    Raises LoginRequired (401) when neither identifies an enabled user.
    """
    context = web_context(request)
    if credentials is not None:
        return token_user(context, credentials.credentials, request.url.path)
    found = session_user(request, context)
    if found is None:
        raise LoginRequired(request.url.path)
    return found


def analyst(user: Annotated[AuthUser, Depends(page_user)]) -> AuthUser:
    """Dependency of triage routes: the user must be an analyst (Forbidden otherwise)."""
    if not user.can_triage:
        raise Forbidden("journalist accounts are read-only: triage needs an analyst account")
    return user


def api_analyst(
    request: Request,
    user: Annotated[AuthUser, Depends(api_user)],
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer_scheme)],
) -> AuthUser:
    """Dependency of the API's triage calls: an analyst, by token, or by session cookie with the
    session's CSRF token in the ``X-CSRF-Token`` header (a cross-site page cannot read it).

    Raises Forbidden for a journalist or a session call without the header.
    """
    if credentials is None:
        check_csrf(request, request.headers.get("x-csrf-token"))
    if not user.can_triage:
        raise Forbidden("journalist accounts are read-only: triage needs an analyst account")
    return user


PageUser = Annotated[AuthUser, Depends(page_user)]
ApiUser = Annotated[AuthUser, Depends(api_user)]
Analyst = Annotated[AuthUser, Depends(analyst)]
ApiAnalyst = Annotated[AuthUser, Depends(api_analyst)]
