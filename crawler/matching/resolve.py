"""From scored candidates to matches: one entity per span (confirmed by a place first, full
establishments before units, the name written whole, one family → its head), names inside
longer names dropped, the rest listed as ambiguous with their candidates."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import replace

from crawler.core.records import EntityMatch
from crawler.matching.candidates import (
    FROM_FINESS,
    THRESHOLD,
    Candidate,
    denied,
    foreign_near,
    health_near,
)
from crawler.matching.finess_categories import sector_of
from crawler.matching.index import (
    FROM_ALIAS,
    FROM_CITY,
    FROM_DOMAIN,
    FROM_NAME,
    FROM_PART,
    GENERIC,
    STRONG,
    EntityContext,
    psychiatric,
)
from crawler.matching.name_words import ARTICLE_WORDS, TYPE_WORDS
from crawler.matching.names import forms_of_name, leading_type, whole_core
from crawler.matching.normalise import normalise, normalise_phrase
from crawler.matching.results import AmbiguousMatch
from crawler.matching.watchlist import Watchlist

#: Words that are no part of what a name calls an establishment: articles and type words.
#: Type classes of hospitals: a name written with one of them is a hospital's.
_HOSPITAL_KINDS = frozenset({"ch", "chu", "chi", "chs", "gh", "hp", "hopital", "maternite"})
_NOT_NAMES = ARTICLE_WORDS | TYPE_WORDS


class Resolver:
    """Resolves one post's accepted candidates against ``watchlist`` (``context`` gives an
    entity's folded facts, computed once per entity by the matcher)."""

    def __init__(self, watchlist: Watchlist, context: Callable[[int], EntityContext]) -> None:
        self.watchlist = watchlist
        self.context = context
        self._name_words: dict[int, tuple[frozenset[str], ...]] = {}
        self._own_types: dict[int, str | None] = {}  # entity → its name's first type class
        self._heads: dict[str, int] | None = None

    def resolve(self, accepted: list[Candidate]) -> tuple[list[EntityMatch], list[AmbiguousMatch]]:
        by_span: dict[tuple[str, int, int], list[Candidate]] = defaultdict(list)
        for candidate in accepted:
            by_span[(candidate.field.name, candidate.start, candidate.end)].append(candidate)
        chosen: list[Candidate] = []
        unclear: list[list[Candidate]] = []
        for group in by_span.values():
            winner = self._pick(group)
            if winner is not None:
                chosen.append(winner)
            elif any(c.level in (GENERIC, STRONG) for c in group) and not all(
                map(foreign_near, group)
            ):
                unclear.append(group)  # "Hôpital Saint-Luc, Bruxelles" is no French candidate
        chosen = _without_parts_of_unclear(outermost(chosen), unclear)
        chosen = self._without_sibling_parts(self._without_unit_aliases(chosen))
        chosen = self._without_towns_of_named(chosen)
        chosen = _without_initials_of_named(chosen)
        chosen = self._without_names_of_domains(chosen)
        chosen = [self._host_of_unit(c) for c in chosen]
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
            if excluded(self.watchlist, candidate):
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
                    score=max(c.score for c in group),
                    health=health_near(first),
                    discredited=all(foreign_near(c) or denied(c) or c.elsewhere for c in group),
                )
            )
        return list(matches.values()), ambiguous

    def _without_names_of_domains(self, chosen: list[Candidate]) -> list[Candidate]:
        # "labosud.fr … Labosud is a network of laboratories": the name a post's domain spells
        # is that domain's entity's when its own name has it, not another family's of the
        # same name (a lab of La Réunion named "Labosud").
        labels: dict[str, str] = {}
        for candidate in chosen:
            if candidate.origin == FROM_DOMAIN:
                text = candidate.field.folded.text[candidate.start : candidate.end].split()
                entity = self.watchlist.entities[candidate.entity]
                if len(text) >= 2 and text[0] in normalise_phrase(entity.name).split():
                    labels[text[0]] = self.context(candidate.entity).family
        if not labels:
            return chosen
        return [
            candidate
            for candidate in chosen
            if (family := labels.get(candidate.field.folded.text[candidate.start : candidate.end]))
            is None
            or family == self.context(candidate.entity).family
        ]

    def _without_unit_aliases(self, chosen: list[Candidate]) -> list[Candidate]:
        # A unit's alias or a part of a name that names its host ("CH Joseph Imbert" in the
        # prison unit's "Usmp Maison Centrale CH Joseph Imbert", "Purpan" for a day hospital of
        # Purpan) names the host when another full establishment of the family is named too.
        def hosted(c: Candidate) -> bool:
            return c.origin == FROM_PART or (c.origin == FROM_ALIAS and self.context(c.entity).unit)

        if not any(map(hosted, chosen)):
            return chosen
        hosts = {
            (self.context(c.entity).family, c.entity)
            for c in chosen
            if not hosted(c) and not self.context(c.entity).unit
        }
        return [
            c
            for c in chosen
            if not hosted(c)
            or not any(
                family == self.context(c.entity).family and entity != c.entity
                for family, entity in hosts
            )
        ]

    def _host_of_unit(self, candidate: Candidate) -> Candidate:
        # A unit read from a name it shares with its host ("Hôpital de Villefranche-sur-Saône"
        # is the long-stay unit's alias "Long Séjour - CHG de Villefranche-sur-Saône"): the
        # legal entity that runs both is meant, when it is watched.
        context = self.context(candidate.entity)
        if not context.unit or candidate.origin in (FROM_NAME, FROM_DOMAIN, FROM_FINESS):
            return candidate
        head = self._positions().get(context.family)
        return candidate if head is None else replace(candidate, entity=head)

    def _town_read(self, candidate: Candidate) -> str | None:
        # The town, when a candidate's words are only a type word and its entity's town
        # ("hôpital de Corbeil-Essonnes"): the town's hospital read from the town alone.
        city = self.watchlist.entities[candidate.entity].city
        if not city:
            return None
        folded = candidate.field.folded.text[candidate.start : candidate.end]
        named = [w for w in folded.split() if w not in _NOT_NAMES]
        town = normalise_phrase(city).split()
        return " ".join(town) if named and named == town[: len(named)] else None

    def _without_towns_of_named(self, chosen: list[Candidate]) -> list[Candidate]:
        # "L'hôpital de Corbeil-Essonnes … le Centre hospitalier Sud Francilien": the town's
        # hospital is the one named in full in that town, not another site located there.
        if len(chosen) < 2:
            return chosen
        towns = {c.entity: self._town_read(c) for c in chosen}
        if not any(towns.values()):
            return chosen
        named = {
            (
                normalise_phrase(self.watchlist.entities[c.entity].city or ""),
                self.context(c.entity).family,
            )
            for c in chosen
            if towns[c.entity] is None
            and c.origin in (FROM_NAME, FROM_ALIAS, FROM_DOMAIN)
            # a hospital, not a home-care service or a lab of the town ("Santé Service du
            # Berry" in Vierzon is not "le centre hospitalier de Vierzon")
            and sector_of(self.watchlist.entities[c.entity]) not in _SERVICE_SECTORS
            and not psychiatric(self.watchlist.entities[c.entity])
        }
        return [
            c
            for c in chosen
            if towns[c.entity] is None
            or not any(
                city.startswith(str(towns[c.entity])) and family != self.context(c.entity).family
                for city, family in named
            )
        ]

    def _without_sibling_parts(self, chosen: list[Candidate]) -> list[Candidate]:
        # An alias that repeats part of a sister site's name ("Simone Veil", an alias of a
        # unit of the CH de Cannes, whose own name is "Centre hospitalier de Cannes Simone
        # Veil") names that site when it is named in the post too.
        if len(chosen) < 2 or not any(c.origin == FROM_ALIAS for c in chosen):
            return chosen

        def repeats(candidate: Candidate, other: Candidate) -> bool:
            if other.entity == candidate.entity or other.origin == FROM_ALIAS:
                return False
            if self.context(other.entity).family != self.context(candidate.entity).family:
                return False
            text = candidate.field.folded.text[candidate.start : candidate.end]
            words = set(text.split()) - _NOT_NAMES
            return bool(words) and any(
                words <= set(w.split()) for w in self.context(other.entity).wholes
            )

        return [
            c
            for c in chosen
            if c.origin != FROM_ALIAS or not any(repeats(c, other) for other in chosen)
        ]

    def _spells_name(self, candidate: Candidate) -> bool:
        name = self.watchlist.entities[candidate.entity].name
        compact = normalise(name).text.replace(" ", "")
        matched = candidate.field.folded.text[candidate.start : candidate.end].replace(" ", "")
        return bool(compact) and compact in matched

    def _polyclinic_written(self, candidate: Candidate) -> bool:
        # A polyclinic's type word is a clinic's for the index: "Polyclinique Kennedy" is the
        # "Polycl Kennedy", not another family's "Clinique Kennedy".
        written = candidate.field.folded.text[candidate.start : candidate.end].split()
        own = normalise_phrase(self.watchlist.entities[candidate.entity].name).split()
        return bool(written and own) and own[0].startswith("poly") and written[0].startswith("poly")

    def _names_whole(self, candidate: Candidate) -> bool:
        matched = candidate.field.folded.text[candidate.start : candidate.end]
        return whole_core(matched) in self.context(candidate.entity).wholes

    def _words_spelled(self, candidate: Candidate) -> int:
        # How many words of the matched text one of the entity's names has, all its own words
        # being there, in any order: "Centre hospitalier Jacques Cœur de Bourges" spells all of
        # "CH Bourges - Jacques Coeur" and nothing of "CH de Bourges Site Taillegrain".
        names = self._name_words.get(candidate.entity)
        if names is None:
            wholes = self.context(candidate.entity).wholes
            named = (frozenset(whole.split()) - _NOT_NAMES for whole in wholes)
            names = self._name_words[candidate.entity] = tuple(w for w in named if len(w) > 1)
        if not names:
            return 0
        written = candidate.field.folded.text[candidate.start : candidate.end].split()
        if not self._of_written_kind(candidate, written):
            return 0  # "Hôpital Robert Debré" spells nothing of the "Institut Robert Debré"
        matched = set(written)
        return max((len(words) for words in names if words <= matched), default=0)

    def _of_written_kind(self, candidate: Candidate, written: list[str]) -> bool:
        # A hospital's type word written ("Hôpital", "CH", "CHU") names a hospital, not an
        # institute or a centre that accepts it.
        kind = leading_type(written)[0]
        if kind is None or kind not in _HOSPITAL_KINDS:
            return True
        if candidate.entity not in self._own_types:
            forms = forms_of_name(self.watchlist.entities[candidate.entity].name)
            own = next((f.type for f in forms if f.type is not None), None)
            self._own_types[candidate.entity] = own
        own = self._own_types[candidate.entity]
        return own is None or own in _HOSPITAL_KINDS

    def _pick(self, group: list[Candidate]) -> Candidate | None:
        # One entity for a span: confirmed by a place first, primary names before parts of names,
        # the entity named so before one that has it as an alias, one family → its head.
        pool = [c for c in group if c.score >= THRESHOLD]
        if not pool:
            return None
        # A name written with its given names before one read past them ("Hôpital Georges
        # Clemenceau" before the "Site Clemenceau" of another hospital).
        pool = [c for c in pool if not c.given] or pool
        # Confirmed by a place, then by another of its names; a legal entity whose own name
        # is written stays beside its site placed by a town ("CHU de Brest … GHT Brest-Carhaix"
        # is the CHU, not its Carhaix site read from "Brest").
        confirmed = [c for c in pool if c.placed] or [c for c in pool if c.supported]
        families = {self.context(c.entity).family for c in confirmed}
        named = [
            c
            for c in pool
            if c not in confirmed
            and c.origin == FROM_NAME
            and self.watchlist.entities[c.entity].key in families
        ]
        pool = [c for c in pool if c.placed] or pool
        supported = [c for c in pool if c.supported]
        if not _town_read_of_other_type(supported, pool):
            pool = supported or pool
        pool += [c for c in named if c not in pool]
        # Between families, the full establishment one of whose names has all its words in the
        # matched text, the most words ("Hôpital Simone Veil de Cannes").
        if len({self.context(c.entity).family for c in pool}) > 1:
            full = [c for c in pool if not self.context(c.entity).unit] or pool
            counts = [self._words_spelled(c) for c in full]
            most = max(counts)
            if most:
                pool = [c for c, count in zip(full, counts, strict=True) if count == most]
        if len({self.context(c.entity).family for c in pool}) > 1:
            # Between families, a polyclinic's when "polyclinique" is written.
            narrowed = [c for c in pool if self._polyclinic_written(c)]
            if narrowed and len(narrowed) < len(pool):
                pool = narrowed
        for keep in (
            lambda c: c.origin != FROM_PART,
            lambda c: c.origin in (FROM_NAME, FROM_FINESS, FROM_DOMAIN),
        ):
            narrowed = [c for c in pool if keep(c)]
            if narrowed:
                pool = narrowed
        entities = {c.entity for c in pool}
        if len(entities) == 1:
            return max(pool, key=lambda c: c.score)
        # A legal entity and its own sites (the legal entity's family is its group's):
        # the legal entity ("LBM Eurofins Interlab Bessières", a site's name it borrows).
        records = self.watchlist.entities
        for candidate in pool:
            key = records[candidate.entity].key
            if all(
                records[o.entity].key == key or records[o.entity].parent_key == key for o in pool
            ):
                return max((c for c in pool if c.entity == candidate.entity), key=lambda c: c.score)
        families = {self.context(c.entity).family for c in pool}
        if len(families) != 1:
            # "CH Béziers" is also the alias of the CH's home-care service and imaging unit:
            # a full establishment is meant before a unit (USLD, HAD, imaging, day hospital).
            # Then one written with its own type ("CH de Privas": the CH, not the CHS).
            # Then the entity whose whole name is written before one whose name only starts so
            # ("CH de Cannes" is the CH, not "CH de Cannes Centre de Moyen Séjour"), then a name
            # or alias as written before a town read out of a longer name.
            for keep in (
                lambda c: not self.context(c.entity).unit,
                lambda c: c.exact,
                self._names_whole,
            ):
                narrowed = [c for c in pool if keep(c)]
                if narrowed and len(narrowed) < len(pool):
                    pool = narrowed
            narrowed = [c for c in pool if c.origin != FROM_CITY]  # a name before a town read
            if narrowed:  # out of one
                pool = narrowed
            families = {self.context(c.entity).family for c in pool}
        if len(families) != 1:
            # A shared domain or alias: the entity whose name the matched text spells.
            spelled = [c for c in pool if self._spells_name(c)]
            return spelled[0] if len({c.entity for c in spelled}) == 1 else None
        family = families.pop()
        keys = self.watchlist.entities
        heads = [c for c in pool if keys[c.entity].key == family]
        if heads:
            return max(heads, key=lambda c: c.score)
        # Sites of one legal entity: a full establishment whose whole name is written ("CH
        # Saint-Malo" is the Broussais site's alias, "CH Saint Malo Site du Rosais" only
        # starts so); still several, the legal entity itself when it is watched.
        for keep in (
            lambda c: not self.context(c.entity).unit,
            lambda c: c.exact,  # "Hôpital de la Pitié-Salpêtrière": the site named "hôpital"
            self._names_whole,
        ):
            narrowed = [c for c in pool if keep(c)]
            if narrowed and len(narrowed) < len(pool):
                pool = narrowed
        if len({c.entity for c in pool}) > 1 and family in self._positions():
            return replace(max(pool, key=lambda c: c.score), entity=self._positions()[family])
        return min(pool, key=lambda c: (len(keys[c.entity].name), keys[c.entity].key))

    def _positions(self) -> dict[str, int]:
        # Entity key → position, for legal entities only (built on first use).
        if self._heads is None:
            self._heads = {
                e.key: i
                for i, e in enumerate(self.watchlist.entities)
                if e.key.startswith("finess-ej:")
            }
        return self._heads


