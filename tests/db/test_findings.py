"""Findings: hits stored once, grouped into incidents across sources, severity rules."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import delete, select, update

from crawler.core.config import SourceConfig
from crawler.core.records import Claims, EntityMatch, EntityRecord, PossibleMatch, PostFindings
from db.engine import make_engine, make_session_factory
from db.findings import (
    FoundPost,
    store_batch_findings,
    store_batch_possible_hits,
    store_findings,
    upsert_entities,
)
from db.models import Claim, Entity, Exclusion, Hit, Incident, PossibleHit, Post
from db.repository import PostRow, sync_sources, upsert_posts

T0 = datetime(2024, 11, 19, 8, 50, tzinfo=UTC)
CLINIC = EntityRecord(
    key="finess:940000573",
    kind="establishment",
    name="Hôpital privé de Thiais",
    finess_et="940000573",
    department="94",
    city="Thiais",
)
SALE = PostFindings(
    hits=[EntityMatch(CLINIC, "HP Thiais", "title", 10, 19, 0.93)],
    sale_score=0.9,
    claim=Claims(records=758912, data_types=["nir", "identity"], price=2.0, currency="BTC"),
)


def _source(name: str) -> SourceConfig:
    return SourceConfig(name=name, kind="forum", engine="mybb", start_urls=["http://127.0.0.1/"])


def _post(session, source_name: str, external_id: str) -> int:  # type: ignore[no-untyped-def]
    source_id = sync_sources(session, [_source(source_name)])[source_name]
    row = PostRow(external_id, None, "Selling HP Thiais db", "x", T0, None, "h", "", 1, [], {})
    return upsert_posts(session, source_id, [row])[0].id


def test_hits_are_stored_once_and_grouped_across_sources(migrated_url: str) -> None:
    engine = make_engine(migrated_url)
    sessions = make_session_factory(engine)
    with sessions.begin() as session:
        forum_post = _post(session, "forum-a", "1")
        first = store_findings(session, forum_post, "h", SALE, "forum", now=T0)
        again = store_findings(session, forum_post, "h", SALE, "forum", now=T0)
    with sessions.begin() as session:
        telegram_post = _post(session, "telegram-b", "chan/7")
        repost = store_findings(
            session, telegram_post, "h", SALE, "telegram", now=T0 + timedelta(hours=2)
        )
    assert len(first) == 1 and again == [] and len(repost) == 1
    with sessions.begin() as session:
        incidents = session.execute(select(Incident)).scalars().all()
        assert len(incidents) == 1
        assert incidents[0].hit_count == 2 and incidents[0].severity == "critical"
        assert incidents[0].last_seen == T0 + timedelta(hours=2)
        hits = session.execute(select(Hit)).scalars().all()
        assert {h.incident_id for h in hits} == {incidents[0].id}
        assert session.execute(select(Entity)).scalar_one().city == "Thiais"
        claim = session.execute(select(Claim)).scalars().first()
        assert claim is not None and claim.records == 758912
    engine.dispose()


def test_one_batch_joins_open_incidents_and_opens_new_ones(migrated_url: str) -> None:
    lab = EntityRecord(key="finess:440000001", kind="establishment", name="BioVal Nantes")
    quiet = PostFindings([EntityMatch(lab, "BioVal", "title", 0, 6, 0.75)], 0.0, Claims())
    engine = make_engine(migrated_url)
    sessions = make_session_factory(engine)
    with sessions.begin() as session:
        store_findings(session, _post(session, "forum-a", "1"), "h", SALE, "forum", now=T0)
    with sessions.begin() as session:
        both = PostFindings(
            [*SALE.hits, EntityMatch(lab, "BioVal", "text", 3, 9, 0.8)], 0.0, Claims()
        )
        posts = [
            FoundPost(_post(session, "forum-a", "2"), "h", both),
            FoundPost(_post(session, "forum-a", "3"), "h", quiet),
        ]
        new_hits = store_batch_findings(session, posts, "forum", now=T0 + timedelta(hours=1))
    assert len(new_hits) == 3
    with sessions.begin() as session:
        incidents = {
            entity_key: incident
            for incident, entity_key in session.execute(
                select(Incident, Entity.key).join(Entity, Entity.id == Incident.entity_id)
            )
        }
        assert set(incidents) == {CLINIC.key, lab.key}
        clinic, nantes = incidents[CLINIC.key], incidents[lab.key]
        assert (clinic.hit_count, nantes.hit_count) == (2, 2)
        assert clinic.last_seen == T0 + timedelta(hours=1) and clinic.first_seen == T0
        assert nantes.severity == "low" and clinic.severity == "critical"
        by_incident = {
            hit.incident_id: hit.entity_id for hit in session.execute(select(Hit)).scalars()
        }
        assert by_incident == {clinic.id: clinic.entity_id, nantes.id: nantes.entity_id}
        assert all(hit.incident_id for hit in session.execute(select(Hit)).scalars())
    engine.dispose()


def test_excluded_entity_gives_no_hit(migrated_url: str) -> None:
    engine = make_engine(migrated_url)
    sessions = make_session_factory(engine)
    with sessions.begin() as session:
        post = _post(session, "forum-a", "1")
        store_findings(session, post, "h", PostFindings([], 0.0, Claims()), "forum")
        session.execute(
            Entity.__table__.insert().values(
                key=CLINIC.key,
                kind="establishment",
                name=CLINIC.name,
                aliases=[],
                domains=[],
                tags=[],
                origin="custom",
                excluded=True,
                updated_at=T0,
            )
        )
        assert store_findings(session, post, "h2", SALE, "forum") == []
        session.execute(update(Entity).values(excluded=False))
        assert len(store_findings(session, post, "h2", SALE, "forum")) == 1
    engine.dispose()


def test_analyst_exclusions_keep_a_false_positive_from_coming_back(migrated_url: str) -> None:
    engine = make_engine(migrated_url)
    sessions = make_session_factory(engine)
    with sessions.begin() as session:
        post = _post(session, "forum-a", "1")
        other_source_post = _post(session, "telegram-b", "chan/9")
        assert len(store_findings(session, post, "h", SALE, "forum")) == 1
        entity_id = session.execute(select(Entity.id)).scalar_one()
        source_id = session.execute(select(Post.source_id).where(Post.id == post)).scalar_one()
        # A phrase exclusion, matched case- and accent-insensitively in the hit's text.
        session.add(Exclusion(entity_id=entity_id, phrase="hp thiais", created_by="ana"))
        session.flush()
        assert store_findings(session, post, "h2", SALE, "forum") == []
        session.execute(delete(Exclusion))
        # A source exclusion drops the entity's hits on that source only.
        session.add(Exclusion(entity_id=entity_id, source_id=source_id, created_by="ana"))
        session.flush()
        assert store_findings(session, post, "h3", SALE, "forum") == []
        assert len(store_findings(session, other_source_post, "h", SALE, "telegram")) == 1
    engine.dispose()


def test_a_ransomware_listing_is_severe_whatever_its_wording(migrated_url: str) -> None:
    # A victim-list feed entry naming a hospital: no sale words, no claims, yet a breach.
    engine = make_engine(migrated_url)
    feed = SourceConfig(name="rw", kind="feed", engine="ransomwatch", start_urls=["http://x/"])
    title_only = PostFindings(
        [EntityMatch(CLINIC, "Hôpital privé de Thiais", "title", 0, 23, 0.85)], 0.0, Claims()
    )
    group = {"group_name": "nightveil"}
    with make_session_factory(engine).begin() as session:
        source_id = sync_sources(session, [feed])["rw"]
        title = "Hôpital privé de Thiais"
        listed = PostRow("nightveil:hp", None, title, "nightveil", T0, None, "h", "", 0, [], group)
        news = PostRow("urn:news:1", None, title, None, T0, None, "h", "", 0, [], {})
        ids = {
            post.external_id: post.id for post in upsert_posts(session, source_id, [listed, news])
        }
        store_batch_findings(
            session, [FoundPost(post_id, "h", title_only) for post_id in ids.values()], "feed", T0
        )
        severities = dict(
            session.execute(select(Post.external_id, Hit.severity).join(Hit.post)).all()
        )
        assert severities == {"nightveil:hp": "critical", "urn:news:1": "low"}
        incident = session.execute(select(Incident)).scalar_one()
        assert incident.severity == "critical"


SAINT_JOSEPH = [
    EntityRecord(key="finess:130785652", kind="establishment", name="Clinique Saint-Joseph",
                 finess_et="130785652", department="13", city="Marseille"),
    EntityRecord(key="finess:490000262", kind="establishment", name="Clinique Saint Joseph",
                 finess_et="490000262", department="49", city="Trélazé"),
]  # fmt: skip
POSSIBLE = PossibleMatch("Clinique Saint-Joseph", "title", 8, 29, SAINT_JOSEPH, 0.35, ("sale",))


def _possible_findings(*possible: PossibleMatch, hits: list[EntityMatch] | None = None):  # type: ignore[no-untyped-def]
    return PostFindings(hits or [], 0.8, Claims(), list(possible))


def test_possible_hits_are_stored_once_with_their_candidates(migrated_url: str) -> None:
    engine = make_engine(migrated_url)
    sessions = make_session_factory(engine)
    with sessions.begin() as session:
        post = _post(session, "forum-a", "1")
        found = FoundPost(post, "h", _possible_findings(POSSIBLE))
        first = store_batch_possible_hits(session, [found], now=T0)
        again = store_batch_possible_hits(session, [found], now=T0)
    assert len(first) == 1 and again == []
    with sessions.begin() as session:
        stored = session.execute(select(PossibleHit)).scalar_one()
        assert (stored.matched, stored.start, stored.reasons) == (
            "Clinique Saint-Joseph",
            8,
            ["sale"],
        )
        assert stored.triage_status == "new" and stored.created_at == T0
        keys = [candidate.entity.key for candidate in stored.candidates]
        assert keys == [entity.key for entity in SAINT_JOSEPH]
        assert session.execute(select(Hit)).first() is None  # no hit, no incident
    engine.dispose()


def test_excluded_candidates_are_left_out(migrated_url: str) -> None:
    engine = make_engine(migrated_url)
    sessions = make_session_factory(engine)
    with sessions.begin() as session:
        post = _post(session, "forum-a", "1")
        ids = upsert_entities(session, SAINT_JOSEPH)
        marseille, trelaze = ids[SAINT_JOSEPH[0].key], ids[SAINT_JOSEPH[1].key]
        session.add(Exclusion(entity_id=marseille, phrase="clinique saint-joseph", created_by="a"))
        [possible_id] = store_batch_possible_hits(
            session, [FoundPost(post, "h", _possible_findings(POSSIBLE))]
        )
        candidates = session.get(PossibleHit, possible_id).candidates
        assert [c.entity_id for c in candidates] == [trelaze]
        session.execute(update(Entity).where(Entity.id == trelaze).values(excluded=True))
        other = _post(session, "forum-a", "2")
        assert (
            store_batch_possible_hits(
                session, [FoundPost(other, "h", _possible_findings(POSSIBLE))]
            )
            == []
        )
    engine.dispose()


def test_a_candidate_the_post_names_elsewhere_is_no_possible_hit(migrated_url: str) -> None:
    engine = make_engine(migrated_url)
    sessions = make_session_factory(engine)
    named = EntityMatch(SAINT_JOSEPH[0], "Clinique Saint-Joseph Marseille", "text", 0, 31, 0.95)
    with sessions.begin() as session:
        post = _post(session, "forum-a", "1")
        found = FoundPost(post, "h", _possible_findings(POSSIBLE, hits=[named]))
        assert store_batch_possible_hits(session, [found]) == []
    engine.dispose()


def test_a_post_naming_an_entity_twice_is_one_hit_with_its_mentions(migrated_url: str) -> None:
    twice = PostFindings(
        hits=[
            EntityMatch(CLINIC, "Hôpital privé de Thiais", "text", 40, 63, 0.97),
            EntityMatch(CLINIC, "HP Thiais", "title", 10, 19, 0.93),
            EntityMatch(CLINIC, "HP Thiais", "text", 120, 129, 0.93),
        ],
        sale_score=0.9,
        claim=SALE.claim,
    )
    edited = PostFindings(
        hits=[*twice.hits, EntityMatch(CLINIC, "Thiais", "text", 300, 306, 0.6)],
        sale_score=0.9,
        claim=SALE.claim,
    )
    engine = make_engine(migrated_url)
    sessions = make_session_factory(engine)
    with sessions.begin() as session:
        posts = [
            FoundPost(_post(session, "forum-a", str(number)), "h", twice) for number in range(6)
        ]
        assert len(store_batch_findings(session, posts, "forum", now=T0)) == 6
    with sessions.begin() as session:
        # The first post, edited, names the clinic once more: a mention, not a hit.
        later = T0 + timedelta(hours=1)
        assert store_findings(session, posts[0].post_id, "h2", edited, "forum", now=later) == []
    with sessions.begin() as session:
        incident = session.execute(select(Incident)).scalar_one()
        assert incident.hit_count == 6
        hits = session.execute(select(Hit).order_by(Hit.id)).scalars().all()
        assert len(hits) == 6
        first = hits[0]
        assert [(m["field"], m["start"], m["matched"]) for m in first.mentions] == [
            ("title", 10, "HP Thiais"),
            ("text", 40, "Hôpital privé de Thiais"),
            ("text", 120, "HP Thiais"),
            ("text", 300, "Thiais"),
        ]
        assert (first.matched, first.score) == ("Hôpital privé de Thiais", 0.97)
        assert [len(hit.mentions) for hit in hits[1:]] == [3] * 5
    engine.dispose()


def test_entities_are_stored_with_accents_and_old_unaccented_names_get_them(
    migrated_url: str,
) -> None:
    foch = EntityRecord(key="finess:920000650", kind="establishment", name="Hopital Foch")
    thiais = EntityRecord(key="finess:940000565", kind="establishment", name="HP Thiais")
    engine = make_engine(migrated_url)
    with make_session_factory(engine).begin() as session:
        session.add(Entity(key=thiais.key, kind="establishment", name="Hopital Prive de Thiais"))
        session.flush()
        ids = upsert_entities(session, [foch, thiais])
        names = {key: session.get(Entity, ids[key]).name for key in ids}  # type: ignore[union-attr]
    engine.dispose()
    assert names == {foch.key: "Hôpital Foch", thiais.key: "Hôpital Privé de Thiais"}
