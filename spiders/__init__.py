"""Scrapy spiders, one package per source family (forums, telegram, pastes, feeds, leaksites),
found through spiders.registry. Spiders only parse and yield items (crawler.core.items)."""
