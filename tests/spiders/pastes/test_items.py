"""A paste becomes one post under its key; its text never reaches a log line."""

from __future__ import annotations

from datetime import UTC, datetime

from crawler.core.items import PostRecord
from crawler.demo.pastes.site import FAKE_NIRS
from spiders.pastes.items import Paste

DATE = datetime(2026, 11, 23, 9, 59, 20, tzinfo=UTC)


def test_paste_record_keeps_its_text_out_of_logs() -> None:
    paste = Paste(key="k1", url="https://p.example/k1", title=None, size=10, syntax="text",
                  text=f"NIR {FAKE_NIRS[0]}", truncated=True)  # fmt: skip
    assert FAKE_NIRS[0] not in repr(paste)
    record = paste.to_post_record()
    assert record.title == "k1" and record.text.endswith(FAKE_NIRS[0])
    assert record.extra == {"size": 10, "syntax": "text", "truncated": True}


def test_paste_record() -> None:
    paste = Paste(key="Tb6xN2cR", url="https://pastebin.com/Tb6xN2cR", title="main.py",
                  author="dev", date=DATE, raw_url="https://pastebin.com/raw/Tb6xN2cR",
                  text="print()")  # fmt: skip
    assert paste.to_post_record() == PostRecord(
        external_id="Tb6xN2cR",
        url="https://pastebin.com/Tb6xN2cR",
        title="main.py",
        author="dev",
        posted_at=DATE,
        text="print()",
    )
