"""GBK bytes through a mixed decoder, once or twice: a search over the whole line.

How the damage was made (ARTIFACTS §3): the bytes of GBK text went through a
decoder that reads every well-formed UTF-8 sequence as UTF-8 and every other
byte as Latin-1 or cp1252 (``ǰÑÔ`` for 前言: ``c7 b0`` is UTF-8 for ``ǰ``).
UTF-8 sequences do not respect GBK characters: ``ꣿ`` = ``ea a3 bf`` is the
trail byte of 完 (``cd ea``) plus all of ``？`` (``a3 bf``); a character of
the Latin-1 range may be one byte (``Á`` = ``c1``) or its two-byte UTF-8 form
(``¡`` = ``c2 a1`` inside 新” = ``d0 c2 a1 b1``). Some text went through the
decoder twice: the first pass's output written back one byte per character
where Latin-1 or cp1252 has one (UTF-8 otherwise) and decoded again, so
that bytes which had been a two-byte sequence are read again, differently.

The repair undoes this by search, not by rules:

- each character of the line may stand for its Latin-1 byte, its cp1252
  byte or the bytes of its UTF-8 form (``readings``); for a second pass,
  each of those bytes is again a character with the same choices;
- a character GBK itself encodes (Han, full-width punctuation, curly
  quotes) may also be clean text and stand for itself, between GBK
  characters;
- the bytes must make valid GBK: a lead byte and a trail byte that spell a
  real character (private-use codes do not count);
- a soft hyphen (U+00AD, byte ``ad``) is invisible in most views and often
  lost when such text is copied: where the bytes need it as a trail byte
  (画 = ``bb ad``), it may be put back at a cost;
- a character model chooses among the valid streams: a Viterbi search over
  (pending lead byte, last character) with character frequencies and the
  two-character words of the word model, then the best few complete
  readings rescored by the word model (``cleaning.text.wordmodel``).

Lines are cut at ASCII bytes below ``0x40`` (spaces, digits, most
punctuation): no GBK trail byte is below ``0x40``, so the decoder was in
step there, and the pieces are independent. Pieces without a damaged
character stay as they are.

>>> undo_mixed("ǰÑÔ")
'前言'
>>> undo_mixed("¡ª¡ªÎ´ÔĶÁÍꣿ")
'——未阅读完？'
"""

from __future__ import annotations

import codecs
import functools
import heapq
import itertools
import math
import re

from cleaning.text import plausibility, scripts, wordmodel
from cleaning.text.chardata import CP1252_BYTES, gbk_chars

#: A soft hyphen's byte: invisible when the text is shown, so often lost.
SOFT_HYPHEN = 0xAD

# --- what each character may stand for ----------------------------------------

#: Natural-log prior of reading a character of the Latin-1 range as its
#: two-byte UTF-8 form rather than as one byte. GBK bytes ``c2``/``c3``
#: followed by a byte ``80-bf`` (the only two-byte sequences that decode into
#: the Latin-1 range) are a few percent of GBK text's character pairs.
LATIN_AS_UTF8_COST = math.log(0.1)
#: Natural-log prior of a cp1252 byte (``Œ`` for ``8c``) in a decoder's
#: output: most mixed decoders fall back to Latin-1, some to cp1252.
CP1252_COST = math.log(0.5)
#: Natural-log prior of a character GBK encodes standing for itself (clean
#: text between damaged stretches, real curly quotes) rather than for the
#: bytes of its UTF-8 form.
CLEAN_COST = math.log(0.5)
#: Natural-log cost of Latin-1 letters whose bytes make a UTF-8 sequence: the
#: decoder reads every such sequence as UTF-8, so they should not be there;
#: but some tools re-decode only part of a line (seen in a web page's text:
#: ``Î´`` for 未 = ``ce b4``, which is UTF-8 for δ), so it is a cost, not a rule.
UNDECODED_COST = math.log(0.02)
#: Natural-log cost of a lost soft hyphen put back: rare, but the only way
#: some lines make valid GBK (seen in C comments: 画 = ``bb ad``).
SOFT_HYPHEN_COST = math.log(1e-4)
#: Natural-log cost of a second pass of the decoder, per character that the
#: second pass reads differently: one pass is the common case.
SECOND_PASS_COST = math.log(0.3)

#: Readings less likely than this (natural log) are not searched: a byte read
#: three ways in two passes (``c3 83 c2 a9`` for ``é``) never won on the
#: benchmark's chains and would double the search.
MIN_PRIOR = math.log(2e-3)

#: A piece of a reading: bytes, and whether the decoder read them as one
#: Latin-1/cp1252 byte (True) or as one UTF-8 sequence (False).
Segment = tuple[bytes, bool]
#: A reading of a character: its pieces (None: clean text, standing for
#: itself) and a natural-log prior.
Reading = tuple[tuple[Segment, ...] | None, float]


