"""The crawler's item: one article response as it came off the wire.

The spider yields a ``RawPage`` for every article page it fetched; the WARC
pipeline (``crawler.pipelines``) archives it. It carries what a WARC
``response`` and ``request`` record need and nothing the crawler would have to
interpret: the cleaning stage decides what the bytes mean.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass


@dataclass(frozen=True, slots=True, repr=False)
class RawPage:
    """An article response and the request that fetched it, as exchanged.

    ``headers`` and ``request_headers`` are (name, value) pairs in the order
    received or sent, values decoded as Latin-1 so that every byte survives;
    ``body`` is the body as received (still compressed if the server sent
    ``Content-Encoding``). ``url`` is the final URL (after redirects) and
    ``redirected_from`` the URLs that led to it.
    """

    source: str
    url: str
    status: int
    protocol: str
    headers: tuple[tuple[str, str], ...]
    body: bytes
    fetched_at: dt.datetime
    request_method: str
    request_headers: tuple[tuple[str, str], ...]
    redirected_from: tuple[str, ...] = ()

    def header(self, name: str) -> str | None:
        """The value of the first response header called ``name`` (in any case)."""
        wanted = name.lower()
        return next((value for key, value in self.headers if key.lower() == wanted), None)

    def __repr__(self) -> str:
        # Scrapy logs a dropped item's repr: the URL and sizes, never the body.
        return (
            f"<RawPage {self.source} {self.status} {self.url}"
            f" ({len(self.body)} bytes, fetched {self.fetched_at.isoformat()})>"
        )
