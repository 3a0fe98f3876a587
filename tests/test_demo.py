"""``make demo`` end to end: sample server on 127.0.0.1, crawl, clean, summary, query.

Runs ``scripts/demo.py`` once into a temporary data directory and checks
what it leaves: each sample article exactly once, a dataset pyarrow and
DuckDB load, and the rows built from the five seeds (served by their
sources: 000 and 002 by the finance mirror, 001 by the farm network, 003 by
the portal, 004 as a VSB attachment) equal to their hand-checked gold in
``../shared/gold`` (body CER <= 0.002; title, date with zone, source, tags,
stocks exact).
"""

from __future__ import annotations

import datetime as dt
import importlib.util
import json
import subprocess
import sys
from collections import Counter
from pathlib import Path

import duckdb
import pyarrow.dataset as pads
import pytest

from crawler.testing.sampleserver import mirrored_sources
from tests.helpers import REPO, SEEDS, cer, crawlable_articles

#: The hand-checked gold; the mirror's data/samples/seeds/ holds identical copies
#: (test_crawler_samples checks them), used where ../shared is not checked out.
SHARED_GOLD = REPO.parent / "shared" / "gold"
GOLD = SHARED_GOLD if SHARED_GOLD.is_dir() else SEEDS

#: The issue's bound on a seed body's character error rate against its gold.
MAX_BODY_CER = 0.002


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    data = tmp_path_factory.mktemp("demo")
    result = subprocess.run(
        [sys.executable, str(REPO / "scripts" / "demo.py"), "--data-dir", str(data)],
        capture_output=True,
        text=True,
        timeout=280,
        cwd=REPO,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    return data, result.stdout


def _records(data: Path) -> list[dict[str, object]]:
    records = pads.dataset(data / "clean" / "current" / "records", partitioning="hive")
    return records.to_table().to_pylist()


@pytest.mark.slow
def test_demo_prints_the_summary_and_a_query_and_stops_the_server(demo: tuple[Path, str]) -> None:
    data, out = demo
    assert out.startswith(f"demo data directory: {data.resolve()}")
    assert "The dataset, per site" in out
    for site in mirrored_sources():
        assert site in out
    assert "read_parquet(" in out
    assert "articles" in out
    assert "(sample server stopped)" in out
    assert (data / "clean" / "current" / "manifest.json").is_file()


@pytest.mark.slow
def test_each_sample_article_appears_exactly_once(demo: tuple[Path, str]) -> None:
    data, _ = demo
    expected = crawlable_articles()
    urls = [r["url"] for r in _records(data)]
    assert sorted(urls) == sorted(expected)
    assert len(set(urls)) == len(urls)


@pytest.mark.slow
def test_the_dataset_loads_with_duckdb(demo: tuple[Path, str]) -> None:
    data, _ = demo
    records = (data / "clean" / "current" / "records").as_posix()
    rows = (
        duckdb.connect()
        .execute(
            "select site, count(*), count(distinct doc_id) "
            f"from read_parquet('{records}/**/*.parquet', hive_partitioning = true) "
            "group by site order by site"
        )
        .fetchall()
    )
    assert [r[0] for r in rows] == mirrored_sources()
    assert sum(r[1] for r in rows) == len(crawlable_articles())
    assert all(r[1] == r[2] for r in rows)


@pytest.mark.slow
def test_records_carry_their_syndication_group(demo: tuple[Path, str]) -> None:
    data, _ = demo
    rows = _records(data)
    sizes = Counter(r["dup_group"] for r in rows)
    ids = {r["doc_id"] for r in rows}
    for row in rows:
        assert row["dup_group"] in ids
        assert row["dup_count"] == sizes[row["dup_group"]] >= 1


def _seed_pages() -> list[tuple[str, str]]:
    return sorted(
        (entry["seed"], url) for url, entry in crawlable_articles().items() if entry.get("seed")
    )


def test_the_five_seeds_are_served_by_their_sources() -> None:
    served = {seed[:3]: url for seed, url in _seed_pages()}
    assert sorted(served) == ["000", "001", "002", "003", "004"]
    assert served["000"].startswith("http://finews.withounder.com/")
    assert served["002"].startswith("http://finews.withounder.com/")
    assert "/html/54212816-" in served["001"]
    assert served["003"].startswith("http://www.eco.gov.cn/news_info/")
    assert "/system/_content/download.jsp?" in served["004"]


@pytest.mark.slow
@pytest.mark.parametrize(("seed", "url"), _seed_pages())
def test_seed_rows_match_their_gold(demo: tuple[Path, str], seed: str, url: str) -> None:
    data, _ = demo
    gold = json.loads((GOLD / f"{seed}.json").read_text(encoding="utf-8"))
    (row,) = [r for r in _records(data) if r["url"] == url]
    assert row["title"] == gold["title"]
    published = gold["published_at"]
    assert row["published_at"] == (dt.datetime.fromisoformat(published) if published else None)
    if published:
        # The zone is right: the instant is the gold's, and it is China time's +08:00.
        assert published.endswith("+08:00")
    assert row["source"] == gold["source"]
    assert row["tags"] == gold["tags"]
    assert [{"name": s["name"], "code": s["code"]} for s in row["stocks"]] == gold["stocks"]
    body_cer = cer(row["body"], gold["body"])
    assert body_cer <= MAX_BODY_CER, f"{seed}: body CER {body_cer:.4f}"


def test_the_demo_has_a_data_directory_of_its_own() -> None:
    # By default the demo writes to data/demo/, never to the deployment's data/
    # (whose raw/, state/ and clean/ a real crawl and process use).
    spec = importlib.util.spec_from_file_location("demo_script", REPO / "scripts" / "demo.py")
    assert spec is not None and spec.loader is not None
    demo_script = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(demo_script)
    default = demo_script.build_parser().parse_args([]).data_dir
    assert default == REPO / "data" / "demo"
    ignored = (REPO / ".gitignore").read_text(encoding="utf-8").split()
    assert "/data/demo/" in ignored
