"""Exclusion rules: the analyst-made exceptions that keep a false positive from coming back.

Kept apart from :mod:`db.triage` so the storage side (:mod:`db.findings`) can apply them
without importing the read-side query modules.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import Exclusion, Post

ExclusionRule = tuple[int | None, str | None]


def exclusion_rules(session: Session, entity_ids: Iterable[int]) -> dict[int, list[ExclusionRule]]:
    """The ``(source_id, phrase)`` exclusions of each of ``entity_ids`` that has any, one query."""
    rules: dict[int, list[ExclusionRule]] = {}
    ids = list(entity_ids)
    if not ids:
        return rules
    rows = session.execute(
        select(Exclusion.entity_id, Exclusion.source_id, Exclusion.phrase).where(
            Exclusion.entity_id.in_(ids)
        )
    )
    for entity_id, source_id, phrase in rows:
        rules.setdefault(entity_id, []).append((source_id, phrase))
    return rules


def rules_apply(rules: Sequence[ExclusionRule], post: Post, matched: str = "") -> bool:
    """True when one of an entity's exclusion ``rules`` covers a hit in ``post``."""
    if not rules:
        return False
    haystack = fold(" ".join((matched, post.title or "", post.excerpt or "")))
    for source_id, phrase in rules:
        if source_id is not None and source_id != post.source_id:
            continue
        if phrase and phrase not in haystack:
            continue
        return True
    return False


def fold(text: str) -> str:
    """``text`` case-folded, without diacritics and with single spaces (for phrase matching)."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    stripped = "".join(char for char in decomposed if not unicodedata.combining(char))
    return " ".join(stripped.split())
