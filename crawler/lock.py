"""One crawl at a time: an exclusive lock on ``data/state/crawl.lock``.

``fcntl.flock`` is released by the kernel when the process ends, however it
ends, so a crawl killed by cron or the OOM killer never leaves a stale lock.
The file holds the holder's process id, for the message of the run that
finds the lock taken.
"""

from __future__ import annotations

import fcntl
import os
from pathlib import Path
from types import TracebackType


class LockHeld(RuntimeError):
    """Another process holds the crawl lock."""

    def __init__(self, path: Path, holder: str) -> None:
        super().__init__(f"another crawl is running (pid {holder or '?'}, lock {path})")
        self.path = path
        self.holder = holder


class CrawlLock:
    """Hold ``path`` exclusively for the life of the ``with`` block (or raise ``LockHeld``)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._fd: int | None = None

    def acquire(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 32, 0).decode("ascii", "replace").strip()
            os.close(fd)
            raise LockHeld(self.path, holder) from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode("ascii"), 0)
        self._fd = fd

    def release(self) -> None:
        if self._fd is not None:
            os.ftruncate(self._fd, 0)
            fcntl.flock(self._fd, fcntl.LOCK_UN)
            os.close(self._fd)
            self._fd = None

    def __enter__(self) -> CrawlLock:
        self.acquire()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.release()
