"""The one list of source families, and the configuration loader that checks every source by
its family.

A family is a package ``spiders/<family>/`` that describes itself in its ``family.py``
(:class:`spiders.family.Family`: kind, engines, options model, spider, ``leakwatch parse``
parsers); adding a family means writing its package and adding its record to
:data:`FAMILIES`. The core configuration (crawler.core.config) checks only what every source
shares; :func:`load_settings`, the loader every entry point of the product calls, adds each
source's family checks.
"""

from __future__ import annotations

from pathlib import Path

from crawler.core.config import Settings, SourceConfig, config_path, load_config
from crawler.core.errors import ConfigError
from spiders.family import EmptyPageNotice, Family, LayoutFileSource, PageParser
from spiders.feeds.family import FAMILY as FEEDS
from spiders.forums.family import FAMILY as FORUMS
from spiders.leaksites.family import FAMILY as LEAK_SITES
from spiders.options import SourceOptions
from spiders.pastes.family import FAMILY as PASTES
from spiders.telegram.family import FAMILY as TELEGRAM

FAMILIES: tuple[Family, ...] = (FORUMS, TELEGRAM, PASTES, LEAK_SITES, FEEDS)

#: Every source ``kind``, in the registry's order.
KINDS: tuple[str, ...] = tuple(family.kind for family in FAMILIES)
#: ``leakwatch parse --kind`` names and their parsers, every family's.
PARSERS: dict[str, PageParser] = {
    name: parser for family in FAMILIES for name, parser in family.page_parsers.items()
}
#: Kinds that can tell why a page gave no item (``leakwatch parse`` prints it).
EMPTY_PAGE_NOTICES: dict[str, EmptyPageNotice] = {
    name: notice for family in FAMILIES for name, notice in family.empty_page_notices.items()
}
#: Kinds whose ``--config`` may also be a page-layout file (not a leakwatch configuration).
LAYOUT_FILE_SOURCES: dict[str, LayoutFileSource] = {
    family.kind: family.layout_file_source
    for family in FAMILIES
    if family.layout_file_source is not None
}


def family_of(kind: str) -> Family:
    """The family of sources of ``kind``; raises ConfigError for an unknown kind."""
    for family in FAMILIES:
        if family.kind == kind:
            return family
    raise ConfigError(f"unknown kind {kind!r} (known: {', '.join(KINDS)})")


def check_source(source: SourceConfig) -> SourceOptions:
    """The source's options, validated by its family with its kind and engine; raises
    ConfigError naming the source and its bad key."""
    try:
        family = family_of(source.kind)
    except ConfigError as exc:
        raise ConfigError(f"sources[{source.name}].kind: {exc}") from None
    return family.check(source)


def load_settings(path: Path | None = None) -> Settings:
    """Read and validate the configuration, every source checked by its family.

    The product's one configuration loader (CLI, daemon and its reloads, crawl children):
    raises ConfigError with one line naming the file, the source and the bad key.
    """
    settings = load_config(path)
    resolved = config_path(path)
    origin = str(resolved) if resolved is not None else "configuration"
    for source in settings.sources:
        try:
            check_source(source)
        except ConfigError as exc:
            raise ConfigError(f"{origin}: {exc}") from None
    return settings
