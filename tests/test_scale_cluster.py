"""``process --cluster``: the per-file cleaning on a real Dask cluster (two worker processes).

The cluster is a ``LocalCluster`` of this test process, on 127.0.0.1, with two
worker processes under their nannies (which start a killed worker again, as a
cluster's process supervisor would). The runs are ``python -m cleaning`` in a
child process, as a user starts them; the raw archive and the dataset are in
one directory every worker sees at the same path.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pyarrow as pa
import pytest
from distributed import Client, LocalCluster

from cleaning.batch.read import errors_table, records_dataset
from cleaning.batch.run import EXIT_OK
from cleaning.record import RawDocument
from tests.helpers import sample_articles, sample_copies, write_warcs

pytestmark = pytest.mark.slow

#: Copies of the sample articles (under distinct URLs) and articles per raw file:
#: enough files that both workers are busy when one is killed.
COPIES = 3
PER_FILE = 6
RUN_TIMEOUT = 50


def sample_documents() -> list[RawDocument]:
    """The sample articles not built on a seed, ``COPIES`` times under distinct URLs."""
    return sample_copies(COPIES * len(sample_articles()), first_as_is=True)


@pytest.fixture(scope="module")
def raw_archive(tmp_path_factory) -> Path:
    raw = tmp_path_factory.mktemp("archive") / "raw"
    write_warcs(raw / "samples", sample_documents(), PER_FILE, "s")
    return raw


def data_dir(raw: Path, parent: Path, name: str) -> Path:
    """A data directory holding a copy of ``raw`` (so raw file names match across runs)."""
    data = parent / name
    shutil.copytree(raw, data / "raw")
    return data


def start_process(data: Path, *extra: str) -> subprocess.Popen[str]:
    command = [sys.executable, "-m", "cleaning", "process", "--data-dir", str(data), "-q"]
    return subprocess.Popen(
        [*command, *extra], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=data
    )


def finish(process: subprocess.Popen[str]) -> tuple[int, str]:
    out, err = process.communicate(timeout=RUN_TIMEOUT)
    return process.returncode, out + err


def dataset(data: Path) -> tuple[pa.Table, pa.Table]:
    """The published records and errors, in a stable order."""
    records = records_dataset(data / "clean").to_table().sort_by("doc_id")
    errors = errors_table(data / "clean").sort_by(
        [("raw_file", "ascending"), ("raw_offset", "ascending")]
    )
    return records, errors


@pytest.fixture(scope="module")
def local_run(raw_archive, tmp_path_factory) -> tuple[pa.Table, pa.Table]:
    data = data_dir(raw_archive, tmp_path_factory.mktemp("local"), "data")
    code, output = finish(start_process(data, "--workers", "2"))
    assert code == EXIT_OK, output
    return dataset(data)


@pytest.fixture(scope="module")
def cluster() -> Iterator[LocalCluster]:
    with LocalCluster(
        n_workers=2,
        threads_per_worker=1,
        processes=True,
        host="127.0.0.1",
        dashboard_address=None,
        silence_logs=40,
    ) as cluster:
        yield cluster


def test_process_on_a_cluster_gives_the_records_of_a_local_run(
    raw_archive, local_run, cluster, tmp_path
):
    data = data_dir(raw_archive, tmp_path, "data")
    code, output = finish(start_process(data, "--cluster", cluster.scheduler_address))
    assert code == EXIT_OK, output
    records, errors = dataset(data)
    local_records, local_errors = local_run
    assert records.num_rows == len({d.url for d in sample_documents()})
    assert records.equals(local_records)
    assert errors.equals(local_errors)


def test_a_worker_killed_mid_run_loses_nothing_and_doubles_nothing(
    raw_archive, local_run, cluster, tmp_path
):
    data = data_dir(raw_archive, tmp_path, "data")
    with Client(cluster) as client:
        pids = client.run(os.getpid)
        run = start_process(data, "--cluster", cluster.scheduler_address)
        victim = None
        deadline = time.monotonic() + RUN_TIMEOUT
        # Once a file is cleaned (the workers are warm), kill a worker cleaning another.
        while victim is None and time.monotonic() < deadline and run.poll() is None:
            states = client.run_on_scheduler(_task_states)
            busy = [w for w, keys in client.processing().items() if keys]
            if states.get("memory", 0) >= 1 and busy:
                victim = busy[0]
            else:
                time.sleep(0.02)
        assert victim is not None, "the run never got going"
        os.kill(pids[victim], signal.SIGKILL)
        code, output = finish(run)
        started = client.run_on_scheduler(_starts)
    assert code == EXIT_OK, output
    # The killed worker's file went to a worker again.
    assert max(started.values()) >= 2, started
    records, errors = dataset(data)
    local_records, local_errors = local_run
    assert Counter(records.column("doc_id").to_pylist()).most_common(1)[0][1] == 1
    assert records.equals(local_records)
    assert errors.equals(local_errors)


def _task_states(dask_scheduler) -> dict[str, int]:
    return dict(Counter(task.state for task in dask_scheduler.tasks.values()))


def _starts(dask_scheduler) -> dict[str, int]:
    """How many times the scheduler gave each cleaning task to a worker."""
    starts: Counter[str] = Counter()
    for key, _, finish, *_ in dask_scheduler.transition_log:
        if str(key).startswith("clean-") and finish == "processing":
            starts[str(key)] += 1
    return dict(starts)
