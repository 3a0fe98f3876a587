"""The Parquet dataset under ``data/clean/``: layout, versions, merge, swap, lock.

Analysts read ``<root>/current/records/`` (and ``<root>/current/errors/``);
``current`` is a symbolic link to one complete, immutable version::

    <root>/current -> versions/<id>
    <root>/versions/<id>/records/site=<site>/month=<YYYY-MM>/part-<n>.parquet
    <root>/versions/<id>/errors/part-<run>.parquet
    <root>/versions/<id>/state/processed.parquet   raw files cleaned, by which version
    <root>/versions/<id>/manifest.json
    <root>/staging/<run>/                           a run in progress
    <root>/.lock

A run writes its records into staging, builds the next version beside the
current one (hard-linking the partitions it does not touch), and publishes
it by replacing the ``current`` link with ``rename(2)``, which is atomic: a
run killed at any point leaves the previous version in place, and readers
never see a half-written one. See docs/dataset.md.
"""

from __future__ import annotations

import datetime as dt
import errno
import fcntl
import hashlib
import json
import logging
import os
import shutil
import uuid
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.dataset as pads
import pyarrow.parquet as pq

from cleaning.record import ERROR_SCHEMA, RECORD_SCHEMA, Record

logger = logging.getLogger(__name__)

CURRENT = "current"
VERSIONS = "versions"
STAGING = "staging"
RECORDS = "records"
ERRORS = "errors"
STATE = "state"
STATE_FILE = "processed.parquet"
MANIFEST = "manifest.json"
LOCK_FILE = ".lock"

#: Month partition of records without a publication date.
UNKNOWN_MONTH = "unknown"

#: China Standard Time, the zone the corpus's dates are written in; months
#: are cut in it (a fixed offset: China has kept UTC+8 without DST since 1991).
CHINA_TIME = dt.timezone(dt.timedelta(hours=8), "CST")

#: Final files: on the demo's records zstd level 3 writes 54% of the
#: uncompressed size where snappy writes 66%, for little more time.
COMPRESSION = "zstd"
COMPRESSION_LEVEL = 3

#: Staging files live minutes: lz4 for speed, size matters little.
SPILL_COMPRESSION = "lz4"

#: Rows per row group: ~18 MB at the sample records' ~1.8 KB a row (in
#: Arrow), small enough that a reader needing a few rows reads little.
ROW_GROUP_ROWS = 10_000

#: A partition with more rows is written as several part files, so that no
#: single merge holds more than this many rows of one partition at once.
FILE_ROWS = 100_000

#: Rows a worker buffers before writing them to staging itself (a large raw
#: file): bounds a worker's memory (~1.8 KB a sample record: ~4 MB).
SPILL_BATCH_ROWS = 2_000

#: Rows the run gathers from workers before writing them to staging: few,
#: large staging files (one per partition per flush) keep the merge fast
#: (840 tiny files cost 1.8 ms a page on the 2,000-page bench, 30 files
#: 0.1 ms) while the run's memory stays flat (~4 MB of rows).
RUN_BATCH_ROWS = 2_000

#: The state table: one row per raw file cleaned.
STATE_SCHEMA = pa.schema(
    [
        pa.field("raw_file", pa.string(), nullable=False),
        pa.field("size", pa.int64(), nullable=False),
        pa.field("mtime_ns", pa.int64(), nullable=False),
        pa.field("cleaner_version", pa.string(), nullable=False),
        pa.field("documents", pa.int64(), nullable=False),
        pa.field("records", pa.int64(), nullable=False),
        pa.field("errors", pa.int64(), nullable=False),
    ]
)

_KEY_COLUMNS = ["doc_id", "fetched_at", "raw_file", "raw_offset"]
# Sort key of a fetch that has no time: older than every real fetch.
_NO_TIME = -(2**63)


class DatasetLocked(Exception):
    """Another run holds the dataset's lock."""


