"""``python -m crawler check-source NAME --page FILE``: a source's config against a saved page.

How an operator confirms (or fixes) a source before enabling it: open the
site's listing page and one article in a browser, save each ("Save page as",
HTML only), and run this on them. It prints what the crawl would do with the
page (which links it would follow as listing pages and as articles, and how
many it would leave), and what the cleaning stage extracts from it as an
article (document kind, title, date, source, category, tags, the first lines
of the body), with a verdict per part. Nothing is fetched: the page is read
from the file. RSS/Atom feeds and sitemaps saved from the site are read as
the crawl reads them.

The page's URL (links are resolved against it, the patterns match it) is
``--url``, else the browser's ``<!-- saved from url=(…)… -->`` mark, else
``<link rel="canonical">`` or ``og:url``, else the source's first start point.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import lxml.html
from lxml import etree

from crawler.feeds import feed_links, is_feed, sitemap_links
from crawler.links import classify_links, page_hrefs
from crawler.sources import SITES_ENV, Source, SourceError, load_sources, sites_dir

#: Exit statuses: the checks passed, a check failed, bad usage.
CHECK_OK = 0
CHECK_FAILED = 1
CHECK_USAGE = 2

#: Body lines shown by default.
DEFAULT_LINES = 5
#: Links of each kind listed by default (the rest are counted).
DEFAULT_LINKS = 20
#: Longest body line shown, in characters.
LINE_CHARS = 100

# The mark browsers put at the top of a saved page (IE, Chrome, Edge).
_SAVED_FROM = re.compile(rb"<!--\s*saved from url=\(\d+\)(\S+?)\s*-->", re.IGNORECASE)


@dataclass
class Check:
    """What ``check-source`` found on a page."""

    source: Source
    url: str
    url_from: str
    page_kind: str
    encoding: str = ""
    articles: list[str] = field(default_factory=list)
    listings: list[str] = field(default_factory=list)
    other_on_site: int = 0
    off_site: int = 0
    sitemaps: list[str] = field(default_factory=list)
    document_kind: str | None = None
    error: str | None = None
    title: str | None = None
    published_at: str | None = None
    origin: str | None = None
    category: str | None = None
    tags: tuple[str, ...] = ()
    body: list[str] = field(default_factory=list)

    @property
    def extracted(self) -> bool:
        """Title, date and body found, in a document kind the source expects."""
        return (
            self.error is None
            and bool(self.title and self.published_at and self.body)
            and self.document_kind in self.source.kinds
        )


def page_url(body: bytes, explicit: str | None, source: Source) -> tuple[str, str]:
    """The saved page's URL and where it came from."""
    if explicit:
        return explicit, "--url"
    found = _SAVED_FROM.search(body[:4096])
    if found:
        return found.group(1).decode("ascii", "replace"), "the browser's saved-from mark"
    try:
        tree = lxml.html.document_fromstring(body)
    except (etree.ParserError, ValueError):
        tree = None
    if tree is not None:
        for xpath, what in (
            ("//link[@rel='canonical']/@href", "its canonical link"),
            ("//meta[@property='og:url']/@content", "its og:url"),
        ):
            hits = tree.xpath(xpath)
            values = [str(v).strip() for v in hits] if isinstance(hits, list) else []
            values = [v for v in values if v]
            if values and values[0].startswith(("http://", "https://")):
                return values[0], what
    starts = (*source.start_urls, *source.feeds, *source.sitemaps)
    return starts[0], "the source's first start point (give --url to be exact)"


