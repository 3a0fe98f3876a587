"""The generic main-text extractor: blocks of text over the DOM, and the article's container.

A page is linearised once, in document order, into ``Block``s: runs of text
between block-level boundaries (``<p>``, ``<div>``, ``<br>``, ``<li>``,
``<td>``...), so paragraphs stay apart whether the page uses ``<p>``,
``<br>`` or bare ``<div>`` text. Each block knows how much of it is link
text, which element holds it, and whether it sits inside page furniture
(``boilerplate.is_boilerplate_element``).

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
from collections.abc import Sequence
from dataclasses import dataclass
from typing import NamedTuple

from lxml import etree

from cleaning.page.furniture import FURNITURE_TAGS, fold_spaces, is_boilerplate_element

#: Elements that end a run of text: a new block starts after them.
BLOCK_TAGS = frozenset(
    [
        "address",
        "article",
        "aside",
        "blockquote",
        "body",
        "br",
        "caption",
        "center",
        "dd",
        "details",
        "dir",
        "div",
        "dl",
        "dt",
        "fieldset",
        "figcaption",
        "figure",
        "footer",
        "form",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "header",
        "hr",
        "html",
        "li",
        "main",
        "nav",
        "ol",
        "p",
        "pre",
        "section",
        "summary",
        "table",
        "tbody",
        "td",
        "tfoot",
        "th",
        "thead",
        "tr",
        "ul",
    ]
)

#: Elements that can hold an article: the candidates for its container.
CONTAINER_TAGS = frozenset(
    [
        "article",
        "blockquote",
        "body",
        "center",
        "dd",
        "div",
        "form",
        "main",
        "section",
        "td",
        "tbody",
        "table",
    ]
)

#: Elements whose content is never text of the page (scripts, controls, media).
SKIP_TAGS = frozenset(
    [
        "audio",
        "button",
        "canvas",
        "embed",
        "head",
        "iframe",
        "input",
        "map",
        "noscript",
        "object",
        "option",
        "script",
        "select",
        "style",
        "svg",
        "template",
        "textarea",
        "title",
        "video",
    ]
)

#: Heading elements: kept in the body when inside the container, used for titles.
HEADING_TAGS = frozenset(["h1", "h2", "h3", "h4", "h5", "h6"])

#: Punctuation of Chinese (and mixed) prose: a block with it reads as sentences.
_PROSE_PUNCT = re.compile(r"[，。！？；、“”：,.!?;]")

#: Shortest block, in characters not in links, that counts as prose even
#: without punctuation (a paragraph of an article with none is rare; nav
#: items and list titles are below it). Calibrated on tests/pages.
PROSE_MIN_CHARS = 40

#: Shortest block that counts as prose when it has sentence punctuation:
#: below it are labels such as ``来源：新华社`` or ``2022年2月22日``.
PUNCT_MIN_CHARS = 12

#: A block whose link text is at least this share is navigation, not prose
#: (trafilatura and justext use 0.3-0.5 for the same test).
MAX_PROSE_LINK_SHARE = 0.3

#: Weight a container gets from prose one and two levels further down.
PARENT_DECAY = (1.0, 0.5, 0.25)

#: The container grows to its parent when the parent holds at least this
#: many times its prose (the rest of an article split over siblings) ...
GROW_PROSE_RATIO = 1.4

#: ... and the parent's text is at most this share links (not a page wrapper).
GROW_MAX_LINK_SHARE = 0.25

#: List items holding a block (its prose weighs ``LIST_ITEM_WEIGHT``).
LIST_ITEM_TAGS = frozenset(("li", "dd", "dt"))

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


class Block(NamedTuple):
    """One paragraph-like run of text of a document.

    ``tag`` is the element that holds it (``line`` for plain text), ``links``
    the characters inside ``<a href>``, ``href`` the block's first link,
    ``furniture`` whether it lies inside page furniture (nav, share bar...),
    ``index`` its position among the page's blocks, ``listed`` whether it
    lies in a list item (``li``, ``dd``, ``dt``). A named tuple: pages
    have hundreds of blocks and this is the extractor's hot path.
    """

    text: str
    tag: str = "line"
    links: int = 0
    href: str | None = None
    furniture: bool = False
    index: int = 0
    listed: bool = False

    @property
    def link_share(self) -> float:
        return self.links / len(self.text) if self.text else 0.0

    @property
    def heading(self) -> bool:
        return self.tag in HEADING_TAGS

    def is_prose(self) -> bool:
        """Reads like article text: long enough, little link text, punctuation."""
        own = len(self.text) - self.links
        if self.furniture or self.link_share > MAX_PROSE_LINK_SHARE:
            return False
        if own >= PROSE_MIN_CHARS:
            return True
        return own >= PUNCT_MIN_CHARS and _PROSE_PUNCT.search(self.text) is not None


@dataclass(slots=True)
class Linearised:
    """A page's blocks in document order, and where each container's blocks lie."""

    blocks: list[Block]
    owners: list[etree._Element]
    spans: dict[etree._Element, tuple[int, int]]


def linearise(root: etree._Element) -> Linearised:
    """Every run of text under ``root`` as blocks, in document order.

    ``owners[i]`` is the innermost block-level element holding block ``i``;
    ``spans[element]`` is the range of block indexes a container element
    holds, so that its text is a slice.
    """
    blocks: list[Block] = []
    owners: list[etree._Element] = []
    spans: dict[etree._Element, tuple[int, int]] = {}
    pieces: list[str] = []
    link_chars = 0
    first_href: list[str] = []
    block_stack: list[etree._Element] = [root]
    furniture_depth = 0
    link_depth = 0
    list_depth = 0
    furniture_elements: list[etree._Element] = []
    starts: dict[etree._Element, int] = {}

    def flush(owner: etree._Element) -> None:
        nonlocal link_chars
        if pieces:
            raw = "".join(pieces)
            text = fold_spaces(raw) if not raw.isspace() else ""
            if text:
                links = min(len(text), link_chars)
                tag = owner.tag if isinstance(owner.tag, str) else "div"
                href = first_href[0] if first_href else None
                blocks.append(
                    Block(text, tag, links, href, furniture_depth > 0, len(blocks), list_depth > 0)
                )
                owners.append(owner)
            pieces.clear()
            first_href.clear()
        link_chars = 0

    def add(text: str | None) -> None:
        nonlocal link_chars
        if text:
            pieces.append(text)
            if link_depth:
                link_chars += len(text.strip())

    walker = etree.iterwalk(root, events=("start", "end"))
    for event, element in walker:
        tag = element.tag
        if tag.__class__ is not str:  # comments and processing instructions
            if event == "end":
                add(element.tail)
            continue
        if event == "start":
            if tag in SKIP_TAGS:
                walker.skip_subtree()
                continue
            if tag in BLOCK_TAGS:
                flush(block_stack[-1])
                block_stack.append(element)
                if tag in CONTAINER_TAGS:
                    starts[element] = len(blocks)
                elif tag in LIST_ITEM_TAGS:
                    list_depth += 1
            get = element.get
            css_class, element_id = get("class"), get("id")
            if (
                (css_class or element_id or tag in FURNITURE_TAGS)
                and element is not root
                and is_boilerplate_element(tag, css_class, element_id)
            ):
                furniture_depth += 1
                furniture_elements.append(element)
            if tag == "a":
                href = get("href")
                if href is not None:
                    link_depth += 1
                    first_href.append(href)
            if element.text:
                add(element.text)
        else:
            if tag in SKIP_TAGS:
                add(element.tail)
                continue
            if tag == "a" and element.get("href") is not None:
                link_depth -= 1
            if tag in BLOCK_TAGS:
                flush(element)
                block_stack.pop()
                if element in starts:
                    spans[element] = (starts.pop(element), len(blocks))
                elif tag in LIST_ITEM_TAGS:
                    list_depth -= 1
            if furniture_elements and furniture_elements[-1] is element:
                furniture_elements.pop()
                furniture_depth -= 1
            if element.tail:
                add(element.tail)
    flush(block_stack[-1])
    return Linearised(blocks, owners, spans)


def _container_of(element: etree._Element) -> etree._Element | None:
    """The element itself if it can hold an article, else its nearest such ancestor."""
    node: etree._Element | None = element
    while node is not None and (not isinstance(node.tag, str) or node.tag not in CONTAINER_TAGS):
        node = node.getparent()
    return node


def _link_share(blocks: Sequence[Block]) -> float:
    chars = sum(len(b.text) for b in blocks)
    return sum(b.links for b in blocks) / chars if chars else 1.0


def choose_container(page: Linearised, anchor: int | None = None) -> etree._Element | None:
    """The element holding the article's text, or None if the page has no prose.

    ``anchor`` is the index of the block holding the page's title, if known:
    prose right after it weighs more, so that a short article is not
    outweighed by a sidebar of summaries. Prose in list items weighs less:
    it is the summaries of a listing or a sidebar more often than an article.
    """
    score: dict[etree._Element, float] = {}
    prose: dict[etree._Element, float] = {}
    for block, owner in zip(page.blocks, page.owners, strict=True):
        if not block.is_prose():
            continue
        weight: float = len(block.text) - block.links
        if block.listed:
            weight *= LIST_ITEM_WEIGHT
        elif anchor is not None and anchor < block.index <= anchor + ANCHOR_SPAN:
            weight *= ANCHOR_BOOST
        node = _container_of(owner)
        level = 0
        while node is not None and level < MAX_PROSE_LEVELS:
            if level < len(PARENT_DECAY):
                score[node] = score.get(node, 0.0) + weight * PARENT_DECAY[level]
            prose[node] = prose.get(node, 0) + weight
            node = _container_of(node.getparent()) if node.getparent() is not None else None
            level += 1
    if not score:
        return None
    best = max(score, key=score.__getitem__)
    while True:
        parent = best.getparent()
        parent = _container_of(parent) if parent is not None else None
        if parent is None or parent not in page.spans:
            break
        if prose.get(parent, 0) < prose[best] * GROW_PROSE_RATIO:
            break
        start, end = page.spans[parent]
        if _link_share(page.blocks[start:end]) > GROW_MAX_LINK_SHARE:
            break
        best = parent
    return best


def container_blocks(page: Linearised, container: etree._Element) -> tuple[int, int]:
    """The range of block indexes inside ``container``."""
    return page.spans.get(container, (0, len(page.blocks)))