#: The sectors of services that are no town's hospital, though named in full in its town (nor
#: is a psychiatric hospital: "the hospital center of Auch" is not the CHS du Gers there).
_SERVICE_SECTORS = frozenset({"home-hospital", "home-health", "lab", "dialysis", "pharmacy"})


def _town_read_of_other_type(supported: list[Candidate], pool: list[Candidate]) -> bool:
    # "Centre Hospitalier d'Uzès / CHS Le Mas Careiron": the CHS, named in the post, is also
    # read from its town, but the type word written is the town's CH's own.
    return (
        bool(supported)
        and all(c.origin == FROM_CITY and not c.exact for c in supported)
        and any(c.exact for c in pool)
    )


def outermost(chosen: list[Candidate]) -> list[Candidate]:
    # A name inside a longer confirmed name is part of it ("CH de Dax" in "CH de Dax - Côte…"),
    # unless the longer one is only a part of another name ("IRM … Site Clinique X Toulouse"
    # names the clinic it sits in): the clinic's own name inside it is then the match.
    chosen = [
        candidate
        for candidate in chosen
        if candidate.origin != FROM_PART
        or not any(other.origin != FROM_PART and contains(candidate, other) for other in chosen)
    ]
    # A town's hospital read across a memorial name ("Hôpital Renée Sabran à Hyères") yields
    # to the entity that memorial name names in that town.
    chosen = [
        candidate
        for candidate in chosen
        if not candidate.across
        or not any(_names_the_memorial(other, candidate) for other in chosen)
    ]
    kept = [
        candidate
        for candidate in chosen
        if not any(other is not candidate and contains(other, candidate) for other in chosen)
    ]
    # Two names sharing words ("CH de St Denis (Hôpital …"): the type word read first owns
    # the core, so the later reading ("St Denis hôpital") is dropped; unless the first one
    # only starts earlier by an article ("La Mutuelle générale de l'Éducation nationale" is
    # the MGEN, not "La Mutuelle Générale"): the longer name then owns the words.
    return [
        candidate
        for candidate in kept
        if not any(
            other.field is candidate.field
            and (
                other.start < candidate.start < other.end < candidate.end
                and not _article_before(other, candidate)
                or candidate.start < other.start < candidate.end < other.end
                and _article_before(candidate, other)
            )
            for other in kept
        )
    ]


