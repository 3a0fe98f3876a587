"""``SourceSpider``: one generic spider, driven by a source's ``[source]`` table.

``python -m crawler crawl`` runs it once per source; from the project root,
``scrapy crawl source -a source=NAME`` runs it for one source with the
settings of ``crawler/settings.py`` (``-s NAME=VALUE`` to change them).

It fetches the source's start (listing) pages, feeds and sitemaps, follows
pagination up to ``max_pages`` listing pages from each start page, and
requests every article link it finds (``crawler.links`` decides which links
of a page are which, ``crawler.feeds`` reads feeds and sitemaps). Article
responses become ``RawPage`` items for the WARC pipeline; the first few are
also kept (``health_samples``) for the run's health check. Errors are logged
and counted, never fatal: a 404 is a warning line and a
``sxcrawl/errors/http_404`` count.

Stats it keeps for the health check (``crawler.health``):
``sxcrawl/listings_fetched`` (listing pages, feeds and sitemaps parsed),
``sxcrawl/article_links`` (distinct article links they gave),
``sxcrawl/articles_fetched``.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Iterable, Iterator
from typing import Any

import scrapy
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Response, TextResponse
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.python.failure import Failure

from crawler.feeds import feed_links, sitemap_links
from crawler.health import Sample
from crawler.items import RawPage
from crawler.links import classify_links
from crawler.middlewares import ARTICLE, KIND, LISTING, RAW, SOURCE, AlreadyArchived
from crawler.sources import Source, SourceError, load_sources, sites_dir

logger = logging.getLogger(__name__)

# Request meta key: the listing page's number counted from its start page.
_PAGE = "sxcrawl_page"

# Request kinds (meta KIND) of the start points that are not HTML listings.
FEED = "feed"
SITEMAP = "sitemap"

#: New articles kept per source for the run's health check: enough for a
#: majority to mean something, few enough that cleaning them takes a second.
HEALTH_SAMPLE = 5
#: Sitemap indexes followed this deep (index -> sitemap -> pages is depth 2).
MAX_SITEMAP_DEPTH = 3


def named_source(name: str | None, sites: str | None = None) -> Source:
    """The configured source called ``name`` (``scrapy crawl source -a source=NAME``).

    ``sites`` is the sites directory (``-a sites=DIR``; default: as the CLI's).
    """
    sources = load_sources(sites_dir(sites))
    if name not in sources:
        raise SourceError(
            f"no source {name!r}: run `scrapy crawl source -a source=NAME` with one of"
            f" {', '.join(sorted(sources))}"
        )
    return sources[name]


class SourceSpider(scrapy.Spider):
    """Crawl one configured source: listings every run, articles once."""

    name = "source"

    def __init__(
        self, source: Source | str | None = None, sites: str | None = None, **kwargs: Any
    ) -> None:
        if not isinstance(source, Source):
            source = named_source(source, sites)
        super().__init__(name=source.name, **kwargs)
        self.source = source
        self.allowed_domains = list(source.allowed_domains)
        self._requested: set[str] = set()
        self._article_links: set[str] = set()
        #: The first ``HEALTH_SAMPLE`` articles fetched, for ``crawler.health``.
        self.health_samples: list[Sample] = []

    async def start(self) -> AsyncIterator[scrapy.Request]:
        for url in self.source.start_urls:
            request = self.listing_request(url, 1)
            if request is not None:
                yield request
        for url in self.source.feeds:
            request = self._start_point(url, FEED, self.parse_feed)
            if request is not None:
                yield request
        for url in self.source.sitemaps:
            request = self._start_point(url, SITEMAP, self.parse_sitemap)
            if request is not None:
                yield request

    def _start_point(
        self, url: str, kind: str, callback: Any, depth: int = 1
    ) -> scrapy.Request | None:
        """A request for a feed or a sitemap (fetched every run, like listings)."""
        if url in self._requested:
            return None
        self._requested.add(url)
        return scrapy.Request(
            url,
            callback=callback,
            errback=self.failed,
            dont_filter=True,
            meta={KIND: kind, SOURCE: self.name, _PAGE: depth},
        )

    # Requests bypass Scrapy's duplicate filter (dont_filter): its memory is kept
    # in JOBDIR, and a request in flight when a crawl is stopped would be
    # remembered as seen yet never answered, so the resumed crawl would never
    # ask for it again. The spider drops repeats within a run instead, the
    # archive drops articles already archived, and a resumed crawl fetches its
    # start pages again to find what was in flight.

    def listing_request(self, url: str, page: int) -> scrapy.Request | None:
        """A request for a listing page, or None if this run asked for it already."""
        if url in self._requested:
            return None
        self._requested.add(url)
        return scrapy.Request(
            url,
            callback=self.parse_listing,
            errback=self.failed,
            dont_filter=True,
            meta={KIND: LISTING, SOURCE: self.name, _PAGE: page},
        )

    def article_request(self, url: str) -> scrapy.Request | None:
        """A request for an article page, or None if this run asked for it already."""
        if url in self._requested:
            return None
        self._requested.add(url)
        return scrapy.Request(
            url,
            callback=self.parse_article,
            errback=self.failed,
            dont_filter=True,
            meta={KIND: ARTICLE, SOURCE: self.name},
        )

    def _count(self, key: str) -> None:
        assert self.crawler.stats is not None
        self.crawler.stats.inc_value(key)

    def _articles(self, urls: Iterable[str]) -> list[scrapy.Request | None]:
        """Requests for the article links of a start point, counted for the health check."""
        requests = []
        for url in urls:
            if url not in self._article_links:
                self._article_links.add(url)
                self._count("sxcrawl/article_links")
            requests.append(self.article_request(url))
        return requests

    def parse_listing(self, response: Response) -> Iterator[scrapy.Request]:
        """Article links of a listing page, and its next listing pages."""
        self._count("sxcrawl/listings_fetched")
        if not isinstance(response, TextResponse):
            logger.warning("listing %s is not a text page, skipped", response.url)
            return
        links = classify_links(self.source, response.url, response.text)
        logger.info(
            "listing %s: %d article links, %d listing links",
            response.url,
            len(links.articles),
            len(links.listings),
        )
        page = int(response.meta.get(_PAGE, 1))
        requests = self._articles(links.articles)
        if page < self.source.max_pages:
            requests += [self.listing_request(url, page + 1) for url in links.listings]
        yield from (r for r in requests if r is not None)

    def parse_feed(self, response: Response) -> Iterator[scrapy.Request]:
        """The article links of an RSS or Atom feed."""
        self._count("sxcrawl/listings_fetched")
        found = feed_links(response.body, response.url)
        articles = [u for u in found if self.source.is_article(u)]
        logger.info(
            "feed %s: %d entries, %d article links", response.url, len(found), len(articles)
        )
        yield from (r for r in self._articles(articles) if r is not None)

    def parse_sitemap(self, response: Response) -> Iterator[scrapy.Request]:
        """The article links of a sitemap, and the sitemaps of a sitemap index."""
        self._count("sxcrawl/listings_fetched")
        found = sitemap_links(response.body, response.url)
        articles = [u for u in found.pages if self.source.is_article(u)]
        children = [u for u in found.sitemaps if self.source.is_allowed(u)]
        logger.info(
            "sitemap %s: %d pages, %d article links, %d sitemaps",
            response.url,
            len(found.pages),
            len(articles),
            len(children),
        )
        requests = self._articles(articles)
        depth = int(response.meta.get(_PAGE, 1))
        if depth < MAX_SITEMAP_DEPTH:
            requests += [
                self._start_point(u, SITEMAP, self.parse_sitemap, depth + 1) for u in children
            ]
        yield from (r for r in requests if r is not None)

    def parse_article(self, response: Response) -> Iterator[RawPage]:
        """The article as received, for the archive."""
        raw = response.meta.get(RAW)
        if raw is None:
            logger.error("article %s: no raw capture (middleware missing?)", response.url)
            self._count("sxcrawl/errors/no_capture")
            return
        self._count("sxcrawl/articles_fetched")
        page = RawPage(
            source=self.source.name,
            url=response.url,
            status=raw["status"],
            protocol=raw["protocol"],
            headers=raw["headers"],
            body=raw["body"],
            fetched_at=raw["fetched_at"],
            request_method=raw["request_method"],
            request_headers=raw["request_headers"],
            redirected_from=tuple(response.meta.get("redirect_urls", ())),
        )
        if len(self.health_samples) < HEALTH_SAMPLE:
            # The body as Scrapy decoded its Content-Encoding: what cleaning reads.
            sample = Sample(response.url, page.header("Content-Type"), response.body)
            self.health_samples.append(sample)
        yield page

    def failed(self, failure: Failure) -> None:
        """Log and count a request that did not give a page."""
        request = failure.request  # type: ignore[attr-defined]
        kind = request.meta.get(KIND, "request")
        error = failure.value
        if isinstance(error, AlreadyArchived):
            return
        if isinstance(error, HttpError):
            status = error.response.status
            logger.warning("%s %s: HTTP %d, not archived", kind, request.url, status)
            self._count(f"sxcrawl/errors/http_{status}")
        elif isinstance(error, IgnoreRequest):
            logger.info("%s %s: skipped (%s)", kind, request.url, error)
            self._count("sxcrawl/ignored")
        else:
            logger.warning("%s %s failed: %s", kind, request.url, failure.getErrorMessage())
            self._count(f"sxcrawl/errors/{type(error).__name__}")