@dataclass(frozen=True, slots=True)
class ProcessedFile:
    """One raw file as cleaned: what it was, by which cleaner, what it gave."""

    raw_file: str
    size: int
    mtime_ns: int
    cleaner_version: str
    documents: int = 0
    records: int = 0
    errors: int = 0


@dataclass(slots=True)
class Spills:
    """The staging files of one run, by partition, and its error files."""

    records: dict[tuple[str, str], list[Path]] = field(default_factory=lambda: defaultdict(list))
    errors: list[Path] = field(default_factory=list)

    def extend(self, other: Spills) -> None:
        for key, paths in other.records.items():
            self.records[key].extend(paths)
        self.errors.extend(other.errors)


def schema_fingerprint() -> str:
    """A short digest of the record schema: a version with another must be rebuilt."""
    return hashlib.sha256(RECORD_SCHEMA.to_string().encode()).hexdigest()[:16]


def new_run_id() -> str:
    """A sortable, unique name for a run and the version it builds."""
    now = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S")
    return f"{now}-{uuid.uuid4().hex[:8]}"


def month_of(published_at: dt.datetime | None) -> str:
    """The month partition of a publication time, in China time.

    >>> month_of(dt.datetime(2022, 5, 31, 17, 0, tzinfo=dt.UTC))
    '2022-06'
    >>> month_of(None)
    'unknown'
    """
    if published_at is None:
        return UNKNOWN_MONTH
    if published_at.tzinfo is None:
        published_at = published_at.replace(tzinfo=CHINA_TIME)
    return published_at.astimezone(CHINA_TIME).strftime("%Y-%m")


def partition_path(site: str, month: str) -> Path:
    """The hive directory of a partition; odd characters in a site are %-escaped.

    >>> str(partition_path("www.sxcoal.com", "2022-05"))
    'site=www.sxcoal.com/month=2022-05'
    """
    return Path(f"site={quote(site, safe='')}", f"month={month}")


# --- the lock -------------------------------------------------------------


@contextmanager
def locked(root: Path) -> Iterator[int]:
    """Hold the dataset's lock (``<root>/.lock``) or raise ``DatasetLocked``.

    The lock is an ``flock``: the kernel releases it when the holder exits,
    however it exits, so a killed run never leaves a stale lock behind.
    Yields the lock's file descriptor, which forked workers must close (an
    ``flock`` is shared by every process holding the descriptor).
    """
    root.mkdir(parents=True, exist_ok=True)
    path = root / LOCK_FILE
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as exc:
            if exc.errno not in (errno.EWOULDBLOCK, errno.EAGAIN, errno.EACCES):
                raise
            holder = os.pread(fd, 64, 0).decode("ascii", "replace").strip() or "unknown"
            raise DatasetLocked(
                f"another run (pid {holder}) is writing {root}; try again when it has finished"
            ) from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
        yield fd
    finally:
        os.close(fd)


# --- reading the current version -------------------------------------------


def current_version(root: Path) -> Path | None:
    """The directory of the published version, or ``None`` before the first run."""
    link = root / CURRENT
    if not link.is_symlink() and not link.exists():
        return None
    target = link.resolve()
    return target if (target / MANIFEST).is_file() else None


def read_manifest(version: Path) -> dict[str, Any]:
    """A version's manifest (run, counts, cleaner version, schema fingerprint)."""
    return json.loads((version / MANIFEST).read_text(encoding="utf-8"))


def load_state(version: Path | None) -> dict[str, ProcessedFile]:
    """The raw files a version was built from, by name."""
    if version is None:
        return {}
    path = version / STATE / STATE_FILE
    if not path.exists():
        return {}
    rows = pq.read_table(path, schema=STATE_SCHEMA).to_pylist()
    return {row["raw_file"]: ProcessedFile(**row) for row in rows}


def records_dataset(root: Path) -> pads.Dataset:
    """The published records as a pyarrow dataset (site and month as partitions)."""
    version = current_version(root)
    if version is None:
        raise FileNotFoundError(f"no dataset at {root}: run `python -m cleaning process` first")
    return pads.dataset(version / RECORDS, format="parquet", partitioning="hive")


