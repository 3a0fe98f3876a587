"""Cleaning on a Dask distributed cluster: ``process --cluster tcp://HOST:8786``.

``DaskExecutor`` is an executor for ``cleaning.batch.run`` (``pool.Executor``):
the run itself does not change (it takes the dataset's lock, lists the raw
files to clean, merges what they gave and publishes the next version); only
the per-file cleaning (``workers.clean_file``, one task per raw file) goes
to the cluster's workers instead of local processes. Each worker reads its
raw file and writes its staging files itself, so the raw archive, the
dataset directory and the site rules must be on storage every worker mounts
**at the same path** (NFS, CephFS, a cluster file system); the executor
checks that, and the workers' cleaner version, before it submits anything.
See ``docs/scaling.md``.

A worker that dies mid-file (killed, out of memory, its host gone): the
scheduler gives the file to another worker, which cleans it from the start.
Each execution writes its staging files under a name of its own and the run
merges only the files the finished execution reports, so the partial files
of the dead one are ignored: nothing lost, nothing twice. A file whose
workers die ``distributed.scheduler.allowed-failures`` + 1 times comes back
as ``WorkerDied``, which the run treats as a local worker's death (tried
again, then left for the next run, then poisoned).

Dask is imported here only, when a cluster is asked for: the single-host
pipeline needs none of it.
"""

from __future__ import annotations

import dataclasses
import logging
import os
import uuid
from collections.abc import Iterator, Sequence
from concurrent.futures import CancelledError
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cleaning.batch.pool import Outcome, WorkerDied
from cleaning.batch.workers import FileResult, FileTask, clean_file
from cleaning.page.config import CleanerConfig
from cleaning.record import CLEANER_VERSION

if TYPE_CHECKING:
    from distributed import Client

logger = logging.getLogger(__name__)

#: Seconds to wait for the scheduler (and a first worker) before giving up.
CONNECT_TIMEOUT = 10.0


class ClusterError(ConnectionError):
    """The cluster cannot run this job (unreachable, wrong version, cannot see the files)."""


class DaskExecutor:
    """Runs ``clean_file`` on the workers of the Dask scheduler at ``address``."""

    def __init__(self, address: str) -> None:
        self.address = address

    def map(self, tasks: Sequence[FileTask], config: CleanerConfig) -> Iterator[Outcome]:
        """One outcome per task, in completion order (see the module doc)."""
        if not tasks:
            return
        try:
            from distributed import Client, as_completed
            from distributed.scheduler import KilledWorker
        except ImportError as exc:
            raise ClusterError(
                f"--cluster needs the scale extra (pip install -e '.[scale]'): {exc}"
            ) from exc
        tasks = [_absolute(task) for task in tasks]
        config = dataclasses.replace(config, sites_dir=Path(os.path.abspath(config.sites_dir)))
        try:
            client = Client(self.address, timeout=CONNECT_TIMEOUT, set_as_default=False)  # type: ignore[no-untyped-call]
        except (OSError, TimeoutError) as exc:
            raise ClusterError(f"no Dask scheduler answers at {self.address}: {exc}") from exc
        with client:
            workers = _check_workers(client, self.address, tasks[0], config)
            logger.info(
                "cleaning %d raw files on the cluster at %s (%d workers)",
                len(tasks),
                self.address,
                len(workers),
            )
            run = uuid.uuid4().hex[:8]
            futures: dict[Any, FileTask] = {
                client.submit(clean_execution, task, config, key=f"clean-{run}-{task.name}"): task
                for task in tasks
            }
            try:
                for future in as_completed(futures, loop=client.loop):  # type: ignore[no-untyped-call]
                    task = futures.pop(future)
                    try:
                        outcome: Outcome = future.result()
                    except KilledWorker as exc:
                        outcome = WorkerDied(task, f"its Dask workers died: {exc}")
                    except CancelledError as exc:  # the scheduler is gone, or cancelled it
                        raise ClusterError(
                            f"lost the Dask scheduler at {self.address} ({exc})"
                        ) from exc
                    future.release()
                    yield outcome
            finally:
                # Interrupted or failed: nobody will merge what is still running.
                if futures:
                    client.cancel(list(futures))  # type: ignore[no-untyped-call]


def clean_execution(task: FileTask, config: CleanerConfig) -> FileResult:
    """Clean one raw file on a worker, its staging files named for this execution alone.

    A task may run more than once (its worker died and another took it over);
    only the execution that finishes reports its files.
    """
    execution = f"{task.name}-{uuid.uuid4().hex[:8]}"
    return clean_file(dataclasses.replace(task, name=execution), config)


def _absolute(task: FileTask) -> FileTask:
    """The task with absolute paths: workers do not share the client's directory."""
    return dataclasses.replace(
        task, path=Path(os.path.abspath(task.path)), spill_dir=Path(os.path.abspath(task.spill_dir))
    )


def _check_workers(
    client: Client, address: str, task: FileTask, config: CleanerConfig
) -> list[str]:
    """The workers' addresses, once each has shown it can do the job."""
    try:
        client.wait_for_workers(1, timeout=CONNECT_TIMEOUT)
    except TimeoutError as exc:
        raise ClusterError(f"the cluster at {address} has no worker") from exc
    staging = task.spill_dir.parent
    staging.mkdir(parents=True, exist_ok=True)
    try:
        answers = client.run(_worker_check, str(task.path), str(staging), str(config.sites_dir))
    except Exception as exc:  # a worker without this package, or one that died
        raise ClusterError(f"the cluster's workers cannot run the cleaner: {exc}") from exc
    problems = []
    for worker, (version, problem) in sorted(answers.items()):
        if version != CLEANER_VERSION:
            problems.append(f"{worker} runs cleaner {version}, this client {CLEANER_VERSION}")
        elif problem:
            problems.append(f"{worker}: {problem}")
    if problems:
        raise ClusterError(
            "the cluster cannot clean this archive: "
            + "; ".join(problems)
            + " (every worker needs this code, and the raw, data and sites directories"
            " at the same paths)"
        )
    return sorted(answers)


def _worker_check(raw_file: str, staging: str, sites_dir: str) -> tuple[str, str]:
    """On a worker: (its cleaner version, what keeps it from the job or "")."""
    if not os.access(raw_file, os.R_OK):
        return CLEANER_VERSION, f"cannot read {raw_file}"
    if not os.access(staging, os.W_OK):
        return CLEANER_VERSION, f"cannot write to {staging}"
    if not os.path.isdir(sites_dir):
        return CLEANER_VERSION, f"no site rules at {sites_dir}"
    return CLEANER_VERSION, ""
