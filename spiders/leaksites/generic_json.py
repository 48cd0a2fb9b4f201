"""Victims in a JSON answer, read without a layout (the generic reader's JSON side).

Several groups serve their listing as JSON (an API behind a script page, or JSON shown in a
``<pre>``): a list of records with a name, a date, a text. :func:`json_records` finds the
largest list of objects that carry a name-like key ("title", "name", "company"…), anywhere in
the document (walked with an explicit stack, bounded); :func:`record_fields` reads each
record's fields by key name. Pure functions.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from typing import Any

from spiders.leaksites.generic_values import date_in, read_date
from spiders.page_text import parse_html, string_of

#: Objects walked in one document at most (a hostile answer may be huge).
MAX_NODES = 200_000
TITLE_KEYS = ("post_title", "title", "name", "company", "company_name", "victim", "victim_name")
_KEYS = {
    "website": ("website", "url", "site", "domain", "company_url", "web", "homepage"),
    "description": ("description", "content", "text", "desc", "info", "about", "summary"),
    "published": (
        "published", "publication_date", "publish_date", "publication", "deadline", "release",
        "disclosure", "leak_date", "timer", "countdown",
    ),
    "discovered": (
        "discovered", "date", "created", "createddt", "created_at", "createdat", "added",
        "updated", "updated_at", "updatedat", "updateddt", "time", "timestamp",
    ),
    "country": ("country", "country_code", "location", "geo"),
    "post_url": ("post_url", "link", "href", "permalink", "path"),
    "status": ("status", "state"),
}  # fmt: skip
_TAGS = re.compile(r"<[^>]+>")
_EPOCH = re.compile(r"\d{9,13}(?:\.\d+)?")


def json_records(text: str) -> list[dict[str, Any]]:
    """The largest list of name-carrying objects in a JSON document (or JSON in a page's
    ``<pre>``); [] when the text holds none."""
    document = _json_of(text)
    if document is None:
        return []
    best: list[dict[str, Any]] = []
    stack: list[Any] = [document]
    walked = 0
    while stack and walked < MAX_NODES:
        node = stack.pop()
        walked += 1
        if isinstance(node, dict):
            stack.extend(node.values())
        elif isinstance(node, list):
            named = [item for item in node if isinstance(item, dict) and title_of(item)]
            if len(named) > len(best):
                best = named
            stack.extend(node)
    return best


def _json_of(text: str) -> Any:
    body = text.strip()
    if not body.startswith(("{", "[")):
        if "<pre" not in body[:4000].casefold():
            return None
        pre = parse_html(body).xpath("//pre")
        body = string_of(pre[0]) if pre else ""
        if not body.startswith(("{", "[")):
            return None
    try:
        return json.loads(body)
    except (ValueError, RecursionError):
        return None


def title_of(record: dict[str, Any]) -> str:
    """The record's name: its first non-empty title-like key, as text."""
    for key in TITLE_KEYS:
        value = _get(record, key)
        if isinstance(value, str | int) and str(value).strip():
            return " ".join(_TAGS.sub(" ", str(value)).split())
    return ""


def record_text(record: dict[str, Any], field: str) -> str | None:
    """The record's value for ``field`` (website, description, country, post_url, status) as
    text, HTML tags removed; looked up by key name, also in nested objects one level down."""
    for key in _KEYS[field]:
        value = _get(record, key)
        if isinstance(value, str | int | float) and str(value).strip():
            return " ".join(_TAGS.sub(" ", str(value)).split())
    return None


def record_date(record: dict[str, Any], field: str, timezone: str) -> datetime | None:
    """The record's ``published`` or ``discovered`` date: epochs (seconds or milliseconds) or
    date text."""
    for key in _KEYS[field]:
        value = _get(record, key)
        text = str(value).strip() if isinstance(value, str | int | float) else ""
        if _EPOCH.fullmatch(text):
            seconds = float(text) / (1000 if len(text.split(".")[0]) > 11 else 1)
            return datetime.fromtimestamp(seconds, UTC)
        found = date_in(text) if text else None
        if found:
            return read_date(found, timezone)
    return None


def _get(record: dict[str, Any], key: str) -> Any:
    """``record[key]`` whatever its case; else the key in a nested object ("publication")."""
    for name, value in record.items():
        if name.casefold() == key:
            return value
    for value in record.values():
        if isinstance(value, dict):
            for name, inner in value.items():
                if name.casefold() == key:
                    return inner
    return None
