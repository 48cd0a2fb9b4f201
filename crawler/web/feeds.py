"""Feeds out: any hit search as RSS or Atom, read with a per-user revocable token in the URL.

A logged-in user saves the search on screen (``POST /feeds`` with its query string) and gets
``/feeds/<token>.atom`` and ``.rss`` once; feed readers fetch them without a login. The token
reads that one search as its user, nothing else; ``/feeds`` lists the user's feeds and revokes
them. The feed holds the newest ``FEED_ENTRIES`` hits of the search.
"""

from __future__ import annotations

from typing import Annotated
from urllib.parse import parse_qsl, urlencode

from fastapi import APIRouter, Form, Path, Request
from starlette.responses import RedirectResponse, Response

from crawler.core.severity import REVIEW
from crawler.reports.filters import hit_filters
from crawler.web.auth import PageUser, check_csrf
from crawler.web.context import web_context
from crawler.web.errors import BadRequest
from crawler.web.feed_xml import atom_feed, rss_feed
from crawler.web.rendering import render
from db.errors import NotFound
from db.feeds import create_feed, open_feed, revoke_feed, user_feeds
from db.hits import hit_list
from db.pagination import MAX_ID

router = APIRouter(include_in_schema=False)
FEED_ENTRIES = 50
#: Parameters of the hit page that are not part of a search.
NOT_SEARCH = ("cursor", "format", "bom", "sep")
MEDIA_TYPES = {
    "atom": "application/atom+xml; charset=utf-8",
    "rss": "application/rss+xml; charset=utf-8",
}


@router.get("/feeds")
def feeds_page(request: Request, user: PageUser) -> Response:
    """The user's feeds: their searches, when created and last read, revoked or not."""
    with web_context(request).readers.begin() as session:
        feeds = user_feeds(session, user.id)
    return render(request, "feeds.html", {"feeds": feeds, "created": None}, user)


@router.post("/feeds")
def create(
    request: Request,
    user: PageUser,
    csrf_token: Annotated[str, Form()] = "",
    query: Annotated[str, Form(max_length=2000)] = "",
    label: Annotated[str, Form(max_length=128)] = "",
) -> Response:
    """Save the hit search ``query`` as a feed and show its URLs, this once.

    Raises BadRequest for a query the hit list would refuse.
    """
    check_csrf(request, csrf_token)
    saved = search_query(query)
    with web_context(request).writers.begin() as session:
        token = create_feed(session, user.id, saved, label)
        feeds = user_feeds(session, user.id)
    base = str(request.base_url).rstrip("/")
    created = {kind: f"{base}/feeds/{token}.{kind}" for kind in MEDIA_TYPES}
    return render(request, "feeds.html", {"feeds": feeds, "created": created}, user)


@router.post("/feeds/{feed_id}/revoke")
def revoke(
    request: Request,
    feed_id: Annotated[int, Path(ge=1, le=MAX_ID)],
    user: PageUser,
    csrf_token: Annotated[str, Form()] = "",
) -> Response:
    """Revoke one of the user's feeds: its URL answers 404 from now on."""
    check_csrf(request, csrf_token)
    with web_context(request).writers.begin() as session:
        revoke_feed(session, user.id, feed_id)
    return RedirectResponse("/feeds", status_code=303)


@router.get("/feeds/{token}.{kind}")
def read_feed(request: Request, token: str, kind: str) -> Response:
    """The feed of ``token`` as Atom or RSS; 404 for an unknown, revoked or disabled one."""
    if kind not in MEDIA_TYPES:
        raise NotFound("no such feed")
    context = web_context(request)
    with context.writers.begin() as session:
        feed = open_feed(session, token)
    if feed is None:
        raise NotFound("no such feed")
    with context.readers.begin() as session:
        hits = hit_list(session, hit_filters(dict(parse_qsl(feed.query))), None, FEED_ENTRIES)
    base = str(request.base_url).rstrip("/")
    page_url = f"{base}/hits" + (f"?{feed.query}" if feed.query else "")
    title = f"leakwatch: {feed.label or feed.query or 'all hits'}"
    if kind == "atom":
        body = atom_feed(title, f"urn:leakwatch:feed:{feed.id}", page_url, base, hits.items)
    else:
        description = f"Newest hits of the search {feed.query or '(all hits)'} for {feed.username}"
        body = rss_feed(title, page_url, base, description, hits.items)
    return Response(body, media_type=MEDIA_TYPES[kind])


def search_query(query: str) -> str:
    """The hit search in ``query`` (a query string, with or without ``?``), normalised: empty
    values and paging or export parameters dropped. Raises BadRequest (or InvalidFilter) for
    a search the hit list would refuse."""
    pairs = [
        (key, value)
        for key, value in parse_qsl(query.lstrip("?"), keep_blank_values=False)
        if key not in NOT_SEARCH and value.strip()
    ]
    filters = hit_filters(dict(pairs))
    if filters.severity == REVIEW:
        raise BadRequest("severity: possible hits have no feed; choose a hit severity")
    return urlencode(pairs)
