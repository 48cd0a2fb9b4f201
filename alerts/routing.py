"""Which channels an alert goes to: the one place that answers "will this channel be told?".

A hit goes to every enabled channel that has at least one matching route. Within a route, every
non-empty criterion must match (AND); within one criterion's list, any value may match (OR); an
empty list matches everything. A channel without a route receives nothing. Routes with
``operations = true`` carry source-health changes only, never hits.

Criteria, compared without case or accents ("Ile de France" = "Île-de-France"):

- ``min_severity``: the hit's severity is at least this one.
- ``entity_kinds``: the entity's kind (``establishment``, ``group``, ``vendor``…).
- ``departments``: the entity's department code; ``1`` = ``01``, and FINESS overseas codes
  equal INSEE ones (``9A`` = ``971``).
- ``regions``: the entity's region, or the region of its department when the watchlist gives
  none (so a regional CERT gets its region).
- ``groups``: the entity itself when it is a group, any of its parents (name, key or alias), or
  one of its tags (``group:<name>`` or plain).
- ``vendors``: the entity itself when it is a vendor, a parent that is a vendor, or a tag
  (``vendor:<name>`` or plain).
- ``tags``: a tag of the entity, of the post or of the source.
- ``source_kinds``: the source family (``forum``, ``telegram``, ``paste``, ``leaksite``, ``feed``).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

from crawler.core.config import RouteConfig, Settings
from crawler.core.severity import SEVERITY_ORDER
from db.models import Entity

#: The 18 regions since 2016, by department code (INSEE; FINESS overseas codes are mapped).
REGION_DEPARTMENTS: dict[str, tuple[str, ...]] = {
    "Auvergne-Rhône-Alpes": (
        "01", "03", "07", "15", "26", "38", "42", "43", "63", "69", "73", "74",
    ),
    "Bourgogne-Franche-Comté": ("21", "25", "39", "58", "70", "71", "89", "90"),
    "Bretagne": ("22", "29", "35", "56"),
    "Centre-Val de Loire": ("18", "28", "36", "37", "41", "45"),
    "Corse": ("2A", "2B"),
    "Grand Est": ("08", "10", "51", "52", "54", "55", "57", "67", "68", "88"),
    "Hauts-de-France": ("02", "59", "60", "62", "80"),
    "Île-de-France": ("75", "77", "78", "91", "92", "93", "94", "95"),
    "Normandie": ("14", "27", "50", "61", "76"),
    "Nouvelle-Aquitaine": (
        "16", "17", "19", "23", "24", "33", "40", "47", "64", "79", "86", "87",
    ),
    "Occitanie": (
        "09", "11", "12", "30", "31", "32", "34", "46", "48", "65", "66", "81", "82",
    ),
    "Pays de la Loire": ("44", "49", "53", "72", "85"),
    "Provence-Alpes-Côte d'Azur": ("04", "05", "06", "13", "83", "84"),
    "Guadeloupe": ("971",),
    "Martinique": ("972",),
    "Guyane": ("973",),
    "La Réunion": ("974",),
    "Mayotte": ("976",),
}  # fmt: skip
_FINESS_OVERSEAS = {"9A": "971", "9B": "972", "9C": "973", "9D": "974", "9E": "975", "9F": "976"}
_REGION_OF = {dept: region for region, depts in REGION_DEPARTMENTS.items() for dept in depts}
_NOT_ALNUM = re.compile(r"[^0-9a-z]+")
#: How far up the parent chain groups and vendors are looked for.
MAX_PARENT_DEPTH = 5


@dataclass(frozen=True)
class AlertFacts:
    """What routing looks at, already normalised (see :func:`normalise_label`)."""

    severity: str
    entity_kind: str
    department: str | None
    region: str | None
    groups: frozenset[str]
    vendors: frozenset[str]
    tags: frozenset[str]
    source_kind: str


def normalise_label(text: str) -> str:
    """Case-, accent- and punctuation-insensitive form: "Île-de-France" → "ile-de-france"."""
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(char for char in decomposed if not unicodedata.combining(char))
    return _NOT_ALNUM.sub("-", plain.casefold()).strip("-")


def normalise_department(code: str) -> str:
    """INSEE form of a department code: ``1`` → ``01``, ``2a`` → ``2A``, ``9A`` → ``971``."""
    code = code.strip().upper()
    code = _FINESS_OVERSEAS.get(code, code)
    return code.zfill(2) if code.isdigit() else code


def region_of_department(code: str | None) -> str | None:
    """The region of a department code, or None when unknown."""
    return _REGION_OF.get(normalise_department(code)) if code else None


def facts_of(
    severity: str, entity: Entity, source_kind: str, extra_tags: Iterable[str] = ()
) -> AlertFacts:
    """Routing facts of a hit on ``entity`` from a ``source_kind`` source.

    ``extra_tags`` are the post's and the source's tags.
    """
    ancestors = _ancestors(entity)
    tags = [*entity.tags, *extra_tags]
    groups = _labels_of([entity] if entity.kind == "group" else []) | _labels_of(ancestors)
    vendor_entities = [e for e in [entity, *ancestors] if e.kind == "vendor"]
    vendors = _labels_of(vendor_entities)
    for tag in entity.tags:
        prefix, _, value = tag.partition(":")
        if value and prefix.casefold() == "group":
            groups |= {normalise_label(value)}
        elif value and prefix.casefold() == "vendor":
            vendors |= {normalise_label(value)}
    entity_tags = frozenset(normalise_label(tag) for tag in entity.tags)
    return AlertFacts(
        severity=severity,
        entity_kind=entity.kind,
        department=normalise_department(entity.department) if entity.department else None,
        region=normalise_label(entity.region or region_of_department(entity.department) or "")
        or None,
        groups=frozenset(groups | entity_tags),
        vendors=frozenset(vendors | entity_tags),
        tags=frozenset(normalise_label(tag) for tag in tags),
        source_kind=source_kind,
    )


def route_matches(route: RouteConfig, facts: AlertFacts) -> bool:
    """True when ``route`` sends an alert with these ``facts`` (see the module docstring)."""
    if route.operations:
        return False
    if SEVERITY_ORDER.index(facts.severity) < SEVERITY_ORDER.index(route.min_severity):
        return False
    checks: list[tuple[list[str], set[str], bool]] = [
        (route.entity_kinds, {facts.entity_kind}, True),
        (route.departments, {facts.department} if facts.department else set(), False),
        (route.regions, {facts.region} if facts.region else set(), True),
        (route.groups, set(facts.groups), True),
        (route.vendors, set(facts.vendors), True),
        (route.tags, set(facts.tags), True),
        (route.source_kinds, {facts.source_kind}, True),
    ]
    for wanted, present, is_label in checks:
        if not wanted:
            continue
        normalise = normalise_label if is_label else normalise_department
        if not {normalise(value) for value in wanted} & present:
            return False
    return True


def channels_for(settings: Settings, facts: AlertFacts) -> list[str]:
    """Enabled channels with a route matching ``facts``, in configuration order."""
    routed = {route.channel for route in settings.routes if route_matches(route, facts)}
    return [c.name for c in settings.channels if c.enabled and c.name in routed]


def operations_channels(settings: Settings) -> list[str]:
    """Enabled channels with an ``operations = true`` route, in configuration order."""
    routed = {route.channel for route in settings.routes if route.operations}
    return [c.name for c in settings.channels if c.enabled and c.name in routed]


def _ancestors(entity: Entity) -> list[Entity]:
    chain: list[Entity] = []
    current = entity.parent
    while current is not None and len(chain) < MAX_PARENT_DEPTH and current not in chain:
        chain.append(current)
        current = current.parent
    return chain


def _labels_of(entities: Iterable[Entity]) -> frozenset[str]:
    labels: set[str] = set()
    for entity in entities:
        labels.add(normalise_label(entity.name))
        labels.add(normalise_label(entity.key.partition(":")[2] or entity.key))
        labels.update(normalise_label(alias) for alias in entity.aliases)
    return frozenset(label for label in labels if label)
