"""``leakwatch web``: serve the web UI and JSON API with uvicorn."""

from __future__ import annotations

import typer
import uvicorn

from crawler.cli.state import fail, open_database, state_of
from crawler.core.errors import ConfigError
from crawler.web.app import create_app


def web(
    ctx: typer.Context,
    host: str | None = typer.Option(None, help="Bind address (default: web.host)."),
    port: int | None = typer.Option(None, help="Port (default: web.port)."),
) -> None:
    """Serve the web UI and API (needs web.secret_key; accounts: leakwatch users add)."""
    settings = state_of(ctx).settings
    try:
        app = create_app(settings)
    except ConfigError as exc:
        fail(f"configuration error: {exc}")
        return
    open_database(ctx)
    uvicorn.run(
        app,
        host=host or settings.web.host,
        port=port or settings.web.port,
        log_level=settings.log_level.lower(),
        proxy_headers=False,
    )
