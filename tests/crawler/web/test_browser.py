"""The UI in a real browser (Debian's Chromium through Playwright), on both database engines.

An analyst logs in, searches "Thiais", opens the entity, triages a hit and exports CSV; a
journalist cannot triage; hostile post content never runs. Screenshots are saved under
``artifacts/screenshots/`` (gitignored) for people to look at.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.crawler.web.conftest import PASSWORD, LiveServer
from tests.seed import HOSTILE_AUTHOR, HOSTILE_URL, seed_more_hits

SCREENSHOTS = Path(__file__).parents[3] / "artifacts" / "screenshots"

pytestmark = pytest.mark.browser


@pytest.fixture
def page(browser: Any, live_server: LiveServer) -> Iterator[Any]:
    """A fresh browser context (no cookies) on the live app; fails the test on any dialog."""
    viewport = {"width": 1280, "height": 900}
    context = browser.new_context(
        base_url=live_server.base_url, accept_downloads=True, viewport=viewport
    )
    tab = context.new_page()
    dialogs: list[str] = []

    def on_dialog(dialog: Any) -> None:
        dialogs.append(dialog.message)
        dialog.dismiss()

    tab.on("dialog", on_dialog)
    yield tab
    context.close()
    assert dialogs == [], f"a script ran in the page: {dialogs}"


def log_in(page: Any, username: str) -> None:
    page.goto("/hits")
    assert "/login" in page.url
    page.fill("#username", username)
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/hits")


def shoot(page: Any, engine: str, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{engine}-{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def engine_of(live_server: LiveServer) -> str:
    return "postgresql" if live_server.database_url.startswith("postgresql") else "sqlite"


def test_analyst_searches_opens_entity_triages_and_exports(
    page: Any, live_server: LiveServer
) -> None:
    engine = engine_of(live_server)
    log_in(page, "ana")
    page.fill("#q", "Thiais")
    page.click(".search button")
    page.wait_for_url("**/hits?q=Thiais*")
    rows = page.locator("table.list tbody tr")
    assert rows.count() == 3
    assert page.locator("a[href^='javascript']").count() == 0
    assert HOSTILE_URL not in page.content().split("<body", 1)[1].split("href=")[0]
    shoot(page, engine, "1-search-thiais")

    page.get_by_role("link", name="Hôpital privé de Thiais").first.click()
    page.wait_for_url(f"**/entities/{live_server.seeded.thiais}")
    assert page.locator("h1").inner_text() == "Hôpital privé de Thiais"
    assert "2024-11-19 09:50 CET" in page.locator("dl.facts").inner_text()  # 08:50 UTC
    assert page.locator("ol.timeline > li").count() == 3
    shoot(page, engine, "2-entity-timeline")

    first_hit = live_server.seeded.thiais_hits[0]
    page.click(f"a[href='/hits/{first_hit}']")
    page.check("input[name=status][value=confirmed]")
    page.fill("#note", "Seller known from the 2023 sale; CERT informed.")
    page.click("form.triage button[type=submit]")
    page.wait_for_url(f"**/hits/{first_hit}?saved=1")
    assert page.locator(".notice").inner_text() == "Triage saved."
    assert "confirmed" in page.locator(".status").first.inner_text()
    shoot(page, engine, "3-triage-confirmed")

    page.goto("/hits?q=Thiais")
    with page.expect_download() as download_info:
        page.get_by_role("link", name="CSV", exact=True).click()
    download = download_info.value
    assert download.suggested_filename == "hits.csv"
    text = Path(download.path()).read_text(encoding="utf-8")
    rows_csv = list(csv.DictReader(io.StringIO(text)))
    assert len(rows_csv) == 3
    assert {row["author"] for row in rows_csv} >= {"'" + HOSTILE_AUTHOR}
    assert {row["triage_status"] for row in rows_csv} == {"confirmed", "new"}


def test_journalist_cannot_triage(page: Any, live_server: LiveServer) -> None:
    engine = engine_of(live_server)
    log_in(page, "jo")
    hit = live_server.seeded.thiais_hits[0]
    page.goto(f"/hits/{hit}")
    assert page.locator("form.triage").count() == 0
    assert "Read-only account" in page.content()
    token = page.locator("input[name=csrf_token]").first.get_attribute("value")
    response = page.request.post(
        f"/hits/{hit}/triage", form={"csrf_token": token, "status": "handled"}
    )
    assert response.status == 403
    page.goto(f"/hits/{hit}")
    assert "new" in page.locator(".status").first.inner_text()
    shoot(page, engine, "4-journalist-read-only")


def test_hostile_post_is_shown_inert(page: Any, live_server: LiveServer) -> None:
    log_in(page, "jo")
    page.goto(f"/hits/{live_server.seeded.hostile_hit}")
    title = page.locator("h1").inner_text()
    assert title.startswith('<script>alert("xss")</script><img src=x onerror=')
    assert page.locator("img").count() == 0
    assert page.locator("a[href^='javascript']").count() == 0
    assert page.locator(".inert").first.inner_text() == HOSTILE_URL
    shoot(page, engine_of(live_server), "5-hostile-post")


def test_an_unbroken_long_title_does_not_widen_the_pages(
    page: Any, live_server: LiveServer
) -> None:
    seed_more_hits(live_server.database_url, 1, "HP_Thiais_" + "x" * 980 + "{n}")
    log_in(page, "jo")
    for path in ("/hits", "/hits?q=Thiais", f"/entities/{live_server.seeded.thiais}"):
        page.goto(path)
        assert page.locator("text=HP_Thiais_xxx").count() >= 1, path
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 1280, f"{path} is {width} px wide"
    shoot(page, engine_of(live_server), "6-long-title")
