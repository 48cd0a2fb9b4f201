"""Victim statuses on leak sites (pure functions): the markers groups print in or beside a
victim's title ("(SOLD)", "<Disclose>", "[UPDATE]", "PUBLISHED", "3D 04h 12m", "Time left",
"Data will be published in…"), read as one canonical status and cut out of the title.

The vocabulary is data, ``spiders/leaksites/statuses.yaml`` (statuses by precedence, their
phrases and countdown patterns; how a phrase is recognised is described there).
:func:`split_title` gives a title without its markers and the status they said;
:func:`status_of` reads the text of a layout's ``status`` field. Regular expressions run under
a time budget: crawled titles are hostile.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import regex  # type: ignore[import-untyped]
import yaml

STATUS_FILE = Path(__file__).parent / "statuses.yaml"
#: Seconds one status expression may run on one text before it is given up.
REGEX_SECONDS = 0.25
#: A status shown in words the vocabulary does not know is kept, cut to this length.
SHOWN_STATUS_LIMIT = 40
_FLAGS = regex.IGNORECASE | regex.VERSION1
_OPEN = r"[\[(<{【*]"
_CLOSE = r"[\])>}】*]"
# "*UPD 05-13*", "[ post has been updated - 2 Oct.]": a date may follow a bracketed marker.
_DATE = r"(?:\s*[-–:,]?\s*(?:\d{1,2}[./-]\d{1,2}(?:[./-]\d{2,4})?|\d{1,2}\s*[a-z]{3,9}\.?))?"
_TRAILING_SEPARATOR = r"(?:\s*[-–|\\/:,.!]\s*|(?<=[)\]>}】]))"
_SPACES = re.compile(r"\s+")

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class StatusVocabulary:
    """The compiled vocabulary: one expression per way a marker can stand in a title."""

    #: Status of each phrase (folded) and pattern (as written).
    phrase_status: dict[str, str]
    pattern_status: list[tuple[Any, str]]
    order: tuple[str, ...]
    bracketed: Any
    leading: Any
    trailing: Any
    countdowns: Any
    words: Any


def split_title(text: str) -> tuple[str, str | None]:
    """``text`` without its status markers, and the status they say (None without any).

    The title is returned as given when it holds no marker, or when only markers would be
    left of it (a victim named "Auction" keeps its name).
    """
    vocabulary = _vocabulary()
    found: list[str] = []
    title = text
    for expression in (vocabulary.countdowns, vocabulary.bracketed, vocabulary.leading):
        title = _cut(expression, title, found, vocabulary)
    for _ in range(3):  # "… - 431 GB SOLD", then what it uncovered
        shorter = _cut(vocabulary.trailing, title, found, vocabulary)
        if shorter == title:
            break
        title = shorter
    title = _SPACES.sub(" ", title).strip(" -–|\\/:,")
    if not found or not title:
        return text, None
    return title, _first(found, vocabulary.order)


def status_of(text: str | None) -> str | None:
    """The status a site shows in ``text`` ("PUBLISHED FULL", "3 DAYS BEFORE PUBLICATION",
    "published"): a countdown first, then the first known phrase; text the vocabulary does not
    know is kept as shown (lower case, at most SHOWN_STATUS_LIMIT characters); None when empty.
    """
    if text is None:
        return None
    shown = _SPACES.sub(" ", text).strip(" \t-–|:,.!()[]<>{}*")
    if not shown:
        return None
    vocabulary = _vocabulary()
    if _search(vocabulary.countdowns, shown) is not None:
        return "countdown"
    found = [
        vocabulary.phrase_status[_fold(m.group(0))] for m in _finditer(vocabulary.words, shown)
    ]
    if found:
        return _first(found, vocabulary.order)
    return shown.casefold()[:SHOWN_STATUS_LIMIT]


def known_statuses() -> tuple[str, ...]:
    """The canonical statuses, by precedence."""
    return _vocabulary().order


def _cut(expression: Any, text: str, found: list[str], vocabulary: StatusVocabulary) -> str:
    """``text`` with every match of ``expression`` replaced by a space; statuses noted."""

    def note(match: Any) -> str:
        found.append(_status_of_match(match.group("marker"), vocabulary))
        return " "

    try:
        return str(expression.sub(note, text, timeout=REGEX_SECONDS))
    except TimeoutError:
        logger.warning("status markers of a title not read: gave up after %.2f s", REGEX_SECONDS)
        return text


def _status_of_match(marker: str, vocabulary: StatusVocabulary) -> str:
    status = vocabulary.phrase_status.get(_fold(marker))
    if status is not None:
        return status
    for pattern, pattern_status in vocabulary.pattern_status:
        if pattern.search(marker):
            return pattern_status
    return "countdown"


def _search(expression: Any, text: str) -> Any:
    try:
        return expression.search(text, timeout=REGEX_SECONDS)
    except TimeoutError:
        return None


def _finditer(expression: Any, text: str) -> list[Any]:
    try:
        return list(expression.finditer(text, timeout=REGEX_SECONDS))
    except TimeoutError:
        return []


def _first(found: list[str], order: tuple[str, ...]) -> str:
    return min(found, key=order.index)


def _fold(phrase: str) -> str:
    return " ".join(re.split(r"[\s\-_]+", phrase.strip().casefold()))


def _phrase_expression(phrase: str) -> str:
    words = [regex.escape(word) for word in re.split(r"[\s\-_]+", phrase.strip()) if word]
    body = r"[\s\-_]*".join(words)
    # Word edges only where the phrase starts or ends with a word character ("<1% disclosed").
    start = r"\b" if re.match(r"\w", phrase.strip()) else ""
    end = r"\b" if re.search(r"\w$", phrase.strip()) else ""
    return f"{start}{body}{end}"


@cache
def _vocabulary() -> StatusVocabulary:
    """The vocabulary file, compiled; raises ValueError when it is malformed."""
    data = yaml.safe_load(STATUS_FILE.read_text(encoding="utf-8"))
    statuses = data.get("statuses") if isinstance(data, dict) else None
    if not isinstance(statuses, dict) or not statuses:
        raise ValueError(f"{STATUS_FILE}: expected a 'statuses' table")
    phrase_status: dict[str, str] = {}
    loose: list[str] = []
    tagged: list[str] = []
    patterns: list[tuple[str, str]] = []
    for status, entry in statuses.items():
        for phrase in entry.get("phrases", []):
            phrase_status[_fold(phrase)] = status
            loose.append(phrase)
        for phrase in entry.get("tagged", []):
            phrase_status[_fold(phrase)] = status
            tagged.append(phrase)
        patterns += [(pattern, status) for pattern in entry.get("patterns", [])]
    by_length = sorted([*loose, *tagged], key=len, reverse=True)
    every = "|".join(_phrase_expression(phrase) for phrase in by_length)
    loose_only = "|".join(_phrase_expression(p) for p in sorted(loose, key=len, reverse=True))
    countdown = "|".join(f"(?:{pattern})" for pattern, _ in patterns)
    return StatusVocabulary(
        phrase_status=phrase_status,
        pattern_status=[(regex.compile(p, _FLAGS), status) for p, status in patterns],
        order=tuple(statuses),
        bracketed=regex.compile(rf"{_OPEN}\s*(?P<marker>{every}){_DATE}\s*{_CLOSE}", _FLAGS),
        leading=regex.compile(rf"^\s*(?P<marker>{every})\s*[!:]+\s*", _FLAGS),
        trailing=regex.compile(
            rf"(?:{_TRAILING_SEPARATOR}(?P<marker>{every})|\s+(?P<marker>{loose_only}))"
            rf"\s*[!.]*\s*$",
            _FLAGS,
        ),
        countdowns=regex.compile(
            rf"(?:{_OPEN}\s*)?(?P<marker>{countdown})(?:\s*{_CLOSE})?", _FLAGS
        ),
        words=regex.compile(every, _FLAGS),
    )
