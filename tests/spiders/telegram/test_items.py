"""A Telegram message becomes one post: ``channel/id``, titled by its first line."""

from __future__ import annotations

from datetime import UTC, datetime

from crawler.core.items import PostRecord
from spiders.telegram.items import TelegramMessage

DATE = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)


def test_message_record() -> None:
    message = TelegramMessage(channel="LeakMarketFR", message_id=41, url="https://t.me/leaks/41",
                              date=DATE, text="\n  Vente base CHU  \nsecond line", views=812,
                              forwarded_from="Source Chan", links=["https://files.example/x"],
                              documents=["patients.sql.zip"])  # fmt: skip
    assert message.to_post_record() == PostRecord(
        external_id="leakmarketfr/41",
        url="https://t.me/leaks/41",
        title="Vente base CHU",
        author="LeakMarketFR",
        posted_at=DATE,
        text="\n  Vente base CHU  \nsecond line\npatients.sql.zip",
        extra={
            "channel": "LeakMarketFR",
            "documents": ["patients.sql.zip"],
            "forwarded_from": "Source Chan",
            "links": ["https://files.example/x"],
            "views": 812,
        },
    )


def test_title_falls_back_to_the_document_then_the_id() -> None:
    document = TelegramMessage(channel="c", message_id=1, url="u", documents=["dump.7z"])
    assert document.to_post_record().title == "dump.7z"
    assert document.to_post_record().text == "dump.7z"
    media = TelegramMessage(channel="c", message_id=2, url="u", author="signer")
    record = media.to_post_record()
    assert (record.title, record.text, record.author) == ("c/2", "", "signer")


def test_long_first_line_is_cut_for_the_title() -> None:
    message = TelegramMessage(channel="c", message_id=3, url="u", text="x" * 500)
    assert message.to_post_record().title == "x" * 200
