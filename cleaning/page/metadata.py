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
from typing import NamedTuple

from lxml import etree

from cleaning.page.furniture import match_view, view_positions
from cleaning.record import CHINA_TZ
from cleaning.text.normalize import fold_spaces

#: China Standard Time, the zone of every date line of this corpus.

#: Years a news article of this corpus can carry: the web era to the near future.
MIN_YEAR, MAX_YEAR = 1995, 2100

#: Parts of the day printed before a 12-hour time (``下午3:40``), and the
#: hours to add to it: afternoon and evening are after noon; ``中午1:30``
#: is 13:30, ``中午11:50`` and ``中午12:10`` are as printed.
HALF_DAYS = {
    **dict.fromkeys(("凌晨", "早上", "早晨", "上午"), 0),
    **dict.fromkeys(("下午", "傍晚", "晚上", "晚间", "夜间", "夜里"), 12),
    "中午": 12,
}

_DATE = re.compile(
    r"(?P<y>(?:19|20)\d\d)\s*(?:[-/.]|年)\s*(?P<m>\d{1,2})\s*(?:[-/.]|月)\s*"
    # The day; two digits glued to a two-digit time where two inline
    # elements printed them without a space (``2024.05.2014:33``).
    r"(?P<d>\d{2}(?=\d{2}[:：]\d{2})|\d{1,2}(?![\d]))\s*日?"
    # A weekday between the date and the time: ``2024年3月6日週三 上午9:15``.
    r"(?:\s*[(（]?\s*(?:星期|礼拜|周|週)[一二三四五六日天][)）]?)?"
    r"(?:[T\s]*(?P<ap>" + "|".join(HALF_DAYS) + r")?\s*"
    r"(?P<H>\d{1,2})\s*[:：时]\s*(?P<M>\d{1,2})(?:\s*[:：分]\s*(?P<S>\d{1,2})(?:\.\d+)?)?"
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
)
#: Labels of the time a page was last changed: the published time is not
#: this one, so such a date ranks below an unlabelled one (``UPDATED_RANK``).
UPDATED_LABELS = ("更新时间", "更新日期", "更新于", "最后更新", "最后修改", "修改时间", "修改于")
_DATE_LABEL = re.compile("(?:" + "|".join(DATE_LABELS + UPDATED_LABELS) + r")\s*[:：]?\s*$")

#: Labels of the day the page is read, which portals print in their header
#: (``今天是：2024年6月1日 星期六``): never a time of publication.
TODAY_LABELS = ("今天是", "今天", "今日", "当前日期", "当前时间", "现在时间", "现在是")
_TODAY_LABEL = re.compile("(?:" + "|".join(TODAY_LABELS) + r")\s*[:：]?\s*$")

#: Rank of an unlabelled date on a metadata line, and of an update time.
UNLABELLED_RANK = len(DATE_LABELS)
UPDATED_RANK = UNLABELLED_RANK + 1

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
    return moment if moment.tzinfo else moment.replace(tzinfo=CHINA_TZ)


#: How much of a time a page gave, finest first (``Record.published_precision``).
PRECISIONS = ("second", "minute", "day")


@dataclass(frozen=True, slots=True)
class Stamp:
    """A point in time as a page gives it: the moment and how precise it is.

    A date-only value is China midnight with ``precision == "day"``, so it
    can be told from a time printed as ``00:00``.
    """

    moment: dt.datetime
    precision: str

    @property
    def day(self) -> dt.date:
        """The calendar day in China time."""
        return self.moment.astimezone(CHINA_TZ).date()

    @property
    def has_time(self) -> bool:
        return self.precision != "day"


def parse_stamp(text: str) -> Stamp | None:
    """The first valid date (and time) in ``text``, with its precision.

    >>> parse_stamp("编辑:2022-02-22 08:36").precision
    'minute'
    >>> parse_stamp("2022/02/22")
    Stamp(moment=datetime.datetime(2022, 2, 22, 0, 0, tzinfo=...), precision='day')
    """
    for found in _DATE.finditer(text):
        stamp = _stamp(found)
        if stamp is not None:
            return stamp
    return None


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
    stamp = parse_stamp(text)
    return stamp.moment if stamp else None


def _stamp(found: re.Match[str]) -> Stamp | None:
    moment = _moment(found)
    if moment is None:
        return None
    precision = "second" if found["S"] else "minute" if found["M"] else "day"
    return Stamp(moment, precision)


