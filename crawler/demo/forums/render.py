"""Render demo forum pages in each engine's real markup (Jinja2 templates under templates/forum).

The templates follow the engines' own templates: MyBB 1.8 ``forumdisplay_thread`` and
``postbit``, phpBB 3.3 prosilver ``viewforum_body.html`` and ``viewtopic_body.html``, XenForo
2.2/2.3 ``thread_list_macros`` output, plus a home-made "custom" forum. Dates are displayed the
way each engine displays them, relative ones included, in the forum's timezone.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from markupsafe import Markup, escape

from crawler.core.dates import zone
from crawler.demo.forums.data import DemoForum

ENGINES = ("mybb", "phpbb", "xenforo", "custom")
_EN_DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_FR_DAYS = ("Lundi", "Mardi", "Mercredi", "Jeudi", "Vendredi", "Samedi", "Dimanche")
_EN_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_FR_MONTHS = (
    "janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.", "nov.",
    "déc.",
)  # fmt: skip


@dataclass(frozen=True)
class DateStyle:
    """How one page displays dates: language, the forum's clock and timezone, XF version."""

    language: str
    now: datetime
    timezone: str
    xenforo_version: str = "2.2"

    def local(self, moment: datetime) -> datetime:
        """``moment`` in the forum's timezone."""
        return moment.astimezone(zone(self.timezone))

    def day_word(self, moment: datetime) -> str | None:
        """ "today"/"yesterday" when ``moment`` falls on those local days."""
        days = (self.local(self.now).date() - self.local(moment).date()).days
        return {0: "today", 1: "yesterday"}.get(days)

    def clock(self, moment: datetime) -> str:
        """Local time: "08:50 AM" in English, "08:50" in French."""
        local = self.local(moment)
        return local.strftime("%H:%M") if self.language == "fr" else local.strftime("%I:%M %p")


