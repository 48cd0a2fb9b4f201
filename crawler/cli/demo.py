"""``leakwatch demo``: the daemon on bundled loopback demo sources, end to end."""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path
from typing import Annotated

import typer


def demo(
    directory: Annotated[
        Path | None,
        typer.Option("--dir", help="Where to keep the demo database and logs (default: temp)."),
    ] = None,
) -> None:
    """Run leakwatch on bundled loopback sources and show a sale post's alert arriving.

    Starts a MyBB forum, a paste archive, a Telegram preview and a leak site on 127.0.0.1,
    a webhook sink, and the daemon; publishes a new sale post and prints the alert with its
    latency, then `leakwatch status` and the stored hits. Exits 0 when the alert arrived.
    """
    from crawler.demo.run import run_demo

    if directory is None:
        directory = Path(tempfile.mkdtemp(prefix="leakwatch-demo-"))
    directory.mkdir(parents=True, exist_ok=True)
    raise typer.Exit(run_demo(directory.resolve(), sys.stdout))
