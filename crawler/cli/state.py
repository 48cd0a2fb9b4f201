"""What every CLI command shares: the config path and the loaded settings (loaded once)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import typer
from rich.console import Console
from sqlalchemy.orm import Session

from crawler.core.config import Settings, load_config
from crawler.core.errors import ConfigError, InvalidFilter
from db.engine import make_engine, make_session_factory
from db.errors import StorageError
from db.migrate import upgrade

#: Exit code for an invalid configuration or invalid arguments.
EXIT_CONFIG = 2


@dataclass
class CliState:
    """Global options given before the command, and the settings loaded from them."""

    config: Path | None = None
    _settings: Settings | None = field(default=None, repr=False)

    @property
    def settings(self) -> Settings:
        """The validated settings; a bad config exits with code 2 and one clear message."""
        if self._settings is None:
            try:
                self._settings = load_config(self.config)
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


def fail(message: str, code: int = EXIT_CONFIG) -> None:
    """Print ``message`` on stderr and exit with ``code`` (2 by default)."""
    Console(stderr=True).print(f"[bold red]error:[/] {message}", markup=True, highlight=False)
    raise typer.Exit(code)


@contextmanager
def database_session(ctx: typer.Context, write: bool = False) -> Iterator[Session]:
    """One unit of work on the configured database, migrated first.

    Read-only sessions (``write=False``) do not take SQLite's write lock. A filter or storage
    error inside the block exits with code 2 and its message.
    """
    settings = state_of(ctx).settings
    upgrade(settings.database_url)
    engine = make_engine(settings.database_url, lock_on_begin=write)
    try:
        with make_session_factory(engine).begin() as session:
            yield session
    except (InvalidFilter, StorageError) as exc:
        fail(str(exc))
    finally:
        engine.dispose()
