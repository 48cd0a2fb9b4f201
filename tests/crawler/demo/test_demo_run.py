"""``make demo`` end to end: loopback sources, the real daemon, the seed-style alert."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest

from crawler.demo.run import SEED_TITLE, run_demo


@pytest.mark.slow
def test_demo_publishes_a_sale_post_and_its_alert_arrives(tmp_path: Path) -> None:
    out = io.StringIO()

    status = run_demo(tmp_path, out, deadline_seconds=150)

    text = out.getvalue()
    assert status == 0, text
    latency = re.search(r"ALERT received ([0-9.]+) s after the post appeared", text)
    assert latency is not None, text
    assert float(latency.group(1)) < 60, text
    assert "signed: True" in text
    assert SEED_TITLE[:40] in text
    # Every demo source was crawled and stored something, and the seed post's entities are named.
    stored = re.search(r"stored hits: (\d+)", text)
    assert stored is not None and int(stored.group(1)) > 10, text
    for source in ("demo-forum", "demo-telegram", "demo-paste", "demo-leaksite"):
        assert source in text, text
