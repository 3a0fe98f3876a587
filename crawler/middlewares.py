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
from typing import TYPE_CHECKING

from scrapy.exceptions import IgnoreRequest, NotConfigured

from crawler.extensions import ArchivedState

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
    """Route every request, robots.txt included, through ``SXCRAWL_MIRROR`` as a proxy.

    On when ``SXCRAWL_MIRROR_ENABLED`` (``--mirror URL`` sets both).
    """

    def __init__(self, mirror: str) -> None:
        self.mirror = mirror

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> MirrorProxyMiddleware:
        if not crawler.settings.getbool("SXCRAWL_MIRROR_ENABLED"):
            raise NotConfigured
        mirror = crawler.settings.get("SXCRAWL_MIRROR")
        if not mirror:
            # Never crawl the live sites by mistake when a mirror was asked for.
            raise ValueError("SXCRAWL_MIRROR_ENABLED is set but SXCRAWL_MIRROR names no URL")
        return cls(str(mirror))

    def process_request(self, request: Request) -> None:
        request.meta["proxy"] = self.mirror


class ArchivedArticlesMiddleware:
    """Skip article requests for URLs already archived; count them.

    Off for a ``--full`` crawl (``SXCRAWL_FULL``). The store is the crawl's
    one connection, opened and closed by ``crawler.extensions.ArchivedState``.
    """

    def __init__(self, state: ArchivedState, stats: StatsCollector) -> None:
        self.state = state
        self.stats = stats

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ArchivedArticlesMiddleware:
        if crawler.settings.getbool("SXCRAWL_FULL"):
            raise NotConfigured
        assert crawler.stats is not None
        return cls(ArchivedState.of(crawler), crawler.stats)

    def process_request(self, request: Request) -> None:
        if request.meta.get(KIND) != ARTICLE:
            return
        store = self.state.store
        if store.seen(request.url):
            redirected_from = request.meta.get("redirect_urls")
            if redirected_from:
                # An old URL that redirects to an archived article: remember it
                # too, so the next crawl does not ask for the redirect again.
                store.add(redirected_from, request.meta.get(SOURCE, ""), "")
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
    retried request goes out. ``SXCRAWL_RETRY_BACKOFF_ENABLED = False`` turns it
    off; ``SXCRAWL_RETRY_BACKOFF = 0`` retries without waiting.
    """

    def __init__(self, base: float, cap: float) -> None:
        self.base = base
        self.cap = cap

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> RetryBackoffMiddleware:
        settings = crawler.settings
        if not settings.getbool("SXCRAWL_RETRY_BACKOFF_ENABLED"):
            raise NotConfigured
        base = settings.getfloat("SXCRAWL_RETRY_BACKOFF")
        return cls(base, settings.getfloat("SXCRAWL_RETRY_BACKOFF_MAX"))

    def delay(self, attempt: int, retry_after: float | None) -> float:
        """Seconds to wait before retry number ``attempt`` (1 for the first)."""
        wait = min(self.cap, self.base * 2.0 ** (attempt - 1))
        if retry_after is not None:
            wait = max(wait, min(self.cap, retry_after))
        return wait

    async def process_request(self, request: Request) -> None:
        attempt = int(request.meta.get("retry_times", 0))
        if attempt:
            wait = self.delay(attempt, request.meta.get(_RETRY_AFTER))
            if wait <= 0:
                return
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
