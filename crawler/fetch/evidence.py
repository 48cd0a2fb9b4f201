"""Evidence of a hit for the CERT's report: the page's sha256 and, for browser pages, a screenshot.

Spiders do not know which posts will produce hits, so evidence travels beside the items:

1. for a source with ``evidence = true``, the spider middleware
   (crawler/fetch/middlewares/evidence.py) takes each page's :class:`PageEvidence` (sha256 of
   the HTML the spider parsed, the PNG screenshot the browser took of it) and notes it in the
   crawl's :class:`EvidenceLedger`
   for every item parsed from that page;
2. the storage pipeline takes it back when the item arrives and, only for a post that produced
   new hits, writes the screenshot with :func:`save_screenshot` and an ``evidence`` row
   (db/evidence.py) in the same transaction as the hits.

Evidence stays on the machine: ``<data_dir>/evidence/<source>/<html sha256>.png``, folders 0700
and files 0600 (crawler/core/private_files.py). The HTML itself is not kept, only its hash: the
personal data on a leak page is the site's, not ours to redistribute.
"""

from __future__ import annotations

import hashlib
import logging
import re
import weakref
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from crawler.core.private_files import private_folder, write_private
from db.evidence import record_evidence
from db.models import utcnow

logger = logging.getLogger(__name__)
#: Screenshots larger than this are not kept (an endless page rendered at full height).
MAX_SCREENSHOT_BYTES = 16 * 1024 * 1024
_ATTRIBUTE = "_leakwatch_evidence"


@dataclass(frozen=True)
class PageEvidence:
    """One page as the crawler saw it: URL, sha256 and size of its HTML, optional screenshot."""

    url: str
    html_sha256: str
    html_bytes: int
    screenshot: bytes | None = field(default=None, repr=False)
    captured_at: datetime = field(default_factory=utcnow)

    @property
    def screenshot_sha256(self) -> str | None:
        """sha256 of the screenshot, or None without one."""
        return hashlib.sha256(self.screenshot).hexdigest() if self.screenshot else None

    @classmethod
    def of(cls, url: str, html: bytes, screenshot: bytes | None = None) -> PageEvidence:
        """The evidence of a page whose HTML is ``html``."""
        return cls(url, hashlib.sha256(html).hexdigest(), len(html), screenshot)


class EvidenceLedger:
    """Page evidence of the items on their way from the spider to the storage pipeline.

    Items are dataclasses (unhashable), so they are keyed by identity; an entry disappears when
    its item is taken or garbage-collected, so an identity is never reused for another item.
    """

    def __init__(self) -> None:
        self._pending: dict[int, PageEvidence] = {}

    @classmethod
    def of(cls, crawler: Any) -> EvidenceLedger:
        """The crawler's ledger, created on first use."""
        ledger: EvidenceLedger | None = getattr(crawler, _ATTRIBUTE, None)
        if ledger is None:
            ledger = cls()
            setattr(crawler, _ATTRIBUTE, ledger)
        return ledger

    def attach(self, item: Any, evidence: PageEvidence) -> None:
        """Note that ``item`` was parsed from the page ``evidence`` describes."""
        key = id(item)
        try:
            weakref.finalize(item, self._pending.pop, key, None)
        except TypeError:  # not weak-referenceable: no safe identity, no evidence
            return
        self._pending[key] = evidence

    def take(self, item: Any) -> PageEvidence | None:
        """The evidence noted for ``item`` (forgotten here), or None."""
        return self._pending.pop(id(item), None)

    def __len__(self) -> int:
        return len(self._pending)


def screenshot_path(data_dir: Path, source_name: str, evidence: PageEvidence) -> Path:
    """Where the screenshot of ``evidence`` is kept (named by the page's hash)."""
    folder = re.sub(r"[^A-Za-z0-9_.-]", "_", source_name)
    return data_dir / "evidence" / folder / f"{evidence.html_sha256}.png"


def save_screenshot(data_dir: Path, source_name: str, evidence: PageEvidence) -> Path | None:
    """Write the screenshot of ``evidence`` (0600, in 0700 folders); None when there is none,
    it is too large, or it cannot be written (logged)."""
    if not evidence.screenshot:
        return None
    if len(evidence.screenshot) > MAX_SCREENSHOT_BYTES:
        logger.warning(
            "screenshot of %s not kept: %d bytes", evidence.url, len(evidence.screenshot)
        )
        return None
    path = screenshot_path(data_dir, source_name, evidence)
    try:
        private_folder(data_dir / "evidence")
        if not path.exists():
            write_private(path, evidence.screenshot)
    except OSError as exc:
        logger.error("cannot write evidence screenshot %s: %s", path, exc)
        return None
    return path


def store_page_evidence(
    session: Session,
    data_dir: Path,
    source_name: str,
    post_id: int,
    run_id: int | None,
    evidence: PageEvidence,
) -> bool:
    """Keep the evidence of post ``post_id``: its screenshot file and its row; True when new."""
    screenshot = save_screenshot(data_dir, source_name, evidence)
    return record_evidence(
        session,
        post_id=post_id,
        run_id=run_id,
        url=evidence.url,
        html_sha256=evidence.html_sha256,
        html_bytes=evidence.html_bytes,
        captured_at=evidence.captured_at,
        screenshot_path=str(screenshot) if screenshot else None,
        screenshot_sha256=evidence.screenshot_sha256 if screenshot else None,
    )
