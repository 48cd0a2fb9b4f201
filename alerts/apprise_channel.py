"""Apprise channel: email, Teams, Discord, Matrix, ntfy… through one Apprise URL, no per-service
code. Needs the optional extra: ``pip install 'leakwatch[apprise]'``.

The document is rendered as plain text (Apprise converts it for each service and escapes it for
HTML ones). Apprise cannot tell a rejected message from an unreachable service, so every failure
is retried with backoff until the message is too old (then dead-lettered).
"""

from __future__ import annotations

from typing import Any

from alerts import payload as doc
from alerts.errors import ChannelUnavailable, TransientDeliveryError
from alerts.transport import OutgoingMessage, SendResult, protect_url, scrub, secret_fragments
from crawler.core.config import ChannelConfig

MAX_LOG_DETAIL = 300


class AppriseSender:
    """Sends plain-text notifications to the services of one Apprise URL."""

    def __init__(self, channel: ChannelConfig) -> None:
        """Raises ChannelUnavailable when apprise is not installed or rejects the URL."""
        try:
            import apprise
        except ImportError as exc:  # the optional extra is not installed
            raise ChannelUnavailable(
                f"channel {channel.name}: install the extra: pip install 'leakwatch[apprise]'"
            ) from exc
        if channel.url is None:
            raise ChannelUnavailable(f"channel {channel.name}: needs url")
        self.name = channel.name
        self._url = channel.url.get_secret_value()
        protect_url(self._url)
        self._apprise = apprise.Apprise()
        self._format = apprise.NotifyFormat.TEXT
        if not self._apprise.add(self._url):
            raise ChannelUnavailable(f"channel {channel.name}: Apprise does not accept its url")

    def send(self, message: OutgoingMessage) -> SendResult:
        """Notify every service of the URL; raise TransientDeliveryError if one fails."""
        title, body = render_text(message.payload)
        result = self._apprise.notify(body=body, title=title, body_format=self._format)
        if not result:
            raise TransientDeliveryError(f"apprise: not delivered{self._log_detail(result)}")
        return SendResult()

    def _log_detail(self, result: Any) -> str:
        logs = getattr(result, "logs", None)
        if logs is None:  # apprise 1.x returns a plain bool
            return ""
        messages = [entry.message for entry in logs() if entry.level in ("WARNING", "ERROR")]
        secrets = tuple(sorted(secret_fragments(self._url), key=len, reverse=True))
        detail = scrub(" | ".join(messages), secrets)[:MAX_LOG_DETAIL]
        return f": {detail}" if detail else ""


def render_text(document: dict[str, Any]) -> tuple[str, str]:
    """Title and plain-text body of a document of any event type."""
    data = document["data"]
    event = document["type"]
    if event in (doc.ALERT_CREATED, doc.ALERT_UPDATED):
        return _alert_text(data)
    if event == doc.SOURCE_HEALTH_CHANGED:
        source = data["source"]["name"]
        title = f"leakwatch: source {source} {data['old_health']} -> {data['new_health']}"
        return title, data.get("detail") or ""
    if event == doc.SOURCE_HISTORY_QUIET:
        return f"leakwatch: source {data['source']['name']} history entered quietly", str(
            data["summary"]
        )
    if event == doc.CHANNEL_REFUSING:
        title = f"leakwatch: channel {data['channel']} refuses alerts (HTTP {data['status']})"
        return title, f"{data['message']}\n{data['error']}"
    if event == doc.DIGEST:
        lines = [
            f"- [{item['severity']}] {item['entity']}: {item.get('title') or ''} "
            f"({item['source']}) {item.get('url') or ''}"
            for item in data["alerts"]
        ]
        title = f"leakwatch {data['period']['kind']} digest: {data['count']} alert(s)"
        return title, "\n".join(lines)
    if event == doc.REVIEW_DIGEST:
        title = f"leakwatch: {data['count']} possible hit(s) to review"
        return title, "\n".join(_review_line(item) for item in data["possible_hits"])
    if event == doc.POSSIBLE_HIT:
        names = [candidate.get("name", "?") for candidate in data.get("candidates", [])]
        item = {**data, "candidates": names, "source": data["source"]["name"], **data["post"]}
        return "leakwatch: possible hit to review", _review_line(item)
    return "leakwatch test", str(data.get("message", ""))


def _review_line(item: dict[str, Any]) -> str:
    names = ", ".join(item.get("candidates") or []) or "-"
    return (
        f'- #{item.get("possible_hit_id")} "{item.get("matched") or ""}" '
        f"({', '.join(item.get('reasons') or [])}): {names} | {item.get('title') or ''} "
        f"({item.get('source') or '?'}) {item.get('url') or ''}"
    )


def _alert_text(data: dict[str, Any]) -> tuple[str, str]:
    entity, post, source = data["entity"], data["post"], data["source"]
    prefix = "Update: " if data.get("update") else ""
    title = f"{prefix}[{data['severity'].upper()}] {entity['name']}"
    place = ", ".join(
        str(x) for x in (entity.get("city"), entity.get("department"), entity.get("region")) if x
    )
    listing = data.get("listing")
    lines = [f"Ransomware listing: {listing['reason']}"] if listing else []
    lines += [
        f"Entity: {entity['name']} ({entity['kind']}){f' - {place}' if place else ''}",
        f"FINESS: {entity.get('finess_et') or '-'} / {entity.get('finess_ej') or '-'}",
        f"Source: {source['name']} ({source['kind']})",
        f"Post: {post.get('title') or ''}",
        f"Link: {post.get('url') or '-'}",
        *([f"Open in leakwatch: {data['hit_url']}"] if data.get("hit_url") else []),
        f"First seen: {post.get('first_seen') or '-'}",
        f"Sale score: {data.get('sale_score', 0):.2f}",
    ]
    claims = data.get("claims")
    if claims:
        lines.append(
            f"Claims: records={claims.get('records')} types={','.join(claims['data_types'])} "
            f"price={claims.get('price')} {claims.get('currency') or ''} "
            f"seller={claims.get('seller') or '-'}"
        )
    if data.get("excerpt"):
        lines += ["", data["excerpt"]]
    return title, "\n".join(lines)
