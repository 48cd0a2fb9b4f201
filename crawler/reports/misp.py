"""Incidents for the CERT toolchain: a MISP event (core format) and a STIX 2.1 bundle.

The MISP event follows the MISP core format (``{"Event": {…, "Attribute": [], "Object": [],
"Tag": []}}``, values as strings) so that MISP's "Add event from JSON" and PyMISP load it:
an ``organization`` object for the victim, one ``url`` object per post, the seller handles as
``threat-actor`` attributes, each claim as a ``text`` attribute, and the evidence of the posts'
pages (the HTML's sha256, the screenshot as an ``attachment``). UUIDs are derived from the
incident (UUIDv5), so exporting an incident again updates the same MISP event. Nothing is
marked ``to_ids``: these are observations, not detection indicators.
"""

from __future__ import annotations

import base64
import uuid
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from crawler.reports.evidence import EvidenceRecord, evidence_records, read_screenshot
from db.evidence import evidence_of_posts
from db.incidents import IncidentDetail

#: Namespace of every UUID leakwatch derives (uuid5 of the DNS name "leakwatch.invalid").
NAMESPACE = uuid.uuid5(uuid.NAMESPACE_DNS, "leakwatch.invalid")
#: (uuid, version) of the MISP object templates used, as in MISP's misp-objects repository
#: (and PyMISP's bundled copy, which tests/crawler/reports/test_misp.py loads the event with).
ORGANIZATION_TEMPLATE = ("f750e12b-127a-432c-b022-b3f9153c4e2a", "9")
URL_TEMPLATE = ("60efb77b-40b5-4c46-871b-ed1ed999fce5", "10")
THREAT_LEVEL = {"critical": "1", "high": "1", "medium": "2", "low": "3"}
ANALYSIS = {"new": "0", "confirmed": "1", "handled": "2", "false_positive": "2"}
#: MISP distribution of the event: 0 = your organisation only. Attributes inherit it (5).
DISTRIBUTION = "0"
#: MISP category of each attribute type used (each type is allowed in its category).
CATEGORY = {
    "attachment": "External analysis",
    "sha256": "External analysis",
    "text": "Other",
    "datetime": "Other",
    "url": "External analysis",
    "threat-actor": "Attribution",
}


def misp_event(
    detail: IncidentDetail,
    evidence: Sequence[EvidenceRecord] = (),
    screenshots: Mapping[int, bytes] | None = None,
) -> dict[str, Any]:
    """The incident as a MISP event in the MISP core JSON format.

    ``evidence`` (:mod:`crawler.reports.evidence`) adds, per captured page, a ``sha256``
    attribute of its HTML and, when ``screenshots`` holds its PNG (by evidence id), an
    ``attachment`` attribute carrying it (base64) with its own sha256.
    """
    incident = detail.incident
    key = f"incident:{incident.id}"
    timestamp = str(int(incident.last_seen.timestamp()))
    attributes: list[dict[str, Any]] = []
    if incident.finess:
        attributes.append(_attribute(key, "text", incident.finess, timestamp, "FINESS number"))
    for handle, source, role in _actors(detail):
        comment = f"{role} on {source}"
        attributes.append(_attribute(key, "threat-actor", handle, timestamp, comment))
    for post_id, claims in sorted(detail.claims.items()):
        for claim in claims:
            text = claim.summary()
            if text:
                comment = f"claim of post {post_id} recorded {claim.created_at:%Y-%m-%d}"
                attributes.append(_attribute(key, "text", text, timestamp, comment))
    attributes += _evidence_attributes(key, evidence, screenshots or {}, timestamp)
    objects = [_organization(key, detail, timestamp)]
    seen_urls: set[str] = set()
    for hit in detail.hits:
        if hit.url and hit.url not in seen_urls:
            seen_urls.add(hit.url)
            objects.append(_url_object(key, hit.url, hit.title, hit.first_seen, timestamp))
    return {
        "Event": {
            "uuid": str(uuid.uuid5(NAMESPACE, key)),
            "info": (
                f"leakwatch: {incident.entity_name} named in {incident.hit_count} post hit(s) "
                f"on {', '.join(incident.sources) or 'no source'}"
            ),
            "date": incident.first_seen.astimezone(UTC).date().isoformat(),
            "timestamp": timestamp,
            "published": False,
            "distribution": DISTRIBUTION,
            "threat_level_id": THREAT_LEVEL.get(incident.severity, "4"),
            "analysis": ANALYSIS.get(incident.status, "0"),
            "Tag": [
                {"name": "tlp:amber"},
                {"name": "type:OSINT"},
                {"name": f'leakwatch:severity="{incident.severity}"'},
            ],
            "Attribute": attributes,
            "Object": objects,
        }
    }


