"""Batch cleaning: the raw archive to the next version of the Parquet dataset.

``run`` finds the raw files not yet cleaned by this cleaner version (all of
them for a full rebuild), cleans them in parallel, one task per file, and
publishes a new version of the dataset (``cleaning.batch.dataset``). Workers write
their rows to staging themselves, in small batches, so nothing grows with the
number of documents but the run's few counters.

A document that cannot be read or cleaned becomes a row of the errors table
and never stops the run. Exit codes (``RunStats.exit_code``):

- ``0`` every document became a record (or there was nothing new);
- ``3`` partial: some documents failed (see the errors table);
- ``1`` failure: documents were read but none became a record, or the run
  could not finish (the dataset is then unchanged);
- ``75`` another run holds the lock (nothing done; try again later).
"""

from __future__ import annotations

import contextlib
import ctypes
import dataclasses
import gc
import logging
import multiprocessing
import os
import signal
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path

from cleaning.batch import syndication
from cleaning.batch.dataset import (
    RUN_BATCH_ROWS,
    STAGING,
    Batch,
    DatasetLocked,
    ProcessedFile,
    Spills,
    SpillWriter,
    build_version,
    current_version,
    load_state,
    locked,
    new_run_id,
    prune,
    publish,
    read_manifest,
    schema_fingerprint,
)
from cleaning.batch.rawio import RawFailure, find_raw_files, read_raw_file
from cleaning.errors import CleaningError, InternalCleaningError
from cleaning.record import CLEANER_VERSION, RawDocument, Record
from cleaning.text import wordmodel

logger = logging.getLogger(__name__)

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_PARTIAL = 3
EXIT_LOCKED = 75  # EX_TEMPFAIL (sysexits.h): cron wrappers read it as "try later"

#: Reason of a raw file whose worker died three times (a crash in a parser).
WORKER_CRASHED = "worker-crashed"

# prctl(2) option: the signal a process gets when its parent dies (linux/prctl.h).
_PR_SET_PDEATHSIG = 1

#: Attempts at a file whose worker process died before giving up on it: a
#: crash takes every file in flight down with it, so innocent files get retried.
MAX_ATTEMPTS = 3


@dataclass(frozen=True, slots=True)
class ProcessOptions:
    """What one run cleans and where it writes.

    ``raw``: files or directories of raw files. ``out``: the dataset's root
    (``data/clean``). ``full``: rebuild from all raw (``reprocess``) instead
    of cleaning only what is new. ``workers``: processes (default: one per
    core). Rows name their raw file relative to ``out``'s parent (``data/``),
    or absolutely when it lies elsewhere.
    """

    raw: tuple[Path, ...]
    out: Path
    workers: int | None = None
    full: bool = False

    @property
    def base_dir(self) -> Path:
        return Path(os.path.abspath(self.out)).parent


@dataclass(frozen=True, slots=True)
class FileTask:
    """One raw file to clean: a worker's whole job."""

    path: Path
    raw_file: str
    size: int
    mtime_ns: int
    spill_dir: Path
    name: str
    attempt: int = 1


@dataclass(slots=True)
class FileResult:
    """What cleaning one raw file gave: counters and the staging files written."""

    processed: ProcessedFile
    errors: Counter[str] = field(default_factory=Counter)
    repairs: Counter[str] = field(default_factory=Counter)
    spills: Spills = field(default_factory=Spills)
    batch: Batch = field(default_factory=Batch)


@dataclass(slots=True)
class RunStats:
    """A run's closing summary."""

    raw_files: int = 0
    files_done: int = 0
    documents: int = 0
    records: int = 0
    errors: Counter[str] = field(default_factory=Counter)
    repairs: Counter[str] = field(default_factory=Counter)
    seconds: float = 0.0
    version: str | None = None
    dataset_records: int | None = None
    dataset_errors: int | None = None
    locked: str | None = None

    def add(self, result: FileResult) -> None:
        self.files_done += 1
        self.documents += result.processed.documents
        self.records += result.processed.records
        self.errors.update(result.errors)
        self.repairs.update(result.repairs)

    @property
    def exit_code(self) -> int:
        if self.locked is not None:
            return EXIT_LOCKED
        if self.documents and not self.records:
            return EXIT_FAILED
        if self.errors:
            return EXIT_PARTIAL
        return EXIT_OK


