"""Candidates of one post (a span of the folded post that may name an entity) and how they are
scored: the name's strength, confirmation by a place or another name, health context close by,
foreign places, another place written right after, and denying words."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from crawler.matching.index import COMMON, FROM_DOMAIN, FROM_NAME, STRONG, SUPPORT, WEAK
from crawler.matching.name_words import TYPE_PHRASES
from crawler.matching.normalise import Normalised, normalise_phrase
from crawler.matching.vocabulary import FRENCH_TERRITORIES

#: A match scoring below this is not reported.
THRESHOLD = 0.5
#: How far (folded characters) a foreign place discredits a name.
FOREIGN_REACH = 120
#: How far (folded characters) a health word confirms an ordinary-word name.
HEALTH_REACH = 150
#: Origin of a candidate read from a FINESS number (the index's origins are 0 and up).
FROM_FINESS = -1
#: What may stand between a denying word and the name it denies.
DENIED_GAP = frozenset(
    {"", "l", "le", "la", "les", "du", "de", "d", "the", "a", "au", "aux", "a l", "a la", "to"}
    | {"l ancien", "l ancienne", "the former", "the old", "de l", "de la", "des"}
    | {"d apres l ars", "selon l ars", "d apres l anssi", "selon l anssi"}
    | {"la fuite de", "la fuite de la", "la fuite du", "la fuite des", "la fuite d"}
    | {"fuite de", "fuite de la", "fuite du", "fuite des", "fuite d", "leak of", "breach of"}
    | {"the leak of", "the breach of"}
)
#: Between a name said not to be concerned ("transférés vers le CH de Béthune") and the next one
#: of the same list ("… et le CHU de Lille"): the denial reaches it too.
LISTED_GAP = frozenset(
    {"et", "et le", "et la", "et l", "et les", "et au", "et aux", "et a l", "et a la", "ou"}
    | {"ou le", "ou la", "ou l", "ou au", "ainsi que le", "ainsi que la", "ainsi que l"}
    | {"and", "and the", "and to", "and to the", "or", "or the", "or to", "or to the"}
    | {"puis", "puis le", "puis la", "et vers le", "et vers la", "et vers l"}
    | {"ex", "anciennement", "formerly", "former", "aka", "alias"}  # its former name
)
_TYPE_TAIL = re.compile(
    r"(?:^| )(?:" + "|".join(sorted(TYPE_PHRASES, key=len, reverse=True)) + r")$"
)
_YEAR = re.compile(r"(?:19|20)\d\d")
_LISTED_ARTICLES = frozenset({"", "le", "la", "l", "les", "au", "aux", "the"})
_NEGATED = (
    r"(?:n est|n etait|n a|n avait|n ont|n avaient|ne sont|ne serait"
    r"|ne seraient|is|was|were|has|have|had)(?: pas| nullement| aucunement| not| never)"
    r"(?: ete| been| du tout| directement| concretement)? (?:concerne|touche|impacte|affecte"
    r"|vise|cible|attaque|compromis|sollicite|implique|victime|involved|affected|impacted"
    r"|concerned|targeted|hit|breached|compromised|attacked|lie|related|linked)"
)
#: The same denial in the plural, said of a list the name starts ("Le CHU de Lille et le centre
#: communal d'action sociale ne sont pas concernés").
_LIST_NEGATED = (
    r"(?:ne sont|n ont|n etaient|n avaient|ne seraient|are|were|have)(?: pas| not| never)"
    r"(?: ete| been)? (?:concerne|touche|impacte|affecte|vise|cible|affected|impacted|concerned"
    r"|targeted|hit)"
)
#: Said to work on, untouched ("fonctionne normalement", "assure ne pas être touché"), or a
#: body that comments ("Présanse, la fédération des SPSTI, appelle à la vigilance").
_SPARED = (
    r"(?:fonctionne|fonctionnent|continue de fonctionner|functions|operates) normal"
    r"|(?:[a-z]+ )?ne pas (?:etre|avoir ete) (?:concerne|touche|impacte|affecte|vise)"
    r"|(?:est|a ete|reste|sont|ont ete|restent) epargne|(?:is|was|remains|remained) unaffected"
    r"|appelle a la vigilance|appellent a la vigilance|calls for vigilance"
    r"|n (?:avoir|a|avait|ont|avoir jamais|a jamais) (?:subi|connu|fait l objet d|ete victime d)"
    r" aucune?|(?:has|had|have) not (?:suffered|experienced|been the victim of) any"
    r"|(?:has|had|have) suffered no"
    # a drill: "a organisé jeudi un exercice simulant une attaque", "ran a cyber drill"
    r"|(?:a organise|organise|organisait|a mene|mene|a conduit|conduit|a realise|realise)"
    r"(?: [a-z]+){0,2} (?:un|une) (?:exercice|simulation)|s entraine|s est entraine"
    r"|(?:ran|runs|held|holds|organised|organized|conducted) (?:a|an)(?: [a-z]+){0,2}"
    r" (?:drill|exercise|simulation)"
)
#: An earlier victim ("En 2019, le CHU de Rouen avait subi une attaque", "touché lui-même en
#: début d'année").
_EARLIER = (
    r"(?:avait subi|avaient subi|avait deja|avaient deja|avait ete victime|avait ete touche"
    r"|avait ete vise|avait ete attaque|avait ete la cible|had suffered|had already|had been hit"
    r"|had been attacked|had been targeted|victime l an dernier|victime l annee derniere"
    r"|touche l an dernier|victim last year|hit last year|attacked last year"
    r"|(?:touche|vise|attaque|victime|hit)[a-z]* "
    r"(?:lui|elle|eux|elles|itself) ?(?:meme|memes)?)"
)
#: Said not to be in the data, or the sale or story about it to be a fake ("la clinique
#: Saint-Jean n'est pas dedans", "la base Harmonie qui tourne est un fake", "selling 'Elsan full
#: dump' is reposting the 2022 combolist", "… was big news but this is unrelated").
_DISOWNED = (
    r"(?:n est pas dedans|ne sont pas dedans|n est pas inclus|ne sont pas inclus"
    r"|is not included|are not included|this is unrelated|c est sans rapport|est sans rapport"
    r"|c etait un scam|etait un scam|est un scam|is a scam|was a scam|est un fake|etait un fake"
    r"|is a fake|was a fake|est une arnaque|etait une arnaque|is reposting|never leaked"
    r"|n a jamais fuite|n ont jamais fuite|(?:rumour|rumor|rumeur|claim) (?:is|was|est) fake"
    r"|(?:is|was|est|etait) fake|est en fait celle|est en fait celui|is actually from"
    r"|not (?:touched|hit|affected|impacted|concerned|involved|ours)"
    r"|sans lien avec l affaire|sans rapport avec l affaire|(?:had|has) no link to"
    r"|unrelated to the (?:attack|incident|breach)"
    r"|(?:dement|dementent|a dementi|ont dementi)\b|denies (?:any|being|it was|the)"
    r"|(?:etait|est|was|is) (?:une erreur|an error|a mistake|une fausse revendication)"
    r"|(?:found|finds|has found|had found) no (?:evidence|trace|sign)"
    r"|n a (?:constate|detecte|releve|trouve) aucune? (?:trace|preuve|intrusion|fuite|signe)"
    r"|denied (?:any|being|it was|the))"
)
#: Written after a name, an apposition of a few words at most between them: it is said not to be
#: concerned ("Le CHU de Rouen, attaqué en 2019, n'est pas touché", "Les Hospices civils de Lyon
#: n'ont pas été sollicités", "X was not affected"), to work on, to be an earlier victim, or
#: not to be in the data or a fake (``_DISOWNED``); or a
#: relative clause and a denial ("Le CHU de Lille, qui partage certains réseaux de la
#: métropole, n'est pas concerné"). Folded text.
#: The name taken up again by its type word, then denied, later in the sentence ("Les comptes
#: rendus du centre hospitalier de Saint-Flour apparaissent dans certains fichiers mais
#: l'hôpital n'a pas été touché").
_TAKEN_UP = (
    r"(?:mais|but|cependant|toutefois) (?:l|le|la|the|cet|cette|this) (?:hopital|clinique"
    r"|etablissement|centre hospitalier|ch|chu|hospital|clinic|centre|laboratoire|labo|lab"
    r"|ehpad|mutuelle)(?: lui meme| elle meme| itself)?"
)
DENIED_AFTER = re.compile(
    rf"(?:(?: [a-z0-9]+){{0,6}}? (?:{_NEGATED}|{_SPARED}|{_EARLIER}|{_DISOWNED})"
    rf"|(?: qui| which| who)(?: [a-z0-9]+){{1,14}}? (?:{_NEGATED}|{_SPARED})"
    rf"|(?: [a-z0-9]+){{0,4}}? (?:et|and|ainsi que)(?: [a-z0-9]+){{1,12}}? {_LIST_NEGATED})"
)
#: The name's own statement that it was not hit, or a drill (no earlier attack, no help given):
#: said of a name anywhere in a post, it denies the post's other mentions of that entity too
#: ("Centre Hospitalier de Haguenau / domain: … / le centre hospitalier de Haguenau affirme
#: n'avoir subi aucune cyberattaque").
#: Three words at most between them, none that starts another subject ("Le CHU de Rouen
#: assure que les données n'ont pas été compromises" says nothing of the CHU itself).
SELF_DENIED_AFTER = re.compile(
    r"(?: (?!(?:que|qu|that|dont|whose|which|les|le|la|l|ses|son|sa|leurs|leur|des|du|its"
    r"|their|the|his|her|aucun|aucune|no)\b)[a-z0-9]+){0,3}?"
    rf" (?:{_NEGATED}|{_SPARED}|{_DISOWNED})"
)
#: Tried only when one of its conjunctions follows the name closely (it reads 16 words).
TAKEN_UP_AFTER = re.compile(rf"(?: [a-z0-9]+){{0,16}}? {_TAKEN_UP} {_NEGATED}")
_CONJUNCTIONS = (" mais ", " but ", " cependant ", " toutefois ")
#: After a name and a few words that say nothing of an attack: a body that helps the victim
#: ("Le CHU de Rennes, établissement support du GHT, a dépêché ses équipes", "Le GHT de
#: l'estuaire de la Seine accompagne l'établissement").
HELPING_AFTER = re.compile(
    r"(?: (?!victime|touche|attaque|vise|cible|pirate|paralyse)[a-z0-9]+){0,6}?"
    r" (?:a depeche|ont depeche|depeche ses|accompagne l etablissement"
    r"|accompagnent l etablissement|accompagne l hopital|met a disposition ses"
    r"|a mis a disposition ses|apporte son expertise|apporte son aide|a mis a disposition des"
    r"|met a disposition des|a prete des|sent (?:it )?(?:staff|teams|technicians|experts)"
    r"|shared indicators|shared its experience|a partage son retour|partage son retour)"
)
#: Right after a name (two words at most between): a hospital that takes the patients in or helps
#: ("Le CHU de Lille a accueilli les patients", "… apporte son soutien technique", "Les
#: équipes du GHT appuient l'établissement").
HOSTING_AFTER = re.compile(
    r"(?: (?!victime|touche|attaque|vise|cible|pirate|paralyse)[a-z0-9]+){0,5}?"
    r" (?:a propose d accueillir|propose d accueillir|a accueilli"
    r"|ready to receive|ready to take in|pret a accueillir|prete a accueillir"
    r"|a propose son aide|propose son aide|a propose son soutien|propose son soutien"
    r"|offered (?:its )?(?:help|support)"
    r"|ont accueilli|accueille les patients|accueillent les patients|a pris en charge les"
    r"|ont pris en charge les|apporte son soutien|apportent leur soutien|took in|has taken in"
    r"|appuie|appuient|soutient|soutiennent|epaule|epaulent|vient en aide|viennent en aide)"
)


@dataclass
class PostField:
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
    #: Where names denied so end: the next name of their list is denied too (LISTED_GAP).
    listed: list[int] = field(default_factory=list)
    #: The victim's country the post gives ("Country: IT"), an ISO alpha-2 code, or None.
    country: str | None = None


@dataclass
class Candidate:
    field: PostField
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
    #: read across a memorial name to its town ("Centre hospitalier Jacques Cœur de Bourges")
    across: bool = False
    #: read past given names to a surname ("Hôpital Armand-Trousseau" for "Hôpital Trousseau")
    given: bool = False
    #: a town and an English type word after it ("Royan Hospital"): any country's town
    english_town: bool = False
    #: a core that hospitals abroad have too ("Albert Schweitzer"; module foreign_names)
    shared_abroad: bool = False
    #: The name's line carries French flags only ("🇫🇷 Clariane").
    flagged_french: bool = False
    #: a short name that is the whole title, written as a word ("ORPEA" as a victim's name)
    titled: bool = False


def score_of(candidate: Candidate, health: bool, sale: bool, french: bool) -> float:
    level, origin = candidate.level, candidate.origin
    if origin in (FROM_FINESS, FROM_DOMAIN):
        score = 0.95
    elif level == STRONG:
        score = 0.85 if origin == FROM_NAME else 0.8
    elif level == WEAK:
        score = 0.6 if health or sale or candidate.supported or candidate.titled else 0.3
    elif level == COMMON:
        # An ordinary word ("Harmonie", "Alan", "Orbis") needs a health word close by, not
        # anywhere in a long thread.
        close = any(abs(p - candidate.start) <= HEALTH_REACH for p in candidate.field.health)
        score = 0.6 if close or candidate.supported or candidate.titled else 0.3
    elif level == SUPPORT:
        score = 0.65 if candidate.supported or candidate.titled else 0.2
    else:
        score = 0.7 if candidate.supported or candidate.titled else 0.3
    if candidate.supported:
        score += 0.1
    if health:
        score += 0.05
    near = [p for p in candidate.field.foreign if not candidate.start <= p < candidate.end]
    # Another name of the entity does not make it French ("Orpea Brasil / emeis Brazil"), but
    # a name that says France is the French one ("Synlab France … not Italy"), unless the
    # whole story is told from abroad ("Italie : … Synlab France indique …").
    if foreign_near(candidate) and not (_says_france(candidate) and not _abroad(candidate)):
        score -= 0.6 if not candidate.placed else 0.2
    elif candidate.elsewhere:
        score -= 0.6  # "Hôpital Saint-Louis La Rochelle" is not the one in Paris
    if denied(candidate):
        score -= 0.6
    elif near and not (french or candidate.placed):
        score -= 0.2
    if (candidate.english_town or candidate.shared_abroad) and not (
        french or candidate.placed or health_near(candidate)
    ):
        # "Royan Hospital" alone is as much Nigeria's as France's, "Albert Schweitzer
        # Hospital" Hungary's: it needs France, the entity's place (department, postcode,
        # domain) or health words in the post.
        score -= 0.5
    return round(max(0.0, min(score, 1.0)), 3)


#: Words in a matched name that make it the French entity's ("Synlab France", "Korian
#: France"): foreign places near it are the other countries' branches.
_FRANCE_IN_NAME = frozenset({"france", "francaise", "french"})


def _says_france(candidate: Candidate) -> bool:
    words = candidate.field.folded.text[candidate.start : candidate.end].split()
    return not _FRANCE_IN_NAME.isdisjoint(words[1:])


def denied(candidate: Candidate) -> bool:
    # A denying word right before the name, an article at most between them, or a denial
    # right after it (DENIED_AFTER, HOSTING_AFTER, HELPING_AFTER).
    text = candidate.field.folded.text
    return denied_before(candidate) or (
        DENIED_AFTER.match(text, candidate.end, candidate.field.end) is not None
        or HOSTING_AFTER.match(text, candidate.end, candidate.field.end) is not None
        or HELPING_AFTER.match(text, candidate.end, candidate.field.end) is not None
        or _taken_up(text, candidate.end, candidate.field.end)
        or _denied_after_apposition(candidate)
    )


#: The longest apposition between commas read past ("The Centre Hospitalier des Pyrenees, the
#: psychiatric hospital in the same city, said it had no link to the incident").
_APPOSITION_CHARS = 120


def _denied_after_apposition(candidate: Candidate) -> bool:
    # The name, then an apposition between commas, then a denial: the words of the apposition
    # are skipped in the folded text and the denial read from there.
    folded = candidate.field.folded
    end = folded.span(candidate.start, candidate.end)[1]
    original = folded.original
    if original[end : end + 1] != ",":
        return False
    close = original.find(",", end + 1, end + 1 + _APPOSITION_CHARS)
    if close < 0 or any(mark in original[end + 1 : close] for mark in ".;:!?()\n"):
        return False
    skipped = len(normalise_phrase(original[end + 1 : close]).split())
    text = folded.text
    position = candidate.end
    for _ in range(skipped):
        position = text.find(" ", position + 1, candidate.field.end)
        if position < 0:
            return False
    return DENIED_AFTER.match(text, position, candidate.field.end) is not None


def self_denied(candidate: Candidate) -> bool:
    """The name is followed by its own denial or a drill (:data:`SELF_DENIED_AFTER`), and is
    that sentence's subject: not a name inside a relative clause ("Le CH de Vienne, qui
    héberge un centre Calydial, indique que ses systèmes ne sont pas touchés")."""
    folded = candidate.field.folded
    if SELF_DENIED_AFTER.match(folded.text, candidate.end, candidate.field.end) is None:
        return False
    start = folded.span(candidate.start, candidate.start + 1)[0]
    clause = _CLAUSE_START.split(folded.original[max(0, start - 200) : start])[-1]
    return _RELATIVE.search(clause) is None


