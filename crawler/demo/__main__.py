"""``python -m crawler.demo`` (what ``make demo`` runs): the daemon on bundled loopback demo
sources, end to end. The demo stands apart: nothing in the product imports it."""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

from crawler.demo.run import run_demo


def main(argv: list[str] | None = None) -> int:
    """Run leakwatch on loopback sources and show a sale post's alert arriving.

    Starts a MyBB forum, a paste archive, a Telegram preview and a leak site on 127.0.0.1,
    a webhook sink, and the daemon; publishes a new sale post and prints the alert with its
    latency, then `leakwatch status` and the stored hits. Returns 0 when the alert arrived.
    """
    parser = argparse.ArgumentParser(
        prog="python -m crawler.demo",
        description="Run leakwatch on bundled loopback sources and show an alert arriving.",
    )
    parser.add_argument(
        "--dir",
        type=Path,
        default=None,
        help="where to keep the demo database and logs (default: a new temporary folder)",
    )
    args = parser.parse_args(argv)
    directory: Path = args.dir or Path(tempfile.mkdtemp(prefix="leakwatch-demo-"))
    directory.mkdir(parents=True, exist_ok=True)
    return run_demo(directory.resolve(), sys.stdout)


if __name__ == "__main__":
    raise SystemExit(main())
