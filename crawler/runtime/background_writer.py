"""One writer thread that runs a function over queued batches, in order, off the reactor thread.

The storage pipeline hands each batch of posts to a :class:`BackgroundWriter` so that matching
and database writes overlap the crawl instead of stopping the reactor for every batch. The queue
is short: when the writer falls behind, :meth:`BackgroundWriter.submit` blocks, which holds the
crawl back exactly as writing in place did, and memory stays bounded.

The writer never swallows a failure. A batch whose function raised is lost (as a failed write in
place was), and the exception comes back on the caller's thread, which calls
:meth:`raise_failures` after every submit and after :meth:`close`: it raises
:class:`WriterFailed`, chained to the first error. Results (the storage pipeline's stats) are
handed back by :meth:`take_results`, so only the caller's thread touches Scrapy's objects.

A process killed mid-crawl loses the queued batches, as it lost the batch being filled before
(the crawl's state is not saved either, so the next run fetches those posts again); a crawl
that closes loses nothing.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable
from typing import Generic, TypeVar

Batch = TypeVar("Batch")
Result = TypeVar("Result")
#: Batches waiting for the writer (besides the one it is writing) before ``submit`` blocks.
QUEUE_DEPTH = 2


class WriterFailed(RuntimeError):
    """One or more batches could not be written (the first error is the ``__cause__``)."""


class _Stop:
    """Queued by :meth:`BackgroundWriter.close`: write what came before, then end."""


class BackgroundWriter(Generic[Batch, Result]):
    """Runs ``write`` on each submitted batch, in submission order, on a thread of its own."""

    def __init__(
        self, write: Callable[[Batch], Result], name: str, depth: int = QUEUE_DEPTH
    ) -> None:
        self._write = write
        self._queue: queue.Queue[Batch | _Stop] = queue.Queue(maxsize=depth)
        self._lock = threading.Lock()
        self._results: list[Result] = []
        self._failures: list[BaseException] = []
        self._closed = False
        # A daemon: a crawl that dies without closing its pipeline must not hang on exit.
        self._thread = threading.Thread(target=self._run, name=name, daemon=True)
        self._thread.start()

    def submit(self, batch: Batch) -> None:
        """Queue ``batch`` (blocks while the queue is full); raises WriterFailed when the
        writer is closed or its thread is gone."""
        if self._closed:
            raise WriterFailed("the writer is closed")
        if not self._thread.is_alive():
            raise WriterFailed("the writer thread has stopped")
        self._queue.put(batch)

    def take_results(self) -> list[Result]:
        """Results of the batches written since the last call, in order."""
        with self._lock:
            results, self._results = self._results, []
        return results

    def raise_failures(self) -> None:
        """Raise WriterFailed if batches failed since the last call (each failure once)."""
        with self._lock:
            failures, self._failures = self._failures, []
        if failures:
            raise WriterFailed(
                f"{len(failures)} batch(es) not written: {failures[0]!r}"
            ) from failures[0]

    def close(self) -> None:
        """Write every queued batch and stop the thread (results and failures stay to take)."""
        if not self._closed:
            self._closed = True
            self._queue.put(_Stop())
            self._thread.join()

    def _run(self) -> None:
        while True:
            batch = self._queue.get()
            if isinstance(batch, _Stop):
                return
            try:
                result = self._write(batch)
            except BaseException as exc:  # noqa: BLE001 - handed back to the caller's thread
                with self._lock:
                    self._failures.append(exc)
            else:
                with self._lock:
                    self._results.append(result)
