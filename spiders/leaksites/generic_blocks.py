"""Repeated blocks of a listing page, found without a layout (the generic reader's eyes).

:func:`best_blocks` groups the page's elements by their place in the tree (tag + first class
of each ancestor: cards, rows, table cells), keeps the groups of at least :data:`MIN_BLOCKS`
whose members carry a short title-like text in the same position (a heading, an element
classed "title" or "name", a link, bold text, or the block's first line), and returns the
group that looks most like a victim listing. Page chrome is never read: ``nav``, ``header``,
``footer``, forms, scripts, hidden elements and elements classed or named nav / menu / footer
/ header / pagination / sidebar. Most blocks of a listing carry more than a title (text, a
link, a date, a domain) and none holds a form field, so a login page, an error page or a
single article gives no group. Trees are walked with explicit stacks (hostile nesting).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from spiders.leaksites.generic_values import (
    date_in,
    is_countdown,
    labelled,
    link_word,
    website_in_line,
)
from spiders.leaksites.status import known_statuses, split_title, status_of

#: Fewest repeated blocks that make a listing.
MIN_BLOCKS = 3
TITLE_MAX = 150
_HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}
_BOLD = {"strong", "b"}
_SKIPPED = {
    "script", "style", "noscript", "template", "head", "nav", "form", "select", "option", "svg",
    "button", "iframe", "textarea", "title", "meta", "link",
}  # fmt: skip
#: A page's header and footer; inside an ``article`` they are the card's own.
_PAGE_PARTS = {"header", "footer", "aside"}
_FORM_FIELDS = {"input", "textarea", "select", "form"}
_BLOCK_TAGS = {
    "address", "article", "blockquote", "br", "dd", "div", "dl", "dt", "figcaption", "h1",
    "h2", "h3", "h4", "h5", "h6", "hr", "li", "ol", "p", "pre", "section", "table", "td", "th",
    "tr", "ul", "h", "small",
}  # fmt: skip
#: Class, id or role words of page chrome: "nav", "navbar-nav", "site-header", "menu-item".
_CHROME = re.compile(
    r"^(?:(?:site|page|main|top|global|app)[-_])?(?:header|footer|sidebar)$"
    r"|^(?:nav|navbar|navigation|menu|breadcrumbs?|pagination|pager|cookies?|modal|toolbar)"
    r"(?:$|[-_])|[-_](?:nav|navbar|menu)$",
    re.IGNORECASE,
)
_HIDDEN_CLASS = {"d-none", "hidden", "hide", "invisible", "sr-only", "visually-hidden"}
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.IGNORECASE)
_TITLE_CLASS = re.compile(r"title|name|company|victim|heading", re.IGNORECASE)
_WORD = re.compile(r"[^\W_][\w'’.&/-]*", re.UNICODE)
_JOINING_WORDS = {
    "a", "an", "and", "at", "au", "aux", "d", "de", "del", "der", "des", "di", "du", "e", "en",
    "et", "for", "in", "l", "la", "le", "les", "of", "on", "the", "und", "van", "von", "y",
}  # fmt: skip
_ID_CLASS = re.compile(r"\d{3,}")
_LETTER = re.compile(r"[^\W\d_]", re.UNICODE)


@dataclass
class Block:
    """One repeated element read as text lines, with its title when it has one."""

    element: Any
    lines: list[str]
    title: str = ""
    title_node: Any = None
    #: Where the title sits in the block (its path of tag signatures, or "line").
    title_path: tuple[str, ...] = ()
    links: list[tuple[str, str]] = field(default_factory=list)

    @property
    def extra_lines(self) -> list[str]:
        """The lines besides the title."""
        lines = list(self.lines)
        if self.title in lines:
            lines.remove(self.title)
        return lines


def best_blocks(root: Any) -> list[Block]:
    """The titled blocks of the group that looks most like a victim listing ([] if none),
    with the blocks of the same kind elsewhere on the page (a "new" and a "published"
    section), in page order."""
    groups, order = _groups(root)
    best: list[Block] = []
    best_key: tuple[str, ...] = ()
    best_score = 0.0
    for key, members in groups.items():
        if len(members) < MIN_BLOCKS or all(map(_wrapper, members)):
            continue
        blocks = _titled(members)
        score = _score(blocks)
        if score > best_score:
            best, best_key, best_score = blocks, key, score
    if not best:
        return []
    place = best[0].title_path
    for key, members in groups.items():
        if key != best_key and key[-1] == best_key[-1]:
            more = [_block(member) for member in members if not _header_row(member)]
            best += [b for b in more if b.title_path == place and _carries_more(b)]
    inside = {id(block.element) for block in best}
    kept = [
        block
        for block in best
        if not any(id(above) in inside for above in block.element.iterancestors())
    ]
    return sorted(kept, key=lambda block: order[id(block.element)])


def _groups(root: Any) -> tuple[dict[tuple[str, ...], list[Any]], dict[int, int]]:
    """Elements grouped by their place in the tree (tag + first class of each ancestor),
    page chrome left out, in document order; and each element's rank in the page."""
    groups: dict[tuple[str, ...], list[Any]] = {}
    order: dict[int, int] = {}
    tops = [root, *(node for node in root.itersiblings() if isinstance(node.tag, str))]
    stack: list[tuple[Any, tuple[str, ...]]] = [(top, ()) for top in reversed(tops)]
    while stack:
        node, path = stack.pop()
        if not isinstance(node.tag, str) or _is_chrome(node):
            continue
        key = (*path, signature(node))
        groups.setdefault(key, []).append(node)
        order[id(node)] = len(order)
        stack.extend((child, key) for child in reversed(node))
    return groups, order


