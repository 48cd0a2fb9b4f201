"""Full-text search: one function, the same results on SQLite (FTS5) and PostgreSQL (tsvector)."""

from __future__ import annotations

from alembic import command
from sqlalchemy import delete, select, update

from db.engine import make_engine, make_session_factory
from db.hits import HitFilters, hit_list
from db.migrate import alembic_config, current_revision, upgrade
from db.models import Post
from db.search import is_search_object, post_matches, search_words
from tests.seed import seed

# (query, titles expected among the matching posts' hits) — accents, case, punctuation.
QUERIES = [
    ("Thiais", 3),
    ("thiais", 3),
    ("hopital", 3),  # "Hôpital privé de Thiais" and "Hopital Manager" in an excerpt
    ("HÔPITAL privé", 1),
    ("données santé", 1),
    ("Ramsay", 1),
    ("darkseller", 2),  # author of one post, named in the excerpt of another
    ("758k", 1),
    ("échantillon", 1),  # excerpt, accent
    ("sud", 1),
    ("hp-thiais", 2),  # punctuation splits words on both engines
    ('"; DROP TABLE posts; --', 0),
    ("NEAR(thiais lyon) OR *", 0),
    ("lyon", 2),
    ("", 7),
]


def _matching_titles(url: str, query: str) -> list[tuple[str, str]]:
    engine = make_engine(url)
    try:
        with make_session_factory(engine).begin() as session:
            page = hit_list(session, HitFilters(query=query), limit=500)
            return sorted((hit.title, hit.entity_name) for hit in page.items)
    finally:
        engine.dispose()


def test_search_semantics(migrated_url: str) -> None:
    seed(migrated_url)
    for query, count in QUERIES:
        assert len(_matching_titles(migrated_url, query)) == count, query


def test_same_results_on_sqlite_and_postgresql(tmp_path, postgres_url: str) -> None:  # type: ignore[no-untyped-def]
    sqlite_url = f"sqlite:///{tmp_path / 'search.db'}"
    for url in (sqlite_url, postgres_url):
        upgrade(url)
        seed(url)
    for query, _count in QUERIES:
        assert _matching_titles(sqlite_url, query) == _matching_titles(postgres_url, query), query


def test_index_follows_updates_and_deletes(migrated_url: str) -> None:
    seed(migrated_url)
    engine = make_engine(migrated_url)
    sessions = make_session_factory(engine)
    with sessions.begin() as session:
        session.execute(
            update(Post).where(Post.external_id == "p42").values(title="Annuaire Quimperlé")
        )
    with sessions.begin() as session:
        assert _post_ids(session, "quimperle") == _post_ids(session, "Quimperlé") != []
        assert _post_ids(session, "cliniques Ramsay") == []
        session.execute(delete(Post).where(Post.external_id == "p42"))
    with sessions.begin() as session:
        assert _post_ids(session, "quimperle") == []
    engine.dispose()


def _post_ids(session, query: str) -> list[int]:  # type: ignore[no-untyped-def]
    condition = post_matches(session, query)
    assert condition is not None
    return list(session.execute(select(Post.id).where(condition)).scalars())


def test_search_words_drop_operators() -> None:
    assert search_words('"Hôpital" AND (thiais*) -lyon') == ["Hôpital", "AND", "thiais", "lyon"]
    assert search_words("  ;;  ") == []


def test_search_objects_are_named_for_alembic() -> None:
    assert all(
        is_search_object(name)
        for name in ("posts_fts", "posts_fts_data", "ix_posts_search", "search_vector")
    )
    assert not any(is_search_object(name) for name in ("posts", "ix_posts_first_seen", None))


def test_search_revision_downgrades_and_indexes_existing_posts(migrated_url: str) -> None:
    seed(migrated_url)
    command.downgrade(alembic_config(migrated_url), "0002_source_lease")
    assert current_revision(migrated_url) == "0002_source_lease"
    upgrade(migrated_url)
    assert len(_matching_titles(migrated_url, "Thiais")) == 3
