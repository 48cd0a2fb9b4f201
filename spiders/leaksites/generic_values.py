"""What one line of a leak-site block says, for the generic reader (spiders/leaksites/generic.py).

Pure, bounded regular expressions over short lines: a date in the line (read by
crawler/core/dates.py), a countdown, a label ("Website:", "publication date:"), a domain, a
country's name.
"""

from __future__ import annotations

import re
from datetime import datetime
from functools import cache

from crawler.core.dates import DateResolver
from spiders.leaksites.status import status_of
from spiders.leaksites.values import country_code

#: Lines longer than this are description, never a field.
FIELD_LINE_MAX = 160
_MONTH = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?"
_TIME = r"(?:,?\s*(?:at\s+)?\d{1,2}:\d{2}(?::\d{2})?(?:\s*[ap]\.?m\.?)?(?:\s*(?:utc|gmt|z))?)?"
_DATE = re.compile(
    r"\b(?:"
    r"\d{4}-\d{2}-\d{2}(?:[ T]\d{1,2}:\d{2}(?::\d{2})?(?:\.\d+)?(?:z|[+-]\d{2}:?\d{2})?)?"
    r"|\d{4}[/.]\d{1,2}[/.]\d{1,2}" + _TIME
    + r"|\d{1,2}[./]\d{1,2}[./]\d{2,4}" + _TIME
    + r"|\d{1,2}-\d{1,2}-\d{4}" + _TIME
    + r"|\d{1,2}(?:st|nd|rd|th)?\s+" + _MONTH + r",?\s+\d{4}" + _TIME
    + r"|" + _MONTH + r"\s+\d{1,2}(?:st|nd|rd|th)?,?\s+\d{4}" + _TIME
    + r")(?![\d/.-]*\d)",
    re.IGNORECASE,
)  # fmt: skip
_AT = re.compile(r"\bat\b", re.IGNORECASE)
_UTC_SUFFIX = re.compile(r"\s*(?:utc|gmt|z)$", re.IGNORECASE)
_LABELS = {
    "website": r"web\s*site|site(?:\s+web)?|web|url|domain|homepage",
    "country": r"country|location|pays|localisation|headquarters|hq",
    "published": r"publication(?:\s+date)?|published|publish(?:ed)?\s+(?:on|date)|release(?:d)?"
    r"|disclosure|leak\s+date|deadline|date\s+de\s+publication",
    "discovered": r"added|posted|created|date|updated|discovered|uploaded|downloaded"
    r"|ajouté|publié\s+le|listed",
}
_LABELLED = {
    name: re.compile(rf"^\W*(?:{words})\s*(?::|-|=|–)\s*(?P<value>.+?)\s*$", re.IGNORECASE)
    for name, words in _LABELS.items()
}
_DOMAIN = re.compile(
    r"^(?:https?://)?(?P<value>(?:www\.)?(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+"
    r"(?P<tld>[a-z]{2,24}))/?$",
    re.IGNORECASE,
)
_NOT_TLDS = {
    "php", "html", "htm", "asp", "aspx", "jsp", "js", "css", "json", "txt", "jpg", "jpeg",
    "png", "gif", "svg", "webp", "zip", "rar", "gz", "tar", "pdf", "doc", "docx", "xls",
    "xlsx", "csv", "sql", "exe", "onion", "bak", "log", "xml", "lnk",
}  # fmt: skip
_LINK_WORDS = {
    "read more", "more", "details", "detail", "view", "open", "see more", "learn more", "read",
    "continue reading", "more info", "show more", "go", "download", "files", "view more",
    "lire la suite", "voir", "»", "→", "...", "…",
}  # fmt: skip


def date_in(line: str) -> str | None:
    """The date-looking part of ``line`` ("2024-09-29", "Oct 08, 2024 12:54", "12.05.2023"),
    or None."""
    if len(line) > FIELD_LINE_MAX:
        return None
    match = _DATE.search(line)
    return match.group(0).strip(" ,") if match else None


def read_date(text: str, timezone: str) -> datetime | None:
    """``text`` (an absolute date as :func:`date_in` finds it) as a UTC-aware datetime, or
    None; in ``timezone`` unless it says UTC.

    Year first when it leads (2024.05.12); day first for dotted and dashed dates (12.05.2023,
    12-05-2024) and for slashed ones whose first number is over 12 (25/10/2024), else month
    first; read by the project's date parser (crawler/core/dates.py), after commas and "at"
    are dropped (its fast shapes).
    """
    cleaned = " ".join(_AT.sub(" ", text.replace(",", " ")).split())
    slashed = re.match(r"(\d{1,2})/\d{1,2}/", text)
    day_first = re.match(r"\d{1,2}[.-]\d{1,2}[.-]", text) is not None
    if re.match(r"\d{4}[/.]", text):
        order = "YMD"
        cleaned = re.sub(r"^(\d{4})[/.](\d{1,2})[/.](\d{1,2})", r"\1-\2-\3", cleaned)
    else:
        order = "DMY" if day_first or (slashed and int(slashed.group(1)) > 12) else "MDY"
    without_zone = _UTC_SUFFIX.sub("", cleaned)
    zone_name = "UTC" if without_zone != cleaned else timezone
    return _resolver(zone_name, order).parse(without_zone)


@cache
def _resolver(timezone: str, order: str) -> DateResolver:
    """A parser of absolute dates (its ``now`` is never used: relative dates are no match)."""
    return DateResolver(timezone, date_order=order)


def is_countdown(line: str) -> bool:
    """Whether ``line`` is a countdown ("3D 04h 12m", "2 DAYS BEFORE PUBLICATION")."""
    return len(line) <= FIELD_LINE_MAX and status_of(line) == "countdown"


def labelled(line: str, name: str) -> str | None:
    """The value after a label of field ``name`` ("Website: x.fr" -> "x.fr"), or None."""
    if len(line) > FIELD_LINE_MAX:
        return None
    match = _LABELLED[name].match(line)
    return match.group("value") if match else None


def website_in_line(line: str) -> str | None:
    """``line`` as a domain when it is one ("www.ch-cannes.fr", "https://x.com/"), or None."""
    match = _DOMAIN.match(line.strip())
    if match is None or match.group("tld").casefold() in _NOT_TLDS:
        return None
    return match.group("value")


def country_line(line: str) -> str | None:
    """The ISO code of a line that is only a country's name ("United States", "France")."""
    if not 4 <= len(line) <= 40:
        return None
    code = country_code(line)
    return code if code is not None and len(code) == 2 and code.isupper() else None


def link_word(text: str) -> bool:
    """Whether ``text`` is a button's words ("Read more", "Details"), not a name."""
    return " ".join(text.split()).strip(" >»→.").casefold() in _LINK_WORDS or text.strip() in (
        "»",
        "→",
    )
