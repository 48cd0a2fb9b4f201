"""schemathesis against the API's own OpenAPI document: no 500, responses match the schema.

Runs on one seeded SQLite database served once for the module (the API only reads); a few
examples per operation keep it to seconds.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance

from db.migrate import upgrade
from tests.crawler.web.conftest import LiveServer, add_accounts, make_settings, serve_app
from tests.seed import seed


@pytest.fixture(scope="module")
def api_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """The seeded app on SQLite, shared by every generated case of this module."""
    url = f"sqlite:///{tmp_path_factory.mktemp('api') / 'leakwatch.db'}"
    upgrade(url)
    seeded = seed(url)
    token = add_accounts(url)
    with serve_app(make_settings(url)) as base_url:
        # The first entity lookup builds the watchlist's folded index (seconds, once per
        # process): done here, so that no generated case waits for it.
        warm = httpx.get(
            f"{base_url}/api/entities",
            params={"q": "foch"},
            headers={"Authorization": f"Bearer {token}"},
            timeout=120,
        )
        assert warm.status_code == 200
        yield LiveServer(base_url, seeded, token, url)


@pytest.fixture(scope="module")
def api_schema(api_server: LiveServer) -> Any:
    """The OpenAPI document as served (behind the token, like the API)."""
    headers = {"Authorization": f"Bearer {api_server.token}"}
    return schemathesis.openapi.from_url(f"{api_server.base_url}/api/openapi.json", headers=headers)


# schemathesis' pytest plugin (lazy schemas) does not run under pytest 9: drive hypothesis here.
def test_api_conforms_to_its_schema(api_schema: Any, api_server: LiveServer) -> None:
    headers = {"Authorization": f"Bearer {api_server.token}"}
    labels = []
    for result in api_schema.get_all_operations():
        operation = result.ok()
        labels.append(operation.label)

        @given(case=operation.as_strategy())
        @settings(
            max_examples=15,
            deadline=None,
            suppress_health_check=list(HealthCheck),
            database=None,
            phases=[Phase.explicit, Phase.generate],
        )
        def check(case: Any) -> None:
            # A random string is schema-valid as a cursor but is not a cursor this API issued:
            # it is rightly refused (400), so only that check is left out for such cases.
            cursor_given = bool(case.query and case.query.get("cursor"))
            # Likewise an exclusion asked with a status other than false_positive (documented
            # 400: the form's rule, which the schema cannot express).
            body = case.body if isinstance(case.body, dict) else {}
            odd_triage = bool(body.get("exclude")) and body.get("status") != "false_positive"
            excluded = [positive_data_acceptance] if cursor_given or odd_triage else []
            case.call_and_validate(headers=headers, excluded_checks=excluded)

        check()
    assert len(labels) >= 8


def test_openapi_document_lists_the_api(api_schema: Any) -> None:
    paths = set(api_schema.raw_schema["paths"])
    assert {
        "/api/hits", "/api/entities", "/api/entities/{entity_id}", "/api/incidents", "/api/sources"
    } <= paths  # fmt: skip
    # The document describes the API only, never the HTML pages.
    assert all(path.startswith("/api/") for path in paths)


def test_api_choices_match_the_queries() -> None:
    from typing import get_args

    from crawler.core.records import ENTITY_KINDS
    from crawler.core.triage import INCIDENT_STATUSES, TRIAGE_STATUSES
    from crawler.reports.filters import SOURCE_KINDS
    from crawler.web.api import HitQuery, IncidentQuery
    from db.hits import SEVERITIES

    def choices(model: Any, name: str) -> tuple[str, ...]:
        return get_args(get_args(model.model_fields[name].annotation)[0])

    assert choices(HitQuery, "kind") == ENTITY_KINDS
    assert choices(HitQuery, "source_kind") == SOURCE_KINDS
    assert choices(HitQuery, "status") == TRIAGE_STATUSES
    assert choices(HitQuery, "severity") == SEVERITIES
    assert choices(IncidentQuery, "status") == INCIDENT_STATUSES
