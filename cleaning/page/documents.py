"""Readers by document kind: HTML page, post with front matter, plain text.

The corpus holds three kinds of documents (DESIGN.md, stage 2):

- ``html``: a page as a site serves it, parsed once with lxml;
- ``post``: a static-site (Jekyll) post, YAML front matter between ``---``
  lines, then an HTML or Markdown body (seeds 000 and 002); the body is
  turned into one HTML tree so that one extractor serves both;
- ``text``: plain text, one paragraph per line (seeds 001, 003, 004).

``read`` picks the reader from the text itself (and the ``Content-Type``
when it says HTML) and returns a ``Document``.
"""

from __future__ import annotations

import html
import logging
import re
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from itertools import islice
from urllib.parse import urlsplit

from lxml import etree

from cleaning.errors import EmptyDocument
from cleaning.page.vocab import HTML_ELEMENTS
from cleaning.text.normalize import fold_spaces

logger = logging.getLogger(__name__)

#: Characters lxml refuses and no page means: C0 controls but tab and line
#: breaks, DEL, and the non-characters U+FFFE/U+FFFF.
_CONTROLS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]")

#: How far into a document to look for the markup that makes it HTML: the
#: first kilobytes. The dev pages' corpus wrapper lines are under 200
#: characters; heads full of inline scripts put ``<body>`` 10-40 KB in, but
#: ``<html>`` or ``<head>`` is always in the first 2 KB.
SNIFF_CHARS = 8192

#: Tags that start an HTML document: everything before the first of them is
#: junk (a corpus wrapper line, a server notice, a stray script) and is cut.
_DOCUMENT_START = re.compile(r"<(?:!doctype\s+html|html|head|body)\b", re.IGNORECASE)

_HTML_START = re.compile(
    r"^\s*(?:<!--.*?-->\s*|<\?xml[^>]*>\s*)*<(?:!doctype\s+html|html|head|body|meta|title|link|"
    r"script|style|div|p|table|article|section|span|br|h[1-6]|ul|font|center|form)\b",
    re.IGNORECASE | re.DOTALL,
)
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>", re.IGNORECASE)
_HTML_IN_BODY = re.compile(
    r"<(?:p|div|br|span|h[1-6]|ul|ol|li|table|img|strong|b|em|a)\b[^>]*>", re.I
)

#: Structural HTML elements: a text with several of them is markup.
_HTML_TAG = re.compile(
    r"<(?:html|head|body|meta|title|link|script|style|div|p|table|tr|td|article|section|span|"
    r"br|h[1-6]|ul|ol|li|font|center|form|img|iframe|a)\b[^>]*>",
    re.IGNORECASE,
)

#: Opening tags before the markup that no HTML page starts with: a corpus's
#: wrapper element (``<text id="URL" title="..." encoding="gb2312">``,
#: ``<doc ...>``). Only at the very start, only an element no HTML knows.
_WRAPPER_TAG = re.compile(r"\A\s*<(?P<name>[A-Za-z][\w:-]*)\b[^>]*>[ \t]*\r?\n?")

#: Structural tags in the first kilobytes that make a document HTML when
#: nothing says so (no ``<html>``, ``<head>`` or ``<body>``): a page
#: fragment. Plain texts of the corpus quote at most an inline tag or two.
MIN_HTML_TAGS = 3

_FRONT_MATTER = re.compile(r"\A\ufeff?---[ \t]*\r?\n(?P<yaml>.*?)\r?\n---[ \t]*(?:\r?\n|\Z)", re.S)
#: Longest front matter read: Jekyll headers are a dozen lines.
MAX_FRONT_MATTER_CHARS = 8192
_YAML_KEY = re.compile(r"^(?P<key>[A-Za-z_][\w-]*)\s*:\s*(?P<value>.*)$")
_YAML_ITEM = re.compile(r"^\s+-\s+(?P<value>.*)$")

_AUTOLINK = re.compile(r"<(?P<url>https?://[^\s<>\"]+)>")
_MD_IMAGE = re.compile(r"!\[[^\]]*\]\([^)]*\)")
_MD_LINK = re.compile(r"\[(?P<text>[^\]]*)\]\((?P<url>[^)\s]*)(?:\s+\"[^\"]*\")?\)")
#: Emphasis with asterisks only: underscores are common in URLs.
_MD_EMPHASIS = re.compile(r"(\*\*|\*)(?=\S)(?P<text>[^*]+?)(?<=\S)\1")
_MD_HEADING = re.compile(r"^(?P<level>#{1,6})\s+(?P<text>.*?)\s*#*$")
_MD_LIST = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s+(?P<text>.*)$")


