"""Application configuration: one TOML file plus ``LEAKWATCH_*`` environment overrides.

The file is ``leakwatch.toml`` in the working directory, or the path given by ``--config`` or
``LEAKWATCH_CONFIG``. Environment variables override top-level keys and nested ones with ``__``
as separator (``LEAKWATCH_DATABASE_URL``, ``LEAKWATCH_WEB__SECRET_KEY``). Secrets are
:class:`pydantic.SecretStr`: they never appear in ``repr``, logs or the UI.

:func:`load_config` reads and validates what every installation shares; it raises
:class:`ConfigError` with one readable message naming the offending key. Source families are
not known here: the product loads its configuration with ``spiders.registry.load_settings``,
which adds each source's family checks (kind, engine, options).
"""

from __future__ import annotations

import base64
import os
import re
import tomllib
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from apscheduler.triggers.cron import CronTrigger
from platformdirs import user_data_dir
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    IPvAnyNetwork,
    SecretStr,
    ValidationError,
    field_validator,
    model_validator,
)
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource, SettingsConfigDict

from crawler.core.errors import ConfigError
from crawler.core.records import EntityKind

_INTERVAL = re.compile(r"^\s*(\d+)\s*(s|m|h|d)\s*$")
_UNIT_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
#: Longest interval or jitter a schedule may give (a longer one overflows the scheduler's dates).
MAX_SCHEDULE_SECONDS = 365 * 86400


def parse_duration(text: str) -> int:
    """Seconds in a duration such as "30s", "5m", "2h"; raises ValueError otherwise."""
    match = _INTERVAL.match(text)
    if not match:
        raise ValueError(f"not a duration: {text!r}")
    return int(match.group(1)) * _UNIT_SECONDS[match.group(2)]


class StrictModel(BaseModel):
    """Base for config sections: unknown keys are errors, values are not coerced loosely."""

    model_config = ConfigDict(extra="forbid", frozen=True)


def resolve_env_reference(value: Any) -> Any:
    """Resolve a secret written as ``"env:NAME"`` from the environment variable ``NAME``.

    Raises ValueError (reported against the key) when the variable is not set.
    """
    if isinstance(value, str) and value.startswith("env:"):
        name = value[4:]
        if name not in os.environ:
            raise ValueError(f"environment variable {name} is not set")
        return os.environ[name]
    return value


class Schedule(StrictModel):
    """When a source is crawled: ``every`` ("90s", "5m", "1h") or a five-field ``cron``."""

    every: str | None = None
    cron: str | None = None
    jitter: str = "0s"

    @field_validator("every", "jitter")
    @classmethod
    def _interval(cls, value: str | None) -> str | None:
        if value is not None and not _INTERVAL.match(value):
            raise ValueError("expected a duration such as '30s', '5m', '1h' or '1d'")
        if value is not None and parse_duration(value) > MAX_SCHEDULE_SECONDS:
            raise ValueError("expected a duration of at most 365d")
        return value

    @field_validator("every")
    @classmethod
    def _positive(cls, value: str | None) -> str | None:
        if value is not None and parse_duration(value) == 0:
            raise ValueError("expected a duration of at least 1s")
        return value

    @field_validator("cron")
    @classmethod
    def _cron(cls, value: str | None) -> str | None:
        if value is None:
            return value
        if len(value.split()) != 5:
            raise ValueError("expected five cron fields: minute hour day month day_of_week")
        try:
            trigger = CronTrigger.from_crontab(value, timezone="UTC")
        except ValueError as exc:
            raise ValueError(f"not a valid cron schedule: {exc}") from None
        now = datetime.now(UTC)
        first = trigger.get_next_fire_time(None, now)
        if first is None or trigger.get_next_fire_time(first, first + timedelta(seconds=1)) is None:
            raise ValueError("this cron schedule never fires (a date no month has?)")
        return value

    @model_validator(mode="after")
    def _one_of(self) -> Schedule:
        if (self.every is None) == (self.cron is None):
            raise ValueError("give exactly one of 'every' or 'cron'")
        return self

    @property
    def every_seconds(self) -> int | None:
        """Interval in seconds, or None for a cron schedule."""
        return parse_duration(self.every) if self.every else None

    @property
    def jitter_seconds(self) -> int:
        """Random delay added to each run, in seconds."""
        return parse_duration(self.jitter)


