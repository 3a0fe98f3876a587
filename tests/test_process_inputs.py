"""Bad raw input: checked before it is opened, one error row each, retried when it changes.

Every test runs ``python -m cleaning process`` on a raw directory built
here and reads the dataset back. Unreadable files are made unreadable for
real: ``chmod 000``, and when the tests run as root (CI does), the cleaning
process is started without the capabilities that let root read anything
(CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH), so the permission bits bind it too.
"""

from __future__ import annotations

import ctypes
import gzip
import os
import socket
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from cleaning import clean_page
from cleaning.batch.rawio import write_warc
from cleaning.batch.read import errors_table, records_dataset
from cleaning.batch.run import EXIT_FAILED, EXIT_OK, EXIT_PARTIAL
from cleaning.errors import NO_TEXT, CleaningError
from cleaning.record import RawDocument
from tests.helpers import sample_articles

# prctl(2): drop a capability from the bounding set, so that root keeps it
# neither now nor after exec (linux/prctl.h, linux/capability.h).
_PR_CAPBSET_DROP = 24
_CAP_DAC_OVERRIDE = 1
_CAP_DAC_READ_SEARCH = 2


def _bound_by_permissions() -> None:
    """In the child, before exec: let file permissions apply even to root."""
    libc = ctypes.CDLL(None, use_errno=True)
    for cap in (_CAP_DAC_OVERRIDE, _CAP_DAC_READ_SEARCH):
        if libc.prctl(_PR_CAPBSET_DROP, cap, 0, 0, 0) != 0:
            raise OSError(ctypes.get_errno(), "cannot drop a capability")


def _as_user() -> Callable[[], None] | None:
    return _bound_by_permissions if os.geteuid() == 0 else None


def cli(data: Path, *args: str, timeout: float = 50) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "cleaning", "process", "--data-dir", str(data), *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=data,
        preexec_fn=_as_user(),
    )


def good_warc(path: Path, count: int = 2, tag: str = "") -> list[str]:
    """A WARC of sample articles under URLs of its own; returns the URLs."""
    articles = sample_articles()[:count]
    docs = [RawDocument(a.body, f"{a.url}?{tag or path.stem}", a.headers) for a in articles]
    write_warc(path, docs)
    return [d.url for d in docs]


def dataset(data: Path) -> tuple[list[dict[str, object]], list[dict[str, object]]]:
    root = data / "clean"
    records = records_dataset(root).to_table(columns=["url", "raw_file"]).to_pylist()
    return records, errors_table(root).to_pylist()


def rows_of(errors: list[dict[str, object]], raw_file: str) -> list[dict[str, object]]:
    return [e for e in errors if e["raw_file"] == raw_file]


@pytest.mark.slow
def test_pipes_and_sockets_are_error_rows_never_opened(tmp_path: Path) -> None:
    data = tmp_path / "data"
    raw = data / "raw"
    raw.mkdir(parents=True)
    urls = good_warc(raw / "good.warc.gz")
    os.mkfifo(raw / "pipe.warc.gz")  # opened for reading, it would wait for a writer forever
    server = socket.socket(socket.AF_UNIX)
    server.bind(str(raw / "socket.warc"))
    try:
        result = cli(data, timeout=50)
    finally:
        server.close()
    assert result.returncode == EXIT_PARTIAL, result.stderr
    records, errors = dataset(data)
    assert sorted(r["url"] for r in records) == sorted(urls)
    (pipe,) = rows_of(errors, "raw/pipe.warc.gz")
    (sock,) = rows_of(errors, "raw/socket.warc")
    assert (pipe["reason"], pipe["raw_offset"]) == ("not-a-file", None)
    assert "named pipe" in pipe["detail"]
    assert sock["reason"] == "not-a-file"
    assert "socket" in sock["detail"]
    again = cli(data)
    assert again.returncode == EXIT_OK
    assert "nothing to do" in again.stdout


@pytest.mark.slow
def test_empty_and_non_warc_files_are_one_row_each_and_retried_when_they_change(
    tmp_path: Path,
) -> None:
    data = tmp_path / "data"
    raw = data / "raw"
    raw.mkdir(parents=True)
    urls = good_warc(raw / "good.warc.gz")
    (raw / "empty.warc.gz").write_bytes(b"")
    (raw / "notes.warc.gz").write_text("a text file, not an archive\n" * 20)
    (raw / "zipped.warc.gz").write_bytes(gzip.compress(b"<html>not a WARC</html>\n" * 20))
    (raw / "empty.html").write_bytes(b"")
    result = cli(data)
    assert result.returncode == EXIT_PARTIAL, result.stderr
    assert "Record not followed by newline" not in result.stderr  # no raw warcio output
    assert "Remainder" not in result.stderr
    records, errors = dataset(data)
    assert sorted(r["url"] for r in records) == sorted(urls)
    reasons = {e["raw_file"]: (e["reason"], e["raw_offset"]) for e in errors}
    assert reasons == {
        "raw/empty.warc.gz": ("empty-file", None),
        "raw/notes.warc.gz": ("not-warc", None),
        "raw/zipped.warc.gz": ("not-warc", None),
        "raw/empty.html": ("empty-file", None),
    }
    assert len(errors) == 4
    assert "a text file" in rows_of(errors, "raw/notes.warc.gz")[0]["detail"]
    assert cli(data).returncode == EXIT_OK  # unchanged: not tried again
    # The crawler finishes the file: it is cleaned, its error row goes.
    more = good_warc(raw / "notes.warc.gz", tag="fixed")
    fixed = cli(data)
    assert fixed.returncode == EXIT_OK, fixed.stderr
    assert "cleaned 1 raw files" in fixed.stdout
    records, errors = dataset(data)
    assert sorted(r["url"] for r in records) == sorted(urls + more)
    assert rows_of(errors, "raw/notes.warc.gz") == []
    assert len(errors) == 3