@dataclass(frozen=True, slots=True)
class Document:
    """One decoded document, read by its kind.

    ``root`` is the parsed HTML tree (``html`` and ``post``), ``lines`` the
    lines of a ``text`` document, ``front_matter`` a post's header fields.
    """

    kind: str
    root: etree._Element | None = None
    lines: tuple[str, ...] = ()
    front_matter: Mapping[str, str | tuple[str, ...]] = field(default_factory=dict)


#: The control characters of ``_CONTROLS`` below U+0080, as UTF-8 bytes (the
#: same values: UTF-8 writes U+0000-U+007F as one byte and no other way).
_CONTROL_BYTES = bytes((*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0x7F))


def clean_controls(text: str) -> str:
    """``text`` without control characters (NUL bytes and the like).

    >>> clean_controls("晋能\\x00控股\\x7f\\ufffe"), clean_controls("甲\\t乙\\r\\n")
    ('晋能控股', '甲\\t乙\\r\\n')
    """
    return _without_controls(text, None)[0]


def _without_controls(text: str, utf8: bytes | None) -> tuple[str, bytes | None]:
    """``text`` without control characters, and its UTF-8 bytes when known.

    ``utf8`` is ``text`` as UTF-8 if the caller has it. Pages almost never
    hold a control character, so they are looked for first in the UTF-8
    bytes (two passes in C, a third of the regular expression's time on a
    100 KB page); the expression runs only on a page that has one, and the
    bytes come back only when the text is unchanged.
    """
    if utf8 is None:
        try:
            utf8 = text.encode("utf-8")
        except UnicodeEncodeError:  # a lone surrogate: let the expression see it all
            return _CONTROLS.sub("", text), None
    if (
        len(utf8.translate(None, _CONTROL_BYTES)) == len(utf8)
        and "\ufffe" not in text
        and "\uffff" not in text
    ):
        return text, utf8
    return _CONTROLS.sub("", text), None


def strip_leading_junk(text: str) -> str:
    """``text`` without what stands before its markup.

    A document may carry a corpus wrapper line, a comment, a BOM, a script
    or a server notice before ``<html>``: when an ``<!doctype html>``,
    ``<html>``, ``<head>`` or ``<body>`` tag stands in the first kilobytes,
    what precedes it is cut; otherwise a leading element no HTML knows (a
    wrapper such as ``<text id=... encoding=...>``) is. Nothing of that is
    ever read as the page's text.

    >>> strip_leading_junk('<text id="u" encoding="gbk">\\n<html><body>x</body></html>')
    '<html><body>x</body></html>'
    >>> strip_leading_junk('<doc id="1">\\n<table><tr><td>x</td></tr></table>')
    '<table><tr><td>x</td></tr></table>'
    >>> strip_leading_junk('标题\\n<p>正文</p>')
    '标题\\n<p>正文</p>'
    """
    start = _DOCUMENT_START.search(text, 0, SNIFF_CHARS)
    if start is not None:
        if start.start():
            logger.debug("documents: %d characters before the markup cut", start.start())
        return text[start.start() :]
    wrapper = _WRAPPER_TAG.match(text)
    if wrapper is not None and wrapper.group("name").lower() not in HTML_ELEMENTS:
        return text[wrapper.end() :]
    return text


def looks_like_html(text: str, content_type: str | None = None) -> bool:
    """Whether a document is an HTML page, by the evidence of its first kilobytes.

    Its start (after comments), an ``<html>``/``<head>``/``<body>`` tag or
    a doctype anywhere in the first kilobytes, several structural tags, or
    a text/html ``Content-Type`` and one tag.
    """
    head = strip_leading_junk(text[: SNIFF_CHARS * 2])[:SNIFF_CHARS]
    if _HTML_START.match(head) or _DOCUMENT_START.search(head):
        return True
    if len(list(islice(_HTML_TAG.finditer(head), MIN_HTML_TAGS))) >= MIN_HTML_TAGS:
        return True
    return bool(content_type and "html" in content_type.lower() and _HTML_IN_BODY.search(head))


