"""The dataset's layout under ``data/clean/``: names, file schema, partitions, state.

::

    <root>/current -> versions/<id>                  the published version (a symbolic link)
    <root>/versions/<id>/records/<site>/<YYYY-MM>/part-<n>.parquet
    <root>/versions/<id>/records/<site>/undated/part-<n>.parquet
    <root>/versions/<id>/errors/part-<run>.parquet
    <root>/versions/<id>/state/processed.parquet      raw files seen, and what they gave
    <root>/versions/<id>/manifest.json               counts, parent, cleaner versions
    <root>/staging/<run>/                            a run in progress
    <root>/.lock

Every column is in the files, ``site`` and ``month`` included; the
directories only group the files (they are not ``key=value``), so pandas,
pyarrow, DuckDB and polars read ``records/`` with the files' own types, and
a filter on ``site`` or ``month`` skips other files by their statistics.
``month`` is null for an undated record, so ``month >= '2022-01'`` leaves
undated records out instead of counting them as later than every date.

This module holds no I/O but ``new_run_id``'s clock: the readers (``read``)
and the writers (``staging``, ``merge``, ``publish``) both build on it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import uuid
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import pyarrow as pa

from cleaning.record import CHINA_TZ, RECORD_SCHEMA

CURRENT = "current"
VERSIONS = "versions"
STAGING = "staging"
RECORDS = "records"
ERRORS = "errors"
STATE = "state"
STATE_FILE = "processed.parquet"
MANIFEST = "manifest.json"
LOCK_FILE = ".lock"

#: Directory of the records of a site that have no publication date.
UNDATED_DIR = "undated"

#: Bumped when the layout of the files changes (not their record schema):
#: a version written with another layout is rebuilt by the next ``process``.
#: 2: ``site`` and ``month`` in the files, plain directories, null undated month.
LAYOUT_VERSION = 2

#: The records files: the record's columns, then the month of publication
#: (``YYYY-MM`` in China time, null when undated).
DATASET_SCHEMA = RECORD_SCHEMA.append(pa.field("month", pa.string()))

#: Final files: on the demo's records zstd level 3 writes 54% of the
#: uncompressed size where snappy writes 66%, for little more time.
COMPRESSION = "zstd"
COMPRESSION_LEVEL = 3

#: Rows per row group: ~18 MB at the sample records' ~1.8 KB a row (in
#: Arrow), small enough that a reader needing a few rows reads little.
ROW_GROUP_ROWS = 10_000

#: A partition with more rows is written as several part files, so that no
#: single merge holds more than this many rows of one partition at once.
FILE_ROWS = 100_000

#: What became of a raw file (the state table's ``outcome``).
CLEANED = "cleaned"  # its documents are in the records or errors table
FILE_FAILED = "file-failed"  # one error row for the whole file (unreadable, not-warc…)
CRASHED = "crashed"  # a worker died on it: not processed, retried next run
POISONED = "poisoned"  # workers died on it on every try: one error row, kept for --retry-failed

#: The state table: one row per raw file (or unreadable directory) seen.
STATE_SCHEMA = pa.schema(
    [
        pa.field("raw_file", pa.string(), nullable=False),
        pa.field("size", pa.int64(), nullable=False),
        pa.field("mtime_ns", pa.int64(), nullable=False),
        pa.field("ctime_ns", pa.int64(), nullable=False),
        pa.field("cleaner_version", pa.string(), nullable=False),
        pa.field("documents", pa.int64(), nullable=False),
        pa.field("records", pa.int64(), nullable=False),
        pa.field("errors", pa.int64(), nullable=False),
        pa.field("outcome", pa.string(), nullable=False),
        pa.field("deaths", pa.int64(), nullable=False),
    ]
)


@dataclass(frozen=True, slots=True)
class ProcessedFile:
    """One raw file as last seen: what it was, by which cleaner, what it gave.

    ``size``, ``mtime_ns`` and ``ctime_ns`` identify the file's content (a
    file that failed as a whole is also retried when only ``ctime_ns``
    moves: ``chmod`` fixing its permissions changes nothing else).
    ``deaths`` counts the worker processes that died cleaning it, across
    runs, until it is cleaned.
    """

    raw_file: str
    size: int
    mtime_ns: int
    cleaner_version: str
    documents: int = 0
    records: int = 0
    errors: int = 0
    ctime_ns: int = 0
    outcome: str = CLEANED
    deaths: int = 0

    @property
    def is_processed(self) -> bool:
        """Whether its documents are in the dataset (all but a crashed file)."""
        return self.outcome != CRASHED


def schema_fingerprint() -> str:
    """A short digest of the files' schema and layout: a version with another is rebuilt."""
    text = f"{DATASET_SCHEMA.to_string()}\nlayout {LAYOUT_VERSION}"
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def new_run_id() -> str:
    """A unique name for a run and the version it builds, sorting by start time.

    UTC to the microsecond (``20261121T231223.482113-4d8a87be``): runs started
    within one second (tests, a rollback and a run) still sort in order.
    """
    now = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S.%f")
    return f"{now}-{uuid.uuid4().hex[:8]}"


def month_of(published_at: dt.datetime | None) -> str | None:
    """The month of a publication time, in China time; ``None`` when undated.

    >>> month_of(dt.datetime(2022, 5, 31, 17, 0, tzinfo=dt.UTC))
    '2022-06'
    >>> month_of(None) is None
    True
    """
    if published_at is None:
        return None
    if published_at.tzinfo is None:
        published_at = published_at.replace(tzinfo=CHINA_TZ)
    return published_at.astimezone(CHINA_TZ).strftime("%Y-%m")


def partition_path(site: str, month: str | None) -> Path:
    """The directory of a partition; odd characters in a site are %-escaped.

    >>> str(partition_path("www.sxcoal.com", "2022-05"))
    'www.sxcoal.com/2022-05'
    >>> str(partition_path("a/b", None))
    'a%2Fb/undated'
    """
    return Path(quote(site, safe=""), month or UNDATED_DIR)
