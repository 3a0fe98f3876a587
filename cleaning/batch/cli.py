"""``python -m cleaning``: clean the raw archive into the Parquet dataset.

Commands:

- ``process``: clean raw files not yet cleaned by this cleaner version and
  publish the next version of the dataset (``make process``; cron-safe).
- ``reprocess``: rebuild the whole dataset from all raw, beside the current
  one, swapped in only when complete (``make reprocess``).
- ``rollback``: make an older kept version current again.
- ``versions``: list the kept versions.
- ``summary``: per site, articles, date range and repairs fired, and the
  errors by reason, of the published dataset.
- ``show``: one record and the raw response it came from (``--raw FILE``
  saves the bytes, ``--diff`` shows the page's text beside the body).
- ``report``: a self-contained HTML report of the whole dataset, with charts
  (``make report``).

The environment (``SXCORPUS_SITES``) is read here, once, into the cleaner's
config; ``process``, ``reprocess`` and ``rollback`` log to
``DATA_DIR/logs/clean-<UTC time>.log`` in the crawler's format.

Exit status: 0 success, 3 partial (some documents failed: see the errors
table), 1 failure, 75 another run holds the lock, 2 bad arguments.
"""

from __future__ import annotations

import argparse
import datetime as dt
import logging
import os
import sys
import time
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import TextIO

from cleaning.batch import runlog
from cleaning.batch.lock import DatasetLocked, locked
from cleaning.batch.publish import DEFAULT_KEEP_VERSIONS, RollbackError, rollback
from cleaning.batch.read import (
    SiteSummary,
    current_version,
    errors_table,
    kept_versions,
    read_manifest,
    site_summary,
)
from cleaning.batch.run import (
    DEFAULT_MAX_TRIES,
    EXIT_FAILED,
    EXIT_LOCKED,
    EXIT_OK,
    EXIT_PARTIAL,
    ProcessOptions,
    RunStats,
    default_workers,
    run,
)
from cleaning.batch.workers import FileResult
from cleaning.page.config import DEFAULT_SITES_DIR, CleanerConfig
from cleaning.record import CHINA_TZ, CLEANER_VERSION
from sxcorpus import __version__

logger = logging.getLogger("cleaning.batch.cli")

#: Seconds between progress lines when the output is not a terminal (cron):
#: often enough to see a run is alive, rare enough to keep logs short.
PROGRESS_LOG_SECONDS = 30.0

#: Seconds between redraws of the progress bar on a terminal.
PROGRESS_BAR_SECONDS = 0.2

BAR_WIDTH = 30

#: Loggers whose INFO lines describe the run as a whole (the rest log per page).
RUN_LOGGERS = ("cleaning.batch",)

#: Environment variable naming the site-rules directory (the crawler reads it too).
SITES_ENV = "SXCORPUS_SITES"

#: 128 + SIGINT, as a shell reports a command stopped by Ctrl-C.
EXIT_INTERRUPTED = 130

#: Bad arguments or configuration (argparse's own status).
EXIT_USAGE = 2

EXIT_MEANINGS = {
    EXIT_OK: "success",
    EXIT_PARTIAL: "partial: some documents failed, see the errors table",
    EXIT_FAILED: "failure",
    EXIT_LOCKED: "another run holds the lock; nothing done",
}


