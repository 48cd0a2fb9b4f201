"""Prometheus metrics of the daemon: runs, items, hits, alert queue depth, delivery latency.

Metrics live in their own registry (no global state); ``leakwatch run --metrics-port N`` serves
them over HTTP on 127.0.0.1.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from prometheus_client import CollectorRegistry, Counter, Histogram, start_http_server
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

from db.models import CrawlRun


class _QueueDepth(Collector):
    def __init__(self, depth: Callable[[], dict[str, int]]) -> None:
        self.depth = depth

    def collect(self) -> Iterator[GaugeMetricFamily]:
        family = GaugeMetricFamily(
            "leakwatch_outbox_messages", "Outbox messages by status", labels=["status"]
        )
        for status, count in sorted(self.depth().items()):
            family.add_metric([status], count)
        yield family


class Metrics:
    """The daemon's metrics; served on ``port`` when given, only counted otherwise."""

    def __init__(
        self,
        port: int | None,
        queue_depth: Callable[[], dict[str, int]] | None = None,
        host: str = "127.0.0.1",
    ) -> None:
        self.registry = CollectorRegistry()
        self.runs = Counter(
            "leakwatch_runs", "Crawl runs", ["source", "status"], registry=self.registry
        )
        self.items = Counter("leakwatch_items", "Items crawled", ["source"], registry=self.registry)
        self.hits = Counter("leakwatch_hits", "Hits stored", ["source"], registry=self.registry)
        self.pages = Counter("leakwatch_pages", "Pages fetched", ["source"], registry=self.registry)
        self.delivery_latency = Histogram(
            "leakwatch_alert_delivery_seconds",
            "Time from enqueue to delivery of alerts",
            ["channel"],
            buckets=(0.5, 1, 2, 5, 10, 30, 60, 300, 900, 3600),
            registry=self.registry,
        )
        if queue_depth is not None:
            self.registry.register(_QueueDepth(queue_depth))
        if port is not None:
            start_http_server(port, addr=host, registry=self.registry)

    def observe_run(self, source: str, run: CrawlRun) -> None:
        """Count a finished run."""
        self.runs.labels(source, run.status).inc()
        self.items.labels(source).inc(run.items)
        self.hits.labels(source).inc(run.hits)
        self.pages.labels(source).inc(run.pages)

    def observe_delivery(self, channel: str, seconds: float) -> None:
        """Record one delivered alert's enqueue-to-delivery latency."""
        self.delivery_latency.labels(channel).observe(seconds)
