"""How official names become the forms the matcher looks for.

A name such as ``SA CLINIQUE SAINTE ISABELLE`` or ``CENTRE HOSPITALIER DE BOURG-EN-BRESSE -
FLEYRIAT`` is cut at separators, folded, stripped of legal forms (SA, SAS, SARL…) and split into
an establishment *type* (``clinique``, ``ch``, ``chu``, ``hp``…) and a *core* (``sainte
isabelle``, ``bourg en bresse``). In text, a typed form matches when its core is written next to
a compatible type word: ``Clin. Ste-Isabelle``, ``HP de Thiais``, ``Thiais private hospital``,
with or without articles. Names without a type (vendors, groups) match as whole phrases.

:func:`forms_of_name` gives the forms of one name, :func:`alias_strength` says whether a
typeless alias may stand alone, and :func:`is_generic_core` flags cores that need a city,
department or domain in context ("Clinique Saint-Joseph", "Polyclinique du Parc").
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

from crawler.matching.name_words import (
    ARTICLE_WORDS,
    ARTICLES,
    COMMON_PATRONS,
    COMMON_WORDS,
    CONCEPT_PHRASES,
    DIRECTION_VARIANTS,
    ENGLISH_ADJECTIVES,
    ENGLISH_NOUNS,
    GENERIC_WORDS,
    LEGAL_FORMS,
    MEDICAL_SPECIALTIES,
    NUMERAL_VARIANTS,
    QUALIFIED_TYPES,
    SAINT_VARIANTS,
    STRUCTURAL_WORDS,
    TRAILING_FORMS,
    TYPE_QUALIFIERS,
    TYPE_SURFACES,
    qualified_type,
)
from crawler.matching.normalise import normalise_phrase

TypeClass = str
Strength = Literal["strong", "weak", "common", "support"]


@dataclass(frozen=True)
class NameForm:
    """One way a name can be written: a type (or None) and the folded core after it."""

    type: TypeClass | None
    core: str
    secondary: bool = False


_SAINT_HYPHEN = re.compile(r"\b(saint|sainte|st|ste)\s*-\s*", re.IGNORECASE)
_SEPARATORS = re.compile(r"\s+[-–—]\s+|[:(),/;]|\s+-|-\s+")
_SURFACES_BY_FIRST_WORD: dict[str, list[tuple[list[str], str]]] = {}
for _kind, _surfaces in TYPE_SURFACES.items():
    for _surface in _surfaces:
        _SURFACES_BY_FIRST_WORD.setdefault(_surface.split(" ")[0], []).append(
            (_surface.split(" "), _kind)
        )
_QUALIFIERS = sorted(
    ((qualifier, qualifier.split(" ")) for qualifier in TYPE_QUALIFIERS),
    key=lambda pair: -len(pair[1]),
)
for _choices in _SURFACES_BY_FIRST_WORD.values():
    _choices.sort(key=lambda pair: -len(pair[0]))


def leading_type(words: list[str]) -> tuple[TypeClass | None, int]:
    """The type class written at the start of ``words`` and how many words it takes, with a
    qualifier after it ("centre hospitalier départemental", "CH spécialisé")."""
    if not words:
        return None, 0
    for parts, kind in _SURFACES_BY_FIRST_WORD.get(words[0], ()):
        if words[: len(parts)] == parts:
            used = len(parts)
            if kind in QUALIFIED_TYPES:
                for qualifier, qualifier_parts in _QUALIFIERS:
                    qualified = qualified_type(kind, qualifier)
                    if qualified and words[used : used + len(qualifier_parts)] == qualifier_parts:
                        return qualified, used + len(qualifier_parts)
            return kind, used
    return None, 0


def strip_articles(words: list[str]) -> list[str]:
    """``words`` without leading articles ("de la", "du", "d'", "of the"…)."""
    changed = True
    while changed and words:
        changed = False
        for article in ARTICLES:
            parts = article.split(" ")
            if words[: len(parts)] == parts and len(words) > len(parts):
                words = words[len(parts) :]
                changed = True
                break
    return words


def strip_legal_forms(words: list[str]) -> list[str]:
    """``words`` without a legal form (SA, SAS, SARL…) at either end."""
    while words and words[0] in LEGAL_FORMS:
        words = words[1:]
    while words and words[-1] in TRAILING_FORMS:
        words = words[:-1]
    return words


def _segment_forms(segment: str) -> list[NameForm]:
    words = strip_legal_forms(normalise_phrase(segment).split())
    if not words:
        return []
    kind, used = leading_type(words)
    if kind is None:
        # "AMERICAN MEMORIAL HOSPITAL CHU REIMS": a type after the first words ends the core.
        for index in range(1, len(words)):
            found, _ = leading_type(words[index:])
            if found is not None and words[index - 1] not in ARTICLE_WORDS:
                head = NameForm(found, " ".join(words[:index]))
                return [NameForm(None, " ".join(words)), head] + _tail_forms(words[index:])
        # "CHBA SITE DE VANNES": a hospital's acronym (CH…, GH…) names it without its site
        # ("Etablissement Site …", "Elise Site …" do not).
        acronym = words[0] if len(words) > 1 and words[1] == "site" else ""
        if 3 <= len(acronym) <= 6 and acronym.startswith(("ch", "gh")):
            return [NameForm(None, " ".join(words)), NameForm(None, acronym)]
        return [NameForm(None, " ".join(words))]
    rest = strip_articles(words[used:]) if len(words) > used else []
    if rest and leading_type(rest)[0] is not None:
        return _segment_forms(" ".join(rest))
    # "HOPITAL PURPAN CHU TOULOUSE": the core stops where the next type starts, which is
    # parsed as a form of its own (the parent "CHU Toulouse").
    for index in range(1, len(rest)):
        if leading_type(rest[index:])[0] is not None and rest[index - 1] not in ARTICLE_WORDS:
            return [NameForm(kind, " ".join(rest[:index]))] + _tail_forms(rest[index:])
    if not rest or rest == ["de"]:
        return []
    if rest[0] == "site" and len(rest) > 1 and not is_generic_core(" ".join(rest[1:])):
        # "CHU SITE FELIX GUYON": the site is written without the word ("CHU Félix-Guyon").
        return [NameForm(kind, " ".join(rest)), NameForm(kind, " ".join(rest[1:]))]
    if "site" in rest[1:]:
        # "GUSTAVE ROUSSY SITE VILLEJUIF": the establishment is named without its site too.
        without_site = rest[: rest.index("site", 1)]
        return [NameForm(kind, " ".join(rest)), NameForm(kind, " ".join(without_site))]
    return [NameForm(kind, " ".join(rest))]


def _tail_forms(words: list[str]) -> list[NameForm]:
    # The rest of a name after its own core usually names a parent ("... CHU TOULOUSE").
    return [NameForm(f.type, f.core, True) for f in _segment_forms(" ".join(words))]


def forms_of_name(name: str) -> list[NameForm]:
    """The forms of an official name: the whole name, its first part and each typed part.

    ``"HOPITAL PURPAN CHU TOULOUSE"`` gives ``(hopital, "purpan")`` and ``(chu, "toulouse")``;
    ``"CENTRE HOSPITALIER DE DAX - COTE D'ARGENT"`` gives ``(ch, "dax cote d argent")`` and
    ``(ch, "dax")``; ``"DOCTOLIB"`` gives ``(None, "doctolib")``.
    """
    name = _SAINT_HYPHEN.sub(r"\1-", name)  # "Saint- Amand" is "Saint-Amand", not two names
    segments = [part for part in _SEPARATORS.split(name) if part.strip()]
    if not segments:
        return []
    candidates = _segment_forms(" ".join(segments))
    if len(segments) > 1:
        candidates += [NameForm(f.type, f.core, True) for f in _segment_forms(segments[0])]
    for segment in segments[1:]:
        candidates += [form for form in _segment_forms(segment) if form.type is not None]
    forms: list[NameForm] = []
    for form in candidates:
        if form.core and form not in forms:
            forms.append(form)
    return forms


@lru_cache(maxsize=65536)
def whole_core(name: str) -> str:
    """The folded name without legal forms, its type word(s) and articles, on either side.

    ``"Centre hospitalier de Cannes"`` and ``"Cannes hospital"`` give ``"cannes"``; ``"CH de
    Cannes Centre de Moyen Séjour"`` gives ``"cannes centre de moyen sejour"``.
    """
    words = strip_legal_forms(normalise_phrase(name).split())
    kind, used = leading_type(words)
    if kind is not None:
        return " ".join(strip_articles(words[used:]) if len(words) > used else [])
    for index in range(1, len(words)):
        found, used = leading_type(words[index:])
        if found is not None and index + used == len(words):
            return " ".join(words[:index])  # "Cannes hospital", "Nantes university hospital"
    return " ".join(words)


def core_variants(core: str) -> list[str]:
    """``core`` with Saint/St and Sainte/Ste written both ways, its directions in English and a
    roman numeral after its first word in figures (at most 4 variants)."""
    variants = [""]
    for word in core.split(" "):
        choices = (
            SAINT_VARIANTS.get(word)
            or DIRECTION_VARIANTS.get(word)
            or (NUMERAL_VARIANTS.get(word, (word,)) if variants != [""] else (word,))
        )
        variants = [f"{prefix} {choice}".strip() for prefix in variants for choice in choices]
        variants = variants[:4]
    return variants


_FRENCH_ADJECTIVES = {english: french for french, english in ENGLISH_ADJECTIVES.items()}
_FRENCH_NOUNS = {english: french for french, english in ENGLISH_NOUNS.items()}


def english_variants(core: str) -> list[str]:
    """``core`` written in English when it is only adjectives of ENGLISH_ADJECTIVES, alone or
    after a noun of ENGLISH_NOUNS, which English writes last ("americain" → "american", "cote
    basque" → "basque coast"); empty when it has other words or reads the same."""
    words = core.split(" ")
    noun = ENGLISH_NOUNS.get(words[0]) if len(words) > 1 else None
    adjectives = words[1:] if noun else words
    if not all(word in ENGLISH_ADJECTIVES for word in adjectives):
        return []
    english = " ".join(
        [*(ENGLISH_ADJECTIVES[word] for word in adjectives), *([noun] if noun else [])]
    )
    return [english] if english != core else []


def french_of_english(core: str) -> str | None:
    """The French core an English one is the translation of (the inverse of
    :func:`english_variants`: "basque coast" → "cote basque"); None when it is none."""
    words = core.split(" ")
    noun = _FRENCH_NOUNS.get(words[-1]) if len(words) > 1 else None
    adjectives = words[:-1] if noun else words
    if not all(word in _FRENCH_ADJECTIVES for word in adjectives):
        return None
    french = " ".join([*([noun] if noun else []), *(_FRENCH_ADJECTIVES[w] for w in adjectives)])
    return french if french != core else None


#: The words of a type's qualifiers: "Labm Départemental" names no lab by itself.
_QUALIFIER_WORDS = frozenset(
    word for phrase in TYPE_QUALIFIERS for word in phrase.split() if len(word) > 2
) | {"municipal", "municipale", "departementale", "regionale", "communal", "communale"}


def is_generic_core(core: str) -> bool:
    """True when a core names no establishment by itself ("saint joseph", "parc", "sud",
    "départemental")."""
    words = [w for w in core.split(" ") if w]
    if not words:
        return True
    return all(
        w in GENERIC_WORDS or w in COMMON_PATRONS or w in _QUALIFIER_WORDS or len(w) <= 2
        for w in words
    )


def is_structural_core(core: str) -> bool:
    """True when a core only says where a unit sits ("site", "annexe du"): no name at all."""
    words = [w for w in core.split(" ") if w and w not in ARTICLE_WORDS]
    return bool(words) and all(w in STRUCTURAL_WORDS for w in words)


def alias_strength(alias: str, folded: str | None = None) -> Strength:
    """Whether a typeless alias may stand alone.

    ``support``: two or three letters ("HM", "OX", "HCL") or an ordinary concept ("sécurité
    sociale"): matches only with another name, city or domain of the same entity in the text.
    ``common``: an ordinary word ("Harmonie", "Alan", "Orbis"): needs health context.
    ``weak``: a short name ("Maiia", "CNAM", "MGEN"): needs health or sale context.
    ``strong``: may stand alone.
    """
    folded = normalise_phrase(alias) if folded is None else folded
    words = folded.split(" ")
    compact = folded.replace(" ", "")
    if len(compact) <= 3 or folded in CONCEPT_PHRASES:
        return "support"
    if all(w in GENERIC_WORDS or w in COMMON_PATRONS for w in words):
        return "support"
    if all(w in COMMON_WORDS or w in GENERIC_WORDS for w in words):
        return "common"
    if len(compact) <= 5 or compact.isdigit():
        return "weak"
    return "strong"


#: "… Site Trousseau", "… Site de Bicêtre": the part of a multi-site hospital's name that says
#: which hospital it is (folded).
_SITE_PART = re.compile(r" site (?:(?:de la|de l|du|des|de|d) )?(.+)$")
#: Group acronyms written after the site ("… Site Broca Aphp").
_SITE_TRAILERS = frozenset({"aphp", "aphm", "hcl", "ap", "hp", "siege"})
#: Words of a site's name that only say whom it cares for ("Necker Enfants Malades").
_SITE_TAIL_WORDS = frozenset({"malades", "malade"})


#: "Centre national d'ophtalmologie des Quinze-Vingts": a type, a medical specialty after
#: "de"/"d'" ("national"/"régional" before it), then the name after an article.
_SPECIALTY_PART = re.compile(
    rf"^(?:(?:national|regional) )?(?:de|d) (?:{'|'.join(sorted(MEDICAL_SPECIALTIES))})"
    r" (?:de la|de l|des|du|d) (.+)$"
)


def specialty_name(name: str, towns: tuple[str, ...] = ()) -> str | None:
    """The usual name of a hospital named by what it does: ``"Centre National d Ophtalmologie
    des Quinze Vingts de Paris"`` is the ``"quinze vingts"`` hospital (its town, one of
    ``towns``, dropped); None when the name says no such thing or the rest is no name."""
    words = normalise_phrase(name).split()
    kind, used = leading_type(words)
    if kind is None:
        return None
    found = _SPECIALTY_PART.match(" ".join(words[used:]))
    if found is None:
        return None
    rest = found.group(1).split()
    for town in towns:
        size = len(town.split())
        if len(rest) > size and rest[-size:] == town.split():
            rest = rest[:-size]
            while len(rest) > 1 and rest[-1] in ARTICLE_WORDS:
                rest.pop()
    core = " ".join(rest)
    if rest[0] in GENERIC_WORDS or is_generic_core(core) or len(core.replace(" ", "")) < 5:
        return None
    return core


def site_names(name: str) -> list[str]:
    """The usual names of a hospital site named by its group: ``"GHU Aphp Sorbonne Universite
    Site Trousseau"`` is the ``"trousseau"`` hospital, ``"… Site G Pompidou"`` the
    ``"pompidou"`` one; ``"GHU Cup Site Necker Enfants Malades"`` is ``"necker enfants
    malades"`` and, its generic words dropped, ``"necker"``."""
    found = _SITE_PART.search(" " + normalise_phrase(name))
    if found is None:
        return []
    words = found.group(1).split()
    while words and words[-1] in _SITE_TRAILERS:
        words.pop()
    names = [" ".join(words)] if words else []
    if len(words) >= 2 and len(words[0]) == 1 and len("".join(words[1:])) >= 5:
        # "Site G Pompidou" is the "Hôpital (Georges) Pompidou", "Site P.zobda Quitman" the
        # "Hôpital (Pierre) Zobda-Quitman": the initial stands for any given name.
        names.append(" ".join(words[1:]))
    lead = list(words)
    while len(lead) > 1 and (lead[-1] in GENERIC_WORDS or lead[-1] in _SITE_TAIL_WORDS):
        lead.pop()
    if lead != words and len("".join(lead)) >= 5:
        names.append(" ".join(lead))
    return names
