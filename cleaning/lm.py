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
import itertools
import logging
import math
import unicodedata

from cleaning import t2s


@functools.cache
def _model() -> tuple[dict[str, int], float]:
    import jieba

    jieba.setLogLevel(logging.WARNING)
    tokenizer = jieba.Tokenizer()
    tokenizer.initialize()
    freq = dict(tokenizer.FREQ)
    for word, count in EXTRA_WORDS.items():
        for end in range(1, len(word)):
            freq.setdefault(word[:end], 0)
        freq[word] = count
    return freq, math.log(tokenizer.total)


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
#: (its dictionary counts 国企 341, 党建 141): mobile-network generations
#: recur in the coal groups' smart-mine reports.
EXTRA_WORDS = {"5G": 300, "4G": 200, "3G": 100}


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


def is_word(text: str) -> bool:
    """True when ``text`` (any script) is a word of the dictionary."""
    freq, _ = _model()
    return bool(freq.get(text.translate(t2s.char_map())))


@functools.lru_cache(maxsize=1 << 16)
def char_logprob(char: str) -> float:
    """Natural-log probability of one character standing alone (a prior for candidates)."""
    freq, log_total = _model()
    simplified = char.translate(t2s.char_map())
    count = freq.get(simplified)
    if count:
        return math.log(count) - log_total
    return _single_cost(simplified, log_total)


#: Natural-log cost of two punctuation marks in a row that Chinese
#: typography does not write (。。 ，、 。，): after a sentence or clause
#: mark only an opening or closing quote or bracket follows; the ellipsis
#: and the dash come doubled (…… ——).
BAD_PUNCTUATION_PAIR_COST = math.log(1e-4)
_CLAUSE_MARKS = frozenset("，。、；：？！")
_OPENING = frozenset("“‘（《「『")
_CLOSING = frozenset("”’）》」』")


def _bad_pairs(sentence: str) -> int:
    return sum(
        1
        for a, b in itertools.pairwise(sentence)
        if (a in _CLAUSE_MARKS and (b in _CLAUSE_MARKS or b in "…—"))
        or (a in _OPENING and (b in _CLAUSE_MARKS or b in _CLOSING))
    )


@functools.lru_cache(maxsize=1 << 16)
def logprob(text: str) -> float:
    """Natural-log probability of the most likely segmentation of ``text`` into words.

    Characters outside the dictionary cost as much as its rarest word; longer
    texts score lower, so compare candidates of equal length, or mind the
    difference.
    """
    freq, log_total = _model()
    sentence = text.translate(t2s.char_map())
    n = len(sentence)
    best = [0.0] * (n + 1)
    for start in range(n - 1, -1, -1):
        top = -math.inf
        for end in range(start + 1, min(n, start + MAX_WORD) + 1):
            piece = sentence[start:end]
            count = freq.get(piece)
            if count is None:
                break
            if count or end == start + 1:
                top = max(top, math.log(count or 1) - log_total + best[end])
        if top == -math.inf or freq.get(sentence[start]) is None:
            top = max(top, _single_cost(sentence[start], log_total) + best[start + 1])
        best[start] = top
    return best[0] + BAD_PUNCTUATION_PAIR_COST * _bad_pairs(sentence.translate(FOLDED))