def parse_front_matter(text: str) -> tuple[dict[str, str | tuple[str, ...]], str] | None:
    """A post's front matter fields and its body, or None if it has none.

    Only the flat YAML that static sites write: ``key: value``, quoted
    values, ``[a, b]`` lists and ``- item`` lists.

    >>> fields, body = parse_front_matter('---\\ntitle: "标题"\\ntags: [a, b]\\n---\\n<p>正文</p>')
    >>> fields["title"], fields["tags"], body
    ('标题', ('a', 'b'), '<p>正文</p>')
    """
    found = _FRONT_MATTER.match(text[: MAX_FRONT_MATTER_CHARS + 16])
    if not found:
        return None
    fields: dict[str, str | tuple[str, ...]] = {}
    key = None
    for line in found.group("yaml").splitlines():
        item = _YAML_ITEM.match(line)
        if item and key:
            previous = fields.get(key, ())
            values = previous if isinstance(previous, tuple) else ()
            fields[key] = (*values, _unquote(item.group("value")))
            continue
        pair = _YAML_KEY.match(line)
        if not pair:
            continue
        key, value = pair.group("key").lower(), pair.group("value").strip()
        if value.startswith("[") and value.endswith("]"):
            fields[key] = tuple(_unquote(v) for v in value[1:-1].split(",") if v.strip())
        elif value:
            fields[key] = _unquote(value)
        else:
            fields[key] = ()
    return fields, text[found.end() :]


def _unquote(value: str) -> str:
    """A YAML scalar without its quotes (``\\"`` inside double quotes is a quote)."""
    value = value.strip()
    if len(value) >= 2 and value[0] == value[-1] == '"':
        return value[1:-1].replace('\\"', '"')
    if len(value) >= 2 and value[0] == value[-1] == "'":
        return value[1:-1].replace("''", "'")
    return value


def markdown_to_html(body: str) -> str:
    """A post body as HTML: its HTML kept, its Markdown lines made into paragraphs.

    Static-site posts mix the two (seed 000 ends with a Markdown autolink and
    ``[返回首页](//…)`` links after HTML paragraphs). Only what posts use:
    paragraphs, headings, lists, links, emphasis; images are dropped.

    >>> markdown_to_html("[返回首页](//finews.withounder.com/)")
    '<p><a href="//finews.withounder.com/">返回首页</a></p>'
    """
    out: list[str] = []
    paragraph: list[str] = []

    def close() -> None:
        if paragraph:
            out.append("<p>" + " ".join(paragraph) + "</p>")
            paragraph.clear()

    for raw in body.splitlines():
        line = _inline_markdown(raw.strip())
        if not line:
            close()
            continue
        if line.startswith("<") and not line.startswith("<a "):
            close()
            out.append(line)
            continue
        heading = _MD_HEADING.match(line)
        listed = _MD_LIST.match(line)
        if heading:
            close()
            level = len(heading.group("level"))
            out.append(f"<h{level}>{heading.group('text')}</h{level}>")
        elif listed:
            close()
            out.append(f"<li>{listed.group('text')}</li>")
        else:
            paragraph.append(line)
    close()
    return "\n".join(out)


def _inline_markdown(line: str) -> str:
    line = _MD_EMPHASIS.sub(r"\g<text>", line)
    line = _AUTOLINK.sub(r'<a href="\g<url>">\g<url></a>', line)
    line = _MD_IMAGE.sub("", line)
    return _MD_LINK.sub(r'<a href="\g<url>">\g<text></a>', line)


def drop_element(element: etree._Element) -> None:
    """Remove ``element`` from its tree, keeping its tail text where it stood.

    The one way the page stages remove an element (site rules' ``drop``
    selectors, quote widgets): the text after an element belongs to its
    parent, and dropping it with the element would lose a sentence's end.

    >>> root = parse_html("<p>甲<span>乙</span>丙</p>")
    >>> drop_element(root.find(".//span")); "".join(root.itertext())
    '甲丙'
    """
    parent = element.getparent()
    if parent is None:
        return
    tail = element.tail
    element.tail = None
    if tail:
        previous = element.getprevious()
        if previous is not None:
            previous.tail = (previous.tail or "") + tail
        else:
            parent.text = (parent.text or "") + tail
    parent.remove(element)


_PARSERS = threading.local()


def _parser(encoding: str | None = "utf-8") -> etree.HTMLParser:
    """This thread's HTML parser for ``encoding`` (``None``: for ``str`` input);
    building one per page costs as much as a small parse."""
    key = f"parser_{encoding}"
    parser: etree.HTMLParser | None = getattr(_PARSERS, key, None)
    if parser is None:
        # No table of ``id`` attributes: nothing looks elements up by id, and
        # building it costs a few percent of the parse.
        parser = etree.HTMLParser(
            collect_ids=False,
            remove_comments=True,
            remove_pis=True,
            no_network=True,
            huge_tree=True,
            encoding=encoding,
        )
        setattr(_PARSERS, key, parser)
    return parser


class TooDeep(ValueError):
    """The page nests deeper than the parser keeps: its innermost text would be lost."""


def _cut(utf8: bytes | None, prefix: str) -> bytes | None:
    """``utf8`` without the UTF-8 bytes of ``prefix``, the text cut from its start."""
    return utf8[len(prefix.encode("utf-8")) :] if utf8 is not None and prefix else utf8


