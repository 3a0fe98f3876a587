"""How Chinese-like a piece of text is: the yardstick every repair must improve.

A repair of mojibake is accepted only when the repaired run scores clearly
better than the damaged one (``MIN_GAIN``). The score is the mean, over the
run's characters, of a per-character log10 frequency: Han characters from
``data/charfreq.tsv`` (built from jieba's word frequencies; traditional
characters are looked up through their simplified form, so traditional text
is as plausible as simplified), fixed costs for other classes.

>>> score("晋能控股集团党委") > score("鍙戝竷鏂伴椈") + MIN_GAIN
True
>>> score("中国") > score("ÖÐ¹ú") + MIN_GAIN
True
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterable
from pathlib import Path

from cleaning.text import t2s
from cleaning.text.chardata import HAN

_DATA = Path(__file__).parent / "data" / "charfreq.tsv"

#: Cost of a Han character not in the table: rarer than anything listed
#: (the table's rarest entries are near -7.5).
UNKNOWN_HAN = -8.0
#: ASCII letters, digits and punctuation: neutral, about the level of a
#: mid-frequency character, so that "5G" or "28.19元" do not look like damage.
ASCII = -3.0
#: Full-width and CJK punctuation (，。“”《》): frequent in clean text.
CJK_PUNCTUATION = -2.0
#: White space: ignored (not counted).
#: Kana, Latin-1 letters and symbols inside Chinese text: what GBK read as
#: Big5 or Latin-1 produces; possible in clean text, but rare.
FOREIGN = -6.0
#: Private-use characters, U+FFFD and C0/C1 controls: marks of damage.
DAMAGE = -10.0

#: A repair must raise the mean score by at least this much (log10 units per
#: character). Calibrated on the seeds and the benchmark passages: clean
#: runs score about -3.0, mojibake of every chain in ARTIFACTS §3 below -4.5.
MIN_GAIN = 0.8


@functools.cache
def _table() -> dict[str, float]:
    table = {}
    with _DATA.open(encoding="utf-8") as lines:
        for line in lines:
            if line.startswith("#"):
                continue
            char, value = line.rstrip("\n").split("\t")
            table[char] = float(value)
    return table


@functools.cache
def char_cost(char: str) -> float:
    """The log10 frequency-like score of one character (higher is more common)."""
    code = ord(char)
    if code < 0x80:
        return ASCII if code >= 0x20 else DAMAGE
    if 0xE000 <= code <= 0xF8FF or code == 0xFFFD or 0x80 <= code < 0xA0:
        return DAMAGE
    table = _table()
    # A traditional character is as common as its simplified form (jieba's
    # dictionary is simplified: 國 itself is rare there, 国 is not).
    known = [table[c] for c in {char, char.translate(t2s.char_map())} if c in table]
    if known:
        return max(known)
    category = unicodedata.category(char)
    if category.startswith("P") or 0x3000 <= code <= 0x303F or 0xFF00 <= code <= 0xFF65:
        return CJK_PUNCTUATION
    if category == "Lo" and unicodedata.name(char, "").startswith("CJK"):
        return UNKNOWN_HAN
    return FOREIGN


#: Characters at least this common (log10 share) count as common: the
#: 2,500 or so most frequent, which make up about 98% of news text.
COMMON_LEVEL = -4.6


@functools.cache
def _rare_pattern() -> re.Pattern[str]:
    """A character class of everything but common characters, white space and
    ASCII: counting its matches runs at C speed (a bitmap test per character,
    five times a ``str.translate`` deletion table's)."""
    common = {char for char, level in _table().items() if level >= COMMON_LEVEL}
    traditional = {chr(code) for code, simple in t2s.char_map().items() if simple in common}
    punctuation = {chr(c) for c in (*range(0x3000, 0x3040), *range(0xFF00, 0xFF66))}
    others = set("\u2018\u2019\u201c\u201d\u2026\u2014\u00b7\u00a0")
    deleted = common | traditional | punctuation | others
    deleted |= {chr(code) for code in range(0x80)}
    return re.compile("[^" + "".join(re.escape(char) for char in sorted(deleted)) + "]")


def rare_share(text: str) -> float:
    """Share of the non-ASCII characters of ``text`` that are not common (fast: one translate)."""
    wide = len(text) - len(text.encode("ascii", "ignore"))
    if not wide:
        return 0.0
    return len(_rare_pattern().findall(text)) / wide


_SPACE_RE = re.compile(r"\s+")


#: ``char_cost`` of each character seen, for ``score``'s whole-text lookups.
_COSTS: dict[str, float] = {}


def score(text: str) -> float:
    """Mean character score of a text, white space ignored; -inf for no characters."""
    chars = _SPACE_RE.sub("", text)
    if not chars:
        return float("-inf")
    try:
        total = sum(map(_COSTS.__getitem__, chars))
    except KeyError:
        _COSTS.update((char, char_cost(char)) for char in set(chars) - _COSTS.keys())
        total = sum(map(_COSTS.__getitem__, chars))
    return total / len(chars)


def improves(before: str, after: str, gain: float = MIN_GAIN) -> bool:
    """True when ``after`` is clearly more Chinese-like than ``before``."""
    return score(after) >= score(before) + gain


#: Marks of damage a repair may not introduce: U+FFFD, private use, C1 controls.
_DAMAGE_MARKS_RE = re.compile("[\ufffd\ue000-\uf8ff\x80-\x9f]")
_HAN_RE = re.compile(f"[{HAN}]")


def clean_result(text: str) -> bool:
    """A repair's output may be kept: it has Han characters and no marks of damage."""
    return _DAMAGE_MARKS_RE.search(text) is None and _HAN_RE.search(text) is not None


def wide(text: str) -> str:
    """The characters of ``text`` beyond ASCII: what a Han-to-Han chain changes."""
    return "".join(c for c in text if c >= "\x80")


def most_plausible(
    damaged: str, candidates: Iterable[tuple[str, str]], *, wide_only: bool = False
) -> tuple[str, str] | None:
    """Of (chain name, repaired text) candidates, the most Chinese-like, if it reads
    clearly better than ``damaged`` (``improves``): (text, name).

    ``wide_only`` judges only the characters beyond ASCII, for chains that
    leave ASCII as it is (a line of mojibake in a Markdown heading is judged
    on its Chinese, not diluted by the heading's Latin words).
    """
    view = wide if wide_only else str
    best: tuple[float, str, str] | None = None
    for name, fixed in candidates:
        if fixed == damaged:
            continue
        value = score(view(fixed))
        if best is None or value > best[0]:
            best = (value, fixed, name)
    if best is None or not improves(view(damaged), view(best[1])):
        return None
    return best[1], best[2]
