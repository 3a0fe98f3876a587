"""Recognise page furniture: boilerplate at the edges of a body, and by structure.

ARTIFACTS.md §5: breadcrumbs, ``字号``, ``打印``, ``关闭``, share bars,
``上一篇/下一篇``, related-article lists, contact blocks, copyright and ICP
lines and ``返回首页`` links are not the article. They are recognised in two
ways only:

- by structure: elements whose tag (``nav``, ``footer``...) or class/id
  tokens (``share``, ``breadcrumb``, ``copyright``...) say what they are
  (``is_boilerplate_element``);
- by position: whole lines at the top or bottom edge of a body that match a
  furniture pattern (``trim_edges``).

A word that matches a pattern in the middle of an article is never touched.

Patterns match a *view* of the line (``match_view``) that sees through the
damage this corpus carries: pinyin readings after characters
(``關(guān)閉``) and traditional script (``來源:``). The view is for matching
only; the text itself is repaired later by ``repair_text``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from functools import lru_cache

#: Traditional forms of the characters that occur in the furniture and
#: metadata keywords below, with their simplified forms (OpenCC s2t of the
#: keywords, plus 係/繫 for 系). Enough to match keywords; not a converter.
_TRADITIONAL = (
    "來時間編輯關閉聯繫係們號備權請刪發佈記責頁聞閱讀薦熱點擊瀏覽數電話傳郵網稱掃維碼衆當"
    "轉載註處聲辦單術鏈體糾錯舉報評論錄冊導圖隱條許證務經濟審覈對攝視頻門戶欄專題於臺內為與會員區設"
)
_SIMPLIFIED = (
    "来时间编辑关闭联系系们号备权请删发布记责页闻阅读荐热点击浏览数电话传邮网称扫维码众当"
    "转载注处声办单术链体纠错举报评论录册导图隐条许证务经济审核对摄视频门户栏专题于台内为与会员区设"
)
_KEYWORD_T2S = str.maketrans(_TRADITIONAL, _SIMPLIFIED)

#: A pinyin reading left after a character by flattened ruby markup
#: (ARTIFACTS.md §1): one syllable, tone marks or ü, maybe a trailing space.
_READING = re.compile(r"(?<=[\u3400-\u9fff])\([a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü]{1,7} ?\)")

#: White space of Chinese pages: ASCII, no-break, ideographic and en/em spaces.
_SPACES = re.compile(r"[\s\u00a0\u3000\u2002\u2003\u2009]+")


@lru_cache(maxsize=4096)
def match_view(line: str) -> str:
    """The line as patterns see it: readings dropped, keyword characters simplified.

    >>> match_view("關(guān)閉")
    '关闭'
    >>> match_view("來源:經(jīng)濟(jì)日報")
    '来源:经济日报'
    """
    return _READING.sub("", line).translate(_KEYWORD_T2S)


def view_positions(line: str) -> list[int]:
    """For each character of ``match_view(line)``, its index in ``line``.

    Lets a value found in the view be cut from the line as written.

    >>> line = "來(lái)源:報"
    >>> [line[i] for i in view_positions(line)]
    ['來', '源', ':', '報']
    """
    kept: list[int] = []
    last = 0
    for found in _READING.finditer(line):
        kept.extend(range(last, found.start()))
        last = found.end()
    kept.extend(range(last, len(line)))
    return kept


def _alternation(*words: str) -> str:
    return "(?:" + "|".join(words) + ")"


_COLON = "[:：]"

#: Short controls that page templates print around an article.
CONTROL_WORDS = (
    "字号",
    "字体",
    "大",
    "中",
    "小",
    "打印",
    "打印本页",
    "打印此页",
    "关闭",
    "关闭窗口",
    "关闭本页",
    "收藏",
    "加入收藏",
    "分享",
    "分享到",
    "纠错",
    "举报",
    "评论",
    "默认",
    "特大",
    "返回顶部",
    "返回列表",
    "返回首页",
    "返回上页",
    "扫一扫",
    "放大",
    "缩小",
    "复制链接",
    "微信",
    "微博",
    "QQ",
    "QQ空间",
    "【",
    "】",
    "[",
    "]",
    "|",
    "｜",
    "/",
    "-",
    "·",
    "：",
    ":",
)

#: A line made only of controls (``字号：大 中 小``, ``【打印】【关闭】``).
_CONTROLS_ONLY = re.compile(
    "^(?:"
    + "|".join(re.escape(w) for w in sorted(CONTROL_WORDS, key=len, reverse=True))
    + r"|\s)+$"
)

#: Headings that open a block of furniture running to the end of the page.
SECTION_HEADINGS = (
    "联系我们",
    "联系方式",
    "相关新闻",
    "相关阅读",
    "相关文章",
    "相关链接",
    "推荐阅读",
    "热点推荐",
    "热门推荐",
    "延伸阅读",
    "猜你喜欢",
    "网友评论",
    "友情链接",
)

#: Line starts that mark furniture wherever the line stands at an edge.
FURNITURE_STARTS = (
    "返回",
    "上一篇",
    "下一篇",
    "上一条",
    "下一条",
    "责任编辑",
    "责编",
    "编辑" + _COLON,
    "审核" + _COLON,
    "校对" + _COLON,
    "分享到",
    "扫一扫",
    "版权所有",
    "版权声明",
    "免责声明",
    "copyright",
    "©",
    "\\(c\\)",
    "本站(?:声明|郑重声明|所有|原创|部分)",
    "本网(?:声明|郑重声明|原创)",
    "主办",
    "承办",
    "技术支持",
    "网站地图",
    "当前位置",
    "您的位置",
    "您现在的位置",
    "所在位置",
    "位置" + _COLON,
    "\\*?本作品",
    "\\*?本文(?:来源|转载|转自|系转载|仅代表|观点|版权)",
    "转载请",
    "声明" + _COLON,
    "点击数",
    "点击" + _COLON,
    "浏览次数",
    "浏览" + _COLON,
    "阅读次数",
    "阅读" + _COLON,
    "【纠错】",
    *SECTION_HEADINGS,
    "发表评论",
    "我要评论",
    "点击上方",
    "点击蓝字",
    "长按二维码",
    "长按识别",
    "扫码关注",
    "关注我们",
    "打开APP",
    "下载APP",
    "展开全文",
    "阅读原文",
)
_FURNITURE_START = re.compile(r"^[\s*【\[(（]*" + _alternation(*FURNITURE_STARTS), re.IGNORECASE)

#: Anywhere in a short edge line: registration and copyright marks.
FURNITURE_MARKS = (
    "ICP备",
    "ICP证",
    "公网安备",
    "网安备",
    "备案号",
    "版权所有",
    "Copyright",
    "All Rights Reserved",
    "如有侵权",
    "转载请注明",
)
_FURNITURE_MARK = re.compile(_alternation(*FURNITURE_MARKS), re.IGNORECASE)

_SECTION_HEADING = re.compile(r"^[\s【\[]*" + _alternation(*SECTION_HEADINGS) + r"[\s】\]:：]*$")

#: Lines of a contact block (``电话:0354-2063092``).
CONTACT_LABELS = (
    "电话",
    "联系电话",
    "传真",
    "邮箱",
    "电子邮箱",
    "邮编",
    "邮政编码",
    "网址",
    "地址",
    "公司名称",
    "单位名称",
    "e-?mail",
    "qq",
    "微信",
    "热线",
)
_CONTACT_LINE = re.compile(r"^\s*" + _alternation(*CONTACT_LABELS) + r"\s*" + _COLON, re.IGNORECASE)

#: Crumbs a breadcrumb needs when nothing else marks it (no ``当前位置``
#: lead, no ``首页``/``正文`` crumb): two would take ``产值 > 利润`` for one.
MIN_BARE_CRUMBS = 3

#: Breadcrumb separators: ``生态中国网 > 生态企业 > 正文``.
_CRUMB_SEPARATOR = re.compile(r"\s*(?:>>|>|»|›|→|/|＞|〉)\s*")
_CRUMB_LEAD = re.compile(r"^\s*(?:当前位置|您的位置|您现在的位置|所在位置|位置)\s*[:：]?\s*")

#: The longest line taken for furniture at an edge: longer lines are prose.
#: Furniture lines of the seeds and sample pages are at most 60 characters;
#: the shortest real paragraphs at an edge of the seeds are over 70.
MAX_FURNITURE_CHARS = 80

#: Lines between a section heading (``联系我们``) and the page end that a
#: contact or related block may hold before the heading is taken as prose.
MAX_SECTION_LINES = 12

#: Sentence-ending punctuation: a line with it inside is prose, not a label.
_SENTENCE_END = re.compile(r"[。！？!?]\s*\S")


def fold_spaces(text: str) -> str:
    """Runs of white space of every width to one space, ends stripped."""
    return _SPACES.sub(" ", text).strip()


def is_controls(line: str) -> bool:
    """A line of page controls only (``字号：大 中 小``, ``【打印】 【关闭】``)."""
    view = match_view(line)
    return bool(view.strip()) and _CONTROLS_ONLY.match(view) is not None


def is_furniture(line: str) -> bool:
    """A short line that is page furniture wherever it stands at an edge.

    >>> is_furniture("*本作品如有侵權(quán),請聯(lián)系我們及時刪除。")
    True
    >>> is_furniture("公司名稱(chēng):晉中市茂盛園林綠化有限公司 備案號:晉ICP備19008657號-1")
    True
    >>> is_furniture("返回首页")
    True
    >>> is_furniture("国有企业是国民经济发展的中坚力量。")
    False
    """
    if len(line) > MAX_FURNITURE_CHARS:
        return False
    view = match_view(line)
    return bool(
        _FURNITURE_START.match(view)
        or _FURNITURE_MARK.search(view)
        or _CONTROLS_ONLY.match(view)
        or _CONTACT_LINE.match(view)
    )


def is_section_heading(line: str) -> bool:
    """A heading that opens a furniture block (``联系我们``, ``相关新闻``)."""
    return len(line) <= 20 and _SECTION_HEADING.match(match_view(line)) is not None


def breadcrumb(line: str) -> tuple[str, ...] | None:
    """The crumbs of a breadcrumb line, or None if the line is not one.

    >>> breadcrumb("生態(tài)中國網(wǎng) >  生態(tài)企業(yè) >  正文")
    ('生態(tài)中國網(wǎng)', '生態(tài)企業(yè)', '正文')
    >>> breadcrumb("当前位置：首页 > 新闻中心")
    ('首页', '新闻中心')
    >>> breadcrumb("“7月15日前，完成地面5G基站建设") is None
    True
    """
    if len(line) > MAX_FURNITURE_CHARS or _SENTENCE_END.search(line):
        return None
    led = _CRUMB_LEAD.match(match_view(line))
    body = line[led.end() :] if led else line
    parts = tuple(p for p in _CRUMB_SEPARATOR.split(body.strip()) if p)
    if len(parts) < 2 or any(len(p) > 24 for p in parts):
        return None
    arrows = ">" in body or "»" in body or "＞" in body
    homely = any(match_view(p).strip() in ("正文", "首页", "主页", "首頁") for p in parts)
    if not led and not homely and not (arrows and len(parts) >= MIN_BARE_CRUMBS):
        return None
    return parts


#: Crumbs that name no category: the page itself, or a site's one news
#: section (a company site's ``新闻中心`` holds all its news).
GENERIC_CRUMBS = frozenset(
    (
        *("正文", "详情", "内容", "文章", "首页", "主页", "列表", "文章列表", "阅读"),
        *("新闻", "新闻中心", "新闻动态", "新闻资讯", "资讯", "资讯中心", "动态"),
    )
)

_CRUMB_T2S = str.maketrans("詳內資訊態閱讀聞頁", "详内资讯态阅读闻页")


def _t2s_view(crumb: str) -> str:
    return match_view(crumb).translate(_CRUMB_T2S).strip()


def crumb_category(crumbs: Sequence[str]) -> str | None:
    """The category a breadcrumb names: its last section, not home and not ``正文``.

    >>> crumb_category(("生态中国网", "生态企业", "正文"))
    '生态企业'
    >>> crumb_category(("首页", "正文")) is None
    True
    """
    inner = [c.strip() for c in crumbs[1:] if _t2s_view(c) not in GENERIC_CRUMBS]
    return inner[-1] if inner else None


def section_start(lines: Sequence[str], end: int) -> int | None:
    """Where a furniture section (``联系我们`` and its short lines) ending at ``end`` starts.

    The heading must stand at most ``MAX_SECTION_LINES`` lines above ``end``
    with only short, sentence-free lines between: a contact block's
    company-name line matches no pattern, but goes with its heading.
    """
    for index in range(end - 1, max(-1, end - 1 - MAX_SECTION_LINES), -1):
        line = lines[index]
        if is_section_heading(line):
            return index
        if len(line) > MAX_FURNITURE_CHARS or _SENTENCE_END.search(line):
            return None
    return None


#: Elements that are furniture by their tag alone.
FURNITURE_TAGS = frozenset(("nav", "footer", "aside", "header", "menu"))

#: class/id tokens of furniture: share bars, comments, related lists,
#: breadcrumbs, navigation, footers, sidebars, pagers, toolbars, QR codes.
#: Pinyin initials are what Chinese CMS templates use (``xgxw`` 相关新闻,
#: ``dqwz`` 当前位置, ``yqlj`` 友情链接, ``ewm`` 二维码).
FURNITURE_TOKENS = frozenset(
    (
        *("share", "shares", "bdshare", "bdsharebuttonbox", "jiathis", "social", "fenxiang"),
        *("comment", "comments", "pinglun", "reply"),
        *("related", "relate", "xgxw", "xgwz", "xgyd", "xglj", "recommend", "tuijian"),
        *("breadcrumb", "breadcrumbs", "crumb", "crumbs", "position", "location", "dqwz"),
        *("nav", "navbar", "navigation", "menu", "menus", "subnav", "topnav"),
        *("footer", "foot", "copyright", "banquan"),
        *("sidebar", "sidebox", "sider", "aside"),
        *("ad", "ads", "advert", "advertisement", "banner", "guanggao"),
        *("login", "search", "sousuo"),
        *("pager", "pagination", "prenext", "updown", "sxp", "shangxia"),
        *("toolbar", "tools", "fontsize", "zihao", "gotop", "backtop", "totop", "print"),
        *("qrcode", "ewm", "erweima", "friendlink", "links", "yqlj"),
        *("hotnews", "hot", "rank", "paihang", "header", "topbar"),
    )
)

_CLASS_SPLIT = re.compile(r"[\s_\-]+")


@lru_cache(maxsize=8192)
def _furniture_attr(value: str) -> bool:
    lowered = value.lower()
    if lowered in FURNITURE_TOKENS:
        return True
    return any(token in FURNITURE_TOKENS for token in _CLASS_SPLIT.split(lowered))


def is_boilerplate_element(tag: str, css_class: str | None, element_id: str | None) -> bool:
    """An element that is page furniture by its tag or class/id tokens.

    >>> is_boilerplate_element("div", "bdsharebuttonbox", None)
    True
    >>> is_boilerplate_element("div", "article-content", "zoom")
    False
    """
    if tag in FURNITURE_TAGS:
        return True
    return bool(
        (css_class and _furniture_attr(css_class)) or (element_id and _furniture_attr(element_id))
    )


#: A block whose text is at least this share links is furniture at an edge
#: (``返回首页｜返回列表``, a related-articles list).
EDGE_LINK_SHARE = 0.5


def trim_edges(
    lines: Sequence[str],
    link_shares: Sequence[float],
    is_meta: Callable[[str], bool],
    title: str | None = None,
) -> tuple[int, int]:
    """The range of ``lines`` left once furniture is cut from both edges.

    From the top, cut empty lines, breadcrumbs, controls, furniture,
    metadata lines (``is_meta``), link lists and the title repeated; from
    the bottom, the same and whole furniture sections (``联系我们`` with its
    contact lines). Stops at the first line of the article on each side.
    """
    folded_title = fold_spaces(title).replace(" ", "") if title else None

    def edge_junk(index: int) -> bool:
        line = lines[index]
        return (
            not line.strip()
            or link_shares[index] >= EDGE_LINK_SHARE
            or is_furniture(line)
            or is_meta(line)
        )

    start, end = 0, len(lines)
    while start < end:
        line = lines[start]
        if (
            edge_junk(start)
            or breadcrumb(line) is not None
            or (folded_title and line.replace(" ", "") == folded_title)
        ):
            start += 1
        else:
            break
    while end > start:
        if edge_junk(end - 1):
            end -= 1
            continue
        section = section_start(lines, end)
        if section is None or section < start:
            break
        end = section
    return start, end
