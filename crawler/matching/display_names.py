"""Readable names and places of FINESS records: official upper-case names in readable case
(legal forms dropped), the town of an address line, the region of a department."""

from __future__ import annotations

import re

from crawler.matching.accents import with_accents
from crawler.matching.name_words import LEGAL_FORMS

REGIONS: dict[str, str] = {
    "Auvergne-Rhône-Alpes": "01 03 07 15 26 38 42 43 63 69 73 74",
    "Bourgogne-Franche-Comté": "21 25 39 58 70 71 89 90",
    "Bretagne": "22 29 35 56",
    "Centre-Val de Loire": "18 28 36 37 41 45",
    "Corse": "2A 2B",
    "Grand Est": "08 10 51 52 54 55 57 67 68 88",
    "Hauts-de-France": "02 59 60 62 80",
    "Île-de-France": "75 77 78 91 92 93 94 95",
    "Normandie": "14 27 50 61 76",
    "Nouvelle-Aquitaine": "16 17 19 23 24 33 40 47 64 79 86 87",
    "Occitanie": "09 11 12 30 31 32 34 46 48 65 66 81 82",
    "Pays de la Loire": "44 49 53 72 85",
    "Provence-Alpes-Côte d'Azur": "04 05 06 13 83 84",
    "Guadeloupe": "971",
    "Martinique": "972",
    "Guyane": "973",
    "La Réunion": "974",
    "Mayotte": "976",
}
REGION_OF = {code: region for region, codes in REGIONS.items() for code in codes.split()}
_UPPER = frozenset(
    [
        "ch",
        "chu",
        "chr",
        "chru",
        "chi",
        "chs",
        "chg",
        "ghu",
        "gh",
        "ght",
        "hp",
        "had",
        "ssr",
        "cmp",
        "cattp",
        "ehpad",
        "usld",
        "smur",
        "hj",
        "epsm",
        "gie",
        "gcs",
        "irm",
        "ime",
        "mas",
        "fam",
        "cms",
        "cpam",
        "ccas",
        "sih",
        "admr",
        "apf",
        "caarud",
        "camsp",
        "cds",
        "cias",
        "clic",
        "cmpp",
        "cpef",
        "csapa",
        "efs",
        "epsm",
        "esat",
        "itep",
        "lbm",
        "mecs",
        "msp",
        "pmi",
        "saad",
        "samsah",
        "savs",
        "sessad",
        "spasad",
        "ssiad",
    ]
)
_LOWER = frozenset(
    [
        "de",
        "du",
        "des",
        "la",
        "le",
        "les",
        "et",
        "sur",
        "sous",
        "en",
        "a",
        "au",
        "aux",
        "pour",
        "l",
        "d",
    ]
)
_CEDEX = re.compile(r"\s+CED(?:EX)?(\s+\d+)?$", re.IGNORECASE)  # FINESS cuts it to "CED"
#: An acronym FINESS writes with a dot after each letter ("I.M.E.", "E.H.P.A.D", "C.H.").
_DOTTED = re.compile(r"(?<![\w.])((?:[^\W\d_]\.){1,}[^\W\d_])\.?(?![\w.])")


def _undotted(match: re.Match[str]) -> str:
    # "I.M.E." is the "IME" posts write, when it is a known type's acronym ("C.H.", "E.H.P.A.D");
    # not a person's initials ("J.P. Falret") nor a body's own acronym ("C.A.F", a family
    # allowance fund, would become a name read alone).
    letters = match.group(1).replace(".", "")
    return letters if letters.lower() in _UPPER else match.group(0)


def display_name(raw: str) -> str:
    """An official upper-case name in readable case, with its common words' accents
    (:mod:`crawler.matching.accents`), legal forms dropped."""
    words = [w for w in re.split(r"\s+", _DOTTED.sub(_undotted, raw.strip())) if w]
    while words and words[0].lower() in LEGAL_FORMS:
        words = words[1:]
    while words and words[-1].lower() in LEGAL_FORMS:
        words = words[:-1]
    out = []
    for index, word in enumerate(words):
        lower = word.lower()
        if lower.strip(".()") in _UPPER:
            out.append(word.upper())
        elif index > 0 and lower in _LOWER:
            out.append(lower)
        elif lower.startswith(("d'", "l'")) and index > 0:
            out.append(lower[:2] + lower[2:].capitalize())
        else:
            out.append("-".join(part.capitalize() for part in word.split("-")))
    return with_accents(" ".join(out)) or raw.strip()


def city_of(line: str) -> str | None:
    """ "01440 VIRIAT" → "Viriat"; "06001 NICE CEDEX 1" → "Nice"; "69655 VILLEFRANCHE SUR
    SAONE CED" → "Villefranche sur Saone"."""
    text = _CEDEX.sub("", line.strip())
    text = re.sub(r"^\d{5}\s*", "", text).strip()
    return display_name(text) if text else None
