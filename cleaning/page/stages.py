"""The page stages of ``clean_page`` and their order, written down once.

Each stage is a function ``(Page) -> Page`` over one document's working
state, a thin adapter over the module that does the work; ``PAGE_STAGES``
is the order (DESIGN.md, "cleaning/: stages over one record"):

1. ``decode``: bytes to text, the evidence in order (``decode``);
2. ``read``: the reader by document kind, one HTML parse (``documents``);
3. ``stocks``: quote widgets unwrapped *in the parsed tree*, their codes
   kept (``stocklinks``);
4. ``blocks``: site-rule furniture dropped *from the tree*, the page
   linearised into blocks and the article's container chosen by site rule
   or by the generic extractor (``extract.page_blocks``);
5. ``title``: the title, from front matter, site rule, or the headline as
   printed (``title``);
6. ``edges``: furniture cut from both edges of the body, captions, bylines
   and ad labels from inside it (``extract.article_body``, ``furniture``);
7. ``metadata``: time (``metadata.choose_published``), source, author,
   category, tags, original URL from the head, the front matter and the
   lines around the headline and the article (``metadata``);
8. ``repair``: ``repair_text`` on the title, body and names.

Stages 3 and 4 change the parsed tree (the only state that is not
replaced); the others only read it. A stage that finds the document cannot
become a record raises a ``CleaningError``; ``cleaning.page.clean`` runs the
stages (``run_stages``) and turns the final state into a ``Record``. Inside
``with collecting() as stats:`` every page cleaned adds its time per stage
and the title and metadata stages' choices to ``stats`` (``make bench``
prints them).
"""

from __future__ import annotations

import datetime as dt
import time
from collections import Counter
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from cleaning.errors import NotAnArticle
from cleaning.page import documents, extract, furniture, metadata, stocklinks
from cleaning.page import title as titles
from cleaning.page.decode import Decoded, content_type, decode
from cleaning.page.sites import SiteRules
from cleaning.record import Stock
from cleaning.text.normalize import fold_spaces, without_spaces
from cleaning.text.repair import repair_text_explained

#: Shortest body, in characters, that makes an article: below it the page is
#: navigation, an error page or a stub (the shortest article of the sample
#: sites has 160; navigation-only pages keep under 20 after trimming).
MIN_BODY_CHARS = 20


#: Blocks before the container searched for the date and source line: the
#: title, the info line and the controls that portals put above the body.
CONTEXT_BLOCKS = 8

#: Blocks after the headline read for the time printed beside it (the
#: date line comes within a subtitle, a source line and a share bar) ...
NEAR_AFTER_TITLE = 6

#: ... and blocks before it (a date printed above the headline).
NEAR_BEFORE_TITLE = 2

#: Blocks after the container read for a date printed below the article.
AFTER_BLOCKS = 3

#: Characters outside links a line above the article needs for its date to
#: be read (``2022-02-12``: a date that is itself a link is a list's date).
MIN_DATE_CHARS = 10

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
    post_start: int | None = None
    title: str | None = None
    title_index: int | None = None
    title_via: str = ""
    body: tuple[str, ...] = ()
    above: tuple[str, ...] = ()
    below: tuple[extract.Block, ...] = ()
    context: tuple[str, ...] = ()
    published_at: dt.datetime | None = None
    published_precision: str | None = None
    published_via: str = ""
    source: str | None = None
    author: str | None = None
    category: str | None = None
    tags: tuple[str, ...] = ()
    original_url: str | None = None
    script_sample: str = ""
    repairs: tuple[str, ...] = ()

    def replace(self, **changes: Any) -> Page:
        """A copy of the state with ``changes``."""
        return self._replace(**changes)


def decode_stage(page: Page) -> Page:
    """Bytes to text (``charset.decode``)."""
    return page.replace(decoded=decode(page.raw, page.headers))


def read_stage(page: Page) -> Page:
    """The reader by kind (``documents.read_served``); the head's metadata for HTML pages."""
    assert page.decoded is not None
    decoded = page.decoded
    document = documents.read_served(
        decoded.text, content_type(page.headers), page.url, decoded.utf8
    )
    head = metadata.head_meta(document.root) if document.kind == "html" else metadata.HeadMeta()
    return page.replace(document=document, head=head)


