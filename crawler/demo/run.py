"""``make demo``: the whole product on bundled loopback sources, end to end.

It starts a MyBB forum, a paste archive, a Telegram preview and a ransomware leak site on
127.0.0.1 (synthetic content) and a webhook sink that prints what it receives; writes a config
with short intervals; runs the real daemon (``leakwatch run``) in a child process; waits for the
first crawls; publishes a new sale post on the forum in the style of the November 2024 seed case
and measures how long the signed alert takes to reach the sink; then prints ``leakwatch status``
and the stored hits and stops everything. Nothing leaves the machine.
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import signal
import subprocess
import sys
import time
from base64 import b64encode
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TextIO

from sqlalchemy import select

from crawler.demo.forums.data import generate_forum
from crawler.demo.forums.server import ForumServer, serve_forum
from crawler.demo.leaksites.site import LeakSite
from crawler.demo.loopback import LoopbackServer
from crawler.demo.pastes.site import PasteArchiveSite
from crawler.demo.telegram.site import TelegramPreviewSite
from crawler.demo.webhook_sink import ReceivedRequest, WebhookSink
from db.engine import make_engine, make_session_factory
from db.migrate import upgrade
from db.models import CrawlRun, Entity, Hit, Post, Source

SEED_TITLE = "[SELLING] 758k patients — 5 cliniques privées Paris / IDF (accès Mediboard)"
SEED_BODY = (
    "Selling the patient database of five private clinics around Paris, taken through a "
    "privileged Mediboard (Softway Medical) account: 758,912 patients. Fields: nom, prénom, "
    "date de naissance, adresse, numéro de carte Vitale, mutuelle, prescriptions. Includes "
    "Hôpital privé de Thiais and Clinique Sainte-Isabelle. Sample of 1000 lines in PM. "
    "Price 15k USDT, escrow accepted. Contact: Telegram @mediseller"
)
SOURCE_NAMES = ("demo-forum", "demo-telegram", "demo-paste", "demo-leaksite")


@dataclass
class DemoSites:
    """The running loopback sites and sink."""

    forum: ForumServer
    telegram: LoopbackServer
    paste: LoopbackServer
    leak: LoopbackServer
    sink: WebhookSink


@contextlib.contextmanager
def demo_sites() -> Iterator[DemoSites]:
    """Start every demo site and the webhook sink on 127.0.0.1 for the block."""
    forum_data = generate_forum(threads=40, now=datetime.now(UTC))
    with (
        serve_forum(forum_data, "mybb") as forum,
        LoopbackServer(TelegramPreviewSite()) as telegram,
        LoopbackServer(PasteArchiveSite()) as paste,
        LoopbackServer(LeakSite(layout="play")) as leak,
        WebhookSink() as sink,
    ):
        yield DemoSites(forum, telegram, paste, leak, sink)


def write_config(folder: Path, sites: DemoSites, interval: int = 3) -> Path:
    """The demo's leakwatch.toml: four loopback sources and a signed webhook to the sink."""
    key = "whsec_" + b64encode(secrets.token_bytes(24)).decode()
    every = f'{{ every = "{interval}s" }}'
    forum_urls = [sites.forum.section_url(2), sites.forum.section_url(3)]
    config = f"""
database_url = "sqlite:///{folder / "leakwatch.db"}"
data_dir = "{folder / "data"}"
log_level = "INFO"

[[sources]]
name = "demo-forum"
kind = "forum"
engine = "mybb"
start_urls = {json.dumps(forum_urls)}
schedule = {every}
download_delay = 0
timezone = "Europe/Paris"
options = {{ fetch_first_post = true }}

[[sources]]
name = "demo-telegram"
kind = "telegram"
engine = "preview"
start_urls = ["{sites.telegram.base_url}/s/leakmarketfr"]
schedule = {every}
download_delay = 0
options = {{ depth = 3 }}

[[sources]]
name = "demo-paste"
kind = "paste"
engine = "archive"
start_urls = ["{sites.paste.base_url}/archive"]
schedule = {every}
download_delay = 0

[[sources]]
name = "demo-leaksite"
kind = "leaksite"
engine = "generic"
start_urls = ["{sites.leak.base_url}/"]
schedule = {every}
download_delay = 0
options = {{ layout = "play" }}

[[channels]]
name = "cert-webhook"
type = "webhook"
url = "{sites.sink.url}/hooks/leakwatch"
signing_secret = "{key}"

[[routes]]
channel = "cert-webhook"
min_severity = "medium"

[[routes]]
channel = "cert-webhook"
operations = true
"""
    path = folder / "leakwatch.toml"
    path.write_text(config, encoding="utf-8")
    return path


