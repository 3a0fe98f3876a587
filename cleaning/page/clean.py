"""``clean_page``: one fetched document to one faithful record, or a ``CleaningError``.

The stages and their order are in ``cleaning.page.stages``; this module checks
the limits, runs the stages, builds the ``Record`` (identity, hashes,
script) and guarantees that nothing but a ``CleaningError`` escapes: an
unexpected failure is wrapped as ``InternalCleaningError`` with its detail,
so a batch never stops on one document. See docs/cleaning.md.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
from collections.abc import Mapping
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from cleaning.errors import (
    CleaningError,
    DocumentTooLarge,
    EmptyDocument,
    InternalCleaningError,
    NoReadableText,
)
from cleaning.page.config import DEFAULT_CONFIG, MAX_DOCUMENT_BYTES, CleanerConfig
from cleaning.page.readable import has_readable_text
from cleaning.page.sites import rules_for
from cleaning.page.stages import Page, run_stages
from cleaning.record import Record
from cleaning.text.scripts import detect_script
from cleaning.text.wordcount import word_count

logger = logging.getLogger(__name__)

__all__ = ["MAX_DOCUMENT_BYTES", "CleanerConfig", "canonical_url", "clean_page", "doc_id"]

#: Hex digits kept of the SHA-256 of the canonical URL for ``doc_id``: 64
#: bits, collision-free for any corpus one machine can hold.
DOC_ID_HEX = 16

_DEFAULT_PORTS = {"http": 80, "https": 443}


def canonical_url(url: str) -> str:
    """The URL that identifies a document: lower-case scheme and host, no
    fragment, no default port, query parameters sorted.

    >>> canonical_url("HTTP://WWW.Example.com:80/a/b.html?z=1&a=2#top")
    'http://www.example.com/a/b.html?a=2&z=1'
    """
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower()
    try:
        port = parts.port
    except ValueError:
        port = None
    netloc = host if port in (None, _DEFAULT_PORTS.get(scheme)) else f"{host}:{port}"
    if parts.username:
        netloc = f"{parts.username}@{netloc}"
    query = urlencode(sorted(parse_qsl(parts.query, keep_blank_values=True)))
    return urlunsplit((scheme, netloc, parts.path or "/", query, ""))


def doc_id(url: str) -> str:
    """The stable identifier of the document at ``url``."""
    return hashlib.sha256(canonical_url(url).encode("utf-8")).hexdigest()[:DOC_ID_HEX]


def site_name(url: str, page: Page) -> str:
    """The configured site's name, else the host, else the URL scheme (``file``)."""
    if page.site is not None:
        return page.site.name
    parts = urlsplit(url)
    return (parts.hostname or "").lower() or parts.scheme.lower() or "unknown"


def _utc(moment: dt.datetime | None) -> dt.datetime | None:
    if moment is None:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return moment.astimezone(dt.UTC)


def _refuse_unreadable(body: tuple[str, ...]) -> None:
    """Raise ``NoReadableText`` when a body has text but nothing readable in it."""
    text = "\n".join(body)
    if text.strip() and not has_readable_text(text):
        raise NoReadableText(f"{len(text)} characters, none of them Chinese or a Latin word")


def _run(
    body: bytes,
    url: str,
    headers: Mapping[str, str],
    fetched_at: dt.datetime | None,
    config: CleanerConfig,
) -> Record:
    if not body or not body.strip():
        raise EmptyDocument("no bytes")
    limit = config.max_document_bytes
    if len(body) > limit:
        raise DocumentTooLarge(f"{len(body)} bytes, over the {limit} limit")
    try:
        site = rules_for(url, config.sites_dir)
    except ValueError:
        site = None
    page = Page(raw=body, url=url, headers=headers, site=site)
    # A page refused because nothing in it was readable is not a listing or a
    # navigation page: say what it is.
    page = run_stages(
        page,
        on_refused=lambda reached: _refuse_unreadable(
            reached.body or tuple(block.text for block in reached.blocks)
        ),
    )
    assert page.decoded is not None
    _refuse_unreadable(page.body)
    text = "\n".join(page.body)
    repairs = page.repairs
    if page.decoded.replaced:
        repairs = tuple(sorted({*repairs, "decode-replaced"}))
    return Record(
        doc_id=doc_id(url),
        url=url,
        site=site_name(url, page),
        title=page.title,
        published_at=page.published_at,
        published_precision=page.published_precision,
        source=page.source,
        author=page.author,
        category=page.category,
        tags=page.tags,
        original_url=page.original_url,
        stocks=page.stocks,
        body=text,
        script=detect_script(page.script_sample),
        encoding=page.decoded.encoding,
        repairs=repairs,
        char_count=len(text),
        word_count=word_count(text),
        content_hash=hashlib.sha256(text.encode("utf-8")).hexdigest(),
        fetched_at=_utc(fetched_at),
    )


def clean_page(
    body: bytes,
    url: str,
    headers: Mapping[str, str] | None = None,
    fetched_at: dt.datetime | None = None,
    *,
    config: CleanerConfig = DEFAULT_CONFIG,
) -> Record:
    """Clean one fetched document into a ``Record``.

    ``body`` is the bytes as served, ``url`` where they came from (it gives
    ``doc_id`` and picks the site rules), ``headers`` the response headers
    (``Content-Type`` charset and media type are used), ``fetched_at`` the
    fetch time (naive means UTC); ``config`` where the site rules are and the
    size limit (default: the repository's ``sites/``, 8 MB). Raises a
    ``CleaningError`` subclass with a stable ``reason`` (``empty``,
    ``no-text``, ``undecodable``, ``too-large``, ``not-an-article``,
    ``internal``) when the document cannot become a record; never any other
    exception.
    """
    if isinstance(body, str):
        raise InternalCleaningError("clean_page takes the bytes as served, not str")
    try:
        return _run(bytes(body), str(url), dict(headers or {}), fetched_at, config)
    except CleaningError:
        raise
    except RecursionError as error:
        raise InternalCleaningError(f"nesting too deep: {error}") from error
    except Exception as error:
        logger.exception("clean_page: unexpected failure on %s", url)
        raise InternalCleaningError(f"{type(error).__name__}: {error}") from error
