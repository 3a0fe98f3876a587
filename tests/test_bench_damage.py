"""Tests of the benchmark's damage simulators (bench/damage.py).

The simulators are only worth their figures if they reproduce the real damage:
the farm simulation must give back the seeds' damaged strings byte for byte,
and the lossless mojibake chains must round-trip.
"""

from __future__ import annotations

import codecs
import doctest
import functools
import json
import random
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bench import damage
from bench.bench_repair import (
    MAX_TIMEOUTS,
    Chain,
    RepairTimeout,
    build_chains,
    concatenated,
    evaluate,
    first_difference,
    repair_names,
    time_limited,
)
from bench.bench_repair import main as bench_main
from bench.damage import (
    GBK,
    PUNCTUATION_TO_ASCII,
    READING,
    big5_as_gbk,
    build_farm_table,
    decode_farm,
    farm_damage,
    farm_replace,
    gbk_as_big5,
    gbk_as_cp1252,
    gbk_as_latin1,
    gbk_as_mixed,
    pinyin_residue,
    reading_of,
    to_simplified,
    to_traditional,
    utf8_as_cp1252,
    utf8_as_gbk,
    utf8_as_latin1,
)
from bench.passages.corpus import (
    GOLD_TXT,
    MAX_CHARS,
    MIN_CHARS,
    PASSAGES_TSV,
    build,
    load_passages,
    read_lines,
    render_tsv,
    split_body,
)

#: The seeds and their gold records, as the project keeps them (copied from
#: the hand-checked originals).
SEEDS = Path(__file__).resolve().parents[1] / "data" / "samples" / "seeds"

#: Lines of the damaged seeds that form their bodies (0-based, end exclusive),
#: as ../shared/tools/check_seeds.py reads them.
SEED_BODIES = {
    "001_1b6f85196a04fcb8": (9, 17),
    "003_707599d25000a410": (8, 33),
}

#: Each damaged run of the seeds and the traditional text it was before the farm.
SEED_RUNS = {
    "?lài)衅髽I": "國有企業",
    "?lài)簏h": "國企黨",
    "?yōu)椤布s": "為‘硬約",
    "?!?/span>": "。”</span>",
    "?!霸诰\ue1a6虏渴?G": "。“在井下部署5G",
    "?!拔覀儑\ue30f@": "。“我們圍繞",
    "?!\ue1ea染唧w": "保’等具體",
}

#: Places where the seeds' text has the bytes of ``！`` across two characters
#: (``a3 a1`` across 。|” or 保|’) that the farm left alone. Its punctuation pass
#: replaced every other such match in each page, and no byte rule predicts
#: which; the benchmark's farm replaces them all.
SPARED_MATCHES = ("重大。”", "作用。”", "六包六保’", "考核。”")

#: Characters the seeds' farm annotated only where the match fell across two
#: characters, so their readings never show next to them.
MISALIGNED_ONLY = {"賴": "賴(lài)", "優": "優(yōu)"}

ANNOTATION = re.compile(r"(?P<char>[\u3400-\u9fff])\((?P<reading>" + READING.pattern + r") ?\)")
ASCII_TO_FULL_WIDTH = {ascii: full for full, ascii in PUNCTUATION_TO_ASCII.items()}

PASSAGES = [
    "以党建引领发展，国企改革写华章。",
    "晋中市《关于市属国有企业在完善公司治理中加强党的领导的意见》征求意见座谈会召开。",
    "在7月份实现标煤差价28.19元/吨的基础上进一步缩小对标差距。",
    "推动党建工作从‘软指标’变为‘硬约束’，实现井上洗选、运输以及办公区域5G全覆盖；",
    "他强调：“一分部署、九分落实！”详见http://www.sxcoal.com/news，你了解吗？",
]


def _farm(text: str, entries: dict[str, str], *, keep: bool) -> str:
    table = dict(PUNCTUATION_TO_ASCII)
    table.update(entries)
    return farm_damage(text, table, keep_user_defined=keep)


def test_doctests_of_the_simulators_pass() -> None:
    result = doctest.testmod(damage)
    assert result.attempted > 10
    assert result.failed == 0


