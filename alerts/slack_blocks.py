"""Slack Block Kit rendering of alert documents (see :mod:`alerts.payload`).

All crawled text is escaped (``&``, ``<``, ``>``) before it is placed in ``mrkdwn``, so a post
cannot ping ``<!channel>``, mention users or forge ``<url|label>`` links; the only links and
``<!date>`` tokens in a message are the ones built here. Post URLs become links only for
``http``/``https`` and have ``|``, ``<``, ``>`` and spaces percent-encoded. Link unfurling is
switched off so Slack never fetches a crawled page.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from alerts import payload as doc

SEVERITY_EMOJI = {
    "critical": ":red_circle:",
    "high": ":large_orange_circle:",
    "medium": ":large_yellow_circle:",
    "low": ":white_circle:",
}
UPDATE_REASONS = {
    "repost": "reposted in another post",
    "status_changed": "the leak site changed the victim's status",
}
HEADER_LIMIT = 150
SECTION_LIMIT = 2_900
FIELD_LIMIT = 1_900
DIGEST_LINES = 40
_PARTIAL_ENTITY = re.compile(r"&[a-z]{0,4}$")


def escape(text: str) -> str:
    """Slack's three control characters as entities: the text shows as-is and links nothing."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def link(url: str | None, label: str) -> str:
    """``<url|label>`` for an http(s) URL, otherwise the escaped label alone."""
    safe_label = escape(label) or "link"
    if not url or urlsplit(url).scheme.lower() not in ("http", "https"):
        return safe_label
    safe_url = (
        url.replace("&", "&amp;")
        .replace("<", "%3C")
        .replace(">", "%3E")
        .replace("|", "%7C")
        .replace(" ", "%20")
    )
    return f"<{safe_url}|{safe_label}>"


def render_message(document: dict[str, Any]) -> dict[str, Any]:
    """The ``text`` + ``blocks`` body for a document of any event type."""
    event = document["type"]
    data = document["data"]
    if event in (doc.ALERT_CREATED, doc.ALERT_UPDATED):
        body = render_alert(data)
    elif event == doc.SOURCE_HEALTH_CHANGED:
        body = render_operations(data)
    elif event == doc.CHANNEL_REFUSING:
        title = f":no_entry: Channel {data['channel']} refuses alerts (HTTP {data['status']})"
        body = _simple(title, escape(data["message"]) + "\n" + _quote(data["error"]))
    elif event == doc.DIGEST:
        body = render_digest(data)
    elif event == doc.REVIEW_DIGEST:
        body = render_review_digest(data)
    elif event == doc.POSSIBLE_HIT:
        body = _simple(":grey_question: Possible hit to review", _review_line(_as_item(data)))
    else:
        body = _simple(":white_check_mark: leakwatch test", escape(data.get("message", "")))
    return {**body, "unfurl_links": False, "unfurl_media": False}


def render_alert(data: dict[str, Any]) -> dict[str, Any]:
    """Block Kit for one hit: why when it is a ransomware listing ("listed by <group> on
    <date>"), entity, place, FINESS, source, post, score, claims, excerpt."""
    entity, source, post = data["entity"], data["source"], data["post"]
    severity = data["severity"]
    update = data.get("update")
    if update:
        title = f":arrow_right_hook: Update · {severity.upper()} · {entity['name']}"
    else:
        title = f"{SEVERITY_EMOJI.get(severity, '')} {severity.upper()} · {entity['name']}"
    fields = [
        _field("Entity", f"{escape(entity['name'])} ({escape(entity['kind'])})"),
        _field("Location", _location(entity)),
        _field("FINESS", _finess(entity)),
        _field("Source", f"{escape(source['name'])} ({escape(source['kind'])})"),
        _field("Sale score", f"{data.get('sale_score', 0):.2f}"),
        _field("First seen", _date(post.get("first_seen"))),
    ]
    author = f" by {escape(post['author'])}" if post.get("author") else ""
    if data.get("group"):
        author += f" · group {escape(data['group'])}"
    blocks: list[dict[str, Any]] = [{"type": "header", "text": _plain(title)}]
    listing = data.get("listing")
    if listing:
        blocks.append(_section(f":pirate_flag: *Ransomware listing:* {escape(listing['reason'])}"))
    blocks += [
        {"type": "section", "fields": fields},
        _section(f"*Post:* {link(post.get('url'), post.get('title') or 'untitled')}{author}"),
    ]
    claims = data.get("claims")
    if claims:
        blocks.append({"type": "section", "fields": _claim_fields(claims)})
    if data.get("excerpt"):
        blocks.append(_section(_quote(data["excerpt"])))
    blocks.append({"type": "context", "elements": [_mrkdwn(_context(data))]})
    text = f"[{severity.upper()}] {escape(entity['name'])}: {escape(post.get('title') or '')}"
    if listing:
        text += f" ({escape(listing['reason'])})"
    if update:
        text = f"Update: {text}"
    return {"text": _clip(text, SECTION_LIMIT), "blocks": blocks}