def check_page(source: Source, body: bytes, url: str, url_from: str) -> Check:
    """Run ``source``'s patterns and the cleaning stage on one saved page."""
    stripped = body.lstrip()[:512].lower()
    if stripped.startswith(b"<?xml") or stripped.startswith((b"<rss", b"<feed", b"<urlset")):
        return _check_xml(source, body, url, url_from)
    # Lazy, as in the health check: the crawler uses the cleaning stage only here.
    from cleaning.errors import CleaningError
    from cleaning.page.clean import clean_page
    from cleaning.page.decode import decode
    from cleaning.page.documents import read

    headers = {"Content-Type": f"text/html; charset={source.charset}"} if source.charset else {}
    try:
        decoded = decode(body, headers)
    except CleaningError as error:
        return Check(source, url, url_from, "undecodable", error=error.reason)
    check = Check(source, url, url_from, _kind_of_url(source, url), encoding=decoded.encoding)
    links = classify_links(source, url, decoded.text)
    check.articles, check.listings = list(links.articles), list(links.listings)
    for href in page_hrefs(decoded.text, url):
        if not source.is_allowed(href):
            check.off_site += 1
        elif href not in links.articles and href not in links.listings and href != url:
            check.other_on_site += 1
    check.document_kind = read(decoded.text, headers.get("Content-Type")).kind
    try:
        record = clean_page(body, url, headers)
    except CleaningError as error:
        check.error = error.reason
        return check
    check.title = record.title
    check.published_at = record.published_at.isoformat() if record.published_at else None
    check.origin = record.source
    check.category = record.category
    check.tags = record.tags
    check.body = [line for line in record.body.split("\n") if line.strip()]
    return check


def _kind_of_url(source: Source, url: str) -> str:
    if source.is_article(url):
        return "article"
    if source.is_listing(url) or url in source.start_urls:
        return "listing"
    return "neither" if source.is_allowed(url) else "off-site"


def _check_xml(source: Source, body: bytes, url: str, url_from: str) -> Check:
    if is_feed(body):
        check = Check(source, url, url_from, "feed")
        found = feed_links(body, url)
    else:
        check = Check(source, url, url_from, "sitemap")
        links = sitemap_links(body, url)
        found, check.sitemaps = list(links.pages), list(links.sitemaps)
    for link in found:
        if source.is_article(link):
            check.articles.append(link)
        elif source.is_allowed(link):
            check.other_on_site += 1
        else:
            check.off_site += 1
    return check


def _short(text: str) -> str:
    return text if len(text) <= LINE_CHARS else text[: LINE_CHARS - 1] + "…"


def _links(title: str, urls: Sequence[str], limit: int) -> list[str]:
    out = [f"{title} ({len(urls)}):"]
    out += [f"  {u}" for u in urls[:limit]]
    if len(urls) > limit:
        out.append(f"  … and {len(urls) - limit} more")
    return out


