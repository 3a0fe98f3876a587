"""Metadata of an article: title, publication time, source outlet, author, category.

ARTIFACTS.md §5. The evidence comes in order of trust:

1. front matter of a post (``title``, ``date``, ``categories``, ``tags``);
2. the page's head: ``og:title``, ``article:published_time``, JSON-LD;
3. the lines Chinese sites print around an article: ``发布时间：``,
   ``时间:``, ``编辑:2022-02-22 08:36:38``, ``来源:经济日报 时间:…``,
   ``（文章来源：新华财经）``, ``作者：``, ``记者 …``;
4. ``<h1>`` or ``<title>`` (without the site-name suffix) for the title.

Times without a zone are China time (+08:00: China has kept one offset,
without daylight saving, since 1991). Labels are matched on
``boilerplate.match_view`` so that ``來(lái)源:`` and ``時間:`` count.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from lxml import etree

from cleaning.page.decode import big5_hanzi, gb2312_hanzi
from cleaning.page.furniture import fold_spaces, match_view, view_positions
from cleaning.record import CHINA_TZ

#: China Standard Time, the zone of every date line of this corpus.
CHINA = CHINA_TZ

#: Years a news article of this corpus can carry: the web era to the near future.
MIN_YEAR, MAX_YEAR = 1995, 2100

_DATE = re.compile(
    r"(?P<y>(?:19|20)\d\d)\s*(?:[-/.]|年)\s*(?P<m>\d{1,2})\s*(?:[-/.]|月)\s*(?P<d>\d{1,2})"
    r"(?![\d])\s*日?"
    r"(?:[T\s]*(?P<H>\d{1,2})\s*[:：时]\s*(?P<M>\d{1,2})(?:\s*[:：分]\s*(?P<S>\d{1,2})(?:\.\d+)?)?"
    r"\s*秒?)?"
    r"(?:\s*(?P<z>Z|[+-]\d\d:?\d\d)(?![\d]))?"
)

#: Labels that introduce the publication time, strongest first.
DATE_LABELS = (
    "发布时间",
    "发布日期",
    "发表时间",
    "发表于",
    "发布于",
    "时间",
    "日期",
    "编辑",
    "更新时间",
)
_DATE_LABEL = re.compile("(?:" + "|".join(DATE_LABELS) + r")\s*[:：]?\s*$")

#: Labels that end a field on a metadata line (``来源:经济日报 时间:…``).
_FIELD_END = re.compile(
    r"\s*(?:(?:发布)?时间|日期|作者|编辑|责任编辑|记者|通讯员|浏览|点击|阅读|字号|发布|来源|供稿|"
    r"摄影|审核|【|\[|\||｜|\d{4}\s*[-/.年])"
)

_SOURCE = re.compile(r"(?:文章|新闻|信息)?(?:来源|出处|稿源|供稿)\s*[:：]\s*")
_AUTHOR = re.compile(
    r"(?:^|[\s|｜【\[（(])(?:作者\s*[:：/]|文\s*[:：/]|(?:本报|本网|本台)?记者\s*[:：]?)\s*"
)
_ENCLOSED_SOURCE = re.compile(
    r"^[（(【\[]\s*(?:文章|新闻)?来源\s*[:：]\s*(?P<v>[^）)】\]]{1,40})[）)】\]]\s*$"
)
_URL_ONLY = re.compile(r"^<?(?P<u>https?://[^\s<>\"']+)>?$")
_ORIGINAL_LABEL = re.compile(r"^(?:原文链接|原文地址|阅读原文|原文网址|查看原文)\s*[:：]?\s*")

#: A full stop, question or exclamation mark: the line is a sentence, not a label.
_SENTENCE_END = re.compile(r"[。！？]")

#: Longest value taken for a source outlet or an author: longer is prose.
MAX_NAME_CHARS = 30

#: Title separators before a site-name suffix: ``标题_生态中国网``, ``标题 - 新华网``.
#: Dashes of Chinese typography (``——``, ``－``) are part of titles, not separators.
_TITLE_SEPARATORS = re.compile(r"\s*(?:_|\||｜| - |-{1,2}(?=[^\s\d-])|:{2})\s*")

#: Shortest title taken from ``<title>`` after cutting the site name (shorter
#: is a site name alone).
MIN_TITLE_CHARS = 4


def china_time(moment: dt.datetime) -> dt.datetime:
    """A naive time as China time; an aware one unchanged."""
    return moment if moment.tzinfo else moment.replace(tzinfo=CHINA)


def parse_date(text: str) -> dt.datetime | None:
    """The first valid date and time in ``text``, zone-aware.

    >>> parse_date("編輯:2022-02-22 08:36:38").isoformat()
    '2022-02-22T08:36:38+08:00'
    >>> parse_date("2022年2月22日 08:36").isoformat()
    '2022-02-22T08:36:00+08:00'
    >>> parse_date("2022-05-23 12:55:23 +0800").isoformat()
    '2022-05-23T12:55:23+08:00'
    >>> parse_date("2022/02/22").isoformat()
    '2022-02-22T00:00:00+08:00'
    >>> parse_date("电话:0354-2063092") is None
    True
    """
    for found in _DATE.finditer(text):
        moment = _moment(found)
        if moment is not None:
            return moment
    return None


def _moment(found: re.Match[str]) -> dt.datetime | None:
    year, month, day = int(found["y"]), int(found["m"]), int(found["d"])
    hour, minute, second = (int(found[k]) if found[k] else 0 for k in ("H", "M", "S"))
    if not MIN_YEAR <= year <= MAX_YEAR:
        return None
    try:
        moment = dt.datetime(year, month, day, hour, minute, second)
    except ValueError:
        return None
    zone = found["z"]
    if zone:
        if zone == "Z":
            return moment.replace(tzinfo=dt.UTC)
        sign = 1 if zone[0] == "+" else -1
        digits = zone[1:].replace(":", "")
        offset = dt.timedelta(hours=int(digits[:2]), minutes=int(digits[2:]))
        if offset > dt.timedelta(hours=14):
            return None
        return moment.replace(tzinfo=dt.timezone(sign * offset))
    return moment.replace(tzinfo=CHINA)


def parse_iso(value: str) -> dt.datetime | None:
    """An ISO 8601 (or ``YYYY-MM-DD HH:MM:SS +0800``) value, zone-aware."""
    value = value.strip()
    try:
        return china_time(dt.datetime.fromisoformat(value.replace("Z", "+00:00")))
    except ValueError:
        return parse_date(value)


def labelled_date(line: str) -> tuple[int, dt.datetime] | None:
    """A date on a metadata line and the rank of its label (0 strongest).

    A date after a known label (``发布时间：``, ``時間:``, ``编辑:``) ranks
    by the label; an unlabelled date on a short line ranks last.

    >>> rank, moment = labelled_date("來源:經(jīng)濟(jì)日報 時間:2020-09-22 11:59:19")
    >>> rank, moment.isoformat()
    (5, '2020-09-22T11:59:19+08:00')
    """
    view = match_view(line)
    for found in _DATE.finditer(view):
        moment = _moment(found)
        if moment is None:
            continue
        before = view[: found.start()]
        label = _DATE_LABEL.search(before[-12:])
        if label:
            word = label.group(0).rstrip(" :：")
            return DATE_LABELS.index(word), moment
        return len(DATE_LABELS), moment
    return None


_VALUE_TRIM = "（）()【】[]<>《》 ,，.。;；|｜\u00a0\u3000"


def _field_value(line: str, view: str, start: int) -> str | None:
    """The field value starting at ``start`` of the view, cut from ``line`` as written."""
    rest = view[start:]
    end = _FIELD_END.search(rest, 1)
    stop = start + (end.start() if end else len(rest))
    gap = re.search(r"\s{2,}", view[start:stop].strip())
    if gap:
        stop = start + len(view[start:stop]) - len(view[start:stop].lstrip()) + gap.start()
    while start < stop and view[start] in _VALUE_TRIM:
        start += 1
    while stop > start and view[stop - 1] in _VALUE_TRIM:
        stop -= 1
    if not 0 < stop - start <= MAX_NAME_CHARS:
        return None
    positions = view_positions(line)
    value = line[positions[start] : positions[stop - 1] + 1]
    if stop < len(positions) and positions[stop] > positions[stop - 1] + 1:
        value = line[positions[start] : positions[stop]]
    return fold_spaces(value) or None


def source_of(line: str) -> str | None:
    """The source outlet named on a line (``来源：经济日报``, ``（文章来源：新华财经）``).

    The value is returned as written on the page (repairs come later).

    >>> source_of("（文章来源：新华财经）")
    '新华财经'
    >>> source_of("來源:經(jīng)濟(jì)日報 時間:2020-09-22 11:59:19")
    '經(jīng)濟(jì)日報'
    """
    view = match_view(line)
    enclosed = _ENCLOSED_SOURCE.match(view)
    if enclosed:
        return _field_value(line, view, enclosed.start("v"))
    if _SENTENCE_END.search(view):
        return None
    found = _SOURCE.search(view)
    return _field_value(line, view, found.end()) if found else None


def author_of(line: str) -> str | None:
    """The author named on a short metadata line (``作者：张三``, ``本报记者 李四``).

    >>> author_of("来源：山西日报 作者：张三 时间：2022-02-22")
    '张三'
    >>> author_of("劉宏杰告訴經濟日報記者，") is None
    True
    """
    view = match_view(line)
    found = _AUTHOR.search(view)
    if not found:
        return None
    value = _field_value(line, view, found.end())
    return None if value is None or re.search(r"[，。,]", value) else value


def is_source_line(line: str) -> bool:
    """A line that is only a source credit (``（文章来源：新华财经）``)."""
    view = match_view(line).strip()
    return bool(_ENCLOSED_SOURCE.match(view)) or (
        len(view) <= MAX_NAME_CHARS + 6
        and re.match(r"^(?:文章|新闻)?来源\s*[:：]", view) is not None
    )


def is_metadata_line(line: str) -> bool:
    """A short line made of metadata fields (date, source, author, editor, views).

    >>> is_metadata_line("編輯:2022-02-22 08:36:38")
    True
    >>> is_metadata_line("2022年2月17日，晋中市召开座谈会，听取各方意见建议。")
    False
    >>> is_metadata_line("tags: 新华财经新闻")
    True
    """
    if len(line) > 100:
        return False
    view = match_view(line)
    if re.search(r"[。！？]", view):
        return False
    if is_source_line(line) or _SOURCE.search(view):
        return True
    found = _DATE.search(view)
    if found:
        rest = (view[: found.start()] + " " + view[found.end() :]).strip()
        return len(rest) <= 60 and not re.search(r"[，,]", rest)
    # A label line: bylines, and the tag line blogs and portals end a post with.
    labels = r"作者|记者|编辑|责任编辑|通讯员|摄影|供稿|标签|关键词|tags?"
    return bool(re.match(rf"^\s*(?:{labels})\s*[:：]", view, re.IGNORECASE))


def original_url_of(text: str, href: str | None) -> str | None:
    """The original article's URL on a line that links it, else None.

    >>> original_url_of("<http://finews.zning.xyz/a.html?infoCode=NW1>", None)
    'http://finews.zning.xyz/a.html?infoCode=NW1'
    >>> original_url_of("原文链接", "https://example.cn/a.html")
    'https://example.cn/a.html'
    """
    text = text.strip()
    bare = _URL_ONLY.match(text)
    if bare:
        return bare.group("u")
    label = _ORIGINAL_LABEL.match(text)
    if label:
        rest = text[label.end() :].strip()
        inline = _URL_ONLY.match(rest)
        if inline:
            return inline.group("u")
        if href and href.startswith(("http://", "https://")):
            return href
    return None


def strip_site_suffix(title: str, site_names: Iterable[str] = ()) -> str:
    """``<title>`` without the site-name part (``标题_生态中国网`` -> ``标题``).

    >>> strip_site_suffix("同煤集团：红色引擎推动绿色发展_生态企业_生态中国网")
    '同煤集团：红色引擎推动绿色发展'
    >>> strip_site_suffix("晋能控股集团 - 新华财经")
    '晋能控股集团'
    """
    text = fold_spaces(title)
    for name in site_names:
        if name and text.endswith(name) and len(text) > len(name) + MIN_TITLE_CHARS:
            text = text[: -len(name)].rstrip(" _-|｜—－")
    parts = [p for p in _TITLE_SEPARATORS.split(text) if p]
    if len(parts) <= 1:
        return text
    longest = max(parts, key=len)
    first = parts[0]
    return first if len(first) >= MIN_TITLE_CHARS and len(first) * 2 >= len(longest) else longest


@dataclass(frozen=True, slots=True)
class HeadMeta:
    """What a page's ``<head>`` says: ``<title>``, Open Graph and JSON-LD fields."""

    title: str | None = None
    og_title: str | None = None
    published: dt.datetime | None = None
    author: str | None = None
    source: str | None = None
    site_name: str | None = None
    keywords: tuple[str, ...] = ()


