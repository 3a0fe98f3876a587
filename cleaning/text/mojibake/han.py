"""Lines of wrong Han characters: Chinese bytes of one encoding read as another (ARTIFACTS §3).

- UTF-8 bytes read as GBK (``鍙戝竷`` for 发布). Partly lossy: where the
  decoder met a byte it could not pair it wrote U+FFFD (one byte lost), and
  where a UTF-8 run of odd length met an ASCII byte the pair was invalid and
  Windows' decoder wrote one ``?`` for both (``鑳?(`` for 能 and `` (``):
  the lost continuation byte and the lost ASCII byte are chosen by the
  models.
- Big5 bytes read as GBK (``祇甶`` for 發展) and GBK bytes read as Big5.

A repair is kept only when the line reads clearly better (``plausibility``).

>>> repair_cjk_lines("鍙戝竷鏂伴椈")
'发布新闻'
>>> repair_cjk_lines("祇甶")
'發展'
>>> repair_cjk_lines("晋能控股集团党委")
'晋能控股集团党委'
"""

from __future__ import annotations

import functools
import itertools
import re
from collections.abc import Callable
from dataclasses import dataclass

from cleaning.text import plausibility, scripts, wordmodel
from cleaning.text.chardata import strict_gbk_pairs

#: Mean plausibility below which a line's wide characters are worth trying
#: the Han-to-Han chains on. Clean lines score about -3.0 (simplified or
#: traditional); UTF-8 read as GBK and Big5 read as GBK score below -4.5.
SUSPECT = -3.9

#: Share of uncommon characters above which a line is worth scoring in full:
#: clean lines have a few percent (names, technical words), every Han-to-Han
#: chain above a third.
RARE_SHARE = 0.2

#: Continuation bytes, and lead bytes of two- and three-byte sequences
#: (Chinese text is almost all three-byte sequences).
_CONTINUATION = tuple(range(0x80, 0xC0))
_LEADS = tuple(range(0xC2, 0xF0))
#: Lost-byte candidates given to the word model, after a cheap ranking by
#: character frequency.
_LOST_SHORTLIST = 8
#: Bytes of UTF-8 on each side of a lost byte decoded for the word model.
_LOST_WINDOW = 9

#: Natural-log weight, in the final choice, of each neighbour the candidate
#: makes a two-character word with (the word model scores one segmentation
#: and can miss a word the neighbours would form).
PARTNER_WEIGHT = 1.5

#: Natural-log bonus, in the shortlist, for a candidate character that makes
#: a dictionary word with a neighbour (议 after 会: 会议).
LOST_WORD_BONUS = 5.0

#: Euro signs next to each other resolved together (each is one of two byte
#: strings): runs longer than this are taken one at a time.
MAX_EURO_RUN = 4

#: Characters of what follows a lost ASCII byte that decide which byte it was.
LOST_ASCII_CONTEXT = 8

#: What the ASCII byte lost with a ``?`` was, by what follows it: the first
#: rule that matches decides. The byte made no GBK pair with the lost
#: continuation byte before it, so it was below ``0x40`` (or ``7f``): white
#: space, digits and punctuation, never a letter. From Markdown, plain-text
#: and news files read this way: the ``*`` of a closing ``**`` (``图**：``);
#: the line break before a list item or heading; the first digit of a number
#: (years of this corpus are 19xx and 20xx, other numbers start with 1 most
#: often, as Benford's law has it); the space between Chinese text and a Latin
#: word or parenthesis; otherwise a line break (the byte lost most often ends
#: a paragraph).
LOST_ASCII: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"\*(?=[^\s*])"), "*"),
    (re.compile(r"(?:[-*+>|#]|\d+[.)])\s"), "\n"),
    (re.compile(r"0\d\d(?:\D|$)"), "2"),
    (re.compile(r"9\d\d(?:\D|$)"), "1"),
    (re.compile(r"[\d.,]\d"), "1"),
    (re.compile(r"\d"), "1"),
    (re.compile(r"[(\[A-Za-z]"), " "),
)
LOST_ASCII_DEFAULT = "\n"

_QUESTION = ord("?")

# --- lines of wrong Han characters ------------------------------------------


