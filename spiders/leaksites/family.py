"""The leak-site family as the registry lists it, and its saved-page reader for
``leakwatch parse``."""

from __future__ import annotations

from pathlib import Path

from crawler.core.config import SourceConfig
from crawler.core.items import SourceItem
from spiders.family import Family
from spiders.leaksites.generic import parse_generic_page
from spiders.leaksites.layout import bundled_layout, bundled_layout_names, source_layout
from spiders.leaksites.options import LeakSiteOptions
from spiders.leaksites.parsers import parse_leak_page
from spiders.leaksites.spider import LeakSiteSpider


def parse_leak_site(html: str, url: str, source: SourceConfig | None) -> list[SourceItem]:
    """Victims of a leak-site listing, read with the source's layout; without a source, with
    the bundled layout that finds the most victims, unless the generic reader finds more. When
    the source's layout finds none, or the source has none, the generic reader reads the page
    (items marked ``layout = "generic"``). Raises ValueError for a source of another kind,
    ConfigError for a bad layout."""
    if source is None:
        found: list[SourceItem] = []
        for name in bundled_layout_names():
            items = parse_leak_page(html, url, bundled_layout(name)).items
            if len(items) > len(found):
                found = list(items)
        # A bundled layout that matches only part of an unknown page loses to the generic
        # reader when that finds more.
        generic = parse_generic_page(html, url, "unknown").posts
        return found if len(found) >= len(generic) else list(generic)
    if source.kind != "leaksite":
        raise ValueError(f"source {source.name!r} is a {source.kind} source, not a leaksite one")
    layout = source_layout(source)
    if layout is not None:
        items = parse_leak_page(html, url, layout, timezone=source.timezone).items
        if items:
            return list(items)
    group = layout.group if layout else LeakSiteOptions.of(source).group or source.name
    return list(parse_generic_page(html, url, group, timezone=source.timezone).posts)


def leak_site_layout_source(layout_file: Path, url: str) -> SourceConfig:
    """An unnamed leaksite source reading pages at ``url`` with the layout in ``layout_file``."""
    return SourceConfig(
        name="layout-file",
        kind="leaksite",
        engine="generic",
        start_urls=[url],
        options={"layout_file": str(layout_file)},
    )


FAMILY = Family(
    kind="leaksite",
    engines=("generic",),
    options=LeakSiteOptions,
    spider=LeakSiteSpider,
    page_parsers={"leaksite": parse_leak_site},
    layout_file_source=leak_site_layout_source,
)
