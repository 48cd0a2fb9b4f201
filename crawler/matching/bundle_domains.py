"""Web domains of watched entities and where each comes from (build time).

Every domain the builder adds keeps its origin in a tag ``domain:<origin>:<domain>``:

- ``curated``: ``vendors_groups.csv``;
- ``wikidata``: the Wikidata hospital list, joined by name and place (:func:`wikidata_domains`);
- ``labs``: the booking address of the COVID lab sampling sites, when it is the lab's own
  (:func:`lab_domains`: booking platforms, webmail, link shorteners, town halls and domains that
  several legal entities share are not);
- ``rule:town`` / ``rule:initials``: ``ch-<town>.fr``, ``chu-<town>.fr`` or the initials of a
  hospital's name (``chba.fr``), kept only when exactly one entity yields them
  (:func:`derived_domains`).
"""

from __future__ import annotations

import math
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from typing import Any
from urllib.parse import urlsplit

from crawler.matching.bundle_sources import WikidataHospital
from crawler.matching.name_words import ACCEPTS, ARTICLE_WORDS, TYPE_WORDS
from crawler.matching.names import forms_of_name, leading_type
from crawler.matching.normalise import normalise_phrase

#: Domains that are not an establishment's own: appointment platforms, lab software portals,
#: webmail, link shorteners, public bodies.
NOT_OWN_DOMAINS = frozenset(
    [
        "antilles.fr",  # a regional host name: "biopole.antilles.fr" is one tenant of it
        "atoutbio.eu",
        "bit.ly",
        "cea.fr",
        "clicrdv.com",
        "covidexpress.fr",
        "doctocare.com",
        "doctolib.fr",
        "free.fr",
        "gmail.com",
        "gouv.fr",
        "hotmail.com",
        "hotmail.fr",
        "kaducee.com",
        "keldoc.com",
        "laposte.net",
        "live.fr",
        "maiia.com",
        "monadmission.fr",
        "mondocteur.fr",
        "orange.fr",
        "outlook.com",
        "outlook.fr",
        "rdv-testcovid.fr",
        "rdvmedicaux.com",
        "sante.fr",
        "sfr.fr",
        "ubiclic.com",
        "wanadoo.fr",
        "yahoo.com",
        "yahoo.fr",
    ]
)
#: Top-level domains of French territories (a derived domain is one of these).
FRENCH_TLDS = ("fr", "re", "gp", "mq", "gf", "yt", "pm", "nc", "pf", "wf")
#: How far (km) a Wikidata hospital's point may be from the FINESS establishment it names.
WIKIDATA_REACH_KM = 10.0
#: How far (km) when the label does not fit and the domain must spell the name.
DOMAIN_REACH_KM = 2.0
_HOSPITAL_SECTORS = frozenset({"hospital", "psychiatry", "clinic", None})
#: First words of the names of units that carry their host's name ("SSR … du CH de X").
UNIT_FIRST_WORDS = frozenset(
    [
        "annexe",
        "antenne",
        "cattp",
        "cmp",
        "consultation",
        "consultations",
        "ehpad",
        "had",
        "hdj",
        "hj",
        "imagerie",
        "irm",
        "pole",
        "scanner",
        "service",
        "site",
        "smur",
        "ssiad",
        "ssr",
        "unite",
        "usld",
    ]
)
#: Words an initials domain leaves out ("Centre hospitalier intercommunal des Alpes du Sud").
_NOT_INITIALS = ARTICLE_WORDS | {"a", "au", "aux", "en", "et", "sur", "sous", "les", "pour"}
_DIRECTIONS = frozenset({"nord", "sud", "est", "ouest", "centre"})
_WIKIDATA_TLDS = (*FRENCH_TLDS, "org", "com", "eu")

_DOMAIN = re.compile(r"^(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,24}$")


def is_domain(text: str) -> bool:
    """True for a plain host name such as ``ch-arles.fr``."""
    return bool(_DOMAIN.match(text.lower()))


def domain_tag(origin: str, domain: str) -> str:
    """The tag recording where a domain comes from: ``domain:wikidata:chu-tours.fr``."""
    return f"domain:{origin}:{domain}"


def host_of(address: str) -> str | None:
    """The host of a web address or bare host, lower case, without ``www.``; None if none."""
    text = address.strip().lower().rstrip(".")
    if not text or " " in text:
        return None
    parts = urlsplit(text if "://" in text else f"http://{text}")
    host = (parts.hostname or "").removeprefix("www.")
    return host if is_domain(host) else None