def misp_event_with_evidence(
    session: Session, data_dir: Path, detail: IncidentDetail
) -> dict[str, Any]:
    """:func:`misp_event` with the evidence of the incident's posts and the screenshots that
    are still readable and unchanged under ``<data_dir>/evidence``."""
    post_ids = sorted({hit.post_id for hit in detail.hits})
    rows = evidence_of_posts(session, post_ids)
    screenshots = {row.id: png for row in rows if (png := read_screenshot(data_dir, row))}
    records = evidence_records(session, data_dir, post_ids)
    return misp_event(detail, records, screenshots)


def stix_bundle(detail: IncidentDetail) -> dict[str, Any]:
    """The incident as a STIX 2.1 bundle: victim identity, sellers, URLs, claims, a report."""
    incident = detail.incident
    key = f"incident:{incident.id}"
    created = _stix_time(incident.first_seen)
    modified = _stix_time(incident.last_seen)
    common = {"spec_version": "2.1", "created": created, "modified": modified}
    victim_id = f"identity--{uuid.uuid5(NAMESPACE, key + ':victim')}"
    objects: list[dict[str, Any]] = [
        {
            "type": "identity",
            "id": victim_id,
            **common,
            "name": incident.entity_name,
            "identity_class": "organization",
            "sectors": ["healthcare"],
        }
    ]
    for handle, _source, _role in _actors(detail):
        actor_id = f"threat-actor--{uuid.uuid5(NAMESPACE, key + ':seller:' + handle)}"
        objects.append(
            {
                "type": "threat-actor",
                "id": actor_id,
                **common,
                "name": handle,
                "threat_actor_types": ["criminal"],
            }
        )
        objects.append(
            {
                "type": "relationship",
                "id": f"relationship--{uuid.uuid5(NAMESPACE, actor_id + ':targets')}",
                **common,
                "relationship_type": "targets",
                "source_ref": actor_id,
                "target_ref": victim_id,
            }
        )
    for url in sorted({hit.url for hit in detail.hits if hit.url}):
        objects.append(
            {
                "type": "url",
                "spec_version": "2.1",
                "id": f"url--{uuid.uuid5(NAMESPACE, 'url:' + url)}",
                "value": url,
            }
        )
    for post_id, claims in sorted(detail.claims.items()):
        for index, claim in enumerate(claims):
            text = claim.summary()
            if text:
                objects.append(
                    {
                        "type": "note",
                        "id": f"note--{uuid.uuid5(NAMESPACE, f'{key}:claim:{post_id}:{index}')}",
                        **common,
                        "content": text,
                        "object_refs": [victim_id],
                    }
                )
    report = {
        "type": "report",
        "id": f"report--{uuid.uuid5(NAMESPACE, key)}",
        **common,
        "name": f"leakwatch incident {incident.id}: {incident.entity_name}",
        "report_types": ["threat-report"],
        "published": modified,
        "object_refs": [obj["id"] for obj in objects],
    }
    return {
        "type": "bundle",
        "id": f"bundle--{uuid.uuid5(NAMESPACE, key + ':bundle')}",
        "objects": [*objects, report],
    }


