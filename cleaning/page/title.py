"""The title of an article, the way a reader finds it on the page.

A reader takes the headline printed above the article, not the browser
tab's text. The page's ``<title>`` (and ``og:title``) is used to recognise
that headline and, where the page prints none, as the title itself:

1. the headline candidates are the blocks just above the article's
   container and its first blocks: headings, and short lines that are not
   metadata, breadcrumbs, furniture, menus, toolbars or lines of labelled
   fields; two consecutive lines of one heading tag
   (``<h1>广东：<br>新闻标题</h1>``) are also tried joined;
2. a candidate that the ``<title>`` holds (whole, as a run of its
   ``_``/``|``/`` - `` segments, as the start of a segment cut short with
   ``…``, or, unless it is a link, inside it) is the title as printed: this
   drops the site suffix the ``<h1>`` does not have, keeps a ``|`` that is
   part of the headline, and leaves out a kicker (引题) printed above it;
   of several, the best match, then the longest (a column name printed as
   a heading matches a segment too), then the strongest heading, then the
   nearest;
3. without such a candidate, the ``<title>`` without its site-name suffix,
   unless it is missing or generic (a portal's name or greeting that shares
   under ``GENERIC_OVERLAP`` of its characters with the headline printed
   above the article), in which case that printed headline: the nearest
   heading (or an ``<h1>`` of headline length that is not a link, anywhere
   in the wide window),
   else a line of text with its date line under it at the container's
   start, else the nearest short line above;
4. where the article repeats its title as its first line and the headline
   above adds a prefix (``作者：标题``), that first line;
5. on a page of several posts (a blog's front page, ``extract.first_post``),
   the candidates are the first post's own lines, and its printed heading
   wins over the ``<title>``, which names the blog.

Pure functions over ``extract.Block`` sequences and the ``HeadMeta``; the
page stage in ``stages.py`` is a thin adapter over ``choose``.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from functools import lru_cache
from typing import NamedTuple

from cleaning.page import furniture
from cleaning.page.extract import Block
from cleaning.page.metadata import HeadMeta, is_metadata_line, strip_site_suffix
from cleaning.text.normalize import fold_spaces, without_spaces

#: Longest headline, in characters: longer is a paragraph (headlines of the
#: corpus rarely pass 40; the dev pages' longest is 37).
MAX_TITLE_CHARS = 80

#: Shortest headline taken from the page (``静夜思•夜`` has 5; shorter lines
#: above an article are section names and author names).
MIN_TITLE_CHARS = 4

#: Shortest heading (``<h1>``-``<h3>``) taken: a post titled ``标题一``.
MIN_HEADING_CHARS = 2

#: Blocks above the article's container searched for its headline: the
#: headline, a subtitle, the date line and a control bar or two.
BEFORE_BLOCKS = 6

#: Blocks above the container searched for a line the ``<title>`` holds:
#: portals print a share bar, an audio player, the author's card and a
#: dozen controls between the headline and the article.
MATCH_BEFORE_BLOCKS = 24

#: First blocks of the container searched for a headline the extractor
#: kept inside it (a blog's ``<h2>`` post title).
AFTER_BLOCKS = 2

#: Link share under which a line is text, not a link (a headline that is
#: a permalink is taken only as the line right above the article).
MAX_LINK_SHARE = 0.5

#: A permalink headline right above the article has at least this many
#: characters (shorter all-link lines there are author names: ``眉间尺``).
MIN_LINKED_TITLE_CHARS = 8

#: Shortest ``<h1>`` taken for the headline further than ``BEFORE_BLOCKS``
#: above the article: blogs and portals also print section labels in
#: ``<h1>`` (``导航``, ``通知公告``, ``热门搜索``).
MIN_FAR_HEADLINE_CHARS = 8

#: Blocks after a headline read for the article's repeat of it (past its
#: date line and byline).
REPEAT_BLOCKS = 3

#: Share of the ``<title>``'s characters that the printed headline must hold
#: for the ``<title>`` to be about the article; under it the ``<title>`` is
#: generic (``网易娱乐``, ``谢谢您访问…``, ``科普中国-辟谣文章`` share none
#: with their headlines; a real ``<title>`` shares nearly all).
GENERIC_OVERLAP = 0.5

#: A ``<title>`` segment that its site cut to a length ends in an ellipsis,
#: at times inside an entity it cut (``国企改革开新局，&ldqu...``).
_TRUNCATION = re.compile(r"(?:&#?\w{0,8})?(?:\.{2,}|…+)$")

#: Shortest start of a cut ``<title>`` that a printed headline is matched
#: with (shorter starts are a column's name as often as a headline's).
MIN_TRUNCATED_CHARS = 6

#: Tags of headings, strongest first.
HEADING_RANK = {"h1": 0, "h2": 1, "h3": 2}

#: Separator runs a headline carries at its ends (``老旧小区改造谁来出资？- -``).
_EDGE_DECORATION = re.compile(r"^[\s\-_|~·]+|[\s\-_|~·]+$")

#: ``<title>`` separators between the headline and the site's name.
_SEGMENTS = re.compile(r"\s*(?:_|\||｜|\s-\s|-{1,2}|:{2}|»|«|›)\s*")

#: A name before a colon at the start of a headline (``茉莉：``).
_PREFIX = re.compile(r"^[^：:]{1,12}[：:]")

#: A labelled field: a short label and its colon at the line's start or
#: after a space (``出版社：``, ``作者：``). A headline has one at most
#: (``劳伦斯：一个无法定义的…``); a line of two is a book's or an article's
#: info line.
_FIELD = re.compile(r"(?:^|\s)[^\s：:]{1,6}[：:]")

#: The items of a menu (``登录 | 注册 | 帮助 | 我的主页``) and of a toolbar
#: (``【推荐】【打印】【关闭】``): a line of this many of them is never a
#: headline, which has one such tag at most (``【独家】…``, ``A | B``).
MIN_MENU_ITEMS = 3

#: Longest item of a menu, in characters (a headline's parts are longer).
MAX_MENU_ITEM_CHARS = 10

_MENU_SEPARATOR = re.compile(r"\s*[|｜]\s*")
_BRACKETED_ITEM = re.compile(r"[【\[［][^【】\[\]［］]{1,12}[】\]］]")


class Choice(NamedTuple):
    """The title chosen, the block it was printed in, and the rule that chose it."""

    text: str | None
    at: int | None
    via: str


class Candidate(NamedTuple):
    """A headline-shaped line (or two heading lines joined) near the article."""

    text: str
    at: int
    heading: int
    distance: int


def fold(text: str | None) -> str:
    """Text as compared: no spaces, NFKC, lower case."""
    return unicodedata.normalize("NFKC", without_spaces(text)).lower()


def clean(text: str) -> str:
    """A headline as printed, without private-use icon glyphs and decoration at its ends."""
    text = "".join(c for c in text if unicodedata.category(c) != "Co")
    return fold_spaces(_EDGE_DECORATION.sub("", fold_spaces(text)))


def join_lines(first: str, second: str) -> str:
    """Two lines of one headline as one: a space only between two Latin words."""
    if first[-1:].isascii() and first[-1:].isalnum() and second[:1].isascii():
        return f"{first} {second}"
    return first + second


def _headline_shaped(block: Block, furniture_headings: bool = False) -> bool:
    text = block.text
    if block.furniture and not (furniture_headings and block.tag in HEADING_RANK):
        return False
    shortest = MIN_HEADING_CHARS if block.tag in HEADING_RANK else MIN_TITLE_CHARS
    if not shortest <= len(text) <= MAX_TITLE_CHARS:
        return False
    if text.endswith("。") or text.count("。") > 1:
        return False
    return not (
        _menu_shaped(text)
        or len(_FIELD.findall(text)) >= 2
        or is_metadata_line(text)
        or furniture.breadcrumb(text) is not None
        or furniture.is_furniture(text)
        or furniture.is_controls(text)
    )


def _menu_shaped(text: str) -> bool:
    """A menu's or a toolbar's line: ``MIN_MENU_ITEMS`` items between bars,
    all but one short (a post's neighbours around ``返回首页``), or as many
    bracketed ones.

    >>> _menu_shaped("登录 | 注册 | 帮助 | 我的主页 | 论坛")
    True
    >>> _menu_shaped("上一篇的标题，一个问题？ | 返回首页 | 2006年目录 | 下一篇的标题")
    True
    >>> _menu_shaped("【推荐】【打印】【关闭】"), _menu_shaped("[ 回复 ] [ 关闭本窗口 ] [ 刷新 ]")
    (True, True)
    >>> _menu_shaped("【独家】国企改革三年行动 | 山西篇")
    False
    """
    items = [item for item in _MENU_SEPARATOR.split(text) if item]
    long_items = sum(len(item) > MAX_MENU_ITEM_CHARS for item in items)
    if len(items) >= MIN_MENU_ITEMS and long_items <= 1:
        return True
    return len(_BRACKETED_ITEM.findall(text)) >= MIN_MENU_ITEMS


def candidates(
    blocks: Sequence[Block], start: int, before: int = BEFORE_BLOCKS, floor: int = 0
) -> list[Candidate]:
    """Headline-shaped lines within ``before`` blocks above (none before
    block ``floor``) and ``AFTER_BLOCKS`` into the container that starts at
    block ``start``, nearest first.

    The wide window (``MATCH_BEFORE_BLOCKS``) is read for lines the
    ``<title>`` holds, and there a heading inside page furniture counts (a
    ``<header>`` that holds the ``<h1>``)."""
    wide = before > BEFORE_BLOCKS
    lo, hi = max(0, floor, start - before), min(len(blocks), start + AFTER_BLOCKS)
    found: list[Candidate] = []
    previous: Block | None = None
    for block in blocks[lo:hi]:
        heading = HEADING_RANK.get(block.tag, len(HEADING_RANK))
        distance = start - block.position if block.position < start else block.position - start
        if _headline_shaped(block, wide):
            text = clean(block.text)
            if text:
                found.append(Candidate(text, block.position, heading, distance))
            if (
                previous is not None
                and previous.tag == block.tag
                and block.tag in HEADING_RANK
                and _headline_shaped(previous, wide)
            ):
                joined = clean(join_lines(previous.text, block.text))
                if len(joined) <= MAX_TITLE_CHARS:
                    found.append(Candidate(joined, block.position, heading, distance))
        previous = block
    return sorted(found, key=lambda c: c.distance)


def segments(title: str) -> list[str]:
    """The parts of a ``<title>`` between its separators."""
    return [p for p in _SEGMENTS.split(fold_spaces(title)) if p.strip()]


def match(candidate: str, title: str) -> int:
    """How a printed line matches a ``<title>``: 3 the whole, 2 a run of its
    segments or the whole of a segment the site cut short (``…``), 1 inside
    it (at least ``MIN_TITLE_CHARS``), 0 not at all."""
    line = fold(candidate)
    whole, runs, cut_short = _title_forms(title)
    if not line or not whole:
        return 0
    if line == whole:
        return 3
    if line in runs or any(line.startswith(start) for start in cut_short):
        return 2
    return 1 if len(line) >= MIN_TITLE_CHARS and line in whole else 0


@lru_cache(maxsize=256)
def _title_forms(title: str) -> tuple[str, frozenset[str], tuple[str, ...]]:
    """A ``<title>`` as ``match`` compares it (once per page, not per line):
    folded whole, every run of its folded segments, the starts of segments
    its site cut short."""
    parts = [fold(p) for p in segments(title)]
    runs = frozenset(
        "".join(parts[i:j]) for i in range(len(parts)) for j in range(i + 1, len(parts) + 1)
    )
    return fold(title), runs, tuple(_cut_short(title))


def _cut_short(title: str) -> list[str]:
    """The folded starts of the ``<title>``'s segments that its site cut short.

    >>> _cut_short("某某博客 » 国企改革深化提升行动...")
    ['某某博客»国企改革深化提升行动', '国企改革深化提升行动']
    >>> _cut_short("国企改革开新局，&ldqu…_某某网"), _cut_short("标题_某某网")
    (['国企改革开新局,'], [])
    """
    starts = []
    for part in (title, *segments(title)):
        cut = _TRUNCATION.search(part.strip())
        if cut is not None:
            start = fold(part.strip()[: cut.start()])
            if len(start) >= MIN_TRUNCATED_CHARS:
                starts.append(start)
    return list(dict.fromkeys(starts))


def overlap(title: str, headline: str) -> float:
    """Share of the ``<title>``'s word characters that the headline holds."""
    mine = {c for c in fold(title) if c.isalnum()}
    return len(mine & {c for c in fold(headline) if c.isalnum()}) / len(mine) if mine else 0.0


def printed_headline(
    cands: Iterable[Candidate], blocks: Sequence[Block], start: int, first_line: bool = False
) -> Candidate | None:
    """The headline a reader sees above the article.

    The nearest heading; else the nearest headline-shaped line above the
    container (a permalink only right above the article's metadata lines);
    else the container's first line where a metadata line follows it (the
    headline and its date line, kept inside the container), or, with
    ``first_line``, where the paragraph after it is at least twice as long
    (a page that prints its title as a plain line and has no ``<title>``).
    """
    pool = list(cands)
    headings = [c for c in pool if c.heading < len(HEADING_RANK)]
    if headings:
        return min(headings, key=lambda c: (c.distance, c.heading))
    above = [c for c in pool if c.at < start]
    best = above[0] if above else None
    if best is not None and blocks[best.at].link_share >= MAX_LINK_SHARE:
        inside = _dated_first_line(pool, blocks, start, first_line)
        if inside is not None:
            # A line of text with its date line under it is the headline; a
            # link above them is a sidebar's or a menu's last item.
            return inside
        between = blocks[best.at + 1 : start]
        if len(best.text) >= MIN_LINKED_TITLE_CHARS and all(
            is_metadata_line(b.text) for b in between
        ):
            return best
        texts = [c for c in above if blocks[c.at].link_share < MAX_LINK_SHARE]
        return texts[0] if texts else None
    return best if best is not None else _dated_first_line(pool, blocks, start, first_line)


def _dated_first_line(
    pool: Sequence[Candidate], blocks: Sequence[Block], start: int, first_line: bool
) -> Candidate | None:
    """A line of text at the container's start with a metadata line under it
    (the headline and its date line, kept inside the container), or, with
    ``first_line``, a paragraph at least twice as long."""
    for cand in pool:
        after = blocks[cand.at + 1] if cand.at + 1 < len(blocks) else None
        if cand.at < start or after is None or blocks[cand.at].link_share >= MAX_LINK_SHARE:
            continue
        if is_metadata_line(after.text) or (first_line and len(after.text) >= 2 * len(cand.text)):
            return cand
    return None


def _page_headline(blocks: Sequence[Block], cand: Candidate) -> bool:
    """An ``<h1>`` of headline length that is not a link, anywhere in the wide
    window above the article: a page's headline, even past a share bar and
    an author's card, or in a ``<header>`` marked furniture (a site's logo
    ``<h1>`` is a link; section labels in ``<h1>`` are short)."""
    return (
        cand.heading == HEADING_RANK["h1"]
        and len(cand.text) >= MIN_FAR_HEADLINE_CHARS
        and blocks[cand.at].link_share < MAX_LINK_SHARE
    )


def _linked(blocks: Sequence[Block], cand: Candidate) -> bool:
    return blocks[cand.at].link_share >= MAX_LINK_SHARE and cand.heading >= len(HEADING_RANK)


def _repeated_first_line(headline: Candidate, blocks: Sequence[Block]) -> Candidate:
    """The article's first line, after the metadata lines that follow the
    headline, where it is the headline without a ``名字：`` prefix."""
    prefix = _PREFIX.match(headline.text)
    if not prefix:
        return headline
    rest = fold(headline.text[prefix.end() :])
    for block in blocks[headline.at + 1 : headline.at + 1 + REPEAT_BLOCKS]:
        if is_metadata_line(block.text):
            continue
        text = clean(block.text)
        if len(text) >= MIN_TITLE_CHARS and fold(text) == rest:
            return Candidate(text, block.position, headline.heading, headline.distance)
        break
    return headline


def choose(
    blocks: Sequence[Block],
    start: int,
    head: HeadMeta,
    site_names: Sequence[str] = (),
    post_start: int | None = None,
) -> Choice:
    """The title of the article whose container starts at block ``start``.

    ``site_names`` are names to cut from the end of ``<title>`` (the site
    rule's suffix, ``og:site_name``). ``post_start`` is the first block of
    the article's post on a page of several posts: its title is the
    heading printed in the post (in the post's header too), not the blog's
    name above it nor the ``<title>``.
    """
    titles = [t for t in (head.og_title, head.title) if t]
    wide = candidates(blocks, start, MATCH_BEFORE_BLOCKS, post_start or 0)
    scored = [
        (match(c.text, t), len(fold(c.text)), -c.heading, -c.distance, c)
        for c in wide
        if not _linked(blocks, c) or c.at < start
        for t in titles
    ]
    # A link found inside the <title> is a site's or a column's name as
    # often as the headline (a masthead ``新闻中心`` in ``欢迎访问新闻中心``).
    scored = [
        s for s in scored if s[0] > 1 or (s[0] == 1 and blocks[s[4].at].link_share < MAX_LINK_SHARE)
    ]
    if scored:
        best = max(scored, key=lambda s: s[:4])[4]
        return Choice(best.text, best.at, "printed-title")
    full = titles[0] if titles else ""
    stripped = clean(strip_site_suffix(full, site_names)) if full else ""
    near = [
        c
        for c in wide
        if (
            (c.at >= start or c.distance <= BEFORE_BLOCKS)
            and (
                not blocks[c.at].furniture
                or (post_start is not None and c.heading < len(HEADING_RANK))
            )
        )
        or _page_headline(blocks, c)
    ]
    headline = printed_headline(near, blocks, start, first_line=not titles)
    if headline is not None:
        headline = _repeated_first_line(headline, blocks)
    if post_start is not None and headline is not None:
        # One post among several: the <title> names the blog, its heading the post.
        return Choice(headline.text, headline.at, "post")
    if stripped and (headline is None or overlap(stripped, headline.text) >= GENERIC_OVERLAP):
        return Choice(stripped, None, "head")
    if headline is not None:
        return Choice(headline.text, headline.at, "printed" if not stripped else "generic-head")
    return Choice(None, None, "none")


def text_title(blocks: Sequence[Block], start: int, end: int) -> Choice:
    """A plain-text document's title: its first line that is not furniture or
    metadata, if it is headline-short."""
    for index in range(start, end):
        line = blocks[index].text
        if (
            furniture.breadcrumb(line) is None
            and not furniture.is_furniture(line)
            and not is_metadata_line(line)
        ):
            if len(line) > MAX_TITLE_CHARS:
                return Choice(None, None, "none")
            return Choice(line, index, "first-line")
    return Choice(None, None, "none")
