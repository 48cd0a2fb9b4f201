"""Run one crawl in a child process with a hard wall-time limit.

Twisted's reactor cannot be restarted, so every crawl the daemon starts is a fresh
``python -m crawler crawl SOURCE --run-id N`` process in its own process group: when the limit
passes, the whole group (Scrapy and any Chromium it started) is terminated, then killed.
"""

from __future__ import annotations

import ctypes
import logging
import os
import signal
import subprocess
import sys
import threading
from dataclasses import dataclass
from pathlib import Path

logger = logging.getLogger(__name__)
TERMINATE_GRACE_SECONDS = 5.0
PR_SET_PDEATHSIG = 1


@dataclass(frozen=True)
class ChildResult:
    """How the child ended: its exit code (None when killed) and whether it hit the limit."""

    returncode: int | None
    timed_out: bool


class ChildCrawls:
    """The crawl processes currently running, so that a shutdown can stop them all."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._running: dict[int, subprocess.Popen[bytes]] = {}

    def run(
        self,
        config_path: Path | None,
        source: str,
        run_id: int,
        limit_seconds: float,
        log_path: Path,
    ) -> ChildResult:
        """Crawl ``source`` in a child; block until it ends or is killed at ``limit_seconds``."""
        command = [sys.executable, "-m", "crawler"]
        if config_path is not None:
            command += ["--config", str(config_path)]
        command += ["crawl", source, "--run-id", str(run_id)]
        log_path.parent.mkdir(parents=True, exist_ok=True)
        with log_path.open("ab") as log:
            process = subprocess.Popen(
                command,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
                preexec_fn=_terminate_with_parent,
            )
            with self._lock:
                self._running[process.pid] = process
            try:
                returncode = process.wait(timeout=limit_seconds)
                return ChildResult(returncode, timed_out=False)
            except subprocess.TimeoutExpired:
                logger.warning(
                    "crawl of %s passed its %ss limit: killing it", source, limit_seconds
                )
                stop_group(process)
                return ChildResult(None, timed_out=True)
            finally:
                with self._lock:
                    self._running.pop(process.pid, None)

    def stop_all(self) -> None:
        """Terminate every running crawl (used on SIGTERM)."""
        with self._lock:
            running = list(self._running.values())
        for process in running:
            stop_group(process)


def _terminate_with_parent() -> None:
    # Linux: the child gets SIGTERM when the daemon dies (even by SIGKILL), so a crashed
    # daemon leaves no orphan crawl behind; Scrapy then stops gracefully.
    try:
        libc = ctypes.CDLL("libc.so.6", use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
    except OSError:
        return


def stop_group(process: subprocess.Popen[bytes]) -> None:
    """SIGTERM the child's process group, then SIGKILL it if it is still there after a grace."""
    for sig, wait in ((signal.SIGTERM, TERMINATE_GRACE_SECONDS), (signal.SIGKILL, 5.0)):
        try:
            os.killpg(process.pid, sig)
        except ProcessLookupError:
            return
        try:
            process.wait(timeout=wait)
            return
        except subprocess.TimeoutExpired:
            continue
