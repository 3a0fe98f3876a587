"""Serve the offline sample mirror on 127.0.0.1, as an HTTP proxy of the real hosts.

The server answers requests for the mirrored hosts (``data/samples/sites/<host>/``)
with each page's real headers and faults (``data/samples/mirror/<host>.toml``):
declared charsets, redirects, a 503 answered once, a slow page. It routes by the
request's absolute URI (``GET http://finews.withounder.com/... HTTP/1.1``, as a
client sends it to a proxy) or by its ``Host`` header, so the crawler keeps the
real URLs and nothing leaves 127.0.0.1: ``python -m crawler crawl --mirror URL``.
A request for a host the mirror does not have is answered 502 and logged, like
every other request.

Command line::

    python -m crawler.testing.sampleserver [--port 0] [--root data/samples] [--log FILE]

prints ``serving http://127.0.0.1:PORT`` as its first line, then logs one line per
request (method, host, path, status) to ``FILE`` or stderr, and exits cleanly on
SIGTERM or SIGINT. In-process (tests, the demo, the bench)::

    with SampleServer(root) as server:
        server.url, server.requests
"""

from __future__ import annotations

import argparse
import datetime as dt
import logging
import signal
import sys
import threading
import time
import tomllib
from dataclasses import dataclass, field
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import FrameType, TracebackType
from typing import TextIO
from urllib.parse import unquote, urlsplit

logger = logging.getLogger(__name__)

#: The repository's sample mirror.
DEFAULT_ROOT = Path(__file__).resolve().parents[2] / "data" / "samples"

#: The only address the server listens on.
HOST = "127.0.0.1"

# Content types by file suffix, for files the mirror's toml says nothing about.
_SUFFIX_TYPES = {
    ".txt": "text/plain",
    ".xml": "application/xml",
    ".css": "text/css",
    ".js": "application/javascript",
}
# Longest a request line and headers may take to arrive before the connection is dropped
# (seconds): a client that stalls must not hold a server thread for ever.
_READ_TIMEOUT = 30.0


@dataclass(frozen=True, slots=True)
class PathRule:
    """How one path of a mirrored host is served (see ``mirror/<host>.toml``)."""

    content_type: str | None = None
    status: int | None = None
    location: str | None = None
    fail_once: int | None = None
    delay: float = 0.0
    #: The file served for this path (relative to the host's directory): for
    #: URLs a file name cannot hold, ``/download.jsp?owner=1&wbfileid=2``.
    file: str | None = None
    #: Headers added to this path's response (``Content-Disposition`` of a download).
    headers: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True, slots=True)
class HostConfig:
    """How a mirrored host is served: its files, default headers and path rules."""

    host: str
    files: Path
    content_type: str
    headers: tuple[tuple[str, str], ...]
    rules: dict[str, PathRule]


@dataclass(frozen=True, slots=True)
class LoggedRequest:
    """One request the server received, as logged (``time``: when it arrived)."""

    time: dt.datetime
    method: str
    host: str
    path: str
    status: int


def load_mirror(root: Path) -> dict[str, HostConfig]:
    """Read ``root/mirror/*.toml``: the hosts the mirror serves and how."""
    hosts = {}
    for path in sorted((root / "mirror").glob("*.toml")):
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        host = str(data["host"]).lower()
        defaults = data.get("defaults", {})
        rules = {
            key: PathRule(
                content_type=rule.get("content_type"),
                status=rule.get("status"),
                location=rule.get("location"),
                fail_once=rule.get("fail_once"),
                delay=float(rule.get("delay", 0.0)),
                file=rule.get("file"),
                headers=tuple((str(k), str(v)) for k, v in rule.get("headers", {}).items()),
            )
            for key, rule in data.get("paths", {}).items()
        }
        hosts[host] = HostConfig(
            host=host,
            files=root / "sites" / host,
            content_type=str(defaults.get("content_type", "text/html")),
            headers=tuple((str(k), str(v)) for k, v in defaults.get("headers", {}).items()),
            rules=rules,
        )
    return hosts


def served_content_type(config: HostConfig, path: str, file: Path) -> str:
    """The ``Content-Type`` ``config``'s host serves ``path`` (from ``file``) with:
    the path's rule, else the file's suffix, else the host's default."""
    rule = config.rules.get(path, PathRule())
    return rule.content_type or _SUFFIX_TYPES.get(file.suffix, config.content_type)


