"""The search index: one Aho-Corasick automaton over every entity form and vocabulary phrase.

Keys are folded phrases padded with spaces (``" sainte isabelle "``), so the automaton itself
only reports whole words. A key whose position matters (entity forms, foreign places) has the
value ``~i`` (negative): :class:`IndexEntry` ``entries[i]`` lists the entity candidates and
place tags it stands for, ``masks[i]`` the vocabulary it also is. A pure vocabulary key has as
value its bit mask (:data:`SIGNAL_BITS`: sale, data-type, health, French, currency, denying
words), so a post's signals are the OR of its distinct non-negative values and a post whose
values are all non-negative needs no per-hit work. Building is done once per watchlist and
cached on disk as a pickle named by the watchlist fingerprint and a digest of this code
(:func:`load_or_build`).
"""

from __future__ import annotations

import hashlib
import logging
import os
import pickle
import re
import sys
import tempfile
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import ahocorasick

from crawler.matching.claims import CURRENCY_CODES
from crawler.matching.finess_categories import (
    MEMBER_NAMED_SECTORS,
    PLACED_SECTORS,
    UNIT_SECTORS,
    category_of,
    sector_of,
)
from crawler.matching.legal_entity_names import has_known_name
from crawler.matching.name_cleaning import is_noise_name
from crawler.matching.name_words import (
    ARTICLE_WORDS,
    CATEGORY_WORDS,
    COMMON_PATRONS,
    DESCRIPTIVE_WORDS,
    FIRST_NAMES,
    GENERIC_WORDS,
    STRUCTURAL_WORDS,
    TYPE_PHRASES,
    TYPE_QUALIFIERS,
    UNIT_WORDS,
    strict_type,
)
from crawler.matching.names import (
    NameForm,
    alias_strength,
    core_variants,
    english_variants,
    forms_of_name,
    is_generic_core,
    is_structural_core,
    leading_type,
    site_names,
    specialty_name,
    strip_articles,
    whole_core,
)
from crawler.matching.normalise import normalise_phrase
from crawler.matching.vocabulary import (
    DATA_TYPES,
    FOREIGN_WORDS,
    FRENCH_WORDS,
    HEALTH_WORDS,
    NEGATION_CUES,
    SALE_SIGNALS,
    country_names,
)
from crawler.matching.watchlist import Watchlist

logger = logging.getLogger(__name__)

INDEX_VERSION = 10
#: Candidate strengths.
STRONG, WEAK, SUPPORT, GENERIC, COMMON = 0, 1, 2, 3, 4
#: Where a candidate's key comes from.
FROM_NAME, FROM_ALIAS, FROM_DOMAIN, FROM_CITY, FROM_PART = 0, 1, 2, 3, 4

#: FINESS categories of units that share their host's names (long-stay wards, home care,
#: imaging and radiotherapy sites, family houses) and the name types that say the same.
UNIT_CATEGORIES = frozenset(
    {
        "Etablissement de Soins Longue Durée",
        "Hospitalisation à Domicile",
        "Autre Etablissement Loi Hospitalière",
        "Maisons d'accueil hospitalières (M.A.H.)",
    }
)
UNIT_TYPES = frozenset({"had", "hdj", "cmp", "ehpad", "laboratoire"})
#: FINESS categories of psychiatric hospitals, often named "CH …" but written "CHS …" too.
PSYCHIATRIC_CATEGORIES = frozenset({"Centre Hospitalier Spécialisé lutte Maladies Mentales"})
#: The FINESS category of psychiatric hospitals (CHS), as a legal entity's sites give it.
_PSYCHIATRIC_TAG = "category:292"
#: Types whose name with a town alone is the town's public hospital, however it is called.
TOWN_TYPES = frozenset({"ch", "chu", "chi", "chs"})

#: (entity index, type class needed next to the core or None, strength, origin)
Candidate = tuple[int, str | None, int, int]


#: What one automaton key stands for: (key length with padding, candidates, tags). A plain
#: tuple, so that a cached index of 100k entities unpickles quickly.
IndexEntry = tuple[int, tuple[Candidate, ...], tuple[tuple[str, str], ...]]


@dataclass(frozen=True, slots=True)
class EntityContext:
    """Folded facts about an entity that confirm it when they appear in the same post."""

    cities: tuple[str, ...]
    department: str | None
    department_name: str | None
    domains: tuple[str, ...]
    family: str
    words: frozenset[str]
    unit: bool = False
    #: The name and aliases without their type words ("cannes" for "CH de Cannes").
    wholes: frozenset[str] = frozenset()


def _signal_bits() -> dict[tuple[str, str], int]:
    tags = [("health", ""), ("french", "")]
    tags += [("sale", category) for category in SALE_SIGNALS]
    tags += [("data", data_type) for data_type in DATA_TYPES]
    tags += [("currency", ""), ("negation", "")]
    return {tag: 1 << position for position, tag in enumerate(tags)}


#: Vocabulary tag → its bit in a key's signal mask.
SIGNAL_BITS = _signal_bits()


def signals_of(mask: int) -> list[tuple[str, str]]:
    """The vocabulary tags set in ``mask``."""
    return [tag for tag, bit in SIGNAL_BITS.items() if mask & bit]


@dataclass
class MatcherIndex:
    """The automaton and key entries of one watchlist (what is cached on disk).

    ``automaton`` maps an entity or place key to ``~i`` (``entries[i]``, ``masks[i]``; there
    are ``positional`` of them) and a vocabulary key to its signal mask. ``cities`` maps the
    watchlist's towns, folded, to their regions: a town of another region written right after
    a name tells another place.
    """

    fingerprint: str
    automaton: Any
    entries: list[IndexEntry]
    masks: list[int]
    positional: int
    cities: dict[str, frozenset[str]] = field(default_factory=dict)


