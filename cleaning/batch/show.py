"""``python -m cleaning show DOC_ID|URL``: a record and the raw response it came from.

Every row carries its lineage (``raw_file``, ``raw_offset``): this module
finds a record of the published dataset by ``doc_id`` or URL, reads the
response at that place in the raw archive (the WARC record, or the saved
page), and lays out the record, the response's status line and headers,
and the page decoded with the codec the cleaner chose. ``page_text`` and
``diff`` put the page's visible text beside the record's body, to see what
extraction kept and what the repairs changed. The command line
(``cleaning.batch.cli``) prints what these functions return.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyarrow.compute as pc

from cleaning.batch.read import current_version, errors_table, records_dataset
from cleaning.page.vocab import BLOCK_TAGS, SKIP_TAGS
from cleaning.record import CHINA_TZ

#: A ``doc_id``: 16 hex digits (``cleaning.page.clean.DOC_ID_HEX``).
DOC_ID = re.compile(r"^[0-9a-f]{16}$")


#: Record fields shown above the body, in this order (the rest are in the data
#: dictionary; ``body`` comes after them).
FIELDS = (
    "doc_id",
    "url",
    "site",
    "month",
    "title",
    "published_at",
    "source",
    "author",
    "category",
    "tags",
    "original_url",
    "stocks",
    "script",
    "encoding",
    "repairs",
    "char_count",
    "word_count",
    "content_hash",
    "dup_group",
    "dup_count",
    "fetched_at",
    "cleaner_version",
    "raw_file",
    "raw_offset",
)


class NotFound(LookupError):
    """No record has that ``doc_id`` or URL; the message says where it looked."""


@dataclass(frozen=True, slots=True)
class RawResponse:
    """A response as archived: status line, headers and the payload's bytes."""

    path: Path
    offset: int
    status: str | None
    headers: tuple[tuple[str, str], ...]
    payload: bytes
    warc_headers: tuple[tuple[str, str], ...] = ()


def find_record(root: Path, key: str) -> dict[str, Any]:
    """The published record with ``doc_id`` (16 hex digits) or URL ``key``.

    A URL matches the record fetched from it or from any URL of the same
    canonical form (the ``doc_id`` is the canonical URL's). Raises
    ``NotFound`` naming the errors table's reason when the URL failed.
    """
    from cleaning.page.clean import doc_id

    records = records_dataset(root)
    key = key.strip()
    if DOC_ID.match(key):
        wanted = pc.field("doc_id") == key
    elif "://" in key or key.startswith("/"):
        wanted = (pc.field("url") == key) | (pc.field("doc_id") == doc_id(key))
    else:
        raise NotFound(f"{key!r} is neither a doc_id (16 hex digits) nor a URL")
    rows = records.to_table(filter=wanted).to_pylist()
    if rows:
        return dict(rows[0])
    failed = [
        row
        for row in errors_table(root).to_pylist()
        if row["url"] == key or (row["url"] and doc_id(row["url"]) == key)
    ]
    version = current_version(root)
    if failed:
        last = failed[-1]
        raise NotFound(
            f"no record for {key}: the document is in the errors table "
            f"({last['reason']}: {last['detail']}; {last['raw_file']} @ {last['raw_offset']})"
        )
    raise NotFound(f"no record with doc_id or URL {key} in {version}")


def raw_path(root: Path, raw_file: str) -> Path:
    """Where a row's ``raw_file`` is: relative names are under the data directory."""
    path = Path(raw_file)
    return path if path.is_absolute() else Path(root).absolute().parent / path


def read_raw(path: Path, offset: int) -> RawResponse:
    """The response archived at ``offset`` of a WARC file, or a saved page's bytes."""
    from warcio.archiveiterator import ArchiveIterator

    if not path.name.endswith((".warc", ".warc.gz")):
        return RawResponse(path, offset, None, (), path.read_bytes())
    with path.open("rb") as fh:
        fh.seek(offset)
        record = next(iter(ArchiveIterator(fh)), None)
        if record is None:
            raise ValueError(f"no WARC record at byte {offset} of {path}")
        http = record.http_headers
        payload = record.content_stream().read()
        return RawResponse(
            path=path,
            offset=offset,
            status=http.protocol + " " + http.statusline if http is not None else None,
            headers=tuple(http.headers) if http is not None else (),
            payload=payload,
            warc_headers=tuple(record.rec_headers.headers),
        )


