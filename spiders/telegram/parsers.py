"""Parsers of Telegram's public channel web preview (``t.me/s/<channel>``): pure functions.

:func:`parse_channel_page` reads one preview page into a :class:`ChannelPage`: its messages as
:class:`TelegramMessage` items, every message id on it (service messages included, for paging),
the id its "older messages" link starts before, and what kind of page it is:

* ``preview``: a channel's message history (possibly empty: a channel that exists but has no
  post yet shows its header and no message);
* ``info``: the ``t.me/<channel>`` info page Telegram serves (after a redirect from
  ``/s/<channel>``) for a channel without a public preview, a group, a user or a bot;
* ``unknown``: neither, i.e. the markup changed or the page is not Telegram's.

Only names of attached documents are read; nothing linked from a message is ever fetched.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from typing import Any, Literal
from urllib.parse import parse_qs, urljoin, urlsplit

from lxml import etree  # type: ignore[import-untyped]
from parsel import Selector

from crawler.core.items import SourceItem, TelegramMessage

PageKind = Literal["preview", "info", "unknown"]
#: Message text kept for matching; longer texts are cut (the pipeline stores an excerpt).
TEXT_LIMIT = 20_000
#: Telegram usernames: 4 to 32 letters, digits and underscores, starting with a letter (older
#: channels may have 3+ characters, so the lower bound is kept loose).
_USERNAME = re.compile(r"^[A-Za-z][A-Za-z0-9_]{2,63}$")
_POST = re.compile(r"^\s*(?:([^/\s]+)/)?(\d+)\s*$")
_COUNT = re.compile(r"^(\d+(?:[.,]\d+)?)\s*([KMB])?$", re.IGNORECASE)
_MULTIPLIERS = {"": 1, "K": 1_000, "M": 1_000_000, "B": 1_000_000_000}
_SPACES = re.compile(r"[ \t\r\n\f\v]+")
_BLOCK_TAGS = {
    "address", "article", "blockquote", "dd", "div", "dl", "dt", "figcaption", "footer",
    "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "li", "ol", "p", "pre", "section",
    "table", "tr", "ul",
}  # fmt: skip
_SKIPPED_TAGS = {"script", "style", "noscript", "template", "svg"}


def _has_class(name: str) -> str:
    """XPath predicate body: the element's class list contains ``name`` (plain XPath 1.0)."""
    return (
        f"(contains(@class, '{name}') and "
        f"contains(concat(' ', normalize-space(@class), ' '), ' {name} '))"
    )


def _xpath(expression: str) -> Any:
    return etree.XPath(expression)


