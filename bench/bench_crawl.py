"""Crawl throughput against the sample server, politeness off: archiving vs a bare spider.

Builds a bench mirror in a temporary directory (the sample mirror's article
pages copied to ``ARTICLES`` URLs of one host, listed ``PER_LISTING`` to a
page), serves it with ``python -m crawler.testing.sampleserver --no-delay`` in its own
process, then crawls it twice:

- ``archiving``: ``python -m crawler crawl`` with delays, AutoThrottle and
  robots.txt off: every article goes to WARC and the archived-articles store;
- ``bare``: a plain Scrapy spider with the same settings and the same link
  parsing that archives nothing.

Two figures for each: pages per second of wall time (Scrapy's response count
over its ``elapsed_time_seconds``, start-up excluded), and pages per CPU
second of the crawling process (its CPU time, less the CPU time of the same
crawl over a one-page site, which is start-up and shutdown). The second is
the throughput on one core, and holds when other work shares the machine;
the archiving cost is computed from it. Rounds alternate bare and archiving
crawls; each figure is the best of ``ROUNDS``. Figures are printed, never
asserted. Run: ``make bench ARGS=crawl`` or ``python bench/bench_crawl.py``.
"""

from __future__ import annotations

import functools
import json
import re
import resource
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
ROUNDS = 3
# Politeness off: no delay, no AutoThrottle, no robots.txt, 16 requests in flight.
FAST = {
    "DOWNLOAD_DELAY": "0",
    "AUTOTHROTTLE_ENABLED": "false",
    "ROBOTSTXT_OBEY": "false",
    "CONCURRENT_REQUESTS": "16",
    "CONCURRENT_REQUESTS_PER_DOMAIN": "16",
    "SXCRAWL_RETRY_BACKOFF_ENABLED": "false",
    "LOG_LEVEL": "INFO",
    "LOGSTATS_INTERVAL": "3600",
}

SITE_TOML = """
[source]
name = "bench"
base_url = "http://{host}/"
start_urls = ["{start}"]
allowed_domains = ["{host}"]
listing_patterns = ['^/(list|tiny)/\\d+\\.html$']
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
    (site / "tiny").mkdir()
    (site / "tiny" / "1.html").write_text("<html><body>no links</body></html>", encoding="utf-8")
    for name, start in (("bench-sites", "/list/1.html"), ("tiny-sites", "/tiny/1.html")):
        (root / name).mkdir()
        text = SITE_TOML.format(host=HOST, start=start)
        (root / name / "bench.toml").write_text(text, encoding="utf-8")


def stats_of(log_text: str) -> tuple[int, float]:
    """(responses, elapsed seconds) from a Scrapy log's stats dump."""
    responses = re.search(r"'downloader/response_count': (\d+)", log_text)
    elapsed = re.search(r"'elapsed_time_seconds': ([\d.]+)", log_text)
    if not responses or not elapsed:
        raise RuntimeError("no stats in the crawl log:\n" + log_text[-2000:])
    return int(responses.group(1)), float(elapsed.group(1))


def children_cpu() -> float:
    """CPU seconds used so far by this process's finished children."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def archiving_crawl(
    root: Path, mirror: str, run: str, sites: str, jobdir: bool = True
) -> tuple[int, float, float]:
    """(pages, wall seconds, CPU seconds) of one archiving crawl (``jobdir``: resumable)."""
    data = root / f"data-{run}"
    settings = FAST if jobdir else {**FAST, "JOBDIR": ""}
    sets = [arg for name, value in settings.items() for arg in ("--set", f"{name}={value}")]
    command = [sys.executable, "-m", "crawler", "crawl", "--sites", str(root / sites)]
    command += ["--mirror", mirror, "--data-dir", str(data), *sets]
    cpu = children_cpu()
    result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=600)
    cpu = children_cpu() - cpu
    log = next((data / "logs").glob("*.log")).read_text(encoding="utf-8")
    if result.returncode != 0:
        raise RuntimeError(f"crawl failed ({result.returncode}): {result.stdout}{result.stderr}")
    pages, seconds = stats_of(log)
    return pages, seconds, cpu


def bare_crawl(root: Path, mirror: str, run: str, sites: str) -> tuple[int, float, float]:
    """(pages, wall seconds, CPU seconds) of one bare Scrapy crawl over the same pages."""
    log = root / f"bare-{run}.log"
    command = [sys.executable, __file__, "--bare", mirror, str(root / sites), str(log)]
    cpu = children_cpu()
    subprocess.run(command, cwd=ROOT, check=True, timeout=600)
    cpu = children_cpu() - cpu
    pages, seconds = stats_of(log.read_text(encoding="utf-8"))
    return pages, seconds, cpu


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
    crawls = {
        "bare": bare_crawl,
        "archiving": archiving_crawl,
        "no-jobdir": functools.partial(archiving_crawl, jobdir=False),
    }
    results: dict[str, list[tuple[int, float, float]]] = {k: [] for k in crawls}
    start_up: dict[str, float] = {}
    with tempfile.TemporaryDirectory(prefix="bench-crawl-") as tmp:
        root = Path(tmp)
        build_mirror(root)
        server = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "crawler.testing.sampleserver",
                "--root",
                str(root),
                "--no-delay",
            ],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
        )
        try:
            mirror = server.stdout.readline().split()[-1]
            for kind, crawl in crawls.items():
                start_up[kind] = min(
                    crawl(root, mirror, f"{kind}-t{n}", "tiny-sites")[2] for n in range(2)
                )
            for n in range(ROUNDS):
                for kind, crawl in crawls.items():
                    results[kind].append(crawl(root, mirror, f"{kind}-{n}", "bench-sites"))
            warc_bytes = sum(
                p.stat().st_size for p in root.glob("data-archiving-0/raw/*/*.warc.gz")
            )
        finally:
            server.terminate()
            server.wait(timeout=30)
    wall = {k: max(p / s for p, s, _ in runs) for k, runs in results.items()}
    core = {
        k: max(p / max(c - start_up[k], 1e-9) for p, _, c in runs) for k, runs in results.items()
    }
    pages = results["archiving"][0][0]
    print(f"pages per crawl: {pages} ({ARTICLES} articles + listings); best of {ROUNDS} rounds")
    print(f"{'':44}wall pages/s  pages per CPU second")
    rows = (
        ("bare", "bare Scrapy spider (archives nothing)"),
        ("no-jobdir", "archiving crawl (WARC + state)"),
        ("archiving", "archiving crawl, resumable (+ JOBDIR)"),
    )
    for kind, label in rows:
        print(f"{label:44}{wall[kind]:12.1f}  {core[kind]:20.1f}")
    print("start-up CPU (subtracted): " + ", ".join(f"{k} {v:.2f} s" for k, v in start_up.items()))
    cost = 100 * (1 - core["no-jobdir"] / core["bare"])
    resumable = 100 * (1 - core["archiving"] / core["bare"])
    print(f"archiving cost: {cost:.1f}% of one core's throughput (target <= 20%);")
    print(f"with the JOBDIR queue of a resumable crawl: {resumable:.1f}%")
    print(f"WARC written per crawl: {warc_bytes / 1e6:.1f} MB")


if __name__ == "__main__":
    if len(sys.argv) == 5 and sys.argv[1] == "--bare":
        run_bare(*sys.argv[2:])
    else:
        main()
