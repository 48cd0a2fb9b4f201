"""Telegram preview parsers on saved real pages (tests/fixtures/telegram) and edge cases."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from scrapy.http import HtmlResponse
from typer.testing import CliRunner

from crawler.cli import app
from crawler.core.items import TelegramMessage, to_post_record
from spiders.registry import PARSERS
from spiders.telegram.parsers import (
    channel_of_url,
    parse_channel_page,
    parse_count,
    parse_datetime,
)
from spiders.telegram.spider import page_text, preview_url_of

FIXTURES = Path(__file__).parents[2] / "fixtures" / "telegram"
DUROV = FIXTURES / "tme_s_durov_channel_feed.html"
DUROV_INFO = FIXTURES / "tme_durov_info_page.html"
XCAREERS = FIXTURES / "tme_s_xCareers_2020_jsoup_prettified.html"
DUROV_IDS = [*range(519, 530), *range(531, 540)]  # 530 is not on the page


def read(path: Path, url: str) -> list[TelegramMessage]:
    return parse_channel_page(path.read_text(encoding="utf-8"), url).messages


def page(body: str, url: str = "https://t.me/s/chan") -> str:
    """A preview page around message markup, as t.me wraps it."""
    return (
        '<html><body><div class="tgme_channel_info"><div class="tgme_channel_info_header_title">'
        f'Chan</div></div><section class="tgme_channel_history">{body}</section></body></html>'
    )


def message(post: str, inner: str, classes: str = "") -> str:
    return (
        '<div class="tgme_widget_message_wrap js-widget_message_wrap"><div class="tgme_widget_'
        f'message {classes} js-widget_message" data-post="{post}"><div class="tgme_widget_'
        f'message_bubble">{inner}</div></div></div>'
    )


# --- real pages ------------------------------------------------------------------------------


def test_durov_preview_gives_all_twenty_messages() -> None:
    parsed = parse_channel_page(DUROV.read_text(encoding="utf-8"), "https://t.me/s/durov")
    assert parsed.kind == "preview" and parsed.title == "Pavel Durov"
    assert [m.message_id for m in parsed.messages] == DUROV_IDS
    assert parsed.message_ids == DUROV_IDS and parsed.before_id == 519
    assert all(m.channel == "durov" and m.author == "Pavel Durov" for m in parsed.messages)
    dates = [m.date for m in parsed.messages if m.date is not None and m.date.tzinfo == UTC]
    assert len(dates) == 20 and dates == sorted(dates)  # oldest first, as the preview shows them
    first, last = parsed.messages[0], parsed.messages[-1]
    assert first.date == datetime(2026, 5, 20, 15, 38, 10, tzinfo=UTC)
    assert last.date == datetime(2026, 8, 8, 21, 11, 14, tzinfo=UTC)
    assert first.url == "https://t.me/durov/519"
    assert [m.views for m in parsed.messages[:3]] == [8_670_000, 11_400_000, 6_510_000]
    assert last.views == 826_000
    assert first.text.startswith("🤖 Your Telegram inbox can now run itself.\n\nAssign a bot")
    assert first.text.endswith("⚙️ Start building!")  # &#33; decoded, emoji image kept as text
    assert first.links == ["https://core.telegram.org/bots/features#secretary-bots"]
    assert not any("Please open Telegram" in m.text or "VIEW IN" in m.text for m in parsed.messages)


def test_durov_media_only_message_is_still_an_item() -> None:
    by_id = {m.message_id: m for m in read(DUROV, "https://t.me/s/durov")}
    assert by_id[522].text == "" and by_id[522].views == 7_050_000
    assert to_post_record(by_id[522]).title == "durov/522"


def test_info_page_is_recognised() -> None:
    parsed = parse_channel_page(DUROV_INFO.read_text(encoding="utf-8"), "https://t.me/durov")
    assert parsed.kind == "info" and parsed.messages == [] and parsed.message_ids == []
    assert parsed.title == "Pavel Durov" and parsed.info == "11 286 994 subscribers"


def test_jsoup_prettified_page_reads_like_the_compact_one() -> None:
    parsed = parse_channel_page(XCAREERS.read_text(encoding="utf-8"), "https://t.me/s/xCareers")
    assert parsed.kind == "preview" and parsed.before_id == 1491
    assert [m.message_id for m in parsed.messages] == [1491, 1510, 1511]
    assert [m.views for m in parsed.messages] == [4400, 4100, 1500]
    assert [m.date for m in parsed.messages] == [
        datetime(2020, 4, 30, 17, 0, 4, tzinfo=UTC),
        datetime(2020, 5, 3, 15, 0, 3, tzinfo=UTC),
        datetime(2020, 5, 4, 7, 0, 2, tzinfo=UTC),
    ]
    lines = parsed.messages[0].text.splitlines()
    assert lines[:3] == [
        "РАЗРАБОТЧИК IOS 🔥",
        "",
        "Формат: #удаленка (на время карантина) потом #офис",
    ]
    assert "🔸 Опыт работы с GIT" in lines
    assert parsed.messages[0].links == ["https://t.me/Levelller"]  # hashtag searches dropped
    assert parsed.messages[1].author is None and parsed.messages[1].channel == "xCareers"


def test_saved_page_without_url_takes_the_channel_from_data_post() -> None:
    messages = read(DUROV, DUROV.resolve().as_uri())
    assert [m.channel for m in messages] == ["durov"] * 20
    assert messages[0].url == "https://t.me/durov/519"


def test_leakwatch_parse_prints_the_durov_messages() -> None:
    result = CliRunner().invoke(app, ["parse", "--kind", "telegram", str(DUROV)])
    assert result.exit_code == 0, result.output
    items = [json.loads(line) for line in result.stdout.splitlines() if line.strip()]
    assert [item["message_id"] for item in items] == DUROV_IDS
    assert items[0]["date"] == "2026-05-20T15:38:10+00:00" and all(i["date"] for i in items)
    assert "telegram" in PARSERS


def test_leakwatch_parse_finds_nothing_on_the_info_page() -> None:
    result = CliRunner().invoke(app, ["parse", "--kind", "telegram", str(DUROV_INFO)])
    assert result.exit_code == 1 and result.stdout == ""


# --- markup variations -------------------------------------------------------------------------


def test_forward_signature_documents_and_links() -> None:
    body = message(
        "leaks/41",
        '<div class="tgme_widget_message_forwarded_from accent_color">Forwarded from <a class='
        '"tgme_widget_message_forwarded_from_name" href="https://t.me/src/9"><span dir="auto">'
        "Source Chan</span></a></div>"
        '<a class="tgme_widget_message_document_wrap" href="https://t.me/leaks/41"><div class='
        '"tgme_widget_message_document"><div class="tgme_widget_message_document_title '
        'accent_color" dir="auto">patients_chu.sql.zip</div><div class="tgme_widget_message_'
        'document_extra">1.2 GB</div></div></a>'
        '<div class="tgme_widget_message_text js-message_text">Dump &amp; sample: <a href='
        '"https://files.example/x.7z">x.7z</a> <a href="?q=%23vente">#vente</a> <a href="'
        '/leaks/40">older</a></div>'
        '<span class="tgme_widget_message_views">3.4M</span><span class="tgme_widget_message_'
        'meta"><span class="tgme_widget_message_from_author">seller</span>, <a class="tgme_widget'
        '_message_date" href="https://t.me/leaks/41"><time datetime="2026-03-01T12:00:00+03:00">'
        "</time></a></span>",
    )
    (item,) = parse_channel_page(page(body), "https://t.me/s/leaks").messages
    assert item.forwarded_from == "Source Chan" and item.author == "seller"
    assert item.documents == ["patients_chu.sql.zip"] and item.views == 3_400_000
    assert item.text == "Dump & sample: x.7z #vente older"
    assert item.links == ["https://files.example/x.7z", "https://t.me/leaks/40"]
    assert item.date == datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
    record = to_post_record(item)
    assert record.external_id == "leaks/41" and "patients_chu.sql.zip" in record.text


def test_reply_quote_and_link_preview_are_not_the_message_text() -> None:
    body = message(
        "Chan/7",
        '<a class="tgme_widget_message_reply" href="https://t.me/chan/3"><div class="tgme_widget'
        '_message_author"><span class="tgme_widget_message_author_name">Chan</span></div><div '
        'class="tgme_widget_message_text js-message_reply_text">quoted older text</div></a>'
        '<div class="tgme_widget_message_text js-message_text">own text<br/>line two</div>'
        '<a class="tgme_widget_message_link_preview" href="https://news.example/a"><div class='
        '"link_preview_title">Title</div><div class="link_preview_description">desc</div></a>',
    )
    (item,) = parse_channel_page(page(body), "https://t.me/s/chan").messages
    assert item.text == "own text\nline two"
    assert item.links == ["https://news.example/a"]
    assert to_post_record(item).external_id == "chan/7"  # usernames are case-insensitive


def test_service_polls_and_unreadable_posts() -> None:
    body = (
        message(
            "chan/1",
            '<div class="tgme_widget_message_text">Channel created</div>',
            "service_message",
        )
        + message(
            "chan/2",
            '<div class="tgme_widget_message_poll"><div class="tgme_widget_message_poll_question">'
            'Qui achète ?</div><div class="tgme_widget_message_poll_option_text">Moi</div></div>',
        )
        + message("chan/2", "duplicate")
        + message("chan/abc", "no id")
        + message("3", '<div class="tgme_widget_message_text">bare id</div>')
    )
    parsed = parse_channel_page(page(body), "https://t.me/s/chan")
    assert parsed.message_ids == [1, 2, 3] and parsed.service_messages == 1
    assert parsed.unreadable == 1 and parsed.before_id is None
    assert [(m.message_id, m.text) for m in parsed.messages] == [
        (2, "Qui achète ?\nMoi"),
        (3, "bare id"),
    ]
    assert parsed.messages[1].channel == "chan" and parsed.messages[1].url == "https://t.me/chan/3"


def test_pre_blocks_keep_their_lines_and_whitespace_collapses_elsewhere() -> None:
    body = message(
        "c/5",
        '<div class="tgme_widget_message_text">  Liste :\n   <b>A</b>\t B<br><br><br>'
        "<pre>id;nom\n1;x</pre>fin  </div>",
    )
    (item,) = parse_channel_page(page(body), "https://t.me/s/c").messages
    assert item.text == "Liste : A B\n\n\nid;nom\n1;x\nfin"


def test_empty_and_rate_limited_previews() -> None:
    empty = parse_channel_page(page(""), "https://t.me/s/chan")
    assert empty.kind == "preview" and empty.message_ids == [] and not empty.says_no_messages
    assert empty.unreadable == 0
    limited = parse_channel_page(
        page('<div class="tgme_widget_message_wrap"><div class="tme_no_messages_found">'
             "No posts found</div></div>"),
        "https://t.me/s/chan",
    )  # fmt: skip
    assert limited.kind == "preview" and limited.says_no_messages


def test_history_content_that_is_not_messages_is_unreadable() -> None:
    redesigned = page('<article class="post" data-id="c/1">Vente base</article><script></script>')
    parsed = parse_channel_page(redesigned, "https://t.me/s/c")
    assert parsed.kind == "preview" and parsed.message_ids == [] and parsed.unreadable == 1
    more = page(
        '<div class="tgme_widget_message_centered js-messages_more_wrap"><a class="tme_messages_'
        'more js-messages_more" data-before="5" href="/s/c?before=5"></a></div>'
    )
    parsed = parse_channel_page(more, "https://t.me/s/c")
    assert parsed.unreadable == 0 and parsed.before_id == 5


@pytest.mark.parametrize(
    "html",
    [
        "",
        "   ",
        "<html><body><p>Nothing to see</p></body></html>",
        '<div class="tgme_widget_message" data-post="c/1"><div class="tgme_widget_message_text">'
        "<b>unclosed <i>tags",
        "\x00\x01 binary \xff\xfe garbage",
        '<?xml version="1.0" encoding="utf-8"?><rss><channel></channel></rss>',
    ],
)
def test_bad_input_never_raises(html: str) -> None:
    parsed = parse_channel_page(html, "https://t.me/s/c")
    assert parsed.kind in ("preview", "unknown")


def test_wrong_charset_bytes_are_replaced_not_fatal() -> None:
    body = page(message("c/1", '<div class="tgme_widget_message_text">Hôpital privé</div>'))
    response = HtmlResponse(
        "https://t.me/s/c",
        body=body.encode("latin-1"),
        headers={"Content-Type": "text/html; charset=utf-8"},
    )
    (item,) = parse_channel_page(page_text(response), response.url).messages
    assert item.message_id == 1 and item.text.startswith("H") and "pital priv" in item.text


@pytest.mark.parametrize(
    ("text", "expected"),
    [("812", 812), ("1.2K", 1200), ("3.4M", 3_400_000), ("8.67M", 8_670_000), ("4 800", 4800),
     ("1,234", 1234), ("2,5K", 2500), ("12k", 12_000), ("", None), ("views", None)],
)  # fmt: skip
def test_view_counters(text: str, expected: int | None) -> None:
    assert parse_count(text) == expected


def test_dates_are_aware_utc() -> None:
    assert parse_datetime("2026-01-02T03:04:05+02:00") == datetime(2026, 1, 2, 1, 4, 5, tzinfo=UTC)
    assert parse_datetime("2026-01-02T03:04:05") == datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)
    assert parse_datetime("yesterday") is None


@pytest.mark.parametrize(
    ("url", "channel", "preview"),
    [
        ("https://t.me/s/durov", "durov", "https://t.me/s/durov"),
        ("https://t.me/s/durov?before=519", "durov", "https://t.me/s/durov"),
        ("https://t.me/Durov", "durov", "https://t.me/s/Durov"),
        ("https://t.me/durov/519", "durov", "https://t.me/s/durov"),
        ("https://mirror.example/tg/s/leaks_fr", "leaks_fr", "https://mirror.example/tg/s/leaks_fr"),
    ],
)  # fmt: skip
def test_start_urls_name_their_channel(url: str, channel: str, preview: str) -> None:
    assert preview_url_of(url) == (channel, preview)


@pytest.mark.parametrize(
    "url", ["https://t.me/", "https://t.me/s/", "https://t.me/joinchat/AbCdEf", DUROV.as_uri()]
)
def test_urls_without_a_channel(url: str) -> None:
    assert channel_of_url(url) is None
    with pytest.raises(ValueError, match="not a channel URL"):
        preview_url_of(url)
