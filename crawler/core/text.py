"""Crawled text made safe to store: the one sanitising function every family's items pass
through at the pipeline's boundary.

PostgreSQL refuses NUL in text, both engines refuse lone surrogates (they cannot be encoded as
UTF-8), and control characters have no business in a title. A crawled page can hold all of
them ("&#0;", "&#xD800;" in a feed, a NUL in a JSON string): one bad entry must never fail the
batch it travels in.
"""

from __future__ import annotations

import dataclasses
import re
from typing import Any, TypeVar

from crawler.core.items import PostRecord

Record = TypeVar("Record")
#: The longest title stored: a title is a line, not a page (a 200,000-character "title" was
#: once stored whole). What is cut goes to the front of the text, so it is still matched.
MAX_TITLE_CHARS = 1_000

#: NUL and the C0/C1 controls but tab, line feed and carriage return, and lone surrogates.
_UNSAFE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")
_REFERENCE = re.compile(rb"&#([xX][0-9a-fA-F]+|[0-9]+);")
REPLACEMENT = "\ufffd"


def clean_text(value: str) -> str:
    """``value`` without NUL and control characters; lone surrogates become U+FFFD."""
    if not _UNSAFE.search(value):
        return value
    return _UNSAFE.sub(
        lambda found: REPLACEMENT if "\ud800" <= found.group() <= "\udfff" else "", value
    )


def clean_value(value: Any) -> Any:
    """:func:`clean_text` applied to every string in ``value`` (str, list, tuple, dict)."""
    if isinstance(value, str):
        return clean_text(value)
    if isinstance(value, list):
        return [clean_value(item) for item in value]
    if isinstance(value, tuple):
        return tuple(clean_value(item) for item in value)
    if isinstance(value, dict):
        return {clean_text(str(key)): clean_value(item) for key, item in value.items()}
    return value


def clean_record(record: Record) -> Record:
    """A copy of the dataclass ``record`` with every string field (and strings inside lists
    and dicts) cleaned by :func:`clean_text`; ``record`` itself when nothing changed."""
    changes = {}
    for field in dataclasses.fields(record):  # type: ignore[arg-type]
        value = getattr(record, field.name)
        cleaned = clean_value(value)
        if cleaned != value:
            changes[field.name] = cleaned
    return dataclasses.replace(record, **changes) if changes else record  # type: ignore[type-var]


def cap_title(record: PostRecord) -> PostRecord:
    """``record`` with its title cut to :data:`MAX_TITLE_CHARS` (ending "…"), the cut part
    moved to the front of its text; ``record`` itself when the title is short enough."""
    if len(record.title) <= MAX_TITLE_CHARS:
        return record
    keep = MAX_TITLE_CHARS - 1
    rest = record.title[keep:]
    text = f"{rest}\n{record.text}" if record.text else rest
    return dataclasses.replace(record, title=record.title[:keep] + "…", text=text)


def clean_references(document: bytes) -> bytes:
    """A document's numeric character references to NUL, controls, surrogates or beyond
    U+10FFFF replaced by U+FFFD's (XML parsers crash or stop on them)."""
    if b"&#" not in document:
        return document
    return _REFERENCE.sub(_safe_reference, document)


def _safe_reference(found: re.Match[bytes]) -> bytes:
    number = found.group(1)
    if len(number) > 12:
        return b"&#xFFFD;"
    code = int(number[1:], 16) if number[:1] in b"xX" else int(number)
    unsafe = (
        code > 0x10FFFF
        or 0xD800 <= code <= 0xDFFF
        or (code < 0x20 and code not in (0x9, 0xA, 0xD))
        or 0x7F <= code <= 0x9F
    )
    return b"&#xFFFD;" if unsafe else found.group()