#: Default ``alert_max_age_days`` of a source.
DEFAULT_ALERT_MAX_AGE_DAYS = 7.0


class SourceConfig(StrictModel):
    """One watched source: a row of data, not a class.

    Only what every source shares is checked here. The family (``kind``), its ``engine`` and
    its ``options`` are checked by the family's own model when the configuration is loaded
    (``spiders.registry.load_settings``).
    """

    name: str = Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")
    kind: str = Field(min_length=1)
    engine: str = Field(min_length=1)
    start_urls: list[str] = Field(min_length=1)
    schedule: Schedule = Schedule(every="15m")
    enabled: bool = True
    proxy: str | None = None
    browser: bool = False
    timezone: str = "UTC"
    max_pages: int = Field(default=50, ge=1)
    download_delay: float = Field(default=2.0, ge=0)
    concurrency: int = Field(default=1, ge=1, le=16)
    max_wall_seconds: int = Field(default=600, ge=5)
    allow_private_redirects: bool = False
    tags: list[str] = Field(default_factory=list)
    options: dict[str, Any] = Field(default_factory=dict)
    proxy_isolation: bool = True
    wait_for: str | None = None
    page_timeout: float = Field(default=60.0, gt=0, le=600)
    max_response_bytes: int = Field(default=10 * 1024 * 1024, ge=64 * 1024)
    evidence: bool = False
    #: Hits on posts published longer ago than this many days are stored without alerts (a
    #: feed's years of history, a new forum section, a Telegram backfill); None: alert all.
    alert_max_age_days: float | None = Field(default=DEFAULT_ALERT_MAX_AGE_DAYS, gt=0)

    @field_validator("start_urls")
    @classmethod
    def _urls(cls, urls: list[str]) -> list[str]:
        for url in urls:
            if not re.match(r"^(https?|file)://", url):
                raise ValueError(f"not an http(s) URL: {url!r}")
        return urls

    @field_validator("proxy")
    @classmethod
    def _proxy(cls, value: str | None) -> str | None:
        if value is not None and not re.match(r"^(https?|socks5h?)://[^/]+/?$", value):
            raise ValueError("expected http://, https://, socks5:// or socks5h://host:port")
        return value

    @model_validator(mode="after")
    def _browser(self) -> SourceConfig:
        if self.wait_for is not None and not self.browser:
            raise ValueError("wait_for is a browser setting: it needs browser = true")
        return self


#: Upper bound of a channel's ``send_timeout_seconds``: a run of sends must end well within the
#: deliverer's 60 s lease on its messages (see ``alerts.delivery_policy``).
MAX_SEND_TIMEOUT_SECONDS = 40.0


#: The shortest webhook signing key accepted, in bytes (Standard Webhooks: 24 to 64).
MIN_SIGNING_KEY_BYTES = 24