def test_worked_example_bytes_match_artifacts() -> None:
    source = "屬國有企業".encode(GBK)
    assert source.hex(" ") == "8c d9 87 f8 d3 d0 c6 f3 98 49"
    replaced = farm_replace(source, {"賴": "賴(lài)", "業": "業(yè)"})
    assert replaced.hex(" ").startswith("8c d9 87 28 6c a8 a4 69 29 f8 d3 d0 c6 f3 98 49 28")


@pytest.mark.parametrize(
    ("original", "entries", "keep", "seen"),
    [
        ("市屬國有企業", {"賴": "賴(lài)", "業": "業(yè)"}, False, "市屬?lài)衅髽I(yè)"),
        ("市屬國企黨建", {"賴": "賴(lài)"}, False, "市屬?lài)簏h建"),
        ("變為‘硬約束", {"優": "優(yōu)"}, False, "變?yōu)椤布s束"),
        ("發展。”</span>", {"發": "發(fā)"}, False, "發(fā)展?!?/span>"),
        ("深夜。“在井下部署5G網", {}, True, "深夜?!霸诰\ue1a6虏渴?G網"),
        ("六聯保’等具體內", {"聯": "聯(lián)"}, True, "六聯(lián)?!\ue1ea染唧w內"),
    ],
)
def test_farm_reproduces_the_artifacts_table(
    original: str, entries: dict[str, str], keep: bool, seen: str
) -> None:
    assert _farm(original, entries, keep=keep) == seen


def test_dropping_user_defined_codes_removes_exactly_the_private_use_characters() -> None:
    original = "深夜。“在井下部署5G網"
    kept = _farm(original, {}, keep=True)
    dropped = _farm(original, {}, keep=False)
    assert kept != dropped
    assert re.sub("[\ue000-\uf8ff]", "", kept) == dropped


def _restore_seed_line(line: str) -> str:
    """The traditional line the farm was given: damaged runs and punctuation undone."""
    for damaged, original in SEED_RUNS.items():
        line = line.replace(damaged, original)
    line = ANNOTATION.sub(lambda match: match["char"], line)
    return "".join(ASCII_TO_FULL_WIDTH.get(char, char) for char in line)


def _farm_sparing(text: str, table: dict[str, str], *, keep: bool) -> str:
    """Farm damage of ``text``, leaving alone the ``！`` matches the seeds' farm spared.

    The text is cut between the two characters of each spared match, and the
    pieces are damaged one by one.
    """
    for spot in SPARED_MATCHES:
        text = text.replace(spot, spot[:-1] + "\0" + spot[-1])
    return "".join(farm_damage(piece, table, keep_user_defined=keep) for piece in text.split("\0"))


def _seed_table(body: str) -> dict[str, str]:
    table = dict(PUNCTUATION_TO_ASCII)
    table.update(MISALIGNED_ONLY)
    for match in ANNOTATION.finditer(body):
        table[match["char"]] = match.group()
    return table


@pytest.mark.parametrize(
    ("name", "keep"), [("001_1b6f85196a04fcb8", False), ("003_707599d25000a410", True)]
)
def test_farm_reproduces_whole_seed_bodies(name: str, keep: bool) -> None:
    first, last = SEED_BODIES[name]
    lines = (SEEDS / f"{name}.txt").read_text(encoding="utf-8").split("\n")[first:last]
    table = _seed_table("\n".join(lines))
    damaged_lines = 0
    for line in lines:
        original = _restore_seed_line(line)
        damaged = _farm_sparing(original, table, keep=keep)
        assert damaged == line
        damaged_lines += damaged != pinyin_residue(original, table)
    assert damaged_lines >= 2


def test_restored_seed_lines_are_the_gold_in_traditional_script() -> None:
    line = "以黨建引領(lǐng)發(fā)展,國企改革寫(xiě)華章。為扎實(shí)開(kāi)展晉中市國有企業(yè)"
    assert to_simplified(_restore_seed_line(line)) == (
        "以党建引领发展，国企改革写华章。为扎实开展晋中市国有企业"
    )


def test_pinyin_residue_marks_only_whole_characters() -> None:
    table = {"聽": "聽(tīng)", "會": "會(huì )", "，": ","}
    assert pinyin_residue("傾聽基層心聲，會議", table) == "傾聽(tīng)基層心聲,會(huì )議"
    assert farm_damage("傾聽基層心聲，會議", table, keep_user_defined=True) == (
        "傾聽(tīng)基層心聲,會(huì )議"
    )


