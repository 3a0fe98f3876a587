"""Downloader middlewares of the crawl, one concern each (see ``crawler.settings``).

- ``MirrorProxyMiddleware``: sends every request through the sample mirror
  (``--mirror``), so the crawl keeps real URLs and touches only that address.
- ``ArchivedArticlesMiddleware``: drops article requests whose URL is already
  archived (the incremental crawl), unless the crawl is ``--full``.
- ``RawCaptureMiddleware``: keeps an article response's status, headers and
  body exactly as received, before decompression or redirects touch them.
- ``RetryBackoffMiddleware``: waits before a retry, longer each time, and at
  least what the server's ``Retry-After`` asks.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from pathlib import Path
from typing import TYPE_CHECKING

from scrapy.exceptions import IgnoreRequest, NotConfigured

from crawler.state import ArchivedStore

if TYPE_CHECKING:
    from scrapy import Request
    from scrapy.crawler import Crawler
    from scrapy.http import Response
    from scrapy.statscollectors import StatsCollector

logger = logging.getLogger(__name__)

#: Request meta key: ``"listing"`` or ``"article"``, set by the spider.
KIND = "sxcrawl_kind"
#: Request meta key: the raw exchange captured by ``RawCaptureMiddleware``.
RAW = "sxcrawl_raw"
#: Request meta key: the source's name, set by the spider.
SOURCE = "sxcrawl_source"
ARTICLE = "article"
LISTING = "listing"

# Request meta key carrying the server's Retry-After (seconds) to the retry.
_RETRY_AFTER = "sxcrawl_retry_after"


class AlreadyArchived(IgnoreRequest):
    """An article request dropped because its URL is archived already."""


class MirrorProxyMiddleware:
    """Route every request, robots.txt included, through ``SXCRAWL_MIRROR`` as a proxy."""

    def __init__(self, mirror: str) -> None:
        self.mirror = mirror

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> MirrorProxyMiddleware:
        mirror = crawler.settings.get("SXCRAWL_MIRROR")
        if not mirror:
            raise NotConfigured
        return cls(str(mirror))

    def process_request(self, request: Request) -> None:
        request.meta["proxy"] = self.mirror


class ArchivedArticlesMiddleware:
    """Skip article requests for URLs already archived; count them."""

    def __init__(self, store: ArchivedStore, stats: StatsCollector) -> None:
        self.store = store
        self.stats = stats

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ArchivedArticlesMiddleware:
        if crawler.settings.getbool("SXCRAWL_FULL"):
            raise NotConfigured
        path = crawler.settings.get("SXCRAWL_STATE_FILE")
        if not path:
            raise NotConfigured("no SXCRAWL_STATE_FILE")
        assert crawler.stats is not None
        return cls(ArchivedStore(Path(path)), crawler.stats)

    def process_request(self, request: Request) -> None:
        if request.meta.get(KIND) == ARTICLE and self.store.seen(request.url):
            redirected_from = request.meta.get("redirect_urls")
            if redirected_from:
                # An old URL that redirects to an archived article: remember it
                # too, so the next crawl does not ask for the redirect again.
                self.store.add(redirected_from, request.meta.get(SOURCE, ""), "")
            self.stats.inc_value("sxcrawl/articles_skipped")
            raise AlreadyArchived(f"already archived: {request.url}")


class RawCaptureMiddleware:
    """Keep an article response as received, in ``request.meta[RAW]``.

    It sits next to the download handler (after compression and redirect
    handling in request order), so it sees the headers Scrapy sends and the
    response before any middleware changes it. Only successful (2xx) article
    responses are kept: those are the ones the archive holds.
    """

    def process_request(self, request: Request) -> None:
        request.meta.pop(RAW, None)

    def process_response(self, request: Request, response: Response) -> Response:
        if request.meta.get(KIND) == ARTICLE and 200 <= response.status < 300:
            request.meta[RAW] = {
                "status": response.status,
                "protocol": response.protocol or "HTTP/1.1",
                "headers": _pairs(response.headers),
                "body": response.body,
                "fetched_at": dt.datetime.now(dt.UTC),
                "request_method": request.method,
                "request_headers": _pairs(request.headers),
            }
        return response


def _pairs(headers: object) -> tuple[tuple[str, str], ...]:
    """Scrapy headers as (name, value) pairs, every byte kept (Latin-1)."""
    pairs = []
    for name, values in headers.items():  # type: ignore[attr-defined]
        for value in values:
            pairs.append((name.decode("latin-1"), value.decode("latin-1")))
    return tuple(pairs)


class RetryBackoffMiddleware:
    """Delay retried requests: ``base * 2**(n-1)`` seconds, capped, or ``Retry-After``.

    Scrapy's ``RetryMiddleware`` re-queues a failed request at once; against a
    server that answered 429 or 503 that is the wrong thing to do. This one
    records the server's ``Retry-After`` on the way back and waits before a
    retried request goes out. ``SXCRAWL_RETRY_BACKOFF = 0`` turns it off.
    """

    def __init__(self, base: float, cap: float) -> None:
        self.base = base
        self.cap = cap

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> RetryBackoffMiddleware:
        base = crawler.settings.getfloat("SXCRAWL_RETRY_BACKOFF")
        if base <= 0:
            raise NotConfigured
        return cls(base, crawler.settings.getfloat("SXCRAWL_RETRY_BACKOFF_MAX"))

    def delay(self, attempt: int, retry_after: float | None) -> float:
        """Seconds to wait before retry number ``attempt`` (1 for the first)."""
        wait = min(self.cap, self.base * 2 ** (attempt - 1))
        if retry_after is not None:
            wait = max(wait, min(self.cap, retry_after))
        return wait

    async def process_request(self, request: Request) -> None:
        attempt = int(request.meta.get("retry_times", 0))
        if attempt:
            wait = self.delay(attempt, request.meta.get(_RETRY_AFTER))
            logger.debug("retry %d of %s in %.1f s", attempt, request.url, wait)
            await asyncio.sleep(wait)

    def process_response(self, request: Request, response: Response) -> Response:
        value = response.headers.get(b"Retry-After")
        if value is not None:
            try:
                request.meta[_RETRY_AFTER] = float(value.decode("latin-1"))
            except ValueError:
                request.meta.pop(_RETRY_AFTER, None)
        return response
