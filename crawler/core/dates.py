"""Forum dates to timezone-aware UTC: epochs, ISO 8601, absolute and relative display text.

Forums show dates in their own timezone and language: "Today, 08:50 AM", "Hier à 21:14",
"il y a 5 minutes", "2 hours ago", "11-23-2026, 08:50 AM", "Sun Nov 22, 2026 9:12 pm".
:class:`DateResolver` turns any of them into an aware UTC datetime, resolving relative forms
against a fixed ``now`` (injectable for tests) in the forum's timezone. Common shapes are parsed
by hand because it is ~50 times faster than dateparser, which handles the rest.
"""

from __future__ import annotations

import calendar
import re
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import dateparser

LANGUAGES = ("en", "fr")
_JUST_NOW = re.compile(
    r"^(a moment ago|just now|now|less than (a|one|1) minute ago|à l'instant|maintenant"
    r"|il y a (un instant|quelques secondes|moins d'une minute))$"
)
_UNITS = {
    "s": "seconds", "sec": "seconds", "secs": "seconds", "second": "seconds",
    "seconde": "seconds",
    "m": "minutes", "min": "minutes", "mins": "minutes", "minute": "minutes",
    "h": "hours", "hr": "hours", "hrs": "hours", "hour": "hours", "heure": "hours",
    "d": "days", "day": "days", "jour": "days", "j": "days",
    "w": "weeks", "week": "weeks", "semaine": "weeks", "sem": "weeks",
    "month": "months", "mois": "months",
    "y": "years", "year": "years", "an": "years", "ans": "years", "année": "years",
}  # fmt: skip
_COUNT = r"(\d+|an?|one|une?)"
_UNIT = r"([a-zé]+)"
_AGO_EN = re.compile(rf"^(?:less than |about )?{_COUNT}\s*{_UNIT}\.?\s+ago$")
_AGO_FR = re.compile(rf"^il y a (?:moins d'|environ )?{_COUNT}\s*{_UNIT}\.?$")
_DAY_WORD = re.compile(
    r"^(today|yesterday|aujourd'hui|hier)\b[\s,]*(?:(?:at|à|a|-)\s*)?(?P<time>.*)$"
)
_TIME = re.compile(r"^(\d{1,2})\s*[:h]\s*(\d{2})(?::(\d{2}))?\s*([ap])?\.?\s*(?:m\.?)?$")
_ISO = re.compile(
    r"^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?(?:Z|[+-]\d{2}:?\d{2})?$"
)
_EPOCH = re.compile(r"^\d{9,11}(?:\.\d+)?$")
_NUMERIC = re.compile(
    r"^(\d{1,4})[-/.](\d{1,2})[-/.](\d{2,4})(?:,?\s+(\d{1,2}):(\d{2})(?::(\d{2}))?"
    r"\s*(?:([ap])\.?m\.?)?)?$"
)
_WEEKDAY_PREFIX = re.compile(
    r"^(?:mon|tue|wed|thu|fri|sat|sun|lun|mar|mer|jeu|ven|sam|dim)[a-z]*\.?,?\s+"
)
#: French month names and abbreviations (phpBB "ven. 24 juil. 2026 16:26") to strptime's %b.
_FRENCH_MONTHS = {
    "janvier": "jan", "janv": "jan", "février": "feb", "févr": "feb", "fevrier": "feb",
    "fevr": "feb", "mars": "mar", "avril": "apr", "avr": "apr", "mai": "may", "juin": "jun",
    "juillet": "jul", "juil": "jul", "août": "aug", "aout": "aug", "septembre": "sep",
    "sept": "sep", "octobre": "oct", "oct": "oct", "novembre": "nov", "nov": "nov",
    "décembre": "dec", "déc": "dec",
    "decembre": "dec",
}  # fmt: skip
_FRENCH_MONTH = re.compile(
    r"(?<![a-zéû])(" + "|".join(sorted(_FRENCH_MONTHS, key=len, reverse=True)) + r")\.?(?![a-zéû])"
)
_TEXT_SHAPES = (
    "%b %d, %Y %I:%M %p", "%b %d, %Y, %I:%M %p", "%b %d, %Y at %I:%M %p", "%b %d, %Y %H:%M",
    "%B %d, %Y %I:%M %p", "%B %d, %Y, %I:%M %p", "%B %d, %Y at %I:%M %p", "%b %d, %Y",
    "%B %d, %Y", "%d %b %Y, %H:%M", "%d %b %Y %H:%M", "%d %B %Y, %H:%M", "%d %B %Y %H:%M",
    "%Y-%m-%d %H:%M", "%Y-%m-%d, %H:%M", "%Y/%m/%d %H:%M",
)  # fmt: skip


