"""The cleaning runs' log files: one per run, ``logs/clean-<UTC time>.log``, pruned by age.

Named and pruned as the crawler's ``logs/crawl-<UTC time>.log`` are
(``sxcorpus.runlogs``) and written in their format (Scrapy's:
``2026-11-21 23:12:15 [cleaning.batch.run] INFO: ...``), so one ``grep``
reads both; ``prune`` deletes the cleaning logs of runs older than
``--keep-logs`` days and never touches other files.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from sxcorpus import runlogs
from sxcorpus.runlogs import DEFAULT_KEEP_DAYS

__all__ = ["DEFAULT_KEEP_DAYS", "LOG_DATE_FORMAT", "LOG_FORMAT", "log_path", "prune"]

STAGE = "clean"

#: The line format of the crawler's logs (Scrapy's LOG_FORMAT and LOG_DATEFORMAT).
LOG_FORMAT = "%(asctime)s [%(name)s] %(levelname)s: %(message)s"
LOG_DATE_FORMAT = "%Y-%m-%d %H:%M:%S"


def log_path(directory: Path, started: dt.datetime) -> Path:
    """The log file of a run started at ``started``."""
    return runlogs.log_path(directory, STAGE, started)


def prune(directory: Path, keep_days: int, now: dt.datetime) -> list[Path]:
    """Delete cleaning logs of runs started more than ``keep_days`` before ``now``; 0 keeps all."""
    return runlogs.prune(directory, STAGE, keep_days, now)
