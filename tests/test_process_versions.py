"""Versions kept, readers unharmed, rollback; one row per article whatever the site
mapping; the sites directory checked; the cleaning logs.

Each test runs the command line in a subprocess on a raw archive built
here, as cron or an operator would, and reads the dataset back.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import subprocess
import sys
from pathlib import Path

import pyarrow.dataset as pads
import pytest

from cleaning.batch.rawio import write_warc
from cleaning.batch.read import current_version, kept_versions, read_manifest
from cleaning.batch.run import EXIT_FAILED, EXIT_OK, EXIT_PARTIAL
from cleaning.record import RawDocument
from tests.helpers import build_archive, cleaning_cli, sample_articles, snapshot, tree

pytestmark = pytest.mark.slow

DONE = (EXIT_OK, EXIT_PARTIAL)


def test_a_reader_of_the_previous_version_reads_it_to_the_end_during_reprocess(
    tmp_path: Path,
) -> None:
    data = tmp_path / "data"
    build_archive(data / "raw")
    root = data / "clean"
    assert cleaning_cli(data, "process").returncode in DONE
    expected = snapshot(root)[0]
    # A reader that resolved `current` once, and reads one small batch at a time.
    version = current_version(root)
    assert version is not None
    reader = pads.dataset(version / "records").to_batches(batch_size=4)
    rows = next(reader).to_pylist()
    for _ in range(2):  # two more versions published while it reads
        assert cleaning_cli(data, "reprocess").returncode in DONE
    assert current_version(root) != version
    for batch in reader:
        rows += batch.to_pylist()
    assert sorted(r["doc_id"] for r in rows) == [r["doc_id"] for r in expected]
    assert len(kept_versions(root)) == 3


def test_rollback_restores_the_previous_version_and_can_be_undone(tmp_path: Path) -> None:
    data = tmp_path / "data"
    build_archive(data / "raw")
    root = data / "clean"
    assert cleaning_cli(data, "rollback").returncode == EXIT_FAILED  # nothing to roll back yet
    assert cleaning_cli(data, "process").returncode in DONE
    first, first_rows = current_version(root), snapshot(root)
    extra = data / "raw" / "extra.warc.gz"
    write_warc(extra, [RawDocument(a.body, a.url + "?again", a.headers) for a in sample_articles()])
    assert cleaning_cli(data, "process").returncode in DONE
    second, second_rows = current_version(root), snapshot(root)
    assert second_rows != first_rows
    assert read_manifest(second)["parent"] == first.name
    back = cleaning_cli(data, "rollback")
    assert back.returncode == EXIT_OK, back.stderr
    assert current_version(root) == first
    assert snapshot(root) == first_rows
    listing = cleaning_cli(data, "versions").stdout.splitlines()
    assert any(line.startswith("*") and first.name in line for line in listing)
    assert any(second.name in line and not line.startswith("*") for line in listing)
    forward = cleaning_cli(data, "rollback", "--to", second.name)
    assert forward.returncode == EXIT_OK, forward.stderr
    assert snapshot(root) == second_rows
    unknown = cleaning_cli(data, "rollback", "--to", "19990101T000000-00000000")
    assert unknown.returncode == EXIT_FAILED
    assert "not kept" in unknown.stderr


def test_reprocess_with_a_missing_raw_path_fails_and_changes_nothing(tmp_path: Path) -> None:
    data = tmp_path / "data"
    build_archive(data / "raw")
    assert cleaning_cli(data, "process").returncode in DONE
    before = tree(data / "clean")
    result = cleaning_cli(data, "reprocess", "--raw", "raw", "--raw", "raw-disk2")
    assert result.returncode == EXIT_FAILED
    assert "raw-disk2" in result.stderr
    assert "Traceback" not in result.stderr
    assert tree(data / "clean") == before


def test_only_the_last_k_versions_are_kept(tmp_path: Path) -> None:
    data = tmp_path / "data"
    (data / "raw").mkdir(parents=True)
    article = sample_articles()[0]
    for n in range(4):
        write_warc(
            data / "raw" / f"{n}.warc.gz",
            [RawDocument(article.body, f"{article.url}?n={n}", article.headers)],
        )
        assert cleaning_cli(data, "process", "--keep-versions", "2").returncode in DONE
    kept = kept_versions(data / "clean")
    assert len(kept) == 2
    assert current_version(data / "clean") == kept[-1]


def _fetched(documents: list[RawDocument], hours: int) -> list[RawDocument]:
    when = dt.datetime(2024, 5, 1, tzinfo=dt.UTC) + dt.timedelta(hours=hours)
    return [RawDocument(d.body, d.url, d.headers, when) for d in documents]


def test_each_article_once_when_the_site_mapping_changes(tmp_path: Path) -> None:
    data = tmp_path / "data"
    (data / "raw").mkdir(parents=True)
    articles = [a for a in sample_articles() if "finews" in a.url][:4]
    no_rules = tmp_path / "no-rules"
    no_rules.mkdir()
    write_warc(data / "raw" / "first.warc.gz", _fetched(articles, 0))
    # A sites directory without the site's rules: the records land under the host.
    assert cleaning_cli(data, "process", "--sites", str(no_rules)).returncode in DONE
    hosts = {r["site"] for r in snapshot(data / "clean")[0]}
    assert hosts == {"finews.withounder.com"}
    # The same articles fetched again, cleaned with the right mapping.
    write_warc(data / "raw" / "again.warc.gz", _fetched(articles, 5))
    assert cleaning_cli(data, "process").returncode in DONE
    records = snapshot(data / "clean")[0]
    assert len(records) == len(articles)
    assert len({r["doc_id"] for r in records}) == len(articles)
    assert {r["site"] for r in records} == {"finews"}
    assert {r["raw_file"] for r in records} == {"raw/again.warc.gz"}


def test_a_sites_directory_that_does_not_exist_is_an_error(tmp_path: Path) -> None:
    data = tmp_path / "data"
    build_archive(data / "raw")
    result = subprocess.run(
        [sys.executable, "-m", "cleaning", "process", "--data-dir", str(data)],
        capture_output=True,
        text=True,
        timeout=50,
        env={**os.environ, "SXCORPUS_SITES": str(tmp_path / "no-such-sites")},
    )
    assert result.returncode == 2
    assert "no-such-sites" in result.stderr
    assert "SXCORPUS_SITES" in result.stderr
    assert "Traceback" not in result.stderr
    assert current_version(data / "clean") is None
    flag = cleaning_cli(data, "process", "--sites", str(tmp_path / "nor-this"))
    assert flag.returncode == 2
    assert "nor-this" in flag.stderr


#: A line of the crawler's logs (Scrapy's format): time, [logger], level: message.
LOG_LINE = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d \[[\w.]+\] (DEBUG|INFO|WARNING|ERROR): ")


def test_runs_log_to_a_file_in_the_crawlers_format_and_old_logs_are_pruned(
    tmp_path: Path,
) -> None:
    data = tmp_path / "data"
    build_archive(data / "raw")
    logs = data / "logs"
    logs.mkdir()
    old = logs / "clean-20200101T000000Z.log"
    recent = logs / f"clean-{dt.datetime.now(dt.UTC) - dt.timedelta(days=2):%Y%m%dT%H%M%SZ}.log"
    crawl = logs / "crawl-20200101T000000Z.log"
    for path in (old, recent, crawl):
        path.write_text("earlier run\n")
    result = cleaning_cli(data, "process", "--keep-logs", "30")
    assert result.returncode in DONE
    assert not old.exists()
    assert recent.exists()
    assert crawl.exists()  # the crawler's own logs are the crawler's business
    (log,) = set(logs.glob("clean-*.log")) - {recent}
    lines = log.read_text(encoding="utf-8").splitlines()
    assert lines
    assert all(LOG_LINE.match(line) for line in lines if not line.startswith((" ", "\t")))
    assert any("[cleaning.batch.run] INFO: cleaning" in line for line in lines)
    assert any("[cleaning.batch.publish] INFO: published version" in line for line in lines)
    assert str(log.relative_to(data)) in result.stderr
