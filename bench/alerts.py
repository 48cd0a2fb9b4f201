"""Alert delivery benchmark: 10,000 outbox messages to a loopback generic-webhook sink.

For each engine (SQLite file; PostgreSQL on 127.0.0.1:5432 when it answers):

The sink (:mod:`crawler.demo.webhook_sink`) runs in its own process and answers like Slack's
Web API (``200`` with a small JSON body). The channel is configured as a high-volume SIEM would
be: unpaced (the default for webhooks) with ``max_in_flight = 8`` (``--max-in-flight 1`` measures
strict one-at-a-time order instead).

- drain: 10,000 signed webhook messages queued up front, then the deliverer loop
  (:func:`alerts.workers.run_deliverer`) sends them all: ``delivered_per_s`` = messages /
  time from the deliverer's start to the last delivery;
- steady: another 10,000 messages queued by a producer at a fixed rate (100 per transaction,
  like the storage pipeline) while the deliverer runs: ``p95_enqueue_to_delivery_ms`` is the
  95th percentile of ``delivered_at - created_at`` (queued to answered by the receiver).

One line per engine, in the format
``alerts: messages=N delivered_per_s=X p95_enqueue_to_delivery_ms=Y``; the goal is ≥ 200/s.
Run: ``.venv/bin/python bench/alerts.py [--messages N] [--engine sqlite|postgresql]``
(``LEAKWATCH_TEST_PG`` overrides the PostgreSQL URL).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import threading
import time
from datetime import datetime, timedelta
from pathlib import Path

import psycopg
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from alerts.channels import build_senders  # noqa: E402
from alerts.deliverer import DeliveryPolicy  # noqa: E402
from alerts.payload import TEST, envelope  # noqa: E402
from alerts.transport import http_client  # noqa: E402
from alerts.workers import run_deliverer  # noqa: E402
from crawler.core.config import Settings  # noqa: E402
from db.engine import make_engine, make_session_factory  # noqa: E402
from db.migrate import upgrade  # noqa: E402
from db.models import OutboxMessage, utcnow  # noqa: E402
from db.outbox import DELIVERED, insert_messages  # noqa: E402

MESSAGES = 10_000
STEADY_RATE = 200  # messages per second: the goal
BATCH = 100
MAX_IN_FLIGHT = 8
INTERVAL = 0.2  # seconds between idle deliverer passes
SECRET = "whsec_bGVha3dhdGNoLWJlbmNoLXNpZ25pbmcta2V5LTAwMDAw"
PG_ADMIN_URL = os.environ.get("LEAKWATCH_TEST_PG", "postgresql://postgres@127.0.0.1:5432/test")


def main(argv: list[str] | None = None) -> None:
    """Run the benchmark on SQLite, then PostgreSQL if it answers."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=MESSAGES, help="messages per phase")
    parser.add_argument(
        "--max-in-flight", type=int, default=MAX_IN_FLIGHT, help="the channel's max_in_flight"
    )
    parser.add_argument("--engine", choices=("sqlite", "postgresql"), help="only this engine")
    args = parser.parse_args(argv)
    if args.engine != "postgresql":
        with tempfile.TemporaryDirectory() as folder:
            bench_engine(
                "sqlite",
                f"sqlite:///{Path(folder) / 'bench.db'}",
                args.messages,
                args.max_in_flight,
            )
    if args.engine == "sqlite":
        return
    try:
        with psycopg.connect(PG_ADMIN_URL, connect_timeout=3):
            pass
    except psycopg.Error as exc:
        print(f"alerts[postgresql]: skipped, server not reachable ({str(exc).strip()[:80]})")
        return
    name = f"leakwatch_bench_{os.getpid()}"
    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        base = PG_ADMIN_URL.rsplit("/", 1)[0].split("://", 1)[1]
        bench_engine(
            "postgresql", f"postgresql+psycopg://{base}/{name}", args.messages, args.max_in_flight
        )
    finally:
        with psycopg.connect(PG_ADMIN_URL, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def bench_engine(
    label: str, url: str, messages: int = MESSAGES, max_in_flight: int = MAX_IN_FLIGHT
) -> None:
    """Drain and steady phases on one database; prints the engine's result line."""
    upgrade(url)
    engine = make_engine(url)
    sessions = make_session_factory(engine)
    # The sink runs in its own process, as a real receiver would: no shared GIL.
    sink = subprocess.Popen(
        [sys.executable, "-m", "crawler.demo.webhook_sink", "--quiet"],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert sink.stdout is not None
    sink_url = sink.stdout.readline().split()[-1]
    with http_client() as client:
        settings = Settings(
            database_url=url,
            channels=[
                {  # type: ignore[list-item]
                    "name": "siem",
                    "type": "webhook",
                    "url": sink_url + "/hook",
                    "signing_secret": SECRET,
                    "max_in_flight": max_in_flight,
                }
            ],
        )
        senders = build_senders(settings, client)
        _produce(sessions, "drain", messages, rate=None)
        started = utcnow()
        with _deliverer(sessions, settings, senders):
            _wait_delivered(sessions, messages)
        drain_seconds = (_last_delivery(sessions) - started).total_seconds()
        with _deliverer(sessions, settings, senders):
            _produce(sessions, "steady", messages, rate=STEADY_RATE)
            _wait_delivered(sessions, 2 * messages)
        latencies = _latencies(sessions, "steady")
    engine.dispose()
    sink.terminate()
    received = sink.communicate(timeout=30)[0].strip().splitlines()[-1]
    per_second = messages / drain_seconds
    p50, p95 = _percentile(latencies, 50), _percentile(latencies, 95)
    print(
        f"alerts[{label}]: drain {messages} in {drain_seconds:.1f}s; steady {messages} at "
        f"{STEADY_RATE}/s: p50 {p50:.0f} ms, p95 {p95:.0f} ms, max {max(latencies):.0f} ms; "
        f"sink: {received}"
    )
    print(
        f"alerts: messages={messages} delivered_per_s={per_second:.0f} "
        f"p95_enqueue_to_delivery_ms={p95:.0f}"
    )


class _deliverer:  # noqa: N801 - used as a context manager
    def __init__(self, sessions: sessionmaker[Session], settings: Settings, senders: dict) -> None:  # type: ignore[type-arg]
        self.stop = threading.Event()
        self.thread = threading.Thread(
            target=run_deliverer,
            args=(sessions, settings, senders, self.stop),
            kwargs={"interval": INTERVAL, "policy": DeliveryPolicy()},
        )

    def __enter__(self) -> None:
        self.thread.start()

    def __exit__(self, *exc: object) -> None:
        self.stop.set()
        self.thread.join()


def _produce(sessions: sessionmaker[Session], phase: str, count: int, rate: float | None) -> None:
    started = time.perf_counter()
    for first in range(0, count, BATCH):
        if rate is not None:
            time.sleep(max(0.0, started + first / rate - time.perf_counter()))
        now = utcnow()
        rows = [
            {
                "channel": "siem",
                "kind": "test",
                "payload": envelope(TEST, {"phase": phase, "n": n, "pad": "x" * 600}, now),
                "idempotency_key": f"bench:{phase}:{n}",
                "status": "pending",
                "attempts": 0,
                "next_attempt_at": now,
                "created_at": now,
            }
            for n in range(first, min(first + BATCH, count))
        ]
        with sessions.begin() as session:
            insert_messages(session, rows)


def _wait_delivered(sessions: sessionmaker[Session], total: int, timeout: float = 600) -> None:
    deadline = time.perf_counter() + timeout
    while time.perf_counter() < deadline:
        with sessions.begin() as session:
            done = session.execute(
                select(func.count(OutboxMessage.id)).where(OutboxMessage.status == DELIVERED)
            ).scalar_one()
        if done >= total:
            return
        time.sleep(0.2)
    raise SystemExit(f"timeout: {done}/{total} delivered")


def _last_delivery(sessions: sessionmaker[Session]) -> datetime:
    with sessions.begin() as session:
        last = session.execute(select(func.max(OutboxMessage.delivered_at))).scalar_one()
    assert last is not None
    return last


def _latencies(sessions: sessionmaker[Session], phase: str) -> list[float]:
    with sessions.begin() as session:
        rows = session.execute(
            select(OutboxMessage.created_at, OutboxMessage.delivered_at).where(
                OutboxMessage.idempotency_key.like(f"bench:{phase}:%")
            )
        ).all()
    return [((done or start) - start) / timedelta(milliseconds=1) for start, done in rows]


def _percentile(values: list[float], percent: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * percent / 100))]


if __name__ == "__main__":
    main()
