"""Generic webhook channel: the JSON document, signed per the Standard Webhooks specification.

Each request carries ``webhook-id`` (the message's idempotency key, the same on every retry, so
receivers deduplicate), ``webhook-timestamp`` (Unix seconds of this attempt) and
``webhook-signature`` (``v1,<base64 HMAC-SHA256>`` of ``id.timestamp.body`` with the channel's
``whsec_`` key), computed by the reference ``standardwebhooks`` library.
"""

from __future__ import annotations

import binascii
import json
from datetime import UTC, datetime
from typing import Any

import httpx
from standardwebhooks import Webhook
from standardwebhooks.webhooks import EmptyWebhookSecretError

from alerts.errors import ChannelUnavailable
from alerts.transport import OutgoingMessage, SendResult, check_response, post
from crawler.core.config import ChannelConfig


def encode_body(payload: dict[str, Any]) -> str:
    """The exact text sent and signed: compact JSON, UTF-8, keys in document order."""
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":"))


def signed_headers(signer: Webhook, message_id: str, body: str, at: datetime) -> dict[str, str]:
    """The three Standard Webhooks headers plus the content type, for ``body`` sent at ``at``."""
    return {
        "Content-Type": "application/json",
        "webhook-id": message_id,
        "webhook-timestamp": str(int(at.timestamp())),
        "webhook-signature": signer.sign(message_id, at, body),
    }


class WebhookSender:
    """POSTs signed JSON documents to one webhook endpoint."""

    def __init__(self, channel: ChannelConfig, client: httpx.Client) -> None:
        """Raises ChannelUnavailable when the signing secret is not a ``whsec_`` base64 key."""
        if channel.url is None or channel.signing_secret is None:
            raise ChannelUnavailable(f"channel {channel.name}: needs url and signing_secret")
        self.name = channel.name
        self._deadline = channel.send_timeout_seconds
        self._url = channel.url.get_secret_value()
        self._secret = channel.signing_secret.get_secret_value()
        try:
            self._signer = Webhook(self._secret)
        except (binascii.Error, EmptyWebhookSecretError, ValueError, RuntimeError) as exc:
            raise ChannelUnavailable(
                f"channel {channel.name}: signing_secret is not a whsec_… base64 key"
            ) from exc
        self._client = client

    def send(self, message: OutgoingMessage) -> SendResult:
        """POST the document; the signature timestamp is the real time of this attempt."""
        body = encode_body(message.payload)
        now = datetime.now(UTC)
        headers = signed_headers(self._signer, message.idempotency_key, body, now)
        response = post(
            self._client,
            self._url,
            content=body.encode("utf-8"),
            headers=headers,
            secrets=(self._secret,),
            deadline_seconds=self._deadline,
        )
        check_response(response, now)
        return SendResult()
