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
import re
import tomllib
import unicodedata
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from opencc import OpenCC
from rapidfuzz.distance import Levenshtein

from cleaning.errors import NotAnArticle
from cleaning.page.clean import clean_page

SAMPLES = Path(__file__).resolve().parent.parent / "data" / "samples"
MANIFEST = json.loads((SAMPLES / "manifest.json").read_text(encoding="utf-8"))
ARTICLES = [e for e in MANIFEST if e["kind"] == "article"]
LISTINGS = [e for e in MANIFEST if e["kind"] == "listing"]

#: Body CER allowed against the expected record after the reference
#: normalisation: 0.002 (the seed target) for pages without byte damage;
#: the two pages carrying misaligned-GBK damage (seeds 001, 003) keep the
#: damage until repair_text's misaligned repair runs.
CER_CLEAN = 0.002
CER_DAMAGED = 0.06
DAMAGED = {"001_1b6f85196a04fcb8", "003_707599d25000a410"}

_READING = re.compile(r"\([a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü]{1,7} ?\)")
_T2S = OpenCC("t2s")


def reference(text: str | None) -> str:
    """Readings dropped, t2s, NFKC, white space folded: the comparison form."""
    text = _T2S.convert(_READING.sub("", text or ""))
    return " ".join(unicodedata.normalize("NFKC", text).split())


def cer(got: str, want: str) -> float:
    return Levenshtein.distance(reference(got), reference(want)) / max(1, len(reference(want)))


@functools.cache
def cleaned(url: str):
    """Each sample page cleaned once per run (the repairs of seed 001 take seconds)."""
    entry = next(e for e in MANIFEST if e["url"] == url)
    body, headers = served(entry)
    return clean_page(body, url, headers)


def served(entry: dict) -> tuple[bytes, dict[str, str]]:
    """The page's bytes and the Content-Type the mirror serves them with."""
    host = urlsplit(entry["url"]).hostname
    mirror = tomllib.loads((SAMPLES / "mirror" / f"{host}.toml").read_text(encoding="utf-8"))
    parts = urlsplit(entry["url"])
    path = f"{parts.path}?{parts.query}" if parts.query else parts.path
    content_type = mirror.get("paths", {}).get(path, {}).get("content_type")
    content_type = content_type or mirror["defaults"]["content_type"]
    return (SAMPLES / entry["file"]).read_bytes(), {"Content-Type": content_type}


@pytest.mark.parametrize("entry", ARTICLES, ids=lambda e: e["url"].split("//")[1])
def test_article_page_becomes_its_expected_record(entry: dict) -> None:
    expected = json.loads((SAMPLES / entry["expected"]).read_text(encoding="utf-8"))
    record = cleaned(entry["url"])
    limit = CER_DAMAGED if entry.get("seed") in DAMAGED else CER_CLEAN
    assert cer(record.body, expected["body"]) <= limit
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


def _fold(text: str | None) -> str:
    return " ".join(unicodedata.normalize("NFKC", text or "").split())


@pytest.mark.parametrize("entry", SEED_PAGES, ids=lambda e: e["seed"])
def test_seed_page_as_served_becomes_the_gold_record(entry: dict) -> None:
    """The acceptance test: the served page of each seed, repairs and all, at the
    seeds' thresholds (body CER <= 0.002; title, time, source, stocks exact)."""
    gold = json.loads((SAMPLES / "seeds" / f"{entry['seed']}.json").read_text(encoding="utf-8"))
    record = cleaned(entry["url"])
    distance = Levenshtein.distance(_fold(record.body), _fold(gold["body"]))
    assert distance / len(_fold(gold["body"])) <= CER_CLEAN
    assert _fold(record.title) == _fold(gold["title"])
    published = record.published_at.isoformat() if record.published_at else None
    assert published == gold["published_at"]
    assert _fold(record.source) == _fold(gold["source"])
    assert [{"name": s.name, "code": s.code} for s in record.stocks] == gold["stocks"]
