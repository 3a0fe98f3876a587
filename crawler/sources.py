"""Sources as data: the ``[source]`` and ``[crawl]`` tables of ``sites/*.toml``.

Each file of the sites directory describes one source site. The crawler reads
two of its tables (the ``[extract]`` table belongs to the cleaning stage):

``[source]``
    ``name`` (the file's stem), ``base_url``, ``start_urls`` (listing pages,
    absolute or relative to ``base_url``), ``feeds`` (RSS or Atom feeds) and
    ``sitemaps`` (XML sitemaps or sitemap indexes), whose article links are
    followed like a listing's (a source needs at least one start point of
    the three kinds), ``allowed_domains``, ``listing_patterns`` and
    ``article_pattern`` (regular expressions matched against a link's path
    and query, ``/news/show-1038.html``) and the ``[source.pagination]``
    table (``max_pages``: listing pages followed from each start page, the
    start page included).

    What an operator needs to trust it: ``enabled`` (false until an
    operator has confirmed the patterns on live pages: ``crawl`` skips such
    a source and says so), ``evidence`` (where each part of the config comes
    from), ``unconfirmed`` (the parts still to check), ``charset`` (what the
    site declares, for ``check-source`` on a saved page) and ``kinds`` (the
    document kinds its articles are read as: ``html``, ``post``, ``text``;
    the run's health check expects them).

``[crawl]``
    Per-site politeness: ``download_delay`` (seconds between requests to the
    site), ``concurrency`` (requests in flight to the site at once).

Adding a source is adding a file: see ``docs/crawling.md``. The directory is
``--sites DIR``, else ``$SXCORPUS_SITES``, else the repository's ``sites/``.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urljoin, urlsplit

#: Environment variable naming the sites directory.
SITES_ENV = "SXCORPUS_SITES"

#: The repository's own sites directory (``sites/`` beside the package).
DEFAULT_SITES_DIR = Path(__file__).resolve().parent.parent / "sites"

# Politeness when a site's [crawl] table says nothing: one request at a time,
# two seconds apart, what a small content-farm server tolerates without notice.
DEFAULT_DOWNLOAD_DELAY = 2.0
DEFAULT_CONCURRENCY = 1
# Listing pages followed from each start page when [source.pagination] is silent:
# enough for an hourly crawl to catch up after a day's outage on a busy portal.
DEFAULT_MAX_PAGES = 20

# What a source's articles are read as when its file does not say: HTML pages.
DEFAULT_KINDS = ("html",)
#: The document kinds of the cleaning stage (cleaning/page/documents.py).
DOCUMENT_KINDS = ("html", "post", "text")

_NAME = re.compile(r"^[a-z][a-z0-9_-]*$")

# ``{today:%Y%m/%d}`` in a start URL: the crawl's date (an e-paper's edition).
_TODAY = re.compile(r"\{today:([^{}]*)\}")
#: The sources' time zone, for ``{today:…}``: China Standard Time, no DST.
CHINA_TIME = dt.timezone(dt.timedelta(hours=8), "CST")


def expand_today(url: str, now: dt.datetime | None = None) -> str:
    """``url`` with each ``{today:FORMAT}`` replaced by today's date in China time.

    >>> expand_today("/pc/layout/{today:%Y%m/%d}/node_01.html", dt.datetime(2023, 5, 23, 1))
    '/pc/layout/202305/23/node_01.html'
    """
    moment = now or dt.datetime.now(CHINA_TIME)
    return _TODAY.sub(lambda m: moment.strftime(m.group(1)), url)


class SourceError(ValueError):
    """A sites file that cannot be used, with the file and the reason."""


@dataclass(frozen=True, slots=True)
class Source:
    """One configured source site, as the crawler needs it."""

    name: str
    base_url: str
    start_urls: tuple[str, ...]
    allowed_domains: tuple[str, ...]
    listing_patterns: tuple[re.Pattern[str], ...]
    article_pattern: re.Pattern[str]
    max_pages: int = DEFAULT_MAX_PAGES
    download_delay: float = DEFAULT_DOWNLOAD_DELAY
    concurrency: int = DEFAULT_CONCURRENCY
    feeds: tuple[str, ...] = ()
    sitemaps: tuple[str, ...] = ()
    enabled: bool = True
    evidence: tuple[str, ...] = ()
    unconfirmed: tuple[str, ...] = ()
    charset: str | None = None
    kinds: tuple[str, ...] = DEFAULT_KINDS

    def is_allowed(self, url: str) -> bool:
        """Whether ``url`` is on one of the source's domains (or a subdomain)."""
        host = (urlsplit(url).hostname or "").lower()
        return any(host == d or host.endswith("." + d) for d in self.allowed_domains)

    def is_article(self, url: str) -> bool:
        """Whether ``url`` is an article page of this source."""
        return self.is_allowed(url) and bool(self.article_pattern.search(_path_query(url)))

    def is_listing(self, url: str) -> bool:
        """Whether ``url`` is a listing page of this source."""
        if not self.is_allowed(url):
            return False
        target = _path_query(url)
        return any(p.search(target) for p in self.listing_patterns)


def _path_query(url: str) -> str:
    """The part of a URL the patterns match: path, and ``?query`` if any."""
    parts = urlsplit(url)
    path = parts.path or "/"
    return f"{path}?{parts.query}" if parts.query else path


