"""Leak-site group layouts: where a group's listing page puts each victim field, as data.

A layout is a YAML (or TOML) document validated by :class:`LeakSiteLayout`; the bundled ones
live in ``spiders/leaksites/layouts/<name>.yaml``. A source picks one with ``options.layout``
(bundled name) or ``options.layout_file`` (path), and may add or override any layout key inline
in its ``options`` (tables are merged key by key). :func:`layout_for_source` resolves all three
and raises :class:`crawler.core.errors.ConfigError` naming the bad key. See docs/leaksites.md.

A field rule is a selector string, a table (``selector``/``css``/``xpath``, ``regex``,
``template``, ``join``, ``default``, ``countdown``, ``date_formats``) or a list of those tried in
order until one gives a value.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from functools import cache, cached_property
from pathlib import Path
from typing import Any, Literal

import regex  # type: ignore[import-untyped]
import yaml
from cssselect import SelectorError
from lxml import etree  # type: ignore[import-untyped]
from parsel import Selector
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from crawler.core.config import SourceConfig
from crawler.core.dates import zone
from crawler.core.errors import ConfigError
from spiders.leaksites.options import LeakSiteOptions
from spiders.selectors import is_xpath, select

LAYOUT_FOLDER = Path(__file__).parent / "layouts"
#: Flags of every user regular expression: case-insensitive, ``^``/``$`` match at line ends.
REGEX_FLAGS = regex.IGNORECASE | regex.MULTILINE
_XPATH_FUNCTIONS = ("text()", "normalize-space(", "string(", "concat(", "substring", "name(")


class LayoutModel(BaseModel):
    """Base of layout sections: unknown keys are errors; values are immutable."""

    model_config = ConfigDict(extra="forbid", frozen=True)


def xpath_of(expression: str) -> str:
    """The selector as the shared selector engine reads it (spiders.forums.parsers.layout).

    ``css:`` forces CSS; ``xpath:``, ``.``, ``..``, ``text()`` and XPath functions are XPath;
    anything else is XPath when it looks like it (``/``, ``./``, ``@``, an axis), else CSS.
    """
    text = expression.strip()
    if text.startswith("css:"):
        return text[4:].strip()
    if text in (".", "..") or text.startswith(_XPATH_FUNCTIONS) or text.startswith("../"):
        return f"xpath:{text}"
    return text


def check_selector(expression: str, force_xpath: bool = False) -> str:
    """The normalised selector; raises ValueError when it does not compile."""
    if force_xpath:
        normalised = f"xpath:{expression.strip().removeprefix('xpath:')}"
    else:
        normalised = xpath_of(expression)
    if not normalised or normalised == "xpath:":
        raise ValueError("empty selector")
    try:
        select(_probe(), normalised)
    except (ValueError, SelectorError, etree.XPathError) as exc:
        kind = "XPath" if force_xpath or is_xpath(normalised) else "CSS"
        raise ValueError(f"invalid {kind} selector {expression!r}: {exc}") from None
    return normalised


@cache
def _probe() -> Any:
    return Selector(text="<html><body><p>probe</p></body></html>").root


def _as_list(value: Any) -> Any:
    return [value] if isinstance(value, str) else value


class FieldSpec(LayoutModel):
    """One way to read a field: selectors, then a regex, a template, a default."""

    selector: tuple[str, ...] = ()
    css: tuple[str, ...] = ()
    xpath: tuple[str, ...] = ()
    #: Applied to each selected text (or the whole post's text when no selector is given):
    #: the named group ``value``, else group 1, else the whole match.
    regex: str | None = None
    #: ``{}`` is replaced by the value: ``"/topic.php?id={}"``.
    template: str | None = None
    #: Join every match with this separator instead of keeping the first one.
    join: str | None = None
    default: str | None = None
    #: Dates: the text is the time left ("3 days", "2d 11h", "01:02:03:04"), added to now.
    countdown: bool = False
    #: Dates: strptime formats tried before the usual date parsing.
    date_formats: tuple[str, ...] = ()

    @field_validator("selector", "css", "xpath", "date_formats", mode="before")
    @classmethod
    def _listify(cls, value: Any) -> Any:
        return _as_list(value)

    @field_validator("selector")
    @classmethod
    def _selectors(cls, values: tuple[str, ...]) -> tuple[str, ...]:
        for expression in values:
            check_selector(expression)
        return values

    @field_validator("css")
    @classmethod
    def _css(cls, values: tuple[str, ...]) -> tuple[str, ...]:
        for expression in values:
            check_selector(f"css:{expression}")
        return values

    @field_validator("xpath")
    @classmethod
    def _xpaths(cls, values: tuple[str, ...]) -> tuple[str, ...]:
        for expression in values:
            check_selector(expression, force_xpath=True)
        return values

    @field_validator("regex")
    @classmethod
    def _regex(cls, value: str | None) -> str | None:
        if value is not None:
            try:
                regex.compile(value, REGEX_FLAGS)
            except regex.error as exc:
                raise ValueError(f"invalid regular expression {value!r}: {exc}") from None
        return value

    @field_validator("template")
    @classmethod
    def _template(cls, value: str | None) -> str | None:
        if value is not None and "{}" not in value:
            raise ValueError("a template needs a {} placeholder for the value")
        return value

    @cached_property
    def expressions(self) -> tuple[str, ...]:
        """Every selector, normalised, in the order written: selector, css, xpath."""
        return (
            *(xpath_of(e) for e in self.selector),
            *(e.strip() for e in self.css),
            *(f"xpath:{e.strip().removeprefix('xpath:')}" for e in self.xpath),
        )


FieldRule = tuple[FieldSpec, ...]


def _rule(value: Any) -> Any:
    """A field rule as written (string, table or list of them) as a list of spec tables."""
    if value is None:
        return ()
    if isinstance(value, str):
        return [{"selector": value}]
    if isinstance(value, Mapping):
        return [value]
    if isinstance(value, list | tuple):
        return [{"selector": item} if isinstance(item, str) else item for item in value]
    return value


class DetailFields(LayoutModel):
    """Fields read on a victim's own page; each found value replaces the listing's."""

    post_title: FieldRule = ()
    description: FieldRule = ()
    website: FieldRule = ()
    country: FieldRule = ()
    published: FieldRule = ()
    discovered: FieldRule = ()
    #: Where the site shows the victim's status ("PUBLISHED", a countdown, "SOLD"); read as one
    #: of the statuses of spiders/leaksites/statuses.yaml.
    status: FieldRule = ()

    @field_validator("*", mode="before")
    @classmethod
    def _rules(cls, value: Any) -> Any:
        return _rule(value)


class ListingFields(DetailFields):
    """Fields of one victim on the listing page, relative to its post container."""

    post_title: FieldRule = Field(min_length=1)
    post_url: FieldRule = ()


class DetailPage(LayoutModel):
    """Follow each new victim's own page (never a file host or download) to fill fields."""

    #: The victim page's link, relative to the post container; default: the post_url field.
    link: FieldRule = ()
    fields: DetailFields

    @field_validator("link", mode="before")
    @classmethod
    def _link(cls, value: Any) -> Any:
        return _rule(value)


