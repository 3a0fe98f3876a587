"""Whether a text has anything a reader could read: Chinese, or Latin words.

A page can decode and extract cleanly yet hold nothing to read: half a
million ``?`` (a GBK page pushed through an ASCII-only converter), or
private-use characters (a font-obfuscated page). Such a body is not an
article; ``clean_page`` refuses it with reason ``no-text``.
"""

from __future__ import annotations

import re

#: Characters of the scripts this corpus is written in: Han ideographs (the
#: unified block, extensions A to F, compatibility ideographs), kana and
#: hangul for the odd Japanese or Korean name.
_CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u3040-\u30ff\uac00-\ud7af\U00020000-\U0002fa1f"

#: Shortest Latin word kept as readable: two letters ("GB", "of") already
#: make a word; a lone letter among symbols does not.
MIN_LATIN_WORD = 2

_READABLE = re.compile(f"[{_CJK}]|[A-Za-z\u00c0-\u024f]{{{MIN_LATIN_WORD},}}")


def has_readable_text(text: str) -> bool:
    """Whether ``text`` holds a CJK character or a Latin word.

    >>> has_readable_text("??????"), has_readable_text("\\ue000\\ue001 1 2 3")
    (False, False)
    >>> has_readable_text("？？晋？？"), has_readable_text("?? GDP ??")
    (True, True)
    """
    return _READABLE.search(text) is not None
