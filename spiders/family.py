"""What a source family is, as the registry lists it: one record per family.

Each family package describes itself once, in ``spiders/<family>/family.py`` (``FAMILY``), and
``spiders/registry.py`` lists those records. The configuration loader, ``leakwatch parse`` and
the filters of the faces all read the registry (the few other places that name a family are
listed in docs/architecture.md).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from crawler.core.config import SourceConfig
from crawler.core.errors import ConfigError
from crawler.core.items import SourceItem
from spiders.base import SourceSpider
from spiders.options import SourceOptions

#: ``(html, url, source or None) -> items``; raises ValueError for a page or source that cannot
#: be read, ConfigError for a source's bad options.
PageParser = Callable[[str, str, SourceConfig | None], list[SourceItem]]
#: ``(html, url, source or None) -> why the page holds no item``, when the page tells.
EmptyPageNotice = Callable[[str, str, SourceConfig | None], str | None]
#: ``(layout file, page URL) -> an unnamed source reading pages with that layout``.
LayoutFileSource = Callable[[Path, str], SourceConfig]
#: ``(start URL) -> why a source of the family cannot start there``, None when it can.
StartUrlCheck = Callable[[str], str | None]


@dataclass(frozen=True)
class Family:
    """One source family: the sources it accepts, how it crawls them and reads saved pages."""

    #: The sources' ``kind`` (and the spider's ``name``).
    kind: str
    #: The ``engine`` values a source of this kind may give.
    engines: tuple[str, ...]
    #: The model of the sources' ``options`` table.
    options: type[SourceOptions]
    spider: type[SourceSpider]
    #: ``leakwatch parse --kind NAME`` parsers, in the order the help lists them.
    page_parsers: Mapping[str, PageParser]
    #: Parsers whose kinds can tell why a page gave no item (``leakwatch parse`` prints it).
    empty_page_notices: Mapping[str, EmptyPageNotice] = field(default_factory=dict)
    #: For families whose ``leakwatch parse --config`` may be a page-layout file.
    layout_file_source: LayoutFileSource | None = None
    #: For families whose start URLs have a shape of their own (a Telegram channel's).
    start_url_check: StartUrlCheck | None = None

    def check(self, source: SourceConfig) -> SourceOptions:
        """The source's validated options; raises ConfigError naming the source's bad engine,
        start URL or option."""
        if source.engine not in self.engines:
            raise ConfigError(
                f"sources[{source.name}].engine: engine {source.engine!r} is not one of "
                f"{', '.join(self.engines)} for kind {self.kind!r}"
            )
        if self.start_url_check is not None:
            for url in source.start_urls:
                reason = self.start_url_check(url)
                if reason is not None:
                    raise ConfigError(f"sources[{source.name}].start_urls: {reason}")
        return self.options.of(source)
