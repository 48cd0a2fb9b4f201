"""The ordinary French and English words among watchlist names (build time).

A one-word name such as "Horizon", "Avenir" or "Ship" is an ordinary word: read alone it names
nothing, so the matcher treats a typeless name made only of such words as a common alias (it
needs health context close by, or another name or the place of its entity). Which words are
ordinary is decided here, once, from word frequencies (``wordfreq``, a build-time dependency):
a word is ordinary when its Zipf frequency is at least :data:`ORDINARY_ZIPF` in French or in
English. The builder stores the list in the bundled file's metadata, so the product does not
need ``wordfreq`` at run time.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from crawler.matching.normalise import normalise_phrase

#: Zipf frequency (log10 of occurrences per billion words) from which a word is ordinary:
#: 3.5 is about one in 300,000 words ("horizon" 4.3, "avenir" 4.9, "ship" 4.9; "Korian" 2.3).
ORDINARY_ZIPF = 3.5
_WORD = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)?")


def ordinary_words(names: Iterable[str]) -> list[str]:
    """The folded words of ``names`` that are ordinary French or English words, sorted."""
    from wordfreq import zipf_frequency  # build-time only: the product reads the stored list

    seen: dict[str, bool] = {}
    for name in names:
        for raw in _WORD.findall(name):
            word = raw.lower().split("'")[-1]
            folded = normalise_phrase(word)
            if len(folded) < 3 or seen.get(folded):
                continue
            frequency = max(zipf_frequency(word, "fr"), zipf_frequency(word, "en"))
            seen[folded] = seen.get(folded, False) or frequency >= ORDINARY_ZIPF
    return sorted(word for word, ordinary in seen.items() if ordinary)
