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
