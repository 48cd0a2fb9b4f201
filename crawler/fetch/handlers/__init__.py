"""Scrapy download handlers leakwatch installs for some sources: SOCKS proxies and the browser.

:func:`crawler.runtime.crawl.scrapy_settings_for` picks them per source, so a plain source keeps
Scrapy's own HTTP/1.1 handler and never starts Chromium.
"""
