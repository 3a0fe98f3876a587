"""The shared crawl frontier's state in Redis, as one crawler process sees it.

``Frontier`` holds one source's keys for this process (see ``crawler.frontier``
for what they mean), the atomic Lua scripts that move requests between the
queue and the processes' leases, the process's heartbeat, and the take-over of
a dead process's work: its open WARC files finished, the articles in them
recorded as archived, its claims dropped, its leased requests queued again.
"""

from __future__ import annotations

import datetime as dt
import itertools
import logging
import os
import re
import socket
import time
import weakref
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

import redis
from twisted.internet import task
from warcio.archiveiterator import ArchiveIterator

from crawler.warc import OPEN_SUFFIX, recover_open_file

if TYPE_CHECKING:
    from scrapy import Request
    from scrapy.crawler import Crawler
    from scrapy_redis.queue import Base as RedisQueue  # the queue's (de)serializer

logger = logging.getLogger(__name__)

#: Request meta key: the lease token of a request popped from the frontier.
LEASE = "sxcrawl_lease"

#: What ``{p}:archived`` holds for a URL while a process writes it (then the file).
PENDING = "pending:"

# Seconds Redis may take to answer before a call fails (the process then stops
# with "redis-unavailable"); the connect timeout is shorter so a Redis that is
# down is reported at once.
_SOCKET_TIMEOUT = 30.0
_CONNECT_TIMEOUT = 5.0

# Pop the first request of the queue into the popper's leased hash, atomically.
# KEYS: queue, leased hash. ARGV: token.
_POP = """
local r = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
if #r == 0 then return false end
redis.call('ZREM', KEYS[1], r[1])
redis.call('HSET', KEYS[2], ARGV[1], r[2] .. '\\n' .. r[1])
return r[1]
"""

# Processes registered but no longer alive (their liveness key expired).
# KEYS: workers. ARGV: alive-key prefix, this process.
_DEAD = """
local dead = {}
for _, w in ipairs(redis.call('SMEMBERS', KEYS[1])) do
  if w ~= ARGV[2] and redis.call('EXISTS', ARGV[1] .. w) == 0 then dead[#dead + 1] = w end
end
return dead
"""

# Put a dead process's leased requests back in the queue and forget it.
# KEYS: queue, its leased hash, workers. ARGV: its name.
_REQUEUE = """
local values = redis.call('HVALS', KEYS[2])
for _, v in ipairs(values) do
  local i = string.find(v, '\\n', 1, true)
  redis.call('ZADD', KEYS[1], string.sub(v, 1, i - 1), string.sub(v, i + 1))
end
redis.call('DEL', KEYS[2])
redis.call('SREM', KEYS[3], ARGV[1])
return #values
"""

# Requests queued or leased by other processes: work this run still has.
# KEYS: queue, workers. ARGV: leased-key prefix, this process.
_OUTSTANDING = """
local n = redis.call('ZCARD', KEYS[1])
for _, w in ipairs(redis.call('SMEMBERS', KEYS[2])) do
  if w ~= ARGV[2] then n = n + redis.call('HLEN', ARGV[1] .. w) end
end
return n
"""

# End the run if the frontier is empty: forget the run's seen requests.
# KEYS: queue, workers, seen. ARGV: leased-key prefix.
_END_RUN = """
if redis.call('ZCARD', KEYS[1]) > 0 then return 0 end
for _, w in ipairs(redis.call('SMEMBERS', KEYS[2])) do
  if redis.call('HLEN', ARGV[1] .. w) > 0 then return 0 end
end
redis.call('DEL', KEYS[3])
return 1
"""

# Claim an article URL before writing it: refused if archived (unless a full
# crawl) or being written by another process. KEYS: archived, pending set.
# ARGV: url, "pending:" + this process, "1" for a full crawl.
_CLAIM = """
local v = redis.call('HGET', KEYS[1], ARGV[1])
if v and (ARGV[3] ~= '1' or string.sub(v, 1, 8) == 'pending:') then return 0 end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
redis.call('SADD', KEYS[2], ARGV[1])
return 1
"""

# Drop the claims a process holds (it died, or its write failed).
# KEYS: archived, pending set. ARGV: "pending:" + the process, URLs (none: all).
_UNCLAIM = """
local urls = ARGV
if #ARGV == 1 then urls = redis.call('SMEMBERS', KEYS[2]) else table.remove(urls, 1) end
for _, u in ipairs(urls) do
  if redis.call('HGET', KEYS[1], u) == ARGV[1] then redis.call('HDEL', KEYS[1], u) end
  redis.call('SREM', KEYS[2], u)
end
return #urls
"""


