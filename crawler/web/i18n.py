"""French and English pages: which language a request gets, and the words in that language.

The words are a typed catalogue (:mod:`crawler.web.catalogue`), not gettext: Babel is not a
dependency and the UI has a few hundred strings. A user's own choice (``user_settings``) wins;
otherwise the browser's ``Accept-Language`` decides; otherwise English. Dates in French pages
are written the French way (``19/11/2024 08:50``, ``nov. 2024``).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, datetime
from typing import Any, Literal

from jinja2 import pass_context
from jinja2.runtime import Context

from crawler.web.catalogue import MESSAGES

Language = Literal["en", "fr"]
LANGUAGES: tuple[Language, ...] = ("en", "fr")
DEFAULT_LANGUAGE: Language = "en"
LANGUAGE_NAMES: dict[Language, str] = {"en": "English", "fr": "Français"}
MONTHS: dict[Language, tuple[str, ...]] = {
    "en": ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"),
    "fr": (
        "janv.", "févr.", "mars", "avr.", "mai", "juin",
        "juil.", "août", "sept.", "oct.", "nov.", "déc.",
    ),
}  # fmt: skip
_ISO_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})")
_RANGE = re.compile(r"^\s*([A-Za-z]{1,8})(?:-[A-Za-z0-9]{1,8})*\s*(?:;\s*q\s*=\s*([0-9.]+))?\s*$")


def as_language(value: str | None) -> Language | None:
    """``value`` when it names a language of the UI, else None."""
    for language in LANGUAGES:
        if value == language:
            return language
    return None


def choose_language(chosen: str | None, accept_language: str | None) -> Language:
    """The language of a page: the user's choice, else the browser's preferred one we have
    (``Accept-Language``, by quality then order), else English."""
    language = as_language(chosen)
    if language is not None:
        return language
    ranked: list[tuple[float, int, Language]] = []
    for position, part in enumerate((accept_language or "")[:500].split(",")):
        match = _RANGE.match(part)
        if match is None:
            continue
        try:
            quality = float(match.group(2)) if match.group(2) else 1.0
        except ValueError:
            continue
        found = as_language(match.group(1).lower())
        if found is not None and quality > 0:
            ranked.append((-quality, position, found))
    return min(ranked)[2] if ranked else DEFAULT_LANGUAGE


def translate(language: str, key: str, **values: Any) -> str:
    """The text of ``key`` in ``language`` (English when missing there), ``{name}`` fields
    filled from ``values``; raises KeyError for a key in no language (a template bug)."""
    messages = MESSAGES.get(as_language(language) or DEFAULT_LANGUAGE, {})
    text = messages.get(key) or MESSAGES[DEFAULT_LANGUAGE][key]
    return text.format(**values) if values else text


@pass_context
def context_translate(context: Context, key: str, **values: Any) -> str:
    """``_('key')`` in a template: :func:`translate` in the page's language (``lang``)."""
    return translate(str(context.get("lang", DEFAULT_LANGUAGE)), key, **values)


def localised_when(when: Callable[[datetime | None], str]) -> Any:
    """The ``when`` filter in the page's language: French pages read ``DD/MM/YYYY`` where the
    English ones read ``YYYY-MM-DD`` (the time and any zone label after it are kept)."""

    @pass_context
    def filter_when(context: Context, value: datetime | None) -> str:
        text = when(value)
        if context.get("lang") == "fr":
            return _ISO_DATE.sub(r"\3/\2/\1", text)
        return text

    return filter_when


def month_label(day: date, language: str) -> str:
    """``Nov 2024`` / ``nov. 2024``: a chart's axis label for the month of ``day``."""
    months = MONTHS[as_language(language) or DEFAULT_LANGUAGE]
    return f"{months[day.month - 1]} {day.year}"


def day_label(day: date, language: str) -> str:
    """``2024-11-18`` / ``18/11/2024``: a day in the page's language."""
    if language == "fr":
        return day.strftime("%d/%m/%Y")
    return day.isoformat()
