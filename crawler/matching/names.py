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
from typing import Literal

from crawler.matching.normalise import normalise_phrase

#: Type class → folded words that denote it, in names and in text (longest first when used).
TYPE_SURFACES: dict[str, tuple[str, ...]] = {
    "chu": (
        "centre hospitalier regional universitaire",
        "centre hospitalier universitaire",
        "centre hospitalo universitaire",
        "ctre hospitalier reg universitaire",
        "centre hospitalier regional",
        "hopitaux universitaires",
        "hopital universitaire",
        "university hospitals",
        "university hospital",
        "teaching hospital",
        "chru",
        "chu",
        "chr",
        "c h u",
        "c h r",
    ),
    "chi": ("centre hospitalier intercommunal", "chic", "chi", "c h i"),
    "chs": (
        "centre hospitalier specialise",
        "etablissement public de sante mentale",
        "hopital psychiatrique",
        "psychiatric hospital",
        "centre psychotherapique",
        "epsm",
        "chs",
        "c h s",
    ),
    "ch": (
        "centre hospitalier general",
        "centres hospitaliers",
        "centre hospitalier",
        "ctre hospitalier",
        "hospital centre",
        "hospital center",
        "general hospital",
        "hopital local",
        "hopitaux de proximite",
        "hopital de proximite",
        "chg",
        "ch",
        "c h",
    ),
    "gh": (
        "groupe hospitalier universitaire",
        "groupement hospitalier",
        "groupe hospitalier",
        "groupe hopitaux",
        "ghu",
        "ght",
        "gh",
    ),
    "hp": ("hopital prive", "private hospital", "hp"),
    "hopital": ("hopitaux", "hopital", "hospital", "hosp", "hop", "hosto"),
    "clinique": (
        "polyclinique",
        "poly clinique",
        "polyclinic",
        "private clinic",
        "clinique",
        "clinic",
        "clin",
        "cl",
    ),
    "institut": (
        "centre de lutte contre le cancer",
        "institut",
        "institute",
        "inst",
        "clcc",
    ),
    "centre": ("centre medical", "medical center", "medical centre", "centre", "center", "ctre"),
    "had": ("hospitalisation a domicile", "had"),
    "ehpad": ("ehpad", "maison de retraite"),
    "cmp": ("centre medico psychologique", "cmp"),
    "fondation": ("fondation", "foundation"),
    "laboratoire": ("laboratoire", "laboratory", "labo"),
    "hdj": ("hopital de jour", "hj"),
}

#: Entity type → text types that may name it ("hôpital de Vire" names the CH de Vire).
ACCEPTS: dict[str, frozenset[str]] = {
    "chu": frozenset({"chu", "ch", "hopital", "gh"}),
    "chi": frozenset({"chi", "ch", "hopital"}),
    "chs": frozenset({"chs", "ch", "hopital"}),
    "ch": frozenset({"ch", "chi", "hopital"}),
    "gh": frozenset({"gh", "hopital", "ch"}),
    "hp": frozenset({"hp", "hopital", "clinique"}),
    "hopital": frozenset({"hopital", "ch", "hp", "chu", "chi", "chs", "gh"}),
    "clinique": frozenset({"clinique", "hp"}),
    "institut": frozenset({"institut", "centre", "hopital"}),
    "centre": frozenset({"centre", "institut"}),
    "hdj": frozenset({"hdj", "hopital"}),
}


def strict_type(kind: str) -> str:
    """The type class that accepts only its own type words (see :data:`ACCEPTS`)."""
    return f"{kind}="


ACCEPTS.update({strict_type(kind): frozenset({kind}) for kind in TYPE_SURFACES})

LEGAL_FORMS = frozenset(
    [
        "sa",
        "sas",
        "sasu",
        "sarl",
        "eurl",
        "selarl",
        "selas",
        "sca",
        "scm",
        "sci",
        "snc",
        "gie",
        "gcs",
        "sem",
        "spa",
        "ltd",
        "inc",
        "gmbh",
    ]
)
#: Words closing a name that only say what kind of body runs it ("Clinique Rhena Association").
TRAILING_FORMS = LEGAL_FORMS | {"association", "asso"}
ARTICLES = ("de la", "de l", "du", "des", "de", "d", "la", "le", "les", "l", "of the", "of", "the")
ARTICLE_WORDS = frozenset(word for article in ARTICLES for word in article.split(" "))
SAINT_VARIANTS = {"saint": ("saint", "st"), "st": ("saint", "st")}
SAINT_VARIANTS.update({"sainte": ("sainte", "ste"), "ste": ("sainte", "ste")})

