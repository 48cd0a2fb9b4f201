"""``leakwatch users``: list, disable and enable, passwords, token expiry and revocation."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from click.testing import Result
from sqlalchemy import select
from typer.testing import CliRunner

from crawler.cli import app
from db.accounts import login_candidate, user_for_token, verify_password
from db.engine import make_engine, make_session_factory
from db.models import ApiToken, utcnow
from db.web_sessions import start_session, user_for_session

runner = CliRunner()
PASSWORD = "long enough secret"


@pytest.fixture
def config(tmp_path: Path, migrated_url: str) -> Path:
    """A config file on a migrated database with the analyst ``ana``."""
    path = tmp_path / "leakwatch.toml"
    path.write_text(f'database_url = "{migrated_url}"\n')
    assert run(path, "users", "add", "ana", "--role", "analyst", stdin=PASSWORD).exit_code == 0
    return path


def run(config: Path, *args: str, stdin: str | None = None) -> Result:
    return runner.invoke(app, ["--config", str(config), *args], input=stdin)


def tokens_json(config: Path) -> list[dict[str, Any]]:
    """``leakwatch users tokens -f json``, read."""
    rows: list[dict[str, Any]] = json.loads(run(config, "users", "tokens", "-f", "json").output)
    return rows


def log_in(url: str, username: str) -> str:
    """A web session of ``username`` (as the login route opens one)."""
    engine = make_engine(url)
    try:
        with make_session_factory(engine).begin() as session:
            candidate = login_candidate(session, username)
            assert candidate.user_id is not None
            secret = start_session(session, candidate.user_id, candidate.password_hash, 3600)
            assert secret is not None
            return secret
    finally:
        engine.dispose()


def state(url: str, token: str, secret: str, password: str) -> tuple[bool, bool, bool]:
    """Whether the token, the session and the password still work."""
    engine = make_engine(url)
    try:
        with make_session_factory(engine).begin() as session:
            candidate = login_candidate(session, "ana")
            logs_in = verify_password(candidate.password_hash, password) and not candidate.disabled
            return (
                user_for_token(session, token) is not None,
                user_for_session(session, secret) is not None,
                logs_in,
            )
    finally:
        engine.dispose()


def test_disable_enable_and_list(config: Path, migrated_url: str) -> None:
    token = run(config, "users", "token", "ana").output.strip()
    secret = log_in(migrated_url, "ana")
    [row] = json.loads(run(config, "users", "list", "-f", "json").output)
    assert (row["username"], row["role"], row["disabled"]) == ("ana", "analyst", False)
    assert (row["sessions"], row["tokens"]) == (1, 1)
    disabled = run(config, "users", "disable", "ana")
    assert disabled.exit_code == 0
    assert "1 session(s) ended, 1 token(s) revoked" in disabled.output
    assert state(migrated_url, token, secret, PASSWORD) == (False, False, False)
    assert run(config, "users", "token", "ana").exit_code == 2  # a disabled user gets none
    table = run(config, "users", "list")
    assert "ana" in table.output and "True" in table.output
    assert run(config, "users", "enable", "ana").exit_code == 0
    assert state(migrated_url, token, secret, PASSWORD) == (False, False, True)
    missing = run(config, "users", "disable", "nobody")
    assert missing.exit_code == 2 and "no user 'nobody'" in missing.output


def test_password_change_ends_sessions_and_keeps_tokens(config: Path, migrated_url: str) -> None:
    token = run(config, "users", "token", "ana").output.strip()
    secret = log_in(migrated_url, "ana")
    short = run(config, "users", "password", "ana", "--password-stdin", stdin="short\n")
    assert short.exit_code == 2 and "too short" in short.output
    changed = run(config, "users", "password", "ana", stdin="a new long password\n")
    assert changed.exit_code == 0 and "1 session(s) ended" in changed.output
    assert "a new long password" not in changed.output
    assert state(migrated_url, token, secret, "a new long password") == (True, False, True)
    assert state(migrated_url, token, secret, PASSWORD)[2] is False


def test_tokens_expire_list_and_revoke(config: Path, migrated_url: str) -> None:
    default = run(config, "users", "token", "ana", "--label", "cron").output.strip()
    short = run(config, "users", "token", "ana", "--label", "ci", "--expires-in", "12h")
    forever = run(config, "users", "token", "ana", "--label", "legacy", "--expires-in", "never")
    assert short.exit_code == 0 and forever.exit_code == 0
    for bad in ("soon", "0d", "4000d"):
        refused = run(config, "users", "token", "ana", "--expires-in", bad)
        assert refused.exit_code == 2 and "--expires-in" in refused.output, bad
    listed = {row["label"]: row for row in tokens_json(config)}
    assert set(listed) == {"cron", "ci", "legacy"}
    assert {row["status"] for row in listed.values()} == {"active"}
    assert listed["legacy"]["expires_at"] is None
    engine = make_engine(migrated_url)
    try:
        with make_session_factory(engine).begin() as session:
            expiries = dict(session.execute(select(ApiToken.label, ApiToken.expires_at)).all())
        now = utcnow()
        assert timedelta(days=89, hours=23) < expiries["cron"] - now <= timedelta(days=90)
        assert timedelta(hours=11, minutes=59) < expiries["ci"] - now <= timedelta(hours=12)
        # Tokens are never shown again: neither their value nor their digest is listed.
        shown = run(config, "users", "tokens", "ana").output
        assert default not in shown and "lw_" not in shown
        revoked = run(config, "users", "revoke-token", str(listed["cron"]["id"]))
        assert revoked.exit_code == 0 and "of ana revoked" in revoked.output
        assert run(config, "users", "revoke-token", "999999").exit_code == 2
        with make_session_factory(engine).begin() as session:
            assert user_for_token(session, default) is None
            assert user_for_token(session, forever.output.strip()) is not None
    finally:
        engine.dispose()
    after = {row["label"]: row["status"] for row in tokens_json(config)}
    assert after == {"cron": "revoked", "ci": "active", "legacy": "active"}


def test_logout_ends_every_session(config: Path, migrated_url: str) -> None:
    secrets = [log_in(migrated_url, "ana") for _ in range(2)]
    ended = run(config, "users", "logout", "ana")
    assert ended.exit_code == 0 and "2 session(s) of ana ended" in ended.output
    token = run(config, "users", "token", "ana").output.strip()
    assert all(not state(migrated_url, token, secret, PASSWORD)[1] for secret in secrets)


def test_every_users_command_has_help() -> None:
    for command in ("add", "list", "disable", "enable", "password", "token", "tokens",
                    "revoke-token", "logout"):  # fmt: skip
        result = runner.invoke(app, ["users", command, "--help"])
        assert result.exit_code == 0 and "Usage" in result.output, command
    assert "--expires-in" in runner.invoke(app, ["users", "token", "--help"]).output