def errors_table(root: Path) -> pa.Table:
    """The published errors table (documents that did not become records)."""
    version = current_version(root)
    if version is None:
        raise FileNotFoundError(f"no dataset at {root}: run `python -m cleaning process` first")
    files = sorted((version / ERRORS).glob("*.parquet"))
    if not files:
        return ERROR_SCHEMA.empty_table()
    return pa.concat_tables(pq.read_table(f, schema=ERROR_SCHEMA) for f in files)


@dataclass(slots=True)
class SiteSummary:
    """One site's line in the summary table."""

    site: str
    articles: int = 0
    first: dt.datetime | None = None
    last: dt.datetime | None = None
    undated: int = 0
    repairs: Counter[str] = field(default_factory=Counter)


def site_summary(root: Path) -> list[SiteSummary]:
    """Per site: articles, publication date range, repairs fired (streamed, no bodies)."""
    sites: dict[str, SiteSummary] = {}
    scanner = records_dataset(root).scanner(
        columns=["site", "published_at", "repairs"], batch_size=ROW_GROUP_ROWS
    )
    for batch in scanner.to_batches():
        for row in batch.to_pylist():
            summary = sites.setdefault(row["site"], SiteSummary(row["site"]))
            summary.articles += 1
            summary.repairs.update(row["repairs"] or ())
            published = row["published_at"]
            if published is None:
                summary.undated += 1
                continue
            summary.first = published if summary.first is None else min(summary.first, published)
            summary.last = published if summary.last is None else max(summary.last, published)
    return [sites[s] for s in sorted(sites)]


# --- staging: what workers write --------------------------------------------


@dataclass(slots=True)
class Batch:
    """Rows not yet written, as Arrow tables: records by partition, and errors."""

    records: dict[tuple[str, str], list[pa.Table]] = field(
        default_factory=lambda: defaultdict(list)
    )
    errors: list[pa.Table] = field(default_factory=list)

    @property
    def rows(self) -> int:
        tables = [t for ts in self.records.values() for t in ts] + self.errors
        return sum(t.num_rows for t in tables)


class SpillWriter:
    """Buffers rows and writes them to staging, one file per partition per flush.

    A worker buffers the rows of one raw file and hands them back to the run
    as a ``Batch`` (``take_batch``), spilling to disk itself only when the
    file is large; the run gathers batches and writes them when its buffer
    is full. Files go to ``<spill_dir>/records/site=…/month=…/<task>-<n>.parquet``
    and ``<spill_dir>/errors/<task>-<n>.parquet``; ``spills`` lists them.
    """

    def __init__(self, spill_dir: Path, task: str, batch_rows: int = SPILL_BATCH_ROWS) -> None:
        self._dir = spill_dir
        self._task = task
        self._batch_rows = batch_rows
        self._records: dict[tuple[str, str], list[dict[str, object]]] = defaultdict(list)
        self._errors: list[dict[str, object]] = []
        self._batch = Batch()
        self._buffered = 0
        self._serial = 0
        self.spills = Spills()

    def add_record(self, record: Record) -> None:
        self._records[(record.site, month_of(record.published_at))].append(record.to_row())
        self._count(1)

    def add_error(self, row: Mapping[str, object]) -> None:
        self._errors.append(dict(row))
        self._count(1)

    def add_batch(self, batch: Batch) -> None:
        for key, tables in batch.records.items():
            self._batch.records[key].extend(tables)
        self._batch.errors.extend(batch.errors)
        self._count(batch.rows)

    def _count(self, rows: int) -> None:
        self._buffered += rows
        if self._buffered >= self._batch_rows:
            self.flush()

    def take_batch(self) -> Batch:
        """Every buffered row, as tables, leaving the buffer empty."""
        batch = self._batch
        for key, rows in self._records.items():
            batch.records[key].append(pa.Table.from_pylist(rows, schema=RECORD_SCHEMA))
        if self._errors:
            batch.errors.append(pa.Table.from_pylist(self._errors, schema=ERROR_SCHEMA))
        self._records = defaultdict(list)
        self._errors = []
        self._batch = Batch()
        self._buffered = 0
        return batch

    def flush(self) -> None:
        """Write every buffered row to staging."""
        batch = self.take_batch()
        for (site, month), tables in batch.records.items():
            directory = self._dir / RECORDS / partition_path(site, month)
            self.spills.records[(site, month)].append(self._write(directory, tables))
        if batch.errors:
            self.spills.errors.append(self._write(self._dir / ERRORS, batch.errors))

    def _write(self, directory: Path, tables: list[pa.Table]) -> Path:
        directory.mkdir(parents=True, exist_ok=True)
        path = directory / f"{self._task}-{self._serial}.parquet"
        self._serial += 1
        pq.write_table(pa.concat_tables(tables), path, compression=SPILL_COMPRESSION)
        return path


