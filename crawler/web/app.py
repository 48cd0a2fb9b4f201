"""The web application: FastAPI with server-rendered pages, the JSON API and the health probe.

:func:`create_app` builds it from the settings; ``leakwatch web`` serves it with uvicorn. Every
route needs a login (session cookie) or an API token, except ``/healthz`` and the stylesheet.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.exception_handlers import request_validation_exception_handler
from fastapi.exceptions import RequestValidationError
from fastapi.staticfiles import StaticFiles
from starlette.responses import JSONResponse, RedirectResponse, Response

from crawler.core.config import Settings
from crawler.core.errors import ConfigError, InvalidFilter
from crawler.core.version import __version__
from crawler.matching.watchlist import load_watchlist
from crawler.web import (
    actors,
    api,
    evidence_page,
    feeds,
    login,
    map_page,
    pages,
    preferences,
    review,
    source_page,
)
from crawler.web.auth import session_user, signer
from crawler.web.context import WebContext, web_context
from crawler.web.errors import BadRequest, Forbidden, LoginRequired
from crawler.web.rendering import link, render, template_environment
from crawler.web.throttle import LoginThrottle
from db.engine import make_engine, make_session_factory
from db.entity_lookup import EntityLookup
from db.errors import AlreadyTriaged, InvalidCursor, NotFound, StorageError

STATIC = Path(__file__).with_name("static")
MIN_SECRET_LENGTH = 16
#: No script may run on a page, styles only from this site, forms only post back here.
SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; "
        "frame-ancestors 'none'; base-uri 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
}


def create_app(settings: Settings) -> FastAPI:
    """The application for ``settings``; raises ConfigError when ``web.secret_key`` is unset
    or shorter than 16 characters."""
    secret = settings.web.secret_key.get_secret_value() if settings.web.secret_key else ""
    if len(secret) < MIN_SECRET_LENGTH:
        raise ConfigError(
            f"web.secret_key: required to run the web UI, at least {MIN_SECRET_LENGTH} "
            "characters (e.g. LEAKWATCH_WEB__SECRET_KEY)"
        )
    writer = make_engine(settings.database_url)
    reader = make_engine(settings.database_url, lock_on_begin=False)
    context = WebContext(
        settings=settings,
        config=settings.web,
        readers=make_session_factory(reader),
        writers=make_session_factory(writer),
        signer=signer(secret),
        templates=template_environment(settings.display_zone),
        engines=(reader, writer),
        entities=EntityLookup(lambda: load_watchlist(settings)),
        throttle=LoginThrottle.from_config(settings.web),
    )

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        yield
        context.close()

    app = FastAPI(
        title="leakwatch",
        version=__version__,
        description=(
            "Posts naming French health establishments on forums, paste sites, Telegram and "
            "leak sites: hits, entities, incidents and source health. Authenticate with "
            "`Authorization: Bearer <token>` (`leakwatch users token USERNAME`)."
        ),
        docs_url=None,
        redoc_url=None,
        openapi_url=None,
        lifespan=lifespan,
    )
    app.state.leakwatch = context
    app.include_router(login.router)
    app.include_router(pages.router)
    app.include_router(review.router)
    app.include_router(actors.router)
    app.include_router(preferences.router)
    app.include_router(source_page.router)
    app.include_router(map_page.router)
    app.include_router(feeds.router)
    app.include_router(evidence_page.router)
    app.include_router(api.router)
    app.add_api_route("/api/openapi.json", api.openapi_route, include_in_schema=False)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    _add_error_handlers(app)
    app.middleware("http")(_security_headers)
    return app


async def _security_headers(
    request: Request, call_next: Callable[[Request], Awaitable[Response]]
) -> Response:
    response = await call_next(request)
    for name, value in SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)
    return response


def _add_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(LoginRequired)
    def login_required(request: Request, exc: LoginRequired) -> Response:
        # A script (API call, or a download with a token) gets a 401, not the login form.
        if _is_api(request) or "authorization" in request.headers:
            return JSONResponse(
                {"detail": "authentication required: Authorization: Bearer <token>"},
                status_code=401,
                headers={"WWW-Authenticate": "Bearer"},
            )
        target = str(exc) + (f"?{request.url.query}" if request.url.query else "")
        return RedirectResponse(link("/login", next=target), status_code=303)

    @app.exception_handler(Forbidden)
    def forbidden(request: Request, exc: Forbidden) -> Response:
        return _error(request, 403, str(exc))

    @app.exception_handler(NotFound)
    def not_found(request: Request, exc: NotFound) -> Response:
        return _error(request, 404, str(exc))

    @app.exception_handler(AlreadyTriaged)
    def conflict(request: Request, exc: AlreadyTriaged) -> Response:
        return _error(request, 409, str(exc))

    @app.exception_handler(BadRequest)
    @app.exception_handler(InvalidFilter)
    @app.exception_handler(InvalidCursor)
    @app.exception_handler(StorageError)
    def bad_request(request: Request, exc: Exception) -> Response:
        return _error(request, 400, str(exc))

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> Response:
        if _is_api(request):
            return await request_validation_exception_handler(request, exc)
        problems = "; ".join(
            f"{'.'.join(str(part) for part in error['loc'])}: {error['msg']}"
            for error in exc.errors()
        )
        return _error(request, 400, f"invalid request: {problems}")


def _error(request: Request, status: int, message: str) -> Response:
    if _is_api(request):
        return JSONResponse({"detail": message}, status_code=status)
    user = session_user(request, web_context(request))
    return render(request, "error.html", {"status": status, "message": message}, user, status)


def _is_api(request: Request) -> bool:
    return request.url.path.startswith("/api/")
