"""Runs of Latin characters: Chinese bytes read one byte at a time (ARTIFACTS §3).

Each chain is undone by re-encoding the damaged run with the codec that
wrongly decoded it and decoding the bytes with the right one; a repair is
kept only when the result is clearly more Chinese-like (``plausibility``),
so Latin text and real symbols stay as they are.

- GBK bytes read as Latin-1 or cp1252 (``ÖÐ¹ú``), UTF-8 bytes read as cp1252
  or Latin-1 (``ä¸\\xadå›½``): run by run, exact.
- GBK bytes through a decoder that reads valid UTF-8 as UTF-8 and every
  other byte as Latin-1 or cp1252, once or twice (``ǰÑÔ``): its UTF-8
  sequences straddle GBK characters and can be any character, so the whole
  line is searched (``mixed``).

>>> repair_latin_runs("ÖÐ¹ú2022Äê")
'中国2022年'
>>> repair_latin_runs("ä¸\\xadå›½")
'中国'
>>> repair_latin_runs("ǰÑÔ")
'前言'
>>> repair_latin_runs("Café Müller, naïve")  # real Latin text
'Café Müller, naïve'
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable

from cleaning.text import plausibility
from cleaning.text.chardata import CP1252_BYTES, PINYIN_TONED_VOWELS
from cleaning.text.mojibake import mixed

#: Characters only a two-byte UTF-8 sequence read out of GBK bytes makes
#: inside Chinese text (Latin extended to Arabic, but not the tone-marked
#: vowels of pinyin readings); a line needs a few to be searched first.
MIXED_MARKS_RE = re.compile("[\u0100-\u07ff]")
#: ... but not the letters cp1252 decodes single bytes to (Œ š ƒ ˆ), which
#: a single-byte chain explains, nor pinyin's tone-marked vowels.
_NOT_MIXED_MARKS = frozenset(c for c in CP1252_BYTES if 0x100 <= ord(c) <= 0x7FF) | frozenset(
    PINYIN_TONED_VOWELS
)
MIN_MIXED_MARKS = 2

#: Passes of the mixed decoder searched for: two (the readings of two passes
#: include those of one, at the same priors).
PASSES = 2
#: The search over single bytes only: a Latin-1/cp1252 line whose runs do not
#: decode (a soft hyphen lost on the way).
SINGLE_BYTE = 0


@functools.cache
def _single_bytes() -> dict[str, int]:
    """Character to byte for Latin-1 and cp1252 as browsers decode them."""
    return {chr(b): b for b in range(0x100)} | CP1252_BYTES


def _as_single_bytes(text: str) -> bytes | None:
    """The bytes a Latin-1 or cp1252 decoder read, or None if ``text`` has other characters."""
    table = _single_bytes()
    try:
        return bytes(table[c] for c in text)
    except KeyError:
        return None


#: Characters a wrong single-byte or mixed decode produces: Latin-1
#: supplement, cp1252's letters and symbols, C1 controls, and the two-byte
#: UTF-8 range (Latin extended to Arabic) for the mixed decoder.
_LATINISH = "\u0080-\u07ff\u2013-\u203a\u20ac\u2122"
#: A run of them, with the ASCII between (trail bytes 0x40-0x7E read as
#: ASCII letters belong to the run): at least two non-ASCII characters, so
#: that one accented letter is never taken for a damaged Chinese character.
LATIN_RUN_RE = re.compile(f"[{_LATINISH}][{_LATINISH}\\x21-\\x7e ]*[{_LATINISH}][\\x40-\\x7e]?")

#: Marks of cp1252 that Chinese text uses as they are: quotes, ellipsis, dashes.
CHINESE_TYPOGRAPHY = frozenset("\u2018\u2019\u201c\u201d\u2026\u2014\u2013\u00b7")

#: (name, bytes of the run, codec that decodes them right)
_LATIN_CHAINS: tuple[tuple[str, Callable[[str], bytes | None], str], ...] = (
    ("gbk-as-latin1", _as_single_bytes, "gb18030"),
    ("utf8-as-cp1252", _as_single_bytes, "utf-8"),
)


def _undo(run: str, to_bytes: Callable[[str], bytes | None], codec: str) -> str | None:
    data = to_bytes(run)
    if data is None:
        return None
    try:
        return data.decode(codec)
    except UnicodeDecodeError:
        return None


def _best_latin(run: str) -> tuple[str, str] | None:
    candidates = ((name, _undo(run, to_bytes, codec)) for name, to_bytes, codec in _LATIN_CHAINS)
    best = plausibility.most_plausible(
        run, ((n, f) for n, f in candidates if f and plausibility.clean_result(f))
    )
    if best is None:
        return None
    fixed, name = best
    if name == "gbk-as-latin1" and any(ord(c) > 0xFF for c in run):
        name = "gbk-as-cp1252"
    if name == "utf8-as-cp1252" and not any(ord(c) > 0xFF for c in run):
        name = "utf8-as-latin1"
    return fixed, name


def _typography_only(run: str) -> bool:
    """Pinyin (a reading, a name in Latin script), or quotes and dashes: not damage."""
    return all(c in PINYIN_TONED_VOWELS or c in CHINESE_TYPOGRAPHY for c in run if not c.isascii())


def repair_latin_runs(text: str, fired: list[str] | None = None) -> str:
    """Undo GBK or UTF-8 bytes read as Latin-1/cp1252 (or by a mixed decoder), line by line."""
    if text.isascii():
        return text
    lines = text.split("\n")
    for index, line in enumerate(lines):
        if line.isascii() or not LATIN_RUN_RE.search(line):
            continue
        lines[index] = _repair_line(line, fired)
    return "\n".join(lines)


def _repair_line(line: str, fired: list[str] | None) -> str:
    # A mixed decoder's line first: its runs, taken one by one, can look like
    # a single-byte chain's and be read wrong.
    if _mixed_marks(line) >= MIN_MIXED_MARKS:
        found = _best_mixed(line, PASSES)
        if found is not None:
            if fired is not None:
                fired.append(found[1])
            return found[0]

    failed = False

    def fix(match: re.Match[str]) -> str:
        nonlocal failed
        run = match.group()
        if _typography_only(run):
            return run
        # Text mis-decoded twice (UTF-8 read as cp1252, twice) is undone once
        # here and once more in the next round of the repairs (``repair``).
        found = _best_latin(run)
        if found is None:
            failed = True
            return run
        if fired is not None:
            fired.append(found[1])
        return found[0]

    repaired = LATIN_RUN_RE.sub(fix, line)
    if failed:
        # A run no single-byte chain explains: a lost soft hyphen (the search
        # over single bytes puts it back), or bytes a mixed decoder read.
        found = _best_mixed(repaired, SINGLE_BYTE) or _best_mixed(repaired, PASSES)
        if found is not None:
            if fired is not None:
                fired.append(found[1])
            return found[0]
    return repaired


def _mixed_marks(line: str) -> int:
    return sum(c not in _NOT_MIXED_MARKS for c in MIXED_MARKS_RE.findall(line))


@functools.lru_cache(maxsize=1024)
def _best_mixed(line: str, passes: int = 2) -> tuple[str, str] | None:
    """The line read back through ``passes`` passes of the mixed decoder (0: a plain
    single-byte one), if that reads clearly better: (text, chain name). Cached: the
    repairs run to a fixed point and see a line again."""
    fixed = mixed.undo_mixed(line, passes)
    if fixed is None or not plausibility.clean_result(fixed):
        return None
    name = "gbk-as-mixed-utf8" if passes else "gbk-as-latin1"
    return plausibility.most_plausible(line, [(name, fixed)])


def forget_lines() -> None:
    """Drop the memoized line repairs (see ``_best_mixed``)."""
    _best_mixed.cache_clear()
