"""The raw archive: WARC records as received, write-then-rename, rotation, recovery."""

from __future__ import annotations

import datetime as dt
import gzip
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from warcio.archiveiterator import ArchiveIterator

from crawler.items import RawPage
from crawler.state import ArchivedStore
from crawler.warc import OPEN_SUFFIX, WarcArchive, recover_open_files, response_urls

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


def kinds_and_urls(path: Path) -> list[tuple[str, str | None]]:
    return [(r.rec_type, r.rec_headers.get_header("WARC-Target-URI")) for r, _ in records(path)]


@pytest.mark.parametrize("cut", ["request", "response"])
def test_a_file_left_open_by_a_killed_crawl_is_cut_after_its_last_whole_article(tmp_path, cut):
    warc = archive(tmp_path)
    name = warc.write(page(1))
    before_second = warc.size
    warc.write(page(2, body=b"x" * 5000))
    open_path = tmp_path / "demo" / (name + OPEN_SUFFIX)
    data = open_path.read_bytes()
    os.close(warc._fd)  # the kill: the file is never closed
    # The second article's last record (its request) cut in the middle, or
    # its first (the response).
    end = len(data) - 40 if cut == "request" else before_second + 100
    open_path.write_bytes(data[:end])
    recovered = recover_open_files(tmp_path)
    assert recovered == [tmp_path / "demo" / name]
    # The first article reads back; none of the second, not even a whole
    # response record without its request.
    assert kinds_and_urls(recovered[0]) == [
        ("warcinfo", None),
        ("response", page(1).url),
        ("request", page(1).url),
    ]
    assert response_urls(recovered[0]) == [page(1).url]
    assert not list(tmp_path.glob("*/*" + OPEN_SUFFIX))


def test_a_file_left_open_with_whole_articles_is_kept_whole(tmp_path):
    warc = archive(tmp_path)
    name = warc.write(page(1))
    warc.write(page(2))
    os.close(warc._fd)
    size = (tmp_path / "demo" / (name + OPEN_SUFFIX)).stat().st_size
    (recovered,) = recover_open_files(tmp_path)
    assert recovered.stat().st_size == size
    assert response_urls(recovered) == [page(1).url, page(2).url]


# Writes three articles into a WARC file, the second under a file-size limit
# (RLIMIT_FSIZE: the kernel fails writes past it with EFBIG, as a full disk
# fails them with ENOSPC) that stops it at the point named by argv[2], and
# prints what the archive did as JSON.
_LIMITED_WRITER = """
import datetime as dt, json, random, resource, sys, zlib
from pathlib import Path
from crawler.items import RawPage
from crawler.warc import WarcArchive

root, where = Path(sys.argv[1]), sys.argv[2]
when = dt.datetime(2024, 3, 1, tzinfo=dt.UTC)
def page(n):
    body = random.Random(n).randbytes(10_000)  # does not compress: sizes are predictable
    return RawPage("demo", f"http://www.demo.example/news/show-{n}.html", 200, "HTTP/1.1",
                   (("Content-Type", "text/html"),), body, when, "GET", ())
# The second article's records as the archive writes them: response, then request.
scratch = WarcArchive(root / "scratch", "demo", when, 10**9, {})
scratch.write(page(1))
first = scratch.size
scratch.write(page(2))
pair = (root / "scratch" / (scratch.current_name + ".open")).read_bytes()[first:]
inflater = zlib.decompressobj(wbits=31)
inflater.decompress(pair)
response = len(pair) - len(inflater.unused_data)
# (Record IDs and dates differ from run to run: compressed sizes by a few bytes.)
room = {"nothing": 0, "mid-response": response // 2, "response-only": response,
        "mid-request": response + (len(pair) - response) // 2,
        "near-the-end": len(pair) - 50}[where]

warc = WarcArchive(root / "demo", "demo", when, 10**9, {})
warc.write(page(1))
out = {"after_first": warc.size}
resource.setrlimit(resource.RLIMIT_FSIZE, (warc.size + room, resource.RLIM_INFINITY))
try:
    warc.write(page(2))
    out["second"] = "written"
except OSError as exc:
    out["second"] = exc.strerror
out["size_after_failure"] = warc.size
out["file_after_failure"] = (root / "demo" / (warc.current_name + ".open")).stat().st_size
resource.setrlimit(resource.RLIMIT_FSIZE, (resource.RLIM_INFINITY, resource.RLIM_INFINITY))
warc.write(page(3))
warc.close()
print(json.dumps(out))
"""


@pytest.mark.parametrize(
    "where", ["nothing", "mid-response", "response-only", "mid-request", "near-the-end"]
)
def test_an_article_that_does_not_fit_is_not_written_at_all(tmp_path, where):
    result = subprocess.run(
        [sys.executable, "-c", _LIMITED_WRITER, str(tmp_path), where],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    outcome = json.loads(result.stdout)
    assert outcome["second"] == "File too large"
    # The file is as it was before the failed write...
    assert outcome["size_after_failure"] == outcome["after_first"]
    assert outcome["file_after_failure"] == outcome["after_first"]
    # ...and the next article follows the first one as if nothing happened.
    (path,) = (tmp_path / "demo").glob("*.warc.gz")
    assert kinds_and_urls(path) == [
        ("warcinfo", None),
        ("response", page(1).url),
        ("request", page(1).url),
        ("response", page(3).url),
        ("request", page(3).url),
    ]


def test_undo_last_takes_back_the_last_article_only(tmp_path):
    warc = archive(tmp_path)
    warc.write(page(1))
    size = warc.size
    name = warc.write(page(2))
    warc.undo_last()
    assert warc.size == size
    warc.undo_last()  # nothing more to take back
    warc.write(page(3))
    warc.close()
    assert response_urls(tmp_path / "demo" / name) == [page(1).url, page(3).url]


def test_archived_store_remembers_urls_across_connections(tmp_path):
    store = ArchivedStore(tmp_path / "state" / "archived.sqlite3")
    assert not store.seen("http://a.example/1")
    store.add(["http://a.example/1", "http://a.example/old?id=1"], "demo", "f.warc.gz")
    store.close()
    again = ArchivedStore(tmp_path / "state" / "archived.sqlite3")
    assert again.seen("http://a.example/old?id=1")
    assert again.count("demo") == 2 and again.count("other") == 0
    again.close()
