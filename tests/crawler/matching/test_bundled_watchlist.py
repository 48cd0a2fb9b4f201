"""The bundled watchlist file: what it holds and how it is read."""

from __future__ import annotations

import gzip
import json
from collections import Counter
from pathlib import Path

from crawler.core.records import EntityRecord
from crawler.matching.index import load_or_build
from crawler.matching.matcher import Matcher
from crawler.matching.name_cleaning import is_noise_name
from crawler.matching.normalise import normalise_phrase
from crawler.matching.watchlist import load_bundled
from tests.crawler.matching.support import keys


def test_whole_finess_with_legal_entities() -> None:
    watchlist = load_bundled()
    prefixes = Counter(entity.key.split(":")[0] for entity in watchlist.entities)
    assert prefixes["finess"] >= 60_000
    assert prefixes["finess-ej"] >= 5_000
    toulouse = next(e for e in watchlist.entities if e.key == "finess-ej:310781406")
    assert toulouse.name == "CHU de Toulouse"
    assert all(not e.category or "Pharmacie" not in e.category for e in watchlist.entities)
    assert len(watchlist.ordinary_words) > 1_000


def test_no_alias_is_only_status_or_category_words() -> None:
    for entity in load_bundled().entities:
        for alias in entity.aliases:
            assert not is_noise_name(normalise_phrase(alias)), (entity.key, alias)


def test_every_domain_has_its_origin() -> None:
    for entity in load_bundled().entities:
        origins = {tag.rsplit(":", 1)[1] for tag in entity.tags if tag.startswith("domain:")}
        assert set(entity.domains) <= origins, entity.key


def test_real_case_a_venir(bundled_matcher: Matcher) -> None:
    # Any French text with "à venir" matched a Provence clinic whose alias was "A Venir - …".
    text = "Nouvelle base à venir, plus de détails à venir demain. Hôpital privé de Provence ?"
    assert "finess:130781289" not in keys(bundled_matcher, "Annonce", text)


def test_bare_domain_titles(bundled_matcher: Matcher) -> None:
    assert keys(bundled_matcher, "chu-tours.fr", "") == {"finess-ej:370000481"}
    assert keys(bundled_matcher, "ch-dax.fr", "") == {"finess-ej:400780193"}
    assert keys(bundled_matcher, "chu-tours.be", "") == set()


def test_fingerprint_follows_the_file(tmp_path: Path) -> None:
    path = tmp_path / "watchlist.jsonl.gz"
    lines = [{"meta": {"format": 2, "departments": {"94": "Val-de-Marne"}}}]
    lines.append({"key": "finess:940300445", "name": "Clinique du Sud", "city": "Thiais"})
    path.write_bytes(gzip.compress("".join(json.dumps(x) + "\n" for x in lines).encode()))
    first = load_bundled(path)
    assert first.entities[0].finess_et == "940300445" and first.entities[0].kind == "establishment"
    assert load_bundled(path).fingerprint() == first.fingerprint()
    cache = tmp_path / "cache"
    load_or_build(first, cache)
    lines[1]["city"] = "Choisy-le-Roi"
    path.write_bytes(gzip.compress("".join(json.dumps(x) + "\n" for x in lines).encode()))
    second = load_bundled(path)
    assert second.fingerprint() != first.fingerprint()
    assert load_or_build(second, cache).fingerprint == second.fingerprint()
    extra = EntityRecord(key="vendor:x", kind="vendor", name="Xyz")
    assert second.merged([extra]).fingerprint() != second.fingerprint()
    replaced = second.merged([EntityRecord(key="finess:940300445", kind="establishment", name="Y")])
    assert replaced.base_digest == "" and replaced.fingerprint() != second.fingerprint()
