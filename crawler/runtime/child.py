"""Run crawls in child processes with a hard wall-time limit (the daemon's side).

Twisted's reactor cannot be restarted, so every crawl the daemon starts runs in a process of its
own, forked from the crawl server (:mod:`crawler.runtime.crawl_server`), which has imported
Scrapy, SQLAlchemy and the spiders and loaded the matcher once: a crawl starts in milliseconds
with the current watchlist. Should the server die, running crawls die with it (their
parent-death signal, then their process group is killed) and the next crawl starts a new one.

Each child leads its own process group: when the limit passes, the whole group (Scrapy and any
Chromium it started) is terminated, then killed. Each child also holds the reading end of a
*lifeline* pipe whose only writer is the daemon: when the daemon dies, even by SIGKILL, the pipe
ends and the child terminates its whole group, then kills it
:data:`~crawler.runtime.crawl_server.LIFELINE_GRACE_SECONDS` later (a graceful Scrapy stop waits
for the pages in flight, up to the page timeout), so a killed daemon leaves no crawl behind for
longer than that grace. The daemon records the child's pid in the source's lease
(:func:`db.runs.record_crawl`), and a restarted daemon takes a lease over only once that
crawl's process group is gone (:func:`crawl_gone`).
"""

from __future__ import annotations

import contextlib
import itertools
import logging
import multiprocessing
import os
import signal
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from multiprocessing.connection import Connection
from multiprocessing.context import SpawnContext, SpawnProcess
from pathlib import Path

from crawler.runtime.crawl_server import CrawlRequest, Reply, serve_crawls

logger = logging.getLogger(__name__)
TERMINATE_GRACE_SECONDS = 5.0
KILL_WAIT_SECONDS = 5.0
#: How long the daemon waits for the crawl server to fork a child (its first answer may wait
#: for its imports and for the matcher index to be built).
START_TIMEOUT_SECONDS = 600.0


@dataclass(frozen=True)
class ChildResult:
    """How the child ended: its exit code (None when killed or unknown) and whether it hit
    the limit."""

    returncode: int | None
    timed_out: bool


