"""Small parts of the crawl: summary and exit status, the lock, retry backoff, settings."""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import os
from pathlib import Path

import pytest
from scrapy import signals
from scrapy.exceptions import DropItem
from scrapy.http import HtmlResponse, Request
from scrapy.settings import Settings
from scrapy.utils.test import get_crawler

from crawler.cli import build_parser, source_settings
from crawler.extensions import ArchivedState
from crawler.items import RawPage
from crawler.lock import CrawlLock, LockHeld
from crawler.middlewares import (
    KIND,
    RAW,
    ArchivedArticlesMiddleware,
    RawCaptureMiddleware,
    RetryBackoffMiddleware,
)
from crawler.pipelines import WarcPipeline
from crawler.sources import load_sources, sites_dir
from crawler.spiders.source import SourceSpider
from crawler.state import ArchivedStore
from crawler.summary import (
    EXIT_FAILED,
    EXIT_INTERRUPTED,
    EXIT_NOTHING,
    EXIT_OK,
    combine,
    exit_status,
    summarize,
    summary_line,
)
from crawler.warc import response_urls

STATS = {
    "downloader/request_count": 12,
    "downloader/response_status_count/200": 10,
    "downloader/response_status_count/404": 1,
    "downloader/response_status_count/503": 1,
    "downloader/response_bytes": 4567,
    "sxcrawl/listings_fetched": 3,
    "sxcrawl/articles_new": 6,
    "sxcrawl/articles_skipped": 2,
    "sxcrawl/errors/http_404": 1,
    "finish_reason": "finished",
}


def test_summary_line_names_requests_statuses_articles_bytes_errors():
    line = summary_line(summarize("finews", STATS))
    assert line == (
        "crawl finews: ok; requests=12 responses=200:10,404:1,503:1 listings=3"
        " articles_new=6 articles_skipped=2 bytes=4567 errors=1"
    )


def test_exit_status_separates_ok_failed_nothing_interrupted():
    ok = summarize("a", STATS)
    assert exit_status(ok) == EXIT_OK
    nothing = summarize("b", {"finish_reason": "finished", "sxcrawl/errors/DNSLookupError": 2})
    assert exit_status(nothing) == EXIT_NOTHING
    assert exit_status(combine([ok, nothing])) == EXIT_OK
    crashed = summarize("c", {**STATS, "spider_exceptions/KeyError": 1})
    assert exit_status(combine([ok, crashed])) == EXIT_FAILED
    broken_disk = summarize("d", {**STATS, "sxcrawl/archive_errors": 1})
    assert exit_status(broken_disk) == EXIT_FAILED
    assert exit_status(summarize("e", {})) == EXIT_FAILED  # never started
    stopped = summarize("f", {**STATS, "finish_reason": "shutdown"})
    assert exit_status(combine([ok, stopped])) == EXIT_INTERRUPTED


def test_lock_is_exclusive_and_names_the_holder(tmp_path):
    path = tmp_path / "state" / "crawl.lock"
    with CrawlLock(path), pytest.raises(LockHeld, match=r"another crawl is running \(pid \d+"):
        CrawlLock(path).acquire()
    with CrawlLock(path):
        pass


def test_backoff_doubles_is_capped_and_honours_retry_after():
    backoff = RetryBackoffMiddleware(base=2.0, cap=30.0)
    assert [backoff.delay(n, None) for n in (1, 2, 3, 6)] == [2.0, 4.0, 8.0, 30.0]
    assert backoff.delay(1, 10.0) == 10.0
    assert backoff.delay(1, 3600.0) == 30.0


def test_raw_capture_keeps_article_responses_only():
    middleware = RawCaptureMiddleware()
    article = Request("http://a.example/1.html", meta={KIND: "article"})
    listing = Request("http://a.example/", meta={KIND: "listing"})
    body = b"<html>\xd6\xd0</html>"
    for request in (article, listing):
        response = HtmlResponse(
            request.url, status=200, headers={"Content-Type": "text/html; charset=gbk"}, body=body
        )
        middleware.process_response(request, response)
    assert RAW not in listing.meta
    raw = article.meta[RAW]
    assert raw["body"] == body and raw["status"] == 200
    assert ("Content-Type", "text/html; charset=gbk") in raw["headers"]
    failed = Request("http://a.example/2.html", meta={KIND: "article"})
    middleware.process_response(failed, HtmlResponse(failed.url, status=503, body=b""))
    assert RAW not in failed.meta


def test_source_settings_layer_project_source_and_command_line(tmp_path):
    source = load_sources(sites_dir())["farmnet"]
    args = build_parser().parse_args(
        ["crawl", "--data-dir", str(tmp_path), "--contact", "https://example.org/about"]
    )
    assert isinstance(args, argparse.Namespace)
    settings = source_settings(source, args, tmp_path / "x.log", {"DOWNLOAD_DELAY": "0"})
    assert settings.getfloat("DOWNLOAD_DELAY") == 0.0  # command line wins
    assert settings.getfloat("AUTOTHROTTLE_START_DELAY") == 3.0  # from [crawl]
    assert settings.getint("CONCURRENT_REQUESTS_PER_DOMAIN") == 1
    assert settings.getbool("ROBOTSTXT_OBEY") and settings.getbool("AUTOTHROTTLE_ENABLED")
    assert "sxcorpus-crawler" in settings["USER_AGENT"]
    assert "https://example.org/about" in settings["USER_AGENT"]
    assert settings["JOBDIR"] == str(tmp_path / "state" / "jobs" / "farmnet")
    assert Path(settings["SXCRAWL_RAW_DIR"]) == tmp_path / "raw"


