"""Leak-site field values as analysts want them (pure functions): countries as ISO codes,
countdowns as dates, websites trimmed, and the links a crawler must never follow.
"""

from __future__ import annotations

import json
import re
import unicodedata
from datetime import datetime, timedelta
from functools import cache
from pathlib import Path
from urllib.parse import urlsplit

#: English and French country names (lower case, accents removed) to ISO 3166 alpha-2 codes,
#: generated from the geocoder names of the ``phonenumbers`` package (one entry per region).
COUNTRY_NAMES_FILE = Path(__file__).parent / "countries.json"

#: File hosts and cloud drives: leak sites link their archives there; never followed.
FILE_HOSTS = (
    "1drv.ms", "anonfile.com", "anonfiles.com", "anonymfile.com", "bashupload.com",
    "bayfiles.com", "catbox.moe", "dosya.co", "drive.google.com", "dropbox.com",
    "dropmefiles.com", "fex.net", "file.io", "files.fm", "filetransfer.io", "gofile.io",
    "krakenfiles.com", "limewire.com", "mediafire.com", "mega.co.nz", "mega.io", "mega.nz",
    "onedrive.live.com", "oshi.at", "pixeldrain.com", "qiwi.gg", "racaty.net", "sendspace.com",
    "temp.sh", "tmpfiles.org", "transfer.sh", "ufile.io", "upload.ee", "uploadnow.io",
    "we.tl", "wetransfer.com", "workupload.com", "zippyshare.com",
)  # fmt: skip
#: Path endings of archives, dumps and documents: downloads, never pages.
DOWNLOAD_EXTENSIONS = (
    ".7z", ".bak", ".bz2", ".csv", ".db", ".doc", ".docx", ".dump", ".gz", ".json", ".pdf",
    ".rar", ".sql", ".sqlite", ".tar", ".tgz", ".txt", ".xls", ".xlsx", ".xz", ".zip", ".zst",
)  # fmt: skip
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

    Refused: other schemes, other hosts than the page's, file hosts, archive or document
    downloads (by extension) and ``/download/`` paths.
    """
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https"):
        return f"not an http(s) link: {url}"
    host = (parts.hostname or "").lower()
    if any(host == known or host.endswith(f".{known}") for known in FILE_HOSTS):
        return f"file host link: {host}"
    path = parts.path.lower()
    if path.endswith(DOWNLOAD_EXTENSIONS):
        return f"download link: {path.rsplit('/', 1)[-1]}"
    if _DOWNLOAD_SEGMENTS & {segment for segment in path.split("/") if segment}:
        return f"download link: {parts.path}"
    if host != (urlsplit(page_url).hostname or "").lower():
        return f"link to another site: {host}"
    return None
