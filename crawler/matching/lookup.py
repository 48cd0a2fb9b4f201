"""Find entities by what a person types: a name or part of it, an alias, a FINESS number, a
domain or a key, folded as the matcher folds text (:func:`normalise_phrase`: case, accents,
ligatures and punctuation do not count).

:class:`NameIndex` is built once over a list of entities (the 69k of the bundled watchlist take
about a second) and answers each query from in-memory postings, without a scan:

- a FINESS number (ET or EJ) or an entity key finds the entities that have it;
- a domain (``foch.fr``, ``https://www.foch.fr/x``) finds the entities with that domain or a
  parent domain of it;
- anything else finds the entities one of whose names (name or alias) holds every folded word
  of the query, the last one possibly cut short (``hopital prive de thiai``).

Results come best first: a name equal to the query, then a name starting with it, then a name
containing it as a phrase, then the rest; alphabetically within each rank.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable, Sequence

from crawler.core.records import EntityRecord
from crawler.matching.normalise import normalise_phrase

_FINESS = re.compile(r"^[0-9][0-9AB][0-9]{7}$")
_DOMAIN = re.compile(r"^(?:[a-z0-9-]+\.)+[a-z]{2,}$")
_KEY = re.compile(r"^[a-z-]+:[\w.-]+$")
#: A last word shorter than this must be whole: "c" would otherwise stand for every word.
MIN_PREFIX = 3


class NameIndex:
    """Entities looked up by folded name words, FINESS number, domain or key (see module)."""

    def __init__(self, entities: Iterable[EntityRecord]) -> None:
        self.entities: tuple[EntityRecord, ...] = tuple(entities)
        self._names: list[tuple[str, ...]] = []
        self._exact: dict[str, set[int]] = {}
        postings: dict[str, set[int]] = {}
        for index, entity in enumerate(self.entities):
            names = tuple(
                dict.fromkeys(
                    folded
                    for folded in (normalise_phrase(n) for n in (entity.name, *entity.aliases))
                    if folded
                )
            )
            self._names.append(names)
            for word in {word for name in names for word in name.split()}:
                postings.setdefault(word, set()).add(index)
            for code in (entity.finess_et, entity.finess_ej, entity.key):
                if code:
                    self._exact.setdefault(code.upper(), set()).add(index)
            for domain in entity.domains:
                self._exact.setdefault(domain.lower().removeprefix("www."), set()).add(index)
        self._words = sorted(postings)
        self._postings = postings

    def __len__(self) -> int:
        return len(self.entities)

    def find(self, text: str, limit: int | None = None) -> list[EntityRecord]:
        """The entities ``text`` designates, best first, at most ``limit`` of them."""
        found = self._find(text.strip())
        return [self.entities[index] for index in found[:limit]]

    def _find(self, text: str) -> list[int]:
        if not text:
            return []
        if _FINESS.match(text.upper()) or _KEY.match(text):
            return self._ranked(self._exact.get(text.upper(), set()), "")
        domain = domain_of(text)
        if domain is not None:
            hits: set[int] = set()
            parts = domain.split(".")
            for start in range(len(parts) - 1):
                hits |= self._exact.get(".".join(parts[start:]), set())
            if hits:
                return self._ranked(hits, "")
        folded = normalise_phrase(text)
        words = folded.split()
        if not words:
            return []
        sets = [self._postings.get(word, set()) for word in words[:-1]]
        sets.append(self._prefixed(words[-1]))
        sets.sort(key=len)
        candidates = set(sets[0]).intersection(*sets[1:]) if sets else set()
        kept = {index for index in candidates if self._one_name_holds(index, words)}
        return self._ranked(kept, folded)

    def _prefixed(self, word: str) -> set[int]:
        if len(word) < MIN_PREFIX:
            return self._postings.get(word, set())
        found: set[int] = set()
        start = bisect.bisect_left(self._words, word)
        for candidate in self._words[start:]:
            if not candidate.startswith(word):
                break
            found |= self._postings[candidate]
        return found

    def _one_name_holds(self, index: int, words: Sequence[str]) -> bool:
        # Every word in one name (an alias's word does not complete the name's).
        *whole, last = words
        for name in self._names[index]:
            own = name.split()
            if all(word in own for word in whole) and any(
                w == last or (len(last) >= MIN_PREFIX and w.startswith(last)) for w in own
            ):
                return True
        return False

    def _ranked(self, indexes: Iterable[int], folded: str) -> list[int]:
        def rank(index: int) -> tuple[int, str, str]:
            names = self._names[index]
            entity = self.entities[index]
            if not folded or folded in names:
                best = 0
            elif any(name.startswith(folded) for name in names):
                best = 1
            elif any(f" {folded}" in f" {name}" for name in names):
                best = 2
            else:
                best = 3
            return best, normalise_phrase(entity.name), entity.key

        return sorted(indexes, key=rank)


def domain_of(text: str) -> str | None:
    """The host name in ``text`` when it is a domain or a URL (lower case, without ``www.``)."""
    host = text.strip().lower()
    host = re.sub(r"^[a-z][a-z0-9+.-]*://", "", host).split("/", 1)[0].split(":", 1)[0]
    host = host.removeprefix("www.").rstrip(".")
    return host if _DOMAIN.match(host) else None
