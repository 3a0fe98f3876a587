"""The loading recipes of README.md and docs/dataset.md run as written.

Every fenced ``python`` and ``sql`` block of those pages is taken verbatim
and run from a directory holding ``data/clean/current``, a dataset built by
``process`` from the sample mirror's articles (the demo's sites and
encodings, an undated article, a repost of one article under another URL,
documents that fail): Python blocks in a fresh namespace (``>>>`` blocks as
doctests), SQL blocks by DuckDB. A recipe that raises fails the test;
what a recipe promises (undated rows left out, each article once) is then
checked on the names it leaves behind.
"""

from __future__ import annotations

import doctest
import re
import textwrap
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
import polars as pl
import pyarrow.dataset as pads
import pytest

from cleaning.batch.rawio import write_warc
from cleaning.batch.read import current_version
from cleaning.batch.run import ProcessOptions, run
from cleaning.record import RawDocument
from tests.helpers import sample_articles

REPO = Path(__file__).resolve().parents[1]

#: The pages whose recipes analysts copy.
PAGES = ("README.md", "docs/dataset.md")

#: A fenced block: its info string and its text (indented blocks included).
FENCE = re.compile(
    r"^(?P<indent>[ \t]*)```(?P<lang>\w*)[^\n]*\n(?P<code>.*?)^(?P=indent)```", re.M | re.S
)


def blocks(lang: str) -> list[tuple[str, str]]:
    """(``page:line``, code) of every ``lang`` block of the pages."""
    found = []
    for page in PAGES:
        text = (REPO / page).read_text(encoding="utf-8")
        for match in FENCE.finditer(text):
            if match.group("lang") == lang:
                line = text.count("\n", 0, match.start()) + 1
                found.append((f"{page}:{line}", textwrap.dedent(match.group("code"))))
    return found


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A directory whose ``data/`` holds a processed dataset, as after ``make demo``."""
    root = tmp_path_factory.mktemp("recipes")
    raw = root / "data" / "raw" / "samples"
    raw.mkdir(parents=True)
    articles = sample_articles()
    repost = RawDocument(articles[0].body, articles[0].url + "?from=portal", articles[0].headers)
    write_warc(raw / "samples-0.warc.gz", [*articles, repost])
    gone = RawDocument(b"<html><body>gone</body></html>", "http://gone.example.test/a.html")
    write_warc(raw / "gone.warc.gz", [gone], status="404 Not Found")
    run(ProcessOptions(raw=(root / "data" / "raw",), out=root / "data" / "clean", workers=1))
    return root


def test_the_pages_have_the_recipes_the_issue_names() -> None:
    code = "\n".join(c for _, c in blocks("python"))
    for library in ("pyarrow.dataset", "pandas", "polars", "duckdb"):
        assert f"import {library}" in code, library
    assert len(blocks("sql")) >= 2


@pytest.mark.slow
@pytest.mark.parametrize(("where", "code"), blocks("python"), ids=[w for w, _ in blocks("python")])
def test_python_recipe_runs_as_written(
    workdir: Path, monkeypatch: pytest.MonkeyPatch, where: str, code: str
) -> None:
    monkeypatch.chdir(workdir)
    if code.lstrip().startswith(">>>"):
        test = doctest.DocTestParser().get_doctest(code, {}, where, where, 0)
        runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS)
        runner.run(test)
        assert runner.failures == 0, f"{where}: doctest failed"
        return
    namespace: dict[str, Any] = {"__name__": "__recipe__"}
    exec(compile(code, where, "exec"), namespace)
    check_promises(namespace, workdir, code)


def check_promises(namespace: dict[str, Any], workdir: Path, code: str) -> None:
    """What the recipes say about what they leave behind."""
    version = current_version(workdir / "data" / "clean")
    assert version is not None
    rows = pads.dataset(version / "records").to_table()
    undated = rows.column("month").null_count
    assert undated >= 1  # the sample mirror's undated article
    if "df" in namespace:
        df = namespace["df"]
        assert isinstance(df, pd.DataFrame) and len(df) == rows.num_rows
        if "tz_convert" in code:
            assert str(df["published_at"].dt.tz) == "Asia/Shanghai"
    if "recent" in namespace:  # month >= '2022-01': undated rows are not "recent"
        assert namespace["recent"]["month"].notna().all()
    if "lf" in namespace:
        lf = namespace["lf"]
        assert isinstance(lf, pl.LazyFrame)
        counted = lf.filter(pl.col("month") >= "2022-01").select(pl.len()).collect().item()
        dated_2022 = sum(1 for m in rows.column("month").to_pylist() if m and m >= "2022-01")
        assert counted == dated_2022
    if "table" in namespace:
        assert set(namespace["table"].column("site").to_pylist()) == {"finews"}
    if "firsts" in namespace:
        firsts = namespace["firsts"]
        assert len(firsts) == len(set(rows.column("dup_group").to_pylist())) < rows.num_rows


@pytest.mark.slow
@pytest.mark.parametrize(("where", "code"), blocks("sql"), ids=[w for w, _ in blocks("sql")])
def test_sql_recipe_runs_as_written(
    workdir: Path, monkeypatch: pytest.MonkeyPatch, where: str, code: str
) -> None:
    monkeypatch.chdir(workdir)
    result = duckdb.connect().sql(code)
    assert result is not None, where
    assert result.fetchall() is not None
