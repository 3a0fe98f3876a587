"""The page stages of ``clean_page`` and their order, written down once.

Each stage is a pure function ``(Page) -> Page`` over one document's working
state; ``PAGE_STAGES`` is the order (DESIGN.md, "cleaning/: stages over one
record"):

1. ``decode``: bytes to text, the evidence in order (``charset``);
2. ``read``: the reader by document kind, one HTML parse (``documents``);
3. ``stocks``: quote widgets unwrapped, their codes kept (``stocklinks``);
4. ``blocks``: site-rule furniture dropped, the page linearised into blocks
   and the article's container chosen by site rule or by the generic
   extractor (``extract.page_blocks``);
5. ``title``: the title, from front matter, site rule, head or headings;
6. ``edges``: furniture cut from both edges of the body, captions, bylines
   and ad labels from inside it (``extract.article_body``, ``furniture``);
7. ``metadata``: time, source, author, category, tags, original URL from
   the head, the front matter and the lines cut at the edges (``metadata``);
8. ``repair``: ``repair_text`` on the title, body and names.

A stage that finds the document cannot become a record raises a
``CleaningError``; ``cleaning.page.clean`` turns the final state into a ``Record``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from typing import NamedTuple

from cleaning.errors import NotAnArticle
from cleaning.page import documents, extract, furniture, metadata, stocklinks
from cleaning.page.decode import Decoded, decode
from cleaning.page.sites import SiteRules
from cleaning.record import Stock
from cleaning.text.repair import repair_text_explained

#: Shortest body, in characters, that makes an article: below it the page is
#: navigation, an error page or a stub (the shortest article of the sample
#: sites has 160; navigation-only pages keep under 20 after trimming).
MIN_BODY_CHARS = 20

#: Longest first line of a plain-text document taken as its title: longer
#: is a paragraph (the seeds' titles are 13-16 characters, headlines of the
#: corpus rarely pass 40).
MAX_TITLE_CHARS = 80

#: Blocks before the container searched for the date and source line: the
#: title, the info line and the controls that portals put above the body.
CONTEXT_BLOCKS = 8

#: Characters of the body read to tell its script: a few paragraphs settle it.
SCRIPT_SAMPLE_CHARS = 2000


class Page(NamedTuple):
    """One document's working state between the page stages.

    A named tuple: immutable like a frozen dataclass, and its ``_replace``
    costs microseconds where ``dataclasses.replace`` cost a tenth of a
    millisecond (eight stages a page).
    """

    raw: bytes
    url: str
    headers: Mapping[str, str]
    site: SiteRules | None = None
    decoded: Decoded | None = None
    document: documents.Document | None = None
    head: metadata.HeadMeta = metadata.HeadMeta()
    stocks: tuple[Stock, ...] = ()
    blocks: tuple[extract.Block, ...] = ()
    span: tuple[int, int] = (0, 0)
    title: str | None = None
    title_index: int | None = None
    body: tuple[str, ...] = ()
    above: tuple[str, ...] = ()
    below: tuple[extract.Block, ...] = ()
    context: tuple[str, ...] = ()
    published_at: dt.datetime | None = None
    source: str | None = None
    author: str | None = None
    category: str | None = None
    tags: tuple[str, ...] = ()
    original_url: str | None = None
    script_sample: str = ""
    repairs: tuple[str, ...] = ()

    def replace(self, **changes: object) -> Page:
        """A copy of the state with ``changes``."""
        return self._replace(**changes)


def content_type(headers: Mapping[str, str]) -> str | None:
    for key, value in headers.items():
        if str(key).lower() == "content-type":
            return str(value)
    return None


def decode_stage(page: Page) -> Page:
    """Bytes to text (``charset.decode``)."""
    return page.replace(decoded=decode(page.raw, page.headers))


def read_stage(page: Page) -> Page:
    """The reader by kind (``documents.read_served``); the head's metadata for HTML pages."""
    assert page.decoded is not None
    document = documents.read_served(page.decoded.text, content_type(page.headers), page.url)
    head = metadata.head_meta(document.root) if document.kind == "html" else metadata.HeadMeta()
    return page.replace(document=document, head=head)


def stocks_stage(page: Page) -> Page:
    """Quote widgets unwrapped in the tree, their codes collected."""
    root = page.document.root if page.document else None
    if root is None or not stocklinks.may_have_widgets(page.decoded.text if page.decoded else ""):
        return page
    return page.replace(stocks=stocklinks.unwrap_stock_links(root))


