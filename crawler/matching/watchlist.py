"""The watchlist: the entities the matcher looks for, and where they come from.

Entities are :class:`crawler.core.records.EntityRecord` (the fields of ``db.models.Entity``), keyed
``finess:<ET>``, ``finess-ej:<EJ>`` or ``<kind>:<slug>``. A watchlist is the bundled default
(``crawler/data/watchlist.jsonl.gz``, built by :mod:`crawler.matching.build_bundled`), plus YAML
files and inline entries from the configuration, minus exclusions.

Raises :class:`crawler.core.errors.WatchlistError` when a file is missing or malformed.
"""

from __future__ import annotations

import dataclasses
import gzip
import hashlib
import json
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from crawler.core.config import Settings, WatchlistEntry
from crawler.core.errors import WatchlistError
from crawler.core.records import EntityRecord
from crawler.matching.normalise import normalise_phrase

BUNDLED_NAME = "watchlist.jsonl.gz"
_ENTITY_FIELDS = {f.name for f in dataclasses.fields(EntityRecord)}
_FIELD_ORDER = tuple(f.name for f in dataclasses.fields(EntityRecord))
_LIST_FIELDS = ("aliases", "domains", "tags")


@dataclass(frozen=True)
class Watchlist:
    """Entities to match, the department names used as context, and phrases never to report."""

    entities: tuple[EntityRecord, ...]
    departments: Mapping[str, str] = field(default_factory=dict)
    exclusions: frozenset[str] = frozenset()

    def fingerprint(self) -> str:
        """A hash of everything the matcher index is built from (names the on-disk cache)."""
        digest = hashlib.sha256()
        rows = [[getattr(entity, name) for name in _FIELD_ORDER] for entity in self.entities]
        digest.update(json.dumps(rows).encode())
        digest.update(json.dumps(dict(self.departments), sort_keys=True).encode())
        digest.update(json.dumps(sorted(self.exclusions)).encode())
        return digest.hexdigest()[:24]

    def merged(self, extra: Iterable[EntityRecord]) -> Watchlist:
        """This watchlist plus ``extra`` entities; an extra entity replaces one with its key."""
        replaced = {entity.key: entity for entity in extra}
        kept = [entity for entity in self.entities if entity.key not in replaced]
        return dataclasses.replace(self, entities=tuple(kept) + tuple(replaced.values()))


def slugify(text: str) -> str:
    """A key-safe slug: folded words joined by hyphens ("Ramsay Santé" → "ramsay-sante")."""
    return normalise_phrase(text).replace(" ", "-")[:100] or "unnamed"


def entity_to_dict(entity: EntityRecord) -> dict[str, Any]:
    """An entity as a compact JSON object (empty fields left out)."""
    data = dataclasses.asdict(entity)
    return {key: value for key, value in data.items() if value not in (None, [], "")}


def entity_from_dict(data: Mapping[str, Any]) -> EntityRecord:
    """An entity from a JSON/YAML object with EntityRecord field names; unknown keys rejected."""
    unknown = set(data) - _ENTITY_FIELDS
    if unknown:
        raise WatchlistError(f"unknown entity field(s): {', '.join(sorted(unknown))}")
    values = dict(data)
    for name in _LIST_FIELDS:
        values[name] = [str(item) for item in values.get(name) or []]
    try:
        return EntityRecord(**values)
    except TypeError as exc:
        raise WatchlistError(f"invalid entity {data!r}: {exc}") from None


def entity_from_entry(entry: WatchlistEntry) -> EntityRecord:
    """A custom entry from the configuration or a YAML file as a watchlist entity."""
    kind = entry.kind
    key = f"finess:{entry.finess}" if entry.finess else f"{kind}:{slugify(entry.name)}"
    return EntityRecord(
        key=key,
        kind=kind,
        name=entry.name,
        finess_et=entry.finess,
        department=entry.department,
        city=entry.city,
        aliases=list(entry.aliases),
        domains=[domain.lower() for domain in entry.domains],
        tags=list(entry.tags) + ["custom"],
    )


def read_bundled_lines(path: Path | None = None) -> Iterator[dict[str, Any]]:
    """The JSON objects of a bundled watchlist file (default: the one shipped in the package)."""
    try:
        if path is None:
            handle = resources.files("crawler.data").joinpath(BUNDLED_NAME).open("rb")
        else:
            handle = path.open("rb")
        with handle, gzip.open(handle, "rt", encoding="utf-8") as lines:
            for line in lines:
                if line.strip():
                    yield json.loads(line)
    except (OSError, EOFError, json.JSONDecodeError) as exc:
        raise WatchlistError(
            f"cannot read bundled watchlist {path or BUNDLED_NAME}: {exc}"
        ) from exc


def load_bundled(path: Path | None = None) -> Watchlist:
    """The bundled default watchlist: a metadata line, then one entity per line."""
    departments: dict[str, str] = {}
    entities: list[EntityRecord] = []
    for data in read_bundled_lines(path):
        if "meta" in data:
            departments = dict(data["meta"].get("departments", {}))
        else:
            entities.append(entity_from_dict(data))
    return Watchlist(tuple(entities), departments)


def load_yaml_entries(path: Path) -> list[EntityRecord]:
    """Entries of a YAML watchlist file: a list of entries, or ``{entries: [...]}``.

    Each entry has the keys of a ``[[watchlist.entries]]`` table (name, kind, aliases, domains,
    tags, finess, department, city).
    """
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise WatchlistError(f"cannot read watchlist file {path}: {exc}") from exc
    if isinstance(data, dict):
        data = data.get("entries")
    if not isinstance(data, list):
        raise WatchlistError(f"{path}: expected a list of entries or an 'entries' list")
    entities = []
    for index, item in enumerate(data):
        try:
            entities.append(entity_from_entry(WatchlistEntry.model_validate(item)))
        except ValidationError as exc:
            error = exc.errors()[0]
            where = ".".join(str(part) for part in error["loc"])
            raise WatchlistError(f"{path}: entry {index}: {where}: {error['msg']}") from None
    return entities


def load_watchlist(settings: Settings, extra_files: Iterable[Path] = ()) -> Watchlist:
    """The watchlist the configuration describes: bundled (unless switched off), YAML files,
    inline entries and ``extra_files``, minus exclusions."""
    config = settings.watchlist
    base = load_bundled() if config.bundled else Watchlist(())
    custom: list[EntityRecord] = []
    for path in [*config.files, *extra_files]:
        custom += load_yaml_entries(Path(path))
    custom += [entity_from_entry(entry) for entry in config.entries]
    exclusions = frozenset(
        normalise_phrase(phrase) for phrase in config.exclusions if normalise_phrase(phrase)
    )
    return dataclasses.replace(base.merged(custom), exclusions=exclusions)