def test_farm_table_is_deterministic_and_well_formed() -> None:
    traditional = [to_traditional(text) for text in PASSAGES]
    first = build_farm_table(traditional, random.Random(7))
    assert first == build_farm_table(traditional, random.Random(7))
    assert first != build_farm_table(traditional, random.Random(8))
    for full, ascii in PUNCTUATION_TO_ASCII.items():
        assert first[full] == ascii
    readings = {char: value for char, value in first.items() if char not in PUNCTUATION_TO_ASCII}
    assert readings
    for char, value in readings.items():
        assert to_simplified(char) != char
        assert re.fullmatch(re.escape(char) + r"\(" + READING.pattern + r" ?\)", value)
        assert value.startswith(f"{char}({reading_of(char)}")


def test_farm_damage_builds_its_table_from_rng_when_none_is_given() -> None:
    text = to_traditional(PASSAGES[1])
    assert farm_damage(text, keep_user_defined=True, rng=random.Random(3)) == farm_damage(
        text, keep_user_defined=True, rng=random.Random(3)
    )
    with pytest.raises(ValueError, match="table or an rng"):
        farm_damage(text, keep_user_defined=True)


def test_decoder_reads_every_pair_of_a_clean_text() -> None:
    for text in PASSAGES:
        traditional = to_traditional(text)
        assert decode_farm(traditional.encode(GBK), keep_user_defined=False) == traditional


def test_decoder_loses_the_byte_after_a_stray_lead_except_exclamation() -> None:
    assert decode_farm(b"\x87(l", keep_user_defined=True) == "?l"
    assert decode_farm(b"\xa1!a", keep_user_defined=True) == "?!a"
    assert decode_farm(b"a\xb1", keep_user_defined=True) == "a?"


def test_reading_of_refuses_what_the_farm_table_cannot_hold() -> None:
    assert reading_of("賴") == "lài"
    assert reading_of("A") is None
    assert reading_of("，") is None
    assert reading_of("𠀀") is None


# --- classic mojibake chains ---------------------------------------------------------------


def _encode_c1(error: UnicodeEncodeError) -> tuple[bytes, int]:
    """Encode the C1 controls cp1252 leaves undefined as their own byte."""
    chunk = error.object[error.start : error.end]
    if all(0x80 <= ord(char) < 0xA0 for char in chunk):
        return chunk.encode("latin-1"), error.end
    raise error


codecs.register_error("_c1", _encode_c1)


GBK_TEXT = st.text(
    alphabet=st.one_of(
        st.characters(min_codepoint=0x4E00, max_codepoint=0x9FA5),
        st.sampled_from("，。、；：？！“”‘’《》（）—…0123456789abcXYZ/.%+ "),
    ),
    max_size=60,
)


@settings(max_examples=200, deadline=None)
@given(GBK_TEXT)
def test_lossless_chains_round_trip(text: str) -> None:
    assert gbk_as_latin1(text).encode("latin-1").decode(GBK) == text
    assert gbk_as_cp1252(text).encode("cp1252", errors="_c1").decode(GBK) == text
    assert utf8_as_cp1252(text).encode("cp1252", errors="_c1").decode("utf-8") == text
    assert utf8_as_latin1(text).encode("latin-1").decode("utf-8") == text


def test_cp1252_undefined_bytes_become_c1_controls() -> None:
    assert "丂".encode(GBK) == b"\x81@"
    assert gbk_as_cp1252("丂") == "\x81@"
    assert gbk_as_cp1252("前言") == "Ç°ÑÔ"
    assert gbk_as_latin1("中国") == "ÖÐ¹ú"
    assert utf8_as_cp1252("中国") == "ä¸\xadå›½"
    assert utf8_as_latin1("中") == "ä¸\xad"


def test_big5_as_gbk_round_trips_traditional_passages() -> None:
    for text in PASSAGES:
        traditional = to_traditional(text)
        damaged = big5_as_gbk(traditional)
        assert damaged != traditional
        assert "\ufffd" not in damaged
        assert damaged.encode(GBK).decode("big5") == traditional
    assert big5_as_gbk("發展") == "祇甶"
    assert big5_as_gbk("中國") == "い瓣"


