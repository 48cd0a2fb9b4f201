"""The matcher: which watched entities a post names, how sure we are, and what it sells.

``Matcher(watchlist).match(title, text)`` folds both fields together once, runs one
Aho-Corasick pass over them (entity names, places and sale/data/health vocabulary are keys of
one automaton),
then confirms every candidate: a typed name needs a compatible type word next to it
("CH de …", "… hospital"), a weak alias needs health or sale context, a generic name ("Clinique
Saint-Joseph") needs the entity's city, department, postcode or domain in the post, and a
foreign place next to a name (Belgique, Québec, Texas…) discredits it. Names that stay
ambiguous are reported apart with their candidates. FINESS numbers with a valid key and
watched domains are matched too.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace
from functools import lru_cache
from itertools import islice
from pathlib import Path
from typing import Any, NamedTuple

import ahocorasick

from crawler.core.config import Settings
from crawler.core.records import EntityMatch, EntityRecord
from crawler.matching.candidates import (
    FROM_FINESS,
    THRESHOLD,
    Candidate,
    PostField,
    denied_before,
    score_of,
    self_denied,
)
from crawler.matching.claims import extract_claims, sale_assessment
from crawler.matching.coordination import coordinated_towns
from crawler.matching.countries import state_country, victim_country
from crawler.matching.display_names import REGION_OF
from crawler.matching.finess import find_finess
from crawler.matching.finess_categories import PLACED_SECTORS, category_of, sector_of
from crawler.matching.first_pass import FirstPass
from crawler.matching.hashtags import hashtag_words
from crawler.matching.headline import drill, only_hit_too, other_subject
from crawler.matching.index import (
    COMMON,
    FROM_ALIAS,
    FROM_DOMAIN,
    FROM_NAME,
    GENERIC,
    SIGNAL_BITS,
    STRONG,
    SUPPORT,
    WEAK,
    EntityContext,
    MatcherIndex,
    entity_context,
    load_or_build,
    signals_of,
)
from crawler.matching.legal_entity_names import has_known_name
from crawler.matching.masked import unmasked
from crawler.matching.mojibake import original_span, repair, replace_spans
from crawler.matching.name_words import (
    ACCEPTS,
    ARTICLE_WORDS,
    ARTICLES,
    COINED_COMMON_WORDS,
    DESCRIPTIVE_WORDS,
    ENGLISH_OWN_TYPES,
    ENGLISH_PLACE_WORDS,
    ENGLISH_QUALIFIERS,
    ENGLISH_SURFACES,
    ENGLISH_TYPE_QUALIFIERS,
    FIRST_NAMES,
    GENERIC_WORDS,
    HEADLINE_WORDS,
    LEGAL_FORMS,
    PASSING_QUALIFIERS,
    REGIONS_IN_ENGLISH_NAMES,
    ROMANCE_CONNECTORS,
    SPECIALTY_QUALIFIERS,
    TYPE_SURFACES,
    WRITTEN_QUALIFIERS,
    qualified_type,
    strict_type,
)
from crawler.matching.names import (
    core_variants,
    french_of_english,
    is_generic_core,
    whole_core,
)
from crawler.matching.normalise import FIELD_JOIN, Normalised, normalise_fields, normalise_phrase
from crawler.matching.resolve import Resolver
from crawler.matching.results import AmbiguousMatch, MatchResult
from crawler.matching.spelling import Speller
from crawler.matching.victim_field import only_mentioned, victim_field
from crawler.matching.vocabulary import (
    DEMONYMS,
    FRENCH_TERRITORIES,
    FRENCH_TLDS,
    HEALTH_WORDS,
    PROPER_DEPARTMENT_NAMES,
    demonym_forms,
    known_phrases,
)
from crawler.matching.watchlist import Watchlist, load_bundled, load_watchlist

__all__ = ["AmbiguousMatch", "EntityMatch", "MatchResult", "Matcher"]

#: Longest field considered, in characters; the rest of a huge paste is not searched.
MAX_FIELD_CHARS = 200_000
#: A title that is only a domain (LockBit lists victims so): its first label after "www.".
#: How many words before a cut word are read, and how many keys looked at, to complete it.
_COMPLETION_WORDS, _COMPLETION_KEYS = 3, 50
_BARE_DOMAIN = re.compile(
    r"\s*(?:https?://)?(?:www\.)?([A-Za-z0-9-]{4,63})(?:\.[A-Za-z0-9-]+)*\.([A-Za-z]{2,12})/?\s*$"
)
#: Characters of each field read for misspelt names: the title and the first line or two.
SPELLING_CHARS = 300

_SURFACE_TYPE = {surface: kind for kind, surfaces in TYPE_SURFACES.items() for surface in surfaces}
_SURFACES = "|".join(sorted(_SURFACE_TYPE, key=len, reverse=True))
_ARTICLES = "|".join(ARTICLES)
_QUALIFIERS = "|".join(sorted([*WRITTEN_QUALIFIERS, *PASSING_QUALIFIERS], key=len, reverse=True))
#: A type word, its qualifier and articles ("de le Cateau": FINESS writes a town's article),
#: then up to two given names or a title before the surname the watchlist names ("Hôpital
#: Armand-Trousseau", "Institut Jean Godinot").
_FIRST = "|".join(sorted(FIRST_NAMES, key=len, reverse=True))
_LEFT_TYPE = re.compile(
    rf" ({_SURFACES})(?: ({_QUALIFIERS}))?(?: (?:{_ARTICLES})){{0,2}}((?: (?:{_FIRST})){{0,2}}) $"
)
#: Initials and a department number ("AST 67", "SIST24"): one body's name, not any body's
#: initials.
_NUMBERED_ACRONYM = re.compile(r"[A-Z]{3,6}[ -]?(?:\d{2,3}|2[AB])")
#: An acronym written with inner hyphens ("AP-HP", "AP-HM"): a body's own spelling, not any
#: body's initials ("CNAM").
_HYPHENATED_ACRONYM = re.compile(r"[A-Z]{2,5}(?:-[A-Z]{2,5})+")
#: What an insurer, an occupational-health service or a lab is, in words (folded).
_KIND_WORDS = {
    "insurer": ("mutuelle", "mutuelles", "mutualiste", "complementaire sante", "prevoyance"),
    "occupational": ("sante au travail", "medecine du travail", "spsti"),
    "lab": ("laboratoire", "laboratoires", "biologie medicale"),
}
#: How far (folded characters) those words may be from the initials.
_KIND_REACH = 80
#: Words that say what care a unit gives ("long séjour", "soins de suite"), not which it is.
_CARE_WORDS = frozenset(
    [
        "long",
        "longue",
        "duree",
        "courte",
        "moyen",
        "sejour",
        "soins",
        "soin",
        "suite",
        "jour",
        "nuit",
        "readaptation",
        "reeducation",
        "convalescence",
        "geriatrie",
        "geriatrique",
        "dialyse",
        "maternite",
        "medecine",
        "chirurgie",
        "psychiatrie",
        "sante",
        "mentale",
        "medical",
        "medicale",
        "medicales",
        "medicaux",
        "biologie",
        "biologique",
        "biologiques",
        "biomedicale",
        "biomedicales",
        "adultes",
        "enfants",
        "personnes",
        "agees",
        "urgence",
        "urgences",
    ]
)
#: A name that starts with its type word ("groupe hospitalier bretagne sud").
_TYPE_FIRST = re.compile(rf"(?:{_SURFACES})(?: (?:{_QUALIFIERS}))? ")
#: A type word written after a name, maybe after an English possessive and an English
#: qualifier or region ("Lille's Cardiology Hospital", "Caen Normandy University Hospital").
_ENGLISH_QUALIFIER = "|".join(
    sorted(
        [*ENGLISH_QUALIFIERS, *ENGLISH_TYPE_QUALIFIERS, *REGIONS_IN_ENGLISH_NAMES],
        key=len,
        reverse=True,
    )
)
#: The English type qualifiers a folded text may end with, longest first.
_ENGLISH_TYPE_ENDINGS = tuple(
    f" {qualifier} " for qualifier in sorted(ENGLISH_TYPE_QUALIFIERS, key=len, reverse=True)
)
_RIGHT_TYPE = re.compile(
    rf"(?P<possessive> s(?= ))?(?: (?!(?:{_SURFACES}) )(?P<qualifier>{_ENGLISH_QUALIFIER}))?"
    rf" (?P<surface>{_SURFACES})(?= )"
)
#: A type word, then a memorial name of one to three words, then "de"/"d'"/"du"/"à"/"in"
#: before the town: "Centre hospitalier Jacques Cœur de Bourges", "Hôpital Simone Veil à
#: Blois", "Simone Veil Hospital in Cannes" is read by the type word written after.
_TOWN_CONNECTORS = ("de", "d", "du", "a", "in")
_MEMORIAL_TYPE = re.compile(
    rf" ({_SURFACES})((?: [a-z]+){{1,3}}) (?:{'|'.join(_TOWN_CONNECTORS)}) $"
)
#: A type word and the connector before a town, at the end of the words before a cut word.
_TOWN_AFTER_TYPE = re.compile(rf" (?:{_SURFACES}) (?:de |d |du |de la |des )?((?:[a-z]+ ){{0,3}})$")
#: A town's leading article, and the words that join a compound town's head to the rest
#: ("Beaufort-en-Anjou", "Châlons-sur-Marne", "Villers-lès-Nancy").
_TOWN_ARTICLES = frozenset({"la", "le", "les", "l"})
_TOWN_JOINS = frozenset({"en", "sur", "sous", "les", "lez", "aux", "de", "du", "des", "la"})
#: A country's flag: two regional indicator symbols (U+1F1E6 "A" … U+1F1FF "Z").
_REGIONAL_A = 0x1F1E6
_FLAG = re.compile("[\U0001f1e6-\U0001f1ff]{2}")
#: A headline's dateline: a place of a few words, then a colon ("Marseille : …").
_FRENCH_DATELINE = re.compile(r"\s*([^\W\d_][\w'’ -]{1,38}?)\s*:")
#: What a feed writes before a ransomware gang's name, which may be a country's ("Group: cuba").
_GANG_LABELS = (" group ", " gang ", " groupe ", " ransomware ")
#: Words a leak site's victim title may hold besides the name (a domain is read by the domain
#: rules: "cyceron.com" is no domain of the GIP Cyceron).
_TITLE_EXTRAS = LEGAL_FORMS | {"group", "groupe"}
#: The domains a title may be the victim's whole name as: French ones and generic ones.
_TITLED_TLDS = FRENCH_TLDS | {"com", "org", "net", "info"}
#: A two-word name that is a brand's French arm ("Unilabs France", "Synlab France").
_FRANCE_ARM = re.compile(r"^\S+ France$", re.IGNORECASE)
#: A domain label that glues a name to a department's number or an area's ("adapei25").
_NUMBERED_LABEL = re.compile(r"([a-z]{3,})(\d{2,3})")
#: English type words that translate no French type: "<town> Hospital" names a hospital of
#: any country's town of that name.
_PLAIN_ENGLISH_TYPES = frozenset({"hospital", "clinic", "medical center", "medical centre"})
#: The town readings of a public hospital (its own type word only, see ``index``).
_TOWN_STRICT_TYPES = frozenset(strict_type(kind) for kind in ("ch", "chi"))
#: Entity types whose town core may be reached across a memorial name (public hospitals).
_MEMORIAL_KINDS = frozenset({"ch", "chu", "chi", "chs"})
_CONNECTOR_ENDINGS = tuple(f" {connector} " for connector in _TOWN_CONNECTORS)
#: What may stand between a name and a type word written after it ("Cannes-hospital").
_JOINERS = " \t-\u00a0\u2010\u2011"
#: A postcode in folded text (starting with the space lets ``re`` skip ahead fast).
_POSTCODE = re.compile(r" (\d{5})(?= )")
_HEALTH_BIT = SIGNAL_BITS[("health", "")]
_NEGATION_BIT = SIGNAL_BITS[("negation", "")]
_SAINTS = frozenset({"saint", "sainte", "st", "ste"})
#: A name written in English order: its words, then an English type word.
_ENGLISH_NAMED = re.compile(
    rf"([a-z0-9 ]+?) (?:{'|'.join(sorted(ENGLISH_SURFACES, key=len, reverse=True))})(?: |$)"
)
#: The word written right before a name in English order, and the one before it when the
#: first is a connector ("Our Lady of Lourdes Hospital", "Good and Mercy Hospital").
_WORD_BEFORE = re.compile(r"([^\W\d_][\w'’.]*)[ \t]+(?:(of|and|&|de|la|von|van)[ \t]+)?$")
_HEALTH_OR_NEGATION = _HEALTH_BIT | _NEGATION_BIT
_PLACE_ARTICLES = frozenset({"de", "d", "du", "des", "a", "au", "in", "at", "of", "en"})
_DEPARTMENT = r"(0[1-9]|[1-8]\d|9[0-5]|2[AaBb]|97[1-6])"
_DEPARTMENT_IN_BRACKETS = re.compile(rf"\s*\({_DEPARTMENT}\)")
_BRACKETED_DEPARTMENT = re.compile(rf"\({_DEPARTMENT}\)")
#: A short run of letters in brackets: maybe a department's name ("Villefranche (Rhône)").
_BRACKETED_WORDS = re.compile(r"\(([^\W\d_][^()\d]{2,28})\)")
#: The rest of a host name ending in another country's top-level domain (linear: no nesting).
_FOREIGN_HOST = re.compile(
    r"[\w-]*(?:\.[\w-]+)*\.(?:be|ch|ca|lu|mc|ma|tn|dz|sn|ci|cm|ga|ml|bf|ht|uk|de|es|it|pt|nl|us)"
    r"(?![\w.-])",
    re.IGNORECASE,
)


#: A core's span widened to its type word: start, end, the type written, read across a memorial
#: name, past given names, the specialty an English qualifier names.
_Span = tuple[int, int, str | None, bool, bool, str | None]


class Matcher:
    """Matches posts against one watchlist; build once, then call :meth:`match` per post."""

    def __init__(self, watchlist: Watchlist, cache_dir: Path | None = None) -> None:
        self.watchlist = watchlist
        self.index: MatcherIndex = load_or_build(watchlist, cache_dir)
        self._first_pass = FirstPass(self.index.automaton, self.index.masks)
        self.finess: dict[str, int] = {}
        for position, entity in enumerate(watchlist.entities):
            number = entity.finess_et or entity.finess_ej
            if number:
                self.finess.setdefault(number.upper(), position)
        for position, entity in enumerate(watchlist.entities):
            # An EJ number names its legal entity, or the one site of an EJ that has no entity.
            if entity.finess_et and entity.finess_ej:
                self.finess.setdefault(entity.finess_ej.upper(), position)
        self._contexts: dict[int, EntityContext] = {}
        self._resolver = Resolver(watchlist, self._context)
        self._families: dict[str, list[int]] | None = None
        #: Legal entities known by their operator's own name (their sites are that operator's).
        self._operators = frozenset(e.key for e in watchlist.entities if has_known_name(e))
        self._places: dict[str, tuple[frozenset[str], frozenset[str]]] = {}
        self._towns: frozenset[str] | None = None
        self._towns_written: frozenset[str] | None = None
        self._short_towns: dict[str, str] | None = None
        self._english_named: frozenset[str] | None = None
        self._speller: Speller | None = None
        self._departments: dict[str, str] | None = None
        self._department_words: frozenset[str] | None = None
        self._family_words: dict[str, frozenset[str]] = {}
        self._types: Any = None  # built by _type_words, for masked titles

    def _context(self, entity: int) -> EntityContext:
        # Computed for candidates only: most entities never appear in a post.
        context = self._contexts.get(entity)
        if context is None:
            context = entity_context(self.watchlist.entities[entity], self.watchlist.departments)
            # A name that several entities share ("Simone Veil") confirms none of them.
            words = frozenset(w for w in context.words if self._names_one(w))
            context = replace(context, words=words)
            self._contexts[entity] = context
        return context

    def _names_one(self, phrase: str) -> bool:
        index = self.index
        value = index.automaton.get(f" {phrase} ", None)
        if value is None or value >= 0:
            return True
        candidates = index.entries[~value][1]
        families = {
            self.watchlist.entities[candidate[0]].parent_key
            or self.watchlist.entities[candidate[0]].key
            for candidate in candidates
        }
        return len(families) <= 1 and len({c[0] for c in candidates}) <= 1

    @classmethod
    def from_settings(cls, settings: Settings, extra_files: tuple[Path, ...] = ()) -> Matcher:
        """The matcher of the configured watchlist, its index cached in ``matcher_cache_dir``."""
        return cls(load_watchlist(settings, extra_files), settings.matcher_cache_dir)

    @classmethod
    def bundled(cls, cache_dir: Path | None = None) -> Matcher:
        """The matcher of the bundled default watchlist alone."""
        return cls(load_bundled(), cache_dir)

    def match(self, title: str, text: str) -> MatchResult:
        """Match one post's title and text (either may be empty).

        Mojibake ("La ChÃ¢taigneraie") is repaired first; spans and matched text of the result
        point into the original title and text.
        """
        title, text = title[:MAX_FIELD_CHARS], text[:MAX_FIELD_CHARS]
        result = self._match_post(title, text)
        if not (result.matches or result.ambiguous):
            return result
        if drill(title):
            # "Exercice de crise cyber : six hôpitaux normands simulent une attaque": the
            # hospitals of a drill story are no victims (module headline).
            return result._replace(matches=[], ambiguous=[])
        victim = victim_field(title, text)
        if victim is None:
            if other_subject(title) and not _in_title(result):
                # "Toulouse : la métropole victime d'une attaque": the story's hospitals are
                # background unless hit too (module headline).
                matches, ambiguous = only_hit_too(text, result.matches, result.ambiguous)
                return result._replace(matches=matches, ambiguous=ambiguous)
            return result
        # A press or feed item that designates its victim: the names its summary only
        # mentions are not victims (module victim_field).
        matches, ambiguous = only_mentioned(
            victim, result.matches, result.ambiguous, self._place_words(), self._members()
        )
        return result._replace(matches=matches, ambiguous=ambiguous)

    def _members(self) -> dict[str, list[int]]:
        # Family key (an entity the watchlist knows members of) → positions of its members.
        if self._families is None:
            self._families = _families_with_members(self.watchlist.entities)
        return self._families

    def _place_words(self) -> frozenset[str]:
        # Every word of the watchlist's towns' and departments' names.
        if self._towns is None:
            places = [*self.index.cities, *self._department_names()]
            self._towns = frozenset(word for place in places for word in place.split())
        return self._towns

    def _match_post(self, title: str, text: str) -> MatchResult:
        fixed_title, title_map = repair(title)
        fixed_text, text_map = repair(text)
        domain = _BARE_DOMAIN.match(fixed_title)
        tld = domain.group(2).lower() if domain is not None else None
        french = tld if tld in FRENCH_TLDS else None  # the title is a bare French domain
        if (
            domain is not None
            and tld is not None
            and (len(tld) > 2 or french is not None)
            and not self._watched_host(fixed_title[domain.start(1) : domain.end(2)])
        ):
            # A leak site's victim written as a bare domain with its words glued together
            # ("cliniquedelaloire.fr", "chcannes.fr") is read word by word.
            fixed_title, title_map = replace_spans(
                fixed_title, self._domain_words(domain, french is not None), title_map
            )
        cut = _cut_word(fixed_title)
        if cut is not None:
            # A leak site's title cut short ("Centre Hospitalier Sud Franci..."): its last
            # word is completed when the watchlist's names allow one completion only.
            fixed_title, title_map = replace_spans(
                fixed_title, self._completed(fixed_title, *cut), title_map
            )
        if "*" in fixed_title or "?" in fixed_title:
            # "G****e Hospitalier du Havre": masked words the watchlist reads one way only.
            fixed_title, title_map = replace_spans(
                fixed_title,
                unmasked(fixed_title, self.index.automaton, self._type_words(), self._typed_key),
                title_map,
            )
        # "#CHUdeRennes": a hashtag's glued words read apart.
        fixed_title, title_map = replace_spans(fixed_title, hashtag_words(fixed_title), title_map)
        fixed_text, text_map = replace_spans(fixed_text, hashtag_words(fixed_text), text_map)
        # "les hôpitaux de Guingamp et Lannion": each coordinated town read with the type word.
        fixed_title, title_map = replace_spans(
            fixed_title, coordinated_towns(fixed_title, self._is_town), title_map
        )
        fixed_text, text_map = replace_spans(
            fixed_text, coordinated_towns(fixed_text, self._is_town), text_map
        )
        first = self._match(fixed_title, fixed_text, french)
        result = first.result
        if title_map is not None or text_map is not None:  # else the spans are the original's
            result = _in_original(result, {"title": (title, title_map), "text": (text, text_map)})
        if first.folded is None or result.matches:
            return result
        # A post with health words that names nothing: misspelt distinctive names next to a
        # type word ("CHU de Bordeux") in its title and first lines are corrected and the post
        # matched again; the entities only that pass finds are added.
        folded = first.folded
        barrier = folded.text.index("|")
        edits = self.speller().corrections(
            folded, ((0, barrier), (barrier, min(barrier + SPELLING_CHARS, len(folded.text))))
        )
        if not edits:
            return result
        shift = len(fixed_title) + len(FIELD_JOIN)
        title_edits = [edit for edit in edits if edit[1] <= len(fixed_title)]
        text_edits = [(a - shift, b - shift, fix) for a, b, fix in edits if a >= shift]
        fixed_title, title_map = replace_spans(fixed_title, title_edits, title_map)
        fixed_text, text_map = replace_spans(fixed_text, text_edits, text_map)
        second = _in_original(
            self._match(fixed_title, fixed_text, french).result,
            {"title": (title, title_map), "text": (text, text_map)},
        )
        known = {match.entity.key for match in result.matches}
        # An entity the first pass weighed and turned down (a denial, a place elsewhere) is not
        # brought back by a corrected word ("a organisé un exercice" is no "organisme").
        known.update(self.watchlist.entities[index].key for index in first.rejected)
        # Only establishments named by more than the corrected word: a corrected word alone
        # is a typeless alias ("Hasiya Bayero Pediatric Hospital" is no "Bayere"), and the
        # type word that called for the correction names no vendor or insurer ("Hospital
        # Laboral Solimat" is no "Solimut").
        added = [
            match
            for match in second.matches
            if match.entity.key not in known
            and match.entity.kind == "establishment"
            and " " in normalise_phrase(match.matched)
        ]
        if not added:
            return result
        return result._replace(matches=[*result.matches, *added])

    def _is_town(self, folded: str) -> bool:
        # A town of the watchlist, however its saints are written ("Saint-Brieuc", "St Brieuc").
        return any(variant in self.index.cities for variant in core_variants(folded))

    def _type_words(self) -> Any:
        # An automaton of the type words (each one's type as value), for masked titles.
        if self._types is None:
            self._types = ahocorasick.Automaton()
            for surface, kind in _SURFACE_TYPE.items():
                self._types.add_word(f" {surface} ", kind)
            self._types.make_automaton()
        return self._types

    def _typed_key(self, key: str, kind: str) -> bool:
        # The index key is an establishment's name read with a type word ``kind`` accepts.
        value = self.index.automaton.get(key, None)
        if value is None or value >= 0:
            return False
        return any(
            written is not None and kind in ACCEPTS.get(written, frozenset({written}))
            for _, written, _, _ in self.index.entries[~value][1]
        )

    def _watched_host(self, host: str) -> bool:
        # The host (without scheme or "www."), or a parent domain of it, is a watched entity's
        # domain as it is ("claudiusregaud.fr"): read as written, not cut into words.
        labels = normalise_phrase(host).split()
        automaton = self.index.automaton
        for first in range(len(labels) - 1):
            value = automaton.get(" " + " ".join(labels[first:]) + " ", 0)
            if value < 0:
                return True
        return False

    def _completed(self, title: str, start: int, end: int) -> list[tuple[int, int, str]]:
        # The one way the watchlist's keys go on from the cut word title[start:end] and the
        # words before it (the most words first); nothing when none or several do.
        before = normalise_phrase(title[:start]).split()[-_COMPLETION_WORDS:]
        last = normalise_phrase(title[start:end])
        if " " in last or not last:
            return []
        # Two letters are completed only after two words of the name ("Sainte Foy la Gr..."),
        # or after one word and the type word before it, by the names read with that type
        # ("Polyclinique Santa Ma...").
        fewest = 2 if len(last) < 3 else 0
        kind = _type_before(before[:-1]) if fewest and len(before) >= 2 else None
        for size in range(len(before), (1 if kind else fewest) - 1, -1):
            prefix = " " + " ".join([*before[len(before) - size :], last])
            keys: Iterable[str] = islice(self.index.automaton.keys(prefix), _COMPLETION_KEYS)
            if size < fewest and kind is not None:
                keys = (key for key in keys if self._typed_key(key, kind))
            endings = {key[len(prefix) :].split(" ", 1)[0] for key in keys}
            if endings:
                if len(endings) == 1 and "" not in endings:
                    return [(start, end, last + endings.pop())]
                break
        after_type = _TOWN_AFTER_TYPE.search(" ".join(["", *before, ""]))
        if after_type is not None:
            # "Centre Hospitalier de Chol...", "CH de Saint-Nazai...": after a type word, the one
            # town's name the cut word starts (Cholet), whatever other keys start so.
            prefix = f"{after_type.group(1)}{last}"
            size = len(prefix.split())
            if size <= fewest:
                return []
            towns = {
                variant.split()[size - 1]
                for town in self.index.cities
                for variant in core_variants(town)
                if variant.startswith(prefix)
            }
            if len(towns) == 1 and (town := towns.pop()) != last:
                return [(start, end, town)]
        return []

    def _domain_words(self, domain: re.Match[str], french: bool) -> list[tuple[int, int, str]]:
        # Each glued part of the domain's first label, as the words it is made of.
        edits = []
        label = domain.group(1)
        typed = self._typed_core(label.lower()) if french else None
        if typed is not None:
            # "bergonie.fr": a French domain that is exactly the distinctive name of one
            # establishment written with its type word ("Institut Bergonié") is read so.
            start = domain.start(1)
            if domain.string[max(0, start - 4) : start].lower() == "www.":
                start -= 4  # "www.bergonie.fr": no host part before the name
            return [(start, domain.end(1), f"{typed} {label}")]
        for part in re.finditer(r"[^-]+", label):
            numbered = _NUMBERED_LABEL.fullmatch(part.group().lower())
            if numbered is not None and part.group().lower() in self.speller().words:
                numbered = None  # a name's own word ("LBM Cbm25"): read as it is
            words: list[str] | None
            if numbered is not None:
                # "adapei25.fr", "bio17.fr": a name and its department glued together
                letters, digits = numbered.groups()
                words = [*(self.speller().segment(letters) or [letters]), digits]
            else:
                words = self.speller().segment(part.group().lower())
            if words is not None:
                start = domain.start(1) + part.start()
                edits.append((start, start + len(part.group()), "-".join(words)))
        return edits

    def _typed_core(self, word: str) -> str | None:
        # The type word the name ``word`` is written with, when it is the distinctive name of
        # one family's establishment (not an ordinary word, a town or a department).
        if len(word) < 6 or not word.isalpha() or word in self.watchlist.ordinary_words:
            return None
        if word in self.index.cities or word in self._department_names():
            return None
        value = self.index.automaton.get(f" {word} ", None)
        if value is None or value >= 0:
            return None
        candidates = self.index.entries[~value][1]
        types: set[str | None] = {type_class for _, type_class, _, _ in candidates}
        families = {self._context(entity).family for entity, _, _, _ in candidates}
        if len(types) != 1 or len(families) != 1 or any(c[2] != STRONG for c in candidates):
            return None
        return types.pop()

    def speller(self) -> Speller:
        """The speller of this watchlist's name words (built on first use)."""
        if self._speller is None:
            # Names of nursing homes, health centres and the like are no targets (they need
            # their place anyway; 40,000 of them would make the index five times larger), but
            # their words, as every key of the automaton, are known words, never corrected.
            names: list[str] = []
            towns: set[str] = set()
            for entity in self.watchlist.entities:
                if sector_of(entity) in PLACED_SECTORS:
                    continue
                names += [entity.name, *entity.aliases, *([entity.city] if entity.city else [])]
                if entity.city and entity.kind == "establishment":
                    towns.add(entity.city)
            keys = [key.strip() for key, value in self.index.automaton.items() if value < 0]
            self._speller = Speller(
                names, [*known_phrases(), *keys], self.watchlist.english_near_names, towns
            )
        return self._speller

    def _match(self, title: str, text: str, domain_tld: str | None = None) -> _Pass:
        # Both fields are folded and searched in one pass; `` | `` keeps them apart.
        folded = normalise_fields(title, text)
        joined = folded.text
        raw: list[Candidate] = []
        fields: tuple[PostField, PostField] | None = None
        # The post's signals, and whether it holds an entity or place key: only a post with
        # one is read again, for the positions of its keys.
        mask, positional = self._first_pass(joined)
        if positional:
            fields = _fields(folded, len(title))
            hits = self._first_pass.hits(joined, _HEALTH_OR_NEGATION)
            self._candidates(fields, hits, raw)
            for candidate in raw:
                if _in_foreign_host(candidate):
                    candidate.field.foreign.append(candidate.end)
        for start, end, number in find_finess(joined) if folded.long_number else ():
            entity_index = self.finess.get(number)
            if entity_index is not None:
                fields = fields or _fields(folded, len(title))
                item = fields[start > fields[0].end]
                raw.append(Candidate(item, start, end, entity_index, STRONG, FROM_FINESS))
        sale, data_types, health, french, currency = _signals(mask)
        # (Only a post whose folded text has the word reads the field: most have none.)
        has_field = " country " in joined or " pays " in joined
        country = victim_country(text) if has_field else None
        if country is None and raw and "," in folded.original:
            country = state_country(folded.original)  # "Versailles, KY": the US
        if country is not None and fields is not None:
            # "Country: IT": every name is read as the foreign one; "Country: FR" is France.
            french = french or country in FRENCH_TERRITORIES
            for item in fields:
                item.country = country
        assessment = sale_assessment(sale)
        claims = extract_claims(title, text, data_types, sale, currency)
        if not raw:
            return _Pass(MatchResult([], [], assessment, claims), folded if health else None)
        postcodes = {
            code[:3] if code.startswith("97") else code[:2] for code in _POSTCODE.findall(joined)
        }
        # A department written in brackets places a name too: "Clinique du Parc (49)".
        postcodes.update(code.lower() for code in _BRACKETED_DEPARTMENT.findall(folded.original))
        if "(" in folded.original:
            # "(Rhône)", "(Nord)": a department's name in brackets places a name too, even one
            # that is an ordinary word elsewhere.
            for written in _BRACKETED_WORDS.findall(folded.original):
                code = self._department_codes().get(normalise_phrase(written))
                if code is not None:
                    postcodes.add(code)
        if domain_tld is not None and fields is not None:
            _own_domain(raw, joined[: fields[0].end].split(), domain_tld)
        accepted: list[Candidate] = []
        without: dict[str, str] = {}
        # Telegram channels mark a victim's country with its flag ("🇧🇪 Clinique Saint-Pierre").
        flagged = _FLAG.search(folded.original) is not None
        _deny_listed(raw)
        for candidate in raw:
            candidate.placed, candidate.supported = self._supported(
                candidate, joined, postcodes, without
            )
            # Another town written right after the name outweighs the entity's town written
            # further on ("l'hôpital Saint-Louis de La Rochelle … pas celui de Paris").
            flags = _line_flags(candidate) if flagged else frozenset()
            # A French flag on the name's line outweighs foreign words on the lines around it
            # ("🇮🇹 Ospedale San Raffaele\n🇫🇷 Clariane"); another country's flag places it there.
            candidate.flagged_french = bool(flags) and flags <= FRENCH_TERRITORIES
            candidate.elsewhere = self._elsewhere(candidate, joined) or (
                bool(flags) and flags.isdisjoint(FRENCH_TERRITORIES)
            )
            if candidate.elsewhere:
                candidate.placed = candidate.supported = False
            if candidate.level in (WEAK, COMMON, GENERIC, SUPPORT):
                candidate.titled = self._titled(candidate)
            candidate.score = score_of(candidate, health, bool(sale), french)
            if candidate.level == COMMON and _lowercase_in_cased_text(candidate):
                candidate.score = 0.0  # "il faut aider santé et social": words, no name
            elif _across_hashtags(candidate):
                candidate.score = 0.0  # "#CH #Orne": two tags, no "CH de l'Orne"
        self._away_from_dateline(raw)
        self._self_denied(raw)
        for candidate in raw:
            if candidate.score >= THRESHOLD or candidate.level == GENERIC:
                accepted.append(candidate)
        matches, ambiguous = self._resolver.resolve(accepted)
        rejected = frozenset(c.entity for c in raw) - {
            c.entity for c in raw if c.score >= THRESHOLD
        }
        return _Pass(
            MatchResult(matches, ambiguous, assessment, claims),
            folded if health else None,
            rejected,
        )

    def _candidates(
        self,
        fields: tuple[PostField, PostField],
        hits: Iterable[tuple[int, int]],
        raw: list[Candidate],
    ) -> None:
        # Entity candidates and foreign places among the hits of the folded post.
        entries, masks = self.index.entries, self.index.masks
        normalised = fields[0].folded
        barrier = fields[0].end
        health_at, denials = fields[0].health, fields[0].denials
        for end, value in hits:
            # Most hits are vocabulary (value = its mask), and most of it neither health words
            # nor denials: one test each.
            mask = value if value >= 0 else masks[~value]
            if mask & _HEALTH_OR_NEGATION:
                if mask & _HEALTH_BIT:
                    health_at.append(end)
                if mask & _NEGATION_BIT:
                    denials.append(end)
            if value >= 0:
                continue
            length, candidates, tags = entries[~value]
            start = end - length + 2
            item = fields[start > barrier]
            if (
                tags
                and not normalised.text.endswith(_GANG_LABELS, 0, start)
                and not _at_border(normalised.text, start, end)
            ):
                item.foreign.append(start)  # ("Group: cuba" names a gang, not Cuba)
            # Candidates of one entry share its span: confirm each entity type once.
            spans: dict[str | None, _Span | None] = {}
            english_town: bool | None = None  # one test per hit: it depends on the span only
            # A core hospitals abroad have too, in English order ("Albert Schweitzer
            # Hospital"): it needs France (one test per hit, when a type word follows).
            abroad: bool | None = None
            glued: bool | None = None  # the hit is the end of a longer host ("univ-antilles.fr")
            if _number_across_punctuation(normalised, start, end):
                continue  # ".pst, 38 Go" is no "PST 38"
            in_path: bool | None = None  # the hit is part of a file's path or name
            first = len(raw)
            for entity, kind, level, origin in candidates:
                if self.watchlist.entities[entity].kind == "vendor":
                    if in_path is None:
                        in_path = _in_file_path(normalised, start, end)
                    if in_path:
                        continue  # "\\srv-dpi\\backup\\dxcare_*.bak": the victim's software
                if origin == FROM_DOMAIN:
                    if glued is None:
                        glued = _inside_host(normalised, start)
                    if glued:
                        continue  # "univ-antilles.fr" is not the host "antilles.fr"
                if kind in spans:
                    span = spans[kind]
                else:
                    span = spans[kind] = self._typed_span(normalised, start, end, kind)
                if span is not None:
                    if span[5] is not None and not self._of_specialty(entity, span[5]):
                        continue  # "Caen Cancer Center" is no other centre of Caen
                    exact = kind is not None and span[2] == kind.rstrip("=")
                    if span[1] > end and english_town is None:
                        english_town = self._english_town(normalised, start, end)
                        key = normalised.text[start : start + length - 2]
                        abroad = key in self.watchlist.shared_abroad
                    raw.append(
                        Candidate(
                            item,
                            span[0],
                            span[1],
                            entity,
                            level,
                            origin,
                            exact=exact,
                            across=span[3],
                            given=span[4],
                            english_town=span[1] > end and bool(english_town),
                            shared_abroad=span[1] > end and bool(abroad),
                        )
                    )
            if abroad:
                # "Henry Dunant Hospital Center" names a hospital of that name, abroad as
                # likely as here: so are the hit's entities without a type ("Henry Dunant"),
                # whose name is read with that type word (no health word "near" it then).
                widest = max(candidate.end for candidate in raw[first:])
                for candidate in raw[first:]:
                    candidate.shared_abroad = True
                    candidate.end = widest

    def _typed_span(
        self, normalised: Normalised, start: int, end: int, kind: str | None
    ) -> _Span | None:
        # (start, end) of the core, widened to the type word that confirms it, that word's
        # type, whether a memorial name was read across, whether given names were passed
        # over and the specialty an English qualifier names; None if no type confirms it.
        if kind is None:
            return start, end, None, False, False, None
        folded = normalised.text
        accepted = ACCEPTS.get(kind, frozenset({kind}))
        left = _LEFT_TYPE.search(folded, max(0, start - 60), start)
        if left is not None and _is_top_level_domain(normalised, left.start(1), left.end(1)):
            left = None  # "rhonefm.ch La radio": the ".ch" of a host is no "CH"
        if (
            left is not None
            and left.group(1) == "centre"
            and folded.endswith(" du", 0, left.start(1) - 1)
        ):
            left = None  # "Pharmacie du Centre Lourdes": the town centre, no "Centre"
        if left is not None:
            written = qualified_type(_SURFACE_TYPE[left.group(1)], left.group(2))
            if written is not None and left.group(2) is None and left.group(1) in ENGLISH_SURFACES:
                # "Specialized Hospital Center of Bassens": an English qualifier before the
                # type word may say its type, as a French one after it (it blocks nothing:
                # "Regional Hospital Center of Cannes" is still the CH de Cannes).
                qualified = _english_qualified(written, folded, left.start(1))
                if qualified is not None and qualified in accepted:
                    written = qualified
            if (
                written == "hopital"
                and kind in _TOWN_STRICT_TYPES
                and left.group(1) not in ENGLISH_SURFACES
            ):
                # "L'hôpital de Saint-Brieuc" is the town's one public hospital as "CH de
                # Saint-Brieuc" is (French's own word only: "Bethesda Hospital, St. Paul").
                written = kind.rstrip("=")
            if written is not None and written in accepted:
                if written not in ENGLISH_OWN_TYPES and self._english_phrase(
                    left.group(1), folded, start, end
                ):
                    return None
                if ROMANCE_CONNECTORS.intersection(
                    folded[left.end(1) : start].split()
                ) and _is_hospital(normalised, left.start(1), left.end(1)):
                    return None  # "Hospital de la Concepción" is Spanish
                given = bool(left.group(3))
                if given and folded[start:end] in self.index.cities:
                    return None  # "Hôpital Charles-Foix" is no hospital of Foix
                return left.start(1), end, written, False, given, None
        if kind in _MEMORIAL_KINDS and folded.endswith(_CONNECTOR_ENDINGS, 0, start):
            memorial = _MEMORIAL_TYPE.search(folded, max(0, start - 60), start)
            if (
                memorial is not None
                and _SURFACE_TYPE[memorial.group(1)] in accepted
                and _is_memorial(normalised, memorial.start(2), memorial.end(2))
                and not (
                    not folded.endswith(" in ", 0, start)
                    and _is_hospital(normalised, memorial.start(1), memorial.end(1))
                )
            ):
                # ("Hospital Ciudad de Boulogne" is Spanish: English says "… Hospital in".)
                return memorial.start(1), end, _SURFACE_TYPE[memorial.group(1)], True, False, None
        right = _RIGHT_TYPE.match(folded, end)
        written = None if right is None else _right_type(right)
        if right is not None and written is not None and written in accepted:
            # "Cannes hospital", not "Mauvezin (Gers), hôpital de proximité": a type word
            # after the core belongs to it only if nothing but spaces or a dash is between,
            # or an English possessive and qualifier before an English type word ("Lille's
            # Cardiology Hospital").
            first, last = normalised.span(start, end)
            type_at = normalised.span(right.start("surface"), right.end("surface"))[0]
            between = normalised.original[last:type_at]
            if not _english_between(right, between) and between.strip(_JOINERS):
                return None
            core = folded[start:end]
            if right.group("possessive") and (
                core not in self.index.cities or _SAINTS.intersection(core.split(" "))
            ):
                return None  # a town's hospital ("Lille's"), not a saint's ("St. James's")
            if written not in ENGLISH_OWN_TYPES and self._english_phrase(
                None, folded, start, end, right.end()
            ):
                return None
            after = folded[right.end() : right.end() + 8].split(" ", 2)
            if (
                len(after) > 1
                and after[1] in ROMANCE_CONNECTORS
                and _is_hospital(normalised, right.start("surface"), right.end("surface"))
            ):
                return None  # "Novo Hospital de …" is Portuguese or Spanish
            name_at = _before_given_names(normalised.original, first)
            if _name_goes_on_left(normalised.original, name_at, self.index.cities):
                return None  # "Scripps Mercy Hospital", "Mount Vernon Hospital"
            given = name_at < first
            if given and core in self.index.cities:
                return None  # "Charles Foix Hospital" is no hospital of Foix
            qualifier = right.group("qualifier")
            specialty = qualifier if qualifier in SPECIALTY_QUALIFIERS else None
            return start, right.end(), written, False, given, specialty
        return None

    def _titled(self, candidate: Candidate) -> bool:
        # The title is the name and nothing else (a legal form aside),
        # and the entity writes that name as a word, not an acronym: a leak site's victim
        # "ORPEA" or "Macif" is that organisation ("CNAM", "ACMS" are other bodies' initials).
        field = candidate.field
        if field.name != "title":
            return False
        text = field.folded.text
        rest = f"{text[field.start : candidate.start]} {text[candidate.end : field.end]}".split()
        extras = _TITLE_EXTRAS
        first, last = field.folded.span(field.start, field.end)
        domain = _BARE_DOMAIN.fullmatch(field.folded.original, first, last)
        if domain is not None and domain.group(2).lower() in _TITLED_TLDS:
            # "clinique-louis-pasteur.fr", "calydial.org": the name written as the victim's
            # domain, a French or a generic one, as the name alone is ("calydial.it" is not)
            extras = extras | {"www", domain.group(2).lower()}
        if not all(word in extras for word in rest):
            return False
        matched = text[candidate.start : candidate.end].strip()
        entity = self.watchlist.entities[candidate.entity]
        if candidate.level == COMMON:
            if matched in COINED_COMMON_WORDS and "country:FR" in entity.tags:
                return True  # a French organisation's coined name ("INOVIE"), not "Synlab"
            # Ordinary words: only a vendor's, group's or insurer's whole name of two words or
            # more ("Dedalus France", "Carte Blanche Partenaires"), never one word ("Harmonie"),
            # nor an establishment's ("Le Moulin Vert" is a restaurant's name too).
            return (
                (
                    entity.kind != "establishment"
                    # an operator's name of three named words ("Fondation Santé Service"),
                    # not two ("Le Moulin Vert" is a restaurant's too)
                    or (entity.key in self._operators or entity.parent_key in self._operators)
                    and sum(w not in ARTICLE_WORDS for w in matched.split(" ")) >= 3
                )
                and " " in matched
                and any(
                    normalise_phrase(name) == matched
                    for name in (entity.name, *entity.aliases)
                    # (or "<brand> France", the French arm's name: "Unilabs France")
                    if name == entity.name or name.count(" ") >= 2 or _FRANCE_ARM.search(name)
                )
            )
        if candidate.level == GENERIC:
            # Generic words with a type word: only an establishment's or group's whole own
            # name of two named words or more, not a saint's, not a nursing home's ("Groupe
            # Hospitalier Bretagne Sud", not "Clinique du Parc", "Clinique Saint-Jean",
            # "Résidence les Tilleuls").
            typed = _TYPE_FIRST.match(matched)
            named = [] if typed is None else _named_words(matched[typed.end() :])
            if not named or not _SAINTS.isdisjoint(named):
                return False
            if len(named) == 1 and (
                is_generic_core(named[0])
                or not (
                    self._own_name_but_town(entity, matched)
                    or (
                        matched.startswith("ehpad ")
                        and named[0] not in self.watchlist.ordinary_words
                    )
                )
            ):
                # one word: only its whole name but its town ("Clinique Mathilde") or a
                # distinctive word after France's "EHPAD" ("EHPAD Monconseil"), not a generic
                # word ("Polyclinique du Parc - Caen": Cholet has one too)
                return False
            if all(w in DESCRIPTIVE_WORDS or w in _CARE_WORDS for w in named):
                return False  # "Centre de Long Séjour" says what it does, not which it is
            if (
                sector_of(entity) in PLACED_SECTORS
                and not matched.startswith("ehpad ")
                and not has_known_name(entity)  # a legal entity's own name, whatever its sites
            ):
                # "Résidence les Tilleuls" is any country's, an EHPAD only France's: one
                # whose whole name is the title is that EHPAD when no other has the name.
                return False
        if candidate.level == SUPPORT:
            # A name that needs its place elsewhere: only an establishment's whole own name of
            # three named words or more with a health word in it ("Pôle Santé République"),
            # not a nursing home's ("Résidence les Tilleuls") nor a two-word one.
            named = _named_words(matched)
            if len(named) < 3 or _HEALTH_NAME_WORDS.isdisjoint(named):
                return False
            if entity.kind != "establishment" or sector_of(entity) in PLACED_SECTORS:
                return False
            return any(
                not name.isupper() and _named_words(normalise_phrase(name)) == named
                for name in (entity.name, *entity.aliases)
            )
        written = _named_words(matched)
        if self._own_name_but_town(entity, matched):
            return True  # the name without its own town at its end ("EHPAD Résidence d'Olt")
        if any(
            _HYPHENATED_ACRONYM.fullmatch(name) is not None
            and [normalise_phrase(name.replace("-", ""))] == written
            for name in (entity.name, *entity.aliases)
        ):
            return True  # "APHP": the body's own acronym without its hyphen
        return any(
            (
                not name.isupper()
                or _NUMBERED_ACRONYM.fullmatch(name) is not None
                or _HYPHENATED_ACRONYM.fullmatch(name) is not None
            )
            and _named_words(normalise_phrase(name)) == written
            for name in (entity.name, *entity.aliases)
        )

    @staticmethod
    def _own_name_but_town(entity: EntityRecord, matched: str) -> bool:
        # ``matched`` (folded) is one of the entity's names without its own town at its end
        # ("EHPAD Résidence d'Olt Cahors", "Clinique Mathilde Rouen"), written as a word.
        written = _named_words(matched)
        town = _named_words(normalise_phrase(entity.city or ""))
        if not town:
            return False
        for name in (entity.name, *entity.aliases):
            words = _named_words(normalise_phrase(name))
            if name.isupper() or words[-len(town) :] != town:
                continue
            if words[: -len(town)] == written:
                return True
        return False

    def _self_denied(self, raw: list[Candidate]) -> None:
        # An entity that the post says was not hit, or ran a drill ("le centre hospitalier de
        # Haguenau affirme n'avoir subi aucune cyberattaque"), is not named as a victim by its
        # other mentions either: a press record's victim line, a title.
        entities = self.watchlist.entities
        # (Candidates of one span share it: each span is read once.)
        spans: dict[tuple[str, int, int], bool] = {}
        denied = set()
        for c in raw:
            if c.score >= THRESHOLD:
                continue
            span = (c.field.name, c.start, c.end)
            if span not in spans:
                spans[span] = self_denied(c) and not _another_body(c, raw)
            if spans[span]:
                denied.add(entities[c.entity].parent_key or entities[c.entity].key)
        if not denied:
            return
        for candidate in raw:
            entity = entities[candidate.entity]
            if (entity.parent_key or entity.key) in denied and candidate.score >= THRESHOLD:
                candidate.score = max(0.0, candidate.score - 0.6)

    def _away_from_dateline(self, raw: list[Candidate]) -> None:
        # A headline whose dateline is a French town ("Marseille : l'AP-HM visée…") tells a
        # local story: once an entity of that region is named, the text's entities of other
        # regions, not placed, are the story's background ("L'AP-HP avait connu une fuite
        # similaire"), not its victims. Paris is no dateline: national news is written there.
        if not raw:
            return
        folded = raw[0].field.folded
        dateline = _FRENCH_DATELINE.match(folded.original)
        if dateline is None:
            return
        town = normalise_phrase(dateline.group(1))
        if town not in self.index.cities or town == "paris":
            return
        entities = self.watchlist.entities

        def region_of(index: int) -> str | None:
            entity = entities[index]
            return entity.region or REGION_OF.get(entity.department or "")

        # The region of the entities of that town the post names (a town's name is also a
        # few other regions' entities' address: read the story's own).
        regions = {
            region_of(c.entity)
            for c in raw
            if c.score >= THRESHOLD and normalise_phrase(entities[c.entity].city or "") == town
        }
        if not regions:
            return
        for candidate in raw:
            region = region_of(candidate.entity)
            if (
                candidate.field.name == "text"
                and region is not None
                and region not in regions
                and not candidate.placed
            ):
                candidate.score = max(0.0, round(candidate.score - 0.6, 3))

    def _english_town(self, normalised: Normalised, start: int, end: int) -> bool:
        # A town and a plain English type word after it ("Royan Hospital", "Crest Hospital"):
        # how English names a hospital of any country's town of that name ("Arles Hospital
        # Center", "Poitiers University Hospital" translate French types).
        folded = normalised.text
        right = _RIGHT_TYPE.match(folded, end)
        return (
            right is not None
            and right.group("surface") in _PLAIN_ENGLISH_TYPES
            and right.group("qualifier") is None
            and right.group("possessive") is None
            and folded[start:end] in self._town_forms()
        )

    def _town_shorts(self) -> dict[str, str]:
        # A town of several words → its first word, when no other town starts so and it is
        # no town itself ("septmoncel les molunes" → "septmoncel", "brive la gaillarde" →
        # "brive"; not "villeneuve", "boulogne" nor "saint"): a town written short, or by its
        # name before it merged with another commune, places a name too.
        if self._short_towns is None:
            cities = self.index.cities
            firsts: dict[str, list[str]] = defaultdict(list)
            for town in cities:
                first, _, rest = town.partition(" ")
                if rest and len(first) >= 5 and first not in _SAINTS:
                    firsts[first].append(town)
            self._short_towns = {
                towns[0]: first
                for first, towns in firsts.items()
                if len(towns) == 1 and first not in cities
            }
        return self._short_towns

    def _town_forms(self) -> frozenset[str]:
        # The watchlist's towns as English names them too: without their article ("Trinité"
        # for La Trinité), and the head of a compound name ("Beaufort" for Beaufort-en-Anjou).
        if self._towns_written is None:
            forms = set(self.index.cities)
            for town in self.index.cities:
                words = town.split(" ")
                if len(words) > 1 and words[0] in _TOWN_ARTICLES:
                    forms.add(" ".join(words[1:]))
                cut = next((i for i, w in enumerate(words) if i and w in _TOWN_JOINS), None)
                if cut is not None and len(" ".join(words[:cut])) >= 4:
                    forms.add(" ".join(words[:cut]))
            self._towns_written = frozenset(forms)
        return self._towns_written

    def _english_phrase(
        self, surface: str | None, folded: str, start: int, end: int, after: int | None = None
    ) -> bool:
        # An English type word with ordinary English words for a name ("Mercy Hospital",
        # "Clinical Center", "Hospital Civil"): an English phrase, not a French name, unless
        # the words are a town ("Nice hospital") or a French name in English (``after``: where
        # the type word written after the name ends).
        if surface is not None and surface not in ENGLISH_SURFACES:
            return False  # (None: a type word written after the name, English order)
        core = folded[start:end]
        if core in self.index.cities:
            return False
        words = [w for w in core.split(" ") if w and w not in ARTICLE_WORDS]
        if " ".join(words) in self._department_names():
            return False  # "Réunion University Hospital": a department is a place too
        if not words or _SAINTS.intersection(words):
            return False  # "Saint Joseph Hospital": a saint's name is a name in any language
        if self._english_named is None:
            self._english_named = _english_named_cores(self.watchlist)
        if core in self._english_named:
            return False  # "American Memorial Hospital" is how Reims's hospital is named
        french = french_of_english(core)
        if (
            french is not None
            and self.index.automaton.get(f" {french} ", 0) < 0
            and (" " in core or _french_town_after(folded, after, self.index.cities))
        ):
            # "Basque Coast Hospital Center" is the "CH de la Côte Basque" in English; one
            # adjective is a name only with a French town after it: "American Hospital of
            # Paris" (not "American Hospital Dubai").
            return False
        english = self.watchlist.english_words
        return all(w in english or w in GENERIC_WORDS for w in words)

    def _supported(
        self, candidate: Candidate, context: str, postcodes: set[str], without: dict[str, str]
    ) -> tuple[bool, bool]:
        # (confirmed by a place, confirmed by a place or another name of the entity).
        entity = self._context(candidate.entity)
        if entity.department and entity.department.lower() in postcodes:
            return True, True
        # The name itself does not confirm the name ("Clinique Saint-Joseph" in Saint-Joseph),
        # nor does its town written again ("Calais Community Hospital (Calais, Maine)").
        matched = candidate.field.folded.text[candidate.start : candidate.end]
        rest = without.get(matched)
        if rest is None:  # the candidates of one span share it: replaced once per post
            rest = without[matched] = context.replace(matched, " ")
        context = rest
        places = [*entity.domains]
        places += [city for city in entity.cities if f" {city} " not in f" {matched} "]
        shorts = self._town_shorts()
        places += [shorts[city] for city in entity.cities if city in shorts]
        places += [  # "l'association lyonnaise Aural"
            form
            for city in entity.cities
            for demonym in DEMONYMS.get(city, ())
            for form in demonym_forms(demonym)
        ]
        name = entity.department_name
        if name and (name not in self.watchlist.ordinary_words or name in PROPER_DEPARTMENT_NAMES):
            places.append(name)  # not "Nord" in "CH Nord-Ouest"
        if any(f" {place} " in context for place in places if place):
            return True, True
        # Another name confirms only if it is more than the matched name's core ("CH de Dax"
        # elsewhere does not confirm the "Hôpital thermal de Dax" in "CH Dax").
        core = f" {whole_core(matched)} "
        if any(f" {word} " in context and core not in f" {word} " for word in entity.words if word):
            return False, True
        # An insurer's, an occupational-health service's or a lab's initials with what it is
        # written close by, in French ("Dump MNH (mutuelle des hospitaliers)", "Harmonie +
        # MGEN + MNT … 3 mutuelles").
        words = _KIND_WORDS.get(self.watchlist.entities[candidate.entity].kind)
        if words and candidate.level == SUPPORT and self._initials(candidate):
            text = candidate.field.folded.text
            near = text[max(0, candidate.start - _KIND_REACH) : candidate.end + _KIND_REACH]
            return False, any(f" {word} " in f" {near} " for word in words)
        return False, False

    @staticmethod
    def _initials(candidate: Candidate) -> bool:
        # The name as written is initials: capitals only, two to six of them ("MNT").
        first, last = candidate.field.folded.span(candidate.start, candidate.end)
        written = candidate.field.folded.original[first:last].replace("-", "")
        return 2 <= len(written) <= 6 and written.isalpha() and written.isupper()

    def _department_names(self) -> frozenset[str]:
        # Folded department names without their articles ("la reunion" is "reunion").
        if self._department_words is None:
            self._department_words = frozenset(
                " ".join(w for w in name.split(" ") if w not in ARTICLE_WORDS)
                for name in self._department_codes()
            )
        return self._department_words

    def _department_codes(self) -> dict[str, str]:
        # Folded department name → its code, lower-cased as postcodes are compared.
        if self._departments is None:
            self._departments = {
                normalise_phrase(name): code.lower()
                for code, name in self.watchlist.departments.items()
            }
        return self._departments

    def _elsewhere(self, candidate: Candidate, joined: str) -> bool:
        # Written right after an establishment's name, a department code in brackets that is
        # not its family's ("Saint-Louis (68)"), or a town of another region ("Hôpital
        # Saint-Louis La Rochelle"; a nearby big town, "Hôpital Foch Paris", is no such sign).
        entity = self.watchlist.entities[candidate.entity]
        if entity.kind != "establishment":
            return False
        departments, regions = self._family_places(candidate.entity)
        if entity.parent_key and entity.region:
            # A site is where it is, not where its sister sites are: the AP-HP's Saint-Louis is
            # in Paris, though the AP-HP also runs hospitals in Hendaye and Hyères ("hôpital
            # Saint-Louis de La Rochelle" is not it).
            regions = frozenset({entity.region})
        normalised = candidate.field.folded
        if "(" in normalised.original:
            after = normalised.span(candidate.start, candidate.end)[1]
            code = _DEPARTMENT_IN_BRACKETS.match(normalised.original, after)
            if code is not None:
                return code.group(1).lower() not in departments
        words = joined[candidate.end : candidate.end + 48].split(" ")
        if len(words) > 1 and not words[0] and words[1] in ENGLISH_PLACE_WORDS:
            return True  # "Hospital of Orange County": an American county, not Orange (84)
        if words and not words[0]:
            # "hôpital de Villefranche-sur-Saône": the name's last word goes on into another
            # town than the entity's ("Villefranche de Rouergue").
            last = joined[candidate.start : candidate.end].split(" ")[-1]
            for size in (3, 2):
                place = " ".join([last, *words[1:size]])
                if len(words) >= size and place in self.index.cities:
                    return bool(regions) and not self.index.cities[place] & regions
        while words and (not words[0] or words[0] in _PLACE_ARTICLES):
            words.pop(0)
        for size in (5, 4, 3, 2, 1):  # the longest town first ("St Clement de Riviere")
            place = " ".join(words[:size])
            if len(words) >= size and place in self.index.cities:
                return bool(regions) and not self.index.cities[place] & regions
        return False

    def _of_specialty(self, entity: int, qualifier: str) -> bool:
        # The names of the entity's family (itself, its legal entity and sister sites) or their
        # FINESS categories say the specialty an English qualifier names ("Lille's Cardiology
        # Hospital": the CHU de Lille has the "Hôpital cardiologique").
        family = self._context(entity).family
        words = self._family_words.get(family)
        if words is None:
            found: set[str] = set()
            for position in self._members().get(family) or [entity]:
                member = self.watchlist.entities[position]
                category = category_of(member)
                labels = [category.label] if category is not None else []
                for name in (member.name, *member.aliases, *labels):
                    found.update(normalise_phrase(name).split())
            words = self._family_words[family] = frozenset(found)
        return not words.isdisjoint(SPECIALTY_QUALIFIERS[qualifier])

    def _family_places(self, entity: int) -> tuple[frozenset[str], frozenset[str]]:
        # Departments and regions of the entity, its legal entity and its sister sites.
        family = self._context(entity).family
        places = self._places.get(family)
        if places is None:
            positions = self._members().get(family) or [entity]
            members = [self.watchlist.entities[position] for position in positions]
            departments = frozenset(m.department.lower() for m in members if m.department)
            regions = frozenset(m.region for m in members if m.region)
            places = self._places[family] = (departments, regions)
        return places


