"""Turn raw Chinese news pages into clean, normalized records.

Public entry points:

- ``repair_text(text) -> str``: every text-level repair (mojibake,
  pinyin residue, misaligned-GBK damage, traditional to simplified,
  punctuation and white space); clean text passes through unchanged.
- ``repair_text_explained(text) -> Repaired``: the same, with the names of
  the repairs that fired.
- ``clean_page(body, url, headers=None, fetched_at=None) -> Record``: one
  fetched document to one record, or a ``CleaningError``.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from cleaning.errors import CleaningError
from cleaning.record import CLEANER_VERSION, RawDocument, Record, Stock
from cleaning.repair import Repaired, repair_text, repair_text_explained

if TYPE_CHECKING:
    from cleaning.page import clean_page

logging.getLogger(__name__).addHandler(logging.NullHandler())

__all__ = [
    "CLEANER_VERSION",
    "CleaningError",
    "RawDocument",
    "Record",
    "Repaired",
    "Stock",
    "clean_page",
    "repair_text",
    "repair_text_explained",
]


def __getattr__(name: str) -> Any:
    # clean_page pulls in the HTML stack (lxml, the site rules); text-only
    # users of repair_text should not pay for it at import time.
    if name == "clean_page":
        from cleaning.page import clean_page

        return clean_page
    raise AttributeError(f"module 'cleaning' has no attribute {name!r}")