def report(check: Check, lines: int = DEFAULT_LINES, links: int = DEFAULT_LINKS) -> list[str]:
    """The printed report, line by line, ending with the verdicts."""
    source = check.source
    status = "enabled" if source.enabled else "disabled (not confirmed)"
    out = [f"source {source.name}: {status}"]
    out += [f"  evidence: {e}" for e in source.evidence]
    out += [f"  unconfirmed: {u}" for u in source.unconfirmed]
    out.append(f"page {check.url} (URL from {check.url_from})")
    out.append(f"  the URL is {check.page_kind} by the source's patterns")
    if check.encoding:
        out.append(f"  decoded as {check.encoding}")
    out += _links("article links the crawl would follow", check.articles, links)
    if check.page_kind not in ("feed", "sitemap"):
        out += _links("listing links the crawl would follow", check.listings, links)
    if check.sitemaps:
        out += _links("sitemaps it would read next", check.sitemaps, links)
    out.append(
        f"links left: {check.other_on_site} on the site (neither pattern),"
        f" {check.off_site} off-site"
    )
    verdicts = []
    if check.page_kind in ("feed", "sitemap"):
        verdicts.append(
            f"as a {check.page_kind}: "
            + ("ok" if check.articles else "NO article links: check article_pattern")
        )
    else:
        out.append("cleaning:")
        if check.error is not None:
            out.append(f"  refused: {check.error}")
        else:
            out.append(
                f"  kind: {check.document_kind} (the source expects {', '.join(source.kinds)})"
            )
            out.append(f"  title: {check.title}")
            out.append(f"  published_at: {check.published_at}")
            out.append(f"  source: {check.origin}")
            out.append(f"  category: {check.category}")
            out.append(f"  tags: {', '.join(check.tags) or '-'}")
            out.append(
                f"  body: {len(check.body)} paragraphs; the first {min(lines, len(check.body))}:"
            )
            out += [f"    {_short(line)}" for line in check.body[:lines]]
        if check.page_kind != "article" or check.articles:
            verdicts.append(
                "as a listing: "
                + (
                    f"ok, {len(check.articles)} article links"
                    if check.articles
                    else "NO article links: check article_pattern (and listing_patterns)"
                )
            )
        if check.extracted:
            verdicts.append("as an article: ok (title, date and body found)")
        else:
            missing = [
                what
                for what, found in (
                    ("title", check.title),
                    ("date", check.published_at),
                    ("body", check.body),
                )
                if not found
            ]
            if check.error is not None:
                missing = [f"refused ({check.error})"]
            if check.document_kind not in source.kinds:
                missing.append(f"kind {check.document_kind}")
            verdicts.append(
                "as an article: NOT extracted: "
                + ", ".join(missing)
                + " (check [extract]; a listing page is expected to fail here)"
            )
    out += [f"verdict {v}" for v in verdicts]
    return out


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """The ``check-source`` sub-command of ``python -m crawler``."""
    parser = commands.add_parser(
        "check-source",
        help="run a source's config against a page saved from a browser",
        description=(
            "Run a source's patterns and the cleaning stage on a page saved from a browser "
            "(or a feed or sitemap saved from the site): the links the crawl would follow as "
            "listings and as articles, and what cleaning extracts (title, date, source, first "
            "lines of the body). This is how a source is confirmed before `enabled = true`. "
            "Exit status: 0 when the page works as a listing (article links found) or as an "
            "article (title, date and body found), 1 when it works as neither, 2 on bad usage."
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog=(
            "examples:\n"
            "  python -m crawler check-source finews --page ~/Downloads/xinhuacaijing.html\n"
            "  python -m crawler check-source ce_district --page art.html \\\n"
            "      --url http://district.ce.cn/newarea/sxpd/202305/23/t20230523_38560000.shtml\n"
        ),
    )
    parser.add_argument("name", metavar="NAME", help="the source (sites/NAME.toml)")
    parser.add_argument(
        "--page", required=True, type=Path, help="the saved page (HTML, feed, sitemap)"
    )
    parser.add_argument("--url", help="the page's URL (default: from the saved page, see above)")
    parser.add_argument("--sites", metavar="DIR", help="sites directory")
    parser.add_argument(
        "--lines", type=int, default=DEFAULT_LINES, help=f"body lines shown ({DEFAULT_LINES})"
    )


def run(args: argparse.Namespace) -> int:
    """Run ``check-source`` and print its report."""
    if args.sites:
        # The cleaning stage reads the same sites' [extract] rules.
        os.environ[SITES_ENV] = str(args.sites)
    try:
        sources = load_sources(sites_dir(args.sites))
    except SourceError as exc:
        print(f"check-source: {exc}", file=sys.stderr)
        return CHECK_USAGE
    source = sources.get(args.name)
    if source is None:
        print(
            f"check-source: unknown source {args.name}; configured: {', '.join(sorted(sources))}",
            file=sys.stderr,
        )
        return CHECK_USAGE
    try:
        body = args.page.read_bytes()
    except OSError as exc:
        print(f"check-source: cannot read {args.page}: {exc.strerror or exc}", file=sys.stderr)
        return CHECK_USAGE
    url, url_from = page_url(body, args.url, source)
    check = check_page(source, body, url, url_from)
    for line in report(check, max(0, args.lines)):
        print(line)
    return CHECK_OK if check.articles or check.extracted else CHECK_FAILED
