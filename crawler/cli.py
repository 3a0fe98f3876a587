"""The crawler's command line: ``python -m crawler crawl`` (``make crawl``), ``sources``
and ``check-source``.

A run checks its settings, header values and data directory (status 2 and
one line when something is wrong), takes the crawl lock, finishes WARC files
a killed run left open (and brings the archived-articles store in line with
them), crawls each selected source with its own Scrapy crawler (one process,
one reactor), logs to ``data/logs/crawl-<time>.log`` (older logs pruned),
prints one summary line and exits with a status cron can act on. See
``docs/crawling.md``. ``sxcorpus crawl`` is the same command.
"""

from __future__ import annotations

import argparse
import datetime as dt
import logging
import os
import shutil
import socket
import sys
from pathlib import Path

from scrapy.crawler import Crawler, CrawlerProcess
from scrapy.settings import Settings
from scrapy.utils.reactor import install_reactor

from crawler.checksource import add_parser as add_check_source
from crawler.checksource import run as check_source_command
from crawler.health import check_source
from crawler.lock import CrawlLock, LockHeld
from crawler.preflight import (
    ConfigError,
    check_data_dir,
    check_header_values,
    check_overrides,
    header_values,
    parse_overrides,
)
from crawler.runlog import DEFAULT_KEEP_DAYS, log_path, prune
from crawler.settings import SXCRAWL_PLACEHOLDER_CONTACT, SXCRAWL_REDIS_URL
from crawler.sources import SITES_ENV, Source, SourceError, load_sources, sites_dir
from crawler.spiders.source import SourceSpider
from crawler.state import ArchivedStore
from crawler.summary import (
    EXIT_LOCKED,
    EXIT_OK,
    EXIT_USAGE,
    combine,
    exit_status,
    summarize,
    summary_line,
)
from crawler.warc import recover_open_files, response_urls
from sxcorpus import __version__

logger = logging.getLogger(__name__)

EPILOG = """\
exit status of `crawl`:
  0   the crawl finished and fetched pages (new articles or not), every source healthy
  1   the crawl failed (archive write error, crash, a source could not finish)
  2   bad usage or configuration (unknown source, unreadable sites file, no enabled
      source, a bad --set value, a control character in a header value, an
      unusable --data-dir)
  3   the crawl fetched nothing at all (every request failed: network down?)
  4   interrupted (SIGTERM/Ctrl-C): run the same command again to resume
  5   partial: a source is unhealthy (empty, failed, layout-changed; named in the summary)
  75  another crawl is running (the lock data/state/crawl.lock is held)

files (under --data-dir, default data/):
  raw/<source>/<source>-<UTC time>-<seq>.warc.gz   the archive (*.open while written)
  state/archived.sqlite3                           article URLs already archived
  state/jobs/<source>/                             Scrapy JOBDIR of an unfinished crawl
  state/crawl.lock                                 held while a crawl runs
  logs/crawl-<UTC time>.log                        one log per run (--keep-logs days)

sources with `enabled = false` in sites/*.toml are not confirmed on the live
site: `crawl` skips them (and says so) unless named with --source or
--include-disabled. Confirm one with `python -m crawler check-source`.

examples:
  python -m crawler crawl                               enabled sources, polite, incremental
  python -m crawler crawl --source finews --full        one source, refetch every article
  python -m crawler.testing.sampleserver &                      then, with the port it prints:
  python -m crawler crawl --mirror http://127.0.0.1:PORT --set DOWNLOAD_DELAY=0
"""


