"""The crawl end to end: the sample server on 127.0.0.1, real crawls, real WARC files.

Every crawl runs ``python -m crawler crawl --mirror <server>`` in a child
process, as cron would, with politeness delays turned off through settings.
"""

from __future__ import annotations

import collections
import os
import signal
import subprocess
import time
from pathlib import Path

import pytest

from crawler.summary import EXIT_INTERRUPTED, EXIT_LOCKED, EXIT_OK
from crawler.testing.sampleserver import SampleServer, mirrored_sources
from tests import helpers
from tests.helpers import CRAWL_TIMEOUT, REPO, SAMPLES, crawlable_articles, responses, warc_records

# The sources the mirror serves: crawled by name, confirmed (enabled) or not.
MIRRORED = mirrored_sources()

# Every test here runs real crawls in child processes (a few seconds each).
pytestmark = pytest.mark.slow


def mirrored(*extra: str) -> list[str]:
    """``extra``, with ``--source`` for every mirrored source unless it names one."""
    if "--source" in extra:
        return [*extra]
    return [*(a for n in MIRRORED for a in ("--source", n)), *extra]


def crawl(server: SampleServer, data: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    """A crawl of the mirrored sources (or those ``extra`` names), politeness off."""
    return helpers.crawl(server, data, *mirrored(*extra))


def crawl_command(server: SampleServer, data: Path, *extra: str) -> list[str]:
    return helpers.crawl_command("--mirror", server.url, "--data-dir", str(data), *mirrored(*extra))


@pytest.fixture(scope="module")
def crawled(tmp_path_factory):
    """One server; a first crawl, its request log; a second crawl, its request log."""
    data = tmp_path_factory.mktemp("crawl")
    with SampleServer() as server:
        first = crawl(server, data)
        first_log = server.requests
        second = crawl(server, data)
        second_log = server.requests[len(first_log) :]
    return data, first, first_log, second, second_log


def test_every_sample_article_is_archived_once_byte_for_byte(crawled):
    data, first, *_ = crawled
    assert first.returncode == EXIT_OK, first.stderr[-2000:]
    records = warc_records(data)
    bodies = {r["url"]: r["body"] for r in records if r["type"] == "response"}
    counts = collections.Counter(r["url"] for r in records if r["type"] == "response")
    expected = crawlable_articles()
    assert len(expected) >= 30
    assert set(counts) == set(expected)
    assert set(counts.values()) == {1}
    for url, entry in expected.items():
        assert bodies[url] == (SAMPLES / entry["file"]).read_bytes(), url


def test_warc_files_read_back_with_pairs_and_headers_as_served(crawled):
    data, *_ = crawled
    records = warc_records(data)
    by_id = {r["id"]: r for r in records}
    requests = [r for r in records if r["type"] == "request"]
    assert len(requests) == len(crawlable_articles())
    for request in requests:
        assert by_id[request["concurrent"]]["url"] == request["url"]
    wrong = "http://finews.withounder.com/xinhuacaijing/2022/07/18/NW202207182408350092.html"
    response = next(r for r in records if r["type"] == "response" and r["url"] == wrong)
    assert response["content_type"] == "text/html; charset=utf-8"
    assert response["source"] == "finews"
    assert {r["file"].parent.name for r in records} == set(MIRRORED)
    assert not list((data / "raw").glob("*/*.open"))


def test_no_request_for_a_disallowed_path_or_another_domain(crawled, sample_server):
    _, _, first_log, _, second_log = crawled
    hosts = set(sample_server.hosts)
    for entry in first_log + second_log:
        assert entry.host in hosts, entry
        assert not entry.path.startswith("/drafts/"), entry
    assert ("finews.withounder.com", "/robots.txt") in {(e.host, e.path) for e in first_log}


def test_404_is_logged_not_archived_and_503_is_archived_after_its_retry(crawled):
    data, _, first_log, *_ = crawled
    missing = "http://www.zkycreaiw.com/html/54212816-1043.html"
    assert missing not in responses(data)
    log_text = "".join(p.read_text(encoding="utf-8") for p in (data / "logs").glob("*.log"))
    assert f"article {missing}: HTTP 404, not archived" in log_text
    flaky = [e.status for e in first_log if e.path == "/news_info/3917.html"]
    assert flaky == [503, 200]
    assert responses(data)["http://www.eco.gov.cn/news_info/3917.html"] == 1
    # The redirect: the bare host's URL (in the farm's sitemap) was asked for, the
    # page is archived under the www one it redirects to.
    assert "http://www.zkycreaiw.com/html/54212816-1047.html" in responses(data)
    assert "http://zkycreaiw.com/html/54212816-1047.html" not in responses(data)


def test_summary_line_ends_the_output_and_the_log(crawled):
    data, first, *_ = crawled
    line = first.stdout.strip().splitlines()[-1]
    n = len(crawlable_articles())
    assert line.startswith(f"crawl {'+'.join(MIRRORED)}: ok; requests=")
    # (The redirect's target may also be linked directly: then one is skipped.)
    assert f"articles_new={n} articles_skipped=" in line
    # 404s: the deleted story and the portal's missing robots.txt.
    assert "404:2" in line and "503:1" in line
    logs = sorted((data / "logs").glob("crawl-*.log"))
    assert len(logs) == 2
    assert line in logs[0].read_text(encoding="utf-8")


def test_second_crawl_archives_nothing_and_fetches_each_listing_page_once(crawled):
    data, _, first_log, second, second_log = crawled
    assert second.returncode == EXIT_OK, second.stderr[-2000:]
    assert "articles_new=0" in second.stdout
    assert set(responses(data).values()) == {1}
    article_urls = {u.split("/", 3)[3] for u in crawlable_articles()}
    fetched_again = [e for e in second_log if e.path.lstrip("/") in article_urls]
    assert fetched_again == []
    listings = collections.Counter(
        (e.host, e.path) for e in second_log if e.path != "/robots.txt" and e.status == 200
    )
    first_listings = {
        (e.host, e.path)
        for e in first_log
        if e.path != "/robots.txt" and e.path.lstrip("/") not in article_urls and e.status == 200
    }
    assert set(listings) == first_listings
    assert set(listings.values()) == {1}


def test_full_crawl_fetches_every_article_again(tmp_path, sample_server):
    assert crawl(sample_server, tmp_path, "--source", "cedistrict").returncode == EXIT_OK
    again = crawl(sample_server, tmp_path, "--source", "cedistrict", "--full")
    assert again.returncode == EXIT_OK
    assert "articles_new=3" in again.stdout
    assert set(responses(tmp_path).values()) == {2}


def test_retry_with_backoff_on_archives_the_503_page(tmp_path, sample_server):
    result = subprocess.run(
        crawl_command(
            sample_server,
            tmp_path,
            "--source",
            "eco",
            *("--set", "DOWNLOAD_DELAY=0", "--set", "AUTOTHROTTLE_ENABLED=false"),
            *("--set", "SXCRAWL_RETRY_BACKOFF=0.1"),
        ),
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=CRAWL_TIMEOUT,
    )
    statuses = [e.status for e in sample_server.requests if e.path == "/news_info/3917.html"]
    assert result.returncode == EXIT_OK, result.stderr[-2000:]
    assert statuses == [503, 200]
    assert responses(tmp_path)["http://www.eco.gov.cn/news_info/3917.html"] == 1


def test_unknown_source_is_a_usage_error(tmp_path, sample_server):
    result = crawl(sample_server, tmp_path, "--source", "nosuch")
    assert result.returncode == 2
    assert "unknown source nosuch" in result.stderr


def wait_for(predicate, what: str, limit: float = 60.0) -> None:
    deadline = time.monotonic() + limit
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"gave up waiting for {what}")
        time.sleep(0.05)


