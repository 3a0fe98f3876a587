"""The cleaning runs' log files: one per run, ``logs/clean-<UTC time>.log``, pruned by age.

Written as the crawler writes ``logs/crawl-<UTC time>.log`` and in its
format (Scrapy's: ``2026-11-21 23:12:15 [cleaning.batch.run] INFO: ...``),
so one ``grep`` reads both. ``prune`` deletes the files of runs older than a
number of days (``--keep-logs``), judged by the time in the name; other
files in the directory (the crawler's logs, ``cron.log``) are never touched.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from pathlib import Path

logger = logging.getLogger(__name__)

#: Days of cleaning logs kept: a month of hourly runs is ~720 small files.
DEFAULT_KEEP_DAYS = 30

#: strftime format of the time in a log's name (UTC), as the crawler's.
STAMP_FORMAT = "%Y%m%dT%H%M%SZ"

#: The line format of the crawler's logs (Scrapy's LOG_FORMAT and LOG_DATEFORMAT).
LOG_FORMAT = "%(asctime)s [%(name)s] %(levelname)s: %(message)s"
LOG_DATE_FORMAT = "%Y-%m-%d %H:%M:%S"

_NAME = re.compile(r"^clean-(\d{8}T\d{6}Z)\.log$")


def log_path(directory: Path, started: dt.datetime) -> Path:
    """The log file of a run started at ``started``."""
    return directory / f"clean-{started.astimezone(dt.UTC).strftime(STAMP_FORMAT)}.log"


def prune(directory: Path, keep_days: int, now: dt.datetime) -> list[Path]:
    """Delete cleaning logs of runs started more than ``keep_days`` before ``now``; 0 keeps all.

    Returns the deleted files. A file that cannot be deleted is logged and kept.
    """
    if keep_days <= 0 or not directory.is_dir():
        return []
    cutoff = now - dt.timedelta(days=keep_days)
    deleted = []
    for path in sorted(directory.iterdir()):
        match = _NAME.match(path.name)
        if not match or not path.is_file():
            continue
        started = dt.datetime.strptime(match.group(1), STAMP_FORMAT).replace(tzinfo=dt.UTC)
        if started >= cutoff:
            continue
        try:
            path.unlink()
        except OSError as exc:
            logger.warning("cannot delete the old cleaning log %s: %s", path, exc)
            continue
        deleted.append(path)
    return deleted
