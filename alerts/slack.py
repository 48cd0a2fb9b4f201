"""Slack channel: incoming-webhook mode (``url``) or bot mode (``token`` + ``slack_channel``).

Bot mode calls ``chat.postMessage`` on the Web API (``url``, when set, replaces the default
``https://slack.com/api/`` base, e.g. for a loopback test server). The ``ts`` of an incident's
first message is kept so its follow-ups are posted as replies in that thread, broadcast to the
channel when the follow-up raises the severity. Incoming webhooks cannot thread: follow-ups are
posted as messages headed "Update". The Block Kit body comes from :mod:`alerts.slack_blocks`;
bot-mode alerts get link buttons (Open in leakwatch, Source), which incoming webhooks cannot
show.
"""

from __future__ import annotations

import json
from typing import Any

import httpx

from alerts.errors import ChannelUnavailable, PermanentDeliveryError, TransientDeliveryError
from alerts.slack_blocks import render_message
from alerts.transport import OutgoingMessage, SendResult, check_response, post
from crawler.core.config import ChannelConfig

SLACK_API = "https://slack.com/api/"
#: ``ok: false`` errors of the Web API that are worth retrying.
TRANSIENT_API_ERRORS = frozenset(
    {"ratelimited", "internal_error", "fatal_error", "service_unavailable", "request_timeout"}
)


class SlackSender:
    """Posts Block Kit messages to one Slack channel."""

    def __init__(self, channel: ChannelConfig, client: httpx.Client) -> None:
        """Bot mode when the channel has a token, else incoming-webhook mode."""
        self.name = channel.name
        self._deadline = channel.send_timeout_seconds
        self._client = client
        self._token = channel.token.get_secret_value() if channel.token else None
        url = channel.url.get_secret_value() if channel.url else None
        if self._token is not None:
            base = url or SLACK_API
            self._url = base if base.endswith("/") else base + "/"
            self._url += "chat.postMessage"
            self._slack_channel = channel.slack_channel
        elif url is not None:
            self._url = url
            self._slack_channel = None
        else:
            raise ChannelUnavailable(f"channel {channel.name}: needs url or token")

    def send(self, message: OutgoingMessage) -> SendResult:
        """Post the rendered message; in bot mode return its ``ts``."""
        body = render_message(message.payload, buttons=self._token is not None)
        headers = {"Content-Type": "application/json; charset=utf-8"}
        if self._token is not None:
            body["channel"] = self._slack_channel
            if message.thread_ts:
                body["thread_ts"] = message.thread_ts
                update = message.payload.get("data", {}).get("update") or {}
                body["reply_broadcast"] = bool(update.get("escalated"))
            headers["Authorization"] = f"Bearer {self._token}"
        secrets = tuple(s for s in (self._token, self._url) if s)
        response = post(
            self._client,
            self._url,
            content=json.dumps(body, ensure_ascii=False).encode("utf-8"),
            headers=headers,
            secrets=secrets,
            deadline_seconds=self._deadline,
        )
        check_response(response)
        if self._token is None:
            return SendResult()
        return SendResult(thread_ts=_api_ts(response))


def _api_ts(response: httpx.Response) -> str | None:
    try:
        answer: Any = response.json()
    except ValueError:
        raise PermanentDeliveryError("Slack API answered with something other than JSON") from None
    if not isinstance(answer, dict):
        raise PermanentDeliveryError("Slack API answered with unexpected JSON")
    if not answer.get("ok"):
        error = str(answer.get("error") or "unknown_error")[:100]
        if error in TRANSIENT_API_ERRORS:
            raise TransientDeliveryError(f"Slack API error: {error}")
        raise PermanentDeliveryError(f"Slack API error: {error}")
    ts = answer.get("ts")
    return str(ts) if ts else None
