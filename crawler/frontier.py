"""The shared crawl frontier: many crawler processes, on any hosts, one queue in Redis.

``python -m crawler crawl --redis redis://HOST:PORT/DB`` (or ``SXCRAWL_REDIS_URL``)
runs each source's spider on scrapy-redis's scheduler and duplicate filter, so
every process that crawls a source through the same Redis takes its requests
from one queue. What the single-host crawl guarantees holds across them all
(``docs/scaling.md``):

- **Listings every run, articles once ever.** New requests go through the run's
  shared duplicate filter (scrapy-redis ``RFPDupeFilter``), so each listing page
  is fetched once per run by one of the processes; the last process to finish a
  run clears it, so the next run fetches the listings again. Which articles are
  archived lives in Redis too (``crawler.shared``).
- **Leases: a killed process loses nothing.** Popping a request moves it, in one
  atomic step, from the queue to the popping process's *leased* hash, where it
  stays until the process is done with it: its response archived and its links
  queued (the engine then lets go of the request), or a retry or redirect
  of it queued in its place. Each process
  renews a liveness key every third of ``SXCRAWL_REDIS_LEASE``. A process that
  finds another's key expired (killed, even by SIGKILL, or its host gone)
  finishes the WARC files the dead one left open, records the articles they
  hold, and puts the dead one's leased requests back in the queue.
- **A run ends when the frontier is empty**: no queued request and no leased
  one. Until then an idle process keeps waiting (another's listing may still
  give articles, a dead one's lease may still expire) instead of finishing.

The Redis side (keys, atomic scripts, take-over) is ``crawler.frontierstate``;
per-host politeness across processes is ``crawler.hostslot``. Redis keys (all
under ``SXCRAWL_REDIS_PREFIX``, ``sxcorpus``; ``S`` is the source)::

    {p}:S:queue            ZSET  queued requests (scrapy-redis PriorityQueue format)
    {p}:S:seen             SET   request fingerprints of the current run
    {p}:S:workers          SET   processes that may hold leased requests
    {p}:S:alive:W          STR   present while process W lives (expires after the lease)
    {p}:S:leased:W         HASH  token -> "score\\n" + request, popped and not finished by W
    {p}:S:pending:W        SET   article URLs W is writing to its WARC file
    {p}:S:recovering:W     STR   held by the process taking over dead W's work
    {p}:archived           HASH  article URL -> WARC file (``pending:W`` while being written)
    {p}:host:H             STR   host H's politeness slot (``crawler.hostslot``)

A process's name ``W`` is ``<start time>-<host>-<pid>``; its WARC files are
``<source>-W-<seq>.warc.gz``, so a dead process's open files are found by name.
"""

from __future__ import annotations

import asyncio
import logging
import time
import weakref
from collections.abc import Collection
from typing import TYPE_CHECKING, Any

import redis
from scrapy_redis.dupefilter import RFPDupeFilter
from scrapy_redis.queue import PriorityQueue
from scrapy_redis.scheduler import Scheduler

from crawler.frontierstate import LEASE, Frontier

if TYPE_CHECKING:
    from scrapy import Request, Spider
    from scrapy.crawler import Crawler
    from scrapy.settings import Settings

logger = logging.getLogger(__name__)

#: Seconds a queue found empty is taken as empty, unless this process queues
#: something: the engine asks after every response, and requests queued by
#: other processes can wait that long (a Redis round trip a page saved).
EMPTY_RECHECK_SECONDS = 0.05


class LeasedQueue(PriorityQueue):  # type: ignore[misc]
    """scrapy-redis's priority queue; pops go through the frontier's leases."""

    def push_replacing(self, request: Request, lease: str | None, leased_key: str) -> None:
        """Queue ``request``; if it replaces a leased one (retry, redirect), end that lease.

        Both in one transaction: a kill between them neither loses nor doubles it.
        """
        pipe = self.server.pipeline()
        pipe.execute_command("ZADD", self.key, -request.priority, self._encode_request(request))
        if lease is not None:
            pipe.hdel(leased_key, lease)
        pipe.execute()


