"""``leakwatch parse``: run a parser on a saved page and print its items as JSON Lines."""

from __future__ import annotations

import html as html_entities
import json
import re
import sys
import tomllib
from pathlib import Path
from typing import Annotated

import typer
from w3lib.encoding import html_to_unicode

from crawler.cli.state import fail, state_of
from crawler.core.config import Settings, SourceConfig
from crawler.core.errors import ConfigError
from crawler.core.items import item_to_json
from spiders.registry import EMPTY_PAGE_NOTICES, LAYOUT_FILE_SOURCES, PARSERS, load_settings

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
        typer.Option(
            "--config",
            "-c",
            help="Config file holding --source (default: global), or a page-layout file "
            "(leaksite: a group layout, YAML or TOML).",
        ),
    ] = None,
    source: Annotated[
        str | None,
        typer.Option("--source", "-s", help="Read the page as this configured source does."),
    ] = None,
    base_url: Annotated[
        str | None,
        typer.Option("--base-url", help="URL the page was saved from (default: the source's)."),
    ] = None,
    layout: Annotated[
        Path | None,
        typer.Option(
            "--layout",
            "-l",
            help="Page-layout file to read the page with (leaksite: a group layout, YAML or "
            "TOML); instead of --config and --source.",
        ),
    ] = None,
) -> None:
    """Print the items a parser finds in a saved page, one JSON object per line.

    --layout reads the page with a page-layout file (leaksite). --config without --source
    uses the file's only source of this kind, or, for kinds read with a page layout, the
    layout file itself. Exit code 1 when the parser finds nothing, 2 for a bad
    kind, source, layout or selector.
    """
    parser = PARSERS.get(kind)
    if parser is None:
        fail(f"unknown kind {kind!r}: use one of {', '.join(PARSERS)}")
        return
    if layout is not None and (config is not None or source is not None):
        fail("give --layout, or --config/--source, not both")
    if layout is not None and kind not in LAYOUT_FILE_SOURCES:
        fail(f"kind {kind} reads no layout file (--layout is for {', '.join(LAYOUT_FILE_SOURCES)})")
    layout_file = config if source is None and config and _is_layout_file(config) else layout
    if layout_file is not None and kind not in LAYOUT_FILE_SOURCES:
        fail(f"{config} is not a leakwatch configuration (kind {kind} reads no layout file)")
    configured = None if layout_file else _source(ctx, config, source, kind)
    raw = sys.stdin.buffer.read() if str(file) == "-" else _read(file)
    _, html = html_to_unicode(None, raw)
    url = base_url or (configured.start_urls[0] if configured else page_url(html, file))
    if layout_file is not None:
        configured = LAYOUT_FILE_SOURCES[kind](layout_file, url)
    try:
        items = parser(html, url, configured)
    except (ValueError, ConfigError) as exc:
        fail(str(exc))
        return
    for item in items:
        typer.echo(json.dumps(item_to_json(item), ensure_ascii=False))
    if not items:
        explain = EMPTY_PAGE_NOTICES.get(kind)
        notice = explain(html, url, configured) if explain is not None else None
        reason = f": {notice}" if notice else ""
        typer.echo(f"no item found in {file} by the {kind} parser{reason}", err=True)
        raise typer.Exit(1)


def _source(
    ctx: typer.Context, config: Path | None, name: str | None, kind: str
) -> SourceConfig | None:
    if name is None and config is None:
        return None
    try:
        settings = load_settings(config) if config is not None else state_of(ctx).settings
        if name is not None:
            return settings.source(name)
    except ConfigError as exc:
        fail(str(exc))
        raise AssertionError("unreachable") from exc
    matching = [s for s in settings.sources if kind in (s.kind, s.engine)]
    if len(matching) > 1:
        names = ", ".join(s.name for s in matching)
        fail(f"{config} has several {kind} sources ({names}): name one with --source")
    return matching[0] if matching else None


def _is_layout_file(path: Path) -> bool:
    """True for a page-layout file: YAML, or TOML without any leakwatch configuration key."""
    if path.suffix.lower() in (".yaml", ".yml"):
        return True
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return False  # load_settings reports what is wrong with it
    return bool(data) and not set(data) & set(Settings.model_fields)


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
