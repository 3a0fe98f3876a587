"""Building the next version in staging: a run's rows merged into the current version's.

Each article once: ``doc_id`` is unique over the whole dataset, whatever
site or month a row lands in (a record that moved site, because the site
mapping changed, or month, because its date was corrected, replaces its
older row wherever that is). The latest fetch wins (``fetched_at``; ties go
to the later raw file and offset, then to this run). Partitions the run
does not touch are hard-linked from the current version.

Memory: the key columns (``doc_id``, ``fetched_at``, ``raw_file``,
``raw_offset``) of the run's rows, plus those of the old rows that share a
``doc_id`` with them, as Arrow arrays (~60 bytes a row); then one partition
at a time.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import asdict
from pathlib import Path
from urllib.parse import unquote

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from cleaning.batch.layout import (
    COMPRESSION,
    COMPRESSION_LEVEL,
    DATASET_SCHEMA,
    ERRORS,
    FILE_ROWS,
    LAYOUT_VERSION,
    MANIFEST,
    RECORDS,
    ROW_GROUP_ROWS,
    STAGING,
    STATE,
    STATE_FILE,
    STATE_SCHEMA,
    UNDATED_DIR,
    ProcessedFile,
    partition_path,
    schema_fingerprint,
)
from cleaning.batch.staging import PartitionKey, Spills
from cleaning.record import ERROR_SCHEMA

_KEY_COLUMNS = ["doc_id", "fetched_at", "raw_file", "raw_offset"]
# Sort key of a fetch that has no time: older than every real fetch.
_NO_TIME = -(2**63)


def build_version(
    root: Path,
    run_id: str,
    base: Path | None,
    spills: Spills,
    state: Iterable[ProcessedFile],
    replaced: frozenset[str],
    mode: str,
) -> Path:
    """Build the next version in staging from ``base`` (or nothing) and a run's spills.

    Rows of ``replaced`` raw files (cleaned again by this run) leave the
    dataset first; then each ``doc_id`` keeps its latest fetch. Returns the
    built directory, ready for ``publish``.
    """
    out = root / STAGING / run_id / "version"
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    old = _partitions(base / RECORDS) if base is not None else {}
    record_count, written = _merge_records(old, spills.records, replaced, out / RECORDS)
    (out / RECORDS).mkdir(exist_ok=True)
    error_count, files = _merge_errors(base, spills.errors, replaced, out / ERRORS, run_id)
    written.extend(files)
    files_seen = sorted(state, key=lambda p: p.raw_file)
    (out / STATE).mkdir()
    state_path = out / STATE / STATE_FILE
    state_rows = [asdict(p) for p in files_seen]
    pq.write_table(pa.Table.from_pylist(state_rows, schema=STATE_SCHEMA), state_path)
    written.append(state_path)
    processed = [p for p in files_seen if p.is_processed]
    manifest = {
        "version": run_id,
        "mode": mode,
        "created_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "parent": base.name if base is not None else None,
        "records": record_count,
        "errors": error_count,
        "raw_files": len(processed),
        "pending_raw_files": len(files_seen) - len(processed),
        "schema": schema_fingerprint(),
        "layout": LAYOUT_VERSION,
        "cleaner_versions": sorted({p.cleaner_version for p in processed}),
    }
    manifest_path = out / MANIFEST
    manifest_path.write_text(json.dumps(manifest, indent=1, ensure_ascii=False) + "\n")
    written.append(manifest_path)
    for path in written:
        fsync_file(path)
    for directory in sorted({p.parent for p in written}, key=lambda p: -len(p.parts)):
        fsync_dir(directory)
    return out


def _partitions(records_dir: Path) -> dict[PartitionKey, list[Path]]:
    found: dict[PartitionKey, list[Path]] = defaultdict(list)
    if not records_dir.is_dir():
        return found
    for path in sorted(records_dir.glob("*/*/*.parquet")):
        site = unquote(path.parent.parent.name)
        month = None if path.parent.name == UNDATED_DIR else path.parent.name
        found[(site, month)].append(path)
    return found


def _order(key: PartitionKey) -> tuple[str, str]:
    return key[0], key[1] or ""


def _keys(table: pa.Table, source: int, staged: int) -> pa.Table:
    """The sort keys of ``table``'s rows, tagged with their file and row number."""
    n = table.num_rows
    return pa.table(
        {
            "doc_id": table.column("doc_id"),
            "fetched": table.column("fetched_at").cast(pa.int64()).fill_null(_NO_TIME),
            "raw_file": table.column("raw_file").fill_null(""),
            "raw_offset": table.column("raw_offset").fill_null(-1),
            "staged": pa.array([staged] * n, pa.int8()),
            "source": pa.array([source] * n, pa.int32()),
            "row": pa.array(range(n), pa.int64()),
        }
    )


