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
from collections.abc import Callable, Iterable

from cleaning.text import plausibility, t2s, wordmodel
from cleaning.text.chardata import HAN, PINYIN_TONED_VOWELS

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
    candidates = ((name, _undo(run, to_bytes, codec)) for name, to_bytes, codec in _LATIN_CHAINS)
    best = _most_plausible(run, ((n, f) for n, f in candidates if f and _clean_result(f)))
    if best is None:
        return None
    fixed, name = best
    if name == "gbk-as-latin1" and any(ord(c) > 0xFF for c in run):
        name = "gbk-as-cp1252"
    if name == "utf8-as-cp1252" and not any(ord(c) > 0xFF for c in run):
        name = "utf8-as-latin1"
    return fixed, name


def _most_plausible(damaged: str, candidates: Iterable[tuple[str, str]]) -> tuple[str, str] | None:
    """Of (chain name, repaired text) candidates, the most Chinese-like, if it reads
    clearly better than ``damaged`` (``plausibility.improves``): (text, name)."""
    best: tuple[float, str, str] | None = None
    for name, fixed in candidates:
        if fixed == damaged:
            continue
        score = plausibility.score(fixed)
        if best is None or score > best[0]:
            best = (score, fixed, name)
    if best is None or not plausibility.improves(damaged, best[1]):
        return None
    return best[1], best[2]


def repair_latin_runs(text: str, fired: list[str] | None = None) -> str:
    """Undo GBK or UTF-8 bytes read as Latin-1/cp1252 (or as UTF-8-else-Latin-1), run by run."""
    if text.isascii():
        return text

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

    # Whole lines of a mixed decoder's output first: its runs, taken one by
    # one, can look like a single-byte chain's and be read wrong.
    return LATIN_RUN_RE.sub(fix, _repair_mixed_lines(text, fired))


def _repair_mixed_lines(text: str, fired: list[str] | None) -> str:
    """GBK read by a UTF-8-else-Latin-1 decoder, a whole line at a time.

    Its valid UTF-8 sequences can be any character (three- and four-byte
    ones look like Han or astral characters), so runs of Latin letters do not
    delimit the damage: the whole line is re-encoded and kept if it reads
    clearly better.
    """
    lines = text.split("\n")
    for index, line in enumerate(lines):
        marks = [c for c in MIXED_MARKS_RE.findall(line) if c not in _NOT_MIXED_MARKS]
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
#: ... but not the letters cp1252 decodes single bytes to (Œ š ƒ ˆ), which
#: a single-byte chain explains, nor pinyin's tone-marked vowels.
_NOT_MIXED_MARKS = frozenset(
    c for c in bytes(range(0x80, 0xA0)).decode("cp1252", "ignore") if 0x100 <= ord(c) <= 0x7FF
) | frozenset(PINYIN_TONED_VOWELS)
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
    was part of a UTF-8 sequence (which says whether it was a lead or a
    continuation byte) and it made no GBK pair with the byte after it, which
    leaves few candidates; the word model chooses. Where a whole character's
    bytes are lost, it stays U+FFFD: nothing can tell what it was.
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
    gaps = []
    gap = 0
    while gap < len(data):
        if data[gap] is not None:
            gap += 1
            continue
        width = 1
        while gap + width < len(data) and data[gap + width] is None:
            width += 1
        if width <= 2:
            gaps.append((gap, width))
        gap += width
    # Not UTF-8 at all (another chain's damage): most of it fails to decode.
    known = bytes(b if b is not None else 0x80 for b in data).decode("utf-8", errors="replace")
    if known.count("\ufffd") > 2 * len(gaps) + 2:
        return None
    # Left to right, then once more for a lost byte that had another one close
    # on its right: the first pass saw only the text up to it.
    crowded = {
        gap for (gap, _), (later, _) in itertools.pairwise(gaps) if later - gap <= _LOST_WINDOW
    }
    for rounds in range(2):
        for gap, width in gaps:
            if rounds:
                if gap not in crowded:
                    continue
                data[gap : gap + width] = [None] * width
            found = _lost_utf8_bytes(data, gap, width, traditional)
            if found is not None:
                data[gap : gap + width] = found
    text = bytes(b if b is not None else 0xFF for b in data).decode("utf-8", errors="replace")
    return text if text.count("\ufffd") <= line.count("\ufffd") // 2 else None


#: Continuation bytes, and lead bytes of two- and three-byte sequences
#: (Chinese text is almost all three-byte sequences).
_CONTINUATION = tuple(range(0x80, 0xC0))
_LEADS = tuple(range(0xC2, 0xF0))
#: Lost-byte candidates given to the word model, after a cheap ranking by
#: character frequency.
_LOST_SHORTLIST = 8
#: Bytes of UTF-8 on each side of a lost byte decoded for the word model.
_LOST_WINDOW = 9


def _sequence_length(lead: int) -> int:
    return 1 if lead < 0x80 else 2 if lead < 0xE0 else 3 if lead < 0xF0 else 4


def _lost_kinds(head: list[int], width: int) -> list[tuple[int, ...]]:
    """Which values each lost byte can take, from the UTF-8 structure before it."""
    starts = [i for i, b in enumerate(head) if b < 0x80 or b >= 0xC0]
    missing = 0
    if starts:
        missing = max(0, _sequence_length(head[starts[-1]]) - (len(head) - starts[-1]))
    kinds = []
    for _ in range(width):
        if missing:
            kinds.append(_CONTINUATION)
            missing -= 1
        else:
            kinds.append(_LEADS)
            missing = 2  # after a lead, assume the common three-byte sequence
    return kinds


