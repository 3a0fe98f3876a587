"""Reading the raw archive: WARC records and saved pages, damage included."""

from __future__ import annotations

import datetime as dt
import gzip
from pathlib import Path

import pytest

from cleaning.batch.rawio import Headers, find_raw_files, read_raw_file, write_warc
from cleaning.errors import CORRUPT_RECORD, HTTP_ERROR, NOT_WARC
from cleaning.record import ErrorRow, RawDocument

FETCHED = dt.datetime(2024, 3, 1, 8, 30, 15, 123456, tzinfo=dt.UTC)


def _doc(n: int, body: bytes | None = None) -> RawDocument:
    page = body if body is not None else f"<p>第{n}篇文章，晋能控股集团党建。</p>".encode("gbk")
    return RawDocument(
        body=page,
        url=f"http://news.example.test/a/{n}.html",
        headers={"Content-Type": "text/html; charset=gbk", "Server": "nginx"},
        fetched_at=FETCHED + dt.timedelta(minutes=n),
    )


def _docs(items):
    return [i for i in items if isinstance(i, RawDocument)]


def _failures(items):
    return [i for i in items if isinstance(i, ErrorRow)]


@pytest.mark.parametrize("name", ["a.warc.gz", "a.warc"])
def test_warc_round_trip_keeps_bytes_headers_time_and_offsets(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    originals = [_doc(n) for n in range(3)]
    offsets = write_warc(path, originals)
    items = list(read_raw_file(path, "raw/a.warc"))
    assert _failures(items) == []
    docs = _docs(items)
    assert [d.body for d in docs] == [o.body for o in originals]
    assert [d.url for d in docs] == [o.url for o in originals]
    assert [d.fetched_at for d in docs] == [o.fetched_at for o in originals]
    assert [d.raw_offset for d in docs] == offsets
    assert {d.raw_file for d in docs} == {"raw/a.warc"}
    assert docs[0].headers["content-type"] == "text/html; charset=gbk"
    assert docs[0].headers["CONTENT-TYPE"] == "text/html; charset=gbk"


def test_raw_offset_points_at_the_record(tmp_path: Path) -> None:
    path = tmp_path / "a.warc.gz"
    write_warc(path, [_doc(n) for n in range(3)])
    third = _docs(read_raw_file(path, "a"))[2]
    with path.open("rb") as fh:
        fh.seek(third.raw_offset)
        member = gzip.GzipFile(fileobj=fh).read(4000)
    assert member.startswith(b"WARC/1.1")
    assert third.url.encode() in member


def _garble(path: Path, start: int, length: int = 40) -> None:
    data = bytearray(path.read_bytes())
    data[start : start + length] = b"\x00" * length
    path.write_bytes(bytes(data))


@pytest.mark.parametrize("name", ["a.warc.gz", "a.warc"])
def test_a_corrupt_record_is_reported_and_reading_resumes(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    originals = [_doc(n, f"<p>{'党建引领发展' * 200}{n}</p>".encode()) for n in range(4)]
    offsets = write_warc(path, originals)
    _garble(path, offsets[1] + (offsets[2] - offsets[1]) // 2)
    items = list(read_raw_file(path, "a"))
    failures = _failures(items)
    assert [(f.reason, f.raw_offset) for f in failures] == [(CORRUPT_RECORD, offsets[1])]
    assert failures[0].detail
    assert [d.url for d in _docs(items)] == [originals[n].url for n in (0, 2, 3)]


def test_garbage_between_records_loses_nothing_else(tmp_path: Path) -> None:
    path = tmp_path / "a.warc.gz"
    originals = [_doc(n) for n in range(3)]
    offsets = write_warc(path, originals)
    data = path.read_bytes()
    path.write_bytes(data[: offsets[1]] + b"not a warc record\r\n" * 5 + data[offsets[1] :])
    items = list(read_raw_file(path, "a"))
    assert [f.reason for f in _failures(items)] == [CORRUPT_RECORD]
    assert [d.url for d in _docs(items)] == [o.url for o in originals]


def test_a_record_cut_short_is_corrupt_not_a_shorter_document(tmp_path: Path) -> None:
    path = tmp_path / "a.warc"
    originals = [_doc(n, f"<p>{'党建' * 500}</p>".encode()) for n in range(2)]
    write_warc(path, originals)
    path.write_bytes(path.read_bytes()[:-300])
    items = list(read_raw_file(path, "a"))
    assert [d.url for d in _docs(items)] == [originals[0].url]
    (failure,) = _failures(items)
    assert failure.reason == CORRUPT_RECORD
    assert failure.url == originals[1].url
    assert "cut short" in failure.detail


def test_http_errors_are_failures_with_their_status(tmp_path: Path) -> None:
    path = tmp_path / "a.warc.gz"
    write_warc(path, [_doc(1)], status="404 Not Found")
    (failure,) = list(read_raw_file(path, "a"))
    assert isinstance(failure, ErrorRow)
    assert failure.reason == HTTP_ERROR
    assert "404" in failure.detail
    assert failure.url == _doc(1).url


def test_a_file_that_is_not_warc_at_all_is_one_failure(tmp_path: Path) -> None:
    path = tmp_path / "a.warc.gz"
    path.write_bytes(b"\x1f\x8b\x08 but nothing else")
    items = list(read_raw_file(path, "a"))
    assert len(items) == 1
    assert items[0].reason == NOT_WARC


def test_plain_files_are_one_document_each(tmp_path: Path) -> None:
    page = tmp_path / "saved.html"
    page.write_bytes("<p>晋能控股</p>".encode())
    (doc,) = list(read_raw_file(page, "saved.html"))
    assert isinstance(doc, RawDocument)
    assert doc.body == page.read_bytes()
    assert doc.url == page.resolve().as_uri()
    assert doc.url.startswith("file:///")
    assert doc.raw_offset == 0
    assert doc.fetched_at == dt.datetime.fromtimestamp(page.stat().st_mtime, dt.UTC)


def test_find_raw_files_skips_open_hidden_and_other_files(tmp_path: Path) -> None:
    (tmp_path / "raw" / "portal").mkdir(parents=True)
    (tmp_path / "raw" / ".cache").mkdir()
    wanted = [
        tmp_path / "raw" / "portal" / "portal-1.warc.gz",
        tmp_path / "raw" / "b.warc",
        tmp_path / "raw" / "c.txt",
        tmp_path / "raw" / "d.md",
        tmp_path / "raw" / "e.HTML",
    ]
    unwanted = [
        tmp_path / "raw" / "portal" / "portal-2.warc.gz.open",
        tmp_path / "raw" / ".cache" / "x.warc.gz",
        tmp_path / "raw" / "index.cdx",
        tmp_path / "raw" / ".hidden.txt",
    ]
    for path in wanted + unwanted:
        path.write_bytes(b"x")
    assert find_raw_files([tmp_path / "raw"]) == sorted(wanted)
    assert find_raw_files([wanted[2], tmp_path / "missing"]) == [wanted[2]]


def test_headers_join_repeats_and_keep_names() -> None:
    headers = Headers([("Set-Cookie", "a=1"), ("set-cookie", "b=2"), ("Content-Type", "text/html")])
    assert headers["SET-COOKIE"] == "a=1, b=2"
    assert list(headers) == ["Set-Cookie", "Content-Type"]
    assert "content-type" in headers
    assert len(headers) == 2


@pytest.mark.parametrize("name", ["a.warc.gz", "a.warc"])
def test_a_truncated_file_says_so_at_every_cut(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    originals = [_doc(n, f"<p>{'党建引领发展' * 100}{n}</p>".encode()) for n in range(3)]
    offsets = write_warc(path, originals)
    whole = path.read_bytes()
    for cut in range(offsets[2] + 1, len(whole) - 40, 7):  # inside the last record
        path.write_bytes(whole[:cut])
        items = list(read_raw_file(path, "a"))
        assert [d.url for d in _docs(items)] == [o.url for o in originals[:2]], cut
        (failure,) = _failures(items)
        assert (failure.reason, failure.raw_offset) == (CORRUPT_RECORD, offsets[2]), cut
        assert "Error" not in failure.detail, failure.detail  # no raw exception name
        assert f"byte {offsets[2]}" in failure.detail or "cut short" in failure.detail


def test_a_damaged_record_says_what_and_at_which_byte(tmp_path: Path) -> None:
    path = tmp_path / "a.warc.gz"
    originals = [_doc(n, f"<p>{'党建引领发展' * 200}{n}</p>".encode()) for n in range(4)]
    offsets = write_warc(path, originals)
    _garble(path, offsets[1] + (offsets[2] - offsets[1]) // 2)
    (failure,) = _failures(read_raw_file(path, "a"))
    assert "gzip data corrupt" in failure.detail
    assert f"record at byte {offsets[1]}" in failure.detail
    assert f"resumed at byte {offsets[2]}" in failure.detail