_MESSAGES = _xpath(f"//*[{_has_class('tgme_widget_message')}]")
_HISTORY = _xpath(f"//*[{_has_class('tgme_channel_history')} or {_has_class('tgme_channel_info')}]")
_NO_MESSAGES_FOUND = _xpath(f"//*[{_has_class('tme_no_messages_found')}]")
#: What a channel history holds besides messages: "load more" anchors and "No posts found".
_HISTORY_CONTENT = _xpath(
    f"//*[{_has_class('tgme_channel_history')}]/*"
    f"[not(self::script or {_has_class('tgme_widget_message_centered')}"
    f" or {_has_class('js-messages_more_wrap')} or {_has_class('tme_messages_more')})]"
    f"[not(.//*[{_has_class('tme_no_messages_found')}])]"
)
_CHANNEL_TITLE = _xpath(
    f"(//*[{_has_class('tgme_channel_info_header_title')}]"
    f" | //*[{_has_class('tgme_header_title')}])[1]"
)
_INFO_PAGE = _xpath(f"//*[{_has_class('tgme_page')}]")
_INFO_TITLE = _xpath(
    f"//*[{_has_class('tgme_page_title')}]//text()[not(ancestor::*[{_has_class('verified-icon')}])]"
)
_INFO_EXTRA = _xpath(f"//*[{_has_class('tgme_page_extra')}]")
_PREV_LINK = _xpath("//link[@rel='prev']/@href")
_MORE_BEFORE = _xpath(f"//*[{_has_class('tme_messages_more')}]/@data-before")
#: Parts of a message that quote another message or a link preview: never its own text.
_FOREIGN = (
    f"{_has_class('tgme_widget_message_reply')} or {_has_class('tgme_widget_message_link_preview')}"
    f" or {_has_class('tgme_widget_message_forwarded_from')}"
)
_TEXTS = _xpath(f".//*[{_has_class('tgme_widget_message_text')}][not(ancestor::*[{_FOREIGN}])]")
_POLL_PARTS = _xpath(
    f".//*[{_has_class('tgme_widget_message_poll_question')}"
    f" or {_has_class('tgme_widget_message_poll_option_text')}]"
)
_DATE_TIME = _xpath(f".//*[{_has_class('tgme_widget_message_date')}]//time[@datetime]/@datetime")
_ANY_TIME = _xpath(f".//time[@datetime][not(ancestor::*[{_FOREIGN}])]/@datetime")
_DATE_LINK = _xpath(f".//a[{_has_class('tgme_widget_message_date')}]/@href")
_VIEWS = _xpath(f".//*[{_has_class('tgme_widget_message_views')}]")
_FORWARDED = _xpath(f".//*[{_has_class('tgme_widget_message_forwarded_from_name')}]")
_SIGNATURE = _xpath(f".//*[{_has_class('tgme_widget_message_from_author')}]")
_DOCUMENTS = _xpath(f".//*[{_has_class('tgme_widget_message_document_title')}]")
_LINK_PREVIEW = _xpath(f".//a[{_has_class('tgme_widget_message_link_preview')}]/@href")
_HREFS = _xpath(".//a/@href")


@dataclass
class ChannelPage:
    """What one preview page holds."""

    kind: PageKind
    messages: list[TelegramMessage] = field(default_factory=list)
    #: Ids of every message on the page, service messages included.
    message_ids: list[int] = field(default_factory=list)
    service_messages: int = 0
    #: Message elements without a usable ``data-post`` id, or, when no message is read,
    #: elements of the channel history that are not messages (markup change).
    unreadable: int = 0
    #: Telegram's "No posts found" notice: also what it answers when rate limiting.
    says_no_messages: bool = False
    #: The page links to older messages, before this id (``?before=``); None at the beginning.
    before_id: int | None = None
    #: The channel's title (preview header, or the info page's title).
    title: str | None = None
    #: What an info page says under the title ("11 286 994 subscribers", "bot"...).
    info: str | None = None


def parse_telegram_page(html: str, url: str, source: Any = None) -> list[SourceItem]:
    """The messages of a saved preview page (``leakwatch parse --kind telegram``)."""
    return list(parse_channel_page(html, url).messages)


def parse_channel_page(html: str, url: str) -> ChannelPage:
    """Read a ``t.me/s/<channel>`` page at ``url`` (never raises on bad markup).

    Messages come in page order (oldest first, as Telegram shows them). Service messages
    ("channel created", "pinned a message") are counted and their ids kept, but are not items.
    """
    if not html.strip():
        return ChannelPage("unknown")
    root = Selector(text=html).root
    fallback_channel = channel_of_url(url)
    page = ChannelPage("unknown")
    seen: set[int] = set()
    for element in _MESSAGES(root):
        channel, message_id = _post_of(element.get("data-post", ""), fallback_channel)
        if message_id is None:
            page.unreadable += 1
            continue
        if message_id in seen:
            continue
        seen.add(message_id)
        page.message_ids.append(message_id)
        classes = set((element.get("class") or "").split())
        if classes & {"service_message", "tgme_widget_message_service"}:
            page.service_messages += 1
            continue
        page.messages.append(_message_of(element, channel or "", message_id, url))
    if not seen and not page.unreadable:
        page.unreadable = len(_HISTORY_CONTENT(root))
    page.says_no_messages = not seen and bool(_NO_MESSAGES_FOUND(root))
    if seen or page.unreadable or page.says_no_messages or _HISTORY(root):
        page.kind = "preview"
        page.title = _text_of(_CHANNEL_TITLE(root)) or None
        page.before_id = _before_id(root)
    elif _INFO_PAGE(root):
        page.kind = "info"
        page.title = _SPACES.sub(" ", "".join(_INFO_TITLE(root))).strip() or None
        page.info = _text_of(_INFO_EXTRA(root)) or None
    return page