# Renew a host slot's expiry if this process still holds it. KEYS: slot. ARGV: token, ms.
_RENEW_IF_HELD = """
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return 0
"""


class FrontierUnavailable(RuntimeError):
    """Redis did not answer: the crawl cannot go on (its state is safe in Redis)."""


def host_name() -> str:
    """This host's name as it goes into process names and WARC file names."""
    return re.sub(r"[^A-Za-z0-9.-]+", "_", socket.gethostname()) or "host"


def writer_of(file_name: str, source: str) -> str | None:
    """The process name ``W`` in ``<source>-W-<seq>.warc.gz[.open]``, or None if untagged.

    >>> writer_of("finews-20250101T000000Z-crawl-2.lan-4711-00003.warc.gz.open", "finews")
    '20250101T000000Z-crawl-2.lan-4711'
    >>> writer_of("finews-20250101T000000Z-00003.warc.gz", "finews") is None
    True
    """
    stem = file_name.removesuffix(OPEN_SUFFIX).removesuffix(".warc.gz")
    if not stem.startswith(source + "-"):
        return None
    writer, _, seq = stem[len(source) + 1 :].rpartition("-")
    if not seq.isdigit() or writer.count("-") < 2:
        return None
    return writer


class Frontier:
    """One source's shared crawl state in Redis, as seen by this process.

    One per crawler (``for_crawler``), shared by the scheduler, the archive
    pipeline and the middlewares of that crawler. ``open`` registers the
    process and starts its heartbeat; ``close`` acks what it still holds and
    leaves.
    """

    _instances: ClassVar[weakref.WeakKeyDictionary[Crawler, Frontier]] = weakref.WeakKeyDictionary()

    def __init__(
        self,
        server: redis.Redis,
        prefix: str,
        source: str,
        raw_dir: Path,
        lease: float,
        started: dt.datetime | None = None,
    ) -> None:
        self.server = server
        self.prefix = prefix
        self.source = source
        self.raw_dir = raw_dir
        self.lease = lease
        self.started = started or dt.datetime.now(dt.UTC)
        self.host = host_name()
        self.pid = os.getpid()
        stamp = self.started.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
        #: This process's name in Redis and in its WARC files' names.
        self.name = f"{stamp}-{self.host}-{self.pid}"
        self.stats: dict[str, int] = {}
        #: Host slots this process holds (token -> key), renewed by the heartbeat.
        self.held: dict[str, str] = {}
        self._tokens = itertools.count(1)
        self._beat: task.LoopingCall | None = None
        self._open = False
        self._last_reclaim = -1.0
        self._pop = server.register_script(_POP)
        self._dead = server.register_script(_DEAD)
        self._requeue = server.register_script(_REQUEUE)
        self._outstanding = server.register_script(_OUTSTANDING)
        self._end_run = server.register_script(_END_RUN)
        self._claim = server.register_script(_CLAIM)
        self._unclaim = server.register_script(_UNCLAIM)

    @classmethod
    def for_crawler(cls, crawler: Crawler) -> Frontier:
        """The crawler's frontier, made on first use from its settings."""
        frontier = cls._instances.get(crawler)
        if frontier is None:
            settings = crawler.settings
            url = settings.get("SXCRAWL_REDIS_URL")
            if not url:
                raise ValueError("the shared frontier needs SXCRAWL_REDIS_URL")
            source = settings.get("SXCRAWL_FRONTIER_SOURCE")
            if not source:
                raise ValueError("the shared frontier needs SXCRAWL_FRONTIER_SOURCE")
            frontier = cls(
                connect(str(url)),
                str(settings.get("SXCRAWL_REDIS_PREFIX")),
                source,
                Path(settings.get("SXCRAWL_RAW_DIR")) / source,
                settings.getfloat("SXCRAWL_REDIS_LEASE"),
            )
            cls._instances[crawler] = frontier
        return frontier

    # --- keys -----------------------------------------------------------------

    def key(self, name: str, worker: str = "") -> str:
        """The Redis key ``name`` of this source (of process ``worker`` if given)."""
        base = f"{self.prefix}:{self.source}:{name}"
        return f"{base}:{worker}" if worker else base

    @property
    def archived_key(self) -> str:
        return f"{self.prefix}:archived"

    def host_key(self, host: str) -> str:
        return f"{self.prefix}:host:{host}"

    def token(self) -> str:
        """A token unique to this process (leases, host slots)."""
        return f"{self.name}:{next(self._tokens)}"

    # --- life -----------------------------------------------------------------

    def open(self) -> None:
        """Join the crawl: register, start the heartbeat, take over dead processes' work."""
        if self._open:
            return
        self._open = True
        self.beat()
        self._beat = task.LoopingCall(self.beat)
        self._beat.start(self.lease / 3, now=False)
        logger.info("shared frontier of %s: this process is %s", self.source, self.name)
        self.recover_abandoned_files()
        self.reclaim(force=True)

    def beat(self) -> None:
        """Renew this process's liveness and the host slots it holds."""
        ms = int(self.lease * 1000)
        try:
            pipe = self.server.pipeline()
            pipe.set(self.key("alive", self.name), 1, px=ms)
            pipe.sadd(self.key("workers"), self.name)
            for token, key in self.held.items():
                pipe.eval(_RENEW_IF_HELD, 1, key, token, ms)
            pipe.execute()
        except redis.RedisError as exc:
            logger.error("cannot renew the lease of %s in Redis: %s", self.name, exc)

    def close(self) -> None:
        """Leave: ack what is still leased (the engine is done with it), end the run if over."""
        if not self._open:
            return
        self._open = False
        if self._beat is not None and self._beat.running:
            self._beat.stop()
        try:
            self.reclaim(force=True)
            # The engine let go of every request it popped before closing; a
            # lease still here was never acked (a reference kept somewhere).
            self._count(
                "sxcrawl/frontier/unacked_at_close",
                int(self.server.hlen(self.key("leased", self.name))),
            )
            pipe = self.server.pipeline()
            pipe.delete(self.key("leased", self.name))
            pipe.srem(self.key("workers"), self.name)
            pipe.delete(self.key("alive", self.name))
            pipe.execute()
            self._unclaim(
                keys=[self.archived_key, self.key("pending", self.name)], args=[PENDING + self.name]
            )
            ended = self._end_run(
                keys=[self.key("queue"), self.key("workers"), self.key("seen")],
                args=[self.key("leased") + ":"],
            )
            if ended:
                logger.info("the frontier of %s is empty: this run is over", self.source)
            self.recover_abandoned_files()
        except redis.RedisError as exc:
            logger.error("cannot leave the shared frontier cleanly: %s", exc)

    # --- leases ---------------------------------------------------------------

    def pop(self, queue: RedisQueue) -> Request | None:
        """The next queued request, leased to this process until ``ack``."""
        self.reclaim()
        token = self.token()
        data = self._pop(keys=[queue.key, self.key("leased", self.name)], args=[token])
        if data is None:
            return None
        request: Request = queue._decode_request(data)
        request.meta[LEASE] = token
        return request

    def ack(self, *tokens: str) -> None:
        """The leased requests ``tokens`` are finished: forget them."""
        if not self._open or not tokens:
            return
        try:
            self.server.hdel(self.key("leased", self.name), *tokens)
        except redis.RedisError as exc:
            # Not fatal: the leases go when the process leaves, or expire if it dies.
            logger.warning("cannot ack finished requests in Redis: %s", exc)

    def outstanding(self) -> int:
        """Requests queued, or leased by other processes: work left in this run."""
        self.reclaim()
        return int(
            self._outstanding(
                keys=[self.key("queue"), self.key("workers")],
                args=[self.key("leased") + ":", self.name],
            )
        )

    def reclaim(self, force: bool = False) -> int:
        """Take over the work of processes found dead; how many requests were re-queued.

        Checked at most once a third of the lease (``force``: now).
        """
        now = time.monotonic()
        if not force and now - self._last_reclaim < self.lease / 3:
            return 0
        self._last_reclaim = now
        dead = self._dead(keys=[self.key("workers")], args=[self.key("alive") + ":", self.name])
        total = 0
        for raw in dead:
            worker = raw.decode() if isinstance(raw, bytes) else str(raw)
            total += self._take_over(worker)
        return total

    def _take_over(self, worker: str) -> int:
        """Finish dead ``worker``'s WARC files, drop its claims, re-queue its requests."""
        guard = self.key("recovering", worker)
        if not self.server.set(guard, self.name, nx=True, px=int(self.lease * 3000)):
            return 0  # another process is at it
        try:
            files = self._recover_files(worker)
            self._unclaim(
                keys=[self.archived_key, self.key("pending", worker)], args=[PENDING + worker]
            )
            requeued = int(
                self._requeue(
                    keys=[self.key("queue"), self.key("leased", worker), self.key("workers")],
                    args=[worker],
                )
            )
        finally:
            self.server.delete(guard)
        self._count("sxcrawl/frontier/requeued", requeued)
        logger.warning(
            "crawler process %s of %s stopped renewing its lease: finished %d WARC file(s) "
            "it left open, re-queued %d request(s) it held",
            worker,
            self.source,
            files,
            requeued,
        )
        return requeued

    # --- WARC files of dead processes ----------------------------------------

    def recover_abandoned_files(self) -> int:
        """Finish the open WARC files whose writer is no longer alive; how many."""
        writers = set()
        for path in self.raw_dir.glob(f"*.warc.gz{OPEN_SUFFIX}"):
            writer = writer_of(path.name, self.source)
            if writer is not None and writer != self.name:
                writers.add(writer)
        done = 0
        for writer in sorted(writers):
            if self.server.exists(self.key("alive", writer)):
                continue
            guard = self.key("recovering", writer)
            if not self.server.set(guard, self.name, nx=True, px=int(self.lease * 3000)):
                continue
            try:
                done += self._recover_files(writer)
                self._unclaim(
                    keys=[self.archived_key, self.key("pending", writer)], args=[PENDING + writer]
                )
            finally:
                self.server.delete(guard)
        return done

    def _recover_files(self, worker: str) -> int:
        """Cut and close ``worker``'s open files; record the articles they hold as archived."""
        count = 0
        for path in sorted(self.raw_dir.glob(f"{self.source}-{worker}-*.warc.gz{OPEN_SUFFIX}")):
            final = recover_open_file(path)
            count += 1
            if final is None:
                continue
            urls = list(_archived_urls(final))
            if urls:
                self.server.hset(self.archived_key, mapping=dict.fromkeys(urls, final.name))
            logger.info("%s: %d articles of a dead crawler process recorded", final, len(urls))
        self._count("sxcrawl/frontier/recovered_files", count)
        return count

    # --- archived articles ----------------------------------------------------

    def archived(self, url: str) -> bool:
        """Whether ``url`` is archived (or being archived by a process)."""
        return bool(self.server.hexists(self.archived_key, url))

    def claim(self, url: str, full: bool) -> bool:
        """Reserve ``url`` for this process to archive; False if it is archived or being so."""
        keys = [self.archived_key, self.key("pending", self.name)]
        return bool(self._claim(keys=keys, args=[url, PENDING + self.name, "1" if full else "0"]))

    def unclaim(self, url: str) -> None:
        """Give up the claim on ``url`` (its write failed)."""
        keys = [self.archived_key, self.key("pending", self.name)]
        self._unclaim(keys=keys, args=[PENDING + self.name, url])

    def record(self, urls: Iterable[str], warc_file: str) -> None:
        """Record ``urls`` as archived in ``warc_file`` (and drop this process's claims)."""
        urls = list(urls)
        pipe = self.server.pipeline()
        pipe.hset(self.archived_key, mapping=dict.fromkeys(urls, warc_file))
        pipe.srem(self.key("pending", self.name), *urls)
        pipe.execute()

    def _count(self, key: str, n: int) -> None:
        if n:
            self.stats[key] = self.stats.get(key, 0) + n


def _archived_urls(path: Path) -> Iterable[str]:
    """The target URLs of the response records of a WARC file."""
    with path.open("rb") as fh:
        for record in ArchiveIterator(fh):
            if record.rec_type == "response":
                url = record.rec_headers.get_header("WARC-Target-URI")
                if url:
                    yield str(url)


def connect(url: str) -> redis.Redis:
    """A Redis client for ``url``; raises ``FrontierUnavailable`` if it does not answer."""
    try:
        server = redis.Redis.from_url(
            url,
            socket_timeout=_SOCKET_TIMEOUT,
            socket_connect_timeout=_CONNECT_TIMEOUT,
            retry_on_timeout=True,
        )
        server.ping()
    except ValueError as exc:
        raise FrontierUnavailable(f"not a Redis URL: {url} ({exc})") from exc
    except redis.RedisError as exc:
        raise FrontierUnavailable(f"Redis at {url} does not answer: {exc}") from exc
    return server
