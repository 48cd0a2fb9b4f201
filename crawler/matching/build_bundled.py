"""Build the bundled default watchlist from open data.

Usage (from the repository root)::

    python -m crawler.matching.build_bundled \\
        ../shared/data/finess/FHOFF_etabs_hopitaux_france.csv \\
        ../shared/data/finess/eurostat_basic-services_healthcare_FR.csv \\
        ../shared/data/watchlist/vendors_groups.csv

Each source is recognised by its header: the FHOFF hospital extract (FINESS ET and EJ numbers,
leading zeros kept), the Eurostat healthcare extract (FINESS ET number with its leading 0
stripped, private clinics included) and the hand-compiled groups/vendors/insurers/labs list. The
output, ``crawler/data/watchlist.jsonl.gz``, holds one metadata line then one entity per line.
Legal entities (EJ) shared by several establishments become entities of their own, named after
the establishments' common name ("CHU de Toulouse"), and are the establishments' parents.
"""

from __future__ import annotations

import argparse
import csv
import gzip
import json
import re
import sys
from collections import Counter, defaultdict
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from crawler.core.records import EntityRecord
from crawler.matching.finess import department_of_postcode, is_valid_finess
from crawler.matching.name_words import LEGAL_FORMS
from crawler.matching.names import NameForm, forms_of_name, is_generic_core
from crawler.matching.normalise import normalise_phrase
from crawler.matching.watchlist import BUNDLED_NAME, entity_to_dict, slugify

OUTPUT = Path(__file__).resolve().parents[1] / "data" / BUNDLED_NAME

REGIONS: dict[str, str] = {
    "Auvergne-Rhône-Alpes": "01 03 07 15 26 38 42 43 63 69 73 74",
    "Bourgogne-Franche-Comté": "21 25 39 58 70 71 89 90",
    "Bretagne": "22 29 35 56",
    "Centre-Val de Loire": "18 28 36 37 41 45",
    "Corse": "2A 2B",
    "Grand Est": "08 10 51 52 54 55 57 67 68 88",
    "Hauts-de-France": "02 59 60 62 80",
    "Île-de-France": "75 77 78 91 92 93 94 95",
    "Normandie": "14 27 50 61 76",
    "Nouvelle-Aquitaine": "16 17 19 23 24 33 40 47 64 79 86 87",
    "Occitanie": "09 11 12 30 31 32 34 46 48 65 66 81 82",
    "Pays de la Loire": "44 49 53 72 85",
    "Provence-Alpes-Côte d'Azur": "04 05 06 13 83 84",
    "Guadeloupe": "971",
    "Martinique": "972",
    "Guyane": "973",
    "La Réunion": "974",
    "Mayotte": "976",
}
REGION_OF = {code: region for region, codes in REGIONS.items() for code in codes.split()}
#: Where the curated groups are, so "HCL" can be confirmed by "Lyon" in the same post.
GROUP_CITIES = {
    "AP-HP": ("Paris", "75"),
    "Hospices Civils de Lyon": ("Lyon", "69"),
    "AP-HM": ("Marseille", "13"),
    "CHU Grenoble Alpes": ("Grenoble", "38"),
    "Hôpital de Fourvière": ("Lyon", "69"),
    "Centre hospitalier de la région de Saint-Omer": ("Saint-Omer", "62"),
}
#: Curated groups that are the university hospital of their city ("CHU de Marseille" = AP-HM).
UNIVERSITY_GROUPS = frozenset({"AP-HP", "Hospices Civils de Lyon", "AP-HM", "CHU Grenoble Alpes"})
TYPE_DISPLAY = {
    "chu": "CHU",
    "ch": "Centre hospitalier",
    "chi": "Centre hospitalier intercommunal",
    "chs": "Centre hospitalier spécialisé",
    "gh": "Groupe hospitalier",
    "hopital": "Hôpital",
}
_UPPER = frozenset(
    [
        "ch",
        "chu",
        "chr",
        "chru",
        "chi",
        "chs",
        "chg",
        "ghu",
        "gh",
        "ght",
        "hp",
        "had",
        "ssr",
        "cmp",
        "cattp",
        "ehpad",
        "usld",
        "smur",
        "hj",
        "epsm",
        "gie",
        "gcs",
        "irm",
        "ime",
        "mas",
        "fam",
        "cms",
        "cpam",
        "ccas",
        "sih",
    ]
)
_LOWER = frozenset(
    [
        "de",
        "du",
        "des",
        "la",
        "le",
        "les",
        "et",
        "sur",
        "sous",
        "en",
        "a",
        "au",
        "aux",
        "pour",
        "l",
        "d",
    ]
)
_CEDEX = re.compile(r"\s+CEDEX(\s+\d+)?$", re.IGNORECASE)


