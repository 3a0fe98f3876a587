"""Character classes and tables shared by the text repairs.

Data apart from logic: every class here is named, and
the regexes of the repairs are built from these names.
"""

from __future__ import annotations

import functools

#: Han ideographs: the unified block, extension A, compatibility ideographs.
#: (Extensions B+ are astral and essentially absent from this corpus.)
HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"

#: Chinese full-width punctuation and symbols that sit inside Chinese text.
CJK_PUNCT = (
    "\u3000-\u303f"  # CJK symbols and punctuation: 、。〈〉《》「」『』【】〔〕
    "\uff01-\uff0f\uff1a-\uff20\uff3b-\uff40\uff5b-\uff65"  # full-width ！（），：；？ etc.
    "\u2018\u2019\u201c\u201d\u2026\u2014\u00b7"  # ‘’“”…—·
)

#: Latin letters with tone marks that pinyin uses, plus ü and its toned forms.
PINYIN_TONED_VOWELS = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü"

#: The full-width punctuation the content farms folded to ASCII (ARTIFACTS §2),
#: and the ASCII form each became.
FULLWIDTH_TO_ASCII = {
    "，": ",",
    "：": ":",
    "；": ";",
    "？": "?",
    "！": "!",
    "（": "(",
    "）": ")",
}
ASCII_TO_FULLWIDTH = {ascii_: full for full, ascii_ in FULLWIDTH_TO_ASCII.items()}

#: Characters a lost byte turns into, depending on the decoder.
REPLACEMENT_MARKS = "?\ufffd"


def is_gbk_user_defined(lead: int, trail: int) -> bool:
    """True for the GBK user-defined areas (AAA1-AFFE, F8A1-FEFE, A140-A7A0).

    GB18030 decodes these to private-use characters; other decoders drop them.
    """
    if 0xAA <= lead <= 0xAF or 0xF8 <= lead <= 0xFE:
        return 0xA1 <= trail <= 0xFE
    if 0xA1 <= lead <= 0xA7:
        return 0x40 <= trail <= 0xA0 and trail != 0x7F
    return False


# --- the GBK code table ------------------------------------------------------

#: Every two-byte GBK code as GB18030 decodes it (lead << 8 | trail -> char),
#: "" where the two bytes are no code. GB18030 rather than Python's ``gbk``:
#: it is what browsers use for the label, it keeps the user-defined areas as
#: private-use characters, and it reads A1AA as the dash Chinese text writes
#: (U+2014). One table for every repair that reasons about GBK bytes.


@functools.cache
def _gbk_tables() -> tuple[tuple[str, ...], bytes]:
    table = [""] * 0x10000
    strict = bytearray(0x10000)
    for lead in range(0x81, 0xFF):
        for trail in (*range(0x40, 0x7F), *range(0x80, 0xFF)):
            pair = bytes((lead, trail))
            try:
                table[lead << 8 | trail] = pair.decode("gb18030")
                strict[lead << 8 | trail] = bool(pair.decode("gbk"))
            except UnicodeDecodeError:
                continue
    return tuple(table), bytes(strict)


def gbk_table() -> tuple[str, ...]:
    """The GBK code table: ``gbk_table()[lead << 8 | trail]`` is the character, or ""."""
    return _gbk_tables()[0]


def strict_gbk_pairs() -> bytes:
    """1 at ``lead << 8 | trail`` where a strict GBK decoder (Python's ``gbk``: no
    user-defined areas, none of GB18030's later additions) reads a character."""
    return _gbk_tables()[1]


def is_private_use(char: str) -> bool:
    """A private-use character (U+E000-U+F8FF): GB18030's user-defined codes."""
    return "\ue000" <= char <= "\uf8ff"


@functools.cache
def gbk_chars() -> tuple[str, ...]:
    """``gbk_table`` without the user-defined areas: "" where no real character is."""
    return tuple("" if is_private_use(char) else char for char in gbk_table())


def gbk_char(lead: int, trail: int) -> str | None:
    """The real character GBK bytes ``lead trail`` spell, or None (no code, or user-defined)."""
    return gbk_chars()[lead << 8 | trail] or None


#: cp1252's characters for the bytes 0x80-0x9F where it has one (``Œ`` for
#: ``8c``, ``“`` for ``93``), character to byte: what a cp1252 decoder wrote
#: where a Latin-1 one writes a C1 control.
CP1252_BYTES: dict[str, int] = {
    bytes((byte,)).decode("cp1252"): byte
    for byte in range(0x80, 0xA0)
    if byte not in (0x81, 0x8D, 0x8F, 0x90, 0x9D)
}