def render_operations(data: dict[str, Any]) -> dict[str, Any]:
    """Block Kit for a source health change."""
    source = data["source"]
    title = f":warning: Source {source['name']}: {data['old_health']} → {data['new_health']}"
    detail = _quote(data["detail"]) if data.get("detail") else "_no detail_"
    return _simple(title, detail)


def render_digest(data: dict[str, Any]) -> dict[str, Any]:
    """Block Kit for a digest: counts by severity, then one line per alert."""
    period = data["period"]
    counts = ", ".join(f"{n} {sev}" for sev, n in data["by_severity"].items() if n)
    title = f":bookmark_tabs: leakwatch {period['kind']} digest · {data['count']} alert(s)"
    summary = f"{_date(period['start'])} → {_date(period['end'])}: {counts or 'nothing'}"
    blocks: list[dict[str, Any]] = [{"type": "header", "text": _plain(title)}, _section(summary)]
    lines = [_digest_line(item) for item in data["alerts"][:DIGEST_LINES]]
    more = data["count"] - min(len(data["alerts"]), DIGEST_LINES)
    if more > 0:
        lines.append(f"_… and {more} more (see `leakwatch alerts list`)_")
    chunk: list[str] = []
    for line in lines:
        if sum(len(x) + 1 for x in chunk) + len(line) > SECTION_LIMIT:
            blocks.append(_section("\n".join(chunk)))
            chunk = []
        chunk.append(line)
    if chunk:
        blocks.append(_section("\n".join(chunk)))
    return {"text": _clip(escape(title), SECTION_LIMIT), "blocks": blocks}


def render_review_digest(data: dict[str, Any]) -> dict[str, Any]:
    """Block Kit for a review digest: one line per possible hit (name, candidates, post)."""
    period = data["period"]
    title = f":grey_question: leakwatch: {data['count']} possible hit(s) to review"
    summary = (
        f"{_date(period['start'])} → {_date(period['end'])}: names that could be several "
        "watched entities. Resolve or dismiss them in leakwatch (`/possible-hits`)."
    )
    lines = [_review_line(item) for item in data["possible_hits"][:DIGEST_LINES]]
    more = data["count"] - min(len(data["possible_hits"]), DIGEST_LINES)
    if more > 0:
        lines.append(f"_… and {more} more (see `leakwatch hits --severity review`)_")
    return {
        "text": _clip(escape(title), SECTION_LIMIT),
        "blocks": [{"type": "header", "text": _plain(title)}, _section(summary), *_chunks(lines)],
    }


def _review_line(item: dict[str, Any]) -> str:
    names = ", ".join(item.get("candidates") or [])
    extra = item.get("candidate_count", 0) - len(item.get("candidates") or [])
    if extra > 0:
        names += f" +{extra}"
    post = link(item.get("url"), item.get("title") or "untitled")
    reasons = escape(", ".join(item.get("reasons") or []))
    source = escape(item.get("source") or "?")
    return _clip(
        f"*#{item.get('possible_hit_id')} “{escape(item.get('matched') or '')}”* "
        f"({reasons}): {escape(names) or '—'} · {post} · {source}",
        500,
    )


def _as_item(data: dict[str, Any]) -> dict[str, Any]:
    # A possible_hit.created document's data in the shape of a review digest line.
    return {
        "possible_hit_id": data.get("possible_hit_id"),
        "matched": data.get("matched"),
        "reasons": data.get("reasons"),
        "candidates": [c.get("name", "?") for c in data.get("candidates", [])],
        "candidate_count": data.get("candidate_count", 0),
        "source": (data.get("source") or {}).get("name"),
        "title": (data.get("post") or {}).get("title"),
        "url": (data.get("post") or {}).get("url"),
    }


