"""``leakwatch match``: match JSON Lines posts from stdin, one JSON object per line on stdout.

Each input line is an object with ``id`` (string) and ``title`` and/or ``text`` (strings); other
fields are ignored. A malformed line gives ``{"id": …, "line": N, "error": "…"}`` on stdout and a
message on stderr, and processing goes on. Output keeps the input order.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Any, TextIO

import typer

from crawler.cli.state import fail, state_of
from crawler.core.errors import WatchlistError
from crawler.core.text import clean_text
from crawler.matching.matcher import Matcher
from crawler.matching.watchlist import Watchlist, load_bundled, load_yaml_entries


def match(
    ctx: typer.Context,
    watchlist: Annotated[
        Path | None,
        typer.Option(
            "--watchlist",
            "-w",
            help="Watchlist file (YAML entries, or a bundled-format .jsonl.gz) used instead of "
            "the bundled default.",
            exists=True,
            dir_okay=False,
        ),
    ] = None,
) -> None:
    """Match posts read as JSON Lines on stdin; write one result per line on stdout."""
    settings = state_of(ctx).settings
    try:
        matcher = Matcher(read_watchlist(watchlist), settings.matcher_cache_dir)
    except WatchlistError as exc:
        fail(str(exc))
    run_match(matcher, sys.stdin, sys.stdout, sys.stderr)


def read_watchlist(path: Path | None) -> Watchlist:
    """The bundled watchlist, or the one in ``path`` (YAML or bundled format)."""
    if path is None:
        return load_bundled()
    if path.name.endswith(".gz"):
        return load_bundled(path)
    return Watchlist(tuple(load_yaml_entries(path)))


def run_match(matcher: Matcher, lines: TextIO, out: TextIO, err: TextIO) -> int:
    """Process every line of ``lines``; return how many were malformed."""
    errors = 0
    for number, line in enumerate(lines, 1):
        if not line.strip():
            # One output object per input line, so a caller can zip inputs and outputs.
            errors += 1
            err.write(f"line {number}: empty line\n")
            out.write(json.dumps({"id": None, "line": number, "error": "empty line"}) + "\n")
            continue
        try:
            post_id, title, text = parse_post(line)
        except ValueError as exc:
            errors += 1
            post_id = _best_effort_id(line)
            err.write(f"line {number}: {exc}\n")
            out.write(json.dumps({"id": post_id, "line": number, "error": str(exc)}) + "\n")
            continue
        result = matcher.match(title, text)
        out.write(json.dumps(result.to_json(post_id), ensure_ascii=False) + "\n")
        out.flush()
    return errors


def parse_post(line: str) -> tuple[str, str, str]:
    """``(id, title, text)`` of one input line; raises ValueError saying what is wrong.

    A ``null`` title or text counts as absent.
    """
    try:
        data: Any = json.loads(line)
    except json.JSONDecodeError as exc:
        raise ValueError(f"invalid JSON: {exc.msg} at column {exc.colno}") from None
    except RecursionError:
        raise ValueError("invalid JSON: nested too deeply") from None
    if not isinstance(data, dict):
        raise ValueError("expected a JSON object")
    post_id = data.get("id")
    if not isinstance(post_id, str):
        raise ValueError("'id' must be a string")
    title = data.get("title")
    text = data.get("text")
    if title is None and text is None:
        raise ValueError("expected 'title' and/or 'text'")
    title = "" if title is None else title
    text = "" if text is None else text
    if not isinstance(title, str) or not isinstance(text, str):
        raise ValueError("'title' and 'text' must be strings")
    # A lone surrogate ("\ud800") cannot be written out as UTF-8: it becomes U+FFFD.
    return clean_text(post_id), clean_text(title), clean_text(text)


def _best_effort_id(line: str) -> Any:
    try:
        data = json.loads(line)
    except (json.JSONDecodeError, RecursionError):
        return None
    found = data.get("id") if isinstance(data, dict) else None
    return clean_text(found) if isinstance(found, str) else found
