"""Batch cleaning: the raw archive to the next version of the Parquet dataset.

``run`` finds the raw files not yet cleaned by this cleaner version (all of
them for a full rebuild), cleans them with an executor (local worker
processes by default, one file per task: ``cleaning.batch.pool``), and
publishes a new version of the dataset (``merge``, ``publish``).

Nothing is lost, nothing is stuck:

- a document that cannot be read or cleaned becomes a row of the errors
  table and never stops the run; records + errors == documents read;
- a raw file is recorded as processed only once its documents are in the
  records or errors table; a raw file that cannot be read at all is one
  error row, retried when it changes;
- a worker that dies charges only the file it was cleaning: the file is
  tried once more alone at the end of the run, then left for the next run;
  after ``max_tries`` deaths across runs it is ``poisoned`` (one error row)
  and skipped until ``--retry-failed``.

Exit codes (``RunStats.exit_code``):

- ``0`` every document became a record (or there was nothing new);
- ``3`` partial: some documents failed (see the errors table), or some
  files are left for the next run;
- ``1`` failure: documents were read but none became a record, or the run
  could not finish (the dataset is then unchanged);
- ``75`` another run holds the lock (nothing done; try again later).
"""

from __future__ import annotations

import dataclasses
import logging
import os
import time
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from cleaning.batch import syndication
from cleaning.batch.layout import (
    CLEANED,
    CRASHED,
    FILE_FAILED,
    POISONED,
    STAGING,
    ProcessedFile,
    new_run_id,
    schema_fingerprint,
)
from cleaning.batch.lock import DatasetLocked, locked
from cleaning.batch.merge import build_version
from cleaning.batch.pool import Executor, LocalExecutor, Outcome, WorkerDied
from cleaning.batch.publish import DEFAULT_KEEP_VERSIONS, prune, publish
from cleaning.batch.rawio import FileIdentity, RawEntry, scan_raw
from cleaning.batch.read import current_version, load_state, read_manifest
from cleaning.batch.staging import RUN_BATCH_ROWS, Spills, SpillWriter
from cleaning.batch.workers import FileResult, FileTask, failed_file
from cleaning.errors import POISONED as POISONED_REASON
from cleaning.page.config import DEFAULT_CONFIG, CleanerConfig
from cleaning.record import CLEANER_VERSION

logger = logging.getLogger(__name__)

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_PARTIAL = 3
EXIT_LOCKED = 75  # EX_TEMPFAIL (sysexits.h): cron wrappers read it as "try later"

#: Worker deaths on one raw file, across runs, before it is poisoned: a
#: death can be the machine's fault (the out-of-memory killer picks the
#: largest process, not the guilty one), so one is not enough; a parser
#: that crashes on the file does so every time.
DEFAULT_MAX_TRIES = 3


@dataclass(frozen=True, slots=True)
class ProcessOptions:
    """What one run cleans and where it writes.

    ``raw``: files or directories of raw files (each must exist). ``out``:
    the dataset's root (``data/clean``). ``full``: rebuild from all raw
    (``reprocess``) instead of cleaning only what is new. ``workers``:
    processes (default: one per core). ``keep_versions``: versions kept
    after the run. ``max_tries``: worker deaths on a file before it is
    poisoned. ``retry_failed``: clean again the files that failed as a
    whole or were poisoned, changed or not. ``config``: the cleaner's.
    Rows name their raw file relative to ``out``'s parent (``data/``), or
    absolutely when it lies elsewhere.
    """

    raw: tuple[Path, ...]
    out: Path
    workers: int | None = None
    full: bool = False
    keep_versions: int = DEFAULT_KEEP_VERSIONS
    max_tries: int = DEFAULT_MAX_TRIES
    retry_failed: bool = False
    config: CleanerConfig = DEFAULT_CONFIG

    @property
    def base_dir(self) -> Path:
        return Path(os.path.abspath(self.out)).parent


@dataclass(slots=True)
class RunStats:
    """A run's closing summary."""

    raw_files: int = 0
    files_done: int = 0
    documents: int = 0
    records: int = 0
    errors: Counter[str] = field(default_factory=Counter)
    repairs: Counter[str] = field(default_factory=Counter)
    worker_deaths: int = 0
    left_for_next_run: list[str] = field(default_factory=list)
    poisoned: list[str] = field(default_factory=list)
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
        if self.errors or self.left_for_next_run:
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


def check_raw_paths(raw: Iterable[Path]) -> None:
    """Raise ``FileNotFoundError`` naming every raw path that does not exist."""
    missing = [str(path) for path in raw if not (path.exists() or path.is_symlink())]
    if missing:
        raise FileNotFoundError(f"no raw archive at {', '.join(missing)}")


