"""Misaligned-GBK damage: undo a byte-level find-and-replace that cut characters in half.

How the damage was made (ARTIFACTS §2): content farms ran a byte-level
find-and-replace over GBK text, with a table of characters to annotate with
their reading (``賴`` -> ``賴(lài)``) and of full-width punctuation to fold to
ASCII (``！`` -> ``!``). A byte search also matches across character
boundaries: the trail byte of one character and the lead byte of the next
can spell a table entry. The replacement then lands inside a character and
the decoder loses step:

- a reading inserted after the matched pair leaves the lead byte of the next
  character before the ``(``: the decoder makes ``?`` of the two (``屬?lài)``);
- a punctuation entry replaced by one ASCII byte leaves the lead byte of the
  previous character alone before it (``夜?!``);
- the decoder then reads the following bytes shifted by one, as the wrong
  pairs (``衅髽``, ``霸诰``), until an ASCII byte puts it back in step; GBK
  user-defined codes among the wrong pairs become private-use characters or
  are dropped, depending on the decoder; an ASCII byte that lands as the
  second byte of a wrong pair is swallowed into a ``?``.

The repair re-encodes the damaged run with GB18030, puts the bytes back in
order and decodes again. What the damage lost is constrained but not always
fixed: the lost lead byte must make, with the previous trail byte, a
character that has the inserted reading (``d9 87`` = 賴, read lài); a
dropped user-defined pair must complete both neighbours into characters; a
swallowed byte is ASCII. Among the candidates the word model
(``cleaning.text.wordmodel``) chooses. Where private-use characters survived, their
bytes are exact and so is the repair.

>>> repair_misaligned("市屬?lài)衅髽I(yè)")
'市屬國有企業(yè)'
>>> repair_misaligned("每天帶領工友加班到深夜?!霸诰\\ue1a6虏渴?G網絡")
'每天帶領工友加班到深夜。“在井下部署5G網絡'

Clean text has no anchor (a ``?`` where a character should be) and is
returned unchanged:

>>> repair_misaligned("真的嗎？是的，國有企業。")
'真的嗎？是的，國有企業。'
"""

from __future__ import annotations

import dataclasses
import functools
import heapq
import itertools
import operator
import re
import unicodedata
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass

from cleaning.text import plausibility, scripts, wordmodel
from cleaning.text.chardata import (
    ASCII_TO_FULLWIDTH,
    REPLACEMENT_MARKS,
    gbk_chars,
    is_gbk_user_defined,
    strict_gbk_pairs,
)
from cleaning.text.pinyin import SYLLABLE, is_reading, readings_of

#: A reading group as the farms insert it: ``(lài)`` or ``(huì )``.
READING_GROUP_RE = re.compile(f"\\(({SYLLABLE}) ?\\)")
#: After a ``?`` anchor: the rest of a reading whose ``(`` was swallowed.
SWALLOWED_READING_RE = re.compile(f"\\(?({SYLLABLE}) ?\\)")

#: Longest run of wrong pairs considered. The decoder gets back in step at
#: the first trail byte below 0x80 (about one character in three) or the
#: first ASCII character, so runs longer than this are vanishingly rare.
MAX_RUN = 12
#: How many dropped user-defined pairs one run may hide. One: allowing two
#: changed no result on the benchmark's farm chains or the seeds, and
#: multiplies the hypotheses by the run's length.
MAX_DROPS = 1
#: Candidates per unknown character kept for the word model, chosen by
#: character frequency and the words they make with their neighbours
#: (keeps the search small; calibrated on the benchmark's farm chains and
#: the seeds: 8 restores as much as 24 did, three times faster).
TOP_CANDIDATES = 8
#: Natural-log cost of one dropped user-defined pair: about one wrong pair
#: in sixteen falls in the GBK user-defined areas (1,880 of some 30,000
#: two-byte codes, weighted towards the leads that real text produces).
DROP_COST = -2.8
#: Partial fillings kept per step when several characters are unknown.
BEAM = 4
#: Hypotheses of one damaged run decoded in full, after a cheap first look
#: ranks them (the right one was always among the first four on the
#: benchmark).
PRESCREEN = 4
#: Context characters on each side given to the word model.
CONTEXT = 4
#: Bytes a swallowed ASCII character can have: those that cannot be the
#: second byte of a GBK pair (the decoder made ``?`` of the pair).
SWALLOWABLE = [b for b in range(0x20, 0x40)] + [0x7F]

