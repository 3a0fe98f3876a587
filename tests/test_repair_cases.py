"""Every text repair against its cases: real damage from the seeds (in-the-wild),
damage made by the simulators of bench/damage.py (synthetic), text that looks
suspicious and must not change (negative), and known failures (strict xfail:
when one starts passing, move it to the right file)."""

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from cleaning import repair_text
from cleaning.text import normalize, punct
from cleaning.text.misaligned import repair_misaligned
from cleaning.text.pinyin import remove_readings
from cleaning.text.t2s import to_simplified

CASES = Path(__file__).parent / "cases"


def _punctuation(text: str) -> str:
    return normalize.tidy_paragraphs(punct.fix_punctuation(punct.strip_markup(text)))


#: The function each stage's cases exercise, unless a case names ``repair_text``.
STAGES: dict[str, Callable[[str], str]] = {
    "pinyin": remove_readings,
    "misaligned-gbk": repair_misaligned,
    "mojibake": repair_text,
    "t2s": to_simplified,
    "punctuation": _punctuation,
}
KINDS = ("in-the-wild", "synthetic", "negative", "known-failures")


def _cases(marked: bool = True):
    for stage in STAGES:
        for kind in KINDS:
            path = CASES / stage / f"{kind}.json"
            if not path.exists():
                continue
            for case in json.loads(path.read_text(encoding="utf-8")):
                failing = marked and case["expect"] == "fail"
                marks = [pytest.mark.xfail(strict=True)] if failing else []
                name = f"{stage}/{kind}/{case['label']}"
                yield pytest.param(stage, kind, case, id=name, marks=marks)


@pytest.mark.parametrize(("stage", "kind", "case"), list(_cases()))
def test_case(stage, kind, case):
    function = repair_text if case.get("function") == "repair_text" else STAGES[stage]
    assert function(case["original"]) == case["expected"]


@pytest.mark.parametrize(("stage", "kind", "case"), list(_cases(marked=False)))
def test_case_is_well_formed(stage, kind, case):
    assert case["label"].strip()
    assert case["expect"] in ("pass", "fail")
    assert (case["expect"] == "fail") == (kind == "known-failures")
    if kind == "negative":
        function = repair_text if case.get("function") == "repair_text" else STAGES[stage]
        if function is not to_simplified and function is not repair_text:
            assert case["original"] == case["expected"], "a negative case expects no change"
    else:
        assert case["original"] != case["expected"], "a case of damage must show some"


def test_every_stage_has_each_kind_of_case():
    for stage in STAGES:
        for kind in ("in-the-wild", "synthetic", "negative"):
            assert (CASES / stage / f"{kind}.json").exists(), f"{stage} lacks {kind} cases"