def _chunks(lines: list[str]) -> list[dict[str, Any]]:
    # Sections of consecutive lines, each within Slack's text limit.
    blocks: list[dict[str, Any]] = []
    chunk: list[str] = []
    for line in lines:
        if chunk and sum(len(x) + 1 for x in chunk) + len(line) > SECTION_LIMIT:
            blocks.append(_section("\n".join(chunk)))
            chunk = []
        chunk.append(line)
    if chunk:
        blocks.append(_section("\n".join(chunk)))
    return blocks


def _digest_line(item: dict[str, Any]) -> str:
    emoji = SEVERITY_EMOJI.get(item["severity"], "")
    update = " (update)" if item.get("update") else ""
    post = link(item.get("url"), item.get("title") or "untitled")
    return _clip(
        f"{emoji} *{escape(item['entity'])}*{update}: {post} · {escape(item['source'])}", 500
    )


def _simple(title: str, text: str) -> dict[str, Any]:
    return {
        "text": _clip(escape(title), SECTION_LIMIT),
        "blocks": [{"type": "header", "text": _plain(title)}, _section(text)],
    }


def _location(entity: dict[str, Any]) -> str:
    department = f" ({entity['department']})" if entity.get("department") else ""
    place = f"{entity.get('city') or '—'}{department}"
    if entity.get("region"):
        place += f" · {entity['region']}"
    return escape(place)


def _finess(entity: dict[str, Any]) -> str:
    parts = [f"ET {entity['finess_et']}"] if entity.get("finess_et") else []
    if entity.get("finess_ej"):
        parts.append(f"EJ {entity['finess_ej']}")
    return escape(" · ".join(parts) or "—")


def _claim_fields(claims: dict[str, Any]) -> list[dict[str, str]]:
    records = claims.get("records")
    price = claims.get("price")
    currency = claims.get("currency") or ""
    fields = [
        _field("Records", f"{records:,}".replace(",", " ") if records is not None else "—"),
        _field("Data types", escape(", ".join(claims.get("data_types") or [])) or "—"),
        _field("Price", escape(f"{price:g} {currency}".strip()) if price is not None else "—"),
        _field("Seller", escape(claims.get("seller") or "—")),
    ]
    if claims.get("sample_offered"):
        fields.append(_field("Sample", "offered"))
    return fields


def _context(data: dict[str, Any]) -> str:
    parts = []
    incident = data.get("incident")
    if incident:
        parts.append(f"incident #{incident['id']} ({incident['hit_count']} hit(s))")
    parts.append(f"hit #{data['hit_id']}")
    update = data.get("update")
    if update:
        parts.append(UPDATE_REASONS.get(update.get("reason", ""), "follow-up"))
        if update.get("reason") == "status_changed":
            before = escape(str(update.get("previous_status") or "none"))
            parts.append(f"{before} → {escape(str(update.get('status')))}")
        if update.get("escalated"):
            parts.append("severity raised")
    matched = data.get("matched")
    if matched:
        parts.append(f"matched “{escape(matched)}”")
    return _clip(" · ".join(parts), SECTION_LIMIT)


def _date(value: str | None) -> str:
    if not value:
        return "—"
    moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    epoch = int(moment.timestamp())
    return f"<!date^{epoch}^{{date_short_pretty}} {{time}} UTC|{escape(value)}>"


def _quote(text: str) -> str:
    escaped = _clip(escape(text), SECTION_LIMIT - 200)
    return "\n".join(f">{line}" for line in escaped.splitlines() or [""])


def _clip(text: str, limit: int) -> str:
    # Cut at ``limit`` without leaving half a ``<url|label>`` link or ``<!date…>`` token (every
    # ``<`` of crawled text is escaped, so a bare one starts a token built here) or half an
    # ``&amp;`` entity.
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    opened = cut.rfind("<")
    if opened > cut.rfind(">"):
        cut = cut[:opened]
    return _PARTIAL_ENTITY.sub("", cut) + "…"


def _plain(text: str) -> dict[str, Any]:
    return {"type": "plain_text", "text": _clip(text, HEADER_LIMIT), "emoji": True}


def _mrkdwn(text: str) -> dict[str, str]:
    return {"type": "mrkdwn", "text": text}


def _section(text: str) -> dict[str, Any]:
    return {"type": "section", "text": _mrkdwn(_clip(text, SECTION_LIMIT))}


def _field(label: str, value: str) -> dict[str, str]:
    return _mrkdwn(_clip(f"*{label}*\n{value}", FIELD_LIMIT))