def entity_context(entity: Any, departments: Mapping[str, str]) -> EntityContext:
    """What confirms ``entity`` in a post: its cities, department, domains, family, names."""
    towns = [entity.city] if entity.city else []
    towns += [tag[5:] for tag in entity.tags if tag.startswith("town:")]  # older addresses
    cities = tuple(
        variant
        for town in towns
        for variant in core_variants(re.sub(r"( \d+)+$", "", normalise_phrase(town)))
    )
    department_name = departments.get(entity.department or "")
    supporting = set()
    wholes: set[str] = set()
    for alias in [entity.name, *entity.aliases]:
        folded = normalise_phrase(alias)
        if folded and alias_strength(alias, folded) != "support":
            supporting.add(folded)
        wholes.update(core_variants(whole_core(folded)))
    words = normalise_phrase(entity.name).split(" ")
    unit = (
        entity.category in UNIT_CATEGORIES
        or leading_type(words)[0] in UNIT_TYPES
        or words[0] in STRUCTURAL_WORDS  # "Annexe du CH d'Ajaccio", "Antenne SMUR de Corte"
        or not UNIT_WORDS.isdisjoint(words)  # "CH Carcassonne SMUR Antenne Quillan"
        or (sector_of(entity) in UNIT_SECTORS and not has_known_name(entity))  # nursing homes…
    )
    return EntityContext(
        cities=tuple(c for c in cities if c),
        department=entity.department,
        department_name=normalise_phrase(department_name) if department_name else None,
        domains=tuple(normalise_phrase(domain) for domain in entity.domains),
        family=entity.parent_key or entity.key,
        words=frozenset(supporting),
        unit=unit,
        wholes=frozenset(wholes),
    )


def _city_parts(core: str, cities: set[str], own: tuple[str, ...] = ()) -> list[str]:
    # "bourg en bresse fleyriat" also reads as "bourg en bresse" when that is a known city;
    # "dubois brive" also reads as "brive" when the entity is in Brive-la-Gaillarde (a town
    # is often written by its first word).
    words = core.split(" ")
    shorts = {city.split(" ")[0] for city in own if " " in city}
    parts = []
    for size in range(len(words) - 1, 0, -1):
        for piece in (" ".join(words[:size]), " ".join(words[-size:])):
            if len(piece) < 4 or is_generic_core(piece) or piece in parts:
                continue
            if piece in cities or (piece in shorts and len(piece) >= 5):
                parts.append(piece)
    return parts


def _usual_name(core: str, cities: set[str]) -> str | None:
    # The usual name a long core ends with after an article: "pierre rouques les bluets" →
    # "bluets" (the article goes: "des Bluets", "les Bluets" are both written); not a town's
    # own article ("marne la vallee").
    words = core.split(" ")
    for index in range(2, len(words) - 1):
        if words[index] in ("les", "la", "le", "l") and words[index - 1] not in ARTICLE_WORDS:
            tail = words[index + 1 :]
            if any(word in ARTICLE_WORDS for word in tail) or len("".join(tail)) < 6:
                return None
            if any(" ".join(words[start:]) in cities for start in range(index)):
                return None
            return " ".join(tail)
    return None


def _named_beside_town(core: str, own: tuple[str, ...]) -> list[str]:
    # The rest of a core that starts or ends with the entity's own town ("cannes simone veil",
    # "jacques coeur de bourges"), when that rest is a name of two words or more.
    rests = []
    for town in own:
        if core.startswith(f"{town} "):
            rest = strip_articles(core[len(town) + 1 :].split(" "))
        elif core.endswith(f" {town}"):
            rest = _before_town(core, town)
        else:
            continue
        named = [word for word in rest if word not in ARTICLE_WORDS]
        text = " ".join(rest)
        # a saint's name before its town is one too ("Clinique Saint-Germain Brive"), read
        # with its town only ("GH Paris Saint-Joseph" is written so, whole)
        saint = not core.startswith(f"{town} ") and named[:1] in (["saint"], ["sainte"])
        if len(named) >= 2 and (saint or not is_generic_core(text)) and text not in rests:
            rests.append(text)
    return rests


#: Titles before a person's name in a name ("Clinique du Docteur Calmette").
_HONORIFICS = frozenset({"dr", "docteur", "pr", "professeur"})


def _without_honorific(core: str) -> str | None:
    # The person's name after a title that ends the first words of a core ("dr jean causse",
    # "otologie du docteur jean causse" → "jean causse"), two words or more; None otherwise.
    words = core.split(" ")
    for index, word in enumerate(words[:3]):
        if word in _HONORIFICS:
            rest = words[index + 1 :]
            return " ".join(rest) if len(rest) >= 2 else None
    return None


def _home_name(form: NameForm, entity: Any, home: bool, own: tuple[str, ...]) -> str | None:
    # The own name of a nursing home (``home``) a post may write without its type word,
    # without its own town at its end ("cantou des saphirs septmoncel" → "cantou des
    # saphirs"); None for a name others bear: generic words, a person's or a saint's that
    # schools and streets bear too ("Ambroise Paré"), the host hospital's ("EHPAD CH Morlaix"),
    # a site's word, one short word, a legal entity's name borrowed from a home.
    if not home or not entity.finess_et or form.secondary or form.type in TOWN_TYPES:
        return None
    core = form.core
    for town in own:
        if core.endswith(f" {town}"):
            core = " ".join(_before_town(core, town))
            break
    named = [w for w in core.split(" ") if w not in ARTICLE_WORDS]
    if not named or is_generic_core(core):
        return None
    if not (_TYPE_WORDS.isdisjoint(named) and STRUCTURAL_WORDS.isdisjoint(named)):
        return None
    if len(named) < 2 and len(named[0]) < 6:
        return None
    if named[0] in FIRST_NAMES or named[0] in ("saint", "sainte"):
        return None
    return core if COMMON_PATRONS.isdisjoint(named) else None


