"""Which script a text is written in: the character sets of GB2312 and Big5.

GB2312 is the simplified script's repertoire (6,763 hanzi), Big5 the
traditional script's (13,000-odd). A character only one of them has marks
its script (發 黨 國 only Big5, 发 党 国 only GB2312); characters both
share (中, 乾, 著) say nothing. The one home of script detection: the page
layer's ``script`` column, the repairs' sense of a document's script and the
decoder's plausibility check all read these sets.

>>> detect_script("傾聽基層心聲 助推黨建發展"), detect_script("倾听基层心声 助推党建发展")
('traditional', 'simplified')
>>> detect_script("党建 黨建 发展 發展")
'mixed'
>>> detect_script("乾隆帝是著名的书法家")
'simplified'
"""

from __future__ import annotations

import functools
import re


def _decode_rows(codec: str, leads: range, trails: tuple[int, ...], stop: int = 0) -> str:
    """Every character of the rows ``leads`` x ``trails`` of a double-byte code, up
    to the code ``stop`` (exclusive) when given."""
    raw = bytearray()
    for lead in leads:
        for trail in trails:
            if stop and lead << 8 | trail >= stop:
                return raw.decode(codec, errors="ignore")
            raw += bytes((lead, trail))
    return raw.decode(codec, errors="ignore")


_GB2312_TRAILS = tuple(range(0xA1, 0xFF))
_BIG5_TRAILS = (*range(0x40, 0x7F), *range(0xA1, 0xFF))


@functools.cache
def gb2312_hanzi() -> str:
    """All 6,763 hanzi of GB2312 (rows B0-F7): the simplified script's repertoire."""
    return _decode_rows("gb2312", range(0xB0, 0xF8), _GB2312_TRAILS)


@functools.cache
def big5_hanzi() -> str:
    """All 13,000-odd hanzi of Big5 (rows A4-F9): the traditional script's repertoire."""
    return _decode_rows("big5", range(0xA4, 0xFA), _BIG5_TRAILS)


@functools.cache
def gb2312_level1() -> str:
    """The 3,755 level-1 hanzi of GB2312 (B0A1-D7F9): the most frequent simplified characters."""
    return _decode_rows("gb2312", range(0xB0, 0xD8), _GB2312_TRAILS, stop=0xD7FA)


@functools.cache
def big5_level1() -> str:
    """The 5,401 frequently used characters of Big5 (A440-C67E): traditional text."""
    return _decode_rows("big5", range(0xA4, 0xC7), _BIG5_TRAILS, stop=0xC67F)


@functools.cache
def traditional_only() -> frozenset[str]:
    """Characters only the traditional script writes: in Big5, not in GB2312 (發, 黨, 國)."""
    return frozenset(big5_hanzi()) - frozenset(gb2312_hanzi())


@functools.cache
def simplified_only() -> frozenset[str]:
    """Characters only the simplified script writes: in GB2312, not in Big5 (发, 党, 国)."""
    return frozenset(gb2312_hanzi()) - frozenset(big5_hanzi())


def _char_class(chars: frozenset[str]) -> re.Pattern[str]:
    """One character class of ``chars``: the regex engine tests membership in
    a bitmap, so counting with it runs at C speed (four times a
    ``str.translate`` deletion table's)."""
    return re.compile("[" + "".join(re.escape(char) for char in sorted(chars)) + "]")


@functools.cache
def _markers() -> tuple[re.Pattern[str], re.Pattern[str]]:
    """Patterns of the traditional-only and the simplified-only characters."""
    return _char_class(traditional_only()), _char_class(simplified_only())


@functools.cache
def other_script(traditional: bool) -> frozenset[str]:
    """Characters a text of the other script writes and a text of this one does not:
    a repair restores a text in the script it was written in.

    Beyond the character sets, the conversion's table counts: a simplified
    text does not write the forms t2s converts (乾 outside its few phrases,
    於, 後), nor a traditional text the forms it converts to.
    """
    from cleaning.text import t2s  # t2s reads this module's sets

    table = t2s.char_map()
    converted = frozenset(map(chr, table))
    if traditional:
        return simplified_only() | (frozenset(table.values()) - converted)
    return traditional_only() | converted


#: Share of script-marked characters above which a text is of one script;
#: between the two it is ``mixed``. Seeds 001 and 003 (traditional with
#: pinyin residue) are at 0.99; simplified seeds at 0.0; quotes of one script
#: in an article of the other stay under 10%.
SCRIPT_SHARE = 0.9


def detect_script(text: str) -> str:
    """``simplified``, ``traditional`` or ``mixed``: the script ``text`` is written in.

    Text with no script-marked character (ASCII, or only shared characters)
    is ``simplified``, the clean form of the corpus.
    """
    traditional_marks, simplified_marks = _markers()
    traditional = len(traditional_marks.findall(text))
    simplified = len(simplified_marks.findall(text))
    marked = traditional + simplified
    if not marked or simplified >= SCRIPT_SHARE * marked:
        return "simplified"
    if traditional >= SCRIPT_SHARE * marked:
        return "traditional"
    return "mixed"


def foreign_to(text: str) -> frozenset[str]:
    """Characters foreign to the script ``text`` is written in (``other_script``);
    none for mixed text, whose script does not tell."""
    script = detect_script(text)
    if script == "mixed":
        return frozenset()
    return other_script(script == "traditional")
