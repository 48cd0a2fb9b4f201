"""What every CLI command shares: the config path and the loaded settings (loaded once)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import NoReturn

import typer
from rich.console import Console
from rich.markup import escape
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from crawler.core.config import Settings
from crawler.core.errors import ConfigError, InvalidFilter, WatchlistError
from crawler.matching.watchlist import Watchlist, load_watchlist
from db.engine import make_engine, make_session_factory, normalise_url
from db.entity_lookup import EntityLookup
from db.errors import StorageError
from db.migrate import upgrade
from spiders.registry import load_settings

#: Exit code for an invalid configuration or invalid arguments.
EXIT_CONFIG = 2
#: Exit code for a database that cannot be reached or used.
EXIT_DATABASE = 1


@dataclass
class CliState:
    """Global options given before the command, and the settings loaded from them."""

    config: Path | None = None
    _settings: Settings | None = field(default=None, repr=False)
    _lookup: EntityLookup | None = field(default=None, repr=False)

    @property
    def settings(self) -> Settings:
        """The validated settings; a bad config exits with code 2 and one clear message."""
        if self._settings is None:
            try:
                self._settings = load_settings(self.config)
            except ConfigError as exc:
                fail(f"configuration error: {exc}")
        assert self._settings is not None
        return self._settings


def state_of(ctx: typer.Context) -> CliState:
    """The shared state of the running command."""
    root = ctx.find_root()
    if not isinstance(root.obj, CliState):
        root.obj = CliState()
    return root.obj


def fail(message: str, code: int = EXIT_CONFIG) -> NoReturn:
    """Print ``message`` on stderr and exit with ``code`` (2 by default)."""
    # Escaped: messages name keys such as sources[forum-a], which are no markup tags.
    console = Console(stderr=True)
    console.print(
        f"[bold red]error:[/] {escape(message)}", markup=True, highlight=False, soft_wrap=True
    )
    raise typer.Exit(code)


def database_target(url: str) -> str:
    """The database ``url`` as it may be shown: password hidden."""
    return make_url(normalise_url(url)).render_as_string(hide_password=True)


def open_database(ctx: typer.Context, create: bool = False) -> Settings:
    """The settings, once the configured database is there and migrated to the newest schema.

    Only commands that create the database (``crawl``, ``run``, ``db upgrade``) pass
    ``create``: for the others a SQLite file that does not exist is a mistyped path, which
    exits with code 2 and one line instead of creating an empty database. An unreachable
    server is reported by :class:`crawler.cli.errors.LeakwatchGroup` (one line, code 1).
    """
    settings = state_of(ctx).settings
    if not create:
        require_sqlite_file(settings.database_url)
    upgrade(settings.database_url)
    return settings


def require_sqlite_file(url: str) -> None:
    """Exit with code 2 when ``url`` is a SQLite file that does not exist."""
    parsed = make_url(normalise_url(url))
    database = parsed.database
    if parsed.get_backend_name() != "sqlite" or not database or database == ":memory:":
        return
    if database.startswith("file:"):
        return
    path = Path(database).expanduser()
    if not path.is_file():
        fail(
            f"database file {path} does not exist: check database_url "
            "(leakwatch db upgrade, crawl and run create it)"
        )


def entity_lookup(ctx: typer.Context) -> EntityLookup:
    """The command's entity lookup over the stored entities and the configured watchlist (read
    and indexed on first use); a broken watchlist file exits with code 2."""
    state = state_of(ctx)
    if state._lookup is None:
        settings = state.settings

        def watchlist() -> Watchlist:
            try:
                return load_watchlist(settings)
            except WatchlistError as exc:
                fail(f"watchlist: {exc}")

        state._lookup = EntityLookup(watchlist)
    return state._lookup


@contextmanager
def database_session(ctx: typer.Context, write: bool = False) -> Iterator[Session]:
    """One unit of work on the configured database, which must exist; migrated first.

    Read-only sessions (``write=False``) do not take SQLite's write lock. A filter or storage
    error inside the block exits with code 2 and its message.
    """
    settings = open_database(ctx)
    engine = make_engine(settings.database_url, lock_on_begin=write)
    try:
        with make_session_factory(engine).begin() as session:
            yield session
    except (InvalidFilter, StorageError) as exc:
        fail(str(exc))
    finally:
        engine.dispose()
