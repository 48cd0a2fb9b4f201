"""The Telegram family as the registry lists it."""

from __future__ import annotations

from urllib.parse import urlsplit

from spiders.family import Family
from spiders.telegram.options import TelegramOptions
from spiders.telegram.parsers import parse_telegram_page, split_channel_url
from spiders.telegram.spider import TelegramPreviewSpider


def channel_url_problem(url: str) -> str | None:
    """Why ``url`` cannot start a Telegram source, None when it names a channel as the spider
    reads it (http or https; ``…/s/<channel>``, ``/<channel>``, either with a message id)."""
    parts = urlsplit(url)
    if parts.scheme in ("http", "https") and parts.netloc and split_channel_url(url):
        return None
    return f"{url!r} is not a Telegram channel URL such as https://t.me/s/<channel>"


FAMILY = Family(
    kind="telegram",
    engines=("preview",),
    options=TelegramOptions,
    spider=TelegramPreviewSpider,
    page_parsers={"telegram": parse_telegram_page},
    start_url_check=channel_url_problem,
)
