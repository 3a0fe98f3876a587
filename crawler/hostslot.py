"""Per-host politeness across the processes of a shared crawl (``crawl --redis``).

Scrapy spaces requests to a host within one process only. With several
processes crawling the same sources, ``HostSlotMiddleware`` makes the spacing
hold whoever sends: each host has one slot in Redis (``{p}:host:<host>``).

- A request takes the slot (``SET NX``, with the process's token and a lease
  its heartbeat renews) right before it goes on the wire, and holds it while
  in flight: one request at a time per host, across all processes.
- When its response (or failure) comes back, the slot becomes a cool-down that
  expires after the source's ``DOWNLOAD_DELAY``: the next request to the host,
  from any process, leaves at least that long after this one was answered, so
  at least that long after it was sent.
- A process killed while holding a slot stops renewing it: the slot expires
  after ``SXCRAWL_REDIS_LEASE``.

The middleware sits nearest the download handler (after retries' back-off and
robots.txt, which fetches through the same chain and so takes the slot too).
Times are Redis's, so clocks of the crawler hosts do not matter.
"""

from __future__ import annotations

import asyncio
import logging
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

#: Seconds between two looks at a slot held by a request in flight: short next
#: to a page's download time, long enough to keep Redis idle (20 looks a second
#: per waiting request at most).
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

    def __init__(self, frontier: Frontier, delay: float) -> None:
        self.frontier = frontier
        self.delay_ms = max(0, round(delay * 1000))
        self.lease_ms = max(1, round(frontier.lease * 1000))
        self._acquire = frontier.server.register_script(_ACQUIRE)
        self._release = frontier.server.register_script(_RELEASE)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> HostSlotMiddleware:
        if not crawler.settings.get("SXCRAWL_REDIS_URL"):
            raise NotConfigured("no shared frontier")
        return cls(Frontier.for_crawler(crawler), crawler.settings.getfloat("DOWNLOAD_DELAY"))

    async def process_request(self, request: Request) -> None:
        host = urlparse_cached(request).hostname or ""
        key = self.frontier.host_key(host)
        token = self.frontier.token()
        while True:
            taken, wait_ms = self._acquire(keys=[key], args=[token, self.lease_ms])
            if taken:
                break
            await asyncio.sleep(wait_ms / 1000 if wait_ms > 0 else POLL_SECONDS)
        self.frontier.held[token] = key
        request.meta[SLOT] = (key, token)

    def process_response(self, request: Request, response: Response) -> Response:
        self._free(request)
        return response

    def process_exception(self, request: Request, exception: Exception) -> None:
        self._free(request)

    def _free(self, request: Request) -> None:
        held = request.meta.pop(SLOT, None)
        if held is None:
            return
        key, token = held
        self.frontier.held.pop(token, None)
        self._release(keys=[key], args=[token, self.delay_ms])
