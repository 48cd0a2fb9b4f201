"""The matcher's first pass over a folded post: its vocabulary signals, and whether it holds a
key whose position matters (an entity name or a place).

Most posts name nothing: this pass only needs the OR of the signal masks of the keys found and
one bit saying whether a positional key is among them (see :mod:`crawler.matching.index`); the
matcher reads the post again, with positions, only when that bit is set
(:meth:`FirstPass.hits`).
:func:`first_pass_python` reads it from the automaton's own ``iter`` (the reference). When the C
extension :mod:`crawler.matching._fold` is built, :class:`FirstPass` reads it from a trie of
the automaton's keys word by word instead, without making a Python object per hit: the keys are
whole words padded with spaces, or a word's end followed by a space, so in a text they occur
exactly where the trie's words do (the C file says why).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from functools import reduce
from operator import or_
from typing import Any

_word_trie: Callable[[Iterable[tuple[str, int]], list[int]], object] | None
_first_pass: Callable[[object, str], tuple[int, bool] | None] | None
_key_hits: Callable[[object, str, int], list[tuple[int, int]] | None] | None
try:
    from crawler.matching._fold import first_pass as _first_pass
    from crawler.matching._fold import key_hits as _key_hits
    from crawler.matching._fold import word_trie as _word_trie
except ImportError:  # the C extension is not built: the automaton's own pass
    _word_trie = _first_pass = _key_hits = None

logger = logging.getLogger(__name__)


class FirstPass:
    """The first pass of one index's automaton (``masks``: its entries' vocabulary masks).

    Calling it with a folded post returns ``(mask, positional)``: the OR of the signal masks
    of every key in the post (an entity or place key counts its entry's mask), and whether one
    of them is an entity or place key. Equal to :func:`first_pass_python` on any text.
    """

    def __init__(self, automaton: Any, masks: list[int]) -> None:
        self._automaton = automaton
        self._masks = masks
        self._trie: object | None = None
        if _word_trie is not None:
            try:
                self._trie = _word_trie(automaton.items(), masks)
            except (ValueError, OverflowError) as exc:
                # A key of another form: the automaton's own pass reads it, correctly but slower.
                logger.warning("matcher keys not readable word by word (%s): slower pass", exc)

    def __call__(self, folded: str) -> tuple[int, bool]:
        if self._trie is not None and _first_pass is not None:
            found = _first_pass(self._trie, folded)
            if found is not None:
                return found
        return first_pass_python(self._automaton, self._masks, folded)

    def hits(self, folded: str, bits: int) -> list[tuple[int, int]]:
        """The ``(end, value)`` hits of the automaton's ``iter(folded)``, in its order, whose
        key is an entity or place key or a vocabulary key with one of the signal ``bits``
        (the others are the ones a post's second walk has nothing to do with). Equal to
        :func:`hits_python`."""
        if self._trie is not None and _key_hits is not None:
            found = _key_hits(self._trie, folded, bits)
            if found is not None:
                return found
        return hits_python(self._automaton, folded, bits)


def first_pass_python(automaton: Any, masks: list[int], folded: str) -> tuple[int, bool]:
    """:class:`FirstPass`'s result from the automaton's ``iter`` (the reference)."""
    # Most hits are vocabulary, whose presence alone counts: the distinct values OR'ed give
    # the post's signals; entity and place keys have negative values (~entry).
    values = {value for _, value in automaton.iter(folded)}
    if not values:
        return 0, False
    if min(values) >= 0:
        return reduce(or_, values), False
    return reduce(or_, [value if value >= 0 else masks[~value] for value in values]), True


def hits_python(automaton: Any, folded: str, bits: int) -> list[tuple[int, int]]:
    """:meth:`FirstPass.hits` from the automaton's ``iter`` (the reference)."""
    return [(end, value) for end, value in automaton.iter(folded) if value < 0 or value & bits]
