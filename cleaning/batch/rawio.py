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

Raw input is checked before it is opened (``scan_raw``): only regular files
are ever opened; a named pipe, socket or device is one ``not-a-file`` error
row, a directory or file that cannot be listed or opened one ``unreadable``
row. Opening, a zero-byte file is ``empty-file`` and a ``.warc(.gz)`` in
which no WARC record can be found is ``not-warc``. Damage never stops a
file: a record that cannot be read (garbled gzip data, broken header, wrong
digest, cut short, file truncated) becomes an ``ErrorRow`` with reason
``corrupt-record``, its byte offset and what is damaged, and reading
resumes at the next record that can be found. Anything else in the archive
(``.open`` files still being written by the crawler, indexes, logs) is not
raw and is ignored.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import logging
import os
import stat
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

from cleaning.errors import (
    CORRUPT_RECORD,
    EMPTY_FILE,
    HTTP_ERROR,
    NOT_A_FILE,
    NOT_WARC,
    UNREADABLE,
)
from cleaning.record import ErrorRow, RawDocument

logger = logging.getLogger(__name__)

#: File name endings of WARC files; ``.warc.gz.open`` (being written) is not one.
WARC_SUFFIXES = (".warc.gz", ".warc")

#: File name endings of saved pages read whole as one document.
PLAIN_SUFFIXES = (".html", ".htm", ".txt", ".md")

#: WARC record types that carry a document.
DOCUMENT_RECORD_TYPES = frozenset({"response", "resource"})

#: Headers every WARC record has (WARC 1.1, section 5): one missing means the
#: header block is damaged or cut off.
_REQUIRED_HEADERS = ("WARC-Record-ID", "Content-Length", "WARC-Date", "WARC-Type")

_GZIP_MAGIC = b"\x1f\x8b\x08"
_WARC_MAGIC = b"WARC/"
# How far to read while looking for the next record after damage: a window
# large enough that a record boundary straddling two reads is still found.
_RESYNC_CHUNK = 1 << 20
# Longest error detail kept: enough for warcio's messages, short for a table cell.
_DETAIL_MAX = 300
# Bytes decompressed to check that a gzip header found by resync is a record.
_RESYNC_PROBE = 512
# Bytes of a non-WARC file's start quoted in its error row.
_QUOTED_START = 24

#: A document, or a stretch of a raw file, that could not be read at all.
RawFailure = ErrorRow

RawItem = RawDocument | ErrorRow


@dataclass(frozen=True, slots=True)
class FileIdentity:
    """What tells that a raw file changed: size, modification and change times."""

    size: int
    mtime_ns: int
    ctime_ns: int

    @classmethod
    def of(cls, status: os.stat_result) -> FileIdentity:
        return cls(status.st_size, status.st_mtime_ns, status.st_ctime_ns)


@dataclass(frozen=True, slots=True)
class RawEntry:
    """One raw file (or unreadable directory) found by ``scan_raw``.

    ``problem`` is ``(reason, detail)`` when it must not or cannot be opened:
    the entry is then one error row, and its identity tells when to retry.
    """

    path: Path
    identity: FileIdentity
    problem: tuple[str, str] | None = None


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


def scan_raw(roots: Iterable[Path]) -> list[RawEntry]:
    """Every raw file under ``roots`` (files or directories), sorted, once each.

    Nothing is opened: entries are found by their names and checked with
    ``stat``. Directories are followed through symbolic links, each once.
    Missing roots are skipped with a warning (``run`` checks them first).
    """
    found: dict[Path, RawEntry] = {}
    seen_dirs: set[tuple[int, int]] = set()
    for root in roots:
        if root.is_dir():
            _scan_dir(root, found, seen_dirs)
        elif root.exists() or root.is_symlink():
            if is_raw_file(root) or not _is_regular(root):
                found[root] = _entry(root)
            else:
                logger.warning("not a raw file (WARC, .html, .txt or .md), skipped: %s", root)
        else:
            logger.warning("raw path does not exist, skipped: %s", root)
    return [found[p] for p in sorted(found)]