@pytest.mark.slow
def test_unreadable_files_and_folders_are_retried_once_readable(tmp_path: Path) -> None:
    data = tmp_path / "data"
    raw = data / "raw"
    (raw / "locked-dir").mkdir(parents=True)
    urls = good_warc(raw / "good.warc.gz")
    in_dir = good_warc(raw / "locked-dir" / "inside.warc.gz")
    locked_file = good_warc(raw / "locked.warc.gz")
    (raw / "locked.warc.gz").chmod(0)
    (raw / "locked-dir").chmod(0)
    try:
        result = cli(data)
        assert result.returncode == EXIT_PARTIAL, result.stderr
        records, errors = dataset(data)
        assert sorted(r["url"] for r in records) == sorted(urls)
        by_file = {e["raw_file"]: e for e in errors}
        assert set(by_file) == {"raw/locked.warc.gz", "raw/locked-dir"}
        assert {e["reason"] for e in errors} == {"unreadable"}
        assert all("ermission denied" in e["detail"] for e in errors)
        assert cli(data).returncode == EXIT_OK  # unchanged: not tried again
    finally:
        (raw / "locked.warc.gz").chmod(0o644)
        (raw / "locked-dir").chmod(0o755)
    # Permissions fixed (only the change time moves): both are cleaned now.
    fixed = cli(data)
    assert fixed.returncode == EXIT_OK, fixed.stderr
    records, errors = dataset(data)
    assert sorted(r["url"] for r in records) == sorted(urls + in_dir + locked_file)
    assert errors == []


@pytest.mark.slow
def test_a_dangling_link_is_unreadable_until_its_target_appears(tmp_path: Path) -> None:
    data = tmp_path / "data"
    raw = data / "raw"
    raw.mkdir(parents=True)
    elsewhere = tmp_path / "disk2"
    elsewhere.mkdir()
    (raw / "moved.warc.gz").symlink_to(elsewhere / "moved.warc.gz")
    result = cli(data)
    assert result.returncode == EXIT_FAILED, result.stderr  # nothing read became a record
    _, errors = dataset(data)
    (row,) = errors
    assert (row["raw_file"], row["reason"]) == ("raw/moved.warc.gz", "unreadable")
    assert "symbolic link" in row["detail"]
    urls = good_warc(elsewhere / "moved.warc.gz")
    fixed = cli(data)
    assert fixed.returncode == EXIT_OK, fixed.stderr
    records, errors = dataset(data)
    assert sorted(r["url"] for r in records) == sorted(urls)
    assert errors == []


@pytest.mark.slow
def test_documents_without_readable_text_are_refused_as_no_text(tmp_path: Path) -> None:
    question_marks = b"<html><body><p>" + b"?" * 500_000 + b"</p></body></html>"
    private_use = "".join(chr(0xE000 + n % 6400) for n in range(300_000))
    pua = f"<html><body><div>{private_use}</div></body></html>".encode()
    for body in (question_marks, pua):
        with pytest.raises(CleaningError) as refused:
            clean_page(body, "http://news.example.test/a.html", {"Content-Type": "text/html"})
        assert refused.value.reason == NO_TEXT
    data = tmp_path / "data"
    (data / "raw").mkdir(parents=True)
    headers = {"Content-Type": "text/html; charset=utf-8"}
    article = sample_articles()[0]
    write_warc(
        data / "raw" / "mixed.warc.gz",
        [
            RawDocument(question_marks, "http://news.example.test/q.html", headers),
            RawDocument(pua, "http://news.example.test/pua.html", headers),
            article,
        ],
    )
    result = cli(data)
    assert result.returncode == EXIT_PARTIAL, result.stderr
    records, errors = dataset(data)
    assert [r["url"] for r in records] == [article.url]
    assert sorted((e["url"], e["reason"]) for e in errors) == [
        ("http://news.example.test/pua.html", NO_TEXT),
        ("http://news.example.test/q.html", NO_TEXT),
    ]
