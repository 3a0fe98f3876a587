"""Classic mojibake: Chinese bytes decoded with the wrong codec, then served as text (ARTIFACTS §3).

Two kinds, apart:

- ``han``: lines of wrong Han characters, another encoding read as GBK or
  Big5 (``鍙戝竷`` for 发布, ``祇甶`` for 發展), including UTF-8 read as GBK
  with lost bytes;
- ``latin``: runs of Latin characters, Chinese bytes read one byte at a
  time (``ÖÐ¹ú``, ``ä¸\\xadå›½``), and GBK through a decoder that reads
  valid UTF-8 as UTF-8 and every other byte as Latin-1, once or twice
  (``ǰÑÔ``), which ``mixed`` undoes by search.

Each repair is kept only when the result is clearly more Chinese-like
(``plausibility``): clean text, Latin text and real symbols stay as they are.
"""

from __future__ import annotations

from cleaning.text.mojibake import han, latin
from cleaning.text.mojibake.han import repair_cjk_lines
from cleaning.text.mojibake.latin import repair_latin_runs

__all__ = ["forget_lines", "repair_cjk_lines", "repair_latin_runs"]


def forget_lines() -> None:
    """Drop what the mojibake repairs memoized about lines already seen."""
    han.forget_lines()
    latin.forget_lines()