#: Where a clause starts, and the relative pronouns that make the name after them part of it.
_CLAUSE_START = re.compile(r"[.,;:!?()\n]")
_RELATIVE = re.compile(r"(?i)\b(?:qui|dont|lequel|laquelle|which|who|whose|that)\b")


def _taken_up(text: str, end: int, limit: int) -> bool:
    # "… du centre hospitalier de Saint-Flour … mais l'hôpital n'a pas été touché".
    window = text[end : min(limit, end + 160)]
    return (
        any(conjunction in window for conjunction in _CONJUNCTIONS)
        and TAKEN_UP_AFTER.match(text, end, limit) is not None
    )


def denied_before(candidate: Candidate) -> bool:
    """A denying word right before the name (an article at most between them): the next name
    of a list it starts is denied too (see :data:`LISTED_GAP`)."""
    text = candidate.field.folded.text
    start = candidate.start
    return any(
        0 <= start - end <= 48
        and _untyped(text[end + 1 : start].strip()) in DENIED_GAP
        and not _voided(candidate, end)
        for end in candidate.field.denials
    ) or any(_listed_after(candidate, end) for end in candidate.field.listed)


#: Cues whose relation a word right before them turns around: an access "vers le CH" is an
#: access into it, staff "working for" it are its own, and its teams that detected an
#: intrusion detected their own.
_ACCESS_WORDS = frozenset(
    [
        "acces",
        "access",
        "vpn",
        "rdp",
        "ssh",
        "connexion",
        "connection",
        "tunnel",
        "pivot",
        "shell",
        "citrix",
    ]
)
_STAFF_WORDS = frozenset(
    [
        "staff",
        "employees",
        "employes",
        "salaries",
        "agents",
        "personnel",
        "soignants",
        "medecins",
        "doctors",
        "nurses",
        "infirmiers",
        "infirmieres",
        "users",
        "utilisateurs",
        "comptes",
        "accounts",
    ]
)
_TEAM_CUES = (
    "equipes du", "teams from", "staff from", "technicians from", "experts from", "experts du",
    "techniciens du",
)  # fmt: skip
_EMPLOYER_CUES = ("working for", "travaillant pour")
#: After a name its teams are said to handle: its own incident.
_OWN_INCIDENT_AFTER = re.compile(
    r"(?: [a-z0-9]+){0,3}? (?:ont detecte|a detecte|ont constate|ont decouvert|ont repere"
    r"|ont identifie|sont mobilisees|sont mobilises|travaillent a|tentent de|detected|discovered"
    r"|noticed|identified|are working to|are restoring)"
)