#: The health words a name of ordinary words may carry that make it a health body's name.
_HEALTH_NAME_WORDS = frozenset(w for w in HEALTH_WORDS if " " not in w) - {"ars", "nir", "ris"}


def _named_words(folded: str) -> list[str]:
    # A name's words without its articles ("Centre Hospitalier de Bretagne Sud" is written so
    # with or without "de").
    return [word for word in folded.split(" ") if word not in ARTICLE_WORDS]


def _in_title(result: MatchResult) -> bool:
    return any(m.field == "title" for m in result.matches) or any(
        a.field == "title" for a in result.ambiguous
    )


def _line_flags(candidate: Candidate) -> frozenset[str]:
    # The countries whose flags the name's line carries ("🇧🇪 Clinique Saint-Pierre
    # Ottignies", "Clariane 🇮🇹").
    folded = candidate.field.folded
    first, last = folded.span(candidate.start, candidate.end)
    original = folded.original
    line_start = original.rfind("\n", 0, first) + 1
    line_end = original.find("\n", last)
    line = original[line_start : line_end if line_end >= 0 else len(original)]
    return frozenset(_flag_code(flag) for flag in _FLAG.findall(line))


def _flag_code(flag: str) -> str:
    # "🇧🇪" → "BE": two regional indicator symbols spell the ISO 3166-1 alpha-2 code.
    return "".join(chr(ord(symbol) - _REGIONAL_A + ord("A")) for symbol in flag)