def stocks_stage(page: Page) -> Page:
    """Quote widgets unwrapped in the parsed tree (it changes the tree), their codes collected."""
    root = page.document.root if page.document else None
    if root is None or not stocklinks.may_have_widgets(page.decoded.text if page.decoded else ""):
        return page
    return page.replace(stocks=stocklinks.unwrap_stock_links(root))


def blocks_stage(page: Page) -> Page:
    """The page as blocks and the range of the article's container among them
    (``extract.page_blocks``); drops the site rule's ``drop`` elements from the
    parsed tree (it changes the tree)."""
    assert page.document is not None
    head_titles = (page.head.og_title, page.head.title)
    found = extract.page_blocks(page.document, page.site, head_titles, _is_dated)
    return page.replace(blocks=found.blocks, span=found.span, post_start=found.post_start)


def _is_dated(line: str) -> bool:
    """A date line (``metadata.date_line``, or a blog engine's date in English
    words): what every post of a blog page carries."""
    return metadata.date_line(line) is not None or furniture.is_english_date_line(line)


def title_stage(page: Page) -> Page:
    """The title (``title.choose``): front matter, site rule, else the headline
    as printed; a text's first line. Reads the blocks; changes nothing."""
    document = page.document
    assert document is not None
    start, end = page.span
    if document.kind == "text":
        choice = titles.text_title(page.blocks, start, end)
        return page.replace(title=choice.text, title_index=choice.at, title_via=choice.via)
    matter = document.front_matter.get("title")
    if isinstance(matter, str) and matter.strip():
        return page.replace(title=fold_spaces(matter), title_via="matter")
    if page.site is not None and document.root is not None:
        chosen = page.site.select("title", document.root)
        text = fold_spaces(metadata.element_text(chosen[0])) if chosen else ""
        if text:
            return page.replace(
                title=text, title_index=_find_block(page, text), title_via="site-rule"
            )
    names = [n for n in (page.site.title_suffix if page.site else None, page.head.site_name) if n]
    choice = titles.choose(page.blocks, start, page.head, names, page.post_start)
    index = choice.at
    if index is None and choice.text:
        index = _find_block(page, choice.text)
    return page.replace(title=choice.text, title_index=index, title_via=choice.via)


def _find_block(page: Page, text: str) -> int | None:
    target = without_spaces(text)
    for block in page.blocks:
        if without_spaces(block.text) == target:
            return block.position
    return None


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
    """Time (``metadata.choose_published``), source, author, category, tags
    and original URL from every clue, in order. Reads the blocks and the
    site rule's elements; changes nothing."""
    document = page.document
    assert document is not None
    matter = document.front_matter
    ruled = _site_texts(page)
    lines = [*page.above, *page.context, *(b.text for b in page.below)]
    published = metadata.choose_published(_date_evidence(page, ruled))
    stamp = published.stamp
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
        published_at=stamp.moment if stamp else None,
        published_precision=stamp.precision if stamp else None,
        published_via=published.via,
        source=source,
        author=author or page.head.author,
        category=category,
        tags=tags,
        original_url=original,
    )


def _date_evidence(page: Page, ruled: Mapping[str, list[str]]) -> metadata.DateEvidence:
    """The lines where a reader looks for the time: beside the headline (below
    it first), above the article, below it."""
    start, end = page.span
    blocks = page.blocks
    # Without a headline found on the page, the article's start stands for it:
    # a date line is printed just under the headline, at the top of the article.
    at = page.title_index if page.title_index is not None else start - 1
    near = [b.text for b in blocks[at + 1 : at + 1 + NEAR_AFTER_TITLE]]
    near += [b.text for b in reversed(blocks[max(0, at - NEAR_BEFORE_TITLE) : max(0, at)])]
    before = [
        b.text
        for b in reversed(blocks[max(0, start - CONTEXT_BLOCKS) : start])
        if len(b.text) - b.links >= MIN_DATE_CHARS
    ]
    after = [
        b.text
        for b in blocks[end : end + AFTER_BLOCKS]
        if not b.furniture and b.link_share < furniture.EDGE_LINK_SHARE
    ]
    matter = document_date(page)
    return metadata.DateEvidence(
        matter=matter,
        ruled=tuple(ruled.get("date", ())),
        near=tuple(near),
        above=(*page.above, *before),
        below=(*(b.text for b in page.below), *after),
        meta=page.head.published,
        url=page.url,
    )


