"""Character classes and tables shared by the text repairs.

Data apart from logic: every class here is named, and
the regexes of the repairs are built from these names.
"""

from __future__ import annotations

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