def mirrored_sources(root: Path = DEFAULT_ROOT, sites: Path | None = None) -> list[str]:
    """The configured sources (``sites/*.toml``) the mirror can serve: every start
    point (listing, feed, sitemap) on a mirrored host. The demo and the crawl
    tests crawl these, enabled or not (``--source NAME`` for each)."""
    from crawler.sources import load_sources, sites_dir

    hosts = set(load_mirror(root))
    return sorted(
        name
        for name, source in load_sources(sites_dir(sites)).items()
        if all(
            (urlsplit(url).hostname or "") in hosts
            for url in (*source.start_urls, *source.feeds, *source.sitemaps)
        )
    )


@dataclass
class _State:
    """What the handler threads share: the mirror, the faults already played, the log."""

    hosts: dict[str, HostConfig]
    no_delay: bool
    log_stream: TextIO | None
    requests: list[LoggedRequest] = field(default_factory=list)
    failed_once: set[tuple[str, str]] = field(default_factory=set)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def record(self, entry: LoggedRequest) -> None:
        with self.lock:
            self.requests.append(entry)
            if self.log_stream is not None:
                self.log_stream.write(
                    f"{entry.time.isoformat(timespec='milliseconds')} {entry.method} "
                    f"{entry.host} {entry.path} {entry.status}\n"
                )
                self.log_stream.flush()

    def first_failure(self, host: str, path: str) -> bool:
        """True the first time a fail-once page is asked for, False afterwards."""
        with self.lock:
            if (host, path) in self.failed_once:
                return False
            self.failed_once.add((host, path))
            return True


class _Handler(BaseHTTPRequestHandler):
    """Answers one connection's requests from the mirror (HTTP/1.1, keep-alive)."""

    protocol_version = "HTTP/1.1"
    server_version = "sxcorpus-sampleserver"
    sys_version = ""
    timeout = _READ_TIMEOUT
    state: _State

    def do_GET(self) -> None:
        self._serve(send_body=True)

    def do_HEAD(self) -> None:
        self._serve(send_body=False)

    def do_POST(self) -> None:
        self._refuse(HTTPStatus.METHOD_NOT_ALLOWED)

    def do_CONNECT(self) -> None:
        self._refuse(HTTPStatus.BAD_GATEWAY)

    def log_message(self, format: str, *args: object) -> None:
        """Silence the stdlib's own stderr lines: ``_State.record`` logs requests."""

    def _target(self) -> tuple[str, str]:
        """(host, path with query) of the request, from its absolute URI or Host."""
        parts = urlsplit(self.path)
        if parts.scheme and parts.netloc:
            host = parts.hostname or ""
        else:
            host = (self.headers.get("Host") or "").rsplit(":", 1)[0]
            parts = urlsplit("http://x" + self.path)
        path = parts.path or "/"
        return host.lower(), f"{path}?{parts.query}" if parts.query else path

    def _refuse(self, status: HTTPStatus) -> None:
        arrived = _now()
        host, path = self._target()
        self.state.record(LoggedRequest(arrived, self.command, host, path, status))
        self._send(status, [("Content-Type", "text/plain; charset=utf-8")], b"", True)

    def _serve(self, send_body: bool) -> None:
        # Logged with the time the request arrived: the spacing of a crawler's
        # requests, whatever the time taken to answer them. Logged before the
        # answer is sent: a client that has its answer finds its request in
        # the log.
        arrived = _now()
        host, path = self._target()
        config = self.state.hosts.get(host)
        if config is None:
            body = f"{host} is not in the sample mirror\n".encode()
            self.state.record(LoggedRequest(arrived, self.command, host, path, 502))
            self._send(HTTPStatus.BAD_GATEWAY, [("Content-Type", "text/plain")], body, send_body)
            return
        status, headers, body = self._respond(config, path)
        self.state.record(LoggedRequest(arrived, self.command, host, path, status))
        self._send(status, headers, body, send_body)

    def _respond(self, config: HostConfig, path: str) -> tuple[int, list[tuple[str, str]], bytes]:
        rule = config.rules.get(path, PathRule())
        if rule.delay and not self.state.no_delay:
            time.sleep(rule.delay)
        headers = [("Date", self.date_time_string()), *config.headers]
        if rule.fail_once and self.state.first_failure(config.host, path):
            headers += [("Content-Type", "text/html"), ("Retry-After", "1")]
            return rule.fail_once, headers, b"<html><body>Service Unavailable</body></html>"
        if rule.status and rule.location:
            headers += [("Location", rule.location), ("Content-Type", "text/html")]
            return rule.status, headers, b""
        file = _file_for(config.files, rule.file or path)
        if file is None:
            headers.append(("Content-Type", "text/html"))
            return 404, headers, b"<html><body><h1>404 Not Found</h1></body></html>"
        headers.append(("Content-Type", served_content_type(config, path, file)))
        headers += rule.headers
        return rule.status or 200, headers, file.read_bytes()

    def _send(
        self, status: int, headers: list[tuple[str, str]], body: bytes, send_body: bool
    ) -> None:
        self.send_response_only(status)
        for name, value in headers:
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if send_body and body:
            self.wfile.write(body)


