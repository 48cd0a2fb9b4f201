"""Chaos: sources keep publishing while the daemon is killed with SIGKILL at random and the
alert receiver flaps; then everything settles and every published post must be stored and
alerted.

Three MyBB sources (three sections of one loopback demo forum,
:mod:`crawler.demo.forums.server`) are crawled every ``--interval`` seconds (default 5) by the
real daemon, ``python -m crawler --config X run``, on SQLite (a file in a temporary folder) or
PostgreSQL (``--engine postgresql``: a database of its own on 127.0.0.1:5432, created from
``test`` with trust auth and dropped afterwards). A new sale thread naming a French health
establishment appears every ``--post-every`` seconds (default 2) in a random section; each title
carries a reference (``CHAOS-0001``) so that its post and its alerts can be found.

Once the first daemon is up, for ``--minutes`` (default 5):

- the daemon is killed with SIGKILL a random 3–12 s (``--life MIN MAX``) after it has started
  (logged its start line: its start-up alone takes seconds, a minute or more on a loaded
  machine, when a short life leaves it no time to crawl or send) and restarted at once (its
  crawls die with it: they watch their lifeline);
- the signed webhook receiver flaps: every 5–20 s it switches between answering ``200``,
  refusing connections (its socket closed), ``500``, ``429`` with ``Retry-After: 5`` and
  dripping its answer one byte a second (the send deadline cuts it).

Then the receiver stays healthy, publishing stops and the daemon is left running until every
published post is stored and delivered, or ``--settle-minutes`` (default 20: a message that
failed several times waits minutes for its retry) have passed.

Counted: ``published`` (threads the forum published), ``stored`` (their posts in the database),
``delivered_unique`` (distinct ``webhook-id``\\ s of ``alert.created`` and ``alert.updated``
documents, one per post × entity, the receiver accepted with ``200``, each signature verified
with the ``standardwebhooks`` library),
``duplicates`` (accepted deliveries of an id already accepted: allowed by at-least-once
delivery, should be low), ``lost`` (published posts not stored, or with no accepted alert) and
``kills``. The last line is::

    chaos: engine=E published=N stored=N delivered_unique=N lost=N duplicates=D kills=K minutes=M

The goal is ``lost=0`` on both engines. Quick check: ``.venv/bin/python bench/chaos.py
--minutes 1 --settle-minutes 5``.
"""

from __future__ import annotations

import argparse
import base64
import os
import random
import re
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import psycopg  # noqa: E402
from sqlalchemy import select  # noqa: E402
from standardwebhooks import Webhook  # noqa: E402

from crawler.demo.forums.data import generate_forum  # noqa: E402
from crawler.demo.forums.server import serve_forum  # noqa: E402
from crawler.demo.webhook_sink import ReceivedRequest, SinkResponse, WebhookSink  # noqa: E402
from db.engine import make_engine, make_session_factory  # noqa: E402
from db.migrate import upgrade  # noqa: E402
from db.models import OutboxMessage, Post  # noqa: E402

SECRET = "whsec_" + base64.b64encode(b"leakwatch-chaos-bench-signing-key").decode()
PG_ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/test"
SECTIONS = (2, 3, 4)
ESTABLISHMENTS = (
    "Hôpital privé de Thiais",
    "Clinique Sainte-Isabelle",
    "CHU de Rennes",
    "Hôpital Foch",
    "Hôpital Américain de Paris",
)
#: A post's alert: ``alert.updated`` when its entity's incident was already alerted (a repost).
ALERT_TYPES = ("alert.created", "alert.updated")
MODES = ("healthy", "refuse", "error", "throttle", "drip")
REFERENCE = re.compile(rb"CHAOS-\d{4}")
SOURCE = """
[[sources]]
name = "chaos-{section}"
kind = "forum"
engine = "mybb"
start_urls = ["{start}"]
download_delay = 0
timezone = "Europe/Paris"
schedule = {{ every = "{interval}s" }}
options = {{ fetch_first_post = true }}
"""
CHANNEL = """
[[channels]]
name = "receiver"
type = "webhook"
url = "{url}/hooks/leakwatch"
signing_secret = "{secret}"

[[routes]]
channel = "receiver"
"""


