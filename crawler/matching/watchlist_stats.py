"""Counts that describe a watchlist: entities by kind, FINESS sector and category, legal
entities and how they were named, domains by origin (``leakwatch watchlist stats``)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from crawler.matching.finess_categories import category_of
from crawler.matching.watchlist import Watchlist


@dataclass(frozen=True)
class WatchlistStats:
    """What a watchlist holds; each counter is ordered most common first when printed."""

    entities: int
    kinds: Counter[str] = field(default_factory=Counter)
    sectors: Counter[str] = field(default_factory=Counter)
    categories: Counter[str] = field(default_factory=Counter)
    legal_entities: int = 0
    sites_in_legal_entities: int = 0
    legal_entity_names: Counter[str] = field(default_factory=Counter)
    domains: int = 0
    domain_origins: Counter[str] = field(default_factory=Counter)
    departments: int = 0
    custom: int = 0


def watchlist_stats(watchlist: Watchlist) -> WatchlistStats:
    """Count ``watchlist``'s entities (FINESS establishments by sector and category, legal
    entities by how their name was found, domains by the tag that records their origin)."""
    kinds: Counter[str] = Counter()
    sectors: Counter[str] = Counter()
    categories: Counter[str] = Counter()
    names: Counter[str] = Counter()
    origins: Counter[str] = Counter()
    legal = {e.key for e in watchlist.entities if e.key.startswith("finess-ej:")}
    sites = domains = custom = 0
    for entity in watchlist.entities:
        kinds[_kind(entity.key, entity.kind)] += 1
        if entity.finess_et:
            category = category_of(entity)
            sectors[category.sector if category else "unknown"] += 1
            categories[entity.category or "unknown"] += 1
        if entity.parent_key in legal:
            sites += 1
        names.update(t.split(":", 1)[1] for t in entity.tags if t.startswith("ej-name:"))
        tagged: dict[str, str] = {}
        for tag in entity.tags:
            if tag.startswith("domain:"):
                origin, domain = tag[7:].rsplit(":", 1)
                tagged[domain] = origin
        for domain in entity.domains:
            domains += 1
            origins[tagged.get(domain, "custom" if "custom" in entity.tags else "unknown")] += 1
        custom += "custom" in entity.tags
    return WatchlistStats(
        entities=len(watchlist.entities),
        kinds=kinds,
        sectors=sectors,
        categories=categories,
        legal_entities=len(legal),
        sites_in_legal_entities=sites,
        legal_entity_names=names,
        domains=domains,
        domain_origins=origins,
        departments=len({e.department for e in watchlist.entities if e.department}),
        custom=custom,
    )


def _kind(key: str, kind: str) -> str:
    # FINESS establishments and legal entities share the kind "establishment".
    if key.startswith("finess-ej:"):
        return "legal entity (FINESS EJ)"
    if key.startswith("finess:"):
        return "establishment (FINESS ET)"
    return kind