def _short_towns(own: tuple[str, ...]) -> tuple[str, ...]:
    # The first words of an entity's towns of several words ("brive" for "brive la
    # gaillarde"), when long enough to be a town's and no saint's ("saint germain en laye").
    shorts = []
    for town in own:
        first, _, rest = town.partition(" ")
        if rest and len(first) >= 5 and first not in ("saint", "sainte") and first not in own:
            shorts.append(first)
    return tuple(dict.fromkeys(shorts))


def _before_a_town(core: str, cities: set[str]) -> str | None:
    # The name before "a <town>" ("gouin a clichy" → "gouin"), when it is no town itself.
    name, found, town = core.partition(" a ")
    if not found or town not in cities or name in cities or len(name.replace(" ", "")) < 4:
        return None
    return name


def _area_beside_town(core: str, own: tuple[str, ...]) -> str | None:
    # The one word that ends at the entity's own town ("cornouaille quimper" → "cornouaille",
    # articles aside), when it is long enough to be a name and no generic word.
    for town in own:
        if core.endswith(f" {town}"):
            words = [w for w in _before_town(core, town) if w not in ARTICLE_WORDS]
            if len(words) == 1 and len(words[0]) >= 6 and not is_generic_core(words[0]):
                return words[0]
    return None


def _untyped_before_town(core: str, own: tuple[str, ...], ordinary: frozenset[str]) -> str | None:
    # A typeless name ending with its entity's own town, without it ("esat prestige jura saint
    # claude" → "esat prestige jura"): three named words or more, one of them no ordinary or
    # generic word, none of them a town's only ("ime de riom" leaves "ime").
    for town in own:
        if not core.endswith(f" {town}"):
            continue
        words = _before_town(core, town)
        named = [w for w in words if w not in ARTICLE_WORDS]
        if len(named) >= 3 and not _ordinary(" ".join(named), ordinary):
            return " ".join(words)
    return None


def _before_town(core: str, town: str) -> list[str]:
    # The words of a core that ends with ``town`` before it, without the articles that lead
    # to the town ("jacques coeur de bourges" → "jacques coeur").
    words = core[: -len(town) - 1].split(" ")
    while words and words[-1] in ARTICLE_WORDS:
        words.pop()
    return words