class FrontierScheduler(Scheduler):  # type: ignore[misc]
    """scrapy-redis's scheduler on the shared frontier: leases, run-wide filter, no early exit.

    - Every new request (from the spider) goes through the run's shared
      duplicate filter, whatever its ``dont_filter``: the spider sets that flag
      against Scrapy's JOBDIR filter, which would forget requests in flight at
      a stop; here a request in flight is leased and never forgotten.
    - A request that carries a lease (a retry or redirect of a popped one)
      replaces it in the queue without a filter check.
    - The crawl is not idle while other processes hold leased requests: their
      listings may still queue articles, and their lease may expire.
    """

    def __init__(self, frontier: Frontier, crawler: Crawler) -> None:
        dupefilter = RFPDupeFilter(frontier.server, key=frontier.key("seen"))
        super().__init__(
            frontier.server,
            persist=True,
            queue_key=frontier.key("queue"),
            queue_cls="crawler.frontier.LeasedQueue",
            dupefilter=dupefilter,
            dupefilter_key=frontier.key("seen"),
        )
        self.frontier = frontier
        self.crawler = crawler
        self.stats = crawler.stats
        self._failed = False
        # Requests popped and not yet acked, by lease token.
        self._leased: dict[str, weakref.ref[Request]] = {}
        # When the queue was last found empty, and nothing queued here since.
        self._empty_at: float | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> FrontierScheduler:
        return cls(Frontier.for_crawler(crawler), crawler)

    def open(self, spider: Spider) -> None:
        self.spider = spider
        self.queue = LeasedQueue(self.server, spider, self.queue_key)
        self.frontier.open()
        queued = len(self.queue)
        if queued:
            logger.info(
                "joining a crawl of %s in progress (%d requests queued)", spider.name, queued
            )

    def close(self, reason: str) -> None:
        self.frontier.close()
        if self.stats is not None:
            for key, value in self.frontier.stats.items():
                self.stats.set_value(key, value)
            self.stats.set_value("sxcrawl/frontier/process", self.frontier.name)

    def enqueue_request(self, request: Request) -> bool:
        lease = request.meta.pop(LEASE, None)
        try:
            if lease is None and self.df.request_seen(request):
                self.df.log(request, self.spider)
                return False
            self.queue.push_replacing(
                request, lease, self.frontier.key("leased", self.frontier.name)
            )
        except redis.RedisError as exc:
            self._unavailable(exc)
            return False
        self._empty_at = None
        if self.stats is not None:
            self.stats.inc_value("scheduler/enqueued/redis")
        return True

    def next_request(self) -> Request | None:
        now = time.monotonic()
        if self._empty_at is not None and now - self._empty_at < EMPTY_RECHECK_SECONDS:
            return None
        try:
            self._ack_finished()
            request = self.frontier.pop(self.queue)
        except redis.RedisError as exc:
            self._unavailable(exc)
            return None
        if request is None:
            self._empty_at = now
            return None
        self._empty_at = None
        token = request.meta[LEASE]
        if _in_progress(self.crawler) is None:
            # No view of the engine's requests: ack when the request is freed.
            finalizer = weakref.finalize(request, self.frontier.ack, token)
            finalizer.atexit = False  # type: ignore[misc]  # typeshed lacks the attribute
        else:
            self._leased[token] = weakref.ref(request)
        if self.stats is not None:
            self.stats.inc_value("scheduler/dequeued/redis")
        return request

    def _ack_finished(self) -> None:
        """Ack the popped requests the engine is done with (response handled, items archived).

        The engine holds a request in its in-progress set from download to the
        end of its callback's output (items through the pipelines, requests
        queued); the scheduler is asked for the next request right after.
        """
        in_progress = _in_progress(self.crawler)
        if in_progress is None or not self._leased:
            return
        done = []
        for token, ref in self._leased.items():
            request = ref()
            if request is None or request not in in_progress:
                done.append(token)
        for token in done:
            del self._leased[token]
        self.frontier.ack(*done)

    def has_pending_requests(self) -> bool:
        try:
            self._ack_finished()
            outstanding = self.frontier.outstanding()
        except redis.RedisError as exc:
            self._unavailable(exc)
            return False
        if outstanding:
            # Scrapy asks an idle scheduler again only every few seconds: ask
            # sooner, so work queued or re-queued by others is taken up.
            queued = len(self.queue) > 0
            _wake_soon(self.crawler, EMPTY_RECHECK_SECONDS if queued else self.frontier.lease / 3)
        return outstanding > 0

    def __len__(self) -> int:
        try:
            return len(self.queue)
        except redis.RedisError:
            return 0

    def _unavailable(self, exc: Exception) -> None:
        """Redis failed: stop this crawl (its queue and leases stay in Redis)."""
        if self._failed:
            return
        self._failed = True
        logger.error("the shared frontier's Redis failed (%s): stopping this crawl", exc)
        engine = self.crawler.engine
        if engine is not None:
            _schedule(engine.close_spider_async(reason="redis-unavailable"))