def find_raw_files(roots: Iterable[Path]) -> list[Path]:
    """The readable-looking raw files under ``roots``: ``scan_raw`` without problems."""
    return [e.path for e in scan_raw(roots) if e.problem is None]


def _scan_dir(root: Path, found: dict[Path, RawEntry], seen: set[tuple[int, int]]) -> None:
    def unreadable(error: OSError) -> None:
        where = Path(error.filename) if error.filename else root
        found[where] = RawEntry(where, _identity(where), (UNREADABLE, _os_detail(error)))

    for dirpath, dirnames, filenames in os.walk(root, onerror=unreadable, followlinks=True):
        here = os.stat(dirpath)
        if (here.st_dev, here.st_ino) in seen:  # a link back to a directory already scanned
            dirnames[:] = []
            continue
        seen.add((here.st_dev, here.st_ino))
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for name in filenames:
            path = Path(dirpath, name)
            if is_raw_file(path):
                found[path] = _entry(path)


def _is_regular(path: Path) -> bool:
    try:
        return stat.S_ISREG(path.stat().st_mode)
    except OSError:
        return True  # reported when scanned as a raw file


def _entry(path: Path) -> RawEntry:
    """A raw file as ``stat`` sees it; a problem when it must not or cannot be opened."""
    try:
        status = path.stat()
    except OSError as error:
        detail = _os_detail(error)
        if path.is_symlink():
            detail = f"symbolic link to {os.readlink(path)}, which cannot be reached: {detail}"
        return RawEntry(path, _identity(path), (UNREADABLE, detail))
    if not stat.S_ISREG(status.st_mode):
        kind = _file_kind(status.st_mode)
        detail = f"a {kind}, not a regular file: never opened"
        return RawEntry(path, FileIdentity.of(status), (NOT_A_FILE, detail))
    return RawEntry(path, FileIdentity.of(status))


def _identity(path: Path) -> FileIdentity:
    """The identity of something that cannot be read: the link or entry itself."""
    try:
        return FileIdentity.of(path.stat())
    except OSError:
        try:
            return FileIdentity.of(path.lstat())
        except OSError:
            return FileIdentity(-1, -1, -1)


def _file_kind(mode: int) -> str:
    kinds = (
        (stat.S_ISFIFO, "named pipe"),
        (stat.S_ISSOCK, "socket"),
        (stat.S_ISCHR, "character device"),
        (stat.S_ISBLK, "block device"),
        (stat.S_ISDIR, "directory"),
    )
    return next((name for test, name in kinds if test(mode)), "special file")


def _os_detail(error: OSError) -> str:
    return error.strerror or type(error).__name__


def read_raw_file(path: Path, raw_file: str) -> Iterator[RawItem]:
    """Every document of one raw file; ``raw_file`` is the name rows will carry.

    A file that cannot be read as a whole gives a single error row
    (``unreadable``, ``not-a-file``, ``empty-file``, ``not-warc``).
    """
    try:
        # O_NONBLOCK: should a pipe replace the file after the scan, opening
        # it does not wait for a writer (and it is refused below).
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    except OSError as error:
        logger.warning("cannot open %s: %s", path, error)
        yield ErrorRow(raw_file, None, UNREADABLE, f"cannot open: {_os_detail(error)}")
        return
    with os.fdopen(fd, "rb") as fh:
        status = os.fstat(fd)
        if not stat.S_ISREG(status.st_mode):
            kind = _file_kind(status.st_mode)
            yield ErrorRow(raw_file, None, NOT_A_FILE, f"a {kind}, not a regular file")
            return
        os.set_blocking(fd, True)
        if status.st_size == 0:
            yield ErrorRow(raw_file, None, EMPTY_FILE, "the file has zero bytes")
            return
        try:
            if path.name.lower().endswith(WARC_SUFFIXES):
                yield from _read_warc(fh, path, raw_file, status.st_size)
            else:
                yield _read_plain(fh, path, raw_file, status)
        except OSError as error:  # an I/O error part way
            where = fh.tell()
            logger.warning("cannot read %s at byte %d: %s", path, where, error)
            detail = f"read failed at byte {where}: {_os_detail(error)}"
            yield ErrorRow(raw_file, where, UNREADABLE, detail)


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


