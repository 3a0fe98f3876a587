"""Pinyin residue: readings that content farms put after characters (ARTIFACTS §1).

The farms serve traditional-script copies marked up with HTML ruby
(``<ruby>聽<rt>tīng</rt></ruby>`` with ``<rp>(</rp>`` fallbacks); flattened
to text, that leaves ``傾聽(tīng)基層``, sometimes with a space before the
closing parenthesis (``會(huì )議``). A reading is one syllable of lower-case
Latin letters with tone marks or ü, right after a Han character, in ASCII
parentheses. Only such readings are removed:

>>> remove_readings("傾聽(tīng)基層心聲 助推黨建發(fā)展")
'傾聽基層心聲 助推黨建發展'
>>> remove_readings("座談會(huì )在晉中市召開(kāi)")
'座談會在晉中市召開'

Real parentheses, Latin words and readings after Latin text stay:

>>> remove_readings("(以下簡稱《意見》和《辦法》)")
'(以下簡稱《意見》和《辦法》)'
>>> remove_readings("the syllable ye (yè) means leaf")
'the syllable ye (yè) means leaf'
>>> remove_readings("華陽集團(600348)")
'華陽集團(600348)'
"""

from __future__ import annotations

import functools
import re
import unicodedata

from pypinyin.pinyin_dict import pinyin_dict

from cleaning.text.chardata import HAN, PINYIN_TONED_VOWELS

#: One pinyin syllable as the farms write it: lower-case letters, tone marks,
#: ü; six letters at most (``zhuang``, ``shuāng``).
SYLLABLE = f"[a-z{PINYIN_TONED_VOWELS}]{{1,6}}"
#: A candidate reading right after a Han character: one syllable, an optional
#: space, the closing parenthesis. Validated against the syllables pypinyin
#: knows before anything is removed. The one definition of a reading: the
#: page layer's furniture patterns and the misaligned-GBK repair use it too.
#: (The parenthesis is matched first and the Han character behind it looked
#: back at: a pattern that opens with a literal is scanned for it in C, one
#: that opens with a look-behind is tried at every position, four times slower.)
READING_RE = re.compile(f"\\((?<=[{HAN}]\\()({SYLLABLE}) ?\\)")


@functools.cache
def _readings() -> tuple[frozenset[str], dict[str, frozenset[str]]]:
    """All toned syllables, and each character's readings (from pypinyin's table)."""
    by_char: dict[str, frozenset[str]] = {}
    syllables: set[str] = set()
    for code, readings in pinyin_dict.items():
        found = frozenset(readings.split(","))
        by_char[chr(code)] = found
        syllables |= found
    return frozenset(syllables), by_char


def _has_tone_mark(reading: str) -> bool:
    return any(char in PINYIN_TONED_VOWELS and char != "ü" for char in reading)


def readings_of(char: str) -> frozenset[str]:
    """The readings pypinyin lists for a character (toned, e.g. ``{'lài'}``)."""
    return _readings()[1].get(char, frozenset())


def is_reading(reading: str, after: str) -> bool:
    """True when ``reading`` is a pinyin reading that may follow the character ``after``.

    A toned syllable is accepted after any Han character (farms annotate
    characters whose reading pypinyin may not list); a syllable without a tone
    mark (neutral tone: ``de``, ``me``) only after a character that has it.
    """
    reading = unicodedata.normalize("NFC", reading)
    syllables, _ = _readings()
    if reading not in syllables:
        return False
    return _has_tone_mark(reading) or reading in readings_of(after)


def remove_readings(text: str) -> str:
    """Remove pinyin readings that follow Han characters; leave everything else."""
    if "(" not in text:
        return text

    def drop(match: re.Match[str]) -> str:
        after = text[match.start() - 1]
        return "" if is_reading(match.group(1), after) else match.group()

    return READING_RE.sub(drop, text)