PUA_RE = re.compile("[\ue000-\uf8ff]")
#: What is left of a tag whose ``<`` was swallowed: ``/span>``, ``br/>``.
TAG_REST_RE = re.compile(r"/?[a-zA-Z][a-zA-Z0-9]{0,9}(?:\s[^<>\n]{0,80})?/?>")


# --- the GBK code table (``chardata``) ---------------------------------------


def _decode_pair(lead: int, trail: int) -> str | None:
    """The real character GBK bytes ``lead trail`` spell (no private use), or None."""
    return gbk_chars()[lead << 8 | trail] or None


def _encode(char: str) -> bytes | None:
    try:
        encoded = char.encode("gb18030")
    except UnicodeEncodeError:
        return None
    return encoded if len(encoded) <= 2 else None


# --- hypotheses -------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Unknown:
    """One lost byte and the values it may take (all below 0x80, or all above)."""

    values: tuple[int, ...]


Byte = int | Unknown


@dataclass(frozen=True, slots=True)
class Hypothesis:
    """A way the damaged span ``[start, end)`` may have been made: the bytes before the damage."""

    start: int
    end: int
    stream: tuple[Byte, ...]
    #: Text that follows the realigned bytes inside the span (an ASCII byte
    #: the decoder did not swallow), kept as it is.
    tail: str = ""
    #: How many dropped user-defined pairs the stream puts back.
    drops: int = 0


@functools.lru_cache(maxsize=4096)
def _trails_read(lead: int, reading: str) -> tuple[int, ...]:
    """Trail bytes T such that ``lead`` and T spell a character read ``reading``."""
    reading = unicodedata.normalize("NFC", reading)
    found = tuple(
        t
        for t in itertools.chain(range(0x40, 0x7F), range(0x80, 0xFF))
        if (char := _decode_pair(lead, t)) and reading in readings_of(char)
    )
    return found or tuple(range(0x40, 0xFF))


@functools.lru_cache(maxsize=4096)
def _leads_for(trail: int) -> tuple[int, ...]:
    return tuple(lead for lead in range(0x81, 0xFF) if _decode_pair(lead, trail))


@functools.lru_cache(maxsize=4096)
def _lost_lead(previous: str, reading: str) -> tuple[int, ...]:
    """Lead bytes X such that the previous character's trail byte and X spell a character
    read ``reading``."""
    encoded = _encode(previous)
    if encoded is None or len(encoded) != 2 or encoded[1] < 0x81:
        return ()
    trail = encoded[1]
    reading = unicodedata.normalize("NFC", reading)
    # X is also the lead byte of the next character: 0x81..0xFE.
    found = tuple(
        x
        for x in range(0x81, 0xFF)
        if (char := _decode_pair(trail, x)) and reading in readings_of(char)
    )
    return found or tuple(x for x in range(0x81, 0xFF))


@dataclass(frozen=True, slots=True)
class _Token:
    kind: str  # "pair", "ascii", "mark", "stop"
    start: int
    end: int
    data: bytes = b""


def _tokens(line: str, pos: int) -> list[_Token]:
    """The wrong pairs after an anchor, up to where the decoder surely got back in step."""
    tokens: list[_Token] = []
    while pos < len(line) and sum(t.kind != "mark" for t in tokens) < MAX_RUN:
        char = line[pos]
        if char in REPLACEMENT_MARKS:
            # A table entry matched at a real character boundary while the
            # decoder was out of step: its trail byte took the ``(`` with it.
            reading = SWALLOWED_READING_RE.match(line, pos + 1)
            if reading and is_reading(reading.group(1), "\u4e00"):
                tokens.append(_Token("reading", pos, reading.end(), reading.group(1).encode()))
                break
            tokens.append(_Token("mark", pos, pos + 1))
            pos += 1
            continue
        code = ord(char)
        if code < 0x80:
            kind = "ascii" if 0x40 <= code <= 0x7E else "stop"
            tokens.append(_Token(kind, pos, pos + 1, bytes((code,))))
            break
        encoded = _encode(char)
        if encoded is None or len(encoded) != 2:
            tokens.append(_Token("stop", pos, pos))
            break
        end = pos + 1
        # A table entry hit by the shifted decoder shows as an intact reading:
        # its bytes were inserted, not original, so they are skipped.
        group = READING_GROUP_RE.match(line, end)
        if group and is_reading(group.group(1), char):
            end = group.end()
        tokens.append(_Token("pair", pos, end, encoded))
        pos = end
    return tokens


