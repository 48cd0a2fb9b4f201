"""Helpers shared by the matcher tests: small watchlist entries and the keys a post matches."""

from __future__ import annotations

from crawler.core.records import EntityRecord
from crawler.matching.matcher import Matcher


def establishment(
    finess: str, name: str, city: str, department: str, **extra: object
) -> EntityRecord:
    """A FINESS establishment (``finess:`` key) for a test watchlist."""
    return EntityRecord(
        key=f"finess:{finess}",
        kind="establishment",
        name=name,
        finess_et=finess,
        city=city,
        department=department,
        **extra,  # type: ignore[arg-type]
    )


def legal_entity(finess: str, name: str, city: str, department: str) -> EntityRecord:
    """A FINESS legal entity (``finess-ej:`` key) for a test watchlist."""
    return EntityRecord(
        key=f"finess-ej:{finess}",
        kind="establishment",
        name=name,
        finess_ej=finess,
        city=city,
        department=department,
        category="Entité juridique",
    )


def keys(matcher: Matcher, title: str, text: str = "") -> set[str]:
    """Keys of the entities ``matcher`` reports for a post."""
    return {match.entity.key for match in matcher.match(title, text).matches}
