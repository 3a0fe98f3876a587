"""Scrapy extensions of the crawl.

``ArchivedState`` owns the crawl's one connection to the archived-articles
store (``crawler.state.ArchivedStore``): it opens it when the spider opens
and closes it when the spider closes. The middleware that skips archived
articles and the WARC pipeline that records new ones both use it, through
``ArchivedState.of(crawler)``.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING

from scrapy import signals

from crawler.state import ArchivedStore

if TYPE_CHECKING:
    from scrapy.crawler import Crawler

logger = logging.getLogger(__name__)


class ArchivedState:
    """The archived-articles store of one crawl, open from spider open to spider close."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._store: ArchivedStore | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ArchivedState:
        state = cls(Path(crawler.settings["SXCRAWL_STATE_FILE"]))
        crawler.signals.connect(state.open, signal=signals.spider_opened)
        crawler.signals.connect(state.close, signal=signals.spider_closed)
        return state

    @classmethod
    def of(cls, crawler: Crawler) -> ArchivedState:
        """The crawler's instance (enabled in ``EXTENSIONS``; the crawl needs it)."""
        state = crawler.get_extension(cls)
        if state is None:
            raise RuntimeError(
                "the extension crawler.extensions.ArchivedState is disabled:"
                " the crawl cannot tell archived articles from new ones"
            )
        return state

    @property
    def store(self) -> ArchivedStore:
        """The open store (between spider open and spider close)."""
        if self._store is None:
            raise RuntimeError(f"the archived-articles store {self.path} is not open")
        return self._store

    @property
    def is_open(self) -> bool:
        return self._store is not None

    def open(self) -> None:
        if self._store is None:
            self._store = ArchivedStore(self.path)
            logger.debug("opened %s", self.path)

    def close(self) -> None:
        if self._store is not None:
            self._store.close()
            self._store = None
            logger.debug("closed %s", self.path)
