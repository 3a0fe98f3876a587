"""The run logs of both stages: one file per run, ``<stage>-<UTC time>.log``, pruned by age.

The crawler writes ``logs/crawl-<time>.log`` (``crawl-<time>-<writer>.log``
for a process of a shared crawl, ``crawler.runlog``), the cleaner
``logs/clean-<time>.log`` (``cleaning.batch.runlog``). ``prune`` deletes the
files of one stage's runs older than a number of days (``--keep-logs``),
judged by the time in the name, so that an hourly cron job does not fill the
disk; other files in the directory (the other stage's logs, ``cron.log``, a
sample server's log) are never touched.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from pathlib import Path

logger = logging.getLogger(__name__)

#: Days of logs kept: a month of hourly runs is ~720 files of ~10-50 KB,
#: enough to look back at a source that went quiet or a run that failed.
DEFAULT_KEEP_DAYS = 30

#: strftime format of the time in a log's name (UTC).
STAMP_FORMAT = "%Y%m%dT%H%M%SZ"


def log_path(directory: Path, stage: str, started: dt.datetime, writer: str = "") -> Path:
    """The log file of ``stage``'s run started at ``started`` (by ``writer``,
    when several processes share the run)."""
    stamp = started.astimezone(dt.UTC).strftime(STAMP_FORMAT)
    return directory / (f"{stage}-{stamp}-{writer}.log" if writer else f"{stage}-{stamp}.log")


def prune(directory: Path, stage: str, keep_days: int, now: dt.datetime) -> list[Path]:
    """Delete ``stage``'s logs of runs started more than ``keep_days`` before
    ``now``; 0 keeps all.

    Returns the deleted files. A file that cannot be deleted is logged and kept.
    """
    if keep_days <= 0 or not directory.is_dir():
        return []
    name = re.compile(rf"^{re.escape(stage)}-(\d{{8}}T\d{{6}}Z)(-[^/]+)?\.log$")
    cutoff = now - dt.timedelta(days=keep_days)
    deleted = []
    for path in sorted(directory.iterdir()):
        match = name.match(path.name)
        if not match or not path.is_file():
            continue
        started = dt.datetime.strptime(match.group(1), STAMP_FORMAT).replace(tzinfo=dt.UTC)
        if started >= cutoff:
            continue
        try:
            path.unlink()
        except OSError as exc:
            logger.warning("cannot delete the old %s log %s: %s", stage, path, exc)
            continue
        deleted.append(path)
    return deleted
