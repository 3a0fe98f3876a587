"""The local executor: worker processes that clean raw files, one file at a time each.

Unlike ``concurrent.futures.ProcessPoolExecutor``, where one worker's death
breaks the whole pool and fails every queued file, each worker here has its
own pipe and is given one file at a time: when a worker dies (SIGKILL from
the out-of-memory killer, a crash in a parser), only the file it was
cleaning is reported (``WorkerDied``), a new worker takes its place, and
the other files go on.

An executor is anything with ``map(tasks, config)`` yielding a
``FileResult`` or a ``WorkerDied`` per task (``Executor``); ``run`` takes
another one (a cluster's) in place of this one.
"""

from __future__ import annotations

import contextlib
import ctypes
import gc
import logging
import multiprocessing
import os
import signal
import sys
import traceback
from collections import deque
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from multiprocessing.context import BaseContext
from multiprocessing.process import BaseProcess
from typing import Protocol

from cleaning.batch.workers import FileResult, FileTask, clean_file
from cleaning.page.config import CleanerConfig
from cleaning.text import wordmodel

logger = logging.getLogger(__name__)

# prctl(2) option: the signal a process gets when its parent dies (linux/prctl.h).
_PR_SET_PDEATHSIG = 1

# Seconds a worker is given to exit after it is told to stop.
_STOP_SECONDS = 5.0


@dataclass(frozen=True, slots=True)
class WorkerDied:
    """The worker cleaning ``task`` died before returning its result."""

    task: FileTask
    detail: str


Outcome = FileResult | WorkerDied


class WorkerError(Exception):
    """A worker raised (a full disk, a bug outside ``clean_page``): the run stops."""


class Executor(Protocol):
    """Runs ``clean_file`` over tasks; yields one outcome per task, in any order."""

    def map(self, tasks: Sequence[FileTask], config: CleanerConfig) -> Iterator[Outcome]: ...


class _Worker:
    """One worker process and the parent's end of its pipe."""

    def __init__(self, context: BaseContext, config: CleanerConfig, close_fd: int | None) -> None:
        parent, child = multiprocessing.Pipe(duplex=True)
        self.conn: Connection = parent
        # typeshed gives BaseContext no Process; every concrete context has one.
        self.process: BaseProcess = context.Process(  # type: ignore[attr-defined]
            target=_worker_main, args=(child, config, close_fd), daemon=True
        )
        self.process.start()
        child.close()
        self.task: FileTask | None = None

    def give(self, task: FileTask) -> None:
        self.task = task
        self.conn.send(task)

    def stop(self) -> None:
        with contextlib.suppress(OSError, ValueError):
            self.conn.send(None)
        self.process.join(_STOP_SECONDS)
        self.kill()

    def kill(self) -> None:
        if self.process.is_alive():
            self.process.kill()
        self.process.join()
        self.conn.close()


class LocalExecutor:
    """``workers`` processes on this machine (forked after the cleaner is loaded, on Linux).

    ``close_fd``: a descriptor the workers must not hold (the run's lock).
    """

    def __init__(self, workers: int, close_fd: int | None = None) -> None:
        self.workers = max(1, workers)
        self.close_fd = close_fd

    def map(self, tasks: Sequence[FileTask], config: CleanerConfig) -> Iterator[Outcome]:
        if not tasks:
            return
        context = _context()
        if context.get_start_method() == "fork" and min(self.workers, len(tasks)) > 1:
            # Workers inherit the loaded cleaner (word lists, tables, the repairs'
            # word model) instead of loading it again each. One worker loads
            # what its pages need itself (the word model only if a repair asks).
            from cleaning.page import clean  # noqa: F401

            wordmodel.load()
            # Loaded tables are for reading only: keep the workers' garbage
            # collector off them, or its passes touch (and copy) every page.
            gc.freeze()
        queue = deque(tasks)
        idle: list[_Worker] = []
        busy: list[_Worker] = []
        try:
            for _ in range(min(self.workers, len(queue))):
                idle.append(_Worker(context, config, self.close_fd))
            while queue or busy:
                while queue and idle:
                    worker = idle.pop()
                    task = queue.popleft()
                    try:
                        if not worker.process.is_alive():
                            raise BrokenPipeError  # died between files: nothing to charge
                        worker.give(task)
                    except OSError:
                        worker.kill()
                        worker = _Worker(context, config, self.close_fd)
                        worker.give(task)
                    busy.append(worker)
                ready = set(wait([w.conn for w in busy] + [w.process.sentinel for w in busy]))
                for worker in list(busy):
                    if worker.conn not in ready and worker.process.sentinel not in ready:
                        continue
                    done = worker.task
                    assert done is not None
                    outcome = _receive(worker, done)
                    busy.remove(worker)
                    worker.task = None
                    if isinstance(outcome, WorkerDied):
                        worker.kill()
                        logger.warning("a worker died (%s) on %s", outcome.detail, done.path)
                        if queue:
                            idle.append(_Worker(context, config, self.close_fd))
                    elif queue:
                        idle.append(worker)
                    else:
                        worker.stop()
                    yield outcome
        finally:
            # Finished, interrupted or failed: no worker outlives the run's
            # interest in it (an abandoned run's files are merged by nobody).
            for worker in idle + busy:
                if worker.task is None and worker.process.is_alive():
                    worker.stop()
                else:
                    worker.kill()
            gc.unfreeze()


def _receive(worker: _Worker, task: FileTask) -> Outcome:
    """The worker's answer for ``task``; ``WorkerDied`` when it died first."""
    try:
        if worker.conn.poll():
            kind, payload = worker.conn.recv()
            if kind == "ok":
                assert isinstance(payload, FileResult)
                return payload
            raise WorkerError(f"cleaning {task.path} failed in a worker:\n{payload}")
    except (EOFError, OSError):
        pass  # it died while sending: the message is incomplete
    worker.process.join()
    return WorkerDied(task, _death(worker.process.exitcode))


def _death(exitcode: int | None) -> str:
    if exitcode is not None and exitcode < 0:
        try:
            name = signal.Signals(-exitcode).name
        except ValueError:
            name = f"signal {-exitcode}"
        return f"killed by {name}"
    return f"exited with status {exitcode}"


def _context() -> BaseContext:
    if "fork" in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("fork")
    return multiprocessing.get_context()


def _worker_main(conn: Connection, config: CleanerConfig, close_fd: int | None) -> None:
    """A worker's life: take a task, clean it, send the result back; until told to stop."""
    _start_worker(close_fd)
    while True:
        try:
            task = conn.recv()
        except (EOFError, OSError):
            return  # the run is gone
        if task is None:
            return
        try:
            result: FileResult = clean_file(task, config)
        except BaseException:
            conn.send(("error", traceback.format_exc()))
            continue
        conn.send(("ok", result))


def _start_worker(close_fd: int | None) -> None:
    """Set up a worker: leave the run's lock to the run, and die with it.

    A forked worker shares the lock's descriptor; closed here, the lock is
    released the moment the run itself ends, even when it is killed. On Linux
    the kernel also sends the worker SIGKILL when the run dies, so a killed
    run leaves no orphans cleaning on into a dead staging directory.
    """
    # Ctrl-C goes to the whole process group: the run handles it and stops
    # its workers; a worker must not die of it half-way through a send.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if close_fd is not None:
        with contextlib.suppress(OSError):
            os.close(close_fd)
    if sys.platform.startswith("linux"):
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
        if os.getppid() == 1:  # the run died before prctl took effect
            os._exit(1)
