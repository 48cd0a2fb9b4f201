"""MISP event and STIX bundle of an incident: the structure MISP and STIX tools load."""

from __future__ import annotations

import json
import logging
import re
import warnings

import pytest
from pymisp import MISPEvent, MISPObject

from crawler.reports.misp import misp_event, stix_bundle
from db.engine import make_engine, make_session_factory
from db.incidents import IncidentFilters, incident_detail, incident_list
from db.triage import triage_hit
from tests.seed import HOSTILE_AUTHOR, seed

UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")


def _thiais_detail(url: str):  # type: ignore[no-untyped-def]
    seed(url)
    engine = make_engine(url)
    with make_session_factory(engine).begin() as session:
        incident = incident_list(session, IncidentFilters(entity="940000573")).items[0]
        detail = incident_detail(session, incident.id)
    engine.dispose()
    return detail


def test_misp_event_core_format(migrated_url: str) -> None:
    detail = _thiais_detail(migrated_url)
    event = misp_event(detail)
    assert set(event) == {"Event"}
    body = event["Event"]
    assert UUID.match(body["uuid"])
    assert body["threat_level_id"] == "1" and body["analysis"] == "0"
    assert body["distribution"] == "0" and body["published"] is False
    assert body["date"] == "2024-11-19" and body["timestamp"].isdigit()
    assert {"name": "tlp:amber"} in body["Tag"]
    types = {(a["type"], a["category"]) for a in body["Attribute"]}
    assert ("threat-actor", "Attribution") in types and ("text", "Other") in types
    actors = {a["value"] for a in body["Attribute"] if a["type"] == "threat-actor"}
    assert actors == {"darkseller", HOSTILE_AUTHOR}
    claims = [a["value"] for a in body["Attribute"] if a["comment"].startswith("claim")]
    assert "758,912 records; data: identity, nir; price 2 BTC; sample offered" in claims
    organization = next(o for o in body["Object"] if o["name"] == "organization")
    relations = {a["object_relation"]: a["value"] for a in organization["Attribute"]}
    assert relations["name"] == "Hôpital privé de Thiais" and relations["role"] == "Victim"
    urls = [o for o in body["Object"] if o["name"] == "url"]
    assert {a["value"] for o in urls for a in o["Attribute"] if a["object_relation"] == "url"} >= {
        "http://forum.example/t1",
        "https://telegram.example/s/leaks/7",
    }
    for attribute in body["Attribute"] + [a for o in body["Object"] for a in o["Attribute"]]:
        assert UUID.match(attribute["uuid"]) and attribute["to_ids"] is False
        assert isinstance(attribute["value"], str)
    all_uuids = [a["uuid"] for a in body["Attribute"]] + [o["uuid"] for o in body["Object"]]
    assert len(all_uuids) == len(set(all_uuids))
    assert misp_event(detail) == event  # deterministic: re-export updates the same event
    json.dumps(event)


def test_stix_bundle(migrated_url: str) -> None:
    bundle = stix_bundle(_thiais_detail(migrated_url))
    assert bundle["type"] == "bundle" and bundle["id"].startswith("bundle--")
    objects = {obj["id"]: obj for obj in bundle["objects"]}
    kinds = {obj["type"] for obj in objects.values()}
    assert {"identity", "threat-actor", "relationship", "url", "note", "report"} <= kinds
    report = next(obj for obj in objects.values() if obj["type"] == "report")
    assert set(report["object_refs"]) == set(objects) - {report["id"]}
    for obj in objects.values():
        assert obj["id"].split("--")[0] == obj["type"] and obj["spec_version"] == "2.1"
        if "created" in obj:
            assert re.match(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$", obj["created"])
    for relation in (obj for obj in objects.values() if obj["type"] == "relationship"):
        assert relation["source_ref"] in objects and relation["target_ref"] in objects


def test_a_ransomware_group_is_a_threat_actor(migrated_url: str) -> None:
    seed(migrated_url)
    engine = make_engine(migrated_url)
    with make_session_factory(engine).begin() as session:
        incident = incident_list(session, IncidentFilters(entity="Biolab")).items[0]
        detail = incident_detail(session, incident.id)
    engine.dispose()
    actors = [a for a in misp_event(detail)["Event"]["Attribute"] if a["type"] == "threat-actor"]
    assert [(a["value"], a["comment"]) for a in actors] == [
        ("lockbit", "ransomware group on lockbit-mirror")
    ]
    names = {o["name"] for o in stix_bundle(detail)["objects"] if o["type"] == "threat-actor"}
    assert names == {"lockbit"}


def test_pymisp_loads_the_event_with_its_bundled_object_templates(
    migrated_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    # PyMISP reports template mismatches on its logger (an unknown relation, an old template
    # version): every one of them is an error here, and so is any Python warning.
    event = misp_event(_thiais_detail(migrated_url))
    caplog.set_level(logging.WARNING, logger="pymisp")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        loaded = MISPEvent()
        loaded.load(json.dumps(event))
        for raw in event["Event"]["Object"]:
            template = MISPObject(raw["name"], strict=True)
            template.from_dict(**raw)  # strict: raises on another template uuid or version
            relations = {attribute["object_relation"] for attribute in raw["Attribute"]}
            assert relations <= set(template._definition["attributes"]), raw["name"]
            for relation in relations:
                attribute = template._definition["attributes"][relation]
                kinds = {a["type"] for a in raw["Attribute"] if a["object_relation"] == relation}
                assert kinds == {attribute["misp-attribute"]}, relation
            required = template._definition.get("requiredOneOf", [])
            assert not required or relations & set(required), raw["name"]
    assert [record.getMessage() for record in caplog.records] == []
    assert len(loaded.objects) == len(event["Event"]["Object"])
    assert {obj.name for obj in loaded.objects} == {"organization", "url"}


def test_misp_analysis_follows_the_incident_status(migrated_url: str) -> None:
    seeded = seed(migrated_url)
    engine = make_engine(migrated_url)
    sessions = make_session_factory(engine)
    analyses = []
    for status in ("confirmed", "handled"):
        with sessions.begin() as session:
            for hit_id in seeded.thiais_hits:
                triage_hit(session, hit_id, status, None, "ana")
        with sessions.begin() as session:
            incident = incident_list(session, IncidentFilters(entity="940000573")).items[0]
            assert incident.status == status
            analyses.append(misp_event(incident_detail(session, incident.id))["Event"]["analysis"])
    engine.dispose()
    assert analyses == ["1", "2"]  # MISP: 1 ongoing, 2 completed