def build_index(watchlist: Watchlist) -> MatcherIndex:
    """Build the automaton and its entries for ``watchlist`` (seconds for 100k entities)."""
    keyed: dict[str, list[Candidate]] = defaultdict(list)
    tags: dict[str, list[tuple[str, str]]] = defaultdict(list)
    departments = dict(watchlist.departments)
    cities = {normalise_phrase(e.city) for e in watchlist.entities if e.city}
    excluded = watchlist.exclusions
    ordinary = watchlist.ordinary_words
    operators = {e.key for e in watchlist.entities if has_known_name(e)}
    # The families that give each whole name: a name several operators' sites share
    # ("Institut Médico-Éducatif") is a category's label, no operator's own name.
    name_families: defaultdict[str, set[str]] = defaultdict(set)
    for e in watchlist.entities:
        name_families[normalise_phrase(e.name)].add(e.parent_key or e.key)
    regional = _department_chus(watchlist, departments)
    # Regions whose name reads as a type word and a core ("Centre-Val de Loire").
    region_forms = {
        f"{form.type} {form.core}"
        for region in {e.region for e in watchlist.entities if e.region}
        for form in forms_of_name(region)
        if form.type is not None
    }
    # Regions of several departments, folded without articles: a name that is only one is a
    # place phrase ("une clinique des Hauts-de-France"), confirmed as generic words are.
    departments_of: defaultdict[str, set[str]] = defaultdict(set)
    for e in watchlist.entities:
        if e.region and e.department:
            departments_of[e.region].add(e.department)
    region_cores = {
        " ".join(w for w in normalise_phrase(region).split() if w not in ARTICLE_WORDS)
        for region, codes in departments_of.items()
        if len(codes) > 1
    }
    beside: set[tuple[str, int]] = set()  # (key, entity) of names read beside their town
    patron_types: dict[tuple[str, int], str] = {}  # ... and the one type a patron's name needs
    town_hospitals: list[tuple[int, str, tuple[str, ...]]] = []  # (entity, type, towns)
    for index, entity in enumerate(watchlist.entities):
        context = entity_context(entity, departments)
        own = context.cities
        # The names' own town may be written short ("Clinique Saint-Germain Brive" in
        # Brive-la-Gaillarde): its first word, when it can be no other part of a name.
        ends = own + _short_towns(own)
        # A nursing home, a health centre or a home-care service is known by an ordinary
        # phrase ("Résidence les Tilleuls", "Foyer Arc-en-Ciel"): its name needs its place.
        sector = sector_of(entity)
        # A legal entity known by its operator's own name ("APF France handicap") is read as a
        # curated organisation, whatever its sites are.
        organisation = entity.kind != "establishment" or has_known_name(entity)
        placed_sector = sector in PLACED_SECTORS and not organisation
        member_named = sector in MEMBER_NAMED_SECTORS
        placeless = not (entity.city or entity.department or entity.domains)
        town_hospital = _is_town_hospital(entity, context)
        memorial_alone = _memorial_may_stand_alone(entity, context)
        if town_hospital and entity.city:
            town_type = _town_type(entity)
            if town_type is not None:
                town_hospitals.append((index, town_type, context.cities))
        # A hospital's domain is its legal entity's: sites and units are not read from it.
        glued = not (entity.parent_key or context.unit)
        seen: set[tuple[str, str | None]] = set()
        names = [(FROM_NAME, entity.name)] + [(FROM_ALIAS, a) for a in entity.aliases]
        names += [(FROM_ALIAS, a) for a in group_aliases(entity)]
        if sector == "hospital" and entity.finess_et:
            # "GHU Aphp Sorbonne Universite Site Trousseau" is the "Hôpital Trousseau".
            usual = {site for _, text in names for site in site_names(text)}
            category = category_of(entity)
            if category is not None and category.code in _TOWN_CATEGORIES:
                # "Centre national d'ophtalmologie des Quinze-Vingts" is the "Hôpital des
                # Quinze-Vingts": a hospital's name after what it does, not its town.
                specialties = (specialty_name(text, own) for _, text in names)
                usual.update(n for n in specialties if n is not None and n not in cities)
            names += [(FROM_ALIAS, f"hopital {site}") for site in sorted(usual)]
        if index in regional:
            # Only with "CHU" itself: "hôpital du Nord", "CH de Vienne" are other hospitals.
            for variant in core_variants(regional[index]):
                keyed[variant].append((index, strict_type("chu"), STRONG, FROM_NAME))
        for origin, text in names:
            # A town written short ("Brive") is read after the name's own forms: "CH Brive -
            # Saint Germain" names "CH Brive" as a part before "Brive" is read as its town.
            readings: list[tuple[str | None, str, int, int]] = []
            shorts: list[tuple[str | None, str, int, int]] = []
            for form in forms_of_name(text):
                if form.type is None:
                    if is_noise_name(form.core):
                        continue  # "Annexe", "A venir", "Centre de santé": no name at all
                    strength = {
                        "strong": STRONG,
                        "weak": WEAK,
                        "support": SUPPORT,
                        "common": COMMON,
                    }[alias_strength(form.core, form.core)]
                    if not organisation and " " not in form.core:
                        strength = max(strength, WEAK)
                    elif strength == SUPPORT and organisation and _generic_words_name(form.core):
                        # "Alpes Santé Travail", "Groupe Pasteur Mutualité": three generic words
                        # or more name a curated organisation (not an establishment's unit:
                        # "Unité de soins de longue durée"); like an ordinary word, they need
                        # health context close by.
                        strength = COMMON
                    if strength in (STRONG, WEAK) and _ordinary(form.core, ordinary):
                        # "Horizon", "Ship", "Simone Veil": a brand needs health context, an
                        # establishment its place or another of its names; one ordinary word
                        # ("Accès", "Contact") names no establishment at all.
                        if not organisation and " " not in form.core:
                            continue
                        strength = COMMON if organisation else SUPPORT
                    if placed_sector and strength != SUPPORT:
                        strength = SUPPORT
                    if entity.kind == "establishment" and not cities.isdisjoint(
                        core_variants(form.core)
                    ):
                        # a name that is only a town ("Fort-de-France", "Saint Pierre" of
                        # St Pierre) names the town
                        continue
                    if form.secondary and context.unit:
                        continue  # "Chum - USLD Trinité": the first part names the host
                    readings.append((None, form.core, strength, origin))
                    rest = _untyped_before_town(form.core, own, ordinary)
                    if rest is not None and entity.kind == "establishment":
                        letters = rest.split(" ")
                        if all(len(letter) == 1 for letter in letters):
                            # "A.r.a.u.c.o. Vierzon": a dotted acronym before the town is the
                            # operator's, read as its letters are ("A.R.A.U.C.O.", "ARAUCO")
                            acronym = "".join(letters)
                            level = {"strong": STRONG, "weak": WEAK}.get(
                                alias_strength(acronym, acronym), SUPPORT
                            )
                            # (written as one word, it is any other's too, "Hospital San Vicente
                            # de Arauco" in Chile: then it needs its place)
                            readings += [
                                (None, rest, level, origin),
                                (None, acronym, SUPPORT, origin),
                            ]
                            continue
                        # "ESAT Prestige Jura Saint Claude" is the "ESAT Prestige Jura" of
                        # Saint-Claude: the name without its own town at its end, which then
                        # needs that place (or another of its names) in the post.
                        readings.append((None, rest, SUPPORT, origin))
                else:
                    if f"{form.type} {form.core}" in region_forms:
                        continue  # "UGECAM Centre-Val de Loire": a region, no "Centre" named so
                    if (
                        (organisation or entity.parent_key in operators)
                        and is_noise_name(form.core)
                        and not form.secondary
                    ):
                        # "Fondation Santé Service", "HAD Santé Service": a known operator's
                        # whole name of a type word and generic words is its name, read as an
                        # ordinary word is (health context close by, or the whole title).
                        whole = normalise_phrase(text)
                        if (
                            whole.endswith(f" {form.core}")
                            and len(whole.split(" ")) >= 3
                            and len(name_families.get(whole, ())) <= 1
                        ):
                            readings.append((None, whole, COMMON, origin))
                        continue
                    if is_structural_core(form.core) or member_named or is_noise_name(form.core):
                        continue  # "Imagerie … - Site CH", "EHPAD Résidence Autonomie": no name
                    if (
                        form.type in _HOST_TYPES
                        and sector in _HOSTED_SECTORS
                        and (
                            form.secondary
                            or leading_type(normalise_phrase(text).split())[0] != form.type
                        )
                    ):
                        # "LBM Labio Site CH du Pays d'Aix", "Calydial - CH de Vienne" name the
                        # hospital they sit in: a lab's, a dialysis or an imaging unit's name
                        # never makes it that hospital.
                        continue
                    named = [w for w in form.core.split(" ") if w not in ARTICLE_WORDS]
                    generic = is_generic_core(form.core) or " ".join(named) in region_cores
                    strength = GENERIC if generic or placed_sector else STRONG
                    if strength == GENERIC and placeless and len(named) >= 2:
                        # "GHT Atlantique 17": no place could ever confirm it; written whole
                        # with its type, a name of two words or more is enough.
                        strength = STRONG
                    source = FROM_PART if form.secondary else origin
                    if form.secondary and context.unit and form.type in TOWN_TYPES:
                        # "Centre Long Séjour - CH Montfort": a unit's name that names its
                        # host hospital needs the host's place ("Hôpital Montfort" is Ottawa's).
                        strength = GENERIC
                    readings.append((form.type, form.core, strength, source))
                    home = _home_name(form, entity, placed_sector and sector == "elderly", ends)
                    if home is not None and home not in cities and not _ordinary(home, ordinary):
                        # "EHPAD le Logis de Valric": a nursing home is written without its
                        # type word too ("Le Logis de Valric … nursing home in Saint-Vaury"),
                        # a name of its own that then needs its place.
                        readings.append((None, home, SUPPORT, FROM_PART))
                    if (
                        strength == GENERIC
                        and memorial_alone
                        and not form.secondary
                        and form.type is not None
                        and _patron_name(named)
                        and _names_alone(form.core, ordinary)
                    ):
                        # "Clcc Institut Curie": a famous person's name that many bodies bear
                        # names a hospital or cancer centre alone with its own type word ("Institut
                        # Curie", not "Hôpital … Curie") when no other family has it (see
                        # _own_beside_names).
                        own_type = strict_type(form.type)
                        readings.append((own_type, form.core, GENERIC, source))
                        for variant in core_variants(form.core):
                            beside.add((variant, index))
                            patron_types[(variant, index)] = own_type
                    person = _without_honorific(form.core)
                    if person is not None and not is_generic_core(person):
                        # "Cl du Dr Jean Causse" is the "Clinique Jean Causse": a person's name
                        # without "docteur" or "professeur" before it
                        readings.append((form.type, person, strength, FROM_PART))
                    tail = _usual_name(form.core, cities) if origin == FROM_NAME else None
                    if tail and entity.kind == "establishment":
                        # "Hôpital Pierre Rouquès les Bluets" is "Maternité des Bluets".
                        ordinary_tail = _ordinary(tail, ordinary)  # "le National", "les Lilas"
                        level = GENERIC if is_generic_core(tail) or ordinary_tail else STRONG
                        readings.append((form.type, tail, level, FROM_PART))
                    for rest in _named_beside_town(form.core, ends):
                        # "CH de Cannes Simone Veil" is also "CH Simone Veil" when Cannes is
                        # written anywhere in the post (the memorial name alone is shared);
                        # a name no other family has is enough alone (see below).
                        readings.append((form.type, rest, GENERIC, FROM_PART))
                        if memorial_alone and _names_alone(rest, ordinary):
                            beside.update((v, index) for v in core_variants(rest))
                    placed_at = _before_a_town(form.core, cities)
                    if placed_at and not _ordinary(placed_at, ordinary):
                        # "Hôpital Gouin à Clichy" is the "Hôpital Gouin" wherever its
                        # address is: the name before "à <town>".
                        level = GENERIC if is_generic_core(placed_at) else STRONG
                        readings.append((form.type, placed_at, level, FROM_PART))
                    area = _area_beside_town(form.core, ends)
                    if area and area not in cities:
                        # "Centre Hospitalier Intercommunal de Cornouaille Quimper" is the
                        # "CH de Cornouaille": one distinctive word (an area) beside its town;
                        # an ordinary one ("Clinique Mathilde Rouen") needs the town or its
                        # whole name as a title.
                        level = GENERIC if _ordinary(area, ordinary) else STRONG
                        readings.append((form.type, area, level, FROM_PART))
                    for part in _city_parts(form.core, cities, own):
                        if part in cities:
                            level = GENERIC if part not in own else STRONG
                            readings.append((form.type, part, level, FROM_CITY))
                        else:
                            shorts.append((form.type, part, STRONG, FROM_CITY))
            for form_type, core, level, source in readings + shorts:
                if placed_sector and level == STRONG and form_type is not None:
                    level = GENERIC  # every typed reading of a nursing home needs its place
                if _TYPE_WORDS.issuperset(core.split(" ")):
                    continue  # "LBM Exalab - Blaye l'Hôpital": a type word names no one
                if level == GENERIC and len(core) <= 3:
                    # "Clinique de l'Est": "est" is in every French sentence and the name
                    # would still need context; the other names of such entities remain.
                    continue
                kind = form_type
                if kind == "ch" and psychiatric(entity):
                    kind = "chs"  # "CH Henri Laborit" is a CHS: "CHS Henri Laborit" names it
                town = core in cities or source == FROM_CITY
                if kind is not None and kind not in TOWN_TYPES and town:
                    # "Hôpital (Paris 13e)" is no "Groupe hospitalier de Paris": a core that
                    # is only a town needs the entity's own type word, except for the
                    # town's public hospital ("hôpital de Vire" is the CH de Vire).
                    kind = strict_type(kind)
                variants = core_variants(core)
                if kind is not None:
                    # "Hôpital Américain" is the "American Hospital" (with an English type
                    # word: see Matcher._english_phrase).
                    variants += english_variants(core)
                for variant in variants:
                    if variant in excluded or (variant, kind) in seen:
                        continue
                    seen.add((variant, kind))
                    keyed[variant].append((index, kind, level, source))
                if glued and level == STRONG and source != FROM_PART and form_type in TOWN_TYPES:
                    # ("ch-stgaudens.fr" writes Saint-Gaudens short: every variant is glued.)
                    glued_keys = {
                        k for v in core_variants(core) for k in _glued_domains(form_type, v)
                    }
                    for key in sorted(glued_keys):
                        if key not in excluded and (key, None) not in seen:
                            seen.add((key, None))
                            keyed[key].append((index, None, STRONG, FROM_DOMAIN))
        for domain in entity.domains:
            folded = normalise_phrase(domain)
            if folded and folded not in excluded:
                keyed[folded].append((index, None, STRONG, FROM_DOMAIN))
    _own_beside_names(keyed, beside, watchlist, patron_types)
    _hospitals_of_towns(keyed, town_hospitals, watchlist, excluded)
    for word in FOREIGN_WORDS:
        tags[word].append(("foreign", ""))
    # Other countries' names too ("Hospital Albert Schweitzer Haiti"), but not a town's nor
    # one whose every word is common in watched names ("Maurice" is Mauritius in French and
    # the name of many French hospitals; "EHPAD les Jardins d'Haiti" is one name).
    in_names: defaultdict[str, int] = defaultdict(int)
    for key in keyed:
        for word in set(key.split(" ")):
            in_names[word] += 1
    for country in country_names():
        common = all(in_names[w] >= _COMMON_IN_NAMES for w in country.split(" "))
        if country not in cities and not common and ("foreign", "") not in tags[country]:
            tags[country].append(("foreign", ""))
    vocabulary = _vocabulary_masks()
    positional = sorted(key for key in set(keyed) | set(tags) if key.strip())
    automaton = ahocorasick.Automaton()
    entries: list[IndexEntry] = []
    masks: list[int] = []
    for key in positional:
        # pop: each candidate list is freed as its tuple is made (a lower peak for 100k names)
        entries.append((len(key) + 2, tuple(keyed.pop(key, ())), tuple(tags.get(key, ()))))
        masks.append(vocabulary.get(key, 0))
        automaton.add_word(f" {key} ", ~(len(entries) - 1))
    for key in sorted(set(vocabulary) - set(positional)):
        automaton.add_word(f" {key} ", vocabulary[key])
    currency = SIGNAL_BITS[("currency", "")]
    for code in CURRENCY_CODES:
        # "2btc", "500eur": a currency glued to a number (the key ends the word, no start).
        for digit in "0123456789":
            automaton.add_word(f"{digit}{code} ", currency)
    automaton.make_automaton()
    known: defaultdict[str, set[str]] = defaultdict(set)
    for entity in watchlist.entities:
        if entity.city and entity.region:
            known[re.sub(r"( \d+)+$", "", normalise_phrase(entity.city))].add(entity.region)
    known_regions = {city: frozenset(regions) for city, regions in known.items() if city}
    return MatcherIndex(
        watchlist.fingerprint(), automaton, entries, masks, len(positional), known_regions
    )


