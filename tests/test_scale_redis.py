"""The shared crawl frontier end to end: a real Redis, two crawler processes, the sample server.

Each crawl is ``python -m crawler crawl --redis URL --mirror SERVER`` in a child
process; the two processes of a run share one data directory (as crawler hosts
share storage) and one Redis database. Politeness is on, with a short delay,
so that the server's request log can show it holding across processes.
"""

from __future__ import annotations

import collections
import datetime as dt
import itertools
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis

from crawler.frontierstate import host_name, writer_of
from crawler.summary import EXIT_FAILED, EXIT_NOTHING, EXIT_OK, exit_status, summarize
from crawler.testing.redisserver import RedisServer
from crawler.testing.sampleserver import LoggedRequest, SampleServer, mirrored_sources
from tests.helpers import REPO, crawlable_articles, responses

pytestmark = pytest.mark.slow

#: Seconds between two requests to one host, whoever sends them (small: a quick test).
DELAY = 0.3
#: Seconds a process's lease lasts: a killed one's work is taken over this long after.
LEASE = 2.0
SETTINGS = [
    f"DOWNLOAD_DELAY={DELAY}",
    "AUTOTHROTTLE_ENABLED=false",
    "SXCRAWL_RETRY_BACKOFF=0",
    f"SXCRAWL_REDIS_LEASE={LEASE}",
]
# Longest a crawl of the sample mirror may take before the test gives up.
CRAWL_TIMEOUT = 45


@pytest.fixture(scope="module")
def redis_server() -> Iterator[RedisServer]:
    with RedisServer() as server:
        yield server


def start_crawl(server: SampleServer, data: Path, url: str) -> subprocess.Popen[str]:
    command = [sys.executable, "-m", "crawler", "crawl", "--mirror", server.url]
    command += ["--data-dir", str(data), "--redis", url]
    command += [arg for name in mirrored_sources() for arg in ("--source", name)]
    for setting in SETTINGS:
        command += ["--set", setting]
    return subprocess.Popen(
        command, cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )


def finish(process: subprocess.Popen[str]) -> tuple[int, str, str]:
    out, err = process.communicate(timeout=CRAWL_TIMEOUT)
    return process.returncode, out, err


def closest_gap(log: list[LoggedRequest]) -> dict[str, float]:
    """Per host, the shortest time between two requests that arrived at the server."""
    times: dict[str, list[dt.datetime]] = collections.defaultdict(list)
    for entry in log:
        times[entry.host].append(entry.time)
    gaps = {}
    for host, seen in times.items():
        seen.sort()
        if len(seen) > 1:
            gaps[host] = min((b - a).total_seconds() for a, b in itertools.pairwise(seen))
    return gaps


@pytest.fixture(scope="module")
def shared_runs(redis_server, tmp_path_factory):
    """Two runs, each of two crawler processes started together on one frontier."""
    data = tmp_path_factory.mktemp("shared")
    url = redis_server.url_for(1)
    runs = []
    with SampleServer() as server:
        for _ in range(2):
            before = len(server.requests)
            processes = [start_crawl(server, data, url) for _ in range(2)]
            pids = [p.pid for p in processes]
            results = [finish(p) for p in processes]
            runs.append((pids, results, server.requests[before:]))
    return data, url, runs


def test_two_processes_archive_every_article_exactly_once(shared_runs):
    data, _, runs = shared_runs
    pids, results, _ = runs[0]
    for code, out, err in results:
        assert code == EXIT_OK, out + err[-3000:]
    counts = responses(data)
    assert set(counts) == set(crawlable_articles())
    assert set(counts.values()) == {1}
    # Each process wrote its own files, named by host and pid.
    writers = {f"-{host_name()}-{pid}-" for pid in pids}
    files = list((data / "raw").glob("*/*.warc.gz"))
    assert files
    assert all(any(w in f.name for w in writers) for f in files), files
    assert not list((data / "raw").glob("*/*.open"))


def test_no_two_requests_to_a_host_closer_than_the_delay(shared_runs):
    _, _, runs = shared_runs
    log = runs[0][2] + runs[1][2]
    gaps = closest_gap(runs[0][2])
    assert len(gaps) >= 4  # the hosts of the mirror, each asked more than once
    for host, gap in {**gaps, **closest_gap(runs[1][2])}.items():
        assert gap >= DELAY, (host, gap)
    assert len(log) > 40