def _in_progress(crawler: Crawler) -> Collection[Request] | None:
    """The requests the engine is downloading or handling, if it lets us see them.

    Scrapy has no signal for "done with this request"; its engine slot's
    ``inprogress`` set is that state (a request leaves it after its callback's
    output is processed). Without it, leases are acked when requests are freed.
    """
    slot = getattr(crawler.engine, "_slot", None)
    in_progress = getattr(slot, "inprogress", None)
    return in_progress if isinstance(in_progress, set) else None


def _wake_soon(crawler: Crawler, seconds: float) -> None:
    """Have the engine ask its scheduler for requests again in ``seconds``."""
    slot = getattr(crawler.engine, "_slot", None)
    nextcall = getattr(slot, "nextcall", None)
    if nextcall is not None:
        nextcall.schedule(seconds)


# Tasks scheduled and not yet done (asyncio keeps only weak references to them).
_TASKS: set[asyncio.Future[Any]] = set()


def _schedule(coro: Any) -> None:
    future = asyncio.ensure_future(coro)
    _TASKS.add(future)
    future.add_done_callback(_TASKS.discard)


def configure(settings: Settings, url: str, source: str) -> None:
    """Switch the settings of ``source``'s crawler to the shared frontier at Redis ``url``."""
    settings.set("SXCRAWL_REDIS_URL", url, priority="cmdline")
    # The frontier's keys are per source, and its parts are built before the spider.
    settings.set("SXCRAWL_FRONTIER_SOURCE", source, priority="cmdline")
    settings.set("SCHEDULER", "crawler.frontier.FrontierScheduler", priority="cmdline")
    # The queue lives in Redis: no JOBDIR (and so no on-disk duplicate filter).
    settings.set("JOBDIR", None, priority="cmdline")
    # The delay between two requests to a host holds across processes: the
    # shared host slot keeps it (crawler.hostslot), not each process's own.
    settings.set("SXCRAWL_HOST_DELAY", settings.getfloat("DOWNLOAD_DELAY"), priority="cmdline")
    settings.set("DOWNLOAD_DELAY", 0, priority="cmdline")
    extensions = settings.getdict("EXTENSIONS")
    extensions.update(
        {"crawler.extensions.ArchivedState": None, "crawler.shared.SharedArchivedState": 0}
    )
    settings.set("EXTENSIONS", extensions, priority="cmdline")
    middlewares = settings.getdict("DOWNLOADER_MIDDLEWARES")
    # Nearest the download handler: the slot is held only while on the wire.
    middlewares["crawler.hostslot.HostSlotMiddleware"] = 960
    settings.set("DOWNLOADER_MIDDLEWARES", middlewares, priority="cmdline")
    pipelines = settings.getdict("ITEM_PIPELINES")
    pipelines.update(
        {"crawler.pipelines.WarcPipeline": None, "crawler.shared.SharedWarcPipeline": 300}
    )
    settings.set("ITEM_PIPELINES", pipelines, priority="cmdline")