#: The GBK user-defined areas as (lead bytes, trail bytes): a dropped pair
#: was one of these, which ties its two lost bytes together.
_DROP_CLASSES = (
    (
        Unknown((*range(0xAA, 0xB0), *range(0xF8, 0xFF))),
        Unknown(tuple(range(0xA1, 0xFF))),
    ),
    (
        Unknown(tuple(range(0xA1, 0xA8))),
        Unknown((*range(0x40, 0x7F), *range(0x80, 0xA1))),
    ),
)


@functools.cache
def _unassigned() -> tuple[Unknown, Unknown]:
    """Lead and trail bytes of the GBK codes no character has (a wrong pair there gave ``?``)."""
    strict = strict_gbk_pairs()
    leads, trails = set(), set()
    for lead in range(0x81, 0xFF):
        for trail in itertools.chain(range(0x40, 0x7F), range(0x80, 0xFF)):
            if not strict[lead << 8 | trail] and not is_gbk_user_defined(lead, trail):
                leads.add(lead)
                trails.add(trail)
    return Unknown(tuple(sorted(leads))), Unknown(tuple(sorted(trails)))


def _units(tokens: Sequence[_Token]) -> list[tuple[Byte, ...]]:
    """The two bytes of each wrong pair; a ``?`` among them was a code no character has."""
    return [tuple(t.data) if t.kind == "pair" else _unassigned() for t in tokens]


def _with_drops(
    units: Sequence[tuple[Byte, ...]], allow_drops: bool
) -> Iterator[tuple[int, list[Byte]]]:
    """The wrong pairs' bytes, with 0..MAX_DROPS dropped user-defined pairs put back."""
    yield 0, [b for unit in units for b in unit]
    if not allow_drops:
        return
    for count in range(1, MAX_DROPS + 1):
        for gaps in itertools.combinations_with_replacement(range(len(units) + 1), count):
            for classes in itertools.product(_DROP_CLASSES, repeat=count):
                stream: list[Byte] = []
                placed = iter(classes)
                for index in range(len(units) + 1):
                    for _ in range(gaps.count(index)):
                        stream.extend(next(placed))
                    if index < len(units):
                        stream.extend(units[index])
                yield count, stream


def _hypotheses(
    line: str, anchor: int, prefix: list[Byte], body: int, allow_drops: bool
) -> Iterator[Hypothesis]:
    """Every way the run after ``body`` may end, for one reading of the anchor."""
    tokens = _tokens(line, body)

    def ending(index: int, *last: Byte, end: int, tail: str = "") -> Iterator[Hypothesis]:
        for drops, stream in _with_drops(_units(tokens[:index]), allow_drops):
            yield Hypothesis(anchor, end, (*prefix, *stream, *last), tail, drops)

    for index, token in enumerate(tokens):
        if token.kind == "pair" and 0x40 <= token.data[1] <= 0x7E:
            # The second byte of a wrong pair was an ASCII character.
            yield from ending(index, token.data[0], end=token.end, tail=chr(token.data[1]))
        elif token.kind == "mark":
            # The next byte was below 0x80, not a valid trail: the decoder
            # swallowed it (an ASCII character to choose), except, in the
            # seeds, the ``!`` of a folded ``！``, which it left in place.
            trail = Unknown(tuple(range(0x81, 0xFF)))
            swallowed: tuple[int, ...] = tuple(SWALLOWABLE)
            if TAG_REST_RE.match(line, token.end):
                swallowed = (ord("<"),)  # ``?/span>``: the ``<`` of a tag
            yield from ending(index, trail, Unknown(tuple(swallowed)), end=token.end)
            after = line[token.end : token.end + 1]
            if after in ASCII_TO_FULLWIDTH or not after:
                yield from ending(index, trail, end=token.end)
    last = tokens[-1] if tokens else None
    if last is not None and last.kind == "ascii":
        yield from ending(len(tokens) - 1, last.data[0], end=last.end)
    elif last is not None and last.kind == "reading":
        # The annotated character is the last wrong pair's second byte and a
        # lost trail byte; its reading says which.
        before = tokens[-2] if len(tokens) > 1 else None
        values = (
            _trails_read(before.data[1], last.data.decode())
            if before is not None and before.kind == "pair"
            else tuple(range(0x40, 0xFF))
        )
        yield from ending(len(tokens) - 1, Unknown(values), end=last.end)
    elif last is not None and last.kind == "pair":
        # Out of step to the end of the line (or of the longest run looked
        # at): the last byte lost its partner. (After a "stop", an ASCII byte
        # below 0x40 or a character GBK has no two-byte code for, no reading
        # ends there: the run must have ended before.)
        lost = Unknown(tuple(range(0x40, 0xFF)))
        yield from ending(len(tokens), lost, end=last.end)


