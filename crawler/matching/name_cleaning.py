"""Clean FINESS name fields before they become names and aliases.

FINESS names carry words that are no name: a status ("A VENIR - HOP PRIV DE PROVENCE",
"CLINIQUE X (FERMÉ)"), a former name ("IME DINAMO (EX IME MARCEL BRUN)"), quotes, cp1252
apostrophes, names cut at 42 characters ("... LES JARDINS D"). :func:`clean_name` gives the
name and its former names; :func:`is_noise_name` says whether a folded name is only category,
status and article words ("Annexe", "A venir", "Centre de santé", "EHPAD"), which no alias may
be.
"""

from __future__ import annotations

import re

from crawler.matching.name_words import ARTICLE_WORDS, CATEGORY_WORDS, STATUS_WORDS, TYPE_WORDS
from crawler.matching.normalise import normalise_phrase

#: "(EX IME MARCEL BRUN)", "EX-CLINIQUE LES ROSIERS", "ex. Korian": a former name.
_FORMER = re.compile(r"(?:^|\(|\s-\s)\s*ex\b[\s.\-:]*([^()]*)\)?", re.IGNORECASE)
#: "A VENIR", "ADRESSE A VENIR": a placeholder for a name or an address still unknown.
_TO_COME = re.compile(r"\b(?:adresse\s+)?[aà]\s+venir\b\s*[-:]?", re.IGNORECASE)
#: "(FERMÉ)", "- FERME", "FERMEE -": a status, not the farm of "FERME DE LA HUPPERIE".
_CLOSED = re.compile(r"(?:^|[(\-])\s*ferm[ée]e?s?\s*(?:[)\-]|$)", re.IGNORECASE)
_TRAILING_CUT = re.compile(r"(?:\s+(?:[a-zà-ÿ]|d'|l'|de|du|des|la|le|les|et|sur))+\s*$", re.I)
_NOISE_WORDS = CATEGORY_WORDS | STATUS_WORDS | ARTICLE_WORDS | TYPE_WORDS


def tidy(raw: str) -> str:
    """``raw`` without quotes and doubled spaces, cp1252 apostrophes read as apostrophes."""
    text = raw.replace("\x92", "'").replace("’", "'").replace('"', " ")
    return re.sub(r"\s+", " ", text).strip(" -,;:")


def clean_name(raw: str) -> tuple[str, list[str]]:
    """``(name, former names)`` of a FINESS name field; the name is "" when only status or
    category words are left ("A VENIR", "ANNEXE")."""
    text = tidy(raw)
    former = [tidy(match.group(1)) for match in _FORMER.finditer(text)]
    text = tidy(_FORMER.sub(" ", text))
    text = tidy(_CLOSED.sub(" ", _TO_COME.sub(" ", text)))
    text = tidy(_TRAILING_CUT.sub("", text)) if len(raw) >= 38 else text
    former = [name for name in former if name and not is_noise_name(normalise_phrase(name))]
    if is_noise_name(normalise_phrase(text)):
        text = ""
    return text, former


#: A name that starts with one of these is the cut-off end of a longer one ("CH DE LA HAUTE
#: GIRONDE - DE BLAYE" gives "De Blaye", "CABINET D'IMAGERIE …" gives "D'imagerie …").
_FRAGMENT_START = frozenset({"de", "du", "des", "d", "et"})


def is_fragment(folded: str) -> bool:
    """True when a folded alias starts with a connector word: a piece of a longer name, which
    would match any text that says "de <town>" or "du <place>"."""
    words = folded.split()
    return bool(words) and words[0] in _FRAGMENT_START


def is_noise_name(folded: str) -> bool:
    """True when a folded name holds no word but category, type, status and article words."""
    return all(word in _NOISE_WORDS or len(word) <= 1 for word in folded.split())
