"""Apprise: any service by URL; here Apprise's generic json:// service to a loopback sink."""

from __future__ import annotations

import logging

import pytest

from alerts.apprise_channel import AppriseSender, render_text
from alerts.errors import ChannelUnavailable, TransientDeliveryError
from alerts.payload import ALERT_CREATED, envelope
from alerts.transport import OutgoingMessage
from crawler.core.config import ChannelConfig
from crawler.demo.webhook_sink import SinkResponse, WebhookSink
from tests.alerts.support import T0

DATA = {
    "hit_id": 1,
    "severity": "critical",
    "update": None,
    "incident": {"id": 1, "first_seen": "2026-03-02T09:00:00Z", "hit_count": 1},
    "entity": {"name": "CHU de Lille", "kind": "establishment", "city": "Lille",
               "department": "59", "region": "Hauts-de-France", "finess_et": "590780193",
               "finess_ej": None},
    "source": {"name": "forum-a", "kind": "forum"},
    "post": {"url": "http://forum.example/t/1", "title": "CHU Lille 1M patients",
             "author": "x", "first_seen": "2026-03-02T09:00:00Z", "posted_at": None},
    "sale_score": 0.9,
    "claims": {"records": 1000000, "data_types": ["nir"], "price": 5.0, "currency": "BTC",
               "seller": "x", "sample_offered": True},
    "matched": "CHU Lille",
    "excerpt": "NIR [NIR] …",
}  # fmt: skip
DOCUMENT = envelope(ALERT_CREATED, DATA, T0)


def _channel(url: str) -> ChannelConfig:
    return ChannelConfig(name="ntfy-like", type="apprise", url=url)  # type: ignore[arg-type]


def test_alert_reaches_the_service_as_text(caplog: pytest.LogCaptureFixture) -> None:
    with WebhookSink(lambda request: SinkResponse(200)) as sink:
        url = sink.url.replace("http://", "json://") + "/notify/t0ps3cr3t"
        with caplog.at_level(logging.DEBUG):
            AppriseSender(_channel(url)).send(
                OutgoingMessage("ntfy-like", "alert", "hit:1:ntfy-like", DOCUMENT)
            )
        (request,) = sink.requests
    body = request.json()
    assert request.path == "/notify/t0ps3cr3t"
    assert body["title"] == "[CRITICAL] CHU de Lille"
    assert "FINESS: 590780193" in body["message"] and "records=1000000" in body["message"]
    assert "t0ps3cr3t" not in caplog.text


def test_a_failing_service_is_retried_without_leaking_the_url() -> None:
    with WebhookSink(lambda request: SinkResponse(500)) as sink:
        url = sink.url.replace("http://", "json://") + "/notify/t0ps3cr3t"
        with pytest.raises(TransientDeliveryError) as caught:
            AppriseSender(_channel(url)).send(OutgoingMessage("x", "test", "k", DOCUMENT))
    assert "t0ps3cr3t" not in str(caught.value)


def test_an_unknown_url_scheme_is_refused() -> None:
    with pytest.raises(ChannelUnavailable):
        AppriseSender(_channel("nosuchservice://x"))


def test_text_links_to_the_hit_page_when_leakwatch_has_an_address() -> None:
    page = "https://leakwatch.cert.example/hits/1"
    _, body = render_text(envelope(ALERT_CREATED, {**DATA, "hit_url": page}, T0))
    assert f"Open in leakwatch: {page}" in body.splitlines()
    assert "Open in leakwatch" not in render_text(DOCUMENT)[1]


def test_text_of_an_update() -> None:
    title, _ = render_text(envelope("alert.updated", {**DATA, "update": {"reason": "repost"}}, T0))
    assert title.startswith("Update: ")


def test_text_of_a_ransomware_listing_starts_with_why() -> None:
    listing = {"group": "nightveil", "listed_at": "2026-03-02T06:58:40Z",
               "reason": "listed by nightveil on 2026-03-02"}  # fmt: skip
    _, text = render_text(envelope(ALERT_CREATED, {**DATA, "listing": listing}, T0))
    assert text.splitlines()[0] == "Ransomware listing: listed by nightveil on 2026-03-02"
    _, plain = render_text(DOCUMENT)  # documents queued before the field existed
    assert plain.startswith("Entity: CHU de Lille")
