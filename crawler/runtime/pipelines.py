"""Item pipelines: every item becomes a stored post, written in batches in one unit of work.

Spiders yield family items (crawler.core.items); :class:`StoragePipeline` maps them to post rows,
upserts them (``last_seen`` refreshed, never duplicated) and, when a matcher is configured,
stores hits, claims, possible hits (names left to an analyst) and outbox rows for the same posts
in the same transaction. A stored post whose ``extra["status"]`` changes (a leak site's victim:
"countdown" → "published") gets its hits followed up (``alerts.outbox.enqueue_status_alerts``),
in that transaction too. Hits on posts published more than the source's ``alert_max_age_days``
ago are stored and matched like any other but queue no alert: a feed's history or a backfill
enters quietly, and the run logs one summary line (:func:`quiet_history`, stats
``leakwatch/older_posts``, ``…/quiet_posts``, ``…/quiet_hits``); the run recorder sends that
line to the operations channels. For a source with
``evidence = true``, a post that produces new hits also gets its page's evidence
(crawler.fetch.evidence) in that transaction.

Batches are written by one background thread (crawler.runtime.background_writer), so matching and
database writes overlap the crawl; the spider's close waits for every batch to be written, and
a batch that fails to store raises on the crawl's thread at the next batch or at close.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Callable, Collection, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from alerts.outbox import StatusChange, enqueue_hit_alerts, enqueue_status_alerts
from alerts.review import enqueue_possible_hit_alerts
from crawler.core.items import PostRecord, SourceItem
from crawler.core.quiet_history import QuietHistory
from crawler.core.records import PostFindings
from crawler.core.text import cap_title, clean_record
from crawler.fetch.evidence import EvidenceLedger, PageEvidence, store_page_evidence
from crawler.runtime.background_writer import BackgroundWriter, WriterFailed
from crawler.runtime.context import CrawlContext
from crawler.runtime.finder import Finder, is_ransomware_listing, make_finder
from db.findings import FoundPost, store_batch_findings, store_batch_possible_hits
from db.models import Hit, PossibleHit
from db.repository import (
    EXTERNAL_ID_LENGTH,
    PostRow,
    StoredPost,
    known_hashes,
    known_statuses,
    upsert_posts,
)

logger = logging.getLogger(__name__)
#: Stat: how many times batches of posts could not be stored.
STORAGE_FAILURES = "leakwatch/storage_failures"
#: Stat: items skipped alone (not convertible, or refused by the database).
ITEMS_SKIPPED = "leakwatch/items_skipped"
#: Stat: posts older than the source's ``alert_max_age_days`` whose new hits queued no alert.
QUIET_POSTS = "leakwatch/quiet_posts"
#: Stat: new posts published before the source's ``alert_max_age_days``.
OLDER_POSTS = "leakwatch/older_posts"
#: Stats: hits and possible hits stored without alert (their post is older).
QUIET_HITS = "leakwatch/quiet_hits"
QUIET_POSSIBLE_HITS = "leakwatch/quiet_possible_hits"
#: Stat: the newest publication time (POSIX seconds) among the older new posts (a maximum).
NEWEST_QUIET = "leakwatch/newest_quiet_at"
#: Stat: the run's alert cutoff (a datetime: posts published before it queue no alert).
ALERT_CUTOFF = "leakwatch/alert_cutoff"
#: A batch handed to the writer: post records and the page evidence of some of them.
Batch = tuple[list[PostRecord], dict[str, PageEvidence]]


class StoragePipeline:
    """Batch items into posts and store them; stats ``leakwatch/posts_new`` and ``…_updated``."""

    def __init__(self, crawler: Any) -> None:
        self.crawler = crawler
        self.batch_size = crawler.settings.getint("STORAGE_BATCH_SIZE", 200)
        self.batch: list[PostRecord] = []
        self.context: CrawlContext | None = None
        self.finder: Finder | None = None
        self.enqueue_alerts: Callable[..., int] | None = None
        self.ledger = EvidenceLedger.of(crawler)
        self.pages: dict[str, PageEvidence] = {}
        self.writer: BackgroundWriter[Batch, Counter[str]] | None = None
        #: Posts published before this get no alert (None: every post may alert).
        self.alert_cutoff: datetime | None = None

    @classmethod
    def from_crawler(cls, crawler: Any) -> StoragePipeline:
        """Build the pipeline for ``crawler``."""
        return cls(crawler)

    def open_spider(self) -> None:
        """Open the crawl context (database, source row, run)."""
        self.context = CrawlContext.of(self.crawler)
        self.finder, self.enqueue_alerts = load_matching(self.context)
        self.alert_cutoff = alert_cutoff(self.context.source.alert_max_age_days)
        if self.alert_cutoff is not None:
            self.crawler.stats.set_value(ALERT_CUTOFF, self.alert_cutoff)
        self.writer = BackgroundWriter(self.write, name=f"storage-{self.context.source.name}")

    def process_item(self, item: SourceItem) -> SourceItem:
        """Queue the item's post (and its page evidence); flush when the batch is full.

        Text is cleaned here, the one boundary every family's items cross (NUL, controls, lone
        surrogates: :func:`crawler.core.text.clean_record`; titles capped:
        :func:`crawler.core.text.cap_title`); an item that cannot become a post
        is skipped, logged and counted, never its neighbours.
        """
        try:
            record = cap_title(clean_record(item.to_post_record()))
        except (AttributeError, TypeError, ValueError) as exc:
            logger.warning("item skipped, it cannot be stored: %s", exc)
            self.crawler.stats.inc_value(ITEMS_SKIPPED)
            return item
        self.batch.append(record)
        page = self.ledger.take(item)
        if page is not None:
            self.pages[record.external_id] = page
        if len(self.batch) >= self.batch_size:
            self.flush()
        return item

    def close_spider(self) -> None:
        """Store what is left in the batch and wait until every batch is written."""
        if self.writer is None:
            return
        try:
            self.flush()
        finally:
            self.writer.close()
            self._count(self.writer.take_results())
            self._log_quiet_posts()
        self._raise_failures()

    def _log_quiet_posts(self) -> None:
        # The run's one line about the history that entered without alerts.
        if self.context is None:
            return
        source = self.context.source
        summary = quiet_history(self.crawler.stats, source.alert_max_age_days)
        if summary is not None:
            logger.warning("source %s", summary.sentence(source.name))

    def flush(self) -> None:
        """Hand the batch to the writer; raise WriterFailed if an earlier batch failed."""
        if not self.batch or self.writer is None:
            return
        batch: Batch = (self.batch, self.pages)
        self.batch, self.pages = [], {}
        self.writer.submit(batch)
        self._count(self.writer.take_results())
        self._raise_failures()

    def _raise_failures(self) -> None:
        # Counted before raising: the run recorder then keeps the source's state, so the posts
        # of a batch that could not be stored are fetched again by the next run.
        assert self.writer is not None
        try:
            self.writer.raise_failures()
        except WriterFailed:
            self.crawler.stats.inc_value(STORAGE_FAILURES)
            raise

    def _count(self, results: list[Counter[str]]) -> None:
        stats = self.crawler.stats
        for counts in results:
            for key, value in counts.items():
                if key == NEWEST_QUIET:
                    stats.max_value(key, value)
                else:
                    stats.inc_value(key, value)

    def write(self, batch: Batch) -> Counter[str]:
        """Write one batch in one transaction (on the writer's thread); return stat counts.

        Posts whose stored content hash equals the new one are not matched again: they keep
        their excerpt and sale score, and their findings are already stored. When the batch
        fails, each post is written alone: one the database refuses is skipped, logged and
        counted (``leakwatch/items_skipped``) and its neighbours are stored; if every post
        fails, the database itself is failing and the first error is raised.
        """
        records, pages = batch
        try:
            return self._write(records, pages)
        except (DBAPIError, ValueError) as exc:
            if len(records) == 1:
                raise
            first_error: Exception = exc
        counts: Counter[str] = Counter()
        stored = 0
        for record in records:
            try:
                counts.update(self._write([record], pages))
                stored += 1
            except (DBAPIError, ValueError) as exc:
                logger.warning(
                    "post %r skipped, the database refused it: %s", record.external_id, exc
                )
                counts[ITEMS_SKIPPED] += 1
        if not stored:
            raise first_error
        return counts

    def _write(self, records: list[PostRecord], pages: dict[str, PageEvidence]) -> Counter[str]:
        # One transaction for ``records``; stat counts.
        assert self.context is not None
        context = self.context
        latest = {record.external_id[:EXTERNAL_ID_LENGTH]: record for record in records}
        with context.sessions.begin() as session:
            previous = known_hashes(session, context.source_id, latest)
            with_status = [key for key, record in latest.items() if "status" in record.extra]
            statuses = known_statuses(session, context.source_id, with_status)
            found: dict[str, PostFindings] = {}
            old = {
                external_id
                for external_id, record in latest.items()
                if is_older(record.posted_at, self.alert_cutoff)
            }
            rows = []
            for external_id, record in latest.items():
                excerpt, sale_score = "", 0.0
                if self.finder is not None and previous.get(external_id) != record.content_hash:
                    findings, excerpt = self.finder(record)
                    found[external_id], sale_score = findings, findings.sale_score
                rows.append(post_row(record, excerpt, sale_score))
            stored = upsert_posts(session, context.source_id, rows, previous=previous)
            found_posts = [
                FoundPost(post.id, latest[post.external_id].content_hash, found[post.external_id])
                for post in stored
                if post.external_id in found and (post.is_new or post.changed)
            ]
            new_hits = store_batch_findings(session, found_posts, context.source.kind)
            possible = store_batch_possible_hits(session, found_posts)
            quiet_posts = {post.id for post in stored if post.external_id in old}
            alerted_possible, quiet = without_quiet(session, PossibleHit, possible, quiet_posts)
            if alerted_possible:
                enqueue_possible_hit_alerts(session, context.settings, alerted_possible)
            evidence = 0
            if new_hits and pages:
                evidence = self._store_evidence(session, stored, new_hits, pages)
            alerted_hits, quiet_hits = without_quiet(session, Hit, new_hits, quiet_posts)
            quiet |= quiet_hits
            if alerted_hits and self.enqueue_alerts is not None:
                self.enqueue_alerts(session, context.settings, alerted_hits)
            changes = status_changes(stored, latest, statuses)
            status_alerts = enqueue_status_alerts(session, context.settings, changes)
        new = sum(1 for post in stored if post.is_new)
        counts = Counter(
            {
                "leakwatch/posts_new": new,
                "leakwatch/posts_updated": len(stored) - new,
                "leakwatch/hits": len(new_hits),
                "leakwatch/possible_hits": len(possible),
            }
        )
        if evidence:
            counts["leakwatch/evidence"] = evidence
        if changes:
            counts["leakwatch/status_changes"] = len(changes)
            counts["leakwatch/status_alerts"] = status_alerts
        if quiet:
            counts[QUIET_POSTS] = len(quiet)
            counts[QUIET_HITS] = len(new_hits) - len(alerted_hits)
            counts[QUIET_POSSIBLE_HITS] = len(possible) - len(alerted_possible)
        older = [
            latest[post.external_id].posted_at
            for post in stored
            if post.is_new and post.id in quiet_posts
        ]
        if older:
            counts[OLDER_POSTS] = len(older)
            newest = max(as_utc(moment) for moment in older if moment is not None)
            counts[NEWEST_QUIET] = int(newest.timestamp())
        return counts

    def _store_evidence(
        self,
        session: Session,
        stored: Sequence[StoredPost],
        new_hits: Sequence[int],
        pages: dict[str, PageEvidence],
    ) -> int:
        """Keep the page evidence of every post of the batch that produced new hits; return
        how many posts got it."""
        assert self.context is not None
        context = self.context
        hit_posts = set(
            session.execute(select(Hit.post_id).where(Hit.id.in_(list(new_hits)))).scalars()
        )
        pages = {external_id[:EXTERNAL_ID_LENGTH]: page for external_id, page in pages.items()}
        kept = 0
        for post in stored:
            page = pages.get(post.external_id)
            if post.id not in hit_posts or page is None:
                continue
            store_page_evidence(
                session,
                context.settings.data_dir,
                context.source.name,
                post.id,
                context.run_id,
                page,
            )
            kept += 1
        return kept


def status_changes(
    stored: Sequence[StoredPost],
    records: dict[str, PostRecord],
    statuses: dict[str, str | None],
) -> list[StatusChange]:
    """The known posts of a batch whose status (``extra["status"]``) is now another one; a post
    that loses its status, or a new post, is no change."""
    changes = []
    for post in stored:
        status = records[post.external_id].extra.get("status")
        if post.is_new or post.external_id not in statuses or not isinstance(status, str):
            continue
        if statuses[post.external_id] != status:
            changes.append(StatusChange(post.id, statuses[post.external_id], status))
    return changes


def load_matching(context: CrawlContext) -> tuple[Finder | None, Callable[..., int] | None]:
    """The matcher-backed finder (the analysts' aliases included) and the alert enqueuer for
    this crawl: over the context's matcher, else one loaded now."""
    listing = is_ransomware_listing(context.source)
    finder = make_finder(context.settings, context.matcher, listing, context.sessions)
    return finder, enqueue_hit_alerts


def alert_cutoff(max_age_days: float | None, now: datetime | None = None) -> datetime | None:
    """The publication time before which a post's hits queue no alert (None: no limit)."""
    if max_age_days is None:
        return None
    return (now or datetime.now(UTC)) - timedelta(days=max_age_days)


def is_older(posted_at: datetime | None, cutoff: datetime | None) -> bool:
    """True when ``posted_at`` lies before ``cutoff`` (an undated post is never older)."""
    if posted_at is None or cutoff is None:
        return False
    return as_utc(posted_at) < cutoff


def as_utc(moment: datetime) -> datetime:
    """``moment`` with a time zone: naive times are UTC."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def quiet_history(stats: Any, alert_max_age_days: float | None) -> QuietHistory | None:
    """The run's quiet history from its crawl ``stats``, or None when nothing entered quietly
    (or the source alerts on any age)."""
    if alert_max_age_days is None:
        return None
    newest = stats.get_value(NEWEST_QUIET)
    summary = QuietHistory(
        older_items=int(stats.get_value(OLDER_POSTS, 0)),
        named_entities=int(stats.get_value(QUIET_POSTS, 0)),
        quiet_hits=int(stats.get_value(QUIET_HITS, 0)),
        quiet_possible_hits=int(stats.get_value(QUIET_POSSIBLE_HITS, 0)),
        newest_quiet=datetime.fromtimestamp(newest, UTC) if newest is not None else None,
        alert_max_age_days=alert_max_age_days,
        cutoff=stats.get_value(ALERT_CUTOFF),
        alerted_hits=int(stats.get_value("leakwatch/hits", 0))
        - int(stats.get_value(QUIET_HITS, 0)),
    )
    return None if summary.is_empty else summary


def without_quiet(
    session: Session,
    table: type[Hit] | type[PossibleHit],
    ids: Sequence[int],
    quiet_posts: Collection[int],
) -> tuple[list[int], set[int]]:
    """``ids`` (of ``table``: hits or possible hits) whose post may alert, in order, and the
    quiet posts among theirs."""
    if not ids or not quiet_posts:
        return list(ids), set()
    post_of = dict(
        session.execute(select(table.id, table.post_id).where(table.id.in_(list(ids)))).all()
    )
    alerted = [row_id for row_id in ids if post_of[row_id] not in quiet_posts]
    return alerted, {post_of[row_id] for row_id in ids} & set(quiet_posts)


def post_row(record: PostRecord, excerpt: str = "", sale_score: float = 0.0) -> PostRow:
    """The storable part of a post record: metadata, hash, size and a redacted excerpt (the
    database layer masks personal data in the rest when it stores the row)."""
    return PostRow(
        external_id=record.external_id[:EXTERNAL_ID_LENGTH],
        url=record.url,
        title=record.title,
        author=record.author,
        group_name=record.group_name,
        posted_at=record.posted_at,
        activity_at=record.activity_at,
        content_hash=record.content_hash,
        excerpt=excerpt,
        raw_length=len(record.text),
        tags=record.tags,
        extra=record.extra,
        sale_score=sale_score,
    )
