"""Build the bundled default watchlist from open data.

Usage (from the repository root; ``make watchlist`` runs it on ``../shared/data``)::

    python -m crawler.matching.build_bundled \\
        ../shared/data/finess/finess-fhir-2021-01/*.tar.gz \\
        ../shared/data/finess/FHOFF_etabs_hopitaux_france.csv \\
        ../shared/data/finess/eurostat_basic-services_healthcare_FR.csv \\
        ../shared/data/labs/sites-prelevements-grand-public_2020-2021.csv \\
        ../shared/data/domains/hospital.001.wikidata.tsv \\
        ../shared/data/watchlist/vendors_groups.csv

The project's own curated lists (:data:`PROJECT_LISTS`: occupational-health services,
mutuelles and prévoyance institutions, GHTs, none of them in FINESS) are always read too.
Sources are recognised by name or header (:func:`crawler.matching.bundle_sources.source_kind`).
The whole FINESS of 2021 gives the establishments of the watched categories
(:mod:`crawler.matching.finess_categories`); the 2025 FHOFF extract's names win over it, and
older names become aliases, as do the Eurostat 2020 long names and site names. Legal entities
(EJ) with several sites become entities (:mod:`crawler.matching.legal_entities`), domains come
with their origin (:mod:`crawler.matching.bundle_domains`). The output,
``crawler/data/watchlist.jsonl.gz``, holds one metadata line (department names, the ordinary
words among the names) then one entity per line, sorted: the same inputs give the same bytes.
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import sys
from collections import Counter, defaultdict
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import ahocorasick

from crawler.core.records import EntityRecord
from crawler.matching import bundle_domains, bundle_sources
from crawler.matching.display_names import REGION_OF, city_of, display_name
from crawler.matching.establishment_names import UsualNames, read_establishment_names
from crawler.matching.finess import department_of_postcode, is_valid_finess
from crawler.matching.finess_categories import PLACED_SECTORS, categories, category_tag, sector_of
from crawler.matching.foreign_names import shared_abroad
from crawler.matching.legal_entities import TYPE_DISPLAY, name_legal_entity, of_place, rank_of
from crawler.matching.legal_entity_names import (
    KNOWN_NAME_TAG,
    KnownName,
    read_legal_entity_names,
)
from crawler.matching.name_cleaning import clean_name, is_fragment, is_noise_name, tidy
from crawler.matching.name_words import ARTICLE_WORDS, CATEGORY_WORDS, GENERIC_WORDS, TYPE_WORDS
from crawler.matching.names import NameForm, core_variants, forms_of_name
from crawler.matching.normalise import normalise_phrase
from crawler.matching.ordinary_words import (
    coined_words,
    english_words,
    english_words_near,
    ordinary_words,
)
from crawler.matching.spelling import MIN_LENGTH
from crawler.matching.watchlist import BUNDLED_NAME, compact_bundled, entity_to_dict, slugify

OUTPUT = Path(__file__).resolve().parents[1] / "data" / BUNDLED_NAME
#: Curated lists the project keeps itself (see ``curated/README.md``), read by every build.
_CURATED = Path(__file__).resolve().parent / "curated"
PROJECT_LISTS = (
    _CURATED / "organisations_outside_finess.csv",
    _CURATED / "legal_entity_names.csv",
    _CURATED / "establishment_names.csv",
)
#: Sites of one legal entity that must carry a word for it to name the operator.
_SHARED_SITES = 3
#: Where the curated groups are, so "HCL" can be confirmed by "Lyon" in the same post.
GROUP_CITIES = {
    "AP-HP": ("Paris", "75"),
    "Hospices Civils de Lyon": ("Lyon", "69"),
    "AP-HM": ("Marseille", "13"),
    "CHU Grenoble Alpes": ("Grenoble", "38"),
    "Hôpital de Fourvière": ("Lyon", "69"),
    "Centre hospitalier de la région de Saint-Omer": ("Saint-Omer", "62"),
}
#: FINESS writes overseas departments 9A…9F; postcodes and the other sources write 971…976.
OVERSEAS_CODES = {"9A": "971", "9B": "972", "9C": "973", "9D": "974", "9E": "975", "9F": "976"}
#: Curated groups that are the university hospital of their city ("CHU de Marseille" = AP-HM).
UNIVERSITY_GROUPS = frozenset({"AP-HP", "Hospices Civils de Lyon", "AP-HM", "CHU Grenoble Alpes"})


#: Words that say what kind of body a name belongs to, before its name ("GIP Cyceron").
_ORGANISATION_WORDS = frozenset(
    {
        "gip",
        "gcs",
        "gcsms",
        "gie",
        "groupement",
        "d",
        "interet",
        "public",
        "cooperation",
        "sanitaire",
    }
)


class BundleBuilder:
    """Collects entities from the sources, then adds legal entities and domains, and writes."""

    def __init__(self) -> None:
        self.entities: dict[str, dict[str, Any]] = {}
        self.departments: dict[str, str] = {}
        self.groups: dict[str, str] = {}
        self.points: dict[str, tuple[float, float]] = {}
        self.lab_rows: list[dict[str, str]] = []
        self.known_names: dict[str, KnownName] = {}
        self.usual_names: dict[str, UsualNames] = {}
        self.joined: set[str] = set()  # sites given an EJ by join_sites_to_legal_entities
        self._unnaming_words: frozenset[str] | None = None
        self.shared_abroad: list[str] = []
        self._ordinary_words: list[str] | None = None

    def _establishment(self, et: str, name: str, **fields: Any) -> dict[str, Any]:
        department = fields.pop("department", None)
        entity = self.entities[f"finess:{et}"] = {
            "key": f"finess:{et}",
            "kind": "establishment",
            "name": name,
            "finess_et": et,
            "department": department,
            "region": REGION_OF.get(department or ""),
            "aliases": [],
            "domains": [],
            "tags": [],
        }
        entity.update(fields)
        return entity

    @staticmethod
    def _add_alias(entity: dict[str, Any], alias: str) -> None:
        folded = normalise_phrase(alias)
        if _is_unnaming_alias(folded):
            return
        known = {normalise_phrase(n) for n in [entity["name"], *entity["aliases"]]}
        if folded not in known:
            entity["aliases"].append(alias)

    def _rename(self, entity: dict[str, Any], name: str) -> None:
        # A newer name wins; the older one stays as an alias (leaks are often old).
        old = entity["name"]
        if normalise_phrase(name) != normalise_phrase(old):
            entity["name"] = name
            entity["aliases"] = [a for a in entity["aliases"] if a != name]
            self._add_alias(entity, old)

    def add_fhir(self, paths: list[Path]) -> None:
        """The whole FINESS 2021: establishments of the watched categories, with their EJ."""
        sites, self.points = bundle_sources.read_fhir(paths)
        table = categories()
        for site in sites:
            category = table.get(site.category)
            if category is None or not category.watched or not is_valid_finess(site.et):
                continue
            name, former = clean_name(site.name)
            # A name of category words alone ("SAAD", "CENTRE DE SANTE") stays the name (the
            # establishment is still found by number and place); the index reads no name in it.
            name = name or (former[0] if former else tidy(site.name))
            if not name:
                continue
            department = department_of_postcode(site.postcode, site.et)
            entity = self._establishment(
                site.et,
                display_name(name),
                finess_ej=site.ej if is_valid_finess(site.ej) else None,
                category=site.category_label or None,
                department=department,
                city=city_of(f"{site.postcode} {site.city}"),
                tags=[category_tag(site.category)],
            )
            for alias in former:
                self._add_alias(entity, display_name(alias))

    def add_fhoff(self, path: Path) -> None:
        """FINESS 2025 hospital establishments with their EJ: their names win."""
        for row in bundle_sources.csv_rows(path):
            et, ej = row["nofinesset"].strip(), row["nofinessej"].strip()
            if not is_valid_finess(et):
                continue
            department = row["departement_code"].strip().upper()
            department = OVERSEAS_CODES.get(department, department)
            self.departments.setdefault(department, display_name(row["departement_nom"]))
            long_name, _ = clean_name(row["rs_longue"])
            short_name, _ = clean_name(row["rs_courte"])
            name = display_name(long_name or short_name)
            if not name:
                continue
            entity = self.entities.get(f"finess:{et}")
            if entity is None:
                entity = self._establishment(
                    et,
                    name,
                    category=row["categorie_libelle"].strip() or None,
                    department=department,
                    city=city_of(row["ville_cp"]),
                )
            else:
                self._rename(entity, name)
                self._add_town(entity, city_of(row["ville_cp"]) or "")
            if is_valid_finess(ej):
                entity["finess_ej"] = ej
            if short_name and long_name:
                self._add_alias(entity, display_name(short_name))
            if row["statut_juridique_lib"]:
                entity["tags"].append(slugify(row["statut_juridique_lib"]))

    def add_eurostat(self, path: Path) -> None:
        """Eurostat 2020 healthcare sites (FINESS ET, leading 0 restored): long names and site
        names become aliases; a site name that is a curated group makes it the parent."""
        for row in bundle_sources.csv_rows(path):
            et = row["id"].strip().upper().zfill(9)
            if not is_valid_finess(et):
                continue
            key = f"finess:{et}"
            name, former = clean_name(row["hospital_name"])
            site = row["site_name"].strip()
            parent = self.groups.get(normalise_phrase(site)) if site else None
            entity = self.entities.get(key)
            if entity is None:
                if not name:
                    continue
                department = department_of_postcode(row["postcode"].strip(), et)
                city = display_name(row["city"]) if row["city"].strip() else None
                entity = self._establishment(
                    et,
                    display_name(name),
                    category=row["facility_type"].strip() or None,
                    department=department,
                    city=city,
                )
                if row["public_private"].strip():
                    entity["tags"].append(row["public_private"].strip())
            site_name = clean_name(site)[0] if site and parent is None else ""
            for alias in [name, *former, site_name]:
                if alias:
                    self._add_alias(entity, display_name(alias))
            if parent:
                entity["parent_key"] = parent
            self._add_town(entity, row["city"])

    @staticmethod
    def _add_town(entity: dict[str, Any], town: str) -> None:
        # A town another source gives (an older address: "Blagnac" for a clinic now in
        # Cornebarrieu) places the establishment too.
        shown = display_name(town) if town.strip() else ""
        if shown and normalise_phrase(shown) != normalise_phrase(entity.get("city") or ""):
            entity["tags"].append(f"town:{shown}")

    def add_labs(self, path: Path) -> None:
        """Lab sampling sites: their names as aliases; rows kept for the labs' own domains."""
        for row in bundle_sources.csv_rows(path):
            self.lab_rows.append(row)
            entity = self.entities.get(f"finess:{row['finess'].strip()}")
            name, _ = clean_name(row["rs"])
            if entity is not None and name:
                self._add_alias(entity, display_name(name))

    def add_curated(self, path: Path) -> None:
        """Groups, vendors, insurers, labs and occupational-health services of a hand-compiled
        list. Raises :class:`SystemExit` for a row another curated row already gave (two lists
        must not silently overwrite each other)."""
        for row in bundle_sources.csv_rows(path):
            name = row["name"].strip()
            kind = row["kind"].strip()
            key = f"{kind}:{slugify(name)}"
            if key in self.entities:
                raise SystemExit(f"{path}: {name!r} ({kind}) is already in a curated list")
            aliases = list(bundle_sources.split_list(row["aliases"]))
            # The hygiene of FINESS aliases holds for curated ones ("i-Santé" is "i" + "santé").
            aliases = [a for a in aliases if not _is_unnaming_alias(normalise_phrase(a))]
            domains = list(bundle_sources.split_list(row["domains"].lower()))
            city, department = GROUP_CITIES.get(name, (None, None))
            country = row["country"].strip()
            self.entities[key] = {
                "key": key,
                "kind": kind,
                "name": name,
                "department": department,
                "region": REGION_OF.get(department or ""),
                "city": city,
                "aliases": aliases,
                "domains": domains,
                "tags": [f"country:{country}"] if country else [],
            }
            self.entities[key]["tags"] += [bundle_domains.domain_tag("curated", d) for d in domains]
            if name in UNIVERSITY_GROUPS:
                self.groups[normalise_phrase(f"CHU {of_place(GROUP_CITIES[name][0])}")] = key
            if kind in ("group", "lab"):  # an EJ named so is one of its members
                for alias in [name, *aliases]:
                    self.groups.setdefault(normalise_phrase(f"groupe {alias}"), key)
                    self.groups.setdefault(normalise_phrase(alias), key)
                    # "CHU de Grenoble Alpes" is the group "CHU Grenoble Alpes".
                    self.groups.setdefault(_without_articles(alias), key)

    def link_products_to_vendors(self) -> None:
        """Curated vendors that share a domain are one company and its products: the one the
        domain spells ("Dedalus France", dedalus.com) is the parent of the others ("DxCare",
        "ORBIS"), so a post naming both reports the company."""
        by_domain: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for entity in self.entities.values():
            if entity["kind"] == "vendor" and not entity.get("parent_key"):
                for domain in entity["domains"]:
                    by_domain[domain].append(entity)
        for domain, vendors in sorted(by_domain.items()):
            if len(vendors) < 2:
                continue
            label = re.sub(r"[^a-z0-9]", "", domain.rsplit(".", 1)[0].rsplit(".", 1)[-1])
            owners = [
                v
                for v in vendors
                if (compact := re.sub(r"[^a-z0-9]", "", normalise_phrase(v["name"])))
                and (compact.startswith(label) or label.startswith(compact))
            ]
            if len(owners) > 1:  # "Dedalus France" before "Dedalus InVitro"
                owners = [
                    v
                    for v in owners
                    if re.sub(r"france|group|groupe|[^a-z0-9]", "", normalise_phrase(v["name"]))
                    == label
                ]
            if len(owners) != 1:
                continue
            for vendor in vendors:
                if vendor is not owners[0]:
                    vendor["parent_key"] = owners[0]["key"]

    def link_members_by_name(self) -> None:
        """A curated organisation named as another of its kind followed by more words is its
        member ("MSA Languedoc" of the "MSA", "Présanse Bretagne" of "Présanse"): a post about
        the regional fund that also shows the national body's domain (``languedoc.msa.fr``)
        names one family."""
        curated = [e for e in self.entities.values() if e["kind"] != "establishment"]
        by_name = {(e["kind"], normalise_phrase(e["name"])): e for e in curated}
        for entity in curated:
            if entity.get("parent_key"):
                continue
            words = normalise_phrase(entity["name"]).split()
            for size in range(len(words) - 1, 0, -1):
                head = by_name.get((entity["kind"], " ".join(words[:size])))
                if head is not None and head is not entity and not head.get("parent_key"):
                    entity["parent_key"] = head["key"]
                    break

    def add_legal_entity_names(self, path: Path) -> None:
        """The curated own names of legal entities (:mod:`crawler.matching.legal_entity_names`),
        given to their EJ by :meth:`add_legal_entities`."""
        for ej, known in read_legal_entity_names(path).items():
            if ej in self.known_names:
                raise SystemExit(f"{path}: EJ {ej} is already named in another list")
            self.known_names[ej] = known

    def _name_of_legal_entity(
        self, ej: str, sites: list[dict[str, Any]]
    ) -> tuple[str, str, list[str]]:
        # (name, how, former names kept as aliases). A curated name wins; the name the sites
        # gave stays an alias only when it is the EJ's own (a shared hospital form or shared
        # words): a head's or first site's name is that site's, which keeps it.
        found = name_legal_entity(sites, unnaming=self._unnaming())
        if found is None:
            # No name of its own: the best-ranked site's (the lowest number among equals).
            best = min(sites, key=lambda s: (rank_of(s), s["key"]))
            found = (str(best["name"]), "first-site")
        known = self.known_names.get(ej)
        if known is None:
            return found[0], found[1], []
        own = found[1] not in ("head", "first-site")
        return known.name, KNOWN_NAME_TAG.removeprefix("ej-name:"), [found[0]] if own else []

    def join_sites_to_legal_entities(self) -> None:
        """A site only Eurostat gives (no EJ number) joins the one EJ of its department whose
        sites share its hospital form: "Centre Hospitalier Comminges Pyrenees Site Encore" is
        a site of the EJ of "… Site Saint Plancard", so "CH Comminges" names one family."""
        owners: dict[tuple[str, Any, str], set[str]] = defaultdict(set)
        orphans = []
        for entity in self.entities.values():
            if not entity.get("finess_et"):
                continue
            if not entity.get("finess_ej"):
                orphans.append(entity)
                continue
            for form in _hospital_forms(entity):
                owners[(form.type or "", entity.get("department"), form.core)].add(
                    str(entity["finess_ej"])
                )
        for entity in orphans:
            found = {
                ej
                for form in _hospital_forms(entity)
                for ej in owners.get((form.type or "", entity.get("department"), form.core), ())
            }
            if len(found) == 1:
                entity["finess_ej"] = found.pop()
                self.joined.add(str(entity["key"]))

    def add_legal_entities(self) -> None:
        """One entity per EJ of several establishments (named by :func:`name_legal_entity`),
        parent of its sites; an EJ named as a curated group makes the group their parent."""
        members: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for entity in self.entities.values():
            if entity.get("finess_ej") and entity.get("finess_et"):
                members[entity["finess_ej"]].append(entity)
        for ej, sites in sorted(members.items()):
            if len(sites) < 2:
                continue
            sites.sort(key=lambda site: str(site["key"]))
            # A site joined by its form does not name its legal entity (the EJ is named as
            # FINESS's own sites name it).
            own = [site for site in sites if site["key"] not in self.joined] or sites
            name, how, former = self._name_of_legal_entity(ej, own)
            group = self.groups.get(normalise_phrase(name)) or self.groups.get(
                _without_articles(name)
            )
            if group is not None:
                for site in sites:
                    site["parent_key"] = group
                continue
            # Sites a curated group runs (Eurostat's site name) stay its children; so does the EJ
            # if it has a name of its own (one borrowed from a site would only repeat it).
            owners = {site.get("parent_key") for site in sites}
            if len(owners) == 1 and None not in owners and how in ("head", "first-site"):
                continue
            cities = Counter(site["city"] for site in sites if site.get("city"))
            departments = Counter(site["department"] for site in sites if site.get("department"))
            department = departments.most_common(1)[0][0] if departments else None
            codes = Counter(t for site in sites for t in site["tags"] if t.startswith("category:"))
            tags = ["legal-entity", f"ej-name:{how}"]
            tags += [tag for tag, _ in codes.most_common(1)]  # the sector its sites mostly have
            key = f"finess-ej:{ej}"
            self.entities[key] = {
                "key": key,
                "kind": "establishment",
                "name": name,
                "finess_ej": ej,
                "category": "Entité juridique",
                "department": department,
                "region": REGION_OF.get(department or ""),
                "city": cities.most_common(1)[0][0] if cities else None,
                "aliases": [],
                "domains": [],
                "tags": tags,
            }
            self._add_known_names(self.entities[key], former)
            if len(owners) == 1 and None not in owners:
                self.entities[key]["parent_key"] = owners.pop()
                continue
            for site in sites:
                site["parent_key"] = key

    def _add_known_names(self, entity: dict[str, Any], former: list[str]) -> None:
        # The curated aliases and domains of a legal entity with a known name.
        known = self.known_names.get(str(entity["finess_ej"]))
        if known is None:
            return
        for alias in [*known.aliases, *former]:
            self._add_alias(entity, alias)
        _add_curated_domains(entity, known.domains)

    def unused_legal_entity_names(self) -> list[str]:
        """The EJ numbers of the curated names that no legal entity took (an EJ of one site,
        or one FINESS 2021 does not have)."""
        return sorted(ej for ej in self.known_names if f"finess-ej:{ej}" not in self.entities)

    def add_establishment_names(self, path: Path) -> None:
        """The curated usual names of establishments (:mod:`crawler.matching.establishment_names`),
        given to their ET by :meth:`give_establishment_names`."""
        for et, usual in read_establishment_names(path).items():
            if et in self.usual_names:
                raise SystemExit(f"{path}: ET {et} is already listed in another list")
            self.usual_names[et] = usual

    def give_establishment_names(self) -> list[str]:
        """Add the curated usual names and domains to their establishments; return the ET
        numbers of the rows no establishment of the bundle took."""
        unused = []
        for et, usual in sorted(self.usual_names.items()):
            entity = self.entities.get(f"finess:{et}")
            if entity is None:
                unused.append(et)
                continue
            for alias in usual.aliases:
                self._add_alias(entity, alias)
            _add_curated_domains(entity, usual.domains)
        return unused

    def drop_establishment_aliases_of_groups(self) -> None:
        """A curated group's alias written as an establishment ("CH de Dax - Côte d'Argent",
        "CH Mont-de-Marsan" for the GHT des Landes) names that establishment, when FINESS has
        one of that type and name: the alias is taken from the group, and that establishment,
        when it is the only one so named and has no parent, becomes the group's."""
        forms: dict[tuple[str | None, str], set[str]] = defaultdict(set)
        for key, entity in self.entities.items():
            if entity["kind"] == "establishment":
                for name in [entity["name"], *entity["aliases"]]:
                    for f in forms_of_name(name):
                        if f.type:
                            forms[(f.type, f.core)].add(key)
        for group, entity in self.entities.items():
            if entity["kind"] == "establishment":
                continue
            kept = []
            for alias in entity["aliases"]:
                named = [
                    forms[(f.type, f.core)]
                    for f in forms_of_name(alias)
                    if f.type is not None and (f.type, f.core) in forms
                ]
                if not named:
                    kept.append(alias)
                    continue
                # "Hôpital privé Saint-Grégoire" (Vivalto Santé) is the "CHP Saint-Grégoire":
                # one establishment with no parent of its own is then the group's.
                owners = set().union(*named)
                if len(owners) == 1:
                    site = self.entities[owners.pop()]
                    if not site.get("parent_key"):
                        site["parent_key"] = group
            entity["aliases"] = kept

    def link_sites_named_after_groups(self) -> None:
        """An establishment with no parent whose name holds the brand of one curated group or
        lab network ("EHPAD Korian Pastoria", "LBM Synlab Auvergne", "EHPAD Résidence Orpea la
        Clairière") is that group's: a post naming it names one of the group's sites. A brand
        is a name or alias of five letters or more, not an ordinary word nor a town's or a
        region's, that one organisation has."""
        unnaming = self._unnaming()
        owners: dict[str, set[str]] = defaultdict(set)
        for key, entity in self.entities.items():
            if entity["kind"] not in ("group", "lab"):
                continue
            for name in [entity["name"], *entity["aliases"]]:
                brand = normalise_phrase(name)
                if len(brand) >= 5 and not unnaming.issuperset(brand.split()):
                    owners[brand].add(key)
        brands = {brand: keys.pop() for brand, keys in owners.items() if len(keys) == 1}
        if not brands:
            return
        automaton = ahocorasick.Automaton()
        for brand, key in brands.items():
            automaton.add_word(f" {brand} ", key)
        automaton.make_automaton()
        branded: dict[str, str] = {}  # establishment key → the one brand's organisation
        for key, entity in self.entities.items():
            if entity["kind"] != "establishment":
                continue
            found = {owner for _, owner in automaton.iter(f" {normalise_phrase(entity['name'])} ")}
            if len(found) == 1:
                branded[key] = found.pop()
        sites = self._sites_of_legal_entities()
        for key, entity in self.entities.items():
            if entity["kind"] != "establishment" or entity.get("parent_key"):
                continue
            members = [site["key"] for site in sites.get(key, ())]
            if key in branded and not members:
                entity["parent_key"] = branded[key]
                continue
            # A legal entity whose sites carry one group's brand and no other, three of them
            # or half ("EHPAD Orpea Soissons", "EHPAD Orpea Hirson"… of Orpea's 187 homes), is
            # that group's.
            carried = Counter(branded[site] for site in members if site in branded)
            count = sum(carried.values())
            if len(carried) == 1 and (count >= 3 or 2 * count >= max(len(members), 2)):
                entity["parent_key"] = next(iter(carried))

    def _sites_of_legal_entities(self) -> dict[str, list[dict[str, Any]]]:
        # Legal entity key → its sites (the entities whose parent it is).
        sites: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for entity in self.entities.values():
            parent = entity.get("parent_key") or ""
            if parent.startswith("finess-ej:") and parent in self.entities:
                sites[parent].append(entity)
        return sites

    def add_brand_aliases(self) -> None:
        """A name whose distinctive part is only coined words ("LBM Oriade Noviale", "GIP
        Cyceron", "Imagerie Calibrest") is also written without its type word: that part
        becomes an alias when one family has it. Not for nursing homes and the like (their
        names need their place) nor for words shorter than five letters."""
        unnaming = self._unnaming()
        owners: dict[str, set[str]] = defaultdict(set)
        holders: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for key, entity in self.entities.items():
            if entity["kind"] != "establishment" or sector_of(_Facts(entity)) in PLACED_SECTORS:
                continue
            for name in [entity["name"], *entity["aliases"]]:
                for form in forms_of_name(name):
                    words = form.core.split()
                    while words and (words[0] in _ORGANISATION_WORDS or words[0] in CATEGORY_WORDS):
                        words = words[1:]
                    if not 1 <= len(words) <= 3 or any(
                        len(w) < 5 or not w.isalpha() or w in unnaming or w in GENERIC_WORDS
                        for w in words
                    ):
                        continue
                    core = " ".join(words)
                    owners[core].add(entity.get("parent_key") or key)
                    if entity not in holders[core]:
                        holders[core].append(entity)
        coined = coined_words({w for core in owners for w in core.split()})
        for core, families in sorted(owners.items()):
            if len(families) == 1 and set(core.split()) <= coined:
                for entity in holders[core]:
                    self._add_alias(entity, display_name(core.upper()))

    def add_shared_site_words(self) -> None:
        """A coined word that several sites of one legal entity carry and no other entity's
        sites do ("EHPAD Ghrmsa - Site Thann", "CATTP Mulhouse - Ghrmsa" of the EJ FINESS
        names after its head site "Hôpital de Cernay"; "Oxance", "Onela") is the operator's
        name: it becomes an alias of that legal entity. Three sites and a third of them at
        least; five letters or more (as for brands: shorter acronyms are many bodies'); never a
        town's, an ordinary or a type word."""
        unnaming = self._unnaming() | TYPE_WORDS | CATEGORY_WORDS | _ORGANISATION_WORDS
        sites = self._sites_of_legal_entities()
        holders: dict[str, set[str]] = defaultdict(set)
        counts: dict[str, Counter[str]] = {}
        for parent, members in sites.items():
            counts[parent] = Counter(
                word for member in members for word in set(normalise_phrase(member["name"]).split())
            )
            for word in counts[parent]:
                holders[word].add(parent)
        wanted = {
            word
            for parent, counted in counts.items()
            for word, count in counted.items()
            if count >= _SHARED_SITES
            and 3 * count >= len(sites[parent])
            and len(word) >= 5
            and word.isalpha()
            and word not in unnaming
            and word not in GENERIC_WORDS
            and len(holders[word]) == 1
        }
        for word in sorted(coined_words(wanted)):
            parent = next(iter(holders[word]))
            owner = self.entities[parent]
            if word in normalise_phrase(" ".join([owner["name"], *owner["aliases"]])).split():
                continue
            self._add_alias(owner, display_name(word.upper()))

    def add_foreign_names(self, wikidata: Path) -> None:
        """The cores of establishments' names that hospitals abroad have too (module
        :mod:`crawler.matching.foreign_names`), kept in the file's metadata."""
        cores = {
            variant
            for entity in self.entities.values()
            if entity["kind"] == "establishment"
            for name in [entity["name"], *entity["aliases"]]
            for form in forms_of_name(name)
            if form.type is not None
            for variant in core_variants(form.core)
        }
        self.shared_abroad = shared_abroad(wikidata, cores)

    def _unnaming(self) -> frozenset[str]:
        # Words that name nothing alone: ordinary words and the words of towns.
        if self._unnaming_words is None:
            towns = {w for e in self.entities.values() for w in _town_words(e)}
            for place in [*self.departments.values(), *REGION_OF.values()]:
                towns.update(normalise_phrase(place).split())  # "Charentes", "Normandie"
            self._unnaming_words = frozenset(towns | set(self._ordinary()))
        return self._unnaming_words

    def _ordinary(self) -> list[str]:
        if self._ordinary_words is None:
            self._ordinary_words = ordinary_words(self._typeless_names())
        return self._ordinary_words

    def add_domains(self, wikidata: Path | None) -> None:
        """Labs' own domains, Wikidata hospitals' domains and domains derived from names."""
        towns = frozenset(
            re.sub(r"( \d+)+$", "", normalise_phrase(e["city"]))
            for e in self.entities.values()
            if e.get("city")
        )
        found: dict[str, dict[str, str]] = defaultdict(dict)
        for ej, hosts in bundle_domains.lab_domains(self.lab_rows, towns).items():
            key = f"finess-ej:{ej}" if f"finess-ej:{ej}" in self.entities else None
            if key is None:
                sites = [k for k, e in self.entities.items() if e.get("finess_ej") == ej]
                key = sites[0] if len(sites) == 1 else None
            for host in hosts:
                if key is not None:
                    found[key].setdefault(host, "labs")
        if wikidata is not None:
            hospitals = bundle_sources.read_wikidata(wikidata)
            joined = bundle_domains.wikidata_domains(
                hospitals, self.entities, self.points, lambda e: sector_of(_Facts(e)), towns
            )
            for key, hosts in joined.items():
                for host in hosts:
                    found[key].setdefault(host, "wikidata")
        for key, rules in bundle_domains.derived_domains(self.entities, towns).items():
            for domain, rule in rules.items():
                found[key].setdefault(domain, rule)
        taken = {d for e in self.entities.values() for d in e["domains"]}
        for key, domains in sorted(found.items()):
            entity = self.entities[key]
            for domain, origin in sorted(domains.items()):
                if domain not in taken:
                    taken.add(domain)
                    entity["domains"].append(domain)
                    entity["tags"].append(bundle_domains.domain_tag(origin, domain))

    def write(self, output: Path) -> int:
        """Write the gzipped JSON Lines file; return the number of entities."""
        output.parent.mkdir(parents=True, exist_ok=True)
        records = []
        for _, entity in sorted(self.entities.items()):
            entity["tags"] = sorted(set(entity["tags"]))
            records.append(compact_bundled(entity_to_dict(EntityRecord(**entity))))
        meta = {
            "meta": {
                "format": 2,
                "departments": dict(sorted(self.departments.items())),
                "ordinary_words": self._ordinary(),
                "english_words": english_words(self._typeless_names()),
                "english_near_names": english_words_near(self._name_words(), MIN_LENGTH),
                "shared_abroad": self.shared_abroad,
            }
        }
        with (
            output.open("wb") as raw,
            gzip.GzipFile(fileobj=raw, mode="wb", compresslevel=9, mtime=0, filename="") as handle,
        ):
            handle.write((json.dumps(meta, ensure_ascii=False) + "\n").encode())
            for record in records:
                line = json.dumps(record, ensure_ascii=False, separators=(",", ":"))
                handle.write((line + "\n").encode())
        return len(records)

    def _name_words(self) -> set[str]:
        # Every folded word of the names, aliases and towns (what the speller may give).
        words: set[str] = set()
        for entity in self.entities.values():
            for name in [entity["name"], *entity["aliases"], entity.get("city") or ""]:
                words.update(normalise_phrase(name).split())
        return words

    def _typeless_names(self) -> list[str]:
        names = []
        for entity in self.entities.values():
            for name in [entity["name"], *entity["aliases"]]:
                words = normalise_phrase(name).split()
                if words and not set(words) <= ARTICLE_WORDS:
                    names.append(name)
        return names


