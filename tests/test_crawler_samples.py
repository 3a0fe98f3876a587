"""The sample mirror is whole: files, expected records, encodings and faults agree."""

from __future__ import annotations

import html
import json
import tomllib
from urllib.parse import urlsplit

import pytest

from tests.helpers import ARTICLES, MANIFEST, SAMPLES

CODECS = {
    "utf-8": "utf-8",
    "gbk": "gb18030",
    "gb2312": "gb2312",
    "big5": "big5",
    "ascii": "ascii",
}
RECORD_KEYS = {
    "title",
    "published_at",
    "source",
    "category",
    "tags",
    "original_url",
    "stocks",
    "body",
}


def test_at_least_three_sites_and_thirty_articles():
    hosts = {e["url"].split("/")[2] for e in ARTICLES}
    assert len(hosts) >= 3
    assert len(ARTICLES) >= 30


@pytest.mark.parametrize("entry", MANIFEST, ids=lambda e: e["url"])
def test_every_file_exists_and_decodes_strictly_in_its_encoding(entry):
    data = (SAMPLES / entry["file"]).read_bytes()
    text = data.decode(CODECS[entry["encoding"]])
    assert text.strip()


@pytest.mark.parametrize("entry", ARTICLES, ids=lambda e: e["url"])
def test_every_article_has_an_expected_record_in_clean_form(entry):
    record = json.loads((SAMPLES / entry["expected"]).read_text(encoding="utf-8"))
    assert set(record) == RECORD_KEYS
    assert record["title"] and record["body"]
    assert "\n\n" not in record["body"]
    assert record["published_at"] is None or record["published_at"].endswith("+08:00")
    if "no-date" in entry["cases"]:
        assert record["published_at"] is None
    # Clean form: no pinyin residue, no ASCII comma or colon touching CJK.
    assert "(tīng)" not in record["body"] and "(yè)" not in record["body"]
    assert ",党" not in record["body"] and "会:" not in record["body"]


def test_seed_pages_carry_the_seeds_gold_and_their_lines():
    seeds = [e for e in ARTICLES if "seed" in e]
    assert sorted(e["seed"][:3] for e in seeds) == ["000", "001", "002", "003", "004"]
    for entry in seeds:
        gold = json.loads((SAMPLES / "seeds" / f"{entry['seed']}.json").read_text("utf-8"))
        expected = json.loads((SAMPLES / entry["expected"]).read_text("utf-8"))
        if "jekyll-layout" in entry["cases"]:
            # The rendered post does not print its category (front matter and URL only).
            assert expected["category"] is None
            expected["category"] = gold["category"]
        assert expected == gold
    # Seed 004, the work report, is served as the attachment's bytes: the seed's own.
    (report,) = [e for e in seeds if e["seed"].startswith("004")]
    assert (SAMPLES / report["file"]).read_bytes() == (
        SAMPLES / "seeds" / f"{report['seed']}.txt"
    ).read_bytes()
    page = (SAMPLES / "sites/www.eco.gov.cn/news_info/3861.html").read_bytes()
    # Seed 003's private-use characters are GBK user-defined-area bytes again.
    assert "\ue1a6".encode("gb18030") in page
    seed = (SAMPLES / "seeds/001_1b6f85196a04fcb8.txt").read_text("utf-8").split("\n")
    raw = (SAMPLES / "sites/www.zkycreaiw.com/html/54212816-1038.html").read_bytes()
    page_text = html.unescape(raw.decode("gb18030"))
    for line in seed[7:24]:  # title, date line, body, contact footer
        assert line in page_text


def test_hard_cases_are_all_there():
    cases = {c for e in MANIFEST for c in e["cases"]}
    assert {
        "wrong-charset",
        "big5",
        "br-paragraphs",
        "no-date",
        "robots-disallowed",
        "slow",
        "fail-once-503",
        "pinyin-residue",
        "stock-links",
        "gb2312",
        "trs",
        "vsb",
        "attachment",
        "jekyll-layout",
        "redirect-target",
    } <= cases
    assert any(e["kind"] == "listing" for e in MANIFEST)


def test_mirror_rules_point_at_real_paths():
    for path in (SAMPLES / "mirror").glob("*.toml"):
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        files = SAMPLES / "sites" / data["host"]
        assert files.is_dir()
        for key, rule in data.get("paths", {}).items():
            location = urlsplit(rule.get("location", ""))
            host = location.hostname or data["host"]
            target = rule.get("file") or location.path or key.split("?")[0]
            assert (SAMPLES / "sites" / host / target.lstrip("/")).is_file(), (path.name, key)