def _one_level(char: str) -> list[tuple[Segment, float]]:
    """What one pass of the decoder may have read as ``char``, with priors."""
    code = ord(char)
    if code < 0x80:
        return [((bytes((code,)), True), 0.0)]
    found: list[tuple[Segment, float]] = []
    if code <= 0xFF:
        found.append(((bytes((code,)), True), 0.0))
    cp1252 = CP1252_BYTES.get(char)
    if cp1252 is not None:
        found.append(((bytes((cp1252,)), True), CP1252_COST))
    found.append(((char.encode("utf-8"), False), LATIN_AS_UTF8_COST if code <= 0xFF else 0.0))
    return found


def _as_character(byte: int) -> list[str]:
    """The characters one pass of the decoder may have written as the single ``byte``."""
    latin1 = chr(byte)
    cp1252 = bytes((byte,)).decode("cp1252", errors="ignore")
    return [latin1, cp1252] if cp1252 and cp1252 != latin1 else [latin1]


@functools.lru_cache(maxsize=8192)
def readings(char: str, passes: int) -> tuple[Reading, ...]:
    """What ``char`` may stand for after ``passes`` passes of the decoder (1 or 2), or
    (0) after a plain Latin-1/cp1252 decoder.

    Each reading is (pieces, natural-log prior); ``None`` for the character
    as clean text (it stands for itself).
    """
    found: dict[tuple[Segment, ...] | None, float] = {}

    def add(pieces: tuple[Segment, ...] | None, cost: float) -> None:
        if cost >= MIN_PRIOR and (pieces not in found or found[pieces] < cost):
            found[pieces] = cost

    code = ord(char)
    if code > 0x7FF:
        try:
            if len(char.encode("gb18030")) == 2:
                add(None, CLEAN_COST)
        except UnicodeEncodeError:
            pass
    for (data, single), cost in _one_level(char):
        if passes == 0:
            if single:
                add(((data, single),), cost)
            continue
        if passes == 1 or code < 0x80:
            add(((data, single),), cost)
            continue
        # The first pass's output was written back: one byte per character
        # where it has one, else UTF-8; the second pass read those bytes.
        # A single byte was one character of the first pass's output; a
        # UTF-8 sequence was one character, or several of one byte each.
        if single:
            for below in _as_character(data[0]):
                for segment, inner in _one_level(below):
                    moved = segment != (data, True)
                    add((segment,), cost + inner + SECOND_PASS_COST * moved)
            continue
        for segment, inner in _one_level(char):
            if not segment[1]:
                add((segment,), cost + inner)
        per_byte = [[o for c in _as_character(b) for o in _one_level(c)] for b in data]
        for combo in itertools.product(*per_byte):
            pieces = tuple(segment for segment, _ in combo)
            add(pieces, cost + sum(inner for _, inner in combo) + SECOND_PASS_COST)
    return tuple(found.items())


# --- the character model -----------------------------------------------------

#: Cap of the natural-log bonus of a two-character word (``_pair_bonus``): a
#: rare word of two rare characters must not outweigh a whole reading.
MAX_PAIR_BONUS = 8.0
#: Hypotheses kept per character: (decoder state, last character) pairs.
#: Calibrated on the benchmark's mixed-decoder chains: 4 to 24 restore the
#: same passages (the margin below prunes more), 6 is the cheapest safe one.
BEAM = 6
#: Hypotheses scoring this much (natural log) below the best are dropped: a
#: reading so far behind never came back on the benchmark's chains.
MARGIN = 15.0
#: Complete readings rescored with the word model (4 restore as many as 8 on
#: the benchmark's chains).
FINALISTS = 4

#: Natural-log cost of a character only the traditional script writes: GBK
#: text is simplified text but for a few percent of pages (``plausibility``
#: scores 脫 as often as 脱; in GBK bytes it is twenty times rarer).
TRADITIONAL_COST = math.log(0.05)

_LN10 = math.log(10)


@functools.lru_cache(maxsize=1 << 16)
def _char_score(char: str) -> float:
    """Natural-log frequency of one character: marks and symbols as the word model
    costs them (a rare bracket is rare), the rest from ``plausibility``'s table."""
    cost = wordmodel.mark_cost(char)
    if cost is not None:
        return cost
    cost = plausibility.char_cost(char) * _LN10
    return cost + TRADITIONAL_COST if char in scripts.traditional_only() else cost


@functools.lru_cache(maxsize=1 << 18)
def _pair_bonus(previous: str, char: str) -> float:
    """How much more likely ``previous`` + ``char`` is than the two characters apart:
    the pointwise mutual information of a two-character dictionary word (采煤 more
    than 生机, whose characters are common anyway), 0 for no word."""
    if not previous or previous < "\u3400" or char < "\u3400":
        return 0.0
    word = wordmodel.word_logprob(wordmodel.simplified(previous) + wordmodel.simplified(char))
    if word is None:
        return 0.0
    together = word - _char_score(previous) - _char_score(char)
    return min(max(together, 0.0), MAX_PAIR_BONUS)


