"""French and English: the catalogue is complete in both, the language is chosen as documented,
French pages write French dates, and a user's choice sticks."""

from __future__ import annotations

import re
import string
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import httpx
import pytest

from crawler.core.display_time import shown_time
from crawler.core.triage import TRIAGE_STATUSES
from crawler.reports.filters import HIT_SEVERITIES
from crawler.web.catalogue import EN, FR, MESSAGES
from crawler.web.i18n import choose_language, localised_when, month_label, translate
from crawler.web.rendering import TEMPLATES, template_environment
from db.actors import ACTOR_KINDS
from tests.crawler.web.conftest import LiveServer, csrf_token

KEY = re.compile(r"""_\(\s*'([a-z_.]+)'""")
#: Keys templates build from a prefix and a value (``_('status.' ~ value)``).
BUILT = [
    *(f"severity.{value}" for value in HIT_SEVERITIES),
    *(f"status.{value}" for value in TRIAGE_STATUSES),
    *(f"actor.kind.{kind}" for kind in ACTOR_KINDS),
    "role.analyst",
    "role.journalist",
]


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_both_languages_have_every_key_with_the_same_fields() -> None:
    assert set(EN) == set(FR)
    for key in EN:
        assert EN[key].strip() and FR[key].strip(), key
        assert _fields(EN[key]) == _fields(FR[key]), key


def test_every_key_the_templates_use_is_in_the_catalogue() -> None:
    used = set(BUILT)
    for template in Path(TEMPLATES).glob("*.html"):
        keys = set(KEY.findall(template.read_text(encoding="utf-8")))
        keys = {key for key in keys if not key.endswith(".")}  # prefixes of built keys
        used |= keys
    missing = sorted(key for key in used if key not in EN)
    assert missing == []


@pytest.mark.parametrize(
    ("chosen", "header", "language"),
    [
        (None, "fr-FR,fr;q=0.9,en-US;q=0.8,en;q=0.7", "fr"),
        (None, "en-US,en;q=0.9,fr;q=0.8", "en"),
        (None, "de-DE,de;q=0.9,fr;q=0.5", "fr"),
        (None, "en;q=0.2, fr;q=0.8", "fr"),
        (None, "fr;q=0, en;q=0.1", "en"),
        (None, "de", "en"),
        (None, None, "en"),
        (None, ";;;,q=x,fr;q=abc", "en"),
        ("en", "fr-FR,fr", "en"),
        ("fr", "en", "fr"),
        ("xx", "fr", "fr"),
    ],
)
def test_language_choice(chosen: str | None, header: str | None, language: str) -> None:
    assert choose_language(chosen, header) == language


def test_translate_fills_fields_and_refuses_unknown_keys() -> None:
    assert translate("fr", "hit.title", id=7) == "Détection 7"
    assert translate("xx", "hit.title", id=7) == "Hit 7"
    with pytest.raises(KeyError):
        translate("en", "no.such.key")


def test_french_dates() -> None:
    environment = template_environment()  # times shown in UTC, labelled
    template = environment.from_string("{{ at|when }}")
    at = datetime(2024, 11, 19, 8, 50, tzinfo=UTC)
    assert template.render(at=at, lang="en") == shown_time(at) == "2024-11-19 08:50 UTC"
    assert template.render(at=at, lang="fr") == "19/11/2024 08:50 UTC"
    paris = template_environment(ZoneInfo("Europe/Paris")).from_string("{{ at|when }}")
    assert paris.render(at=at, lang="fr") == "19/11/2024 09:50 CET"
    assert template.render(at=None, lang="fr") == ""
    environment.filters["when"] = localised_when(lambda _: "2024-11-19 09:50 CET")
    labelled = environment.from_string("{{ at|when }}").render(at=at, lang="fr")
    assert labelled == "19/11/2024 09:50 CET"  # what follows the date (a zone) is kept
    assert month_label(at.date(), "fr") == "nov. 2024"
    assert month_label(at.date(), "en") == "Nov 2024"


def test_pages_follow_the_browser_then_the_users_choice(
    live_server: LiveServer, journalist_client: httpx.Client
) -> None:
    client = journalist_client
    french = client.get("/hits", headers={"Accept-Language": "fr-FR,fr;q=0.9"})
    assert '<html lang="fr">' in french.text
    assert "<h1>Détections</h1>" in french.text and "Se déconnecter" in french.text
    assert "19/11/2024" in french.text and "2024-11-19" not in french.text
    english = client.get("/hits", headers={"Accept-Language": "en-GB,en"})
    assert '<html lang="en">' in english.text and "<h1>Hits</h1>" in english.text

    token = csrf_token(french.text)
    chosen = client.post(
        "/preferences/language",
        data={"csrf_token": token, "language": "en", "next": "/entities/1"},
    )
    assert chosen.status_code == 303 and chosen.headers["location"] == "/entities/1"
    again = client.get("/hits", headers={"Accept-Language": "fr-FR,fr;q=0.9"})
    assert '<html lang="en">' in again.text  # the user's choice wins over the browser

    back = client.post(
        "/preferences/language",
        data={"csrf_token": token, "language": "", "next": "//evil.example/"},
    )
    assert back.headers["location"] == "/hits"  # only local paths are followed
    follows = client.get("/hits", headers={"Accept-Language": "fr"})
    assert '<html lang="fr">' in follows.text

    bad = client.post("/preferences/language", data={"csrf_token": token, "language": "de"})
    assert bad.status_code == 400 and "language: expected one of en, fr" in bad.text
    forged = client.post("/preferences/language", data={"language": "fr"})
    assert forged.status_code == 403
    with httpx.Client(base_url=live_server.base_url) as anonymous:
        login_page = anonymous.get("/login", headers={"Accept-Language": "fr-FR"})
        assert "<h1>Se connecter</h1>" in login_page.text and "Mot de passe" in login_page.text
        possible = client.get("/possible-hits", headers={"Accept-Language": "fr"})
        assert "<h1>Détections possibles" in possible.text and "Candidats" in possible.text
        missing = client.get("/incidents/99999", headers={"Accept-Language": "fr"})
        assert missing.status_code == 404 and "<h1>Introuvable</h1>" in missing.text
        response = anonymous.post("/preferences/language", data={"language": "fr"})
        assert response.status_code == 303 and response.headers["location"].startswith("/login")


def test_messages_cover_both_languages() -> None:
    assert set(MESSAGES) == {"en", "fr"}
