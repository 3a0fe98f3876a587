"""Labelled pairs for syndication grouping: copies that must join, articles that must not.

Built from the sample mirror's articles and the seeds (``data/samples``: the
clean text each page must become), as a repost of them on another site
comes out of the cleaner, and from ``syndication_events.toml`` (different
reports of one event). Every document is a ``Document``; a pair is
``(doc_id, doc_id, same, kind)``.

Copies (``same=True``), each of an original article, as this corpus's sites
make them:

- ``mirror``: the seed as its source published it and the mirror's copy.
- ``editor-line``: a line added by the reposting site at the head or foot
  (``责任编辑：``, ``本文来源：``, a disclaimer).
- ``tail-cut``: the text cut after 55 to 85% of its characters, as the
  farms cut it before a "read more" link.
- ``paragraph-dropped``: one paragraph (not the first) left out.
- ``other-script``: served in traditional script (OpenCC ``s2tw``), with
  ASCII punctuation, and cleaned back by the cleaner's repairs, as a Big5
  repost portal's copy is.
- ``reworked``: traditional, an editor's line, two paragraphs run together
  and the last one cut.

Pairs among an article's copies are copies too (the group holds them all).

Different articles (``same=False``):

- ``same-topic``: every pair of different sample articles (the corpus's one
  subject: Shanxi state enterprises, party building, reform).
- ``same-event``: reports of one event by different outlets
  (``syndication_events.toml``): shared names, figures and a quote.
- ``shared-quote``: an article and another one opening with a sentence of it
  (a follow-up recalling the news, a commentary quoting it).

``python bench/syndication_pairs.py`` prints the counts by kind.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import random
import sys
import tomllib
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SAMPLES = REPO / "data" / "samples"
EVENTS = Path(__file__).resolve().parent / "syndication_events.toml"
sys.path.insert(0, str(REPO))

from cleaning.batch.syndication import Document  # noqa: E402

#: Seed of the random choices (where to cut, which paragraph, which line).
SEED = 13

#: Lines reposting sites add at the head or foot of an article.
EDITOR_LINES = (
    "（责任编辑：张晓燕）",
    "本文来源：山西日报",
    "【免责声明】本文仅代表作者本人观点，与本网无关。本网对文中陈述、观点判断保持中立。",
    "原标题：{title}",
    "来源：经济日报 作者：本报记者 李红梅",
    "编辑：王磊 审核：赵刚",
    "声明：本文转载自网络，版权归原作者所有，如有侵权请联系删除。",
)

#: Marks a farm leaves where it cut an article.
CUT_MARKS = ("……", "（未完）", "点击阅读全文", "")


@dataclass(frozen=True, slots=True)
class Pair:
    """Two documents and whether they are copies of one article."""

    a: str
    b: str
    same: bool
    kind: str


def _id(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def originals() -> list[tuple[str, str, str | None]]:
    """(title, body, seed name or None) of each distinct sample article."""
    seen: dict[str, tuple[str, str, str | None]] = {}
    for path in sorted((SAMPLES / "expected").rglob("*.json")):
        record = json.loads(path.read_text(encoding="utf-8"))
        seen.setdefault(record["body"], (record["title"] or "", record["body"], None))
    for path in sorted((SAMPLES / "seeds").glob("*.json")):
        gold = json.loads(path.read_text(encoding="utf-8"))
        seen[gold["body"]] = (gold["title"] or "", gold["body"], path.stem)
    return list(seen.values())


def _paragraphs(body: str) -> list[str]:
    return [p for p in body.split("\n") if p.strip()]


def _traditional(text: str) -> str:
    """The text as a Big5 repost portal serves it, cleaned back by the cleaner."""
    from opencc import OpenCC

    from cleaning import repair_text

    served = OpenCC("s2tw").convert(text)
    served = served.replace("，", ",").replace("：", ":").replace("；", ";")
    return repair_text(served)


def variants(title: str, body: str, rng: random.Random) -> dict[str, str]:
    """The copies of one article, by kind."""
    paragraphs = _paragraphs(body)
    line = rng.choice(EDITOR_LINES).format(title=title)
    head = rng.random() < 0.5
    out = {"editor-line": "\n".join([line, *paragraphs] if head else [*paragraphs, line])}
    keep = int(len(body) * rng.uniform(0.55, 0.85))
    out["tail-cut"] = body[:keep].rstrip() + rng.choice(CUT_MARKS)
    if len(paragraphs) >= 3:
        dropped = rng.randrange(1, len(paragraphs))
        out["paragraph-dropped"] = "\n".join(p for i, p in enumerate(paragraphs) if i != dropped)
    out["other-script"] = _traditional(body)
    reworked = list(paragraphs)
    if len(reworked) >= 2:
        reworked[0:2] = [reworked[0] + reworked[1]]
    if len(reworked) >= 3:
        reworked = reworked[:-1]
    out["reworked"] = _traditional("\n".join([*reworked, rng.choice(EDITOR_LINES[:3])]))
    return out


def _first_sentence(body: str) -> str:
    first = _paragraphs(body)[0]
    end = first.find("。")
    return first[: end + 1] if end > 0 else first


def build() -> tuple[list[Document], list[Pair]]:
    """The documents and the labelled pairs (deterministic)."""
    rng = random.Random(SEED)
    documents: dict[str, Document] = {}
    pairs: list[Pair] = []
    day = 86_400_000_000  # a day in microseconds

    def add(text: str, published: int | None) -> str:
        doc_id = _id(text)
        documents.setdefault(doc_id, Document(doc_id, published, text))
        return doc_id

    articles = originals()
    base = 1_600_000_000_000_000
    firsts: list[str] = []
    for n, (title, body, seed) in enumerate(articles):
        published = base + n * day
        members = [("original", add(body, published))]
        if seed is not None:
            # The seed as its source published it: the gold text, which the
            # mirror's page reproduces (the copy differs by its lineage only).
            members.append(("mirror", add(body + "\n", published + 3600_000_000)))
        for kind, text in variants(title, body, rng).items():
            later = published + rng.randrange(1, 30) * 3600_000_000
            members.append((kind, add(text, later if rng.random() < 0.8 else None)))
        for (kind_a, a), (kind_b, b) in itertools.combinations(members, 2):
            kind = kind_b if kind_a == "original" else f"{kind_a}+{kind_b}"
            pairs.append(Pair(a, b, True, kind))
        firsts.append(members[0][1])
    for i, j in itertools.combinations(range(len(articles)), 2):
        pairs.append(Pair(firsts[i], firsts[j], False, "same-topic"))
    for n, (_, body, _) in enumerate(articles):
        other = articles[(n + 1) % len(articles)][1]
        follow_up = _first_sentence(body) + "\n" + other
        pairs.append(Pair(firsts[n], add(follow_up, base + (n + 400) * day), False, "shared-quote"))
    events = tomllib.loads(EVENTS.read_text(encoding="utf-8"))["event"]
    for e, event in enumerate(events):
        reports = [
            add(text.strip(), base + (500 + e) * day + r * 3600_000_000)
            for r, text in enumerate(event["reports"])
        ]
        for a, b in itertools.combinations(reports, 2):
            pairs.append(Pair(a, b, False, "same-event"))
    return list(documents.values()), pairs


def main() -> int:
    documents, pairs = build()
    print(f"{len(documents)} documents, {len(pairs)} pairs")
    for (same, kind), n in sorted(Counter((p.same, p.kind) for p in pairs).items()):
        print(f"  {'copies' if same else 'apart '}  {kind:<34} {n:>4}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
