"""``make demo`` end to end: sample server on 127.0.0.1, crawl, clean, summary, query.

Runs ``scripts/demo.py`` once into a temporary data directory and checks
what it leaves: each sample article exactly once, a dataset pyarrow and
DuckDB load, and the rows built from the seed pages equal to their
hand-checked gold (body CER <= 0.002; title, date, source, stocks exact).
"""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
import unicodedata
from collections import Counter
from pathlib import Path
from urllib.parse import urlsplit
from urllib.robotparser import RobotFileParser

import duckdb
import pyarrow.dataset as pads
import pytest
from rapidfuzz.distance import Levenshtein

REPO = Path(__file__).resolve().parents[1]
SAMPLES = REPO / "data" / "samples"

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


def _crawlable_articles() -> dict[str, dict[str, object]]:
    """Manifest entries of the article pages a polite crawl reaches (robots.txt allows)."""
    robots: dict[str, RobotFileParser] = {}
    articles = {}
    for entry in json.loads((SAMPLES / "manifest.json").read_text(encoding="utf-8")):
        if entry["kind"] != "article":
            continue
        host = urlsplit(entry["url"]).hostname
        if host not in robots:
            parser = RobotFileParser()
            path = SAMPLES / "sites" / host / "robots.txt"
            parser.parse(path.read_text().splitlines() if path.exists() else [])
            robots[host] = parser
        if robots[host].can_fetch("*", entry["url"]):
            articles[entry["url"]] = entry
    return articles


def _records(data: Path) -> list[dict[str, object]]:
    records = pads.dataset(data / "clean" / "current" / "records", partitioning="hive")
    return records.to_table().to_pylist()


def test_demo_prints_the_summary_and_a_query_and_stops_the_server(demo: tuple[Path, str]) -> None:
    data, out = demo
    assert "The dataset, per site" in out
    for site in ("finews", "stzg", "twrepost", "zkycreaiw"):
        assert site in out
    assert "read_parquet(" in out
    assert "articles" in out
    assert "(sample server stopped)" in out
    assert (data / "clean" / "current" / "manifest.json").is_file()


def test_each_sample_article_appears_exactly_once(demo: tuple[Path, str]) -> None:
    data, _ = demo
    expected = _crawlable_articles()
    urls = [r["url"] for r in _records(data)]
    assert sorted(urls) == sorted(expected)
    assert len(set(urls)) == len(urls)


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
    assert [r[0] for r in rows] == ["finews", "stzg", "twrepost", "zkycreaiw"]
    assert sum(r[1] for r in rows) == len(_crawlable_articles())
    assert all(r[1] == r[2] for r in rows)


def test_records_carry_their_syndication_group(demo: tuple[Path, str]) -> None:
    data, _ = demo
    rows = _records(data)
    sizes = Counter(r["dup_group"] for r in rows)
    ids = {r["doc_id"] for r in rows}
    for row in rows:
        assert row["dup_group"] in ids
        assert row["dup_count"] == sizes[row["dup_group"]] >= 1


def _fold(text: str | None) -> str:
    """The gold's comparison form: NFKC, every run of white space one space."""
    return " ".join(unicodedata.normalize("NFKC", text or "").split())


def _seed_pages() -> list[tuple[str, str]]:
    return sorted(
        (entry["seed"], url) for url, entry in _crawlable_articles().items() if entry.get("seed")
    )


@pytest.mark.parametrize(("seed", "url"), _seed_pages())
def test_seed_rows_match_their_gold(demo: tuple[Path, str], seed: str, url: str) -> None:
    data, _ = demo
    gold = json.loads((SAMPLES / "seeds" / f"{seed}.json").read_text(encoding="utf-8"))
    (row,) = [r for r in _records(data) if r["url"] == url]
    assert row["title"] == gold["title"]
    published = gold["published_at"]
    assert row["published_at"] == (dt.datetime.fromisoformat(published) if published else None)
    assert row["source"] == gold["source"]
    assert [{"name": s["name"], "code": s["code"]} for s in row["stocks"]] == gold["stocks"]
    body, expected = _fold(row["body"]), _fold(gold["body"])
    cer = Levenshtein.distance(body, expected) / max(1, len(expected))
    assert cer <= MAX_BODY_CER, f"{seed}: body CER {cer:.4f}"
