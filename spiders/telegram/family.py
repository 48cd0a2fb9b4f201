"""The Telegram family as the registry lists it."""

from __future__ import annotations

from spiders.family import Family
from spiders.telegram.options import TelegramOptions
from spiders.telegram.parsers import parse_telegram_page
from spiders.telegram.spider import TelegramPreviewSpider

FAMILY = Family(
    kind="telegram",
    engines=("preview",),
    options=TelegramOptions,
    spider=TelegramPreviewSpider,
    page_parsers={"telegram": parse_telegram_page},
)
