"""A home-made forum whose listings only exist after JavaScript runs, for browser tests and bench.

:class:`ScriptedForumSite` is a :class:`crawler.demo.loopback.DemoSite`. Its listing pages,
``/js/section/<n>?page=<p>``, carry the threads as JSON and a script that builds the rows
(``article.topic``, the custom forum markup of docs/forums.md) a moment after the page loads:
a crawler that does not run JavaScript sees an empty board. The same listings rendered on the
server are at ``/html/section/<n>?page=<p>``, so the browser path and the plain path can be
compared on the same content. Every listing sets :data:`COOKIE`; scripted pages also ask for
:data:`LOGO`, :data:`EXPORT` and :data:`ADMIN`. Synthetic content only.

Selectors for a ``custom`` forum source: :data:`SELECTORS`; wait for :data:`WAIT_FOR`.
"""

from __future__ import annotations

import html
import json
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from crawler.demo.loopback import SiteRequest, SiteResponse, not_found
from crawler.demo.loopback import html as html_response

SELECTORS = {
    "rows": "article.topic",
    "thread_id": "@data-topic",
    "title": "a.topic-link",
    "url": "a.topic-link",
    "author": ".who",
    "created_at": ".when",
    "replies": ".answers",
    "next_page": "a.next::attr(href)",
}
WAIT_FOR = "article.topic"
#: Every listing sets this visitor cookie, so tests can see a browser context keep it.
COOKIE = "visitor=scripted-forum"
#: What else a scripted page asks for, as real pages do: a logo, an archive export (a file
#: link) and an admin page on another local host; a crawler's browser should load none.
LOGO = "/static/logo.png"
EXPORT = "/export/threads.zip"
ADMIN = "http://localhost:1/admin"
_TITLES = (
    "[VENTE] Base patients Clinique Sainte-Isabelle, 120k lignes",
    "Cherche accès VPN hôpital",
    "[LEAK] Hôpital privé de Thiais — export Mediboard",
    "Tuto: nettoyer des combolists",
    "[VENTE] Mutuelle santé Île-de-France, 40k adhérents",
    "Discussion générale",
)
_PATH = re.compile(r"^/(js|html)/section/(\d+)$")
_START = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)


@dataclass(frozen=True)
class ScriptedThread:
    """One thread of the scripted forum."""

    thread_id: int
    title: str
    author: str
    created_at: datetime
    replies: int


class ScriptedForumSite:
    """Listings built by JavaScript (``/js/…``) or on the server (``/html/…``)."""

    def __init__(self, sections: int = 10, pages: int = 5, per_page: int = 10) -> None:
        self.sections = sections
        self.pages = pages
        self.per_page = per_page

    def section_urls(self, base_url: str, mode: str = "js") -> list[str]:
        """Absolute URLs of every section's first listing page (``mode`` ``js`` or ``html``)."""
        return [f"{base_url}/{mode}/section/{n}" for n in range(1, self.sections + 1)]

    @property
    def thread_count(self) -> int:
        """Threads across every listing page."""
        return self.sections * self.pages * self.per_page

    def threads(self, section: int, page: int) -> list[ScriptedThread]:
        """The threads of one listing page, newest first."""
        first = ((section - 1) * self.pages + page - 1) * self.per_page
        return [
            ScriptedThread(
                thread_id=number + 1,
                title=f"{_TITLES[number % len(_TITLES)]} #{number + 1}",
                author=f"user{number % 17}",
                created_at=_START - timedelta(minutes=7 * number),
                replies=number % 23,
            )
            for number in range(first, first + self.per_page)
        ]

    def handle(self, request: SiteRequest) -> SiteResponse:
        """Serve a listing page, or 404."""
        match = _PATH.match(request.route)
        page = int(request.param("page") or 1)
        if match is None or not 1 <= int(match.group(2)) <= self.sections:
            return not_found()
        if not 1 <= page <= self.pages:
            return not_found()
        mode, section = match.group(1), int(match.group(2))
        threads = self.threads(section, page)
        next_url = f"/{mode}/section/{section}?page={page + 1}" if page < self.pages else None
        if mode == "html":
            response = html_response(_page(_rows(threads) + _next_link(next_url), ""))
        else:
            data = json.dumps(
                {"threads": [_thread_json(thread) for thread in threads], "next": next_url}
            ).replace("</", "<\\/")
            script = _SCRIPT.replace("__DATA__", data).replace("__EXPORT__", EXPORT)
            response = html_response(_page("", script.replace("__ADMIN__", ADMIN)))
        response.headers["Set-Cookie"] = f"{COOKIE}; Path=/; SameSite=Lax"
        return response


def _thread_json(thread: ScriptedThread) -> dict[str, object]:
    return {
        "id": thread.thread_id,
        "title": thread.title,
        "author": thread.author,
        "date": f"{thread.created_at:%d/%m/%Y %H:%M}",
        "replies": thread.replies,
    }


def _rows(threads: list[ScriptedThread]) -> str:
    return "".join(
        f'<article class="topic" data-topic="{thread.thread_id}">'
        f'<h3><a class="topic-link" href="/thread/{thread.thread_id}">'
        f"{html.escape(thread.title)}</a></h3>"
        f'<p class="meta">par <span class="who">{html.escape(thread.author)}</span> · '
        f'<span class="when">{thread.created_at:%d/%m/%Y %H:%M}</span></p>'
        f'<p class="answers">{thread.replies} réponses</p></article>'
        for thread in threads
    )


def _next_link(url: str | None) -> str:
    return f'<a class="next" href="{url}">Page suivante</a>' if url else ""


def _page(body: str, script: str) -> str:
    return (
        '<!doctype html><html lang="fr"><head><meta charset="utf-8"><title>Forum</title>'
        f'</head><body><img src="{LOGO}" alt="logo"><main id="board">{body}</main>'
        f"{script}</body></html>"
    )


_SCRIPT = """<script>
const data = __DATA__;
function text(tag, cls, value) {
  const node = document.createElement(tag);
  if (cls) node.className = cls;
  node.textContent = value;
  return node;
}
fetch("__EXPORT__").catch(() => null);
fetch("__ADMIN__").catch(() => null);
setTimeout(() => {
  const board = document.getElementById("board");
  for (const thread of data.threads) {
    const row = document.createElement("article");
    row.className = "topic";
    row.dataset.topic = thread.id;
    const heading = document.createElement("h3");
    const link = text("a", "topic-link", thread.title);
    link.href = "/thread/" + thread.id;
    heading.append(link);
    const meta = text("p", "meta", "par ");
    meta.append(text("span", "who", thread.author), " · ", text("span", "when", thread.date));
    row.append(heading, meta, text("p", "answers", thread.replies + " réponses"));
    board.append(row);
  }
  if (data.next) {
    const next = text("a", "next", "Page suivante");
    next.href = data.next;
    board.append(next);
  }
}, 30);
</script>"""
