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
import re
from collections.abc import Callable, Iterator

from cleaning import lm, plausibility
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
    # Depth-first over the ambiguous characters, pruned by GBK pair structure.
    pieces = [
        [c.encode("utf-8")]
        if ord(c) > 0xFF
        else [bytes((ord(c),)), c.encode("utf-8")]
        if ord(c) >= 0x80
        else [bytes((ord(c),))]
        for c in text
    ]

    def walk(index: int, pending: bool) -> Iterator[list[bytes]]:
        if index == len(pieces):
            if not pending:
                yield []
            return
        for option in pieces[index]:
            state = pending
            for byte in option:
                state = False if state else byte >= 0x81
            for rest in walk(index + 1, state):
                yield [option, *rest]

    for path in walk(0, False):
        return b"".join(path)
    return None


# --- runs of Latin characters -----------------------------------------------

#: Characters a wrong single-byte or mixed decode produces: Latin-1
#: supplement, cp1252's letters and symbols, C1 controls, and the two-byte
#: UTF-8 range (Latin extended to Arabic) for the mixed decoder.
_LATINISH = "\u0080-\u07ff\u2013-\u203a\u20ac\u2122"
#: A run of them, with the ASCII between (trail bytes 0x40-0x7E read as
#: ASCII letters belong to the run): at least two non-ASCII characters, so
#: that one accented letter is never taken for a damaged Chinese character.
LATIN_RUN_RE = re.compile(f"[{_LATINISH}][{_LATINISH}\\x21-\\x7e ]*[{_LATINISH}][\\x40-\\x7e]?")

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

    def fix(match: re.Match[str]) -> str:
        run = match.group()
        if all(c in PINYIN_TONED_VOWELS for c in run if not c.isascii()):
            return run  # pinyin (a reading, a name in Latin script)
        for _ in range(MAX_ROUNDS):
            found = _best_latin(run)
            if found is None:
                break
            run, name = found
            if fired is not None:
                fired.append(name)
        return run

    return LATIN_RUN_RE.sub(fix, text)


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
    was part of a UTF-8 sequence, which leaves few candidates; the word model
    chooses.
    """
    if "\ufffd" not in line:
        try:
            return line.encode("gb18030").decode("utf-8")
        except (UnicodeEncodeError, UnicodeDecodeError):
            return None
    parts = line.split("\ufffd")
    try:
        encoded = [p.encode("gb18030") for p in parts]
    except UnicodeEncodeError:
        return None
    out = encoded[0]
    for part in encoded[1:]:
        out = _guess_lost_byte(out, part)
        if out is None:
            return None
    try:
        return out.decode("utf-8")
    except UnicodeDecodeError:
        return None


#: Bytes a lost UTF-8 byte can be: a continuation byte or a lead byte of a
#: three-byte sequence (Chinese text is almost all three-byte sequences).
_LOST_BYTES = (*range(0x80, 0xC0), *range(0xE2, 0xF0))


def _guess_lost_byte(before: bytes, after: bytes) -> bytes | None:
    """Join ``before`` + one lost byte + ``after`` so that the UTF-8 around the gap decodes best."""
    head, tail = before[-3:], after[:3]
    best: tuple[float, int] | None = None
    for byte in _LOST_BYTES:
        window = head + bytes((byte,)) + tail
        text = _decode_middle(window)
        if text is None:
            continue
        score = lm.logprob(text)
        if best is None or score > best[0]:
            best = (score, byte)
    if best is None:
        return None
    return before + bytes((best[1],)) + after


def _decode_middle(window: bytes) -> str | None:
    """Decode a window cut from UTF-8, ignoring incomplete sequences at its two ends only."""
    for start in range(0, 4):
        for end in range(len(window), max(start, len(window) - 4), -1):
            try:
                text = window[start:end].decode("utf-8")
            except UnicodeDecodeError:
                continue
            if end - start >= 3 and "\ufffd" not in text:
                return text
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


def _suspect(line: str) -> bool:
    wide = "".join(c for c in line if ord(c) >= 0x80 and not c.isspace())
    return bool(wide) and ("\ufffd" in wide or plausibility.score(wide) < SUSPECT)


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