_META_XPATH = etree.XPath("//meta[@content]")
_TITLE_XPATH = etree.XPath("//title")
_JSONLD_XPATH = etree.XPath("//script[@type='application/ld+json']")

#: ``<meta>`` names and properties that carry the publication time.
PUBLISHED_META = (
    "article:published_time",
    "og:article:published_time",
    "og:release_date",
    "publishdate",
    "pubdate",
    "publish_date",
    "publishtime",
    "published_time",
    "datepublished",
    "weibo:article:create_at",
)


def head_meta(root: etree._Element) -> HeadMeta:
    """Read the head of a parsed page (before scripts are skipped)."""
    metas: dict[str, str] = {}
    for meta in _META_XPATH(root):
        key = (meta.get("property") or meta.get("name") or meta.get("itemprop") or "").lower()
        if key and key not in metas:
            metas[key] = meta.get("content") or ""
    titles = _TITLE_XPATH(root)
    title = fold_spaces("".join(titles[0].itertext())) if titles else None
    published = None
    for key in PUBLISHED_META:
        if metas.get(key):
            published = parse_iso(metas[key])
            if published:
                break
    ld = _json_ld(root)
    if published is None and isinstance(ld.get("datePublished"), str):
        published = parse_iso(ld["datePublished"])
    author = metas.get("author") or _ld_name(ld.get("author"))
    keywords = tuple(
        k.strip() for k in re.split(r"[,，;；|\s]+", metas.get("keywords", "")) if k.strip()
    )
    return HeadMeta(
        title=title or None,
        og_title=fold_spaces(metas.get("og:title", "")) or _ld_text(ld.get("headline")),
        published=published,
        author=fold_spaces(author) if author else None,
        source=fold_spaces(metas.get("source", "")) or None,
        site_name=fold_spaces(metas.get("og:site_name", "")) or None,
        keywords=keywords,
    )