def test_second_run_fetches_the_listings_again_and_no_archived_article(shared_runs):
    data, url, runs = shared_runs
    _, results, log = runs[1]
    for code, out, err in results:
        assert code == EXIT_OK, out + err[-3000:]
    articles = set(crawlable_articles())
    fetched = collections.Counter(f"http://{e.host}{e.path}" for e in log)
    assert not articles & set(fetched)
    listings = {u for u in fetched if not u.endswith("/robots.txt")} - articles
    first_run = {f"http://{e.host}{e.path}" for e in runs[0][2]}
    # Every listing of the first run (pagination included) is fetched again, once.
    assert {u for u in first_run if u in listings} == listings
    assert listings and all(fetched[u] == 1 for u in listings), fetched
    assert responses(data) == collections.Counter(dict.fromkeys(articles, 1))
    # Nothing is left queued or leased once a run is over.
    client = redis.Redis.from_url(url)
    assert not client.keys("sxcorpus:*:queue") + client.keys("sxcorpus:*:leased:*")


def test_a_process_killed_mid_crawl_loses_nothing(redis_server, tmp_path):
    data = tmp_path / "data"
    url = redis_server.url_for(2)
    client = redis.Redis.from_url(url)
    with SampleServer() as server:
        victim = start_crawl(server, data, url)
        other = start_crawl(server, data, url)
        leased = f"sxcorpus:*:leased:*-{host_name()}-{victim.pid}"
        deadline = time.monotonic() + CRAWL_TIMEOUT
        # Kill it once it has archived a few articles and holds requests in flight.
        while time.monotonic() < deadline:
            holding = sum(client.hlen(k) for k in client.keys(leased))
            if client.hlen("sxcorpus:archived") >= 6 and holding >= 2:
                break
            time.sleep(0.02)
        else:
            pytest.fail("the crawl never got going")
        os.kill(victim.pid, signal.SIGKILL)
        victim.wait(timeout=10)
        code, out, err = finish(other)
        log = server.requests
    assert victim.returncode == -signal.SIGKILL
    assert code == EXIT_OK, out + err[-3000:]
    counts = responses(data)
    assert set(counts) == set(crawlable_articles())
    assert set(counts.values()) == {1}, {u: n for u, n in counts.items() if n > 1}
    assert not list((data / "raw").glob("*/*.open"))
    # The survivor took the dead one's requests over.
    survivor_log = next((data / "logs").glob(f"crawl-*-{other.pid}.log")).read_text()
    assert "stopped renewing its lease" in survivor_log
    assert not client.keys("sxcorpus:*:leased:*")
    for host, gap in closest_gap(log).items():
        assert gap >= DELAY, (host, gap)


def test_a_process_that_found_the_work_taken_exits_ok_but_not_one_that_failed():
    idle = {"finish_reason": "finished", "sxcrawl/frontier/process": "t-host-1"}
    assert exit_status(summarize("finews", idle)) == EXIT_OK
    failing = {**idle, "sxcrawl/errors/DNSLookupError": 3}
    assert exit_status(summarize("finews", failing)) == EXIT_NOTHING
    assert exit_status(summarize("finews", {"finish_reason": "finished"})) == EXIT_NOTHING


def test_warc_file_names_tell_their_writer():
    name = "finews-20250101T000000Z-crawl-2.lan-4711-00003.warc.gz"
    assert writer_of(name, "finews") == "20250101T000000Z-crawl-2.lan-4711"
    assert writer_of(name + ".open", "finews") == "20250101T000000Z-crawl-2.lan-4711"
    assert writer_of("finews-20250101T000000Z-00003.warc.gz", "finews") is None
    assert writer_of(name, "zkycreaiw") is None


def test_redis_going_down_stops_the_crawl_with_a_failure_and_closed_files(tmp_path):
    data = tmp_path / "data"
    with RedisServer() as service, SampleServer() as server:
        client = redis.Redis.from_url(service.url)
        crawl = start_crawl(server, data, service.url)
        deadline = time.monotonic() + CRAWL_TIMEOUT
        while client.hlen("sxcorpus:archived") < 3 and time.monotonic() < deadline:
            time.sleep(0.02)
        service.stop()
        code, out, err = finish(crawl)
    assert code == EXIT_FAILED, out + err[-3000:]
    assert "FAILED" in out
    log = next((data / "logs").glob("crawl-*.log")).read_text()
    assert "the shared frontier's Redis failed" in log
    # What was archived is in closed files, readable.
    assert responses(data)
    assert not list((data / "raw").glob("*/*.open"))
