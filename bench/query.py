"""Query benchmark: the hit list, full-text search and the entity page on 1,000,000 synthetic hits.

For each engine (SQLite file, PostgreSQL on 127.0.0.1:5432 when it answers) the schema is created
by the real migrations, filled with synthetic sources, entities, posts, hits and claims (SQLite
``executemany``, PostgreSQL ``COPY``), analysed, then the real query functions of ``db/`` are
timed as the web UI calls them. The last lines are, per engine::

    query: rows=N engine=E list_p95_ms=X search_p95_ms=Y entity_p95_ms=Z

Usage: ``python bench/query.py [--rows 1000000] [--engines sqlite,postgresql] [--runs 60]``.
Everything is synthetic and local; nothing leaves the machine.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import psycopg

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from db.engine import make_engine, make_session_factory  # noqa: E402
from db.entities import entity_claims, entity_summary, entity_timeline  # noqa: E402
from db.hits import HitFilters, hit_list  # noqa: E402
from db.migrate import upgrade  # noqa: E402

PG_ADMIN = "postgresql://postgres@127.0.0.1:5432/test"
PG_DATABASE = f"leakwatch_bench_query_{os.getpid()}"
T0 = datetime(2024, 1, 1, tzinfo=UTC)
SPAN_SECONDS = 365 * 86400
SOURCE_KINDS = ["forum", "telegram", "paste", "leaksite", "feed"]
ENTITY_KINDS = (
    ["establishment"] * 85 + ["group"] * 5 + ["vendor"] * 4 + ["lab"] * 4 + ["insurer"] * 2
)
REGIONS = [
    "Île-de-France",
    "Auvergne-Rhône-Alpes",
    "Occitanie",
    "Grand Est",
    "Bretagne",
    "Hauts-de-France",
    "Nouvelle-Aquitaine",
    "PACA",
    "Normandie",
    "Centre-Val de Loire",
]
SALE_WORDS = [
    "vente",
    "base",
    "patients",
    "données",
    "santé",
    "dump",
    "selling",
    "database",
    "leak",
    "fuite",
    "dossiers",
    "médicaux",
    "mutuelle",
    "NIR",
    "carte",
    "vitale",
]
SEVERITIES = ["low", "medium", "high", "critical"]
PREFIXES = ["Centre hospitalier", "Clinique", "Hôpital privé", "Laboratoire"]
STATUSES = ["new"] * 90 + ["confirmed"] * 5 + ["false_positive"] * 3 + ["handled"] * 2
SYLLABLES = [
    "ba",
    "ri",
    "mon",
    "tes",
    "lor",
    "vel",
    "char",
    "gne",
    "sur",
    "pont",
    "ville",
    "mar",
    "bel",
    "cour",
    "fon",
    "lan",
    "san",
    "tou",
    "ver",
    "roc",
    "nan",
    "mes",
]


def word(rng: random.Random, parts: int = 3) -> str:
    """A pseudo-French word made of syllables."""
    return "".join(rng.choice(SYLLABLES) for _ in range(parts))


def build_data(rows: int, rng: random.Random) -> dict[str, list[tuple[object, ...]]]:
    """Synthetic rows (tuples in COLUMNS order) for every table, about ``rows`` hits in all
    (a post naming one entity twice has one hit)."""
    n_sources, n_entities, n_posts = 25, max(100, rows // 50), max(50, rows // 2)
    sources = [
        (i, f"source-{i}", SOURCE_KINDS[i % 5], "generic", "{}", True, "ok", "{}", 0, T0)
        for i in range(1, n_sources + 1)
    ]
    cities = [word(rng).capitalize() for _ in range(n_entities // 3)] + ["Thiais"]
    entities = []
    for i in range(1, n_entities + 1):
        kind = rng.choice(ENTITY_KINDS)
        city = "Thiais" if i == 7 else rng.choice(cities)
        name = f"{rng.choice(PREFIXES)} de {city}"
        finess = f"{rng.randint(1, 95):02d}{i:07d}"
        entities.append(
            (
                i,
                f"finess:{finess}",
                kind,
                name,
                finess,
                None,
                None,
                None,
                f"{rng.randint(1, 95):02d}",
                rng.choice(REGIONS),
                city,
                "[]",
                "[]",
                "[]",
                "bundled",
                False,
                T0,
            )
        )
    vocabulary = [word(rng) for _ in range(3000)]
    authors = [f"{word(rng, 2)}{rng.randint(1, 999)}" for _ in range(5000)]
    posts, claims, hits = [], [], []
    # Zipf-like: a few entities are named very often, most rarely.
    weights = [1 / (rank**0.8) for rank in range(1, n_entities + 1)]
    rng.shuffle(weights)
    named = rng.choices(range(1, n_entities + 1), weights=weights, k=rows)
    entity_names = {row[0]: row[3] for row in entities}
    hit_id = 0
    for post_id in range(1, n_posts + 1):
        seen = T0 + timedelta(seconds=rng.randrange(SPAN_SECONDS))
        sale = round(rng.random(), 2)
        first_entity = named[(post_id - 1) * 2]
        title = " ".join(rng.sample(SALE_WORDS, 3)) + " " + entity_names[first_entity]
        excerpt = " ".join(rng.choices(vocabulary, k=rng.randint(8, 24)))
        author = rng.choice(authors)
        posts.append(
            (
                post_id,
                rng.randint(1, n_sources),
                f"p{post_id}",
                f"http://source.invalid/t/{post_id}",
                title,
                author,
                seen,
                seen,
                seen,
                seen,
                f"h{post_id}",
                excerpt,
                len(excerpt) * 8,
                sale,
                "[]",
                "{}",
            )
        )
        if sale >= 0.5:
            claims.append(
                (
                    len(claims) + 1,
                    post_id,
                    f"h{post_id}",
                    rng.randint(1000, 2_000_000),
                    '["nir", "identity"]',
                    float(rng.randint(1, 9000)),
                    "USD",
                    author,
                    rng.random() < 0.3,
                    sale,
                    seen,
                )
            )
        for offset in range(2):
            index = (post_id - 1) * 2 + offset
            if index >= rows:
                break
            entity_id = named[index]
            if offset and entity_id == named[index - 1]:
                continue  # one hit per post × entity: the same name twice is one hit
            hit_id += 1
            mention = {
                "field": "title" if offset == 0 else "text",
                "start": offset * 40,
                "end": offset * 40 + 10,
                "matched": entity_names[entity_id][:40],
                "score": 0.9,
            }
            hits.append(
                (
                    hit_id,
                    post_id,
                    entity_id,
                    json.dumps([mention], ensure_ascii=False),
                    entity_names[entity_id][:40],
                    round(0.5 + rng.random() / 2, 2),
                    rng.choice(SEVERITIES),
                    seen + timedelta(seconds=offset),
                    rng.choice(STATUSES),
                )
            )
    return {
        "sources": sources,
        "entities": entities,
        "posts": posts,
        "claims": claims,
        "hits": hits,
    }


COLUMNS = {
    "sources": "id, name, kind, engine, config, enabled, health, state, consecutive_failures, "
    "created_at",
    "entities": "id, key, kind, name, finess_et, finess_ej, parent_id, category, department, "
    "region, city, aliases, domains, tags, origin, excluded, updated_at",
    "posts": "id, source_id, external_id, url, title, author, posted_at, activity_at, "
    "first_seen, last_seen, content_hash, excerpt, raw_length, sale_score, tags, extra",
    "claims": "id, post_id, content_hash, records, data_types, price, currency, seller, "
    "sample_offered, sale_score, created_at",
    "hits": "id, post_id, entity_id, mentions, matched, score, severity, created_at, triage_status",
}


def load_sqlite(path: Path, data: dict[str, list[tuple[object, ...]]]) -> str:
    """Migrate a fresh SQLite file and bulk-insert ``data`` (FTS kept by its triggers)."""
    import sqlite3

    url = f"sqlite:///{path}"
    upgrade(url)
    connection = sqlite3.connect(path)
    connection.execute("PRAGMA synchronous=OFF")
    for table, rows in data.items():
        columns = COLUMNS[table]
        marks = ", ".join("?" * len(columns.split(",")))
        converted = ([_sqlite_value(value) for value in row] for row in rows)
        connection.executemany(f"INSERT INTO {table} ({columns}) VALUES ({marks})", converted)
    connection.commit()
    connection.execute("ANALYZE")
    connection.commit()
    connection.close()
    return url


def _sqlite_value(value: object) -> object:
    # The text form SQLAlchemy's DateTime uses on SQLite (UTC, no zone).
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S.%f")
    return value


def load_postgres(data: dict[str, list[tuple[object, ...]]]) -> str:
    """Create a fresh PostgreSQL database, migrate it and COPY ``data`` in."""
    with psycopg.connect(PG_ADMIN, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{PG_DATABASE}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{PG_DATABASE}"')
    url = f"postgresql+psycopg://postgres@127.0.0.1:5432/{PG_DATABASE}"
    upgrade(url)
    with psycopg.connect(f"postgresql://postgres@127.0.0.1:5432/{PG_DATABASE}") as connection:
        for table, rows in data.items():
            with connection.cursor().copy(f"COPY {table} ({COLUMNS[table]}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        connection.commit()
        connection.autocommit = True
        connection.execute("VACUUM ANALYZE")
        # Flush the load's dirty pages now, not in the middle of the measurements.
        connection.execute("CHECKPOINT")
    return url


def drop_postgres() -> None:
    """Drop the benchmark database."""
    with psycopg.connect(PG_ADMIN, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{PG_DATABASE}" WITH (FORCE)')


def list_cases(rng: random.Random, entities: int) -> Iterator[HitFilters]:
    """Hit-list filters as people use them, in turn."""
    while True:
        since = T0 + timedelta(days=rng.randrange(300))
        yield from (
            HitFilters(),
            HitFilters(sale_only=True),
            HitFilters(source_kind=rng.choice(SOURCE_KINDS)),
            HitFilters(source=f"source-{rng.randint(1, 25)}", sale_only=True),
            HitFilters(department=f"{rng.randint(1, 95):02d}"),
            HitFilters(kind="lab", region=rng.choice(REGIONS)),
            HitFilters(entity="Thiais"),
            HitFilters(entity=f"{rng.randint(1, 95):02d}{rng.randint(1, entities):07d}"),
            HitFilters(status="confirmed", min_score=0.8),
            HitFilters(severity="critical", since=since, until=since + timedelta(days=30)),
        )


def search_cases(rng: random.Random, words: list[str]) -> Iterator[HitFilters]:
    """Full-text searches: entity names, common sale words, rare words, two-word queries."""
    while True:
        yield from (
            HitFilters(query="Thiais"),
            HitFilters(query="hopital " + rng.choice(words)),
            HitFilters(query=rng.choice(SALE_WORDS)),
            HitFilters(query=rng.choice(words)),
            HitFilters(query="données santé", sale_only=True),
            HitFilters(query=rng.choice(words), source_kind="forum"),
        )


def p95(samples: list[float]) -> float:
    """95th percentile in milliseconds."""
    return statistics.quantiles(samples, n=20)[-1] * 1000


def spread(samples: list[float]) -> str:
    """Median and maximum in milliseconds, for the detail line."""
    return f"p50={statistics.median(samples) * 1000:.1f} max={max(samples) * 1000:.1f}"


def time_each(runs: int, action: Callable[[], object]) -> list[float]:
    """Wall time of ``runs`` calls of ``action``."""
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        samples.append(time.perf_counter() - start)
    return samples


def measure(url: str, rows: int, runs: int, entities: int, rng: random.Random) -> dict[str, float]:
    """p95 of the three workloads on the database at ``url``."""
    engine = make_engine(url, lock_on_begin=False)
    sessions = make_session_factory(engine)
    lists = list_cases(rng, entities)
    searches = search_cases(rng, [word(random.Random(i)) for i in range(50)])
    hot = [1 + rank for rank in range(entities)]

    def one_list() -> None:
        with sessions.begin() as session:
            hit_list(session, next(lists))

    def one_search() -> None:
        with sessions.begin() as session:
            hit_list(session, next(searches))

    def one_entity() -> None:
        entity_id = rng.choice(hot)
        with sessions.begin() as session:
            entity_summary(session, entity_id)
            entity_timeline(session, entity_id)
            entity_claims(session, entity_id)

    for action in (one_list, one_search, one_entity):
        time_each(3, action)
    samples = {
        "list": time_each(runs, one_list),
        "search": time_each(runs, one_search),
        "entity": time_each(runs, one_entity),
    }
    engine.dispose()
    for name, values in samples.items():
        print(f"  {name}: {spread(values)}", flush=True)
    return {name: p95(values) for name, values in samples.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--engines", default="sqlite,postgresql")
    parser.add_argument("--runs", type=int, default=60)
    args = parser.parse_args()
    rng = random.Random(20241119)
    started = time.perf_counter()
    data = build_data(args.rows, rng)
    entities = len(data["entities"])
    print(
        f"generated {len(data['hits'])} hits, {len(data['posts'])} posts, {entities} entities "
        f"in {time.perf_counter() - started:.1f}s",
        flush=True,
    )
    lines = []
    for engine in args.engines.split(","):
        started = time.perf_counter()
        if engine == "sqlite":
            folder = tempfile.mkdtemp(prefix="leakwatch-bench-")
            url = load_sqlite(Path(folder) / "bench.db", data)
        else:
            try:
                url = load_postgres(data)
            except psycopg.OperationalError as exc:
                print(f"postgresql: skipped ({str(exc).strip()[:100]})")
                continue
        print(f"{engine}: loaded in {time.perf_counter() - started:.1f}s", flush=True)
        result = measure(url, args.rows, args.runs, entities, random.Random(7))
        lines.append(
            f"query: rows={len(data['hits'])} engine={engine} list_p95_ms={result['list']:.1f} "
            f"search_p95_ms={result['search']:.1f} entity_p95_ms={result['entity']:.1f}"
        )
        if engine == "postgresql":
            drop_postgres()
        else:
            for leftover in Path(folder).iterdir():
                leftover.unlink()
            Path(folder).rmdir()
    for line in lines:
        print(line)


if __name__ == "__main__":
    main()
