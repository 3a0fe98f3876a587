"""The raw archive: WARC records as received, write-then-rename, rotation, recovery."""

from __future__ import annotations

import datetime as dt
import gzip
from pathlib import Path

from warcio.archiveiterator import ArchiveIterator

from crawler.items import RawPage
from crawler.state import ArchivedStore
from crawler.warc import OPEN_SUFFIX, WarcArchive, recover_open_files

STARTED = dt.datetime(2024, 3, 1, 8, 30, 5, tzinfo=dt.UTC)


def page(n: int, body: bytes = b"<html>\xc4\xfa\xba\xc3</html>") -> RawPage:
    return RawPage(
        source="demo",
        url=f"http://www.demo.example/news/show-{n}.html",
        status=200,
        protocol="HTTP/1.1",
        headers=(
            ("Content-Type", "text/html; charset=gbk"),
            ("X-Note", "caf\xe9"),
            ("Transfer-Encoding", "chunked"),
        ),
        body=body,
        fetched_at=STARTED,
        request_method="GET",
        request_headers=(("User-Agent", "sxcorpus-crawler/test"),),
        redirected_from=(),
    )


def archive(tmp_path: Path, max_bytes: int = 10_000_000) -> WarcArchive:
    return WarcArchive(tmp_path / "demo", "demo", STARTED, max_bytes, {"software": "test"})


def records(path: Path) -> list:
    with path.open("rb") as fh:
        out = []
        for record in ArchiveIterator(fh):
            out.append((record, record.content_stream().read()))
        return out


def test_response_and_request_records_hold_the_exchange_as_received(tmp_path):
    warc = archive(tmp_path)
    name = warc.write(page(1))
    # Not visible under its final name while open.
    assert not (tmp_path / "demo" / name).exists()
    assert (tmp_path / "demo" / (name + OPEN_SUFFIX)).exists()
    warc.close()
    final = tmp_path / "demo" / name
    assert name == "demo-20240301T083005Z-00001.warc.gz"
    assert final.exists() and not (tmp_path / "demo" / (name + OPEN_SUFFIX)).exists()
    kinds = [(r.rec_type, body) for r, body in records(final)]
    # warcio writes a pair response first, then its request.
    assert [k for k, _ in kinds] == ["warcinfo", "response", "request"]
    _, response, request = (r for r, _ in records(final))
    assert response.rec_headers.get_header("WARC-Target-URI") == page(1).url
    assert response.rec_headers.get_header("WARC-Date") == "2024-03-01T08:30:05.000000Z"
    assert response.rec_headers.get_header("WARC-Source") == "demo"
    assert request.rec_headers.get_header("WARC-Concurrent-To") == response.rec_headers.get_header(
        "WARC-Record-ID"
    )
    assert response.http_headers.statusline == "200 OK"
    assert response.http_headers.get_header("Content-Type") == "text/html; charset=gbk"
    assert response.http_headers.get_header("X-Archive-Orig-Transfer-Encoding") == "chunked"
    assert kinds[1][1] == page(1).body
    assert request.http_headers.get_header("Host") == "www.demo.example"
    # The header block keeps every byte (warcio would %-encode the é).
    raw = gzip.decompress(final.read_bytes())
    assert b"X-Note: caf\xe9\r\n" in raw
    assert b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=gbk\r\n" in raw
    assert b"GET /news/show-1.html HTTP/1.1\r\nHost: www.demo.example\r\n" in raw


def test_rotates_by_size_and_never_reuses_a_name(tmp_path):
    warc = archive(tmp_path, max_bytes=1)
    names = [warc.write(page(n)) for n in range(3)]
    warc.close()
    assert names == [f"demo-20240301T083005Z-0000{i}.warc.gz" for i in (1, 2, 3)]
    again = archive(tmp_path, max_bytes=1)
    assert again.write(page(9)) == "demo-20240301T083005Z-00004.warc.gz"
    again.close()
    assert sorted(p.name for p in (tmp_path / "demo").iterdir())[-1].endswith("00004.warc.gz")


def test_no_file_when_nothing_is_written(tmp_path):
    warc = archive(tmp_path)
    warc.close()
    assert not (tmp_path / "demo").exists()


def test_a_file_left_open_by_a_killed_crawl_is_cut_after_its_last_whole_record(tmp_path):
    warc = archive(tmp_path)
    name = warc.write(page(1))
    warc.write(page(2, body=b"x" * 5000))
    open_path = tmp_path / "demo" / (name + OPEN_SUFFIX)
    warc._fh.flush()
    data = open_path.read_bytes()
    # Simulate the kill: the last record's gzip member cut in the middle.
    open_path.write_bytes(data[:-40])
    warc._fh.close()
    recovered = recover_open_files(tmp_path)
    assert recovered == [tmp_path / "demo" / name]
    kinds = [
        (r.rec_type, r.rec_headers.get_header("WARC-Target-URI")) for r, _ in records(recovered[0])
    ]
    # Everything before the cut record reads back; the cut one is gone.
    assert kinds == [
        ("warcinfo", None),
        ("response", page(1).url),
        ("request", page(1).url),
        ("response", page(2).url),
    ]
    assert not list(tmp_path.glob("*/*" + OPEN_SUFFIX))


def test_archived_store_remembers_urls_across_connections(tmp_path):
    store = ArchivedStore(tmp_path / "state" / "archived.sqlite3")
    assert not store.seen("http://a.example/1")
    store.add(["http://a.example/1", "http://a.example/old?id=1"], "demo", "f.warc.gz")
    store.close()
    again = ArchivedStore(tmp_path / "state" / "archived.sqlite3")
    assert again.seen("http://a.example/old?id=1")
    assert again.count("demo") == 2 and again.count("other") == 0
    again.close()
