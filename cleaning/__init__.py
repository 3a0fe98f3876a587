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
from cleaning.text.repair import Repaired, repair_text, repair_text_explained

if TYPE_CHECKING:
    from cleaning.page.clean import clean_page
    from cleaning.record import CLEANER_VERSION, RawDocument, Record, Stock

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


#: Names loaded on first use: clean_page pulls in the HTML stack (lxml, the
#: site rules) and the record types pull in pyarrow; text-only users of
#: repair_text (``cleaning.text``) should not pay for either at import time.
_LAZY = {
    "clean_page": "cleaning.page.clean",
    "CLEANER_VERSION": "cleaning.record",
    "RawDocument": "cleaning.record",
    "Record": "cleaning.record",
    "Stock": "cleaning.record",
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'cleaning' has no attribute {name!r}")