def sites_dir(explicit: str | os.PathLike[str] | None = None) -> Path:
    """The sites directory: the argument, else ``$SXCORPUS_SITES``, else the default."""
    if explicit:
        return Path(explicit)
    env = os.environ.get(SITES_ENV)
    return Path(env) if env else DEFAULT_SITES_DIR


def _strings(
    table: dict[str, object], key: str, where: str, required: bool = True
) -> tuple[str, ...]:
    value = table.get(key, None if required else [])
    if isinstance(value, str) and not required:
        value = [value]
    if (
        not isinstance(value, list)
        or (required and not value)
        or not all(isinstance(v, str) for v in value)
    ):
        kind = "a non-empty list" if required else "a list"
        raise SourceError(f"{where}: [source] {key} must be {kind} of strings")
    return tuple(value)


def _regex(pattern: str, key: str, where: str) -> re.Pattern[str]:
    try:
        return re.compile(pattern)
    except re.error as exc:
        raise SourceError(f"{where}: [source] {key} {pattern!r} is not a regex: {exc}") from exc


def parse_source(data: dict[str, object], name: str, where: str) -> Source:
    """Build a ``Source`` from a parsed sites file; ``SourceError`` says what is wrong."""
    table = data.get("source")
    if not isinstance(table, dict):
        raise SourceError(f"{where}: no [source] table")
    declared = table.get("name", name)
    if declared != name or not _NAME.match(name):
        raise SourceError(
            f"{where}: [source] name must be the file's stem in lower case ({name!r}),"
            f" got {declared!r}"
        )
    base_url = table.get("base_url")
    if not isinstance(base_url, str) or urlsplit(base_url).scheme not in ("http", "https"):
        raise SourceError(f"{where}: [source] base_url must be an http(s) URL")
    start_urls = tuple(
        urljoin(base_url, expand_today(u))
        for u in _strings(table, "start_urls", where, required=False)
    )
    feeds = tuple(urljoin(base_url, u) for u in _strings(table, "feeds", where, required=False))
    sitemaps = tuple(
        urljoin(base_url, u) for u in _strings(table, "sitemaps", where, required=False)
    )
    if not (start_urls or feeds or sitemaps):
        raise SourceError(f"{where}: [source] needs start_urls, feeds or sitemaps")
    enabled = table.get("enabled", True)
    if not isinstance(enabled, bool):
        raise SourceError(f"{where}: [source] enabled must be true or false")
    charset = table.get("charset")
    if charset is not None and not isinstance(charset, str):
        raise SourceError(f"{where}: [source] charset must be a string")
    kinds = _strings(table, "kinds", where, required=False) or DEFAULT_KINDS
    unknown_kinds = sorted(set(kinds) - set(DOCUMENT_KINDS))
    if unknown_kinds:
        raise SourceError(
            f"{where}: [source] kinds {unknown_kinds} unknown; use {', '.join(DOCUMENT_KINDS)}"
        )
    domains = tuple(d.lower() for d in _strings(table, "allowed_domains", where))
    listing = tuple(
        _regex(p, "listing_patterns", where) for p in _strings(table, "listing_patterns", where)
    )
    article_src = table.get("article_pattern")
    if not isinstance(article_src, str):
        raise SourceError(f"{where}: [source] article_pattern must be a string")
    pagination = table.get("pagination", {})
    crawl = data.get("crawl", {})
    if not isinstance(pagination, dict) or not isinstance(crawl, dict):
        raise SourceError(f"{where}: [source.pagination] and [crawl] must be tables")
    try:
        max_pages = int(pagination.get("max_pages", DEFAULT_MAX_PAGES))
        delay = float(crawl.get("download_delay", DEFAULT_DOWNLOAD_DELAY))
        concurrency = int(crawl.get("concurrency", DEFAULT_CONCURRENCY))
    except (TypeError, ValueError) as exc:
        raise SourceError(f"{where}: max_pages, download_delay, concurrency: {exc}") from exc
    if max_pages < 1 or delay < 0 or concurrency < 1:
        raise SourceError(f"{where}: max_pages and concurrency >= 1, download_delay >= 0")
    source = Source(
        name=name,
        base_url=base_url,
        start_urls=start_urls,
        allowed_domains=domains,
        listing_patterns=listing,
        article_pattern=_regex(article_src, "article_pattern", where),
        max_pages=max_pages,
        download_delay=delay,
        concurrency=concurrency,
        feeds=feeds,
        sitemaps=sitemaps,
        enabled=enabled,
        evidence=_strings(table, "evidence", where, required=False),
        unconfirmed=_strings(table, "unconfirmed", where, required=False),
        charset=charset,
        kinds=kinds,
    )
    for url in (*start_urls, *feeds, *sitemaps):
        if not source.is_allowed(url):
            raise SourceError(f"{where}: start URL {url} is not on {', '.join(domains)}")
    return source


def load_sources(directory: Path) -> dict[str, Source]:
    """Every source of a sites directory, by name (files starting with ``_`` are skipped)."""
    if not directory.is_dir():
        raise SourceError(f"{directory}: no such sites directory")
    sources = {}
    for path in sorted(directory.glob("*.toml")):
        if path.name.startswith("_"):
            continue
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
            raise SourceError(f"{path}: cannot read: {exc}") from exc
        sources[path.stem] = parse_source(data, path.stem, str(path))
    if not sources:
        raise SourceError(f"{directory}: no sites/*.toml files")
    return sources
