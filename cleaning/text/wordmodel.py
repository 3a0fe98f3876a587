"""A small word-level language model for choosing among repair candidates.

Where damage destroyed bytes (a misaligned-GBK run whose user-defined codes
were dropped, UTF-8 read as GBK with U+FFFD), the bytes are constrained but
not fixed, and the repair must choose. It chooses the candidate text that a
unigram word model likes best: the log-probability of the best segmentation
of the text into words of jieba's dictionary (the dictionary ships with word
frequencies; this is how jieba itself segments). Traditional characters are
scored through their simplified forms.

The dictionary is loaded on first use only (about a second), so clean text,
which never needs a choice, never pays for it.
"""

from __future__ import annotations

import functools
import logging
import math
import re
import unicodedata

from cleaning.text import t2s

#: The model's mark for a string that only begins dictionary words.
PREFIX = 1.0


#: Longest dictionary word considered (jieba's dictionary has few longer).
MAX_WORD = 8

#: Natural-log cost of single characters the dictionary does not list, by
#: class: the common Chinese punctuation marks are each about one character
#: in fifty of news text (，。、 more, ；？！ less), other punctuation and
#: symbols (＃〔〕‖) are rare; digits and Latin letters in between; anything
#: else costs as much as the rarest word.
PUNCTUATION_COST = {
    char: math.log(share)
    for chars, share in (
        ("，", 0.05),
        ("。", 0.03),
        ("、", 0.015),
        ("“”", 0.008),
        ("《》：", 0.003),
        ("；（）", 0.002),
        ("？！…—", 0.001),
        ("‘’·", 0.0005),
    )
    for char in chars
}
RARE_PUNCTUATION_COST = math.log(1e-7)
#: ASCII punctuation inside Chinese text is folded full-width punctuation
#: (the farms folded ，：；？！（）); it costs what the full-width mark costs.
FOLDED = str.maketrans(",:;?!()", "，：；？！（）")
DIGIT_COST = math.log(0.003)
LATIN_COST = math.log(0.001)

#: Domain tokens jieba's dictionary (2013) lacks, with jieba-scale counts
#: (it counts 部署 3333, 国企 341): mobile-network generations recur in the
#: coal groups' smart-mine reports about as often as 部署 in news.
EXTRA_WORDS = {"5G": 5000, "4G": 2000, "3G": 1000}


@functools.cache
def _model() -> tuple[dict[str, float], float]:
    """Every dictionary word with its natural-log probability, and every prefix of
    one with ``PREFIX`` (so a scan can stop early); and log(total count)."""
    import jieba

    jieba.setLogLevel(logging.WARNING)
    tokenizer = jieba.Tokenizer()
    tokenizer.initialize()
    counts = dict(tokenizer.FREQ)
    for word, count in EXTRA_WORDS.items():
        for end in range(1, len(word)):
            counts.setdefault(word[:end], 0)
        counts[word] = count
    log_total = math.log(tokenizer.total)
    scores = {
        word: math.log(count) - log_total if count else PREFIX for word, count in counts.items()
    }
    return scores, log_total


def load() -> float:
    """Load the dictionary now (about a second, once per process); returns the seconds taken.

    It loads by itself on first use; long-running workers and benchmarks call
    this first so that the first damaged document does not pay for it.
    """
    import time

    started = time.perf_counter()
    _model()
    _two_char_words()
    return time.perf_counter() - started


@functools.cache
def _single_cost(char: str, log_total: float) -> float:
    if char.isdigit() and char.isascii():
        return DIGIT_COST
    if char.isascii() and char.isalpha():
        return LATIN_COST
    char = char.translate(FOLDED)
    if char in PUNCTUATION_COST:
        return PUNCTUATION_COST[char]
    if unicodedata.category(char)[0] in "PS":
        return RARE_PUNCTUATION_COST
    return -log_total


#: Natural-log cost of writing a digit or Latin letter full-width (２ for 2):
#: Chinese news text does it for about one number in ten.
FULL_WIDTH_COST = math.log(0.1)


def mark_cost(char: str) -> float | None:
    """Natural-log cost of a digit, a Latin letter or a punctuation mark or symbol
    standing alone (``PUNCTUATION_COST``); None for other characters."""
    if char.isascii() and (char.isdigit() or char.isalpha()):
        return DIGIT_COST if char.isdigit() else LATIN_COST
    if "\uff10" <= char <= "\uff5a" and char.isalnum():
        # A full-width digit or letter (２０２２): the ASCII one, less often.
        return (DIGIT_COST if char.isdigit() else LATIN_COST) + FULL_WIDTH_COST
    folded = char.translate(FOLDED)
    if folded in PUNCTUATION_COST:
        return PUNCTUATION_COST[folded]
    if unicodedata.category(folded)[0] in "PS":
        return RARE_PUNCTUATION_COST
    return None


