"""``python -m cleaning process|reprocess`` end to end, as cron and analysts run it.

Each test builds a raw archive from the bundled sample pages (WARC files, as
the crawler writes them, plus saved pages), runs the command line in a
subprocess and reads the dataset back. The pages built on the seeds are left
to the demo test (tests/test_demo.py): repairing their damage is the slow
part of cleaning, and these tests are about the batch around it.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pyarrow.parquet as pq
import pytest

from cleaning.batch.lock import locked
from cleaning.batch.rawio import write_warc
from cleaning.batch.read import current_version, errors_table
from cleaning.batch.run import EXIT_FAILED, EXIT_LOCKED, EXIT_OK, EXIT_PARTIAL
from cleaning.record import RawDocument
from tests.helpers import (
    SAVED_PAGES,
    build_archive,
    cleaning_cli,
    sample_articles,
    snapshot,
    tree,
)


def start(data: Path, *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "cleaning", *args, "--data-dir", str(data), "--progress", "none"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        cwd=data,
    )


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data directory whose raw/ holds the sample articles and saved pages."""
    data = tmp_path_factory.mktemp("data")
    build_archive(data / "raw")
    return data


def fresh(archive: Path, tmp_path: Path) -> Path:
    data = tmp_path / "data"
    data.mkdir()
    os.symlink(archive / "raw", data / "raw")
    return data


def test_process_cleans_every_document_once_and_a_second_run_does_nothing(
    archive: Path, tmp_path: Path
) -> None:
    data = fresh(archive, tmp_path)
    first = cleaning_cli(data, "process", "--workers", "2")
    assert first.returncode in (EXIT_OK, EXIT_PARTIAL), first.stderr
    assert "documents read" in first.stdout
    records, errors = snapshot(data / "clean")
    documents = len(sample_articles()) + SAVED_PAGES + 1
    assert len(records) + len(errors) == documents
    assert len({r["doc_id"] for r in records}) == len(records)
    assert all(r["raw_file"].startswith("raw/") for r in records)
    assert all(r["cleaner_version"] for r in records)
    before = tree(data / "clean")
    second = cleaning_cli(data, "process")
    assert second.returncode == EXIT_OK, second.stderr
    assert "nothing to do" in second.stdout
    assert tree(data / "clean") == before


@pytest.mark.slow
def test_new_raw_is_cleaned_incrementally_and_reprocess_gives_the_same_records(
    tmp_path: Path,
) -> None:
    data = tmp_path / "data"
    build_archive(data / "raw")
    later = sorted((data / "raw" / "samples").glob("*.warc.gz"))[1:]
    parked = tmp_path / "parked"
    parked.mkdir()
    for path in later:
        path.rename(parked / path.name)
    assert cleaning_cli(data, "process").returncode in (EXIT_OK, EXIT_PARTIAL)
    for path in later:
        (parked / path.name).rename(data / "raw" / "samples" / path.name)
    incremental = cleaning_cli(data, "process")
    assert incremental.returncode in (EXIT_OK, EXIT_PARTIAL), incremental.stderr
    assert f"cleaned {len(later)} raw files" in incremental.stdout
    processed = snapshot(data / "clean")
    rebuilt = cleaning_cli(data, "reprocess", "--workers", "2")
    assert rebuilt.returncode in (EXIT_OK, EXIT_PARTIAL), rebuilt.stderr
    assert snapshot(data / "clean") == processed


def test_damaged_archive_gives_partial_with_every_failure_in_the_errors_table(
    tmp_path: Path,
) -> None:
    data = tmp_path / "data"
    raw = data / "raw"
    raw.mkdir(parents=True)
    good = sample_articles()[:3]
    undecodable = RawDocument(
        # 0xFF never occurs in UTF-8, GBK, GB18030 or Big5 text.
        b"<html><body><p>" + b"\xff\xfe\x80" * 1000 + b"</p></body></html>",
        "http://news.example.test/undecodable.html",
        {"Content-Type": "text/html"},
    )
    empty = RawDocument(b"", "http://news.example.test/empty.html", {"Content-Type": "text/html"})
    sacrificed = RawDocument(good[0].body, "http://news.example.test/corrupt.html", good[0].headers)
    offsets = write_warc(
        raw / "mixed.warc.gz", [good[0], sacrificed, undecodable, empty, *good[1:]]
    )
    damaged = bytearray((raw / "mixed.warc.gz").read_bytes())
    middle = (offsets[1] + offsets[2]) // 2
    damaged[middle : middle + 64] = b"\xff" * 64
    (raw / "mixed.warc.gz").write_bytes(bytes(damaged))
    result = cleaning_cli(data, "process")
    assert result.returncode == EXIT_PARTIAL, result.stdout + result.stderr
    assert "exit status 3" in result.stdout
    records, errors = snapshot(data / "clean")
    assert sorted(r["url"] for r in records) == sorted(d.url for d in good)
    by_offset = {e["raw_offset"]: e for e in errors}
    assert by_offset[offsets[1]]["reason"] == "corrupt-record"
    assert by_offset[offsets[2]]["reason"] == "undecodable"
    assert by_offset[offsets[2]]["url"] == undecodable.url
    assert by_offset[offsets[3]]["reason"] == "empty"
    assert by_offset[offsets[3]]["url"] == empty.url
    assert {e["raw_file"] for e in errors} == {"raw/mixed.warc.gz"}
    assert len(errors) == 3
    assert (raw / "mixed.warc.gz").read_bytes() == bytes(damaged)  # raw stays


