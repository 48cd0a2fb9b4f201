"""Scheduler load: many loopback sources on short intervals, through the real daemon.

``--sources`` MyBB sources (default 50), each one section of one loopback demo forum
(:mod:`crawler.demo.forums.server`), all crawled every ``--interval`` seconds (default 60) by
``python -m crawler --config X run`` (SQLite in a temporary folder) for ``--minutes`` (default
10). Meanwhile a new thread appears every few seconds in a random section, so crawls store
posts and match them as in production.

- ``runs``: crawl runs recorded (``crawl_runs`` rows) in the window;
- ``missed``: scheduled runs that did not happen. Each source's fires in the window are read
  from the daemon's APScheduler log (jobs run, skipped because the previous run was still going,
  or missed past their grace); every fire should give one recorded run, so per source
  ``missed = fires - runs`` (never below 0). The window is ``--minutes`` from the first crawl;
  runs may start until half an interval after it, so a run delayed by less than that counts;
- ``cpu_pct``: CPU time of the daemon's whole process tree (daemon, crawl server and every crawl
  child it reaped) over the window, as a percentage of the machine (all cores = 100);
- ``rss_start_mb``/``rss_end_mb``: resident memory of the daemon process alone (not its crawl
  server, which holds the matcher, nor crawl children, which come and go), after the first
  round of crawls and at the end.

The last line is::

    scheduler: sources=N runs=R missed=M cpu_pct=X rss_start_mb=A rss_end_mb=B

Goal: no missed run, RSS growth under 10 %. Quick run: ``.venv/bin/python bench/scheduler.py
--sources 10 --minutes 2 --interval 20``.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter, defaultdict
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy import select  # noqa: E402

from crawler.demo.forums.data import generate_forum  # noqa: E402
from crawler.demo.forums.server import serve_forum  # noqa: E402
from db.engine import make_engine, make_session_factory  # noqa: E402
from db.migrate import upgrade  # noqa: E402
from db.models import CrawlRun, Source  # noqa: E402

SOURCE = """
[[sources]]
name = "source-{number:03d}"
kind = "forum"
engine = "mybb"
start_urls = ["{start}"]
download_delay = 0
timezone = "Europe/Paris"
schedule = {{ every = "{interval}s" }}
"""
NEW_THREAD_EVERY_SECONDS = 5.0


def main() -> None:
    """Run the daemon over the sources for the window, print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sources", type=int, default=50)
    parser.add_argument("--minutes", type=float, default=10.0)
    parser.add_argument("--interval", type=int, default=60, help="seconds between crawls")
    arguments = parser.parse_args()
    sections = tuple(f"Section {number}" for number in range(arguments.sources))
    forum = generate_forum(threads=5 * arguments.sources, sections=sections, now=datetime.now(UTC))
    window = timedelta(minutes=arguments.minutes)
    interval = timedelta(seconds=arguments.interval)
    with tempfile.TemporaryDirectory() as folder, serve_forum(forum, "mybb") as site:
        url = f"sqlite:///{Path(folder) / 'bench.db'}"
        upgrade(url)
        config = Path(folder) / "leakwatch.toml"
        blocks = "".join(
            SOURCE.format(
                number=index, start=site.section_url(s.section_id), interval=interval.seconds
            )
            for index, s in enumerate(forum.sections)
        )
        config.write_text(
            f'database_url = "{url}"\ndata_dir = "{Path(folder) / "data"}"\n'
            f'log_level = "INFO"\n{blocks}',
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
        stop_posting = threading.Event()
        poster = threading.Thread(target=_post_threads, args=(forum, stop_posting), daemon=True)
        try:
            first = _wait_first_start(url, 300)
            _wait_first_round(url, arguments.sources, first + interval)
            rss_start = _rss_mb(daemon.pid)
            cpu_start = _tree_cpu_seconds(daemon.pid)
            measured_from = time.monotonic()
            poster.start()
            close = first + window + interval / 2
            time.sleep(max(0.0, (close - datetime.now(UTC)).total_seconds()))
            rss_end = _rss_mb(daemon.pid)
            cpu_seconds = _tree_cpu_seconds(daemon.pid) - cpu_start
            wall = time.monotonic() - measured_from
        finally:
            stop_posting.set()
            daemon.send_signal(signal.SIGTERM)
            try:
                daemon.wait(timeout=120)
            except subprocess.TimeoutExpired:
                daemon.kill()
        starts = _starts_by_source(url, close)
        fires = _fires_by_source(log_path.read_text(errors="replace"), first, first + window)
    names = _names(arguments.sources)
    missed = sum(max(0, len(fires[name]) - len(starts.get(name, []))) for name in names)
    runs = sum(len(times) for times in starts.values())
    statuses = Counter(status for times in starts.values() for _, status in times)
    kinds = Counter(kind for name in names for kind in fires[name])
    cpu_pct = 100 * cpu_seconds / (wall * (os.cpu_count() or 1))
    sys.stdout.write(
        f"window {window} from the first crawl: fires {dict(kinds)}; runs {dict(statuses)}; "
        f"daemon tree cpu {cpu_seconds:.0f} s in {wall:.0f} s\n"
        f"scheduler: sources={arguments.sources} runs={runs} missed={missed} "
        f"cpu_pct={cpu_pct:.0f} rss_start_mb={rss_start:.1f} rss_end_mb={rss_end:.1f}\n"
    )


_LINE = re.compile(
    r"^(?P<at>\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d+) \S+ apscheduler\S*: "
    r'(?P<event>Running|Execution of|Run time of) job "crawl (?P<name>[\w-]+) \(trigger'
    r"[^\n]*?(?:\(scheduled at (?P<scheduled>[^)]+)\)|(?P<skipped>skipped)|(?P<late>was missed))",
    re.MULTILINE,
)


def _fires_by_source(log: str, since: datetime, until: datetime) -> dict[str, list[str]]:
    """Each source's fires in ``[since, until]`` from the daemon log: ran, skipped or late."""
    fires: dict[str, list[str]] = defaultdict(list)
    for match in _LINE.finditer(log):
        if match["scheduled"]:
            at = datetime.fromisoformat(match["scheduled"])
        else:  # the log's local time
            at = datetime.strptime(match["at"], "%Y-%m-%d %H:%M:%S,%f").astimezone(UTC)
        if since - timedelta(seconds=1) <= at <= until:
            kind = "ran" if match["scheduled"] else "skipped" if match["skipped"] else "late"
            fires[match["name"]].append(kind)
    return fires


def _names(count: int) -> list[str]:
    return [f"source-{number:03d}" for number in range(count)]


def _post_threads(forum, stop: threading.Event) -> None:  # type: ignore[no-untyped-def]
    rng = random.Random(11)
    number = 0
    while not stop.wait(NEW_THREAD_EVERY_SECONDS):
        section = rng.choice(forum.sections)
        now = datetime.now(UTC)
        forum.now = now
        forum.add_thread(section.section_id, f"Fresh clinic database dump {number}", at=now)
        number += 1


def _wait_first_start(url: str, timeout: float) -> datetime:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with _session(url) as session:
            first = session.execute(select(CrawlRun.started_at).order_by(CrawlRun.id)).first()
        if first is not None:
            return first[0]
        time.sleep(0.5)
    raise SystemExit("the daemon started no crawl")


def _wait_first_round(url: str, sources: int, deadline: datetime) -> None:
    """Until every source has a finished run (RSS is then measured warm)."""
    while datetime.now(UTC) < deadline:
        with _session(url) as session:
            done = session.execute(
                select(CrawlRun.source_id).where(CrawlRun.status != "running").distinct()
            ).all()
        if len(done) >= sources:
            return
        time.sleep(0.5)


def _starts_by_source(url: str, close: datetime) -> dict[str, list[tuple[datetime, str]]]:
    with _session(url) as session:
        rows = session.execute(
            select(Source.name, CrawlRun.started_at, CrawlRun.status)
            .join(CrawlRun)
            .where(CrawlRun.started_at < close)
        ).all()
    starts: dict[str, list[tuple[datetime, str]]] = {}
    for name, started, status in rows:
        starts.setdefault(name, []).append((started, status))
    return starts


class _session:  # noqa: N801 - used as a context manager
    def __init__(self, url: str) -> None:
        self.engine = make_engine(url)

    def __enter__(self):  # type: ignore[no-untyped-def]
        self.context = make_session_factory(self.engine).begin()
        return self.context.__enter__()

    def __exit__(self, *exc: object) -> None:
        self.context.__exit__(*exc)
        self.engine.dispose()


def _rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise SystemExit(f"no VmRSS for {pid}")


def _tree_cpu_seconds(pid: int) -> float:
    """User + system time of ``pid``, its children and their reaped children."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if stat.parent.name == str(pid) or fields[1] == str(pid):
            # utime, stime, cutime, cstime (fields 14-17 of proc(5))
            total += sum(int(value) for value in fields[11:15])
    return total / ticks


if __name__ == "__main__":
    main()