def build_parser(prog: str = "python -m crawler") -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=prog,
        description=(
            "Crawl the configured news sources (sites/*.toml) politely and incrementally, "
            "archiving every article response as served into gzip WARC files for the "
            "cleaning stage. Listing pages are fetched every run, article pages once."
        ),
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    crawl = commands.add_parser(
        "crawl",
        help="crawl sources into data/raw/ (cron-safe: locked, logged, summarised)",
        description="Crawl sources into the raw WARC archive.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    crawl.add_argument(
        "--source",
        action="append",
        metavar="NAME",
        help="crawl only this source (repeatable; default: every sites/*.toml)",
    )
    crawl.add_argument(
        "--mirror",
        metavar="URL",
        help=(
            "send every request through this HTTP proxy, e.g. the sample server "
            "(python -m crawler.testing.sampleserver): URLs stay the real ones"
        ),
    )
    crawl.add_argument(
        "--include-disabled",
        action="store_true",
        help=(
            "also crawl the sources not confirmed yet (enabled = false), e.g. on the sample "
            "mirror; on the live web, confirm them first (check-source, docs/sources.md)"
        ),
    )
    crawl.add_argument(
        "--full", action="store_true", help="fetch every article again, archived or not"
    )
    crawl.add_argument(
        "--data-dir",
        type=Path,
        default=Path("data"),
        help="where raw/, state/ and logs/ live (default: data)",
    )
    crawl.add_argument(
        "--sites",
        metavar="DIR",
        help="sites directory (default: $SXCORPUS_SITES, else the repository's sites/)",
    )
    crawl.add_argument(
        "--contact",
        help="contact (URL or mailto:) for the User-Agent (default: $SXCORPUS_CONTACT)",
    )
    crawl.add_argument(
        "--redis",
        metavar="URL",
        help=(
            "crawl with other processes through one shared frontier in Redis, e.g. "
            "redis://HOST:6379/0 (default: $SXCORPUS_REDIS_URL; see docs/scaling.md). "
            "No lock then: start as many processes, on as many hosts, as you like"
        ),
    )
    crawl.add_argument(
        "--keep-logs",
        type=int,
        default=DEFAULT_KEEP_DAYS,
        metavar="DAYS",
        help=(
            "delete crawl logs (DATA_DIR/logs/crawl-*.log) of runs older than DAYS"
            f" at the start of each run (default {DEFAULT_KEEP_DAYS}; 0 keeps them all)"
        ),
    )
    crawl.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help=(
            "override a setting of crawler/settings.py or Scrapy, after the sources' [crawl] "
            "tables (repeatable), e.g. --set DOWNLOAD_DELAY=0 --set AUTOTHROTTLE_ENABLED=false"
        ),
    )
    sources = commands.add_parser("sources", help="list the configured sources")
    sources.add_argument("--sites", metavar="DIR", help="sites directory")
    add_check_source(commands)
    return parser


def source_settings(
    source: Source,
    args: argparse.Namespace,
    log_file: Path,
    overrides: dict[str, str],
) -> Settings:
    """The settings of one source's crawler: project < source [crawl] < command line."""
    data = args.data_dir
    settings = Settings()
    settings.setmodule("crawler.settings", priority="project")
    settings.set("DOWNLOAD_DELAY", source.download_delay, priority="spider")
    settings.set("AUTOTHROTTLE_START_DELAY", source.download_delay, priority="spider")
    settings.set("CONCURRENT_REQUESTS_PER_DOMAIN", source.concurrency, priority="spider")
    run: dict[str, object] = {
        "SXCRAWL_RAW_DIR": str(data / "raw"),
        "SXCRAWL_STATE_FILE": str(data / "state" / "archived.sqlite3"),
        "SXCRAWL_FULL": args.full,
        "JOBDIR": str(data / "state" / "jobs" / source.name),
        "LOG_FILE": str(log_file),
        # Should an operator turn the remote-control endpoint on, its token
        # file goes to the data directory, not the home directory.
        "REMOTE_CONTROL_JOBS_DIR": str(data / "state" / "remote-control"),
    }
    if args.mirror:
        run.update(SXCRAWL_MIRROR_ENABLED=True, SXCRAWL_MIRROR=args.mirror)
    if args.contact:
        run["SXCRAWL_CONTACT"] = args.contact
    settings.setdict(run, priority="cmdline")
    settings.setdict(overrides, priority="cmdline")
    if "USER_AGENT" not in overrides:
        # The User-Agent names the contact, wherever the contact was set.
        template = settings["SXCRAWL_USER_AGENT_TEMPLATE"]
        agent = template.format(contact=settings["SXCRAWL_CONTACT"])
        settings.set("USER_AGENT", agent, priority="cmdline")
    if args.redis:
        from crawler import frontier  # needs the `scale` extra: only when asked for

        frontier.configure(settings, args.redis, source.name)
    return settings


