"""Routing rules: every criterion, AND within a route, OR across routes, no route no alert."""

from __future__ import annotations

import pytest

from alerts.routing import (
    AlertFacts,
    channels_for,
    facts_of,
    normalise_department,
    operations_channels,
    region_of_department,
    route_matches,
)
from crawler.core.config import RouteConfig
from db.models import Entity
from tests.alerts.support import settings_for, webhook_channel

GROUP = Entity(
    key="group:ramsay-sante", kind="group", name="Ramsay Santé", aliases=["GDS"], tags=[]
)
CLINIC = Entity(
    key="finess:940000573",
    kind="establishment",
    name="Hôpital privé de Thiais",
    department="94",
    region=None,
    tags=["vendor:Softway Medical"],
    aliases=[],
    parent=GROUP,
)


def _facts(**changes: object) -> AlertFacts:
    facts = facts_of("critical", CLINIC, "forum", ["darkweb"])
    return AlertFacts(**{**facts.__dict__, **changes})  # type: ignore[arg-type]


def test_facts_follow_parents_tags_and_the_department_region() -> None:
    facts = facts_of("high", CLINIC, "telegram", ["Darkweb"])
    assert facts.region == "ile-de-france"
    assert {"ramsay-sante", "gds"} <= facts.groups
    assert "softway-medical" in facts.vendors
    assert "darkweb" in facts.tags
    assert facts.department == "94" and facts.source_kind == "telegram"


@pytest.mark.parametrize(
    ("route", "matches"),
    [
        ({}, True),
        ({"min_severity": "critical"}, True),
        ({"entity_kinds": ["group"]}, False),
        ({"entity_kinds": ["establishment", "group"]}, True),
        ({"departments": ["75"]}, False),
        ({"departments": ["94"]}, True),
        ({"regions": ["Ile de France"]}, True),
        ({"regions": ["Hauts-de-France"]}, False),
        ({"groups": ["ramsay santé"]}, True),
        ({"groups": ["Elsan"]}, False),
        ({"vendors": ["Softway Medical"]}, True),
        ({"tags": ["DARKWEB"]}, True),
        ({"tags": ["press"]}, False),
        ({"source_kinds": ["forum"]}, True),
        ({"source_kinds": ["paste"]}, False),
        ({"regions": ["Île-de-France"], "source_kinds": ["paste"]}, False),
        ({"operations": True}, False),
    ],
)
def test_route_criteria(route: dict[str, object], matches: bool) -> None:
    assert route_matches(RouteConfig(channel="c", **route), _facts()) is matches  # type: ignore[arg-type]


def test_min_severity_orders_levels() -> None:
    route = RouteConfig(channel="c", min_severity="high")
    assert route_matches(route, _facts(severity="high"))
    assert route_matches(route, _facts(severity="critical"))
    assert not route_matches(route, _facts(severity="medium"))


def test_department_codes_are_normalised() -> None:
    assert normalise_department("1") == "01"
    assert normalise_department("2a") == "2A"
    assert normalise_department("9A") == "971"
    assert region_of_department("9D") == "La Réunion"
    assert region_of_department("2B") == "Corse"
    assert region_of_department("99") is None


def test_channels_without_a_route_or_disabled_get_nothing() -> None:
    settings = settings_for(
        "sqlite://",
        [
            webhook_channel("idf", "http://127.0.0.1:9/a"),
            webhook_channel("all", "http://127.0.0.1:9/b"),
            webhook_channel("unrouted", "http://127.0.0.1:9/c"),
            webhook_channel("off", "http://127.0.0.1:9/d", enabled=False),
            webhook_channel("ops", "http://127.0.0.1:9/e"),
        ],
        [
            {"channel": "idf", "regions": ["Île-de-France"], "min_severity": "high"},
            {"channel": "idf", "tags": ["vip"]},
            {"channel": "all"},
            {"channel": "off"},
            {"channel": "ops", "operations": True},
        ],
    )
    assert channels_for(settings, _facts()) == ["idf", "all"]
    assert channels_for(settings, _facts(severity="low")) == ["all"]
    assert channels_for(settings, _facts(severity="low", tags=frozenset({"vip"}))) == ["idf", "all"]
    assert operations_channels(settings) == ["ops"]