def test_spider_asks_for_each_url_once_per_run():
    source = load_sources(sites_dir())["sxrb"]
    crawler = get_crawler(SourceSpider)
    spider = SourceSpider.from_crawler(crawler, source=source)
    first = spider.article_request("http://www.sxrb.com/GB/339410/339411/51196.html")
    assert first is not None and first.meta[KIND] == "article" and first.dont_filter
    assert spider.article_request("http://www.sxrb.com/GB/339410/339411/51196.html") is None


def _component_crawler(tmp_path, **settings):
    """A crawler with the project's settings, its spider created, not crawling."""
    project = Settings()
    project.setmodule("crawler.settings", priority="project")
    values = {
        name: project[name]
        for name in ("EXTENSIONS", "DOWNLOADER_MIDDLEWARES", "ITEM_PIPELINES", "USER_AGENT")
    }
    values.update(
        SXCRAWL_RAW_DIR=str(tmp_path / "raw"),
        SXCRAWL_STATE_FILE=str(tmp_path / "state" / "archived.sqlite3"),
        SXCRAWL_WARC_MAX_BYTES=10**9,
        **settings,
    )
    plain = {k: v.copy_to_dict() if hasattr(v, "copy_to_dict") else v for k, v in values.items()}
    crawler = get_crawler(SourceSpider, plain)
    crawler.spider = crawler._create_spider(source="sxrb")
    return crawler


def _open_files(path: Path) -> int:
    """How many of this process's file descriptors point at ``path``."""
    count = 0
    for fd in Path("/proc/self/fd").iterdir():
        with contextlib.suppress(OSError):
            count += os.readlink(fd) == str(path)
    return count


def test_one_store_connection_opened_with_the_spider_and_closed_with_it(tmp_path):
    crawler = _component_crawler(tmp_path)
    db = tmp_path / "state" / "archived.sqlite3"
    state = ArchivedState.of(crawler)
    middleware = ArchivedArticlesMiddleware.from_crawler(crawler)
    pipeline = WarcPipeline.from_crawler(crawler)
    assert middleware.state is state and pipeline.state is state
    assert not state.is_open and _open_files(db) == 0
    crawler.signals.send_catch_log(signals.spider_opened, spider=crawler.spider)
    assert state.is_open and _open_files(db) == 1
    crawler.signals.send_catch_log(signals.spider_closed, spider=crawler.spider, reason="finished")
    assert not state.is_open and _open_files(db) == 0


def _article(n: int, body: bytes = b"<html>article</html>") -> RawPage:
    return RawPage(
        source="sxrb",
        url=f"http://www.sxrb.com/GB/339410/339411/{n}.html",
        status=200,
        protocol="HTTP/1.1",
        headers=(("Content-Type", "text/html; charset=gbk"),),
        body=body,
        fetched_at=dt.datetime(2024, 3, 1, tzinfo=dt.UTC),
        request_method="GET",
        request_headers=(),
        redirected_from=(f"http://www.sxrb.com/old?id={n}" + "x" * 9000,),
    )


def test_an_article_whose_url_cannot_be_recorded_is_taken_back_from_the_archive(tmp_path):
    crawler = _component_crawler(tmp_path)
    crawler.signals.send_catch_log(signals.spider_opened, spider=crawler.spider)
    pipeline = WarcPipeline.from_crawler(crawler)
    pipeline.open_spider()
    pipeline.process_item(_article(1))
    store = pipeline.state.store
    # The state file's disk is full: SQLite's own limit on the file's pages
    # makes the next commit fail with SQLITE_FULL, as a full disk does.
    pages = store._db.execute("PRAGMA page_count").fetchone()[0]
    store._db.execute(f"PRAGMA max_page_count = {pages}")
    with pytest.raises(DropItem, match="archive-error"):
        pipeline.process_item(_article(2))
    pipeline.close_spider()
    crawler.signals.send_catch_log(signals.spider_closed, spider=crawler.spider, reason="x")
    (warc,) = (tmp_path / "raw" / "sxrb").glob("*.warc.gz")
    assert response_urls(warc) == [_article(1).url]
    again = ArchivedStore(tmp_path / "state" / "archived.sqlite3")
    assert again.seen(_article(1).url) and not again.seen(_article(2).url)
    assert not again.seen(_article(2).redirected_from[0])
    again.close()
    assert crawler.stats.get_value("sxcrawl/archive_errors") == 1


def test_reconcile_makes_the_store_agree_with_a_recovered_file(tmp_path):
    store = ArchivedStore(tmp_path / "archived.sqlite3")
    store.add(["http://a.example/1", "http://a.example/2"], "a", "a-1.warc.gz")
    store.add(["http://a.example/9"], "a", "a-0.warc.gz")
    # The file holds 1 and 3 (3 written, the crash came before its commit);
    # 2 was cut off by the recovery.
    added, removed = store.reconcile(
        "a-1.warc.gz", "a", ["http://a.example/1", "http://a.example/3"]
    )
    assert (added, removed) == (1, 1)
    assert store.seen("http://a.example/3") and not store.seen("http://a.example/2")
    assert store.seen("http://a.example/9")  # another file's URL is left alone
    store.close()


def test_a_dropped_article_is_logged_by_url_and_size_not_by_its_body():
    # Scrapy logs a dropped item's repr: a 60 KB body would flood the log
    # (and fill a full disk's last bytes) once per dropped article.
    article = _article(7, body="正文".encode() * 30_000)
    text = repr(article)
    assert article.url in text and "180000 bytes" in text
    assert len(text) < 300
