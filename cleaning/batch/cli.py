"""``python -m cleaning``: clean the raw archive into the Parquet dataset.

Commands:

- ``process``: clean raw files not yet cleaned by this cleaner version and
  publish the next version of the dataset (``make process``; cron-safe).
- ``reprocess``: rebuild the whole dataset from all raw, beside the current
  one, swapped in only when complete (``make reprocess``).
- ``summary``: per site, articles, date range and repairs fired, and the
  errors by reason, of the published dataset.
- ``show``: one record and the raw response it came from (``--raw FILE``
  saves the bytes, ``--diff`` shows the page's text beside the body).
- ``report``: a self-contained HTML report of the whole dataset, with charts
  (``make report``).

Exit status: 0 success, 3 partial (some documents failed: see the errors
table), 1 failure, 75 another run holds the lock, 2 bad arguments.
"""

from __future__ import annotations

import argparse
import datetime as dt
import logging
import sys
import time
from collections import Counter
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TextIO

from cleaning.batch.dataset import CHINA_TIME, SiteSummary, errors_table, site_summary
from cleaning.batch.run import (
    EXIT_FAILED,
    EXIT_LOCKED,
    EXIT_OK,
    EXIT_PARTIAL,
    FileResult,
    ProcessOptions,
    RunStats,
    default_workers,
    run,
)
from cleaning.record import CLEANER_VERSION

logger = logging.getLogger("cleaning.batch.cli")

#: Seconds between progress lines when the output is not a terminal (cron):
#: often enough to see a run is alive, rare enough to keep logs short.
PROGRESS_LOG_SECONDS = 30.0

#: Seconds between redraws of the progress bar on a terminal.
PROGRESS_BAR_SECONDS = 0.2

BAR_WIDTH = 30

#: Loggers whose INFO lines describe the run as a whole (the rest log per page).
RUN_LOGGERS = (
    "cleaning.batch.cli",
    "cleaning.batch.run",
    "cleaning.batch.dataset",
    "cleaning.batch.rawio",
    "cleaning.batch.syndication",
)

#: 128 + SIGINT, as a shell reports a command stopped by Ctrl-C.
EXIT_INTERRUPTED = 130

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


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m cleaning",
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
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    process = commands.add_parser(
        "process",
        help="clean raw files not yet cleaned by this cleaner version",
        description=(
            "Clean the raw files not yet cleaned by this cleaner version and publish the "
            "next version of the dataset. Safe under cron: a lock keeps two runs apart and "
            "a run that dies leaves the dataset as it was."
        ),
    )
    reprocess = commands.add_parser(
        "reprocess",
        help="rebuild the whole dataset from all raw with the current cleaner",
        description=(
            "Rebuild the whole dataset from all raw files with the current cleaner, beside "
            "the published one, and swap it in only when it is complete."
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
            "--progress",
            choices=("auto", "bar", "log", "none"),
            default="auto",
            help="a bar on a terminal, log lines otherwise (default: auto)",
        )
        _add_verbosity(sub)
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


def _add_verbosity(parser: argparse.ArgumentParser) -> None:
    group = parser.add_mutually_exclusive_group()
    group.add_argument("-v", "--verbose", action="store_true", help="debug logging")
    group.add_argument("-q", "--quiet", action="store_true", help="warnings and errors only")


def _configure_logging(verbose: bool, quiet: bool) -> None:
    """Run-level lines at INFO; per-document notes (one per page) only with ``-v``."""
    logging.basicConfig(
        level=logging.DEBUG if verbose else logging.WARNING,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )
    if not verbose and not quiet:
        for name in RUN_LOGGERS:
            logging.getLogger(name).setLevel(logging.INFO)


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return value


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    _configure_logging(args.verbose, args.quiet)
    if args.command == "report":
        dataset = args.dataset if args.dataset is not None else args.data_dir / "clean"
        target = args.out if args.out is not None else args.data_dir / "report.html"
        return _report(dataset, target)
    out = args.out if args.out is not None else args.data_dir / "clean"
    if args.command == "summary":
        return _summary(out)
    if args.command == "show":
        return _show(out, args.key, args.raw, args.diff)
    raw = tuple(args.raw) if args.raw else (args.data_dir / "raw",)
    options = ProcessOptions(
        raw=raw, out=out, workers=args.workers, full=args.command == "reprocess"
    )
    progress = Progress("none" if args.quiet else args.progress)
    try:
        stats = run(options, on_start=progress.start, on_file=progress.advance)
    except KeyboardInterrupt:
        print(f"\n{args.command} interrupted: the dataset is unchanged", file=sys.stderr)
        return EXIT_INTERRUPTED
    except OSError as exc:  # a missing archive, a full disk: the message says it all
        logger.error("%s failed, the dataset is unchanged: %s", args.command, exc)
        return EXIT_FAILED
    except Exception as exc:
        logger.error("%s failed, the dataset is unchanged: %s", args.command, exc, exc_info=True)
        return EXIT_FAILED
    _print_run(stats, options)
    return stats.exit_code


def _print_run(stats: RunStats, options: ProcessOptions) -> None:
    if stats.locked is not None:
        print(f"not run: {stats.locked}", file=sys.stderr)
        return
    if not stats.raw_files:
        print(f"nothing to do: no raw file is new to cleaner {CLEANER_VERSION}")
        return
    workers = min(options.workers or default_workers(), stats.raw_files)
    rate = stats.documents / stats.seconds if stats.seconds else 0.0
    print(f"cleaned {stats.raw_files:,} raw files in {stats.seconds:.1f} s ({workers} workers)")
    rows = [
        ("documents read", f"{stats.documents:,} ({rate:,.0f}/s)"),
        ("records written", f"{stats.records:,}"),
        ("errors", _counts(stats.errors) if stats.errors else "0"),
        ("repairs fired", _counts(stats.repairs) if stats.repairs else "none"),
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
    return moment.astimezone(CHINA_TIME).date().isoformat() if moment is not None else "-"