def registrable(host: str) -> str:
    """The registrable part of a host: ``covid19.biogroup.fr`` → ``biogroup.fr``."""
    return ".".join(host.split(".")[-2:])


def is_own_domain(host: str, towns: frozenset[str]) -> bool:
    """False for a platform's, a mailbox provider's or a town hall's domain (``annecy.fr``)."""
    base = registrable(host)
    if base in NOT_OWN_DOMAINS or host in NOT_OWN_DOMAINS or host.endswith(".gouv.fr"):
        return False
    return normalise_phrase(base.split(".")[0]) not in towns


def lab_domains(rows: Iterable[Mapping[str, str]], towns: frozenset[str]) -> dict[str, set[str]]:
    """EJ number → the lab's own hosts, from the sampling sites' booking addresses.

    A host that rows of several EJs give (a group's or a platform's: ``covid19.biogroup.fr``,
    ``www.doctolib.fr``) belongs to none of them; a host with a subdomain is kept whole when
    its registrable part is shared (``provence.synlab.fr``).
    """
    by_host: dict[str, set[str]] = defaultdict(set)
    by_base: dict[str, set[str]] = defaultdict(set)
    for row in rows:
        host = host_of(row.get("web_rdv", ""))
        ej = row.get("id_ej", "").strip()
        if host is None or not ej or not is_own_domain(host, towns):
            continue
        by_host[host].add(ej)
        by_base[registrable(host)].add(ej)
    found: dict[str, set[str]] = defaultdict(set)
    for host, ejs in sorted(by_host.items()):
        if len(ejs) != 1:
            continue
        base = registrable(host)
        found[next(iter(ejs))].add(base if len(by_base[base]) == 1 else host)
    return dict(found)