def display_name(raw: str) -> str:
    """An official upper-case name in readable case, legal forms dropped."""
    words = [w for w in re.split(r"\s+", raw.strip()) if w]
    while words and words[0].lower() in LEGAL_FORMS:
        words = words[1:]
    while words and words[-1].lower() in LEGAL_FORMS:
        words = words[:-1]
    out = []
    for index, word in enumerate(words):
        lower = word.lower()
        if lower.strip(".()") in _UPPER:
            out.append(word.upper())
        elif index > 0 and lower in _LOWER:
            out.append(lower)
        elif lower.startswith(("d'", "l'")) and index > 0:
            out.append(lower[:2] + lower[2:].capitalize())
        else:
            out.append("-".join(part.capitalize() for part in word.split("-")))
    return " ".join(out) or raw.strip()


def city_of(line: str) -> str | None:
    """ "01440 VIRIAT" → "Viriat"; "06001 NICE CEDEX 1" → "Nice"."""
    text = _CEDEX.sub("", line.strip())
    text = re.sub(r"^\d{5}\s*", "", text).strip()
    return display_name(text) if text else None


def _source_kind(path: Path) -> str:
    with path.open(encoding="utf-8", newline="") as handle:
        header = handle.readline()
    if header.startswith("nofinesset,"):
        return "fhoff"
    if header.startswith("id,hospital_name"):
        return "eurostat"
    if header.startswith("name,kind,aliases"):
        return "curated"
    raise SystemExit(f"{path}: unrecognised header {header.strip()[:60]!r}")


