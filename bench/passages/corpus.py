"""The benchmark's clean passages: where they come from, how they are split, how to load them.

Two hand-kept sources, one passage per line (``#`` lines are comments):

* ``gold.txt``: the five gold bodies of the seeds, split at sentence ends by
  ``split_body`` (rebuilt with ``--gold DIR``, the only step that needs the
  gold files, which the project does not ship);
* ``written.txt``: passages written for the benchmark in the same style.

``passages.tsv`` is built from both: each passage with its traditional version
(``bench.damage.to_traditional``), keeping only passages whose traditional
version converts back to them with OpenCC ``t2s``, since the repair's expected
output for a traditional passage is its simplified original.

Usage: ``python bench/passages/corpus.py [--gold ../shared/gold]``
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
GOLD_TXT = HERE / "gold.txt"
WRITTEN_TXT = HERE / "written.txt"
PASSAGES_TSV = HERE / "passages.tsv"

#: Passage length in characters, as the issue asks of the benchmark: long
#: enough to carry context for the repairs, short enough that one damaged
#: spot weighs in the CER.
MIN_CHARS = 30
MAX_CHARS = 150

SENTENCE_ENDS = "。！？"
#: Where an over-long sentence may be cut, strongest first: (marks, only outside quotes).
CUTS = (("；", True), ("，", True), (SENTENCE_ENDS, False), ("；", False), ("，", False))
OPENING = "“‘《（"
CLOSING = "”’》）"

GOLD_HEADER = """\
# Clean passages split from the five gold bodies of the seeds (checked by hand),
# at sentence ends outside quotes, packed to 30-150 characters; a short heading
# line is joined to the paragraph after it with a line break.
# Built by: python bench/passages/corpus.py --gold ../shared/gold
"""

TSV_HEADER = """\
# Benchmark passages: id, source file, simplified (the clean text), traditional
# (OpenCC s2tw of it; only passages whose traditional form converts back exactly).
# Built from gold.txt and written.txt by: python bench/passages/corpus.py
"""


@dataclass(frozen=True, slots=True)
class Passage:
    """One clean passage and its traditional-script version."""

    id: str
    source: str
    simplified: str
    traditional: str


def _units(paragraph: str) -> Iterator[str]:
    """Sentences of a paragraph, cut only where no quote or bracket is open."""
    depth = 0
    start = 0
    for index, char in enumerate(paragraph):
        if char in OPENING:
            depth += 1
        elif char in CLOSING:
            depth = max(0, depth - 1)
        at_end = depth == 0 and (
            char in SENTENCE_ENDS
            or (char in CLOSING and index > 0 and paragraph[index - 1] in SENTENCE_ENDS)
        )
        following = paragraph[index + 1 : index + 2]
        if at_end and following not in CLOSING and following not in SENTENCE_ENDS:
            yield paragraph[start : index + 1]
            start = index + 1
    if start < len(paragraph):
        yield paragraph[start:]


def _depth_after(text: str, depth: int) -> int:
    """Quote and bracket nesting after ``text``, starting at ``depth``."""
    for char in text:
        if char in OPENING:
            depth += 1
        elif char in CLOSING:
            depth = max(0, depth - 1)
    return depth


def _last_cut(sentence: str, marks: str, *, outside_quotes: bool, depth: int) -> int:
    """Position just after the last of ``marks`` that leaves both pieces long enough."""
    cut = -1
    for index, char in enumerate(sentence[:MAX_CHARS]):
        depth = _depth_after(char, depth)
        long_enough = MIN_CHARS <= index + 1 <= len(sentence) - MIN_CHARS
        if char in marks and (depth == 0 or not outside_quotes) and long_enough:
            cut = index + 1
    return cut


def _cut_long(sentence: str, depth: int = 0) -> Iterator[str]:
    """A sentence longer than MAX_CHARS, cut at the strongest break that fits.

    Clause breaks outside quotes first, then sentence and clause breaks inside
    a long quotation (the piece then has one quotation mark without its pair).
    ``depth`` is the nesting of quotes open where ``sentence`` starts.
    """
    if len(sentence) <= MAX_CHARS:
        yield sentence
        return
    cut = MAX_CHARS
    for marks, outside_quotes in CUTS:
        found = _last_cut(sentence, marks, outside_quotes=outside_quotes, depth=depth)
        if found > 0:
            cut = found
            break
    yield sentence[:cut]
    yield from _cut_long(sentence[cut:], _depth_after(sentence[:cut], depth))


def split_body(body: str) -> list[str]:
    """Split a clean body into passages of MIN_CHARS to MAX_CHARS characters.

    Sentences of one paragraph are packed greedily; a paragraph shorter than
    MIN_CHARS (a heading) is joined to the next with ``\\n``; a remainder
    too short to stand alone is dropped.
    """
    passages: list[str] = []
    carried = ""
    for paragraph in body.split("\n"):
        if len(paragraph) < MIN_CHARS:
            carried = f"{carried}{paragraph}\n" if paragraph else carried
            continue
        current = carried
        carried = ""
        for unit in _units(paragraph):
            for piece in _cut_long(unit):
                if current and len(current) + len(piece) > MAX_CHARS:
                    if len(current) >= MIN_CHARS:
                        passages.append(current.rstrip("\n"))
                    current = ""
                current += piece
        if len(current) >= MIN_CHARS:
            passages.append(current.rstrip("\n"))
    return [passage for passage in passages if MIN_CHARS <= len(passage) <= MAX_CHARS]


def read_lines(path: Path) -> list[str]:
    """Passages of a source file: its non-empty lines that are not ``#`` comments."""
    lines = path.read_text(encoding="utf-8").split("\n")
    return [_unescape(line) for line in lines if line and not line.startswith("#")]