def _without_parts_of_unclear(
    chosen: list[Candidate], unclear: list[list[Candidate]]
) -> list[Candidate]:
    # A part of a name ("Institut Helio", from FINESS's "Institut Hélio- Marin Labenne") inside
    # a longer name the post writes that several entities have ("Institut Helio Marin …", the
    # Centres Hélio-Marins) is part of that longer name: it names nobody by itself.
    spans = [
        (group[0].field, group[0].start, group[0].end)
        for group in unclear
        if any(c.level == STRONG and not foreign_near(c) for c in group)
    ]
    return [
        candidate
        for candidate in chosen
        if candidate.origin != FROM_PART
        or not any(
            field is candidate.field
            and start <= candidate.start
            and candidate.end <= end
            and end - start > candidate.end - candidate.start
            for field, start, end in spans
        )
    ]


def _article_before(first: Candidate, second: Candidate) -> bool:
    # ``first`` starts before ``second`` by articles only.
    words = first.field.folded.text[first.start : second.start].split()
    return bool(words) and all(word in ARTICLE_WORDS for word in words)


#: Words an acronym skips ("Centre hospitalier d'Albertville-Moûtiers" is the "CHAM").
_INITIALS_SKIP = frozenset({"de", "du", "des", "d", "l", "la", "le", "les", "et", "en", "sur"})