#: Words that say nothing about which establishment is meant.
GENERIC_WORDS = frozenset(
    [
        "de",
        "du",
        "des",
        "la",
        "le",
        "les",
        "l",
        "d",
        "et",
        "a",
        "au",
        "aux",
        "en",
        "sur",
        "sous",
        "pour",
        "of",
        "the",
        "and",
        "parc",
        "sud",
        "nord",
        "est",
        "ouest",
        "centre",
        "etablissement",
        "etablissements",
        "proximite",
        "central",
        "centrale",
        "pins",
        "cedres",
        "tilleuls",
        "lilas",
        "roses",
        "rose",
        "source",
        "sources",
        "lac",
        "bois",
        "val",
        "vallee",
        "colline",
        "collines",
        "jardin",
        "jardins",
        "plateau",
        "pays",
        "ville",
        "mer",
        "montagne",
        "soleil",
        "beau",
        "belle",
        "beausoleil",
        "belvedere",
        "fontaine",
        "fontaines",
        "chateau",
        "mont",
        "monts",
        "oliviers",
        "platanes",
        "vignes",
        "residence",
        "europe",
        "european",
        "europeen",
        "france",
        "francais",
        "internationale",
        "international",
        "medical",
        "medicale",
        "medicales",
        "chirurgical",
        "chirurgicale",
        "chirurgie",
        "prive",
        "privee",
        "general",
        "generale",
        "mutualiste",
        "mutualite",
        "regional",
        "regionale",
        "universitaire",
        "specialise",
        "specialisee",
        "psychiatrie",
        "psychiatrique",
        "sante",
        "soins",
        "soin",
        "readaptation",
        "reeducation",
        "convalescence",
        "gériatrique",
        "geriatrie",
        "geriatrique",
        "enfants",
        "enfant",
        "adultes",
        "adulte",
        "adolescents",
        "jour",
        "nuit",
        "site",
        "unite",
        "unites",
        "service",
        "longue",
        "duree",
        "courte",
        "moyen",
        "sejour",
        "dialyse",
        "maternite",
        "cancer",
        "cancerologie",
        "oncologie",
        "radiologie",
        "radiotherapie",
        "imagerie",
        "scanner",
        "irm",
        "tomodensitometrie",
        "scintigraphie",
        "nucleaire",
        "medecine",
        "lactarium",
        "pharmacie",
        "biologie",
        "pedo",
        "psy",
        "maison",
        "ssr",
        "usld",
        "cmp",
        "cattp",
        "hdj",
        "had",
        "smur",
        "samu",
        "urgences",
        "annexe",
        "antenne",
        "pole",
        "groupe",
        "nouvelle",
        "nouveau",
        "vieux",
        "ancien",
        "grand",
        "grande",
        "petit",
        "petite",
        "haut",
        "haute",
        "bas",
        "basse",
        "saint",
        "sainte",
        "st",
        "ste",
        "notre",
        "dame",
        "cote",
        "cotes",
        "ile",
        "iles",
        "riviere",
        "pont",
        "ponts",
        "port",
        "gare",
        "eglise",
        "montagnes",
        "village",
        "alpes",
        "ocean",
        "atlantique",
        "mediterranee",
        "provence",
        "bretagne",
        "normandie",
    ]
)
#: Words that say where a unit sits, not what it is called: a core made of them alone ("Site
#: CH", "Annexe CH") is no name, and a name that starts with one is a unit of its host.
STRUCTURAL_WORDS = frozenset({"site", "sites", "annexe", "antenne", "pole", "unite", "service"})
#: Saints and people that name many French establishments: a core made of them is generic.
COMMON_PATRONS = frozenset(
    [
        "joseph",
        "jean",
        "martin",
        "louis",
        "pierre",
        "paul",
        "michel",
        "jacques",
        "vincent",
        "francois",
        "anne",
        "marie",
        "luc",
        "roch",
        "georges",
        "antoine",
        "germain",
        "come",
        "damien",
        "charles",
        "elisabeth",
        "therese",
        "catherine",
        "christophe",
        "camille",
        "claudel",
        "pasteur",
        "curie",
        "jeanne",
        "arc",
        "jaures",
        "hugo",
        "bernard",
        "pare",
        "esquirol",
        "pinel",
    ]
)
#: Words too common in ordinary text for a one-word alias to stand alone.
COMMON_WORDS = frozenset(
    [
        "harmonie",
        "harmony",
        "alan",
        "nexus",
        "orbis",
        "ideo",
        "hexagone",
        "crossway",
        "sedona",
        "osiris",
        "sillage",
        "emeis",
        "aleo",
        "tamm",
        "osoft",
        "invitro",
        "vivalto",
        "almaviva",
        "humanis",
        "cerba",
        "inovie",
        "clinea",
        "ameli",
        "lifen",
        "axigate",
        "corwin",
        "expertiz",
        "weda",
        "maiia",
        "synlab",
        "labco",
        "unilabs",
        "biomnis",
        "eurofins",
        "santeclair",
        "enovacom",
        "dedalus",
    ]
)
#: Phrases that appear as aliases but are ordinary words in leak posts.
CONCEPT_PHRASES = frozenset({"securite sociale", "assurance maladie", "sante", "mutuelle"})

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
for _choices in _SURFACES_BY_FIRST_WORD.values():
    _choices.sort(key=lambda pair: -len(pair[0]))


def leading_type(words: list[str]) -> tuple[TypeClass | None, int]:
    """The type class written at the start of ``words`` and how many words it takes."""
    if not words:
        return None, 0
    for parts, kind in _SURFACES_BY_FIRST_WORD.get(words[0], ()):
        if words[: len(parts)] == parts:
            return kind, len(parts)
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
    """``core`` with Saint/St and Sainte/Ste written both ways (at most 4 variants)."""
    variants = [""]
    for word in core.split(" "):
        choices = SAINT_VARIANTS.get(word, (word,))
        variants = [f"{prefix} {choice}".strip() for prefix in variants for choice in choices]
        variants = variants[:4]
    return variants


def is_generic_core(core: str) -> bool:
    """True when a core names no establishment by itself ("saint joseph", "parc", "sud")."""
    words = [w for w in core.split(" ") if w]
    if not words:
        return True
    return all(w in GENERIC_WORDS or w in COMMON_PATRONS or len(w) <= 2 for w in words)


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
