"""The fast script conversion agrees with OpenCC where it matters for clean text.

Simplified text may hold characters that are also traditional forms (乾 in
乾隆, 乾坤, 康乾盛世): OpenCC's phrase dictionaries keep them, and so must
``to_simplified``, or clean text changes. Every phrase of both of OpenCC's
phrase dictionaries (each side) that holds a character the conversion maps
is converted as OpenCC converts it.
"""

from pathlib import Path

import opencc
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cleaning import repair_text
from cleaning.text import t2s

DICTIONARIES = Path(opencc.__file__).parent / "dictionary"


def _phrases() -> list[str]:
    found: set[str] = set()
    for name in ("TSPhrases.txt", "STPhrases.txt"):
        for line in (DICTIONARIES / name).read_text(encoding="utf-8").splitlines():
            key, values = line.split("\t")
            found.add(key)
            found.update(values.split(" "))
    table = t2s.char_map()
    return sorted(p for p in found if any(ord(c) in table for c in p))


def test_every_phrase_with_a_mapped_character_converts_as_opencc_does():
    converter = opencc.OpenCC("t2s")
    phrases = _phrases()
    assert len(phrases) > 100
    differ = [
        (p, t2s.to_simplified(p)) for p in phrases if t2s.to_simplified(p) != converter.convert(p)
    ]
    assert differ == []


@pytest.mark.parametrize(
    "text",
    [
        "乾隆帝在位期间，清朝国力达到鼎盛，史称康乾盛世。",
        "他决心扭转乾坤，带领企业走出困境。",
        "乾隆年间，这位著名的画家来到太原写生。",
    ],
)
def test_clean_simplified_text_with_a_traditional_form_is_unchanged(text):
    assert repair_text(text) == text


# --- has_traditional: the encoder's scan decides as the whole set would ----

_TRADITIONAL = sorted(t2s._tables().traditional)
_IN_GB2312 = [c for c in _TRADITIONAL if t2s._encodes(c, "gb2312")]
#: Characters GB2312 lacks that the conversion leaves alone: Han of names
#: (堃, 喆, 镕), a bullet, a no-break space, an emoji, a lone surrogate.
_OUTSIDE = ["堃", "喆", "镕", "•", "\u00a0", "\U0001f600", "\udc80", "é"]


def _by_set(text: str) -> bool:
    return any(c in t2s._tables().traditional for c in text)


def test_fifteen_traditional_forms_lie_in_gb2312_and_are_found():
    assert 10 <= len(_IN_GB2312) <= 30
    assert "乾" in _IN_GB2312
    for char in _IN_GB2312:
        assert t2s.has_traditional(f"国企改革{char}深化")


@given(
    st.lists(
        st.one_of(
            st.sampled_from("党建引领国有企业改革发展，。“”０１2a "),
            st.sampled_from(_OUTSIDE),
            st.sampled_from(_TRADITIONAL),
            st.sampled_from(_IN_GB2312),
        ),
        max_size=80,
    )
)
@settings(max_examples=400, deadline=None)
def test_has_traditional_agrees_with_the_set(chars):
    text = "".join(chars)
    assert t2s.has_traditional(text) == _by_set(text)


@pytest.mark.parametrize("misses", [0, 1, t2s.MAX_ENCODER_MISSES - 1, t2s.MAX_ENCODER_MISSES, 40])
@pytest.mark.parametrize("last", ["", "會", "乾", "党"])
def test_many_characters_outside_gb2312_before_the_traditional_one(misses, last):
    text = "职工代表大会" + "堃•" * misses + "召开" + last
    assert t2s.has_traditional(text) == _by_set(text) == (last in ("會", "乾"))