def _json_ld(root: etree._Element) -> Mapping[str, object]:
    for script in _JSONLD_XPATH(root):
        try:
            data = json.loads(script.text or "")
        except ValueError:
            continue
        items = data if isinstance(data, list) else data.get("@graph", [data])
        for item in items if isinstance(items, list) else []:
            if isinstance(item, dict) and ("datePublished" in item or "headline" in item):
                return item
    return {}


def _ld_text(value: object) -> str | None:
    return fold_spaces(value) or None if isinstance(value, str) else None


def _ld_name(value: object) -> str | None:
    if isinstance(value, list) and value:
        value = value[0]
    if isinstance(value, dict):
        value = value.get("name")
    return value if isinstance(value, str) and value.strip() else None


#: Characters only the traditional script writes (in Big5, not in GB2312:
#: 發, 黨, 國) and only the simplified script writes (in GB2312, not in Big5:
#: 发, 党, 国). Characters both share say nothing.
_BIG5, _GB2312 = frozenset(big5_hanzi()), frozenset(gb2312_hanzi())
TRADITIONAL_ONLY = _BIG5 - _GB2312
SIMPLIFIED_ONLY = _GB2312 - _BIG5

_TRADITIONAL_RE = re.compile("[" + "".join(sorted(TRADITIONAL_ONLY)) + "]")
_SIMPLIFIED_RE = re.compile("[" + "".join(sorted(SIMPLIFIED_ONLY)) + "]")

#: Share of script-marked characters above which a text is of one script;
#: between the two it is ``mixed``. Seeds 001 and 003 (traditional with
#: pinyin residue) are at 0.99; simplified seeds at 0.0; quotes of one script
#: in an article of the other stay under 10%.
SCRIPT_SHARE = 0.9


def detect_script(text: str) -> str:
    """``simplified``, ``traditional`` or ``mixed``: the script ``text`` is written in.

    >>> detect_script("傾聽基層心聲 助推黨建發展"), detect_script("倾听基层心声 助推党建发展")
    ('traditional', 'simplified')
    >>> detect_script("党建 黨建 发展 發展")
    'mixed'
    """
    traditional = len(_TRADITIONAL_RE.findall(text))
    simplified = len(_SIMPLIFIED_RE.findall(text))
    marked = traditional + simplified
    if not marked or simplified >= SCRIPT_SHARE * marked:
        return "simplified"
    if traditional >= SCRIPT_SHARE * marked:
        return "traditional"
    return "mixed"
