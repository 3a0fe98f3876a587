"""The WARC pipeline: every article the spider fetched goes into the raw archive.

``WarcPipeline`` writes each ``RawPage`` as a request/response record pair
(``crawler.warc``) and then records its URL (and the URLs redirected to it) as
archived (``crawler.state``), in that order: a crash between the two archives
an article twice on the next run, never loses one. An article that cannot be
written (disk full, permissions) is dropped with reason ``archive-error``,
logged and counted; the crawl then ends as failed.
"""

from __future__ import annotations

import datetime as dt
import logging
from pathlib import Path
from typing import TYPE_CHECKING

from scrapy.exceptions import DropItem, NotConfigured

from crawler.items import RawPage
from crawler.state import ArchivedStore
from crawler.warc import WarcArchive

if TYPE_CHECKING:
    from scrapy.crawler import Crawler
    from scrapy.settings import BaseSettings
    from scrapy.statscollectors import StatsCollector

logger = logging.getLogger(__name__)


def warcinfo(settings: BaseSettings) -> dict[str, str]:
    """The fields of each WARC file's ``warcinfo`` record for a crawl with ``settings``."""
    return {
        "software": "sxcorpus-crawler/0.1 (Scrapy)",
        "format": "WARC File Format 1.1",
        "http-header-user-agent": str(settings.get("USER_AGENT")),
        "robots": "obey" if settings.getbool("ROBOTSTXT_OBEY") else "ignore",
    }


class WarcPipeline:
    """Archive ``RawPage`` items into the source's WARC files."""

    def __init__(
        self, archive: WarcArchive, store: ArchivedStore, stats: StatsCollector, full: bool
    ) -> None:
        self.archive = archive
        self.store = store
        self.stats = stats
        self.full = full
        self._this_run: set[str] = set()

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> WarcPipeline:
        settings = crawler.settings
        source = settings.get("SXCRAWL_SOURCE")
        if not source:
            raise NotConfigured("no SXCRAWL_SOURCE: nothing to archive for")
        archive = WarcArchive(
            Path(settings.get("SXCRAWL_RAW_DIR")) / source,
            source,
            dt.datetime.now(dt.UTC),
            settings.getint("SXCRAWL_WARC_MAX_BYTES"),
            warcinfo(settings),
        )
        assert crawler.stats is not None
        store = ArchivedStore(Path(settings.get("SXCRAWL_STATE_FILE")))
        return cls(archive, store, crawler.stats, settings.getbool("SXCRAWL_FULL"))

    def process_item(self, item: object) -> object:
        if not isinstance(item, RawPage):
            return item
        if item.url in self._this_run:
            # Fetched twice in this run (a redirect and a direct link, or a
            # resumed crawl's queue and its listings again): keep the first.
            # Articles archived by earlier runs never get this far: the
            # ArchivedArticlesMiddleware drops their requests.
            self.stats.inc_value("sxcrawl/articles_duplicate")
            raise DropItem("already-archived", log_level="INFO")
        self._this_run.add(item.url)
        try:
            name = self.archive.write(item)
        except OSError as exc:
            logger.error("cannot archive %s: %s", item.url, exc)
            self.stats.inc_value("sxcrawl/archive_errors")
            raise DropItem("archive-error") from exc
        self.store.add([item.url, *item.redirected_from], item.source, name)
        self.stats.inc_value("sxcrawl/articles_new")
        self.stats.inc_value("sxcrawl/archived_bytes", len(item.body))
        logger.debug("archived %s in %s", item.url, name)
        return item

    def close_spider(self) -> None:
        self.archive.close()
        self.store.close()