#: Natural-log cost of a candidate character of the other script than the
#: text's (属 in traditional text, 屬 in simplified; ``scripts.other_script``):
#: a repair restores the text as it was written, in one script.
SCRIPT_COST = -5.0


@functools.cache
def _two_char_words() -> tuple[dict[str, frozenset[str]], dict[str, frozenset[str]]]:
    """For each character, the characters that follow it, and precede it, in two-character words."""
    scores, _ = _model()
    after: dict[str, set[str]] = {}
    before: dict[str, set[str]] = {}
    for word, score in scores.items():
        if score != PREFIX and len(word) == 2:
            after.setdefault(word[0], set()).add(word[1])
            before.setdefault(word[1], set()).add(word[0])
    return (
        {k: frozenset(v) for k, v in after.items()},
        {k: frozenset(v) for k, v in before.items()},
    )


@functools.lru_cache(maxsize=1 << 14)
def partner_chars(previous: str, following: str) -> dict[str, int]:
    """Every character, in either script, that makes a two-character dictionary word
    with ``previous`` or ``following``, with how many of the two (see ``partners``)."""
    after, before = _two_char_words()
    table = t2s.char_map()
    found: dict[str, int] = {}
    for neighbour, side in ((previous, after), (following, before)):
        for char in side.get(neighbour.translate(table), ()) if neighbour else ():
            for form in (char, *_traditional_forms().get(char, ())):
                found[form] = found.get(form, 0) + 1
    return found


@functools.cache
def _traditional_forms() -> dict[str, tuple[str, ...]]:
    forms: dict[str, list[str]] = {}
    for code, simplified in t2s.char_map().items():
        forms.setdefault(simplified, []).append(chr(code))
    return {k: tuple(v) for k, v in forms.items()}


@functools.lru_cache(maxsize=1 << 14)
def followers(char: str) -> frozenset[str]:
    """Simplified characters that follow ``char`` (either script) in two-character words."""
    return _two_char_words()[0].get(char.translate(t2s.char_map()), frozenset())


@functools.lru_cache(maxsize=1 << 14)
def leaders(char: str) -> frozenset[str]:
    """Simplified characters that precede ``char`` (either script) in two-character words."""
    return _two_char_words()[1].get(char.translate(t2s.char_map()), frozenset())


@functools.lru_cache(maxsize=1 << 16)
def simplified(char: str) -> str:
    """One character in simplified script."""
    return char.translate(t2s.char_map())


def partners(previous: str, char: str, following: str) -> int:
    """How many of its neighbours ``char`` makes a two-character dictionary word
    with (``previous`` + char, char + ``following``), in either script: 0, 1 or 2."""
    simple = simplified(char)
    return (bool(previous) and simple in followers(previous)) + (
        bool(following) and simple in leaders(following)
    )


def word_logprob(word: str) -> float | None:
    """Natural-log probability of a dictionary word (simplified script), or None."""
    score = _model()[0].get(word)
    return None if score is None or score == PREFIX else score


@functools.lru_cache(maxsize=1 << 16)
def char_logprob(char: str) -> float:
    """Natural-log probability of one character standing alone (a prior for candidates)."""
    scores, log_total = _model()
    simplified = char.translate(t2s.char_map())
    score = scores.get(simplified, PREFIX)
    if score != PREFIX:
        return score
    return _single_cost(simplified, log_total)


#: Natural-log cost of two punctuation marks in a row that Chinese
#: typography does not write (。。 ，、 。，): after a sentence or clause
#: mark only an opening or closing quote or bracket follows; the ellipsis
#: and the dash come doubled (…… ——).
BAD_PUNCTUATION_PAIR_COST = math.log(1e-4)
_CLAUSE_MARKS = "，。、；：？！"
_OPENING = "“‘（《「『"
_CLOSING = "”’）》」』"
_BAD_PAIR_RE = re.compile(
    f"(?<=[{_CLAUSE_MARKS}])[{_CLAUSE_MARKS}…—]|(?<=[{_OPENING}])[{_CLAUSE_MARKS}{_CLOSING}]"
)
#: The ellipsis and the dash are written doubled (…… ——); one alone is not
#: Chinese typography.
_LONE_MARK_RE = re.compile("(?<!…)…(?!…)|(?<!—)—(?!—)")