def _deny_listed(raw: list[Candidate]) -> None:
    # "Transférés vers le CH de Béthune et le CHU de Lille", "vers l'hôpital Henri-Mondor
    # (AP-HP)": the names of a list a denying word starts are all denied (the end of each
    # denied name is a denial for the next one).
    for candidate in sorted(raw, key=lambda c: c.start):
        if candidate.end not in candidate.field.listed and denied_before(candidate):
            candidate.field.listed.append(candidate.end)


def _another_body(denied: Candidate, raw: list[Candidate]) -> bool:
    # The denied mention is a shorter name of the entity followed by a capitalised word that
    # is none of its names' ("Le réseau Laborizon Bretagne … n'est pas concerné", while the
    # post's victim is "Laborizon Maine-Anjou"): another body that shares the name's start.
    longer = any(
        other.entity == denied.entity
        and other.score >= THRESHOLD
        and other.end - other.start > denied.end - denied.start
        for other in raw
    )
    if not longer:
        return False
    folded = denied.field.folded
    after = folded.text[denied.end :].split(" ", 2)
    if len(after) < 2 or not after[1].isalpha():
        return False
    start = denied.end + 1
    first, _ = folded.span(start, start + len(after[1]))
    return folded.original[first : first + 1].isupper()


def _type_before(words: list[str]) -> str | None:
    # The type a type word written at the end of ``words`` says ("polyclinique", "centre
    # hospitalier"), or None.
    for size in (3, 2, 1):
        if len(words) >= size and (kind := _SURFACE_TYPE.get(" ".join(words[-size:]))):
            return kind
    return None