class Progress:
    """A bar on a terminal, a log line every ``PROGRESS_LOG_SECONDS`` otherwise."""

    def __init__(self, mode: str, stream: TextIO = sys.stderr) -> None:
        if mode == "auto":
            mode = "bar" if stream.isatty() else "log"
        self.mode = mode
        self.stream = stream
        self.files = self.bytes = 0
        self.done_files = self.done_bytes = self.documents = 0
        self.started = time.monotonic()
        self.last_shown = 0.0

    def start(self, files: int, size: int) -> None:
        self.files, self.bytes = files, size
        self.started = time.monotonic()

    def advance(self, result: FileResult) -> None:
        self.done_files += 1
        self.done_bytes += result.processed.size
        self.documents += result.processed.documents
        now = time.monotonic()
        last = self.done_files == self.files
        if self.mode == "bar" and (last or now - self.last_shown >= PROGRESS_BAR_SECONDS):
            self.stream.write("\r" + self._line(now))
            if last:
                self.stream.write("\n")
            self.stream.flush()
            self.last_shown = now
        elif self.mode == "log" and (last or now - self.last_shown >= PROGRESS_LOG_SECONDS):
            logger.info("progress: %s", self._line(now, bar=False))
            self.last_shown = now

    def _line(self, now: float, bar: bool = True) -> str:
        elapsed = max(now - self.started, 1e-6)
        share = self.done_bytes / self.bytes if self.bytes else 1.0
        left = elapsed * (1 - share) / share if share > 0 else 0.0
        rate = self.documents / elapsed
        text = (
            f"{self.done_files:,}/{self.files:,} files  {self.documents:,} documents  "
            f"{rate:,.0f}/s  {_clock(left)} left"
        )
        if not bar:
            return text
        filled = round(BAR_WIDTH * share)
        return f"[{'#' * filled}{'.' * (BAR_WIDTH - filled)}] {text}"


def _clock(seconds: float) -> str:
    minutes, secs = divmod(int(seconds), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}"