def test_utf8_as_gbk_is_partly_lossy() -> None:
    assert utf8_as_gbk("发布") == "鍙戝竷"
    assert utf8_as_gbk("中文") == "涓\ufffd鏂\ufffd"


def test_gbk_as_big5_and_mixed_decoder() -> None:
    assert gbk_as_mixed("前言") == "ǰÑÔ"
    assert gbk_as_mixed("5G网络").startswith("5G")
    assert gbk_as_big5("市属国有企业") == "庈扽弊衄わ珛"


def test_a_second_pass_of_the_mixed_decoder_reads_two_byte_sequences_again() -> None:
    # 下次 = cf c2 b4 ce: the first pass reads c2 b4 as ´, written back as b4,
    # which the second pass reads with cf as one UTF-8 sequence.
    assert damage.gbk_as_mixed("下次") == "Ï´Î"
    assert damage.gbk_as_mixed_twice("下次") == "ϴÎ"
    # Without a two-byte sequence in the first pass, the second changes nothing.
    assert damage.gbk_as_mixed_twice("前言") == damage.gbk_as_mixed("前言")


def test_code_page_936_loses_an_odd_byte_with_the_ascii_byte_after_it() -> None:
    assert damage.utf8_as_gbk_lossy("技能 (Skill)") == "鎶€鑳?(Skill)"
    # An even run before the ASCII byte loses nothing.
    assert damage.utf8_as_gbk_lossy("能力 (Skill)") == damage.utf8_as_gbk("能力 (Skill)")
    assert damage.decode_cp936(b"\x80") == "\u20ac"


# --- the clean passages --------------------------------------------------------------------


def test_passages_are_many_clean_and_round_trip() -> None:
    passages = load_passages()
    assert len(passages) >= 400
    assert len({passage.simplified for passage in passages}) == len(passages)
    assert {passage.source for passage in passages} == {"gold.txt", "written.txt"}
    for passage in passages:
        assert MIN_CHARS <= len(passage.simplified) <= MAX_CHARS, passage.id
        assert passage.traditional == to_traditional(passage.simplified), passage.id
        assert to_simplified(passage.traditional) == passage.simplified, passage.id
        assert "\ufffd" not in passage.simplified
        assert passage.simplified == passage.simplified.strip(), passage.id
        assert "  " not in passage.simplified and "\n\n" not in passage.simplified
        assert not re.search(r"[\u4e00-\u9fff][,:;?!]|[,:;?!][\u4e00-\u9fff]", passage.simplified)


def test_passages_file_is_built_from_its_sources() -> None:
    passages, rejected = build()
    assert render_tsv(passages) == PASSAGES_TSV.read_text(encoding="utf-8")
    assert all(reason for _, reason in rejected)


def test_gold_passages_are_the_split_gold_bodies() -> None:
    expected = []
    for path in sorted(SEEDS.glob("*.json")):
        expected.extend(split_body(json.loads(path.read_text(encoding="utf-8"))["body"]))
    assert read_lines(GOLD_TXT) == expected


def test_split_body_cuts_at_sentence_ends_outside_quotes() -> None:
    quoted = "他说：“第一句话很长很长很长很长很长。第二句话也很长很长很长很长很长。”"
    outside = "这是引号外的一句话，足够长了吧。"
    second = "第二段的第一句话写得足够长，超过三十个字符才行，所以再多写几个字吧。"
    body = f"{quoted}{outside * 8}\n短标题\n{second}第二段的第二句。"
    assert split_body(body) == [quoted + outside * 7, f"短标题\n{second}第二段的第二句。"]


def test_split_body_cuts_a_long_quotation_at_its_sentences() -> None:
    sentence = "要坚持党的领导，加强党的建设，推动企业高质量发展。"
    body = "他强调：“" + sentence * 12 + "”"
    passages = split_body(body)
    assert len(passages) > 1
    assert "".join(passages) == body
    assert all(MIN_CHARS <= len(passage) <= MAX_CHARS for passage in passages)
    assert all(passage.endswith(("。", "”")) for passage in passages)


# --- the benchmark's own scoring -----------------------------------------------------------


