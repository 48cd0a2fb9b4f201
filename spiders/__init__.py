"""Scrapy spiders, one per source family. Spiders only parse and yield items (crawler.items)."""