#: Hospital types a lab's, an imaging or a dialysis unit's name may name its host with ("… CH X"),
#: and the sectors of those hosted units.
_HOST_TYPES = frozenset({"ch", "chu", "chi", "chs", "gh", "hopital", "hp", "clinique"})
_HOSTED_SECTORS = frozenset({"lab", "hospital-other", "dialysis", "home-hospital"})
#: Words of type names and qualifiers ("hospitalo universitaire" is no name).
_TYPE_WORDS = (
    frozenset(
        word
        for phrase in [*TYPE_PHRASES, *TYPE_QUALIFIERS]
        for word in phrase.split()
        if word not in ("de", "l")
    )
    | {"hospitalo", "universitaire", "hospitaliere", "hospitalier"}
    | ARTICLE_WORDS
)
#: FINESS categories of the hospitals a town's name with a hospital type word may name, and
#: whose memorial name may stand alone: CHR, CH, former local hospital, CHS.
_TOWN_CATEGORIES = frozenset({"101", "106", "292", "355"})


#: ... and of the hospitals whose memorial name read beside their town may name them alone:
#: those, and the cancer centres (CLCC: "Crlcc François Baclesse - Caen" is the "Centre
#: François Baclesse").
_MEMORIAL_CATEGORIES = _TOWN_CATEGORIES | {"131"}


