"""The victim a press or feed item designates, and the names its summary only mentions.

A tracker's press record and a feed entry with a website name their victim in a field of their
own; the summary that follows tells the story and names other organisations in passing (the
hospitals patients were sent to, an earlier victim, the software's other customers). Two
layouts carry that field:

* ``<victim>\\ndomain: <domain>\\n<summary>`` in the text (ransomware.live's press export as
  the labelled sets hold it, the article's headline as title);
* the victim as title, and a text starting with its website on a line of its own (what
  :mod:`spiders.feeds` makes of a press record or a leak-site entry with a website), or ending
  with ``website: <domain>``; the website must spell a word of the title (a paste whose first
  line is some domain designates nothing).

A name found only in the summary is the item's victim only when it is the designated victim's
family (its group, legal entity or sister site), has the victim's domain, or shares a
distinctive word with the victim as written ("CHSF" for "Centre Hospitalier Sud Francilien
(CHSF)"): "Lacroix Group" whose summary recalls the CHU de Nantes names no health victim.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence
from dataclasses import dataclass

from crawler.core.records import EntityMatch, EntityRecord
from crawler.matching.name_words import (
    ARTICLE_WORDS,
    CATEGORY_WORDS,
    GENERIC_WORDS,
    LEGAL_FORMS,
    TYPE_PHRASES,
    TYPE_QUALIFIERS,
    TYPE_WORDS,
)
from crawler.matching.normalise import normalise_phrase
from crawler.matching.results import AmbiguousMatch
from crawler.matching.vocabulary import FRENCH_TLDS

_PRESS_VICTIM = re.compile(
    r"\A[ \t]*(?P<victim>[^\n]{1,200}?)[ \t]*\n[ \t]*domain:[ \t]*(?P<domain>[^\s]*)[ \t]*(?:\n|\Z)"
)
_WEBSITE_LINE = re.compile(
    r"\A[ \t]*(?:https?://)?(?:www\.)?(?P<domain>[a-z0-9-]+(?:\.[a-z0-9-]+)+)/?[ \t]*\n",
    re.IGNORECASE,
)
_TYPE_WORDS = TYPE_WORDS - {"de", "d", "l"}
#: Country codes used as generic names.
_GENERIC_CCTLDS = frozenset(
    ["io", "co", "me", "tv", "ai", "ly", "gg", "to", "cc", "ws", "fm", "sh"]
)
#: A leak-site post's description ending with the victim's website ("…\nwebsite: x.fr").
_WEBSITE_LAST = re.compile(
    r"\n[ \t]*website:[ \t]*(?:https?://)?(?:www\.)?(?P<domain>[a-z0-9-]+(?:\.[a-z0-9-]+)+)/?\s*\Z",
    re.IGNORECASE,
)
#: Words that name no one: articles, type words and their qualifiers, generic and category
#: words, legal forms.
_PLAIN_WORDS = (
    ARTICLE_WORDS
    | GENERIC_WORDS
    | CATEGORY_WORDS
    | LEGAL_FORMS
    | _TYPE_WORDS
    | frozenset(w for q in TYPE_QUALIFIERS for w in q.split())
)


@dataclass(frozen=True)
class VictimField:
    """Where an item designates its victim: the spans (field, start, end) of the victim and its
    domain line, the victim as written, and its domain (lower case) when given."""

    spans: tuple[tuple[str, int, int], ...]
    written: str
    domain: str | None
    #: The article's headline (the title, when the victim is in the text).
    headline: tuple[str, int, int] | None = None


def victim_field(title: str, text: str) -> VictimField | None:
    """The item's designated victim, or None for a post that designates none."""
    press = _PRESS_VICTIM.match(text)
    if press is not None:
        domain = press.group("domain").lower().removeprefix("www.") or None
        line = ("text", press.start("victim"), press.end())
        return VictimField((line,), press["victim"], domain, ("title", 0, len(title)))
    if not title.strip() or "\n" in title.strip() or len(title) > 150:
        return None
    website = _WEBSITE_LINE.match(text)
    if website is not None and _resembles(title, website.group("domain")):
        domain = website.group("domain").lower()
        return VictimField((("title", 0, len(title)), ("text", 0, website.end())), title, domain)
    website = _WEBSITE_LAST.search(text)
    if website is not None and _resembles(title, website.group("domain")):
        domain = website.group("domain").lower()
        spans = (("title", 0, len(title)), ("text", website.start(), len(text)))
        return VictimField(spans, title, domain)
    return None