def _add_curated_domains(entity: dict[str, Any], domains: Iterable[str]) -> None:
    # A curated list's domains for ``entity``, each once, with its origin tag.
    for domain in domains:
        if domain not in entity["domains"]:
            entity["domains"].append(domain)
            entity["tags"].append(bundle_domains.domain_tag("curated", domain))


def _is_unnaming_alias(folded: str) -> bool:
    # Category, status and article words only ("Annexe", "A venir"), or the cut-off end of a
    # longer name ("De Blaye"): no alias may be that.
    return not folded or is_noise_name(folded) or is_fragment(folded)


def _without_articles(name: str) -> str:
    # The folded name without its articles ("chu de grenoble alpes" → "chu grenoble alpes").
    return " ".join(w for w in normalise_phrase(name).split(" ") if w not in ARTICLE_WORDS)


def _hospital_forms(entity: dict[str, Any]) -> list[NameForm]:
    # The hospital forms ("CH", "CHU", "CHI" + core) of an entity's name and aliases.
    names = [str(entity["name"]), *entity.get("aliases", [])]
    return [f for name in names for f in forms_of_name(name) if f.type in TYPE_DISPLAY]


def _town_words(entity: dict[str, Any]) -> list[str]:
    return normalise_phrase(entity.get("city") or "").split()