class ChannelConfig(StrictModel):
    """An alert destination. ``url`` (webhook URL, Slack webhook, Apprise URL) is a secret."""

    name: str = Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")
    type: Literal["slack", "webhook", "apprise"]
    url: SecretStr | None = None
    token: SecretStr | None = None
    slack_channel: str | None = None
    signing_secret: SecretStr | None = None
    digest: Literal["off", "hourly", "daily"] = "off"
    rate_per_second: float | None = Field(default=None, gt=0)
    max_in_flight: int = Field(default=1, ge=1, le=32)
    #: Longest a send may take, answer included, however slowly the receiver answers.
    send_timeout_seconds: float = Field(default=20.0, gt=0, le=MAX_SEND_TIMEOUT_SECONDS)
    #: Longest ``Retry-After`` (429, 503) honoured; a longer one is capped, and logged.
    max_retry_after_seconds: float = Field(default=900.0, gt=0, le=86400)
    enabled: bool = True

    @property
    def send_rate(self) -> float | None:
        """Most sends per second: ``rate_per_second``, else 1 for Slack, else None (unpaced)."""
        if self.rate_per_second is not None:
            return self.rate_per_second
        return 1.0 if self.type == "slack" else None

    @field_validator("url", "token", "signing_secret", mode="before")
    @classmethod
    def _env_secret(cls, value: Any) -> Any:
        return resolve_env_reference(value)

    @field_validator("signing_secret")
    @classmethod
    def _signing_key(cls, value: SecretStr | None) -> SecretStr | None:
        # Standard Webhooks keys: "whsec_" + base64 of at least 24 random bytes. A plain string
        # or a one-byte key would sign every alert with a guessable key. Never echo the value.
        if value is None:
            return None
        secret = value.get_secret_value()
        try:
            key = base64.b64decode(secret.removeprefix("whsec_"), validate=True)
        except ValueError:
            key = b""
        if not secret.startswith("whsec_") or len(key) < MIN_SIGNING_KEY_BYTES:
            raise ValueError(
                "signing_secret must be 'whsec_' + base64 of at least "
                f'{MIN_SIGNING_KEY_BYTES} random bytes (e.g. python3 -c "import base64, '
                "secrets; print('whsec_' + base64.b64encode(secrets.token_bytes(32)).decode())\")"
            )
        return value

    @model_validator(mode="after")
    def _secrets(self) -> ChannelConfig:
        if self.type == "slack" and self.url is None and self.token is None:
            raise ValueError("a slack channel needs 'url' (incoming webhook) or 'token' (bot)")
        if self.type == "slack" and self.token is not None and not self.slack_channel:
            raise ValueError("a slack bot channel needs 'slack_channel'")
        if self.type in ("webhook", "apprise") and self.url is None:
            raise ValueError(f"a {self.type} channel needs 'url'")
        if self.type == "webhook" and self.signing_secret is None:
            raise ValueError("a webhook channel needs 'signing_secret' (whsec_… base64 key)")
        if self.type == "slack" and self.max_in_flight > 1:
            raise ValueError("a slack channel sends one message at a time: max_in_flight = 1")
        return self


Severity = Literal["low", "medium", "high", "critical"]


class RouteConfig(StrictModel):
    """Which hits go to which channel. Empty lists match everything.

    ``operations = true``: the route carries source-health changes only; ``possible_hits =
    true``: possible hits only (ambiguous names for review, always in a digest), matched on
    their candidates, ``min_severity`` not applying.
    """

    channel: str
    min_severity: Severity = "low"
    entity_kinds: list[str] = Field(default_factory=list)
    departments: list[str] = Field(default_factory=list)
    regions: list[str] = Field(default_factory=list)
    groups: list[str] = Field(default_factory=list)
    vendors: list[str] = Field(default_factory=list)
    tags: list[str] = Field(default_factory=list)
    source_kinds: list[str] = Field(default_factory=list)
    operations: bool = False
    possible_hits: bool = False

    @model_validator(mode="after")
    def _one_purpose(self) -> RouteConfig:
        if self.operations and self.possible_hits:
            raise ValueError("a route carries operations or possible_hits, not both")
        return self


class WebConfig(StrictModel):
    """Web UI and JSON API."""

    host: str = "127.0.0.1"
    port: int = Field(default=8080, ge=1, le=65535)
    secret_key: SecretStr | None = None
    session_max_age: int = Field(default=12 * 3600, ge=60)
    #: Addresses or networks of the reverse proxies whose X-Forwarded-For/-Proto are believed;
    #: from anyone else these headers are ignored (a client could claim any address or HTTPS).
    trusted_proxies: list[IPvAnyNetwork] = Field(default_factory=list)
    #: Failed logins (per username, and per client address) within ``login_window`` seconds
    #: that lock the username or the address out.
    login_max_failures: int = Field(default=5, ge=1, le=1000)
    login_window: int = Field(default=15 * 60, ge=1)
    #: The first lockout, in seconds; each further one doubles, up to ``login_lockout_max``.
    login_lockout: int = Field(default=15 * 60, ge=1)
    login_lockout_max: int = Field(default=24 * 3600, ge=1)
    #: The address analysts open leakwatch at (``https://leakwatch.cert.example``): alerts link
    #: to the hit's page under it. None: alerts carry no such link.
    base_url: str | None = None

    @field_validator("secret_key", mode="before")
    @classmethod
    def _env_secret(cls, value: Any) -> Any:
        return resolve_env_reference(value)

    @model_validator(mode="after")
    def _lockouts(self) -> WebConfig:
        if self.login_lockout_max < self.login_lockout:
            raise ValueError("login_lockout_max: must be at least login_lockout")
        return self

    @field_validator("base_url")
    @classmethod
    def _base_url(cls, value: str | None) -> str | None:
        if value is None:
            return None
        parts = urlsplit(value)
        if parts.scheme not in ("http", "https") or not parts.netloc or parts.query:
            raise ValueError("expected the http(s) address of the web UI, without a query")
        return value.rstrip("/")