def _lost_utf8_bytes(
    data: list[int | None], gap: int, width: int, traditional: bool
) -> list[int] | None:
    """The most likely values of ``width`` (1 or 2) lost bytes at ``gap``."""
    end = gap + width
    following = data[end] if end < len(data) else None
    before = _known_run(data, gap, -1)
    start = next((i for i, b in enumerate(before) if b < 0x80 or b >= 0xC0), len(before))
    head = before[start:]  # from a sequence boundary
    after = _known_run(data, end - 1, 1)
    # The character the lost bytes belong to starts after head's last boundary.
    boundary = max((i for i, b in enumerate(head) if b < 0x80 or b >= 0xC0), default=0)
    try:
        prefix = bytes(head[:boundary]).decode("utf-8")
    except UnicodeDecodeError:
        return None
    partial, rest = bytes(head[boundary:]), bytes(after)
    # Each lost byte made no GBK pair with the byte after it, or the decoder
    # would have read the pair instead of losing the byte.
    kinds = _lost_kinds(head, width)
    ok = _gbk_pairs()
    last = [v for v in kinds[-1] if following is None or not ok[v << 8 | following]]
    if width == 1:
        combos = [(v,) for v in last]
    else:
        combos = [(v0, v1) for v1 in last for v0 in kinds[0] if not ok[v0 << 8 | v1]]
    # Each candidate completes one or two characters: decode just those.
    chunks: dict[tuple[int, ...], tuple[str, int]] = {}
    for values in combos:
        chunk = _complete(partial + bytes(values), rest)
        if chunk is not None:
            chunks[values] = chunk
    if not chunks:
        return None
    other = wordmodel.other_script(traditional)
    previous = prefix[-1:]

    def promise(values: tuple[int, ...]) -> float:
        text, used = chunks[values]
        following_char = text[1:2] or _first_char(rest[used:])
        foreign = text[0] in other or text[1:2] in other
        return (
            wordmodel.char_logprob(text[0])
            + LOST_WORD_BONUS * wordmodel.partners(previous, text[0], following_char)
            + wordmodel.SCRIPT_COST * foreign
        )

    def likelihood(values: tuple[int, ...]) -> float:
        text, used = chunks[values]
        window = prefix + text + (_decode_head(b"", rest[used:]) or "")
        following_char = text[1:2] or _first_char(rest[used:])
        return (
            wordmodel.logprob(window)
            + wordmodel.SCRIPT_COST * sum(c in other for c in text)
            + PARTNER_WEIGHT * wordmodel.partners(previous, text[0], following_char)
        )

    shortlist = heapq.nlargest(_LOST_SHORTLIST, chunks, key=promise)
    return list(max(shortlist, key=likelihood))


def _complete(sequence: bytes, rest: bytes) -> tuple[str, int] | None:
    """Decode ``sequence`` plus the fewest bytes of ``rest`` that end it on a character
    boundary: (the characters, how many bytes of ``rest`` they took)."""
    for used in range(min(4, len(rest) + 1)):
        try:
            return (sequence + rest[:used]).decode("utf-8"), used
        except UnicodeDecodeError:
            continue
    return None


@functools.lru_cache(maxsize=4096)
def _first_char(data: bytes) -> str:
    """The first character of UTF-8 bytes (empty if they do not start with one)."""
    for size in range(1, min(4, len(data)) + 1):
        try:
            return data[:size].decode("utf-8")
        except UnicodeDecodeError:
            continue
    return ""


#: Natural-log weight, in the final choice, of each neighbour the candidate
#: makes a two-character word with (the word model scores one segmentation
#: and can miss a word the neighbours would form).
PARTNER_WEIGHT = 1.5


#: Natural-log bonus, in the shortlist, for a candidate character that makes
#: a dictionary word with a neighbour (议 after 会: 会议).
LOST_WORD_BONUS = 5.0


def _known_run(data: list[int | None], gap: int, step: int) -> list[int]:
    run: list[int] = []
    index = gap + step
    while 0 <= index < len(data) and len(run) < _LOST_WINDOW and data[index] is not None:
        run.append(data[index])  # type: ignore[arg-type]
        index += step
    return run[::-1] if step < 0 else run


@functools.cache
def _gbk_pairs() -> bytes:
    """A 64 KiB table: 1 where the two bytes (lead << 8 | trail) are a GBK character."""
    table = bytearray(0x10000)
    for lead in range(0x81, 0xFF):
        for trail in range(0x40, 0xFF):
            try:
                bytes((lead, trail)).decode("gbk")
            except UnicodeDecodeError:
                continue
            table[lead << 8 | trail] = 1
    return bytes(table)


def _decode_head(head: bytes, after: bytes) -> str | None:
    """Decode ``head`` (which starts on a character boundary) and as much of ``after``
    as ends on one; None when the bytes are not valid UTF-8."""
    for cut in range(len(after), max(-1, len(after) - 4), -1):
        try:
            return (head + after[:cut]).decode("utf-8")
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
        found = _best_cjk(line)
        if found is not None:
            lines[index], name = found
            if fired is not None:
                fired.append(name)
    return "\n".join(lines)


@functools.lru_cache(maxsize=1024)
def _best_cjk(line: str) -> tuple[str, str] | None:
    """The best Han-to-Han repair of a suspect line and its chain's name, if one reads
    clearly better. Cached: the repairs run to a fixed point and see a line again."""
    lost = line.count("\ufffd") // 2
    candidates = ((name, undo(line)) for name, undo in _CJK_CHAINS)
    return _most_plausible(
        line, ((n, f) for n, f in candidates if f is not None and f.count("\ufffd") <= lost)
    )


def forget_lines() -> None:
    """Drop the memoized line repairs (see ``_best_cjk``)."""
    _best_cjk.cache_clear()
