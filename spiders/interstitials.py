"""Recognise pages that stand between the crawler and the content: anti-bot challenges, captchas,
login walls, "no permission" and ban notices (pure functions).

A forum answers such pages with any status (200, 403, 503), so the body decides. Markers are
lower-case substrings in English and French, taken from Cloudflare and DDoS-Guard interstitials
and from the MyBB, phpBB and XenForo language packs.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

#: Only the start of a page is searched: interstitials are small and say who they are early.
SCAN_LIMIT = 200_000

_CHALLENGES: tuple[tuple[str, str], ...] = (
    ("<title>just a moment...</title>", "Cloudflare challenge"),
    ("cf-browser-verification", "Cloudflare challenge"),
    ("cf_chl_opt", "Cloudflare challenge"),
    ("/cdn-cgi/challenge-platform/", "Cloudflare challenge"),
    ("challenges.cloudflare.com", "Cloudflare challenge"),
    ("attention required! | cloudflare", "Cloudflare block page"),
    ("sorry, you have been blocked", "Cloudflare block page"),
    ("ddos-guard", "DDoS-Guard interstitial"),
    ("__ddg", "DDoS-Guard interstitial"),
    ("sucuri website firewall", "Sucuri firewall"),
    ("_incapsula_resource", "Incapsula interstitial"),
    ("px-captcha", "PerimeterX captcha"),
    ("checking your browser before accessing", "browser check interstitial"),
    ("please wait while we verify your browser", "browser check interstitial"),
    ("vérification de votre navigateur", "browser check interstitial"),
    ("enable javascript and cookies to continue", "browser check interstitial"),
    ("g-recaptcha", "captcha"),
    ("h-captcha", "captcha"),
    ("hcaptcha.com", "captcha"),
    ("cf-turnstile", "captcha"),
    ('id="captcha', "captcha"),
    ('name="captcha', "captcha"),
)
_BANS = (
    "you have been banned",
    "you are banned",
    "you are currently banned",
    "account is currently banned",
    "banned from this board",
    "a ban has been issued",
    "vous avez été banni",
    "vous êtes banni",
    "votre compte a été banni",
    "compte est actuellement banni",
)
_LOGIN_WALLS = (
    "you are either not logged in or do not have permission",
    "you are not logged in or registered",
    "you must be logged-in to do that",
    "you must be logged in",
    "you need to be logged in",
    "requires you to be registered and logged in",
    "you do not have permission to view this page",
    "you do not have permission to access this page",
    "you are not authorised to read this forum",
    "you are not authorized to read this forum",
    "you are not authorised to access this area",
    "please log in",
    "please login",
    "log in to continue",
    "login required",
    "registered members only",
    "vous devez être connecté",
    "vous devez vous connecter",
    "vous devez être enregistré",
    "vous n'avez pas la permission",
    "vous n’avez pas la permission",
    "vous n'êtes pas autorisé",
    "vous n’êtes pas autorisé",
    "nécessite que vous soyez inscrit et connecté",
    "veuillez vous connecter",
    "connectez-vous pour",
)
_PASSWORD_INPUT = re.compile(r"<input[^>]+type\s*=\s*[\"']?password", re.IGNORECASE)


@dataclass(frozen=True)
class BlockedPage:
    """Why a page is not the content: ``challenge`` or ``auth_required``, and a short detail."""

    status: Literal["challenge", "auth_required"]
    detail: str


def challenge_of(status: int, headers: Mapping[str, str], body: str) -> BlockedPage | None:
    """The anti-bot challenge or captcha a page is, or None.

    ``headers`` maps lower-case header names to values.
    """
    if headers.get("cf-mitigated", "").lower() == "challenge":
        return BlockedPage("challenge", f"Cloudflare challenge (HTTP {status})")
    text = body[:SCAN_LIMIT].lower()
    server = headers.get("server", "").lower()
    if server == "ddos-guard" and status in (403, 503):
        return BlockedPage("challenge", f"DDoS-Guard interstitial (HTTP {status})")
    for marker, what in _CHALLENGES:
        if marker in text:
            return BlockedPage("challenge", f"{what} (HTTP {status})")
    return None


def login_wall_of(status: int, body: str) -> BlockedPage | None:
    """The ban notice, login wall or "no permission" page a page is, or None."""
    text = body[:SCAN_LIMIT].lower()
    for marker in _BANS:
        if marker in text:
            return BlockedPage("auth_required", f"banned: page says {marker!r} (HTTP {status})")
    for marker in _LOGIN_WALLS:
        if marker in text:
            return BlockedPage("auth_required", f"login wall: page says {marker!r} (HTTP {status})")
    if status == 401:
        return BlockedPage("auth_required", "HTTP 401 Unauthorized")
    if _PASSWORD_INPUT.search(body[:SCAN_LIMIT]):
        return BlockedPage("auth_required", f"login form instead of content (HTTP {status})")
    return None


def blocked_page_of(status: int, headers: Mapping[str, str], body: str) -> BlockedPage | None:
    """What stands in the way on a page that lacks the expected content, or None.

    Challenges are checked first: an interstitial often says "please wait" or asks to log in.
    """
    return challenge_of(status, headers, body) or login_wall_of(status, body)