def parse_html(text: str, utf8: bytes | None = None) -> etree._Element | None:
    """One lxml parse of a page (comments and processing instructions dropped).

    ``utf8`` is ``text`` as UTF-8 bytes if the caller has them (what the
    parser reads; they are made from ``text`` otherwise).

    Raises ``TooDeep`` when the nesting passes the parser's limit (2,048
    levels with ``huge_tree``), which old pages reach with unclosed
    ``<font>`` tags; the caller then flattens the page.
    """
    declaration = _XML_DECLARATION.match(text)
    if declaration is not None:
        text = text[declaration.end() :]
        utf8 = _cut(utf8, declaration.group())
    if not text or text.isspace():
        return None
    # The page as UTF-8 bytes, with the parser told so: libxml2 reads UTF-8
    # natively, where a str reaches it as UTF-16 or UCS-4 to convert first.
    markup: str | bytes
    try:
        markup, parser = utf8 if utf8 is not None else text.encode("utf-8"), _parser("utf-8")
    except UnicodeEncodeError:  # a lone surrogate: lxml takes the str as it is
        markup, parser = text, _parser(None)
    try:
        root = etree.fromstring(markup, parser)
    except (etree.ParserError, ValueError):
        return None
    if any(e.type == etree.ErrorTypes.ERR_RESOURCE_LIMIT for e in parser.error_log):
        raise TooDeep("nesting over the parser's depth limit")
    return root


#: Inline formatting tags: dropping them loses no text and no paragraph
#: break, and undoes the nesting of pages that never close them.
_INLINE_TAGS = re.compile(r"</?(?:font|span|b|strong|i|em|u|small|big|sup|sub)\b[^>]*>", re.I)
_BREAK_TAGS = re.compile(r"<(?:br|/?p|/?div|/?li|/?tr|/?h[1-6]|/?table|/?td)\b[^>]*>", re.I)
_ANY_TAG = re.compile(r"<[^>]*>")
_SKIPPED = re.compile(r"<(script|style|noscript|template)\b.*?</\1\s*>", re.I | re.S)


def _parse_flattened(text: str) -> Document:
    """A page too deep to parse: without inline tags, or else as plain text."""
    logger.warning("readers: page nests too deep; parsing it without inline tags")
    try:
        return Document("html", root=parse_html(_INLINE_TAGS.sub("", text)))
    except TooDeep:
        logger.warning("readers: still too deep; reading the page as plain text")
    plain = _ANY_TAG.sub("", _BREAK_TAGS.sub("\n", _SKIPPED.sub("", text)))
    lines = (fold_spaces(line) for line in html.unescape(plain).splitlines())
    return Document("text", lines=tuple(line for line in lines if line))


def read(
    text: str, content_type: str | None = None, markdown: bool = False, utf8: bytes | None = None
) -> Document:
    """The document ``text`` is, read by its kind.

    ``markdown`` says the document is Markdown (a ``.md`` file or a
    ``text/markdown`` response) even without front matter. ``utf8`` is
    ``text`` as UTF-8 bytes when the caller has them (a page served in
    UTF-8 is its own bytes): the HTML parser reads them.
    """
    text, utf8 = _without_controls(text, utf8)
    front = parse_front_matter(text)
    if front is None and markdown:
        front = {}, text
    if front is not None:
        fields, body = front
        try:
            root = parse_html("<html><body>" + markdown_to_html(body) + "</body></html>")
        except TooDeep:
            root = _parse_flattened(body).root
        return Document("post", root=root, front_matter=fields)
    if looks_like_html(text, content_type):
        markup = strip_leading_junk(text)
        utf8 = _cut(utf8, text[: len(text) - len(markup)])
        text = markup
        try:
            return Document("html", root=parse_html(text, utf8))
        except TooDeep:
            return _parse_flattened(text)
    lines = tuple(fold_spaces(line) for line in text.splitlines())
    return Document("text", lines=tuple(line for line in lines if line))


def read_served(
    text: str, content_type: str | None, url: str, utf8: bytes | None = None
) -> Document:
    """The document a server sent: ``read`` with Markdown known by its
    media type or extension; ``EmptyDocument`` when nothing can be read.
    ``utf8`` is ``text`` as UTF-8 bytes, if known (see ``read``)."""
    markdown = "markdown" in (content_type or "") or urlsplit(url).path.endswith(
        (".md", ".markdown")
    )
    document = read(text, content_type, markdown, utf8)
    if document.root is None and document.kind != "text":
        raise EmptyDocument("no markup could be parsed")
    if document.kind == "text" and not document.lines:
        raise EmptyDocument("no text once decoded")
    return document