class ChildCrawls:
    """Starts crawl processes and keeps the running ones, so that a shutdown can stop them."""

    def __init__(self, log_level: str = "INFO") -> None:
        self._lock = threading.Condition()
        self._running: dict[int, _Crawl] = {}
        self._stopping = False
        self._context: SpawnContext = multiprocessing.get_context("spawn")
        self._lifeline, self._lifeline_end = self._context.Pipe(duplex=False)
        self._log_level = log_level
        self._server: _CrawlServer | None = None
        self._server_lock = threading.Lock()

    def warm_up(self, config_path: Path | None) -> bool:
        """Start the crawl server and wait until it has imported what crawls need and loaded
        the matcher (building its index cache on a fresh install). Returns False when loading
        the configuration or the matcher failed (logged by the server; each crawl reports it).

        After it, the first crawls start, and their wall-time limits count, like the others.
        """
        crawl = self._server_up().ask(CrawlRequest(0, config_path))
        crawl.ended.wait()
        return crawl.returncode == 0

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
        raise, the child is killed and the error raised. A crawl the server could not start
        ends with no exit code (logged).
        """
        log_path.parent.mkdir(parents=True, exist_ok=True)
        crawl = self._server_up().ask(CrawlRequest(0, config_path, source, run_id, log_path))
        if not crawl.started.wait(START_TIMEOUT_SECONDS):
            crawl.abandon()  # should it start after all, it is killed at once
        if crawl.pid is None or crawl.abandoned:
            logger.error("crawl of %s could not start: %s", source, crawl.refused or "no answer")
            return ChildResult(None, timed_out=False)
        pid = crawl.pid
        with self._lock:
            self._running[pid] = crawl
            if self._stopping:  # the stop came while this child was starting
                signal_group(pid, signal.SIGTERM)
        try:
            if on_start is not None:
                try:
                    on_start(pid)
                except BaseException:
                    signal_group(pid, signal.SIGKILL)
                    crawl.ended.wait(KILL_WAIT_SECONDS)
                    raise
            if crawl.ended.wait(limit_seconds):
                if crawl.lost:
                    _kill_lost(source, pid)
                return ChildResult(crawl.returncode, timed_out=False)
            logger.warning("crawl of %s passed its %ss limit: killing it", source, limit_seconds)
            signal_group(pid, signal.SIGTERM)
            if not crawl.ended.wait(TERMINATE_GRACE_SECONDS):
                signal_group(pid, signal.SIGKILL)
                crawl.ended.wait(KILL_WAIT_SECONDS)
            if crawl.lost:
                _kill_lost(source, pid)
            return ChildResult(None, timed_out=True)
        finally:
            with self._lock:
                del self._running[pid]
                self._lock.notify_all()

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

    def close(self) -> None:
        """Stop the crawl server (once no crawl runs: see :meth:`stop_all`)."""
        with self._server_lock:
            if self._server is not None:
                self._server.close()
                self._server = None

    def _server_up(self) -> _CrawlServer:
        with self._server_lock:
            if self._server is None or self._server.gone:
                if self._server is not None:
                    logger.warning("the crawl server ended: starting a new one")
                    self._server.close()
                self._server = _CrawlServer(self._context, self._lifeline, self._log_level)
            return self._server


class _Crawl:
    """One request to the crawl server, filled in by its answers."""

    def __init__(self) -> None:
        self.started = threading.Event()
        self.ended = threading.Event()
        self.pid: int | None = None
        self.returncode: int | None = None
        self.refused: str | None = None
        #: The server ended before this crawl's end was known.
        self.lost = False
        self.abandoned = False
        self._lock = threading.Lock()

    def abandon(self) -> None:
        """Give up waiting for the start: a child started from now on is killed at once."""
        with self._lock:
            self.abandoned = True
            pid = self.pid
        if pid is not None:
            signal_group(pid, signal.SIGKILL)

    def begin(self, pid: int) -> None:
        """The server started the child ``pid`` (killed at once if the start was abandoned)."""
        with self._lock:
            self.pid = pid
            abandoned = self.abandoned
        if abandoned:
            signal_group(pid, signal.SIGKILL)
        self.started.set()


class _CrawlServer:
    """The daemon's handle on one crawl server process: requests out, a thread reading the
    answers in."""

    def __init__(self, context: SpawnContext, lifeline: Connection, log_level: str) -> None:
        self._control, remote = context.Pipe(duplex=True)
        self._process: SpawnProcess = context.Process(
            target=serve_crawls,
            args=(remote, lifeline, log_level),
            name="crawl server",
            daemon=True,
        )
        self._process.start()
        remote.close()
        self._ids = itertools.count(1)
        self._waiting: dict[int, _Crawl] = {}
        self._lock = threading.Lock()
        self.gone = False
        threading.Thread(target=self._read, name="crawl server answers", daemon=True).start()

    def ask(self, request: CrawlRequest) -> _Crawl:
        """Send ``request`` (its id replaced by a fresh one); its answers fill the result."""
        crawl = _Crawl()
        with self._lock:
            request_id = next(self._ids)
            if self.gone:
                crawl.refused = "the crawl server ended"
                crawl.started.set()
                crawl.ended.set()
                return crawl
            self._waiting[request_id] = crawl
            try:
                self._control.send(request._replace(request_id=request_id))
            except OSError as exc:
                del self._waiting[request_id]
                crawl.refused = f"the crawl server is unreachable: {exc}"
                crawl.started.set()
                crawl.ended.set()
        return crawl

    def close(self) -> None:
        """Close the pipe (the server then ends) and reap the server."""
        # Shut the socket down before closing it: the answers thread is blocked reading it,
        # and closing a descriptor another thread reads neither wakes that thread nor ends
        # the connection, so the server would never see the end of its pipe (and be killed
        # after KILL_WAIT_SECONDS instead of ending).
        with (
            contextlib.suppress(OSError),
            socket.socket(fileno=os.dup(self._control.fileno())) as end,
        ):
            end.shutdown(socket.SHUT_RDWR)
        self._control.close()
        self._process.join(KILL_WAIT_SECONDS)
        if self._process.exitcode is None:
            self._process.kill()
            self._process.join(KILL_WAIT_SECONDS)

    def _read(self) -> None:
        while True:
            try:
                reply: Reply = self._control.recv()
            except (EOFError, OSError):
                break
            with self._lock:
                crawl = self._waiting.get(reply.request_id)
                if crawl is None:
                    continue
                if reply.kind == "started":
                    assert isinstance(reply.value, int)
                    crawl.begin(reply.value)
                    continue
                del self._waiting[reply.request_id]
            if reply.kind == "refused":
                crawl.refused = str(reply.value)
            else:
                assert isinstance(reply.value, int)
                crawl.returncode = reply.value
            crawl.started.set()
            crawl.ended.set()
        with self._lock:
            self.gone = True
            waiting, self._waiting = self._waiting, {}
        for crawl in waiting.values():
            crawl.lost = crawl.pid is not None
            crawl.refused = crawl.refused or "the crawl server ended"
            crawl.started.set()
            crawl.ended.set()


def _kill_lost(source: str, pid: int) -> None:
    """Kill the process group of a crawl whose server died and wait until it is gone (its end
    cannot be reaped here), so that its lease is freed only then."""
    logger.error("the crawl server ended during the crawl of %s: killing the crawl", source)
    signal_group(pid, signal.SIGKILL)
    deadline = time.monotonic() + KILL_WAIT_SECONDS
    while not crawl_gone(pid) and time.monotonic() < deadline:
        time.sleep(0.1)


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
