"""A leak-site source's options (``[sources.options]``), as documented in docs/leaksites.md.

Besides the spider's own options, a source may write layout keys inline (``group``, ``post``,
``fields``…): a whole layout, or overrides of ``layout``/``layout_file``. Their types are
checked here; the merged layout is checked when a crawl or ``leakwatch parse`` reads it
(spiders.leaksites.layout.layout_for_source), since a layout file may change between runs.
"""

from __future__ import annotations

from typing import Any

from pydantic import Field, field_validator, model_validator

from spiders.options import DateOrder, SourceOptions

#: Pages larger than this are refused unless ``max_page_bytes`` says otherwise.
DEFAULT_MAX_PAGE_BYTES = 8 * 1024 * 1024
#: Victim pages read per run unless ``max_details`` says otherwise.
DEFAULT_MAX_DETAILS = 25
#: The layout keys a source may write inline (spiders.leaksites.layout.LeakSiteLayout).
LAYOUT_KEYS = ("group", "post", "fields", "pagination", "detail", "date_order", "timezone")


class LeakSiteOptions(SourceOptions):
    """Which layout reads the site, mirrors, victim pages and the page cap."""

    #: Name of a bundled layout (spiders/leaksites/layouts/).
    layout: str | None = None
    #: Path of a YAML or TOML layout (relative to the config file when loaded from one).
    layout_file: str | None = None
    mirrors: bool = False
    fetch_details: bool = True
    max_details: int = Field(default=DEFAULT_MAX_DETAILS, ge=0)
    max_page_bytes: int = Field(default=DEFAULT_MAX_PAGE_BYTES, gt=0)
    group: str | None = None
    post: str | list[str] | None = None
    fields: dict[str, Any] | None = None
    pagination: dict[str, Any] | None = None
    detail: dict[str, Any] | None = None
    date_order: DateOrder | None = None
    timezone: str | None = None

    @field_validator("post", mode="before")
    @classmethod
    def _selectors(cls, value: Any) -> Any:
        if value is None or isinstance(value, str):
            return value
        if isinstance(value, list) and all(isinstance(item, str) for item in value):
            return value
        raise ValueError("expected a selector or a list of selectors")

    @model_validator(mode="after")
    def _one_base(self) -> LeakSiteOptions:
        if self.layout and self.layout_file:
            raise ValueError("give 'layout' (bundled) or 'layout_file', not both")
        return self

    def has_layout(self) -> bool:
        """Whether a layout reads the site: ``layout``, ``layout_file`` or inline selectors
        (``post``, ``fields``…); without one, the generic reader does (``group`` alone names
        the group)."""
        inline = set(self.inline_layout()) - {"group", "date_order", "timezone"}
        return bool(self.layout or self.layout_file or inline)

    def inline_layout(self) -> dict[str, Any]:
        """The layout keys written in the options, as written."""
        return {key: getattr(self, key) for key in LAYOUT_KEYS if key in self.model_fields_set}
