"""Per-host politeness across the processes of a shared crawl (``crawl --redis``).

Scrapy spaces requests to a host within one process only. With several
processes crawling the same sources, ``HostSlotMiddleware`` makes the spacing
hold whoever sends: each host has one slot in Redis (``{p}:host:<host>``).

- A request takes the slot (``SET NX``, with the process's token and a lease
  its heartbeat renews) right before it goes on the wire, and holds it while
  in flight: one request at a time per host, across all processes. Within a
  process, requests to one host queue for the slot on a local lock, so only
  one of them at a time asks Redis.
- When its response (or failure) comes back, the slot becomes a cool-down that
  expires after the source's delay (times 1 to 1 + ``DOWNLOAD_DELAY_JITTER``,
  so requests do not arrive like clockwork): the next request to the host,
  from any process, leaves at least the delay after this one was answered,
  so at least the delay after it was sent.
- A process killed while holding a slot stops renewing it: the slot expires
  after ``SXCRAWL_REDIS_LEASE``.

The shared slot replaces Scrapy's own per-process delay (``configure`` moves
``DOWNLOAD_DELAY`` to ``SXCRAWL_HOST_DELAY``); AutoThrottle, when on, still
slows a process down further. The middleware sits nearest the download
handler (after retries' back-off and robots.txt, which fetches through the
same chain and so takes the slot too). Times are Redis's, so the clocks of
the crawler hosts do not matter.
"""

from __future__ import annotations

import asyncio
import logging
import random
from collections import defaultdict
from typing import TYPE_CHECKING

from scrapy.exceptions import NotConfigured
from scrapy.utils.httpobj import urlparse_cached

from crawler.frontierstate import Frontier

if TYPE_CHECKING:
    from scrapy import Request
    from scrapy.crawler import Crawler
    from scrapy.http import Response

logger = logging.getLogger(__name__)

#: Request meta key: (slot key, token) of the host slot the request holds.
SLOT = "sxcrawl_host_slot"

#: Value of a slot cooling down after a response.
COOLDOWN = "cooldown"

#: Seconds between two looks at a slot held by a request in flight, when the
#: delay is shorter: a look that finds the slot cooling down sleeps until it
#: ends, so looking once a delay loses no time (and keeps Redis idle).
POLL_SECONDS = 0.05

# Take the slot, or say how long to wait. KEYS: slot. ARGV: token, lease ms.
# Returns {1, 0} when taken, {0, ms} when cooling down, {0, -1} when in flight.
_ACQUIRE = """
if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then return {1, 0} end
if redis.call('GET', KEYS[1]) == 'cooldown' then return {0, redis.call('PTTL', KEYS[1])} end
return {0, -1}
"""

# Turn a held slot into its cool-down. KEYS: slot. ARGV: token, delay ms.
_RELEASE = """
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
if tonumber(ARGV[2]) > 0 then
  redis.call('SET', KEYS[1], 'cooldown', 'PX', ARGV[2])
else
  redis.call('DEL', KEYS[1])
end
return 1
"""


class HostSlotMiddleware:
    """Hold the host's shared slot while a request is on the wire; cool it down after."""

    def __init__(self, frontier: Frontier, delay: float, jitter: float = 0.0) -> None:
        self.frontier = frontier
        self.delay = max(0.0, delay)
        self.jitter = max(0.0, jitter)
        self.lease_ms = max(1, round(frontier.lease * 1000))
        self._acquire = frontier.server.register_script(_ACQUIRE)
        self._release = frontier.server.register_script(_RELEASE)
        # This process's requests to a host take turns for its shared slot.
        self._turns: defaultdict[str, asyncio.Lock] = defaultdict(asyncio.Lock)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> HostSlotMiddleware:
        settings = crawler.settings
        if not settings.get("SXCRAWL_REDIS_URL"):
            raise NotConfigured("no shared frontier")
        return cls(
            Frontier.for_crawler(crawler),
            settings.getfloat("SXCRAWL_HOST_DELAY"),
            settings.getfloat("DOWNLOAD_DELAY_JITTER"),
        )

    async def process_request(self, request: Request) -> None:
        host = urlparse_cached(request).hostname or ""
        key = self.frontier.host_key(host)
        turn = self._turns[host]
        await turn.acquire()
        try:
            token = self.frontier.token()
            while True:
                taken, wait_ms = self._acquire(keys=[key], args=[token, self.lease_ms])
                if taken:
                    break
                wait = wait_ms / 1000 if wait_ms > 0 else max(POLL_SECONDS, self.delay)
                await asyncio.sleep(wait)
        except BaseException:
            turn.release()
            raise
        self.frontier.held[token] = key
        request.meta[SLOT] = (host, key, token)

    def process_response(self, request: Request, response: Response) -> Response:
        self._free(request)
        return response

    def process_exception(self, request: Request, exception: Exception) -> None:
        self._free(request)

    def cooldown_ms(self) -> int:
        """How long the slot cools down after a response: the delay, plus jitter."""
        return round(self.delay * (1 + random.uniform(0, self.jitter)) * 1000)

    def _free(self, request: Request) -> None:
        held = request.meta.pop(SLOT, None)
        if held is None:
            return
        host, key, token = held
        self.frontier.held.pop(token, None)
        try:
            self._release(keys=[key], args=[token, self.cooldown_ms()])
        finally:
            self._turns[host].release()
