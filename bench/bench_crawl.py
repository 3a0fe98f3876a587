"""Crawl throughput against the sample server, politeness off: archiving vs a bare spider.

Builds a bench mirror in a temporary directory (the sample mirror's article
pages copied to ``ARTICLES`` URLs of one host, listed ``PER_LISTING`` to a
page), serves it with ``python -m crawler.sampleserver --no-delay`` in its own
process, then crawls it twice:

- ``archiving``: ``python -m crawler crawl`` with delays, AutoThrottle and
  robots.txt off: every article goes to WARC and the archived-articles store;
- ``bare``: a plain Scrapy spider with the same settings and the same link
  parsing that archives nothing.

Pages per second is Scrapy's response count over its ``elapsed_time_seconds``
(process start-up excluded), best of ``ROUNDS``. Figures are printed, never
asserted. Run: ``make bench ARGS=crawl`` or ``python bench/bench_crawl.py``.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "data" / "samples"
HOST = "bench.example"

# Enough pages that a crawl runs for a few seconds at ~300 pages/s, so start-up
# and the last slow requests do not dominate; small enough for `make bench`.
ARTICLES = 1200
PER_LISTING = 50
ROUNDS = 2
# Politeness off: no delay, no AutoThrottle, no robots.txt, 16 requests in flight.
FAST = {
    "DOWNLOAD_DELAY": "0",
    "AUTOTHROTTLE_ENABLED": "false",
    "ROBOTSTXT_OBEY": "false",
    "CONCURRENT_REQUESTS": "16",
    "CONCURRENT_REQUESTS_PER_DOMAIN": "16",
    "SXCRAWL_RETRY_BACKOFF": "0",
    "LOG_LEVEL": "INFO",
    "LOGSTATS_INTERVAL": "3600",
}

SITE_TOML = f"""
[source]
name = "bench"
base_url = "http://{HOST}/"
start_urls = ["/list/1.html"]
allowed_domains = ["{HOST}"]
listing_patterns = ['^/list/\\d+\\.html$']
article_pattern = '^/a/\\d+\\.html$'

[source.pagination]
max_pages = 100000

[crawl]
download_delay = 0
concurrency = 16
"""


def build_mirror(root: Path) -> None:
    """The bench mirror and its sites directory under ``root``."""
    manifest = json.loads((SAMPLES / "manifest.json").read_text(encoding="utf-8"))
    pages = [SAMPLES / e["file"] for e in manifest if e["kind"] == "article"]
    site = root / "sites" / HOST
    (site / "a").mkdir(parents=True)
    (site / "list").mkdir()
    for n in range(ARTICLES):
        shutil.copyfile(pages[n % len(pages)], site / "a" / f"{n}.html")
    listings = (ARTICLES + PER_LISTING - 1) // PER_LISTING
    for k in range(listings):
        links = "\n".join(
            f'<li><a href="/a/{n}.html">article {n}</a></li>'
            for n in range(k * PER_LISTING, min(ARTICLES, (k + 1) * PER_LISTING))
        )
        nxt = f'<a href="/list/{k + 2}.html">next</a>' if k + 1 < listings else ""
        html = f"<html><body><ul>{links}</ul>{nxt}</body></html>"
        (site / "list" / f"{k + 1}.html").write_text(html, encoding="utf-8")
    (root / "mirror").mkdir()
    (root / "mirror" / f"{HOST}.toml").write_text(
        f'host = "{HOST}"\n[defaults]\ncontent_type = "text/html; charset=utf-8"\n',
        encoding="utf-8",
    )
    (root / "bench-sites").mkdir()
    (root / "bench-sites" / "bench.toml").write_text(SITE_TOML, encoding="utf-8")


def stats_of(log_text: str) -> tuple[int, float]:
    """(responses, elapsed seconds) from a Scrapy log's stats dump."""
    responses = re.search(r"'downloader/response_count': (\d+)", log_text)
    elapsed = re.search(r"'elapsed_time_seconds': ([\d.]+)", log_text)
    if not responses or not elapsed:
        raise RuntimeError("no stats in the crawl log:\n" + log_text[-2000:])
    return int(responses.group(1)), float(elapsed.group(1))