def _base_settings() -> Settings:
    """Scrapy's defaults and the crawler's settings module, nothing per run."""
    settings = Settings()
    settings.setmodule("crawler.settings", priority="project")
    return settings


def _crawl(args: argparse.Namespace) -> int:
    if args.sites:
        # The health check's quick clean reads the same sites' [extract] rules.
        os.environ[SITES_ENV] = str(args.sites)
    try:
        sources = load_sources(sites_dir(args.sites))
        overrides = parse_overrides(args.set)
        for warning in check_overrides(overrides, _base_settings()):
            print(f"crawl: warning: {warning}", file=sys.stderr)
    except (SourceError, ConfigError) as exc:
        print(f"crawl: {exc}", file=sys.stderr)
        return EXIT_USAGE
    wanted = args.source or sorted(
        n for n, s in sources.items() if s.enabled or args.include_disabled
    )
    unknown = [name for name in wanted if name not in sources]
    if unknown:
        print(
            f"crawl: unknown source {', '.join(unknown)}; configured: {', '.join(sorted(sources))}",
            file=sys.stderr,
        )
        return EXIT_USAGE
    skipped = [] if args.source else sorted(set(sources) - set(wanted))
    if not wanted:
        print(
            f"crawl: no enabled source (not confirmed, skipped: {', '.join(skipped)});"
            " confirm one with check-source (docs/sources.md), or --include-disabled",
            file=sys.stderr,
        )
        return EXIT_USAGE
    data: Path = args.data_dir
    args.redis = args.redis or overrides.get("SXCRAWL_REDIS_URL") or SXCRAWL_REDIS_URL
    try:
        if args.keep_logs < 0:
            raise ConfigError(f"--keep-logs {args.keep_logs}: days, zero or more")
        probe = source_settings(sources[wanted[0]], args, data / "logs" / "probe.log", overrides)
        check_header_values(header_values(probe))
        check_data_dir(data)
    except ConfigError as exc:
        print(f"crawl: {exc}", file=sys.stderr)
        return EXIT_USAGE
    if args.redis:
        # Processes of a shared crawl coordinate through Redis, not the lock.
        problem = _frontier_problem(args.redis)
        if problem:
            print(f"crawl: {problem}", file=sys.stderr)
            return EXIT_USAGE
        return _run(args, [sources[name] for name in wanted], overrides, skipped)
    lock = CrawlLock(data / "state" / "crawl.lock")
    try:
        lock.acquire()
    except LockHeld as exc:
        print(f"crawl: {exc}; not starting a second one", file=sys.stderr)
        return EXIT_LOCKED
    try:
        return _run(args, [sources[name] for name in wanted], overrides, skipped)
    finally:
        lock.release()


def _frontier_problem(url: str) -> str | None:
    """Why a shared crawl at Redis ``url`` cannot start, or None."""
    try:
        from crawler.frontierstate import FrontierUnavailable, connect
    except ImportError as exc:
        return f"--redis needs the scale extra (pip install -e '.[scale]'): {exc}"
    try:
        connect(url).close()
    except FrontierUnavailable as exc:
        return str(exc)
    return None


