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
from crawler.matching.display_names import REGION_OF
from crawler.matching.finess_categories import categories
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
    #: Folded ordinary French/English words among the names ("horizon", "avenir", "ship"): a
    #: typeless name made only of them needs context (see :mod:`crawler.matching.ordinary_words`).
    ordinary_words: frozenset[str] = frozenset()
    #: Folded ordinary English words among the names ("mercy", "clinical"): written with an
    #: English type word and nothing else, they make an English phrase ("Mercy Hospital").
    english_words: frozenset[str] = frozenset()
    #: English words one edit away from a name word ("belford", "vienna"): written right
    #: before an English type word they are names of their own, never misspelt French ones.
    english_near_names: frozenset[str] = frozenset()
    #: Folded cores of watched names that hospitals abroad have too ("albert schweitzer"):
    #: a name of one needs France (see :mod:`crawler.matching.foreign_names`).
    shared_abroad: frozenset[str] = frozenset()
    #: A digest of the file the first ``base_count`` entities were read from, in order: the
    #: fingerprint hashes it instead of those entities (67k of them take a second to dump).
    base_digest: str = ""
    base_count: int = 0

    def fingerprint(self) -> str:
        """A hash of everything the matcher index is built from (names the on-disk cache)."""
        digest = hashlib.sha256()
        base = self.base_count if self.base_digest else 0
        digest.update(self.base_digest.encode())
        rows = [[getattr(entity, name) for name in _FIELD_ORDER] for entity in self.entities[base:]]
        digest.update(json.dumps(rows).encode())
        digest.update(json.dumps(dict(self.departments), sort_keys=True).encode())
        digest.update(json.dumps(sorted(self.exclusions)).encode())
        digest.update(json.dumps(sorted(self.ordinary_words)).encode())
        digest.update(json.dumps(sorted(self.english_words)).encode())
        digest.update(json.dumps(sorted(self.english_near_names)).encode())
        return digest.hexdigest()[:24]

    def merged(self, extra: Iterable[EntityRecord]) -> Watchlist:
        """This watchlist plus ``extra`` entities; an extra entity replaces one with its key."""
        replaced = {entity.key: entity for entity in extra}
        kept = [entity for entity in self.entities if entity.key not in replaced]
        intact = len(kept) == len(self.entities)  # the base file's entities are all still first
        return dataclasses.replace(
            self,
            entities=tuple(kept) + tuple(replaced.values()),
            base_digest=self.base_digest if intact else "",
        )


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


def _read_bundled(path: Path | None) -> bytes:
    try:
        if path is None:
            packed = resources.files("crawler.data").joinpath(BUNDLED_NAME).read_bytes()
        else:
            packed = path.read_bytes()
        return gzip.decompress(packed)
    except (OSError, EOFError) as exc:
        raise WatchlistError(
            f"cannot read bundled watchlist {path or BUNDLED_NAME}: {exc}"
        ) from exc


def read_bundled_lines(
    path: Path | None = None, text: bytes | None = None
) -> Iterator[dict[str, Any]]:
    """The JSON objects of a bundled watchlist file (default: the one shipped in the package;
    ``text``: its content already read and unpacked), entities with the fields the file leaves
    out filled in (:func:`expand_bundled`)."""
    content = (text if text is not None else _read_bundled(path)).decode("utf-8")
    try:
        # One JSON array of all lines: a single parse is much faster than one per line.
        items = json.loads("[" + ",".join(line for line in content.splitlines() if line) + "]")
    except json.JSONDecodeError as exc:
        raise WatchlistError(
            f"cannot read bundled watchlist {path or BUNDLED_NAME}: {exc}"
        ) from exc
    labels = _labels()
    for data in items:
        yield data if "meta" in data else expand_bundled(data, labels)


def compact_bundled(data: dict[str, Any]) -> dict[str, Any]:
    """An entity object without what :func:`expand_bundled` restores (the kind and number of a
    FINESS key, the region of its department, the category label of its category tag)."""
    compact = dict(data)
    if compact["key"].startswith(("finess:", "finess-ej:")) and compact["kind"] == "establishment":
        del compact["kind"]
    if compact["key"] == f"finess:{compact.get('finess_et')}":
        del compact["finess_et"]
    if compact.get("region") and compact["region"] == _region_of(compact.get("department")):
        del compact["region"]
    if compact.get("category") and compact["category"] == _category_label(compact):
        del compact["category"]
    return compact


def expand_bundled(data: dict[str, Any], labels: Mapping[str, str] | None = None) -> dict[str, Any]:
    """The entity object :func:`compact_bundled` made, whole again (``labels``: category tag →
    label, :func:`_labels`)."""
    key = data["key"]
    if key[:7] == "finess:":
        data.setdefault("kind", "establishment")
        data.setdefault("finess_et", key[7:])
    elif key[:10] == "finess-ej:":
        data.setdefault("kind", "establishment")
    if "region" not in data and "department" in data:
        data["region"] = REGION_OF.get(data["department"] or "")
    if "category" not in data:
        labels = _labels() if labels is None else labels
        data["category"] = next(
            (labels[tag] for tag in data.get("tags", ()) if tag in labels),
            "Entité juridique" if key[:10] == "finess-ej:" else None,
        )
    return data


def _labels() -> dict[str, str]:
    return {f"category:{code}": c.label for code, c in categories().items()}


def _region_of(department: str | None) -> str | None:
    return REGION_OF.get(department or "")


def _category_label(data: Mapping[str, Any]) -> str | None:
    label = expand_bundled({"key": data["key"], "tags": data.get("tags", [])})["category"]
    return str(label) if label else None


def load_bundled(path: Path | None = None) -> Watchlist:
    """The bundled default watchlist: a metadata line, then one entity per line."""
    departments: dict[str, str] = {}
    ordinary: frozenset[str] = frozenset()
    english: frozenset[str] = frozenset()
    english_near: frozenset[str] = frozenset()
    abroad: frozenset[str] = frozenset()
    entities: list[EntityRecord] = []
    text = _read_bundled(path)
    for data in read_bundled_lines(path, text):
        if "meta" in data:
            departments = dict(data["meta"].get("departments", {}))
            ordinary = frozenset(data["meta"].get("ordinary_words", ()))
            english = frozenset(data["meta"].get("english_words", ()))
            english_near = frozenset(data["meta"].get("english_near_names", ()))
            abroad = frozenset(data["meta"].get("shared_abroad", ()))
        else:
            entities.append(EntityRecord(**data))
    digest = hashlib.sha256(text).hexdigest()
    return Watchlist(
        tuple(entities),
        departments,
        ordinary_words=ordinary,
        english_words=english,
        english_near_names=english_near,
        shared_abroad=abroad,
        base_digest=digest,
        base_count=len(entities),
    )


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
