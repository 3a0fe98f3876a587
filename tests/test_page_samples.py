"""clean_page on the sample mirror: every article page to its expected record.

The pages in data/samples/sites/ are served bytes (GBK for the company site
and the portal, Big5 for the repost portal), with the headers the mirror
serves them with (data/samples/mirror/<host>.toml). Bodies of the
traditional-script sites are compared after a reference normalisation
(pinyin readings dropped, OpenCC t2s), so that these tests check what
clean_page owns: decoding, extraction, boilerplate and metadata; the text
repairs are scored by their own tests and by ``make eval``.
"""

from __future__ import annotations

import functools
import json

import pytest

from cleaning.errors import NotAnArticle
from cleaning.page.clean import clean_page
from tests.helpers import (
    ARTICLES,
    CER_CLEAN,
    CER_DAMAGED,
    DAMAGED,
    MANIFEST,
    SAMPLES,
    SEEDS,
    cer,
    fold,
    reference,
    served,
)

LISTINGS = [e for e in MANIFEST if e["kind"] == "listing"]


@functools.cache
def cleaned(url: str):
    """Each sample page cleaned once per run (the repairs of seed 001 take seconds)."""
    entry = next(e for e in MANIFEST if e["url"] == url)
    body, headers = served(entry)
    return clean_page(body, url, headers)


@pytest.mark.parametrize("entry", ARTICLES, ids=lambda e: e["url"].split("//")[1])
def test_article_page_becomes_its_expected_record(entry: dict) -> None:
    expected = json.loads((SAMPLES / entry["expected"]).read_text(encoding="utf-8"))
    record = cleaned(entry["url"])
    limit = CER_DAMAGED if entry.get("seed") in DAMAGED else CER_CLEAN
    assert cer(record.body, expected["body"], reference) <= limit
    assert len(record.body.split("\n")) == len(expected["body"].split("\n"))
    assert reference(record.title) == reference(expected["title"])
    published = record.published_at.isoformat() if record.published_at else None
    assert published == expected["published_at"]
    assert reference(record.source) == reference(expected["source"])
    assert reference(record.category) == reference(expected["category"])
    assert [reference(t) for t in record.tags] == expected["tags"]
    assert record.original_url == expected["original_url"]
    assert [{"name": s.name, "code": s.code} for s in record.stocks] == expected["stocks"]


@pytest.mark.parametrize("entry", LISTINGS, ids=lambda e: e["url"].split("//")[1])
def test_listing_page_is_not_an_article(entry: dict) -> None:
    body, headers = served(entry)
    with pytest.raises(NotAnArticle):
        clean_page(body, entry["url"], headers)


def _one(case: str) -> dict:
    return next(e for e in ARTICLES if case in e["cases"])


def test_page_declaring_utf8_but_sending_gbk_is_decoded_as_gb18030() -> None:
    entry = _one("wrong-charset")
    body, headers = served(entry)
    assert "utf-8" in headers["Content-Type"]
    record = clean_page(body, entry["url"], headers)
    assert record.encoding == "gb18030"
    assert "党建" in record.body


def test_big5_page_is_decoded_as_big5hkscs_and_marked_traditional() -> None:
    entry = _one("big5")
    body, headers = served(entry)
    record = clean_page(body, entry["url"], headers)
    assert record.encoding == "big5hkscs"
    assert record.script == "traditional"


def test_br_separated_paragraphs_stay_apart() -> None:
    entry = _one("br-paragraphs")
    body, headers = served(entry)
    assert b"<br" in body and b"<p>" not in body.split(b'class="content"')[1].split(b"</div>")[0]
    record = clean_page(body, entry["url"], headers)
    expected = json.loads((SAMPLES / entry["expected"]).read_text(encoding="utf-8"))
    assert len(record.body.split("\n")) == len(expected["body"].split("\n")) >= 3


def test_page_without_date_has_no_published_at() -> None:
    entry = _one("no-date")
    body, headers = served(entry)
    record = clean_page(body, entry["url"], headers)
    assert record.published_at is None and record.published_precision is None


def test_configured_site_is_named_and_other_hosts_use_the_host() -> None:
    entry = _one("big5")
    body, headers = served(entry)
    assert clean_page(body, entry["url"], headers).site == "sxrb"
    moved = entry["url"].replace("www.sxrb.com", "mirror.example.org")
    record = clean_page(body, moved, headers)
    assert record.site == "mirror.example.org"
    assert reference(record.title) == reference(clean_page(body, entry["url"], headers).title)


SEED_PAGES = [e for e in ARTICLES if e.get("seed")]


@pytest.mark.parametrize("entry", SEED_PAGES, ids=lambda e: e["seed"])
def test_seed_page_as_served_becomes_the_gold_record(entry: dict) -> None:
    """The acceptance test: the served page of each seed, repairs and all, at the
    seeds' thresholds (body CER <= 0.002; title, time, source, stocks exact)."""
    gold = json.loads((SEEDS / f"{entry['seed']}.json").read_text(encoding="utf-8"))
    record = cleaned(entry["url"])
    assert cer(record.body, gold["body"]) <= CER_CLEAN
    assert fold(record.title) == fold(gold["title"])
    published = record.published_at.isoformat() if record.published_at else None
    assert published == gold["published_at"]
    assert fold(record.source) == fold(gold["source"])
    assert [{"name": s.name, "code": s.code} for s in record.stocks] == gold["stocks"]
