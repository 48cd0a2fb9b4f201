"""The paste family as the registry lists it, and its saved-page reader for ``leakwatch parse``."""

from __future__ import annotations

from functools import partial

from crawler.core.config import SourceConfig
from crawler.core.dates import DateResolver
from crawler.core.items import SourceItem
from spiders.family import Family
from spiders.pastes.options import PasteOptions
from spiders.pastes.parsers import parse_paste_archive, parse_pastebin_api
from spiders.pastes.spider import PasteSiteSpider


def parse_paste_page(
    engine: str, html: str, url: str, source: SourceConfig | None = None
) -> list[SourceItem]:
    """A saved listing read the way a paste source does.

    ``engine`` is ``archive``, ``pastebin_api``, or ``auto`` (the named source's engine, else
    the scraping API for a JSON body and an archive page otherwise). A paste source's options
    and timezone apply when one is given. Raises ValueError for an API refusal or an unusable
    page, ConfigError for bad options.
    """
    paste = source if source is not None and source.kind == "paste" else None
    if engine == "auto":
        if paste is not None:
            engine = paste.engine
        else:
            engine = "pastebin_api" if html.lstrip().startswith(("[", "{")) else "archive"
    options = PasteOptions.of(paste) if paste is not None else PasteOptions()
    dates = DateResolver(
        source.timezone if source is not None else "UTC", date_order=options.date_order
    )
    if engine == "pastebin_api":
        return list(parse_pastebin_api(html, url, dates))
    return list(parse_paste_archive(html, url, options.archive_layout(), dates))


FAMILY = Family(
    kind="paste",
    engines=("archive", "pastebin_api"),
    options=PasteOptions,
    spider=PasteSiteSpider,
    page_parsers={
        "archive": partial(parse_paste_page, "archive"),
        "pastebin_api": partial(parse_paste_page, "pastebin_api"),
        "paste": partial(parse_paste_page, "auto"),
    },
)
