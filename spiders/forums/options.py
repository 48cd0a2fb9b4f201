"""A forum source's options (``[sources.options]``), as documented in docs/forums.md."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field, ValidationInfo, field_validator, model_validator

from spiders.forums.parsers import ListingLayout, layout_for
from spiders.options import DateOrder, SourceOptions

#: Pages larger than this are refused unless ``max_page_bytes`` says otherwise.
DEFAULT_MAX_PAGE_BYTES = 4 * 1024 * 1024


class ForumOptions(SourceOptions):
    """Selectors, dates, page cap, login and cookies of one forum source.

    The login and cookie options only say where the secrets are; the crawl reads them once
    (crawler.core.credentials). The selector table is checked against the source's engine.
    """

    fetch_first_post: bool = False
    date_order: DateOrder = "MDY"
    #: Selector overrides (any engine) or the whole table (``custom``): a selector or a list.
    selectors: dict[str, Any] = Field(default_factory=dict)
    #: ``custom`` only: the built-in table the selectors override.
    base_engine: Literal["mybb", "xenforo", "phpbb"] | None = None
    max_page_bytes: int = Field(default=DEFAULT_MAX_PAGE_BYTES, gt=0)
    allowed_domains: list[str] = Field(default_factory=list)
    username_env: str | None = None
    password_env: str | None = None
    login_url: str | None = None
    username_field: str | None = None
    password_field: str | None = None
    cookies: str | dict[str, str] | None = None
    cookies_env: str | None = None
    cookies_file: str | None = None

    @field_validator("cookies", mode="before")
    @classmethod
    def _cookies(cls, value: Any) -> Any:
        if value is None or isinstance(value, str):
            return value
        if isinstance(value, dict) and all(isinstance(item, str) for item in value.values()):
            return value
        raise ValueError(
            'expected a table { name = "value" }, a "name=value; …" string or "env:NAME"'
        )

    @model_validator(mode="after")
    def _consistent(self, info: ValidationInfo) -> ForumOptions:
        if (self.username_env is None) != (self.password_env is None):
            raise ValueError("give both username_env and password_env, or neither")
        engine = (info.context or {}).get("engine")
        if engine is not None:
            self.layout(engine)
        return self

    def layout(self, engine: str) -> ListingLayout:
        """The selector table the source reads with; raises ValueError when it is unusable."""
        return layout_for(engine, self.selectors, self.base_engine)
