"""One raw file's cleaning: a plain function any executor can run.

``clean_file(task, config)`` reads one raw file, cleans each document with
``clean_page`` and returns its rows (as Arrow tables, or as staging files
when the file is large) with its counters. It needs nothing but its
arguments and the file system: the local process pool (``cleaning.batch.pool``)
runs it, and so can any other executor whose workers see the same paths.
"""

from __future__ import annotations

import dataclasses
import logging
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from cleaning.batch.layout import CLEANED, FILE_FAILED, POISONED, ProcessedFile
from cleaning.batch.rawio import FileIdentity, read_raw_file
from cleaning.batch.staging import Batch, Spills, SpillWriter
from cleaning.errors import (
    EMPTY_FILE,
    NOT_A_FILE,
    NOT_WARC,
    UNREADABLE,
    CleaningError,
    InternalCleaningError,
)
from cleaning.page.config import DEFAULT_CONFIG, CleanerConfig
from cleaning.record import CLEANER_VERSION, ErrorRow, RawDocument, Record

logger = logging.getLogger(__name__)

#: Reasons that stand for a whole raw file (one row, no offset): the file is
#: retried when it changes, even when only its permissions do.
FILE_REASONS = frozenset({UNREADABLE, NOT_A_FILE, EMPTY_FILE, NOT_WARC})


@dataclass(frozen=True, slots=True)
class FileTask:
    """One raw file to clean: a worker's whole job.

    ``deaths``: worker processes that died on this file before, across runs.
    ``name``: unique within the run, it names the task's staging files.
    """

    path: Path
    raw_file: str
    identity: FileIdentity
    spill_dir: Path
    name: str
    deaths: int = 0


@dataclass(slots=True)
class FileResult:
    """What cleaning one raw file gave: counters and the rows, staged or in memory."""

    processed: ProcessedFile
    errors: Counter[str] = field(default_factory=Counter)
    repairs: Counter[str] = field(default_factory=Counter)
    spills: Spills = field(default_factory=Spills)
    batch: Batch = field(default_factory=Batch)


def clean_file(task: FileTask, config: CleanerConfig = DEFAULT_CONFIG) -> FileResult:
    """Clean every document of one raw file into rows (runs in a worker)."""
    from cleaning.page.clean import clean_page

    writer = SpillWriter(task.spill_dir, task.name)
    errors: Counter[str] = Counter()
    repairs: Counter[str] = Counter()
    documents = records = 0
    whole_file_failed = False
    for item in read_raw_file(task.path, task.raw_file):
        documents += 1
        if isinstance(item, ErrorRow):
            errors[item.reason] += 1
            writer.add_error(item)
            whole_file_failed = item.raw_offset is None and item.reason in FILE_REASONS
            continue
        try:
            record = clean_page(item.body, item.url, item.headers, item.fetched_at, config=config)
        except CleaningError as exc:
            errors[exc.reason] += 1
            writer.add_error(document_error(item, exc))
            continue
        except Exception as exc:  # a cleaner bug must not stop the batch
            logger.exception(
                "cleaner failed on %s (%s @ %s)", item.url, item.raw_file, item.raw_offset
            )
            internal = InternalCleaningError(f"{type(exc).__name__}: {exc}")
            errors[internal.reason] += 1
            writer.add_error(document_error(item, internal))
            continue
        records += 1
        repairs.update(record.repairs)
        writer.add_record(_placed(record, item))
    outcome = FILE_FAILED if whole_file_failed and documents == 1 else CLEANED
    processed = _processed(task, documents, records, outcome)
    return FileResult(processed, errors, repairs, writer.spills, writer.take_batch())


def failed_file(task: FileTask, reason: str, detail: str, outcome: str = FILE_FAILED) -> FileResult:
    """A raw file that is one error row as a whole (never opened, or poisoned)."""
    writer = SpillWriter(task.spill_dir, f"{task.name}-{reason}")
    writer.add_error(ErrorRow(task.raw_file, None, reason, detail))
    deaths = task.deaths if outcome == POISONED else 0
    processed = dataclasses.replace(_processed(task, 1, 0, outcome), deaths=deaths)
    return FileResult(
        processed, Counter({reason: 1}), Counter(), writer.spills, writer.take_batch()
    )


def _processed(task: FileTask, documents: int, records: int, outcome: str) -> ProcessedFile:
    return ProcessedFile(
        raw_file=task.raw_file,
        size=task.identity.size,
        mtime_ns=task.identity.mtime_ns,
        ctime_ns=task.identity.ctime_ns,
        cleaner_version=CLEANER_VERSION,
        documents=documents,
        records=records,
        errors=documents - records,
        outcome=outcome,
    )


def _placed(record: Record, document: RawDocument) -> Record:
    """The record with its lineage, and the fetch time if the cleaner left it out."""
    record = record.with_lineage(document.raw_file, document.raw_offset)
    if record.fetched_at is None and document.fetched_at is not None:
        record = dataclasses.replace(record, fetched_at=document.fetched_at)
    return record


def document_error(document: RawDocument, exc: CleaningError) -> ErrorRow:
    """The errors-table row of a document ``clean_page`` refused."""
    return ErrorRow(
        raw_file=document.raw_file or "",
        raw_offset=document.raw_offset,
        reason=exc.reason,
        detail=str(exc),
        url=document.url,
        fetched_at=document.fetched_at,
    )
