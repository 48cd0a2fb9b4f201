"""``leakwatch parse``: run a parser on a saved page and print its items as JSON Lines."""

from __future__ import annotations

import html as html_entities
import json
import re
import sys
from pathlib import Path
from typing import Annotated

import typer
from w3lib.encoding import html_to_unicode

from crawler.cli.state import fail, state_of
from crawler.config import SourceConfig, load_config
from crawler.errors import ConfigError
from crawler.items import item_to_json
from spiders.registry import PARSERS

_PAGE_URLS = (
    re.compile(r"""<link[^>]+rel=["']canonical["'][^>]+href=["'](https?://[^"']+)""", re.I),
    re.compile(r"""<link[^>]+href=["'](https?://[^"']+)["'][^>]+rel=["']canonical""", re.I),
    re.compile(r"""<meta[^>]+property=["']og:url["'][^>]+content=["'](https?://[^"']+)""", re.I),
    re.compile(r"<!-- saved from url=\(\d+\)(https?://\S+?) -->", re.I),
)


def parse(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(help="Saved page (HTML); '-' reads standard input.")],
    kind: Annotated[str, typer.Option("--kind", "-k", help=f"Parser: {', '.join(PARSERS)}.")],
    config: Annotated[
        Path | None,
        typer.Option("--config", "-c", help="Config file holding --source (default: global)."),
    ] = None,
    source: Annotated[
        str | None,
        typer.Option("--source", "-s", help="Read the page as this configured source does."),
    ] = None,
    base_url: Annotated[
        str | None,
        typer.Option("--base-url", help="URL the page was saved from (default: the source's)."),
    ] = None,
) -> None:
    """Print the items a parser finds in a saved page, one JSON object per line.

    Exit code 1 when the parser finds nothing, 2 for a bad kind, source or selector.
    """
    parser = PARSERS.get(kind)
    if parser is None:
        fail(f"unknown kind {kind!r}: use one of {', '.join(PARSERS)}")
        return
    configured = _source(ctx, config, source)
    raw = sys.stdin.buffer.read() if str(file) == "-" else _read(file)
    _, html = html_to_unicode(None, raw)
    url = base_url or (configured.start_urls[0] if configured else page_url(html, file))
    try:
        items = parser(html, url, configured)
    except ValueError as exc:
        fail(str(exc))
        return
    for item in items:
        typer.echo(json.dumps(item_to_json(item), ensure_ascii=False))
    if not items:
        typer.echo(f"no item found in {file} by the {kind} parser", err=True)
        raise typer.Exit(1)


def _source(ctx: typer.Context, config: Path | None, name: str | None) -> SourceConfig | None:
    if name is None:
        return None
    try:
        settings = load_config(config) if config is not None else state_of(ctx).settings
        return settings.source(name)
    except ConfigError as exc:
        fail(str(exc))
        raise AssertionError("unreachable") from exc


def _read(file: Path) -> bytes:
    try:
        return file.read_bytes()
    except OSError as exc:
        fail(f"cannot read {file}: {exc.strerror}")
        raise AssertionError("unreachable") from exc


def page_url(html: str, file: Path) -> str:
    """Where a saved page came from: its canonical link, ``og:url`` or the "saved from url"
    comment browsers add, else the file's own URL (relative links stay relative to it)."""
    for pattern in _PAGE_URLS:
        match = pattern.search(html[:200_000])
        if match:
            return html_entities.unescape(match.group(1))
    return "file:///dev/stdin" if str(file) == "-" else file.resolve().as_uri()