# --- decoding a hypothesis with the word model ------------------------------


def _slots(stream: Sequence[Byte]) -> list[str | list[str]] | None:
    """Decode the realigned bytes: fixed characters, and candidate lists where bytes are unknown."""
    out: list[str | list[str]] = []
    index = 0
    while index < len(stream):
        first = stream[index]
        if isinstance(first, int) and first < 0x80:
            out.append(chr(first))
            index += 1
            continue
        if isinstance(first, Unknown) and not first.values:
            return None  # no value fits: the hypothesis is impossible
        if isinstance(first, Unknown) and first.values[0] < 0x80:  # a swallowed ASCII byte
            out.append(_ascii_candidates(first.values))
            index += 1
            continue
        if index + 1 >= len(stream):
            return None
        second = stream[index + 1]
        leads = first.values if isinstance(first, Unknown) else (first,)
        trails = second.values if isinstance(second, Unknown) else (second,)
        if not trails:
            return None
        if len(leads) == 1 and len(trails) == 1:
            char = _decode_pair(leads[0], trails[0])
            if char is None:
                return None
            out.append(char)
        else:
            found = _pair_candidates(leads, trails)
            if not found:
                return None
            out.append(found)
        index += 2
    return out


#: Natural-log weight of a character pair the document itself uses elsewhere.
CACHE_WEIGHT = 2.0

#: Paired punctuation: closing mark -> opening mark.
PAIRS = {"”": "“", "’": "‘", "》": "《", "）": "（", "」": "「", "』": "『"}
#: Natural-log weight of pairing evidence: a closing mark that closes an open
#: mark, or an opening mark closed further on, is likely.
PAIRING_WEIGHT = 3.0
#: Opening mark -> closing mark, and every paired mark.
_OPENERS = {opening: closing for closing, opening in PAIRS.items()}
_MARKS = frozenset(PAIRS) | frozenset(_OPENERS)

#: Candidates (most frequent first) a neighbour's word can lift into the
#: shortlist: rarer characters that happen to make a word are false leads
#: more often than not (calibrated on the benchmark's farm chains).
SHORTLIST_SCAN = 400
#: Natural-log bonus, in the shortlist, for a candidate that makes a word
#: with a neighbour: worth about a hundredfold in frequency.
WORD_BONUS = 5.0


@dataclass(frozen=True, slots=True)
class _Context:
    """What the scoring knows about the text around a damaged run.

    - ``bigrams``: character pairs of the document's own text: a document
      that writes 國企黨建 in one paragraph likely wrote it where the bytes
      were lost (a cache language model; the word model alone prefers the
      more frequent 國大 there).
    - ``foreign``: characters foreign to the document's script: in a
      traditional text a candidate that exists only in simplified script
      (属 for 屬) is unlikely, and the other way round.
    - ``opened``: quotes and brackets open before the run.
    """

    bigrams: frozenset[str]
    foreign: frozenset[str]
    opened: str = ""

    def score(self, left: str, text: str, right: str) -> float:
        window = left + text + right
        pairs = set(map(operator.add, window, window[1:]))
        foreign = self.foreign.intersection(text)
        pairing = _pairing(self.opened, text, right) if _MARKS.intersection(text) else 0.0
        return (
            wordmodel.logprob_before(left + text, right)
            + CACHE_WEIGHT * len(pairs & self.bigrams)
            + wordmodel.SCRIPT_COST * len(foreign)
            + pairing
        )


