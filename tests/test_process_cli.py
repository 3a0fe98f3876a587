"""The command line's display: progress bar, cron log lines, summary table."""

from __future__ import annotations

import datetime as dt
import io
import logging
import re
from collections import Counter
from pathlib import Path

import pytest

from cleaning import clean_page
from cleaning.batch.cli import SITES_ENV, Progress, cleaner_config, format_summary
from cleaning.batch.layout import ProcessedFile
from cleaning.batch.read import SiteSummary
from cleaning.batch.workers import FileResult
from cleaning.errors import DROP_REASONS, CleaningError
from cleaning.page.config import DEFAULT_SITES_DIR, CleanerConfig
from cleaning.record import CHINA_TZ as CHINA
from tests.helpers import sample_articles


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def _result(documents: int, size: int) -> FileResult:
    return FileResult(ProcessedFile("raw/a.warc.gz", size, 0, "0", documents, documents, 0))


def test_a_terminal_gets_a_bar_that_ends_with_a_newline() -> None:
    screen = Terminal()
    progress = Progress("auto", screen)
    assert progress.mode == "bar"
    progress.start(files=2, size=300)
    progress.advance(_result(10, 100))
    progress.advance(_result(20, 200))
    text = screen.getvalue()
    assert text.startswith("\r[")
    assert f"[{'#' * 30}] 2/2 files  30 documents" in text
    assert text.endswith("\n")


def test_cron_gets_log_lines_not_a_bar(caplog: pytest.LogCaptureFixture) -> None:
    pipe = io.StringIO()
    progress = Progress("auto", pipe)
    assert progress.mode == "log"
    progress.start(files=1, size=10)
    with caplog.at_level(logging.INFO, logger="cleaning.batch.cli"):
        progress.advance(_result(7, 10))
    assert pipe.getvalue() == ""
    assert "progress: 1/1 files  7 documents" in caplog.text


def test_summary_table_has_a_line_per_site_dates_in_china_time_and_errors() -> None:
    finews = SiteSummary(
        "finews",
        articles=12,
        first=dt.datetime(2022, 3, 13, 16, 30, tzinfo=dt.UTC),  # 14 March in China
        last=dt.datetime(2022, 7, 18, tzinfo=CHINA),
        repairs=Counter({"punctuation": 1}),
    )
    stzg = SiteSummary("stzg", articles=7, repairs=Counter({"t2s": 7, "pinyin": 7}))
    table = format_summary([finews, stzg], Counter({"empty": 2})).splitlines()
    assert table[0].split() == ["site", "articles", "from", "to", "repairs", "fired"]
    assert table[2].split() == ["finews", "12", "2022-03-14", "2022-07-18", "punctuation", "1"]
    assert table[3].split() == ["stzg", "7", "-", "-", "pinyin", "7,", "t2s", "7"]
    assert table[4].split() == ["total", "19"]
    assert table[5] == "errors: empty 2"


def test_every_drop_reason_is_in_the_docs_table_and_nothing_else() -> None:
    docs = (Path(__file__).resolve().parents[1] / "docs" / "dataset.md").read_text()
    table = re.findall(r"^\s*\| `([a-z-]+)` \|", docs, re.M)
    assert sorted(table) == sorted(DROP_REASONS)


def test_the_sites_directory_comes_from_the_flag_then_the_environment(tmp_path: Path) -> None:
    assert cleaner_config(None, {}).sites_dir == DEFAULT_SITES_DIR
    assert cleaner_config(None, {SITES_ENV: str(tmp_path)}).sites_dir == tmp_path
    assert cleaner_config(DEFAULT_SITES_DIR, {SITES_ENV: str(tmp_path)}).sites_dir == (
        DEFAULT_SITES_DIR
    )
    with pytest.raises(ValueError, match="SXCORPUS_SITES"):
        cleaner_config(None, {SITES_ENV: str(tmp_path / "missing")})
    with pytest.raises(ValueError, match="--sites"):
        cleaner_config(tmp_path / "missing", {})


def test_clean_page_uses_the_config_it_is_given(tmp_path: Path) -> None:
    article = next(a for a in sample_articles() if "finews" in a.url)
    url, body = article.url, article.body
    assert clean_page(body, url).site == "finews"  # the repository's sites/ by default
    bare = CleanerConfig(sites_dir=tmp_path)
    assert clean_page(body, url, config=bare).site == "finews.withounder.com"
    with pytest.raises(CleaningError) as refused:
        clean_page(body, url, config=CleanerConfig(max_document_bytes=100))
    assert refused.value.reason == "too-large"
