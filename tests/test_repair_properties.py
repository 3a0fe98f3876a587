"""Properties of repair_text on any text: it never raises, it is idempotent,
it keeps clean records' bodies as they are, it refuses bytes, and a repair
that raises costs its lines nothing and the document nothing.

Two kinds of input: random strings over the characters that trigger the
repairs, and real-looking farm text (sentences in this corpus's style, in
both scripts) with damage spliced in where it occurs in the wild: readings
(``(lài)``, ``?lài)``), lost-byte marks, private-use characters, lone GBK lead
bytes read as Latin-1, and fragments of UTF-8 or GBK bytes read with the
wrong codec.

The properties run a quick profile in the normal suite; the thorough run of
10,000 examples is
``SXCORPUS_HYPOTHESIS=thorough pytest -m slow tests/test_repair_properties.py --timeout=0``
(about five minutes).
"""

import json
import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bench import damage
from cleaning import repair_text, repair_text_explained
from cleaning.text import repair

EXPECTED = Path(__file__).resolve().parent.parent / "data" / "samples" / "expected"

settings.register_profile(
    "quick", max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.register_profile(
    "thorough", max_examples=10_000, deadline=None, suppress_health_check=list(HealthCheck)
)
settings.load_profile(os.environ.get("SXCORPUS_HYPOTHESIS", "quick"))

#: Characters that exercise every repair's triggers: Han (both scripts),
#: Latin-1 and cp1252 letters, pinyin vowels, the marks of lost bytes,
#: private-use characters, ASCII and full-width punctuation, space, newline.
ALPHABET = st.sampled_from(
    list("国國党黨發展屬有企業的了是人在一")
    + list("ÖÐ¹úÄêÇ°ÑÔä¸­å›½ǰ€™")
    + list("āáǎàīíìūùǚü")
    + list("?\ufffd\ue1a6\ue30f")
    + list("(),:;!.<>/ \n\u3000\xa0")
    + list("，。“”‘’《》（）")
    + list("abcgnl0125")
)
TEXTS = st.one_of(st.text(), st.text(alphabet=ALPHABET, max_size=80))

#: Sentences in the style of the corpus (written for these tests), simplified
#: and as the farms serve them.
SENTENCES = [
    "市属国有企业党委坚持以党建引领改革发展，推动基层党组织全面进步、全面过硬。",
    "2022年5月13日，煤炭行业党建工作座谈会在太原召开，会议对先进集体进行了表彰。",
    "公司深入开展“我为群众办实事”实践活动，累计解决职工急难愁盼问题215项。",
    "“我们围绕‘党建+安全’，把支部建在区队上。”综采一队党支部书记说。",
]
FARM_SENTENCES = [damage.to_traditional(s) for s in SENTENCES]

#: Pieces the damage of this corpus leaves in text.
READINGS = ["(lài)", "(huì )", "?lài)", "?yè)", "(guó)", "?!", "?/span>"]


def _fragment(text: str, start: int, size: int, codec: str) -> str:
    """A slice of the bytes of ``text`` read with the wrong codec."""
    if codec == "utf8-as-gbk":
        return damage.utf8_as_gbk(text)[start : start + size]
    if codec == "utf8-as-cp936":
        return damage.decode_cp936(text.encode("utf-8")[start : start + size])
    if codec == "gbk-as-latin1":
        return text.encode("gb18030")[start : start + size].decode("latin-1")
    if codec == "gbk-as-mixed":
        return damage.decode_mixed(text.encode("gb18030")[start : start + size])
    return damage.gbk_as_mixed_twice(text[start : start + size])


FRAGMENTS = st.builds(
    _fragment,
    st.sampled_from(SENTENCES + FARM_SENTENCES),
    st.integers(0, 60),
    st.integers(1, 30),
    st.sampled_from(
        ["utf8-as-gbk", "utf8-as-cp936", "gbk-as-latin1", "gbk-as-mixed", "gbk-as-mixed-twice"]
    ),
)
SPLICES = st.one_of(
    st.sampled_from(READINGS),
    st.sampled_from(["?", "\ufffd", "??", "\ufffd\ufffd"]),
    st.characters(min_codepoint=0xE000, max_codepoint=0xF8FF),
    st.integers(0x81, 0xFE).map(chr),  # a lone GBK lead byte read as Latin-1
    FRAGMENTS,
)


@st.composite
def farm_texts(draw: st.DrawFn) -> str:
    """Farm or corpus sentences, with damage spliced in at random places."""
    lines = draw(st.lists(st.sampled_from(SENTENCES + FARM_SENTENCES), min_size=1, max_size=3))
    text = "\n".join(lines)
    for _ in range(draw(st.integers(0, 6))):
        position = draw(st.integers(0, len(text)))
        text = text[:position] + draw(SPLICES) + text[position:]
    return text


@given(TEXTS)
def test_never_raises_and_is_idempotent(text):
    once = repair_text(text)
    assert isinstance(once, str)
    assert repair_text(once) == once


@pytest.mark.slow
@given(farm_texts())
def test_damaged_farm_text_never_raises_and_is_idempotent(text):
    once = repair_text_explained(text)
    assert not any(name.startswith("failed:") for name in once.repairs)
    assert repair_text(once.text) == once.text


@given(st.binary(max_size=50))
def test_bytes_are_refused(data):
    with pytest.raises(TypeError, match="not bytes"):
        repair_text(data)


def test_a_line_with_a_misaligned_pair_before_a_reading_is_repaired_without_raising():
    """業 (98 49) ends in a byte below 0x81: no pair matched across it, so the ``?``
    before the reading is no lost lead byte; the text comes back, not an error."""
    out = repair_text_explained("企業?lài)衅髽I(yè)發展")
    assert out.text.startswith("企业") and out.text.endswith("发展")
    assert not any(name.startswith("failed:") for name in out.repairs)


def _raising(text: str) -> str:
    if "黨" in text:
        raise ValueError("a repair with a bug")
    return text.replace("國", "国")


def test_a_raising_repair_keeps_its_lines_and_names_itself(monkeypatch, caplog):
    broken = repair.named("broken", _raising)
    monkeypatch.setattr(repair, "REPAIRS", (*repair.REPAIRS[:3], broken, *repair.REPAIRS[3:]))
    text = "國企改革\n黨建引領"
    out = repair_text_explained(text)
    assert out.text == "国企改革\n党建引领"  # the other repairs still ran on every line
    assert "failed:broken" in out.repairs
    assert "broken" in out.repairs  # it did change the line it could read
    assert any("broken" in record.getMessage() for record in caplog.records)


def test_a_raising_repair_keeps_the_document_and_says_so_in_its_record(monkeypatch):
    from cleaning.page.clean import clean_page

    broken = repair.named("broken", _raising)
    monkeypatch.setattr(repair, "REPAIRS", (*repair.REPAIRS[:3], broken, *repair.REPAIRS[3:]))
    page = (
        "<html><head><meta charset='utf-8'><title>黨建引領發展</title></head><body><article>"
        + "<p>市屬國有企業黨委堅持以黨建引領改革發展，推動基層黨組織全面進步、全面過硬。</p>" * 3
        + "</article></body></html>"
    ).encode()
    record = clean_page(page, "http://127.0.0.1/news/1.html")
    assert "failed:broken" in record.repairs
    assert "党组织" in record.body


def _clean_bodies():
    for path in sorted(EXPECTED.rglob("*.json")):
        record = json.loads(path.read_text(encoding="utf-8"))
        if record.get("body"):
            yield pytest.param(record["body"], id=str(path.relative_to(EXPECTED)))


@pytest.mark.parametrize("body", list(_clean_bodies()))
def test_clean_bodies_pass_unchanged(body):
    out = repair_text_explained(body)
    assert out.text == body
    assert out.repairs == ()


SEEDS = EXPECTED.parent / "seeds"


@pytest.mark.parametrize(
    ("name", "start", "end"),
    [("001_1b6f85196a04fcb8", 9, 17), ("003_707599d25000a410", 8, 33)],
)
def test_seed_bodies_come_back_as_their_gold(name, start, end):
    """The damaged body lines of seeds 001 and 003, repaired, within the CER target."""
    from rapidfuzz.distance import Levenshtein

    lines = (SEEDS / f"{name}.txt").read_text(encoding="utf-8").split("\n")[start:end]
    gold = json.loads((SEEDS / f"{name}.json").read_text(encoding="utf-8"))["body"]
    got = repair_text("\n".join(lines))
    assert got.count("\n") == gold.count("\n")
    assert Levenshtein.distance(got, gold) / len(gold) <= 0.002
