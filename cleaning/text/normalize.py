"""White space, two ways: one line of a value, or the paragraphs of a body.

- ``fold_spaces``: every run of white space, line breaks included, becomes
  one space and the ends are stripped: for values that are one line (a
  title, a source, a block of page text being matched).
- ``without_spaces``: every white space removed: the form in which a title
  is looked for among the page's lines (Chinese text breaks anywhere).
- ``tidy_paragraphs``: the clean form of a body (ARTIFACTS §6): each
  paragraph (line) stripped, runs of spaces, tabs, no-break and ideographic
  spaces inside it folded to one space, control characters and empty
  paragraphs dropped; ``\\n`` between paragraphs stays.

>>> fold_spaces("  坚持政治引领\\n\\u3000凝聚奋进力量 ")
'坚持政治引领 凝聚奋进力量'
>>> tidy_paragraphs("  坚持政治引领 \\xa0凝聚奋进力量\\n\\xa0\\n同志们：")
'坚持政治引领 凝聚奋进力量\\n同志们：'
"""

from __future__ import annotations

import re

#: Characters that count as white space inside a paragraph (not ``\n``).
PARAGRAPH_SPACES_RE = re.compile("[ \t\u00a0\u2000-\u200b\u202f\u205f\u3000]+")

#: Control characters that have no place in text (not \\t or \\n).
CONTROLS_RE = re.compile("[\x00-\x08\x0b-\x1f\x7f\ufeff]")


def fold_spaces(text: str) -> str:
    """Runs of white space of every width, line breaks included, to one space; ends stripped.

    ``str.split`` splits on every Unicode space (ASCII, no-break, ideographic,
    en/em) and is three times faster than a regex on the extractor's hot path.
    """
    return " ".join(text.split())


def without_spaces(text: str | None) -> str:
    """``text`` with every white space removed (``None`` as empty).

    >>> without_spaces(" 坚持政治引领\\n 凝聚奋进力量")
    '坚持政治引领凝聚奋进力量'
    """
    return "".join(text.split()) if text else ""


def tidy_paragraphs(text: str) -> str:
    """Strip paragraphs, fold runs of spaces inside them, drop empty ones; keep ``\\n``."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    # The space class holds no line break: one pass over the whole text folds
    # the runs of every line.
    text = PARAGRAPH_SPACES_RE.sub(" ", CONTROLS_RE.sub("", text))
    return "\n".join(filter(None, [line.strip(" ") for line in text.split("\n")]))