def _gbk_bytes(line: str) -> list[int | None] | None:
    """The bytes a GBK decoder read as ``line``: None for each byte it lost (U+FFFD).

    ``€`` is the byte ``80`` (code page 936 reads it so) or the pair ``a2 e3``
    (GB18030 reads that so): the one that keeps the UTF-8 around it valid.
    Characters GBK has no two-byte code for were not read by a GBK decoder:
    None.
    """
    data: list[int | None] = []
    euros: list[int] = []
    for index, piece in enumerate(_LOST_OR_EURO_RE.split(line)):
        if index % 2:
            if piece == "\u20ac":
                euros.append(len(data))
                data.append(0x80)
            else:
                data.append(None)
        elif piece:
            try:
                encoded = piece.encode("gb18030")
            except UnicodeEncodeError:
                return None
            # One byte per ASCII character, two per other: no four-byte code.
            if len(encoded) != 2 * len(piece) - len(piece.encode("ascii", "ignore")):
                return None
            data.extend(encoded)
    return _resolve_euros(data, euros) if euros else data


#: What a GBK decoder wrote for a byte it lost, and ``€`` (see ``_gbk_bytes``).
_LOST_OR_EURO_RE = re.compile("([\ufffd\u20ac])")


def _resolve_euros(data: list[int | None], euros: list[int]) -> list[int | None]:
    """Each ``€`` (``80`` for now) as ``80`` or ``a2 e3``: whichever reading of each run
    of neighbouring ones leaves the fewest characters that fail to decode as UTF-8."""
    runs: list[list[int]] = []
    for index in euros:
        if runs and index - runs[-1][-1] <= 2 and len(runs[-1]) < MAX_EURO_RUN:
            runs[-1].append(index)
        else:
            runs.append([index])
    replace: set[int] = set()
    for run in runs:
        start, end = max(0, run[0] - 6), min(len(data), run[-1] + 7)
        best: tuple[int, tuple[bool, ...]] | None = None
        for choice in itertools.product((False, True), repeat=len(run)):
            window: list[int | None] = []
            for index in range(start, end):
                if index in run and choice[run.index(index)]:
                    window += [0xA2, 0xE3]
                else:
                    window.append(data[index])
            errors = _utf8_errors(window)
            if best is None or errors < best[0]:
                best = (errors, choice)
        assert best is not None
        replace.update(index for index, pair in zip(run, best[1], strict=True) if pair)
    out: list[int | None] = []
    for index, byte in enumerate(data):
        out.extend((0xA2, 0xE3) if index in replace else (byte,))
    return out


def _utf8_errors(window: list[int | None]) -> int:
    """How many characters of ``window`` fail to decode as UTF-8, from its first boundary."""
    known = bytes(b if b is not None else 0x80 for b in window)
    return min(
        known[start:].decode("utf-8", errors="replace").count("\ufffd")
        for start in range(min(4, len(known)) or 1)
    )


def _utf8_from_gbk(line: str) -> str | None:
    """UTF-8 bytes that a GBK decoder read: re-encode, then decode as UTF-8.

    A byte the GBK decoder could not pair became U+FFFD: it is lost, but it
    was part of a UTF-8 sequence (which says whether it was a lead or a
    continuation byte) and it made no GBK pair with the byte after it, which
    leaves few candidates; the word model chooses. Where a whole character's
    bytes are lost, it stays U+FFFD: nothing can tell what it was.

    A ``?`` right after a UTF-8 sequence one byte short is Windows' mark for
    an invalid pair: the sequence's last byte and the ASCII byte after it
    (``鑳?(`` was ``e8 83 bd 20 28``, 能 and `` (``). Both are put back: the
    continuation byte by the word model, the ASCII byte by what follows
    (``LOST_ASCII``).
    """
    data = _gbk_bytes(line)
    if data is None:
        return None
    data = _open_question_marks(data)
    foreign = scripts.foreign_to(line.encode("gb18030").decode("utf-8", "ignore"))
    lost = [index for index, byte in enumerate(data) if byte is None]
    gaps = []
    index = 0
    while index < len(lost):
        gap = lost[index]
        width = 1
        while index + width < len(lost) and lost[index + width] == gap + width:
            width += 1
        if width <= 2:
            gaps.append((gap, width))
        index += width
    # Not UTF-8 at all (another chain's damage): most of it fails to decode.
    known = bytes([0x80 if b is None else b for b in data]).decode("utf-8", errors="replace")
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
            found = _lost_utf8_bytes(data, gap, width, foreign)
            if found is not None:
                data[gap : gap + width] = found
    text = bytes([0xFF if b is None else b for b in data]).decode("utf-8", errors="replace")
    return text if text.count("\ufffd") <= line.count("\ufffd") // 2 else None


