"""The archive's side of the shared frontier: which articles are archived lives in Redis.

With ``crawl --redis`` (``crawler.frontier``) these replace the single-host
components in each crawler's settings:

- ``SharedArchivedState``: the crawl's archived-articles store is the Redis
  hash ``{p}:archived`` instead of ``data/state/archived.sqlite3``, so the
  ``ArchivedArticlesMiddleware`` drops an article request whose URL any
  process archived already (or is archiving now);
- ``SharedWarcPipeline``: writes this process's own WARC files, named
  ``<source>-<start>-<host>-<pid>-<seq>.warc.gz``, and claims an article's URL
  in Redis before writing it, so two processes that fetched the same article
  (a redirect and a direct link) archive it once. The URL is recorded as
  archived right after its records are written; a process killed in between
  leaves a claim that the process taking over its work resolves from the WARC
  file it left (``crawler.frontierstate``).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from scrapy.exceptions import DropItem

from crawler.extensions import ArchivedState
from crawler.frontierstate import Frontier
from crawler.items import RawPage
from crawler.pipelines import WarcPipeline
from crawler.warc import WarcArchive

if TYPE_CHECKING:
    from scrapy.crawler import Crawler

logger = logging.getLogger(__name__)


class SharedArchivedStore:
    """``crawler.state.ArchivedStore``'s reading and recording, on the frontier's Redis hash."""

    def __init__(self, frontier: Frontier) -> None:
        self.frontier = frontier

    def seen(self, url: str) -> bool:
        """Whether ``url`` is archived, or being archived by a process now."""
        return self.frontier.archived(url)

    def add(self, urls: Iterable[str], source: str, warc_file: str) -> None:
        """Record ``urls`` as archived in ``warc_file`` ("" for an old URL that redirects)."""
        self.frontier.record(urls, warc_file or "(redirect)")

    def close(self) -> None:
        """Nothing to close: the frontier owns the connection."""


class SharedArchivedState(ArchivedState):
    """The crawl's archived-articles store, in Redis (``ArchivedState.of`` finds it)."""

    def __init__(self, frontier: Frontier) -> None:
        super().__init__(Path(f"redis:{frontier.archived_key}"))
        self._shared = SharedArchivedStore(frontier)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> SharedArchivedState:
        return cls(Frontier.for_crawler(crawler))

    @property
    def store(self) -> SharedArchivedStore:  # type: ignore[override]
        return self._shared

    @property
    def is_open(self) -> bool:
        return True


class SharedWarcPipeline(WarcPipeline):
    """The WARC pipeline of one process of a shared crawl (see the module doc)."""

    def __init__(self, crawler: Crawler, frontier: Frontier) -> None:
        assert crawler.stats is not None
        super().__init__(crawler, ArchivedState.of(crawler), crawler.stats)
        self.frontier = frontier
        self.full = crawler.settings.getbool("SXCRAWL_FULL")

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> SharedWarcPipeline:
        return cls(crawler, Frontier.for_crawler(crawler))

    def open_spider(self) -> None:
        source = self.frontier.source
        self.archive = WarcArchive(
            self.raw_dir / source,
            source,
            self.frontier.started,
            self.max_bytes,
            self.info,
            tag=f"{self.frontier.host}-{self.frontier.pid}",
        )

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
