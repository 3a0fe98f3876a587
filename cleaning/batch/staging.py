"""Staging: the rows a run has cleaned, buffered and written under ``staging/<run>/``.

A worker buffers the rows of one raw file and hands them back to the run
as a ``Batch`` (or spills them to staging files itself when the file is
large); the run gathers batches and writes them when its buffer is full.
The merge (``cleaning.batch.merge``) reads only what a run's ``Spills`` name:
files a dead worker left behind are never merged, and ``prune`` removes them.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from cleaning.batch.layout import DATASET_SCHEMA, ERRORS, RECORDS, month_of, partition_path
from cleaning.record import ERROR_SCHEMA, ErrorRow, Record

#: Staging files live minutes: lz4 for speed, size matters little.
SPILL_COMPRESSION = "lz4"

#: Rows a worker buffers before writing them to staging itself (a large raw
#: file): bounds a worker's memory (~1.8 KB a sample record: ~4 MB).
SPILL_BATCH_ROWS = 2_000

#: Rows the run gathers from workers before writing them to staging: few,
#: large staging files (one per partition per flush) keep the merge fast
#: (840 tiny files cost 1.8 ms a page on the 2,000-page bench, 30 files
#: 0.1 ms) while the run's memory stays flat (~4 MB of rows).
RUN_BATCH_ROWS = 2_000

#: A partition: the site and the month (``None``: undated).
PartitionKey = tuple[str, str | None]


@dataclass(slots=True)
class Spills:
    """The staging files of one run, by partition, and its error files."""

    records: dict[PartitionKey, list[Path]] = field(default_factory=lambda: defaultdict(list))
    errors: list[Path] = field(default_factory=list)

    def extend(self, other: Spills) -> None:
        for key, paths in other.records.items():
            self.records[key].extend(paths)
        self.errors.extend(other.errors)


@dataclass(slots=True)
class Batch:
    """Rows not yet written, as Arrow tables: records by partition, and errors."""

    records: dict[PartitionKey, list[pa.Table]] = field(default_factory=lambda: defaultdict(list))
    errors: list[pa.Table] = field(default_factory=list)

    @property
    def rows(self) -> int:
        tables = [t for ts in self.records.values() for t in ts] + self.errors
        return sum(t.num_rows for t in tables)


class SpillWriter:
    """Buffers rows and writes them to staging, one file per partition per flush.

    Files go to ``<spill_dir>/records/<site>/<month>/<task>-<n>.parquet`` and
    ``<spill_dir>/errors/<task>-<n>.parquet``; ``spills`` lists them.
    """

    def __init__(self, spill_dir: Path, task: str, batch_rows: int = SPILL_BATCH_ROWS) -> None:
        self._dir = spill_dir
        self._task = task
        self._batch_rows = batch_rows
        self._records: dict[PartitionKey, list[dict[str, object]]] = defaultdict(list)
        self._errors: list[dict[str, object]] = []
        self._batch = Batch()
        self._buffered = 0
        self._serial = 0
        self.spills = Spills()

    def add_record(self, record: Record) -> None:
        month = month_of(record.published_at)
        row = record.to_row()
        row["month"] = month
        self._records[(record.site, month)].append(row)
        self._count(1)

    def add_error(self, error: ErrorRow) -> None:
        self._errors.append(error.to_row())
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
            batch.records[key].append(pa.Table.from_pylist(rows, schema=DATASET_SCHEMA))
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
