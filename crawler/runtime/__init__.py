"""The running system: Scrapy settings and pipelines, one crawl, the crawl child process, the
daemon, scheduling, health and metrics."""
