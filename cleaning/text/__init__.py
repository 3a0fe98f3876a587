"""Text repairs: ``str -> str``, no HTML, no Arrow, no Scrapy.

The repairs of the damage this corpus carries (see docs/ARTIFACTS.md):
wrong-codec mojibake (``mojibake``), the content farms' misaligned-GBK
find-and-replace (``misaligned``), pinyin readings (``pinyin``),
traditional to simplified script (``t2s``), punctuation (``punct``), and
the registry that runs them in order (``repair``). Their tables live in
``chardata``, the plausibility score in ``plausibility``, the word model
that chooses among candidates in ``wordmodel``.

Nothing here imports ``cleaning.page`` or ``cleaning.batch``.
"""
