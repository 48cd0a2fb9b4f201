"""The victim's country a post gives in a field of its own ("Country: IT", "Pays : France"), or
as a North American address ("Versailles, KY", "Calais, ME 04619").

Leak-site pages and feed entries often print the victim's country on a line of its own; the
matcher reads it as where the victim is: any other country than France (or a French overseas
territory) makes every name of the post the foreign one ("Capio … Country: SE"). A town
followed by a US state's or a Canadian province's postal code says the same of the US or
Canada: "Bluegrass Community Hospital (Versailles, KY)" is not the CH de Versailles.
"""

from __future__ import annotations

import re
from functools import cache

import pycountry

from crawler.matching.normalise import normalise_phrase
from crawler.matching.vocabulary import written_countries

_FIELD = re.compile(
    r"(?im)(?:^|[.|;][ \t]+)[ \t]*(?:country|pays)[ \t]*:[ \t]*([^\n|;.,]{2,40}?)[ \t]*(?:$|[.|;,])"
)


#: "<Town>, KY" / "<Town>, QC H2X 1P1" / "<Town>, ME 04619": a capitalised word, a comma and
#: the two capital letters of a state or province, then the end of the phrase or a ZIP code.
_STATE = re.compile(
    r"\b[A-Z][a-z][\w.'-]*,[ \t]*([A-Z]{2})(?=[ \t]*(?:$|[)\]|;,.\n\x00]|[ \t]-[ \t]"
    r"|[ \t]+\d{5}\b|[ \t]+[A-Z]\d[A-Z]))",
    re.MULTILINE,
)


def state_country(text: str) -> str | None:
    """``US`` or ``CA`` when ``text`` writes a town with a US state's or a Canadian province's
    code after it ("Versailles, KY"); None otherwise."""
    if "," not in text:
        return None
    for found in _STATE.finditer(text):
        country = _state_codes().get(found.group(1))
        if country is not None:
            return country
    return None


@cache
def _state_codes() -> dict[str, str]:
    # "KY" → "US", "QC" → "CA" (ISO 3166-2 subdivisions of both countries).
    return {
        subdivision.code.split("-", 1)[1]: subdivision.country_code
        for subdivision in pycountry.subdivisions
        if subdivision.country_code in ("US", "CA")
    }


def victim_country(text: str) -> str | None:
    """The ISO alpha-2 code of the country a line ``Country: …`` of ``text`` gives, or None
    (no such line, or a value that names no country)."""
    found = _FIELD.search(text)
    if found is None:
        return None
    value = found.group(1).strip()
    if len(value) == 2 and value.isalpha() and value.isascii():
        code = value.upper()
        return code if pycountry.countries.get(alpha_2=code) is not None else None
    return _by_name().get(normalise_phrase(value))


@cache
def _by_name() -> dict[str, str]:
    # Every country's names (common, official and French ones), folded.
    names: dict[str, str] = {}
    for code, written in written_countries():
        for name in written:
            if name:
                names.setdefault(normalise_phrase(name), code)
    return names