def _run(
    args: argparse.Namespace,
    sources: list[Source],
    overrides: dict[str, str],
    skipped: list[str],
) -> int:
    data: Path = args.data_dir
    now = dt.datetime.now(dt.UTC)
    # Processes of a shared crawl may share data/: one log each.
    writer = f"{socket.gethostname()}-{os.getpid()}" if args.redis else ""
    log_file = log_path(data / "logs", now, writer)
    pruned = prune(data / "logs", args.keep_logs, now)
    settings = [source_settings(s, args, log_file, overrides) for s in sources]
    # The process's own settings hold nothing per source: Scrapy merges them into
    # each crawler's, replacing values of equal priority.
    shared = _base_settings()
    shared.setdict({"LOG_FILE": str(log_file), **overrides}, priority="cmdline")
    install_reactor(shared["TWISTED_REACTOR"])
    process = CrawlerProcess(shared)
    for name in ("crawler", "scrapy"):
        logging.getLogger(name).setLevel(logging.INFO)
    print(f"crawl {'+'.join(s.name for s in sources)}: log {log_file}", flush=True)
    if sys.stderr.isatty():
        _progress_to_terminal()
    if pruned:
        logger.info("deleted %d crawl log(s) older than %d days", len(pruned), args.keep_logs)
    if not args.redis:  # a shared crawl finishes its dead processes' files itself
        _recover(data)
    first = settings[0]
    live = not first.getbool("SXCRAWL_MIRROR_ENABLED")
    if live and first["SXCRAWL_CONTACT"] == SXCRAWL_PLACEHOLDER_CONTACT:
        logger.warning("no contact set for the User-Agent: set $SXCORPUS_CONTACT or --contact")
    if skipped:
        logger.warning(
            "skipped, not confirmed (enabled = false): %s; see docs/sources.md", ", ".join(skipped)
        )
    for source in sources:
        if not source.enabled:
            logger.warning(
                "crawling %s although it is not confirmed (enabled = false)", source.name
            )
    crawlers = []
    for source, source_set in zip(sources, settings, strict=True):
        crawler = Crawler(SourceSpider, source_set)
        crawlers.append((source, crawler))
        process.crawl(crawler, source=source)
    process.start()
    summaries = []
    for source, crawler in crawlers:
        stats = crawler.stats.get_stats() if crawler.stats is not None else {}
        summary = summarize(source.name, stats)
        # A process of a shared crawl judges only its own failures (crawler.health).
        samples = [] if args.redis else getattr(crawler.spider, "health_samples", [])
        health = check_source(source.name, stats, samples, source.kinds, summary.failures)
        if health.flagged:
            summary.flagged.append(health.flag())
        summaries.append(summary)
        logger.info("%s", summary_line(summary))
        if summary.finish_reasons == ["finished"]:
            shutil.rmtree(data / "state" / "jobs" / source.name, ignore_errors=True)
    total = combine(summaries)
    total.skipped = skipped
    line = summary_line(total)
    logger.info("%s", line)
    print(line, flush=True)
    return exit_status(total)


def _recover(data: Path) -> None:
    """Finish WARC files a killed crawl left open; make the store agree with them."""
    recovered = recover_open_files(data / "raw")
    if not recovered:
        return
    logger.warning("finished %d WARC file(s) left open by a killed crawl", len(recovered))
    store = ArchivedStore(data / "state" / "archived.sqlite3")
    try:
        for path in recovered:
            added, removed = store.reconcile(path.name, path.parent.name, response_urls(path))
            if added or removed:
                logger.warning(
                    "%s: recorded %d URL(s) it holds that the store missed; forgot %d it"
                    " no longer holds (they will be fetched again)",
                    path.name,
                    added,
                    removed,
                )
    finally:
        store.close()


def _progress_to_terminal() -> None:
    """Someone is watching: echo progress (once a minute) and warnings to stderr too."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(message)s", "%H:%M:%S"))
    handler.addFilter(
        lambda record: (
            record.levelno >= logging.WARNING or record.name == "scrapy.extensions.logstats"
        )
    )
    logging.getLogger().addHandler(handler)


def _list_sources(args: argparse.Namespace) -> int:
    try:
        sources = load_sources(sites_dir(args.sites))
    except SourceError as exc:
        print(f"sources: {exc}", file=sys.stderr)
        return EXIT_USAGE
    for source in sources.values():
        status = "enabled" if source.enabled else "disabled (not confirmed)"
        starts = " ".join((*source.start_urls, *source.feeds, *source.sitemaps))
        print(
            f"{source.name}\t{status}\t{source.base_url}\tdelay={source.download_delay}s"
            f" concurrency={source.concurrency}\t{starts}"
        )
    return EXIT_OK


def main(argv: list[str] | None = None, prog: str = "python -m crawler") -> int:
    args = build_parser(prog).parse_args(argv)
    if args.command == "sources":
        return _list_sources(args)
    if args.command == "check-source":
        return check_source_command(args)
    return _crawl(args)
