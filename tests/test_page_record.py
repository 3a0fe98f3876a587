"""clean_page's records fit the dataset's Arrow schema and survive a Parquet round trip."""

from __future__ import annotations

import datetime as dt

import pyarrow as pa
import pyarrow.parquet as pq

from cleaning.page.clean import clean_page
from cleaning.record import RECORD_SCHEMA
from tests.helpers import ARTICLES, served


def test_sample_records_round_trip_through_parquet(tmp_path) -> None:
    fetched = dt.datetime(2024, 5, 1, 8, 30, tzinfo=dt.UTC)
    records = []
    for entry in ARTICLES:
        if entry.get("seed"):
            continue  # the seeds' pages are covered by the slower acceptance tests
        body, headers = served(entry)
        records.append(clean_page(body, entry["url"], headers, fetched_at=fetched))
    table = pa.Table.from_pylist([r.to_row() for r in records], schema=RECORD_SCHEMA)
    path = tmp_path / "records.parquet"
    pq.write_table(table, path)
    back = pq.read_table(path).to_pylist()
    assert [row["doc_id"] for row in back] == [r.doc_id for r in records]
    assert [row["body"] for row in back] == [r.body for r in records]
    for row, record in zip(back, records, strict=True):
        assert row["fetched_at"] == fetched
        assert row["published_at"] == record.published_at
        assert row["stocks"] == [s.to_row() for s in record.stocks]
        assert row["char_count"] == len(row["body"])
        assert 0 < row["word_count"] < row["char_count"]
        assert (row["dup_group"], row["dup_count"]) == (record.doc_id, 1)
        assert row["encoding"] in ("utf-8", "gb18030", "big5hkscs")
    assert len({r.doc_id for r in records}) == len(records)


def test_naive_fetch_time_is_taken_as_utc() -> None:
    entry = next(e for e in ARTICLES if "big5" in e["cases"])
    body, headers = served(entry)
    naive = dt.datetime(2024, 5, 1, 8, 30)
    record = clean_page(body, entry["url"], headers, fetched_at=naive)
    assert record.fetched_at == naive.replace(tzinfo=dt.UTC)
