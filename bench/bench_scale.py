"""Beyond one machine: the shared crawl on Redis and the cleaning on a Dask cluster.

Crawl: bench mirrors of ``HOSTS`` hosts (one source each, its articles listed
on one page) served by the sample server, crawled politely (``DELAY`` s
between two requests to one host, robots.txt off) three ways: the single-host
crawl (one process, no Redis), one process on the shared frontier, and two
processes on it at once. The ceiling politeness allows is about
``HOSTS / DELAY`` pages a second: one process that stays under it is
CPU-bound, which a second process relieves.

Cleaning: ``python -m cleaning process`` over a raw archive of the sample
articles under distinct URLs, with one local worker, with two, and on a Dask
``LocalCluster`` of two worker processes (``--cluster``).

Every figure is a *marginal* rate: each run is made at two sizes and the
rate is the extra pages over the extra time, so start-up (48 crawlers, the
word model, the cluster's workers) cancels out. Wall time is from the first
process's start to the last one's exit; CPU is the children's user + system.

Everything runs on this machine: with 2 cores, the two-worker figures show
the overhead of the cluster, not more hardware; ``docs/scaling.md`` turns the
per-process figures into sizes. Figures are printed, never asserted. Run:
``make bench ARGS=scale`` or ``python bench/bench_scale.py``.
"""

from __future__ import annotations

import json
import resource
import shutil
import subprocess
import sys
import tempfile
import time
import tomllib
from pathlib import Path

import redis

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "data" / "samples"
sys.path.insert(0, str(ROOT))

from cleaning.batch.rawio import write_warc  # noqa: E402
from cleaning.record import RawDocument  # noqa: E402
from crawler.testing.redisserver import RedisServer  # noqa: E402

# Enough hosts that one crawling process is CPU-bound under the polite ceiling
# (HOSTS / DELAY = 160 pages/s); articles per host in the small and the large
# mirror: runs of seconds.
HOSTS = 48
ARTICLES_PER_HOST = (10, 40)
DELAY = 0.3
CRAWL_SETTINGS = {
    "DOWNLOAD_DELAY": str(DELAY),
    "AUTOTHROTTLE_ENABLED": "false",
    "ROBOTSTXT_OBEY": "false",
    "SXCRAWL_RETRY_BACKOFF": "0",
    "LOGSTATS_INTERVAL": "3600",
}
# The sample articles (seed pages included: their repairs are the slow part)
# times this many distinct URLs, small and large archive: ~4.5 ms a page in
# one process, so the large one is ~15 s of cleaning on one core. Pages per
# raw file: about what one crawl of one source writes.
COPIES = (10, 110)
PER_FILE = 50

SITE_TOML = """
[source]
name = "{name}"
base_url = "http://{host}/"
start_urls = ["/list/1.html"]
allowed_domains = ["{host}"]
listing_patterns = ['^/list/\\d+\\.html$']
article_pattern = '^/a/\\d+\\.html$'

[crawl]
download_delay = {delay}
concurrency = 1
"""


def sample_pages() -> list[Path]:
    manifest = json.loads((SAMPLES / "manifest.json").read_text(encoding="utf-8"))
    return [SAMPLES / e["file"] for e in manifest if e["kind"] == "article"]


def build_mirror(root: Path, articles: int) -> int:
    """A bench mirror and its sites directory under ``root``; how many pages it has."""
    pages = sample_pages()
    (root / "mirror").mkdir()
    (root / "bench-sites").mkdir()
    for h in range(HOSTS):
        host = f"h{h:02d}.bench.example"
        site = root / "sites" / host
        (site / "a").mkdir(parents=True)
        (site / "list").mkdir()
        links = []
        for n in range(articles):
            shutil.copyfile(pages[(h + n) % len(pages)], site / "a" / f"{n}.html")
            links.append(f'<li><a href="/a/{n}.html">article {n}</a></li>')
        html = f"<html><body><ul>{''.join(links)}</ul></body></html>"
        (site / "list" / "1.html").write_text(html, encoding="utf-8")
        (root / "mirror" / f"{host}.toml").write_text(
            f'host = "{host}"\n[defaults]\ncontent_type = "text/html; charset=utf-8"\n',
            encoding="utf-8",
        )
        text = SITE_TOML.format(name=f"h{h:02d}", host=host, delay=DELAY)
        (root / "bench-sites" / f"h{h:02d}.toml").write_text(text, encoding="utf-8")
    return HOSTS * (articles + 1)