def _is_town_hospital(entity: Any, context: EntityContext) -> bool:
    # A public hospital itself (not one of its units, not a unit named "CH X - HDJ …").
    return _is_hospital_of(entity, context, _TOWN_CATEGORIES)


def _memorial_may_stand_alone(entity: Any, context: EntityContext) -> bool:
    # A hospital whose memorial name, read beside its town, may name it alone.
    return _is_hospital_of(entity, context, _MEMORIAL_CATEGORIES)


def _is_hospital_of(entity: Any, context: EntityContext, categories: frozenset[str]) -> bool:
    category = category_of(entity)
    if context.unit or category is None or category.code not in categories:
        return False
    return UNIT_TYPES.isdisjoint(normalise_phrase(entity.name).split())


def _names_alone(rest: str, ordinary: frozenset[str]) -> bool:
    # A memorial name read beside a town that may name its hospital alone: no ordinary or
    # type words only, no site or unit words, no numbers ("Renée Sabran", "Pierre Vitter").
    words = rest.split()
    return not (
        _ordinary(rest, ordinary)
        or _TYPE_WORDS.issuperset(words)
        or not _UNIT_NAME_WORDS.isdisjoint(words)
        or any(not word.isalpha() or len(word) <= 2 for word in words if word not in ARTICLE_WORDS)
    )


