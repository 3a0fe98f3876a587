"""``make demo``: the whole pipeline on the bundled sample sites, offline.

Starts the sample server on 127.0.0.1 (a copy of the source sites in their
real templates, with their real encodings, damage and faults), crawls every
source it mirrors (confirmed or not: on the mirror every pattern holds) into
``data/demo/raw/``, cleans the archive into the Parquet dataset in
``data/demo/clean/``, prints a per-site summary and one DuckDB query an
analyst would run, and stops the server, also on error or Ctrl-C. Running it
again is incremental: nothing new to crawl, nothing new to clean.

The demo has a data directory of its own (``data/demo/``, printed first), so
it never touches a deployment's ``data/``: the sample sites carry the real
sites' host names, and a real crawl would take their URLs for archived.

Usage: ``python scripts/demo.py [--data-dir DIR] [--polite]``.
"""

# ruff: noqa: T201  (a command-line script: its output is the point)

from __future__ import annotations

import argparse
import select
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from crawler.testing.sampleserver import mirrored_sources  # noqa: E402

#: The demo's own data directory, apart from the deployment's data/.
DEMO_DATA = REPO / "data" / "demo"

#: Seconds to wait for the sample server's "serving http://127.0.0.1:PORT" line.
SERVER_START_SECONDS = 30

#: The server is ours and local: the crawl's politeness delays (2-3 s per
#: request per site) would only make the demo slow. ``--polite`` keeps them.
FAST_CRAWL = (
    *("--set", "DOWNLOAD_DELAY=0", "--set", "AUTOTHROTTLE_ENABLED=false"),
    *("--set", "SXCRAWL_RETRY_BACKOFF_ENABLED=false"),
)

# Exit statuses of `python -m cleaning process` that leave a dataset to show.
PROCESS_OK = (0, 3)

ANALYST_QUERY = """\
SELECT source,
       count(*)                 AS articles,
       min(month)               AS first_month,
       max(month)               AS last_month,
       round(avg(char_count))   AS avg_chars
FROM read_parquet('{records}/**/*.parquet', hive_partitioning = true)
WHERE body LIKE '%党建%'
GROUP BY source
ORDER BY articles DESC, source"""


class DemoError(Exception):
    """A step failed; the message says which and why."""


def step(title: str) -> float:
    print(f"\n== {title}", flush=True)
    return time.monotonic()


def start_server(log: Path) -> tuple[subprocess.Popen[str], str]:
    """The sample server on 127.0.0.1, a free port; returns it and its URL."""
    log.parent.mkdir(parents=True, exist_ok=True)
    server = subprocess.Popen(
        [sys.executable, "-m", "crawler.testing.sampleserver", "--port", "0", "--log", str(log)],
        stdout=subprocess.PIPE,
        text=True,
        cwd=REPO,
    )
    assert server.stdout is not None
    ready, _, _ = select.select([server.stdout], [], [], SERVER_START_SECONDS)
    line = server.stdout.readline().strip() if ready else ""
    if not line.startswith("serving http://127.0.0.1:"):
        stop_server(server)
        raise DemoError(f"the sample server did not start (it said {line!r}; see {log})")
    return server, line.removeprefix("serving ")


def stop_server(server: subprocess.Popen[str]) -> None:
    if server.poll() is None:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def run(command: list[str], what: str, ok: tuple[int, ...] = (0,)) -> int:
    status = subprocess.run(command, cwd=REPO).returncode
    if status not in ok:
        raise DemoError(f"{what} failed with exit status {status}")
    return status


def analyst_query(clean: Path) -> None:
    import duckdb

    sql = ANALYST_QUERY.format(records=(clean / "current" / "records").as_posix())
    print("Which outlets report on party building (党建), and since when:\n")
    print(sql + ";\n")
    result = duckdb.connect().execute(sql)
    header = [column[0] for column in result.description]
    rows = [[("-" if v is None else str(v)) for v in row] for row in result.fetchall()]
    widths = [max(_width(c) for c in column) for column in zip(header, *rows, strict=False)]
    for row in [header, ["-" * w for w in widths], *rows]:
        print("  ".join(_pad(cell, w) for cell, w in zip(row, widths, strict=True)).rstrip())


def _width(text: str) -> int:
    """Display width: CJK characters take two columns."""
    return sum(2 if ord(c) >= 0x2E80 else 1 for c in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--data-dir",
        type=Path,
        default=DEMO_DATA,
        help="where the demo's raw/, state/, logs/ and clean/ go (default: data/demo)",
    )
    parser.add_argument(
        "--polite", action="store_true", help="crawl with the sources' real delays (slower)"
    )
    return parser


def main(argv: list[str]) -> int:
    args = build_parser().parse_args(argv)
    data = args.data_dir.resolve()
    started = time.monotonic()
    print(f"demo data directory: {data} (apart from a deployment's data/)", flush=True)
    server = None
    try:
        step("Serving the sample sites on 127.0.0.1")
        server, url = start_server(data / "logs" / "sampleserver.log")
        print(f"{url} (request log: {data / 'logs' / 'sampleserver.log'})")

        t = step(f"Crawling them through {url} into {data / 'raw'}")
        crawl = [sys.executable, "-m", "crawler", "crawl", "--mirror", url, "--data-dir", str(data)]
        for name in mirrored_sources():
            crawl += ["--source", name]
        run(crawl + ([] if args.polite else list(FAST_CRAWL)), "the crawl")
        print(f"({time.monotonic() - t:.1f} s)")

        t = step(f"Cleaning the archive into {data / 'clean'}")
        process = [sys.executable, "-m", "cleaning", "process", "--data-dir", str(data)]
        run(process, "cleaning", ok=PROCESS_OK)
        print(f"({time.monotonic() - t:.1f} s)")
    except DemoError as exc:
        print(f"\ndemo stopped: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("\ndemo interrupted", file=sys.stderr)
        return 130
    finally:
        if server is not None:
            stop_server(server)
            print("(sample server stopped)")

    step("The dataset, per site")
    run([sys.executable, "-m", "cleaning", "summary", "--data-dir", str(data)], "the summary")

    step("One query an analyst would run (DuckDB)")
    analyst_query(data / "clean")

    print(
        f"\nDone in {time.monotonic() - started:.0f} s. The dataset is in "
        f"{data / 'clean' / 'current'}; README.md, section 'The dataset', shows how to "
        "load it with pandas, pyarrow, DuckDB or polars."
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