def _actors(detail: IncidentDetail) -> list[tuple[str, str, str]]:
    """(name, source, role) triples, once per name: each post's ransomware group ("ransomware
    group") and the claims' seller, else the post's author ("seller handle")."""
    found: dict[str, tuple[str, str]] = {}
    for hit in detail.hits:
        if hit.ransomware_group:
            found.setdefault(hit.ransomware_group, (hit.source_name, "ransomware group"))
        sellers = [claim.seller for claim in detail.claims.get(hit.post_id, [])]
        handles: list[str | None] = [seller for seller in sellers if seller] or [hit.author]
        for handle in handles:
            if handle:
                found.setdefault(handle, (hit.source_name, "seller handle"))
    return sorted((name, source, role) for name, (source, role) in found.items())


def _evidence_attributes(
    key: str, evidence: Sequence[EvidenceRecord], screenshots: Mapping[int, bytes], timestamp: str
) -> list[dict[str, Any]]:
    attributes = []
    for record in evidence:
        seen = f"{record.url} captured {record.captured_at:%Y-%m-%d %H:%M} UTC"
        comment = f"sha256 of the HTML of {seen}"
        attributes.append(_attribute(key, "sha256", record.html_sha256, timestamp, comment))
        png = screenshots.get(record.id)
        if png is not None and record.screenshot_sha256:
            comment = f"screenshot of {seen}, sha256 {record.screenshot_sha256}"
            name = f"leakwatch-evidence-{record.id}.png"
            attachment = _attribute(key, "attachment", name, timestamp, comment)
            attachment["data"] = base64.b64encode(png).decode("ascii")
            attributes.append(attachment)
    return attributes


def _attribute(key: str, kind: str, value: str, timestamp: str, comment: str) -> dict[str, Any]:
    return {
        "uuid": str(uuid.uuid5(NAMESPACE, f"{key}:{kind}:{value}:{comment}")),
        "type": kind,
        "category": CATEGORY[kind],
        "value": value,
        "to_ids": False,
        "distribution": "5",
        "comment": comment,
        "timestamp": timestamp,
    }


def _organization(key: str, detail: IncidentDetail, timestamp: str) -> dict[str, Any]:
    incident = detail.incident
    relations = [
        ("name", "text", incident.entity_name),
        ("role", "text", "Victim"),
        ("type-of-organization", "text", incident.entity_kind),
        ("sector", "text", "healthcare"),
    ]
    return _object(key, "organization", "misc", ORGANIZATION_TEMPLATE, relations, timestamp)


def _url_object(
    key: str, url: str, title: str, first_seen: datetime, timestamp: str
) -> dict[str, Any]:
    relations = [
        ("url", "url", url),
        ("first-seen", "datetime", first_seen.astimezone(UTC).isoformat()),
        ("text", "text", title[:1000]),
    ]
    return _object(key + ":" + url, "url", "network", URL_TEMPLATE, relations, timestamp)


def _object(
    key: str,
    name: str,
    meta_category: str,
    template: tuple[str, str],
    relations: list[tuple[str, str, str]],
    timestamp: str,
) -> dict[str, Any]:
    object_key = f"{key}:object:{name}"
    return {
        "uuid": str(uuid.uuid5(NAMESPACE, object_key)),
        "name": name,
        "meta-category": meta_category,
        "template_uuid": template[0],
        "template_version": template[1],
        "distribution": "5",
        "timestamp": timestamp,
        "Attribute": [
            {
                "uuid": str(uuid.uuid5(NAMESPACE, f"{object_key}:{relation}")),
                "object_relation": relation,
                "type": kind,
                "category": CATEGORY[kind],
                "value": value,
                "to_ids": False,
                "distribution": "5",
                "timestamp": timestamp,
            }
            for relation, kind, value in relations
        ],
    }


def _stix_time(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"
