"""The crawl's log files: one per run, ``logs/crawl-<UTC time>.log``, pruned by age.

Every run writes a new file named for its start time; ``prune`` deletes the
files of runs older than a number of days (``--keep-logs``, default
``DEFAULT_KEEP_DAYS``), judged by the time in the name, so that an hourly
cron crawl does not fill the disk with logs. Other files in the directory
(``cron.log``, a sample server's log) are never touched.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from pathlib import Path

logger = logging.getLogger(__name__)

#: Days of crawl logs kept: a month of hourly runs is ~720 files of ~10-50 KB,
#: enough to look back at a source that went quiet.
DEFAULT_KEEP_DAYS = 30

#: strftime format of the time in a log's name (UTC).
STAMP_FORMAT = "%Y%m%dT%H%M%SZ"

# crawl-<time>.log, or crawl-<time>-<host>-<pid>.log for a process of a shared crawl.
_NAME = re.compile(r"^crawl-(\d{8}T\d{6}Z)(-[^/]+)?\.log$")


def log_path(directory: Path, started: dt.datetime, writer: str = "") -> Path:
    """The log file of a run started at ``started`` (by ``writer``, when several share it)."""
    stamp = started.astimezone(dt.UTC).strftime(STAMP_FORMAT)
    return directory / (f"crawl-{stamp}-{writer}.log" if writer else f"crawl-{stamp}.log")


def prune(directory: Path, keep_days: int, now: dt.datetime) -> list[Path]:
    """Delete crawl logs of runs started more than ``keep_days`` before ``now``; 0 keeps all.

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
            logger.warning("cannot delete the old crawl log %s: %s", path, exc)
            continue
        deleted.append(path)
    return deleted