def _cut_word(title: str) -> tuple[int, int] | None:
    # Where the word a site cut a title short at is ("…Sud Franci...", "…Sud Franci…"): the
    # run of two letters or more right before the dots (spaces around them allowed). Read
    # from the end, so it costs nothing on titles that do not end with dots, and stays linear
    # on any title (a regular expression searching from the start is quadratic on long words).
    end = len(title.rstrip())
    if title.endswith("...", 0, end):
        end -= 3
    elif title.endswith("…", 0, end):
        end -= 1
    else:
        return None
    end = len(title[:end].rstrip())
    start = end
    while start and title[start - 1].isalnum() and not title[start - 1].isdecimal():
        start -= 1  # a letter: a word character that is no digit, as ``[^\W\d_]``
    return (start, end) if end - start >= 2 else None


#: "near the Swiss border", "à la frontière belge": a country named as a border is no place
#: of the victim's (Gex, Thionville and Lille hospitals are described so).
_BORDER_AFTER = re.compile(r" (?:border|borders|frontier|frontiere|frontieres)\b")
_BORDER_BEFORE = re.compile(r"\b(?:frontiere|frontieres|border|borders|frontier) (?:\w+ )?$")


def _at_border(folded: str, start: int, end: int) -> bool:
    # The foreign place of ``folded[start:end]`` names a border ("swiss border", "frontière
    # suisse", "border with Belgium").
    return (
        _BORDER_AFTER.match(folded, end) is not None
        or _BORDER_BEFORE.search(folded, max(0, start - 25), start) is not None
    )