def _moment(found: re.Match[str]) -> dt.datetime | None:
    year, month, day = int(found["y"]), int(found["m"]), int(found["d"])
    hour, minute, second = (int(found[k]) if found[k] else 0 for k in ("H", "M", "S"))
    part = found["ap"]
    if part and hour == 12 and part == "凌晨":
        hour = 0  # 凌晨12:30 is half past midnight; any other 12 is noon
    elif part and hour < 12 and not (part == "中午" and hour == 11):
        hour += HALF_DAYS[part]
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
    return moment.replace(tzinfo=CHINA_TZ)


def parse_iso(value: str) -> dt.datetime | None:
    """An ISO 8601 (or ``YYYY-MM-DD HH:MM:SS +0800``) value, zone-aware."""
    stamp = parse_iso_stamp(value)
    return stamp.moment if stamp else None


def parse_iso_stamp(value: str) -> Stamp | None:
    """An ISO 8601 value of a ``<meta>`` tag or front matter, with its precision."""
    value = value.strip()
    stamp = parse_stamp(value)
    if stamp is not None:
        return stamp
    try:
        moment = china_time(dt.datetime.fromisoformat(value.replace("Z", "+00:00")))
    except ValueError:
        return None
    return Stamp(moment, "second") if MIN_YEAR <= moment.year <= MAX_YEAR else None


class DateClue(NamedTuple):
    """A date printed on a line, the rank of its label (0 strongest) and where
    the line is (the order the evidence was given in, 0 nearest the headline)."""

    stamp: Stamp
    rank: int
    order: int = 0


def labelled_date(line: str) -> tuple[int, dt.datetime] | None:
    """A date on a metadata line and the rank of its label (0 strongest).

    A date after a known label (``发布时间：``, ``時間:``, ``编辑:``) ranks
    by the label; an unlabelled date on a short line ranks after them, an
    update time (``更新时间：``) last. Of several dates on a line, the best
    ranked is taken (``更新时间：… 发布时间：…`` gives the second).

    >>> rank, moment = labelled_date("來源:經(jīng)濟(jì)日報 時間:2020-09-22 11:59:19")
    >>> rank, moment.isoformat()
    (5, '2020-09-22T11:59:19+08:00')
    """
    clue = line_date(line)
    return (clue.rank, clue.stamp.moment) if clue else None


def line_date(line: str, order: int = 0) -> DateClue | None:
    """The best-labelled date of a line, whatever the line is (see ``date_line``)."""
    view = match_view(line)
    best: DateClue | None = None
    for found in _DATE.finditer(view):
        stamp = _stamp(found)
        before = view[max(0, found.start() - 12) : found.start()]
        if stamp is None or _TODAY_LABEL.search(before):
            continue
        label = _DATE_LABEL.search(before)
        if label is None:
            rank = UNLABELLED_RANK
        else:
            word = label.group(0).rstrip(" :：")
            rank = DATE_LABELS.index(word) if word in DATE_LABELS else UPDATED_RANK
        if best is None or rank < best.rank:
            best = DateClue(stamp, rank, order)
    return best


#: Field labels that make a line with a date a metadata line even when the
#: rest of it runs on (``作者：X 2020年01月12日18:32 浏览：272 收藏 觉得不错，我要 赞赏``).
_FIELD_LABEL = re.compile(r"(?:作者|来源|浏览|阅读|点击|编辑|责任编辑|原创|发布)\s*[:：]?")

#: Longest line read for a date beside a headline: longer is prose.
MAX_DATE_LINE_CHARS = 100


def date_line(line: str, order: int = 0) -> DateClue | None:
    """The date of a metadata line (``is_metadata_line``, or a short line of
    labelled fields with a date), else None: prose that mentions a date is not one."""
    if len(line) > MAX_DATE_LINE_CHARS:
        return None
    if not is_metadata_line(line):
        view = match_view(line)
        if _SENTENCE_END.search(view) or not _FIELD_LABEL.search(view):
            return None
    return line_date(line, order)


#: A date in a URL path: ``/2024-05/20/``, ``/2022/0218/``, ``t20240520_``,
#: ``/c/2024-05-10/doc-`` (a four-digit year; two-digit years are too often ids).
_URL_DATE = re.compile(
    r"(?<![\d])(?P<y>(?:19|20)\d\d)[-/_]?(?P<m>0[1-9]|1[0-2])[-/_]?(?P<d>0[1-9]|[12]\d|3[01])(?![\d])"
)


