"""Configuration: valid files load, bad ones stop with one clear message and exit code 2."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from crawler.core.config import load_config
from crawler.core.errors import ConfigError

GOOD = """
database_url = "sqlite:///{tmp}/lw.db"

[[sources]]
name = "demo-forum"
kind = "forum"
engine = "mybb"
start_urls = ["http://127.0.0.1:8000/forumdisplay.php?fid=2"]
schedule = {{ every = "5m", jitter = "10s" }}
timezone = "Europe/Paris"
options = {{ fetch_first_post = true }}

[[channels]]
name = "cert-webhook"
type = "webhook"
url = "http://127.0.0.1:9/hook"
signing_secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"

[[routes]]
channel = "cert-webhook"
min_severity = "high"
regions = ["Île-de-France"]
"""

BAD_CRON = (
    '[[sources]]\nname="a"\nkind="feed"\nengine="rss"\nstart_urls=["http://h/"]\n'
    'schedule={cron="99 * * * *"}\n'
)
BAD_CONFIGS = [
    ("unknown top-level key", 'databse_url = "sqlite:///x.db"\n', "databse_url: unknown key"),
    (
        "unknown source key",
        '[[sources]]\nname="a"\nkind="forum"\nengine="mybb"\nstart_urls=["http://h/"]\ncolour=1\n',
        "sources[0].colour: unknown key",
    ),
    (
        "wrong type",
        '[[sources]]\nname="a"\nkind="forum"\nengine="mybb"\nstart_urls=["http://h/"]\n'
        'max_pages="many"\n',
        "sources[0].max_pages:",
    ),
    (
        "missing start urls",
        '[[sources]]\nname="a"\nkind="telegram"\nengine="preview"\n',
        "sources[0].start_urls: required key is missing",
    ),
    (
        "bad schedule",
        '[[sources]]\nname="a"\nkind="feed"\nengine="rss"\nstart_urls=["http://h/"]\n'
        'schedule={every="soon"}\n',
        "sources[0].schedule.every: expected a duration",
    ),
    (
        "missing secret",
        '[[channels]]\nname="hook"\ntype="webhook"\nurl="http://127.0.0.1:9/"\n',
        "channels[0]: a webhook channel needs 'signing_secret'",
    ),
    (
        "route to unknown channel",
        '[[routes]]\nchannel="nowhere"\n',
        "route refers to unknown channel 'nowhere'",
    ),
    (
        "secret from an unset environment variable",
        '[[channels]]\nname="s"\ntype="slack"\nurl="env:LW_TEST_UNSET_VARIABLE"\n',
        "channels[0].url: environment variable LW_TEST_UNSET_VARIABLE is not set",
    ),
    ("bad database url", 'database_url = "mysql://x"\n', "database_url: expected sqlite"),
    (
        "unknown display zone",
        'display_timezone = "Europe/Lutece"\n',
        "display_timezone: unknown time zone 'Europe/Lutece'",
    ),
    (
        "web address without a scheme",
        '[web]\nbase_url = "leakwatch.cert.example"\n',
        "web.base_url: expected the http(s) address of the web UI",
    ),
    ("invalid toml", "sources = [\n", "invalid TOML"),
    (
        "socks proxy typo",
        '[[sources]]\nname="a"\nkind="leaksite"\nengine="generic"\nstart_urls=["http://h/"]\n'
        'proxy="socks9://127.0.0.1:9050"\n',
        "sources[0].proxy: expected http://",
    ),
    (
        "wait_for without the browser",
        '[[sources]]\nname="a"\nkind="forum"\nengine="custom"\nstart_urls=["http://h/"]\n'
        'wait_for="article.topic"\n',
        "sources[0]: wait_for is a browser setting: it needs browser = true",
    ),
    (
        "cron minute out of range",
        BAD_CRON,
        "sources[0].schedule.cron: not a valid cron schedule: Error validating expression '99'",
    ),
    (
        "cron that never fires",
        '[[sources]]\nname="a"\nkind="feed"\nengine="rss"\nstart_urls=["http://h/"]\n'
        'schedule={cron="0 0 31 2 *"}\n',
        "sources[0].schedule.cron: this cron schedule never fires",
    ),
    (
        "interval of zero",
        '[[sources]]\nname="a"\nkind="feed"\nengine="rss"\nstart_urls=["http://h/"]\n'
        'schedule={every="0s"}\n',
        "sources[0].schedule.every: expected a duration of at least 1s",
    ),
    (
        "jitter past what the scheduler can date",
        '[[sources]]\nname="a"\nkind="feed"\nengine="rss"\nstart_urls=["http://h/"]\n'
        'schedule={every="5m", jitter="99999999d"}\n',
        "sources[0].schedule.jitter: expected a duration of at most 365d",
    ),
    (
        "page timeout of zero",
        '[[sources]]\nname="a"\nkind="forum"\nengine="custom"\nstart_urls=["http://h/"]\n'
        "page_timeout=0\n",
        "sources[0].page_timeout:",
    ),
]


def test_good_config_loads(tmp_path: Path) -> None:
    path = tmp_path / "leakwatch.toml"
    path.write_text(GOOD.format(tmp=tmp_path), encoding="utf-8")
    settings = load_config(path)
    source = settings.source("demo-forum")
    assert source.schedule.every_seconds == 300
    assert source.schedule.jitter_seconds == 10
    assert source.options == {"fetch_first_post": True}
    secret = settings.channels[0].signing_secret
    assert secret is not None and "whsec" not in repr(settings)


def test_environment_overrides_the_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "leakwatch.toml"
    path.write_text(GOOD.format(tmp=tmp_path), encoding="utf-8")
    monkeypatch.setenv("LEAKWATCH_DATABASE_URL", "postgresql+psycopg://u@127.0.0.1/db")
    monkeypatch.setenv("LEAKWATCH_WEB__PORT", "9999")
    settings = load_config(path)
    assert settings.database_url == "postgresql+psycopg://u@127.0.0.1/db"
    assert settings.web.port == 9999
    assert settings.sources[0].name == "demo-forum"


@pytest.mark.parametrize(
    ("case", "content", "expected"), BAD_CONFIGS, ids=[c[0] for c in BAD_CONFIGS]
)
def test_bad_config_names_the_key(tmp_path: Path, case: str, content: str, expected: str) -> None:
    path = tmp_path / "leakwatch.toml"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(ConfigError) as error:
        load_config(path)
    assert expected in str(error.value)
    assert str(path) in str(error.value)


@pytest.mark.parametrize(
    ("case", "content", "expected"), BAD_CONFIGS[:3], ids=[c[0] for c in BAD_CONFIGS[:3]]
)
def test_cli_exits_2_with_one_line_and_no_traceback(
    tmp_path: Path, case: str, content: str, expected: str
) -> None:
    path = tmp_path / "leakwatch.toml"
    path.write_text(content, encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "crawler", "--config", str(path), "sources", "list"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    assert expected in result.stderr
    assert "Traceback" not in result.stderr + result.stdout


def test_cli_refuses_a_family_option_typo_with_exit_2(tmp_path: Path) -> None:
    path = tmp_path / "leakwatch.toml"
    path.write_text(
        '[[sources]]\nname="bf"\nkind="forum"\nengine="mybb"\nstart_urls=["http://h/"]\n'
        "options = { fetch_frist_post = true }\n"
    )
    result = subprocess.run(
        [sys.executable, "-m", "crawler", "--config", str(path), "sources", "list"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    message = " ".join(result.stderr.split())  # the console wraps long lines
    assert "sources[bf].options.fetch_frist_post: unknown option for a forum source" in message
    assert "did you mean 'fetch_first_post'?" in message
    assert "Traceback" not in result.stderr + result.stdout


def test_run_with_a_bad_cron_exits_2_before_starting(tmp_path: Path) -> None:
    path = tmp_path / "leakwatch.toml"
    path.write_text(f'database_url = "sqlite:///{tmp_path}/lw.db"\n' + BAD_CRON)
    result = subprocess.run(
        [sys.executable, "-m", "crawler", "--config", str(path), "run"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2, result.stderr[-2000:]
    assert "not a valid cron schedule" in result.stderr
    assert "Traceback" not in result.stderr + result.stdout


def test_missing_config_file_exits_2(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "crawler", "--config", str(tmp_path / "nope.toml"), "db", "upgrade"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    assert "config file not found" in result.stderr


def test_alert_max_age_days_has_a_default_of_a_few_days_and_must_be_positive() -> None:
    from crawler.core.config import DEFAULT_ALERT_MAX_AGE_DAYS, SourceConfig

    source = {"name": "f", "kind": "feed", "engine": "rss", "start_urls": ["https://a.example/"]}
    assert SourceConfig(**source).alert_max_age_days == DEFAULT_ALERT_MAX_AGE_DAYS == 7
    assert SourceConfig(**source, alert_max_age_days=1.5).alert_max_age_days == 1.5
    with pytest.raises(ValueError, match="greater than 0"):
        SourceConfig(**source, alert_max_age_days=0)


@pytest.mark.parametrize(
    "key",
    [
        "whsec_a",  # one byte
        "whsec_" + "QUFBQUFBQUFBQUFBQUFB",  # 15 bytes
        "my-webhook-password-123456789012345",  # a plain string
        "whsec_not base64 at all!!",
    ],
)
def test_a_weak_signing_key_is_refused_without_showing_it(tmp_path: Path, key: str) -> None:
    path = tmp_path / "leakwatch.toml"
    path.write_text(
        '[[channels]]\nname = "hook"\ntype = "webhook"\nurl = "http://127.0.0.1:9/h"\n'
        f'signing_secret = "{key}"\n',
        encoding="utf-8",
    )
    with pytest.raises(ConfigError) as error:
        load_config(path)
    message = str(error.value)
    assert "signing_secret must be 'whsec_' + base64 of at least 24" in message
    assert key not in message