def _losers(keys: list[pa.Table]) -> dict[int, pa.Array]:
    """Per source file, the rows whose ``doc_id`` has a later fetch elsewhere."""
    if not keys:
        return {}
    table = pa.concat_tables(keys)
    order = pc.sort_indices(
        table,
        sort_keys=[
            ("doc_id", "ascending"),
            ("fetched", "descending"),
            ("raw_file", "descending"),
            ("raw_offset", "descending"),
            ("staged", "descending"),
            ("source", "descending"),
            ("row", "descending"),
        ],
    )
    table = table.take(order)
    ids = table.column("doc_id")
    if table.num_rows < 2:
        return {}
    repeat = pc.equal(ids.slice(1), ids.slice(0, table.num_rows - 1))
    lost = pa.concat_arrays([pa.array([False]), repeat.combine_chunks()])
    losers = table.filter(lost)
    result: dict[int, pa.Array] = {}
    for source in pc.unique(losers.column("source")).to_pylist():
        mine = losers.filter(pc.equal(losers.column("source"), source))
        result[source] = mine.column("row").combine_chunks()
    return result


def _replaced_mask(table: pa.Table, replaced: frozenset[str]) -> pa.Array:
    if not replaced:
        return pa.array([False] * table.num_rows, pa.bool_())
    gone = pc.is_in(table.column("raw_file"), value_set=pa.array(sorted(replaced), pa.string()))
    return pc.fill_null(gone, False)


def _merge_records(
    old: Mapping[PartitionKey, list[Path]],
    staged: Mapping[PartitionKey, list[Path]],
    replaced: frozenset[str],
    records_dir: Path,
) -> tuple[int, list[Path]]:
    """Merge staged rows into the old partitions; returns (rows, files written)."""
    sources: list[tuple[PartitionKey, Path, int]] = []
    keys: list[pa.Table] = []
    affected: set[PartitionKey] = set()
    for key in sorted(staged, key=_order):
        for path in staged[key]:
            keys.append(_keys(_read(path, _KEY_COLUMNS), len(sources), staged=1))
            sources.append((key, path, 1))
            affected.add(key)
    new_ids = pc.unique(pa.chunked_array([k.column("doc_id") for k in keys], pa.string()))
    for key in sorted(old, key=_order):
        for path in old[key]:
            source = len(sources)
            sources.append((key, path, 0))
            if not len(new_ids) and not replaced:
                continue
            table = _read(path, _KEY_COLUMNS)
            gone = _replaced_mask(table, replaced)
            if pc.any(gone).as_py():
                affected.add(key)
            tagged = _keys(table, source, staged=0)
            clash = pc.and_(pc.invert(gone), pc.is_in(table.column("doc_id"), value_set=new_ids))
            if pc.any(clash).as_py():
                affected.add(key)
                keys.append(tagged.filter(clash))
    losers = _losers(keys)
    by_key: dict[PartitionKey, list[tuple[int, Path, int]]] = defaultdict(list)
    for source, (key, path, is_staged) in enumerate(sources):
        by_key[key].append((source, path, is_staged))
    rows = 0
    written: list[Path] = []
    for key in sorted(by_key, key=_order):
        target = records_dir / partition_path(*key)
        if key not in affected:
            rows += _link_all([path for _, path, _ in by_key[key]], target)
            continue
        tables = []
        for source, path, is_staged in by_key[key]:
            table = _read(path)
            keep = pc.invert(_replaced_mask(table, replaced)) if not is_staged else None
            if source in losers:
                beaten = pc.is_in(pa.array(range(table.num_rows), pa.int64()), losers[source])
                won = pc.invert(beaten)
                keep = won if keep is None else pc.and_(keep, won)
            if keep is not None:
                table = table.filter(keep)
            tables.append(table.cast(DATASET_SCHEMA) if table.schema != DATASET_SCHEMA else table)
        merged = pa.concat_tables(tables) if tables else DATASET_SCHEMA.empty_table()
        rows += merged.num_rows
        written.extend(_write_partition(merged, target))
    return rows, written


