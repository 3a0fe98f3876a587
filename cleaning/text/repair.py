"""``repair_text``: the text-level repairs, in one fixed order.

Each repair is a pure ``str -> str`` function in its own module; this module
only orders them and records which fired. Paragraph breaks (``\\n``) survive
every repair, and clean text passes through every repair unchanged.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple

from cleaning.text import mojibake, punct, t2s, wordmodel
from cleaning.text.misaligned import repair_misaligned
from cleaning.text.pinyin import remove_readings

BYTES_ERROR = (
    "repair_text works on str, not bytes. Decode the bytes first "
    "(cleaning.clean_page does it with the page's own evidence: BOM, header, "
    "<meta charset>, detection)."
)


class Repaired(NamedTuple):
    """Repaired text and the stable names of the repairs that changed it."""

    text: str
    repairs: tuple[str, ...]


Repair = Callable[[str, list[str]], str]


def _named(name: str, repair: Callable[[str], str]) -> Repair:
    """A ``str -> str`` repair that reports ``name`` when it changes the text."""

    def run(text: str, fired: list[str]) -> str:
        repaired = repair(text)
        if repaired != text:
            fired.append(name)
        return repaired

    run.__name__ = name
    return run


#: The repairs in the order they run. Stable names (the record's ``repairs``):
#: the mojibake chains (``gbk-as-latin1``, ``gbk-as-cp1252``,
#: ``gbk-as-mixed-utf8``, ``utf8-as-cp1252``, ``utf8-as-latin1``,
#: ``utf8-as-gbk``, ``big5-as-gbk``, ``gbk-as-big5``), then
#: ``misaligned-gbk``, ``markup``, ``pinyin``, ``t2s``, ``punctuation``,
#: ``whitespace``.
#:
#: Why this order: bytes read with the wrong codec come first, since every
#: other repair reads characters (whole lines of wrong Han characters before
#: runs of Latin ones: Big5 read as GBK also yields a few Latin letters);
#: misaligned-GBK realignment needs the readings as anchors, so it runs
#: before they are removed; markup residue (``</span>``) is only whole once
#: the bytes around it are realigned; conversion to simplified script comes
#: after every repair that reasons about GBK bytes of the traditional text;
#: punctuation and white space last.
REPAIRS: tuple[Repair, ...] = (
    mojibake.repair_cjk_lines,
    mojibake.repair_latin_runs,
    _named("misaligned-gbk", repair_misaligned),
    _named("markup", punct.strip_markup),
    _named("pinyin", remove_readings),
    _named("t2s", t2s.repair_script),
    _named("punctuation", punct.fix_punctuation),
    _named("whitespace", punct.fold_space),
)

#: The repairs run again on their own output until it no longer changes
#: (one repair can expose damage for another: mojibake undone shows pinyin
#: residue), at most this many times; two rounds suffice on the seeds and
#: the benchmark.
MAX_ROUNDS = 3


def repair_text_explained(text: str) -> Repaired:
    """Run every repair in order; return the text and which repairs fired."""
    if isinstance(text, bytes | bytearray):
        raise TypeError(BYTES_ERROR)
    if not isinstance(text, str):
        raise TypeError(f"repair_text expects str, got {type(text).__name__}")
    fired: list[str] = []
    for _ in range(MAX_ROUNDS):
        before = text
        for repair in REPAIRS:
            text = repair(text, fired)
        if text == before:
            break
    return Repaired(text, tuple(dict.fromkeys(fired)))


def forget_texts() -> None:
    """Drop what the repairs memoized about texts already seen (word-model windows,
    repaired lines); loaded tables stay. For benchmarks that time a text twice."""
    wordmodel.logprob.cache_clear()
    mojibake.forget_lines()


def repair_text(text: str) -> str:
    """Repair every kind of text damage of this corpus; clean text is unchanged."""
    return repair_text_explained(text).text
