"""Small parts of the crawl: summary and exit status, the lock, retry backoff, settings."""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest
from scrapy.http import HtmlResponse, Request
from scrapy.utils.test import get_crawler

from crawler.cli import build_parser, source_settings
from crawler.lock import CrawlLock, LockHeld
from crawler.middlewares import KIND, RAW, RawCaptureMiddleware, RetryBackoffMiddleware
from crawler.sources import load_sources, sites_dir
from crawler.spiders.source import SourceSpider
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