#: Words that say a name is a unit's or a service's, not a hospital's ("CATTP", "Ado",
#: "Consultation infanto-juvénile", "Urgences psy").
_UNIT_NAME_WORDS = (
    STRUCTURAL_WORDS
    | CATEGORY_WORDS
    | DESCRIPTIVE_WORDS
    | {"ado", "ados", "urgences", "infanto", "juvenile", "psycho", "cpij", "cmpe", "cpg", "uap"}
)


def psychiatric(entity: Any) -> bool:
    # A psychiatric hospital, by its category or, for a legal entity, its sites' category.
    return entity.category in PSYCHIATRIC_CATEGORIES or _PSYCHIATRIC_TAG in entity.tags


def _town_type(entity: Any) -> str | None:
    # The public-hospital type its own name gives an entity ("chs" for a psychiatric "CH").
    for name in (entity.name, *entity.aliases):
        for form in forms_of_name(name):
            if form.type is not None and not form.secondary:
                kind = form.type
                if kind == "ch" and psychiatric(entity):
                    kind = "chs"
                if kind == "hopital":
                    # A public hospital named "Hôpital Saint-Charles" (Wassy) is the town's
                    # "CH": read with that French type word only ("Hospital" is any country's);
                    # a psychiatric one ("Hôpital de Nuit a Passeghjata") its "CHS".
                    return "chs" if psychiatric(entity) else "ch"
                return kind if kind in TOWN_TYPES else None
    return None


def _hospitals_of_towns(
    keyed: dict[str, list[Candidate]],
    hospitals: list[tuple[int, str, tuple[str, ...]]],
    watchlist: Watchlist,
    excluded: frozenset[str] | set[str],
) -> None:
    # "Centre hospitalier spécialisé de Bassens" is the "CHS de la Savoie", in Bassens, and
    # "CH de Quimper" the "CH de Cornouaille": the entity's own type word and a town name the
    # one public hospital (or the one psychiatric hospital) of that town whose name does not
    # say it, when no other family of the town is one.
    entities = watchlist.entities
    # "Centre hospitalier du Chesnay", "Hôpital des Mureaux": a town's own article is also
    # written contracted with "de", so the town is read without it too (not a given name:
    # "Centre hospitalier François …" is no hospital of Le François).
    hospitals = [
        (index, kind, (*towns, *(t for t in map(_without_town_article, towns) if t)))
        for index, kind, towns in hospitals
    ]
    families: defaultdict[tuple[str, bool], set[str]] = defaultdict(set)
    for index, kind, towns in hospitals:
        entity = entities[index]
        for town in towns:
            families[(town, kind == "chs")].add(entity.parent_key or entity.key)

    def family(index: int) -> str:
        return entities[index].parent_key or entities[index].key

    for index, kind, towns in hospitals:
        psychiatric = kind == "chs"
        for town in towns:
            if len(town) < 3 or town in excluded or len(families[(town, psychiatric)]) != 1:
                continue
            if any(
                family(other) == family(index)
                and (typed or "").rstrip("=") in TOWN_TYPES
                and level != GENERIC  # "CH - Saint-Lo" reads "saint lo" as a generic core
                for other, typed, level, _ in keyed.get(town, ())
            ):
                continue  # a hospital's name of its family says the town ("CH d'Arles")
            # Only with its own French type word ("Bethesda Hospital, St. Paul" is American).
            keyed.setdefault(town, []).append((index, strict_type(kind), STRONG, FROM_CITY))
            if kind == "chi":
                # An intercommunal hospital is its towns' CH too ("Centre hospitalier de Gap"
                # is the "CHI des Alpes du Sud").
                keyed[town].append((index, strict_type("ch"), STRONG, FROM_CITY))
            if entities[index].parent_key is None:
                # Its domain glued from that reading ("ch-stgaudens.fr"), as for a name.
                for key in _glued_domains(kind, town):
                    if key not in excluded and key not in keyed:
                        keyed[key].append((index, None, STRONG, FROM_DOMAIN))


def _without_town_article(town: str) -> str | None:
    # "le chesnay" → "chesnay", "les mureaux" → "mureaux"; None for a short or a given name.
    first, _, rest = town.partition(" ")
    if first not in ("le", "la", "les", "l") or len(rest) < 5 or rest in FIRST_NAMES:
        return None
    return rest


def _own_beside_names(
    keyed: Mapping[str, list[Candidate]],
    beside: set[tuple[str, int]],
    watchlist: Watchlist,
    only_types: Mapping[tuple[str, int], str],
) -> None:
    # "Hôpital Renée Sabran Hyères" is the "Hôpital Renée Sabran" without Hyères written: a
    # name read beside its entity's town names it alone when no other family has that key.
    entities = watchlist.entities
    for key in {key for key, _ in beside}:
        candidates = keyed.get(key)
        if not candidates:
            continue  # an excluded key
        families = {entities[c[0]].parent_key or entities[c[0]].key for c in candidates}
        if len(families) != 1:
            continue
        keyed[key][:] = [
            (entity, kind, STRONG, origin)
            if (key, entity) in beside
            and level == GENERIC
            and origin in _BESIDE_ORIGINS
            and only_types.get((key, entity), kind) == kind
            else (entity, kind, level, origin)
            for entity, kind, level, origin in candidates
        ]


#: The readings a name beside its town or a patron's name come from (see _own_beside_names).
_BESIDE_ORIGINS = frozenset({FROM_PART, FROM_NAME, FROM_ALIAS})


def _patron_name(named: list[str]) -> bool:
    # A core that is generic only for being a famous person's name ("curie", "pasteur"), not
    # a saint's ("Hôpital Saint-Joseph" is Beirut's too) nor a generic word's ("du parc").
    return bool(named) and all(w in COMMON_PATRONS and w not in GENERIC_WORDS for w in named)


