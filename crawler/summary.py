"""A crawl's outcome: the one-line summary and the exit status, from Scrapy's stats.

``summarize`` reads one crawler's stats (one source); ``combine`` adds sources
up; ``summary_line`` is the line that ends every run's log and output;
``exit_status`` decides what cron sees (see ``crawler.cli``). Sources the
run's health check flagged (``crawler.health``: ``failed``, ``empty``,
``layout-changed``) are named in the line with their numbers and make the
run ``partial``; sources skipped because they are not confirmed are named
too.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

#: Exit statuses of ``python -m crawler crawl`` (documented in its ``--help``).
EXIT_OK = 0
EXIT_FAILED = 1
EXIT_USAGE = 2
EXIT_NOTHING = 3
EXIT_INTERRUPTED = 4
#: Finished, but at least one source is unhealthy (failed, empty, layout-changed).
EXIT_PARTIAL = 5
#: EX_TEMPFAIL of sysexits.h: "try again later", which is what a held lock means.
EXIT_LOCKED = 75

_STATUS_PREFIX = "downloader/response_status_count/"
_ERROR_PREFIX = "sxcrawl/errors/"


@dataclass
class CrawlSummary:
    """What one crawl (of one source, or of all) did."""

    sources: list[str]
    finish_reasons: list[str]
    requests: int = 0
    statuses: Counter[int] = field(default_factory=Counter)
    listings: int = 0
    articles_new: int = 0
    articles_skipped: int = 0
    bytes: int = 0
    errors: int = 0
    failures: int = 0
    #: ``name: status (numbers)`` of each source the health check flagged.
    flagged: list[str] = field(default_factory=list)
    #: Sources not crawled because they are not confirmed (``enabled = false``).
    skipped: list[str] = field(default_factory=list)
    #: Crawled on a shared frontier (``crawl --redis``): others may have had the work.
    shared: bool = False

    @property
    def fetched(self) -> int:
        """Pages fetched with a usable answer: listings and articles."""
        return self.listings + self.articles_new


def summarize(source: str, stats: Mapping[str, object]) -> CrawlSummary:
    """The summary of one source's crawl from its Scrapy stats."""

    def num(key: str) -> int:
        value = stats.get(key, 0)
        return int(value) if isinstance(value, int | float) else 0

    statuses: Counter[int] = Counter()
    errors = 0
    for key in stats:
        if key.startswith(_STATUS_PREFIX):
            statuses[int(key[len(_STATUS_PREFIX) :])] += num(key)
        elif key.startswith(_ERROR_PREFIX):
            errors += num(key)
    # Failures: what makes the crawl itself broken, not a page of it missing.
    failures = num("sxcrawl/archive_errors") + num("log_count/CRITICAL")
    failures += sum(num(k) for k in stats if k.startswith("spider_exceptions/"))
    return CrawlSummary(
        sources=[source],
        finish_reasons=[str(stats.get("finish_reason", "not started"))],
        requests=num("downloader/request_count"),
        statuses=statuses,
        listings=num("sxcrawl/listings_fetched"),
        articles_new=num("sxcrawl/articles_new"),
        articles_skipped=num("sxcrawl/articles_skipped"),
        bytes=num("downloader/response_bytes"),
        errors=errors + failures,
        failures=failures,
        shared="sxcrawl/frontier/process" in stats,
    )


def combine(summaries: Iterable[CrawlSummary]) -> CrawlSummary:
    """One summary for several sources."""
    total = CrawlSummary(sources=[], finish_reasons=[])
    for s in summaries:
        total.sources += s.sources
        total.finish_reasons += s.finish_reasons
        total.requests += s.requests
        total.statuses.update(s.statuses)
        total.listings += s.listings
        total.articles_new += s.articles_new
        total.articles_skipped += s.articles_skipped
        total.bytes += s.bytes
        total.errors += s.errors
        total.failures += s.failures
        total.flagged += s.flagged
        total.skipped += s.skipped
        total.shared = total.shared or s.shared
    return total


def exit_status(summary: CrawlSummary) -> int:
    """The run's exit status: interrupted, failed, nothing fetched, partial, or ok."""
    reasons = set(summary.finish_reasons)
    if "shutdown" in reasons:
        return EXIT_INTERRUPTED
    if summary.failures or reasons - {"finished"}:
        return EXIT_FAILED
    # A process of a shared crawl may find the others took all the work.
    if summary.fetched == 0 and not (summary.shared and summary.errors == 0):
        return EXIT_NOTHING
    if summary.flagged:
        return EXIT_PARTIAL
    return EXIT_OK


_OUTCOME = {
    EXIT_OK: "ok",
    EXIT_FAILED: "FAILED",
    EXIT_NOTHING: "FETCHED NOTHING",
    EXIT_INTERRUPTED: "interrupted (run again to resume)",
    EXIT_PARTIAL: "partial",
}


def summary_line(summary: CrawlSummary) -> str:
    """``crawl <sources>: <outcome>; requests=… responses=200:…,404:… …``.

    A flagged source follows the outcome, ``partial [eco: empty (…)]``; sources
    skipped as unconfirmed end the line, ``skipped=jzmsyl,paperce``.
    """
    statuses = ",".join(f"{code}:{n}" for code, n in sorted(summary.statuses.items())) or "none"
    outcome = _OUTCOME.get(exit_status(summary), "?")
    if summary.flagged:
        outcome += f" [{'; '.join(summary.flagged)}]"
    skipped = f" skipped={','.join(summary.skipped)}" if summary.skipped else ""
    return (
        f"crawl {'+'.join(summary.sources)}: {outcome}; requests={summary.requests}"
        f" responses={statuses} listings={summary.listings}"
        f" articles_new={summary.articles_new} articles_skipped={summary.articles_skipped}"
        f" bytes={summary.bytes} errors={summary.errors}{skipped}"
    )
