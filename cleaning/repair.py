"""``repair_text``: the text-level repairs, in one fixed order.

Each repair is a pure ``str -> str`` function in its own module; this module
only orders them and records which fired. Paragraph breaks (``\\n``) survive
every repair, and clean text passes through every repair unchanged.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple

BYTES_ERROR = (
    "repair_text works on str, not bytes. Decode the bytes first "
    "(cleaning.clean_page does it with the page's own evidence: BOM, header, "
    "<meta charset>, detection)."
)


class Repaired(NamedTuple):
    """Repaired text and the stable names of the repairs that changed it."""

    text: str
    repairs: tuple[str, ...]


#: (name, repair) in the order they run. Filled as the repairs land.
REPAIRS: tuple[tuple[str, Callable[[str], str]], ...] = ()


def repair_text_explained(text: str) -> Repaired:
    """Run every repair in order; return the text and which repairs fired."""
    if isinstance(text, bytes | bytearray):
        raise TypeError(BYTES_ERROR)
    if not isinstance(text, str):
        raise TypeError(f"repair_text expects str, got {type(text).__name__}")
    fired: list[str] = []
    for name, repair in REPAIRS:
        repaired = repair(text)
        if repaired != text:
            fired.append(name)
            text = repaired
    return Repaired(text, tuple(fired))


def repair_text(text: str) -> str:
    """Repair every kind of text damage of this corpus; clean text is unchanged."""
    return repair_text_explained(text).text