def children_cpu() -> float:
    """CPU seconds used so far by this process's finished children."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def marginal(
    small: tuple[int, float, float], large: tuple[int, float, float]
) -> tuple[float, float]:
    """(per wall second, per CPU second) of the pages the large run has over the small."""
    pages = large[0] - small[0]
    return pages / (large[1] - small[1]), pages / (large[2] - small[2])


def crawl(
    root: Path, mirror: str, run: str, processes: int, redis_url: str | None
) -> tuple[float, float]:
    """(wall, CPU) seconds of ``processes`` crawls started together (on Redis if ``redis_url``)."""
    command = [sys.executable, "-m", "crawler", "crawl", "--sites", str(root / "bench-sites")]
    command += ["--mirror", mirror, "--data-dir", str(root / f"data-{run}")]
    command += [arg for k, v in CRAWL_SETTINGS.items() for arg in ("--set", f"{k}={v}")]
    if redis_url:
        command += ["--redis", redis_url]
    cpu = children_cpu()
    started = time.perf_counter()
    children = [
        subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        for _ in range(processes)
    ]
    for child in children:
        out, _ = child.communicate(timeout=900)
        if child.returncode != 0:
            raise RuntimeError(f"crawl {run} failed ({child.returncode}): {out.decode()[-3000:]}")
    return time.perf_counter() - started, children_cpu() - cpu


def archived_pages(data: Path) -> int:
    """Responses archived under ``data/raw`` (each WARC response record)."""
    from warcio.archiveiterator import ArchiveIterator

    count = 0
    for path in data.glob("raw/*/*.warc.gz"):
        with path.open("rb") as fh:
            count += sum(1 for r in ArchiveIterator(fh) if r.rec_type == "response")
    return count


def bench_crawl(root: Path) -> dict[str, tuple[float, float]]:
    runs = (("single-host", 1, None), ("redis-1", 1, 1), ("redis-2", 2, 2))
    measured: dict[str, list[tuple[int, float, float]]] = {run: [] for run, _, _ in runs}
    with RedisServer() as service:
        for articles in ARTICLES_PER_HOST:
            mirror_root = root / f"mirror-{articles}"
            mirror_root.mkdir()
            pages = build_mirror(mirror_root, articles)
            server = subprocess.Popen(
                [sys.executable, "-m", "crawler.testing.sampleserver", "--root", str(mirror_root)],
                cwd=ROOT,
                stdout=subprocess.PIPE,
                stderr=subprocess.DEVNULL,
                text=True,
            )
            try:
                assert server.stdout is not None
                mirror = server.stdout.readline().split()[-1]
                for run, processes, db in runs:
                    url = service.url_for(db) if db is not None else None
                    wall, cpu = crawl(mirror_root, mirror, run, processes, url)
                    archived = archived_pages(mirror_root / f"data-{run}")
                    if archived != HOSTS * articles:
                        raise RuntimeError(f"crawl {run} archived {archived} articles")
                    measured[run].append((pages, wall, cpu))
                    if url:
                        redis.Redis.from_url(url).flushdb()
            finally:
                server.terminate()
                server.wait(timeout=30)
    rates = {run: marginal(*sizes) for run, sizes in measured.items()}
    print(
        f"crawl: {HOSTS} hosts, {DELAY} s between two requests to a host "
        f"(ceiling ~{HOSTS / DELAY:.0f} pages/s); {ARTICLES_PER_HOST[1] - ARTICLES_PER_HOST[0]} "
        "more articles a host in the large mirror"
    )
    print(f"  {'':34}{'pages/s':>9}{'pages per CPU s':>17}")
    labels = {
        "single-host": "single-host crawl, 1 process",
        "redis-1": "shared frontier, 1 process",
        "redis-2": "shared frontier, 2 processes",
    }
    for run, (wall, cpu) in rates.items():
        print(f"  {labels[run]:34}{wall:9.1f}{cpu:17.1f}")
    print(
        f"  ratios: 2 processes / 1 on Redis {rates['redis-2'][0] / rates['redis-1'][0]:.2f}"
        f" (wall); 1 on Redis / single-host {rates['redis-1'][1] / rates['single-host'][1]:.2f}"
        " (per CPU s)"
    )
    return rates


def sample_documents(copies: int) -> list[RawDocument]:
    documents = []
    for entry in json.loads((SAMPLES / "manifest.json").read_text(encoding="utf-8")):
        if entry["kind"] != "article":
            continue
        host, _, path = entry["url"].removeprefix("http://").partition("/")
        mirror = tomllib.loads((SAMPLES / "mirror" / f"{host}.toml").read_text(encoding="utf-8"))
        served = mirror.get("paths", {}).get("/" + path, {})
        content_type = served.get("content_type", mirror["defaults"]["content_type"])
        body = (SAMPLES / entry["file"]).read_bytes()
        for n in range(copies):
            url = entry["url"] if n == 0 else f"{entry['url']}?copy={n}"
            documents.append(RawDocument(body, url, {"Content-Type": content_type}))
    return documents


def clean(root: Path, archive: str, run: str, *extra: str) -> tuple[float, float]:
    """(wall, CPU) seconds of one ``process`` run over a fresh copy of an archive."""
    data = root / f"{run}-{archive}"
    shutil.copytree(root / archive, data / "raw")
    command = [sys.executable, "-m", "cleaning", "process", "--data-dir", str(data), "-q"]
    cpu = children_cpu()
    started = time.perf_counter()
    result = subprocess.run(
        [*command, *extra], cwd=ROOT, capture_output=True, text=True, timeout=900
    )
    wall = time.perf_counter() - started
    if result.returncode != 0:
        raise RuntimeError(f"process {run} failed: {result.stdout}{result.stderr[-3000:]}")
    return wall, children_cpu() - cpu


def bench_clean(root: Path) -> dict[str, tuple[float, float]]:
    from distributed import LocalCluster

    sizes = []
    for copies in COPIES:
        documents = sample_documents(copies)
        (root / f"archive-{copies}").mkdir()
        for start in range(0, len(documents), PER_FILE):
            path = root / f"archive-{copies}" / f"s-{start:05d}.warc.gz"
            write_warc(path, documents[start : start + PER_FILE])
        sizes.append(len(documents))
    runs = {
        "local-1": ("--workers", "1"),
        "local-2": ("--workers", "2"),
        "cluster-2": (),
    }
    measured: dict[str, list[tuple[int, float, float]]] = {run: [] for run in runs}
    with LocalCluster(
        n_workers=2,
        threads_per_worker=1,
        processes=True,
        host="127.0.0.1",
        dashboard_address=None,
        silence_logs=40,
    ) as cluster:
        # Its workers outlive a run: warm them (imports, word model) before
        # measuring, as each measured local run starts cold at both sizes.
        clean(root, f"archive-{COPIES[0]}", "warm-up", "--cluster", cluster.scheduler_address)
        for copies, documents in zip(COPIES, sizes, strict=True):
            for run, extra in runs.items():
                if run.startswith("cluster"):
                    extra = ("--cluster", cluster.scheduler_address)
                wall, cpu = clean(root, f"archive-{copies}", run, *extra)
                measured[run].append((documents, wall, cpu))
    rates = {run: marginal(*sizes) for run, sizes in measured.items()}
    print(f"cleaning: {sizes[1] - sizes[0]} more documents in the large archive")
    print(f"  {'':34}{'documents/s':>12}")
    labels = {
        "local-1": "local, 1 worker process",
        "local-2": "local, 2 worker processes",
        "cluster-2": "Dask cluster, 2 worker processes",
    }
    for run, (wall, _) in rates.items():
        print(f"  {labels[run]:34}{wall:12.1f}")
    print(
        f"  ratios: cluster of 2 / local 2 {rates['cluster-2'][0] / rates['local-2'][0]:.2f}; "
        f"cluster of 2 / local 1 {rates['cluster-2'][0] / rates['local-1'][0]:.2f}"
    )
    return rates


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="bench-scale-") as tmp:
        (Path(tmp) / "crawl").mkdir()
        (Path(tmp) / "clean").mkdir()
        bench_crawl(Path(tmp) / "crawl")
        bench_clean(Path(tmp) / "clean")


if __name__ == "__main__":
    main()
