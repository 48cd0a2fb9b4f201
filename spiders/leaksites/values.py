"""Leak-site field values as analysts want them (pure functions): countries as ISO codes,
countdowns as dates, websites trimmed, and the victim-page links a crawler must not follow.
"""

from __future__ import annotations

import json
import re
import unicodedata
from datetime import datetime, timedelta
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit, urlunsplit

from lxml import etree  # type: ignore[import-untyped]

from crawler.core.file_links import file_link_refusal

#: English and French country names (lower case, accents removed) to ISO 3166 alpha-2 codes,
#: generated from the geocoder names of the ``phonenumbers`` package (one entry per region).
COUNTRY_NAMES_FILE = Path(__file__).parent / "countries.json"

#: Text and JSON downloads (file trees, victim lists) offered by leak sites. Other families
#: read such URLs as pages (JSON feeds, raw pastes), so only the leak-site rule refuses them.
_TEXT_DOWNLOADS = (".json", ".txt")
_DOWNLOAD_SEGMENTS = {"download", "downloads", "dl"}
_COUNTRY_ALIASES = {
    "america": "US", "u.s.": "US", "u.s.a.": "US", "usa": "US", "united states of america": "US",
    "etats-unis": "US", "etats unis": "US", "uk": "GB", "u.k.": "GB", "great britain": "GB",
    "england": "GB", "scotland": "GB", "wales": "GB", "northern ireland": "GB",
    "angleterre": "GB", "czech republic": "CZ", "korea": "KR", "republic of korea": "KR",
    "russian federation": "RU", "the netherlands": "NL", "holland": "NL", "pays-bas": "NL",
    "uae": "AE", "emirates": "AE", "turkey": "TR", "turkiye": "TR", "viet nam": "VN",
    "ivory coast": "CI", "cote d'ivoire": "CI", "macedonia": "MK", "burma": "MM",
    "deutschland": "DE", "espana": "ES", "italia": "IT", "brasil": "BR", "suisse": "CH",
    "schweiz": "CH", "belgique": "BE", "mexique": "MX", "taiwan": "TW", "hong kong": "HK",
}  # fmt: skip
_REGIONAL_A = 0x1F1E6
_COUNTDOWN_UNITS = (
    ("weeks", r"w|wk|wks|weeks?|semaines?"),
    ("days", r"d|j|days?|jours?"),
    ("hours", r"h|hr|hrs|hours?|heures?"),
    ("minutes", r"m|min|mins|minutes?"),
    ("seconds", r"s|sec|secs|seconds?|secondes?"),
)
_COUNTDOWN_PART = re.compile(
    r"(\d+)\s*("
    + "|".join(f"(?P<{name}>{units})" for name, units in _COUNTDOWN_UNITS)
    + r")(?![a-zà-ÿ])",
    re.IGNORECASE,
)
_COUNTDOWN_CLOCK = re.compile(r"(?:(\d+)\s*[:.]\s*)?(\d{1,2}):(\d{2}):(\d{2})")
_SPACES = re.compile(r"\s+")


def countdown_end(text: str, now: datetime) -> datetime | None:
    """When a countdown shown as ``text`` ends: ``now`` plus the time left.

    Reads "3 DAYS BEFORE PUBLICATION", "2d 11h 04m", "5 jours 3 heures", "02:11:04:10"
    (days:hours:minutes:seconds) and "11:04:10". None when no time is left (the deadline has
    passed, so the date is unknown) or when ``text`` is not a countdown.
    """
    clock = _COUNTDOWN_CLOCK.search(text)
    if clock:
        days, hours, minutes, seconds = (int(part or 0) for part in clock.groups())
        left = timedelta(days=days, hours=hours, minutes=minutes, seconds=seconds)
    else:
        left = timedelta()
        found = False
        for match in _COUNTDOWN_PART.finditer(text):
            unit = next(name for name, _ in _COUNTDOWN_UNITS if match.group(name))
            left += timedelta(**{unit: int(match.group(1))})
            found = True
        if not found:
            return None
    return now + left if left > timedelta() else None


def country_code(text: str | None) -> str | None:
    """A country as its ISO 3166 alpha-2 code when recognised, else as shown (trimmed).

    Reads codes ("fr"), flag emoji, English and French names ("France", "États-Unis") and
    a region before the country ("Texas, United States").
    """
    if text is None:
        return None
    shown = _SPACES.sub(" ", text).strip(" \t,;:|-·")
    if not shown:
        return None
    flags = [ord(char) - _REGIONAL_A for char in shown if 0 <= ord(char) - _REGIONAL_A < 26]
    if len(flags) == 2:
        return "".join(chr(ord("A") + index) for index in flags)
    if len(shown) == 2 and shown.isalpha() and shown.isascii():
        return shown.upper()
    names = _country_names()
    for candidate in (shown, shown.rsplit(",", 1)[-1], shown.split("(", 1)[0]):
        code = names.get(_plain(candidate))
        if code:
            return code
    return shown


@cache
def _country_names() -> dict[str, str]:
    """Lower-case, accent-free country names (English and French) to ISO codes."""
    names: dict[str, str] = json.loads(COUNTRY_NAMES_FILE.read_text(encoding="utf-8"))
    names.update(_COUNTRY_ALIASES)
    return names


def _plain(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.replace("’", "'"))
    stripped = "".join(char for char in decomposed if not unicodedata.combining(char))
    return _SPACES.sub(" ", stripped).strip(" .,").casefold()


def clean_website(text: str | None) -> str | None:
    """A victim's website as shown, without surrounding spaces, brackets or punctuation."""
    if text is None:
        return None
    cleaned = _SPACES.sub(" ", text).strip(" \t[]()<>,;|\"'").rstrip(".")
    return cleaned or None


def refused_link(url: str, page_url: str) -> str | None:
    """Why a crawler must not follow ``url`` found on ``page_url``, or None when it may.

    Refused: other schemes, file hosts and files (the rule every family obeys,
    :func:`crawler.core.file_links.file_link_refusal`), text and JSON downloads, ``/download/``
    paths, and other hosts than the page's.
    """
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https"):
        return f"not an http(s) link: {url}"
    file_link = file_link_refusal(url)
    if file_link is not None:
        return file_link
    path = parts.path.lower()
    if path.endswith(_TEXT_DOWNLOADS):
        return f"download link: {path.rsplit('/', 1)[-1]}"
    if _DOWNLOAD_SEGMENTS & {segment for segment in path.split("/") if segment}:
        return f"download link: {parts.path}"
    host = (parts.hostname or "").lower()
    if host != (urlsplit(page_url).hostname or "").lower():
        return f"link to another site: {host}"
    return None


_BASE_HREF = etree.XPath("//head/base/@href")
#: Schemes a listing's links may have (``file`` for saved pages read with ``leakwatch parse``).
_LINK_SCHEMES = ("http", "https", "file")


def page_link(base: str, value: str, page_url: str) -> str | None:
    """``value`` made absolute against ``base``, without fragment; None for scripts and other
    schemes, and for the page itself."""
    link = urljoin(base, value.strip())
    parts = urlsplit(link)
    if parts.scheme not in _LINK_SCHEMES:
        return None
    link = urlunsplit((parts.scheme, parts.netloc, parts.path, parts.query, ""))
    page = urlsplit(page_url)
    if link == urlunsplit((page.scheme, page.netloc, page.path, page.query, "")):
        return None
    return link


def base_of(root: Any, url: str) -> str:
    """The URL a parsed page's relative links are read against (its ``<base href>``)."""
    base = _BASE_HREF(root)
    return urljoin(url, str(base[0]).strip()) if base else url