def _document_bigrams(text: str) -> frozenset[str]:
    """The character pairs of ``text`` (readings left out), but those with a mark of damage."""
    plain = _plain(text)
    pairs = set(map(operator.add, plain, plain[1:]))
    damaged = {
        plain[index : index + 2]
        for mark in _DAMAGE_RE.finditer(plain)
        for index in (mark.start() - 1, mark.start())
        if index >= 0
    }
    return frozenset(pairs - damaged)


#: A mark of damage: a replacement mark or a private-use character.
_DAMAGE_RE = re.compile(f"[{re.escape(REPLACEMENT_MARKS)}\ue000-\uf8ff]")


@functools.lru_cache(maxsize=4096)
def _pair_candidates(leads: tuple[int, ...], trails: tuple[int, ...]) -> list[str]:
    """The characters some lead and some trail of these spell, most frequent first."""
    found = {c for lead in leads for trail in trails if (c := _decode_pair(lead, trail))}
    return sorted(found, key=wordmodel.char_logprob, reverse=True)


@functools.cache
def _ascii_candidates(values: tuple[int, ...]) -> list[str]:
    """Characters of swallowed ASCII bytes, most frequent first (as folded Chinese text)."""
    return sorted(map(chr, values), key=wordmodel.char_logprob, reverse=True)


@functools.lru_cache(maxsize=4096)
def _as_set(candidates: tuple[str, ...]) -> frozenset[str]:
    return frozenset(candidates)


def _fill(slots: list[str | list[str]], left: str, right: str, context: _Context) -> str:
    """Choose the unknown characters: a small beam search, left to right.

    Neighbouring unknowns depend on each other (基 and 礎 of 基礎), so each
    step keeps the ``BEAM`` best partial fillings, scored on the text up to
    the next unknown, and the survivors are scored whole at the end.
    """
    beams: list[tuple[float, str]] = [(0.0, "")]
    for index, slot in enumerate(slots):
        if isinstance(slot, str):
            beams = [(score, text + slot) for score, text in beams]
            continue
        ahead = _ahead(slots, index, right)
        shortlist = _shortlist(slot, (left + beams[0][1])[-1:], ahead[:1])
        grown = []
        for _, text in beams:
            before = (left + text)[-CONTEXT:]
            for char in shortlist:
                grown.append((context.score(before, char, ahead[:CONTEXT]), text + char))
        grown.sort(reverse=True)
        beams = grown[:BEAM]
    return max(beams, key=lambda b: context.score(left, b[1], right))[1]


def _ahead(slots: list[str | list[str]], index: int, right: str) -> str:
    """The known text after slot ``index``, up to the next unknown (or into ``right``)."""
    ahead = ""
    for later in slots[index + 1 :]:
        if not isinstance(later, str):
            return ahead
        ahead += later
    return ahead + right


def _quick(slots: list[str | list[str]], left: str, right: str) -> str:
    """A cheap filling: each unknown by frequency and the words it makes with its neighbours."""
    text = ""
    for index, slot in enumerate(slots):
        if isinstance(slot, str):
            text += slot
        else:
            text += _shortlist(slot, (left + text)[-1:], _ahead(slots, index, right)[:1], 1)[0]
    return text


def _shortlist(candidates: list[str], previous: str, following: str, size: int = 0) -> list[str]:
    """The ``size`` most promising characters for one unknown (``candidates`` by frequency).

    By character frequency, raised for a character that makes a dictionary
    word with its neighbour (部 + 署 = 部署): the right character is often a
    mid-frequency one that only its neighbours make likely.
    """
    size = size or TOP_CANDIDATES
    if len(candidates) <= size:
        return candidates

    partners = wordmodel.partner_chars(previous, following)
    common = candidates[:SHORTLIST_SCAN]
    if len(partners) < len(common):
        present = _as_set(tuple(common))
        boosted = [c for c in partners if c in present]
    else:
        boosted = [c for c in common if c in partners]
    pool = dict.fromkeys(boosted + candidates[:size])

    def promise(char: str) -> float:
        return wordmodel.char_logprob(char) + WORD_BONUS * partners.get(char, 0)

    return heapq.nlargest(size, pool, key=promise)


