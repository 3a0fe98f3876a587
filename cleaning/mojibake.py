"""Classic mojibake: Chinese bytes decoded with the wrong codec, then served as text (ARTIFACTS §3).

Each chain is undone by re-encoding the damaged run with the codec that
wrongly decoded it and decoding the bytes with the right one. A repair is
kept only when the result is clearly more Chinese-like (``plausibility``),
so clean text, Latin text and real symbols stay as they are.

Runs of Latin-1/cp1252 characters (``ÖÐ¹ú``, ``ä¸\\xadå›½``, ``ǰÑÔ``):

>>> repair_latin_runs("ÖÐ¹ú2022Äê")
'中国2022年'
>>> repair_latin_runs("ä¸\\xadå›½")
'中国'
>>> repair_latin_runs("ǰÑÔ")
'前言'
>>> repair_latin_runs("Café Müller, naïve")  # real Latin text
'Café Müller, naïve'

Lines of Han characters that are another encoding read as GBK or Big5
(``鍙戝竷``, ``祇甶``):

>>> repair_cjk_lines("鍙戝竷鏂伴椈")
'发布新闻'
>>> repair_cjk_lines("祇甶")
'發展'
>>> repair_cjk_lines("晋能控股集团党委")
'晋能控股集团党委'
"""

from __future__ import annotations

import functools
import heapq
import itertools
import re
from collections.abc import Callable

from cleaning import lm, plausibility, t2s
from cleaning.chardata import HAN, PINYIN_TONED_VOWELS

# --- byte-level codecs -------------------------------------------------------


@functools.cache
def _cp1252_bytes() -> dict[str, int]:
    """Character to byte for cp1252 as browsers decode it (undefined bytes as C1 controls)."""
    table = {chr(b): b for b in range(0x100)}
    for b in range(0x80, 0xA0):
        try:
            table[bytes((b,)).decode("cp1252")] = b
        except UnicodeDecodeError:
            continue
    return table


def _as_single_bytes(text: str) -> bytes | None:
    """The bytes a Latin-1 or cp1252 decoder read, or None if ``text`` has other characters."""
    table = _cp1252_bytes()
    try:
        return bytes(table[c] for c in text)
    except KeyError:
        return None


def _as_mixed_bytes(text: str) -> bytes | None:
    """The bytes a UTF-8-else-Latin-1 decoder read (``ǰ`` was ``c7 b0``).

    Characters above U+00FF came from UTF-8 sequences; those up to U+00FF
    came from one Latin-1 byte, or from a two-byte UTF-8 sequence: the
    reading that keeps the bytes valid GBK wins.
    """
    if all(ord(c) < 0x100 for c in text):
        return None  # plain Latin-1 read: the single-byte chain covers it
    # Each character is one byte or its UTF-8 bytes; choose, left to right,
    # readings that keep a valid GBK structure (a lead byte >= 0x81 takes the
    # next byte as its trail). Dynamic programming over (position, pending).
    options = [
        [c.encode("utf-8")]
        if ord(c) > 0xFF
        else [bytes((ord(c),)), c.encode("utf-8")]
        if ord(c) >= 0x80
        else [bytes((ord(c),))]
        for c in text
    ]
    # reachable[i][pending] = (previous pending, option index) that got there
    reachable: list[dict[bool, tuple[bool, int]]] = [{False: (False, -1)}]
    for choices in options:
        step: dict[bool, tuple[bool, int]] = {}
        for pending in reachable[-1]:
            for number, option in enumerate(choices):
                state = pending
                for byte in option:
                    state = False if state else byte >= 0x81
                step.setdefault(state, (pending, number))
        if not step:
            return None
        reachable.append(step)
    if False not in reachable[-1]:
        return None
    chosen: list[bytes] = []
    state = False
    for index in range(len(options), 0, -1):
        previous, number = reachable[index][state]
        chosen.append(options[index - 1][number])
        state = previous
    return b"".join(reversed(chosen))


# --- runs of Latin characters -----------------------------------------------

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
    ("gbk-as-mixed-utf8", _as_mixed_bytes, "gb18030"),
)


def _undo(run: str, to_bytes: Callable[[str], bytes | None], codec: str) -> str | None:
    data = to_bytes(run)
    if data is None:
        return None
    try:
        return data.decode(codec)
    except UnicodeDecodeError:
        return None


def _clean_result(text: str) -> bool:
    """A repair may not introduce marks of damage: U+FFFD, private use, C1 controls."""
    return (
        not re.search("[\ufffd\ue000-\uf8ff\x80-\x9f]", text)
        and re.search(f"[{HAN}]", text) is not None
    )


