"""Syndication grouping: quality on the labelled pairs, time and memory at scale.

1. Precision and recall of the groups on the labelled pairs of
   ``syndication_pairs.py`` (copies of the sample articles as reposting
   sites make them, and different articles on one subject or event), at
   the calibrated threshold and around it, and the recall by kind of copy.
2. ``update_version`` over a synthetic dataset of 10,000 and 100,000
   documents (bodies of 800 to 2,400 characters drawn from the sample
   articles' characters, one in ten a copy of an earlier one with an
   editor's line and a cut tail; four sites, a file of about 1,000 rows
   a site a month, so a larger corpus has more months), each in a fresh
   process: a first pass hashing every body, then the next version's pass
   with 1% new documents, which reuses the cached signatures. Prints time,
   peak memory (the process's maximum resident set, less the same process
   importing the modules only) and memory extrapolated to 10^6 documents
   from the growth between the two sizes.

Usage: ``python bench/bench_syndication.py [--sizes 10000 100000] [--skip-scale]``
(or ``make bench ARGS=syndication``).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from bench.syndication_pairs import build  # noqa: E402
from cleaning.batch import syndication  # noqa: E402

#: The issue's targets.
TARGET_PRECISION = 0.95
TARGET_RECALL = 0.90
TARGET_MB_AT_MILLION = 1024

#: Share of the synthetic documents that are copies of an earlier one.
COPY_SHARE = 0.1

#: Sites of the synthetic dataset, and the rows a site has a month: the
#: files stay the same size as the corpus grows, as real partitions do.
SITES = 4
ROWS_PER_FILE = 1_000

#: Share of new documents in the second pass (an incremental run).
NEW_SHARE = 0.01

# Builds a synthetic version (records only) in a fresh process.
BUILD = """
import sys
sys.path.insert(0, sys.argv[3])
from bench.bench_syndication import write_synthetic
from pathlib import Path
write_synthetic(Path(sys.argv[1]), int(sys.argv[2]), int(sys.argv[4]), span=int(sys.argv[5]))
"""

# Runs update_version in a fresh process and prints its figures as JSON.
MEASURE = """
import json, resource, sys, time
from pathlib import Path
from cleaning.batch import syndication
import pyarrow, numpy, scipy.sparse.csgraph, datasketch
base_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
version = Path(sys.argv[1])
cache = Path(sys.argv[2]) if sys.argv[2] != "-" else None
if sys.argv[3] == "import-only":
    print(json.dumps({"base_kb": base_kb}))
    sys.exit(0)
