"""Page snapshots: a copy of a page a spider could not read, kept for a person to fix its parser.

A snapshot (``parser_broken``, a challenge, a login wall…) is written redacted and private:
personal data masked (crawler.core.redaction, after undoing the usual HTML e-mail disguises),
as a 0600 file under 0700 folders ``<data_dir>/snapshots/<source>/`` (crawler.core.private_files).
:func:`prune_snapshots` applies the ``[retention]`` limits, the newest ``snapshots_per_source``
per source and none older than ``snapshot_days``; :func:`snapshot_usage` counts what is kept
(``leakwatch doctor``).
"""

from __future__ import annotations

import logging
import re
import time
from dataclasses import dataclass
from pathlib import Path

from w3lib.encoding import html_to_unicode

from crawler.core.config import RetentionConfig
from crawler.core.private_files import private_folder, write_private
from crawler.core.redaction import redact_document

logger = logging.getLogger(__name__)
SNAPSHOT_FOLDER = "snapshots"
SNAPSHOT_SUFFIX = ".html"
#: An ``@`` written as an HTML entity, which the redaction would otherwise not see.
_AT_ENTITY = re.compile(r"&#0*64;|&#x0*40;|&commat;", re.IGNORECASE)
#: Cloudflare's e-mail obfuscation: the address XOR-encoded in hex, trivially decoded.
_CLOUDFLARE_EMAIL = re.compile(
    r"(data-cfemail=[\"']?|/cdn-cgi/l/email-protection#)[0-9a-f]{4,}", re.IGNORECASE
)


@dataclass(frozen=True)
class SnapshotUsage:
    """How many snapshots are kept and their total size in bytes."""

    files: int
    bytes: int


def snapshot_folder(data_dir: Path) -> Path:
    """The folder holding every source's snapshots."""
    return data_dir / SNAPSHOT_FOLDER


def redact_page(page: bytes) -> bytes:
    """``page`` with personal data masked, in the page's own encoding (as far as it can be
    told); masks are ASCII, characters the encoding lacks become character references."""
    encoding, text = html_to_unicode(None, page)
    text = _AT_ENTITY.sub("@", text)
    text = _CLOUDFLARE_EMAIL.sub(r"\1", text)
    redacted = redact_document(text)
    try:
        return redacted.encode(encoding, errors="xmlcharrefreplace")
    except LookupError:
        return redacted.encode("utf-8", errors="xmlcharrefreplace")


def save_snapshot(data_dir: Path, source: str, run_id: int, status: str, page: bytes) -> Path:
    """Write the redacted ``page`` as run ``run_id``'s snapshot of ``source``; return its path.

    Raises OSError when it cannot be written.
    """
    name = f"run-{run_id}-{re.sub(r'[^a-z_]', '', status)}{SNAPSHOT_SUFFIX}"
    root = private_folder(snapshot_folder(data_dir))
    return write_private(root / source / name, redact_page(page))


def prune_snapshots(
    data_dir: Path, retention: RetentionConfig, now: float | None = None, dry_run: bool = False
) -> list[Path]:
    """Delete the snapshots beyond ``retention`` (every source's folder); return their paths.

    A file that cannot be deleted is logged and left for the next pass. With ``dry_run``,
    return the paths that would be deleted and delete nothing.
    """
    oldest = (time.time() if now is None else now) - retention.snapshot_days * 86400
    removed: list[Path] = []
    for folder in _source_folders(data_dir):
        kept = 0
        for modified, _run, path in sorted(_snapshots_in(folder), reverse=True):
            if kept < retention.snapshots_per_source and modified >= oldest:
                kept += 1
                continue
            if dry_run:
                removed.append(path)
                continue
            try:
                path.unlink(missing_ok=True)
            except OSError as exc:
                logger.warning("cannot delete snapshot %s: %s", path, exc)
                continue
            removed.append(path)
    return removed


def snapshot_usage(data_dir: Path) -> SnapshotUsage:
    """How many snapshots ``data_dir`` keeps and how many bytes they take."""
    files = size = 0
    for folder in _source_folders(data_dir):
        for _modified, _run, path in _snapshots_in(folder):
            try:
                size += path.stat().st_size
            except FileNotFoundError:
                continue
            files += 1
    return SnapshotUsage(files, size)


def _source_folders(data_dir: Path) -> list[Path]:
    root = snapshot_folder(data_dir)
    if not root.is_dir():
        return []
    return sorted(path for path in root.iterdir() if path.is_dir() and not path.is_symlink())


def _snapshots_in(folder: Path) -> list[tuple[float, int, Path]]:
    """The folder's snapshots as (modified, run id, path); another crawl may be pruning it."""
    found = []
    for path in folder.iterdir():
        try:
            if _is_snapshot(path):
                run = re.match(r"run-(\d+)-", path.name)
                found.append((path.stat().st_mtime, int(run.group(1)) if run else 0, path))
        except FileNotFoundError:
            continue
    return found


def _is_snapshot(path: Path) -> bool:
    return (
        path.name.endswith(SNAPSHOT_SUFFIX)
        and not path.name.startswith(".")
        and path.is_file()
        and not path.is_symlink()
    )
