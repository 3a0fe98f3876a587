"""Finance-portal stock-link widgets: keep their words, collect their quote codes.

ARTIFACTS.md §4. The mirror's articles wrap company and sector names in quote
widgets::

    <span id="stock_0.002906"><a href="…" class="keytip" data-code="0,002906">华阳集团</a></span>
    <span id="quote_0.002906"></span>
    <span web="1" href="…" class="em_stock_key_common" data-code="90,BK0740">教育</span>
    <span id="Info.3271"><a href="…" class="infokey">重组</a></span>

The body keeps the words; each widget with a ``data-code`` adds one
``Stock`` (code with ``,`` written as ``.``, one entry per code, in order of
first appearance, with the exchange, ticker and kind the code names: see
``stock_of``); ``infokey`` topic links become plain words;
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
#: The ``quote_`` placeholders are not among them: the portal writes one only
#: beside a ``data-code`` widget, and alone it is an empty span, no text.
#: Each marker is a scan of the whole source (0.6 ms a megabyte).
_MARKERS = ("data-code", "infokey")


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


#: The portal's market numbers (the part of a quote id before the dot, as in
#: its quote URLs ``quote.eastmoney.com/unify/r/0.002906``) and the exchange
#: each names. Number 0 holds the Beijing exchange's listings too (see
#: ``BEIJING_TICKER``); 90 is the portal's own sector, concept and region
#: boards (``90.BK0740`` 教育), which trade nowhere.
MARKETS = {
    "0": "SZ",  # Shenzhen Stock Exchange (and Beijing, by ticker)
    "1": "SH",  # Shanghai Stock Exchange
    "116": "HK",  # Hong Kong Exchanges, main board
    "105": "US",  # NASDAQ
    "106": "US",  # New York Stock Exchange
    "107": "US",  # NYSE American
}

#: Market number of the portal's boards (``BK`` tickers).
BOARD_MARKET = "90"

#: Market number of the portal's world indices (``100.HSI``, ``100.DJIA``).
WORLD_INDEX_MARKET = "100"

#: Tickers under market 0 that the Beijing Stock Exchange (and the NEEQ
#: before it) lists: 4xxxxx and 8xxxxx, and the 920xxx codes of 2024 on.
BEIJING_TICKER = re.compile(r"^(?:[48]\d{5}|92\d{4})$")

#: Index tickers: Shanghai's 000xxx (``1.000001`` 上证指数; under Shenzhen
#: 000xxx are companies such as 000001 平安银行) and Shenzhen's 399xxx.
INDEX_TICKERS = {"SH": re.compile(r"^000\d{3}$"), "SZ": re.compile(r"^399\d{3}$")}


def stock_of(name: str, code: str) -> Stock:
    """A widget's ``Stock``: the portal id split into exchange, ticker and kind.

    >>> stock_of("华阳集团", "0.002906")
    Stock(name='华阳集团', code='0.002906', market='SZ', ticker='002906', kind='stock')
    >>> stock_of("教育", "90.BK0740")
    Stock(name='教育', code='90.BK0740', market=None, ticker='BK0740', kind='board')
    >>> stock_of("上证指数", "1.000001").kind, stock_of("平安银行", "0.000001").kind
    ('index', 'stock')
    >>> stock_of("贝特瑞", "0.835185").market
    'BJ'
    """
    number, _, ticker = code.partition(".")
    market = MARKETS.get(number)
    if market == "SZ" and BEIJING_TICKER.match(ticker):
        market = "BJ"
    if number == BOARD_MARKET or ticker.upper().startswith("BK"):
        kind = "board"
    elif number == WORLD_INDEX_MARKET or (
        market in INDEX_TICKERS and INDEX_TICKERS[market].match(ticker)
    ):
        kind = "index"
    else:
        kind = "stock"
    return Stock(name=name, code=code, market=market, ticker=ticker, kind=kind)


def unwrap_stock_links(root: etree._Element) -> tuple[Stock, ...]:
    """Unwrap every stock widget under ``root`` in place; the stocks they name."""
    stocks: dict[str, Stock] = {}
    widgets = _WIDGETS(root)
    elements = (
        [e for e in widgets if isinstance(e, etree._Element)] if isinstance(widgets, list) else []
    )
    for element in elements:
        classes = _classes(element)
        if _PLACEHOLDER_ID.match(element.get("id") or "") and not (element.text or "").strip():
            if len(element) == 0:
                drop_element(element)
            continue
        if classes & QUOTE_CLASSES:
            code = code_of(element.get("data-code") or "")
            name = "".join(str(t) for t in element.itertext()).strip()
            if code and name and code not in stocks:
                stocks[code] = stock_of(name, code)
            _as_plain(element)
        elif classes & TOPIC_CLASSES:
            _as_plain(element)
    return tuple(stocks.values())
