"""Scrapy settings for daemon tests: the project settings with the sample test spiders."""

from crawler.settings import *  # noqa: F403

SPIDER_MODULES = ["tests.crawler.sample_spiders"]
