"""Read the raw archive: WARC files and saved pages, as ``RawDocument``s.

The batch stage reads two kinds of raw file:

- WARC (``.warc.gz`` or ``.warc``), as the crawler writes them: every
  ``response`` (or ``resource``) record is one document, with its target URL,
  its fetch time (``WARC-Date``), its HTTP headers and its body as served.
  ``raw_offset`` is the record's byte offset in the file, so that
  ``warcio extract FILE OFFSET`` shows the exact bytes a row came from.
- Saved pages (``.html``, ``.htm``, ``.txt``, ``.md``), such as the seeds or a
  user's own downloads: the whole file is one document, its URL is the
  file's ``file://`` URL and its fetch time the file's modification time.

Damage never stops a file: a record that cannot be read (garbled gzip
member, broken header, wrong digest, cut short) becomes a ``RawFailure``
with reason ``corrupt-record``, and reading resumes at the next record that
can be found. Anything else in the archive (``.open`` files still being
written by the crawler, indexes, logs) is not raw and is ignored.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import zlib
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path
from typing import BinaryIO

from warcio.archiveiterator import ArchiveIterator
from warcio.recordloader import ArcWarcRecord
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from cleaning.record import RawDocument

logger = logging.getLogger(__name__)

#: File name endings of WARC files; ``.warc.gz.open`` (being written) is not one.
WARC_SUFFIXES = (".warc.gz", ".warc")

#: File name endings of saved pages read whole as one document.
PLAIN_SUFFIXES = (".html", ".htm", ".txt", ".md")

#: WARC record types that carry a document.
DOCUMENT_RECORD_TYPES = frozenset({"response", "resource"})

#: Reasons a document fails before cleaning (the errors table's ``reason``).
CORRUPT_RECORD = "corrupt-record"
HTTP_ERROR = "http-error"
UNREADABLE_FILE = "unreadable-file"

_GZIP_MAGIC = b"\x1f\x8b\x08"
_WARC_MAGIC = b"WARC/"
# How far to read while looking for the next record after damage: a window
# large enough that a record boundary straddling two reads is still found.
_RESYNC_CHUNK = 1 << 20
# Longest error detail kept: enough for warcio's messages, short for a table cell.
_DETAIL_MAX = 300
# Bytes decompressed to check that a gzip header found by resync is a record.
_RESYNC_PROBE = 512


@dataclass(frozen=True, slots=True)
class RawFailure:
    """A document, or a stretch of a raw file, that could not be read at all."""

    raw_file: str
    raw_offset: int | None
    reason: str
    detail: str
    url: str | None = None
    fetched_at: dt.datetime | None = None


RawItem = RawDocument | RawFailure


class Headers(Mapping[str, str]):
    """HTTP headers with case-insensitive lookup, in the order they were served.

    A header sent more than once is joined with ``", "`` (RFC 9110, 5.3).

    >>> h = Headers([("Content-Type", "text/html; charset=gbk")])
    >>> h["content-type"], list(h)
    ('text/html; charset=gbk', ['Content-Type'])
    """

    __slots__ = ("_items",)

    def __init__(self, pairs: Iterable[tuple[str, str]] = ()) -> None:
        items: dict[str, tuple[str, str]] = {}
        for name, value in pairs:
            key = name.lower()
            if key in items:
                items[key] = (items[key][0], f"{items[key][1]}, {value}")
            else:
                items[key] = (name, value)
        self._items = items

    def __getitem__(self, name: str) -> str:
        return self._items[name.lower()][1]

    def __iter__(self) -> Iterator[str]:
        return (name for name, _ in self._items.values())

    def __len__(self) -> int:
        return len(self._items)

    def __repr__(self) -> str:
        return f"Headers({list(self._items.values())!r})"


def is_raw_file(path: Path) -> bool:
    """Whether ``path`` names a raw file this stage reads (by its name alone)."""
    name = path.name.lower()
    if name.startswith("."):
        return False
    return name.endswith(WARC_SUFFIXES) or name.endswith(PLAIN_SUFFIXES)


def find_raw_files(roots: Iterable[Path]) -> list[Path]:
    """Every raw file under ``roots`` (files or directories), sorted, once each."""
    found: set[Path] = set()
    for root in roots:
        if root.is_file():
            if is_raw_file(root):
                found.add(root)
            else:
                logger.warning("not a raw file (WARC, .html, .txt or .md), skipped: %s", root)
            continue
        if not root.is_dir():
            logger.warning("raw path does not exist, skipped: %s", root)
            continue
        for dirpath, dirnames, filenames in os.walk(root):
            dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
            found.update(Path(dirpath, f) for f in filenames if is_raw_file(Path(f)))
    return sorted(found)


def read_raw_file(path: Path, raw_file: str) -> Iterator[RawItem]:
    """Every document of one raw file; ``raw_file`` is the name rows will carry."""
    name = path.name.lower()
    try:
        if name.endswith(WARC_SUFFIXES):
            yield from _read_warc(path, raw_file)
        else:
            yield _read_plain(path, raw_file)
    except OSError as exc:
        logger.warning("cannot read %s: %s", path, exc)
        yield RawFailure(raw_file, None, UNREADABLE_FILE, str(exc))


def write_warc(path: Path, documents: Iterable[RawDocument], status: str = "200 OK") -> list[int]:
    """Archive documents as gzip WARC ``response`` records; returns their offsets.

    The inverse of ``read_raw_file`` for a WARC file: used to archive saved
    pages alongside the crawler's output, and by the tests and benchmarks to
    build archives. The file is written under ``<path>.open`` and renamed
    when complete, as the crawler does, so a reader never sees half of it.
    """
    partial = path.with_name(path.name + ".open")
    offsets = []
    with partial.open("wb") as fh:
        writer = WARCWriter(fh, gzip=path.name.endswith(".gz"), warc_version="1.1")
        for doc in documents:
            http = StatusAndHeaders(status, list(doc.headers.items()), protocol="HTTP/1.1")
            warc_headers = {}
            if doc.fetched_at is not None:
                when = doc.fetched_at.astimezone(dt.UTC)
                warc_headers["WARC-Date"] = when.isoformat(timespec="microseconds").replace(
                    "+00:00", "Z"
                )
            record = writer.create_warc_record(
                doc.url,
                "response",
                payload=BytesIO(doc.body),
                length=len(doc.body),
                http_headers=http,
                warc_headers_dict=warc_headers,
            )
            offsets.append(fh.tell())
            writer.write_record(record)
    partial.rename(path)
    return offsets


def _read_plain(path: Path, raw_file: str) -> RawDocument:
    body = path.read_bytes()
    mtime = dt.datetime.fromtimestamp(path.stat().st_mtime, tz=dt.UTC)
    return RawDocument(
        body=body,
        url=path.resolve().as_uri(),
        headers=Headers(),
        fetched_at=mtime,
        raw_file=raw_file,
        raw_offset=0,
    )


def _read_warc(path: Path, raw_file: str) -> Iterator[RawItem]:
    with path.open("rb") as fh:
        gzipped = fh.read(len(_GZIP_MAGIC)) == _GZIP_MAGIC
        size = os.fstat(fh.fileno()).st_size
        start: int | None = 0
        while start is not None and start < size:
            fh.seek(start)
            records = ArchiveIterator(fh, check_digests="raise")
            url: str | None = None
            try:
                for record in records:
                    url = record.rec_headers.get_header("WARC-Target-URI")
                    item = _warc_item(record, raw_file, records.offset)
                    if item is not None:
                        yield item
                    url = None
                start = None
            except Exception as exc:  # warcio raises many kinds on damaged input
                # records.offset is still the start of the record being read.
                offset = records.offset
                logger.warning("%s: unreadable WARC record at byte %d: %s", path, offset, exc)
                yield RawFailure(raw_file, offset, CORRUPT_RECORD, _one_line(exc), url)
                start = _next_record_start(fh, offset + 1, gzipped)


def _warc_item(record: ArcWarcRecord, raw_file: str, offset: int) -> RawItem | None:
    if record.rec_type not in DOCUMENT_RECORD_TYPES:
        return None
    url = record.rec_headers.get_header("WARC-Target-URI") or ""
    fetched_at = _parse_warc_date(record.rec_headers.get_header("WARC-Date"))
    body = record.content_stream().read()
    missing = getattr(record.raw_stream, "limit", 0)
    if missing:
        detail = f"record cut short: {missing} of {record.length} bytes missing"
        return RawFailure(raw_file, offset, CORRUPT_RECORD, detail, url, fetched_at)
    if record.http_headers is not None and record.rec_type == "response":
        status = record.http_headers.get_statuscode() or ""
        if not status.startswith("2"):
            detail = f"HTTP {record.http_headers.statusline}"
            return RawFailure(raw_file, offset, HTTP_ERROR, detail, url, fetched_at)
        headers = Headers(record.http_headers.headers)
    else:
        content_type = record.rec_headers.get_header("Content-Type")
        headers = Headers([("Content-Type", content_type)] if content_type else [])
    return RawDocument(body, url, headers, fetched_at, raw_file, offset)


def _parse_warc_date(value: str | None) -> dt.datetime | None:
    if not value:
        return None
    try:
        parsed = dt.datetime.fromisoformat(value)
    except ValueError:
        logger.debug("unparseable WARC-Date %r", value)
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.UTC)


def _next_record_start(fh: BinaryIO, position: int, gzipped: bool) -> int | None:
    """The offset of the next readable record at or after ``position``, if any."""
    needle = _GZIP_MAGIC if gzipped else b"\n" + _WARC_MAGIC
    while True:
        fh.seek(position)
        window = fh.read(_RESYNC_CHUNK + len(needle))
        if not window:
            return None
        found = window.find(needle)
        if found < 0:
            if len(window) <= _RESYNC_CHUNK:
                return None
            position += _RESYNC_CHUNK
            continue
        candidate = position + found + (0 if gzipped else 1)
        if not gzipped or _is_gzipped_record(fh, candidate):
            return candidate
        position = candidate + 1


def _is_gzipped_record(fh: BinaryIO, offset: int) -> bool:
    fh.seek(offset)
    try:
        head = zlib.decompressobj(wbits=31).decompress(fh.read(_RESYNC_PROBE))
    except zlib.error:
        return False
    return head.startswith(_WARC_MAGIC)


def _one_line(exc: BaseException) -> str:
    text = "".join(c if c.isprintable() else "?" for c in " ".join(str(exc).split()))
    return f"{type(exc).__name__}: {text}"[:_DETAIL_MAX]
