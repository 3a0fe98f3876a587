"""Source health, every run: did each source give what a working source gives?

A crawl can "finish" while a source is broken: its start pages answer 404
(the site moved), its listings answer but their links no longer match the
source's patterns (the site's template changed), or its new articles are
fetched but are not the pages the cleaning stage expects (a CMS upgrade
moved the body). Monitors of production crawlers (spidermon and the like)
check item counts and field coverage after every run; this module does the
same for a source, from the run's numbers and a quick clean of a few new
articles:

``failed``
    the source's crawl did not finish or broke (a spider exception, an
    archive error, a finish reason other than ``finished``);
``empty``
    no start point (listing page, feed, sitemap) gave a usable answer;
``layout-changed``
    start points answered but gave no article link, or most of the new
    articles checked had no title, date or body, or were not of the kinds
    the source is read as (an HTML article where a listing came back).

Each flag comes with the numbers that show it. The quick clean runs the
cleaning stage's ``clean_page`` on the first few new articles
(``crawler.spiders.source.HEALTH_SAMPLE``): the only place the crawler uses
the cleaning package, imported lazily when a check runs (the two stages
otherwise share nothing but the WARC files).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

logger = logging.getLogger(__name__)

OK = "ok"
FAILED = "failed"
EMPTY = "empty"
LAYOUT_CHANGED = "layout-changed"
INTERRUPTED = "interrupted"

#: Share of the checked new articles that may fail extraction before the
#: source is flagged: "most" of them, as the issue puts it. One no-date
#: page among five (a work report, an undated notice) is normal.
MAX_FAILED_SHARE = 0.5


@dataclass(frozen=True, slots=True)
class Sample:
    """A new article kept for the quick clean: its URL, Content-Type and body."""

    url: str
    content_type: str | None
    body: bytes

    @property
    def headers(self) -> dict[str, str]:
        """The headers the cleaning stage reads: the ``Content-Type``, if any."""
        return {"Content-Type": self.content_type} if self.content_type else {}


@dataclass(frozen=True, slots=True)
class Extraction:
    """What the quick clean found in one new article."""

    url: str
    kind: str | None
    title: bool
    date: bool
    body: bool
    error: str | None = None
    expected_kind: bool = True

    @property
    def ok(self) -> bool:
        """Title, date and body found, in a document of an expected kind."""
        return self.error is None and self.title and self.date and self.body and self.expected_kind

    def missing(self) -> list[str]:
        """What this article lacked, in the words of the health line."""
        if self.error is not None:
            return [self.error]
        out = [name for name, found in (("title", self.title), ("date", self.date)) if not found]
        if not self.body:
            out.append("body")
        if not self.expected_kind:
            out.append(f"kind {self.kind}")
        return out


def check_sample(sample: Sample, kinds: Sequence[str]) -> Extraction:
    """Clean one new article with the cleaning stage and say what it found."""
    # Lazy: only a run with new articles pays for the HTML stack (see docstring).
    from cleaning.errors import CleaningError
    from cleaning.page.clean import clean_page
    from cleaning.page.decode import decode
    from cleaning.page.documents import read

    try:
        kind: str | None = read(decode(sample.body, sample.headers).text, sample.content_type).kind
    except CleaningError:
        kind = None
    try:
        record = clean_page(sample.body, sample.url, sample.headers)
    except CleaningError as error:
        return Extraction(sample.url, kind, False, False, False, error.reason, kind in kinds)
    return Extraction(
        url=sample.url,
        kind=kind,
        title=bool(record.title),
        date=record.published_at is not None,
        body=bool(record.body.strip()),
        expected_kind=kind in kinds,
    )


@dataclass
class SourceHealth:
    """One source's health in one run, with the numbers behind it."""

    source: str
    status: str
    listings: int = 0
    article_links: int = 0
    articles_new: int = 0
    requests: int = 0
    checked: list[Extraction] = field(default_factory=list)
    reason: str = ""

    @property
    def flagged(self) -> bool:
        return self.status not in (OK, INTERRUPTED)

    @property
    def extracted(self) -> int:
        return sum(e.ok for e in self.checked)

    def line(self) -> str:
        """``health <source>: <status>; listings=… article_links=… …[; reason]``."""
        text = (
            f"health {self.source}: {self.status}; listings={self.listings}"
            f" article_links={self.article_links} articles_new={self.articles_new}"
            f" extracted={self.extracted}/{len(self.checked)}"
        )
        return f"{text}; {self.reason}" if self.reason else text

    def flag(self) -> str:
        """The source's entry in the summary line: ``name: status (reason)``."""
        return f"{self.source}: {self.status} ({self.reason})" if self.reason else self.source


def _num(stats: Mapping[str, object], key: str) -> int:
    value = stats.get(key, 0)
    return int(value) if isinstance(value, int | float) else 0


def _statuses(stats: Mapping[str, object]) -> str:
    prefix = "downloader/response_status_count/"
    found = sorted((int(k[len(prefix) :]), _num(stats, k)) for k in stats if k.startswith(prefix))
    return ",".join(f"{code}:{n}" for code, n in found) or "none"


def assess(
    source: str,
    stats: Mapping[str, object],
    checked: Sequence[Extraction],
    failures: int,
) -> SourceHealth:
    """The health of one source's crawl from its Scrapy stats and quick clean."""
    reason = str(stats.get("finish_reason", "not started"))
    health = SourceHealth(
        source=source,
        status=OK,
        listings=_num(stats, "sxcrawl/listings_fetched"),
        article_links=_num(stats, "sxcrawl/article_links"),
        articles_new=_num(stats, "sxcrawl/articles_new"),
        requests=_num(stats, "downloader/request_count"),
        checked=list(checked),
    )
    if reason == "shutdown":
        health.status = INTERRUPTED
    elif failures or reason != "finished":
        health.status = FAILED
        health.reason = f"finish reason {reason}, {failures} failure(s)"
    elif "sxcrawl/frontier/process" in stats:
        # A process of a shared crawl (crawl --redis) fetched only the part of
        # the source the others left it: too little to call it empty or changed.
        pass
    elif health.listings == 0:
        health.status = EMPTY
        health.reason = (
            f"no start point answered: {health.requests} requests, responses {_statuses(stats)}"
        )
    elif health.article_links == 0:
        health.status = LAYOUT_CHANGED
        health.reason = f"{health.listings} start/listing pages gave 0 article links"
    elif checked and len(checked) - health.extracted > MAX_FAILED_SHARE * len(checked):
        bad = [e for e in checked if not e.ok]
        missing: dict[str, int] = {}
        for extraction in bad:
            for what in extraction.missing():
                missing[what] = missing.get(what, 0) + 1
        detail = ", ".join(f"{what} {n}" for what, n in sorted(missing.items()))
        health.status = LAYOUT_CHANGED
        health.reason = (
            f"{len(bad)} of {len(checked)} new articles failed extraction ({detail});"
            f" e.g. {bad[0].url}"
        )
    return health


def check_source(
    source: str,
    stats: Mapping[str, object],
    samples: Sequence[Sample],
    kinds: Sequence[str],
    failures: int,
) -> SourceHealth:
    """``assess`` after the quick clean of ``samples``; logs the health line."""
    checked = []
    for sample in samples:
        extraction = check_sample(sample, kinds)
        if not extraction.ok:
            logger.info(
                "health %s: %s: missing %s", source, sample.url, ", ".join(extraction.missing())
            )
        checked.append(extraction)
    health = assess(source, stats, checked, failures)
    logger.log(logging.WARNING if health.flagged else logging.INFO, "%s", health.line())
    return health
