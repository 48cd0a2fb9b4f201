"""What a crawl may fetch and how: Scrapy middlewares and download handlers, proxies, the
browser, download rules and evidence capture."""