def archiving_crawl(root: Path, mirror: str, run: int) -> tuple[int, float, int]:
    """(pages, seconds, archived bytes on disk) of one archiving crawl."""
    data = root / f"data-{run}"
    sets = [arg for name, value in FAST.items() for arg in ("--set", f"{name}={value}")]
    command = [sys.executable, "-m", "crawler", "crawl", "--sites", str(root / "bench-sites")]
    command += ["--mirror", mirror, "--data-dir", str(data), *sets]
    result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=600)
    log = next((data / "logs").glob("*.log")).read_text(encoding="utf-8")
    if result.returncode != 0:
        raise RuntimeError(f"crawl failed ({result.returncode}): {result.stdout}{result.stderr}")
    pages, seconds = stats_of(log)
    warc_bytes = sum(p.stat().st_size for p in (data / "raw").glob("*/*.warc.gz"))
    return pages, seconds, warc_bytes


def bare_crawl(root: Path, mirror: str, run: int) -> tuple[int, float]:
    """(pages, seconds) of one bare Scrapy crawl over the same pages."""
    log = root / f"bare-{run}.log"
    command = [sys.executable, __file__, "--bare", mirror, str(root / "bench-sites"), str(log)]
    subprocess.run(command, cwd=ROOT, check=True, timeout=600)
    return stats_of(log.read_text(encoding="utf-8"))


def run_bare(mirror: str, sites: str, log: str) -> None:
    """The bare spider: follow the same links, archive nothing (child process)."""
    import scrapy
    from scrapy.crawler import CrawlerProcess

    sys.path.insert(0, str(ROOT))
    from crawler.links import classify_links
    from crawler.sources import load_sources

    source = load_sources(Path(sites))["bench"]

    class BareSpider(scrapy.Spider):
        name = "bare"

        async def start(self):
            for url in source.start_urls:
                yield scrapy.Request(url, meta={"proxy": mirror})

        def parse(self, response):
            if not source.is_listing(response.url):
                return
            links = classify_links(source, response.url, response.text)
            for url in links.articles + links.listings:
                yield scrapy.Request(url, meta={"proxy": mirror})

    process = CrawlerProcess({**FAST, "LOG_FILE": log, "ROBOTSTXT_OBEY": False})
    process.crawl(BareSpider)
    process.start()


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="bench-crawl-") as tmp:
        root = Path(tmp)
        build_mirror(root)
        server = subprocess.Popen(
            [sys.executable, "-m", "crawler.sampleserver", "--root", str(root), "--no-delay"],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
        )
        try:
            mirror = server.stdout.readline().split()[-1]
            bare = [bare_crawl(root, mirror, n) for n in range(ROUNDS)]
            archiving = [archiving_crawl(root, mirror, n) for n in range(ROUNDS)]
        finally:
            server.terminate()
            server.wait(timeout=30)
    bare_rate = max(pages / seconds for pages, seconds in bare)
    arch_rate = max(pages / seconds for pages, seconds, _ in archiving)
    pages, _, warc_bytes = archiving[0]
    print(f"pages per crawl: {pages} ({ARTICLES} articles + listings), best of {ROUNDS}")
    print(f"bare Scrapy spider (archives nothing): {bare_rate:7.1f} pages/s")
    print(f"archiving crawl (WARC + state):        {arch_rate:7.1f} pages/s")
    print(
        f"archiving cost: {100 * (1 - arch_rate / bare_rate):5.1f}% of throughput (target <= 20%)"
    )
    print(f"WARC written per crawl: {warc_bytes / 1e6:.1f} MB")


if __name__ == "__main__":
    if len(sys.argv) == 5 and sys.argv[1] == "--bare":
        run_bare(*sys.argv[2:])
    else:
        main()
