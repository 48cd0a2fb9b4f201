"""Generic webhook: Standard Webhooks signature checked by the reference verifier."""

from __future__ import annotations

import json

import httpx
import pytest
from pydantic import SecretStr
from standardwebhooks import Webhook
from standardwebhooks.webhooks import WebhookVerificationError

from alerts.errors import ChannelUnavailable
from alerts.payload import TEST, check_data, envelope
from alerts.transport import OutgoingMessage
from alerts.webhook import WebhookSender
from crawler.core.config import ChannelConfig
from tests.alerts.support import SECRET, T0

CHANNEL = ChannelConfig(
    name="cert-hook",
    type="webhook",
    url="http://receiver.test/hook?token=s3cr3t",  # type: ignore[arg-type]
    signing_secret=SECRET,  # type: ignore[arg-type]
)
DOCUMENT = envelope(TEST, {**check_data("cert-hook"), "note": "accents é and <tags>"}, T0)


def _send_twice() -> list[httpx.Request]:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(204)

    message = OutgoingMessage("cert-hook", "test", "hit:42:cert-hook", DOCUMENT)
    with httpx.Client(transport=httpx.MockTransport(handler)) as client:
        sender = WebhookSender(CHANNEL, client)
        sender.send(message)
        sender.send(message)
    return seen


def test_signature_is_verified_by_the_reference_verifier() -> None:
    request = _send_twice()[0]
    headers = dict(request.headers)
    assert headers["webhook-id"] == "hit:42:cert-hook"
    assert headers["content-type"] == "application/json"
    verified = Webhook(SECRET).verify(request.content, headers)
    assert verified == DOCUMENT
    assert json.loads(request.content)["version"] == 1


def test_a_tampered_body_or_another_key_fails() -> None:
    request = _send_twice()[0]
    headers = dict(request.headers)
    tampered = request.content.replace(b"cert-hook", b"evil-hook")
    with pytest.raises(WebhookVerificationError):
        Webhook(SECRET).verify(tampered, headers)
    with pytest.raises(WebhookVerificationError):
        Webhook("whsec_" + "QUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFB").verify(request.content, headers)


def test_every_retry_carries_the_same_webhook_id() -> None:
    first, second = _send_twice()
    assert first.headers["webhook-id"] == second.headers["webhook-id"]
    assert first.content == second.content


@pytest.mark.parametrize("secret", ["whsec_", "whsec_a"])
def test_a_bad_signing_secret_makes_the_channel_unavailable(secret: str) -> None:
    broken = CHANNEL.model_copy(update={"signing_secret": SecretStr(secret)})
    with httpx.Client() as client, pytest.raises(ChannelUnavailable) as caught:
        WebhookSender(broken, client)
    assert "s3cr3t" not in str(caught.value) and "cert-hook" in str(caught.value)