def _wrapper(node: Any) -> bool:
    """An element holding only one element and no text: its child's group says the same."""
    children = [child for child in node if isinstance(child.tag, str)]
    texts = [node.text, *(child.tail for child in node)]
    return len(children) == 1 and not any(text and text.strip() for text in texts)


def signature(node: Any) -> str:
    """An element's tag and first class (``div.card``): modifiers after it may differ, and
    classes holding an id (WordPress's ``post-1201``) are skipped."""
    classes = [name for name in (node.get("class") or "").split() if not _ID_CLASS.search(name)]
    return f"{node.tag}.{classes[0]}" if classes else str(node.tag)


def _is_chrome(node: Any) -> bool:
    """Navigation, forms, scripts, hidden elements, the page's header and footer: never
    victims."""
    if node.tag in _SKIPPED or _is_hidden(node):
        return True
    if node.tag in _PAGE_PARTS and not any(a.tag == "article" for a in node.iterancestors()):
        return True
    named = f"{node.get('class') or ''} {node.get('id') or ''} {node.get('role') or ''}"
    return any(_CHROME.search(word) for word in named.split())


def _is_hidden(node: Any) -> bool:
    classes = set((node.get("class") or "").split())
    return bool(classes & _HIDDEN_CLASS) or bool(_HIDDEN_STYLE.search(node.get("style") or ""))


def _titled(members: list[Any]) -> list[Block]:
    """The members whose title sits where most members' titles sit."""
    # A table's header row (cells all <th>) names columns, not a victim.
    blocks = [_block(member) for member in members if not _header_row(member)]
    titled = [block for block in blocks if block.title]
    if not titled:
        return []
    place, count = Counter(block.title_path for block in titled).most_common(1)[0]
    if count < 0.6 * len(members):
        return []
    return [block for block in titled if block.title_path == place]


def _header_row(element: Any) -> bool:
    cells = [child for child in element if isinstance(child.tag, str)]
    return element.tag == "tr" and len(cells) > 1 and all(cell.tag == "th" for cell in cells)


def _score(blocks: list[Block]) -> float:
    """How much ``blocks`` look like victims: their number weighted by what they carry; 0 for
    too few, mostly bare or repeated titles, or a form."""
    if len(blocks) < MIN_BLOCKS:
        return 0.0
    titles = {block.title.casefold() for block in blocks}
    if len(titles) < MIN_BLOCKS or len(titles) < 0.5 * len(blocks):
        return 0.0
    if any(_has_form_field(block.element) for block in blocks):
        return 0.0
    richness = [_richness(block) for block in blocks]
    described = sum(1 for block in blocks if _carries_more(block))
    if described < 0.5 * len(blocks):
        return 0.0
    # Cards with only a name and a text are victims when they are named like organisations
    # ("Clinique du Val", "acme.com"), not like an article's sections ("Ce que nous savons").
    named = sum(1 for block in blocks if _named(block.title))
    if sum(richness) / len(blocks) < 1.5 and named < 0.8 * len(blocks):
        return 0.0
    return sum(1 + value for value in richness)


def _named(title: str) -> bool:
    """Whether ``title`` reads as an organisation's name: a domain, or mostly capitalised
    words (short joining words aside)."""
    if website_in_line(title):
        return True
    words = [word for word in _WORD.findall(title) if word.casefold() not in _JOINING_WORDS]
    capitalised = [word for word in words if word[0].isupper() or word[0].isdigit()]
    return bool(words) and len(capitalised) > 0.5 * len(words)


def _richness(block: Block) -> float:
    extra = block.extra_lines
    value = 1.0 if sum(len(line) for line in extra) >= 10 else 0.0
    value += 1.0 if block.links else 0.0
    value += 1.0 if any(date_in(line) or is_countdown(line) for line in extra) else 0.0
    value += 0.5 if any(website_in_line(line) or _labelled(line) for line in extra) else 0.0
    return value