def _across_hashtags(candidate: Candidate) -> bool:
    # The name as written runs over several hashtags ("#CH #Orne"): each tag is a topic of
    # its own, not a word of one name.
    field = candidate.field
    if "#" not in field.folded.original:
        return False  # most posts
    first, last = field.folded.span(candidate.start, candidate.end)
    return "#" in field.folded.original[first + 1 : last]


def _lowercase_in_cased_text(candidate: Candidate) -> bool:
    # A name of ordinary words written in lower case in a field that capitalises ("Je vais
    # aider santé publique France"): the words, not the organisation ("AIDER Santé"). A post
    # written all in lower case, or a host ("aidersante.com"), says nothing by its case.
    field = candidate.field
    original = field.folded.original
    first, last = field.folded.span(candidate.start, candidate.end)
    written = original[first:last]
    if not written.islower() or "." in original[max(0, first - 1) : last + 1]:
        return False
    whole_first, whole_last = field.folded.span(field.start, field.end)
    return any(ch.isupper() for ch in original[whole_first:whole_last])


def _in_file_path(normalised: Normalised, start: int, end: int) -> bool:
    # The folded words start:end are written inside a file's path or name ("\\srv\\dxcare_x.bak",
    # "/opt/mediboard/", "orbis_export.csv"): glued to it by a backslash or an underscore, or
    # between two slashes ("Mediboard/Softway" is two names, not a path).
    first, last = normalised.span(start, end)
    before = normalised.original[max(0, first - 1) : first]
    after = normalised.original[last : last + 1]
    glued = ("\\", "_")
    return before in glued or after in glued or before == after == "/"