def distance_km(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Great-circle distance between two (lat, lon) points, in kilometres."""
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * 6371.0 * math.asin(math.sqrt(h))


def _label_fits(label: str, names: Iterable[str]) -> bool:
    # A typed form of the label ("CHU Tours": chu + "tours") is a form of one of the names with
    # a type that accepts it; an untyped label's words are all words of one name.
    label_forms = [f for f in forms_of_name(label) if not f.secondary]
    words = set(normalise_phrase(label).split()) - ARTICLE_WORDS - TYPE_WORDS
    for name in names:
        first = normalise_phrase(name).split()[:1]
        if not first or first[0] in UNIT_FIRST_WORDS:
            continue  # "SSR CH la Rochelle" is a unit of the CH, not the CH
        for form in forms_of_name(name):
            for wanted in label_forms:
                if wanted.core != form.core:
                    continue
                if wanted.type is None or form.type is None:
                    return True
                if wanted.type in ACCEPTS.get(form.type, frozenset({form.type})):
                    return True
        if words and words <= set(normalise_phrase(name).split()) and not label_forms:
            return True
    return False


def _domain_spells(host: str, names: Iterable[str]) -> bool:
    # The host's label is the initials of one of the names, every word but articles (four
    # letters or more: "hpsj" for "Hôpital Paris Saint-Joseph", "epsnf" for "Établissement
    # public de santé national de Fresnes"), or its words of four letters or more, type words
    # aside, are all words of one name ("hopital-bellan" for "Hôpital Léopold Bellan").
    label = host.rsplit(".", 1)[0]  # the whole host but its top-level domain
    parts = [p for p in re.split(r"[.-]", label) if p]
    for name in names:
        words = [w for w in normalise_phrase(name).split() if w not in _NOT_INITIALS]
        initials = "".join(w[0] for w in words if w.isalpha())
        if len(label) >= 4 and label == initials:  # (no dot or hyphen: initials only)
            return True
        wanted = [p for p in parts if p not in TYPE_WORDS]
        if wanted and all(len(p) >= 4 for p in wanted) and set(wanted) <= set(words):
            return True
    return False


def wikidata_domains(
    hospitals: Iterable[WikidataHospital],
    entities: Mapping[str, dict[str, Any]],
    points: Mapping[str, tuple[float, float]],
    sector: Callable[[dict[str, Any]], str | None],
    towns: frozenset[str],
) -> dict[str, set[str]]:
    """Entity key → hosts of French Wikidata hospitals joined to it.

    Confidence rule: the item's label is a name of the entity (same type and core, or all its
    words in one name), the entity's FINESS point is within :data:`WIKIDATA_REACH_KM` of the
    item's, the entity is a hospital or clinic, and exactly one legal-entity family fits (the
    domain goes to its legal entity when that fits too, else to the one site).
    """
    placed = [
        (key, entity, points[entity["finess_et"]])
        for key, entity in entities.items()
        if entity.get("finess_et") in points and sector(entity) in _HOSPITAL_SECTORS
    ]
    found: dict[str, set[str]] = defaultdict(set)
    for item in hospitals:
        host = host_of(item.website)
        if item.country != "France" or item.point is None or host is None:
            continue
        if urlsplit(item.website).path.strip("/") or urlsplit(item.website).query:
            continue  # a page of a larger site ("ch-paysdeploermel.fr/josselin/")
        if not is_own_domain(host, towns) or host.split(".")[-1] not in _WIKIDATA_TLDS:
            continue
        fits: dict[str, list[str]] = defaultdict(list)
        lat, lon = item.point
        near = []  # (key, entity, km) of the sites within reach
        for key, entity, point in placed:
            if abs(point[0] - lat) > 0.1 or abs(point[1] - lon) > 0.15:
                continue  # cheap bound before the distance itself
            km = distance_km(point, item.point)
            if km <= WIKIDATA_REACH_KM:
                near.append((key, entity, km))
        for key, entity, _ in near:
            if _label_fits(item.label, [entity["name"], *entity["aliases"]]):
                fits[entity.get("parent_key") or key].append(key)
        if not fits:
            # A label in another language ("Saint Joseph's Hospital"): a site close by whose
            # name the domain spells, by its initials (hpsj.fr) or its words (bellan.fr).
            for key, entity, km in near:
                if km <= DOMAIN_REACH_KM and _domain_spells(
                    host, [entity["name"], *entity["aliases"]]
                ):
                    fits[entity.get("parent_key") or key].append(key)
        if len(fits) != 1:
            continue
        family, keys = next(iter(fits.items()))
        head = entities.get(family)
        head_names = [head["name"], *head["aliases"]] if head is not None else []
        if head_names and (_label_fits(item.label, head_names) or _domain_spells(host, head_names)):
            found[family].add(host)
        elif len(keys) == 1:
            found[keys[0]].add(host)
    return dict(found)


def derived_domains(
    entities: Mapping[str, dict[str, Any]], towns: frozenset[str] = frozenset()
) -> dict[str, dict[str, str]]:
    """Entity key → {domain: rule} for public hospitals: ``ch-<town>.fr``, ``chu-<town>.fr``
    from a name whose core is the entity's town, and ``<type><initials>.fr`` from a core of two
    distinctive words or more (no article, no word of a town in ``towns``: "CH Bretagne
    Atlantique" → ``chba.fr``); a domain that several entities would get is given to none."""
    # Directions are town words ("Wervicq Sud") but name hospitals too ("CH Sud Francilien").
    town_words = {word for town in towns for word in town.split()} - _DIRECTIONS
    offers: dict[str, set[tuple[str, str]]] = defaultdict(set)
    for key, entity in entities.items():
        if entity.get("parent_key") and not key.startswith("finess-ej:"):
            continue  # a site: the domain is its legal entity's
        city = normalise_phrase(entity.get("city") or "")
        city = re.sub(r"( \d+)+$", "", city)
        for name in [entity["name"], *entity["aliases"]]:
            words = normalise_phrase(name).split()
            kind, _ = leading_type(words)
            if kind not in ("ch", "chu", "chi", "chs"):
                continue
            for form in forms_of_name(name):
                if form.type != kind or form.secondary:
                    continue
                core = [w for w in form.core.split() if w not in ARTICLE_WORDS]
                if form.core == city and core:
                    offers[f"{kind}-{'-'.join(core)}.fr"].add((key, "rule:town"))
                    continue
                named = [w for w in form.core.split() if w not in _NOT_INITIALS]
                if len(named) >= 2 and all(w.isalpha() and w not in town_words for w in named):
                    initials = "".join(w[0] for w in named)
                    offers[f"{kind}{initials}.fr"].add((key, "rule:initials"))
    derived: dict[str, dict[str, str]] = defaultdict(dict)
    for domain, takers in sorted(offers.items()):
        keys = {key for key, _ in takers}
        if len(keys) == 1 and is_domain(domain):
            key, rule = min(takers)
            derived[key][domain] = rule
    return dict(derived)