def build_parser(prog: str = "python -m cleaning") -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=prog,
        description=(
            "Clean the raw archive (WARC files from the crawler, or saved .html/.txt/.md "
            "pages) into the Parquet dataset analysts load with pandas, pyarrow, DuckDB "
            f"or polars. Cleaner version {CLEANER_VERSION}."
        ),
        epilog=(
            "exit status: 0 success, 3 partial (some documents failed; their URL, raw "
            "file, offset and reason are in the errors table), 1 failure, 75 another "
            "run holds the lock, 2 bad arguments. See docs/dataset.md."
        ),
    )
    parser.add_argument(
        "--version",
        action="version",
        version=f"%(prog)s {__version__} (cleaner version {CLEANER_VERSION})",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    process = commands.add_parser(
        "process",
        help="clean raw files not yet cleaned by this cleaner version",
        description=(
            "Clean the raw files not yet cleaned by this cleaner version and publish the "
            "next version of the dataset. Safe under cron: a lock keeps two runs apart, a "
            "run that dies leaves the dataset as it was, and a file whose worker dies is "
            "retried on the next run (poisoned after --max-tries deaths)."
        ),
    )
    reprocess = commands.add_parser(
        "reprocess",
        help="rebuild the whole dataset from all raw with the current cleaner",
        description=(
            "Rebuild the whole dataset from all raw files with the current cleaner, beside "
            "the published one, and swap it in only when it is complete. Every --raw path "
            "must exist: a missing one fails the run before anything is touched."
        ),
    )
    for sub in (process, reprocess):
        _add_location(sub)
        sub.add_argument(
            "--raw",
            metavar="PATH",
            type=Path,
            action="append",
            help="a raw file or a directory of them (repeatable; default: DATA_DIR/raw)",
        )
        sub.add_argument(
            "--workers",
            metavar="N",
            type=_positive_int,
            default=None,
            help=f"worker processes (default: one per core, here {default_workers()})",
        )
        sub.add_argument(
            "--cluster",
            metavar="ADDRESS",
            help=(
                "clean on the Dask cluster whose scheduler is at ADDRESS (tcp://HOST:8786) "
                "instead of local processes; its workers need the raw, data and sites "
                "directories at the same paths (see docs/scaling.md)"
            ),
        )
        sub.add_argument(
            "--sites",
            metavar="DIR",
            type=Path,
            help=f"site rules directory (default: ${SITES_ENV}, else the repository's sites/)",
        )
        sub.add_argument(
            "--keep-versions",
            metavar="K",
            type=_positive_int,
            default=DEFAULT_KEEP_VERSIONS,
            help=(
                "versions kept after the run, the new one included, for readers and "
                f"`rollback` (default {DEFAULT_KEEP_VERSIONS})"
            ),
        )
        sub.add_argument(
            "--max-tries",
            metavar="N",
            type=_positive_int,
            default=DEFAULT_MAX_TRIES,
            help=(
                "worker deaths on one raw file, across runs, before it is reported "
                f"poisoned and skipped (default {DEFAULT_MAX_TRIES})"
            ),
        )
        sub.add_argument(
            "--progress",
            choices=("auto", "bar", "log", "none"),
            default="auto",
            help="a bar on a terminal, log lines otherwise (default: auto)",
        )
        _add_logs(sub)
        _add_verbosity(sub)
    process.add_argument(
        "--retry-failed",
        action="store_true",
        help=(
            "also clean again the raw files that failed as a whole (unreadable, empty, "
            "not WARC) or were poisoned, changed or not"
        ),
    )
    back = commands.add_parser(
        "rollback",
        help="make an older kept version current again (default: the current one's parent)",
        description=(
            "Point `current` at an older kept version (`versions` lists them), atomically. "
            "The version left stays on disk until pruned, so a rollback can be undone."
        ),
    )
    _add_location(back)
    back.add_argument("--to", metavar="VERSION", help="the version to make current")
    _add_logs(back)
    _add_verbosity(back)
    versions = commands.add_parser(
        "versions",
        help="list the kept versions, the current one marked",
        description="List the versions kept on disk: name, mode, records, errors, parent.",
    )
    _add_location(versions)
    summary = commands.add_parser(
        "summary",
        help="per site: articles, date range, repairs fired; errors by reason",
        description="Summarise the published dataset: one line per site, then the errors.",
    )
    _add_location(summary)
    _add_verbosity(summary)
    show = commands.add_parser(
        "show",
        help="one record and the raw response it came from",
        description=(
            "Print a record of the published dataset (found by doc_id or URL), then the "
            "response it was cleaned from, read from the raw archive at the record's "
            "raw_file and raw_offset: status line, headers and the page decoded with the "
            "codec the cleaner chose."
        ),
    )
    show.add_argument("key", metavar="DOC_ID|URL", help="a doc_id (16 hex digits) or a URL")
    show.add_argument(
        "--raw",
        metavar="FILE",
        type=Path,
        help="also write the response's original bytes (the payload as served) to FILE",
    )
    show.add_argument(
        "--diff",
        action="store_true",
        help="instead of the page's source, a diff from the page's visible text to the body",
    )
    _add_location(show)
    _add_verbosity(show)
    report = commands.add_parser(
        "report",
        help="an HTML report of the whole dataset, with charts",
        description=(
            "Write one self-contained HTML file (charts inline, nothing fetched when it "
            "is opened) describing the published dataset: articles per month and site, "
            "per source outlet, body lengths, syndication groups, repairs and errors."
        ),
    )
    report.add_argument(
        "--data-dir",
        metavar="DIR",
        type=Path,
        default=Path("data"),
        help="the data directory, holding clean/ (default: ./data)",
    )
    report.add_argument(
        "--dataset",
        metavar="DIR",
        type=Path,
        help="the dataset directory (default: DATA_DIR/clean)",
    )
    report.add_argument(
        "--out",
        metavar="FILE",
        type=Path,
        help="the HTML file to write (default: DATA_DIR/report.html)",
    )
    _add_verbosity(report)
    return parser


def _add_location(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--data-dir",
        metavar="DIR",
        type=Path,
        default=Path("data"),
        help="the data directory, holding raw/ and clean/ (default: ./data)",
    )
    parser.add_argument(
        "--out",
        metavar="DIR",
        type=Path,
        help="the dataset directory (default: DATA_DIR/clean)",
    )


def _add_logs(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--keep-logs",
        metavar="DAYS",
        type=_days,
        default=runlog.DEFAULT_KEEP_DAYS,
        help=(
            "delete cleaning logs (DATA_DIR/logs/clean-*.log) of runs older than DAYS at "
            f"the start of each run (default {runlog.DEFAULT_KEEP_DAYS}; 0 keeps them all)"
        ),
    )


def _add_verbosity(parser: argparse.ArgumentParser) -> None:
    group = parser.add_mutually_exclusive_group()
    group.add_argument("-v", "--verbose", action="store_true", help="debug logging")
    group.add_argument("-q", "--quiet", action="store_true", help="warnings and errors only")


def _configure_logging(verbose: bool, quiet: bool, log_file: Path | None = None) -> None:
    """The console: run-level lines at INFO, per-document notes only with ``-v``.

    The log file (when given) gets every INFO line, per document included,
    in the crawler's format: it is what is left to read after a cron run.
    """
    root = logging.getLogger()
    root.setLevel(logging.DEBUG if verbose else logging.INFO)
    console = logging.StreamHandler(sys.stderr)
    console.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    if verbose:
        console.setLevel(logging.DEBUG)
    elif quiet:
        console.setLevel(logging.WARNING)
    else:
        console.setLevel(logging.INFO)
        console.addFilter(_run_level)
    root.addHandler(console)
    if log_file is not None:
        log_file.parent.mkdir(parents=True, exist_ok=True)
        handler = logging.FileHandler(log_file, encoding="utf-8")
        handler.setFormatter(logging.Formatter(runlog.LOG_FORMAT, runlog.LOG_DATE_FORMAT))
        root.addHandler(handler)


def _run_level(record: logging.LogRecord) -> bool:
    """Warnings of every logger, INFO lines of the run's own loggers only."""
    if record.levelno >= logging.WARNING:
        return True
    return any(record.name == n or record.name.startswith(n + ".") for n in RUN_LOGGERS)


def _days(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number of days: {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError("days, zero or more")
    return value


def cleaner_config(sites: Path | None, environ: Mapping[str, str]) -> CleanerConfig:
    """The cleaner's config from the command line and the environment, read once.

    Raises ``ValueError`` (a usage error) when the sites directory named does
    not exist: records would silently fall back to host names.
    """
    if sites is not None:
        where, origin = sites, "--sites"
    elif environ.get(SITES_ENV):
        where, origin = Path(environ[SITES_ENV]), f"${SITES_ENV}"
    else:
        where, origin = DEFAULT_SITES_DIR, "the default"
    if not where.is_dir():
        raise ValueError(f"sites directory {where} (from {origin}) does not exist")
    return CleanerConfig(sites_dir=where)


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return value


def main(argv: Sequence[str] | None = None, prog: str = "python -m cleaning") -> int:
    args = build_parser(prog).parse_args(argv)
    if args.command == "report":
        _configure_logging(args.verbose, args.quiet)
        dataset = args.dataset if args.dataset is not None else args.data_dir / "clean"
        target = args.out if args.out is not None else args.data_dir / "report.html"
        return _report(dataset, target)
    out = args.out if args.out is not None else args.data_dir / "clean"
    if args.command == "versions":
        _configure_logging(False, True)
        return _versions(out)
    if args.command == "summary":
        _configure_logging(args.verbose, args.quiet)
        return _summary(out)
    if args.command == "show":
        _configure_logging(args.verbose, args.quiet)
        return _show(out, args.key, args.raw, args.diff)
    started = dt.datetime.now(dt.UTC)
    logs = args.data_dir / "logs"
    log_file = runlog.log_path(logs, started)
    _configure_logging(args.verbose, args.quiet, log_file)
    pruned = runlog.prune(logs, args.keep_logs, started)
    if pruned:
        logger.info("deleted %d cleaning log(s) older than %d days", len(pruned), args.keep_logs)
    logger.info("%s: cleaner %s, log %s", args.command, CLEANER_VERSION, log_file)
    if args.command == "rollback":
        return _rollback(out, args.to)
    try:
        config = cleaner_config(args.sites, os.environ)
    except ValueError as exc:
        logger.error("%s: %s", args.command, exc)
        return EXIT_USAGE
    raw = tuple(args.raw) if args.raw else (args.data_dir / "raw",)
    options = ProcessOptions(
        raw=raw,
        out=out,
        workers=args.workers,
        full=args.command == "reprocess",
        keep_versions=args.keep_versions,
        max_tries=args.max_tries,
        retry_failed=getattr(args, "retry_failed", False),
        config=config,
    )
    executor = None
    if args.cluster:
        from cleaning.batch.cluster import DaskExecutor  # Dask itself only when it runs

        executor = DaskExecutor(args.cluster)
    progress = Progress("none" if args.quiet else args.progress)
    try:
        stats = run(options, on_start=progress.start, on_file=progress.advance, executor=executor)
    except KeyboardInterrupt:
        logger.error("%s interrupted: the dataset is unchanged", args.command)
        print(f"\n{args.command} interrupted: the dataset is unchanged", file=sys.stderr)
        return EXIT_INTERRUPTED
    except OSError as exc:  # a missing archive, a full disk: the message says it all
        logger.error("%s failed, the dataset is unchanged: %s", args.command, exc)
        return EXIT_FAILED
    except Exception as exc:
        logger.error("%s failed, the dataset is unchanged: %s", args.command, exc, exc_info=True)
        return EXIT_FAILED
    _print_run(stats, options, args.cluster)
    logger.info("%s finished: exit status %d", args.command, stats.exit_code)
    return stats.exit_code


def _rollback(out: Path, to: str | None) -> int:
    try:
        with locked(out):
            left, now = rollback(out, to)
    except DatasetLocked as exc:
        print(f"not run: {exc}", file=sys.stderr)
        return EXIT_LOCKED
    except RollbackError as exc:
        logger.error("rollback: %s", exc)
        return EXIT_FAILED
    print(f"rolled back: current is now version {now} (was {left})")
    return EXIT_OK


def _versions(out: Path) -> int:
    kept = kept_versions(out)
    if not kept:
        print(f"no dataset at {out}: run `python -m cleaning process` first", file=sys.stderr)
        return EXIT_FAILED
    current = current_version(out)
    rows = [("", "version", "mode", "records", "errors", "parent")]
    for version in reversed(kept):
        manifest = read_manifest(version)
        rows.append(
            (
                "*" if current is not None and version.name == current.name else "",
                version.name,
                str(manifest.get("mode", "")),
                f"{manifest.get('records', 0):,}",
                f"{manifest.get('errors', 0):,}",
                str(manifest.get("parent") or "-"),
            )
        )
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    for row in rows:
        print("  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip())
    return EXIT_OK


def _print_run(stats: RunStats, options: ProcessOptions, cluster: str | None = None) -> None:
    if stats.locked is not None:
        print(f"not run: {stats.locked}", file=sys.stderr)
        return
    if stats.version is None:
        print(f"nothing to do: no raw file is new to cleaner {CLEANER_VERSION}")
        return
    workers = min(options.workers or default_workers(), stats.raw_files)
    where = f"on the cluster at {cluster}" if cluster else f"{workers} workers"
    rate = stats.documents / stats.seconds if stats.seconds else 0.0
    print(f"cleaned {stats.raw_files:,} raw files in {stats.seconds:.1f} s ({where})")
    rows = [
        ("documents read", f"{stats.documents:,} ({rate:,.0f}/s)"),
        ("records written", f"{stats.records:,}"),
        ("errors", _counts(stats.errors) if stats.errors else "0"),
        ("repairs fired", _counts(stats.repairs) if stats.repairs else "none"),
    ]
    if stats.worker_deaths:
        rows.append(("worker deaths", f"{stats.worker_deaths:,}"))
    if stats.left_for_next_run:
        rows.append(
            (
                "left for next run",
                f"{len(stats.left_for_next_run):,} files (their worker died; retried by the "
                "next process)",
            )
        )
    if stats.poisoned:
        rows.append(("poisoned", ", ".join(stats.poisoned) + " (see --retry-failed)"))
    rows += [
        (
            "dataset",
            f"{stats.dataset_records:,} records, {stats.dataset_errors:,} errors "
            f"in {options.out / 'current'} (version {stats.version})",
        ),
    ]
    for label, value in rows:
        print(f"  {label:<16} {value}")
    print(f"exit status {stats.exit_code}: {EXIT_MEANINGS[stats.exit_code]}")


def _counts(counts: Counter[str]) -> str:
    total = sum(counts.values())
    return f"{total:,}: " + _by_count(counts.items())


def _by_count(items: Iterable[tuple[str, int]]) -> str:
    ordered = sorted(items, key=lambda item: (-item[1], item[0]))
    return ", ".join(f"{name} {n:,}" for name, n in ordered)


def _summary(out: Path) -> int:
    try:
        sites = site_summary(out)
        errors = errors_table(out)
    except FileNotFoundError as exc:
        print(exc, file=sys.stderr)
        return EXIT_FAILED
    print(format_summary(sites, Counter(errors.column("reason").to_pylist())))
    return EXIT_OK


def _show(out: Path, key: str, raw: Path | None, as_diff: bool) -> int:
    from cleaning.batch import show

    try:
        row = show.find_record(out, key)
    except (FileNotFoundError, show.NotFound) as exc:
        print(exc, file=sys.stderr)
        return EXIT_FAILED
    print(show.format_record(row))
    print()
    if row.get("raw_file") is None:
        print("no raw file recorded for this row", file=sys.stderr)
        return EXIT_FAILED
    path = show.raw_path(out, row["raw_file"])
    try:
        response = show.read_raw(path, row.get("raw_offset") or 0)
    except (OSError, ValueError) as exc:
        print(f"cannot read the raw response: {exc}", file=sys.stderr)
        return EXIT_FAILED
    if as_diff:
        print(show.format_status(response))
        print()
        page = show.decode(response.payload, row.get("encoding"))
        for line in show.diff(show.page_text(page), row["body"]):
            print(line)
    else:
        print(show.format_response(response, row.get("encoding")))
    if raw is not None:
        raw.write_bytes(response.payload)
        print(f"\nwrote the {len(response.payload):,} original bytes to {raw}", file=sys.stderr)
    return EXIT_OK


def _report(dataset: Path, target: Path) -> int:
    from cleaning.batch import report

    try:
        written = report.write_report(dataset, target)
    except FileNotFoundError as exc:
        print(exc, file=sys.stderr)
        return EXIT_FAILED
    print(f"wrote {written} ({written.stat().st_size / 1024:,.0f} KB): open it in a browser")
    return EXIT_OK


def format_summary(sites: Sequence[SiteSummary], errors: Counter[str]) -> str:
    """The per-site table: site, articles, publication dates (China time), repairs fired."""
    header = ("site", "articles", "from", "to", "repairs fired")
    rows = [header]
    for s in sites:
        rows.append(
            (
                s.site,
                f"{s.articles:,}",
                _day(s.first),
                _day(s.last),
                _by_count(s.repairs.items()) or "none",
            )
        )
    rows.append(("total", f"{sum(s.articles for s in sites):,}", "", "", ""))
    widths = [max(len(row[i]) for row in rows) for i in range(len(header) - 1)]
    rule = (*("-" * w for w in widths), "-" * len(header[-1]))
    lines = []
    for row in [rows[0], rule, *rows[1:]]:
        cells = [row[0].ljust(widths[0]), row[1].rjust(widths[1])]
        cells += [cell.ljust(w) for cell, w in zip(row[2:4], widths[2:4], strict=True)]
        lines.append("  ".join([*cells, row[4]]).rstrip())
    lines.append(f"errors: {_by_count(errors.items())}" if errors else "errors: none")
    return "\n".join(lines)


def _day(moment: dt.datetime | None) -> str:
    return moment.astimezone(CHINA_TZ).date().isoformat() if moment is not None else "-"