def run_demo(folder: Path, out: TextIO, deadline_seconds: float = 100.0) -> int:
    """Run the demo in ``folder``; return 0 when the new sale post's alert arrived."""
    started = time.monotonic()
    with demo_sites() as sites:
        config = write_config(folder, sites)
        settings_url = f"sqlite:///{folder / 'leakwatch.db'}"
        upgrade(settings_url)
        say(
            out,
            f"demo sources on 127.0.0.1: forum {sites.forum.base_url} (MyBB), "
            f"telegram {sites.telegram.base_url}, pastes {sites.paste.base_url}, "
            f"leak site {sites.leak.base_url}; webhook sink {sites.sink.url}",
        )
        log = (folder / "daemon.log").open("ab")
        daemon = subprocess.Popen(
            [sys.executable, "-m", "crawler", "--config", str(config), "run"],
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            say(out, "daemon started; waiting for the first crawl of every source…")
            wait(lambda: all(n in finished_sources(settings_url) for n in SOURCE_NAMES), 90)
            say(out, f"first crawls done; {len(sites.sink.requests)} alert(s) received so far")
            thread = sites.forum.forum.add_thread(
                2, SEED_TITLE, author="mediseller", body=SEED_BODY, at=datetime.now(UTC)
            )
            t0 = time.monotonic()
            say(out, f"published a new sale post on the demo forum: thread {thread.thread_id}")
            remaining = max(30.0, deadline_seconds - (time.monotonic() - started))
            alert = wait(lambda: alert_for(sites.sink.requests, SEED_TITLE), remaining)
            latency = time.monotonic() - t0
            say(out, f"ALERT received {latency:.1f} s after the post appeared:")
            say(out, describe_alert(alert))
        except TimeoutError as exc:
            say(out, f"demo failed: {exc}; see {folder / 'daemon.log'}")
            return 1
        finally:
            daemon.send_signal(signal.SIGTERM)
            try:
                daemon.wait(timeout=60)
            except subprocess.TimeoutExpired:
                daemon.kill()
            log.close()
    status = subprocess.run(
        [sys.executable, "-m", "crawler", "--config", str(config), "status"],
        capture_output=True,
        text=True,
        env={**os.environ, "COLUMNS": "150"},
        timeout=60,
    )
    out.write(status.stdout)
    print_hits(settings_url, out)
    say(out, f"demo finished in {time.monotonic() - started:.0f} s; files in {folder}")
    return 0


def finished_sources(url: str) -> set[str]:
    """Names of sources with at least one finished run."""
    engine = make_engine(url)
    try:
        with make_session_factory(engine).begin() as session:
            rows = session.execute(
                select(Source.name).join(CrawlRun).where(CrawlRun.status != "running")
            )
            return {name for (name,) in rows}
    finally:
        engine.dispose()


def alert_for(requests: list[ReceivedRequest], title: str) -> ReceivedRequest | None:
    """The first request received whose JSON body mentions ``title``."""
    for request in requests:
        if title in request.body.decode("utf-8", "replace"):
            return request
    return None


def describe_alert(request: ReceivedRequest) -> str:
    """A few lines summing up a received webhook alert."""
    payload: dict[str, Any] = request.json()
    data = payload.get("data", payload)
    entity = data.get("entity", {})
    post = data.get("post", {})
    claims = data.get("claims", {})
    lines = [
        f"  webhook-id {request.webhook_id}  signed: {'webhook-signature' in request.headers}",
        f"  severity {data.get('severity')}  entity {entity.get('name')} ({entity.get('kind')})",
        f"  post {post.get('title')!r}  source {data.get('source', {}).get('name')}",
        f"  claims {json.dumps(claims, ensure_ascii=False)}",
    ]
    return "\n".join(lines)


def print_hits(url: str, out: TextIO) -> None:
    """The stored hits, newest first."""
    engine = make_engine(url)
    with make_session_factory(engine).begin() as session:
        rows = session.execute(
            select(Hit, Entity.name, Post.title, Source.name)
            .join(Entity, Hit.entity_id == Entity.id)
            .join(Post, Hit.post_id == Post.id)
            .join(Source, Post.source_id == Source.id)
            .order_by(Hit.id.desc())
        ).all()
        say(out, f"stored hits: {len(rows)}")
        for hit, entity, title, source in rows[:25]:
            say(out, f"  [{hit.severity:8}] {entity[:40]:40} {source:14} {title[:60]}")
    engine.dispose()


def wait(condition: Callable[[], Any], timeout: float) -> Any:
    """Poll ``condition`` until it returns something truthy; raise TimeoutError after."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.25)
    raise TimeoutError(f"nothing after {timeout:.0f} s")


def say(out: TextIO, text: str) -> None:
    """Write one line of demo output."""
    out.write(text + "\n")
    out.flush()