class WatchlistEntry(StrictModel):
    """A custom watchlist entry declared by the CERT."""

    name: str
    kind: EntityKind = "other"
    aliases: list[str] = Field(default_factory=list)
    domains: list[str] = Field(default_factory=list)
    tags: list[str] = Field(default_factory=list)
    finess: str | None = Field(default=None, pattern=r"^[0-9AB]{9}$")
    department: str | None = None
    city: str | None = None


class WatchlistConfig(StrictModel):
    """Watchlist sources: the bundled default, extra YAML files and inline entries."""

    bundled: bool = True
    files: list[Path] = Field(default_factory=list)
    entries: list[WatchlistEntry] = Field(default_factory=list)
    exclusions: list[str] = Field(default_factory=list)


class RetentionConfig(StrictModel):
    """How long each kind of data is kept (docs/deployment.md, "Retention").

    Ages are in days. Page snapshots are pruned after each crawl and by the daemon's daily
    retention pass; the database kinds by that pass alone (:mod:`crawler.runtime.retention`).
    Findings (posts with hits or possible hits, their hits, triage and incidents) are kept
    for good unless ``finding_days`` is set.
    """

    snapshots_per_source: int = Field(default=10, ge=0, le=10_000)
    snapshot_days: int = Field(default=30, ge=1, le=3650)
    run_days: int = Field(default=90, ge=1, le=36_500)
    quiet_post_days: int = Field(default=180, ge=1, le=36_500)
    false_positive_evidence_days: int = Field(default=30, ge=1, le=36_500)
    outbox_days: int = Field(default=90, ge=1, le=36_500)
    finding_days: int | None = Field(default=None, ge=30, le=36_500)


class Settings(BaseSettings):
    """The whole configuration of one leakwatch installation."""

    model_config = SettingsConfigDict(
        env_prefix="LEAKWATCH_",
        env_nested_delimiter="__",
        extra="forbid",
        frozen=True,
    )

    database_url: str = Field(default_factory=lambda: default_database_url())
    data_dir: Path = Field(default_factory=lambda: Path(user_data_dir("leakwatch")))
    #: Where the matcher's built index is kept (default ``<data_dir>/cache``). Files are named
    #: by the watchlist's content and the code that built them, so installations may share it.
    cache_dir: Path | None = None
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    sources: list[SourceConfig] = Field(default_factory=list)
    channels: list[ChannelConfig] = Field(default_factory=list)
    routes: list[RouteConfig] = Field(default_factory=list)
    web: WebConfig = WebConfig()
    watchlist: WatchlistConfig = WatchlistConfig()
    retention: RetentionConfig = RetentionConfig()
    chromium_path: Path = Path("/usr/bin/chromium")
    #: The time zone the web UI and the CLI show times in, with its label ("09:50 CET");
    #: exports and the API keep ISO 8601 in UTC with its offset.
    display_timezone: str = "Europe/Paris"

    @property
    def matcher_cache_dir(self) -> Path:
        """The matcher index cache: ``cache_dir``, else ``<data_dir>/cache``."""
        return self.cache_dir if self.cache_dir is not None else self.data_dir / "cache"

    @field_validator("database_url")
    @classmethod
    def _database(cls, value: str) -> str:
        if not re.match(r"^(sqlite(\+pysqlite)?|postgresql(\+psycopg)?)://", value):
            raise ValueError("expected sqlite:///PATH or postgresql+psycopg://user@host/db")
        return value

    @field_validator("display_timezone")
    @classmethod
    def _zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown time zone {value!r} (an IANA name: Europe/Paris)") from None
        return value

    @property
    def display_zone(self) -> ZoneInfo:
        """The zone of ``display_timezone``."""
        return ZoneInfo(self.display_timezone)

    @model_validator(mode="after")
    def _references(self) -> Settings:
        names = [source.name for source in self.sources]
        duplicates = sorted({name for name in names if names.count(name) > 1})
        if duplicates:
            raise ValueError(f"duplicate source name(s): {', '.join(duplicates)}")
        channel_names = {channel.name for channel in self.channels}
        for route in self.routes:
            if route.channel not in channel_names:
                raise ValueError(f"route refers to unknown channel {route.channel!r}")
        return self

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        # Environment wins over the file, which is passed as init values.
        return (env_settings, init_settings)

    def source(self, name: str) -> SourceConfig:
        """The source called ``name``; raises ConfigError if there is none."""
        for source in self.sources:
            if source.name == name:
                return source
        known = ", ".join(s.name for s in self.sources) or "none configured"
        raise ConfigError(f"sources: no source named {name!r} (known: {known})")


