"""Syndication groups: the copies of one article across the dataset (MinHash + LSH).

The corpus is syndicated: one 经济日报 or 新华社 article appears on a portal,
a finance mirror and several content farms, in both scripts, each copy with
its own furniture, an editor's line added, a tail cut or a paragraph
dropped. Every record names its group: ``dup_group`` is the ``doc_id`` of
the group's earliest-published member (undated ones after dated ones, ties
to the smaller ``doc_id``) and ``dup_count`` the group's size, 1 for an
article no copy of which was found. Counting groups counts articles;
counting rows counts copies.

How copies are found (datasketch's MinHash; banding as its ``MinHashLSH``):

1. ``fold``: the body in simplified script, full-width letters and digits
   narrowed, lower case, and nothing but letters and digits: copies that
   differ by punctuation, spaces, paragraph breaks or script fold the same.
2. shingles: every run of ``SHINGLE_CHARS`` characters of the folded text,
   each hashed to 32 bits.
3. MinHash: ``NUM_PERM`` permutations of the hashes, the minimum of each; the
   share of equal positions of two signatures estimates the Jaccard
   similarity of the two shingle sets.
4. LSH: each signature cut into ``BANDS`` bands of ``ROWS`` values; bodies
   that agree on a whole band are candidates (each candidate is compared
   with the first body of its bucket, so a bucket costs its size, never its
   square), and a candidate pair is kept when its estimated similarity is at
   least ``THRESHOLD``.
5. groups: the connected components of the kept pairs; equal bodies
   (``content_hash``) are one body from the start.

This runs once per published version, over the whole dataset, after the
merge and before the swap (``update_version``): never on the per-document
path. Its cost is linear in the number of documents: signatures are cached
per body (by ``content_hash``) in the version's ``state/syndication.parquet``,
so a run computes them only for bodies new to the dataset, and grouping
itself is a sort per band. Only the partition files whose rows change group
are rewritten. ``make bench ARGS=syndication`` prints time and memory at
10,000 and 100,000 documents and the precision and recall on the labelled
pairs of ``bench/syndication_pairs.py``.
"""

from __future__ import annotations

import functools
import logging
import os
import re
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from cleaning.batch.layout import COMPRESSION, COMPRESSION_LEVEL, RECORDS, ROW_GROUP_ROWS, STATE
from cleaning.text import t2s

logger = logging.getLogger(__name__)

#: Characters per shingle. Chinese words are one to four characters: five
#: span a word boundary nearly always, so different articles share few
#: shingles beyond the names and set phrases they both quote. On the
#: labelled pairs, reports of one event by different outlets reach a
#: Jaccard similarity of 0.06 with 5 characters, 0.09 with 3.
SHINGLE_CHARS = 5

#: MinHash permutations: with 64 the estimate of a similarity of 0.4 has a
#: standard error of 0.06; 256 bytes a body, in memory and in the cache.
NUM_PERM = 64

#: LSH bands and rows per band (the first ``BANDS * ROWS`` values of the
#: signature). Two bodies of similarity s are candidates with probability
#: 1 - (1 - s**3)**21: 0.07 at s = 0.15, 0.44 at 0.3, 0.75 at 0.4, 0.94 at
#: 0.5, 0.9999 at 0.7. Copies of an article are linked through each other
#: (a cut copy and a copy missing a paragraph both join the original), so
#: a group needs only some of its pairs found. On the labelled pairs, 16
#: bands of 4 rows (the S-curve's middle at 0.5) lose 2.6% of the copies
#: that 21 bands of 3 (middle at 0.36) find.
BANDS = 21
ROWS = 3

#: Estimated Jaccard similarity from which two bodies are copies. Calibrated
#: on the labelled pairs of ``bench/syndication_pairs.py``: different
#: articles there reach 0.22 (exact; a short article and a commentary that
#: quotes its first sentence), copies come down to 0.2 (a paragraph of three
#: dropped: such a copy still joins through the others). From 0.35 to 0.45
#: every copy is found and no different article joins; 0.3 joins two pairs
#: of different articles, 0.5 loses 1.6% of the copies. 0.4 keeps a margin
#: of about three standard errors of the estimate on the side of precision.
THRESHOLD = 0.4

#: Seed of the MinHash permutations. Part of the cache's identity, like the
#: three constants above and ``FOLD_VERSION``.
SEED = 20260521

#: Changed whenever ``fold`` changes: cached signatures of another fold are
#: computed again.
FOLD_VERSION = "1"

