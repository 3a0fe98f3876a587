"""Worker deaths: SIGKILL on cleaning workers costs nothing but time.

The workers are killed for real (as the out-of-memory killer would), from
outside the run, while ``python -m cleaning process`` cleans a WARC archive
built here; the dataset is then read back and every document written is
looked for, once, in the records or the errors table.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from cleaning.batch.read import errors_table, records_dataset
from cleaning.batch.run import EXIT_FAILED, EXIT_OK, EXIT_PARTIAL
from tests.helpers import sample_copies, write_warcs

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not Path("/proc/self/task").is_dir(), reason="needs Linux /proc"),
]

#: The acceptance's figures: documents in one run, and kills during it.
DOCUMENTS = 3_000
KILLS = 5


def build(raw: Path, documents: int, per_file: int) -> set[tuple[str, int]]:
    """WARC files of the sample articles under distinct URLs; every (file, offset) written."""
    written = write_warcs(raw, sample_copies(documents), per_file, "part")
    return {(f"raw/{path.name}", offset) for path, offsets in written.items() for offset in offsets}


def children(pid: int) -> list[int]:
    path = Path(f"/proc/{pid}/task/{pid}/children")
    try:
        return [int(p) for p in path.read_text().split()]
    except OSError:
        return []


class Run:
    """``process`` in the background, its stderr read as it comes."""

    def __init__(self, data: Path, *args: str) -> None:
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "cleaning",
                "process",
                "--data-dir",
                str(data),
                "--progress",
                "none",
                *args,
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            cwd=data,
        )
        self.lines: list[str] = []
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self) -> None:
        assert self.process.stderr is not None
        for line in self.process.stderr:
            self.lines.append(line)

    def deaths(self) -> int:
        return sum("a worker died" in line for line in list(self.lines))

    def kill_workers_until(self, deaths: int, pause: float) -> int:
        """SIGKILL a worker every ``pause`` seconds until ``deaths`` are logged; returns kills."""
        kills = 0
        chance = random.Random(11)
        while self.process.poll() is None and self.deaths() < deaths:
            time.sleep(pause)
            workers = children(self.process.pid)
            if workers:
                try:
                    os.kill(chance.choice(workers), signal.SIGKILL)
                    kills += 1
                except ProcessLookupError:
                    pass
        return kills

    def finish(self, timeout: float = 55) -> tuple[int, str, str]:
        out, _ = self.process.communicate(timeout=timeout)
        self.reader.join(5)
        return self.process.returncode, out, "".join(self.lines)


def published(data: Path) -> tuple[list[dict[str, object]], list[dict[str, object]]]:
    root = data / "clean"
    records = records_dataset(root).to_table(columns=["doc_id", "raw_file", "raw_offset"])
    return records.to_pylist(), errors_table(root).to_pylist()


def test_workers_killed_five_times_lose_no_document(tmp_path: Path) -> None:
    data = tmp_path / "data"
    written = build(data / "raw", DOCUMENTS, per_file=20)
    assert len(written) >= DOCUMENTS
    run = Run(data, "--workers", "2")
    kills = run.kill_workers_until(KILLS, pause=0.4)
    status, _, log = run.finish()
    assert status in (EXIT_OK, EXIT_PARTIAL), log
    assert run.deaths() >= KILLS, f"{kills} kills sent, only {run.deaths()} deaths seen:\n{log}"
    assert "Traceback" not in log
    records, errors = published(data)
    done = [(r["raw_file"], r["raw_offset"]) for r in records + errors]
    assert len(done) == len(set(done)), "a document is in the dataset twice"
    assert set(done) <= written
    # Files whose worker died twice in this run are left for the next one.
    again = Run(data, "--workers", "2")
    status, _, log = again.finish()
    assert status in (EXIT_OK, EXIT_PARTIAL), log
    records, errors = published(data)
    done = [(r["raw_file"], r["raw_offset"]) for r in records + errors]
    assert len(done) == len(set(done)), "a document is in the dataset twice"
    assert set(done) == written
    assert len({r["doc_id"] for r in records}) == len(records)
    assert not [e for e in errors if e["reason"] == "poisoned"]


def test_a_file_whose_worker_always_dies_is_poisoned_then_retried_on_demand(
    tmp_path: Path,
) -> None:
    data = tmp_path / "data"
    written = build(data / "raw", 300, per_file=300)
    run = Run(data, "--workers", "1", "--max-tries", "1")
    run.kill_workers_until(1, pause=0.2)
    status, out, log = run.finish()
    # Nothing but the poisoned file was read, and nothing became a record.
    assert status == EXIT_FAILED, log
    assert "poisoned" in out
    records, errors = published(data)
    assert records == []
    (poisoned,) = errors
    assert poisoned["reason"] == "poisoned"
    assert poisoned["raw_file"] == "raw/part-000000.warc.gz"
    assert "--retry-failed" in poisoned["detail"]
    # Kept for --retry-failed: a plain process leaves it alone.
    status, out, _ = Run(data).finish()
    assert status == EXIT_OK
    assert "nothing to do" in out
    status, out, log = Run(data, "--retry-failed").finish()
    assert status in (EXIT_OK, EXIT_PARTIAL), log
    records, errors = published(data)
    assert {(r["raw_file"], r["raw_offset"]) for r in records + errors} == written
    assert not [e for e in errors if e["reason"] == "poisoned"]
