"""Helpers shared by the alert tests: a simulated clock, settings and stored hits."""

from __future__ import annotations

import base64
import threading
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from crawler.core.config import Settings, SourceConfig
from crawler.core.records import Claims, EntityMatch, EntityRecord, PostFindings
from db.findings import store_findings
from db.repository import PostRow, sync_sources, upsert_posts

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
SECRET = "whsec_" + base64.b64encode(b"leakwatch-test-signing-key-0123").decode()
ENGINES = {"forum": "mybb", "telegram": "preview", "paste": "archive", "leaksite": "generic"}
CLINIC = EntityRecord(
    key="finess:940000573",
    kind="establishment",
    name="Hôpital privé de Thiais",
    finess_et="940000573",
    finess_ej="940000011",
    department="94",
    city="Thiais",
)
SALE_CLAIM = Claims(
    records=758912, data_types=["nir", "identity"], price=2.0, currency="BTC", seller="x0r"
)


class FakeClock:
    """A simulated clock: ``sleep`` advances time instantly; safe to share between threads."""

    def __init__(self, start: datetime = T0) -> None:
        self._now = start
        self._lock = threading.Lock()

    def now(self) -> datetime:
        with self._lock:
            return self._now

    def sleep(self, seconds: float) -> None:
        if seconds > 0:
            self.advance(seconds)

    def advance(self, seconds: float) -> None:
        with self._lock:
            self._now += timedelta(seconds=seconds)


def settings_for(
    url: str, channels: list[dict[str, Any]], routes: list[dict[str, Any]]
) -> Settings:
    """Settings with only a database, channels and routes."""
    return Settings(database_url=url, channels=channels, routes=routes)  # type: ignore[arg-type]


def webhook_channel(name: str, url: str, **extra: Any) -> dict[str, Any]:
    """A generic webhook channel with the test signing secret (unpaced, the default)."""
    return {"name": name, "type": "webhook", "url": url, "signing_secret": SECRET, **extra}


def store_hits(
    session: Session,
    *,
    source: str = "forum-a",
    kind: str = "forum",
    external_id: str = "1",
    title: str = "Vente base HP Thiais 758k patients",
    excerpt: str = "Full dump, NIR + identity. Contact on tox.",
    url: str | None = "http://forum.example/thread/1",
    entity: EntityRecord = CLINIC,
    sale_score: float = 0.9,
    claim: Claims = SALE_CLAIM,
    content_hash: str = "h1",
    now: datetime = T0,
    spans: tuple[tuple[str, int], ...] = (("title", 15),),
    tags: tuple[str, ...] = (),
) -> list[int]:
    """Store a post naming ``entity`` (one hit per span) and return the new hit ids."""
    config = SourceConfig(
        name=source,
        kind=kind,  # type: ignore[arg-type]
        engine=ENGINES[kind],
        start_urls=["http://127.0.0.1:1/"],
        tags=list(tags),
    )
    source_id = sync_sources(session, [config])[source]
    row = PostRow(
        external_id,
        url,
        title,
        "seller42",
        now,
        None,
        content_hash,
        excerpt,
        500,
        [],
        {},
        sale_score,
    )
    post_id = upsert_posts(session, source_id, [row], now=now)[0].id
    hits = [
        EntityMatch(entity, "HP Thiais", field, start, start + 9, 0.95) for field, start in spans
    ]
    findings = PostFindings(hits, sale_score, claim)
    return store_findings(session, post_id, content_hash, findings, kind, now=now)