def _open_question_marks(data: list[int | None]) -> list[int | None]:
    """Each ``?`` that follows a UTF-8 sequence one byte short, as a lost continuation
    byte (None) and the lost ASCII byte after it (chosen from what follows)."""
    if _QUESTION not in data:
        return data
    out: list[int | None] = []
    for index, byte in enumerate(data):
        if byte == _QUESTION and _one_byte_short(out):
            out.append(None)
            after = bytes(
                b for b in data[index + 1 : index + 1 + LOST_ASCII_CONTEXT] if b is not None
            )
            out.append(lost_ascii(after.decode("utf-8", errors="ignore")))
            continue
        out.append(byte)
    return out


def _one_byte_short(data: list[int | None]) -> bool:
    """The bytes end with a UTF-8 sequence of 2-4 bytes that lacks exactly its last byte."""
    for back in range(1, 4):
        if back > len(data) or data[-back] is None:
            return False
        byte = data[-back]
        assert byte is not None
        if 0x80 <= byte < 0xC0:
            continue  # a continuation byte: look further back for the lead
        return byte >= 0xC2 and _sequence_length(byte) == back + 1
    return False


def lost_ascii(after: str) -> int:
    """The ASCII byte lost with a ``?``, by the text that follows it."""
    for pattern, byte in LOST_ASCII:
        if pattern.match(after):
            return ord(byte)
    return ord(LOST_ASCII_DEFAULT)


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
    data: list[int | None], gap: int, width: int, other: frozenset[str]
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
    # Each candidate completes one or two characters: decode just those.
    leads = tuple(kind is _LEADS for kind in _lost_kinds(head, width))
    if partial and not any(leads) and len(partial) + width == _sequence_length(partial[0]):
        table = _whole_completions(partial, width, following)
    else:
        table = _completions(partial, rest[:3], leads, following)
    candidates = table.items
    if not candidates:
        return None
    previous = prefix[-1:]
    # A cheap look first: how common the character is (``frequency``), and
    # whether it makes a word with a neighbour (``wordmodel.partners``) or is
    # foreign to the text's script; the word model judges the most promising.
    after_previous = wordmodel.followers(previous) if previous else frozenset()
    partners: dict[int, int] = {}
    for used, by_simple in table.single.items():
        following_char = _first_char(rest[used:])
        before_following = wordmodel.leaders(following_char) if following_char else frozenset()
        for words in (after_previous, before_following):
            for simple in words.intersection(by_simple):
                for index in by_simple[simple]:
                    partners[index] = partners.get(index, 0) + 1
    for index in table.double:
        _, text, _, _, simple = candidates[index]
        partnered = (simple in after_previous) + (simple in wordmodel.leaders(text[1]))
        if partnered:
            partners[index] = partnered
    foreign = {index for char in other.intersection(table.chars) for index in table.chars[char]}
    promises = {
        index: candidates[index][3]
        + LOST_WORD_BONUS * partners.get(index, 0)
        + wordmodel.SCRIPT_COST * (index in foreign)
        for index in partners.keys() | foreign
    }
    # The others' promise is their frequency: the most frequent of them suffice.
    pool = list(promises.items())
    for index in table.by_frequency:
        if index not in promises:
            pool.append((index, candidates[index][3]))
            if len(pool) - len(promises) == _LOST_SHORTLIST:
                break
    pool.sort(key=lambda item: (-item[1], item[0]))
    shortlist = [index for index, _ in pool[:_LOST_SHORTLIST]]
    tails: dict[int, str] = {}

    def likelihood(index: int) -> float:
        _, text, used, _, _ = candidates[index]
        tail = tails.get(used)
        if tail is None:
            tail = tails[used] = _decode_head(b"", rest[used:]) or ""
        return (
            wordmodel.logprob_before(prefix + text, tail)
            + wordmodel.SCRIPT_COST * sum(c in other for c in text)
            + PARTNER_WEIGHT * partners.get(index, 0)
        )

    return list(candidates[max(shortlist, key=likelihood)][0])


@functools.lru_cache(maxsize=1 << 11)  # about 5 KB each
def _whole_completions(partial: bytes, width: int, following: int | None) -> _Candidates:
    """``_completions`` of ``width`` lost continuation bytes that end the sequence
    ``partial`` begins: these need no byte after the gap, so this is a table of
    the two encodings, the same for every text (kept while the process runs)."""
    return _candidates(partial, b"", (False,) * width, following)