def blocks_stage(page: Page) -> Page:
    """The page as blocks and the range of the article's container among them."""
    assert page.document is not None
    titles = (page.head.og_title, page.head.title)
    found = extract.page_blocks(page.document, page.site, titles)
    return page.replace(blocks=found.blocks, span=found.span)


def _fold(text: str | None) -> str:
    return furniture.fold_spaces(text or "").replace(" ", "")


def title_stage(page: Page) -> Page:
    """The title: front matter, site rule, head, headings; text: the first line."""
    document = page.document
    assert document is not None
    start, end = page.span
    if document.kind == "text":
        for index in range(start, end):
            line = page.blocks[index].text
            if (
                furniture.breadcrumb(line) is None
                and not furniture.is_furniture(line)
                and not metadata.is_metadata_line(line)
            ):
                if len(line) > MAX_TITLE_CHARS:
                    return page
                return page.replace(title=line, title_index=index)
        return page
    matter = document.front_matter.get("title")
    if isinstance(matter, str) and matter.strip():
        return page.replace(title=furniture.fold_spaces(matter))
    if page.site is not None and document.root is not None:
        chosen = page.site.select("title", document.root)
        text = furniture.fold_spaces("".join(chosen[0].itertext())) if chosen else ""
        if text:
            return page.replace(title=text, title_index=_find_block(page, text))
    return _title_from_page(page)


def _find_block(page: Page, text: str) -> int | None:
    target = _fold(text)
    for block in page.blocks:
        if _fold(block.text) == target:
            return block.index
    return None


def _title_from_page(page: Page) -> Page:
    head = page.head
    full = head.og_title or head.title or ""
    suffixes = [s for s in (page.site.title_suffix if page.site else None, head.site_name) if s]
    stripped = metadata.strip_site_suffix(full, suffixes) if full else ""
    start, _ = page.span
    lo = max(0, start - 3 * CONTEXT_BLOCKS)
    hi = min(len(page.blocks), start + 3)
    headings = [b for b in page.blocks[lo:hi] if b.heading and not b.furniture and b.text]
    folded_full = _fold(full)
    for block in headings:
        text = _fold(block.text)
        if folded_full and (text in folded_full or _fold(stripped) in text) and len(text) >= 2:
            return page.replace(title=block.text, title_index=block.index)
    if stripped:
        return page.replace(title=stripped, title_index=_find_block(page, stripped))
    if headings:
        block = headings[-1]
        return page.replace(title=block.text, title_index=block.index)
    return page


def edges_stage(page: Page) -> Page:
    """The article's paragraphs (``extract.article_body``); what was cut is kept for metadata."""
    assert page.document is not None
    cut = extract.article_body(
        page.blocks,
        page.span,
        page.title_index,
        page.title,
        metadata.is_metadata_line,
        markup=page.document.kind != "text",
    )
    context_start = max(0, page.span[0] - CONTEXT_BLOCKS)
    context = [
        b.text
        for b in page.blocks[context_start : page.span[0]]
        if b.link_share < furniture.EDGE_LINK_SHARE or metadata.source_of(b.text)
    ]
    return page.replace(
        body=cut.body,
        above=cut.above,
        below=cut.below,
        context=tuple(context),
        script_sample="\n".join(cut.body[:40])[:SCRIPT_SAMPLE_CHARS],
    )


def metadata_stage(page: Page) -> Page:
    """Time, source, author, category, tags and original URL from every clue, in order."""
    document = page.document
    assert document is not None
    matter = document.front_matter
    ruled = _site_texts(page)
    lines = [*page.above, *page.context, *(b.text for b in page.below)]
    published = _matter_date(matter) or _best_date(ruled.get("date", []))
    published = published or page.head.published or _best_date(lines)
    source = _first(metadata.source_of, [*ruled.get("source", []), *lines]) or page.head.source
    author = _first(metadata.author_of, [*ruled.get("author", []), *page.above, *page.context])
    category = _matter_first(matter, "categories", "category")
    if category is None and "category" in ruled:
        category = _ruled_category(ruled["category"])
    if category is None:
        category = _breadcrumb_category(page)
    tags = _matter_all(matter, "tags", "tag") or tuple(ruled.get("tags", ()))
    original = None
    for block in page.below:
        original = metadata.original_url_of(block.text, block.href)
        if original:
            break
    return page.replace(
        published_at=published,
        source=source,
        author=author or page.head.author,
        category=category,
        tags=tags,
        original_url=original,
    )


