"""A raw paste body as text (pure): binary bodies refused, wrong or missing charsets survived.

Pastes are served with any content type and charset, truthful or not. :func:`decode_paste`
never fails: it returns the text (or None for binary data) and a note for the log line.
"""

from __future__ import annotations

import codecs
from dataclasses import dataclass

#: Content types a paste may have besides ``text/*``.
_TEXT_APPLICATION_TYPES = (
    "json", "xml", "javascript", "ecmascript", "x-sh", "x-php", "sql", "x-httpd-php", "x-python",
    "x-perl", "x-ruby", "yaml", "toml",
)  # fmt: skip
#: Share of control characters above which a body is taken for binary data.
BINARY_CONTROL_SHARE = 0.1


@dataclass(frozen=True)
class PasteText:
    """A raw paste body read as text: ``text`` is None when the body is binary; ``note`` says
    what was done (binary refused, charset fallback)."""

    text: str | None
    note: str | None = None


def decode_paste(body: bytes, content_type: str | None = None, final: bool = True) -> PasteText:
    """The text of a raw paste body, or None (with a note) when it is binary.

    Binary: a non-text content type, NUL bytes (outside UTF-16/32 with a BOM) or mostly control
    characters. The declared charset is tried first, then UTF-8, then cp1252 with replacement
    characters, so a wrong charset never fails. ``final=False`` (a body cut at the size cap)
    drops a multi-byte character split at the end instead of replacing it.
    """
    media_type, charset = _content_type(content_type)
    if media_type and not _is_text_type(media_type):
        return PasteText(None, f"binary content type {media_type}")
    bom_charset = _bom_charset(body)
    if bom_charset is None and b"\x00" in body[:65536]:
        return PasteText(None, "binary content (NUL bytes)")
    note = None
    text = None
    for candidate in [bom_charset, charset, "utf-8"]:
        if candidate is None:
            continue
        try:
            text = codecs.getincrementaldecoder(candidate)("strict").decode(body, final=final)
        except (LookupError, UnicodeDecodeError):
            continue
        if candidate != (bom_charset or charset or "utf-8"):
            note = f"declared charset {charset} did not fit; read as {candidate}"
        break
    if text is None:
        text = body.decode("cp1252", errors="replace")
        note = f"not valid {charset or 'utf-8'}; read as cp1252"
    text = text.lstrip("\ufeff")
    controls = sum(1 for char in text[:65536] if ord(char) < 32 and char not in "\t\n\r\f\v\x1b")
    if text and controls > BINARY_CONTROL_SHARE * min(len(text), 65536):
        return PasteText(None, "binary content (control characters)")
    return PasteText(text, note)


def _content_type(header: str | None) -> tuple[str | None, str | None]:
    if not header:
        return None, None
    media_type, _, parameters = header.partition(";")
    charset = None
    for parameter in parameters.split(";"):
        name, _, value = parameter.partition("=")
        if name.strip().lower() == "charset" and value.strip():
            charset = value.strip().strip("\"'").lower()
    return media_type.strip().lower() or None, charset


def _is_text_type(media_type: str) -> bool:
    main, _, sub = media_type.partition("/")
    if main == "text":
        return True
    return main == "application" and any(name in sub for name in _TEXT_APPLICATION_TYPES)


def _bom_charset(body: bytes) -> str | None:
    for bom, name in (
        (codecs.BOM_UTF32_LE, "utf-32"),
        (codecs.BOM_UTF32_BE, "utf-32"),
        (codecs.BOM_UTF8, "utf-8-sig"),
        (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"),
    ):
        if body.startswith(bom):
            return name
    return None