def _file_for(files: Path, path: str) -> Path | None:
    """The mirrored file for a request path, or None (never outside ``files``)."""
    local = unquote(path.split("?", 1)[0])
    if local.endswith("/"):
        local += "index.html"
    candidate = (files / local.lstrip("/")).resolve()
    base = files.resolve()
    if base not in candidate.parents or not candidate.is_file():
        return None
    return candidate


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class SampleServer:
    """The sample mirror served from a thread on 127.0.0.1, for tests and the demo.

    ``port=0`` picks a free port; ``url`` and ``port`` are set once started.
    ``requests`` is the request log so far. ``no_delay`` serves slow pages at
    once (the bench). Use as a context manager or call ``start``/``stop``.
    """

    def __init__(
        self,
        root: Path = DEFAULT_ROOT,
        port: int = 0,
        log_stream: TextIO | None = None,
        no_delay: bool = False,
    ) -> None:
        self._state = _State(load_mirror(root), no_delay, log_stream)
        handler = type("Handler", (_Handler,), {"state": self._state})
        self._httpd = ThreadingHTTPServer((HOST, port), handler)
        self._httpd.daemon_threads = True
        self._thread: threading.Thread | None = None

    @property
    def port(self) -> int:
        return int(self._httpd.server_address[1])

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.port}"

    @property
    def hosts(self) -> list[str]:
        """The hosts the mirror serves."""
        return sorted(self._state.hosts)

    @property
    def requests(self) -> list[LoggedRequest]:
        """A copy of the request log."""
        with self._state.lock:
            return list(self._state.requests)

    def start(self) -> SampleServer:
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, name="sampleserver", daemon=True
        )
        self._thread.start()
        return self

    def serve_forever(self) -> None:
        """Serve in the calling thread until ``stop`` is called from another."""
        self._httpd.serve_forever()

    def stop(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()
        if self._thread is not None:
            self._thread.join()

    def __enter__(self) -> SampleServer:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()


def main(argv: list[str] | None = None) -> int:
    """Command line: serve until SIGTERM or SIGINT."""
    parser = argparse.ArgumentParser(
        prog="python -m crawler.testing.sampleserver",
        description=(
            "Serve the offline sample mirror on 127.0.0.1 as an HTTP proxy of the mirrored "
            "hosts, with each page's real headers and faults. Point a crawl at it with "
            "`python -m crawler crawl --mirror URL`. The first line on stdout is "
            "'serving http://127.0.0.1:PORT'; then one line per request (time, method, "
            "host, path, status) goes to --log or stderr."
        ),
    )
    parser.add_argument("--port", type=int, default=0, help="port to listen on (0: a free one)")
    parser.add_argument(
        "--root", type=Path, default=DEFAULT_ROOT, help="the mirror's directory (data/samples)"
    )
    parser.add_argument("--log", type=Path, help="append the request log to FILE, not stderr")
    parser.add_argument(
        "--no-delay", action="store_true", help="serve slow pages at once (benchmarks)"
    )
    args = parser.parse_args(argv)
    if not (args.root / "mirror").is_dir():
        parser.error(f"{args.root} has no mirror/ directory: not a sample mirror")
    log_stream = args.log.open("a", encoding="utf-8") if args.log else sys.stderr
    try:
        server = SampleServer(args.root, args.port, log_stream, args.no_delay)
    except OSError as exc:
        print(f"cannot listen on {HOST}:{args.port}: {exc}", file=sys.stderr)
        return 1

    def stop(signum: int, frame: FrameType | None) -> None:
        threading.Thread(target=server._httpd.shutdown, daemon=True).start()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    print(f"serving {server.url}", flush=True)
    try:
        server.serve_forever()
    finally:
        server._httpd.server_close()
        if args.log:
            log_stream.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