def _voided(candidate: Candidate, end: int) -> bool:
    # The cue ending at ``end`` is turned around by the word right before it, or, for a
    # team's cue, by what the name's teams are said to do.
    text = candidate.field.folded.text
    words = text[max(0, end - 60) : end + 1].split()
    if words[-1:] == ["vers"]:
        return len(words) > 1 and words[-2] in _ACCESS_WORDS
    tail = " ".join(words[-2:])
    if tail in _EMPLOYER_CUES:
        return len(words) > 2 and words[-3] in _STAFF_WORDS
    if tail in _TEAM_CUES:
        found = _OWN_INCIDENT_AFTER.match(text, candidate.end, candidate.field.end)
        return found is not None
    return False


def _untyped(gap: str) -> str:
    # The gap without the type word of a name read from its core ("après l'attaque contre le
    # centre hospitalier Simone-Veil": the name is read from "Simone-Veil"), and without a
    # year ("Not the 2021 Dedalus thing").
    if gap in DENIED_GAP:
        return gap
    if any(c.isdigit() for c in gap):
        gap = " ".join(w for w in gap.split() if not _YEAR.fullmatch(w))
        if gap in DENIED_GAP:
            return gap
    if len(gap) > 12:
        gap = _TYPE_TAIL.sub("", gap)
    return gap if len(gap) <= 12 else "-"