class _Facts:
    # The attributes sector_of reads, over an entity dict.
    def __init__(self, entity: dict[str, Any]) -> None:
        self.tags = entity.get("tags") or []
        self.category = entity.get("category")


def build(sources: list[Path], output: Path = OUTPUT) -> int:
    """Build the bundled watchlist from ``sources`` (any order); return the entity count."""
    builder = BundleBuilder()
    by_kind: dict[str, list[Path]] = defaultdict(list)
    for path in sources:
        by_kind[bundle_sources.source_kind(path)].append(path)
    for path in by_kind["curated"]:
        builder.add_curated(path)
    builder.link_products_to_vendors()
    builder.link_members_by_name()
    for path in by_kind["ej-names"]:
        builder.add_legal_entity_names(path)
    if by_kind["fhir"]:
        builder.add_fhir(by_kind["fhir"])
    for path in by_kind["fhoff"]:
        builder.add_fhoff(path)
    for path in by_kind["eurostat"]:
        builder.add_eurostat(path)
    for path in by_kind["labs"]:
        builder.add_labs(path)
    builder.join_sites_to_legal_entities()
    builder.add_legal_entities()
    for ej in builder.unused_legal_entity_names():
        sys.stderr.write(f"warning: no legal entity {ej} of several sites to name\n")
    for path in by_kind["et-names"]:
        builder.add_establishment_names(path)
    for et in builder.give_establishment_names():
        sys.stderr.write(f"warning: no establishment {et} to give its usual names\n")
    builder.drop_establishment_aliases_of_groups()
    builder.link_sites_named_after_groups()
    builder.add_brand_aliases()
    builder.add_shared_site_words()
    builder.add_domains(by_kind["wikidata"][0] if by_kind["wikidata"] else None)
    if by_kind["wikidata"]:
        builder.add_foreign_names(by_kind["wikidata"][0])
    return builder.write(output)


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("sources", nargs="+", type=Path, help="the open-data files (any order)")
    parser.add_argument("--output", type=Path, default=OUTPUT)
    parser.add_argument(
        "--without-project-lists",
        action="store_true",
        help="read the given files only, not the project's own curated lists",
    )
    args = parser.parse_args(argv)
    given = {path.resolve() for path in args.sources}
    own = [] if args.without_project_lists else PROJECT_LISTS
    sources = [*args.sources, *(path for path in own if path.resolve() not in given)]
    count = build(sources, args.output)
    sys.stderr.write(f"wrote {count} entities to {args.output}\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