@functools.lru_cache(maxsize=1 << 10)
def _completions(
    partial: bytes, rest: bytes, leads: tuple[bool, ...], following: int | None
) -> _Candidates:
    """``_candidates`` memoized for the text at hand (forgotten with it)."""
    return _candidates(partial, rest, leads, following)


def _candidates(
    partial: bytes, rest: bytes, leads: tuple[bool, ...], following: int | None
) -> _Candidates:
    """The values lost bytes may have had after ``partial`` (a lead byte or a
    continuation, by ``leads``), with the characters each completes, how many
    bytes of ``rest`` (at most 3) they take (see ``_complete``), and the first
    character's frequency and simplified form.

    Each lost byte made no GBK pair with the byte after it (``following`` for
    the last one), or the decoder would have read the pair instead of losing
    the byte. A strict decoder (user-defined codes lost too, as Python's) is
    the one that writes U+FFFD; code page 936 keeps those codes and writes
    ``?``.
    """
    kinds = [_LEADS if lead else _CONTINUATION for lead in leads]
    ok = strict_gbk_pairs()
    last = [v for v in kinds[-1] if following is None or not ok[v << 8 | following]]
    combos: list[tuple[int, ...]]
    if len(kinds) == 1:
        combos = [(v,) for v in last]
    else:
        combos = [(v0, v1) for v1 in last for v0 in kinds[0] if not ok[v0 << 8 | v1]]
    found: list[Completion] = []
    for values in combos:
        chunk = _complete(partial + bytes(values), rest)
        if chunk is not None:
            text, used = chunk
            first = text[0]
            found.append(
                (values, text, used, wordmodel.char_logprob(first), wordmodel.simplified(first))
            )
    single: dict[int, dict[str, list[int]]] = {}
    chars: dict[str, list[int]] = {}
    for index, (_, text, used, _, simple) in enumerate(found):
        if len(text) == 1:
            single.setdefault(used, {}).setdefault(simple, []).append(index)
        for char in set(text[:2]):
            chars.setdefault(char, []).append(index)
    return _Candidates(
        items=tuple(found),
        by_frequency=tuple(sorted(range(len(found)), key=lambda index: -found[index][3])),
        single={used: {k: tuple(v) for k, v in by.items()} for used, by in single.items()},
        double=tuple(index for index, item in enumerate(found) if len(item[1]) > 1),
        chars={k: tuple(v) for k, v in chars.items()},
    )


@dataclass(frozen=True, slots=True)
class _Candidates:
    """The candidates for lost bytes in one context (``_candidates``), indexed for
    the cheap look at them."""

    items: tuple[Completion, ...]
    #: Indices, most frequent first (in order among equals).
    by_frequency: tuple[int, ...]
    #: Candidates that complete one character: by the bytes after the gap they
    #: take, by the character's simplified form.
    single: dict[int, dict[str, tuple[int, ...]]]
    #: Candidates that complete two characters.
    double: tuple[int, ...]
    #: Candidates by each of their (first two) characters.
    chars: dict[str, tuple[int, ...]]


#: A candidate for lost bytes: their values, the characters they complete, the
#: bytes after the gap these take, the first character's ``char_logprob`` and
#: simplified form.
Completion = tuple[tuple[int, ...], str, int, float, str]


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


def _known_run(data: list[int | None], gap: int, step: int) -> list[int]:
    run: list[int] = []
    index = gap + step
    while 0 <= index < len(data) and len(run) < _LOST_WINDOW:
        byte = data[index]
        if byte is None:
            break
        run.append(byte)
        index += step
    return run[::-1] if step < 0 else run


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


#: ASCII and white space: what a line's wide characters are judged without.
_NARROW_OR_SPACE_RE = re.compile(r"[\x00-\x7f\s]+")


def _suspect(line: str) -> bool:
    if line.isascii():
        return False
    if "\ufffd" not in line and plausibility.rare_share(line) < RARE_SHARE:
        return False
    wide = _NARROW_OR_SPACE_RE.sub("", line)
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
    return plausibility.most_plausible(
        line,
        ((n, f) for n, f in candidates if f is not None and f.count("\ufffd") <= lost),
        wide_only=True,
    )


def forget_lines() -> None:
    """Drop the memoized line repairs (see ``_best_cjk``) and lost-byte contexts."""
    _best_cjk.cache_clear()
    _first_char.cache_clear()
    _completions.cache_clear()
