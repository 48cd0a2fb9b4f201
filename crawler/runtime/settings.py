"""Scrapy settings shared by every leakwatch crawl (the ``scrapy.cfg`` default module).

Per-source values (delay, concurrency, proxy, browser, size, page and time caps) are applied on top
of these by :func:`crawler.runtime.crawl.scrapy_settings_for`. Keep the groups alphabetical.
"""

# --- Project -----------------------------------------------------------------------------------
BOT_NAME = "leakwatch"
NEWSPIDER_MODULE = "spiders"
SPIDER_MODULES = ["spiders"]

# --- Downloads: politeness ---------------------------------------------------------------------
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_MAX_DELAY = 60.0
AUTOTHROTTLE_START_DELAY = 2.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 1.0
CONCURRENT_REQUESTS = 8
CONCURRENT_REQUESTS_PER_DOMAIN = 1
COOKIES_ENABLED = True
DOWNLOAD_DELAY = 2.0
DOWNLOAD_DELAY_JITTER = 0.5  # each delay is 0.5–1.5 × DOWNLOAD_DELAY
ROBOTSTXT_OBEY = False
USER_AGENT = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"

# --- Downloads: safety caps --------------------------------------------------------------------
DOWNLOAD_MAXSIZE = 10 * 1024 * 1024
DOWNLOAD_TIMEOUT = 60
DOWNLOAD_WARNSIZE = 2 * 1024 * 1024
DUPEFILTER_CLASS = "scrapy.dupefilters.RFPDupeFilter"
REDIRECT_MAX_TIMES = 5
RETRY_ENABLED = True
RETRY_HTTP_CODES = [500, 502, 503, 504, 522, 524, 408, 429]
RETRY_TIMES = 2

# --- Item pipelines, extensions and add-ons ----------------------------------------------------
# The add-on inserts the safety, proxy, browser and evidence middlewares into every crawl, even
# for a spider with its own DOWNLOADER_MIDDLEWARES (crawler/fetch/addon.py).
ADDONS = {
    "crawler.fetch.addon.SafetyAddon": 0,
}
EXTENSIONS = {
    "crawler.runtime.run_recorder.RunRecorder": 100,
}
ITEM_PIPELINES = {
    "crawler.runtime.pipelines.StoragePipeline": 300,
}
STORAGE_BATCH_SIZE = 200

# --- Logging and remote access ---------------------------------------------------------------
LOG_LEVEL = "INFO"
# Every crawl would otherwise open a telnet console (ports 6023-6073, so at most 51 crawls at
# once on a host) and an HTTP server that runs Python code sent to it: a daemon needs neither.
REMOTE_CONTROL_ENABLED = False
TELNETCONSOLE_ENABLED = False

# --- Reactor -----------------------------------------------------------------------------------
# The asyncio reactor is required by scrapy-playwright and by the SOCKS download handler.
TWISTED_REACTOR = "twisted.internet.asyncioreactor.AsyncioSelectorReactor"