def run(
    options: ProcessOptions,
    on_start: Callable[[int, int], None] | None = None,
    on_file: Callable[[FileResult], None] | None = None,
    executor: Executor | None = None,
) -> RunStats:
    """Clean what is pending into a new published version; see the module doc.

    Checks first, before anything is touched: every raw path exists and the
    sites directory too (``FileNotFoundError`` otherwise). ``on_start(files,
    bytes)`` is called once the pending files are known and ``on_file``
    after each file, for progress display. ``executor`` runs the files
    (default: a ``LocalExecutor`` of ``options.workers`` processes).
    """
    check_raw_paths(options.raw)
    if not options.config.sites_dir.is_dir():
        raise FileNotFoundError(f"sites directory {options.config.sites_dir} does not exist")
    started = time.perf_counter()
    stats = RunStats()
    out = options.out
    try:
        with locked(out) as lock_fd:
            prune(out, options.keep_versions)
            workers = LocalExecutor(options.workers or default_workers(), lock_fd)
            _run_locked(options, stats, executor or workers, on_start, on_file)
    except DatasetLocked as exc:
        stats.locked = str(exc)
    stats.seconds = time.perf_counter() - started
    return stats


@dataclass(slots=True)
class _Plan:
    tasks: list[FileTask] = field(default_factory=list)
    problems: list[tuple[RawEntry, FileTask]] = field(default_factory=list)
    gone: list[str] = field(default_factory=list)  # failures whose path is no longer found


def _run_locked(
    options: ProcessOptions,
    stats: RunStats,
    executor: Executor,
    on_start: Callable[[int, int], None] | None,
    on_file: Callable[[FileResult], None] | None,
) -> None:
    out = options.out
    base = None if options.full else current_version(out)
    if base is not None and read_manifest(base).get("schema") != schema_fingerprint():
        logger.warning(
            "the dataset's schema or layout changed since version %s: rebuilding all", base.name
        )
        base = None
    state = load_state(base)
    run_id = new_run_id()
    spill_dir = out / STAGING / run_id / "spill"
    plan = _plan(options, state, spill_dir)
    work = len(plan.tasks) + len(plan.problems)
    stats.raw_files = work
    if on_start is not None:
        on_start(work, sum(t.identity.size for t in plan.tasks))
    if not work and not plan.gone:
        logger.info("nothing to do: every raw file is cleaned by cleaner %s", CLEANER_VERSION)
        return
    logger.info("cleaning %d raw files", work)
    spills = Spills()
    gathered = SpillWriter(spill_dir, "run", RUN_BATCH_ROWS)
    new_state = {name: p for name, p in state.items() if name not in plan.gone}

    def take(result: FileResult) -> None:
        stats.add(result)
        spills.extend(result.spills)
        gathered.add_batch(result.batch)
        new_state[result.processed.raw_file] = result.processed
        if on_file is not None:
            on_file(result)

    for entry, task in plan.problems:
        assert entry.problem is not None
        logger.warning("%s: %s (%s)", entry.problem[0], entry.path, entry.problem[1])
        take(failed_file(task, *entry.problem))
    died = _execute(executor, plan.tasks, options, stats, take)
    for task, detail in died:
        _charge(task, detail, options, state, new_state, stats, take)
    gathered.flush()
    spills.extend(gathered.spills)
    kept_old_rows = set(stats.left_for_next_run)  # their rows from before stay
    replaced = frozenset(
        {t.raw_file for t in plan.tasks if t.raw_file in state} - kept_old_rows
        | {t.raw_file for _, t in plan.problems if t.raw_file in state}
        | set(plan.gone)
    )
    mode = "reprocess" if options.full else "process"
    built = build_version(out, run_id, base, spills, new_state.values(), replaced, mode)
    # Copies of one article across the whole version (signatures of bodies
    # already published are reused from the published version's cache).
    syndication.update_version(built, cache_from=current_version(out))
    version = publish(out, run_id, built)
    manifest = read_manifest(version)
    stats.version = run_id
    stats.dataset_records = manifest["records"]
    stats.dataset_errors = manifest["errors"]
    prune(out, options.keep_versions)


def _execute(
    executor: Executor,
    tasks: Sequence[FileTask],
    options: ProcessOptions,
    stats: RunStats,
    take: Callable[[FileResult], None],
) -> list[tuple[FileTask, str]]:
    """Run the tasks; a file whose worker died is tried once more, alone, at the end.

    Returns the files whose worker died on their last try in this run, each
    with its death count (``deaths``) updated.
    """
    died: list[tuple[FileTask, str]] = []
    for outcome in executor.map(tasks, options.config):
        _sort(outcome, died, stats, take)
    again = [
        dataclasses.replace(task, name=f"{task.name}-r")
        for task, _ in died
        if task.deaths < options.max_tries
    ]
    if not again:
        return died
    # Alone: a death that was the machine's fault (memory) does not recur.
    final = [(task, detail) for task, detail in died if task.deaths >= options.max_tries]
    logger.info("cleaning again, one at a time, %d files whose worker died", len(again))
    solo = LocalExecutor(1, executor.close_fd) if isinstance(executor, LocalExecutor) else executor
    for outcome in solo.map(again, options.config):
        _sort(outcome, final, stats, take)
    return final