def default_workers() -> int:
    """One worker per core this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not every platform has sched_getaffinity
        return max(1, os.cpu_count() or 1)


def raw_name(path: Path, base_dir: Path) -> str:
    """The name rows carry for a raw file: relative to ``base_dir`` when inside it.

    Symbolic links are kept as they are: ``data/raw`` linked to a larger disk
    still gives ``raw/...`` names.
    """
    absolute = Path(os.path.abspath(path))
    try:
        return absolute.relative_to(base_dir).as_posix()
    except ValueError:
        return absolute.as_posix()


def run(
    options: ProcessOptions,
    on_start: Callable[[int, int], None] | None = None,
    on_file: Callable[[FileResult], None] | None = None,
) -> RunStats:
    """Clean what is pending into a new published version; see the module doc.

    ``on_start(files, bytes)`` is called once the pending files are known and
    ``on_file`` after each file, for progress display.
    """
    from cleaning import clean_page  # noqa: F401  # fail early, and load once before forking

    started = time.perf_counter()
    stats = RunStats()
    out = options.out
    try:
        with locked(out) as lock_fd:
            prune(out)
            _run_locked(options, stats, lock_fd, on_start, on_file)
    except DatasetLocked as exc:
        stats.locked = str(exc)
    stats.seconds = time.perf_counter() - started
    return stats


def _run_locked(
    options: ProcessOptions,
    stats: RunStats,
    lock_fd: int,
    on_start: Callable[[int, int], None] | None,
    on_file: Callable[[FileResult], None] | None,
) -> None:
    out = options.out
    base = None if options.full else current_version(out)
    if base is not None and read_manifest(base).get("schema") != schema_fingerprint():
        logger.warning("the record schema changed since version %s: rebuilding all", base.name)
        base = None
    state = load_state(base)
    tasks = _pending_tasks(options, state, out)
    stats.raw_files = len(tasks)
    if on_start is not None:
        on_start(len(tasks), sum(t.size for t in tasks))
    if not tasks:
        logger.info("nothing to do: every raw file is cleaned by cleaner %s", CLEANER_VERSION)
        return
    workers = min(options.workers or default_workers(), len(tasks))
    logger.info("cleaning %d raw files with %d workers", len(tasks), workers)
    spills = Spills()
    gathered = SpillWriter(tasks[0].spill_dir, "run", RUN_BATCH_ROWS)
    new_state = dict(state)
    for result in _clean_all(tasks, workers, lock_fd):
        stats.add(result)
        spills.extend(result.spills)
        gathered.add_batch(result.batch)
        new_state[result.processed.raw_file] = result.processed
        if on_file is not None:
            on_file(result)
    gathered.flush()
    spills.extend(gathered.spills)
    replaced = frozenset(t.raw_file for t in tasks if t.raw_file in state)
    run_id = tasks[0].spill_dir.parent.name
    mode = "reprocess" if base is None else "process"
    built = build_version(out, run_id, base, spills, new_state.values(), replaced, mode)
    # Copies of one article across the whole version (signatures of bodies
    # already published are reused from the published version's cache).
    syndication.update_version(built, cache_from=current_version(out))
    version = publish(out, run_id, built)
    manifest = read_manifest(version)
    stats.version = run_id
    stats.dataset_records = manifest["records"]
    stats.dataset_errors = manifest["errors"]
    prune(out)


def _pending_tasks(
    options: ProcessOptions, state: dict[str, ProcessedFile], out: Path
) -> list[FileTask]:
    missing = [str(path) for path in options.raw if not path.exists()]
    if len(missing) == len(options.raw):
        raise FileNotFoundError(f"no raw archive at {', '.join(missing)}")
    run_id = new_run_id()
    spill_dir = out / STAGING / run_id / "spill"
    base_dir = options.base_dir
    tasks = []
    for path in find_raw_files(options.raw):
        try:
            stat = path.stat()
        except OSError as exc:
            logger.warning("cannot stat %s, skipped: %s", path, exc)
            continue
        name = raw_name(path, base_dir)
        seen = state.get(name)
        if (
            seen is not None
            and seen.size == stat.st_size
            and seen.mtime_ns == stat.st_mtime_ns
            and seen.cleaner_version == CLEANER_VERSION
        ):
            continue
        task = FileTask(path, name, stat.st_size, stat.st_mtime_ns, spill_dir, f"{len(tasks):06d}")
        tasks.append(task)
    return tasks


def _clean_all(tasks: list[FileTask], workers: int, lock_fd: int) -> Iterator[FileResult]:
    """Every task's result, in completion order; one process when ``workers`` is 1."""
    if workers <= 1 or len(tasks) == 1:
        for task in tasks:
            yield clean_file(task)
        return
    context = None
    if "fork" in multiprocessing.get_all_start_methods():
        # Workers inherit the loaded cleaner (word lists, tables, the repairs'
        # word model) instead of loading it again each.
        context = multiprocessing.get_context("fork")
        wordmodel.load()
        # Loaded tables are for reading only: keep the workers' garbage
        # collector off them, or its passes touch (and copy) every page.
        gc.freeze()
    try:
        pending = tasks
        while pending:
            crashed: list[FileTask] = []
            pool = ProcessPoolExecutor(
                min(workers, len(pending)),
                mp_context=context,
                initializer=_start_worker,
                initargs=(lock_fd,),
            )
            try:
                futures = {pool.submit(clean_file, task): task for task in pending}
                for future in as_completed(futures):
                    # Dropped at once: a finished future holds its file's rows.
                    task = futures.pop(future)
                    try:
                        yield future.result()
                    except BrokenProcessPool:
                        crashed.append(task)
            except BaseException:
                # Interrupted or failed: the run is abandoned (the dataset is
                # untouched), so stop the workers now rather than let them finish
                # files nobody will merge.
                _stop_workers(pool)
                pool.shutdown(wait=False, cancel_futures=True)
                raise
            pool.shutdown()
            pending = []
            for task in sorted(crashed, key=lambda t: t.name):
                if task.attempt >= MAX_ATTEMPTS:
                    logger.error(
                        "a worker died %d times on %s: giving up on it", task.attempt, task.path
                    )
                    yield _crashed_result(task)
                else:
                    logger.warning("a worker died; cleaning %s again", task.path)
                    pending.append(dataclasses.replace(task, attempt=task.attempt + 1))
    finally:
        gc.unfreeze()


