"""The channel registry builds one sender per enabled channel and skips broken ones."""

from __future__ import annotations

import logging

import httpx
import pytest

from alerts.apprise_channel import AppriseSender
from alerts.channels import CHANNEL_TYPES, build_senders, open_senders
from alerts.slack import SlackSender
from alerts.webhook import WebhookSender
from crawler.core.config import ChannelConfig
from tests.alerts.support import settings_for, webhook_channel


def test_every_channel_type_has_a_sender() -> None:
    assert set(CHANNEL_TYPES) == set(ChannelConfig.model_fields["type"].annotation.__args__)  # type: ignore[union-attr]


def test_senders_of_enabled_channels(caplog: pytest.LogCaptureFixture) -> None:
    settings = settings_for(
        "sqlite://",
        [
            webhook_channel("hook", "http://127.0.0.1:9/h"),
            {"name": "slack", "type": "slack", "url": "https://hooks.slack.test/T/B/s3cr3t"},
            {"name": "mail", "type": "apprise", "url": "json://127.0.0.1:9/x"},
            {"name": "bad", "type": "apprise", "url": "nosuchservice://s3cr3t"},
            webhook_channel("off", "http://127.0.0.1:9/o", enabled=False),
        ],
        [],
    )
    with caplog.at_level(logging.ERROR), httpx.Client() as client:
        senders = build_senders(settings, client)
    assert isinstance(senders["hook"], WebhookSender)
    assert isinstance(senders["slack"], SlackSender)
    assert isinstance(senders["mail"], AppriseSender)
    assert set(senders) == {"hook", "slack", "mail"}
    assert "bad" in caplog.text and "s3cr3t" not in caplog.text
    with open_senders(settings) as opened:
        assert set(opened) == set(senders)
