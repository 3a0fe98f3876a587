"""Write the raw archive: gzip WARC 1.1 files, rotated by size, visible only when closed.

Files go to ``<raw>/<source>/<source>-<crawl start, UTC YYYYmmddTHHMMSSZ>-<seq>.warc.gz``
(``<source>-<start>-<host>-<pid>-<seq>.warc.gz`` when several processes share the
directory: the shared frontier of ``crawler.frontier``).
A file is written as ``<name>.open`` and renamed when closed, so the cleaning
stage, which reads only ``*.warc.gz``, never sees half a file. Each file starts
with a ``warcinfo`` record (software, source, user agent, robots policy); then
every article is a ``response`` record and its ``request`` record
(``WARC-Concurrent-To`` links them). The response record holds the HTTP status
line, headers and body as received; a ``WARC-Source`` header names the source.
An article's records are written whole or not at all (``WarcArchive.write``).

A crawl killed without closing its file leaves ``<name>.open`` behind;
``recover_open_files`` cuts such a file after its last whole article and
gives it its final name, at the start of the next crawl.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import zlib
from collections.abc import Callable
from http import HTTPStatus
from io import BytesIO
from pathlib import Path
from urllib.parse import urlsplit

from warcio.archiveiterator import ArchiveIterator
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from crawler.items import RawPage

logger = logging.getLogger(__name__)

#: Suffix of a WARC file still being written.
OPEN_SUFFIX = ".open"

#: The custom WARC header naming the source (``sites/<name>.toml``) of a record.
SOURCE_HEADER = "WARC-Source"

# Hop-by-hop header whose framing the HTTP client has already removed from the
# body: kept under this prefix (the pywb convention) so readers do not de-chunk.
_ORIG_PREFIX = "X-Archive-Orig-"
_DECODED_FRAMING = frozenset({"transfer-encoding"})


# warcio ships no type information: its classes are Any to mypy.
class _ExactHeaders(StatusAndHeaders):  # type: ignore[misc]
    """HTTP headers written byte for byte as given (warcio would %-encode non-ASCII)."""

    def __init__(self, raw: bytes, statusline: str, headers: list[tuple[str, str]], protocol: str):
        super().__init__(statusline, headers, protocol=protocol)
        self._raw = raw

    def compute_headers_buffer(self, header_filter: object = None) -> None:
        self.headers_buff = self._raw


def _header_block(first_line: str, headers: list[tuple[str, str]]) -> bytes:
    lines = [first_line, *(f"{name}: {value}" for name, value in headers)]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")


def _response_headers(page: RawPage) -> _ExactHeaders:
    headers = [
        (_ORIG_PREFIX + name if name.lower() in _DECODED_FRAMING else name, value)
        for name, value in page.headers
    ]
    try:
        phrase = HTTPStatus(page.status).phrase
    except ValueError:
        phrase = ""
    statusline = f"{page.status} {phrase}".rstrip()
    block = _header_block(f"{page.protocol} {statusline}", headers)
    return _ExactHeaders(block, statusline, headers, page.protocol)


def _request_headers(page: RawPage) -> _ExactHeaders:
    parts = urlsplit(page.url)
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    headers = list(page.request_headers)
    if not any(name.lower() == "host" for name, _ in headers):
        headers.insert(0, ("Host", parts.netloc))
    statusline = f"{page.request_method} {target}"
    block = _header_block(f"{statusline} {page.protocol}", headers)
    return _ExactHeaders(block, statusline, headers, page.protocol)


def _warc_date(when: dt.datetime) -> str:
    return when.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _write_all(fd: int, data: bytes) -> None:
    """Write every byte of ``data`` (``os.write`` may write fewer than asked)."""
    view = memoryview(data)
    while view:
        written = os.write(fd, view)
        view = view[written:]


class WarcArchive:
    """The WARC files of one source for one crawl, opened lazily, rotated by size.

    Each article's records are written whole or not at all: they are built in
    memory, written with unbuffered writes, and a write that fails part-way
    (disk full, file too large) is cut off again, so the file always ends
    after a whole record pair. ``undo_last`` takes back the last article
    written, for a caller that could not record it.
    """

    def __init__(
        self,
        directory: Path,
        source: str,
        started: dt.datetime,
        max_bytes: int,
        info: dict[str, str],
        tag: str = "",
    ) -> None:
        self.directory = directory
        #: Put in every file name after the start time (the writer's host and pid), or "".
        self.tag = tag
        self.source = source
        self.stamp = started.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
        self.max_bytes = max_bytes
        self.info = info
        self.closed_files: list[Path] = []
        self._seq = 0
        self._path: Path | None = None
        self._fd: int | None = None
        self._size = 0
        self._last_start: int | None = None
        self._buffer = BytesIO()
        self._writer = WARCWriter(self._buffer, gzip=True, warc_version="1.1")

    @property
    def current_name(self) -> str | None:
        """The final name of the file being written, if one is open."""
        return None if self._path is None else self._path.name

    @property
    def size(self) -> int:
        """Bytes in the file being written (0 when none is open)."""
        return self._size

    def _records(self, write: Callable[[], None]) -> bytes:
        """The bytes ``write`` produces with the WARC writer (gzip members)."""
        self._buffer.seek(0)
        self._buffer.truncate()
        write()
        return self._buffer.getvalue()

    def _open(self) -> None:
        self.directory.mkdir(parents=True, exist_ok=True)
        while True:
            self._seq += 1
            writer = f"{self.stamp}-{self.tag}" if self.tag else self.stamp
            name = f"{self.source}-{writer}-{self._seq:05d}.warc.gz"
            final = self.directory / name
            if not final.exists() and not (self.directory / (name + OPEN_SUFFIX)).exists():
                break
        info = self._writer.create_warcinfo_record(name, {**self.info, "source": self.source})
        data = self._records(lambda: self._writer.write_record(info))
        open_path = Path(str(final) + OPEN_SUFFIX)
        fd = os.open(open_path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
        try:
            _write_all(fd, data)
        except OSError:
            os.close(fd)
            open_path.unlink(missing_ok=True)
            raise
        self._path, self._fd, self._size = final, fd, len(data)
        self._last_start = None
        logger.info("writing %s", final)

    def write(self, page: RawPage) -> str:
        """Archive one article (request and response records); the file's final name.

        Raises ``OSError`` when the records cannot be written; the file is then
        as it was before.
        """
        if self._fd is not None and self._size >= self.max_bytes:
            self.close()
        if self._fd is None:
            self._open()
        assert self._fd is not None and self._path is not None
        extra = {"WARC-Date": _warc_date(page.fetched_at), SOURCE_HEADER: self.source}
        response = self._writer.create_warc_record(
            page.url,
            "response",
            payload=BytesIO(page.body),
            length=len(page.body),
            http_headers=_response_headers(page),
            warc_headers_dict=extra,
        )
        request = self._writer.create_warc_record(
            page.url,
            "request",
            http_headers=_request_headers(page),
            warc_headers_dict={SOURCE_HEADER: self.source},
        )
        data = self._records(lambda: self._writer.write_request_response_pair(request, response))
        start = self._size
        try:
            _write_all(self._fd, data)
        except OSError:
            self._cut(start)
            raise
        self._size = start + len(data)
        self._last_start = start
        return self._path.name

    def undo_last(self) -> None:
        """Take back the records of the last article written (the file ends before them)."""
        if self._fd is None or self._last_start is None:
            return
        start, self._last_start = self._last_start, None
        self._cut(start)

    def _cut(self, end: int) -> None:
        """Cut the open file back to ``end`` bytes, or give it up if that fails."""
        assert self._fd is not None
        try:
            os.ftruncate(self._fd, end)
            os.lseek(self._fd, end, os.SEEK_SET)
        except OSError as exc:
            # Left as *.open: the next crawl cuts it after its last whole pair.
            logger.error("cannot cut %s back to %d bytes: %s", self._path, end, exc)
            os.close(self._fd)
            self._fd = self._path = None
            self._size = 0
            self._last_start = None
            return
        self._size = end
        self._last_start = None

    def close(self) -> None:
        """Close the open file, if any, and give it its final name.

        If the file cannot be synced or renamed, ``OSError`` is raised and it
        stays ``*.open``, for the next crawl to recover.
        """
        if self._fd is None or self._path is None:
            return
        fd, path = self._fd, self._path
        self._fd = self._path = None
        self._size = 0
        self._last_start = None
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(str(path) + OPEN_SUFFIX, path)
        logger.info("closed %s", path)
        self.closed_files.append(path)


def _warc_fields(member: bytes) -> dict[str, str]:
    """The WARC header fields of a record (a decompressed gzip member), names in lower case."""
    head = member.split(b"\r\n\r\n", 1)[0].decode("utf-8", "replace")
    fields = {}
    for line in head.split("\r\n")[1:]:
        name, sep, value = line.partition(":")
        if sep:
            fields[name.strip().lower()] = value.strip()
    return fields


def _end_of_whole_records(path: Path) -> int:
    """Offset just past the last whole record of ``path``, an article's pair counted as one.

    Each WARC record is one gzip member; a member cut short by a kill never
    reaches its end-of-stream (CRC checked), so everything from its first
    byte is dropped. An article is a ``response`` record followed by its
    ``request`` (``WARC-Concurrent-To`` the response, warcio's order): a
    response whose request did not make it is dropped too, so that the file
    holds each article whole or not at all.
    """
    data = path.read_bytes()
    offset = good_end = 0
    pending: str | None = None  # WARC-Record-ID of a response awaiting its request
    while offset < len(data):
        inflater = zlib.decompressobj(wbits=31)
        try:
            member = inflater.decompress(data[offset:])
        except zlib.error:
            break
        if not inflater.eof:
            break
        offset = len(data) - len(inflater.unused_data)
        fields = _warc_fields(member)
        kind = fields.get("warc-type")
        if pending is not None and not (
            kind == "request" and fields.get("warc-concurrent-to") == pending
        ):
            break  # a response without its request: the file ends before it
        if kind == "response":
            pending = fields.get("warc-record-id", "")
            continue
        pending = None
        good_end = offset
    return good_end


def recover_open_files(directory: Path) -> list[Path]:
    """Finish the ``*.warc.gz.open`` files a killed crawl left: cut, rename, return them.

    Each is cut after its last whole record (an article's response and request
    records count as one), then renamed to its final name. Run only while
    holding the crawl lock: an ``.open`` file is then never one that another
    crawl is still writing.
    """
    recovered = []
    for path in sorted(directory.glob(f"*/*.warc.gz{OPEN_SUFFIX}")):
        final = recover_open_file(path)
        if final is not None:
            recovered.append(final)
    return recovered


def recover_open_file(path: Path) -> Path | None:
    """Finish one ``*.warc.gz.open`` file nobody writes any more: its final path, or None.

    The file is cut after its last whole record pair and renamed; one without
    a complete record is removed (None).
    """
    good_end = _end_of_whole_records(path)
    final = path.with_name(path.name[: -len(OPEN_SUFFIX)])
    if good_end == 0:
        logger.warning("%s: no complete record, removed", path)
        path.unlink()
        return None
    if good_end < path.stat().st_size:
        logger.warning("%s: cut after byte %d (a record was half written)", path, good_end)
        with path.open("r+b") as fh:
            fh.truncate(good_end)
    os.replace(path, final)
    logger.warning("recovered %s from an interrupted crawl", final)
    return final


def response_urls(path: Path) -> list[str]:
    """The target URLs of the ``response`` records of a WARC file, in file order."""
    urls = []
    with path.open("rb") as fh:
        for record in ArchiveIterator(fh):
            if record.rec_type == "response":
                urls.append(str(record.rec_headers.get_header("WARC-Target-URI")))
    return urls
