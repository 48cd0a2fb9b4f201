"""A paste source's options (``[sources.options]``), as documented in docs/pastes.md."""

from __future__ import annotations

from typing import Any

from pydantic import Field, model_validator

from spiders.options import DateOrder, SourceOptions
from spiders.pastes.parsers import (
    DEFAULT_KEY_PATTERN,
    DEFAULT_RAW_URL,
    ArchiveLayout,
    archive_layout,
)
from spiders.pastes.state import DEFAULT_REMEMBERED

#: Raw text kept for matching unless ``max_paste_bytes`` says otherwise.
DEFAULT_MAX_PASTE_BYTES = 512 * 1024
#: Listing pages larger than this are refused unless ``max_listing_bytes`` says otherwise.
DEFAULT_MAX_LISTING_BYTES = 4 * 1024 * 1024


class PasteOptions(SourceOptions):
    """Size caps, the archive listing's layout, dates and how many keys the state keeps.

    ``pastebin_api`` sources ignore ``selectors``, ``raw_url`` and ``key_pattern``.
    """

    max_paste_bytes: int = Field(default=DEFAULT_MAX_PASTE_BYTES, gt=0)
    max_listing_bytes: int = Field(default=DEFAULT_MAX_LISTING_BYTES, gt=0)
    #: Raw-text URL template: ``{base}`` (the paste link's scheme and host), ``{key}``, ``{url}``
    #: (the paste's page).
    raw_url: str = DEFAULT_RAW_URL
    #: Regular expression on a link's path; its one group is the key.
    key_pattern: str = DEFAULT_KEY_PATTERN
    #: Listing selectors (``rows``, ``link``, ``title``…): a selector or a list of them.
    selectors: dict[str, Any] = Field(default_factory=dict)
    date_order: DateOrder = "MDY"
    remember_keys: int = Field(default=DEFAULT_REMEMBERED, gt=0)
    fetch_raw: bool = True
    allowed_domains: list[str] = Field(default_factory=list)

    @model_validator(mode="after")
    def _usable_layout(self) -> PasteOptions:
        self.archive_layout()
        return self

    def archive_layout(self) -> ArchiveLayout:
        """The listing layout these options describe; raises ValueError when it is unusable."""
        return archive_layout(self.selectors, self.key_pattern, self.raw_url)
