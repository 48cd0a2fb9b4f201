"""A hostile page nesting thousands of elements is read like any other: no RecursionError, the
post keeps its text (forum first posts, leak-site and feed text, Telegram messages)."""

from __future__ import annotations

from spiders.page_text import block_text, parse_html
from spiders.telegram.parsers import parse_channel_page

#: Deeper than Python's recursion limit, within what libxml2 parses (it stops at 2,048 levels).
DEPTH = 1_500


def _nested(inner: str, tag: str = "div") -> str:
    return f"<{tag}>" * DEPTH + inner + f"</{tag}>" * DEPTH


def test_block_text_of_a_deeply_nested_post() -> None:
    root = parse_html(f"<html><body><div id='post'>{_nested('Vente base CHU de Rennes')}</div>")
    [post] = root.xpath("//div[@id='post']")
    assert block_text(post) == "Vente base CHU de Rennes"


def test_block_text_keeps_tails_and_breaks_as_before() -> None:
    root = parse_html("<div id='p'>a<b>b</b>c<br>d<script>x</script>e<p>f</p>g</div>")
    [post] = root.xpath("//div[@id='p']")
    assert block_text(post) == "abc\nde\nf\ng"


def test_a_deeply_nested_telegram_message_keeps_its_page() -> None:
    messages = "".join(
        f'<div class="tgme_widget_message_wrap"><div class="tgme_widget_message" '
        f'data-post="leaks/{n}"><div class="tgme_widget_message_text">'
        f"{_nested(f'message {n}', 'span') if n == 3 else f'message {n}'}</div></div></div>"
        for n in range(1, 21)
    )
    page = parse_channel_page(f"<html><body>{messages}</body></html>", "https://t.me/s/leaks")
    assert len(page.messages) == 20
    assert page.messages[2].text == "message 3"
