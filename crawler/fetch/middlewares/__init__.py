"""Scrapy downloader middlewares of leakwatch, one small module each."""
