"""What several test files share: plain helpers and constants (fixtures: conftest.py).

- the repository's paths and the sample mirror's manifest;
- the sample pages as the mirror serves them (bytes and ``Content-Type``), as
  ``RawDocument``s, and the articles a polite crawl of the mirror reaches;
- the comparison form of a text (``fold``, ``reference``) and the character
  error rate (``cer``) the seeds' and pages' bounds are written in;
- raw archives: sample articles written to WARC files, and the WARC files a
  crawl left read back;
- the crawl command against the sample server, politeness delays off.
"""

from __future__ import annotations

import collections
import functools
import json
import re
import subprocess
import sys
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from urllib.robotparser import RobotFileParser

from rapidfuzz.distance import Levenshtein

from cleaning.batch.rawio import write_warc
from cleaning.record import RawDocument
from crawler.testing.sampleserver import (
    DEFAULT_ROOT,
    HostConfig,
    SampleServer,
    load_mirror,
    served_content_type,
)

REPO = Path(__file__).resolve().parents[1]
#: The sample mirror: ``manifest.json``, ``sites/<host>/``, ``mirror/<host>.toml``, ``seeds/``.
SAMPLES = DEFAULT_ROOT
#: The five seed documents and their hand-checked gold (copies of ../shared's).
SEEDS = SAMPLES / "seeds"
#: Every page of the mirror: url, file, kind (article, listing, ...), cases, seed.
MANIFEST: list[dict[str, Any]] = json.loads((SAMPLES / "manifest.json").read_text(encoding="utf-8"))
ARTICLES = [e for e in MANIFEST if e["kind"] == "article"]


# --- the sample pages -----------------------------------------------------------------


@functools.cache
def _mirror() -> dict[str, HostConfig]:
    return load_mirror(SAMPLES)


def served(entry: dict[str, Any]) -> tuple[bytes, dict[str, str]]:
    """A manifest page's bytes and the ``Content-Type`` the mirror serves them with."""
    parts = urlsplit(entry["url"])
    path = f"{parts.path}?{parts.query}" if parts.query else parts.path
    file = SAMPLES / entry["file"]
    content_type = served_content_type(_mirror()[parts.hostname or ""], path, file)
    return file.read_bytes(), {"Content-Type": content_type}


def sample_articles() -> list[RawDocument]:
    """The sample articles not built on a seed, as served, in manifest order.

    The seeds' pages are left out: repairing their damage is the slow part of
    cleaning, and the batch tests that use these are about the batch around it.
    """
    documents = []
    for entry in ARTICLES:
        if not entry.get("seed"):
            body, headers = served(entry)
            documents.append(RawDocument(body, entry["url"], headers))
    return documents


def crawlable_articles() -> dict[str, dict[str, Any]]:
    """Manifest entries (by URL) of the article pages a polite crawl reaches:
    those its host's robots.txt allows."""
    robots: dict[str, RobotFileParser] = {}
    articles = {}
    for entry in ARTICLES:
        host = urlsplit(entry["url"]).hostname or ""
        if host not in robots:
            parser = RobotFileParser()
            path = SAMPLES / "sites" / host / "robots.txt"
            parser.parse(path.read_text().splitlines() if path.exists() else [])
            robots[host] = parser
        if robots[host].can_fetch("*", entry["url"]):
            articles[entry["url"]] = entry
    return articles


# --- comparing texts ------------------------------------------------------------------


def fold(text: str | None) -> str:
    """The gold's comparison form: NFKC (full- and half-width punctuation alike),
    every run of white space one space, ends stripped; ``None`` as ``""``."""
    return " ".join(unicodedata.normalize("NFKC", text or "").split())


#: A pinyin reading in parentheses after its characters: ``(jīn )``.
_READING = re.compile(r"\([a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü]{1,7} ?\)")


@functools.cache
def _t2s() -> Any:
    from opencc import OpenCC

    return OpenCC("t2s")


def reference(text: str | None) -> str:
    """Readings dropped, t2s, then ``fold``: the form in which a page's structure is
    compared without its text repairs (the traditional-script samples and seeds)."""
    return fold(_t2s().convert(_READING.sub("", text or "")))


def cer(got: str | None, want: str | None, form: Callable[[str | None], str] = fold) -> float:
    """Character error rate of ``got`` against ``want``, both in ``form``."""
    expected = form(want)
    return Levenshtein.distance(form(got), expected) / max(1, len(expected))


#: Body CER allowed against an expected record after ``reference``: 0.002 (the
#: seed target) for pages without byte damage; the two seeds carrying
#: misaligned-GBK damage (001, 003) keep the damage until repair_text's
#: misaligned repair runs.
CER_CLEAN = 0.002
CER_DAMAGED = 0.06
DAMAGED = {"001_1b6f85196a04fcb8", "003_707599d25000a410"}


# --- raw archives ---------------------------------------------------------------------

#: Sample pages ``build_archive`` also saves as plain .html files (plus one
#: plain-text work report).
SAVED_PAGES = 2
#: The seed saved as the plain-text work report: it carries no text damage.
CLEAN_SEED = "004_e6f5a85ba3fff0de.txt"