def _sort(
    outcome: Outcome,
    died: list[tuple[FileTask, str]],
    stats: RunStats,
    take: Callable[[FileResult], None],
) -> None:
    if isinstance(outcome, WorkerDied):
        stats.worker_deaths += 1
        died.append(
            (dataclasses.replace(outcome.task, deaths=outcome.task.deaths + 1), outcome.detail)
        )
    else:
        take(outcome)


def _charge(
    task: FileTask,
    detail: str,
    options: ProcessOptions,
    state: dict[str, ProcessedFile],
    new_state: dict[str, ProcessedFile],
    stats: RunStats,
    take: Callable[[FileResult], None],
) -> None:
    """Record a death on a file: poisoned after ``max_tries``, else left for the next run."""
    if task.deaths >= options.max_tries:
        logger.error(
            "poisoned: a worker died on each of %d tries on %s (last: %s); "
            "kept for `process --retry-failed`",
            task.deaths,
            task.path,
            detail,
        )
        stats.poisoned.append(task.raw_file)
        why = (
            f"the worker cleaning this file died on each of {task.deaths} tries "
            f"(last: {detail}); run `process --retry-failed` to try again"
        )
        take(failed_file(task, POISONED_REASON, why, POISONED))
        return
    logger.warning(
        "%s left for the next run: its worker died (%s), %d of %d tries used",
        task.path,
        detail,
        task.deaths,
        options.max_tries,
    )
    stats.left_for_next_run.append(task.raw_file)
    previous = state.get(task.raw_file)
    if previous is not None and previous.outcome != CRASHED:
        # Its rows from before stay in the dataset until a try succeeds.
        new_state[task.raw_file] = dataclasses.replace(previous, deaths=task.deaths)
        return
    new_state[task.raw_file] = ProcessedFile(
        raw_file=task.raw_file,
        size=task.identity.size,
        mtime_ns=task.identity.mtime_ns,
        ctime_ns=task.identity.ctime_ns,
        cleaner_version=CLEANER_VERSION,
        outcome=CRASHED,
        deaths=task.deaths,
    )


def _plan(options: ProcessOptions, state: dict[str, ProcessedFile], spill_dir: Path) -> _Plan:
    """What this run must do: files to clean, entries to report, failures gone."""
    plan = _Plan()
    base_dir = options.base_dir
    found = set()
    for entry in scan_raw(options.raw):
        name = raw_name(entry.path, base_dir)
        found.add(name)
        seen = state.get(name)
        if not _pending(entry, seen, options.retry_failed):
            continue
        deaths = seen.deaths if seen is not None and _same_content(entry.identity, seen) else 0
        task = FileTask(entry.path, name, entry.identity, spill_dir, f"{len(found):06d}", deaths)
        if entry.problem is not None:
            plan.problems.append((entry, task))
        else:
            plan.tasks.append(task)
    roots = [raw_name(root, base_dir).rstrip("/") for root in options.raw]
    for name, seen in state.items():
        failed = seen.outcome in (FILE_FAILED, CRASHED)
        inside = any(name == r or name.startswith(r + "/") for r in roots)
        if failed and inside and name not in found:
            plan.gone.append(name)
    return plan


def _same_content(identity: FileIdentity, seen: ProcessedFile) -> bool:
    return identity.size == seen.size and identity.mtime_ns == seen.mtime_ns


def _pending(entry: RawEntry, seen: ProcessedFile | None, retry_failed: bool) -> bool:
    """Whether a raw file (or entry that cannot be read) must be handled by this run."""
    if seen is None or seen.outcome == CRASHED:
        return True
    if entry.problem is not None and seen.outcome in (CLEANED, POISONED):
        # Cleaned before, unreadable now: its rows stay, nothing to clean them again from.
        logger.warning("%s: %s (%s); its rows stay", entry.problem[0], entry.path, entry.problem[1])
        return False
    if seen.cleaner_version != CLEANER_VERSION or not _same_content(entry.identity, seen):
        return True
    if seen.outcome == CLEANED:
        return False
    if retry_failed:
        return True
    if seen.outcome == FILE_FAILED:
        # chmod fixing a file's permissions moves only its change time.
        return entry.identity.ctime_ns != seen.ctime_ns
    return False