def _foreign_domain(domain: str) -> bool:
    # A country-code top-level domain of another country than France (and not one used as a
    # generic name: .io, .co …).
    tld = domain.rsplit(".", 1)[-1].lower()
    return len(tld) == 2 and tld not in FRENCH_TLDS and tld not in _GENERIC_CCTLDS


def _resembles(title: str, domain: str) -> bool:
    # The website is the title's own: a word of the title (four letters or more) is in its
    # name ("Lacroix Group", lacroix-group.com). A paste whose first line is some domain
    # ("Untitled" over "chu-rouen.fr") designates no victim.
    label = re.sub(r"[^a-z0-9]", "", normalise_phrase(domain.rsplit(".", 1)[0]))
    words = [w for w in normalise_phrase(title).split() if w not in ARTICLE_WORDS]
    initials = _initials(title)
    # … or its initials ("Restauration Collective du Sud-Ouest", rcso.fr).
    return any(len(word) >= 4 and word in label for word in words) or (
        len(initials) >= 3 and label.startswith(initials)
    )


def only_mentioned(
    victim: VictimField,
    matches: Sequence[EntityMatch],
    ambiguous: Sequence[AmbiguousMatch],
    places: Collection[str],
    heads: Collection[str],
) -> tuple[list[EntityMatch], list[AmbiguousMatch]]:
    """``matches`` and ``ambiguous`` without the names that are not the designated victim.

    ``places``: the words of the watchlist's towns and departments; ``heads``: the keys of
    the entities the watchlist knows members of.
    """
    if victim.domain is not None and _foreign_domain(victim.domain):
        # "Capio S:t Gorans sjukhus … website: capio.se": the victim is abroad, whatever
        # French group its description names.
        return [], []
    named = [m for m in matches if _inside(victim, m.field, m.start, m.end)]
    if any(m.entity.kind == "group" and m.entity.key not in heads for m in named):
        # A group whose members the watchlist does not know (a GHT): the hospitals its
        # summary names may be its members ("L'hôpital de Verdun fonctionne en mode dégradé").
        return list(matches), list(ambiguous)
    families = {_family(m.entity) for m in named}
    # A place names the victim only when the victim, written with a type word, is no watched
    # name ("Centre hospitalier d'Oloron-Sainte-Marie"; "Mairie de Dax" is not the CH de Dax).
    folded = f" {normalise_phrase(victim.written)} "
    typed = not named and any(f" {surface} " in folded for surface in TYPE_PHRASES)
    plain = _PLAIN_WORDS if typed else _PLAIN_WORDS | frozenset(places)
    words = _words(victim.written, plain)
    if typed and not words:  # "Hôpital Nord-Ouest": generic words are all there is to compare
        plain = ARTICLE_WORDS | _TYPE_WORDS | LEGAL_FORMS
        words = _words(victim.written, plain)

    def victim_like(entity: EntityRecord, written: str) -> bool:
        if _family(entity) in families or entity.key in families:
            return True
        if victim.domain is not None and victim.domain in entity.domains:
            return True
        names = " ".join([written, entity.name, *entity.aliases])
        if not words.isdisjoint(_words(names, plain)):
            return True
        # … or the victim is written by the name's initials ("ghm-grenoble.fr" for the
        # "Groupe Hospitalier Mutualiste de Grenoble" its description names)
        initials = _initials(written)
        return any(len(word) >= 3 and initials.startswith(word) for word in words)

    def kept(field: str, start: int, end: int) -> bool:
        # In the victim's field; or, once the victim is a watched entity, in the headline.
        if _inside(victim, field, start, end):
            return True
        headline = victim.headline
        return bool(named) and headline is not None and headline[0] == field

    return (
        [m for m in matches if kept(m.field, m.start, m.end) or victim_like(m.entity, m.matched)],
        [
            a
            for a in ambiguous
            if kept(a.field, a.start, a.end) or any(victim_like(c, a.matched) for c in a.candidates)
        ],
    )


def _initials(written: str) -> str:
    return "".join(w[0] for w in normalise_phrase(written).split() if w not in ARTICLE_WORDS)


def _inside(victim: VictimField, field: str, start: int, end: int) -> bool:
    return any(f == field and s <= start and end <= e for f, s, e in victim.spans)


def _family(entity: EntityRecord) -> str:
    return entity.parent_key or entity.key


def _words(written: str, plain: Collection[str]) -> frozenset[str]:
    # The words of a name that name someone: not articles, type or generic words, not
    # ``plain`` ones.
    return frozenset(
        word for word in normalise_phrase(written).split() if len(word) >= 3 and word not in plain
    )