def _rows(path: Path) -> Iterable[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        yield from csv.DictReader(handle)


class BundleBuilder:
    """Collects entities from the sources, then adds legal entities and writes the file."""

    def __init__(self) -> None:
        self.entities: dict[str, dict[str, Any]] = {}
        self.departments: dict[str, str] = {}
        self.groups: dict[str, str] = {}

    def add_fhoff(self, path: Path) -> None:
        """FINESS hospital establishments with their EJ."""
        for row in _rows(path):
            et, ej = row["nofinesset"].strip(), row["nofinessej"].strip()
            if not is_valid_finess(et):
                continue
            department = row["departement_code"].strip().upper()
            self.departments.setdefault(department, display_name(row["departement_nom"]))
            long_name, short_name = row["rs_longue"].strip(), row["rs_courte"].strip()
            name = display_name(long_name or short_name)
            aliases = [display_name(short_name)] if short_name and long_name else []
            tags = [slugify(row["statut_juridique_lib"])] if row["statut_juridique_lib"] else []
            self.entities[f"finess:{et}"] = {
                "key": f"finess:{et}",
                "kind": "establishment",
                "name": name,
                "finess_et": et,
                "finess_ej": ej if is_valid_finess(ej) else None,
                "category": row["categorie_libelle"].strip() or None,
                "department": department,
                "region": REGION_OF.get(department),
                "city": city_of(row["ville_cp"]),
                "aliases": [a for a in aliases if a != name],
                "domains": [],
                "tags": tags,
            }

    def add_eurostat(self, path: Path) -> None:
        """Eurostat healthcare sites (FINESS ET, leading 0 restored); private clinics included."""
        for row in _rows(path):
            et = row["id"].strip().upper().zfill(9)
            if not is_valid_finess(et):
                continue
            key = f"finess:{et}"
            names = [display_name(row["hospital_name"])]
            site = row["site_name"].strip()
            parent = self.groups.get(normalise_phrase(site)) if site else None
            if site and parent is None:
                names.append(display_name(site))
            entity = self.entities.get(key)
            if entity is None:
                department = department_of_postcode(row["postcode"].strip(), et)
                entity = self.entities[key] = {
                    "key": key,
                    "kind": "establishment",
                    "name": names[0],
                    "finess_et": et,
                    "category": row["facility_type"].strip() or None,
                    "department": department,
                    "region": REGION_OF.get(department or ""),
                    "city": display_name(row["city"]) if row["city"].strip() else None,
                    "aliases": [],
                    "domains": [],
                    "tags": [row["public_private"].strip()] if row["public_private"] else [],
                }
            if parent:
                entity["parent_key"] = parent
            known = {normalise_phrase(entity["name"])} | {
                normalise_phrase(alias) for alias in entity["aliases"]
            }
            for name in names:
                if normalise_phrase(name) not in known:
                    entity["aliases"].append(name)
                    known.add(normalise_phrase(name))

    def add_curated(self, path: Path) -> None:
        """Groups, vendors, insurers and labs of the hand-compiled list."""
        for row in _rows(path):
            name = row["name"].strip()
            key = f"{row['kind'].strip()}:{slugify(name)}"
            aliases = [a.strip() for a in row["aliases"].split("|") if a.strip()]
            city, department = GROUP_CITIES.get(name, (None, None))
            self.entities[key] = {
                "key": key,
                "kind": row["kind"].strip(),
                "name": name,
                "department": department,
                "region": REGION_OF.get(department or ""),
                "city": city,
                "aliases": aliases,
                "domains": [d.strip().lower() for d in row["domains"].split("|") if d.strip()],
                "tags": [f"country:{row['country'].strip()}"] if row["country"].strip() else [],
            }
            if name in UNIVERSITY_GROUPS:
                self.groups[normalise_phrase(f"CHU {_of(GROUP_CITIES[name][0])}")] = key
            if row["kind"].strip() == "group":
                for alias in [name, *aliases]:
                    self.groups.setdefault(normalise_phrase(f"groupe {alias}"), key)
                    self.groups.setdefault(normalise_phrase(alias), key)

    def add_legal_entities(self) -> None:
        """One entity per EJ shared by several establishments, named after their common form."""
        members: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for entity in self.entities.values():
            if entity.get("finess_ej") and entity.get("finess_et"):
                members[entity["finess_ej"]].append(entity)
        for ej, sites in members.items():
            if len(sites) < 2:
                continue
            name = self._common_name(sites)
            if name is None:
                continue
            group = self.groups.get(normalise_phrase(name))
            if group is not None:
                for site in sites:
                    site["parent_key"] = group
                continue
            cities = Counter(site["city"] for site in sites if site.get("city"))
            departments = Counter(site["department"] for site in sites)
            department = departments.most_common(1)[0][0]
            key = f"finess-ej:{ej}"
            self.entities[key] = {
                "key": key,
                "kind": "establishment",
                "name": name,
                "finess_ej": ej,
                "category": "Entité juridique",
                "department": department,
                "region": REGION_OF.get(department),
                "city": cities.most_common(1)[0][0] if cities else None,
                "aliases": [],
                "domains": [],
                "tags": ["legal-entity"],
            }
            for site in sites:
                site["parent_key"] = key

    @staticmethod
    def _common_name(sites: list[dict[str, Any]]) -> str | None:
        counts: Counter[NameForm] = Counter()
        for site in sites:
            forms: set[NameForm] = set()
            for name in [site["name"], *site["aliases"]]:
                forms.update(f for f in forms_of_name(name) if f.type in TYPE_DISPLAY)
            counts.update(forms)
        common = [(f, n) for f, n in counts.most_common() if n >= 2 and not is_generic_core(f.core)]
        if common:
            form = common[0][0]
            if form.type == "chu":
                return _name_from_form(form)
            if _university_name(sites):
                return _university_name(sites)
            cities = {normalise_phrase(site.get("city") or "") for site in sites}
            if form.core in cities:
                return _name_from_form(form)
            named = [
                site["name"]
                for site in sites
                if form in forms_of_name(site["name"]) and len(forms_of_name(site["name"])) == 1
            ]
            if named:
                return str(min(named, key=len))
        return _university_name(sites)

    def write(self, output: Path) -> int:
        """Write the gzipped JSON Lines file; return the number of entities."""
        output.parent.mkdir(parents=True, exist_ok=True)
        records = [
            entity_to_dict(EntityRecord(**entity)) for _, entity in sorted(self.entities.items())
        ]
        meta = {"meta": {"format": 1, "departments": dict(sorted(self.departments.items()))}}
        with gzip.open(output, "wt", encoding="utf-8", compresslevel=9) as handle:
            handle.write(json.dumps(meta, ensure_ascii=False) + "\n")
            for record in records:
                handle.write(json.dumps(record, ensure_ascii=False, separators=(",", ":")) + "\n")
        return len(records)


def _university_name(sites: list[dict[str, Any]]) -> str | None:
    # A regional hospital's legal entity is "CHU de <the city most of its sites are in>".
    if not any("C.H.R." in (site.get("category") or "") for site in sites):
        return None
    cities = Counter(site["city"] for site in sites if site.get("city"))
    if not cities:
        return None
    city = re.sub(r"(\s+\d+)+$", "", cities.most_common(1)[0][0])
    return f"CHU {_of(city)}"


def _of(city: str) -> str:
    return f"d'{city}" if city[:1].lower() in "aeiouyhéè" else f"de {city}"


def _name_from_form(form: NameForm) -> str:
    core = display_name(form.core.upper())
    return f"{TYPE_DISPLAY[form.type or 'ch']} {_of(core)}"


def build(sources: list[Path], output: Path = OUTPUT) -> int:
    """Build the bundled watchlist from ``sources`` (any order); return the entity count."""
    builder = BundleBuilder()
    by_kind = {_source_kind(path): path for path in sources}
    if "curated" in by_kind:
        builder.add_curated(by_kind["curated"])
    if "fhoff" in by_kind:
        builder.add_fhoff(by_kind["fhoff"])
    if "eurostat" in by_kind:
        builder.add_eurostat(by_kind["eurostat"])
    builder.add_legal_entities()
    return builder.write(output)


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "sources", nargs="+", type=Path, help="CSV files (FHOFF, Eurostat, curated)"
    )
    parser.add_argument("--output", type=Path, default=OUTPUT)
    args = parser.parse_args(argv)
    count = build(args.sources, args.output)
    sys.stderr.write(f"wrote {count} entities to {args.output}\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