def _number_across_punctuation(normalised: Normalised, start: int, end: int) -> bool:
    # The key ends with a number ("pst 38", "ast 67") that the text writes after a comma, a
    # colon, a semicolon or a full stop ("Format : .pst, 38 Go"): two pieces of a sentence,
    # not initials with their department's number.
    folded = normalised.text
    last = folded.rfind(" ", start, end - 1)
    if last <= start or not folded[last + 1 : end - 1].isdigit():
        return False
    between = normalised.original[
        normalised.span(start, last)[1] : normalised.span(last + 1, end - 1)[0]
    ]
    return any(mark in between for mark in ",;:.!?")


def _inside_host(normalised: Normalised, start: int) -> bool:
    # The folded word at ``start`` is written glued by a hyphen or an underscore to a word
    # before it ("univ-antilles.fr", "www.univ_antilles.fr"): a host's key found there is the
    # end of another host, not that host.
    first = normalised.span(start, start + 1)[0]
    before = normalised.original[max(0, first - 2) : first]
    return len(before) == 2 and before[1] in "-_" and before[0].isalnum()


def _is_top_level_domain(normalised: Normalised, start: int, end: int) -> bool:
    # The folded word start:end ends a host name ("rhonefm.ch"): a dot after a letter or digit
    # before it, nothing of a host after it ("intranet.chu-rouen.fr" goes on).
    first, last = normalised.span(start, end)
    before = normalised.original[max(0, first - 2) : first]
    after = normalised.original[last : last + 1]
    if len(before) != 2 or before[1] != "." or not before[0].isalnum():
        return False
    return not (after.isalnum() or after in ("-", "."))


