"""Scrapy settings for daemon tests: the project settings with the sample test spiders."""

from crawler.runtime.settings import *  # noqa: F403

SPIDER_MODULES = ["tests.crawler.runtime.sample_spiders"]
