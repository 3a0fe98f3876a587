"""``python -m cleaning show DOC_ID|URL``: a record, then the raw response it came from."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pyarrow.dataset as pads
import pytest

from cleaning.batch.rawio import write_warc
from cleaning.batch.read import current_version
from cleaning.batch.run import ProcessOptions, run
from cleaning.record import RawDocument
from tests.helpers import MANIFEST, sample_articles

# Each test runs the command line in a fresh interpreter (a few seconds each).
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    data = tmp_path_factory.mktemp("show")
    raw = data / "raw" / "samples"
    raw.mkdir(parents=True)
    articles = sample_articles()
    encoding = {e["url"]: e["encoding"] for e in MANIFEST}
    # A GBK page (a farm's) and a Big5 one (a traditional repost) among them.
    chosen = [a for a in articles if encoding[a.url] == "gbk"][:1]
    chosen += [a for a in articles if encoding[a.url] == "big5"][:1]
    chosen += [a for a in articles if encoding[a.url] == "utf-8"][:3]
    write_warc(raw / "pages.warc.gz", chosen)
    gone = RawDocument(b"<html><body>Not Found</body></html>", "http://gone.example.test/1.html")
    write_warc(raw / "gone.warc.gz", [gone], status="404 Not Found")
    (data / "raw" / "saved").mkdir()
    (data / "raw" / "saved" / "page.html").write_bytes(chosen[-1].body)
    run(ProcessOptions(raw=(data / "raw",), out=data / "clean", workers=1))
    return data


def rows(data: Path) -> list[dict[str, object]]:
    records = pads.dataset(current_version(data / "clean") / "records")
    return records.to_table().to_pylist()


def show(data: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "cleaning", "show", *args, "--data-dir", str(data)],
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_show_prints_the_record_then_the_raw_response(data: Path) -> None:
    row = next(r for r in rows(data) if r["encoding"] == "gb18030")
    result = show(data, str(row["doc_id"]))
    assert result.returncode == 0, result.stderr
    out = result.stdout
    record, _, response = out.partition("\nraw: ")
    assert f"doc_id          {row['doc_id']}" in record
    assert f"url             {row['url']}" in record
    assert str(row["title"]) in record
    assert str(row["body"]).split("\n")[0] in record
    assert "HTTP/1.1 200 OK" in response
    served = next(a for a in sample_articles() if a.url == row["url"])
    assert f"Content-Type: {served.headers['Content-Type']}" in response
    assert f"@ {row['raw_offset']}" in response
    # The page decoded with the cleaner's codec: its GBK text reads as Chinese.
    assert "<html" in response.lower()
    assert "\ufffd" not in response


def test_a_url_finds_its_record_too(data: Path) -> None:
    row = next(r for r in rows(data) if r["encoding"] == "big5hkscs")
    by_url = show(data, str(row["url"]))
    by_id = show(data, str(row["doc_id"]))
    assert by_url.returncode == by_id.returncode == 0
    assert by_url.stdout == by_id.stdout


def test_raw_writes_the_original_bytes(data: Path, tmp_path: Path) -> None:
    row = next(r for r in rows(data) if r["encoding"] == "gb18030")
    served = next(a for a in sample_articles() if a.url == row["url"])
    target = tmp_path / "page.bin"
    result = show(data, str(row["doc_id"]), "--raw", str(target))
    assert result.returncode == 0, result.stderr
    assert target.read_bytes() == served.body
    assert str(target) in result.stderr


def test_diff_sets_the_page_text_beside_the_body(data: Path) -> None:
    row = next(r for r in rows(data) if r["encoding"] == "big5hkscs")
    result = show(data, str(row["doc_id"]), "--diff")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert "--- page text" in lines and "+++ body" in lines
    added = [line[1:] for line in lines if line.startswith("+") and not line.startswith("+++")]
    removed = [line[1:] for line in lines if line.startswith("-") and not line.startswith("---")]
    # The Big5 page is traditional: its paragraphs leave as traditional text
    # and come back simplified, as the body holds them.
    body = [p for p in str(row["body"]).split("\n") if p.strip()]
    assert added and set(added) <= set(body)
    assert removed
    assert "<html" not in result.stdout.split("+++ body")[1].lower()


def test_a_saved_page_has_no_status_line(data: Path) -> None:
    row = next(r for r in rows(data) if str(r["raw_file"]).endswith("page.html"))
    result = show(data, str(row["doc_id"]))
    assert result.returncode == 0, result.stderr
    assert "(a saved page: no HTTP status or headers)" in result.stdout


def test_unknown_keys_and_failed_documents_say_why(data: Path) -> None:
    missing = show(data, "0123456789abcdef")
    assert missing.returncode == 1
    assert "no record with doc_id or URL 0123456789abcdef" in missing.stderr
    failed = show(data, "http://gone.example.test/1.html")
    assert failed.returncode == 1
    assert "errors table" in failed.stderr and "http-error" in failed.stderr
    nonsense = show(data, "not-a-key")
    assert nonsense.returncode == 1
    assert "neither a doc_id" in nonsense.stderr
