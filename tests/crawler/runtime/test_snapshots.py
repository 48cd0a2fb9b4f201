"""Page snapshots are redacted, private (0600 files, 0700 folders) and pruned to the retention."""

from __future__ import annotations

import os
import stat
import time
from pathlib import Path

from crawler.core.config import RetentionConfig
from crawler.runtime.snapshots import (
    prune_snapshots,
    redact_page,
    save_snapshot,
    snapshot_usage,
)

#: A hostile page as a broken parser sees it: personal data, some of it disguised.
PAGE = (
    '<html><head><meta charset="iso-8859-1"></head><body><h1>Hôpital privé</h1>'
    "<p>NIR 1 85 05 78 006 084 91 / 2.85.05.78.006.084.41</p>"
    "<p>contact jean.dupont&#64;proton.me or <a href='/cdn-cgi/l/email-protection#"
    "4f252a2e210f3f3d203b2021612228'>[email protected]</a>"
    "<span class='__cf_email__' data-cfemail='4f252a2e210f3f3d203b2021612228'></span></p>"
    "<p>IBAN FR76-3000-6000-0112-3456-7890-189, FINESS 940300445</p></body></html>"
).encode("iso-8859-1")
RAW = (b"006 084", b"006.084", b"dupont", b"4f252a2e", b"3456-7890")


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_a_page_is_redacted_in_its_own_encoding() -> None:
    redacted = redact_page(PAGE)
    assert not [raw for raw in RAW if raw in redacted]
    assert redacted.count(b"[NIR]") == 2 and b"[EMAIL]" in redacted and b"[IBAN]" in redacted
    assert "Hôpital privé".encode("iso-8859-1") in redacted and b"FINESS 940300445" in redacted


def test_a_snapshot_is_private_even_in_a_folder_an_older_version_made(tmp_path: Path) -> None:
    old = tmp_path / "snapshots" / "board"
    old.mkdir(parents=True)
    os.chmod(tmp_path / "snapshots", 0o755)
    os.chmod(old, 0o755)
    path = save_snapshot(tmp_path, "board", 7, "parser_broken", PAGE)
    assert path == old / "run-7-parser_broken.html"
    assert _mode(path) == 0o600 and _mode(old) == 0o700 and _mode(old.parent) == 0o700
    assert not [raw for raw in RAW if raw in path.read_bytes()]


def _snapshot(folder: Path, run: int, age_days: float) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"run-{run}-parser_broken.html"
    path.write_bytes(b"x" * 100)
    when = time.time() - age_days * 86400
    os.utime(path, (when, when))
    return path


def test_pruning_keeps_the_newest_per_source_within_the_age_limit(tmp_path: Path) -> None:
    board, chan = tmp_path / "snapshots" / "board", tmp_path / "snapshots" / "chan"
    board_runs = [_snapshot(board, run, age) for run, age in [(1, 3), (2, 2), (3, 1), (4, 0)]]
    chan_runs = [_snapshot(chan, 5, 40), _snapshot(chan, 6, 1)]
    (board / ".run-9-parser_broken.html.123.tmp").write_bytes(b"being written")
    retention = RetentionConfig(snapshots_per_source=2, snapshot_days=30)
    assert snapshot_usage(tmp_path).files == 6
    removed = prune_snapshots(tmp_path, retention)
    assert sorted(removed) == sorted([board_runs[0], board_runs[1], chan_runs[0]])
    assert sorted(board.iterdir()) == sorted(
        [board_runs[2], board_runs[3], board / ".run-9-parser_broken.html.123.tmp"]
    )
    assert list(chan.iterdir()) == [chan_runs[1]]
    usage = snapshot_usage(tmp_path)
    assert (usage.files, usage.bytes) == (3, 300)


def test_nothing_to_prune_without_snapshots(tmp_path: Path) -> None:
    assert prune_snapshots(tmp_path, RetentionConfig()) == []
    assert snapshot_usage(tmp_path).files == 0
