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
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field, replace
from functools import lru_cache, reduce
from operator import or_
from pathlib import Path
from typing import Any

from crawler.config import Settings
from crawler.findings import EntityRecord
from crawler.matching.claims import Claims, SaleAssessment, extract_claims, sale_assessment
from crawler.matching.finess import find_finess
from crawler.matching.index import (
    COMMON,
    FROM_CITY,
    FROM_DOMAIN,
    FROM_NAME,
    FROM_PART,
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
from crawler.matching.names import ACCEPTS, ARTICLES, TYPE_SURFACES, whole_core
from crawler.matching.normalise import FIELD_JOIN, Normalised, normalise, normalise_fields
from crawler.matching.watchlist import Watchlist, load_bundled, load_watchlist

#: Longest field considered, in characters; the rest of a huge paste is not searched.
MAX_FIELD_CHARS = 200_000
#: A match scoring below this is not reported.
THRESHOLD = 0.5
#: How far (folded characters) a foreign place discredits a name.
FOREIGN_REACH = 120
FROM_FINESS = -1

_SURFACE_TYPE = {surface: kind for kind, surfaces in TYPE_SURFACES.items() for surface in surfaces}
_SURFACES = "|".join(sorted(_SURFACE_TYPE, key=len, reverse=True))
_ARTICLES = "|".join(ARTICLES)
_LEFT_TYPE = re.compile(rf" ({_SURFACES})(?: (?:{_ARTICLES}))? $")
_RIGHT_TYPE = re.compile(rf" ({_SURFACES})(?= )")
#: What may stand between a name and a type word written after it ("Cannes-hospital").
_JOINERS = " \t-\u00a0\u2010\u2011"
_POSTCODE = re.compile(r"(?<= )(\d{5})(?= )")
#: How far (folded characters) a health word confirms an ordinary-word name.
HEALTH_REACH = 150
_HEALTH_BIT = SIGNAL_BITS[("health", "")]
_NEGATION_BIT = SIGNAL_BITS[("negation", "")]
#: What may stand between a denying word and the name it denies.
_DENIED_GAP = frozenset({"", "l", "le", "la", "les", "du", "de", "d", "the", "a", "au"})
_PLACE_ARTICLES = frozenset({"de", "d", "du", "des", "a", "au", "in", "at", "of", "en"})
_DEPARTMENT = r"(0[1-9]|[1-8]\d|9[0-5]|2[AaBb]|97[1-6])"
_DEPARTMENT_IN_BRACKETS = re.compile(rf"\s*\({_DEPARTMENT}\)")
_BRACKETED_DEPARTMENT = re.compile(rf"\({_DEPARTMENT}\)")


@dataclass(frozen=True)
class EntityMatch:
    """An entity the post names: where, as written, and how sure (0–1)."""

    entity: EntityRecord
    matched: str
    field: str
    start: int
    end: int
    score: float

    def to_json(self) -> dict[str, Any]:
        """The ``leakwatch match`` contract's object for this match."""
        return {
            "entity": self.entity.name,
            "kind": self.entity.kind,
            "finess": self.entity.finess_et or self.entity.finess_ej,
            "matched": self.matched,
            "field": self.field,
            "start": self.start,
            "end": self.end,
            "score": self.score,
        }


@dataclass(frozen=True)
class AmbiguousMatch:
    """A name that could be several entities (or a generic name without confirming context)."""

    matched: str
    field: str
    start: int
    end: int
    candidates: list[EntityRecord]

    def to_json(self) -> dict[str, Any]:
        """JSON object listing the candidates by key and name."""
        return {
            "matched": self.matched,
            "field": self.field,
            "start": self.start,
            "end": self.end,
            "candidates": [{"key": e.key, "entity": e.name} for e in self.candidates[:10]],
        }


@dataclass(frozen=True)
class MatchResult:
    """Everything the matcher says about one post."""

    matches: list[EntityMatch]
    ambiguous: list[AmbiguousMatch]
    sale: SaleAssessment
    claims: Claims

    def to_json(self, post_id: Any) -> dict[str, Any]:
        """The output object of ``leakwatch match`` for this post."""
        claims = asdict(self.claims)
        return {
            "id": post_id,
            "matches": [match.to_json() for match in self.matches],
            "ambiguous": [item.to_json() for item in self.ambiguous],
            "sale": {"score": self.sale.score, "signals": self.sale.signals},
            "claims": claims,
        }


@dataclass
class _Field:
    # One field's part of the folded post: folded[start:end], ``shift`` = where the field
    # starts in the folded text's original.
    name: str
    folded: Normalised
    shift: int
    start: int
    end: int
    foreign: list[int] = field(default_factory=list)
    #: Where health words end (folded positions), for ordinary-word names that need them near.
    health: list[int] = field(default_factory=list)
    #: Where denying words end ("rien à voir avec", "not the"): a name right after is denied.
    denials: list[int] = field(default_factory=list)


@dataclass
class _Candidate:
    field: _Field
    start: int
    end: int
    entity: int
    level: int
    origin: int
    supported: bool = False
    placed: bool = False  # confirmed by a place (city, department, postcode, domain)
    score: float = 0.0
    exact: bool = False  # the type word written is the entity's own ("CH" for a CH, not a CHS)
    elsewhere: bool = False  # another town or department is written right after the name


class Matcher:
    """Matches posts against one watchlist; build once, then call :meth:`match` per post."""

    def __init__(self, watchlist: Watchlist, cache_dir: Path | None = None) -> None:
        self.watchlist = watchlist
        self.index: MatcherIndex = load_or_build(watchlist, cache_dir)
        self.finess: dict[str, int] = {}
        for position, entity in enumerate(watchlist.entities):
            number = entity.finess_et or entity.finess_ej
            if number:
                self.finess.setdefault(number.upper(), position)
        self._contexts: dict[int, EntityContext] = {}
        self._families: dict[str, list[int]] | None = None
        self._places: dict[str, tuple[frozenset[str], frozenset[str]]] = {}

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
        entry = index.automaton.get(f" {phrase} ", None)
        if entry is None or entry >= index.positional:
            return True
        families = {
            self.watchlist.entities[candidate[0]].parent_key
            or self.watchlist.entities[candidate[0]].key
            for candidate in index.entries[entry][1]
        }
        return len(families) <= 1

    @classmethod
    def from_settings(cls, settings: Settings, extra_files: tuple[Path, ...] = ()) -> Matcher:
        """The matcher of the configured watchlist, its index cached under ``data_dir``."""
        return cls(load_watchlist(settings, extra_files), settings.data_dir / "cache")

    @classmethod
    def bundled(cls, cache_dir: Path | None = None) -> Matcher:
        """The matcher of the bundled default watchlist alone."""
        return cls(load_bundled(), cache_dir)

    def match(self, title: str, text: str) -> MatchResult:
        """Match one post's title and text (either may be empty)."""
        title, text = title[:MAX_FIELD_CHARS], text[:MAX_FIELD_CHARS]
        # Both fields are folded and searched in one pass; `` | `` keeps them apart.
        folded = normalise_fields(title, text)
        joined = folded.text
        barrier = joined.index("|")
        # Title and text are read as one post: a foreign place in the text's first lines
        # discredits a name in the title, and the other way round (one list of positions).
        foreign: list[int] = []
        health_at: list[int] = []
        denials: list[int] = []
        fields = (
            _Field("title", folded, 0, 0, barrier, foreign, health_at, denials),
            _Field(
                "text",
                folded,
                len(title) + len(FIELD_JOIN),
                barrier,
                len(joined),
                foreign,
                health_at,
                denials,
            ),
        )
        index = self.index
        raw: list[_Candidate] = []
        # Most hits are vocabulary, whose presence alone counts: only the keys are kept, and the
        # hits are walked again, with their positions, for a post that names a place or entity.
        ids = {key for _, key in index.automaton.iter(joined)}
        mask = reduce(or_, map(index.masks.__getitem__, ids)) if ids else 0
        if ids and min(ids) < index.positional:
            self._candidates(fields, index.automaton.iter(joined), raw)
        for start, end, number in find_finess(joined) if folded.long_number else ():
            entity_index = self.finess.get(number)
            if entity_index is not None:
                item = fields[start > barrier]
                raw.append(_Candidate(item, start, end, entity_index, STRONG, FROM_FINESS))
        sale, data_types, health, french, currency = _signals(mask)
        assessment = sale_assessment(sale)
        claims = extract_claims(title, text, data_types, sale, currency)
        if not raw:
            return MatchResult([], [], assessment, claims)
        postcodes = {
            code[:3] if code.startswith("97") else code[:2] for code in _POSTCODE.findall(joined)
        }
        # A department written in brackets places a name too: "Clinique du Parc (49)".
        postcodes.update(code.lower() for code in _BRACKETED_DEPARTMENT.findall(folded.original))
        accepted: list[_Candidate] = []
        for candidate in raw:
            candidate.placed, candidate.supported = self._supported(candidate, joined, postcodes)
            candidate.elsewhere = not candidate.placed and self._elsewhere(candidate, joined)
            candidate.score = self._score(candidate, health, bool(sale), french)
            if candidate.score >= THRESHOLD or candidate.level == GENERIC:
                accepted.append(candidate)
        matches, ambiguous = self._resolve(accepted)
        return MatchResult(matches, ambiguous, assessment, claims)

    def _candidates(
        self, fields: tuple[_Field, _Field], hits: Iterable[tuple[int, int]], raw: list[_Candidate]
    ) -> None:
        # Entity candidates and foreign places among the hits of the folded post.
        entries, positional, masks = self.index.entries, self.index.positional, self.index.masks
        normalised = fields[0].folded
        barrier = fields[0].end
        health_at, denials = fields[0].health, fields[0].denials
        for end, entry_id in hits:
            if masks[entry_id] & _HEALTH_BIT:
                health_at.append(end)
            if masks[entry_id] & _NEGATION_BIT:
                denials.append(end)
            if entry_id >= positional:
                continue
            length, candidates, tags = entries[entry_id]
            start = end - length + 2
            item = fields[start > barrier]
            if tags:
                item.foreign.append(start)
            # Candidates of one entry share its span: confirm each entity type once.
            spans: dict[str | None, tuple[int, int, str | None] | None] = {}
            for entity, kind, level, origin in candidates:
                if kind in spans:
                    span = spans[kind]
                else:
                    span = spans[kind] = self._typed_span(normalised, start, end, kind)
                if span is not None:
                    exact = kind is not None and span[2] == kind.rstrip("=")
                    raw.append(
                        _Candidate(item, span[0], span[1], entity, level, origin, exact=exact)
                    )

    @staticmethod
    def _typed_span(
        normalised: Normalised, start: int, end: int, kind: str | None
    ) -> tuple[int, int, str | None] | None:
        # (start, end) of the core, widened to the type word that confirms it, and that word's
        # type; None if no type confirms it.
        if kind is None:
            return start, end, None
        folded = normalised.text
        accepted = ACCEPTS.get(kind, frozenset({kind}))
        left = _LEFT_TYPE.search(folded, max(0, start - 60), start)
        if left is not None and _SURFACE_TYPE[left.group(1)] in accepted:
            return left.start(1), end, _SURFACE_TYPE[left.group(1)]
        right = _RIGHT_TYPE.match(folded, end)
        if right is not None and _SURFACE_TYPE[right.group(1)] in accepted:
            # "Cannes hospital", not "Mauvezin (Gers), hôpital de proximité": a type word
            # after the core belongs to it only if nothing but spaces or a dash is between.
            between = normalised.original[
                normalised.span(start, end)[1] : normalised.span(right.start(1), right.end(1))[0]
            ]
            if between.strip(_JOINERS):
                return None
            return start, right.end(1), _SURFACE_TYPE[right.group(1)]
        return None

    def _supported(
        self, candidate: _Candidate, context: str, postcodes: set[str]
    ) -> tuple[bool, bool]:
        # (confirmed by a place, confirmed by a place or another name of the entity).
        entity = self._context(candidate.entity)
        if entity.department and entity.department.lower() in postcodes:
            return True, True
        # The name itself does not confirm the name ("Clinique Saint-Joseph" in Saint-Joseph),
        # nor does its town written again ("Calais Community Hospital (Calais, Maine)").
        matched = candidate.field.folded.text[candidate.start : candidate.end]
        context = context.replace(matched, " ")
        places = [*entity.domains]
        places += [city for city in entity.cities if f" {city} " not in f" {matched} "]
        if entity.department_name:
            places.append(entity.department_name)
        if any(f" {place} " in context for place in places if place):
            return True, True
        # Another name confirms only if it is more than the matched name's core ("CH de Dax"
        # elsewhere does not confirm the "Hôpital thermal de Dax" in "CH Dax").
        core = f" {whole_core(matched)} "
        return False, any(
            f" {word} " in context and core not in f" {word} " for word in entity.words if word
        )

    def _elsewhere(self, candidate: _Candidate, joined: str) -> bool:
        # Written right after an establishment's name, a department code in brackets that is
        # not its family's ("Saint-Louis (68)"), or a town of another region ("Hôpital
        # Saint-Louis La Rochelle"; a nearby big town, "Hôpital Foch Paris", is no such sign).
        entity = self.watchlist.entities[candidate.entity]
        if entity.kind != "establishment":
            return False
        departments, regions = self._family_places(candidate.entity)
        normalised = candidate.field.folded
        after = normalised.span(candidate.start, candidate.end)[1]
        code = _DEPARTMENT_IN_BRACKETS.match(normalised.original, after)
        if code is not None:
            return code.group(1).lower() not in departments
        words = joined[candidate.end : candidate.end + 48].split(" ")
        while words and (not words[0] or words[0] in _PLACE_ARTICLES):
            words.pop(0)
        for size in (3, 2, 1):
            place = " ".join(words[:size])
            if len(words) >= size and place in self.index.cities:
                return bool(regions) and not self.index.cities[place] & regions
        return False

    def _family_places(self, entity: int) -> tuple[frozenset[str], frozenset[str]]:
        # Departments and regions of the entity, its legal entity and its sister sites.
        family = self._context(entity).family
        places = self._places.get(family)
        if places is None:
            if self._families is None:
                self._families = _families_with_members(self.watchlist.entities)
            positions = self._families.get(family) or [entity]
            members = [self.watchlist.entities[position] for position in positions]
            departments = frozenset(m.department.lower() for m in members if m.department)
            regions = frozenset(m.region for m in members if m.region)
            places = self._places[family] = (departments, regions)
        return places

    @staticmethod
    def _score(candidate: _Candidate, health: bool, sale: bool, french: bool) -> float:
        level, origin = candidate.level, candidate.origin
        if origin in (FROM_FINESS, FROM_DOMAIN):
            score = 0.95
        elif level == STRONG:
            score = 0.85 if origin == FROM_NAME else 0.8
        elif level == WEAK:
            score = 0.6 if health or sale or candidate.supported else 0.3
        elif level == COMMON:
            # An ordinary word ("Harmonie", "Alan", "Orbis") needs a health word close by, not
            # anywhere in a long thread.
            close = any(abs(p - candidate.start) <= HEALTH_REACH for p in candidate.field.health)
            score = 0.6 if close or candidate.supported else 0.3
        elif level == SUPPORT:
            score = 0.65 if candidate.supported else 0.2
        else:
            score = 0.7 if candidate.supported else 0.3
        if candidate.supported:
            score += 0.1
        if health:
            score += 0.05
        near = [p for p in candidate.field.foreign if not candidate.start <= p < candidate.end]
        # Another name of the entity does not make it French ("Orpea Brasil / emeis Brazil").
        if _foreign_near(candidate):
            score -= 0.6 if not candidate.placed else 0.2
        elif candidate.elsewhere:
            score -= 0.6  # "Hôpital Saint-Louis La Rochelle" is not the one in Paris
        if _denied(candidate):
            score -= 0.6
        elif near and not (french or candidate.placed):
            score -= 0.2
        return round(max(0.0, min(score, 1.0)), 3)

    def _resolve(
        self, accepted: list[_Candidate]
    ) -> tuple[list[EntityMatch], list[AmbiguousMatch]]:
        by_span: dict[tuple[str, int, int], list[_Candidate]] = defaultdict(list)
        for candidate in accepted:
            by_span[(candidate.field.name, candidate.start, candidate.end)].append(candidate)
        chosen: list[_Candidate] = []
        unclear: list[list[_Candidate]] = []
        for group in by_span.values():
            winner = self._pick(group)
            if winner is not None:
                chosen.append(winner)
            elif any(c.level in (GENERIC, STRONG) for c in group) and not all(
                map(_foreign_near, group)
            ):
                unclear.append(group)  # "Hôpital Saint-Luc, Bruxelles" is no French candidate
        chosen = _outermost(chosen)
        matches: dict[tuple[str, str], EntityMatch] = {}
        for candidate in sorted(chosen, key=lambda c: (c.field.name != "title", c.start)):
            entity = self.watchlist.entities[candidate.entity]
            start, end = candidate.field.folded.span(candidate.start, candidate.end)
            shift = candidate.field.shift
            match = EntityMatch(
                entity,
                candidate.field.folded.original[start:end],
                candidate.field.name,
                start - shift,
                end - shift,
                candidate.score,
            )
            if _excluded(self.watchlist, candidate):
                continue
            previous = matches.get((entity.key, candidate.field.name))
            if previous is None or previous.score < match.score:
                matches[(entity.key, candidate.field.name)] = match
        covered = [(c.field.name, c.start, c.end) for c in chosen]
        ambiguous = []
        for group in unclear:
            first = group[0]
            if any(
                f == first.field.name and s <= first.start and first.end <= e for f, s, e in covered
            ):
                continue
            start, end = first.field.folded.span(first.start, first.end)
            seen = dict.fromkeys(c.entity for c in group)
            ambiguous.append(
                AmbiguousMatch(
                    first.field.folded.original[start:end],
                    first.field.name,
                    start - first.field.shift,
                    end - first.field.shift,
                    [self.watchlist.entities[i] for i in seen],
                )
            )
        return list(matches.values()), ambiguous

    def _spells_name(self, candidate: _Candidate) -> bool:
        name = self.watchlist.entities[candidate.entity].name
        compact = normalise(name).text.replace(" ", "")
        matched = candidate.field.folded.text[candidate.start : candidate.end].replace(" ", "")
        return bool(compact) and compact in matched

    def _names_whole(self, candidate: _Candidate) -> bool:
        matched = candidate.field.folded.text[candidate.start : candidate.end]
        return whole_core(matched) in self._context(candidate.entity).wholes

    def _pick(self, group: list[_Candidate]) -> _Candidate | None:
        # One entity for a span: confirmed by a place first, primary names before parts of names,
        # the entity named so before one that has it as an alias, one family → its head.
        pool = [c for c in group if c.score >= THRESHOLD]
        if not pool:
            return None
        for keep in (
            lambda c: c.placed,
            lambda c: c.supported,  # or by another of its names
            lambda c: c.origin != FROM_PART,
            lambda c: c.origin in (FROM_NAME, FROM_FINESS, FROM_DOMAIN),
        ):
            narrowed = [c for c in pool if keep(c)]
            if narrowed:
                pool = narrowed
        entities = {c.entity for c in pool}
        if len(entities) == 1:
            return max(pool, key=lambda c: c.score)
        families = {self._context(c.entity).family for c in pool}
        if len(families) != 1:
            # "CH Béziers" is also the alias of the CH's home-care service and imaging unit:
            # a full establishment is meant before a unit (USLD, HAD, imaging, day hospital).
            # Then one written with its own type ("CH de Privas": the CH, not the CHS).
            # Then the entity whose whole name is written before one whose name only starts so
            # ("CH de Cannes" is the CH, not "CH de Cannes Centre de Moyen Séjour"), then a name
            # or alias as written before a town read out of a longer name.
            for keep in (
                lambda c: not self._context(c.entity).unit,
                lambda c: c.exact,
                self._names_whole,
                lambda c: c.origin != FROM_CITY,  # a name before a town read out of one
            ):
                narrowed = [c for c in pool if keep(c)]
                if narrowed and len(narrowed) < len(pool):
                    pool = narrowed
            families = {self._context(c.entity).family for c in pool}
        if len(families) != 1:
            # A shared domain or alias: the entity whose name the matched text spells.
            spelled = [c for c in pool if self._spells_name(c)]
            return spelled[0] if len({c.entity for c in spelled}) == 1 else None
        family = families.pop()
        keys = self.watchlist.entities
        heads = [c for c in pool if keys[c.entity].key == family]
        if heads:
            return max(heads, key=lambda c: c.score)
        return min(pool, key=lambda c: (len(keys[c.entity].name), keys[c.entity].key))


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


def _denied(candidate: _Candidate) -> bool:
    # A denying word right before the name, an article at most between them.
    text = candidate.field.folded.text
    return any(
        0 <= candidate.start - end <= 12 and text[end + 1 : candidate.start].strip() in _DENIED_GAP
        for end in candidate.field.denials
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


def _foreign_near(candidate: _Candidate) -> bool:
    # A foreign place (Belgique, Québec, Texas…) written close to the candidate, not inside it.
    return any(
        abs(place - candidate.start) <= FOREIGN_REACH
        for place in candidate.field.foreign
        if not candidate.start <= place < candidate.end
    )


def _outermost(chosen: list[_Candidate]) -> list[_Candidate]:
    # A name inside a longer confirmed name is part of it ("CH de Dax" in "CH de Dax - Côte…"),
    # unless the longer one is only a part of another name ("IRM … Site Clinique X Toulouse"
    # names the clinic it sits in): the clinic's own name inside it is then the match.
    chosen = [
        candidate
        for candidate in chosen
        if candidate.origin != FROM_PART
        or not any(other.origin != FROM_PART and _contains(candidate, other) for other in chosen)
    ]
    kept = [
        candidate
        for candidate in chosen
        if not any(other is not candidate and _contains(other, candidate) for other in chosen)
    ]
    # Two names sharing words ("CH de St Denis (Hôpital …"): the type word read first owns
    # the core, so the later reading ("St Denis hôpital") is dropped.
    return [
        candidate
        for candidate in kept
        if not any(
            other.field is candidate.field
            and other.start < candidate.start < other.end < candidate.end
            for other in kept
        )
    ]


def _contains(outer: _Candidate, inner: _Candidate) -> bool:
    # ``outer`` spans ``inner`` and is longer, in the same field.
    return (
        outer is not inner
        and outer.field is inner.field
        and outer.start <= inner.start
        and inner.end <= outer.end
        and (outer.end - outer.start) > (inner.end - inner.start)
    )


def _excluded(watchlist: Watchlist, candidate: _Candidate) -> bool:
    if not watchlist.exclusions:
        return False
    entity = watchlist.entities[candidate.entity]
    matched = candidate.field.folded.text[candidate.start : candidate.end].strip()
    return matched in watchlist.exclusions or entity.key in watchlist.exclusions
