"""Never request a file host or a file: archives, dumps and spreadsheets are the leak itself.

:class:`FileLinkGuardMiddleware` runs first among the downloader middlewares and refuses any
request whose URL is on a file host or cloud drive (mega.nz, gofile.io, Google Drive…) or ends
like an archive, database dump or office file: the rule every family obeys,
:func:`crawler.core.file_links.file_link_refusal`. The refusal is an ``IgnoreRequest`` naming
the link, logged and counted (``leakwatch/refused/file_link``), so a spider that follows such a
link by mistake loses that request only.
"""

from __future__ import annotations

import logging
from typing import Any

from scrapy.exceptions import IgnoreRequest

from crawler.core.file_links import TRACKER_EXPORT, file_link_refusal

logger = logging.getLogger(__name__)


class FileLinkGuardMiddleware:
    """Downloader middleware refusing file-host and file links."""

    def __init__(self, crawler: Any) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Any) -> FileLinkGuardMiddleware:
        """Build the middleware for ``crawler``."""
        return cls(crawler)

    def process_request(self, request: Any, spider: Any = None) -> None:
        """Raise IgnoreRequest for a file link; let anything else through."""
        reason = file_link_refusal(request.url, bool(request.meta.get(TRACKER_EXPORT)))
        if reason is not None:
            logger.warning(reason)
            self.crawler.stats.inc_value("leakwatch/refused/file_link")
            raise IgnoreRequest(reason)
