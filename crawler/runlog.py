"""The crawl's log files: one per run, ``logs/crawl-<UTC time>.log``, pruned by age.

Every run writes a new file named for its start time (a process of a shared
crawl adds its host and pid); ``prune`` deletes the crawl logs of runs older
than ``--keep-logs`` days (default ``DEFAULT_KEEP_DAYS``). Both stages name
and prune their logs the same way: ``sxcorpus.runlogs``.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from sxcorpus import runlogs
from sxcorpus.runlogs import DEFAULT_KEEP_DAYS

__all__ = ["DEFAULT_KEEP_DAYS", "log_path", "prune"]

STAGE = "crawl"


def log_path(directory: Path, started: dt.datetime, writer: str = "") -> Path:
    """The log file of a run started at ``started`` (by ``writer``, when several share it)."""
    return runlogs.log_path(directory, STAGE, started, writer)


def prune(directory: Path, keep_days: int, now: dt.datetime) -> list[Path]:
    """Delete crawl logs of runs started more than ``keep_days`` before ``now``; 0 keeps all."""
    return runlogs.prune(directory, STAGE, keep_days, now)
