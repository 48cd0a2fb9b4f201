"""End-to-end latency: a sale post appears on a loopback forum at t0, its alert reaches a
loopback webhook sink at t1, through the real daemon.

The daemon is ``python -m crawler --config X run`` in a child process, with SQLite in a
temporary folder, one MyBB source (the demo forum, :mod:`crawler.demo.forums.server`) crawled
every ``--interval`` seconds with ``fetch_first_post``, and a signed webhook channel routed to
the sink (:mod:`crawler.demo.webhook_sink`, in this process: t0 and t1 come from one clock).

After the daemon's first crawl, ``--posts`` sale posts naming French health establishments are
published one at a time. Each waits for the previous one's alert, then for a random part of an
interval (seeded), so that posts fall at every phase of the schedule and each is seen by its own
run. Latency = t1 − t0; also reported, per post, ``seen`` = when the crawl stored the post
(``posts.first_seen``) − t0 and ``sent`` = t1 − that. The last line is::

    e2e: posts=N p50_s=X p95_s=Y interval_s=I

The goal is p95 ≤ interval + 5 s. Run: ``.venv/bin/python bench/e2e.py [--posts 20]
[--interval 5]``.
"""

from __future__ import annotations

import argparse
import base64
import random
import signal
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy import select  # noqa: E402

from crawler.demo.forums.data import generate_forum  # noqa: E402
from crawler.demo.forums.server import serve_forum  # noqa: E402
from crawler.demo.webhook_sink import ReceivedRequest, WebhookSink  # noqa: E402
from db.engine import make_engine, make_session_factory  # noqa: E402
from db.migrate import upgrade  # noqa: E402
from db.models import CrawlRun, Post  # noqa: E402

SECRET = "whsec_" + base64.b64encode(b"leakwatch-e2e-bench-signing-key").decode()
SECTION = 2
ESTABLISHMENTS = (
    "Hôpital privé de Thiais",
    "Clinique Sainte-Isabelle",
    "CHU de Rennes",
    "Hôpital Foch",
    "Hôpital Américain de Paris",
)
ALERT_TIMEOUT_SECONDS = 120.0
CONFIG = """
database_url = "sqlite:///{db}"
data_dir = "{data}"
log_level = "INFO"

[[sources]]
name = "bench-forum"
kind = "forum"
engine = "mybb"
start_urls = ["{start}"]
download_delay = 0
timezone = "Europe/Paris"
schedule = {{ every = "{interval}s" }}
options = {{ fetch_first_post = true }}

[[channels]]
name = "sink"
type = "webhook"
url = "{sink}/hooks/leakwatch"
signing_secret = "{secret}"

[[routes]]
channel = "sink"
"""


def main() -> None:
    """Run the daemon against the forum, publish the posts, print the latencies."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=20)
    parser.add_argument("--interval", type=int, default=5, help="seconds between crawls")
    arguments = parser.parse_args()
    rng = random.Random(7)
    forum = generate_forum(threads=20, now=datetime.now(UTC))
    with (
        tempfile.TemporaryDirectory() as folder,
        serve_forum(forum, "mybb") as site,
        WebhookSink() as sink,
    ):
        database = Path(folder) / "bench.db"
        url = f"sqlite:///{database}"
        upgrade(url)
        config = Path(folder) / "leakwatch.toml"
        config.write_text(
            CONFIG.format(
                db=database,
                data=Path(folder) / "data",
                start=site.section_url(SECTION),
                interval=arguments.interval,
                sink=sink.url,
                secret=SECRET,
            ),
            encoding="utf-8",
        )
        log_path = Path(folder) / "daemon.log"
        with log_path.open("ab") as log:
            daemon = subprocess.Popen(
                [sys.executable, "-m", "crawler", "--config", str(config), "run"],
                cwd=ROOT,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        try:
            _wait(lambda: _finished_runs(url) >= 1, 180, "the first crawl")
            rows = []
            for number in range(arguments.posts):
                time.sleep(rng.uniform(0, arguments.interval))
                reference = f"REF-{number:03d}"
                title = (
                    f"[SELLING] {ESTABLISHMENTS[number % len(ESTABLISHMENTS)]} patient "
                    f"database, {rng.randint(20, 900)}k records (NIR, mutuelle) {reference}"
                )
                forum.now = datetime.now(UTC)
                t0 = datetime.now(UTC)
                forum.add_thread(SECTION, title, author="bench-seller", at=t0)
                alert = _wait(
                    lambda ref=reference: _alert_for(sink.requests, ref),
                    ALERT_TIMEOUT_SECONDS,
                    f"the alert of post {number}",
                )
                rows.append((t0, alert.received_at, _first_seen(url, title)))
        except TimeoutError as exc:
            sys.stderr.write(f"{exc}; daemon log tail:\n")
            sys.stderr.write(log_path.read_text(errors="replace")[-4000:])
            raise SystemExit(1) from None
        finally:
            daemon.send_signal(signal.SIGTERM)
            try:
                daemon.wait(timeout=60)
            except subprocess.TimeoutExpired:
                daemon.kill()
    latencies = [(t1 - t0).total_seconds() for t0, t1, _ in rows]
    seen = [(stored - t0).total_seconds() for t0, _, stored in rows]
    sent = [(t1 - stored).total_seconds() for _, t1, stored in rows]
    sys.stdout.write(
        "latencies_s: " + " ".join(f"{value:.1f}" for value in latencies) + "\n"
        f"p50 seen_s={_percentile(seen, 50):.1f} sent_s={_percentile(sent, 50):.1f}; "
        f"max seen_s={max(seen):.1f} sent_s={max(sent):.1f}\n"
        f"e2e: posts={len(rows)} p50_s={_percentile(latencies, 50):.1f} "
        f"p95_s={_percentile(latencies, 95):.1f} interval_s={arguments.interval}\n"
    )


def _wait(condition, timeout: float, what: str):  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.05)
    raise TimeoutError(f"timeout waiting for {what}")


def _finished_runs(url: str) -> int:
    engine = make_engine(url)
    try:
        with make_session_factory(engine).begin() as session:
            runs = session.execute(select(CrawlRun).where(CrawlRun.status != "running"))
            return len(runs.scalars().all())
    finally:
        engine.dispose()


def _first_seen(url: str, title: str) -> datetime:
    engine = make_engine(url)
    try:
        with make_session_factory(engine).begin() as session:
            return session.execute(select(Post.first_seen).where(Post.title == title)).scalar_one()
    finally:
        engine.dispose()


def _alert_for(requests: list[ReceivedRequest], reference: str) -> ReceivedRequest | None:
    for request in requests:
        if reference.encode() in request.body:
            return request
    return None


def _percentile(values: list[float], percent: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * percent / 100))]


if __name__ == "__main__":
    main()