def url_date(url: str) -> Stamp | None:
    """The date a URL's path carries, day precision, else None.

    >>> url_date("https://news.example.cn/2024-05/20/content_1.htm").moment.date()
    datetime.date(2024, 5, 20)
    >>> url_date("http://example.cn/gj/202405/t20240520_15263156.htm").moment.date()
    datetime.date(2024, 5, 20)
    >>> url_date("http://example.cn/a.asp?id=2024123") is None
    True
    """
    path = url.split("?", 1)[0].split("#", 1)[0]
    for found in _URL_DATE.finditer(path):
        try:
            moment = dt.datetime(int(found["y"]), int(found["m"]), int(found["d"]), tzinfo=CHINA_TZ)
        except ValueError:
            continue
        if MIN_YEAR <= moment.year <= MAX_YEAR:
            return Stamp(moment, "day")
    return None


@dataclass(frozen=True, slots=True)
class DateEvidence:
    """Every clue to when an article was published, gathered by the page stages.

    ``near`` are the lines beside the headline (nearest first), ``above``
    the other lines above the article, ``below`` those below it; ``ruled``
    the texts a site rule names; ``meta`` the head's time; ``url`` the
    document's URL.
    """

    matter: Stamp | None = None
    ruled: tuple[str, ...] = ()
    near: tuple[str, ...] = ()
    above: tuple[str, ...] = ()
    below: tuple[str, ...] = ()
    meta: Stamp | None = None
    url: str = ""


class Published(NamedTuple):
    """The publication time chosen and the clue it came from (for the stage counters)."""

    stamp: Stamp | None
    via: str


def _best(clues: list[DateClue], meta: Stamp | None) -> DateClue | None:
    """The best clue: strongest label, then agreeing with the head's day, then nearest."""
    if not clues:
        return None

    def key(clue: DateClue) -> tuple[int, int, int]:
        agrees = meta is not None and clue.stamp.day == meta.day
        return clue.rank, 0 if agrees else 1, clue.order

    return min(clues, key=key)


def _clues(lines: Iterable[str], metadata_only: bool = True) -> list[DateClue]:
    read = date_line if metadata_only else line_date
    found = (read(line, order) for order, line in enumerate(lines))
    return [clue for clue in found if clue is not None]


def choose_published(evidence: DateEvidence) -> Published:
    """The publication time the way a reader finds it.

    In order: front matter; a site rule's date element; the time printed
    beside the headline or above the article (its label's rank, then
    agreement with the head's day, then nearness); a time printed below the
    article; the head's ``<meta>``/JSON-LD time; the URL's date. The head's
    time wins only where the page prints none, or where it refines what
    the page prints (a time on a printed date's day, the seconds of a
    printed minute): a date-only value never replaces a printed time, and a
    printed time wins over a head that disagrees. An update time
    (``更新时间``) is taken only when nothing else gives a time of
    publication.
    """
    if evidence.matter is not None:
        return Published(evidence.matter, "matter")
    meta = evidence.meta
    ruled = _best(_clues(evidence.ruled, metadata_only=False), meta)
    if ruled is not None:
        return Published(ruled.stamp, "site-rule")
    updated: DateClue | None = None
    for via, lines in (("visible", (*evidence.near, *evidence.above)), ("below", evidence.below)):
        clue = _best(_clues(lines), meta)
        if clue is not None and clue.rank == UPDATED_RANK:
            updated = updated or clue
            clue = None
        if clue is None:
            continue
        if meta is not None and (
            _refines(meta, clue.stamp)
            or (via == "below" and not (clue.stamp.has_time and clue.stamp.day == meta.day))
        ):
            return Published(meta, "meta")
        return Published(clue.stamp, via)
    if meta is not None:
        return Published(meta, "meta")
    if updated is not None:
        return Published(updated.stamp, "updated")
    from_url = url_date(evidence.url)
    if from_url is not None:
        return Published(from_url, "url")
    return Published(None, "none")


def _refines(meta: Stamp, printed: Stamp) -> bool:
    """Whether the head's time says more than the printed one and agrees with
    it: a time on a printed date's day, seconds on a printed minute."""
    if not printed.has_time:
        return meta.has_time and meta.day == printed.day
    return (
        printed.precision == "minute"
        and meta.precision == "second"
        and meta.moment.replace(second=0, microsecond=0) == printed.moment
    )


_VALUE_TRIM = "（）()【】[]<>《》 ,，.。;；|｜\u00a0\u3000"


#: Two or more spaces: the gap between two fields of one info line.
_GAP = re.compile(r"\s{2,}")


def _field_value(line: str, view: str, start: int) -> str | None:
    """The field value starting at ``start`` of the view, cut from ``line`` as written."""
    rest = view[start:]
    end = _FIELD_END.search(rest, 1)
    stop = start + (end.start() if end else len(rest))
    gap = _GAP.search(view[start:stop].strip())
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


