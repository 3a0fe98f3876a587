"""clean_page on the five seed documents, as ``check_seeds.py --only page`` feeds them.

The seeds and their hand-checked gold are copied in data/samples/seeds/.
Seeds 000, 002 and 004 carry no text damage: their records must equal the
gold. Seeds 001 and 003 are traditional script with pinyin residue and
misaligned-GBK damage: their structure (title line, date, source, category,
which lines are body) must match the gold after a reference normalisation;
the repairs themselves are ``repair_text``'s (scored by ``make eval``).
"""

from __future__ import annotations

import functools
import json

import pytest

from cleaning.page.clean import clean_page
from tests.helpers import CER_CLEAN, CER_DAMAGED, DAMAGED, SEEDS, cer, fold, reference

NAMES = sorted(p.stem for p in SEEDS.glob("*.txt"))


@functools.cache
def _clean(name: str):
    """Each seed cleaned once per run: the repairs of seed 001 take seconds."""
    return clean_page((SEEDS / f"{name}.txt").read_bytes(), f"file:///seeds/{name}.txt")


def _gold(name: str) -> dict:
    return json.loads((SEEDS / f"{name}.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize("name", NAMES)
def test_seed_record_matches_gold(name: str) -> None:
    record, gold = _clean(name), _gold(name)
    limit = CER_DAMAGED if name in DAMAGED else CER_CLEAN
    assert cer(record.body, gold["body"], reference) <= limit
    assert len(record.body.split("\n")) == len(gold["body"].split("\n"))
    assert reference(record.title) == reference(gold["title"])
    published = record.published_at.isoformat() if record.published_at else None
    assert published == gold["published_at"]
    assert reference(record.source) == reference(gold["source"])
    assert reference(record.category) == reference(gold["category"])
    assert list(record.tags) == gold["tags"]
    assert record.original_url == gold["original_url"]
    assert [{"name": s.name, "code": s.code} for s in record.stocks] == gold["stocks"]


@pytest.mark.parametrize("name", sorted(set(NAMES) - DAMAGED))
def test_undamaged_seed_body_is_gold_up_to_punctuation_width(name: str) -> None:
    record, gold = _clean(name), _gold(name)
    assert [fold(line) for line in record.body.split("\n")] == [
        fold(line) for line in gold["body"].split("\n")
    ]
    assert record.title == gold["title"]
    assert record.script == "simplified"


def test_seed_000_front_matter_and_trailer_become_fields() -> None:
    record = _clean("000_a2059d4c385e6fae")
    assert record.category == "xinhuacaijing"
    assert record.tags == ("新华财经新闻",)
    assert record.source == "新华财经"
    assert "文章来源" not in record.body and "返回首页" not in record.body
    assert record.original_url.endswith("infoCode=NW202205232388058243")


def test_seed_002_keeps_author_unit_and_stock_words() -> None:
    record = _clean("002_201de6bf2ae89c4d")
    assert fold(record.body).endswith(fold("（作者单位：晋能控股煤业集团阳泉煤炭事业部宏厦一建）"))
    assert "巩固华阳集团、潞安化工集团" in record.body
    assert "整合重组和企业划转" in record.body


def test_seed_001_contact_block_and_date_line_are_not_body() -> None:
    record = _clean("001_1b6f85196a04fcb8")
    assert record.script == "traditional"
    assert "ICP" not in record.body and "0354-2063092" not in record.body
    assert "茂盛園林綠化有限公司\n" not in record.body
    assert not record.body.startswith("編輯")


def test_seed_003_breadcrumb_size_controls_and_close_are_not_body() -> None:
    record = _clean("003_707599d25000a410")
    lines = record.body.split("\n")
    assert reference(lines[0]).startswith("近年来")
    assert reference(lines[-1]).endswith("“硬核”力量。")
    assert all("字號" not in line and "關(guān)閉" not in line for line in lines)


def test_seed_004_nbsp_line_dropped_subtitles_kept() -> None:
    record = _clean("004_e6f5a85ba3fff0de")
    lines = record.body.split("\n")
    assert lines[:3] == [
        "坚持政治引领 凝聚奋进力量",
        "为建设国内一流的综合性特色教育培训基地而团结奋斗",
        "同志们：",
    ]
    assert record.published_at is None


@pytest.mark.parametrize("name", NAMES)
def test_seed_record_meets_the_seed_targets(name: str) -> None:
    """What ``check_seeds.py --only page --strict`` checks, repairs included."""
    record, gold = _clean(name), _gold(name)
    assert cer(record.body, gold["body"]) <= CER_CLEAN
    assert fold(record.title) == fold(gold["title"])
    published = record.published_at.isoformat() if record.published_at else None
    assert published == gold["published_at"]
    assert fold(record.source or "") == fold(gold["source"] or "")
