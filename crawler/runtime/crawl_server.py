"""The crawl server: the process every crawl child of the daemon is forked from.

Starting Python, importing Scrapy, SQLAlchemy and the spiders, then loading the watchlist and
its matcher index costs about 2.5 s of CPU, far more than crawling a small page: a daemon whose
every crawl paid it could not keep up with a few hundred sources a minute on a small machine.
So the daemon starts one crawl server (:func:`serve_crawls`, a fresh interpreter), which imports
what crawls need once and keeps the matcher loaded (:class:`~crawler.runtime.finder.
PreloadedMatcher`). For each crawl it reads the configuration file, checks that the matcher is
still the one the watchlist and the analysts' aliases describe (building it again when they
changed, so the next crawl sees a change), then forks a child, which inherits the matcher
copy-on-write and starts crawling in milliseconds.

The server has a single thread (forking a process with threads could copy a held lock) and
talks with the daemon over one pipe (:class:`CrawlRequest`, :class:`Reply`): it answers each
crawl with the child's pid, then with its exit code once it has reaped it. The child leads its
own process group and holds the daemon's lifeline (:func:`crawl_in_child`). The server ends
when the daemon closes the pipe or dies (the lifeline breaks, or its parent-death signal
comes).
"""

from __future__ import annotations

import contextlib
import ctypes
import importlib
import importlib.util
import logging
import os
import pkgutil
import signal
import sys
import threading
import time
import traceback
from multiprocessing.connection import Connection, wait
from pathlib import Path
from typing import Literal, NamedTuple

from crawler.core.config import Settings
from crawler.core.errors import ConfigError
from crawler.matching.matcher import Matcher
from crawler.runtime.crawl import project_settings, run_crawl
from crawler.runtime.finder import PreloadedMatcher
from db.engine import make_engine, make_session_factory
from spiders.registry import load_settings

logger = logging.getLogger(__name__)
#: Between SIGTERM and SIGKILL of a crawl whose daemon died.
LIFELINE_GRACE_SECONDS = 3.0
PR_SET_PDEATHSIG = 1
#: Modules every crawl imports besides the Scrapy components its settings name.
CRAWL_MODULES = (
    "crawler.runtime.crawl_server",
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


class CrawlRequest(NamedTuple):
    """From the daemon: prepare the matcher (``source`` None), or crawl ``source``."""

    request_id: int
    config_path: Path | None
    source: str | None = None
    run_id: int = 0
    log_path: Path | None = None


class Reply(NamedTuple):
    """To the daemon: ``prepared`` (value 0, or 1 when preparing failed), ``started`` (value:
    the child's pid), ``ended`` (value: its exit code, negative for a signal) or ``refused``
    (no child: value is the reason)."""

    request_id: int
    kind: Literal["prepared", "started", "ended", "refused"]
    value: int | str


def serve_crawls(control: Connection, lifeline: Connection, log_level: str) -> None:
    """The crawl server's loop: answer the daemon's requests on ``control`` and report each
    child's end, until ``control`` closes or the ``lifeline`` breaks."""
    logging.basicConfig(level=log_level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the daemon's to handle
    _terminate_with_parent()
    for module in crawl_modules():
        importlib.import_module(module)
    matcher = PreloadedMatcher()
    children: dict[int, tuple[int, int]] = {}  # pidfd → (request id, pid)
    while True:
        ready = wait([control, lifeline, *children])
        if lifeline in ready:
            return  # the daemon is gone; each child stops on its own lifeline
        for pidfd in [fd for fd in children if fd in ready]:
            request_id, pid = children.pop(pidfd)
            os.close(pidfd)
            _, status = os.waitpid(pid, 0)
            control.send(Reply(request_id, "ended", os.waitstatus_to_exitcode(status)))
        if control in ready:
            try:
                request: CrawlRequest = control.recv()
            except EOFError:
                return
            control.send(_answer(request, matcher, control, lifeline, children))


def _answer(
    request: CrawlRequest,
    preloaded: PreloadedMatcher,
    control: Connection,
    lifeline: Connection,
    children: dict[int, tuple[int, int]],
) -> Reply:
    settings, matcher = _prepare(request.config_path, preloaded)
    if request.source is None:
        return Reply(request.request_id, "prepared", 0 if matcher is not None else 1)
    assert request.log_path is not None
    try:
        pid = os.fork()
    except OSError as exc:
        return Reply(request.request_id, "refused", f"cannot fork: {exc}")
    if pid == 0:
        code = 1
        try:
            control.close()
            for pidfd in children:
                os.close(pidfd)
            code = crawl_in_child(
                request.config_path,
                request.source,
                request.run_id,
                request.log_path,
                lifeline,
                settings if matcher is not None else None,
                matcher,
            )
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else 1
        except BaseException:
            traceback.print_exc()
        finally:
            with contextlib.suppress(OSError, ValueError):
                sys.stdout.flush()
                sys.stderr.flush()
            os._exit(code)
    children[os.pidfd_open(pid)] = (request.request_id, pid)
    return Reply(request.request_id, "started", pid)


def _prepare(
    config_path: Path | None, preloaded: PreloadedMatcher
) -> tuple[Settings | None, Matcher | None]:
    """The configuration and the current matcher, or None for what could not be loaded (logged;
    the child then loads it itself and records why it failed in its run)."""
    try:
        settings = load_settings(config_path)
    except ConfigError as exc:
        logger.error("crawl server: configuration not loaded: %s", exc)
        return None, None
    # A read that takes no write lock (SQLite), in an engine gone before any fork.
    engine = make_engine(settings.database_url, lock_on_begin=False)
    try:
        return settings, preloaded.current(settings, make_session_factory(engine))
    except Exception:
        logger.exception("crawl server: the matcher could not be loaded")
        return settings, None
    finally:
        engine.dispose()


def crawl_in_child(
    config_path: Path | None,
    source: str,
    run_id: int,
    log_path: Path,
    lifeline: Connection,
    settings: Settings | None = None,
    matcher: Matcher | None = None,
) -> int:
    """The child's work: own process group and log file, then one crawl of ``source`` with
    ``settings`` and ``matcher`` (read and loaded here when None).

    Returns 0 when the run ended ok or partial, 1 otherwise (like ``leakwatch crawl``).
    """
    os.setsid()
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    for handler in logging.root.handlers[:]:  # the server's; Scrapy installs its own
        logging.root.removeHandler(handler)
    _terminate_with_parent()
    threading.Thread(
        target=_stop_when_ended, args=(lifeline,), name="lifeline", daemon=True
    ).start()
    log = os.open(log_path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o640)
    os.dup2(log, 1)
    os.dup2(log, 2)
    os.close(log)
    if settings is None:
        settings = load_settings(config_path)
    summary = run_crawl(settings, source, run_id=run_id, environ=os.environ, matcher=matcher)
    sys.stdout.write(
        f"run {summary.run_id}: {summary.status} (health {summary.health}): "
        f"{summary.pages} page(s), {summary.items} item(s), {summary.new_posts} new post(s), "
        f"{summary.hits} hit(s), {summary.errors} error(s)\n"
    )
    return 0 if summary.status in ("ok", "partial") else 1


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
    # Linux: SIGTERM when the parent (the daemon for the server, the server for a crawl) dies.
    try:
        libc = ctypes.CDLL("libc.so.6", use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
    except OSError:
        return