def _site_texts(page: Page) -> dict[str, list[str]]:
    """The text of each element a site rule names, by key (``date``, ``source``...)."""
    root = page.document.root if page.document else None
    if page.site is None or root is None:
        return {}
    found: dict[str, list[str]] = {}
    for key in ("date", "source", "author", "category", "tags"):
        texts = [furniture.fold_spaces("".join(e.itertext())) for e in page.site.select(key, root)]
        if any(texts):
            found[key] = [t for t in texts if t]
    return found


def _ruled_category(texts: list[str]) -> str | None:
    """The category from a site rule's elements: a breadcrumb, crumbs, or the name itself."""
    if len(texts) > 1:
        return furniture.crumb_category(texts)
    crumbs = furniture.breadcrumb(texts[0])
    return furniture.crumb_category(crumbs) if crumbs else texts[0]


def _breadcrumb_category(page: Page) -> str | None:
    start = page.span[0]
    before = page.blocks[max(0, start - 3 * CONTEXT_BLOCKS) : start]
    for line in [*page.above, *(b.text for b in reversed(before))]:
        crumbs = furniture.breadcrumb(line)
        if crumbs:
            return furniture.crumb_category(crumbs)
    return None


def _best_date(lines: list[str]) -> dt.datetime | None:
    best: tuple[int, dt.datetime] | None = None
    for line in lines:
        if not metadata.is_metadata_line(line):
            continue
        found = metadata.labelled_date(line)
        if found and (best is None or found[0] < best[0]):
            best = found
    return best[1] if best else None


def _first(extractor: Callable[[str], str | None], lines: list[str]) -> str | None:
    for line in lines:
        value = extractor(line)
        if value:
            return value
    return None


def _matter_date(matter: Mapping[str, str | tuple[str, ...]]) -> dt.datetime | None:
    value = matter.get("date")
    return metadata.parse_iso(value) if isinstance(value, str) and value else None


def _matter_all(matter: Mapping[str, str | tuple[str, ...]], *keys: str) -> tuple[str, ...]:
    for key in keys:
        value = matter.get(key)
        if isinstance(value, str):
            return tuple(v for v in value.split() if v)
        if value:
            return tuple(v for v in value if v)
    return ()


def _matter_first(matter: Mapping[str, str | tuple[str, ...]], *keys: str) -> str | None:
    values = _matter_all(matter, *keys)
    return values[0] if values else None


def _repair_lines(lines: list[str], fired: set[str]) -> list[str]:
    """``repair_text`` over lines as one text, so that the short ones (title,
    source) are repaired with the whole document's evidence; line by line if
    a repair ever changed the number of lines."""
    repaired = repair_text_explained("\n".join(lines))
    out = repaired.text.split("\n")
    if len(out) != len(lines):
        out = []
        for line in lines:
            one = repair_text_explained(line)
            fired.update(one.repairs)
            out.append(one.text.replace("\n", " "))
        return out
    fired.update(repaired.repairs)
    return out


def repair_stage(page: Page) -> Page:
    """``repair_text`` on body, title and names; no empty lines."""
    fired: set[str] = set()
    names = [page.title, page.source, page.author, page.category, *page.tags]
    present = [i for i, name in enumerate(names) if name]
    lines = _repair_lines([*page.body, *(str(names[i]) for i in present)], fired)
    repaired_names: list[str | None] = [None] * len(names)
    for offset, index in enumerate(present):
        repaired_names[index] = furniture.fold_spaces(lines[len(page.body) + offset]) or None
    paragraphs = []
    for line in lines[: len(page.body)]:
        cleaned = furniture.fold_spaces(line)
        if cleaned:
            paragraphs.append(cleaned)
    body = tuple(paragraphs)
    if sum(len(p) for p in body) < MIN_BODY_CHARS:
        raise NotAnArticle(f"the body has {sum(len(p) for p in body)} characters once trimmed")
    title, source, author, category, *tags = repaired_names
    return page.replace(
        body=body,
        title=title,
        source=source,
        author=author,
        category=category,
        tags=tuple(t for t in tags if t),
        repairs=tuple(sorted(fired)),
    )


#: The page stages in order (see the module doc). ``clean_page`` runs them.
PAGE_STAGES: tuple[tuple[str, Callable[[Page], Page]], ...] = (
    ("decode", decode_stage),
    ("read", read_stage),
    ("stocks", stocks_stage),
    ("blocks", blocks_stage),
    ("title", title_stage),
    ("edges", edges_stage),
    ("metadata", metadata_stage),
    ("repair", repair_stage),
)