def mybb_date(style: DateStyle, moment: datetime) -> Markup:
    """MyBB's ``my_date('relative', …)``: minutes/hours ago, Today/Yesterday, else m-d-Y."""
    french = style.language == "fr"
    local = style.local(moment)
    real_date = local.strftime("%d-%m-%Y" if french else "%m-%d-%Y")
    real_time = style.clock(moment)
    seconds = (style.now - moment).total_seconds()
    if 0 <= seconds < 3600:
        minutes = max(1, int(seconds // 60))
        if seconds <= 60:
            text = "Il y a moins d'une minute" if french else "Less than 1 minute ago"
        elif french:
            text = f"Il y a {minutes} minute{'s' if minutes > 1 else ''}"
        else:
            text = f"{minutes} minute{'s' if minutes > 1 else ''} ago"
        return Markup('<span title="{}, {}">{}</span>').format(real_date, real_time, text)
    if 0 <= seconds < 43200:
        hours = max(1, int(seconds // 3600))
        plural = "s" if hours > 1 else ""
        text = f"Il y a {hours} heure{plural}" if french else f"{hours} hour{plural} ago"
        return Markup('<span title="{}, {}">{}</span>').format(real_date, real_time, text)
    word = style.day_word(moment)
    if word:
        label = {"today": ("Aujourd'hui", "Today"), "yesterday": ("Hier", "Yesterday")}[word]
        return Markup('<span title="{}">{}</span>, {}').format(
            real_date, label[0] if french else label[1], real_time
        )
    return Markup("{}, {}").format(real_date, real_time)


def phpbb_date(style: DateStyle, moment: datetime) -> Markup:
    """phpBB's ``format_date`` inside ``<time datetime>`` (RFC 3339, UTC), as prosilver does."""
    french = style.language == "fr"
    seconds = (style.now - moment).total_seconds()
    local = style.local(moment)
    word = style.day_word(moment)
    if 0 <= seconds < 60:
        text = "il y a moins d’une minute" if french else "less than a minute ago"
    elif 0 <= seconds < 3600:
        minutes = int(seconds // 60)
        plural = "s" if minutes > 1 else ""
        text = f"il y a {minutes} minute{plural}" if french else f"{minutes} minute{plural} ago"
    elif word:
        label = {"today": ("Aujourd’hui", "Today"), "yesterday": ("Hier", "Yesterday")}[word]
        clock = local.strftime("%H:%M") if french else _en_clock(local)
        text = f"{label[0] if french else label[1]}, {clock}"
    elif french:
        day = _FR_DAYS[local.weekday()][:3].lower()
        text = f"{day}. {local.day} {_FR_MONTHS[local.month - 1]} {local.year} {local:%H:%M}"
    else:
        text = (
            f"{_EN_DAYS[local.weekday()][:3]} {_EN_MONTHS[local.month - 1]} {local:%d}, "
            f"{local.year} {_en_clock(local)}"
        )
    stamp = moment.astimezone(zone("UTC")).strftime("%Y-%m-%dT%H:%M:%S+00:00")
    return Markup('<time datetime="{}">{}</time>').format(stamp, text)


def xenforo_date(style: DateStyle, moment: datetime, css: str = "") -> Markup:
    """XenForo's ``date_dynamic``: a ``<time class="u-dt">`` with epoch and relative text."""
    french = style.language == "fr"
    local = style.local(moment)
    seconds = (style.now - moment).total_seconds()
    clock = local.strftime("%H:%M") if french else _en_clock(local, upper=True)
    date_string = (
        f"{local.day} {_FR_MONTHS[local.month - 1]} {local.year}"
        if french
        else f"{_EN_MONTHS[local.month - 1]} {local.day}, {local.year}"
    )
    word = style.day_word(moment)
    days = (style.local(style.now).date() - local.date()).days
    if 0 <= seconds < 60:
        text = "Il y a un instant" if french else "A moment ago"
    elif 0 <= seconds < 3600:
        minutes = int(seconds // 60)
        plural = "s" if minutes > 1 else ""
        text = f"Il y a {minutes} minute{plural}" if french else f"{minutes} minute{plural} ago"
    elif word:
        label = {"today": ("Aujourd'hui", "Today"), "yesterday": ("Hier", "Yesterday")}[word]
        text = f"{label[0]} à {clock}" if french else f"{label[1]} at {clock}"
    elif days < 7:
        names = _FR_DAYS if french else _EN_DAYS
        text = f"{names[local.weekday()]} {'à' if french else 'at'} {clock}"
    else:
        text = date_string
    iso = local.strftime("%Y-%m-%dT%H:%M:%S%z")
    title = f"{date_string} {'à' if french else 'at'} {clock}"
    classes = f"{css} u-dt".strip()
    epoch = int(moment.timestamp())
    if style.xenforo_version >= "2.3":
        return Markup(
            '<time class="{}" dir="auto" datetime="{}" data-timestamp="{}" data-date="{}" '
            'data-time="{}" data-short="{}" title="{}">{}</time>'
        ).format(classes, iso, epoch, date_string, clock, _short(seconds), title, text)
    return Markup(
        '<time class="{}" dir="auto" datetime="{}" data-time="{}" data-date-string="{}" '
        'data-time-string="{}" title="{}">{}</time>'
    ).format(classes, iso, epoch, date_string, clock, title, text)


def custom_date(style: DateStyle, moment: datetime) -> Markup:
    """The home-made forum's plain French relative text, no machine-readable date at all."""
    seconds = (style.now - moment).total_seconds()
    local = style.local(moment)
    word = style.day_word(moment)
    if 0 <= seconds < 3600:
        text = f"il y a {max(1, int(seconds // 60))} minutes"
    elif 0 <= seconds < 6 * 3600:
        text = f"il y a {int(seconds // 3600)} heures"
    elif word == "today":
        text = f"Aujourd'hui à {local:%H:%M}"
    elif word == "yesterday":
        text = f"Hier à {local:%H:%M}"
    else:
        text = f"{local.day} {_FR_MONTHS[local.month - 1]} {local.year} à {local:%H:%M}"
    return escape(text)


_DATES = {"mybb": mybb_date, "phpbb": phpbb_date, "xenforo": xenforo_date, "custom": custom_date}


def render(engine: str, template: str, forum: DemoForum, style: DateStyle, **context: Any) -> str:
    """Render ``templates/<engine>/<template>.html.j2`` for ``forum``."""
    formatter = _DATES[engine]

    def show_date(moment: datetime, css: str = "") -> Markup:
        if engine == "xenforo":
            return xenforo_date(style, moment, css)
        return formatter(style, moment)

    page = _environment().get_template(f"{engine}/{template}.html.j2")
    return page.render(forum=forum, date=show_date, lang=style.language, **context)


def render_interstitial(name: str) -> str:
    """An anti-bot page: ``cloudflare`` or ``ddos-guard``."""
    return _environment().get_template(f"interstitial_{name}.html.j2").render()


@cache
def _environment() -> Environment:
    environment = Environment(
        loader=PackageLoader("crawler.demo.forums", "templates"),
        autoescape=select_autoescape(["j2", "html"]),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    environment.filters["thousands"] = lambda number: f"{number:,}"
    environment.filters["short"] = _number_short
    return environment


def _number_short(number: int) -> str:
    """XenForo's ``number_short``: 950, 1.2K, 25K, 1.3M."""
    if number < 1000:
        return str(number)
    if number < 1_000_000:
        value = number / 1000
        return f"{value:.1f}K".replace(".0K", "K") if value < 10 else f"{int(value)}K"
    return f"{number / 1_000_000:.1f}M"


def _en_clock(local: datetime, upper: bool = False) -> str:
    hour = local.hour % 12 or 12
    meridiem = "am" if local.hour < 12 else "pm"
    return f"{hour}:{local:%M} {meridiem.upper() if upper else meridiem}"


def _short(seconds: float) -> str:
    if seconds < 3600:
        return f"{max(1, int(seconds // 60))}m"
    if seconds < 86400:
        return f"{int(seconds // 3600)}h"
    return f"{int(seconds // 86400)}d"
