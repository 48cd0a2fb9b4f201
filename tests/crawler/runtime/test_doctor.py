"""``leakwatch doctor`` against real components: a SOCKS5 proxy, Chromium, SQLite, folders."""

from __future__ import annotations

import json
import shutil
import socket
from pathlib import Path

import pytest
from typer.testing import CliRunner

from crawler.cli import app
from db.migrate import upgrade
from tests.loopback import serve
from tests.socks_server import SocksServer

runner = CliRunner()
SOURCE = """
[[sources]]
name = "{name}"
kind = "forum"
engine = "custom"
start_urls = ["{url}"]
{extra}
"""


def write_config(path: Path, database: Path, data_dir: Path, sources: list[str]) -> Path:
    head = f'database_url = "sqlite:///{database}"\ndata_dir = "{data_dir}"\n'
    tail = 'chromium_path = "/nonexistent/chromium"\n' if "browser" in "".join(sources) else ""
    path.write_text(head + tail + "".join(sources))
    return path


def source(name: str, url: str, extra: str = "") -> str:
    return SOURCE.format(name=name, url=url, extra=extra)


@pytest.mark.browser
@pytest.mark.skipif(shutil.which("/usr/bin/chromium") is None, reason="Chromium not installed")
def test_doctor_passes_when_everything_answers(tmp_path: Path) -> None:
    database = tmp_path / "leakwatch.db"
    upgrade(f"sqlite:///{database}")
    with SocksServer() as proxy:
        sources = [
            source("plain-tor", "http://forumabcdef.onion/", f'proxy = "{proxy.url}"'),
            source(
                "browser-tor", "http://shopabcdef.onion/", f'proxy = "{proxy.url}"\nbrowser = true'
            ),
        ]
        config = write_config(tmp_path / "leakwatch.toml", database, tmp_path / "data", sources)
        config.write_text(
            config.read_text().replace('chromium_path = "/nonexistent/chromium"\n', "")
        )
        result = runner.invoke(app, ["--config", str(config), "doctor"])
    assert result.exit_code == 0, result.output
    assert "everything is ready" in result.output
    assert "Chromium " in result.output and "started in" in result.output
    assert "at revision 0005_evidence" in result.output or "reachable, at revision" in result.output
    # Plain requests authenticate with the source's name; Chromium cannot, so it does not.
    assert sorted(proxy.handshakes, key=str) == [None, "plain-tor"]
    assert proxy.connects == []  # a handshake only: nothing was fetched


def test_doctor_reports_every_problem(tmp_path: Path) -> None:
    closed = socket.socket()
    closed.bind(("127.0.0.1", 0))
    dead_port = closed.getsockname()[1]
    closed.close()
    data_dir = tmp_path / "data"
    (data_dir / "evidence").mkdir(parents=True, mode=0o755)
    (data_dir / "evidence").chmod(0o755)
    with serve({}) as web:
        sources = [
            source("not-socks", "http://a.example/", f'proxy = "socks5h://{web.base_url[7:]}"'),
            source("dead-proxy", "http://b.example/", f'proxy = "socks5h://127.0.0.1:{dead_port}"'),
            source("naked-onion", "http://forumabcdef.onion/", "browser = true"),
        ]
        config = write_config(tmp_path / "leakwatch.toml", tmp_path / "empty.db", data_dir, sources)
        arguments = ["--config", str(config), "doctor", "--timeout", "2", "--format", "jsonl"]
        result = runner.invoke(app, arguments)
    assert result.exit_code == 1
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    failed = {(row["check"], row["detail"]) for row in rows if row["status"] == "FAIL"}
    assert failed == {
        ("data_dir", f"{data_dir / 'evidence'} is readable by others (mode 755): chmod 700 it"),
        ("database", "at revision empty, newest is 0005_evidence: run leakwatch db upgrade"),
        ("proxy", "no SOCKS5 answer within 2 s (not a SOCKS5 proxy?)"),
        ("proxy", f"no answer: [Errno 111] Connect call failed ('127.0.0.1', {dead_port})"),
        (
            "onion",
            "http://forumabcdef.onion/ is an onion service and the source has no proxy "
            "(use socks5h://)",
        ),
        ("chromium", "not found: make system-deps"),
    }
    assert "6 problem(s) found" in result.stderr
