"""Reading the published dataset: versions, manifests, state, records, errors, summary.

Nothing here writes: analysts' tools and ``python -m cleaning summary``
import this module without the writer (staging, merge, publish).
"""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.dataset as pads
import pyarrow.parquet as pq

from cleaning.batch.layout import (
    CURRENT,
    DATASET_SCHEMA,
    ERRORS,
    MANIFEST,
    RECORDS,
    ROW_GROUP_ROWS,
    STATE,
    STATE_FILE,
    STATE_SCHEMA,
    VERSIONS,
    ProcessedFile,
)
from cleaning.record import ERROR_SCHEMA


def current_version(root: Path) -> Path | None:
    """The directory of the published version, or ``None`` before the first run."""
    link = root / CURRENT
    if not link.is_symlink() and not link.exists():
        return None
    target = link.resolve()
    return target if (target / MANIFEST).is_file() else None


def read_manifest(version: Path) -> dict[str, Any]:
    """A version's manifest (run, parent, counts, cleaner versions, schema fingerprint)."""
    manifest: dict[str, Any] = json.loads((version / MANIFEST).read_text(encoding="utf-8"))
    return manifest


def kept_versions(root: Path) -> list[Path]:
    """Every complete version on disk, oldest first (names sort by creation time)."""
    versions = root / VERSIONS
    if not versions.is_dir():
        return []
    return sorted(v for v in versions.iterdir() if (v / MANIFEST).is_file())


def load_state(version: Path | None) -> dict[str, ProcessedFile]:
    """The raw files a version has seen, by name (older state files are filled in)."""
    if version is None:
        return {}
    path = version / STATE / STATE_FILE
    if not path.exists():
        return {}
    table = pq.read_table(path)
    for name in STATE_SCHEMA.names:
        if name not in table.column_names:  # a state written before the column existed
            table = table.append_column(name, pa.nulls(table.num_rows, pa.int64()))
    state = {}
    for row in table.select(STATE_SCHEMA.names).to_pylist():
        known = {k: v for k, v in row.items() if v is not None}
        state[row["raw_file"]] = ProcessedFile(**known)
    return state


def records_dataset(root: Path) -> pads.Dataset:
    """The published records as a pyarrow dataset, pinned to the current version.

    Resolved once: a reader keeps reading the version it opened even when a
    run publishes another meanwhile (versions are kept, see ``prune``).
    """
    version = current_version(root)
    if version is None:
        raise FileNotFoundError(f"no dataset at {root}: run `python -m cleaning process` first")
    return pads.dataset(version / RECORDS, format="parquet", schema=DATASET_SCHEMA)


def errors_table(root: Path) -> pa.Table:
    """The published errors table (documents that did not become records)."""
    version = current_version(root)
    if version is None:
        raise FileNotFoundError(f"no dataset at {root}: run `python -m cleaning process` first")
    files = sorted((version / ERRORS).glob("*.parquet"))
    if not files:
        return ERROR_SCHEMA.empty_table()
    return pa.concat_tables(pq.read_table(f, schema=ERROR_SCHEMA) for f in files)


@dataclass(slots=True)
class SiteSummary:
    """One site's line in the summary table."""

    site: str
    articles: int = 0
    first: dt.datetime | None = None
    last: dt.datetime | None = None
    undated: int = 0
    repairs: Counter[str] = field(default_factory=Counter)


def site_summary(root: Path) -> list[SiteSummary]:
    """Per site: articles, publication date range, repairs fired (streamed, no bodies)."""
    sites: dict[str, SiteSummary] = {}
    scanner = records_dataset(root).scanner(
        columns=["site", "published_at", "repairs"], batch_size=ROW_GROUP_ROWS
    )
    for batch in scanner.to_batches():
        for row in batch.to_pylist():
            summary = sites.setdefault(row["site"], SiteSummary(row["site"]))
            summary.articles += 1
            summary.repairs.update(row["repairs"] or ())
            published = row["published_at"]
            if published is None:
                summary.undated += 1
                continue
            summary.first = published if summary.first is None else min(summary.first, published)
            summary.last = published if summary.last is None else max(summary.last, published)
    return [sites[s] for s in sorted(sites)]
