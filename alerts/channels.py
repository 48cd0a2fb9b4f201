"""The registry of alert channel types: the one list of ways an alert can leave leakwatch.

A new channel type is one sender class (``send(OutgoingMessage) -> SendResult``, see
:mod:`alerts.transport`) plus one entry in :data:`CHANNEL_TYPES`, and its name in
``ChannelConfig.type``.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import httpx

from alerts.apprise_channel import AppriseSender
from alerts.errors import ChannelUnavailable
from alerts.slack import SlackSender
from alerts.transport import Sender, http_client
from alerts.webhook import WebhookSender
from crawler.core.config import ChannelConfig, Settings

logger = logging.getLogger(__name__)

SenderFactory = Callable[[ChannelConfig, httpx.Client], Sender]

#: Channel type → sender factory.
CHANNEL_TYPES: dict[str, SenderFactory] = {
    "slack": SlackSender,
    "webhook": WebhookSender,
    "apprise": lambda channel, _client: AppriseSender(channel),
}


def build_sender(channel: ChannelConfig, client: httpx.Client) -> Sender:
    """The sender of one channel; raises ChannelUnavailable if it cannot be built."""
    factory = CHANNEL_TYPES.get(channel.type)
    if factory is None:
        raise ChannelUnavailable(f"channel {channel.name}: unknown type {channel.type!r}")
    return factory(channel, client)


def build_senders(settings: Settings, client: httpx.Client) -> dict[str, Sender]:
    """Senders of every enabled channel, by name.

    A channel that cannot be built is logged (by name, never its URL) and left out: its
    messages stay pending until the configuration is fixed.
    """
    senders: dict[str, Sender] = {}
    for channel in settings.channels:
        if not channel.enabled:
            continue
        try:
            senders[channel.name] = build_sender(channel, client)
        except ChannelUnavailable as exc:
            logger.error("alert channel unavailable: %s", exc)
    return senders


@contextmanager
def open_senders(settings: Settings) -> Iterator[dict[str, Sender]]:
    """Senders of every enabled channel over one HTTP client, closed on exit."""
    with http_client() as client:
        yield build_senders(settings, client)