#: Where a byline's reporters filed from, after their names: ``发自北京``,
#: ``北京报道`` (not part of a name).
_BYLINE_PLACE = re.compile(r"\s*(?:发自\S{1,12}|\S{0,12}报道)$")


#: A comma or full stop inside a name: the byline ran on into a sentence.
_NAME_BREAK = re.compile(r"[，。,]")


def author_of(line: str) -> str | None:
    """The author named on a short metadata line (``作者：张三``, ``本报记者 李四``).

    >>> author_of("来源：山西日报 作者：张三 时间：2022-02-22")
    '张三'
    >>> author_of("劉宏杰告訴經濟日報記者，") is None
    True
    >>> author_of("本报记者 王五 发自北京")
    '王五'
    """
    view = match_view(line)
    found = _AUTHOR.search(view)
    if not found:
        return None
    value = _field_value(line, view, found.end())
    if value is not None:
        value = _BYLINE_PLACE.sub("", value) or None
    return None if value is None or _NAME_BREAK.search(value) else value


#: A source label at a line's start (``来源：``, ``文章来源:``).
_SOURCE_LABEL = re.compile(r"^(?:文章|新闻)?来源\s*[:：]")


def is_source_line(line: str) -> bool:
    """A line that is only a source credit (``（文章来源：新华财经）``)."""
    view = match_view(line).strip()
    return bool(_ENCLOSED_SOURCE.match(view)) or (
        len(view) <= MAX_NAME_CHARS + 6 and _SOURCE_LABEL.match(view) is not None
    )


#: A comma: what remains of a date line beside its date is a sentence if it has one.
_COMMA = re.compile(r"[，,]")


#: A label line: bylines, and the tag line blogs and portals end a post with.
_LABEL_LINE = re.compile(
    r"^\s*(?:作者|记者|编辑|责任编辑|通讯员|摄影|供稿|标签|关键词|tags?)\s*[:：]", re.IGNORECASE
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
    if _SENTENCE_END.search(view):
        return False
    if is_source_line(line) or _SOURCE.search(view):
        return True
    found = _DATE.search(view)
    if found:
        rest = (view[: found.start()] + " " + view[found.end() :]).strip()
        return len(rest) <= 60 and not _COMMA.search(rest)
    return bool(_LABEL_LINE.match(view))


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
    published: Stamp | None = None
    author: str | None = None
    source: str | None = None
    site_name: str | None = None
    keywords: tuple[str, ...] = ()


#: The elements ``head_meta`` reads, found in one pass over the tree.
_HEAD_TAGS = ("meta", "title", "script")

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
    "weibo: article:create_at",
    "og:time",
    "pubtime",
    "publish-date",
    "publication_date",
    "dc.date.issued",
)


#: JSON-LD keys of the publication time: schema.org's, and the ``pubDate``
#: of the structured data Chinese sites give their search engine (``upDate``,
#: the update time, is not one).
LD_PUBLISHED = ("datePublished", "pubDate")


def element_text(element: etree._Element) -> str:
    """The text an element holds, its descendants' included."""
    return "".join(t for t in element.itertext() if isinstance(t, str))


def head_meta(root: etree._Element | None) -> HeadMeta:
    """Read the head of a parsed page (before scripts are skipped); nothing without one."""
    if root is None:
        return HeadMeta()
    metas: dict[str, str] = {}
    titles: list[etree._Element] = []
    scripts: list[etree._Element] = []
    for element in root.iter(*_HEAD_TAGS):
        if element.tag == "title":
            titles.append(element)
        elif element.tag == "script":
            if (element.get("type") or "").strip().lower() == "application/ld+json":
                scripts.append(element)
        elif element.get("content") is not None:
            name = element.get("property") or element.get("name") or element.get("itemprop")
            key = (name or "").strip().lower()
            if key and key not in metas:
                metas[key] = element.get("content") or ""
    title = fold_spaces(element_text(titles[0])) if titles else None
    published = None
    for key in PUBLISHED_META:
        if metas.get(key):
            published = parse_iso_stamp(metas[key])
            if published:
                break
    ld = _json_ld(scripts)
    for key in LD_PUBLISHED:
        value = ld.get(key)
        if published is None and isinstance(value, str):
            published = parse_iso_stamp(value)
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


def _json_ld(scripts: list[etree._Element]) -> Mapping[str, object]:
    for script in scripts:
        try:
            data = json.loads(script.text or "")
        except ValueError:
            continue
        items = data if isinstance(data, list) else data.get("@graph", [data])
        for item in items if isinstance(items, list) else []:
            if isinstance(item, dict) and (
                "headline" in item or any(key in item for key in LD_PUBLISHED)
            ):
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
