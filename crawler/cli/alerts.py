"""``leakwatch alerts``: the outbox (list, retry), a channel check (test) and the deliverer.

Channels are shown by name only: URLs, tokens and signing secrets never reach the terminal.
"""

from __future__ import annotations

import json
import logging
import signal
import threading
import uuid
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from alerts.channels import build_sender, open_senders
from alerts.deliverer import DeliveryReport, deliver_due
from alerts.errors import AlertError
from alerts.payload import TEST, check_data, envelope
from alerts.transport import OutgoingMessage, http_client
from alerts.workers import run_deliverer
from crawler.cli.state import fail, open_database, state_of
from db.engine import make_engine, make_session_factory
from db.models import OutboxMessage, utcnow
from db.outbox import DEAD, PENDING, STATUSES, Backlog, backlog, list_messages, requeue

app = typer.Typer(help="Alert outbox: list, retry, test a channel, deliver.", no_args_is_help=True)
EXIT_SEND_FAILED = 1


@app.command("list")
def list_command(
    ctx: typer.Context,
    status: Annotated[
        list[str] | None,
        typer.Option(
            "--status", "-s", help=f"Only this status (repeatable): {', '.join(STATUSES)}."
        ),
    ] = None,
    channel: Annotated[str | None, typer.Option("--channel", help="Only this channel.")] = None,
    limit: Annotated[int, typer.Option("--limit", "-n", min=1, help="Most messages shown.")] = 50,
    fmt: Annotated[str, typer.Option("--format", "-f", help="Output: table or json.")] = "table",
    as_json: Annotated[bool, typer.Option("--json", hidden=True, help="Same as -f json.")] = False,
) -> None:
    """Outbox messages, newest first: channel, event, status, attempts, next try, last error."""
    statuses = status or []
    unknown = sorted(set(statuses) - set(STATUSES))
    if unknown:
        fail(f"unknown status {', '.join(unknown)} (known: {', '.join(STATUSES)})")
    settings = open_database(ctx)
    engine = make_engine(settings.database_url)
    with make_session_factory(engine).begin() as session:
        rows = [_row(m) for m in list_messages(session, statuses, channel, limit)]
    engine.dispose()
    if fmt not in ("table", "json"):
        fail("--format: expected table or json")
    if as_json or fmt == "json":
        typer.echo(json.dumps(rows, indent=2))
        return
    table = Table(title="leakwatch alert outbox")
    for column in ("id", "channel", "event", "status", "tries", "next / done", "last error"):
        table.add_column(column, overflow="fold")
    for row in rows:
        when = row["delivered_at"] if row["status"] != PENDING else row["next_attempt_at"]
        table.add_row(
            str(row["id"]),
            row["channel"],
            row["event"],
            row["status"],
            str(row["attempts"]),
            when or "—",
            row["last_error"] or "",
        )
    Console(markup=False, width=160).print(table)


@app.command("retry")
def retry_command(
    ctx: typer.Context,
    ids: Annotated[list[int] | None, typer.Argument(help="Message ids (default: all).")] = None,
    channel: Annotated[str | None, typer.Option("--channel", help="Only this channel.")] = None,
    waiting: Annotated[
        bool, typer.Option("--waiting", help="Also pending messages waiting for a retry.")
    ] = False,
    everything: Annotated[bool, typer.Option("--all", help="Every dead message.")] = False,
) -> None:
    """Put dead messages back in the queue, due now, in their original order."""
    if not ids and channel is None and not everything:
        fail("give message ids, --channel NAME or --all")
    settings = open_database(ctx)
    engine = make_engine(settings.database_url)
    statuses = (DEAD, PENDING) if waiting else (DEAD,)
    with make_session_factory(engine).begin() as session:
        count = requeue(session, utcnow(), ids or (), channel, statuses)
    engine.dispose()
    typer.echo(f"{count} message(s) queued again")


@app.command("test")
def test_command(
    ctx: typer.Context,
    channel: Annotated[str, typer.Argument(help="Channel name from the configuration.")],
) -> None:
    """Send a test message to CHANNEL now (not through the outbox); exit 1 if it fails."""
    settings = state_of(ctx).settings
    config = next((c for c in settings.channels if c.name == channel), None)
    if config is None:
        known = ", ".join(c.name for c in settings.channels) or "none configured"
        fail(f"no channel named {channel!r} (known: {known})")
        return
    message = OutgoingMessage(
        channel=channel,
        kind="test",
        idempotency_key=f"test:{uuid.uuid4().hex}",
        payload=envelope(TEST, check_data(channel), utcnow()),
    )
    try:
        with http_client() as client:
            build_sender(config, client).send(message)
    except AlertError as exc:
        fail(f"test message to {channel} failed: {exc}", EXIT_SEND_FAILED)
    typer.echo(f"test message sent to {channel}")


@app.command("deliver")
def deliver_command(
    ctx: typer.Context,
    loop: Annotated[
        bool, typer.Option("--loop", help="Keep delivering until SIGTERM/SIGINT.")
    ] = False,
    interval: Annotated[
        float, typer.Option("--interval", min=0.05, help="Seconds between idle passes.")
    ] = 1.0,
) -> None:
    """Send due messages once (or, with --loop, until stopped) and print what was done and
    what is left: messages still pending (and when the next is due), held, dead letters."""
    settings = open_database(ctx)
    logging.basicConfig(
        level=settings.log_level, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    engine = make_engine(settings.database_url)
    sessions = make_session_factory(engine)
    try:
        with open_senders(settings) as senders:
            if loop:
                stop = threading.Event()
                for signum in (signal.SIGTERM, signal.SIGINT):
                    signal.signal(signum, lambda *_: stop.set())
                report = run_deliverer(sessions, settings, senders, stop, interval=interval)
            else:
                report = deliver_due(sessions, settings, senders)
        with sessions.begin() as session:
            left = backlog(session)
    finally:
        engine.dispose()
    typer.echo(_summary(report, left))


def _summary(report: DeliveryReport, left: Backlog) -> str:
    done = (
        f"this run: delivered {report.delivered}, failed and retried later {report.retried}, "
        f"dead-lettered {report.dead}, digests {report.digests}"
    )
    pending = f"pending: {left.pending}"
    if left.pending and left.next_attempt_at is not None:
        pending += f", next attempt {left.next_attempt_at:%Y-%m-%d %H:%M:%S} UTC"
    if left.held:
        pending += f"; held for a digest: {left.held}"
    dead = f"dead letters: {left.dead}"
    if left.dead:
        dead += " (leakwatch alerts list -s dead; leakwatch alerts retry --all)"
    return f"{done}\n{pending}\n{dead}"


def _row(message: OutboxMessage) -> dict[str, Any]:
    return {
        "id": message.id,
        "channel": message.channel,
        "kind": message.kind,
        "event": str(message.payload.get("type", message.kind)),
        "status": message.status,
        "attempts": message.attempts,
        "created_at": _when(message.created_at),
        "next_attempt_at": _when(message.next_attempt_at),
        "delivered_at": _when(message.delivered_at),
        "last_error": message.last_error,
        "hit_id": message.hit_id,
        "incident_id": message.incident_id,
    }


def _when(value: Any) -> str | None:
    return f"{value:%Y-%m-%d %H:%M:%S}" if value is not None else None
