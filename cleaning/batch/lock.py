"""The dataset's lock: one run (``process``, ``reprocess``, ``rollback``) at a time."""

from __future__ import annotations

import errno
import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from cleaning.batch.layout import LOCK_FILE


class DatasetLocked(Exception):
    """Another run holds the dataset's lock."""


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
