"""``leakwatch alerts``: list, retry, test CHANNEL, deliver (once and --loop); no secrets shown."""

from __future__ import annotations

import json
import re
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from crawler.cli import app
from crawler.demo.webhook_sink import ReceivedRequest, SinkResponse, WebhookSink
from db.engine import make_engine, make_session_factory
from db.models import utcnow
from db.outbox import insert_message
from tests.alerts.support import SECRET

runner = CliRunner()
CONFIG = """
database_url = "{url}"
log_level = "WARNING"

[[channels]]
name = "siem"
type = "webhook"
url = "{sink}/hook?token=s3cr3t"
signing_secret = "{secret}"
rate_per_second = 100.0

[[channels]]
name = "broken"
type = "webhook"
url = "{sink}/reject"
signing_secret = "{secret}"

[[channels]]
name = "flaky"
type = "webhook"
url = "{sink}/unavailable"
signing_secret = "{secret}"
"""


def _answer(request: ReceivedRequest) -> SinkResponse:
    if request.path.startswith("/reject"):
        return SinkResponse(400, b"bad request")
    if request.path.startswith("/unavailable"):
        return SinkResponse(503, b"try later")
    return SinkResponse(204)


def _config(tmp_path: Path, url: str, sink: WebhookSink) -> Path:
    path = tmp_path / "leakwatch.toml"
    path.write_text(CONFIG.format(url=url, sink=sink.url, secret=SECRET))
    return path


def _queue(url: str, channel: str, count: int) -> None:
    engine = make_engine(url)
    with make_session_factory(engine).begin() as session:
        for n in range(count):
            insert_message(
                session,
                channel=channel,
                kind="test",
                payload={"version": 1, "type": "test", "timestamp": None, "data": {"n": n}},
                idempotency_key=f"cli:{channel}:{n}",
                now=utcnow(),
            )
    engine.dispose()


def _cli(config: Path, *args: str) -> tuple[int, str]:
    result = runner.invoke(app, ["--config", str(config), "alerts", *args])
    return result.exit_code, result.output


@pytest.mark.parametrize("command", ["list", "retry", "test", "deliver"])
def test_every_alerts_command_has_help(command: str) -> None:
    result = runner.invoke(app, ["alerts", command, "--help"])
    assert result.exit_code == 0 and "Usage" in result.output


def test_deliver_list_and_retry(tmp_path: Path, migrated_url: str) -> None:
    with WebhookSink(_answer) as sink:
        config = _config(tmp_path, migrated_url, sink)
        _queue(migrated_url, "siem", 3)
        _queue(migrated_url, "broken", 1)
        code, output = _cli(config, "deliver")
        assert code == 0, output
        assert "this run: delivered 3, failed and retried later 0, dead-lettered 1" in output
        assert "pending: 0\n" in output and "dead letters: 1 (" in output
        code, output = _cli(config, "list", "--json")
        rows = json.loads(output)
        assert [(r["channel"], r["status"]) for r in rows][:2] == [
            ("broken", "dead"),
            ("siem", "delivered"),
        ]
        assert rows[0]["last_error"] == "HTTP 400: bad request"
        code, output = _cli(config, "list", "--status", "dead")
        assert code == 0 and "broken" in output and "siem" not in output
        assert _cli(config, "list", "--status", "lost")[0] == 2
        assert _cli(config, "retry")[0] == 2
        code, output = _cli(config, "retry", "--channel", "broken")
        assert code == 0 and "1 message(s) queued again" in output
        assert json.loads(_cli(config, "list", "--json", "-s", "pending")[1])[0]["attempts"] == 1
        received = len(sink.requests)
    assert received == 4
    assert "s3cr3t" not in output


def test_deliver_shows_what_is_still_pending(tmp_path: Path, migrated_url: str) -> None:
    with WebhookSink(_answer) as sink:
        config = _config(tmp_path, migrated_url, sink)
        _queue(migrated_url, "flaky", 2)
        _queue(migrated_url, "siem", 1)
        code, output = _cli(config, "deliver")
    assert code == 0, output
    lines = output.splitlines()
    assert lines[0].startswith("this run: delivered 1, failed and retried later 1,")
    # The channel's head failed: it and the message behind it wait for the next attempt.
    assert re.fullmatch(r"pending: 2, next attempt \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC", lines[1])
    assert lines[2] == "dead letters: 0"


def test_test_command(tmp_path: Path, migrated_url: str) -> None:
    with WebhookSink(_answer) as sink:
        config = _config(tmp_path, migrated_url, sink)
        code, output = _cli(config, "test", "siem")
        assert code == 0 and "test message sent to siem" in output
        (request,) = sink.requests
        assert request.json()["type"] == "test"
        assert request.webhook_id is not None and request.webhook_id.startswith("test:")
        code, output = _cli(config, "test", "broken")
        assert code == 1 and "HTTP 400" in output
        code, output = _cli(config, "test", "nope")
        assert code == 2 and "siem" in output
    assert "s3cr3t" not in output


def test_deliver_loop_stops_on_sigterm(tmp_path: Path, migrated_url: str) -> None:
    with WebhookSink(_answer) as sink:
        config = _config(tmp_path, migrated_url, sink)
        _queue(migrated_url, "siem", 5)
        child = subprocess.Popen(
            [sys.executable, "-m", "crawler", "--config", str(config), "alerts", "deliver"]
            + ["--loop", "--interval", "0.1"],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        try:
            assert sink.wait_for(5, timeout=60)
        finally:
            child.send_signal(signal.SIGTERM)
            stdout, stderr = child.communicate(timeout=30)
    assert child.returncode == 0, stderr
    assert "delivered 5" in stdout