def test_sigterm_half_way_then_resume_archives_every_article_once(tmp_path, sample_server):
    # One request in flight per source and a small delay, so that SIGTERM finds
    # requests still queued in JOBDIR.
    slow = [
        "--set",
        "DOWNLOAD_DELAY=0.2",
        "--set",
        "DOWNLOAD_DELAY_JITTER=0",
        "--set",
        "CONCURRENT_REQUESTS=1",
        "--set",
        "AUTOTHROTTLE_ENABLED=false",
        "--set",
        "SXCRAWL_RETRY_BACKOFF_ENABLED=false",
    ]
    expected = crawlable_articles()
    article_paths = {u.split("/", 3)[3] for u in expected}
    proc = subprocess.Popen(
        crawl_command(sample_server, tmp_path, *slow),
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    wait_for(
        lambda: sum(r.path.lstrip("/") in article_paths for r in sample_server.requests) >= 8,
        "eight article requests",
    )
    proc.send_signal(signal.SIGTERM)
    out, err = proc.communicate(timeout=CRAWL_TIMEOUT)
    assert proc.returncode == EXIT_INTERRUPTED, err[-2000:]
    assert "interrupted (run again to resume)" in out
    first = responses(tmp_path)
    assert 0 < len(first) < len(expected)
    assert list((tmp_path / "state" / "jobs").iterdir())
    resumed = subprocess.run(
        crawl_command(sample_server, tmp_path, *slow),
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=CRAWL_TIMEOUT,
    )
    assert resumed.returncode == EXIT_OK, resumed.stderr[-2000:]
    final = responses(tmp_path)
    assert set(final) == set(expected)
    assert set(final.values()) == {1}
    log_text = "".join(p.read_text(encoding="utf-8") for p in (tmp_path / "logs").glob("*.log"))
    assert "Resuming crawl" in log_text
    assert not list((tmp_path / "state" / "jobs").iterdir())


def test_two_make_crawl_at_once_the_second_exits_at_once(tmp_path, sample_server):
    slow = f"--mirror {sample_server.url} --data-dir {tmp_path} --set DOWNLOAD_DELAY=0.5"
    env = {**os.environ, "MAKEFLAGS": ""}
    first = subprocess.Popen(
        ["make", "--no-print-directory", "crawl", f"ARGS={slow}"],
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    lock = tmp_path / "state" / "crawl.lock"
    try:
        wait_for(lambda: lock.exists() and lock.read_text().strip(), "the first crawl's lock")
        second = subprocess.run(
            ["make", "--no-print-directory", "crawl", f"ARGS={slow}"],
            cwd=REPO,
            capture_output=True,
            text=True,
            timeout=CRAWL_TIMEOUT,
            env=env,
        )
        direct = subprocess.run(
            crawl_command(sample_server, tmp_path),
            cwd=REPO,
            capture_output=True,
            text=True,
            timeout=CRAWL_TIMEOUT,
        )
        assert first.poll() is None  # the first is still crawling
    finally:
        first.send_signal(signal.SIGTERM)
        first.communicate(timeout=CRAWL_TIMEOUT)
    assert "another crawl is running" in second.stderr
    assert f"Error {EXIT_LOCKED}" in second.stderr  # make reports the crawl's own status
    assert direct.returncode == EXIT_LOCKED
    assert "not starting a second one" in direct.stderr
