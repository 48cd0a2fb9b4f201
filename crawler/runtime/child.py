"""Run one crawl in a child process with a hard wall-time limit.

Twisted's reactor cannot be restarted, so every crawl the daemon starts runs in a process of its
own. Starting Python and importing Scrapy, SQLAlchemy, the spiders and the matcher costs seconds
of CPU, which would delay every alert and saturate a small machine crawling many sources. So
children are forked from a fork server (:mod:`multiprocessing`'s ``forkserver``) that imported
those modules once, before any thread, engine or reactor exists: a crawl starts in milliseconds.

Each child leads its own process group: when the limit passes, the whole group (Scrapy and any
Chromium it started) is terminated, then killed. Each child also holds the reading end of a
*lifeline* pipe whose only writer is the daemon: when the daemon dies, even by SIGKILL, the pipe
ends and the child terminates its whole group, then kills it :data:`LIFELINE_GRACE_SECONDS`
later (a graceful Scrapy stop waits for the pages in flight, up to the page timeout), so a
killed daemon leaves no crawl behind for longer than that grace. The daemon records the child's
pid in the source's lease (:func:`db.runs.record_crawl`), and a restarted daemon takes a lease
over only once that crawl's process group is gone (:func:`crawl_gone`).
"""

from __future__ import annotations

import contextlib
import ctypes
import importlib.util
import logging
import multiprocessing
import os
import pkgutil
import signal
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from multiprocessing.connection import Connection
from multiprocessing.context import ForkServerContext, ForkServerProcess
from pathlib import Path

from crawler.runtime.crawl import project_settings, run_crawl
from crawler.runtime.finder import load_matcher
from db.engine import make_engine, make_session_factory
from spiders.registry import load_settings

logger = logging.getLogger(__name__)
TERMINATE_GRACE_SECONDS = 5.0
#: Between SIGTERM and SIGKILL of a crawl whose daemon died.
LIFELINE_GRACE_SECONDS = 3.0
KILL_WAIT_SECONDS = 5.0
PR_SET_PDEATHSIG = 1
#: Modules every crawl imports besides the Scrapy components its settings name.
CRAWL_MODULES = (
    "crawler.runtime.child",
    "crawler.core.config",
    "crawler.runtime.crawl",
    "scrapy.core.engine",
    "scrapy.core.scraper",
    "twisted.internet.asyncioreactor",
)
#: Settings that name one Scrapy component class each.
_COMPONENT_SETTINGS = (
    "DOWNLOADER",
    "DUPEFILTER_CLASS",
    "ITEM_PROCESSOR",
    "LOG_FORMATTER",
    "REQUEST_FINGERPRINTER_CLASS",
    "SCHEDULER",
    "SCHEDULER_DISK_QUEUE",
    "SCHEDULER_MEMORY_QUEUE",
    "SCHEDULER_PRIORITY_QUEUE",
    "SPIDER_LOADER_CLASS",
    "STATS_CLASS",
)


@dataclass(frozen=True)
class ChildResult:
    """How the child ended: its exit code (None when killed) and whether it hit the limit."""

    returncode: int | None
    timed_out: bool


class ChildCrawls:
    """Starts crawl processes and keeps the running ones, so that a shutdown can stop them."""

    def __init__(self) -> None:
        self._lock = threading.Condition()
        self._running: dict[int, ForkServerProcess] = {}
        self._stopping = False
        self._context: ForkServerContext = multiprocessing.get_context("forkserver")
        self._context.set_forkserver_preload(crawl_modules())
        self._lifeline, self._lifeline_end = self._context.Pipe(duplex=False)

    def warm_up(self, config_path: Path | None) -> int | None:
        """Start the fork server, wait until it has imported what crawls need, and build the
        matcher's index cache once (a fresh install would otherwise have every first crawl
        build it at the same time). Returns the exit code of that preparing child.

        After it, the first crawls start, and their wall-time limits count, like the others.
        """
        process = self._context.Process(
            target=prepare_crawls, args=(config_path,), name="prepare crawls", daemon=True
        )
        process.start()
        process.join()
        code = process.exitcode
        process.close()
        return code

    def run(
        self,
        config_path: Path | None,
        source: str,
        run_id: int,
        limit_seconds: float,
        log_path: Path,
        on_start: Callable[[int], None] | None = None,
    ) -> ChildResult:
        """Crawl ``source`` in a child; block until it ends or is killed at ``limit_seconds``.

        ``on_start`` is called with the child's pid (its process group) once it runs; should it
        raise, the child is killed and the error raised.
        """
        log_path.parent.mkdir(parents=True, exist_ok=True)
        process = self._context.Process(
            target=crawl_in_child,
            args=(config_path, source, run_id, log_path, self._lifeline),
            name=f"crawl {source}",
            daemon=True,
        )
        process.start()
        pid = process.pid
        assert pid is not None
        with self._lock:
            self._running[pid] = process
            if self._stopping:  # the stop came while this child was starting
                signal_group(pid, signal.SIGTERM)
        try:
            if on_start is not None:
                try:
                    on_start(pid)
                except BaseException:
                    signal_group(pid, signal.SIGKILL)
                    process.join(KILL_WAIT_SECONDS)
                    raise
            process.join(limit_seconds)
            if process.exitcode is not None:
                return ChildResult(process.exitcode, timed_out=False)
            logger.warning("crawl of %s passed its %ss limit: killing it", source, limit_seconds)
            signal_group(pid, signal.SIGTERM)
            process.join(TERMINATE_GRACE_SECONDS)
            if process.exitcode is None:
                signal_group(pid, signal.SIGKILL)
                process.join(KILL_WAIT_SECONDS)
            return ChildResult(None, timed_out=True)
        finally:
            with self._lock:
                del self._running[pid]
                self._lock.notify_all()
            if process.exitcode is not None:
                process.close()  # its sentinel pipe, at once rather than at garbage collection

    def stop_all(self, grace_seconds: float = TERMINATE_GRACE_SECONDS) -> None:
        """Terminate every running crawl, kill those still there after ``grace_seconds``, and
        terminate any crawl started from now on (used on SIGTERM)."""
        with self._lock:
            self._stopping = True
            for pid in self._running:
                signal_group(pid, signal.SIGTERM)
            if not self._lock.wait_for(lambda: not self._running, grace_seconds):
                for pid in self._running:
                    signal_group(pid, signal.SIGKILL)