def _open_quotes(text: str) -> str:
    """The opening marks still open at the end of ``text``, innermost last."""
    stack: list[str] = []
    openers = set(PAIRS.values())
    for char in text:
        if char in openers:
            stack.append(char)
        elif char in PAIRS and stack and stack[-1] == PAIRS[char]:
            stack.pop()
    return "".join(stack)


def _pairing(opened: str, text: str, after: str) -> float:
    """Reward marks of ``text`` that close an open mark, or open one that ``after`` closes."""
    score = 0.0
    stack = list(opened)
    openers = _OPENERS
    for index, char in enumerate(text):
        if char in openers:
            stack.append(char)
            if openers[char] in (text[index + 1 :] + after):
                score += PAIRING_WEIGHT
        elif char in PAIRS and stack and stack[-1] == PAIRS[char]:
            stack.pop()
            score += PAIRING_WEIGHT
    return score


def _best(
    hypotheses: Iterator[Hypothesis], line: str, left: str, context: _Context
) -> tuple[Hypothesis, str, float, int] | None:
    """The most likely hypothesis, its repaired text and its score.

    Every hypothesis is scored on the same stretch of text, up to the end of
    the longest one (the rest of a shorter one's span is scored as it stands),
    so the word model compares like with like.
    """
    decoded = []
    for hypothesis in hypotheses:
        slots = _slots(hypothesis.stream)
        if slots is not None:
            decoded.append((hypothesis, slots))
    if not decoded:
        return None
    end = max(h.end for h, _ in decoded)
    right = _right_context(line, end)
    if len(decoded) > PRESCREEN:
        # Most hypotheses decode to nonsense that a cheap filling already shows.
        def quick(item: tuple[Hypothesis, list[str | list[str]]]) -> float:
            hypothesis, slots = item
            rest = _plain(line[hypothesis.end : end])
            text = _quick(slots, left, hypothesis.tail + rest + right) + hypothesis.tail
            return context.score(left, text, rest + right) + DROP_COST * hypothesis.drops

        decoded = heapq.nlargest(PRESCREEN, decoded, key=quick)
    best: tuple[Hypothesis, str, float, int] | None = None
    for hypothesis, slots in decoded:
        rest = _plain(line[hypothesis.end : end])
        text = _fill(slots, left, hypothesis.tail + rest + right, context) + hypothesis.tail
        score = context.score(left, text, rest + right) + DROP_COST * hypothesis.drops
        if best is None or score > best[2]:
            best = (hypothesis, text, score, end)
    return best


def _plain(text: str) -> str:
    """Text to score as it stands: without the farms' reading groups."""
    return READING_GROUP_RE.sub("", text)


def _right_context(line: str, end: int) -> str:
    return _plain(line[end : end + 3 * CONTEXT])[:CONTEXT]


# --- anchors ----------------------------------------------------------------


def _candidates(line: str, anchor: int, previous: str, allow_drops: bool) -> Iterator[Hypothesis]:
    """Hypotheses for the damage behind the ``?`` at ``anchor``."""
    reading = SWALLOWED_READING_RE.match(line, anchor + 1)
    if reading and previous and is_reading(reading.group(1), previous):
        # A reading inserted after a pair matched across a boundary: the
        # ``?`` is the lost lead byte with the reading's ``(``. The previous
        # character's trail byte was the matched pair's lead byte, so it is
        # 0x81 or more; a trail byte below (業 = 98 49) matched nothing.
        leads = _lost_lead(previous, reading.group(1))
        if leads:
            yield from _hypotheses(line, anchor, [Unknown(leads)], reading.end(), allow_drops)
        return
    following = line[anchor + 1 : anchor + 2]
    for ascii_, full in ASCII_TO_FULLWIDTH.items():
        # A full-width punctuation pair matched across a boundary became one
        # ASCII byte; the ``?`` is the previous character's lone lead byte.
        code = full.encode("gb18030")
        prefix: list[Byte] = [Unknown(_leads_for(code[0])), code[0], code[1]]
        if following == ascii_:
            yield from _hypotheses(line, anchor, prefix, anchor + 2, allow_drops)
        yield from _hypotheses(line, anchor, prefix, anchor + 1, allow_drops)