before = resource.getrusage(resource.RUSAGE_SELF)
cpu_before = before.ru_utime + before.ru_stime
started = time.perf_counter()
stats = syndication.update_version(version, cache_from=cache)
usage = resource.getrusage(resource.RUSAGE_SELF)
print(json.dumps({
    "seconds": time.perf_counter() - started,
    "cpu": usage.ru_utime + usage.ru_stime - cpu_before,
    "peak_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
    "base_kb": base_kb,
    "documents": stats.documents, "bodies": stats.bodies, "hashed": stats.hashed,
    "groups": stats.groups, "grouped": stats.grouped, "rewritten": stats.rewritten,
}))
"""


def quality() -> None:
    documents, pairs = build()
    positives = sum(p.same for p in pairs)
    print(
        f"labelled pairs: {positives} copies, {len(pairs) - positives} different articles "
        f"({len(documents)} documents; bench/syndication_pairs.py)"
    )
    print(f"  {'threshold':>9}  {'precision':>9}  {'recall':>6}  false joins  missed copies")
    chosen: dict[str, tuple[str, int]] = {}
    for threshold in (0.3, 0.35, 0.4, 0.45, 0.5, 0.6):
        groups = group_documents_timed(documents, threshold)
        if threshold == syndication.THRESHOLD:
            chosen = groups
        joined = [groups[p.a][0] == groups[p.b][0] for p in pairs]
        tp = sum(1 for p, j in zip(pairs, joined, strict=True) if p.same and j)
        fp = sum(1 for p, j in zip(pairs, joined, strict=True) if not p.same and j)
        mark = "  <- THRESHOLD" if threshold == syndication.THRESHOLD else ""
        print(
            f"  {threshold:>9.2f}  {tp / max(1, tp + fp):>9.3f}  {tp / positives:>6.3f}  "
            f"{fp:>11}  {positives - tp:>13}{mark}"
        )
    by_kind: dict[str, list[bool]] = defaultdict(list)
    for p in pairs:
        by_kind[p.kind.split("+")[-1] if p.same else p.kind].append(
            chosen[p.a][0] == chosen[p.b][0]
        )
    print("  at the threshold, share joined by kind:")
    for kind, joined_kind in sorted(by_kind.items()):
        print(f"    {kind:<18} {sum(joined_kind) / len(joined_kind):>6.3f}  of {len(joined_kind)}")


def group_documents_timed(
    documents: list[syndication.Document], threshold: float
) -> dict[str, tuple[str, int]]:
    return syndication.group_documents(documents, threshold)


def write_synthetic(
    root: Path, count: int, start: int = 0, seed: int = 7, span: int | None = None
) -> None:
    """A version directory of ``count`` synthetic records (``records/`` only),
    dated over as many months as ``span`` documents (default ``count``) fill."""
    import datetime as dt
    import hashlib
    import json as _json

    import numpy as np
    import pyarrow as pa
    import pyarrow.parquet as pq

    from cleaning.batch.layout import DATASET_SCHEMA, partition_path

    rng = np.random.default_rng(seed + start)
    text = "".join(
        _json.loads(p.read_text(encoding="utf-8"))["body"]
        for p in sorted((REPO / "data" / "samples" / "expected").rglob("*.json"))
    )
    codes = np.frombuffer(text.replace("\n", "").encode("utf-32-le"), dtype=np.uint32)
    chars, counts = np.unique(codes, return_counts=True)
    weights = counts / counts.sum()
    lengths = rng.integers(800, 2400, count)
    bodies: list[str] = []
    flat, offset = "", 0
    for n, length in enumerate(lengths):
        if offset + length > len(flat):  # characters for the next thousand bodies
            drawn = chars[rng.choice(len(chars), size=int(lengths[n : n + 1000].sum()), p=weights)]
            flat, offset = drawn.astype("<u4").tobytes().decode("utf-32-le"), 0
        body = flat[offset : offset + length]
        offset += length
        if n and rng.random() < COPY_SHARE:
            original = bodies[int(rng.integers(0, n))]
            cut = int(len(original) * rng.uniform(0.6, 0.95))
            body = original[:cut] + "（责任编辑：张晓燕）"
        paragraphs = [body[i : i + 200] for i in range(0, len(body), 200)]
        bodies.append("\n".join(paragraphs))
    # A corpus grows by months: four sites, about ROWS_PER_FILE rows a month each.
    epoch = dt.datetime(2020, 1, 1, tzinfo=dt.UTC)
    months = max(1, -(-(span or count) // (SITES * ROWS_PER_FILE)))
    published = [
        epoch + dt.timedelta(minutes=int(m)) for m in rng.integers(0, months * 30 * 1440, count)
    ]
    rows: dict[tuple[str, str], list[int]] = defaultdict(list)
    for n in range(count):
        site = f"site{n % SITES}"
        rows[(site, published[n].strftime("%Y-%m"))].append(n)
    for (site, month), members in rows.items():
        ids = [f"{start + n:016x}" for n in members]
        columns = {
            "doc_id": ids,
            "url": [f"http://{site}.example.test/{i}.html" for i in ids],
            "site": [site] * len(members),
            "title": [f"标题{i}" for i in ids],
            "published_at": [published[n] for n in members],
            "tags": [[] for _ in members],
            "stocks": [[] for _ in members],
            "body": [bodies[n] for n in members],
            "script": ["simplified"] * len(members),
            "encoding": ["utf-8"] * len(members),
            "repairs": [[] for _ in members],
            "char_count": [len(bodies[n]) for n in members],
            "word_count": [len(bodies[n]) // 2 for n in members],
            "content_hash": [hashlib.sha256(bodies[n].encode()).hexdigest() for n in members],
            "cleaner_version": ["bench"] * len(members),
            "dup_group": ids,
            "dup_count": [1] * len(members),
            "month": [month] * len(members),
        }
        table = pa.table(
            {
                f.name: pa.array(columns.get(f.name, [None] * len(members)), f.type)
                for f in DATASET_SCHEMA
            },
            schema=DATASET_SCHEMA,
        )
        target = root / "records" / partition_path(site, month)
        target.mkdir(parents=True, exist_ok=True)
        pq.write_table(table, target / f"part-{start}.parquet", compression="zstd")


def _child(code: str, *args: str) -> dict[str, float]:
    out = subprocess.run(
        [sys.executable, "-c", code, *args],
        capture_output=True,
        text=True,
        check=True,
        cwd=REPO,
    )
    result: dict[str, float] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


def scale(sizes: list[int]) -> None:
    print(
        f"\nupdate_version on synthetic datasets ({COPY_SHARE:.0%} copies; "
        f"second pass: {NEW_SHARE:.0%} new documents, cached signatures)"
    )
    header = (
        f"  {'documents':>9}  {'first pass':>10}  {'CPU':>7}  {'CPU/doc':>7}  {'peak MB':>7}  "
        f"{'over base':>9}  {'groups':>6}  {'next pass':>9}  {'rewritten':>9}"
    )
    print(header)
    growth: list[tuple[int, float]] = []
    base = None
    for size in sizes:
        with tempfile.TemporaryDirectory(prefix="bench-syndication-") as tmp:
            first = Path(tmp) / "v1"
            subprocess.run(
                [sys.executable, "-c", BUILD, str(first), str(size), str(REPO), "0", str(size)],
                check=True,
                cwd=REPO,
            )
            if base is None:
                base = _child(MEASURE, str(first), "-", "import-only")["base_kb"]
            cold = _child(MEASURE, str(first), "-", "run")
            second = Path(tmp) / "v2"
            subprocess.run(["cp", "-al", str(first), str(second)], check=True)
            new = max(1, int(size * NEW_SHARE))
            subprocess.run(
                [
                    sys.executable,
                    "-c",
                    BUILD,
                    str(second),
                    str(new),
                    str(REPO),
                    str(size),
                    str(size),
                ],
                check=True,
                cwd=REPO,
            )
            warm = _child(MEASURE, str(second), str(first), "run")
        over = (cold["peak_kb"] - base) / 1024
        growth.append((size, cold["peak_kb"] / 1024))
        print(
            f"  {size:>9,}  {cold['seconds']:>9.1f}s  {cold['cpu']:>6.1f}s  "
            f"{cold['cpu'] / size * 1e3:>5.2f}ms  "
            f"{cold['peak_kb'] / 1024:>7.0f}  {over:>9.0f}  {int(cold['groups']):>6,}  "
            f"{warm['seconds']:>8.1f}s  {int(warm['rewritten']):>9,}"
        )
        print(
            f"  {'':>9}  (next pass hashed {int(warm['hashed']):,} of "
            f"{int(warm['bodies']):,} bodies)"
        )
    if len(growth) >= 2:
        (n1, m1), (n2, m2) = growth[0], growth[-1]
        per_doc_kb = (m2 - m1) * 1024 / (n2 - n1)
        million = m2 + (1_000_000 - n2) * per_doc_kb / 1024
        verdict = "under" if million < TARGET_MB_AT_MILLION else "OVER"
        print(
            f"  memory grows {per_doc_kb * 1024:,.0f} bytes a document: about "
            f"{million:,.0f} MB at 1,000,000 documents ({verdict} the "
            f"{TARGET_MB_AT_MILLION:,} MB target)"
        )
    print(f"  (base: the process with the modules imported, {(base or 0) / 1024:.0f} MB)")


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--skip-scale", action="store_true", help="the labelled pairs only")
    # Under bench/run.py the arguments include run.py's own (benchmark names).
    args, _ = parser.parse_known_args(argv)
    started = time.perf_counter()
    quality()
    print(f"  ({time.perf_counter() - started:.1f} s)")
    if not args.skip_scale:
        scale(sorted(args.sizes))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