# --- building a version -----------------------------------------------------


def build_version(
    root: Path,
    run_id: str,
    base: Path | None,
    spills: Spills,
    state: Iterable[ProcessedFile],
    replaced: frozenset[str],
    mode: str,
) -> Path:
    """Build the next version in staging from ``base`` (or nothing) and a run's spills.

    Records: latest fetch wins per ``doc_id`` (ties go to this run); rows of
    ``replaced`` raw files (cleaned again by this run) leave the dataset
    first. Partitions this run does not touch are hard-linked from ``base``.
    Returns the built directory, ready for ``publish``.
    """
    out = root / STAGING / run_id / "version"
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    written: list[Path] = []
    old = _partitions(base / RECORDS) if base is not None else {}
    by_site: dict[str, set[str]] = defaultdict(set)
    for site, month in list(old) + list(spills.records):
        by_site[site].add(month)
    record_count = 0
    for site in sorted(by_site):
        staged = {
            m: spills.records[(site, m)] for m in by_site[site] if (site, m) in spills.records
        }
        olds = {m: old[(site, m)] for m in by_site[site] if (site, m) in old}
        count, files = _merge_site(site, staged, olds, replaced, out / RECORDS)
        record_count += count
        written.extend(files)
    (out / RECORDS).mkdir(exist_ok=True)
    error_count, files = _merge_errors(base, spills.errors, replaced, out / ERRORS, run_id)
    written.extend(files)
    state_rows = sorted((asdict(p) for p in state), key=lambda r: r["raw_file"])
    (out / STATE).mkdir()
    state_path = out / STATE / STATE_FILE
    pq.write_table(pa.Table.from_pylist(state_rows, schema=STATE_SCHEMA), state_path)
    written.append(state_path)
    manifest = {
        "version": run_id,
        "mode": mode,
        "created_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "parent": base.name if base is not None else None,
        "records": record_count,
        "errors": error_count,
        "raw_files": len(state_rows),
        "schema": schema_fingerprint(),
        "cleaner_versions": sorted({r["cleaner_version"] for r in state_rows}),
    }
    manifest_path = out / MANIFEST
    manifest_path.write_text(json.dumps(manifest, indent=1, ensure_ascii=False) + "\n")
    written.append(manifest_path)
    for path in written:
        _fsync_file(path)
    for directory in sorted({p.parent for p in written}, key=lambda p: -len(p.parts)):
        _fsync_dir(directory)
    return out


def _partitions(records_dir: Path) -> dict[tuple[str, str], list[Path]]:
    found: dict[tuple[str, str], list[Path]] = defaultdict(list)
    if not records_dir.is_dir():
        return found
    for path in sorted(records_dir.glob("site=*/month=*/*.parquet")):
        site = unquote(path.parent.parent.name.removeprefix("site="))
        month = path.parent.name.removeprefix("month=")
        found[(site, month)].append(path)
    return found


