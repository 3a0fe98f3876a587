"""Cleaning on a Dask distributed cluster: ``process --cluster tcp://HOST:8786``.

The run itself does not change (``cleaning.batch.run``): it takes the
dataset's lock, lists the raw files to clean, merges what the files gave and
publishes the next version. Only the per-file cleaning (``run.clean_file``)
goes to the cluster's workers instead of local processes, one task per raw
file. Each worker reads its raw file and writes its staging files itself,
so the raw archive and the dataset directory must be on storage every worker
mounts **at the same path** (NFS, CephFS, a cluster file system); the client
checks that before it submits anything. See ``docs/scaling.md``.

A worker that dies mid-file (killed, out of memory, its host gone): the
scheduler gives its files to another worker, which cleans them from the
start. Each execution writes its staging files under a name of its own, and
the run merges only the files the finished execution reports, so the partial
files of the dead one are ignored: nothing lost, nothing twice. A file whose
workers die ``distributed.scheduler.allowed-failures`` + 1 times (a crash in
a parser) becomes one ``worker-crashed`` error row, as in a local run.

Dask is imported here only: the single-host pipeline needs none of it.
"""

from __future__ import annotations

import dataclasses
import logging
import os
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from cleaning.batch.run import FileResult, FileTask, clean_file
from cleaning.batch.run import _crashed_result as crashed_result
from cleaning.record import CLEANER_VERSION

if TYPE_CHECKING:
    from distributed import Client

logger = logging.getLogger(__name__)

#: Seconds to wait for the scheduler to answer before the run gives up.
CONNECT_TIMEOUT = 10.0


class ClusterError(ConnectionError):
    """The cluster cannot run this job (unreachable, wrong version, cannot see the files)."""


def clean_on_cluster(tasks: list[FileTask], address: str) -> Iterator[FileResult]:
    """Every task's result, cleaned on the Dask cluster at ``address``, in completion order."""
    try:
        from distributed import Client, as_completed
        from distributed.scheduler import KilledWorker
    except ImportError as exc:
        raise ClusterError(
            f"--cluster needs the scale extra (pip install -e '.[scale]'): {exc}"
        ) from exc

    tasks = [_absolute(task) for task in tasks]
    try:
        client = Client(address, timeout=CONNECT_TIMEOUT, set_as_default=False)  # type: ignore[no-untyped-call]
    except (OSError, TimeoutError) as exc:
        raise ClusterError(f"no Dask scheduler answers at {address}: {exc}") from exc
    with client:
        workers = _check_workers(client, tasks)
        logger.info(
            "cleaning %d raw files on the cluster at %s (%d workers)",
            len(tasks),
            address,
            len(workers),
        )
        run = uuid.uuid4().hex[:8]
        futures = {
            client.submit(clean_execution, task, key=f"clean-{run}-{task.name}", pure=False): task
            for task in tasks
        }
        try:
            for future in as_completed(futures, loop=client.loop):  # type: ignore[no-untyped-call]
                task = futures.pop(future)
                try:
                    result: FileResult = future.result()
                except KilledWorker:
                    logger.error("workers died cleaning %s: giving up on it", task.path)
                    result = crashed_result(task)
                future.release()
                yield result
        finally:
            # Interrupted or failed: nobody will merge what is still running.
            if futures:
                client.cancel(list(futures))  # type: ignore[no-untyped-call]


def clean_execution(task: FileTask) -> FileResult:
    """Clean one raw file on a worker, its staging files named for this execution alone.

    A task may run more than once (its worker died and another took it over);
    only the execution that finishes reports its files.
    """
    execution = f"{task.name}-{uuid.uuid4().hex[:8]}"
    return clean_file(dataclasses.replace(task, name=execution))


def _absolute(task: FileTask) -> FileTask:
    """The task with absolute paths: workers do not share the client's directory."""
    return dataclasses.replace(
        task, path=Path(os.path.abspath(task.path)), spill_dir=Path(os.path.abspath(task.spill_dir))
    )


def _check_workers(client: Client, tasks: list[FileTask]) -> list[str]:
    """The workers' addresses, once each has shown it can do the job."""
    client.wait_for_workers(1, timeout=CONNECT_TIMEOUT)
    staging = tasks[0].spill_dir.parent
    staging.mkdir(parents=True, exist_ok=True)
    try:
        answers = client.run(_worker_check, str(tasks[0].path), str(staging))
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
            + " (every worker needs this code and the raw and data directories at the same paths)"
        )
    return sorted(answers)


def _worker_check(raw_file: str, staging: str) -> tuple[str, str]:
    """On a worker: (its cleaner version, what keeps it from the job or "")."""
    if not os.access(raw_file, os.R_OK):
        return CLEANER_VERSION, f"cannot read {raw_file}"
    if not os.access(staging, os.W_OK):
        return CLEANER_VERSION, f"cannot write to {staging}"
    return CLEANER_VERSION, ""