def _in_foreign_host(candidate: Candidate) -> bool:
    # A name read in a host name of another country ("clinique-pasteur.be",
    # "hopital-saint-louis.ch") names a foreign organisation, as a foreign place would.
    normalised = candidate.field.folded
    end = normalised.span(candidate.start, candidate.end)[1]
    if normalised.original[end : end + 1] not in (".", "-"):
        return False
    return _FOREIGN_HOST.match(normalised.original, end) is not None


class _Pass(NamedTuple):
    # One matching pass over a post: its result, and its folded text when health words were
    # seen (the speller reads it).
    result: MatchResult
    folded: Normalised | None
    #: Entities the pass weighed and did not accept (the spelling pass adds none of them).
    rejected: frozenset[int] = frozenset()


def _in_original(
    result: MatchResult, originals: dict[str, tuple[str, list[int] | None]]
) -> MatchResult:
    # Spans found in repaired text, moved back into the crawled text.
    if all(positions is None for _text, positions in originals.values()):
        return result

    def moved(field: str, start: int, end: int) -> tuple[int, int, str]:
        original, positions = originals[field]
        first, last = original_span(positions, start, end)
        return first, last, original[first:last]

    matches = []
    for match in result.matches:
        start, end, matched = moved(match.field, match.start, match.end)
        matches.append(replace(match, start=start, end=end, matched=matched))
    ambiguous = []
    for item in result.ambiguous:
        start, end, matched = moved(item.field, item.start, item.end)
        ambiguous.append(replace(item, start=start, end=end, matched=matched))
    return result._replace(matches=matches, ambiguous=ambiguous)


