"""Towns coordinated after one plural type word: "les hôpitaux de Guingamp et Lannion", "les
centres hospitaliers de Guingamp et de Lannion", "les CHU de Lille, Amiens et Rouen".

The press names several hospitals with one type word in the plural. The first town is read with
the type word written before it; each town after it, joined by a comma or "et", is read as if
that type word were written again before it ("Lannion" → "hôpital de Lannion"), so that it names
its hospital as the first does. A word joined so is rewritten only when it is a town the
watchlist knows; the run stops at the first word that is not.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from crawler.matching.normalise import normalise_phrase

#: A plural type word and the singular it stands for before each town ("CHU", "EHPAD" and "CH"
#: after an article that says several: "les CHU de …").
PLURAL_TYPES: dict[str, str] = {
    "hôpitaux": "hôpital",
    "hopitaux": "hôpital",
    "centres hospitaliers": "centre hospitalier",
    "centres hospitaliers universitaires": "centre hospitalier universitaire",
    "cliniques": "clinique",
    "polycliniques": "polyclinique",
    "les chu": "CHU",
    "des chu": "CHU",
    "aux chu": "CHU",
    "les ch": "CH",
    "des ch": "CH",
    "aux ch": "CH",
}
_OF = r"(?:de\s+la\s+|de\s+l['’]\s*|de\s+|d['’]\s*|du\s+|des\s+)?"
#: A town as written: a letter, then up to two more words joined by hyphens or spaces
#: (lower-case linking words allowed: "Bourg en Bresse", "Saint-Brieuc").
_TOWN = r"[^\W\d_][\w'’-]*(?:\s+(?:sur|sous|en|le|la|les|lès|de|du|des)?\s*[^\W\d_][\w'’-]*){0,2}"
_TYPES = "|".join(sorted((re.escape(t) for t in PLURAL_TYPES), key=len, reverse=True))
_START = re.compile(rf"(?<!\w)({_TYPES})\s+{_OF}(?=[^\W\d_])", re.IGNORECASE)
_JOIN = re.compile(rf"\s*(?:,\s*(?:et\s+)?|\s+et\s+){_OF}(?=[A-ZÀ-Ý])")
_WORDS = re.compile(_TOWN)
#: A word of a town as written ("Saint-Brieuc" is two), where a shorter town may end.
_WORD_END = re.compile(r"[\w'’]+")


def coordinated_towns(text: str, is_town: Callable[[str], bool]) -> list[tuple[int, int, str]]:
    """Edits ``(start, end, replacement)`` that write the type word again before each town
    coordinated after the first one (sorted, not overlapping)."""
    edits: list[tuple[int, int, str]] = []
    lowered = text.lower()
    if not (
        "pitaux" in lowered
        or "hospitaliers" in lowered
        or "cliniques" in lowered
        or " ch " in lowered
        or " chu " in lowered
    ):
        return edits  # most posts: no plural type word at all (the search below is slower)
    for start in _START.finditer(text):
        singular = PLURAL_TYPES[start.group(1).lower()]
        first = _town_at(text, start.end(), is_town)
        if first is None:
            continue
        position = first
        while True:
            join = _JOIN.match(text, position)
            if join is None:
                break
            end = _town_at(text, join.end(), is_town)
            if end is None:
                break
            edits.append((join.end(), join.end(), f"{singular} de "))
            position = end
    return sorted(set(edits))


def _town_at(text: str, start: int, is_town: Callable[[str], bool]) -> int | None:
    # The end of the longest town the watchlist knows written at ``start``, or None.
    words = _WORDS.match(text, start)
    if words is None:
        return None
    written = words.group()
    ends = [m.end() for m in _WORD_END.finditer(written)]
    for end in reversed(ends):
        if is_town(normalise_phrase(written[:end])):
            return start + end
    return None