def _without_initials_of_named(chosen: list[Candidate]) -> list[Candidate]:
    # An acronym written in capitals that spells the initials of another name of the post, as
    # written there, is that name's ("… Centre hospitalier Albertville-Moûtiers … les données
    # du CHAM": not the Montargis hospital whose alias is "CHAM").
    if len(chosen) < 2:
        return chosen
    return [
        c
        for c in chosen
        if (acronym := _acronym(c)) is None
        or not any(
            other.entity != c.entity and _initials(other, len(acronym)) == acronym
            for other in chosen
        )
    ]


def _acronym(candidate: Candidate) -> str | None:
    # The matched text when it is one word of 3 to 6 capitals ("CHAM"), lower-cased.
    start, end = candidate.field.folded.span(candidate.start, candidate.end)
    written = candidate.field.folded.original[start:end]
    if 3 <= len(written) <= 6 and written.isalpha() and written.isupper():
        return written.lower()
    return None


def _initials(candidate: Candidate, size: int) -> str:
    # The first letters of the words written from the candidate's start, articles aside, as
    # many as an acronym of ``size`` letters has ("centre hospitalier albertville moutiers").
    words = candidate.field.folded.text[candidate.start : candidate.end + 80].split()
    return "".join(w[0] for w in words if w not in _INITIALS_SKIP)[:size]


def _names_the_memorial(inner: Candidate, outer: Candidate) -> bool:
    # ``inner`` is the type word and memorial name ``outer`` was read across, placed.
    return (
        inner.field is outer.field
        and not inner.across
        and inner.placed
        and inner.start == outer.start
        and inner.end < outer.end
    )


def contains(outer: Candidate, inner: Candidate) -> bool:
    # ``outer`` spans ``inner`` and is longer, in the same field.
    return (
        outer is not inner
        and outer.field is inner.field
        and outer.start <= inner.start
        and inner.end <= outer.end
        and (outer.end - outer.start) > (inner.end - inner.start)
    )


def excluded(watchlist: Watchlist, candidate: Candidate) -> bool:
    if not watchlist.exclusions:
        return False
    entity = watchlist.entities[candidate.entity]
    matched = candidate.field.folded.text[candidate.start : candidate.end].strip()
    return matched in watchlist.exclusions or entity.key in watchlist.exclusions
