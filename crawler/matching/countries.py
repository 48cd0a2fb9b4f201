"""The victim's country a post gives in a field of its own ("Country: IT", "Pays : France").

Leak-site pages and feed entries often print the victim's country on a line of its own; the
matcher reads it as where the victim is: any other country than France (or a French overseas
territory) makes every name of the post the foreign one ("Capio … Country: SE").
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
