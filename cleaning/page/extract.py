"""The generic main-text extractor: blocks of text over the DOM, and the article's container.

A page is linearised once, in document order, into ``Block``s: runs of text
between block-level boundaries (``<p>``, ``<div>``, ``<br>``, ``<li>``,
``<td>``...), so paragraphs stay apart whether the page uses ``<p>``,
``<br>`` or bare ``<div>`` text. Each block knows how much of it is link
text, which element holds it, and whether it sits inside page furniture
(``furniture.is_boilerplate_element``).

The article's container is then chosen by text density and link density,
the approach of readability, GNE and trafilatura: every block that reads
like prose (long enough, little link text, sentence punctuation) gives its
length to its nearest container element, half to the next one up and a
quarter to the one above; the best-scored container wins and grows to its
parent while the parent holds much more prose at a low link density (an
article split over sibling ``<div>``s). Everything here is linear in the
page's size and never recurses, so hostile nesting cannot exhaust the stack.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from itertools import accumulate, islice
from typing import NamedTuple

from lxml import etree

from cleaning.errors import EmptyDocument, NotAnArticle
from cleaning.page.documents import Document, drop_element
from cleaning.page.furniture import (
    EDGE_LINK_SHARE,
    EdgeLine,
    is_inline_junk,
    is_marked_attr,
    trim_edges,
)
from cleaning.page.sites import SiteRules
from cleaning.page.vocab import (
    BLOCK_TAGS,
    CAPTION_TAGS,
    CONTAINER_TAGS,
    FURNITURE_TAGS,
    HEADING_TAGS,
    LIST_ITEM_TAGS,
    SKIP_TAGS,
)
from cleaning.text.normalize import without_spaces

#: Punctuation of Chinese (and mixed) prose: a block with it reads as sentences.
_PROSE_PUNCT = re.compile(r"[，。！？；、“”：,.!?;]")

#: A line of verse or a short sentence: it ends with clause punctuation.
_CLAUSE_END = re.compile(r"[，。！？；]\s*$")

#: Shortest block, in characters not in links, that counts as prose even
#: without punctuation (a paragraph of an article with none is rare; nav
#: items and list titles are below it). Calibrated on tests/pages.
PROSE_MIN_CHARS = 40

#: Shortest block that counts as prose when it has sentence punctuation:
#: below it are labels such as ``来源：新华社`` or ``2022年2月22日``.
PUNCT_MIN_CHARS = 12

#: Shortest line of verse (``春风又绿江南岸，``, five- and seven-character
#: lines with their punctuation) that counts as prose: a poem's lines are
#: its article. Labels (``注释：``) are shorter or end otherwise.
VERSE_MIN_CHARS = 5

#: A block whose link text is at least this share is navigation, not prose
#: (trafilatura and justext use 0.3-0.5 for the same test).
MAX_PROSE_LINK_SHARE = 0.3

#: Weight a container gets from prose one and two levels further down.
PARENT_DECAY = (1.0, 0.5, 0.25)

#: Link text counts against the containers holding it, at this weight per
#: character: a stream of teasers (headline links and summaries) loses to
#: a short article beside it (dev pages: a one-paragraph wire item beside
#: a 20-item "more news" stream).
LINK_PENALTY = 0.5

#: The container grows to its parent when the parent holds at least this
#: many times its prose (the rest of an article split over siblings) ...
GROW_PROSE_RATIO = 1.4

#: ... and the parent's text is at most this share links (not a page wrapper).
GROW_MAX_LINK_SHARE = 0.25

#: ... and what the parent adds is at least this share prose (by weight):
#: a teaser stream of headlines and weightless summaries is not the rest of
#: an article (dev pages: a wire item beside a "more news" stream).
GROW_MIN_PROSE_SHARE = 0.3

#: Weight of prose in list items: a sidebar or listing of eight one-line
#: summaries must not outweigh a two-paragraph article (tests/pages/ and
#: the hard cases of test_extract_generic.py).
LIST_ITEM_WEIGHT = 0.25

#: Blocks after the title's heading whose prose (outside list items) weighs
#: ``ANCHOR_BOOST`` times more: an article starts within a few blocks of its
#: headline (info line, controls, a lead), and the boost is what lets a
#: short one win over long furniture elsewhere on the page.
ANCHOR_SPAN = 40
ANCHOR_BOOST = 3.0

#: How far up a block's prose is counted for the grow test (levels).
MAX_PROSE_LEVELS = 40

#: An element marked furniture by its class (``breadcrumb``, ``nav-wrap``)
#: that holds the page's first paragraph and at least this share of its
#: prose is a misnamed page wrapper, not furniture: an unclosed
#: ``<div class="breadcrumb">`` holds the whole article on some CMS
#: templates (a comment list after the article, however long, does not
#: hold its first paragraph).
WRAPPER_PROSE_SHARE = 0.5

#: Levels of parents inside which the container takes in its earlier
#: siblings' text (a poem's lines two levels away from its notes).
MERGE_LEVELS = 3

#: Longest block, in characters, passed over when the container takes in
#: its siblings' text (a heading, an info line, ``注释：``): a longer block
#: that is not prose ends the merge.
MERGE_PASS_CHARS = 40

#: A link-only line of headline length: a listing's or a teaser's headline.
HEADLINE_MIN_CHARS = 8
HEADLINE_LINK_SHARE = 0.9

#: A listing page: at least this many headlines inside the chosen container,
#: making at least this share of its lines, with more headline text than
#: prose (an article with a related list or an in-body ad box stays under).
LISTING_MIN_HEADLINES = 5
LISTING_HEADLINE_SHARE = 0.4

#: Levels above the chosen container searched for the unit of a post among
#: several (a blog's front page: unit, row, table, cell, body; dev pages).
MAX_POST_LEVELS = 8

#: Shortest paragraph collapsed when it repeats: an article printed twice
#: in one page (a print or mobile copy) is returned once; short refrains of
#: a poem or a song repeat by design and stay.
REPEAT_MIN_CHARS = 30


class Block(NamedTuple):
    """One paragraph-like run of text of a document.

    ``tag`` is the element that holds it (``line`` for plain text), ``links``
    the characters inside ``<a href>``, ``href`` the block's first link,
    ``furniture`` whether it lies inside page furniture (nav, share bar,
    photo caption, player...), ``position`` its index among the page's
    blocks, ``listed`` whether it lies in a list item (``li``, ``dd``,
    ``dt``). A named tuple: pages have hundreds of blocks and this is the
    extractor's hot path.
    """

    text: str
    tag: str = "line"
    links: int = 0
    href: str | None = None
    furniture: bool = False
    position: int = 0
    listed: bool = False

    @property
    def link_share(self) -> float:
        return self.links / len(self.text) if self.text else 0.0

    @property
    def heading(self) -> bool:
        return self.tag in HEADING_TAGS

    @property
    def headline(self) -> bool:
        """A link-only line of headline length (a listing's or teaser's headline)."""
        return len(self.text) >= HEADLINE_MIN_CHARS and self.link_share >= HEADLINE_LINK_SHARE

    def is_prose(self) -> bool:
        """Reads like article text: long enough, little link text, punctuation."""
        return not self.furniture and _reads_as_prose(self)


def _reads_as_prose(block: Block) -> bool:
    own = len(block.text) - block.links
    if block.link_share > MAX_PROSE_LINK_SHARE:
        return False
    if own >= PROSE_MIN_CHARS:
        return True
    if own >= PUNCT_MIN_CHARS and _PROSE_PUNCT.search(block.text) is not None:
        return True
    return own >= VERSE_MIN_CHARS and _CLAUSE_END.search(block.text) is not None


@dataclass(slots=True)
class Linearised:
    """A page's blocks in document order, and where each container's blocks lie.

    ``items[i]`` is the innermost list item holding block ``i`` (or None).
    """

    blocks: list[Block]
    owners: list[etree._Element]
    spans: dict[etree._Element, tuple[int, int]]
    items: list[etree._Element | None]


#: Inline formatting and void elements whose class or id is never read:
#: templates mark furniture on containers, links and spans, not on these.
_PLAIN_TAGS = frozenset(
    ("br", "img", "b", "strong", "em", "i", "u", "font", "wbr", "hr", "sup", "sub", "small")
)

#: Tags that mark an element furniture or a caption without a class or id.
_MARKED_TAGS = FURNITURE_TAGS | CAPTION_TAGS

# The roles a tag plays in ``linearise``, as bits of one number per tag.
_SKIP, _BLOCK, _CONTAINER, _ITEM, _LINK, _PLAIN, _MARKED = (1 << bit for bit in range(7))


def _tag_roles() -> dict[object, int]:
    """Each known tag's roles in ``linearise``; a tag not in it has none (an
    inline element whose class and id are read)."""
    roles: dict[object, int] = {}
    for bit, tags in (
        (_SKIP, SKIP_TAGS),
        (_BLOCK, BLOCK_TAGS),
        (_CONTAINER, CONTAINER_TAGS),
        (_ITEM, LIST_ITEM_TAGS - CONTAINER_TAGS),
        (_LINK, {"a"}),
        (_PLAIN, _PLAIN_TAGS),
        (_MARKED, _MARKED_TAGS),
    ):
        for tag in tags:
            roles[tag] = roles.get(tag, 0) | bit
    # Comments, processing instructions and entities: lxml gives them a
    # factory function as their tag; like a script, only their tail is text.
    for factory in (etree.Comment, etree.ProcessingInstruction, etree.Entity):
        roles[factory] = _SKIP
    return roles


_TAG_ROLES = _tag_roles()

#: ``Block``s made without the named tuple's Python-level ``__new__`` (a
#: page makes hundreds): ``tuple.__new__(Block, fields)``.
_new_tuple = tuple.__new__


def linearise(root: etree._Element) -> Linearised:
    """Every run of text under ``root`` as blocks, in document order.

    ``owners[i]`` is the innermost block-level element holding block ``i``;
    ``spans[element]`` is the range of block indexes a container element
    holds, so that its text is a slice. Blocks inside furniture elements
    and photo captions are marked ``furniture``, except under an element
    that holds most of the page's prose (a misnamed wrapper).

    One walk over the tree (lxml's ``iterwalk``, start and end events), the
    extractor's hot path: each tag's roles are one look-up in
    ``_TAG_ROLES``, and a text is appended where it is met.
    """
    blocks: list[Block] = []
    owners: list[etree._Element] = []
    items: list[etree._Element | None] = []
    spans: dict[etree._Element, tuple[int, int]] = {}
    pieces: list[str] = []
    link_chars = 0
    first_href: list[str] = []
    block_stack: list[etree._Element] = [root]
    item_stack: list[etree._Element] = []
    links_open: list[etree._Element] = []
    # The number of blocks when each open element (not a plain one) started:
    # a container's span begins there, and so does a furniture element's.
    opened: list[int] = []
    furniture_spans: list[tuple[int, int]] = []

    def flush(owner: etree._Element, link_chars: int) -> None:
        text = " ".join("".join(pieces).split())  # fold_spaces, inlined
        if text:
            item = item_stack[-1] if item_stack else None
            tag = owner.tag
            blocks.append(
                _new_tuple(
                    Block,
                    (
                        text,
                        tag if tag.__class__ is str else "div",
                        link_chars if link_chars < len(text) else len(text),
                        first_href[0] if first_href else None,
                        False,
                        len(blocks),
                        item is not None,
                    ),
                )
            )
            owners.append(owner)
            items.append(item)
        pieces.clear()
        first_href.clear()

    blank = False  # white space met since the last block boundary, nothing else
    roles_of = _TAG_ROLES.get
    marked = is_marked_attr
    append = pieces.append
    walker = etree.iterwalk(root, events=("start", "end"))
    for event, element in walker:
        tag = element.tag
        roles = roles_of(tag, 0)
        if event == "start":
            if roles & _SKIP:
                walker.skip_subtree()
                continue
            if roles & _BLOCK:
                if pieces:
                    flush(block_stack[-1], link_chars)
                    link_chars = 0
                elif blank:
                    first_href.clear()
                blank = False
                block_stack.append(element)
                if roles & _ITEM:
                    item_stack.append(element)
            elif roles & _LINK:
                href = element.get("href")
                if href is not None:
                    first_href.append(href)
                    links_open.append(element)
            if not roles & _PLAIN:
                opened.append(len(blocks))
            text = element.text
        else:
            if roles & _SKIP:
                text = element.tail
            else:
                # The number of blocks when the element started (a plain one
                # was not counted: it is never a container nor furniture).
                begin = 0 if roles & _PLAIN else opened.pop()
                if links_open and links_open[-1] is element:
                    links_open.pop()
                if roles & _BLOCK:
                    if pieces:
                        flush(element, link_chars)
                        link_chars = 0
                    elif blank:
                        first_href.clear()
                    blank = False
                    block_stack.pop()
                    if roles & _CONTAINER:
                        spans[element] = (begin, len(blocks))
                    elif item_stack and item_stack[-1] is element:
                        item_stack.pop()
                if not roles & _PLAIN and begin < len(blocks) and element is not root:
                    # An element holding blocks is furniture by its tag, class or
                    # id: read only now, most elements hold none.
                    get = element.get
                    css_class, element_id = get("class"), get("id")
                    if (
                        roles & _MARKED
                        or (css_class and marked(css_class))
                        or (element_id and marked(element_id))
                    ):
                        furniture_spans.append((begin, len(blocks)))
                text = element.tail
        if text:
            if pieces or not text.isspace():
                append(text)
                if links_open:
                    link_chars += len(text.strip())
            else:  # white space alone folds away; the boundary still forgets the links (as a flush)
                blank = True
    if pieces:
        flush(block_stack[-1], link_chars)
    if furniture_spans:
        blocks = _mark_furniture(blocks, furniture_spans)
    return Linearised(blocks, owners, spans, items)


def _mark_furniture(blocks: list[Block], furniture_spans: list[tuple[int, int]]) -> list[Block]:
    """``blocks`` with ``furniture`` set inside furniture spans that are not page wrappers."""
    first = next(
        (
            i
            for i, b in enumerate(blocks)
            if len(b.text) - b.links >= PROSE_MIN_CHARS and b.link_share <= MAX_PROSE_LINK_SHARE
        ),
        -1,
    )
    # Running sums of the prose, made only if a span holds the first paragraph.
    prose_before: list[int] | None = None
    covered = [0] * (len(blocks) + 1)
    for start, end in furniture_spans:
        if end <= start:
            continue
        if start <= first < end:
            if prose_before is None:
                prose_before = list(
                    accumulate(
                        (len(b.text) - b.links if _reads_as_prose(b) else 0 for b in blocks),
                        initial=0,
                    )
                )
            held = prose_before[end] - prose_before[start]
            if held >= WRAPPER_PROSE_SHARE * prose_before[-1]:
                continue
        covered[start] += 1
        covered[end] -= 1
    depth = 0
    marked = []
    for block, change in zip(blocks, covered, strict=False):
        depth += change
        if depth > 0:
            text, tag, links, href, _, index, listed = block
            block = Block(text, tag, links, href, True, index, listed)
        marked.append(block)
    return marked


def _container_of(element: etree._Element) -> etree._Element | None:
    """The element itself if it can hold an article, else its nearest such ancestor."""
    node: etree._Element | None = element
    while node is not None and (not isinstance(node.tag, str) or node.tag not in CONTAINER_TAGS):
        node = node.getparent()
    return node


def _parent_container(element: etree._Element) -> etree._Element | None:
    parent = element.getparent()
    return _container_of(parent) if parent is not None else None


def _link_share(blocks: Sequence[Block]) -> float:
    chars = sum(len(b.text) for b in blocks)
    return sum(b.links for b in blocks) / chars if chars else 1.0


def choose_container(page: Linearised, anchor: int | None = None) -> etree._Element | None:
    """The element holding the article's text, or None if the page has no prose.

    ``anchor`` is the index of the block holding the page's title, if known:
    prose right after it weighs more, so that a short article is not
    outweighed by a sidebar of summaries. Prose in list items weighs less:
    it is the summaries of a listing or a sidebar more often than an
    article, and a list item that holds a headline link is a teaser whose
    summary weighs nothing. Link text outside furniture counts against the
    containers that hold it.
    """
    teasers = {
        item
        for block, item in zip(page.blocks, page.items, strict=True)
        if item is not None and block.headline
    }
    # Each block's weight goes to its innermost container first (blocks share
    # containers), then up the ancestors once per container. The weights
    # are multiples of 1/16, so the sums do not depend on their order.
    weights: dict[etree._Element, float] = {}
    penalties: dict[etree._Element, float] = {}
    containers: dict[etree._Element, etree._Element | None] = {}
    for block, owner, item in zip(page.blocks, page.owners, page.items, strict=True):
        if block.furniture:
            continue
        prose_block = block.is_prose()
        if not prose_block and block.link_share <= MAX_PROSE_LINK_SHARE:
            continue
        if owner in containers:
            start = containers[owner]
        else:
            start = containers[owner] = _container_of(owner)
        if start is None:
            continue
        if not prose_block:  # link text counts against its containers
            penalties[start] = penalties.get(start, 0.0) + block.links * LINK_PENALTY
            continue
        if item is not None and item in teasers:
            continue
        weight: float = len(block.text) - block.links
        if block.listed:
            weight *= LIST_ITEM_WEIGHT
        elif anchor is not None and anchor < block.position <= anchor + ANCHOR_SPAN:
            weight *= ANCHOR_BOOST
        weights[start] = weights.get(start, 0.0) + weight
    score: dict[etree._Element, float] = {}
    prose: dict[etree._Element, float] = {}
    for start, weight in weights.items():  # in the order the blocks first reach them
        node: etree._Element | None = start
        level = 0
        while node is not None and level < MAX_PROSE_LEVELS:
            if level < len(PARENT_DECAY):
                score[node] = score.get(node, 0.0) + weight * PARENT_DECAY[level]
            prose[node] = prose.get(node, 0) + weight
            node = _parent_container(node)
            level += 1
    for start, penalty in penalties.items():
        node = start
        for decay in PARENT_DECAY:
            if node is None:
                break
            score[node] = score.get(node, 0.0) - penalty * decay
            node = _parent_container(node)
    candidates = [node for node in prose if score.get(node, 0.0) > 0]
    if not candidates:
        return None
    best = max(candidates, key=score.__getitem__)
    while True:
        parent = _parent_container(best)
        if parent is None or parent not in page.spans:
            break
        if prose.get(parent, 0) < prose[best] * GROW_PROSE_RATIO:
            break
        low, high = page.spans[parent]
        if _link_share(page.blocks[low:high]) > GROW_MAX_LINK_SHARE:
            break
        if not _gains_prose(page, best, parent, prose):
            break
        best = parent
    return best


def _gains_prose(
    page: Linearised,
    best: etree._Element,
    parent: etree._Element,
    prose: dict[etree._Element, float],
) -> bool:
    """Whether what ``parent`` adds to ``best`` is mostly article text.

    The text the parent holds beyond ``best`` (furniture aside) must be at
    least ``GROW_MIN_PROSE_SHARE`` weighed prose: a teaser stream beside a
    short article adds much text and no prose.
    """
    start, end = page.spans[parent]
    inner = page.spans.get(best, (start, start))
    added = sum(
        len(b.text)
        for b in page.blocks[start:end]
        if not b.furniture and not inner[0] <= b.position < inner[1]
    )
    gained = prose.get(parent, 0.0) - prose.get(best, 0.0)
    return added == 0 or gained >= GROW_MIN_PROSE_SHARE * added


class Post(NamedTuple):
    """The first post of a page of several: its body's container and its unit's first block."""

    container: etree._Element
    start: int


def first_post(
    page: Linearised, container: etree._Element, dated: Callable[[str], bool]
) -> Post | None:
    """The first post when ``container`` lies in one of several, else None.

    A blog's front or archive page prints several posts one under the
    other, each from one template: sibling units of one tag and class
    (``_same_template``), each with its title, its date line and its body.
    The article of such a page is its first (newest) post, whichever is
    longest. Walking up from the
    chosen container (``MAX_POST_LEVELS``), a unit whose first sibling of
    the same template (or, in the first, the next) holds an element at the
    same place in it with prose, both units dated (``dated``, a line
    outside the body), makes the page one of posts.
    """
    node = container
    tree = container.getroottree()
    for _ in range(MAX_POST_LEVELS):
        parent = node.getparent()
        if parent is None or node.tag in ("body", "html"):
            break
        tokens, tag = _template_tokens(node), node.tag
        # The first two units of the template (``node`` is one): a list of a
        # thousand items is not read to its end.
        units = list(islice((s for s in parent if s.tag == tag and _same_template(tokens, s)), 2))
        if len(units) >= 2:
            path = tree.getpath(container)[len(tree.getpath(node)) :]
            other = node if units[0] is not node else units[1]
            posts = [(unit, _same_place(unit, path)) for unit in (units[0], other)]
            if all(
                body is not None
                and body in page.spans
                and _prose_chars(page, body) >= PROSE_MIN_CHARS
                and _dated_outside(page, unit, body, dated)
                for unit, body in posts
            ):
                first, body = posts[0]
                assert body is not None
                inside = set(first.iter())
                start = next(i for i, owner in enumerate(page.owners) if owner in inside)
                return Post(body, start)
        node = parent
    return None


def _template_tokens(element: etree._Element) -> frozenset[str]:
    """The class tokens that name a template, not one item (``post-123`` names one)."""
    return frozenset(
        token
        for token in (element.get("class") or "").split()
        if not any(c.isdigit() for c in token)
    )


def _same_template(tokens: frozenset[str], element: etree._Element) -> bool:
    """Whether ``element`` is of the template whose class tokens are ``tokens``:
    both without a class, or sharing a token (``post type-post category-a``
    and ``post type-post category-b`` are two posts of one blog)."""
    theirs = _template_tokens(element)
    return bool(tokens & theirs) if tokens else not theirs


def _same_place(unit: etree._Element, path: str) -> etree._Element | None:
    """The element at ``path`` (an absolute path's tail, ``/td/table/tr[2]/td``) in ``unit``."""
    if not path:
        return unit
    found = unit.xpath("." + path)
    return (
        found[0]
        if isinstance(found, list) and found and isinstance(found[0], etree._Element)
        else None
    )


def _prose_chars(page: Linearised, element: etree._Element) -> int:
    """Characters of the prose blocks (not furniture) ``element`` holds."""
    start, end = page.spans[element]
    return sum(len(b.text) - b.links for b in page.blocks[start:end] if b.is_prose())


def _dated_outside(
    page: Linearised, unit: etree._Element, body: etree._Element, dated: Callable[[str], bool]
) -> bool:
    """Whether a block of ``unit`` outside its ``body`` element is a date line."""
    inside = set(unit.iter())
    low, high = page.spans.get(body, (0, 0))
    return any(
        dated(block.text)
        for block, owner in zip(page.blocks, page.owners, strict=True)
        if owner in inside and not low <= block.position < high
    )


def container_blocks(page: Linearised, container: etree._Element) -> tuple[int, int]:
    """The range of block indexes inside ``container``."""
    return page.spans.get(container, (0, len(page.blocks)))


def article_span(
    page: Linearised, container: etree._Element, head_titles: Sequence[str | None] = ()
) -> tuple[int, int]:
    """The container's blocks, with the article text its earlier siblings hold.

    An article is often split over sibling elements of one parent: a lead
    (``chapo``, ``summary``) before the body's ``<div>``, a poem's lines
    before its notes. Walking back from the container inside its parent,
    prose blocks are taken in, short labels, headings and furniture passed
    over, and the walk stops at link lists, list items and longer non-prose
    blocks or the headline. Later siblings are not taken in: after an article come the
    site's own blurbs and disclaimers, and an article split after its start
    is the grow step's case (``choose_container``). A container right under
    the page's ``<body>`` takes nothing in.
    """
    start, end = container_blocks(page, container)
    blocks = page.blocks
    full = "|".join(without_spaces(t) for t in head_titles)
    node = container
    for _ in range(MERGE_LEVELS):
        parent = _parent_container(node)
        if parent is None or parent.tag == "body" or parent not in page.spans:
            break
        low = page.spans[parent][0]
        index = start - 1
        while index >= low:
            verdict = _merge_verdict(blocks[index], full)
            if verdict is None:
                return start, end
            if verdict:
                start = index
            index -= 1
        node = parent
    return start, end


#: Shortest heading taken for the title's anchor (shorter is a section name).
MIN_ANCHOR_CHARS = 4


def _merge_verdict(block: Block, head_title: str) -> bool | None:
    """True: take the block in; False: pass over it; None: stop the merge.

    The merge stops at the headline (a heading, or a line the page's
    ``<title>`` holds): an article starts below it.
    """
    if block.furniture:
        return False
    if block.heading:
        return None
    folded = without_spaces(block.text)
    if len(folded) >= MIN_ANCHOR_CHARS and folded in head_title:
        return None
    if block.listed or block.link_share > MAX_PROSE_LINK_SHARE:
        return None
    if block.is_prose():
        return True
    return False if len(block.text) <= MERGE_PASS_CHARS else None


def check_listing(blocks: Sequence[Block]) -> str | None:
    """Why the container is a list of headlines rather than an article, or None."""
    headlines = [b for b in blocks if b.headline]
    if len(headlines) < LISTING_MIN_HEADLINES:
        return None
    if len(headlines) < LISTING_HEADLINE_SHARE * len(blocks):
        return None
    prose = sum(len(b.text) - b.links for b in blocks if b.is_prose() and not b.listed)
    if prose > sum(b.links for b in headlines):
        return None
    return f"a listing page: {len(headlines)} headlines in {len(blocks)} lines"


def collapse_repeats(blocks: Sequence[Block]) -> list[Block]:
    """``blocks`` without the second copy of an article printed twice.

    A paragraph of ``REPEAT_MIN_CHARS`` or more seen before goes when a
    neighbour of it is a repeat too: a print or mobile copy repeats the
    article's run of paragraphs, where an editor's slip repeats one alone
    (and a reader sees it twice).
    """
    seen: set[str] = set()
    repeated = []
    for block in blocks:
        key = block.text.replace(" ", "")
        repeated.append(len(key) >= REPEAT_MIN_CHARS and key in seen)
        seen.add(key)
    kept = []
    for index, block in enumerate(blocks):
        if repeated[index] and (
            (index > 0 and repeated[index - 1]) or (index + 1 < len(blocks) and repeated[index + 1])
        ):
            continue
        kept.append(block)
    return kept


class PageBlocks(NamedTuple):
    """A document's blocks and the range of them the article's container holds.

    ``post_start`` is the first block of the article's post when the page
    holds several (``first_post``): its title is printed there, not above.
    """

    blocks: tuple[Block, ...]
    span: tuple[int, int]
    post_start: int | None = None


def page_blocks(
    document: Document,
    site: SiteRules | None,
    head_titles: Sequence[str | None] = (),
    dated: Callable[[str], bool] | None = None,
) -> PageBlocks:
    """The document as blocks, and where its article lies among them.

    A text document is its lines. An HTML page loses its site rule's
    ``drop`` elements; the site rule's ``body`` element is the container
    when it matches; a post is all article; otherwise the generic
    extractor chooses the container (``choose_container``) and takes in the
    article text of its siblings (``article_span``); on a page of several
    posts (``first_post``, with ``dated`` telling a date line), the first
    post's. ``head_titles`` are the page's ``<title>`` and ``og:title``,
    which anchor the search. Raises ``EmptyDocument`` for a page with no text and ``NotAnArticle``
    for one with no prose.
    """
    if document.kind == "text":
        blocks = tuple(Block(line, position=i) for i, line in enumerate(document.lines))
        return PageBlocks(blocks, (0, len(blocks)))
    root = document.root
    assert root is not None
    body = root.find("body")
    if body is None:
        body = root
    if site is not None:
        for element in site.select("drop", root):
            drop_element(element)
        chosen = site.select("body", root)
        if chosen:
            linear = linearise(chosen[0])
            return PageBlocks(tuple(linear.blocks), (0, len(linear.blocks)))
    linear = linearise(body)
    if document.kind == "post":
        return PageBlocks(tuple(linear.blocks), (0, len(linear.blocks)))
    container = choose_container(linear, title_anchor(linear.blocks, head_titles))
    if container is None:
        if not any(b.text for b in linear.blocks):
            raise EmptyDocument("the page has no text")
        raise NotAnArticle("no prose on the page: navigation or an empty page")
    post = first_post(linear, container, dated) if dated is not None else None
    if post is not None:
        return PageBlocks(
            tuple(linear.blocks), article_span(linear, post.container, head_titles), post.start
        )
    return PageBlocks(tuple(linear.blocks), article_span(linear, container, head_titles))


def title_anchor(blocks: Sequence[Block], head_titles: Sequence[str | None]) -> int | None:
    """Index of the first heading whose text the page's ``<title>`` holds."""
    full = "|".join(without_spaces(t) for t in head_titles)
    for block in blocks:
        if block.heading and not block.furniture:
            text = without_spaces(block.text)
            if len(text) >= MIN_ANCHOR_CHARS and text in full:
                return block.position
    return None


class ArticleBody(NamedTuple):
    """The article's paragraphs, and what was cut above and below them."""

    body: tuple[str, ...]
    above: tuple[str, ...]
    below: tuple[Block, ...]


def article_body(
    blocks: Sequence[Block],
    span: tuple[int, int],
    title_index: int | None,
    title: str | None,
    is_meta: Callable[[str], bool],
    markup: bool = True,
) -> ArticleBody:
    """The paragraphs of the article in ``blocks[span]``.

    What stands above the title is cut; furniture is cut from both edges
    (``furniture.trim_edges``); inside, blocks in furniture elements, link
    lists and lines that are never the article (``furniture.is_inline_junk``:
    captions, bylines, ad labels, ``原标题``, controls) go, and a paragraph
    printed twice is kept once. ``markup`` is False for a plain-text
    document, whose short lines at the top are kept. Raises
    ``NotAnArticle`` for a list of headlines.
    """
    start, end = span
    if title_index is not None and start <= title_index < end:
        above_title = [b.text for b in blocks[start:title_index]]
        start = title_index + 1
    else:
        above_title = []
    inner = blocks[start:end]
    lines = [b.text for b in inner]
    edges = [EdgeLine(b.text, b.link_share, b.furniture, b.heading) for b in inner]
    first, last = trim_edges(edges, is_meta, title, markup)
    listing = check_listing(inner[first:last])
    if listing:
        raise NotAnArticle(listing)
    kept = [
        b
        for b in inner[first:last]
        if not b.furniture and b.link_share < EDGE_LINK_SHARE and not is_inline_junk(b.text)
    ]
    return ArticleBody(
        body=tuple(b.text for b in collapse_repeats(kept)),
        above=(*above_title, *lines[:first]),
        below=tuple(inner[last:]),
    )
