"""Throughput and memory of ``python -m cleaning process`` over a sample archive.

Builds WARC archives from the bundled sample articles (each repeated under
distinct URLs, 50 pages a file, as the crawler's files hold), then cleans
them with one worker and with every core, each run in a fresh process, and
prints pages per second (overall and per core), the split between cleaning
and writing the dataset, and peak memory (the run's own and its workers').
A larger archive is run too: peak memory must not grow with its size.

It first times ``clean_page`` once on each distinct sample page. When that
says the runs would take longer than ``BUDGET_SECONDS``, the pages slower
than ``SLOW_PAGE_SECONDS`` are left out of the archives, and named: the
figures are then those of the other pages, and the slow pages are a matter
for the cleaner, not for the batch around it.

Usage: ``python bench/bench_process.py [--pages N] [--large N]`` (or
``make bench ARGS=process``).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SAMPLES = REPO / "data" / "samples"
sys.path.insert(0, str(REPO))

from cleaning.batch.rawio import write_warc  # noqa: E402
from cleaning.batch.run import default_workers  # noqa: E402
from cleaning.record import RawDocument  # noqa: E402
from crawler.testing.sampleserver import load_mirror, served_content_type  # noqa: E402

#: Pages per WARC file: about what one crawl of one source writes.
PAGES_PER_FILE = 50

#: Longest the one-worker run of the main archive may be expected to take
#: before slow pages are left out: keeps ``make bench`` to minutes.
BUDGET_SECONDS = 300

#: A page slower than this to clean (in one process) is left out when over
#: budget: 30x the 3.3 ms a page the 300 pages/s target allows.
SLOW_PAGE_SECONDS = 0.1

#: The issue's targets, printed beside the figures.
TARGET_PAGES_PER_CORE = 300
TARGET_PEAK_MB = 1024

# Runs one process in a fresh interpreter and prints its figures as JSON.
CHILD = """
import json, resource, sys, time
from pathlib import Path
from cleaning.text import wordmodel
from cleaning.batch.run import ProcessOptions, run
data, workers = Path(sys.argv[1]), int(sys.argv[2])
startup = wordmodel.load()  # once per run, whatever its size: reported apart from the rates
marks = {}
def on_start(files, size):
    marks["start"] = time.perf_counter()
def on_file(result):
    marks["cleaned"] = time.perf_counter()
started = time.perf_counter()
stats = run(ProcessOptions(raw=(data / "raw",), out=data / "clean", workers=workers),
            on_start=on_start, on_file=on_file)
print(json.dumps({
    "seconds": time.perf_counter() - started,
    "clean_seconds": marks["cleaned"] - marks["start"],
    "startup": startup,
    "documents": stats.documents,
    "records": stats.records,
    "errors": sum(stats.errors.values()),
    "self_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
    "children_kb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss,
}))
"""


def sample_articles() -> list[RawDocument]:
    """The sample mirror's article pages with the Content-Type their server sends."""
    mirror = load_mirror(SAMPLES)
    pages = []
    for entry in json.loads((SAMPLES / "manifest.json").read_text(encoding="utf-8")):
        if entry["kind"] != "article":
            continue
        host, _, path = entry["url"].removeprefix("http://").partition("/")
        file = SAMPLES / entry["file"]
        content_type = served_content_type(mirror[host], "/" + path, file)
        pages.append(RawDocument(file.read_bytes(), entry["url"], {"Content-Type": content_type}))
    return pages


def page_costs(articles: list[RawDocument]) -> list[float]:
    """Seconds ``clean_page`` takes on each page, once (after loading the cleaner)."""
    from cleaning import CleaningError, clean_page

    costs = []
    for article in articles:
        started = time.perf_counter()
        with contextlib.suppress(CleaningError):
            clean_page(article.body, article.url, article.headers)
        costs.append(time.perf_counter() - started)
    return costs