def channel_of_url(url: str) -> str | None:
    """The channel a Telegram URL is about, or None: ``…/s/<channel>[/<id>]`` (preview),
    ``/<channel>`` (info page) or ``/<channel>/<id>`` (a post)."""
    split = split_channel_url(url)
    return split[1] if split else None


def split_channel_url(url: str) -> tuple[str, str] | None:
    """``(path prefix, channel)`` of a channel URL (see :func:`channel_of_url`), or None.

    The prefix is what comes before ``/s/`` (empty on t.me itself, kept for a mirror).
    """
    segments = [part for part in urlsplit(url).path.split("/") if part]
    for index, segment in enumerate(segments[:-1]):
        channel, rest = segments[index + 1], segments[index + 2 :]
        if segment == "s" and _USERNAME.match(channel) and _post_suffix(rest):
            return "/".join(["", *segments[:index]]), channel
    first, rest = (segments[0], segments[1:]) if segments else ("s", [])
    if first != "s" and _USERNAME.match(first) and _post_suffix(rest):
        return "", first
    return None


def _post_suffix(segments: list[str]) -> bool:
    """Nothing, or a message id: what may follow a channel name in its URLs."""
    return not segments or (len(segments) == 1 and segments[0].isdigit())


def parse_count(text: str) -> int | None:
    """A view counter as Telegram prints it ("812", "1.2K", "8.67M", "4 800") as an int."""
    cleaned = text.replace("\u00a0", "").replace("\u202f", "").replace(" ", "").strip()
    match = _COUNT.match(cleaned)
    if match is None:
        return None
    number, unit = match.groups()
    if unit is None and "," in number:  # "1,234": a thousands separator, not a decimal one
        number = number.replace(",", "")
    try:
        value = Decimal(number.replace(",", ".")) * _MULTIPLIERS[(unit or "").upper()]
    except InvalidOperation:
        return None
    return int(value)


def parse_datetime(value: str) -> datetime | None:
    """An ISO 8601 ``datetime`` attribute as aware UTC (naive values are taken as UTC)."""
    try:
        parsed = datetime.fromisoformat(value.strip())
    except ValueError:
        return None
    if parsed.tzinfo is None:
        return parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC)


def _post_of(data_post: str, fallback_channel: str | None) -> tuple[str | None, int | None]:
    match = _POST.match(data_post)
    if match is None:
        return None, None
    return match.group(1) or fallback_channel, int(match.group(2))


def _message_of(element: Any, channel: str, message_id: int, url: str) -> TelegramMessage:
    texts = _outermost(_TEXTS(element))
    parts = [block_text(node) for node in texts]
    poll = [_text_of([node]) for node in _POLL_PARTS(element)]
    text = "\n".join(part for part in [*parts, *poll] if part)[:TEXT_LIMIT]
    dates = _DATE_TIME(element) or _ANY_TIME(element)
    links = _links(texts, url) + _links_of(_LINK_PREVIEW(element), url)
    date_links = _DATE_LINK(element)
    message_url = urljoin(url, str(date_links[0]).strip()) if date_links else ""
    if not message_url.startswith(("http://", "https://")):
        message_url = urljoin(url, f"/{channel}/{message_id}") if channel else url
    views = _text_of(_VIEWS(element))
    return TelegramMessage(
        channel=channel,
        message_id=message_id,
        url=message_url,
        date=parse_datetime(str(dates[0])) if dates else None,
        text=text,
        views=parse_count(views) if views else None,
        forwarded_from=_text_of(_FORWARDED(element)) or None,
        author=_text_of(_SIGNATURE(element)) or None,
        links=list(dict.fromkeys(links)),
        documents=[name for name in (_text_of([node]) for node in _DOCUMENTS(element)) if name],
    )


