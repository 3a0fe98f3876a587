"""The WARC pipeline: every article the spider fetched goes into the raw archive.

``WarcPipeline`` writes each ``RawPage`` as a request/response record pair
(``crawler.warc``) and then records its URL (and the URLs redirected to it) as
archived (``crawler.state``), in that order. An article is archived whole or
not at all, and the store agrees with the archive:

- a write that fails part-way (disk full, file too large, an I/O error) is
  taken back by the archive, so the file ends with whole records;
- when the URL cannot be recorded after its records were written (the state
  file's disk full), the records are taken back too;
- a crash between the two leaves the file open (``*.open``): the next crawl
  cuts it after its last whole record pair and brings the store in line with
  it (``crawler.cli``, ``ArchivedStore.reconcile``).

An article that cannot be archived is dropped with reason ``archive-error``,
logged and counted, and (``SXCRAWL_STOP_ON_ARCHIVE_ERROR``, the default) the
crawl stops: the pages it would fetch next could not be archived either. Its
queue is kept for the next run, which finds the dropped article again on its
listing page; the run ends as failed (status 1).
"""

from __future__ import annotations

import datetime as dt
import logging
import sqlite3
from pathlib import Path
from typing import TYPE_CHECKING, Any

from scrapy.exceptions import DropItem
from scrapy.utils.defer import deferred_from_coro

from crawler.extensions import ArchivedState
from crawler.items import RawPage
from crawler.warc import WarcArchive
from sxcorpus import __version__

if TYPE_CHECKING:
    from scrapy.crawler import Crawler
    from scrapy.statscollectors import StatsCollector

logger = logging.getLogger(__name__)

#: The finish reason of a crawl stopped because an article could not be archived.
ARCHIVE_ERROR = "archive_error"


class WarcPipeline:
    """Archive ``RawPage`` items into the source's WARC files."""

    def __init__(self, crawler: Crawler, state: ArchivedState, stats: StatsCollector) -> None:
        self.crawler = crawler
        self.state = state
        self.stats = stats
        settings = crawler.settings
        self.raw_dir = Path(settings["SXCRAWL_RAW_DIR"])
        self.max_bytes = settings.getint("SXCRAWL_WARC_MAX_BYTES")
        self.stop_on_error = settings.getbool("SXCRAWL_STOP_ON_ARCHIVE_ERROR")
        self.info = {
            "software": f"sxcorpus-crawler/{__version__} (Scrapy)",
            "format": "WARC File Format 1.1",
            "http-header-user-agent": str(settings.get("USER_AGENT")),
            "robots": "obey" if settings.getbool("ROBOTSTXT_OBEY") else "ignore",
        }
        self.archive: WarcArchive | None = None
        self._this_run: set[str] = set()
        self._stopping: Any = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> WarcPipeline:
        assert crawler.stats is not None
        return cls(crawler, ArchivedState.of(crawler), crawler.stats)

    def open_spider(self) -> None:
        spider = self.crawler.spider
        assert spider is not None
        source = spider.name
        self.archive = WarcArchive(
            self.raw_dir / source, source, dt.datetime.now(dt.UTC), self.max_bytes, self.info
        )

    def process_item(self, item: object) -> object:
        if not isinstance(item, RawPage):
            return item
        assert self.archive is not None
        if item.url in self._this_run:
            # Fetched twice in this run (a redirect and a direct link, or a
            # resumed crawl's queue and its listings again): keep the first.
            # Articles archived by earlier runs never get this far: the
            # ArchivedArticlesMiddleware drops their requests.
            self.stats.inc_value("sxcrawl/articles_duplicate")
            raise DropItem("already-archived", log_level="INFO")
        try:
            name = self.archive.write(item)
        except OSError as exc:
            self._failed(item, f"cannot write to the archive: {exc}")
            raise DropItem("archive-error") from exc
        try:
            self.state.store.add([item.url, *item.redirected_from], item.source, name)
        except sqlite3.Error as exc:
            # Not recorded, so not archived either: the next crawl fetches it again.
            try:
                self.archive.undo_last()
            except OSError as undo_exc:
                logger.error("cannot take back %s from %s: %s", item.url, name, undo_exc)
            self._failed(item, f"cannot record it in {self.state.path}: {exc}")
            raise DropItem("archive-error") from exc
        self._this_run.add(item.url)
        self.stats.inc_value("sxcrawl/articles_new")
        self.stats.inc_value("sxcrawl/archived_bytes", len(item.body))
        logger.debug("archived %s in %s", item.url, name)
        return item

    def _failed(self, item: RawPage, why: str) -> None:
        logger.error("article %s not archived: %s", item.url, why)
        self.stats.inc_value("sxcrawl/archive_errors")
        # (Crawler.engine raises before the crawl starts; _engine is None then.)
        engine = self.crawler._engine
        if self.stop_on_error and self._stopping is None and engine is not None:
            logger.error(
                "stopping the crawl of %s: articles cannot be archived (disk full?);"
                " its queue is kept, run again when the archive can be written",
                item.source,
            )
            self._stopping = deferred_from_coro(engine.close_spider_async(reason=ARCHIVE_ERROR))

    def close_spider(self) -> None:
        if self.archive is None:
            return
        try:
            self.archive.close()
        except OSError as exc:
            # Left as *.open: the next crawl cuts it after its last whole pair.
            logger.error("cannot close the WARC file of %s: %s", self.archive.source, exc)
            self.stats.inc_value("sxcrawl/archive_errors")
