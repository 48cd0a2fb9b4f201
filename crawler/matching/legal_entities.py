"""Names of FINESS legal entities (EJ) that run several establishments (build time).

FINESS 2021 gives an EJ number, not an EJ name. :func:`name_legal_entity` names one from its
sites, in this order:

1. a long name known for the EJ;
2. a public hospital form that two sites or more share ("CHU de Toulouse" for Purpan and
   Rangueil, "Centre hospitalier de Cannes"), or "CHU de <city>" for a regional hospital;
3. its head establishment: the one site of the highest-ranked category (a hospital before a
   clinic before a nursing home), if it is a full establishment and not a unit;
4. the words all its sites' names share, in order ("ADALEA" for "CHRS ADALEA", "CHRS ADALEA
   SITE DE LOUDÉAC" and "ADALEA ACCUEIL ECOUTE FEMMES"), if one of them names something: no
   category, type, generic or status word, and not a town of the sites.

It returns the name and how it was found, or None when none of these gives one.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from typing import Any

from crawler.matching.display_names import display_name
from crawler.matching.finess_categories import category_of
from crawler.matching.name_cleaning import is_noise_name
from crawler.matching.name_words import (
    ARTICLE_WORDS,
    CATEGORY_WORDS,
    COMMON_PATRONS,
    GENERIC_WORDS,
    LEGAL_FORMS,
    STATUS_WORDS,
    STRUCTURAL_WORDS,
)
from crawler.matching.names import (
    NameForm,
    core_variants,
    forms_of_name,
    is_generic_core,
    leading_type,
    strip_articles,
)
from crawler.matching.normalise import normalise_phrase

TYPE_DISPLAY = {
    "chu": "CHU",
    "ch": "Centre hospitalier",
    "chi": "Centre hospitalier intercommunal",
    "chs": "Centre hospitalier spécialisé",
    "gh": "Groupe hospitalier",
    "hopital": "Hôpital",
}
#: Sectors in the order a head establishment is chosen (lower first).
SECTOR_RANK = {
    "hospital": 0,
    "psychiatry": 1,
    "clinic": 2,
    "lab": 3,
    "dialysis": 3,
    "home-hospital": 4,
    "elderly": 5,
    "disability": 5,
    "child-welfare": 5,
    "addiction": 5,
    "health-centre": 6,
}
#: Sectors whose sites' hospital names ("CHU Rouen", "CH X") may name their legal entity.
_HOSPITAL_NAMING_SECTORS = frozenset(
    {"hospital", "psychiatry", "psychiatry-unit", "clinic", "long-stay", "sector"}
)
#: Name types of units that share their host's names: never a head.
_UNIT_TYPES = frozenset({"had", "hdj", "cmp", "ehpad"})
#: Words a shared run of words does not start with ("À Fécamp", "pour adultes").
_LEADING = ARTICLE_WORDS | LEGAL_FORMS | {"a", "au", "aux", "en", "pour", "sur", "et"}
#: Words a shared run of words does not end with ("IRM du Gâtinais Site", "Adhap Services",
#: "Capio Clinique Saint" of "… Saint Vincent" and "… Saint Pierre").
_TRAILING = (
    ARTICLE_WORDS
    | LEGAL_FORMS
    | STRUCTURAL_WORDS
    | {"services", "serv", "sce", "saint", "sainte", "st", "ste", "notre", "nouveau", "nouvel"}
)
_UNNAMING = (
    CATEGORY_WORDS | GENERIC_WORDS | COMMON_PATRONS | STATUS_WORDS | ARTICLE_WORDS | LEGAL_FORMS
)


def rank_of(site: dict[str, Any]) -> tuple[int, int]:
    """How a site ranks as its EJ's head: by sector (:data:`SECTOR_RANK`), then an
    establishment before a service ("EHPAD …" before "SSIAD …")."""
    category = category_of(_Tags(site))
    rank = SECTOR_RANK.get(category.sector if category else "hospital", 9)
    service = category is not None and category.label.startswith(("Service", "Serv"))
    return rank, int(service)


def name_legal_entity(
    sites: Sequence[dict[str, Any]],
    known: str | None = None,
    unnaming: frozenset[str] = frozenset(),
) -> tuple[str, str] | None:
    """``(name, how)`` for the EJ of ``sites`` (entity dicts: name, aliases, city, category,
    tags); ``how`` is ``known``, ``shared-form``, ``university``, ``head`` or ``shared-words``.
    ``unnaming``: more words that name nothing alone (ordinary words, towns)."""
    if known:
        return known, "known"
    found = _shared_form(sites)
    if found is not None:
        return found
    head = _head(sites)
    if head is not None:
        return str(head["name"]), "head"
    shared = shared_words(
        [str(site["name"]) for site in sites],
        [str(site.get("city") or "") for site in sites],
        unnaming,
    )
    return (shared, "shared-words") if shared else None


def _shared_form(sites: Sequence[dict[str, Any]]) -> tuple[str, str] | None:
    if not any(_may_name_a_hospital(site) for site in sites):
        # "EFS Normandie - CHU Rouen", "LBM … Site CH X": the sites of a blood bank or a lab
        # named after the hospitals they sit in do not make their legal entity a hospital.
        university = university_name(sites)
        return (university, "university") if university else None
    counts: Counter[NameForm] = Counter()
    for site in sites:
        forms: set[NameForm] = set()
        for name in [site["name"], *site["aliases"]]:
            forms.update(f for f in forms_of_name(name) if f.type in TYPE_DISPLAY)
        counts.update(forms)
    # Most sites first, then a fixed order (forms come out of sets: no hash order in the file).
    ranked = sorted(
        counts.items(), key=lambda kv: (-kv[1], kv[0].type or "", kv[0].core, kv[0].secondary)
    )
    common = [(f, n) for f, n in ranked if n >= 2 and not is_generic_core(f.core)]
    university = university_name(sites)
    if common:
        form = common[0][0]
        if form.type == "chu":
            return name_from_form(form), "shared-form"
        if university:
            return university, "university"
        cities = {
            variant: str(site["city"])
            for site in sites
            for town in _town_forms(str(site.get("city") or ""))
            for variant in core_variants(town)
        }
        if form.core in cities:
            return f"{TYPE_DISPLAY[form.type or 'ch']} {of_place(cities[form.core])}", "shared-form"
        named = [
            site["name"]
            for site in sites
            if form in forms_of_name(site["name"])
            and len(forms_of_name(site["name"])) == 1
            and not _is_unit_name(str(site["name"]))
        ]
        if named:
            return str(min(named, key=len)), "shared-form"
    return (university, "university") if university else None


def _may_name_a_hospital(site: dict[str, Any]) -> bool:
    # A site of a sector whose hospital names ("CHU Rouen", "CH X") may name its legal entity.
    category = category_of(_Tags(site))
    return category is None or category.sector in _HOSPITAL_NAMING_SECTORS


def _head(sites: Sequence[dict[str, Any]]) -> dict[str, Any] | None:
    ranked = [(rank_of(site), site) for site in sites]
    best = min(rank for rank, _ in ranked)
    heads = [site for rank, site in ranked if rank == best]
    if len(heads) != 1 or best[0] > 6:
        return None
    words = normalise_phrase(str(heads[0]["name"])).split()
    if not words or words[0] in STRUCTURAL_WORDS:
        return None
    if best[0] <= SECTOR_RANK["clinic"] and leading_type(words)[0] in _UNIT_TYPES:
        return None  # "EHPAD du CH de X" filed as a hospital is the hospital's unit
    return heads[0]


def _town_forms(city: str) -> list[str]:
    # "La Guiche" is written "CH de la Guiche": the core read from the name is "guiche".
    words = normalise_phrase(city).split()
    return [" ".join(words), " ".join(strip_articles(words))] if words else []


def _is_unit_name(name: str) -> bool:
    # "EHPAD du CH de X", "SSR du CH de X": a unit that carries its host's name.
    words = normalise_phrase(name).split()
    return bool(words) and (words[0] in STRUCTURAL_WORDS or leading_type(words)[0] in _UNIT_TYPES)


class _Tags:
    # The attributes category_of reads, over an entity dict.
    def __init__(self, site: dict[str, Any]) -> None:
        self.tags = site.get("tags") or []
        self.category = site.get("category")


def shared_words(
    names: Sequence[str], cities: Sequence[str] = (), unnaming: frozenset[str] = frozenset()
) -> str | None:
    """The longest run of words that every name has, in the same order, as the first name
    writes it; None unless it holds a word that names something (no category, type, generic,
    status or article word, no town of ``cities``, three letters or more)."""
    if len(names) < 2:
        return None
    first = _words(names[0])
    others = [" ".join(w for w, _ in _words(name)) for name in names[1:]]
    towns = {word for city in cities for word in normalise_phrase(city).split()}
    best: tuple[int, int] = (0, 0)
    for start in range(len(first)):
        for end in range(len(first), start, -1):
            if end - start <= best[1] - best[0]:
                break
            phrase = " ".join(w for w, _ in first[start:end])
            if all(f" {phrase} " in f" {other} " for other in others):
                best = (start, end)
                break
    run = first[best[0] : best[1]]
    while run and run[0][0] in _LEADING:
        run = run[1:]
    while run and run[-1][0] in _TRAILING:
        run = run[:-1]
    folded = " ".join(w for w, _ in run)
    naming = [
        w
        for w, _ in run
        if w not in _UNNAMING and w not in towns and w not in unnaming and len(w) >= 3
    ]
    if not naming or is_noise_name(folded):
        return None
    return " ".join(raw for _, raw in run)


def _words(name: str) -> list[tuple[str, str]]:
    # (folded word, the raw word it comes from), one per folded word.
    pairs = []
    for raw in re.split(r"[\s\-/(),]+", name):
        folded = normalise_phrase(raw).split()
        pairs += [(word, raw if len(folded) == 1 else word) for word in folded]
    return pairs


def university_name(sites: Sequence[dict[str, Any]]) -> str | None:
    """ "CHU de <the city most of its sites are in>" for a regional hospital's EJ, else None."""
    if not any("C.H.R." in (site.get("category") or "") for site in sites):
        return None
    cities = Counter(site["city"] for site in sites if site.get("city"))
    if not cities:
        return None
    city = re.sub(r"(\s+\d+)+$", "", cities.most_common(1)[0][0])
    return f"CHU {of_place(city)}"


def of_place(city: str) -> str:
    """ "de Cannes", "d'Agen"."""
    return f"d'{city}" if city[:1].lower() in "aeiouyhéè" else f"de {city}"


def name_from_form(form: NameForm) -> str:
    """A readable name for a typed form: ``(ch, "cannes")`` → "Centre hospitalier de Cannes"."""
    core = display_name(form.core.upper())
    return f"{TYPE_DISPLAY[form.type or 'ch']} {of_place(core)}"
