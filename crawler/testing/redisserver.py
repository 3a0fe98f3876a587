"""A throw-away Redis server on 127.0.0.1, for the tests and the bench of the shared crawl.

Runs the real ``redis-server`` (Debian's package; ``make`` installs it when
missing) on a free port, with its files in a temporary directory and nothing
saved to disk::

    with RedisServer() as server:
        server.url            # redis://127.0.0.1:PORT/0
        server.url_for(3)     # another database of the same server
"""

from __future__ import annotations

import contextlib
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path
from types import TracebackType

#: The only address the server listens on.
HOST = "127.0.0.1"

#: Seconds a starting server may take to answer PING.
START_TIMEOUT = 20.0

#: Attempts at a free port (another process may take the one picked meanwhile).
PORT_ATTEMPTS = 5


class RedisUnavailable(RuntimeError):
    """No ``redis-server`` to run, or it would not start."""


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


def _answers(port: int) -> bool:
    try:
        with socket.create_connection((HOST, port), timeout=1.0) as sock:
            sock.sendall(b"PING\r\n")
            return sock.recv(16).startswith(b"+PONG")
    except OSError:
        return False


class RedisServer:
    """``redis-server`` in a child process, stopped (and its directory removed) on exit."""

    def __init__(self, binary: str | None = None) -> None:
        found = binary or shutil.which("redis-server")
        if found is None:
            raise RedisUnavailable(
                "redis-server not found: `make install` installs Debian's redis-server"
            )
        self.binary = found
        self.port = 0
        self.directory: Path | None = None
        self._process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return self.url_for(0)

    def url_for(self, db: int) -> str:
        """The URL of database ``db`` of this server."""
        return f"redis://{HOST}:{self.port}/{db}"

    def start(self) -> RedisServer:
        self.directory = Path(tempfile.mkdtemp(prefix="sxcorpus-redis-"))
        for _ in range(PORT_ATTEMPTS):
            port = _free_port()
            process = subprocess.Popen(
                [
                    self.binary,
                    "--bind", HOST,
                    "--port", str(port),
                    "--dir", str(self.directory),
                    "--save", "",
                    "--appendonly", "no",
                    "--logfile", str(self.directory / "redis.log"),
                ],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )  # fmt: skip
            deadline = time.monotonic() + START_TIMEOUT
            while process.poll() is None and time.monotonic() < deadline:
                if _answers(port):
                    self.port, self._process = port, process
                    return self
                time.sleep(0.05)
            process.kill()
            process.wait()
        log = self.directory / "redis.log"
        tail = log.read_text(errors="replace")[-2000:] if log.exists() else ""
        raise RedisUnavailable(f"redis-server would not start:\n{tail}")

    def stop(self) -> None:
        if self._process is not None:
            self._process.terminate()
            try:
                self._process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait()
            self._process = None
        if self.directory is not None:
            shutil.rmtree(self.directory, ignore_errors=True)
            self.directory = None

    def __enter__(self) -> RedisServer:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        with contextlib.suppress(OSError):
            self.stop()