def default_database_url() -> str:
    """``./leakwatch.db`` when it exists, otherwise a file in the user's data directory."""
    local = Path("leakwatch.db")
    if local.exists():
        return f"sqlite:///{local.resolve()}"
    return f"sqlite:///{Path(user_data_dir('leakwatch')) / 'leakwatch.db'}"


def config_path(explicit: Path | None, environ: Mapping[str, str] | None = None) -> Path | None:
    """The config file to read: ``--config``, else ``LEAKWATCH_CONFIG``, else ./leakwatch.toml."""
    env = os.environ if environ is None else environ
    if explicit is not None:
        return Path(explicit)
    if env.get("LEAKWATCH_CONFIG"):
        return Path(env["LEAKWATCH_CONFIG"])
    local = Path("leakwatch.toml")
    return local if local.exists() else None


def load_config(path: Path | None = None) -> Settings:
    """Read and validate the configuration; raise ConfigError naming the first bad key."""
    data: dict[str, Any] = {}
    resolved = config_path(path)
    if resolved is not None:
        try:
            data = tomllib.loads(resolved.read_text(encoding="utf-8"))
        except FileNotFoundError as exc:
            raise ConfigError(f"config file not found: {resolved}") from exc
        except (OSError, UnicodeDecodeError) as exc:
            raise ConfigError(f"cannot read config file {resolved}: {exc}") from exc
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(f"{resolved}: invalid TOML: {exc}") from exc
        for key in ("data_dir", "cache_dir"):
            if isinstance(data.get(key), str):
                data[key] = (resolved.parent / data[key]).resolve()
        _resolve_option_files(data, resolved.parent)
    try:
        return Settings(**data)
    except ValidationError as exc:
        raise ConfigError(describe_validation_error(exc, resolved)) from None


def _resolve_option_files(data: dict[str, Any], folder: Path) -> None:
    """Make relative ``*_file`` source options (``layout_file``, ``cookies_file``) relative to
    the config file's folder rather than to the working directory."""
    sources = data.get("sources")
    for source in sources if isinstance(sources, list) else []:
        options = source.get("options") if isinstance(source, dict) else None
        if not isinstance(options, dict):
            continue
        for key, value in options.items():
            if key.endswith("_file") and isinstance(value, str) and value:
                path = Path(value).expanduser()
                options[key] = str(path if path.is_absolute() else (folder / path).resolve())


def describe_validation_error(exc: ValidationError, path: Path | None) -> str:
    """One line naming the first bad key (``sources[0].schedule.every``) and what is wrong."""
    error = exc.errors()[0]
    key = key_path(error["loc"])
    origin = str(path) if path else "configuration"
    message = error["msg"].removeprefix("Value error, ")
    if error["type"] == "extra_forbidden":
        message = "unknown key"
    elif error["type"] == "missing":
        message = "required key is missing"
    extra = f" ({len(exc.errors()) - 1} more error(s))" if len(exc.errors()) > 1 else ""
    return f"{origin}: {key}: {message}{extra}"


def key_path(loc: tuple[int | str, ...]) -> str:
    """A validation error's location as the file writes it: ``sources[0].schedule.every``."""
    parts: list[str] = []
    for part in loc:
        if isinstance(part, int):
            parts[-1:] = [f"{parts[-1]}[{part}]"] if parts else [f"[{part}]"]
        else:
            parts.append(part)
    return ".".join(parts) or "<root>"