def zone(name: str) -> ZoneInfo:
    """The ZoneInfo called ``name``; raises ValueError for an unknown timezone."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ValueError(f"unknown timezone: {name!r}") from exc


class DateResolver:
    """Parses a forum's dates in its timezone; relative ones count back from ``now``.

    ``date_order`` ("MDY", "DMY" or "YMD") settles numeric dates such as 03-04-2026; it
    defaults to MDY, MyBB's default format. One resolver is meant for one page or one crawl:
    it caches what each text resolved to. :meth:`at` gives a resolver for another ``now`` (a
    later page of the same crawl) that shares the cache of the texts that do not depend on
    ``now`` (epochs, ISO and absolute dates), so a crawl parses each of those once.
    """

    #: Texts that do not depend on ``now`` kept per crawl; beyond this, the cache starts over.
    FIXED_CACHE_LIMIT = 50_000

    def __init__(
        self,
        timezone: str = "UTC",
        now: datetime | None = None,
        date_order: str = "MDY",
        languages: tuple[str, ...] = LANGUAGES,
    ) -> None:
        if date_order not in ("MDY", "DMY", "YMD"):
            raise ValueError(f"date_order must be MDY, DMY or YMD, not {date_order!r}")
        self.zone = zone(timezone)
        current = now if now is not None else datetime.now(UTC)
        if current.tzinfo is None:
            raise ValueError("now must be timezone-aware")
        self.now = current.astimezone(UTC)
        self.local_now = self.now.astimezone(self.zone)
        self.date_order = date_order
        self.languages = list(languages)
        self._cache: dict[str, datetime | None] = {}
        self._fixed: dict[str, datetime | None] = {}

    def at(self, now: datetime) -> DateResolver:
        """The same resolver at ``now``: relative dates count back from it, absolute ones
        come from (and go to) the cache this resolver shares."""
        other = DateResolver(self.zone.key, now, self.date_order, tuple(self.languages))
        other._fixed = self._fixed
        return other

    def from_timestamp(self, value: str | float | None) -> datetime | None:
        """A Unix timestamp (seconds, as text or number) as UTC; None when it is not one."""
        if value is None or value == "":
            return None
        try:
            seconds = float(value)
        except ValueError:
            return None
        if not 0 < seconds < 32_503_680_000:
            return None
        return datetime.fromtimestamp(seconds, UTC)

    def from_iso(self, value: str | None) -> datetime | None:
        """An ISO 8601 date or datetime as UTC; a value without offset is forum-local time."""
        if not value:
            return None
        text = value.strip()
        if not _ISO.match(text):
            return None
        try:
            parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
        except ValueError:
            return None
        return self._aware(parsed)

    def parse(self, text: str | None) -> datetime | None:
        """The UTC datetime a date's display text stands for, or None if it is not a date."""
        if not text:
            return None
        cleaned = normalise(text)
        if not cleaned:
            return None
        if cleaned in self._fixed:
            return self._fixed[cleaned]
        if cleaned in self._cache:
            return self._cache[cleaned]
        fixed = self._fixed_date(cleaned)
        if fixed is not None:
            if len(self._fixed) >= self.FIXED_CACHE_LIMIT:
                self._fixed.clear()
            self._fixed[cleaned] = fixed
            return fixed
        result = self._parse(cleaned)
        self._cache[cleaned] = result
        return result

    def _fixed_date(self, text: str) -> datetime | None:
        """Forms whose value does not depend on ``now``: epochs, ISO, absolute dates."""
        if _EPOCH.match(text):
            return self.from_timestamp(text)
        if _ISO.match(text.upper()):
            return self.from_iso(text.upper())
        relative = (_JUST_NOW, _DAY_WORD, _AGO_EN, _AGO_FR)
        if any(pattern.match(text) for pattern in relative):
            return None
        return self._absolute(text)

    def _parse(self, text: str) -> datetime | None:
        if _EPOCH.match(text):
            return self.from_timestamp(text)
        if _ISO.match(text.upper()):
            return self.from_iso(text.upper())
        if _JUST_NOW.match(text):
            return self.now
        relative = self._relative(text)
        if relative is not None:
            return relative
        day_word = _DAY_WORD.match(text)
        if day_word:
            return self._day_word(day_word.group(1), day_word.group("time"))
        absolute = self._absolute(text)
        if absolute is not None:
            return absolute
        return self._dateparser(text)

    def _relative(self, text: str) -> datetime | None:
        match = _AGO_EN.match(text) or _AGO_FR.match(text)
        if not match:
            return None
        count_text, unit_text = match.groups()
        unit = _UNITS.get(unit_text) or _UNITS.get(unit_text.removesuffix("s"))
        if unit is None:
            return None
        count = int(count_text) if count_text.isdigit() else 1
        if unit in ("months", "years"):
            local = _months_before(self.local_now, count * (12 if unit == "years" else 1))
        else:
            local = self.local_now - timedelta(**{unit: count})
        return local.astimezone(UTC)

    def _day_word(self, word: str, time_text: str) -> datetime | None:
        day = self.local_now.date()
        if word in ("yesterday", "hier"):
            day -= timedelta(days=1)
        clock = parse_clock(time_text) if time_text.strip() else time(0, 0)
        if clock is None:
            return None
        return self._local(day, clock)

    def _numeric(self, text: str) -> datetime | None:
        """Numeric dates ("11-23-2026, 08:50 am", "23/11/2026 21:14"), in ``date_order``."""
        match = _NUMERIC.match(text)
        if not match:
            return None
        first, second, third = (int(part) for part in match.group(1, 2, 3))
        if len(match.group(1)) == 4:
            year, month, day = first, second, third
        else:
            month, day = (first, second) if self.date_order == "MDY" else (second, first)
            if month > 12 and day <= 12:
                month, day = day, month
            year = third + 2000 if third < 100 else third
        clock = time(0, 0)
        if match.group(4):
            meridiem = f" {match.group(7)}m" if match.group(7) else ""
            parsed_clock = parse_clock(
                f"{match.group(4)}:{match.group(5)}:{match.group(6) or '00'}{meridiem}"
            )
            if parsed_clock is None:
                return None
            clock = parsed_clock
        try:
            return self._local(date(year, month, day), clock)
        except ValueError:
            return None

    def _absolute(self, text: str) -> datetime | None:
        numeric = self._numeric(text)
        if numeric is not None:
            return numeric
        plain = text.replace(" à ", " ").replace(" - ", " ")
        if not plain.isascii() or _FRENCH_MONTH.search(plain):
            plain = _FRENCH_MONTH.sub(lambda match: _FRENCH_MONTHS[match[1]], plain)
        # "Tue Mar 16, 2010" drops its weekday; "mar 21, 2018" is March, not mardi.
        for candidate in (_WEEKDAY_PREFIX.sub("", plain), plain):
            for shape in _TEXT_SHAPES:
                try:
                    parsed = datetime.strptime(candidate, shape)
                except ValueError:
                    continue
                return self._aware(parsed)
        return None

    def _dateparser(self, text: str) -> datetime | None:
        settings: dict[str, Any] = {
            "TIMEZONE": self.zone.key,
            "TO_TIMEZONE": "UTC",
            "RETURN_AS_TIMEZONE_AWARE": True,
            "RELATIVE_BASE": self.local_now.replace(tzinfo=None),
            "PREFER_DATES_FROM": "past",
            "DATE_ORDER": self.date_order,
        }
        parsed: datetime | None = dateparser.parse(
            text, languages=self.languages, settings=settings
        )
        return parsed.astimezone(UTC) if parsed is not None else None

    def _local(self, day: date, clock: time) -> datetime:
        return datetime.combine(day, clock).replace(tzinfo=self.zone).astimezone(UTC)

    def _aware(self, parsed: datetime) -> datetime:
        if parsed.tzinfo is None:
            parsed = parsed.replace(tzinfo=self.zone)
        return parsed.astimezone(UTC)


def normalise(text: str) -> str:
    """Lower-case, straight apostrophes, single spaces: the form every matcher here expects."""
    text = text.replace("\u00a0", " ").replace("\u202f", " ").replace("’", "'")
    return " ".join(text.split()).strip(" ,·-").lower()


def parse_clock(text: str) -> time | None:
    """A wall-clock time: "08:50 AM", "8:50pm", "21:14", "21h14"; None otherwise."""
    match = _TIME.match(text.strip().lower())
    if not match:
        return None
    hour, minute = int(match.group(1)), int(match.group(2))
    second = int(match.group(3) or 0)
    meridiem = match.group(4)
    if meridiem == "p" and hour < 12:
        hour += 12
    elif meridiem == "a" and hour == 12:
        hour = 0
    if hour > 23 or minute > 59 or second > 59:
        return None
    return time(hour, minute, second)


def _months_before(moment: datetime, months: int) -> datetime:
    """The same wall-clock time ``months`` calendar months earlier (day clamped to the month)."""
    index = moment.year * 12 + moment.month - 1 - months
    year, month = divmod(index, 12)
    day = min(moment.day, calendar.monthrange(year, month + 1)[1])
    return moment.replace(year=year, month=month + 1, day=day)