def document_date(page: Page) -> metadata.Stamp | None:
    """A post's front matter ``date``."""
    value = page.document.front_matter.get("date") if page.document else None
    return metadata.parse_iso_stamp(value) if isinstance(value, str) and value else None


def _site_texts(page: Page) -> dict[str, list[str]]:
    """The text of each element a site rule names, by key (``date``, ``source``...)."""
    root = page.document.root if page.document else None
    if page.site is None or root is None:
        return {}
    found: dict[str, list[str]] = {}
    for key in ("date", "source", "author", "category", "tags"):
        texts = [fold_spaces(metadata.element_text(e)) for e in page.site.select(key, root)]
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


def _first(extractor: Callable[[str], str | None], lines: list[str]) -> str | None:
    for line in lines:
        value = extractor(line)
        if value:
            return value
    return None


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
        repaired_names[index] = fold_spaces(lines[len(page.body) + offset]) or None
    paragraphs = []
    for line in lines[: len(page.body)]:
        cleaned = fold_spaces(line)
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


@dataclass
class StageStats:
    """Counters and time per page stage over the pages cleaned while collecting.

    The way datatrove keeps stats per pipeline step: ``seconds`` and
    ``calls`` by stage name, ``outcomes`` the choices the title and
    metadata stages made (``title:printed-title``, ``published:meta``,
    ``precision:day``) and the stage a page failed in (``failed:blocks``).
    """

    seconds: dict[str, float] = field(default_factory=dict)
    calls: Counter[str] = field(default_factory=Counter)
    outcomes: Counter[str] = field(default_factory=Counter)

    def report(self) -> list[str]:
        """The figures as lines of text: each stage's share of the time, then the outcomes."""
        total = sum(self.seconds.values()) or 1.0
        lines = [f"{'stage':10}{'calls':>8}{'ms/call':>10}{'share':>8}"]
        for name, _ in PAGE_STAGES:
            calls = self.calls[name]
            spent = self.seconds.get(name, 0.0)
            per = 1000 * spent / calls if calls else 0.0
            lines.append(f"{name:10}{calls:8d}{per:10.3f}{spent / total:8.0%}")
        lines += [f"  {key}: {count}" for key, count in sorted(self.outcomes.items())]
        return lines


_STATS: ContextVar[StageStats | None] = ContextVar("page_stage_stats", default=None)


@contextmanager
def collecting(stats: StageStats | None = None) -> Iterator[StageStats]:
    """Collect ``StageStats`` over every page cleaned inside the ``with`` block
    (in this thread or task): ``with collecting() as stats: clean_page(...)``."""
    stats = stats if stats is not None else StageStats()
    token = _STATS.set(stats)
    try:
        yield stats
    finally:
        _STATS.reset(token)


def run_stages(page: Page, on_refused: Callable[[Page], None] | None = None) -> Page:
    """Run ``PAGE_STAGES`` over ``page``; timed and counted when collecting.

    ``on_refused`` sees the state the stages had reached when one of them
    refuses the page as ``NotAnArticle`` (it may raise a more precise
    ``CleaningError``); the refusal is raised again after it.
    """
    stats = _STATS.get()
    if stats is None:
        for _name, stage in PAGE_STAGES:
            try:
                page = stage(page)
            except NotAnArticle:
                if on_refused is not None:
                    on_refused(page)
                raise
        return page
    for name, stage in PAGE_STAGES:
        started = time.perf_counter()
        try:
            page = stage(page)
        except NotAnArticle:
            stats.outcomes[f"failed:{name}"] += 1
            if on_refused is not None:
                on_refused(page)
            raise
        except Exception:
            stats.outcomes[f"failed:{name}"] += 1
            raise
        finally:
            stats.seconds[name] = stats.seconds.get(name, 0.0) + time.perf_counter() - started
            stats.calls[name] += 1
    stats.outcomes[f"title:{page.title_via or 'none'}"] += 1
    stats.outcomes[f"published:{page.published_via or 'none'}"] += 1
    stats.outcomes[f"precision:{page.published_precision}"] += 1
    return page
