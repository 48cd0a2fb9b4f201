"""The words of establishment names: type words and what they accept, legal forms, articles,
Saint/St, and the words too generic, structural or common to name an establishment alone.
Used by :mod:`crawler.matching.names`; changing them changes the index (its cache is keyed by
this code too)."""

from __future__ import annotations

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
    "chi": ("centre hospitalier intercommunal", "chic", "chid", "chi", "c h i"),
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
        "chd",
        "ch",
        "c h d",
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
        "polyclin",
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

#: Qualifiers people add or drop between a public hospital's type word and its core ("Centre
#: hospitalier départemental de X", "CH spécialisé de X", "Hôpital intercommunal de X"): the
#: type class a plain ``ch`` becomes with them, and whether a plain ``hopital`` takes it too
#: ("hôpital régional", "hôpital général" name hospitals abroad more often than French ones).
#: A type that says more already ("CHU", "CHS") keeps its class.
TYPE_QUALIFIERS: dict[str, tuple[str, bool]] = {
    "regional universitaire": ("chu", False),
    "regional": ("chu", False),
    "universitaire": ("chu", False),
    "interdepartemental": ("chi", True),
    "intercommunal": ("chi", True),
    "inter communal": ("chi", True),
    "specialise": ("chs", False),
    "departemental": ("ch", True),
    "general": ("ch", False),
}
#: Type classes a qualifier may follow.
QUALIFIED_TYPES = frozenset({"ch", "hopital", "chi", "chu", "chs"})


def qualified_type(kind: str, qualifier: str | None) -> str | None:
    """The type class of ``kind`` followed by ``qualifier`` (a key of TYPE_QUALIFIERS); None
    when that qualifier does not follow that type ("hôpital régional")."""
    if qualifier is None:
        return kind
    qualified, after_hopital = TYPE_QUALIFIERS[qualifier]
    if kind == "ch" or (kind == "hopital" and after_hopital):
        return qualified
    return None if kind == "hopital" else kind


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
SAINT_VARIANTS: dict[str, tuple[str, ...]] = {"saint": ("saint", "st"), "st": ("saint", "st")}
#: English writes a female saint "Saint Anne" / "St Anne": a Sainte core is also read so.
SAINT_VARIANTS.update(
    {"sainte": ("sainte", "ste", "saint", "st"), "ste": ("sainte", "ste", "saint", "st")}
)

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
#: Words that describe what a unit does or whom it serves ("Centre Social", "Centre de
#: diagnostic", "Accueil de jour personnes âgées"): a core of such words alone names no
#: establishment, like the generic words it joins.
DESCRIPTIVE_WORDS = frozenset(
    """social sociale sociaux diagnostic diagnostique traitement prevention depistage
    consultation consultations accueil urgence mentale pediatrie gerontologie gynecologie
    obstetrique cardiologie medicaux therapeutique education sport travail famille familles
    jeunes personnes agees handicapes handicap autisme addictologie alcoologie nutrition
    rehabilitation hebergement insertion aide domicile services""".split()
)
GENERIC_WORDS = GENERIC_WORDS | DESCRIPTIVE_WORDS
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
