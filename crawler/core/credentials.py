"""A source's session secrets, read once at the entry point: login credentials and cookies.

Source options name where secrets live; the values never sit in the config file unless the
operator writes them there, and they are never logged (``repr`` shows only what is present):

* ``username_env`` / ``password_env``: environment variables holding the login.
* ``cookies``: a table ``{name = "value"}``, a ``"name=value; name2=value2"`` header string, or
  ``"env:NAME"`` for such a string (or a JSON export) in an environment variable.
* ``cookies_env``: environment variable holding a header string or a JSON cookie export.
* ``cookies_file``: a browser export, Netscape ``cookies.txt`` or JSON (Cookie-Editor,
  EditThisCookie: a list of ``{"name", "value", …}``), relative to the working directory.

:func:`read_credentials` raises :class:`ConfigError` naming the missing variable or file.
The crawl runner puts the result in the Scrapy setting :data:`CREDENTIALS_KEY`.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import SecretStr

from crawler.core.config import SourceConfig
from crawler.core.errors import ConfigError

CREDENTIALS_KEY = "LEAKWATCH_SOURCE_CREDENTIALS"


@dataclass(frozen=True)
class SourceCredentials:
    """Login and cookies for one source; empty when the source needs neither."""

    username: SecretStr | None = None
    password: SecretStr | None = None
    cookies: dict[str, str] = field(default_factory=dict)

    @property
    def can_log_in(self) -> bool:
        """True when both a username and a password are known."""
        return self.username is not None and self.password is not None

    def __repr__(self) -> str:
        login = "yes" if self.can_log_in else "no"
        return f"SourceCredentials(login={login}, cookies={len(self.cookies)})"

    __str__ = __repr__


def read_credentials(source: SourceConfig, environ: Mapping[str, str]) -> SourceCredentials:
    """The session secrets ``source.options`` points to, from ``environ`` and files."""
    options = source.options
    where = f"sources[{source.name}].options"
    username = _secret_from_env(options, "username_env", environ, where)
    password = _secret_from_env(options, "password_env", environ, where)
    if (username is None) != (password is None):
        raise ConfigError(f"{where}: give both username_env and password_env, or neither")
    cookies: dict[str, str] = {}
    if "cookies" in options:
        cookies.update(_cookies_option(options["cookies"], environ, where))
    if "cookies_env" in options:
        cookies.update(parse_cookies(_env(environ, options["cookies_env"], where)))
    if "cookies_file" in options:
        cookies.update(read_cookie_file(Path(str(options["cookies_file"])), where))
    return SourceCredentials(username, password, cookies)


def parse_cookies(text: str) -> dict[str, str]:
    """Cookies from a ``Cookie`` header string or a JSON export (object or list of objects)."""
    stripped = text.strip()
    if stripped.startswith(("[", "{")):
        return _cookies_from_json(json.loads(stripped))
    cookies = {}
    for part in stripped.split(";"):
        name, separator, value = part.strip().partition("=")
        if separator and name:
            cookies[name.strip()] = value.strip()
    return cookies


def read_cookie_file(path: Path, where: str = "cookies_file") -> dict[str, str]:
    """Cookies of a browser export: Netscape ``cookies.txt`` (tab-separated) or JSON."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"{where}.cookies_file: cannot read {path}: {exc.strerror}") from None
    if text.lstrip().startswith(("[", "{")):
        try:
            return _cookies_from_json(json.loads(text))
        except (json.JSONDecodeError, ValueError) as exc:
            message = f"{where}.cookies_file: {path} is not a cookie export: {exc}"
            raise ConfigError(message) from None
    cookies = {}
    for line in text.splitlines():
        if line.startswith("#HttpOnly_"):
            line = line.removeprefix("#HttpOnly_")
        if not line.strip() or line.startswith("#"):
            continue
        fields = line.split("\t")
        if len(fields) >= 7:
            cookies[fields[5]] = fields[6].strip()
    return cookies


def _cookies_from_json(data: Any) -> dict[str, str]:
    if isinstance(data, dict):
        return {str(name): str(value) for name, value in data.items()}
    if isinstance(data, list):
        return {
            str(entry["name"]): str(entry["value"])
            for entry in data
            if isinstance(entry, dict) and "name" in entry and "value" in entry
        }
    raise ValueError("expected an object or a list of cookies")


def _cookies_option(value: Any, environ: Mapping[str, str], where: str) -> dict[str, str]:
    if isinstance(value, Mapping):
        return {str(name): str(item) for name, item in value.items()}
    if isinstance(value, str):
        text = value
        if value.startswith("env:"):
            text = _env(environ, value.removeprefix("env:"), where)
        try:
            return parse_cookies(text)
        except (json.JSONDecodeError, ValueError) as exc:
            raise ConfigError(f"{where}.cookies: not a cookie header or export: {exc}") from None
    raise ConfigError(f"{where}.cookies: expected a table, a header string or 'env:NAME'")


def _secret_from_env(
    options: Mapping[str, Any], key: str, environ: Mapping[str, str], where: str
) -> SecretStr | None:
    if key not in options:
        return None
    return SecretStr(_env(environ, str(options[key]), f"{where}.{key}"))


def _env(environ: Mapping[str, str], name: str, where: str) -> str:
    value = environ.get(name)
    if not value:
        raise ConfigError(f"{where}: environment variable {name} is not set")
    return value
