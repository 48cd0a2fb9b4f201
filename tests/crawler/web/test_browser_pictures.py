"""The pictures and the two languages in a real browser (Debian's Chromium through Playwright).

Each page is checked for its elements and for the absence of any console error (a Content
Security Policy violation by an inline SVG would be one). Element screenshots are saved under
``artifacts/screenshots/`` (gitignored); the ones in ``docs/images/`` were taken this way.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.crawler.web.conftest import LiveServer
from tests.crawler.web.test_browser import SCREENSHOTS, engine_of, log_in

pytestmark = pytest.mark.browser


def _tab(browser: Any, live_server: LiveServer, locale: str) -> Iterator[Any]:
    context = browser.new_context(
        base_url=live_server.base_url, locale=locale, viewport={"width": 1100, "height": 800}
    )
    tab = context.new_page()
    problems: list[str] = []
    tab.on("console", lambda message: message.type == "error" and problems.append(message.text))
    tab.on("pageerror", lambda error: problems.append(str(error)))
    tab.on("dialog", lambda dialog: (problems.append(dialog.message), dialog.dismiss()))
    yield tab
    context.close()
    assert problems == [], f"console errors or dialogs: {problems}"


@pytest.fixture
def english(browser: Any, live_server: LiveServer) -> Iterator[Any]:
    """A tab whose browser asks for English (en-GB)."""
    yield from _tab(browser, live_server, "en-GB")


@pytest.fixture
def french(browser: Any, live_server: LiveServer) -> Iterator[Any]:
    """A tab whose browser asks for French (fr-FR)."""
    yield from _tab(browser, live_server, "fr-FR")


def shoot(element: Any, live_server: LiveServer, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    element.screenshot(path=str(SCREENSHOTS / f"{engine_of(live_server)}-{name}.png"))


def test_charts_group_page_and_map_in_english(english: Any, live_server: LiveServer) -> None:
    page = english
    log_in(page, "jo")
    assert page.locator("html").get_attribute("lang") == "en"
    chart = page.locator("figure[data-chart=hits-weekly]")
    assert chart.locator("svg rect.bar").count() >= 2
    assert chart.locator("svg rect.sev-critical").count() >= 1
    assert "7 hit(s) per week by severity" in chart.locator("figcaption").inner_text()
    shoot(chart, live_server, "chart-hits-weekly")

    page.get_by_role("link", name="lockbit").first.click()
    page.wait_for_url("**/actors/group?name=lockbit")
    assert page.locator("h1").inner_text().startswith("lockbit")
    assert page.locator("table.named tbody tr").count() == 1
    assert page.locator("figure[data-chart=actor-weekly] svg rect.bar").count() == 1

    page.goto("/actors?year=2024&kind=establishment")
    sellers = page.locator("table.actors[data-kind=seller]")
    assert sellers.locator("tbody tr").count() == 3
    sellers.get_by_role("link", name="darkseller").click()
    page.wait_for_url("**/actors/seller?*name=darkseller*")
    assert "Hôpital privé de Thiais" in page.locator("table.named").inner_text()
    shoot(page.locator("main"), live_server, "group-page")

    page.goto("/map")
    tiles = page.locator("figure.map svg a.tile")
    assert tiles.count() == 101
    assert page.locator("a.tile[data-department='94'] rect.shade-1").count() == 1
    regions = page.locator("table.regions-table tbody tr")
    assert regions.filter(has_text="Île-de-France").inner_text().endswith("1")
    shoot(page.locator("figure.map"), live_server, "map")
    page.locator("a.tile[data-department='94']").click()
    page.wait_for_url("**/hits?kind=establishment&department=94")
    assert page.locator("table.list tbody tr").count() == 3

    page.goto("/sources")
    page.get_by_role("link", name="breachforum").click()
    runs = page.locator("figure[data-chart=source-runs]")
    assert runs.locator("svg rect.run-ok").count() == 1
    assert runs.locator("svg rect.health-ok").count() == 1


def test_french_pages_and_the_language_switch(french: Any, live_server: LiveServer) -> None:
    page = french
    log_in(page, "ana")
    assert page.locator("html").get_attribute("lang") == "fr"
    assert page.locator("h1").inner_text() == "Détections"
    assert page.get_by_role("link", name="Groupes et vendeurs").count() == 1
    first_row = page.locator("table.list tbody tr").first.inner_text()
    assert "/2024" in first_row and "2024-" not in first_row  # 25/11/2024, not 2024-11-25
    chart = page.locator("figure[data-chart=hits-weekly]")
    assert "par semaine et par gravité" in chart.locator("figcaption").inner_text()
    assert chart.locator("svg text.axis").filter(has_text="nov. 2024").count() == 1
    page.screenshot(
        path=str(SCREENSHOTS / f"{engine_of(live_server)}-hits-fr.png"),
        clip={"x": 0, "y": 0, "width": 1000, "height": 560},
    )

    page.goto(f"/entities/{live_server.seeded.thiais}")
    assert "Vu la première fois" in page.locator("dl.facts").inner_text()
    assert "19/11/2024 09:50 CET" in page.locator("dl.facts").inner_text()  # Europe/Paris
    assert page.locator("figure[data-chart=entity-weekly] svg rect.bar").count() >= 1

    page.goto("/map")
    assert page.locator("h1").inner_text() == "Carte de France"

    page.locator("form.language button[value=en]").click()
    page.wait_for_url("**/map")
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator("h1").inner_text() == "Map of France"
    page.goto("/hits")  # the browser still asks for French; the user's choice wins
    assert page.locator("h1").inner_text() == "Hits"
