"""Slack Block Kit rendering of alert documents (see :mod:`alerts.payload`).

All crawled text is escaped (``&``, ``<``, ``>``) before it is placed in ``mrkdwn``, so a post
cannot ping ``<!channel>``, mention users or forge ``<url|label>`` links; the only links and
``<!date>`` tokens in a message are the ones built here. Post URLs become links only for
``http``/``https`` and have ``|``, ``<``, ``>`` and spaces percent-encoded. Link unfurling is
switched off so Slack never fetches a crawled page.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
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
DIGEST_LINE_LIMIT = 500
#: Fewest label characters a cut link keeps (else the URL is too long to link at all).
MIN_LABEL = 20
#: Longest author or group name shown after a post's link.
AUTHOR_LIMIT = 200
#: Slack's limit on a button's URL.
BUTTON_URL_LIMIT = 3_000
OPEN_LABEL = "Open in leakwatch"
_PARTIAL_ENTITY = re.compile(r"&[a-z]{0,4}$")


def escape(text: str) -> str:
    """Slack's three control characters as entities: the text shows as-is and links nothing."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def link(url: str | None, label: str) -> str:
    """``<url|label>`` for an http(s) URL, otherwise the escaped label alone."""
    return _link_escaped(url, escape(label) or "link")


def fitted_link(url: str | None, label: str, room: int) -> str:
    """:func:`link` in at most ``room`` characters: the label is cut, never the link (unless
    the URL alone leaves no room for a label: then the cut label without link)."""
    safe_label = escape(label) or "link"
    whole = _link_escaped(url, safe_label)
    if len(whole) <= room:
        return whole
    overhead = len(whole) - len(safe_label)
    if overhead > room - MIN_LABEL:
        return _clip(safe_label, room)
    return _link_escaped(url, _clip(safe_label, room - overhead))


def _link_escaped(url: str | None, safe_label: str) -> str:
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


def render_message(document: dict[str, Any], buttons: bool = False) -> dict[str, Any]:
    """The ``text`` + ``blocks`` body for a document of any event type; ``buttons`` (bot mode)
    adds an alert's link buttons (incoming webhooks cannot show interactive elements)."""
    event = document["type"]
    data = document["data"]
    if event in (doc.ALERT_CREATED, doc.ALERT_UPDATED):
        body = render_alert(data, buttons)
    elif event == doc.SOURCE_HEALTH_CHANGED:
        body = render_operations(data)
    elif event == doc.SOURCE_HISTORY_QUIET:
        body = render_history_quiet(data)
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


def render_alert(data: dict[str, Any], buttons: bool = False) -> dict[str, Any]:
    """Block Kit for one hit: why when it is a ransomware listing ("listed by <group> on
    <date>"), entity, place, FINESS, source, post, score, claims, excerpt, and a link to the
    hit's page in leakwatch (``hit_url``); with ``buttons``, "Open in leakwatch" and "Source"
    buttons. A long title is cut inside its link: the link and the author stay."""
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
    author = f" by {_clip(escape(post['author']), AUTHOR_LIMIT)}" if post.get("author") else ""
    if data.get("group"):
        author += f" · group {_clip(escape(data['group']), AUTHOR_LIMIT)}"
    prefix = "*Post:* "
    room = SECTION_LIMIT - len(prefix) - len(author)
    post_link = fitted_link(post.get("url"), post.get("title") or "untitled", room)
    blocks: list[dict[str, Any]] = [{"type": "header", "text": _plain(title)}]
    listing = data.get("listing")
    if listing:
        blocks.append(_section(f":pirate_flag: *Ransomware listing:* {escape(listing['reason'])}"))
    blocks += [
        {"type": "section", "fields": fields},
        _section(f"{prefix}{post_link}{author}"),
    ]
    claims = data.get("claims")
    if claims:
        blocks.append({"type": "section", "fields": _claim_fields(claims)})
    if data.get("excerpt"):
        blocks.append(_section(_quote(data["excerpt"])))
    context = [_mrkdwn(_context(data))]
    if data.get("hit_url"):
        context.append(_mrkdwn(fitted_link(data["hit_url"], OPEN_LABEL, SECTION_LIMIT)))
    blocks.append({"type": "context", "elements": context})
    if buttons:
        blocks += _buttons(data.get("hit_url"), post.get("url"))
    text = f"[{severity.upper()}] {escape(entity['name'])}: {escape(post.get('title') or '')}"
    if listing:
        text += f" ({escape(listing['reason'])})"
    if update:
        text = f"Update: {text}"
    return {"text": _clip(text, SECTION_LIMIT), "blocks": blocks}


def _buttons(hit_url: str | None, post_url: str | None) -> list[dict[str, Any]]:
    # Link buttons (Slack opens the URL); none for a URL Slack would refuse.
    elements = []
    for action, label, url in (("open_hit", OPEN_LABEL, hit_url), ("source", "Source", post_url)):
        if (
            url
            and urlsplit(url).scheme.lower() in ("http", "https")
            and (len(url) <= BUTTON_URL_LIMIT)
        ):
            elements.append(
                {"type": "button", "action_id": action, "text": _plain(label), "url": url}
            )
    return [{"type": "actions", "elements": elements}] if elements else []


def render_operations(data: dict[str, Any]) -> dict[str, Any]:
    """Block Kit for a source health change."""
    source = data["source"]
    title = f":warning: Source {source['name']}: {data['old_health']} → {data['new_health']}"
    detail = _quote(data["detail"]) if data.get("detail") else "_no detail_"
    return _simple(title, detail)


def render_history_quiet(data: dict[str, Any]) -> dict[str, Any]:
    """Block Kit for a run's quiet history: its one summary line, escaped."""
    title = f":inbox_tray: Source {data['source']['name']}: history entered quietly"
    return _simple(title, escape(data["summary"]))


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
    # Entity, post link, source and the hit's page within DIGEST_LINE_LIMIT: a long title is
    # cut inside its link, never the links.
    emoji = SEVERITY_EMOJI.get(item["severity"], "")
    update = " (update)" if item.get("update") else ""
    prefix = f"{emoji} *{_clip(escape(item['entity']), 150)}*{update}: "
    suffix = f" · {_clip(escape(item['source']), 80)}"
    if item.get("hit_url"):
        suffix += " · " + fitted_link(item["hit_url"], "open", DIGEST_LINE_LIMIT // 3)
    room = DIGEST_LINE_LIMIT - len(prefix) - len(suffix)
    post = fitted_link(item.get("url"), item.get("title") or "untitled", room)
    return _clip(f"{prefix}{post}{suffix}", DIGEST_LINE_LIMIT)


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
    # Slack shows the token in each reader's own zone, so it carries no zone label; clients
    # that cannot render it show the fallback, in UTC and labelled so.
    if not value:
        return "—"
    moment = datetime.fromisoformat(value.replace("Z", "+00:00")).astimezone(UTC)
    epoch = int(moment.timestamp())
    return f"<!date^{epoch}^{{date_short_pretty}} {{time}}|{moment:%Y-%m-%d %H:%M} UTC>"


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