class FlappingReceiver:
    """The webhook receiver: a :class:`WebhookSink` whose answers (and presence) change.

    Remembers, for every alert it accepted with ``200``, the ``webhook-id`` and the
    post reference; a request whose signature does not verify is counted and not accepted.
    """

    def __init__(self) -> None:
        self.mode = "healthy"
        self.accepted: Counter[str] = Counter()
        self.references: set[str] = set()
        self.bad_signatures = 0
        self.requests: Counter[str] = Counter()
        self._verifier = Webhook(SECRET)
        self._lock = threading.Lock()
        self._sink: WebhookSink | None = None
        self.port = 0

    def open(self) -> None:
        """Listen again (on the same port after the first time)."""
        if self._sink is None:
            self._sink = WebhookSink(self._answer, port=self.port).start()
            self.port = int(self._sink.url.rsplit(":", 1)[1])

    def close(self) -> None:
        """Stop listening: connections are refused."""
        if self._sink is not None:
            self._sink.stop()
            self._sink = None

    @property
    def url(self) -> str:
        """Base URL of the receiver."""
        return f"http://127.0.0.1:{self.port}"

    def switch(self, mode: str) -> None:
        """Answer the next requests in ``mode`` (see the module docstring)."""
        self.mode = mode
        if mode == "refuse":
            self.close()
        else:
            self.open()

    def _answer(self, request: ReceivedRequest) -> SinkResponse:
        mode = self.mode
        with self._lock:
            self.requests[mode] += 1
        if mode == "error":
            return SinkResponse(500, b"internal error")
        if mode == "throttle":
            return SinkResponse(429, b"slow down", {"Retry-After": "5"})
        if mode == "drip":
            return SinkResponse(200, b"ok", drip_seconds=1.0)
        try:
            self._verifier.verify(request.body, request.headers)
        except Exception:  # noqa: BLE001 - any verification failure is a bad signature
            with self._lock:
                self.bad_signatures += 1
            return SinkResponse(401, b"bad signature")
        document = request.json()
        if document.get("type") in ALERT_TYPES and request.webhook_id:
            with self._lock:
                self.accepted[request.webhook_id] += 1
                self.references.update(m.decode() for m in REFERENCE.findall(request.body))
        return SinkResponse(200, b"ok")


