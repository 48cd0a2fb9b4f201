"""Hashtags that glue a name's words in camel case or with underscores ("#CHUdeRennes",
"#HopitalDeDax", "#Hôpital_Foch"), read as the words they are made of.

Telegram channels and social posts tag their victims so. A tag is rewritten only when its
capitals cut it into two words or more; offsets still point into the post as written (the
caller applies the edits with :func:`crawler.matching.mojibake.replace_spans`).
"""

from __future__ import annotations

import re

#: A hashtag's body (letters and digits, accents included).
_TAG = re.compile(r"#(\w{4,60})")
#: Runs of capitals, of lower-case letters, of figures.
_RUNS = re.compile(r"[^\W\d_a-zß-ÿ]+|[a-zß-ÿ]+|\d+")
#: Lower-case words written between capitalised ones ("#CHUdeRennes", "#HopitaldeDax").
_PARTICLES = frozenset({"de", "du", "des", "d", "la", "le", "les", "l", "et", "sur", "en"})


def hashtag_words(text: str) -> list[tuple[int, int, str]]:
    """Edits ``(start, end, words)`` that write each camel-case hashtag's words apart (sorted,
    not overlapping): "#CHUdeRennes" → "#CHU de Rennes"."""
    if "#" not in text:
        return []
    edits = []
    for tag in _TAG.finditer(text):
        pieces = [_words(piece) for piece in tag.group(1).split("_") if piece]
        words = [w for piece in pieces for w in piece or ()]
        if None not in pieces and len(words) >= 2:
            edits.append((tag.start(1), tag.end(1), " ".join(words)))
    return edits


def _words(body: str) -> list[str] | None:
    # The words of a tag: capitals then lower case start a word ("Rennes"), unless the lower
    # case is a particle ("CHU" "de"); a run of capitals before a capitalised word is an
    # acronym ("CHSud" → "CH", "Sud"). None for a piece with other characters.
    runs = _RUNS.findall(body)
    if "".join(runs) != body:
        return None
    words: list[str] = []
    for run in runs:
        if run.isdigit() or not run[0].islower() or not words:
            words.append(run)
            continue
        previous = words[-1]  # capitals or figures: runs are as long as they go
        if run in _PARTICLES or not previous.isupper():
            words.append(run)
            continue
        # capitals then lower case: the last capital starts the word ("CHSud" → "CH" "Sud")
        head, last = previous[:-1], previous[-1]
        words[-1:] = [w for w in (head, last + run) if w]
    return words
