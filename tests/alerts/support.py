"""Helpers shared by the alert tests: a simulated clock, settings and stored hits."""

from __future__ import annotations

import base64
import threading
from datetime import UTC, datetime, timedelta
from typing import Any

from slack_sdk.models.blocks import Block
from sqlalchemy.orm import Session, sessionmaker

from alerts.payload import TEST, envelope
from crawler.core.config import Settings, SourceConfig
from crawler.core.records import Claims, EntityMatch, EntityRecord, PossibleMatch, PostFindings
from db.findings import FoundPost, store_batch_possible_hits, store_findings
from db.outbox import insert_message
from db.repository import PostRow, sync_sources, upsert_posts

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
SECRET = "whsec_" + base64.b64encode(b"leakwatch-test-signing-key-0123").decode()
ENGINES = {
    "forum": "mybb", "telegram": "preview", "paste": "archive", "leaksite": "generic",
    "feed": "ransomwatch",
}  # fmt: skip
CLINIC = EntityRecord(
    key="finess:940000573",
    kind="establishment",
    name="Hôpital privé de Thiais",
    finess_et="940000573",
    finess_ej="940000011",
    department="94",
    city="Thiais",
)
SAINT_DENIS = [
    EntityRecord(key="finess:930110051", kind="establishment", city="Saint-Denis",
                 name="Centre hospitalier de Saint-Denis", department="93"),
    EntityRecord(key="finess:970408589", kind="establishment", city="Saint-Denis",
                 name="Centre hospitalier Félix Guyon", department="974"),
]  # fmt: skip
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
    author: str | None = "seller42",
    extra: dict[str, Any] | None = None,
    group_name: str | None = None,
) -> list[int]:
    """Store a post naming ``entity`` (one mention per span) and return the new hit ids."""
    config = SourceConfig(
        name=source,
        kind=kind,  # type: ignore[arg-type]
        engine=ENGINES[kind],
        start_urls=["http://127.0.0.1:1/s/leaks"],
        tags=list(tags),
    )
    source_id = sync_sources(session, [config])[source]
    row = PostRow(
        external_id,
        url,
        title,
        author,
        now,
        None,
        content_hash,
        excerpt,
        500,
        [],
        extra or {},
        sale_score,
        group_name,
    )
    post_id = upsert_posts(session, source_id, [row], now=now)[0].id
    hits = [
        EntityMatch(entity, "HP Thiais", field, start, start + 9, 0.95) for field, start in spans
    ]
    findings = PostFindings(hits, sale_score, claim)
    return store_findings(session, post_id, content_hash, findings, kind, now=now)


def assert_valid_slack_message(body: dict[str, Any]) -> None:
    """Fail unless every block of a ``chat.postMessage`` body is valid Block Kit for slack_sdk
    (known type, every limit kept) and survives its parsing unchanged."""
    blocks = Block.parse_all(body["blocks"])
    assert all(block is not None for block in blocks), body["blocks"]
    for block in blocks:
        block.validate_json()
    assert [block.to_dict() for block in blocks] == body["blocks"]
    assert body["text"] and len(body["text"]) <= 3000


def store_possible_hit(
    session: Session,
    *,
    external_id: str = "9",
    title: str = "Vente base CH de Saint-Denis, patients",
    url: str | None = "http://forum.example/thread/9",
    now: datetime = T0,
) -> int:
    """Store a sale post whose "CH de Saint-Denis" could be two hospitals; return its possible
    hit's id."""
    config = SourceConfig(name="forum-a", kind="forum", engine="mybb", start_urls=["http://x/"])
    source_id = sync_sources(session, [config])["forum-a"]
    row = PostRow(external_id, url, title, "seller42", now, None, "h9", "CH de Saint-Denis, "
                  "dossiers patients", 500, [], {}, 0.8)  # fmt: skip
    post_id = upsert_posts(session, source_id, [row], now=now)[0].id
    start = title.index("CH de")
    possible = PossibleMatch(title[start : start + 17], "title", start, start + 17, SAINT_DENIS,
                             0.35, ("health", "sale"))  # fmt: skip
    findings = PostFindings([], 0.8, Claims(records=40000), [possible])
    store_findings(session, post_id, "h9", findings, "forum", now=now)  # the post's claims
    [possible_id] = store_batch_possible_hits(session, [FoundPost(post_id, "h9", findings)], now)
    return possible_id


def assert_valid_blocks(body: dict[str, Any]) -> None:
    """Every block of a Slack message body passes slack_sdk's Block Kit validation."""
    from slack_sdk.models.blocks import Block

    assert body["blocks"], "no blocks"
    for data in body["blocks"]:
        block = Block.parse(data)
        assert block is not None, data
        block.validate_json()


def queue_test_messages(
    sessions: sessionmaker[Session], channel: str, count: int, at: datetime
) -> None:
    """Queue ``count`` test documents for ``channel`` (keys ``msg:<channel>:<n>``)."""
    with sessions.begin() as session:
        for n in range(count):
            insert_message(
                session,
                channel=channel,
                kind="test",
                payload=envelope(TEST, {"channel": channel, "n": n, "message": f"#{n}"}, at),
                idempotency_key=f"msg:{channel}:{n}",
                now=at,
            )
