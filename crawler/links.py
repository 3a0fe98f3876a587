"""Which links of a listing page are articles and which are more listing pages.

Pure functions over a page's text, so that a source's patterns can be tested
on saved pages with no network (``tests/test_crawler_links.py``). A link is
kept when it is on one of the source's domains and its path (with query)
matches the source's ``article_pattern`` or one of its ``listing_patterns``;
fragments are dropped, order of first appearance is kept, duplicates go.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urldefrag, urljoin

import lxml.html
from lxml import etree
from w3lib.url import safe_url_string

from crawler.sources import Source

# Link schemes that never lead to a page.
_SKIPPED_SCHEMES = ("javascript:", "mailto:", "tel:", "data:")


@dataclass(frozen=True, slots=True)
class PageLinks:
    """The links of a listing page that the crawl follows."""

    articles: tuple[str, ...]
    listings: tuple[str, ...]


def page_hrefs(html_text: str, page_url: str) -> list[str]:
    """Every ``<a href>`` of a page as an absolute URL without fragment, in order."""
    if not html_text.strip():
        return []
    try:
        tree = lxml.html.document_fromstring(html_text)
    except (etree.ParserError, ValueError):
        return []
    base = page_url
    for href in _attributes(tree, "//base/@href"):
        base = urljoin(page_url, str(href).strip())
        break
    urls = []
    for href in _attributes(tree, "//a/@href"):
        href = str(href).strip()
        if not href or href.lower().startswith(_SKIPPED_SCHEMES):
            continue
        absolute = safe_url_string(urldefrag(urljoin(base, href))[0])
        if absolute.startswith(("http://", "https://")):
            urls.append(absolute)
    return urls


def classify_links(source: Source, page_url: str, html_text: str) -> PageLinks:
    """The article and listing links of a page of ``source``."""
    articles: dict[str, None] = {}
    listings: dict[str, None] = {}
    for url in page_hrefs(html_text, page_url):
        if source.is_article(url):
            articles.setdefault(url)
        elif source.is_listing(url) and url != page_url:
            listings.setdefault(url)
    return PageLinks(tuple(articles), tuple(listings))


def _attributes(tree: lxml.html.HtmlElement, path: str) -> list[str]:
    """The attribute values an XPath ending in ``/@name`` selects (a list, always)."""
    found = tree.xpath(path)
    return [str(value) for value in found] if isinstance(found, list) else []