def _outermost(nodes: list[Any]) -> list[Any]:
    """``nodes`` without those nested inside another one of them."""
    chosen = set(nodes)
    return [node for node in nodes if not any(a in chosen for a in node.iterancestors())]


def _links(texts: list[Any], url: str) -> list[str]:
    return [link for node in texts for link in _links_of(_HREFS(node), url)]


def _links_of(hrefs: list[Any], url: str) -> list[str]:
    """Absolute http(s) links; Telegram's own hashtag searches (``?q=#tag``) are dropped."""
    links = []
    for href in hrefs:
        absolute = urljoin(url, str(href).strip())
        parts = urlsplit(absolute)
        if parts.scheme not in ("http", "https"):
            continue
        if parts.query and any(
            q.startswith(("#", "$")) for q in parse_qs(parts.query).get("q", [])
        ):
            continue
        links.append(absolute)
    return links


def _before_id(root: Any) -> int | None:
    """The id the page's "older messages" link starts before (``link rel=prev`` or the
    "load more" anchor), or None when the page is the beginning of the channel."""
    for href in _PREV_LINK(root):
        values = parse_qs(urlsplit(str(href)).query).get("before", [])
        if values and values[0].strip().isdigit():
            return int(values[0])
    for value in _MORE_BEFORE(root):
        if str(value).strip().isdigit():
            return int(value)
    return None


def _text_of(nodes: list[Any]) -> str:
    """Whitespace-collapsed text of the first node."""
    if not nodes:
        return ""
    node = nodes[0]
    value = node if isinstance(node, str) else "".join(node.itertext())
    return _SPACES.sub(" ", value).strip()


def block_text(element: Any) -> str:
    """Readable text of a message text element, as a browser shows it.

    Whitespace runs collapse to one space (pretty-printed markup reads the same as compact
    markup), ``<br>`` and block elements break lines, blank lines from ``<br><br>`` are kept,
    ``<pre>`` keeps its own line breaks. Emoji images keep their character.
    """
    lines: list[str] = []
    current: list[str] = []

    def flush(force: bool = False) -> None:
        line = _SPACES.sub(" ", "".join(current)).strip()
        if line or force:
            lines.append(line)
        current.clear()

    def add(text: str | None, preformatted: bool) -> None:
        if not text:
            return
        if not preformatted:
            current.append(text)
            return
        first, *rest = text.split("\n")
        current.append(first)
        for line in rest:
            flush(force=True)
            current.append(line)

    # An explicit stack, not recursion: a message nesting thousands of elements is read too.
    # Each entry: the node, whether it is being left, and whether its parent is preformatted.
    stack: list[tuple[Any, bool, bool]] = [(element, False, False)]
    while stack:
        node, leaving, outer = stack.pop()
        tag = node.tag.lower() if isinstance(node.tag, str) else ""
        if leaving or not tag or tag in _SKIPPED_TAGS or tag == "br":
            if tag == "br" and not leaving:
                flush(force=True)
            elif leaving and tag in _BLOCK_TAGS:
                flush()
            if node is not element:
                add(node.tail, outer)
            continue
        inside_pre = outer or tag == "pre"
        if tag in _BLOCK_TAGS:
            flush()
        add(node.text, inside_pre)
        stack.append((node, True, outer))
        stack.extend((child, False, inside_pre) for child in reversed(node))
    flush()
    while lines and not lines[0]:
        lines.pop(0)
    while lines and not lines[-1]:
        lines.pop()
    return "\n".join(lines)