def _ranks(keys: pa.Table, staged: int) -> Iterator[tuple[str, tuple[int, str, int, int]]]:
    """(doc_id, rank) per row: a higher rank is a later fetch and wins."""
    fetched = keys.column("fetched_at").cast(pa.int64()).fill_null(_NO_TIME).to_pylist()
    raw_files = keys.column("raw_file").fill_null("").to_pylist()
    offsets = keys.column("raw_offset").fill_null(-1).to_pylist()
    for doc_id, f, r, o in zip(
        keys.column("doc_id").to_pylist(), fetched, raw_files, offsets, strict=True
    ):
        yield doc_id, (f, r, o, staged)


def _without_replaced(table: pa.Table, replaced: frozenset[str]) -> pa.Table:
    if not replaced or table.num_rows == 0:
        return table
    gone = pc.is_in(table.column("raw_file"), value_set=pa.array(sorted(replaced), pa.string()))
    return table.filter(pc.invert(pc.fill_null(gone, False)))


def _merge_site(
    site: str,
    staged: Mapping[str, list[Path]],
    old: Mapping[str, list[Path]],
    replaced: frozenset[str],
    records_dir: Path,
) -> tuple[int, list[Path]]:
    """Merge one site's staged rows into its old partitions; returns (rows, files written)."""
    winners: dict[str, tuple[tuple[int, str, int, int], str]] = {}
    for month, paths in staged.items():
        for path in paths:
            for doc_id, rank in _ranks(_read(path, _KEY_COLUMNS), staged=1):
                best = winners.get(doc_id)
                if best is None or rank > best[0]:
                    winners[doc_id] = (rank, month)
    affected = set(staged)
    if winners or replaced:
        new_ids = pa.array(sorted(winners), pa.string())
        for month, paths in old.items():
            for path in paths:
                keys = _read(path, _KEY_COLUMNS)
                kept = _without_replaced(keys, replaced)
                if kept.num_rows != keys.num_rows:
                    affected.add(month)
                clash = kept.filter(pc.is_in(kept.column("doc_id"), value_set=new_ids))
                for doc_id, rank in _ranks(clash, staged=0):
                    affected.add(month)
                    if rank > winners[doc_id][0]:
                        winners[doc_id] = (rank, month)
    rows = 0
    written: list[Path] = []
    kept: set[str] = set()
    for month in sorted(set(staged) | set(old)):
        target = records_dir / partition_path(site, month)
        if month not in affected:
            rows += _link_all(old[month], target)
            continue
        tables = [
            _keep_winners(_without_replaced(_read(p), replaced), winners, month, 0, kept)
            for p in old.get(month, ())
        ]
        tables += [_keep_winners(_read(p), winners, month, 1, kept) for p in staged.get(month, ())]
        merged = pa.concat_tables(tables) if tables else RECORD_SCHEMA.empty_table()
        rows += merged.num_rows
        written.extend(_write_partition(merged, target))
    return rows, written


def _keep_winners(
    table: pa.Table,
    winners: Mapping[str, tuple[tuple[int, str, int, int], str]],
    month: str,
    staged: int,
    kept: set[str],
) -> pa.Table:
    """The rows of ``table`` that win their ``doc_id``; ``kept`` makes each winner once."""
    table = table.cast(RECORD_SCHEMA) if table.schema != RECORD_SCHEMA else table
    keep = []
    for doc_id, rank in _ranks(table.select(_KEY_COLUMNS), staged):
        best = winners.get(doc_id)
        # An old row no new fetch competes with stays as it is.
        wins = best is None or (best == (rank, month) and doc_id not in kept)
        if wins and best is not None:
            kept.add(doc_id)
        keep.append(wins)
    return table.filter(pa.array(keep, pa.bool_()))


def _read(path: Path, columns: list[str] | None = None) -> pa.Table:
    """One Parquet file as written: no partition columns guessed from its path.

    ``ParquetFile`` rather than ``read_table``: no dataset discovery, which
    costs ~3 ms a call, most of the time of a staging file's read.
    """
    with pq.ParquetFile(path) as parquet:
        return parquet.read(columns=columns)


