"""Write the raw archive: gzip WARC 1.1 files, rotated by size, visible only when closed.

Files go to ``<raw>/<source>/<source>-<crawl start, UTC YYYYmmddTHHMMSSZ>-<seq>.warc.gz``
(``<source>-<start>-<host>-<pid>-<seq>.warc.gz`` when several processes share the
directory: the shared frontier of ``crawler.frontier``).
A file is written as ``<name>.open`` and renamed when closed, so the cleaning
stage, which reads only ``*.warc.gz``, never sees half a file. Each file starts
with a ``warcinfo`` record (software, source, user agent, robots policy); then
every article is a ``request`` record and its ``response`` record
(``WARC-Concurrent-To`` links them). The response record holds the HTTP status
line, headers and body as received; a ``WARC-Source`` header names the source.

A crawl killed without closing its file leaves ``<name>.open`` behind;
``recover_open_files`` cuts such a file after its last complete record and
gives it its final name, at the start of the next crawl.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import zlib
from http import HTTPStatus
from io import BytesIO
from pathlib import Path
from typing import BinaryIO
from urllib.parse import urlsplit

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


class _ExactHeaders(StatusAndHeaders):
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


class WarcArchive:
    """The WARC files of one source for one crawl, opened lazily, rotated by size."""

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
        self._fh: BinaryIO | None = None
        self._writer: WARCWriter | None = None

    @property
    def current_name(self) -> str | None:
        """The final name of the file being written, if one is open."""
        return None if self._path is None else self._path.name

    def _open(self) -> None:
        self.directory.mkdir(parents=True, exist_ok=True)
        while True:
            self._seq += 1
            writer = f"{self.stamp}-{self.tag}" if self.tag else self.stamp
            name = f"{self.source}-{writer}-{self._seq:05d}.warc.gz"
            final = self.directory / name
            if not final.exists() and not (self.directory / (name + OPEN_SUFFIX)).exists():
                break
        self._path = final
        self._fh = open(str(final) + OPEN_SUFFIX, "xb")  # noqa: SIM115 (closed in close())
        self._writer = WARCWriter(self._fh, gzip=True, warc_version="1.1")
        record = self._writer.create_warcinfo_record(name, {**self.info, "source": self.source})
        self._writer.write_record(record)
        logger.info("writing %s", final)

    def write(self, page: RawPage) -> str:
        """Archive one article (request and response records); the file's final name."""
        if self._writer is None:
            self._open()
        assert self._writer is not None and self._fh is not None and self._path is not None
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
        self._writer.write_request_response_pair(request, response)
        self._fh.flush()
        name = self._path.name
        if self._fh.tell() >= self.max_bytes:
            self.close()
        return name

    def close(self) -> None:
        """Close the open file, if any, and give it its final name."""
        if self._fh is None or self._path is None:
            return
        self._fh.flush()
        os.fsync(self._fh.fileno())
        self._fh.close()
        os.replace(str(self._path) + OPEN_SUFFIX, self._path)
        logger.info("closed %s", self._path)
        self.closed_files.append(self._path)
        self._fh = self._writer = self._path = None


def _end_of_whole_members(path: Path) -> int:
    """Offset just past the last gzip member of ``path`` that is complete (CRC checked).

    Each WARC record is one gzip member; a member cut short by a kill never
    reaches its end-of-stream, so everything from its first byte is dropped.
    """
    data = path.read_bytes()
    offset = good_end = 0
    while offset < len(data):
        inflater = zlib.decompressobj(wbits=31)
        try:
            inflater.decompress(data[offset:])
        except zlib.error:
            break
        if not inflater.eof:
            break
        offset = len(data) - len(inflater.unused_data)
        good_end = offset
    return good_end


def recover_open_files(directory: Path) -> list[Path]:
    """Finish the ``*.warc.gz.open`` files a killed crawl left: cut, rename, return them.

    Each is cut after its last complete record (gzip member), then renamed to
    its final name. Run only while holding the crawl lock: an ``.open`` file
    is then never one that another crawl is still writing.
    """
    recovered = []
    for path in sorted(directory.glob(f"*/*.warc.gz{OPEN_SUFFIX}")):
        final = recover_open_file(path)
        if final is not None:
            recovered.append(final)
    return recovered


def recover_open_file(path: Path) -> Path | None:
    """Finish one ``*.warc.gz.open`` file nobody writes any more: its final path, or None.

    The file is cut after its last complete record (gzip member) and renamed;
    one without a complete record is removed (None).
    """
    good_end = _end_of_whole_members(path)
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
