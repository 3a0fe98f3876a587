"""The request queue of a resumable crawl (Scrapy ``JOBDIR``): in memory, saved when stopped.

With ``JOBDIR`` set, Scrapy pickles every request to a disk queue as it is
scheduled and reads it back to send it, so that a crawl stopped with SIGTERM
or Ctrl-C can resume. It also closes a per-priority disk queue each time it
runs empty, and queuelib then rewrites the queue's state file and deletes
its directory, to create them again for the next request. A crawl that
downloads as fast as it discovers pages empties its queue after nearly every
request: in ``make bench`` that cost a third of crawl throughput.

``SavedOnCloseQueue`` keeps the requests in memory while the crawl runs and
writes the ones still queued to Scrapy's own disk queue when it is closed
(the graceful stop of SIGTERM or Ctrl-C closes every queue); a resumed crawl
reads them back. What a kill -9 loses is only the queue, which the next
crawl finds again from its start pages (listings are fetched every run and
archived articles are skipped).
"""

from __future__ import annotations

import logging
from collections import deque
from pathlib import Path
from typing import TYPE_CHECKING

from queuelib.queue import BaseQueue
from scrapy.squeues import PickleFifoDiskQueue

if TYPE_CHECKING:
    from scrapy import Request
    from scrapy.crawler import Crawler

logger = logging.getLogger(__name__)


def _disk_queue(crawler: Crawler, key: str) -> BaseQueue:
    """Scrapy's pickling FIFO disk queue at ``key``."""
    # Scrapy builds the class at import time; its type says BaseQueue, which
    # has no from_crawler, although the class built does.
    saved: BaseQueue = PickleFifoDiskQueue.from_crawler(crawler, key)  # type: ignore[attr-defined]
    return saved


class SavedOnCloseQueue:
    """A FIFO of requests, loaded from and saved to a Scrapy disk queue at ``key``."""

    def __init__(self, crawler: Crawler, key: str) -> None:
        self.crawler = crawler
        self.key = key
        self._requests: deque[Request] = deque()
        if Path(key).exists():
            saved = _disk_queue(crawler, key)
            while (request := saved.pop()) is not None:
                self._requests.append(request)
            saved.close()

    @classmethod
    def from_crawler(cls, crawler: Crawler, key: str) -> SavedOnCloseQueue:
        return cls(crawler, key)

    def push(self, request: Request) -> None:
        self._requests.append(request)

    def pop(self) -> Request | None:
        return self._requests.popleft() if self._requests else None

    def peek(self) -> Request | None:
        return self._requests[0] if self._requests else None

    def close(self) -> None:
        """Save the requests still queued (none: nothing is written)."""
        if not self._requests:
            return
        saved = _disk_queue(self.crawler, self.key)
        for request in self._requests:
            try:
                saved.push(request)
            except ValueError as exc:
                logger.warning("cannot save queued request %s: %s", request.url, exc)
        saved.close()
        logger.info("saved %d queued requests to %s", len(self._requests), self.key)

    def __len__(self) -> int:
        return len(self._requests)