def crawl_in_child(
    config_path: Path | None, source: str, run_id: int, log_path: Path, lifeline: Connection
) -> None:
    """The child's work: own process group and log file, then one crawl of ``source``.

    Exits with 0 when the run ended ok or partial, 1 otherwise (like ``leakwatch crawl``).
    """
    os.setsid()
    _terminate_with_parent()
    threading.Thread(
        target=_stop_when_ended, args=(lifeline,), name="lifeline", daemon=True
    ).start()
    log = os.open(log_path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o640)
    os.dup2(log, 1)
    os.dup2(log, 2)
    os.close(log)
    summary = run_crawl(load_settings(config_path), source, run_id=run_id, environ=os.environ)
    sys.stdout.write(
        f"run {summary.run_id}: {summary.status} (health {summary.health}): "
        f"{summary.pages} page(s), {summary.items} item(s), {summary.new_posts} new post(s), "
        f"{summary.hits} hit(s), {summary.errors} error(s)\n"
    )
    sys.stdout.flush()
    sys.exit(0 if summary.status in ("ok", "partial") else 1)


def crawl_modules() -> list[str]:
    """What a crawl imports: our modules, the spiders and every Scrapy component the project
    settings name (middlewares, extensions, pipelines, download handlers, queues…).

    None of them installs the Twisted reactor, which each child installs for itself.
    """
    settings = project_settings()
    paths: list[object] = [settings.get(name) for name in _COMPONENT_SETTINGS]
    for name in ("DOWNLOADER_MIDDLEWARES", "SPIDER_MIDDLEWARES", "EXTENSIONS", "ITEM_PIPELINES"):
        paths += list(settings.getwithbase(name))
    paths += list(settings.getwithbase("DOWNLOAD_HANDLERS").values())
    modules = {path.rsplit(".", 1)[0] for path in paths if isinstance(path, str) and "." in path}
    modules.update(CRAWL_MODULES)
    spec = importlib.util.find_spec("spiders")
    if spec is not None and spec.submodule_search_locations:
        found = pkgutil.iter_modules(spec.submodule_search_locations)
        modules.update(f"spiders.{module.name}" for module in found)
    return sorted(modules)


def _stop_when_ended(lifeline: Connection) -> None:
    # Nothing is ever written: the read returns when the daemon, the only writer, is gone.
    # SIGTERM makes Scrapy stop gracefully, recording the run as interrupted, but a graceful
    # stop waits for the pages in flight: the group is killed after a short grace.
    with contextlib.suppress(EOFError, OSError):
        lifeline.recv_bytes()
    group = os.getpgrp()
    os.killpg(group, signal.SIGTERM)
    time.sleep(LIFELINE_GRACE_SECONDS)
    os.killpg(group, signal.SIGKILL)


def _terminate_with_parent() -> None:
    # Linux: the child also gets SIGTERM if its parent, the fork server, dies.
    try:
        libc = ctypes.CDLL("libc.so.6", use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
    except OSError:
        return


def signal_group(pid: int, sig: signal.Signals) -> None:
    """Send ``sig`` to the process group led by ``pid`` (to ``pid`` alone if it does not lead
    one yet); a process already gone is no error."""
    try:
        os.killpg(pid, sig)
    except ProcessLookupError:
        try:
            os.kill(pid, sig)
        except ProcessLookupError:
            return


def crawl_gone(group: int) -> bool:
    """True when no live process is left in the process group ``group`` on this machine
    (zombies, dead but not yet reaped, count as gone)."""
    proc = Path("/proc")
    if not proc.is_dir():
        try:
            os.killpg(group, 0)
        except ProcessLookupError:
            return True
        except PermissionError:
            return False
        return False
    for entry in proc.iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:  # ended meanwhile
            continue
        # pid (comm) state ppid pgrp …; comm may hold spaces and parentheses.
        fields = stat[stat.rindex(")") + 2 :].split()
        if fields[0] != "Z" and fields[2] == str(group):
            return False
    return True


def prepare_crawls(config_path: Path | None) -> None:
    """Build (or check) the matcher index cache of the configured watchlist, with the aliases
    analysts added (the crawls' own watchlist)."""
    settings = load_settings(config_path)
    engine = make_engine(settings.database_url)
    try:
        load_matcher(settings, make_session_factory(engine))
    finally:
        engine.dispose()
