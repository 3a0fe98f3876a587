"""The archive's side of the shared frontier: which articles are archived lives in Redis.

With ``crawl --redis`` (``crawler.frontier``) these replace the single-host
components in each crawler's settings:

- ``SharedArchivedArticlesMiddleware``: drops article requests whose URL any
  process archived already (Redis hash ``{p}:archived`` instead of
  ``data/state/archived.sqlite3``), or is archiving now;
- ``SharedWarcPipeline``: writes this process's own WARC files, named
  ``<source>-<start>-<host>-<pid>-<seq>.warc.gz``, and claims an article's URL
  in Redis before writing it, so two processes that fetched the same article
  (a redirect and a direct link) archive it once. The URL is recorded as
  archived right after its records are written; a process killed in between
  leaves a claim that the process taking over its work resolves from the WARC
  file it left (``Frontier._take_over``).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from scrapy.exceptions import DropItem, NotConfigured

from crawler.frontierstate import Frontier
from crawler.items import RawPage
from crawler.middlewares import ArchivedArticlesMiddleware
from crawler.pipelines import WarcPipeline, warcinfo
from crawler.warc import WarcArchive

if TYPE_CHECKING:
    from scrapy.crawler import Crawler
    from scrapy.statscollectors import StatsCollector

logger = logging.getLogger(__name__)


class SharedArchivedStore:
    """``crawler.state.ArchivedStore``'s interface on the frontier's Redis hash."""

    def __init__(self, frontier: Frontier, source: str) -> None:
        self.frontier = frontier
        self.source = source

    def seen(self, url: str) -> bool:
        """Whether ``url`` is archived, or being archived by a process now."""
        return self.frontier.archived(url)

    def add(self, urls: Iterable[str], source: str, warc_file: str) -> None:
        """Record ``urls`` as archived in ``warc_file``."""
        self.frontier.record(urls, warc_file or "(redirect)")

    def close(self) -> None:
        """Nothing to close: the frontier owns the connection."""


class SharedArchivedArticlesMiddleware(ArchivedArticlesMiddleware):
    """Skip article requests for URLs any process of the crawl archived."""

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> SharedArchivedArticlesMiddleware:
        if crawler.settings.getbool("SXCRAWL_FULL"):
            raise NotConfigured
        frontier = Frontier.for_crawler(crawler)
        assert crawler.stats is not None
        store = SharedArchivedStore(frontier, frontier.source)
        return cls(store, crawler.stats)  # type: ignore[arg-type]


class SharedWarcPipeline(WarcPipeline):
    """The WARC pipeline of one process of a shared crawl (see the module doc)."""

    def __init__(
        self,
        archive: WarcArchive,
        frontier: Frontier,
        stats: StatsCollector,
        full: bool,
    ) -> None:
        store = SharedArchivedStore(frontier, frontier.source)
        super().__init__(archive, store, stats, full)  # type: ignore[arg-type]
        self.frontier = frontier

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> SharedWarcPipeline:
        settings = crawler.settings
        frontier = Frontier.for_crawler(crawler)
        archive = WarcArchive(
            Path(settings.get("SXCRAWL_RAW_DIR")) / frontier.source,
            frontier.source,
            frontier.started,
            settings.getint("SXCRAWL_WARC_MAX_BYTES"),
            warcinfo(settings),
            tag=f"{frontier.host}-{frontier.pid}",
        )
        assert crawler.stats is not None
        return cls(archive, frontier, crawler.stats, settings.getbool("SXCRAWL_FULL"))

    def process_item(self, item: object) -> object:
        if not isinstance(item, RawPage) or item.url in self._this_run:
            return super().process_item(item)
        if not self.frontier.claim(item.url, self.full):
            # Another process archived it or is archiving it now.
            self.stats.inc_value("sxcrawl/articles_duplicate")
            raise DropItem("already-archived", log_level="INFO")
        try:
            return super().process_item(item)
        except DropItem:
            self.frontier.unclaim(item.url)
            raise