def _read_plain(fh: BinaryIO, path: Path, raw_file: str, status: os.stat_result) -> RawDocument:
    body = fh.read()
    mtime = dt.datetime.fromtimestamp(status.st_mtime, tz=dt.UTC)
    return RawDocument(
        body=body,
        url=path.resolve().as_uri(),
        headers=Headers(),
        fetched_at=mtime,
        raw_file=raw_file,
        raw_offset=0,
    )


def _read_warc(fh: BinaryIO, path: Path, raw_file: str, size: int) -> Iterator[RawItem]:
    gzipped = fh.read(len(_GZIP_MAGIC)) == _GZIP_MAGIC
    start: int | None = 0
    if not _starts_record(fh, 0, gzipped):
        # Damage at the very start (the gzip magic itself, maybe): look for a
        # later record, compressed or not, before calling the file not WARC.
        for compressed in (gzipped, not gzipped):
            start = _next_record_start(fh, 1, compressed)
            if start is not None:
                gzipped = compressed
                break
        if start is None:
            fh.seek(0)
            head = fh.read(_QUOTED_START)
            what = "gzip data that is not WARC" if gzipped else "not WARC"
            detail = f"no WARC record in the file: {what}, starting {head!r}"
            logger.warning("%s: %s", path, detail)
            yield ErrorRow(raw_file, None, NOT_WARC, detail)
            return
        detail = f"damaged start of file: no record at byte 0, the next one at byte {start}"
        yield ErrorRow(raw_file, 0, CORRUPT_RECORD, detail)
    while start is not None and start < size:
        fh.seek(start)
        records = ArchiveIterator(fh, check_digests="raise")
        iterator = iter(records)
        url: str | None = None
        said = _WarcioOutput()
        try:
            while True:
                said.clear()
                with said.captured():
                    record = next(iterator, None)
                    if record is None:
                        break
                    url = record.rec_headers.get_header("WARC-Target-URI")
                    item = _warc_item(record, raw_file, records.offset)
                if said.text:
                    logger.debug("%s: warcio near byte %d: %s", path, records.offset, said.text)
                if item is not None:
                    yield item
                url = None
            start = None
            end = records.offset
            if end < size and _trailing_data(fh, end):
                # The loop ended without an error before the end of the file: the
                # last record's gzip member or header is cut off.
                detail = (
                    f"truncated: the file ends inside the record at byte {end} "
                    f"({size - end} bytes of it present)"
                )
                logger.warning("%s: %s", path, detail)
                yield ErrorRow(raw_file, end, CORRUPT_RECORD, detail)
        except Exception as exc:  # warcio raises many kinds on damaged input
            # records.offset is still the start of the record being read.
            offset = records.offset
            start = _next_record_start(fh, offset + 1, gzipped)
            gzip_error = _gzip_error(fh, offset, start) if gzipped else None
            detail = _damage(exc, gzip_error or said.text, offset, start)
            logger.warning("%s: unreadable WARC record at byte %d: %s", path, offset, detail)
            yield ErrorRow(raw_file, offset, CORRUPT_RECORD, detail, url)


class _WarcioOutput:
    """What warcio writes to stderr itself (it warns there, not through logging).

    ``text`` covers the current record and the one before: warcio reports a
    record's corrupt gzip data while reading it, and fails on the next one.
    """

    def __init__(self) -> None:
        self._before = ""
        self._buffer = io.StringIO()

    @contextlib.contextmanager
    def captured(self) -> Iterator[None]:
        with contextlib.redirect_stderr(self._buffer):
            yield

    def clear(self) -> None:
        self._before = self._buffer.getvalue()
        self._buffer = io.StringIO()

    @property
    def text(self) -> str:
        return " ".join((self._before + self._buffer.getvalue()).split())


def _trailing_data(fh: BinaryIO, position: int) -> bool:
    """Whether anything but blank bytes follows ``position``."""
    fh.seek(position)
    while chunk := fh.read(_RESYNC_CHUNK):
        if chunk.strip(b"\r\n\t \x00"):
            return True
    return False