#: Mean character score (``plausibility``) below which the characters after
#: a bare ``?`` look like wrong pairs. Clean text scores about -3.0; the wrong
#: pairs of the seeds (霸诰虏渴, 染唧) score below -4.5.
GARBAGE = -4.0
#: How many characters after a bare ``?`` are looked at.
LOOKAHEAD = 4


def _looks_shifted(line: str, index: int) -> bool:
    """After a bare ``?``: do the next characters look like bytes read out of step?"""
    ahead = line[index + 1 : index + 1 + LOOKAHEAD]
    if ahead[:1] in ASCII_TO_FULLWIDTH:
        ahead = ahead[1:]
    if ahead[:1] and ahead[0] in REPLACEMENT_MARKS:
        return True  # ``?!?``: a stray lead, a folded punctuation, a swallowed byte
    ahead = ahead.split("?")[0].split("\ufffd")[0]
    if PUA_RE.search(ahead):
        return True
    wide = "".join(c for c in ahead if ord(c) >= 0x80)
    return bool(wide) and plausibility.score(wide) < GARBAGE


def _is_anchor(line: str, index: int) -> bool:
    """Is a ``?`` worth a look: before a reading or folded punctuation, or shifted-looking text."""
    if SWALLOWED_READING_RE.match(line, index + 1):
        return True
    if (
        line[index + 1 : index + 2] in ASCII_TO_FULLWIDTH
        and index > 0
        and ord(line[index - 1]) >= 0x80
    ):
        return True
    return _looks_shifted(line, index)


def repair_misaligned(text: str) -> str:
    """Realign every misaligned-GBK run of a text; clean text is returned unchanged."""
    if not any(mark in text for mark in REPLACEMENT_MARKS):
        return text
    allow_drops = PUA_RE.search(text) is None
    contexts: list[_Context] = []

    def context() -> _Context:
        # What the document says (its pairs, its script) is read once, and
        # only when a line has a run to realign.
        if not contexts:
            contexts.append(_Context(_document_bigrams(text), scripts.foreign_to(text)))
        return contexts[0]

    return "\n".join(_repair_line(line, allow_drops, context) for line in text.split("\n"))


#: A farm-damaged line is Chinese text with a few damaged runs: about one
#: anchor per 40-150 characters in the seeds and the benchmark. Lines with
#: more marks than this, or that read as nonsense throughout, are some other
#: damage (or none: a line of ``????``), and are left to the other repairs.
MAX_MARK_SHARE = 1 / 12
MIN_LINE_SCORE = -4.6


#: Lines shorter than this are too short to judge as nonsense throughout.
MIN_JUDGED = 24


def _farm_like(line: str) -> bool:
    marks = sum(line.count(mark) for mark in REPLACEMENT_MARKS)
    if marks > 2 + len(line) * MAX_MARK_SHARE:
        return False
    if len(line) < MIN_JUDGED:
        return True
    han = "".join(c for c in PUA_RE.sub("", line) if ord(c) >= 0x2E80)
    return len(han) < MIN_JUDGED or plausibility.score(han) >= MIN_LINE_SCORE


def _repair_line(line: str, allow_drops: bool, document_of: Callable[[], _Context]) -> str:
    if not any(mark in line for mark in REPLACEMENT_MARKS) or not _farm_like(line):
        return line
    out: list[str] = []
    pos = 0
    while pos < len(line):
        char = line[pos]
        if char not in REPLACEMENT_MARKS or not _is_anchor(line, pos):
            out.append(char)
            pos += 1
            continue
        previous = out[-1] if out else ""
        left = _plain("".join(out[-3 * CONTEXT :]))[-CONTEXT:]
        context = dataclasses.replace(document_of(), opened=_open_quotes("".join(out)))
        found = _best(_candidates(line, pos, previous, allow_drops), line, left, context)
        if found is None:
            out.append(char)
            pos += 1
            continue
        hypothesis, repaired, score, end = found
        if not SWALLOWED_READING_RE.match(line, pos + 1):
            # Without a reading the ``?`` may be a real question mark (``？``
            # folded to ASCII); keep the span unless realigning reads better.
            as_is = context.score(left, _plain(line[pos:end]), _right_context(line, end))
            if as_is >= score:
                out.append(char)
                pos += 1
                continue
        out.extend(repaired)
        pos = hypothesis.end
    return "".join(out)
