"""Line cases of the page stage (tests/cases/page/): metadata found, furniture recognised.

``in-the-wild.json`` holds lines of the seeds and sample pages,
``synthetic.json`` lines in the forms Chinese sites print, ``negative.json``
lines that must be left alone (prose that happens to hold a label, a date
or a separator). Each case: ``label``, ``source_url``, ``original``,
``expected``, ``expect`` (what the line is: ``date``, ``source``,
``author``, ``category``, ``original_url``, ``furniture`` or ``keep``).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cleaning.page import furniture, metadata

CASES = Path(__file__).resolve().parent / "cases" / "page"
KINDS = {"date", "source", "author", "category", "original_url", "furniture", "keep"}


def _load(name: str) -> list[dict]:
    return json.loads((CASES / name).read_text(encoding="utf-8"))


ALL = [
    (name, case)
    for name in ("in-the-wild.json", "synthetic.json", "negative.json")
    for case in _load(name)
]


def _is_furniture(line: str) -> bool:
    return (
        furniture.is_furniture(line)
        or furniture.is_controls(line)
        or metadata.is_metadata_line(line)
        or furniture.breadcrumb(line) is not None
    )


@pytest.mark.parametrize(("name", "case"), ALL, ids=[f"{n}:{c['label']}" for n, c in ALL])
def test_case(name: str, case: dict) -> None:
    line, expected, expect = case["original"], case["expected"], case["expect"]
    if expect == "date":
        found = metadata.labelled_date(line) or (0, metadata.parse_iso(line))
        assert found[1] is not None and found[1].isoformat() == expected
    elif expect == "source":
        assert metadata.source_of(line) == expected
    elif expect == "author":
        assert metadata.author_of(line) == expected
    elif expect == "category":
        crumbs = furniture.breadcrumb(line)
        assert crumbs is not None and furniture.crumb_category(crumbs) == expected
    elif expect == "original_url":
        assert metadata.original_url_of(line, None) == expected
    elif expect == "furniture":
        assert _is_furniture(line)
    else:
        assert not _is_furniture(line)
        assert metadata.source_of(line) is None


def test_cases_are_well_formed() -> None:
    for name, case in ALL:
        assert set(case) == {"label", "source_url", "original", "expected", "expect"}, name
        assert case["expect"] in KINDS, case["label"]
        assert case["original"].strip(), case["label"]