#: A clause mark (，、) right before a line break: a line of Chinese text (a
#: paragraph, a heading, the lead-in of a list) ends with a sentence mark, a
#: colon or nothing, hardly ever with a comma. Counted as a bad pair.
_COMMA_AT_LINE_END_RE = re.compile("[，、](?=\r?\n)")


def _bad_pairs(sentence: str) -> int:
    bad = len(_BAD_PAIR_RE.findall(sentence)) + len(_COMMA_AT_LINE_END_RE.findall(sentence))
    if "…" in sentence or "—" in sentence:
        # A window may cut a pair: its two ends do not count.
        bad += len(_LONE_MARK_RE.findall(sentence[1:-1]))
    return bad


#: What follows a number in Chinese text: dates and times, units, classifiers.
#: The dictionary has no numerals, so without this the model cannot tell
#: 2月17日 from 2有17日.
AFTER_DIGIT = (
    "年月日时分秒号届期"  # dates and times
    "万亿千百元角吨米度岁%倍"  # quantities and units
    "人名家个项次条件台套座批场户处所位"  # classifiers
)
AFTER_DIGIT_BONUS = 3.0
_AFTER_DIGIT_RE = re.compile(f"(?<=[0-9])[{AFTER_DIGIT}]")


def _after_digits(sentence: str) -> int:
    return len(_AFTER_DIGIT_RE.findall(sentence))


def _unit(char: str) -> tuple[float, bool]:
    """The natural-log probability of ``char`` (simplified) as a word of its own, and
    whether longer dictionary words begin with it."""
    scores, log_total = _model()
    first = scores.get(char)
    if first is None or first == PREFIX:
        return _single_cost(char, log_total), first is not None
    return first, True


#: ``_unit`` of each character seen (a few thousand: the model's own table, read
#: once per character instead of once per position).
_UNITS: dict[str, tuple[float, bool]] = {}


@functools.lru_cache(maxsize=1 << 16)
def logprob(text: str) -> float:
    """Natural-log probability of the most likely segmentation of ``text`` into words.

    Characters outside the dictionary cost as much as its rarest word; longer
    texts score lower, so compare candidates of equal length, or mind the
    difference.
    """
    sentence = text.translate(t2s.char_map())
    best = [0.0] * (len(sentence) + 1)
    _segment(sentence, best, len(sentence))
    return _with_marks(sentence, best[0])


@functools.lru_cache(maxsize=1 << 16)
def logprob_before(head: str, tail: str) -> float:
    """``logprob(head + tail)``, the tail's share of the work done once per tail: for
    scoring many candidate heads before the same text (the same value, bit for bit)."""
    start = head.translate(t2s.char_map())
    end, segmented = _tail(tail)
    best = [0.0] * len(start)
    best += segmented
    sentence = start + end
    _segment(sentence, best, len(start))
    return _with_marks(sentence, best[0])


@functools.lru_cache(maxsize=1 << 12)
def _tail(tail: str) -> tuple[str, tuple[float, ...]]:
    """``tail`` in simplified script and ``_segment``'s values for it alone."""
    sentence = tail.translate(t2s.char_map())
    best = [0.0] * (len(sentence) + 1)
    _segment(sentence, best, len(sentence))
    return sentence, tuple(best)


def _segment(sentence: str, best: list[float], stop: int) -> None:
    """Fill ``best[start]``, for each start before ``stop``, with the log-probability of
    the best segmentation of ``sentence[start:]`` (``best`` from ``stop`` on given):
    right to left, each start takes the best word that begins there."""
    scores = _model()[0]
    units = _UNITS
    n = len(sentence)
    for start in range(stop - 1, -1, -1):
        char = sentence[start]
        unit = units.get(char)
        if unit is None:
            unit = units[char] = _unit(char)
        top = unit[0] + best[start + 1]
        if unit[1]:
            for end in range(start + 2, min(n, start + MAX_WORD) + 1):
                score = scores.get(sentence[start:end])
                if score is None:
                    break
                if score != PREFIX:
                    total = score + best[end]
                    if total > top:
                        top = total
        best[start] = top


def _with_marks(sentence: str, words: float) -> float:
    """The segmentation's log-probability ``words`` with what the marks and digits of
    ``sentence`` say."""
    if sentence.isalpha():
        return words  # no mark and no digit: nothing to count
    return (
        words
        + BAD_PUNCTUATION_PAIR_COST * _bad_pairs(sentence.translate(FOLDED))
        + AFTER_DIGIT_BONUS * _after_digits(sentence)
    )


def forget() -> None:
    """Drop the memoized scores of texts (the dictionary stays loaded)."""
    logprob.cache_clear()
    logprob_before.cache_clear()
    _tail.cache_clear()