def _best_latin(run: str) -> tuple[str, str] | None:
    best: tuple[float, str, str] | None = None
    for name, to_bytes, codec in _LATIN_CHAINS:
        fixed = _undo(run, to_bytes, codec)
        if fixed is None or fixed == run or not _clean_result(fixed):
            continue
        score = plausibility.score(fixed)
        if best is None or score > best[0]:
            best = (score, fixed, name)
    if best is None or not plausibility.improves(run, best[1]):
        return None
    name = best[2]
    if name == "gbk-as-latin1" and any(ord(c) > 0xFF for c in run):
        name = "gbk-as-cp1252"
    if name == "utf8-as-cp1252" and not any(ord(c) > 0xFF for c in run):
        name = "utf8-as-latin1"
    return best[1], name


def repair_latin_runs(text: str, fired: list[str] | None = None) -> str:
    """Undo GBK or UTF-8 bytes read as Latin-1/cp1252 (or as UTF-8-else-Latin-1), run by run."""
    if text.isascii():
        return text
    text = _repair_mixed_lines(text, fired)

    def fix(match: re.Match[str]) -> str:
        run = match.group()
        if all(c in PINYIN_TONED_VOWELS or c in CHINESE_TYPOGRAPHY for c in run if not c.isascii()):
            return run  # pinyin (a reading, a name in Latin script), or quotes and dashes
        for _ in range(MAX_ROUNDS):
            found = _best_latin(run)
            if found is None:
                break
            run, name = found
            if fired is not None:
                fired.append(name)
        return run

    return LATIN_RUN_RE.sub(fix, text)


def _repair_mixed_lines(text: str, fired: list[str] | None) -> str:
    """GBK read by a UTF-8-else-Latin-1 decoder, a whole line at a time.

    Its valid UTF-8 sequences can be any character (three- and four-byte
    ones look like Han or astral characters), so runs of Latin letters do not
    delimit the damage: the whole line is re-encoded and kept if it reads
    clearly better.
    """
    lines = text.split("\n")
    for index, line in enumerate(lines):
        marks = [c for c in MIXED_MARKS_RE.findall(line) if c not in PINYIN_TONED_VOWELS]
        if len(marks) < MIN_MIXED_MARKS:
            continue
        fixed = _undo(line, _as_mixed_bytes, "gb18030")
        if fixed is not None and _clean_result(fixed) and plausibility.improves(line, fixed):
            lines[index] = fixed
            if fired is not None:
                fired.append("gbk-as-mixed-utf8")
    return "\n".join(lines)


#: Characters only a two-byte UTF-8 sequence read out of GBK bytes makes
#: inside Chinese text (Latin extended to Arabic, but not the tone-marked
#: vowels of pinyin readings); a line needs a few.
MIXED_MARKS_RE = re.compile("[\u0100-\u07ff]")
MIN_MIXED_MARKS = 2


#: Text copied through several tools can be mis-decoded more than once;
#: a run is undone at most this many times.
MAX_ROUNDS = 3


# --- lines of wrong Han characters ------------------------------------------

#: Mean plausibility below which a line's wide characters are worth trying
#: the Han-to-Han chains on. Clean lines score about -3.0 (simplified or
#: traditional); UTF-8 read as GBK and Big5 read as GBK score below -4.5.
SUSPECT = -3.9


def _utf8_from_gbk(line: str) -> str | None:
    """UTF-8 bytes that a GBK decoder read: re-encode, then decode as UTF-8.

    A byte the GBK decoder could not pair became U+FFFD: it is lost, but it
    was part of a UTF-8 sequence and it made no GBK pair with the byte after
    it, which leaves few candidates; the word model chooses.
    """
    try:
        parts = [part.encode("gb18030") for part in line.split("\ufffd")]
    except UnicodeEncodeError:
        return None
    data: list[int | None] = list(parts[0])
    for part in parts[1:]:
        data.append(None)
        data.extend(part)
    traditional = t2s.has_traditional(line.encode("gb18030").decode("utf-8", "ignore"))
    gap = 0
    while gap < len(data):
        if data[gap] is not None:
            gap += 1
            continue
        width = 1
        while gap + width < len(data) and data[gap + width] is None:
            width += 1
        if width > 2:
            return None  # three lost bytes in a row: a whole character, beyond guessing
        found = _lost_utf8_bytes(data, gap, width, traditional)
        if found is None:
            return None
        data[gap : gap + width] = found
        gap += width
    try:
        return bytes(data).decode("utf-8")  # type: ignore[arg-type]
    except UnicodeDecodeError:
        return None


