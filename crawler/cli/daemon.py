"""``leakwatch run`` (the daemon) and ``leakwatch status``."""

from __future__ import annotations

import contextlib
import json
import logging
from datetime import datetime, timedelta

import typer
from rich.console import Console
from rich.table import Table
from sqlalchemy.orm import Session, sessionmaker

from alerts.channels import open_senders
from alerts.delivery_policy import DeliveryReport
from alerts.outbox import enqueue_operations_alert
from alerts.transport import Sender
from alerts.workers import ChannelWorkers
from crawler.cli.state import fail, open_database, state_of
from crawler.core.config import ChannelConfig, Settings
from crawler.runtime.daemon import Daemon
from crawler.runtime.metrics import Metrics
from db.engine import make_engine, make_session_factory
from db.models import utcnow
from db.repository import (
    hits_since_by_source,
    latest_runs,
    outbox_depth,
    sources_query,
    sync_sources,
)


def run(
    ctx: typer.Context,
    metrics_port: int | None = typer.Option(
        None, "--metrics-port", help="Serve Prometheus metrics on 127.0.0.1:PORT."
    ),
    kill_grace: float = typer.Option(
        30.0, "--kill-grace", help="Seconds past a source's max_wall_seconds before a hard kill."
    ),
    max_crawls: int | None = typer.Option(
        None,
        "--max-crawls",
        min=1,
        help="Crawls running at once; later ones wait for a slot (default: 4 per CPU).",
    ),
) -> None:
    """Run the daemon: crawl every enabled source on its schedule and deliver alerts.

    Each crawl runs in a child process killed at the source's wall-time limit. SIGHUP reloads
    the configuration; SIGTERM stops cleanly.
    """
    state = state_of(ctx)
    settings = open_database(ctx, create=True)
    logging.basicConfig(
        level=settings.log_level, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    engine = make_engine(settings.database_url)
    sessions = make_session_factory(engine)

    def queue_depth() -> dict[str, int]:
        with sessions.begin() as session:
            return outbox_depth(session)

    metrics = Metrics(metrics_port, queue_depth=queue_depth)

    def health_alert(
        session: Session, current: Settings, name: str, old: str, new: str, detail: str | None
    ) -> None:
        enqueue_operations_alert(session, current, name, old, new, detail)

    with Delivery(sessions, metrics) as deliver:
        Daemon(
            settings,
            state.config,
            deliver=deliver,
            health_alert=health_alert,
            metrics=metrics,
            kill_grace_seconds=kill_grace,
            max_crawls=max_crawls,
        ).run()
    engine.dispose()


class Delivery:
    """The daemon's delivery job: each channel sends from a worker of its own
    (:class:`alerts.workers.ChannelWorkers`), so the job never waits for a send; its senders
    are reopened when a reload changes channels (after the running sends ended)."""

    def __init__(self, sessions: sessionmaker[Session], metrics: Metrics) -> None:
        self.sessions = sessions
        self.metrics = metrics
        self.workers = ChannelWorkers(sessions)
        self._senders: contextlib.ExitStack | None = None
        self._channels: list[ChannelConfig] | None = None
        self.senders: dict[str, Sender] = {}

    def __call__(self, settings: Settings) -> None:
        """Start the sends due with ``settings``' channels and routes; report those ended."""
        if settings.channels != self._channels:
            self._report(self.workers.close())
            self._close_senders()
            self._senders = contextlib.ExitStack()
            self.senders = self._senders.enter_context(open_senders(settings))
            self._channels = list(settings.channels)
        self._report(self.workers.deliver(settings, self.senders))

    def _report(self, report: DeliveryReport) -> None:
        for channel, seconds in report.latencies:
            self.metrics.observe_delivery(channel, seconds)
        if report.attempted:
            logging.getLogger("alerts").info(
                "alerts: %d delivered, %d retried, %d dead",
                report.delivered,
                report.retried,
                report.dead,
            )

    def close(self) -> None:
        """Let running sends end (bounded by their leases), then close the HTTP client."""
        self._report(self.workers.close())
        self._close_senders()

    def _close_senders(self) -> None:
        if self._senders is not None:
            self._senders.close()
            self._senders = None

    def __enter__(self) -> Delivery:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def status(
    ctx: typer.Context,
    fmt: str = typer.Option("table", "--format", "-f", help="Output: table or json."),
    as_json: bool = typer.Option(False, "--json", hidden=True, help="Same as -f json."),
) -> None:
    """Sources with last run, next run, health, last error and new hits in the last 24 h."""
    if fmt not in ("table", "json"):
        fail("--format: expected table or json")
    settings = open_database(ctx)
    engine = make_engine(settings.database_url)
    rows: list[dict[str, object]] = []
    with make_session_factory(engine).begin() as session:
        sync_sources(session, settings.sources)
        runs = latest_runs(session)
        hits = hits_since_by_source(session, utcnow() - timedelta(hours=24))
        configured = {source.name for source in settings.sources}
        for source in session.execute(sources_query()).scalars():
            if source.name not in configured:
                continue
            run_row = runs.get(source.id)
            rows.append(
                {
                    "name": source.name,
                    "kind": source.kind,
                    "enabled": source.enabled,
                    "health": source.health,
                    "last_run": _iso(run_row.started_at) if run_row else None,
                    "last_status": run_row.status if run_row else None,
                    "last_items": run_row.items if run_row else None,
                    "next_run": _iso(source.next_run_at),
                    "last_error": source.health_detail,
                    "hits_24h": hits.get(source.id, 0),
                }
            )
    engine.dispose()
    if as_json or fmt == "json":
        typer.echo(json.dumps(rows, indent=2))
        return
    table = Table(title="leakwatch status")
    for column in ("source", "kind", "health", "last run", "next run", "hits 24h", "last error"):
        table.add_column(column, overflow="fold")
    for row in rows:
        last = f"{row['last_run']} {row['last_status']}" if row["last_run"] else "never"
        table.add_row(
            str(row["name"]),
            str(row["kind"]),
            str(row["health"]),
            last,
            str(row["next_run"] or "—"),
            str(row["hits_24h"]),
            str(row["last_error"] or ""),
        )
    Console(markup=False, width=160).print(table)


def _iso(value: datetime | None) -> str | None:
    return value.strftime("%Y-%m-%d %H:%M:%S") if value else None
