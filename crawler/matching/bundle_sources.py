"""Readers of the open-data files the bundled watchlist is built from (build time only).

Each reader yields plain records; :mod:`crawler.matching.build_bundled` merges them. Files are
recognised by name or header (:func:`source_kind`): the whole FINESS as FHIR NDJSON in tar.gz
parts, the FHOFF 2025 hospital extract, the Eurostat 2020 healthcare extract, the COVID lab
sampling sites, the Wikidata hospital list and the hand-compiled groups/vendors list.

Raises :class:`SystemExit` (the builder is a command) for a file it does not recognise.
"""

from __future__ import annotations

import csv
import json
import tarfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class FinessSite:
    """One FINESS establishment (ET) of the FHIR export, with its legal entity (EJ)."""

    et: str
    ej: str
    name: str
    category: str
    category_label: str
    postcode: str
    city: str


@dataclass(frozen=True)
class WikidataHospital:
    """A hospital of the Wikidata list: its label, country, website and point (lat, lon)."""

    label: str
    country: str
    website: str
    point: tuple[float, float] | None


def source_kind(path: Path) -> str:
    """``fhir``, ``fhoff``, ``eurostat``, ``labs``, ``wikidata``, ``curated``, ``ej-names``
    or ``et-names``."""
    if path.name.endswith(".tar.gz"):
        return "fhir"
    with path.open(encoding="utf-8", newline="") as handle:
        header = handle.readline()
    for prefix, kind in (
        ("nofinesset,", "fhoff"),
        ("id,hospital_name", "eurostat"),
        ("name,kind,aliases", "curated"),
        ("finess_ej,name,aliases", "ej-names"),
        ("finess_et,aliases,domains", "et-names"),
        ("_id,id_ej,finess", "labs"),
        ("item\titemLabel", "wikidata"),
    ):
        if header.startswith(prefix):
            return kind
    raise SystemExit(f"{path}: unrecognised header {header.strip()[:60]!r}")


def split_list(field: str) -> tuple[str, ...]:
    """The items of a ``|``-separated list field of a curated CSV, stripped, empty ones left
    out ("Hôpital Bicêtre| Bicêtre AP-HP|" → two items)."""
    return tuple(part.strip() for part in field.split("|") if part.strip())


def csv_rows(path: Path, delimiter: str = ",") -> Iterator[dict[str, str]]:
    """The rows of a UTF-8 CSV file with a header."""
    with path.open(encoding="utf-8", newline="") as handle:
        yield from csv.DictReader(handle, delimiter=delimiter)


def _ndjson(paths: Iterable[Path]) -> Iterator[dict[str, Any]]:
    for path in sorted(paths):
        with tarfile.open(path, "r:gz") as archive:
            for member in sorted(archive.getmembers(), key=lambda m: m.name):
                handle = archive.extractfile(member)
                if handle is None:
                    continue
                for line in handle:
                    if line.strip():
                        yield json.loads(line)


def read_fhir(paths: Iterable[Path]) -> tuple[list[FinessSite], dict[str, tuple[float, float]]]:
    """The establishments of the FHIR export and their points (lat, lon) by ET number."""
    sites: list[FinessSite] = []
    points: dict[str, tuple[float, float]] = {}
    for record in _ndjson(paths):
        ej, _, et = str(record["id"]).partition("-")
        if record["resourceType"] == "Location":
            position = record.get("position")
            if isinstance(position, dict):
                points[et.removesuffix("-loc")] = (position["latitude"], position["longitude"])
            continue
        codes = {
            coding["system"].rsplit("/", 1)[-1]: coding
            for kind in record.get("type", [])
            for coding in kind["coding"]
        }
        category = codes.get("CAT_ETAB", {})
        address = (record.get("address") or [{}])[0]
        sites.append(
            FinessSite(
                et=et,
                ej=ej,
                name=str(record.get("name", "")),
                category=category.get("code", ""),
                category_label=category.get("display", ""),
                postcode=address.get("postalCode", ""),
                city=address.get("city", ""),
            )
        )
    return sites, points


def read_wikidata(path: Path) -> Iterator[WikidataHospital]:
    """The hospitals of the Wikidata TSV that have a website ("Point(lon lat)" read)."""
    for row in csv_rows(path, delimiter="\t"):
        website = row["official_website"].strip()
        if not website:
            continue
        point = None
        geo = row["geo"].strip()
        if geo.startswith("Point(") and geo.endswith(")"):
            lon, _, lat = geo[6:-1].partition(" ")
            try:
                point = (float(lat), float(lon))
            except ValueError:
                point = None
        yield WikidataHospital(
            row["itemLabel"].strip(), row["countryLabel"].strip(), website, point
        )