def decode(payload: bytes, encoding: str | None) -> str:
    """The page as the cleaner read it: decoded with the record's ``encoding``."""
    try:
        return payload.decode(encoding or "utf-8", errors="replace")
    except LookupError:
        return payload.decode("utf-8", errors="replace")


def page_text(page: str) -> list[str]:
    """The visible text of a page, one line per block (HTML), or its lines (plain text)."""
    import lxml.html
    from lxml import etree

    from cleaning.page.documents import looks_like_html

    if not looks_like_html(page):
        return [line.strip() for line in page.splitlines() if line.strip()]
    root = lxml.html.document_fromstring(page)
    etree.strip_elements(root, *SKIP_TAGS, etree.Comment, with_tail=False)
    for element in root.iter():
        if isinstance(element.tag, str) and element.tag.lower() in BLOCK_TAGS:
            element.tail = "\n" + (element.tail or "")
            element.text = "\n" + (element.text or "")
    text = etree.tostring(root, method="text", encoding="unicode")
    return [" ".join(line.split()) for line in text.splitlines() if line.strip()]


def diff(page_lines: Sequence[str], body: str) -> Iterator[str]:
    """A unified diff from the page's text to the body: ``-`` lines are what
    extraction left out or repairs changed, ``+`` lines what the body holds instead."""
    body_lines = [line.strip() for line in body.split("\n") if line.strip()]
    return difflib.unified_diff(list(page_lines), body_lines, "page text", "body", lineterm="", n=1)


def format_record(row: Mapping[str, Any]) -> str:
    """The record's fields, one a line, then its body."""
    lines = []
    for name in FIELDS:
        if name in row:
            lines.append(f"{name:<16}{_value(name, row[name], row)}")
    lines.append("body:")
    lines.extend("  " + paragraph for paragraph in str(row.get("body") or "").split("\n"))
    return "\n".join(lines)


def format_response(response: RawResponse, encoding: str | None) -> str:
    """The response's status line and headers, then the decoded page."""
    lines = [f"raw: {response.path} @ {response.offset} ({len(response.payload):,} bytes)"]
    date = dict(response.warc_headers).get("WARC-Date")
    if date:
        lines.append(f"fetched: {date}")
    lines.append("")
    if response.status is not None:
        lines.append(response.status)
        lines.extend(f"{name}: {value}" for name, value in response.headers)
    else:
        lines.append("(a saved page: no HTTP status or headers)")
    lines.append("")
    lines.append(decode(response.payload, encoding))
    return "\n".join(lines)


def format_status(response: RawResponse) -> str:
    """The response's status line and headers only."""
    lines = [f"raw: {response.path} @ {response.offset} ({len(response.payload):,} bytes)"]
    if response.status is not None:
        lines.append(response.status)
        lines.extend(f"{name}: {value}" for name, value in response.headers)
    return "\n".join(lines)


def _value(name: str, value: Any, row: Mapping[str, Any]) -> str:
    if value is None:
        return "-"
    if isinstance(value, dt.datetime):
        if name == "published_at":
            return f"{value.astimezone(CHINA_TZ).isoformat()} (China time)"
        return value.isoformat()
    if name == "stocks":
        return ", ".join(_stock(s) for s in value) or "-"
    if name == "dup_count":
        return f"{value} (copies of one article)" if value > 1 else f"{value} (no copy found)"
    if isinstance(value, list):
        return ", ".join(str(v) for v in value) or "-"
    return str(value)


def _stock(stock: Mapping[str, Any]) -> str:
    where = " ".join(str(stock.get(k)) for k in ("market", "ticker") if stock.get(k))
    return f"{stock['name']} ({stock['code']}: {where} {stock.get('kind') or ''})".replace(
        "  ", " "
    ).replace(" )", ")")