def build(
    sources: tuple[Path, ...] = (GOLD_TXT, WRITTEN_TXT),
) -> tuple[list[Passage], list[tuple[str, str]]]:
    """Passages of the source files with their traditional versions; rejects with reasons."""
    from bench.damage import to_simplified, to_traditional

    kept: list[Passage] = []
    rejected: list[tuple[str, str]] = []
    for path in sources:
        for number, text in enumerate(read_lines(path), start=1):
            traditional = to_traditional(text)
            if not MIN_CHARS <= len(text) <= MAX_CHARS:
                rejected.append((text, f"{len(text)} characters"))
            elif to_simplified(traditional) != text:
                rejected.append((text, "its traditional form does not convert back"))
            else:
                kept.append(Passage(f"{path.stem}-{number:03d}", path.name, text, traditional))
    return kept, rejected


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("\n", "\\n").replace("\t", "\\t")


_ESCAPES = {"n": "\n", "t": "\t", "\\": "\\"}
_ESCAPED = re.compile(r"\\([nt\\])")


def _unescape(field: str) -> str:
    return _ESCAPED.sub(lambda match: _ESCAPES[match[1]], field)


def render_tsv(passages: list[Passage]) -> str:
    """The content of passages.tsv for ``passages``."""
    rows = [
        "\t".join((p.id, p.source, _escape(p.simplified), _escape(p.traditional))) for p in passages
    ]
    return TSV_HEADER + "\n".join(rows) + "\n"


def load_passages(path: Path = PASSAGES_TSV) -> list[Passage]:
    """The benchmark passages, as built into ``passages.tsv``."""
    passages = []
    for line in path.read_text(encoding="utf-8").split("\n"):
        if not line or line.startswith("#"):
            continue
        ident, source, simplified, traditional = line.split("\t")
        passages.append(Passage(ident, source, _unescape(simplified), _unescape(traditional)))
    return passages


def _split_gold(gold_dir: Path) -> str:
    lines = [GOLD_HEADER]
    for path in sorted(gold_dir.glob("*.json")):
        body = json.loads(path.read_text(encoding="utf-8"))["body"]
        lines.append(f"# {path.stem}\n")
        lines.extend(f"{_escape(passage)}\n" for passage in split_body(body))
    return "".join(lines)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--gold",
        type=Path,
        help="directory of gold records (*.json with a 'body'): re-split them into gold.txt",
    )
    args = parser.parse_args(argv)
    if args.gold is not None:
        GOLD_TXT.write_text(_split_gold(args.gold), encoding="utf-8")
    passages, rejected = build()
    PASSAGES_TSV.write_text(render_tsv(passages), encoding="utf-8")
    print(f"{len(passages)} passages written to {PASSAGES_TSV}")
    for text, reason in rejected:
        print(f"left out ({reason}): {_escape(text)}")
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(HERE.parents[1]))
    sys.exit(main(sys.argv[1:]))