def main() -> None:
    """Publish, kill, flap, settle; print the counts."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--engine", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--minutes", type=float, default=5.0, help="length of the chaos")
    parser.add_argument("--settle-minutes", type=float, default=20.0)
    parser.add_argument("--interval", type=int, default=5, help="seconds between crawls")
    parser.add_argument("--post-every", type=float, default=2.0, help="seconds between posts")
    parser.add_argument("--seed", type=int, default=18)
    parser.add_argument(
        "--life", type=float, nargs=2, default=(3.0, 12.0), metavar=("MIN", "MAX"),
        help="seconds a started daemon lives before its SIGKILL (uniform)",
    )  # fmt: skip
    parser.add_argument("--keep-log", metavar="FILE", help="copy the daemon's log there")
    arguments = parser.parse_args()
    rng = random.Random(arguments.seed)
    forum = generate_forum(threads=12, now=datetime.now(UTC))
    receiver = FlappingReceiver()
    receiver.open()
    with (
        tempfile.TemporaryDirectory() as folder,
        _database(arguments.engine, Path(folder)) as url,
        serve_forum(forum, "mybb") as site,
    ):
        upgrade(url)
        config = Path(folder) / "leakwatch.toml"
        sources = "".join(
            SOURCE.format(section=s, start=site.section_url(s), interval=arguments.interval)
            for s in SECTIONS
        )
        config.write_text(
            f'database_url = "{url}"\ndata_dir = "{Path(folder) / "data"}"\nlog_level = "INFO"\n'
            + sources
            + CHANNEL.format(url=receiver.url, secret=SECRET),
            encoding="utf-8",
        )
        log_path = Path(folder) / "daemon.log"
        published: list[str] = []
        lock = threading.Lock()
        stop = threading.Event()
        poster = threading.Thread(
            target=_publish, args=(forum, published, lock, stop, arguments.post_every, rng)
        )
        daemon = _start(config, log_path)
        kills = 0
        try:
            # The chaos starts once the first daemon is up (its first start builds the matcher
            # index unless the cache has it: minutes on a loaded machine).
            while _started(log_path) == 0:
                if daemon.poll() is not None:
                    raise SystemExit(log_path.read_text(errors="replace")[-3000:])
                time.sleep(0.5)
            poster.start()
            chaos_end = time.monotonic() + arguments.minutes * 60
            starts = 0
            next_kill: float | None = None
            next_flap = time.monotonic() + rng.uniform(5, 20)
            while time.monotonic() < chaos_end:
                time.sleep(0.2)
                if next_kill is None and _started(log_path) > starts:
                    starts += 1
                    next_kill = time.monotonic() + rng.uniform(*arguments.life)
                if next_kill is not None and time.monotonic() >= next_kill:
                    daemon.kill()
                    daemon.wait()
                    kills += 1
                    daemon = _start(config, log_path)
                    next_kill = None
                if time.monotonic() >= next_flap:
                    receiver.switch(rng.choice(MODES))
                    next_flap = time.monotonic() + rng.uniform(5, 20)
            stop.set()
            poster.join()
            receiver.switch("healthy")
            settle_start = time.monotonic()
            settle_end = settle_start + arguments.settle_minutes * 60
            while time.monotonic() < settle_end:
                if daemon.poll() is not None:
                    sys.stderr.write(f"the daemon exited with {daemon.returncode}: restarted\n")
                    daemon = _start(config, log_path)
                stored = _stored_references(url)
                if set(published) <= stored and set(published) <= receiver.references:
                    break
                time.sleep(2)
            settled = time.monotonic() - settle_start
        finally:
            stop.set()
            daemon.send_signal(signal.SIGTERM)
            try:
                daemon.wait(timeout=60)
            except subprocess.TimeoutExpired:
                daemon.kill()
            receiver.close()
        stored = _stored_references(url)
        outbox = _outbox_summary(url)
        log = log_path.read_text(errors="replace")
        if arguments.keep_log:
            Path(arguments.keep_log).write_text(log, encoding="utf-8")
    wanted = set(published)
    lost = sorted(wanted - (stored & receiver.references))
    duplicates = sum(count - 1 for count in receiver.accepted.values())
    sys.stdout.write(
        f"settled in {settled:.0f} s; receiver requests by mode: {dict(receiver.requests)}, "
        f"{receiver.bad_signatures} bad signatures; daemon log: "
        f"{log.count('Traceback')} tracebacks; outbox: {outbox}\n"
    )
    if lost:
        sys.stdout.write(
            "lost: "
            + ", ".join(
                f"{ref} ({'stored' if ref in stored else 'not stored'})" for ref in lost[:20]
            )
            + "\n"
        )
    sys.stdout.write(
        f"chaos: engine={arguments.engine} published={len(wanted)} "
        f"stored={len(wanted & stored)} delivered_unique={len(receiver.accepted)} "
        f"lost={len(lost)} duplicates={duplicates} kills={kills} "
        f"minutes={arguments.minutes:g}\n"
    )


def _publish(forum, published, lock, stop, every, rng) -> None:  # type: ignore[no-untyped-def]
    """Post a sale thread every ``every`` seconds until ``stop``."""
    number = 0
    while not stop.wait(every):
        reference = f"CHAOS-{number:04d}"
        title = (
            f"[SELLING] {ESTABLISHMENTS[number % len(ESTABLISHMENTS)]} patient database, "
            f"{rng.randint(20, 900)}k records (NIR, mutuelle) {reference}"
        )
        now = datetime.now(UTC)
        forum.now = now
        forum.add_thread(rng.choice(SECTIONS), title, author="chaos-seller", at=now)
        with lock:
            published.append(reference)
        number += 1


def _started(log_path: Path) -> int:
    """Daemon start lines logged so far."""
    try:
        return log_path.read_text(errors="replace").count(
            " INFO crawler.runtime.daemon: leakwatch daemon "
        )
    except FileNotFoundError:
        return 0


def _start(config: Path, log_path: Path) -> subprocess.Popen[bytes]:
    # The matcher index cache is shared with the tests (its files are named by the watchlist's
    # content and the code): a daemon killed while building it would otherwise start over.
    env = dict(os.environ)
    env.setdefault(
        "LEAKWATCH_CACHE_DIR", f"{tempfile.gettempdir()}/leakwatch-test-cache-{os.getuid()}"
    )
    with log_path.open("ab") as log:
        return subprocess.Popen(
            [sys.executable, "-m", "crawler", "--config", str(config), "run"],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )


@contextmanager
def _database(engine: str, folder: Path):  # type: ignore[no-untyped-def]
    """A fresh database URL on ``engine``, removed afterwards."""
    if engine == "sqlite":
        yield f"sqlite:///{folder / 'chaos.db'}"
        return
    name = f"leakwatch_chaos_{os.getpid()}"
    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}"
    finally:
        with psycopg.connect(PG_ADMIN_URL, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _outbox_summary(url: str) -> str:
    """Alert messages by status, and the newest error of those not delivered."""
    engine = make_engine(url)
    try:
        with make_session_factory(engine).begin() as session:
            rows = session.execute(
                select(
                    OutboxMessage.status, OutboxMessage.next_attempt_at, OutboxMessage.last_error
                )
            ).all()
    finally:
        engine.dispose()
    counts = Counter(status for status, _, _ in rows)
    waiting = [(due, error) for status, due, error in rows if status != "delivered"]
    latest = max(waiting, key=lambda row: row[0]) if waiting else None
    return f"{dict(counts)}" + (
        f", latest due {latest[0]:%H:%M:%S} ({latest[1]})" if latest else ""
    )


def _stored_references(url: str) -> set[str]:
    engine = make_engine(url)
    try:
        with make_session_factory(engine).begin() as session:
            titles = session.execute(select(Post.title).where(Post.title.contains("CHAOS-")))
            return {m.decode() for (title,) in titles for m in REFERENCE.findall(title.encode())}
    finally:
        engine.dispose()


if __name__ == "__main__":
    main()