def _gzip_error(fh: BinaryIO, offset: int, end: int | None) -> str | None:
    """zlib's complaint about the gzip member at ``offset`` (up to ``end``), if any."""
    fh.seek(offset)
    data = fh.read((end - offset) if end is not None else _RESYNC_CHUNK)
    try:
        zlib.decompressobj(wbits=31).decompress(data)
    except zlib.error as error:
        return f"zlib: {error}"
    return None


def _damage(exc: BaseException, said: str, offset: int, next_start: int | None) -> str:
    """What is damaged in the record at ``offset``, in words, and where reading resumed.

    ``said``: zlib's or warcio's own complaint (warcio reports corrupt gzip
    data on stderr, then reads on as if the bytes were plain).
    """
    message = _one_line(exc)
    text = str(exc)
    if (
        isinstance(exc, zlib.error)
        or "decompress" in text
        or "decompress" in said
        or said.startswith("zlib: ")
    ):
        what = "gzip data corrupt"
        if said.startswith("zlib: "):
            what += f" ({said.removeprefix('zlib: ')[:_DETAIL_MAX]})"
    elif "digest" in text:
        what = f"content does not match its digest ({message})"
    elif "Invalid WARC record" in text or "Unknown archive format" in text:
        what = "WARC header unreadable (it does not start with a WARC version line)"
    elif isinstance(exc, (AttributeError, KeyError, EOFError)):
        # warcio trips over a header it expects and does not find.
        what = "WARC header incomplete"
    else:
        what = message
    if next_start is None:
        if isinstance(exc, (AttributeError, EOFError)) or what == "gzip data corrupt":
            what = f"truncated: the file ends inside this record ({what})"
        return f"{what}; record at byte {offset}, nothing readable after it"
    return f"{what}; record at byte {offset}, reading resumed at byte {next_start}"


def _warc_item(record: ArcWarcRecord, raw_file: str, offset: int) -> RawItem | None:
    headers = record.rec_headers
    absent = [name for name in _REQUIRED_HEADERS if headers.get_header(name) is None]
    if absent:
        # A header block cut off (the file ends inside it) parses as a record
        # of some clipped type ("resp"): it must not pass for a non-document.
        detail = (
            f"WARC header incomplete: no {', '.join(absent)}; record at byte {offset} "
            "(the file may end inside it)"
        )
        url = headers.get_header("WARC-Target-URI")
        return ErrorRow(raw_file, offset, CORRUPT_RECORD, detail, url)
    if record.rec_type not in DOCUMENT_RECORD_TYPES:
        return None
    url = record.rec_headers.get_header("WARC-Target-URI") or ""
    fetched_at = _parse_warc_date(record.rec_headers.get_header("WARC-Date"))
    body = record.content_stream().read()
    missing = getattr(record.raw_stream, "limit", 0)
    if missing:
        detail = (
            f"record cut short: {missing} of its {record.length} content bytes missing; "
            f"record at byte {offset}"
        )
        return ErrorRow(raw_file, offset, CORRUPT_RECORD, detail, url, fetched_at)
    if record.http_headers is not None and record.rec_type == "response":
        status = record.http_headers.get_statuscode() or ""
        if not status.startswith("2"):
            detail = f"HTTP {record.http_headers.statusline}"
            return ErrorRow(raw_file, offset, HTTP_ERROR, detail, url, fetched_at)
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
        if not gzipped or _starts_record(fh, candidate, gzipped):
            return candidate
        position = candidate + 1


def _starts_record(fh: BinaryIO, offset: int, gzipped: bool) -> bool:
    """Whether a WARC record (a gzip member holding one, when ``gzipped``) starts at ``offset``."""
    fh.seek(offset)
    head = fh.read(_RESYNC_PROBE)
    if gzipped:
        try:
            head = zlib.decompressobj(wbits=31).decompress(head)
        except zlib.error:
            return False
    return head.startswith(_WARC_MAGIC)


def _one_line(exc: BaseException) -> str:
    text = "".join(c if c.isprintable() else "?" for c in " ".join(str(exc).split()))
    return f"{type(exc).__name__}: {text}"[:_DETAIL_MAX]