def choose_pages(pages: int) -> list[RawDocument]:
    """The sample pages the archives repeat, leaving out slow ones when over budget."""
    articles = sample_articles()
    costs = page_costs(articles)
    expected = sum(costs) / len(costs) * pages
    print(
        f"clean_page on the {len(articles)} sample pages: {sum(costs) / len(costs) * 1000:.1f} "
        f"ms a page on average ({len(articles) / sum(costs):.0f} pages/s in one process)"
    )
    if expected <= BUDGET_SECONDS:
        return articles
    slow = [(c, a.url) for c, a in zip(costs, articles, strict=True) if c > SLOW_PAGE_SECONDS]
    print(
        f"at that rate {pages:,} pages would take {expected:.0f} s with one worker; "
        f"left out, slower than {SLOW_PAGE_SECONDS * 1000:.0f} ms:"
    )
    for cost, url in sorted(slow, reverse=True):
        print(f"  {cost:8.3f} s  {url}")
    kept = [a for c, a in zip(costs, articles, strict=True) if c <= SLOW_PAGE_SECONDS]
    kept_costs = [c for c in costs if c <= SLOW_PAGE_SECONDS]
    print(
        f"the other {len(kept)} pages: {sum(kept_costs) / len(kept_costs) * 1000:.1f} ms a page "
        f"({len(kept) / sum(kept_costs):.0f} pages/s in one process)"
    )
    return kept


def build_archive(data: Path, pages: int, articles: list[RawDocument]) -> int:
    """``pages`` sample pages (repeated under distinct URLs) in WARC files under data/raw."""
    raw = data / "raw" / "bench"
    raw.mkdir(parents=True)
    documents = [
        RawDocument(a.body, f"{a.url}?copy={n // len(articles)}", a.headers)
        for n, a in ((n, articles[n % len(articles)]) for n in range(pages))
    ]
    for start in range(0, len(documents), PAGES_PER_FILE):
        batch = documents[start : start + PAGES_PER_FILE]
        write_warc(raw / f"bench-{start // PAGES_PER_FILE:05d}.warc.gz", batch)
    return sum(len(d.body) for d in documents)


def measure(archive: Path, workers: int, scratch: Path) -> dict[str, float]:
    """One fresh ``process`` of the archive with ``workers`` workers."""
    data = scratch / f"run-{workers}-{archive.name}"
    data.mkdir()
    (data / "raw").symlink_to(archive / "raw")
    out = subprocess.run(
        [sys.executable, "-c", CHILD, str(data), str(workers)],
        capture_output=True,
        text=True,
        check=True,
        cwd=REPO,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def report(label: str, workers: int, figures: dict[str, float]) -> None:
    pages = figures["documents"]
    rate = pages / figures["seconds"]
    clean_rate = pages / figures["clean_seconds"]
    write_ms = (figures["seconds"] - figures["clean_seconds"]) * 1000 / max(pages, 1)
    peak = max(figures["self_kb"], figures["children_kb"]) / 1024
    print(
        f"{label:<22} {workers:>2} workers  {pages:>6,.0f} pages  {figures['seconds']:6.1f} s  "
        f"{rate:7.0f} pages/s  {rate / workers:6.0f} /s/core  "
        f"(cleaning {clean_rate:5.0f} pages/s, merge+write {write_ms:.3f} ms/page)  "
        f"peak {figures['self_kb'] / 1024:5.0f} MB run, {figures['children_kb'] / 1024:5.0f} MB "
        f"worker  [{'ok' if peak < TARGET_PEAK_MB else 'OVER'} < {TARGET_PEAK_MB} MB]"
    )
    print(f"{'':<22} (plus {figures['startup']:.1f} s loading the word model, once per run)")
    if figures["errors"]:
        print(f"{'':<22} ({figures['errors']:.0f} pages failed: see the errors table)")


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=2000, help="pages in the archive")
    parser.add_argument("--large", type=int, default=8000, help="pages in the larger archive")
    # Under bench/run.py the arguments include run.py's own (benchmark names).
    args, _ = parser.parse_known_args(argv)
    cores = default_workers()
    with tempfile.TemporaryDirectory(prefix="bench-process-") as tmp:
        scratch = Path(tmp)
        articles = choose_pages(args.pages)
        small = scratch / "small"
        size = build_archive(small, args.pages, articles)
        print(f"archive: {args.pages:,} sample pages, {size / 1e6:.1f} MB, {PAGES_PER_FILE} a file")
        one = measure(small, 1, scratch)
        report("one worker", 1, one)
        every = measure(small, cores, scratch)
        report("every core", cores, every)
        speedup = (every["documents"] / every["seconds"]) / (one["documents"] / one["seconds"])
        print(f"speed-up with {cores} workers: {speedup:.2f}x (linear: {cores}x)")
        large = scratch / "large"
        build_archive(large, args.large, articles)
        report("larger archive", cores, measure(large, cores, scratch))
    print(f"target: >= {TARGET_PAGES_PER_CORE} pages/s per core, peak < {TARGET_PEAK_MB} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