@functools.lru_cache(maxsize=1 << 12)
def _utf8_prefix(data: bytes) -> int:
    """1 when ``data`` is one well-formed UTF-8 sequence, 0 when it begins one, else -1."""
    try:
        if len(data.decode("utf-8")) == 1:
            return 1
    except UnicodeDecodeError:
        pass
    try:
        if codecs.getincrementaldecoder("utf-8")().decode(data, final=False) == "":
            return 0
    except UnicodeDecodeError:
        pass
    return -1


def _scan(partial: bytes, byte: int) -> tuple[bytes, bool]:
    """The trailing single bytes that still begin a UTF-8 sequence after ``byte``, and
    whether they completed one: a mixed decoder would have read such bytes as the
    UTF-8 character, not as Latin-1 letters (``UNDECODED_COST``)."""
    if partial:
        found = _utf8_prefix(partial + bytes((byte,)))
        if found == 1:
            return b"", True
        if found == 0:
            return partial + bytes((byte,)), False
    return (bytes((byte,)) if _utf8_prefix(bytes((byte,))) == 0 else b""), False


Step = tuple[int, bytes, str, float, float]


@functools.lru_cache(maxsize=1 << 18)
def _transition(pending: int, partial: bytes, pieces: tuple[Segment, ...]) -> Step | None:
    """Feed a reading to a GBK decoder waiting for a trail byte to ``pending`` (-1: none),
    after single bytes ``partial`` that begin a UTF-8 sequence.

    Returns the decoder's new state, the new ``partial``, the characters
    written, their score (frequencies, and the words they make among
    themselves) and the cost of single bytes that make a UTF-8 sequence; None
    where the bytes are not valid GBK.
    """
    chars = gbk_chars()
    state = pending
    added = ""
    score = 0.0
    penalty = 0.0
    for data, single in pieces:
        if single:
            partial, undecoded = _scan(partial, data[0])
            if undecoded:
                penalty += UNDECODED_COST
        else:
            partial = b""
        for byte in data:
            if state < 0:
                if byte >= 0x80:
                    if byte in (0x80, 0xFF):
                        return None
                    state = byte
                    continue
                decoded = chr(byte)
            else:
                decoded = chars[state << 8 | byte]
                if not decoded:
                    return None
                state = -1
            score += _char_score(decoded) + (_pair_bonus(added[-1], decoded) if added else 0.0)
            added += decoded
    return state, partial, added, score, penalty


# --- the search --------------------------------------------------------------

#: Characters a pass of the decoder makes of GBK bytes that clean Chinese text
#: rarely has: the Latin-1 supplement, Latin extended to N'Ko (two-byte
#: UTF-8), cp1252's letters and symbols, the private-use area and the
#: planes above the basic one. Three-byte forms are judged by frequency.
DAMAGED_RE = re.compile(
    "[\u0080-\u07ff\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192\u02c6\u02dc\u2020-\u2022\u2030\u2039\u203a\u20ac\u2122\ue000-\uf8ff\U00010000-\U0010ffff]"
)
#: A three-byte character scoring below this (log10 frequency) counts as damage.
RARE = -5.5

#: Where the line may be cut: ASCII below ``0x40`` is never a GBK trail byte.
CUT_RE = re.compile("[\x00-\x3f]+")

#: A hypothesis's value: its score, the sum of its readings' priors, its text.
Value = tuple[float, float, "Text"]
#: A hypothesis: pending lead byte, single bytes beginning a UTF-8 sequence, last character.
Key = tuple[int, bytes, str]


def _is_damaged(char: str) -> bool:
    if DAMAGED_RE.match(char):
        return True
    return ord(char) > 0x7FF and plausibility.char_cost(char) < RARE


#: A hypothesis's text so far, as a chain of pieces (cheap to extend, joined once).
Text = tuple["Text", str] | None


def _joined(text: Text) -> str:
    pieces = []
    while text is not None:
        text, piece = text
        pieces.append(piece)
    return "".join(reversed(pieces))


#: One way to extend a hypothesis by a character: the decoder's new state, the
#: new single bytes beginning a UTF-8 sequence, the characters written (the
#: first and the last apart), their score without the word the first makes with
#: what came before, and the reading's prior.
Move = tuple[int, bytes, str, str, str, float, float]


