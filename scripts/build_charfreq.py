"""Regenerate cleaning/text/data/charfreq.tsv: how common each character is in Chinese text.

The table feeds the plausibility score of the text repairs (is this run more
Chinese-like after the repair than before?). It is derived from the word
frequencies that jieba ships (dict.txt: word, frequency, part of speech):
a character's count is the sum of the frequencies of the words it occurs in.
Only characters seen in at least one word are listed; the file holds
``char<TAB>log10(share)`` rounded to 0.01, most common first.

Run: ``.venv/bin/python scripts/build_charfreq.py`` (needs jieba installed).
"""

from __future__ import annotations

import math
from collections import Counter
from pathlib import Path

import jieba

OUT = Path(__file__).resolve().parents[1] / "cleaning" / "text" / "data" / "charfreq.tsv"


def main() -> None:
    counts: Counter[str] = Counter()
    dict_path = Path(jieba.__file__).parent / "dict.txt"
    with dict_path.open(encoding="utf-8") as lines:
        for line in lines:
            word, freq, *_ = line.split(" ")
            for char in word:
                if ord(char) > 0x2E7F:  # CJK and beyond: skip ASCII/Latin entries
                    counts[char] += int(freq)
    total = sum(counts.values())
    with OUT.open("w", encoding="utf-8") as out:
        out.write(
            "# char\tlog10(share of jieba word-frequency mass), by scripts/build_charfreq.py\n"
        )
        for char, count in counts.most_common():
            out.write(f"{char}\t{math.log10(count / total):.2f}\n")


if __name__ == "__main__":
    main()
