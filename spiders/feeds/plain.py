"""Plain text out of the markup feeds carry in titles and descriptions (pure)."""

from __future__ import annotations

import re

from spiders.page_text import block_text, parse_html

#: Plain text kept per entry for matching (the pipeline stores a redacted excerpt only).
SUMMARY_LIMIT = 20_000
SPACES = re.compile(r"\s+")
_MARKUP = re.compile(r"<[a-zA-Z!/]")


def plain_text(text: str, keep_lines: bool = False) -> str:
    """``text`` without markup and with spaces folded; ``keep_lines`` keeps paragraph breaks."""
    if _MARKUP.search(text):
        text = block_text(parse_html(f"<div>{text}</div>"))
    if keep_lines:
        return "\n".join(SPACES.sub(" ", line).strip() for line in text.splitlines()).strip()
    return SPACES.sub(" ", text).strip()