def test_nothing_cleanable_is_a_failure(tmp_path: Path) -> None:
    data = tmp_path / "data"
    (data / "raw").mkdir(parents=True)
    empty = [RawDocument(b"", f"http://news.example.test/{n}.html") for n in range(3)]
    write_warc(data / "raw" / "empty.warc.gz", empty)
    result = cleaning_cli(data, "process")
    assert result.returncode == EXIT_FAILED
    assert len(errors_table(data / "clean")) == 3


def test_a_second_run_waits_its_turn(archive: Path, tmp_path: Path) -> None:
    data = fresh(archive, tmp_path)
    with locked(data / "clean"):
        result = cleaning_cli(data, "process")
    assert result.returncode == EXIT_LOCKED
    assert "another run" in result.stderr
    assert current_version(data / "clean") is None


def test_help_explains_the_commands_and_exit_status() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "cleaning", "--help"], capture_output=True, text=True, check=True
    )
    for word in ("process", "reprocess", "summary", "partial", "75"):
        assert word in result.stdout
    result = subprocess.run(
        [sys.executable, "-m", "cleaning", "process", "--help"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert "--workers" in result.stdout
    assert "--raw" in result.stdout


@pytest.mark.slow
def test_summary_and_duckdb_read_the_published_dataset(archive: Path, tmp_path: Path) -> None:
    data = fresh(archive, tmp_path)
    cleaning_cli(data, "process")
    summary = cleaning_cli(data, "summary")
    assert summary.returncode == EXIT_OK
    assert "finews" in summary.stdout
    assert "total" in summary.stdout
    records = (data / "clean" / "current" / "records").as_posix()
    count = (
        duckdb.connect()
        .execute(f"select count(*) from read_parquet('{records}/**/*.parquet')")
        .fetchone()[0]
    )
    assert count == len(snapshot(data / "clean")[0])


# --- killed runs -------------------------------------------------------------


@pytest.fixture(scope="module")
def big_archive(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Enough pages that a reprocess takes a while: the sample articles three times."""
    data = tmp_path_factory.mktemp("big")
    build_archive(data / "raw", copies=3, per_file=8)
    return data


def _staged_version(root: Path) -> bool:
    staging = root / "staging"
    return staging.is_dir() and any((run / "version").is_dir() for run in staging.iterdir())


@pytest.mark.slow
def test_sigkill_before_the_swap_leaves_the_dataset_as_it_was(
    big_archive: Path, tmp_path: Path
) -> None:
    data = fresh(big_archive, tmp_path)
    root = data / "clean"
    assert cleaning_cli(data, "process").returncode in (EXIT_OK, EXIT_PARTIAL)
    before_version = current_version(root)
    before = snapshot(root)
    caught = False
    for _ in range(5):
        run = start(data, "reprocess")
        while run.poll() is None and not _staged_version(root):
            time.sleep(0.001)
        if run.poll() is None:
            os.kill(run.pid, signal.SIGSTOP)
            caught = current_version(root) == before_version
            os.kill(run.pid, signal.SIGKILL)
        run.wait()
        if caught:
            break
        before_version, before = current_version(root), snapshot(root)
    assert caught, "never caught reprocess between building and swapping"
    assert current_version(root) == before_version
    assert snapshot(root) == before
    rerun = cleaning_cli(data, "reprocess")
    assert rerun.returncode in (EXIT_OK, EXIT_PARTIAL), rerun.stderr
    assert current_version(root) != before_version
    assert snapshot(root) == before
    assert not (root / "staging").exists()


@pytest.mark.slow
def test_sigkill_at_random_points_never_breaks_the_dataset(
    big_archive: Path, tmp_path: Path
) -> None:
    data = fresh(big_archive, tmp_path)
    root = data / "clean"
    started = time.monotonic()
    assert cleaning_cli(data, "reprocess").returncode in (EXIT_OK, EXIT_PARTIAL)
    duration = time.monotonic() - started
    expected = snapshot(root)
    delays = random.Random(2024)
    for _ in range(3):
        run = start(data, "reprocess")
        time.sleep(delays.uniform(0.05, duration))
        run.send_signal(signal.SIGKILL)
        run.wait()
        assert snapshot(root) == expected
        for part in (root / "current" / "records").rglob("*.parquet"):
            pq.read_metadata(part)
    final = cleaning_cli(data, "reprocess")
    assert final.returncode in (EXIT_OK, EXIT_PARTIAL), final.stderr
    assert snapshot(root) == expected


@pytest.mark.slow
def test_ctrl_c_stops_at_once_and_leaves_the_dataset_as_it_was(
    big_archive: Path, tmp_path: Path
) -> None:
    data = fresh(big_archive, tmp_path)
    run = subprocess.Popen(
        [sys.executable, "-m", "cleaning", "reprocess", "--data-dir", str(data)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        cwd=data,
        # A shell's background jobs ignore SIGINT; a terminal's Ctrl-C does not.
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    assert run.stderr is not None
    started = run.stderr.readline()
    while started and "cleaning.batch.run: cleaning" not in started:
        started = run.stderr.readline()
    run.send_signal(signal.SIGINT)
    _, err = run.communicate(timeout=30)
    assert run.returncode == 130
    assert "interrupted: the dataset is unchanged" in err
    assert current_version(data / "clean") is None
    rerun = cleaning_cli(data, "process")
    assert rerun.returncode in (EXIT_OK, EXIT_PARTIAL), rerun.stderr


def test_a_missing_raw_archive_is_a_failure_with_a_clear_message(tmp_path: Path) -> None:
    result = cleaning_cli(tmp_path, "process", "--raw", str(tmp_path / "no-such-dir"))
    assert result.returncode == EXIT_FAILED
    assert "no raw archive at" in result.stderr
    assert "Traceback" not in result.stderr