def _stop_workers(pool: ProcessPoolExecutor) -> None:
    """Kill a pool's worker processes (no public way; call before ``shutdown``)."""
    processes = getattr(pool, "_processes", None) or {}
    for process in list(processes.values()):
        if process.is_alive():
            process.kill()


def _start_worker(lock_fd: int) -> None:
    """Set up a worker: leave the run's lock to the run, and die with it.

    A forked worker shares the lock's descriptor; closed here, the lock is
    released the moment the run itself ends, even when it is killed. On Linux
    the kernel also sends the worker SIGKILL when the run dies, so a killed
    run leaves no orphans cleaning on into a dead staging directory.
    """
    with contextlib.suppress(OSError):
        os.close(lock_fd)
    if sys.platform.startswith("linux"):
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
        if os.getppid() == 1:  # the run died before prctl took effect
            os._exit(1)


def clean_file(task: FileTask) -> FileResult:
    """Clean every document of one raw file into staging (runs in a worker)."""
    from cleaning import clean_page

    writer = SpillWriter(task.spill_dir, f"{task.name}-a{task.attempt}")
    errors: Counter[str] = Counter()
    repairs: Counter[str] = Counter()
    documents = records = 0
    for item in read_raw_file(task.path, task.raw_file):
        documents += 1
        if isinstance(item, RawFailure):
            errors[item.reason] += 1
            writer.add_error(_error_row(item))
            continue
        try:
            record = clean_page(item.body, item.url, item.headers, item.fetched_at)
        except CleaningError as exc:
            errors[exc.reason] += 1
            writer.add_error(_document_error(item, exc))
            continue
        except Exception as exc:  # a cleaner bug must not stop the batch
            logger.exception(
                "cleaner failed on %s (%s @ %s)", item.url, item.raw_file, item.raw_offset
            )
            internal = InternalCleaningError(f"{type(exc).__name__}: {exc}")
            errors[internal.reason] += 1
            writer.add_error(_document_error(item, internal))
            continue
        records += 1
        repairs.update(record.repairs)
        writer.add_record(_placed(record, item))
    processed = ProcessedFile(
        task.raw_file,
        task.size,
        task.mtime_ns,
        CLEANER_VERSION,
        documents,
        records,
        documents - records,
    )
    return FileResult(processed, errors, repairs, writer.spills, writer.take_batch())


def _placed(record: Record, document: RawDocument) -> Record:
    """The record with its lineage, and the fetch time if the cleaner left it out."""
    record = record.with_lineage(document.raw_file, document.raw_offset)
    if record.fetched_at is None and document.fetched_at is not None:
        record = dataclasses.replace(record, fetched_at=document.fetched_at)
    return record


def _document_error(document: RawDocument, exc: CleaningError) -> dict[str, object]:
    return {
        "url": document.url,
        "raw_file": document.raw_file or "",
        "raw_offset": document.raw_offset,
        "reason": exc.reason,
        "detail": str(exc),
        "fetched_at": document.fetched_at,
        "cleaner_version": CLEANER_VERSION,
    }


def _error_row(failure: RawFailure) -> dict[str, object]:
    return {
        "url": failure.url,
        "raw_file": failure.raw_file,
        "raw_offset": failure.raw_offset,
        "reason": failure.reason,
        "detail": failure.detail,
        "fetched_at": failure.fetched_at,
        "cleaner_version": CLEANER_VERSION,
    }


def _crashed_result(task: FileTask) -> FileResult:
    failure = RawFailure(task.raw_file, None, WORKER_CRASHED, "the worker process died")
    writer = SpillWriter(task.spill_dir, f"{task.name}-crashed")
    writer.add_error(_error_row(failure))
    processed = ProcessedFile(task.raw_file, task.size, task.mtime_ns, CLEANER_VERSION, 1, 0, 1)
    errors = Counter({WORKER_CRASHED: 1})
    return FileResult(processed, errors, Counter(), writer.spills, writer.take_batch())
