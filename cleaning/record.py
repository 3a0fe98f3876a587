"""The typed records of the cleaning stage and their Arrow schema, defined once.

``RawDocument`` is what the stage reads (one fetched response, or one saved
file); ``Record`` is what it writes (one row of the Parquet dataset). The
Arrow schema beside them is the dataset's schema: the Parquet writer, the
errors table and the README's data dictionary all follow it.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field

import pyarrow as pa

#: Bumped whenever a change to the cleaning stage can change a record, so
#: that ``process`` knows which raw files to clean again.
CLEANER_VERSION = "0.3.0"

#: China Standard Time, the zone the corpus's dates are written in and its
#: months are cut in: a fixed offset, China has kept UTC+8 without DST since 1991.
CHINA_TZ = dt.timezone(dt.timedelta(hours=8), "CST")


@dataclass(frozen=True, slots=True)
class Stock:
    """A quote widget's company or sector name, its portal id and what the id means.

    ``code`` is the finance portal's own id, market number and ticker joined
    by ``.`` (``0.002906``, ``1.600348``, ``90.BK0740``); ``market`` the
    exchange it names (``SZ``, ``SH``, ``BJ``, ``HK``, ``US``; ``None`` for a
    sector board or an unknown market number), ``ticker`` the exchange's own
    code (``002906``, ``BK0740``) and ``kind`` ``stock``, ``index`` or
    ``board`` (a sector, concept or region board such as ``教育``). Built by
    ``cleaning.page.stocklinks.stock_of``.
    """

    name: str
    code: str
    market: str | None
    ticker: str
    kind: str

    def to_row(self) -> dict[str, str | None]:
        """The Arrow struct's shape."""
        return {
            "name": self.name,
            "code": self.code,
            "market": self.market,
            "ticker": self.ticker,
            "kind": self.kind,
        }


@dataclass(frozen=True, slots=True)
class RawDocument:
    """One document as fetched or saved: bytes and where they came from."""

    body: bytes
    url: str
    headers: Mapping[str, str] = field(default_factory=dict)
    fetched_at: dt.datetime | None = None
    raw_file: str | None = None
    raw_offset: int | None = None


@dataclass(frozen=True, slots=True)
class Record:
    """One cleaned article: a row of the dataset. See README, data dictionary."""

    doc_id: str
    url: str
    site: str
    title: str | None
    published_at: dt.datetime | None
    #: How much of ``published_at`` the page gave: ``second``, ``minute`` or
    #: ``day`` (a date-only value, stored as China midnight); None with no date.
    #: Keyword-only so that it can sit beside ``published_at``.
    published_precision: str | None = field(default=None, kw_only=True)
    source: str | None
    author: str | None
    category: str | None
    tags: tuple[str, ...]
    original_url: str | None
    stocks: tuple[Stock, ...]
    body: str
    script: str
    encoding: str
    repairs: tuple[str, ...]
    char_count: int
    word_count: int
    content_hash: str
    fetched_at: dt.datetime | None
    cleaner_version: str = CLEANER_VERSION
    raw_file: str | None = None
    raw_offset: int | None = None
    dup_group: str | None = None
    dup_count: int | None = None

    def with_lineage(self, raw_file: str | None, raw_offset: int | None) -> Record:
        """The same record, placed in the raw archive (filled by the batch stage)."""
        return dataclasses.replace(self, raw_file=raw_file, raw_offset=raw_offset)

    def to_row(self) -> dict[str, object]:
        """A plain dict in the Arrow schema's shape (stocks as structs).

        A record not yet grouped (``dup_group`` unset, as ``clean_page``
        leaves it) is its own group of one until the dataset's syndication
        step (``cleaning.batch.syndication``) groups it with its copies.
        """
        row = {f.name: getattr(self, f.name) for f in dataclasses.fields(self)}
        row["tags"] = list(self.tags)
        row["repairs"] = list(self.repairs)
        row["stocks"] = [s.to_row() for s in self.stocks]
        if self.dup_group is None:
            row["dup_group"], row["dup_count"] = self.doc_id, 1
        return row


_TIME = pa.timestamp("us", tz="UTC")

#: One quote widget: the portal's id (``code``) and what it means.
_STOCK = pa.struct(
    [
        pa.field("name", pa.string()),
        pa.field("code", pa.string()),
        pa.field("market", pa.string()),
        pa.field("ticker", pa.string()),
        pa.field("kind", pa.string()),
    ]
)

#: The dataset's schema: one field per ``Record`` field, in the same order.
#: Times are stored as UTC instants; ``published_at`` keeps its meaning
#: (readers convert to Asia/Shanghai for display).
RECORD_SCHEMA = pa.schema(
    [
        pa.field("doc_id", pa.string(), nullable=False),
        pa.field("url", pa.string(), nullable=False),
        pa.field("site", pa.string(), nullable=False),
        pa.field("title", pa.string()),
        pa.field("published_at", _TIME),
        pa.field("published_precision", pa.string()),
        pa.field("source", pa.string()),
        pa.field("author", pa.string()),
        pa.field("category", pa.string()),
        pa.field("tags", pa.list_(pa.string())),
        pa.field("original_url", pa.string()),
        pa.field("stocks", pa.list_(_STOCK)),
        pa.field("body", pa.string(), nullable=False),
        pa.field("script", pa.string(), nullable=False),
        pa.field("encoding", pa.string(), nullable=False),
        pa.field("repairs", pa.list_(pa.string())),
        pa.field("char_count", pa.int32(), nullable=False),
        pa.field("word_count", pa.int32(), nullable=False),
        pa.field("content_hash", pa.string(), nullable=False),
        pa.field("fetched_at", _TIME),
        pa.field("cleaner_version", pa.string(), nullable=False),
        pa.field("raw_file", pa.string()),
        pa.field("raw_offset", pa.int64()),
        pa.field("dup_group", pa.string()),
        pa.field("dup_count", pa.int32()),
    ]
)

#: Documents that could not become a record: the errors table.
ERROR_SCHEMA = pa.schema(
    [
        pa.field("url", pa.string()),
        pa.field("raw_file", pa.string(), nullable=False),
        pa.field("raw_offset", pa.int64()),
        pa.field("reason", pa.string(), nullable=False),
        pa.field("detail", pa.string()),
        pa.field("fetched_at", _TIME),
        pa.field("cleaner_version", pa.string(), nullable=False),
    ]
)


@dataclass(frozen=True, slots=True)
class ErrorRow:
    """One document that did not become a record: a row of the errors table.

    ``raw_offset`` is the byte offset of the WARC record (``None`` when the
    whole file failed, e.g. ``unreadable``); ``reason`` is one of
    ``cleaning.errors.DROP_REASONS``; ``detail`` says what and where.
    """

    raw_file: str
    raw_offset: int | None
    reason: str
    detail: str
    url: str | None = None
    fetched_at: dt.datetime | None = None
    cleaner_version: str = CLEANER_VERSION

    def to_row(self) -> dict[str, object]:
        """A plain dict in ``ERROR_SCHEMA``'s shape."""
        return {f.name: getattr(self, f.name) for f in ERROR_SCHEMA}


assert [f.name for f in dataclasses.fields(Record)] == RECORD_SCHEMA.names
assert {f.name for f in dataclasses.fields(ErrorRow)} == set(ERROR_SCHEMA.names)