def _read(path: Path, columns: list[str] | None = None) -> pa.Table:
    """One Parquet file as written: no partition columns guessed from its path.

    ``ParquetFile`` rather than ``read_table``: no dataset discovery, which
    costs ~3 ms a call, most of the time of a staging file's read.
    """
    with pq.ParquetFile(path) as parquet:
        return parquet.read(columns=columns)


def _write_partition(table: pa.Table, target: Path) -> list[Path]:
    if table.num_rows == 0:
        return []
    order = pc.sort_indices(
        table, sort_keys=[("published_at", "ascending"), ("doc_id", "ascending")]
    )
    table = table.take(order).replace_schema_metadata(None)
    target.mkdir(parents=True, exist_ok=True)
    written = []
    for n, start in enumerate(range(0, table.num_rows, FILE_ROWS)):
        path = target / f"part-{n}.parquet"
        pq.write_table(
            table.slice(start, FILE_ROWS),
            path,
            compression=COMPRESSION,
            compression_level=COMPRESSION_LEVEL,
            row_group_size=ROW_GROUP_ROWS,
        )
        written.append(path)
    return written


def _link_all(paths: Iterable[Path], target: Path) -> int:
    """Hard-link unchanged files into the new version; returns their row count."""
    target.mkdir(parents=True, exist_ok=True)
    rows = 0
    for path in paths:
        _link(path, target / path.name)
        rows += pq.read_metadata(path).num_rows
    return rows


def _link(source: Path, target: Path) -> None:
    try:
        os.link(source, target)
    except OSError:
        shutil.copy2(source, target)  # a file system without hard links


def _merge_errors(
    base: Path | None,
    spilled: list[Path],
    replaced: frozenset[str],
    errors_dir: Path,
    run_id: str,
) -> tuple[int, list[Path]]:
    errors_dir.mkdir(parents=True)
    rows = 0
    written: list[Path] = []
    old = sorted((base / ERRORS).glob("*.parquet")) if base is not None else []
    for path in old:
        table = pq.read_table(path, schema=ERROR_SCHEMA)
        kept = table.filter(pc.invert(_replaced_mask(table, replaced)))
        if kept.num_rows == table.num_rows:
            rows += _link_all([path], errors_dir)
        elif kept.num_rows:
            rows += kept.num_rows
            written.append(_write_errors(kept, errors_dir / path.name))
    if spilled or not any(errors_dir.iterdir()):
        # Written even when empty: readers globbing errors/*.parquet find a table.
        tables = [pq.read_table(p, schema=ERROR_SCHEMA) for p in spilled]
        new = pa.concat_tables(tables) if tables else ERROR_SCHEMA.empty_table()
        rows += new.num_rows
        written.append(_write_errors(new, errors_dir / f"part-{run_id}.parquet"))
    return rows, written


def _write_errors(table: pa.Table, path: Path) -> Path:
    order = pc.sort_indices(
        table, sort_keys=[("raw_file", "ascending"), ("raw_offset", "ascending")]
    )
    pq.write_table(table.take(order), path, compression=COMPRESSION)
    return path


def fsync_file(path: Path) -> None:
    """Flush a file's data to disk."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def fsync_dir(path: Path) -> None:
    """Flush a directory's entries (names created or renamed in it) to disk."""
    fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
