"""A minimal family spider used to test the storage foundation with a real Scrapy crawl."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import scrapy

from crawler.core.items import ForumThread
from spiders.base import SourceSpider


class SampleListSpider(SourceSpider):
    """Reads ``<li class="thread" data-id>`` entries of a listing page."""

    name = "forum"
    family = "forum"

    async def start(self) -> AsyncIterator[Any]:
        for url in self.source.start_urls:
            yield scrapy.Request(url, callback=self.parse)

    def parse(self, response: Any) -> Any:
        threads = response.css("li.thread")
        if not threads:
            self.report_health("parser_broken", "no thread found", response.url, response.body)
            return
        for thread in threads:
            thread_id = thread.attrib["data-id"]
            self.state["max_id"] = max(int(thread_id), self.state.get("max_id", 0))
            yield ForumThread(
                thread_id=thread_id,
                title=thread.css("a::text").get(""),
                url=response.urljoin(thread.css("a::attr(href)").get("")),
                author=thread.css(".author::text").get(),
            )
