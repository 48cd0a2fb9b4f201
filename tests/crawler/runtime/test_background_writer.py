"""The background writer: batches written in order off the caller's thread, failures raised."""

from __future__ import annotations

import threading

import pytest

from crawler.runtime.background_writer import BackgroundWriter, WriterFailed


def test_batches_are_written_in_order_on_another_thread_and_close_waits() -> None:
    written: list[int] = []
    threads: set[str] = set()
    release = threading.Event()

    def write(batch: int) -> str:
        release.wait(timeout=10)
        threads.add(threading.current_thread().name)
        written.append(batch)
        return f"wrote {batch}"

    # Deep enough that no submit blocks while the first batch is held back.
    writer: BackgroundWriter[int, str] = BackgroundWriter(write, name="test-writer", depth=4)
    for batch in range(3):
        writer.submit(batch)
    assert written == []  # still held back: submit did not write in place
    release.set()
    writer.close()
    assert written == [0, 1, 2]
    assert threads == {"test-writer"}
    assert writer.take_results() == ["wrote 0", "wrote 1", "wrote 2"]
    assert writer.take_results() == []
    with pytest.raises(WriterFailed, match="closed"):
        writer.submit(3)


def test_a_failed_batch_is_raised_on_the_callers_thread_once_and_later_ones_are_written() -> None:
    written: list[int] = []

    def write(batch: int) -> int:
        if batch == 1:
            raise OSError("disk full")
        written.append(batch)
        return batch

    writer: BackgroundWriter[int, int] = BackgroundWriter(write, name="test-writer")
    for batch in range(3):
        writer.submit(batch)
    writer.close()
    with pytest.raises(WriterFailed, match="1 batch") as raised:
        writer.raise_failures()
    assert isinstance(raised.value.__cause__, OSError)
    writer.raise_failures()  # reported once
    assert written == [0, 2] and writer.take_results() == [0, 2]