def _write_partition(table: pa.Table, target: Path) -> list[Path]:
    if table.num_rows == 0:
        return []
    order = pc.sort_indices(
        table, sort_keys=[("published_at", "ascending"), ("doc_id", "ascending")]
    )
    table = table.take(order)
    target.mkdir(parents=True, exist_ok=True)
    written = []
    for n, start in enumerate(range(0, table.num_rows, FILE_ROWS)):
        path = target / f"part-{n}.parquet"
        pq.write_table(
            table.slice(start, FILE_ROWS),
            path,
            compression=COMPRESSION,
            compression_level=COMPRESSION_LEVEL,
            row_group_size=ROW_GROUP_ROWS,
        )
        written.append(path)
    return written


def _link_all(paths: Iterable[Path], target: Path) -> int:
    """Hard-link unchanged files into the new version; returns their row count."""
    target.mkdir(parents=True, exist_ok=True)
    rows = 0
    for path in paths:
        _link(path, target / path.name)
        rows += pq.read_metadata(path).num_rows
    return rows


def _link(source: Path, target: Path) -> None:
    try:
        os.link(source, target)
    except OSError:
        shutil.copy2(source, target)  # a file system without hard links


def _merge_errors(
    base: Path | None,
    spilled: list[Path],
    replaced: frozenset[str],
    errors_dir: Path,
    run_id: str,
) -> tuple[int, list[Path]]:
    errors_dir.mkdir(parents=True)
    rows = 0
    written: list[Path] = []
    old = sorted((base / ERRORS).glob("*.parquet")) if base is not None else []
    for path in old:
        table = pq.read_table(path, schema=ERROR_SCHEMA)
        kept = _without_replaced(table, replaced)
        if kept.num_rows == table.num_rows:
            rows += _link_all([path], errors_dir)
        elif kept.num_rows:
            rows += kept.num_rows
            written.append(_write_errors(kept, errors_dir / path.name))
    if spilled or not any(errors_dir.iterdir()):
        # Written even when empty: readers globbing errors/*.parquet find a table.
        tables = [pq.read_table(p, schema=ERROR_SCHEMA) for p in spilled]
        new = pa.concat_tables(tables) if tables else ERROR_SCHEMA.empty_table()
        rows += new.num_rows
        written.append(_write_errors(new, errors_dir / f"part-{run_id}.parquet"))
    return rows, written


def _write_errors(table: pa.Table, path: Path) -> Path:
    order = pc.sort_indices(
        table, sort_keys=[("raw_file", "ascending"), ("raw_offset", "ascending")]
    )
    pq.write_table(table.take(order), path, compression=COMPRESSION)
    return path


# --- publishing -------------------------------------------------------------


def publish(root: Path, run_id: str, built: Path) -> Path:
    """Make a built version the current one, atomically; returns its directory."""
    versions = root / VERSIONS
    versions.mkdir(exist_ok=True)
    final = versions / run_id
    os.rename(built, final)
    _fsync_dir(versions)
    link = root / f".{CURRENT}-{run_id}"
    os.symlink(Path(VERSIONS, run_id), link)
    os.replace(link, root / CURRENT)
    _fsync_dir(root)
    logger.info("published version %s", run_id)
    return final


def prune(root: Path) -> None:
    """Remove dead runs' staging and every version but the current one and its parent.

    Call with the lock held: no other run can be using what is removed.
    """
    shutil.rmtree(root / STAGING, ignore_errors=True)
    for stray in root.glob(f".{CURRENT}-*"):
        stray.unlink(missing_ok=True)
    current = current_version(root)
    keep = set()
    if current is not None:
        keep.add(current.name)
        parent = read_manifest(current).get("parent")
        if isinstance(parent, str):
            keep.add(parent)
    versions = root / VERSIONS
    if not versions.is_dir():
        return
    for version in versions.iterdir():
        if version.name not in keep:
            logger.info("removing old version %s", version.name)
            shutil.rmtree(version, ignore_errors=True)


def _fsync_file(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
