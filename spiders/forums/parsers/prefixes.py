"""Bracketed tokens authors type at the start of a thread title, read as tags (pure).

Forums without a prefix system (phpBB, home-made boards, MyBB sections without prefixes) carry
the same information in the title itself: "[VENTE] Base patients…", "[Leak][FR] …", "(FR) …",
"【SELL】…". :func:`title_tags` returns those tokens; the title itself is left as it is.
"""

from __future__ import annotations

import re

#: A token longer than this is a bracketed title, not a tag; reading stops there.
MAX_TAG_LENGTH = 40
#: Tokens read from one title at most.
MAX_TITLE_TAGS = 5

_PAIRS = {"[": "]", "(": ")", "{": "}", "【": "】", "［": "］", "（": "）", "〔": "〕"}
#: One leading token: an opening bracket, up to MAX_TAG_LENGTH characters without brackets,
#: its closing bracket, then spaces or a separator ("[WTS] - …", "[FR] | …").
_TOKEN = re.compile(
    "|".join(
        rf"{re.escape(open_)}([^{re.escape(''.join(_PAIRS) + ''.join(_PAIRS.values()))}]"
        rf"{{1,{MAX_TAG_LENGTH}}}){re.escape(close)}"
        for open_, close in _PAIRS.items()
    )
)
_AFTER_TOKEN = re.compile(r"[\s\u00a0]*(?:[-|:·–—][\s\u00a0]*)?")
_SPACES = re.compile(r"\s+")
_BRACKETS = "".join(_PAIRS) + "".join(_PAIRS.values())


def title_tags(title: str) -> list[str]:
    """Leading bracketed tokens of ``title``, brackets and spaces stripped, case kept.

    Only tokens at the very start count (a bracket in the middle of a title is not a tag),
    at most :data:`MAX_TITLE_TAGS` of them, each :data:`MAX_TAG_LENGTH` characters at most;
    a repeated token (any case) is kept once.
    """
    tags: list[str] = []
    seen: set[str] = set()
    position = len(title) - len(title.lstrip())
    while len(tags) < MAX_TITLE_TAGS:
        match = _TOKEN.match(title, position)
        if match is None:
            break
        token = next(group for group in match.groups() if group is not None)
        tag = _SPACES.sub(" ", token).strip()
        if tag and tag_key(tag) not in seen:
            seen.add(tag_key(tag))
            tags.append(tag)
        separator = _AFTER_TOKEN.match(title, match.end())
        position = separator.end() if separator else match.end()
    return tags


def tag_key(tag: str) -> str:
    """What two tags are compared on: "[SELLING]", "selling" and "(Selling)" are one tag."""
    return _SPACES.sub(" ", tag.strip().strip(_BRACKETS).strip(" :")).casefold()


def merge_tags(engine_tags: list[str], title: str) -> list[str]:
    """The engine's prefixes, then the title's leading tokens that none of them already names."""
    known = {tag_key(tag) for tag in engine_tags}
    merged = list(engine_tags)
    for tag in title_tags(title):
        if tag_key(tag) not in known:
            known.add(tag_key(tag))
            merged.append(tag)
    return merged