#: Rows read at a time when hashing bodies (bounds memory: ~2 KB a body).
READ_BATCH_ROWS = 2_000

#: Cached signatures read or written at a time (16 MB of signatures).
CACHE_BATCH_ROWS = 65_536

#: Pairs compared at a time when checking candidates (``NUM_PERM`` bytes each).
CHECK_BATCH_PAIRS = 200_000

#: The signature of a body with no letter or digit: no shingle, never a copy.
EMPTY = np.uint32(2**32 - 1)

CACHE_FILE = "syndication.parquet"

#: Full-width letters and digits (``Ａ``, ``１``) to ASCII, as NFKC maps them:
#: the copies of one text differ in them. Punctuation is dropped anyway.
_NARROW = {code: code - 0xFEE0 for code in range(0xFF10, 0xFF5B)}
_WIDE = re.compile("[\uff10-\uff5a]")

#: Everything but letters and digits of any script (``\W`` keeps ``_``).
_NOT_ALNUM = re.compile(r"[\W_]+")

#: Odd 64-bit multipliers of the shingle hash, one per position (from the
#: golden ratio and MurmurHash's finaliser; any odd constants would do).
_POSITION_MULTIPLIERS = np.array(
    [
        0x9E3779B97F4A7C15,
        0xC2B2AE3D27D4EB4F,
        0x165667B19E3779F9,
        0xD6E8FEB86659FD93,
        0xFF51AFD7ED558CCD,
        0xC4CEB9FE1A85EC53,
        0x27D4EB2F165667C5,
        0x94D049BB133111EB,
    ],
    dtype=np.uint64,
)
_BAND_MULTIPLIER = np.uint64(0x9E3779B97F4A7C15)

Signatures = npt.NDArray[np.uint32]


@dataclass(frozen=True, slots=True)
class Document:
    """What grouping needs of a record."""

    doc_id: str
    published_at: int | None  # microseconds since the epoch, as stored
    body: str


@dataclass(frozen=True, slots=True)
class SyndicationStats:
    """What ``update_version`` did."""

    documents: int = 0
    bodies: int = 0
    hashed: int = 0
    groups: int = 0
    grouped: int = 0
    rewritten: int = 0
    seconds: float = 0.0


# --- the pure part: text to signature to groups ------------------------------


def fold(text: str) -> str:
    """The body as copies share it: simplified, letters and digits only, lower case.

    >>> fold("晉能控股集團：5G技術，“智慧礦山”！")
    '晋能控股集团5g技术智慧矿山'
    >>> fold("晋能控股集团 ５Ｇ 技术\\n智慧矿山。")
    '晋能控股集团5g技术智慧矿山'
    """
    if _WIDE.search(text):
        text = text.translate(_NARROW)
    return _NOT_ALNUM.sub("", t2s.to_simplified(text).lower())


