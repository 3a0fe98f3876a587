"""The analyst's columns of a record: stocks read as exchange codes, word counts."""

from __future__ import annotations

import json
import logging
import re
from pathlib import Path

import jieba
import pytest

from cleaning import clean_page
from cleaning.page.stocklinks import stock_of
from cleaning.record import RECORD_SCHEMA, Record
from cleaning.text.wordcount import tokens, word_count

REPO = Path(__file__).resolve().parents[1]
SAMPLES = REPO / "data" / "samples"


def _sample_bodies() -> list[str]:
    files = sorted((SAMPLES / "expected").rglob("*.json")) + sorted(
        (SAMPLES / "seeds").glob("*.json")
    )
    return [json.loads(f.read_text(encoding="utf-8"))["body"] for f in files]


@pytest.mark.parametrize(
    ("code", "market", "ticker", "kind"),
    [
        ("0.002906", "SZ", "002906", "stock"),  # 华阳集团, Shenzhen main board
        ("0.300750", "SZ", "300750", "stock"),  # ChiNext
        ("1.600348", "SH", "600348", "stock"),  # 华阳股份, Shanghai
        ("1.688981", "SH", "688981", "stock"),  # STAR market
        ("0.835185", "BJ", "835185", "stock"),  # Beijing exchange, under market 0
        ("0.920099", "BJ", "920099", "stock"),
        ("0.430047", "BJ", "430047", "stock"),
        ("1.000001", "SH", "000001", "index"),  # 上证指数
        ("0.000001", "SZ", "000001", "stock"),  # 平安银行: same ticker, a company
        ("0.399001", "SZ", "399001", "index"),  # 深证成指
        ("90.BK0740", None, "BK0740", "board"),  # 教育
        ("90.BK0437", None, "BK0437", "board"),  # 煤炭行业
        ("116.00700", "HK", "00700", "stock"),
        ("105.AAPL", "US", "AAPL", "stock"),
        ("100.HSI", None, "HSI", "index"),
        ("42.XYZ", None, "XYZ", "stock"),  # a market number the table does not know
    ],
)
def test_portal_ids_read_as_exchange_ticker_and_kind(
    code: str, market: str | None, ticker: str, kind: str
) -> None:
    stock = stock_of("名称", code)
    assert (stock.code, stock.market, stock.ticker, stock.kind) == (code, market, ticker, kind)


def test_seed_002_stocks_keep_the_portal_code_and_add_its_meaning() -> None:
    (seed,) = (SAMPLES / "seeds").glob("002_*.json")
    gold = json.loads(seed.read_text(encoding="utf-8"))
    entry = next(
        e
        for e in json.loads((SAMPLES / "manifest.json").read_text(encoding="utf-8"))
        if (e.get("seed") or "").startswith("002_")
    )
    record = clean_page((SAMPLES / entry["file"]).read_bytes(), entry["url"])
    assert [{"name": s.name, "code": s.code} for s in record.stocks] == gold["stocks"]
    by_code = {s.code: s for s in record.stocks}
    assert (by_code["0.002906"].market, by_code["0.002906"].kind) == ("SZ", "stock")
    assert (by_code["90.BK0740"].market, by_code["90.BK0740"].kind) == (None, "board")
    assert by_code["90.BK0740"].ticker == "BK0740"


def test_tokens_are_jiebas_on_every_sample_article() -> None:
    jieba.setLogLevel(logging.WARNING)
    bodies = _sample_bodies()
    assert len(bodies) >= 30
    for body in bodies:
        assert tokens(body) == jieba.lcut(body)


def test_word_count_leaves_out_punctuation_and_white_space() -> None:
    assert word_count("国有企业是国民经济发展的中坚力量。") == 6
    assert word_count("“党建+安全”，５G技术！") == 5  # 党建 安全 ５ G 技术
    assert word_count("，。、；：？！“”《》（）……—— \n\t") == 0
    assert word_count("") == 0
    for body in _sample_bodies():
        counted = [t for t in jieba.lcut(body) if any(c.isalnum() for c in t)]
        assert word_count(body) == len(counted)


def test_records_carry_word_count_and_the_stock_struct_in_the_schema() -> None:
    assert RECORD_SCHEMA.field("word_count").type == "int32"
    stock_fields = RECORD_SCHEMA.field("stocks").type.value_type
    assert [f.name for f in stock_fields] == ["name", "code", "market", "ticker", "kind"]
    assert "word_count" in Record.__dataclass_fields__


def _table_fields(section: str) -> list[str]:
    """The first-column names of the README table under ``## <section>``."""
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    text = readme.split(f"\n## {section}\n", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"^\| `(\w+)` \|", text, re.M)


def test_the_readme_describes_every_column_once() -> None:
    from cleaning.batch.layout import DATASET_SCHEMA

    dictionary = _table_fields("Data dictionary")
    assert dictionary == RECORD_SCHEMA.names
    columns = _table_fields("The dataset")
    assert columns == DATASET_SCHEMA.names
