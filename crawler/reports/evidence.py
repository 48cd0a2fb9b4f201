"""Evidence of hits for people and the CERT: the page's hashes and its screenshot, read safely.

A screenshot is read only from ``<data_dir>/evidence`` (a stored path pointing anywhere else is
ignored) and only when its content still has the sha256 recorded at capture time, so neither a
tampered row nor a replaced file is ever shown or exported as evidence.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy.orm import Session

from db.evidence import evidence_of_posts
from db.models import Evidence

#: Largest screenshot read back (the crawler keeps none larger).
MAX_SCREENSHOT_BYTES = 16 * 1024 * 1024


@dataclass(frozen=True)
class EvidenceRecord:
    """What was captured of one page: its URL, hashes, time, and whether a screenshot is
    readable (``screenshot_ok``: the file is there, inside the evidence folder, unchanged)."""

    id: int
    post_id: int
    url: str
    html_sha256: str
    html_bytes: int
    screenshot_sha256: str | None
    captured_at: datetime
    screenshot_ok: bool


def evidence_records(session: Session, data_dir: Path, post_ids: list[int]) -> list[EvidenceRecord]:
    """The evidence of these posts, each checked for a readable screenshot."""
    return [
        EvidenceRecord(
            id=row.id,
            post_id=row.post_id,
            url=row.url,
            html_sha256=row.html_sha256,
            html_bytes=row.html_bytes,
            screenshot_sha256=row.screenshot_sha256,
            captured_at=row.captured_at,
            screenshot_ok=read_screenshot(data_dir, row) is not None,
        )
        for row in evidence_of_posts(session, post_ids)
    ]


def read_screenshot(data_dir: Path, row: Evidence) -> bytes | None:
    """The PNG screenshot of ``row``, or None: no screenshot, a path outside
    ``<data_dir>/evidence``, a missing or oversized file, or content whose sha256 differs."""
    if not row.screenshot_path or not row.screenshot_sha256:
        return None
    folder = (data_dir / "evidence").resolve()
    try:
        path = Path(row.screenshot_path).resolve()
        if not path.is_relative_to(folder) or path.stat().st_size > MAX_SCREENSHOT_BYTES:
            return None
        content = path.read_bytes()
    except OSError:
        return None
    if hashlib.sha256(content).hexdigest() != row.screenshot_sha256:
        return None
    return content
