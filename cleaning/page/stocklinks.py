"""Finance-portal stock-link widgets: keep their words, collect their quote codes.

ARTIFACTS.md §4. The mirror's articles wrap company and sector names in quote
widgets::

    <span id="stock_0.002906"><a href="…" class="keytip" data-code="0,002906">华阳集团</a></span>
    <span id="quote_0.002906"></span>
    <span web="1" href="…" class="em_stock_key_common" data-code="90,BK0740">教育</span>
    <span id="Info.3271"><a href="…" class="infokey">重组</a></span>

The body keeps the words; each widget with a ``data-code`` adds one
``Stock(name, code)`` (code with ``,`` written as ``.``, one entry per code,
in order of first appearance); ``infokey`` topic links become plain words;
the empty ``quote_``/``bkquote_`` placeholders go. Unwrapping the links
matters for extraction too: the words are prose, not link text.
"""

from __future__ import annotations

import re

from lxml import etree

from cleaning.page.documents import drop_element
from cleaning.record import Stock

#: Classes of the widgets that carry a quote code in ``data-code``.
QUOTE_CLASSES = frozenset(("keytip", "em_stock_key_common"))

#: Classes of topic links that are plain words in the text.
TOPIC_CLASSES = frozenset(("infokey",))

#: ids of the empty placeholders the portal fills with live quotes.
_PLACEHOLDER_ID = re.compile(r"^(?:quote|bkquote)_")

#: A quote code as the widgets write it: market, then ticker or sector code.
_CODE = re.compile(r"^\s*(\d{1,3})\s*[,.]\s*([A-Za-z0-9]{2,12})\s*$")

_WIDGETS = etree.XPath(
    "//*[@data-code or contains(@class, 'infokey') or starts-with(@id, 'quote_')"
    " or starts-with(@id, 'bkquote_')]"
)


#: Markers of the widgets in a page's source: a page without any has none.
_MARKERS = ("data-code", "infokey", "quote_")


def may_have_widgets(source: str) -> bool:
    """Whether a page's source can hold widgets (spares the tree search when not)."""
    return any(marker in source for marker in _MARKERS)


def _classes(element: etree._Element) -> set[str]:
    return set((element.get("class") or "").split())


def _as_plain(element: etree._Element) -> None:
    """Turn a widget into a plain inline element: no link, no attributes."""
    element.tag = "span"
    for name in list(element.attrib):
        del element.attrib[name]


def code_of(data_code: str) -> str | None:
    """The quote code as the dataset stores it.

    >>> code_of("0,002906"), code_of("90,BK0740"), code_of("nonsense")
    ('0.002906', '90.BK0740', None)
    """
    found = _CODE.match(data_code)
    return f"{found.group(1)}.{found.group(2)}" if found else None


def unwrap_stock_links(root: etree._Element) -> tuple[Stock, ...]:
    """Unwrap every stock widget under ``root`` in place; the stocks they name."""
    stocks: dict[str, Stock] = {}
    found = _WIDGETS(root)
    widgets = [e for e in found if isinstance(e, etree._Element)] if isinstance(found, list) else []
    for element in widgets:
        classes = _classes(element)
        if _PLACEHOLDER_ID.match(element.get("id") or "") and not (element.text or "").strip():
            if len(element) == 0:
                drop_element(element)
            continue
        if classes & QUOTE_CLASSES:
            code = code_of(element.get("data-code") or "")
            name = "".join(t for t in element.itertext() if isinstance(t, str)).strip()
            if code and name and code not in stocks:
                stocks[code] = Stock(name=name, code=code)
            _as_plain(element)
        elif classes & TOPIC_CLASSES:
            _as_plain(element)
    return tuple(stocks.values())