@functools.lru_cache(maxsize=1 << 16)
def _moves(char: str, passes: int, pending: int, partial: bytes) -> tuple[Move, ...]:
    """Every reading of ``char`` a decoder in state (``pending``, ``partial``) may have
    read, with what it writes (see ``Move``)."""
    found: dict[tuple[int, bytes, str], Move] = {}
    for pieces, prior in readings(char, passes):
        if pieces is None:
            if pending < 0:
                found[-1, b"", char] = (-1, b"", char, char, char, _char_score(char), prior)
            continue
        step = _transition(pending, partial, pieces)
        if step is None:
            continue
        state, scanned, added, inner, penalty = step
        first, last = (added[0], added[-1]) if added else ("", "")
        # A plain single-byte decoder (no pass) leaves UTF-8 sequences as they are.
        prior += penalty * (passes > 0)
        # Readings that leave the decoder in the same state having written the
        # same characters differ only in their prior: the likeliest stands for all.
        old = found.get((state, scanned, added))
        if old is None or old[6] < prior:
            found[state, scanned, added] = (state, scanned, added, first, last, inner, prior)
    return tuple(found.values())


def _search(piece: str, left: str, passes: int) -> tuple[str, float] | None:
    """The most likely GBK reading of ``piece`` (no byte below 0x40 inside), or None.

    A beam search over the characters of ``piece``; each hypothesis is the
    decoder's state (a pending lead byte or -1, single bytes that begin a
    UTF-8 sequence) and the last character written, which is all the
    character model looks at.
    """
    chars = gbk_chars()
    beams: dict[Key, Value] = {(-1, b"", left[-1:]): (0.0, 0.0, None)}
    for char in piece:
        grown: dict[Key, Value] = {}
        for (pending, partial, last), (score, priors, text) in beams.items():
            if pending >= 0 and (hyphen := chars[pending << 8 | SOFT_HYPHEN]):
                # A lost soft hyphen completes the pending character first.
                _extend(
                    grown,
                    _moves(char, passes, -1, partial),
                    hyphen,
                    score + SOFT_HYPHEN_COST + _char_score(hyphen) + _pair_bonus(last, hyphen),
                    priors + SOFT_HYPHEN_COST,
                    (text, hyphen),
                )
            _extend(grown, _moves(char, passes, pending, partial), last, score, priors, text)
        if not grown:
            return None
        floor = max(value[0] for value in grown.values()) - MARGIN
        kept = [item for item in grown.items() if item[1][0] >= floor]
        if len(kept) > BEAM:
            kept = heapq.nlargest(BEAM, kept, key=lambda item: item[1][0])
        beams = dict(kept)
    finished: list[tuple[float, float, Text, str]] = []
    for (pending, _partial, _last), (score, priors, text) in beams.items():
        if pending < 0:
            finished.append((score, priors, text, ""))
        elif hyphen := chars[pending << 8 | SOFT_HYPHEN]:
            score += SOFT_HYPHEN_COST + _char_score(hyphen)
            finished.append((score, priors + SOFT_HYPHEN_COST, text, hyphen))
    if not finished:
        return None
    # The word model judges the finalists; the readings' priors weigh in.
    best = heapq.nlargest(FINALISTS, finished, key=lambda item: item[0])
    rescored: list[tuple[float, str]] = []
    for _, priors, text, hyphen in best:
        joined = _joined(text) + hyphen
        rescored.append((wordmodel.logprob(left + joined) + priors, joined))
    top = max(rescored)
    return top[1], top[0]


def _extend(
    grown: dict[Key, Value],
    moves: tuple[Move, ...],
    last: str,
    score: float,
    priors: float,
    text: Text,
) -> None:
    """Add to ``grown`` the hypothesis (``last``, ``score``, ``priors``, ``text``) extended
    by each of ``moves``, keeping the best hypothesis of each state."""
    han = last >= "\u3400"
    get = grown.get
    for state, scanned, added, first, final, inner, prior in moves:
        total = score + inner + prior
        if added:
            if han and first >= "\u3400":
                total += _pair_bonus(last, first)
            key = (state, scanned, final)
        else:
            key = (state, scanned, last)
        old = get(key)
        if old is None or old[0] < total:
            grown[key] = (total, priors + prior, (text, added) if added else text)


def undo_mixed(line: str, passes: int = 1) -> str | None:
    """The line with every damaged piece read back as GBK, or None if a piece has no reading.

    Pieces (between ASCII bytes below ``0x40``) without a damaged character
    stay as they are.
    """
    out: list[str] = []
    position = 0
    for cut in itertools.chain(CUT_RE.finditer(line), [None]):
        end = cut.start() if cut is not None else len(line)
        piece = line[position:end]
        if piece and any(_is_damaged(c) for c in piece):
            found = _search(piece, "".join(out)[-1:], passes)
            if found is None:
                return None
            out.append(found[0])
        else:
            out.append(piece)
        if cut is not None:
            out.append(cut.group())
            position = cut.end()
    return "".join(out)