@functools.cache
def _chains() -> dict[str, Chain]:
    return {chain.name: chain for chain in build_chains(load_passages())}


def _chain(name: str) -> Chain:
    return _chains()[name]


def test_evaluate_scores_a_perfect_and_a_null_repair() -> None:
    passages = load_passages()[:40]
    chain = _chain("gbk-as-latin1")
    answers = {chain.damage(p, i): p.simplified for i, p in enumerate(passages)}
    perfect = evaluate(chain, passages, answers.__getitem__)
    assert (perfect.passages, perfect.exact, perfect.mean_cer) == (40, 40, 0.0)
    assert perfect.passed()
    null = evaluate(chain, passages, lambda text: text, examples=2)
    assert null.exact == 0
    assert null.mean_cer > 1.0
    assert not null.passed()
    assert len(null.failures) == 2


def test_evaluate_counts_a_crashing_repair_as_misses() -> None:
    passages = load_passages()[:5]

    def crash(text: str) -> str:
        raise RuntimeError("not yet")

    result = evaluate(_chain("utf8-as-cp1252"), passages, crash)
    assert (result.passages, result.errors, result.exact) == (5, 5, 0)
    assert "RuntimeError: not yet" in result.first_error


def test_evaluate_sets_the_farm_passages_with_misaligned_matches_apart() -> None:
    passages = load_passages()
    chain = _chain("farm, user-defined dropped")
    result = evaluate(chain, passages, lambda text: text, examples=3)
    assert 0 < result.hard < result.passages
    assert all(damaged != expected for damaged, expected, _ in result.failures)
    assert any("?" in damaged for damaged, _, _ in result.failures)


def test_first_difference_and_throughput_text() -> None:
    assert first_difference("市属国有企业改革", "市属国衅企业改革") == (
        "市属国有企业改革",
        "市属国衅企业改革",
    )
    text = concatenated(["一" * 40] * 300, size=1000)
    assert 1000 <= len(text) < 1100
    assert text.count("\n") == len(text) // 41


def test_bench_runs_end_to_end(capsys: pytest.CaptureFixture[str]) -> None:
    options = ["--chain=gbk-as-cp1252", "--runs=1", "--examples=1", "--passages=20", "--chars=100"]
    assert bench_main(["repair", *options]) == 0
    out = capsys.readouterr().out
    assert "20 clean passages" in out
    assert re.search(r"gbk-as-cp1252 +20 +20 ", out)
    assert "clean passages unchanged" not in out
    for label in ("clean simplified", "clean traditional", "damaged"):
        assert f"throughput, {label}" in out


def test_repair_names_reads_either_shape_of_the_repair_list() -> None:
    def markup(text: str) -> str:
        return text

    assert repair_names([("pinyin", str.strip), markup]) == "pinyin, markup"
    assert repair_names(()) == "(none yet)"


def _endless(text: str) -> str:
    while True:
        text = text[::-1]


def test_a_repair_past_the_time_limit_is_stopped_and_counted_as_a_miss() -> None:
    with pytest.raises(RepairTimeout):
        time_limited(_endless, 0.05)("市属国有企业")
    passages = load_passages()[:5]
    calls = []

    def endless(text: str) -> str:
        calls.append(text)
        return _endless(text)

    result = evaluate(_chain("gbk-as-latin1"), passages, time_limited(endless, 0.05))
    assert (result.passages, result.timeouts, result.errors, result.exact) == (5, 5, 0, 0)
    assert len(calls) == MAX_TIMEOUTS
    assert result.given_up == 5 - MAX_TIMEOUTS


def test_a_chain_is_given_up_only_after_timeouts_in_a_row() -> None:
    passages = load_passages()[:8]
    chain = _chain("gbk-as-latin1")
    answers = {chain.damage(p, i): p.simplified for i, p in enumerate(passages)}
    slow = {chain.damage(p, i) for i, p in enumerate(passages) if i % 2 == 0}

    def sometimes_endless(text: str) -> str:
        return _endless(text) if text in slow else answers[text]

    result = evaluate(chain, passages, time_limited(sometimes_endless, 0.05))
    assert (result.timeouts, result.given_up, result.exact) == (4, 0, 4)
    assert time_limited(str.upper, 5)("abc") == "ABC"
