"""Text repairs: ``str -> str``, no HTML, no Arrow, no Scrapy.

The repairs of the damage this corpus carries (see docs/ARTIFACTS.md):
wrong-codec mojibake (``mojibake``: Han lines in ``han``, Latin runs in
``latin``, the mixed-decoder search in ``mixed``), the content farms'
misaligned-GBK find-and-replace (``misaligned``), pinyin readings
(``pinyin``), traditional to simplified script (``t2s``), punctuation
(``punct``), white space (``normalize``), and the registry that runs them in
order and guards them (``repair``). Their tables live in ``chardata`` (the
GBK code table), the script of a text in ``scripts``, the plausibility score
in ``plausibility``, the word model that chooses among candidates in
``wordmodel``.

Nothing here imports ``cleaning.page`` or ``cleaning.batch``.
"""
