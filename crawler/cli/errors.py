"""How the command line reports a database it cannot use: one line and exit code 1, never a
traceback (the error's first line says why: refused connection, unknown host, locked file…)."""

from __future__ import annotations

from typing import Any

import typer
from sqlalchemy.exc import DBAPIError

from crawler.cli.state import EXIT_DATABASE, database_target, fail, state_of


class LeakwatchGroup(typer.core.TyperGroup):
    """The root command group: a database error in any command becomes one line on stderr."""

    def invoke(self, ctx: Any) -> Any:
        """Run the command; a database error exits with EXIT_DATABASE and one line.

        ``ctx`` is the root command's context (typed as Any: Typer vendors its own click).
        """
        try:
            return super().invoke(ctx)
        except DBAPIError as exc:
            origin = exc.orig if exc.orig is not None else exc
            reason = (str(origin).strip().splitlines() or [type(origin).__name__])[0]
            target = database_target(state_of(ctx).settings.database_url)
            fail(f"database {target}: {reason}", EXIT_DATABASE)