def _labelled(line: str) -> bool:
    return any(labelled(line, name) for name in ("website", "country", "published", "discovered"))


def _carries_more(block: Block) -> bool:
    extra = block.extra_lines
    return sum(len(line) for line in extra) >= 10 or any(date_in(line) for line in extra)


def _has_form_field(element: Any) -> bool:
    return element.tag in _FORM_FIELDS or any(
        child.tag in _FORM_FIELDS for child in element.iterdescendants()
    )


def _block(element: Any) -> Block:
    lines, links, candidates = _read(element)
    block = Block(element, lines, links=links)
    first_line = lines[0] if len(lines) >= 2 and _title_like(lines[0]) else None
    for node, path in candidates:
        # Bold text is a title only when it opens the block; else its first line is.
        if node.tag in _BOLD and first_line is not None:
            break
        text = visible_text(node)
        if _title_like(text) and not (node.tag == "a" and link_word(text)):
            block.title, block.title_node, block.title_path = text, node, path
            return block
    if first_line is not None:
        block.title, block.title_path = first_line, ("line",)
    return block


def _title_like(text: str) -> bool:
    """Short, with a letter, and not only a date, a countdown, a status or a link word."""
    if not 2 <= len(text) <= TITLE_MAX or not _LETTER.search(text) or link_word(text):
        return False
    if is_countdown(text) or date_in(text) == text:
        return False
    title, status = split_title(text)
    return not (status is not None and title == text and status_of(text) in known_statuses())


def _read(
    element: Any,
) -> tuple[list[str], list[tuple[str, str]], list[tuple[Any, tuple[str, ...]]]]:
    """The block's visible lines, its links (href, text) and its title candidates in order of
    preference (headings, "title" classes, links, bold), each with its path in the block."""
    lines: list[str] = []
    current: list[str] = []
    links: list[tuple[str, str]] = []
    ranked: list[list[tuple[Any, tuple[str, ...]]]] = [[], [], [], []]

    def flush() -> None:
        line = " ".join("".join(current).replace("\u00a0", " ").split())
        if line:
            lines.append(line)
        current.clear()

    if element.tag == "a" and element.get("href"):
        links.append((str(element.get("href")), visible_text(element)))
    stack: list[tuple[Any, tuple[str, ...], bool]] = [(element, (), False)]
    while stack:
        node, path, leaving = stack.pop()
        tag = node.tag if isinstance(node.tag, str) else ""
        skipped = bool(tag) and node is not element and (tag in _SKIPPED or _is_hidden(node))
        if leaving or skipped or not tag:
            if leaving and tag in _BLOCK_TAGS:
                flush()
            if node is not element and node.tail:
                current.append(node.tail)
            continue
        if tag in _BLOCK_TAGS:
            flush()
        if node is not element:
            _rank(node, path, ranked, links)
        if node.text:
            current.append(node.text)
        stack.append((node, path, True))
        stack.extend(
            (child, (*path, signature(child)) if isinstance(child.tag, str) else path, False)
            for child in reversed(node)
        )
    flush()
    # "post-title-block" holds "post-title": the innermost element classed as a title wins.
    classed = ranked[1]
    ranked[1] = [
        (node, path)
        for node, path in classed
        if not any(other is not node and node in other.iterancestors() for other, _ in classed)
    ]
    return lines, links, [candidate for rank in ranked for candidate in rank]


def visible_text(node: Any) -> str:
    """An element's text without its scripts and hidden parts, spaces collapsed."""
    parts: list[str] = []
    stack: list[tuple[Any, bool]] = [(node, False)]
    while stack:
        current, leaving = stack.pop()
        tag = current.tag if isinstance(current.tag, str) else ""
        hidden = bool(tag) and current is not node and (tag in _SKIPPED or _is_hidden(current))
        if leaving or hidden or not tag:
            if current is not node and current.tail:
                parts.append(current.tail)
            continue
        if current.text:
            parts.append(current.text)
        stack.append((current, True))
        stack.extend((child, False) for child in reversed(current))
    return " ".join("".join(parts).replace("\u00a0", " ").split())


def _rank(
    node: Any,
    path: tuple[str, ...],
    ranked: list[list[tuple[Any, tuple[str, ...]]]],
    links: list[tuple[str, str]],
) -> None:
    tag = node.tag
    if tag == "a" and node.get("href"):
        links.append((str(node.get("href")), visible_text(node)))
    if tag in _HEADINGS:
        ranked[0].append((node, path))
    elif _TITLE_CLASS.search(f"{node.get('class') or ''} {node.get('title') or ''}"):
        ranked[1].append((node, path))
    elif tag == "a":
        ranked[2].append((node, path))
    elif tag in _BOLD:
        ranked[3].append((node, path))