def shingle_hashes(folded: str) -> npt.NDArray[np.uint32]:
    """The 32-bit hashes of the folded text's ``SHINGLE_CHARS``-character runs.

    A text shorter than one shingle is one shingle; an empty text has none.
    A shingle seen twice is hashed twice (a minimum does not mind).
    """
    if not folded:
        return np.empty(0, dtype=np.uint32)
    codes = np.frombuffer(folded.encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
    if len(codes) < SHINGLE_CHARS:
        codes = np.concatenate([codes, np.zeros(SHINGLE_CHARS - len(codes), np.uint64)])
    count = len(codes) - SHINGLE_CHARS + 1
    mixed = np.zeros(count, dtype=np.uint64)
    for position in range(SHINGLE_CHARS):
        mixed += codes[position : position + count] * _POSITION_MULTIPLIERS[position]
    return (mixed >> np.uint64(32)).astype(np.uint32)


@functools.cache
def _permutations() -> tuple[npt.NDArray[np.uint32], npt.NDArray[np.uint32]]:
    """datasketch's permutations for ``NUM_PERM`` and ``SEED`` (scheme ``affine32``)."""
    from datasketch import MinHash

    a, b = MinHash(num_perm=NUM_PERM, seed=SEED, scheme="affine32").permutations
    return np.asarray(a, dtype=np.uint32), np.asarray(b, dtype=np.uint32)


def _fmix32(values: npt.NDArray[np.uint32]) -> npt.NDArray[np.uint32]:
    """MurmurHash3's 32-bit finaliser, which datasketch applies before permuting."""
    values = values ^ (values >> np.uint32(16))
    values = values * np.uint32(0x85EBCA6B)
    values = values ^ (values >> np.uint32(13))
    values = values * np.uint32(0xC2B2AE35)
    return values ^ (values >> np.uint32(16))


def minhash(hashes: npt.NDArray[np.uint32]) -> npt.NDArray[np.uint32]:
    """The MinHash signature of a set of 32-bit hashes.

    The values of datasketch's ``MinHash(num_perm=NUM_PERM, seed=SEED,
    scheme="affine32")`` after ``update_batch(hashes)`` (a test checks it),
    computed for the whole set at once rather than through a hash function
    called per value (a third of the time of a body's signature).
    """
    if len(hashes) == 0:
        return np.full(NUM_PERM, EMPTY, dtype=np.uint32)
    a, b = _permutations()
    permuted = _fmix32(hashes.astype(np.uint32))[:, np.newaxis] * a + b
    result: npt.NDArray[np.uint32] = permuted.min(axis=0)
    return result


def signature(text: str) -> npt.NDArray[np.uint32]:
    """The MinHash signature of a body (``NUM_PERM`` values; all ``EMPTY`` when none)."""
    return minhash(shingle_hashes(fold(text)))


def signatures(texts: Iterable[str]) -> Signatures:
    """One signature per text, as rows of a matrix."""
    rows = [signature(text) for text in texts]
    if not rows:
        return np.empty((0, NUM_PERM), dtype=np.uint32)
    return np.vstack(rows)


def similarity(a: npt.NDArray[np.uint32], b: npt.NDArray[np.uint32]) -> float:
    """The estimated Jaccard similarity of two signatures."""
    return float(np.mean(a == b))


def _band_keys(sigs: Signatures, band: int) -> npt.NDArray[np.uint64]:
    """One 64-bit key per row for one band: equal bands, equal keys (computed in place)."""
    keys = np.full(len(sigs), band, dtype=np.uint64)
    for column in range(band * ROWS, (band + 1) * ROWS):
        np.multiply(keys, _BAND_MULTIPLIER, out=keys)
        np.add(keys, sigs[:, column], out=keys, casting="unsafe")
    return keys


def similar_pairs(sigs: Signatures, threshold: float = THRESHOLD) -> npt.NDArray[np.int64]:
    """Pairs of rows ``(i, j)``, ``i < j``, whose bodies are copies of each other.

    Candidates share a band's bucket (each paired with the bucket's first
    row); kept when their estimated similarity reaches ``threshold``. Beyond
    the signatures, memory is a few arrays of one 64-bit value a row.
    """
    # An empty body's signature is all EMPTY; any other has its first value
    # EMPTY with probability 2**-32 per shingle.
    empty = sigs[:, 0] == EMPTY
    usable = np.flatnonzero(~empty) if empty.any() else None
    found = []
    for band in range(BANDS):
        keys = _band_keys(sigs, band)
        if usable is not None:
            keys = keys[usable]
        order = np.argsort(keys, kind="stable")
        keys = keys[order]  # sorted
        members = np.flatnonzero(keys[1:] == keys[:-1]) + 1  # not first of their bucket
        if len(members) == 0:
            continue
        firsts = np.searchsorted(keys, keys[members], side="left")
        pairs = np.stack([order[firsts], order[members]], axis=1)
        found.append(usable[pairs] if usable is not None else pairs)
        del keys, order
    if not found:
        return np.empty((0, 2), dtype=np.int64)
    both = np.concatenate(found).astype(np.int64)
    codes = np.unique(both[:, 0] * len(sigs) + both[:, 1])  # each pair once
    candidates = np.stack([codes // len(sigs), codes % len(sigs)], axis=1)
    kept = []
    for start in range(0, len(candidates), CHECK_BATCH_PAIRS):
        chunk = candidates[start : start + CHECK_BATCH_PAIRS]
        agree = (sigs[chunk[:, 0]] == sigs[chunk[:, 1]]).mean(axis=1)
        kept.append(chunk[agree >= threshold])
    return np.concatenate(kept)


def components(count: int, pairs: npt.NDArray[np.int64]) -> npt.NDArray[np.int64]:
    """A component label per row, rows linked by ``pairs`` sharing one."""
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components

    if count == 0:
        return np.empty(0, dtype=np.int64)
    graph = coo_matrix(
        (np.ones(len(pairs), dtype=np.int8), (pairs[:, 0], pairs[:, 1])), shape=(count, count)
    )
    _, labels = connected_components(graph, directed=False)
    return np.asarray(labels, dtype=np.int64)


def assign(
    doc_ids: pa.Array | pa.ChunkedArray,
    published: pa.Array | pa.ChunkedArray,
    labels: npt.NDArray[np.integer[Any]],
) -> tuple[pa.Array | pa.ChunkedArray, npt.NDArray[np.int32]]:
    """Each document's ``dup_group`` and ``dup_count`` from its component label.

    The group's id is its earliest-published member's ``doc_id``: dated
    before undated, then by time, then by ``doc_id`` (so the choice never
    depends on the order rows are read in). Only the members of groups of
    two or more are sorted; an article alone names its own group.
    """
    if len(labels) == 0:
        return pa.array([], pa.string()), np.empty(0, dtype=np.int32)
    counts = np.bincount(labels)[labels].astype(np.int32)
    leader = np.arange(len(labels), dtype=np.int64)
    shared = np.flatnonzero(counts > 1)
    if len(shared):
        taken = pa.array(shared)
        when = published.take(taken).cast(pa.int64())
        members = pa.table(
            {
                "label": pa.array(labels[shared]),
                "undated": pc.is_null(when),
                "published": when,
                "doc_id": doc_ids.take(taken),
            }
        )
        order = pc.sort_indices(
            members,
            sort_keys=[
                ("label", "ascending"),
                ("undated", "ascending"),
                ("published", "ascending"),
                ("doc_id", "ascending"),
            ],
        ).to_numpy()
        rows = shared[order]
        ordered = labels[rows]
        firsts = np.ones(len(rows), dtype=bool)
        firsts[1:] = ordered[1:] != ordered[:-1]
        first_of = np.zeros(int(labels.max()) + 1, dtype=np.int64)
        first_of[ordered[firsts]] = rows[firsts]
        leader[shared] = first_of[labels[shared]]
    return doc_ids.take(pa.array(leader)), counts


def group_documents(
    documents: Sequence[Document], threshold: float = THRESHOLD
) -> dict[str, tuple[str, int]]:
    """``doc_id`` to ``(dup_group, dup_count)`` for documents held in memory.

    The same grouping as the dataset's (``update_version``), for tests,
    calibration and small collections.
    """
    body_index: dict[str, int] = {}
    of_doc = np.array([body_index.setdefault(d.body, len(body_index)) for d in documents])
    sigs = signatures(body_index)
    labels = components(len(body_index), similar_pairs(sigs, threshold))
    groups, counts = assign(
        pa.array([d.doc_id for d in documents], pa.string()),
        pa.array([d.published_at for d in documents], pa.int64()),
        labels[of_doc] if len(documents) else np.empty(0, dtype=np.int64),
    )
    return {
        d.doc_id: (group, int(count))
        for d, group, count in zip(documents, groups.to_pylist(), counts, strict=True)
    }


# --- the dataset step ---------------------------------------------------------

_KEY_COLUMNS = ["doc_id", "published_at", "content_hash"]
_GROUP_COLUMNS = ["dup_group", "dup_count"]

#: Hex digits of ``content_hash`` that name a body in memory and in the cache:
#: 64 bits, as unlikely to collide as ``doc_id`` (and a collision would only
#: make two bodies share a signature).
BODY_KEY_HEX = 16


def _cache_metadata() -> dict[bytes, bytes]:
    """What a cached signature depends on; a cache with other values is ignored."""
    values = {
        "num_perm": NUM_PERM,
        "seed": SEED,
        "shingle_chars": SHINGLE_CHARS,
        "fold": FOLD_VERSION,
        "body_key_hex": BODY_KEY_HEX,
    }
    return {f"syndication.{k}".encode(): str(v).encode() for k, v in values.items()}


def _body_keys(content_hash: pa.ChunkedArray) -> npt.NDArray[np.uint64]:
    """The 64-bit body key of each ``content_hash`` (its first 16 hex digits)."""
    return np.fromiter(
        (int(h[:BODY_KEY_HEX], 16) for h in content_hash.to_pylist()),
        dtype=np.uint64,
        count=len(content_hash),
    )


def _cache_path(version: Path) -> Path:
    return version / STATE / CACHE_FILE


def _fill_from_cache(
    version: Path | None,
    bodies: npt.NDArray[np.uint64],
    sigs: Signatures,
    have: npt.NDArray[np.bool_],
) -> None:
    """Copy the cached signatures of ``bodies`` (sorted keys) into ``sigs``,
    a row group of the cache at a time (memory: one row group)."""
    if version is None or not _cache_path(version).is_file() or not len(bodies):
        return
    with pq.ParquetFile(_cache_path(version)) as parquet:
        metadata = parquet.schema_arrow.metadata or {}
        if any(metadata.get(k) != v for k, v in _cache_metadata().items()):
            logger.info("syndication: cached signatures are of other settings; computing anew")
            return
        for batch in parquet.iter_batches(batch_size=CACHE_BATCH_ROWS):
            keys = np.asarray(batch.column(0).to_numpy(), dtype=np.uint64)
            flat = batch.column(1).flatten().to_numpy(zero_copy_only=False)
            cached = np.asarray(flat, dtype=np.uint32).reshape(-1, NUM_PERM)
            position = np.minimum(np.searchsorted(bodies, keys), len(bodies) - 1)
            hit = bodies[position] == keys
            sigs[position[hit]] = cached[hit]
            have[position[hit]] = True


def _write_cache(version: Path, keys: npt.NDArray[np.uint64], sigs: Signatures) -> Path:
    """Write the signatures by body key, a row group at a time."""
    schema = pa.schema(
        [
            pa.field("body", pa.uint64(), nullable=False),
            pa.field("signature", pa.list_(pa.uint32(), NUM_PERM), nullable=False),
        ],
        metadata=_cache_metadata(),
    )
    path = _cache_path(version)
    path.parent.mkdir(parents=True, exist_ok=True)
    # Signatures are random numbers: no dictionary, no compression to gain.
    with pq.ParquetWriter(
        path, schema, compression={"body": "zstd", "signature": "none"}, use_dictionary=False
    ) as writer:
        for start in range(0, max(1, len(keys)), CACHE_BATCH_ROWS):
            part = sigs[start : start + CACHE_BATCH_ROWS]
            flat = pa.array(np.ascontiguousarray(part).reshape(-1), pa.uint32())
            table = pa.Table.from_arrays(
                [
                    pa.array(keys[start : start + CACHE_BATCH_ROWS], pa.uint64()),
                    pa.FixedSizeListArray.from_arrays(flat, NUM_PERM),
                ],
                schema=schema,
            )
            writer.write_table(table, row_group_size=CACHE_BATCH_ROWS)
    return path


def _read(path: Path, columns: list[str] | None = None) -> pa.Table:
    """One Parquet file as written: no partition columns guessed from its path."""
    with pq.ParquetFile(path) as parquet:
        return parquet.read(columns=columns)


def update_version(version: Path, cache_from: Path | None = None) -> SyndicationStats:
    """Set ``dup_group`` and ``dup_count`` of every record of a built version.

    ``version`` is a version directory not yet published (its files may be
    hard links into the published one: a changed file is written anew and
    renamed over its link, never modified in place). ``cache_from`` is a
    version whose cached signatures may be reused (the published one).

    Memory: per document its ``doc_id``, publication time and a body key
    (~40 bytes), per distinct body its signature (256 bytes), and the
    transient arrays of one band's sort; the bodies are read a row group at
    a time, only where no cached signature exists.
    """
    started = time.perf_counter()
    files = sorted((version / RECORDS).glob("*/*/*.parquet"))
    doc_ids, published, body_key, sizes = [], [], [], []
    for path in files:
        part = _read(path, _KEY_COLUMNS)
        doc_ids.append(part.column("doc_id"))
        published.append(part.column("published_at").cast(pa.int64()))
        body_key.append(_body_keys(part.column("content_hash")))
        sizes.append(part.num_rows)
    pa.default_memory_pool().release_unused()
    documents = sum(sizes)
    if not documents:
        _write_cache(version, np.empty(0, np.uint64), np.empty((0, NUM_PERM), np.uint32))
        return SyndicationStats(seconds=time.perf_counter() - started)
    bodies, body_of_doc = np.unique(np.concatenate(body_key), return_inverse=True)
    del body_key
    sigs = np.empty((len(bodies), NUM_PERM), dtype=np.uint32)
    have = np.zeros(len(bodies), dtype=bool)
    _fill_from_cache(cache_from, bodies, sigs, have)
    hashed = int((~have).sum())
    if hashed:
        _hash_missing(files, sizes, body_of_doc, sigs, have)
    labels = components(len(bodies), similar_pairs(sigs)).astype(np.int32)[body_of_doc]
    groups, counts = assign(_joined(doc_ids, pa.string()), _joined(published, pa.int64()), labels)
    del body_of_doc
    del doc_ids, published
    rewritten = _write_groups(files, sizes, groups, counts)
    cache_path = _write_cache(version, bodies, sigs)
    _fsync(cache_path)
    _fsync(cache_path.parent)
    sizes_of = np.bincount(labels)
    stats = SyndicationStats(
        documents=documents,
        bodies=len(bodies),
        hashed=hashed,
        groups=int((sizes_of > 1).sum()),
        grouped=int(sizes_of[sizes_of > 1].sum()),
        rewritten=rewritten,
        seconds=time.perf_counter() - started,
    )
    logger.info(
        "syndication: %d groups of copies hold %d of %d documents "
        "(%d bodies hashed anew, %d files rewritten, %.1f s)",
        stats.groups,
        stats.grouped,
        stats.documents,
        stats.hashed,
        stats.rewritten,
        stats.seconds,
    )
    return stats


def _joined(columns: Sequence[pa.ChunkedArray], kind: pa.DataType) -> pa.ChunkedArray:
    """The files' columns as one column, without copying them."""
    return pa.chunked_array([c for column in columns for c in column.chunks], kind)


def _write_groups(
    files: Sequence[Path],
    sizes: Sequence[int],
    groups: pa.Array | pa.ChunkedArray,
    counts: npt.NDArray[np.int32],
) -> int:
    """Write the groups into the files whose rows changed; returns how many were."""
    rewritten = 0
    start = 0
    for path, size in zip(files, sizes, strict=True):
        group = _whole(groups.slice(start, size))
        count = pa.array(counts[start : start + size], pa.int32())
        start += size
        now = _read(path, _GROUP_COLUMNS)
        if now.column("dup_group").combine_chunks().equals(group) and now.column(
            "dup_count"
        ).combine_chunks().equals(count):
            continue
        _rewrite(path, group, count)
        rewritten += 1
        pa.default_memory_pool().release_unused()  # a file's pages, freed, go back
    return rewritten


def _whole(column: pa.Array | pa.ChunkedArray) -> pa.Array:
    return column.combine_chunks() if isinstance(column, pa.ChunkedArray) else column


def _rewrite(path: Path, group: pa.Array, count: pa.Array) -> None:
    """Write a file anew with new group columns, a row group at a time, and
    rename it over the old name (which may be a hard link: never written to)."""
    fresh = path.with_name(f".{path.name}.grouped")
    with pq.ParquetFile(path) as parquet:
        schema = parquet.schema_arrow
        at_group = schema.get_field_index("dup_group")
        at_count = schema.get_field_index("dup_count")
        with pq.ParquetWriter(
            fresh, schema, compression=COMPRESSION, compression_level=COMPRESSION_LEVEL
        ) as writer:
            row = 0
            for batch in parquet.iter_batches(batch_size=ROW_GROUP_ROWS):
                table = pa.Table.from_batches([batch], schema=schema)
                table = table.set_column(
                    at_group, schema.field(at_group), group.slice(row, batch.num_rows)
                )
                table = table.set_column(
                    at_count, schema.field(at_count), count.slice(row, batch.num_rows)
                )
                writer.write_table(table, row_group_size=ROW_GROUP_ROWS)
                row += batch.num_rows
    _fsync(fresh)
    os.replace(fresh, path)
    _fsync(path.parent)


def _hash_missing(
    files: Sequence[Path],
    sizes: Sequence[int],
    body_of_doc: npt.NDArray[np.intp],
    sigs: Signatures,
    have: npt.NDArray[np.bool_],
) -> None:
    """Compute the signatures of the bodies not cached, reading only the files holding them."""
    start = 0
    for path, size in zip(files, sizes, strict=True):
        needed = body_of_doc[start : start + size]
        start += size
        if have[needed].all():
            continue
        row = 0
        with pq.ParquetFile(path) as parquet:
            for batch in parquet.iter_batches(batch_size=READ_BATCH_ROWS, columns=["body"]):
                texts = batch.column(0)
                for offset in np.flatnonzero(~have[needed[row : row + batch.num_rows]]):
                    body = needed[row + offset]
                    if not have[body]:  # an equal body may come earlier in the file
                        sigs[body] = signature(texts[int(offset)].as_py())
                        have[body] = True
                row += batch.num_rows
        pa.default_memory_pool().release_unused()


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY | (os.O_DIRECTORY if path.is_dir() else 0))
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