def _listed_after(candidate: Candidate, end: int) -> bool:
    # The name comes next in the list the name ending at ``end`` is in: "et le", "ou",
    # a comma, a bracket, a slash, "+" or "&", and no sentence ends between them.
    if not 0 <= candidate.start - end <= 16:
        return False
    folded = candidate.field.folded
    gap = folded.text[end + 1 : candidate.start].strip()
    if gap not in LISTED_GAP and gap not in _LISTED_ARTICLES:
        return False
    after = folded.span(end - 1, end)[1]
    between = folded.original[after : folded.span(candidate.start, candidate.start + 1)[0]]
    if any(mark in between for mark in ".;:!?\n"):
        return False
    return gap in LISTED_GAP or any(mark in between for mark in ",(/+&")


def health_near(candidate: Candidate) -> bool:
    # A health word within HEALTH_REACH of the candidate, outside it: the type word of
    # "Clinique Saint-Joseph" is part of the name, not context for it.
    start, end = candidate.start, candidate.end
    return any(
        0 < start - place <= HEALTH_REACH or 0 < place - end <= HEALTH_REACH
        for place in candidate.field.health
    )


#: A headline's dateline: a place of a few words, then a colon or a comma ("Belgique : …",
#: "Italia, …").
#: Where the post's first word starts in the folded text (padded with a space).
_POST_START = 1
_DATELINE = re.compile(r"\s*[^\W\d_][\w'’ .-]{0,38}?\s*[:,]")


def _abroad(candidate: Candidate) -> bool:
    # The post's headline starts with a foreign place as its dateline, outside the name, or
    # the post gives a foreign country as its victim's.
    country = candidate.field.country
    return (country is not None and country not in FRENCH_TERRITORIES) or (
        _POST_START in candidate.field.foreign
        and not candidate.start <= _POST_START < candidate.end  # "American Hospital, Paris"
        and _DATELINE.match(candidate.field.folded.original) is not None
    )


def foreign_near(candidate: Candidate) -> bool:
    # A foreign place (Belgique, Québec, Texas…) written close to the candidate, not inside it,
    # or the dateline of the post's headline ("Belgique : les maisons de repos Korian…"): the
    # story is told from abroad, and the group it names is the foreign branch.
    if _abroad(candidate):
        return True
    if candidate.field.country in FRENCH_TERRITORIES or candidate.flagged_french:
        return False  # where else a French victim works ("in France, Italy … Country: FR")
    return any(
        abs(place - candidate.start) <= FOREIGN_REACH
        for place in candidate.field.foreign
        if not candidate.start <= place < candidate.end
    )
