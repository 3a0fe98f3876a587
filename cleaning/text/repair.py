"""``repair_text``: the text-level repairs, in one fixed order, each guarded.

Each repair is a pure ``str -> str`` function in its own module; this module
only orders them, records which fired, and keeps a failing one from losing
the text. Paragraph breaks (``\\n``) survive every repair, and clean text
passes through every repair unchanged.

A repair that raises (a bug on some input nobody foresaw) must not cost the
document: the text is repaired again line by line, each line the repair
raises on stays as it was, the failure is logged, and the repair is named
``failed:<name>`` among the repairs that fired, which is where the record's
``repairs`` column shows it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import NamedTuple

from cleaning.text import mojibake, normalize, punct, t2s, wordmodel
from cleaning.text.misaligned import repair_misaligned
from cleaning.text.pinyin import remove_readings

log = logging.getLogger(__name__)

BYTES_ERROR = (
    "repair_text works on str, not bytes. Decode the bytes first "
    "(cleaning.clean_page does it with the page's own evidence: BOM, header, "
    "<meta charset>, detection)."
)


class Repaired(NamedTuple):
    """Repaired text and the stable names of the repairs that changed it."""

    text: str
    repairs: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Repair:
    """One repair of the sequence.

    ``function`` takes the text and the list of names fired so far; it
    appends the names of what it changed. ``name`` is what a failure is
    reported as (``failed:<name>``); repairs with one kind of change report
    under this name too.
    """

    name: str
    function: Callable[[str, list[str]], str]

    @property
    def __name__(self) -> str:  # the benchmark's header lists the repairs by name
        return self.name

    def __call__(self, text: str, fired: list[str]) -> str:
        """Run the repair; where it raises, run it line by line and keep the lines it
        raises on as they were."""
        try:
            return self.function(text, fired)
        except Exception:
            log.warning("repair %s raised on a text; repairing it line by line", self.name)
        lines = text.split("\n")
        for index, line in enumerate(lines):
            try:
                lines[index] = self.function(line, fired)
            except Exception:
                log.exception("repair %s raised on a line; the line is kept as it was", self.name)
        fired.append(f"failed:{self.name}")
        return "\n".join(lines)


def named(name: str, function: Callable[[str], str]) -> Repair:
    """A ``str -> str`` repair that reports ``name`` when it changes the text."""

    def run(text: str, fired: list[str]) -> str:
        repaired = function(text)
        if repaired != text:
            fired.append(name)
        return repaired

    return Repair(name, run)


#: The repairs of bytes read wrong, run to a fixed point before the rest.
#: Stable names (the record's ``repairs``): the mojibake chains
#: (``utf8-as-gbk``, ``big5-as-gbk``, ``gbk-as-big5``; ``gbk-as-latin1``,
#: ``gbk-as-cp1252``, ``gbk-as-mixed-utf8``, ``utf8-as-cp1252``,
#: ``utf8-as-latin1``) and ``misaligned-gbk``.
#:
#: Whole lines of wrong Han characters before runs of Latin ones (Big5 read
#: as GBK also yields a few Latin letters); the misaligned-GBK realignment
#: after both, since it needs the farms' readings as anchors.
BYTE_REPAIRS: tuple[Repair, ...] = (
    Repair("han-mojibake", mojibake.repair_cjk_lines),
    Repair("latin-mojibake", mojibake.repair_latin_runs),
    named("misaligned-gbk", repair_misaligned),
)

#: The repairs of characters, once the bytes are right: ``markup``,
#: ``pinyin``, ``t2s``, ``punctuation``, ``whitespace``. Markup residue is
#: only whole once the bytes around it are realigned; the conversion to
#: simplified script comes after every repair that reasons about the bytes
#: (converted, mojibake's bytes are lost for good: 鐞嗚 becomes 鐞呜);
#: punctuation and white space last.
TEXT_REPAIRS: tuple[Repair, ...] = (
    named("markup", punct.strip_markup),
    named("pinyin", remove_readings),
    named("t2s", t2s.repair_script),
    named("punctuation", punct.fix_punctuation),
    named("whitespace", normalize.tidy_paragraphs),
)

#: Every repair, in the order they run.
REPAIRS: tuple[Repair, ...] = BYTE_REPAIRS + TEXT_REPAIRS

#: Each group of repairs, and the whole sequence, runs again on its own
#: output until it no longer changes (one repair can expose damage for
#: another: mojibake undone shows pinyin residue, text mis-decoded twice is
#: undone once per round), at most this many times; two rounds suffice on the
#: seeds and the benchmark.
MAX_ROUNDS = 3


def _to_fixed_point(text: str, repairs: Sequence[Repair], fired: list[str]) -> tuple[str, bool]:
    """Run ``repairs`` in order until a pass changes nothing (at most
    ``MAX_ROUNDS`` passes); the text, and whether it settled."""
    for _ in range(MAX_ROUNDS):
        before = text
        for repair in repairs:
            text = repair(text, fired)
        if text == before:
            return text, True
    return text, False


def repair_text_explained(text: str) -> Repaired:
    """Run every repair in order; return the text and which repairs fired."""
    if isinstance(text, bytes | bytearray):
        raise TypeError(BYTES_ERROR)
    if not isinstance(text, str):
        raise TypeError(f"repair_text expects str, got {type(text).__name__}")
    fired: list[str] = []
    byte_repairs = [r for r in REPAIRS if r in BYTE_REPAIRS]
    text_repairs = [r for r in REPAIRS if r not in BYTE_REPAIRS]
    settled: str | None = None  # a text the text repairs are known to leave as it is
    for _ in range(MAX_ROUNDS):
        before = text
        text, _ = _to_fixed_point(text, byte_repairs, fired)
        if text == settled:
            # The byte repairs found nothing new in what the text repairs
            # settled on: another pass of those would change nothing either.
            break
        text, converged = _to_fixed_point(text, text_repairs, fired)
        settled = text if converged else None
        if text == before:
            break
    return Repaired(text, tuple(dict.fromkeys(fired)))


def forget_texts() -> None:
    """Drop what the repairs memoized about texts already seen (word-model windows,
    repaired lines); loaded tables stay. For benchmarks that time a text twice."""
    wordmodel.forget()
    mojibake.forget_lines()


def repair_text(text: str) -> str:
    """Repair every kind of text damage of this corpus; clean text is unchanged."""
    return repair_text_explained(text).text