#: Bytes a lost UTF-8 byte can be: a continuation byte or a lead byte of a
#: two- or three-byte sequence (Chinese text is almost all three-byte ones).
_LOST_BYTES = (*range(0x80, 0xC0), *range(0xC2, 0xF0))
#: Lost-byte candidates given to the word model, after a cheap ranking by
#: character frequency.
_LOST_SHORTLIST = 8
#: Bytes of UTF-8 on each side of a lost byte decoded for the word model.
_LOST_WINDOW = 9


def _lost_utf8_bytes(
    data: list[int | None], gap: int, width: int, traditional: bool
) -> list[int] | None:
    """The most likely value of ``width`` (1 or 2) lost bytes at ``gap``."""
    end = gap + width
    following = data[end] if end < len(data) else None
    before = _known_run(data, gap, -1)
    after = _known_run(data, end - 1, 1)
    windows: dict[tuple[int, ...], str] = {}
    # A second lost byte in a row can only be a continuation byte.
    for values in itertools.product(_LOST_BYTES, *[range(0x80, 0xC0)] * (width - 1)):
        if following is not None and _gbk_pair_ok(values[-1], following):
            continue  # the decoder would have read this pair, not lost the byte
        text = _trimmed_utf8(bytes((*before, *values, *after)), len(before))
        if text is not None:
            windows[values] = text
    if not windows:
        return None
    other = lm.other_script(traditional)

    def cheap(values: tuple[int, ...]) -> float:
        text = windows[values]
        return sum(lm.char_logprob(c) for c in text) + lm.SCRIPT_COST * sum(
            c in other for c in text
        )

    shortlist = heapq.nlargest(_LOST_SHORTLIST, windows, key=cheap)
    best = max(
        shortlist,
        key=lambda v: lm.logprob(windows[v]) + lm.SCRIPT_COST * sum(c in other for c in windows[v]),
    )
    return list(best)


def _known_run(data: list[int | None], gap: int, step: int) -> list[int]:
    run: list[int] = []
    index = gap + step
    while 0 <= index < len(data) and len(run) < _LOST_WINDOW and data[index] is not None:
        run.append(data[index])  # type: ignore[arg-type]
        index += step
    return run[::-1] if step < 0 else run


@functools.cache
def _gbk_pair_ok(lead: int, trail: int) -> bool:
    try:
        bytes((lead, trail)).decode("gbk")
    except UnicodeDecodeError:
        return False
    return True


def _trimmed_utf8(window: bytes, gap: int) -> str | None:
    """Decode a window cut out of UTF-8 around byte ``gap``.

    Up to three bytes of a sequence cut at either end may be dropped; the
    byte at ``gap`` must be decoded, and anything invalid rejects the window.
    """
    for start in range(min(4, gap + 1)):
        for end in range(len(window), max(gap, len(window) - 4), -1):
            try:
                return window[start:end].decode("utf-8")
            except UnicodeDecodeError:
                continue
    return None


def _big5_from_gbk(line: str) -> str | None:
    try:
        return line.encode("gb18030").decode("big5hkscs")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return None


def _gbk_from_big5(line: str) -> str | None:
    try:
        return line.encode("big5hkscs").decode("gb18030")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return None


_CJK_CHAINS: tuple[tuple[str, Callable[[str], str | None]], ...] = (
    ("utf8-as-gbk", _utf8_from_gbk),
    ("big5-as-gbk", _big5_from_gbk),
    ("gbk-as-big5", _gbk_from_big5),
)


#: Share of uncommon characters above which a line is worth scoring in full:
#: clean lines have a few percent (names, technical words), every Han-to-Han
#: chain above a third.
RARE_SHARE = 0.2


def _suspect(line: str) -> bool:
    if line.isascii():
        return False
    if "\ufffd" not in line and plausibility.rare_share(line) < RARE_SHARE:
        return False
    wide = "".join(c for c in line if ord(c) >= 0x80 and not c.isspace())
    return "\ufffd" in wide or plausibility.score(wide) < SUSPECT


def repair_cjk_lines(text: str, fired: list[str] | None = None) -> str:
    """Undo UTF-8 read as GBK, Big5 read as GBK and GBK read as Big5, line by line."""
    if text.isascii():
        return text
    lines = text.split("\n")
    for index, line in enumerate(lines):
        if not _suspect(line):
            continue
        best: tuple[float, str, str] | None = None
        for name, undo in _CJK_CHAINS:
            fixed = undo(line)
            if fixed is None or fixed == line or "\ufffd" in fixed:
                continue
            score = plausibility.score(fixed)
            if best is None or score > best[0]:
                best = (score, fixed, name)
        if best is not None and plausibility.improves(line, best[1]):
            lines[index] = best[1]
            if fired is not None:
                fired.append(best[2])
    return "\n".join(lines)