class Pagination(LayoutModel):
    """How to reach the listing's next pages: a next link, or a URL pattern with a page cap."""

    next: FieldRule = ()
    #: ``{page}`` is the page number; relative to the listing URL: ``"?page={page}"``.
    pattern: str | None = None
    #: Page number of the first page the pattern builds (the listing URL itself is page 1).
    first: int = Field(default=2, ge=0)
    step: int = Field(default=1, ge=1)
    #: Page numbers shown on the page; the highest one ends a pattern crawl.
    last_page: FieldRule = ()
    #: Listing pages read per crawl, the first included.
    max_pages: int = Field(default=10, ge=1, le=1000)

    @field_validator("next", "last_page", mode="before")
    @classmethod
    def _rules(cls, value: Any) -> Any:
        return _rule(value)

    @field_validator("pattern")
    @classmethod
    def _pattern(cls, value: str | None) -> str | None:
        if value is not None and "{page}" not in value:
            raise ValueError("a pagination pattern needs a {page} placeholder")
        return value

    @model_validator(mode="after")
    def _one_way(self) -> Pagination:
        if bool(self.next) == (self.pattern is not None):
            raise ValueError("give exactly one of 'next' (a link) or 'pattern' (a URL pattern)")
        return self


class LeakSiteLayout(LayoutModel):
    """Everything needed to read one group's leak site."""

    group: str = Field(min_length=1, max_length=64)
    #: One element per victim (the first selector that matches anything wins).
    post: tuple[str, ...] = Field(min_length=1)
    fields: ListingFields
    pagination: Pagination | None = None
    detail: DetailPage | None = None
    date_order: Literal["MDY", "DMY", "YMD"] = "MDY"
    #: Timezone of the dates the site shows; default: the source's ``timezone``.
    timezone: str | None = None

    @field_validator("post", mode="before")
    @classmethod
    def _posts(cls, value: Any) -> Any:
        return _as_list(value)

    @field_validator("post")
    @classmethod
    def _post_selectors(cls, values: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(check_selector(expression) for expression in values)

    @field_validator("timezone")
    @classmethod
    def _zone(cls, value: str | None) -> str | None:
        if value is not None:
            zone(value)
        return value


def bundled_layout_names() -> list[str]:
    """Names of the layouts shipped in ``spiders/leaksites/layouts``."""
    return sorted(path.stem for path in LAYOUT_FOLDER.glob("*.yaml"))


@cache
def bundled_layout(name: str) -> LeakSiteLayout:
    """The bundled layout ``name``; raises ConfigError for an unknown name or a bad file."""
    path = LAYOUT_FOLDER / f"{name}.yaml"
    if "/" in name or not path.is_file():
        known = ", ".join(bundled_layout_names())
        raise ConfigError(f"no bundled layout named {name!r} (known: {known})")
    return validate_layout(read_layout_file(path), str(path))


def read_layout_file(path: Path) -> dict[str, Any]:
    """The raw table of a YAML or TOML layout file; raises ConfigError when unreadable."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"cannot read layout file {path}: {exc}") from exc
    try:
        data = tomllib.loads(text) if path.suffix == ".toml" else yaml.safe_load(text)
    except (tomllib.TOMLDecodeError, yaml.YAMLError) as exc:
        raise ConfigError(f"{path}: invalid {path.suffix.lstrip('.') or 'YAML'}: {exc}") from exc
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: a layout file holds a table of keys (group, post, fields…)")
    return data


def validate_layout(data: Mapping[str, Any], origin: str) -> LeakSiteLayout:
    """``data`` as a layout; raises ConfigError naming the first bad key under ``origin``."""
    try:
        return LeakSiteLayout.model_validate(dict(data))
    except ValidationError as exc:
        raise ConfigError(describe_layout_error(exc, origin)) from None


def describe_layout_error(exc: ValidationError, origin: str) -> str:
    """One line: where, which key (``fields.website[1].regex``) and what is wrong."""
    error = exc.errors()[0]
    parts: list[str] = []
    for part in error["loc"]:
        if isinstance(part, int):
            parts[-1:] = [f"{parts[-1]}[{part}]"] if parts else [f"[{part}]"]
        else:
            parts.append(str(part))
    message = error["msg"].removeprefix("Value error, ")
    if error["type"] == "extra_forbidden":
        message = "unknown key"
    elif error["type"] == "missing":
        message = "required key is missing"
    more = len(exc.errors()) - 1
    extra = f" ({more} more error(s))" if more else ""
    return f"{origin}: {'.'.join(parts) or '<root>'}: {message}{extra}"


def source_layout(source: SourceConfig) -> LeakSiteLayout | None:
    """The source's layout, or None when it names none (then the generic reader reads the
    site: spiders/leaksites/generic.py). Raises ConfigError like :func:`layout_for_source`."""
    if not LeakSiteOptions.of(source).has_layout():
        return None
    return layout_for_source(source)


def layout_for_source(source: SourceConfig) -> LeakSiteLayout:
    """The layout a leaksite source reads its pages with: bundled or file, plus inline keys.

    Raises ConfigError naming the source's bad option or layout key.
    """
    options = LeakSiteOptions.of(source)
    where = f"sources[{source.name}].options"
    base: dict[str, Any] = {}
    if options.layout:
        try:
            bundled_layout(options.layout)  # unknown name or broken bundled file: a clear error
        except ConfigError as exc:
            raise ConfigError(f"{where}.layout: {exc}") from None
        base = _raw_layout(options.layout)
    elif options.layout_file:
        base = read_layout_file(Path(options.layout_file).expanduser())
    inline = options.inline_layout()
    if not base and not inline:
        known = ", ".join(bundled_layout_names())
        raise ConfigError(
            f"{where}: a leaksite source needs 'layout' (one of {known}), 'layout_file' "
            "or inline layout keys (group, post, fields…)"
        )
    origin = f"{where} + {options.layout_file}" if options.layout_file else where
    return validate_layout(merge_layouts(base, inline), origin)


@cache
def _raw_layout(name: str) -> dict[str, Any]:
    return read_layout_file(LAYOUT_FOLDER / f"{name}.yaml")


def merge_layouts(base: Mapping[str, Any], overrides: Mapping[str, Any]) -> dict[str, Any]:
    """``base`` with ``overrides`` applied: tables merge key by key, other values replace."""
    merged = dict(base)
    for key, value in overrides.items():
        current = merged.get(key)
        if isinstance(current, Mapping) and isinstance(value, Mapping):
            merged[key] = merge_layouts(current, value)
        else:
            merged[key] = value
    return merged