def _generic_words_name(core: str) -> bool:
    # An organisation's name of three words or more besides articles ("generale de sante" has
    # two).
    named = sum(w not in ARTICLE_WORDS for w in core.split(" "))
    return named >= 3


#: In how many watched names a word must be for a country's name made of it to be no marker.
_COMMON_IN_NAMES = 5


def _ordinary(core: str, ordinary: frozenset[str]) -> bool:
    # Every word of the name is an article or an ordinary word ("l avenir", "horizon").
    words = [w for w in core.split(" ") if w not in ARTICLE_WORDS]
    return bool(words) and all(w in ordinary or w in GENERIC_WORDS for w in words)


def _glued_domains(kind: str, core: str) -> list[str]:
    # "chmayotte.fr", "ch-annecygenevois.fr": a town hospital's domain with its type or town
    # glued, folded ("chmayotte fr"); the ".fr" keeps "charles" from reading as "CH Arles".
    compact = core.replace(" ", "")
    if len(compact) < 4 or not compact.isalpha():
        return []
    keys = [f"{kind}{compact} fr"]
    if " " in core:
        keys.append(f"{kind} {compact} fr")
    return keys


def _department_chus(watchlist: Watchlist, departments: Mapping[str, str]) -> dict[int, str]:
    # "CHU de la Guadeloupe", "CHU de La Réunion": overseas, the one university hospital of a
    # department is named by its island or territory, whatever its official name ("CHU de
    # Pointe-à-Pitre"). (In mainland France a CHU is named by its town.)
    found: dict[str, list[int]] = defaultdict(list)
    for index, entity in enumerate(watchlist.entities):
        department = entity.department or ""
        overseas = department[:2] == "97" or (department[:1] == "9" and department[1:].isalpha())
        if entity.parent_key or not overseas or department not in departments:
            continue
        words = normalise_phrase(entity.name).split(" ")
        if leading_type(words)[0] != "chu" or entity_context(entity, departments).unit:
            continue
        found[department].append(index)
    named: dict[int, str] = {}
    for department, indexes in found.items():
        place = " ".join(strip_articles(normalise_phrase(departments[department]).split(" ")))
        if len(indexes) == 1 and place:
            named[indexes[0]] = place
    return named


def group_aliases(entity: Any) -> list[str]:
    """How posts name a group by its brand: "Ramsay Santé" is also "groupe Ramsay".

    Only for a group named ``<brand> Santé`` (or Healthcare) whose brand is one word of five
    letters or more: "groupe Cap" would be an ordinary phrase.
    """
    if entity.kind != "group":
        return []
    words = normalise_phrase(entity.name).split(" ")
    if len(words) != 2 or words[1] not in ("sante", "healthcare") or len(words[0]) < 5:
        return []
    brand = words[0]
    return [f"groupe {brand}", f"{brand} group", f"{brand} groupe"]


def _vocabulary_masks() -> dict[str, int]:
    masks: dict[str, int] = defaultdict(int)
    for word in HEALTH_WORDS:
        masks[word] |= SIGNAL_BITS[("health", "")]
    for word in FRENCH_WORDS:
        masks[word] |= SIGNAL_BITS[("french", "")]
    for category, (_, phrases) in SALE_SIGNALS.items():
        for phrase in phrases:
            masks[phrase] |= SIGNAL_BITS[("sale", category)]
    for data_type, phrases in DATA_TYPES.items():
        for phrase in phrases:
            masks[phrase] |= SIGNAL_BITS[("data", data_type)]
    for code in CURRENCY_CODES:
        masks[code] |= SIGNAL_BITS[("currency", "")]
    for cue in NEGATION_CUES:
        masks[cue] |= SIGNAL_BITS[("negation", "")]
    return dict(masks)


def load_or_build(watchlist: Watchlist, cache_dir: Path | None) -> MatcherIndex:
    """The index of ``watchlist``, from ``cache_dir`` when a pickle of it is there.

    A missing, stale or unreadable cache is rebuilt and written atomically; a cache directory
    that cannot be written is only logged.
    """
    fingerprint = watchlist.fingerprint()
    if cache_dir is None:
        return build_index(watchlist)
    path = Path(cache_dir) / f"matcher-{INDEX_VERSION}-{_code_digest()}-{fingerprint}.pickle"
    try:
        with path.open("rb") as handle:
            index = pickle.load(handle)
        if isinstance(index, MatcherIndex) and index.fingerprint == fingerprint:
            return index
    except FileNotFoundError:
        pass
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ValueError) as exc:
        logger.warning("matcher cache %s unreadable, rebuilding: %s", path, exc)
    index = build_index(watchlist)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=path.parent, delete=False) as temporary:
            pickle.dump(index, temporary, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(temporary.name, path)
        for stale in path.parent.glob(f"matcher-*-{fingerprint}.pickle"):
            if stale != path:
                stale.unlink(missing_ok=True)  # built by another version of the code
    except OSError as exc:
        logger.warning("cannot write matcher cache %s: %s", path, exc)
    return index


@lru_cache(maxsize=1)
def _code_digest() -> str:
    # The index depends on this code too: a cache built by other code is not reused.
    digest = hashlib.sha256()
    for name in (
        "claims",
        "finess_categories",
        "index",
        "name_cleaning",
        "name_words",
        "names",
        "normalise",
        "vocabulary",
    ):
        digest.update(Path(str(sys.modules[f"crawler.matching.{name}"].__file__)).read_bytes())
    table = Path(str(sys.modules["crawler.matching.finess_categories"].__file__)).parent
    digest.update((table / "finess_categories.csv").read_bytes())
    return digest.hexdigest()[:12]
