"""Article links from feeds (RSS 2.0, Atom) and sitemaps, as start points of a source.

A source may list feeds and sitemaps besides (or instead of) listing pages:
``feeds = ["/feed.xml"]``, ``sitemaps = ["/sitemap.xml"]`` in its
``[source]`` table. The spider fetches them every run, like listing pages,
and follows the links they give that are the source's articles, as it does
for a listing's links. Pure functions over the fetched bytes, so that they
can be tested on saved files.

- ``feed_links``: the entry links of an RSS 2.0 or Atom feed (namespaces
  ignored; Atom's ``rel="alternate"`` link, or the entry's only link; RSS's
  ``<link>``, else a permalink ``<guid>``).
- ``sitemap_links``: Scrapy's sitemap parser (``scrapy.utils.sitemap``, the
  one its ``SitemapSpider`` uses): the page URLs of a ``urlset`` and the
  child sitemaps of a ``sitemapindex``; gzip-compressed sitemaps are
  decompressed within the crawl's size limit. A ``robots.txt`` given as a
  sitemap start point yields its ``Sitemap:`` lines.
"""

from __future__ import annotations

import gzip
import io
import logging
import zlib
from dataclasses import dataclass
from urllib.parse import urljoin

from lxml import etree
from scrapy.utils.sitemap import Sitemap, sitemap_urls_from_robots

logger = logging.getLogger(__name__)

#: Largest decompressed sitemap read (bytes): the sitemaps protocol caps a
#: file at 50 MB uncompressed.
MAX_SITEMAP_BYTES = 50 * 1024 * 1024

_GZIP_MAGIC = b"\x1f\x8b"


@dataclass(frozen=True, slots=True)
class SitemapLinks:
    """What a sitemap gives: pages, and (for an index) more sitemaps to fetch."""

    pages: tuple[str, ...]
    sitemaps: tuple[str, ...]


def _local(tag: object) -> str:
    """An element's tag without its namespace (``{…Atom}entry`` -> ``entry``)."""
    return etree.QName(tag).localname if isinstance(tag, str) else ""


def _parse_xml(body: bytes) -> etree._Element | None:
    parser = etree.XMLParser(recover=True, resolve_entities=False, no_network=True, huge_tree=False)
    try:
        root = etree.fromstring(body.strip(), parser=parser)
    except (etree.XMLSyntaxError, ValueError):
        return None
    return root


def is_feed(body: bytes) -> bool:
    """Whether ``body`` is an RSS or Atom document (by its root element)."""
    root = _parse_xml(body)
    return root is not None and _local(root.tag) in ("rss", "feed", "RDF")


def feed_links(body: bytes, feed_url: str) -> list[str]:
    """The entry links of an RSS or Atom feed, absolute, in order, without repeats."""
    root = _parse_xml(body)
    if root is None:
        return []
    links: dict[str, None] = {}
    for entry in root.iter():
        name = _local(entry.tag)
        if name == "entry":
            href = _atom_link(entry)
        elif name == "item":
            href = _rss_link(entry)
        else:
            continue
        if href:
            links.setdefault(urljoin(feed_url, href.strip()))
    return list(links)


def _atom_link(entry: etree._Element) -> str | None:
    candidates = [c for c in entry if _local(c.tag) == "link" and c.get("href")]
    for link in candidates:
        if link.get("rel", "alternate") == "alternate":
            return link.get("href")
    return candidates[0].get("href") if len(candidates) == 1 else None


def _rss_link(item: etree._Element) -> str | None:
    for child in item:
        if _local(child.tag) == "link" and (child.text or "").strip():
            return child.text
    for child in item:
        if _local(child.tag) == "guid" and child.get("isPermaLink", "true") != "false":
            return child.text
    return None


def _gunzip(body: bytes) -> bytes | None:
    """A gzip body decompressed, at most ``MAX_SITEMAP_BYTES``; None when damaged."""
    try:
        stream = gzip.GzipFile(fileobj=io.BytesIO(body))
        data = stream.read(MAX_SITEMAP_BYTES + 1)
    except (OSError, EOFError, zlib.error):
        return None
    if len(data) > MAX_SITEMAP_BYTES:
        logger.warning("sitemap over %d bytes decompressed: cut", MAX_SITEMAP_BYTES)
        data = data[:MAX_SITEMAP_BYTES]
    return data


def sitemap_links(body: bytes, sitemap_url: str) -> SitemapLinks:
    """The pages and child sitemaps of a sitemap (or of a robots.txt's ``Sitemap:`` lines)."""
    if sitemap_url.rstrip("/").endswith("/robots.txt"):
        found = sitemap_urls_from_robots(body, base_url=sitemap_url)
        return SitemapLinks((), tuple(dict.fromkeys(found)))
    if body.startswith(_GZIP_MAGIC):
        unzipped = _gunzip(body)
        if unzipped is None:
            logger.warning("sitemap %s: damaged gzip, skipped", sitemap_url)
            return SitemapLinks((), ())
        body = unzipped
    try:
        sitemap = Sitemap(body)
        urls = [urljoin(sitemap_url, str(e["loc"]).strip()) for e in sitemap if e.get("loc")]
    except (etree.XMLSyntaxError, ValueError, AttributeError, StopIteration):
        logger.warning("sitemap %s: not a sitemap, skipped", sitemap_url)
        return SitemapLinks((), ())
    if sitemap.type == "sitemapindex":
        return SitemapLinks((), tuple(dict.fromkeys(urls)))
    if sitemap.type == "urlset":
        return SitemapLinks(tuple(dict.fromkeys(urls)), ())
    return SitemapLinks((), ())
