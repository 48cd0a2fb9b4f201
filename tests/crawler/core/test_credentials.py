"""Session secrets come from the environment and cookie exports, and never show in repr."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from crawler.core.config import SourceConfig
from crawler.core.credentials import parse_cookies, read_cookie_file, read_credentials
from crawler.core.errors import ConfigError


def source(**options: object) -> SourceConfig:
    return SourceConfig(
        name="f",
        kind="forum",
        engine="mybb",
        start_urls=["http://forum.example/forumdisplay.php?fid=2"],
        options=options,
    )


def test_login_comes_from_named_environment_variables() -> None:
    environ = {"FORUM_USER": "watcher", "FORUM_PASS": "hunter2-secret"}
    credentials = read_credentials(
        source(username_env="FORUM_USER", password_env="FORUM_PASS"), environ
    )
    assert credentials.can_log_in
    assert credentials.password is not None
    assert credentials.password.get_secret_value() == "hunter2-secret"
    assert "hunter2" not in repr(credentials) and "watcher" not in str(credentials)


def test_missing_variable_is_named_not_shown() -> None:
    with pytest.raises(ConfigError, match="FORUM_PASS is not set"):
        read_credentials(
            source(username_env="FORUM_USER", password_env="FORUM_PASS"), {"FORUM_USER": "w"}
        )
    with pytest.raises(ConfigError, match="both"):
        read_credentials(source(username_env="FORUM_USER"), {"FORUM_USER": "w"})


def test_cookies_inline_header_env_and_table() -> None:
    environ = {"COOKIES": "mybbuser=42_abcdef; sid=zz"}
    assert read_credentials(source(cookies="env:COOKIES"), environ).cookies == {
        "mybbuser": "42_abcdef",
        "sid": "zz",
    }
    assert read_credentials(source(cookies={"a": "1"}), {}).cookies == {"a": "1"}
    assert read_credentials(source(cookies_env="COOKIES"), environ).cookies["sid"] == "zz"
    assert repr(read_credentials(source(cookies={"a": "1"}), {})) == (
        "SourceCredentials(login=no, cookies=1)"
    )


def test_cookie_exports(tmp_path: Path) -> None:
    netscape = tmp_path / "cookies.txt"
    netscape.write_text(
        "# Netscape HTTP Cookie File\n"
        "forum.example\tFALSE\t/\tTRUE\t1893456000\tmybbuser\t42_abcdef\n"
        "#HttpOnly_forum.example\tFALSE\t/\tTRUE\t0\tsid\tzz\n"
    )
    assert read_cookie_file(netscape) == {"mybbuser": "42_abcdef", "sid": "zz"}
    exported = tmp_path / "cookies.json"
    exported.write_text(json.dumps([{"name": "xf_user", "value": "9%2Cabc", "domain": "x"}]))
    credentials = read_credentials(source(cookies_file=str(exported)), {})
    assert credentials.cookies == {"xf_user": "9%2Cabc"}
    assert parse_cookies('{"a": "1"}') == {"a": "1"}


def test_unreadable_cookie_file_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="cannot read"):
        read_credentials(source(cookies_file=str(tmp_path / "missing.txt")), {})
    broken = tmp_path / "broken.json"
    broken.write_text("[{")
    with pytest.raises(ConfigError, match="not a cookie export"):
        read_credentials(source(cookies_file=str(broken)), {})
