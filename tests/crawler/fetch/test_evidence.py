"""Evidence of hit pages: the ledger between spider and pipeline, private files, stored rows."""

from __future__ import annotations

import gc
import hashlib
import stat
from pathlib import Path

from crawler.core.config import SourceConfig
from crawler.core.items import ForumThread
from crawler.fetch.evidence import (
    MAX_SCREENSHOT_BYTES,
    EvidenceLedger,
    PageEvidence,
    save_screenshot,
    store_page_evidence,
)
from db.engine import make_engine, make_session_factory
from db.evidence import evidence_of_post
from db.repository import PostRow, start_run, sync_sources, upsert_posts

PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 64


def thread(number: int) -> ForumThread:
    return ForumThread(thread_id=str(number), title=f"thread {number}", url=f"http://f/{number}")


def test_ledger_hands_each_item_its_page_once() -> None:
    ledger = EvidenceLedger()
    page = PageEvidence.of("http://f/list", b"<html>list</html>")
    first, second = thread(1), thread(2)
    ledger.attach(first, page)
    ledger.attach(second, page)
    assert ledger.take(first) is page and ledger.take(first) is None
    assert page.html_sha256 == hashlib.sha256(b"<html>list</html>").hexdigest()
    assert page.html_bytes == 17 and page.screenshot is None
    del second
    gc.collect()
    assert len(ledger) == 0  # an item that never reached the pipeline leaves nothing behind


def test_screenshots_are_private_and_bounded(tmp_path: Path) -> None:
    page = PageEvidence.of("http://f/list", b"<html>list</html>", PNG)
    path = save_screenshot(tmp_path, "forum/../x", page)
    assert path is not None and path.read_bytes() == PNG
    assert path == tmp_path / "evidence" / "forum_.._x" / f"{page.html_sha256}.png"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    assert stat.S_IMODE((tmp_path / "evidence").stat().st_mode) == 0o700
    assert save_screenshot(tmp_path, "forum", PageEvidence.of("u", b"h")) is None
    huge = PageEvidence.of("u", b"h", b"\0" * (MAX_SCREENSHOT_BYTES + 1))
    assert save_screenshot(tmp_path, "forum", huge) is None


def test_evidence_rows_once_per_page(tmp_path: Path, migrated_url: str) -> None:
    source = SourceConfig(name="f", kind="forum", engine="custom", start_urls=["http://f/"])
    row = PostRow("1", "http://f/1", "t", None, None, None, "0" * 64, "", 1, [], {})
    engine = make_engine(migrated_url)
    page = PageEvidence.of("http://f/list", b"<html>list</html>", PNG)
    try:
        with make_session_factory(engine).begin() as session:
            source_id = sync_sources(session, [source])["f"]
            run_id = start_run(session, source_id).id
            post_id = upsert_posts(session, source_id, [row])[0].id
            assert store_page_evidence(session, tmp_path, "f", post_id, run_id, page)
            assert not store_page_evidence(session, tmp_path, "f", post_id, run_id, page)
        with make_session_factory(engine).begin() as session:
            [stored] = evidence_of_post(session, post_id)
            assert stored.html_sha256 == page.html_sha256 and stored.html_bytes == 17
            assert stored.screenshot_sha256 == page.screenshot_sha256
            assert stored.screenshot_path == str(
                tmp_path / "evidence" / "f" / f"{page.html_sha256}.png"
            )
            assert stored.run_id == run_id and stored.captured_at == page.captured_at
    finally:
        engine.dispose()