def sample_copies(count: int, *, first_as_is: bool = False) -> list[RawDocument]:
    """``count`` documents cycling through ``sample_articles()``, each under a URL of
    its own (``?copy=N``); with ``first_as_is`` the first round keeps the real URLs."""
    articles = sample_articles()
    rounds = (count + len(articles) - 1) // len(articles)
    return [
        RawDocument(a.body, a.url if n == 0 and first_as_is else f"{a.url}?copy={n}", a.headers)
        for n in range(rounds)
        for a in articles
    ][:count]


def write_warcs(
    directory: Path, documents: Sequence[RawDocument], per_file: int, stem: str
) -> dict[Path, list[int]]:
    """``documents`` written ``per_file`` to a WARC file (``stem-000000.warc.gz``, ...
    numbered by the first document's index); each file's record offsets."""
    directory.mkdir(parents=True, exist_ok=True)
    written = {}
    for start in range(0, len(documents), per_file):
        path = directory / f"{stem}-{start:06d}.warc.gz"
        written[path] = write_warc(path, documents[start : start + per_file])
    return written


def build_archive(raw: Path, copies: int = 1, per_file: int = 16) -> int:
    """A raw archive as cron's would be: WARC files of the sample articles
    (``copies`` times, distinct URLs) under ``raw/samples``, and saved pages
    under ``raw/saved``. Returns the number of documents."""
    articles = sample_articles()
    documents = sample_copies(copies * len(articles), first_as_is=True)
    write_warcs(raw / "samples", documents, per_file, "samples")
    (raw / "saved").mkdir(exist_ok=True)
    for n, article in enumerate(articles[:SAVED_PAGES]):
        (raw / "saved" / f"page-{n}.html").write_bytes(article.body)
    (raw / "saved" / "report.txt").write_bytes((SEEDS / CLEAN_SEED).read_bytes())
    return len(documents) + SAVED_PAGES + 1


def warc_records(data: Path, source: str = "*") -> list[dict[str, Any]]:
    """Every record of every closed WARC file under ``data/raw/<source>/``, read back
    with warcio: its file, type, URL, ids, source, HTTP headers and body."""
    from warcio.archiveiterator import ArchiveIterator

    out = []
    for path in sorted((data / "raw").glob(f"{source}/*.warc.gz")):
        with path.open("rb") as fh:
            for record in ArchiveIterator(fh):
                http = record.http_headers
                out.append(
                    {
                        "file": path,
                        "type": record.rec_type,
                        "url": record.rec_headers.get_header("WARC-Target-URI"),
                        "id": record.rec_headers.get_header("WARC-Record-ID"),
                        "concurrent": record.rec_headers.get_header("WARC-Concurrent-To"),
                        "source": record.rec_headers.get_header("WARC-Source"),
                        "content_type": http.get_header("Content-Type") if http else None,
                        "user_agent": http.get_header("User-Agent") if http else None,
                        "body": record.raw_stream.read(),
                    }
                )
    return out


def responses(data: Path, source: str = "*") -> collections.Counter[str]:
    """How many times each URL is archived as a response under ``data/raw/<source>/``."""
    return collections.Counter(
        r["url"] for r in warc_records(data, source) if r["type"] == "response"
    )


# --- the cleaning command and its dataset --------------------------------------------


def cleaning_cli(data: Path, *args: str, timeout: float = 240) -> subprocess.CompletedProcess[str]:
    """``python -m cleaning ARGS --data-dir DATA`` in a child process, from ``data``."""
    return subprocess.run(
        [sys.executable, "-m", "cleaning", *args, "--data-dir", str(data)],
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=data,
    )


def snapshot(root: Path) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The published records and errors of the dataset at ``root``, in a stable order."""
    from cleaning.batch.read import errors_table, records_dataset

    records = records_dataset(root).to_table().to_pylist()
    errors = errors_table(root).to_pylist()
    return (
        sorted(records, key=lambda r: r["doc_id"]),
        sorted(errors, key=lambda e: (e["raw_file"], e["raw_offset"] or 0)),
    )


def tree(root: Path) -> dict[str, tuple[int, int]]:
    """Every file under the dataset with its size and modification time (the lock aside)."""
    return {
        str(p.relative_to(root)): (p.stat().st_size, p.stat().st_mtime_ns)
        for p in root.rglob("*")
        if p.is_file() and p.name != ".lock"
    }


# --- crawling the sample server -------------------------------------------------------

#: Politeness off for crawls of the sample server: no delay, no throttle, no
#: wait before a retry.
FAST = [
    *("--set", "DOWNLOAD_DELAY=0", "--set", "AUTOTHROTTLE_ENABLED=false"),
    *("--set", "SXCRAWL_RETRY_BACKOFF_ENABLED=false"),
]
#: Longest a crawl of the sample mirror may take before a test gives up (seconds).
CRAWL_TIMEOUT = 120


def crawl_command(*args: str) -> list[str]:
    """``python -m crawler crawl ARGS`` as cron runs it."""
    return [sys.executable, "-m", "crawler", "crawl", *args]


def crawl(
    server: SampleServer, data: Path, *extra: str, settings: Iterable[str] = FAST
) -> subprocess.CompletedProcess[str]:
    """A crawl of ``server`` into ``data`` in a child process, from the project root."""
    return subprocess.run(
        crawl_command("--mirror", server.url, "--data-dir", str(data), *settings, *extra),
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=CRAWL_TIMEOUT,
    )
