"""The Parquet dataset: layout, schema, dedup, lineage, incremental versions, swap."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from pathlib import Path

import duckdb
import pyarrow.dataset as pads
import pyarrow.parquet as pq
import pytest

from cleaning.batch.layout import CURRENT, DATASET_SCHEMA, ProcessedFile, month_of, new_run_id
from cleaning.batch.lock import DatasetLocked, locked
from cleaning.batch.merge import build_version
from cleaning.batch.publish import prune, publish
from cleaning.batch.read import (
    current_version,
    errors_table,
    load_state,
    read_manifest,
    records_dataset,
    site_summary,
)
from cleaning.batch.staging import SpillWriter
from cleaning.record import CHINA_TZ as CHINA
from cleaning.record import CLEANER_VERSION, ErrorRow, Record

T0 = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)


def record(
    n: int,
    site: str = "finews.example.test",
    published: dt.datetime | None = dt.datetime(2022, 5, 23, 12, 55, tzinfo=CHINA),
    fetched_hours: int = 0,
    raw_file: str = "raw/a.warc.gz",
    body: str | None = None,
) -> Record:
    text = body if body is not None else f"晋能控股集团党建工作第{n}篇。"
    return Record(
        doc_id=f"doc{n:04d}",
        url=f"http://{site}/a/{n}.html",
        site=site,
        title=f"标题{n}",
        published_at=published,
        source="新华财经",
        author=None,
        category="xinhuacaijing",
        tags=("新华财经新闻",),
        original_url=None,
        stocks=(),
        body=text,
        script="simplified",
        encoding="utf-8",
        repairs=("pinyin",) if n % 2 else (),
        char_count=len(text),
        word_count=len(text) // 2,
        content_hash=f"h{hash(text) & 0xFFFF:04x}",
        fetched_at=T0 + dt.timedelta(hours=fetched_hours),
        raw_file=raw_file,
        raw_offset=n * 1000,
    )


def error_row(raw_file: str, offset: int, reason: str = "empty") -> ErrorRow:
    return ErrorRow(raw_file, offset, reason, "no text", f"http://x.test/{offset}", T0)


def run_once(
    root: Path, records, errors=(), *, full=False, replaced=frozenset(), state=None, keep=2
):
    """One run as process does it: spill, build beside current, publish, prune."""
    run_id = new_run_id()
    writer = SpillWriter(root / "staging" / run_id / "spill", "t", batch_rows=3)
    for r in records:
        writer.add_record(r)
    for e in errors:
        writer.add_error(e)
    writer.flush()
    base = None if full else current_version(root)
    files = state if state is not None else [ProcessedFile("raw/a.warc.gz", 1, 1, CLEANER_VERSION)]
    built = build_version(root, run_id, base, writer.spills, files, replaced, "process")
    version = publish(root, run_id, built)
    prune(root, keep)
    return version


def rows(root: Path) -> list[dict[str, object]]:
    table = records_dataset(root).to_table()
    return sorted(table.to_pylist(), key=lambda r: r["doc_id"])


def test_layout_groups_files_by_site_and_month_with_every_column_inside(tmp_path: Path) -> None:
    recs = [
        record(1),
        record(2, published=dt.datetime(2022, 5, 31, 23, 30, tzinfo=CHINA)),
        record(3, published=dt.datetime(2022, 6, 1, 0, 30, tzinfo=CHINA)),
        record(4, site="www.stzg.example", published=None),
    ]
    version = run_once(tmp_path, recs)
    assert (tmp_path / CURRENT).is_symlink()
    assert current_version(tmp_path) == version
    files = sorted(
        p.relative_to(version / "records").as_posix()
        for p in version.rglob("*.parquet")
        if "records" in p.parts
    )
    assert files == [
        "finews.example.test/2022-05/part-0.parquet",
        "finews.example.test/2022-06/part-0.parquet",
        "www.stzg.example/undated/part-0.parquet",
    ]
    part = version / "records" / files[0]
    assert pq.read_schema(part).remove_metadata() == DATASET_SCHEMA
    assert pq.read_table(part).column("site").to_pylist() == ["finews.example.test"] * 2
    meta = pq.read_metadata(part)
    assert meta.row_group(0).column(0).compression == "ZSTD"
    assert meta.num_rows == 2


def test_rows_round_trip_through_pyarrow_and_duckdb(tmp_path: Path) -> None:
    recs = [record(n) for n in range(1, 6)]
    run_once(tmp_path, recs)
    got = rows(tmp_path)
    assert [r["doc_id"] for r in got] == [r.doc_id for r in recs]
    first = got[0]
    assert first["published_at"] == recs[0].published_at
    assert first["tags"] == ["新华财经新闻"]
    assert first["raw_file"] == "raw/a.warc.gz"
    assert first["raw_offset"] == 1000
    assert first["cleaner_version"] == CLEANER_VERSION
    assert first["month"] == "2022-05"
    path = (tmp_path / "current" / "records").as_posix()
    con = duckdb.connect()
    n, sites = con.execute(
        f"select count(*), count(distinct site) from read_parquet('{path}/**/*.parquet')"
    ).fetchone()
    assert (n, sites) == (5, 1)
    body = con.execute(
        f"select body from read_parquet('{path}/**/*.parquet') where doc_id = 'doc0003'"
    ).fetchone()[0]
    assert body == recs[2].body


def test_month_is_cut_in_china_time() -> None:
    assert month_of(dt.datetime(2022, 5, 31, 16, 30, tzinfo=dt.UTC)) == "2022-06"
    assert month_of(dt.datetime(2022, 5, 31, 15, 30, tzinfo=dt.UTC)) == "2022-05"
    assert month_of(None) is None


def test_latest_fetch_wins_within_a_run(tmp_path: Path) -> None:
    older = record(1, fetched_hours=1, body="旧版本正文")
    newer = record(1, fetched_hours=5, body="新版本正文", raw_file="raw/b.warc.gz")
    run_once(tmp_path, [newer, older, record(2)])
    got = rows(tmp_path)
    assert [r["doc_id"] for r in got] == ["doc0001", "doc0002"]
    assert got[0]["body"] == "新版本正文"
    assert got[0]["raw_file"] == "raw/b.warc.gz"


def test_latest_fetch_wins_across_runs_and_months(tmp_path: Path) -> None:
    run_once(tmp_path, [record(1, fetched_hours=1, body="初稿"), record(2)])
    # Fetched again later, with a corrected date in another month.
    moved = record(
        1, fetched_hours=9, body="更正稿", published=dt.datetime(2022, 7, 1, tzinfo=CHINA)
    )
    run_once(tmp_path, [moved])
    got = rows(tmp_path)
    assert [(r["doc_id"], r["body"], r["month"]) for r in got] == [
        ("doc0001", "更正稿", "2022-07"),
        ("doc0002", record(2).body, "2022-05"),
    ]
    # An older fetch arriving later does not replace the newer one.
    run_once(tmp_path, [record(1, fetched_hours=3, body="中间稿")])
    assert [r["body"] for r in rows(tmp_path)] == ["更正稿", record(2).body]


def test_same_text_under_two_urls_stays_twice_with_one_content_hash(tmp_path: Path) -> None:
    run_once(tmp_path, [record(1, body="同一篇文章"), record(2, body="同一篇文章")])
    got = rows(tmp_path)
    assert len(got) == 2
    assert got[0]["content_hash"] == got[1]["content_hash"]


def test_an_incremental_run_hard_links_partitions_it_does_not_touch(tmp_path: Path) -> None:
    first = run_once(tmp_path, [record(1), record(2, site="www.stzg.example")])
    second = run_once(tmp_path, [record(3, site="www.stzg.example")])
    assert second != first
    untouched = "records/finews.example.test/2022-05/part-0.parquet"
    touched = "records/www.stzg.example/2022-05/part-0.parquet"
    assert (second / untouched).stat().st_ino == (first / untouched).stat().st_ino
    assert (second / touched).stat().st_ino != (first / touched).stat().st_ino
    assert [r["doc_id"] for r in rows(tmp_path)] == ["doc0001", "doc0002", "doc0003"]
    manifest = read_manifest(second)
    assert manifest["parent"] == first.name
    assert manifest["records"] == 3


def test_rows_of_raw_files_cleaned_again_are_replaced(tmp_path: Path) -> None:
    run_once(
        tmp_path,
        [record(1, raw_file="raw/a.warc.gz"), record(2, raw_file="raw/b.warc.gz")],
        [error_row("raw/a.warc.gz", 5), error_row("raw/b.warc.gz", 7)],
    )
    # raw/a.warc.gz cleaned again: its document 1 now fails, its old error is gone.
    run_once(
        tmp_path,
        [],
        [error_row("raw/a.warc.gz", 1000, "undecodable")],
        replaced=frozenset({"raw/a.warc.gz"}),
    )
    assert [r["doc_id"] for r in rows(tmp_path)] == ["doc0002"]
    errors = errors_table(tmp_path).to_pylist()
    assert sorted((e["raw_file"], e["raw_offset"], e["reason"]) for e in errors) == [
        ("raw/a.warc.gz", 1000, "undecodable"),
        ("raw/b.warc.gz", 7, "empty"),
    ]


def test_state_and_old_versions(tmp_path: Path) -> None:
    state = [ProcessedFile("raw/a.warc.gz", 10, 20, CLEANER_VERSION, 3, 2, 1)]
    v1 = run_once(tmp_path, [record(1)], state=state, keep=3)
    v2 = run_once(tmp_path, [record(2)], state=state, keep=3)
    v3 = run_once(tmp_path, [record(3)], state=state, keep=3)
    assert read_manifest(v3)["parent"] == v2.name
    v4 = run_once(tmp_path, [record(4)], state=state, keep=3)
    assert load_state(v4) == {"raw/a.warc.gz": state[0]}
    kept = sorted(p.name for p in (tmp_path / "versions").iterdir())
    assert kept == sorted([v2.name, v3.name, v4.name])
    assert not v1.exists()
    assert not (tmp_path / "staging").exists()


def test_a_full_rebuild_ignores_the_current_version(tmp_path: Path) -> None:
    run_once(tmp_path, [record(1), record(2)])
    run_once(tmp_path, [record(3)], full=True)
    assert [r["doc_id"] for r in rows(tmp_path)] == ["doc0003"]


def test_site_summary_counts_dates_and_repairs(tmp_path: Path) -> None:
    run_once(
        tmp_path,
        [
            record(1, published=dt.datetime(2022, 3, 14, tzinfo=CHINA)),
            record(2, published=dt.datetime(2022, 7, 1, tzinfo=CHINA)),
            record(3, published=None),
            record(5, site="www.stzg.example"),
        ],
    )
    (finews, stzg) = site_summary(tmp_path)
    assert (finews.site, finews.articles, finews.undated) == ("finews.example.test", 3, 1)
    assert finews.first == dt.datetime(2022, 3, 14, tzinfo=CHINA)
    assert finews.last == dt.datetime(2022, 7, 1, tzinfo=CHINA)
    assert finews.repairs == {"pinyin": 2}
    assert (stzg.site, stzg.articles) == ("www.stzg.example", 1)


def test_the_lock_keeps_a_second_run_out(tmp_path: Path) -> None:
    with locked(tmp_path), pytest.raises(DatasetLocked, match="another run"), locked(tmp_path):
        pass
    with locked(tmp_path):
        pass


def test_pyarrow_loading_sees_site_and_month_and_undated_is_null(tmp_path: Path) -> None:
    run_once(tmp_path, [record(1), record(2, site="www.stzg.example", published=None)])
    records = pads.dataset(tmp_path / "current" / "records")
    table = records.to_table(filter=pads.field("site") == "www.stzg.example")
    assert table.column("doc_id").to_pylist() == ["doc0002"]
    assert table.column("month").to_pylist() == [None]
    later = records.to_table(filter=pads.field("month") >= "2022-01")
    assert later.column("doc_id").to_pylist() == ["doc0001"]
    manifest = json.loads((tmp_path / "current" / "manifest.json").read_text())
    assert manifest["records"] == 2


def test_each_article_once_over_the_whole_dataset_whatever_its_site(tmp_path: Path) -> None:
    # Cleaned first under the host (no site rules), then fetched again under the site.
    run_once(
        tmp_path, [record(1, site="finews.example.test"), record(2, site="finews.example.test")]
    )
    run_once(tmp_path, [record(1, site="finews", fetched_hours=4, raw_file="raw/b.warc.gz")])
    got = rows(tmp_path)
    assert [(r["doc_id"], r["site"]) for r in got] == [
        ("doc0001", "finews"),
        ("doc0002", "finews.example.test"),
    ]
    # An older fetch under yet another site name loses, wherever it lands.
    run_once(tmp_path, [record(1, site="other", fetched_hours=2)])
    assert [(r["doc_id"], r["site"]) for r in rows(tmp_path)] == [
        ("doc0001", "finews"),
        ("doc0002", "finews.example.test"),
    ]


def test_readers_do_not_import_the_writer() -> None:
    code = (
        "import sys, cleaning.batch.read; "
        "writer = {'cleaning.batch.merge', 'cleaning.batch.staging', 'cleaning.batch.publish', "
        "'cleaning.batch.run', 'cleaning.batch.pool', 'cleaning.page.clean'}; "
        "assert not writer & set(sys.modules), writer & set(sys.modules)"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