def _is_memorial(normalised: Normalised, start: int, end: int) -> bool:
    # The words between a type word and "de <town>" are a person's name when each is written
    # with a capital and none is a type, article or generic word ("hôpital de jour de …",
    # "Clinique vétérinaire de …" are other things).
    words = normalised.text[start:end].split()
    if any(w in _SURFACE_TYPE or w in ARTICLE_WORDS or w in GENERIC_WORDS for w in words):
        return False
    first, last = normalised.span(start + 1, end)
    original = normalised.original[first:last]
    return all(word[:1].isupper() for word in original.replace("-", " ").split())


@lru_cache(maxsize=4096)
def _signals(mask: int) -> tuple[frozenset[str], frozenset[str], bool, bool, bool]:
    # (sale categories, data types, health words seen, French words seen, currency seen) of a
    # post's mask.
    tags = signals_of(mask)
    return (
        frozenset(value for tag, value in tags if tag == "sale"),
        frozenset(value for tag, value in tags if tag == "data"),
        ("health", "") in tags,
        ("french", "") in tags,
        ("currency", "") in tags,
    )


def _fields(folded: Normalised, title_length: int) -> tuple[PostField, PostField]:
    # The title's and the text's parts of the folded post. They share their lists of places,
    # health words and denials: title and text are read as one post (a foreign place in the
    # text's first lines discredits a name in the title, and the other way round).
    barrier = folded.text.index("|")
    foreign: list[int] = []
    health: list[int] = []
    denials: list[int] = []
    shift = title_length + len(FIELD_JOIN)
    end = len(folded.text)
    return (
        PostField("title", folded, 0, 0, barrier, foreign, health, denials),
        PostField("text", folded, shift, barrier, end, foreign, health, denials),
    )


def _families_with_members(entities: Sequence[EntityRecord]) -> dict[str, list[int]]:
    # Legal entity key → positions of it and its sites; only families of several entities
    # (most entities are alone: no entry, which keeps this small for 100k entities).
    heads = {entity.parent_key for entity in entities if entity.parent_key}
    families: defaultdict[str, list[int]] = defaultdict(list)
    for position, entity in enumerate(entities):
        family = entity.parent_key or (entity.key if entity.key in heads else None)
        if family is not None:
            families[family].append(position)
    return dict(families)


def _right_type(right: re.Match[str]) -> str | None:
    # The type class of a type word written after a name, with the English type qualifier
    # before it ("Creteil Intercommunal Hospital Center"); None when the two do not go together
    # ("X Regional Hospital", as "hôpital régional", is foreign more often than French).
    kind = _SURFACE_TYPE[right.group("surface")]
    qualifier = ENGLISH_TYPE_QUALIFIERS.get(right.group("qualifier") or "")
    return kind if qualifier is None else qualified_type(kind, qualifier)


def _english_qualified(kind: str, folded: str, at: int) -> str | None:
    # The type class ``kind`` becomes with an English type qualifier written right before
    # ``at`` ("Intercommunal Hospital Center of …"), None without one or when they do not fit.
    head = " " + folded[max(0, at - 32) : at]
    for ending in _ENGLISH_TYPE_ENDINGS:
        if head.endswith(ending):
            return qualified_type(kind, ENGLISH_TYPE_QUALIFIERS[ending.strip()])
    return None


def _french_town_after(folded: str, at: int | None, towns: Mapping[str, object]) -> bool:
    # "… Hospital of Paris", "… Hospital in Neuilly", "… Hospital Marseille": a French town (up
    # to three words, after "of"/"in") right after ``at``.
    if at is None:
        return False
    words = folded[at : at + 64].split(" ")[1:5]
    if words[:1] == ["of"] or words[:1] == ["in"]:
        words = words[1:]
    return any(" ".join(words[:size]) in towns for size in (3, 2, 1) if len(words) >= size)


def _english_between(right: re.Match[str], between: str) -> bool:
    # What the original text has between a name and an English type word written after it is
    # an English possessive ("Lille's") and qualifier ("Children's", "European"), nothing else.
    if right.group("possessive") is None and right.group("qualifier") is None:
        return False
    if right.group("surface") not in ENGLISH_SURFACES:
        return False
    if right.group("possessive") is not None and not between.startswith(("'s", "’s")):
        return False
    return all(char.isalpha() or char in _JOINERS or char in "'’" for char in between)


def _before_given_names(original: str, first: int) -> int:
    # Where a name written in English order starts with the given names before it, up to two
    # ("Georges Pompidou European Hospital"): the watchlist names "Pompidou" without them.
    for _ in range(2):
        before = _WORD_BEFORE.search(original, max(0, first - 60), first)
        if before is None or before.group(2) is not None:
            break
        word = before.group(1)
        if not word[:1].isupper() or normalise_phrase(word) not in FIRST_NAMES:
            break
        first = before.start(1)
    return first


def _name_goes_on_left(original: str, first: int, towns: Mapping[str, object]) -> bool:
    # True when a capitalised word that is no headline word comes right before a name written
    # in English order: the name is longer than the watched one ("Werribee Mercy Hospital").
    # A French town is no part of it ("Reims American Memorial Hospital").
    before = _WORD_BEFORE.search(original, max(0, first - 60), first)
    if before is None:
        return False
    word = before.group(1)
    folded = normalise_phrase(word)
    return (
        word[:1].isupper()
        and folded not in HEADLINE_WORDS
        and folded not in ARTICLE_WORDS
        and folded not in towns
    )


def _is_hospital(normalised: Normalised, start: int, end: int) -> bool:
    # The type word is written "hospital", without an accent: not a French "Hôspital" typo.
    first, last = normalised.span(start, end)
    return normalised.original[first:last].lower() == "hospital"


def _english_named_cores(watchlist: Watchlist) -> frozenset[str]:
    # The folded words written before an English type word in the watchlist's own names and
    # aliases ("American Memorial Hospital CHU Reims" gives "american memorial").
    cores: set[str] = set()
    for entity in watchlist.entities:
        for name in (entity.name, *entity.aliases):
            lowered = name.lower()
            if "hospital" not in lowered and "clinic" not in lowered and "center" not in lowered:
                continue
            found = _ENGLISH_NAMED.match(normalise_phrase(name))
            if found is not None:
                cores.add(found.group(1))
    return frozenset(cores)


def _own_domain(raw: list[Candidate], title: list[str], tld: str) -> None:
    # A title that is only a French domain whose name is exactly one of an entity's names,
    # a distinctive one ("cyceron.fr" for the GIP Cyceron): the domain names it.
    # An entity named so keeps its precedence over one that only has it as an alias ("ch-arras.fr"
    # is the CH d'Arras's, not the "Hopale Rééducation-Centre Arras" read as "centre Arras").
    words = title[1:] if title[:1] == ["www"] else title
    spelled = [
        candidate
        for candidate in raw
        if candidate.level in (STRONG, WEAK)
        and candidate.origin in (FROM_NAME, FROM_ALIAS)
        and words == [*candidate.field.folded.text[candidate.start : candidate.end].split(), tld]
    ]
    named = {(c.start, c.end) for c in spelled if c.origin == FROM_NAME}
    for candidate in spelled:
        if candidate.origin == FROM_NAME or (candidate.start, candidate.end) not in named:
            candidate.origin = FROM_DOMAIN
