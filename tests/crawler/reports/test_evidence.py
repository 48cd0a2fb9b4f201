"""Evidence read back for people and the MISP export: only unchanged screenshots from the
evidence folder, carried as a MISP attachment that PyMISP loads."""

from __future__ import annotations

import base64
import hashlib
import json
import logging
import struct
import warnings
import zlib
from pathlib import Path

import pytest
from pymisp import MISPEvent
from sqlalchemy import select

from crawler.fetch.evidence import PageEvidence, store_page_evidence
from crawler.reports.evidence import evidence_records, read_screenshot
from crawler.reports.misp import misp_event_with_evidence
from db.engine import make_engine, make_session_factory
from db.incidents import IncidentFilters, incident_detail, incident_list
from db.models import Evidence, Hit
from tests.seed import seed


def tiny_png(red: int = 200) -> bytes:
    """A valid 2×2 PNG (enough for browsers and MISP)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    rows = b"".join(b"\x00" + bytes([red, 30, 30]) * 2 for _ in range(2))
    header = struct.pack(">IIBBBBB", 2, 2, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


def store_evidence(url: str, data_dir: Path, hit_id: int, png: bytes | None) -> int:
    """Store evidence (and its screenshot file) for the post of hit ``hit_id``; its id."""
    engine = make_engine(url)
    try:
        with make_session_factory(engine).begin() as session:
            post_id = session.execute(select(Hit.post_id).where(Hit.id == hit_id)).scalar_one()
            page = PageEvidence.of(f"http://127.0.0.1:1/post/{post_id}", b"<html>x</html>", png)
            store_page_evidence(session, data_dir, "breachforum", post_id, None, page)
            return session.execute(
                select(Evidence.id).where(Evidence.post_id == post_id)
            ).scalar_one()
    finally:
        engine.dispose()


def test_only_unchanged_screenshots_inside_the_evidence_folder_are_read(
    migrated_url: str, tmp_path: Path
) -> None:
    seeded = seed(migrated_url)
    png = tiny_png()
    evidence_id = store_evidence(migrated_url, tmp_path, seeded.thiais_hits[0], png)
    engine = make_engine(migrated_url)
    try:
        with make_session_factory(engine).begin() as session:
            row = session.get(Evidence, evidence_id)
            assert row is not None and read_screenshot(tmp_path, row) == png
            [record] = evidence_records(session, tmp_path, [row.post_id])
            assert (
                record.screenshot_ok
                and record.html_sha256 == hashlib.sha256(b"<html>x</html>").hexdigest()
            )
            assert read_screenshot(tmp_path / "elsewhere", row) is None  # outside the folder
            outside = tmp_path / "outside.png"
            outside.write_bytes(png)
            row.screenshot_path = str(outside)
            assert read_screenshot(tmp_path, row) is None
            row.screenshot_path = str(tmp_path / "evidence" / ".." / "outside.png")
            assert read_screenshot(tmp_path, row) is None
            session.rollback()
        with make_session_factory(engine).begin() as session:
            row = session.get(Evidence, evidence_id)
            assert row is not None and row.screenshot_path
            Path(row.screenshot_path).write_bytes(tiny_png(red=10))  # replaced afterwards
            assert read_screenshot(tmp_path, row) is None
            assert not evidence_records(session, tmp_path, [row.post_id])[0].screenshot_ok
            Path(row.screenshot_path).unlink()
            assert read_screenshot(tmp_path, row) is None
    finally:
        engine.dispose()


def test_the_misp_event_carries_the_screenshot_and_hashes(
    migrated_url: str, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    seeded = seed(migrated_url)
    png = tiny_png()
    store_evidence(migrated_url, tmp_path, seeded.thiais_hits[0], png)
    engine = make_engine(migrated_url)
    try:
        with make_session_factory(engine).begin() as session:
            incident = incident_list(session, IncidentFilters(entity="940000573")).items[0]
            detail = incident_detail(session, incident.id)
            event = misp_event_with_evidence(session, tmp_path, detail)
            again = misp_event_with_evidence(session, tmp_path, detail)
            without = misp_event_with_evidence(session, tmp_path / "none", detail)
    finally:
        engine.dispose()
    attributes = event["Event"]["Attribute"]
    [attachment] = [a for a in attributes if a["type"] == "attachment"]
    assert base64.b64decode(attachment["data"]) == png
    assert attachment["category"] == "External analysis" and attachment["to_ids"] is False
    assert attachment["value"].startswith("leakwatch-evidence-")
    assert hashlib.sha256(png).hexdigest() in attachment["comment"]
    hashes = [a for a in attributes if a["type"] == "sha256"]
    assert [a["value"] for a in hashes] == [hashlib.sha256(b"<html>x</html>").hexdigest()]
    assert again == event  # deterministic
    assert [a["type"] for a in without["Event"]["Attribute"]].count("attachment") == 0

    caplog.set_level(logging.WARNING, logger="pymisp")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        loaded = MISPEvent()
        loaded.load(json.dumps(event))
    [misp_attachment] = [a for a in loaded.attributes if a.type == "attachment"]
    assert misp_attachment.data.getvalue() == png
    assert [record.getMessage() for record in caplog.records] == []
