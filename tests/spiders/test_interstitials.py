"""Challenge, captcha, ban and login-wall pages are told apart from content."""

from __future__ import annotations

from pathlib import Path

import pytest

from spiders.interstitials import blocked_page_of, challenge_of, login_wall_of

FIXTURES = Path(__file__).parents[1] / "fixtures" / "forums"


def page(name: str) -> str:
    return (FIXTURES / name).read_text(encoding="utf-8")


def test_cloudflare_by_header_and_by_body() -> None:
    found = challenge_of(403, {"cf-mitigated": "challenge"}, "")
    assert found is not None and found.status == "challenge" and "Cloudflare" in found.detail
    found = challenge_of(503, {}, page("cloudflare_challenge.html"))
    assert found is not None and "HTTP 503" in found.detail


def test_ddos_guard_by_server_and_by_body() -> None:
    assert challenge_of(403, {"server": "ddos-guard"}, "<html></html>") is not None
    found = blocked_page_of(200, {}, page("ddos_guard_check.html"))
    assert found is not None and found.status == "challenge" and "DDoS-Guard" in found.detail


@pytest.mark.parametrize(
    ("name", "status", "marker"),
    [
        ("phpbb33_login_required.html", 200, "login wall"),
        ("xenforo_banned.html", 403, "banned"),
    ],
)
def test_login_walls_and_bans(name: str, status: int, marker: str) -> None:
    found = blocked_page_of(status, {}, page(name))
    assert found is not None and found.status == "auth_required" and marker in found.detail


@pytest.mark.parametrize(
    "text",
    [
        "You are either not logged in or do not have permission to view this page.",
        "I'm sorry, but you are banned.  You may not post, read threads",
        "Vous devez être connecté pour accéder à cette section.",
        "Vous n'avez pas la permission d'accéder à cette page.",
        '<form><input type="password" name="pw"></form>',
    ],
)
def test_login_wall_phrases(text: str) -> None:
    found = login_wall_of(200, f"<html><body>{text}</body></html>")
    assert found is not None and found.status == "auth_required"


def test_captcha_is_a_challenge() -> None:
    found = challenge_of(200, {}, '<form><div class="g-recaptcha" data-sitekey="x"></div></form>')
    assert found is not None and "captcha" in found.detail


def test_ordinary_pages_are_not_blocked() -> None:
    assert (
        blocked_page_of(200, {"server": "nginx"}, "<html><body>Forum index</body></html>") is None
    )
    assert blocked_page_of(503, {"server": "ddos-guard"}, "") is not None
    assert blocked_page_of(401, {}, "") is not None
