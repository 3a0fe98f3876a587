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
from typing import NamedTuple

from cleaning.page.vocab import (
    AD_LABELS,
    CAPTION_STARTS,
    CAPTION_TAGS,
    CAPTION_TOKENS,
    COLON,
    CONTACT_LABELS,
    CONTROL_WORDS,
    CREDIT_MAX_CHARS,
    CREDIT_OUTLET_CHARS,
    CREDIT_ROLES,
    DISCLAIMER_MARKS,
    DISCLAIMER_MAX_CHARS,
    FOLD_LABELS,
    FURNITURE_MARKS,
    FURNITURE_STARTS,
    FURNITURE_TAGS,
    FURNITURE_TOKEN_PARTS,
    FURNITURE_TOKENS,
    GENERIC_CRUMBS,
    INFO_LABELS,
    INFO_MAX_CHARS,
    ORIGINAL_TITLE_LABELS,
    PHOTO_CREDIT_ENDS,
    REPORTER_ROLES,
    SECTION_HEADINGS,
)
from cleaning.text.normalize import fold_spaces
from cleaning.text.pinyin import READING_RE as _READING

#: Traditional forms of the characters that occur in the furniture and
#: metadata keywords below, with their simplified forms (OpenCC s2t of the
#: keywords, plus 係/繫 for 系). Enough to match keywords; not a converter.
_TRADITIONAL = (
    "來時間編輯關閉聯繫係們號備權請刪發佈記責頁聞閱讀薦熱點擊瀏覽數電話傳郵網稱掃維碼衆當"
    "監執筆譯廣貼讚贊開標題繼續製"
    "轉載註處聲辦單術鏈體糾錯舉報評論錄冊導圖隱條許證務經濟審覈對攝視頻門戶欄專題於臺內為與會員區設"
)
_SIMPLIFIED = (
    "来时间编辑关闭联系系们号备权请删发布记责页闻阅读荐热点击浏览数电话传邮网称扫维码众当"
    "监执笔译广贴赞赞开标题继续制"
    "转载注处声办单术链体纠错举报评论录册导图隐条许证务经济审核对摄视频门户栏专题于台内为与会员区设"
)
_KEYWORD_T2S = str.maketrans(_TRADITIONAL, _SIMPLIFIED)


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


#: A line made only of controls (``字号：大 中 小``, ``【打印】【关闭】``).
_CONTROLS_ONLY = re.compile(
    "^(?:"
    + "|".join(re.escape(w) for w in sorted(CONTROL_WORDS, key=len, reverse=True))
    + r"|\s)+$"
)

_FURNITURE_START = re.compile(r"^[\s*【\[(（]*" + _alternation(*FURNITURE_STARTS), re.IGNORECASE)

_FURNITURE_MARK = re.compile(_alternation(*FURNITURE_MARKS), re.IGNORECASE)

_SECTION_HEADING = re.compile(r"^[\s【\[]*" + _alternation(*SECTION_HEADINGS) + r"[\s】\]:：]*$")

#: A forum post's or blog entry's signature line, after which comes furniture.
_SIGNATURE = re.compile(r"^\s*(?:本贴由|本帖由|本帖最后由|本文发表于|由\S{1,12}张贴)")

_CONTACT_LINE = re.compile(r"^\s*" + _alternation(*CONTACT_LABELS) + r"\s*" + COLON, re.IGNORECASE)

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
#: contact, related or comment block may hold before the heading is taken
#: as prose (a related list of twenty headlines, a forum's reply list).
MAX_SECTION_LINES = 30

#: Sentence-ending punctuation: a line with it inside is prose, not a label.
_SENTENCE_END = re.compile(r"[。！？!?]\s*\S")


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
    with only short lines between (a contact block's company-name line
    matches no pattern, but goes with its heading); a post's signature
    (``本帖由 X 于 ... 发表``) opens a section the same way.
    """
    for index in range(end - 1, max(-1, end - 1 - MAX_SECTION_LINES), -1):
        line = lines[index]
        if is_section_heading(line) or _SIGNATURE.match(match_view(line)):
            return index
        if len(line) > MAX_FURNITURE_CHARS:
            return None
    return None


_CLASS_SPLIT = re.compile(r"[\s_\-]+")


@lru_cache(maxsize=8192)
def _furniture_attr(value: str) -> bool:
    lowered = value.lower()
    if lowered in FURNITURE_TOKENS or any(part in lowered for part in FURNITURE_TOKEN_PARTS):
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


def is_caption_element(tag: str, css_class: str | None, element_id: str | None) -> bool:
    """An element that holds a photo's caption, by its tag or class/id tokens.

    >>> is_caption_element("p", "pic-info img_desc", None)
    True
    >>> is_caption_element("p", "content", None)
    False
    """
    if tag in CAPTION_TAGS:
        return True
    return bool(
        (css_class and _caption_attr(css_class)) or (element_id and _caption_attr(element_id))
    )


@lru_cache(maxsize=8192)
def _caption_attr(value: str) -> bool:
    lowered = value.lower()
    return lowered in CAPTION_TOKENS or any(t in CAPTION_TOKENS for t in lowered.split())


@lru_cache(maxsize=16384)
def is_marked_attr(value: str) -> bool:
    """A class or id value that makes its element furniture or a photo caption
    (``is_boilerplate_element`` or ``is_caption_element`` for any tag).

    >>> is_marked_attr("bdsharebuttonbox"), is_marked_attr("pic-info"), is_marked_attr("content")
    (True, True, False)
    """
    return _furniture_attr(value) or _caption_attr(value)


# --- Lines inside an article that are not the article ---------------------

#: Sentence punctuation: a credit or a label has none.
_CLAUSE_PUNCT = re.compile(r"[，。！？；,;!?]")

_NAME = r"[\u4e00-\u9fff·]{2,4}"

#: A photo credit ending a line: ``新华社记者 王晓明 摄``, ``（王明 摄）``,
#: ``图为会议现场。张三 摄影``; the names follow a space, a bracket, a
#: sentence end or a role, so that a sentence ending in ``拍摄`` is not one.
_PHOTO_CREDIT = re.compile(
    r"(?:^|[\s（(。！？；：:/]|记者|通讯员|摄影|新华社发)\s*"
    + _NAME
    + r"(?:\s*[、和\s]\s*"
    + _NAME
    + r"){0,3}\s*"
    + _alternation(*PHOTO_CREDIT_ENDS)
    + r"\s*[)）]?\s*$"
)

#: A wire photo's credit without a name (``（新华社发）``).
_AGENCY_PHOTO = re.compile(r"[（(]\s*\S{1,8}(?:社|台|报)发\s*[)）]\s*$")

#: A caption's label at its start (``图片说明：``, ``图为``).
_CAPTION_START = re.compile(r"^\s*[\[【(（]?\s*" + _alternation(*CAPTION_STARTS))

#: Longest photo caption: a sentence or two and a credit.
MAX_CAPTION_CHARS = 200

_CREDIT_LABELLED = re.compile(
    rf"^[-*·•\s(（【\[]*.{{0,{CREDIT_OUTLET_CHARS}}}?"
    + _alternation(*CREDIT_ROLES)
    + r"人?\s*[:：|丨｜/]\s*\S"
)
_CREDIT_REPORTER = re.compile(
    rf"^[(（【\[]?\s*.{{0,{CREDIT_OUTLET_CHARS}}}?"
    + _alternation(*REPORTER_ROLES)
    + r"\s*[\u4e00-\u9fff·A-Za-z、\s]{2,24}?(?:\s*(?:发自|报道)\S{0,8})?\s*[)）】\]]?$"
)

_ORIGINAL_TITLE = re.compile(
    r"^\s*[(（【\[]?\s*" + _alternation(*ORIGINAL_TITLE_LABELS) + r"\s*" + COLON
)

_AD_LABEL = re.compile(
    r"^\s*(?:" + "|".join(re.escape(w) for w in AD_LABELS) + r")(?:$|[\s:：•·|])"
)
_AD_LEAD = re.compile(r"^\s*(?:广告|推广)")

#: A line of rule characters (``------``, ``======``, ``＊＊＊``).
_SEPARATOR = re.compile(r"^[-=_*~—－·.。＊※#\s]{3,}$")

#: A line that is a link's address, or a label and one (``Trackback: http://...``).
_URL_LINE = re.compile(r"(?:https?://|www\.)\S+\s*$", re.IGNORECASE)

#: Characters that carry no text: bullets, marks and rules.
_NO_TEXT = re.compile(r"^[\s\W_·•●○■□◆◇★☆▲△▶►×✕✖|｜]*$")

_FOLD = re.compile("^(?:" + "|".join(FOLD_LABELS) + r")\s*[>》›»∨﹀]?\s*$")


def is_caption_line(line: str) -> bool:
    """A photo caption: a short line ending in a photo credit, or led by a caption label.

    >>> is_caption_line("9月3日，工人在太原一处建设工地作业。 新华社记者 王晓明 摄")
    True
    >>> is_caption_line("（王明 摄）")
    True
    >>> is_caption_line("工作人员正在对设备进行检查拍摄。")
    False
    """
    if len(line) > MAX_CAPTION_CHARS:
        return False
    view = match_view(line).strip()
    # Both credits end the line, at most a bracket after them: a line that
    # ends otherwise is not searched (the search tries every position).
    closed = view.endswith((")", "）"))
    credited = (view[:-1].rstrip() if closed else view).endswith(PHOTO_CREDIT_ENDS)
    return bool(
        (credited and _PHOTO_CREDIT.search(view))
        or (closed and _AGENCY_PHOTO.search(view))
        or _CAPTION_START.match(view)
    )


def is_credit_line(line: str) -> bool:
    """A byline or credit on its own line: ``本报记者 X Y``, ``文丨X``, ``执笔人：X``.

    >>> is_credit_line("（总台央视记者 王明 李华）")
    True
    >>> is_credit_line("文丨特约评论员 韩涵")
    True
    >>> is_credit_line("记者从有关部门获悉，工程将于年底完工。")
    False
    """
    if len(line) > CREDIT_MAX_CHARS:
        return False
    view = match_view(line).strip()
    if _CLAUSE_PUNCT.search(view):
        return False
    compact = view.replace(" ", "").replace("\u3000", "")
    return bool(_CREDIT_LABELLED.match(compact) or _CREDIT_REPORTER.match(view))


def is_ad_label(line: str) -> bool:
    """An advertisement's label, alone or leading its short title (``广告``, ``推广 …``).

    >>> is_ad_label("广告")
    True
    >>> is_ad_label("广告行业的发展，离不开诚信经营。")
    False
    """
    view = match_view(line).strip()
    if _AD_LABEL.match(view):
        return len(view) <= MAX_FURNITURE_CHARS
    return bool(
        _AD_LEAD.match(view) and len(view) <= CREDIT_MAX_CHARS and not _CLAUSE_PUNCT.search(view)
    )


def is_inline_junk(line: str) -> bool:
    """A line that is never the article, wherever it stands in the body.

    Bullets and rules alone, single characters (a vertical label printed one
    character a line), controls (``展开全文``, ``【打印】``), photo
    captions, bylines and credits on their own line, ``原标题：`` lines and
    advertisement labels.
    """
    text = line.strip()
    if len(text) <= 1 or _NO_TEXT.match(text):
        return True
    view = match_view(text)
    return bool(
        _FOLD.match(view)
        or is_controls(text)
        or _ORIGINAL_TITLE.match(view)
        or is_caption_line(text)
        or is_credit_line(text)
        or is_ad_label(text)
    )


_DISCLAIMER = re.compile(_alternation(*DISCLAIMER_MARKS), re.IGNORECASE)


def is_disclaimer(line: str) -> bool:
    """A trailing disclaimer or copyright statement (``声明：本文仅代表作者观点…``).

    >>> is_disclaimer("声明：本文由入驻作者撰写，观点仅代表作者本人，本平台仅提供信息存储服务。")
    True
    """
    return len(line) <= DISCLAIMER_MAX_CHARS and _DISCLAIMER.search(match_view(line)) is not None


_INFO_LABEL = re.compile(_alternation(*INFO_LABELS) + r"\s*" + COLON)


def is_info_line(line: str) -> bool:
    """An article's info line: two labelled fields or more in a short line.

    >>> is_info_line("作者：某某 2020年01月12日18:32 浏览：272 收藏 觉得不错，我要 赞赏")
    True
    >>> is_info_line("会议指出：要坚持问题导向，时间：不等人。但这是正文的一句话。")
    False
    """
    if len(line) > INFO_MAX_CHARS or _SENTENCE_END.search(line):
        return False
    return len(_INFO_LABEL.findall(match_view(line))) >= 2


#: A line that is only a date (and time) in English words, as blog engines
#: print above a post: ``Saturday, September 10th, 2005 10:56 am``.
_ENGLISH_DATE_LINE = re.compile(
    r"^(?:(?:mon|tues|wednes|thurs|fri|satur|sun)day,?\s+)?"
    r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s+\d{1,2}(?:st|nd|rd|th)?,?\s+"
    r"\d{4}(?:,?\s+(?:at\s+)?\d{1,2}:\d{2}(?::\d{2})?\s*(?:[ap]\.?m\.?)?)?$",
    re.IGNORECASE,
)


def is_english_date_line(line: str) -> bool:
    """A line that is only a date in English words, as blog engines print
    above a post (``Saturday, September 10th, 2005 10:56 am``)."""
    return _ENGLISH_DATE_LINE.match(line.strip()) is not None


def is_edge_junk(line: str) -> bool:
    """A line cut at an article's edge beyond ``is_furniture``: disclaimers, rules, addresses."""
    return bool(
        is_disclaimer(line)
        or is_info_line(line)
        or _ENGLISH_DATE_LINE.match(line.strip())
        or is_inline_junk(line)
        or _SEPARATOR.match(line)
        or (len(line) <= MAX_FURNITURE_CHARS and _URL_LINE.search(line))
    )


#: Longest line taken for a headline, kicker or byline above the first
#: paragraph (the dev pages' titles and subtitles are 8-40 characters).
HEADING_LIKE_CHARS = 40


def is_heading_like(line: str) -> bool:
    """A short line with no sentence punctuation but a question mark at its
    end: a headline, kicker, date or byline (``老旧小区改造谁来出资？``).
    An exclamation ends an opening sentence more often than a kicker."""
    text = line.strip().rstrip("？?")
    return len(line) <= HEADING_LIKE_CHARS and not _CLAUSE_PUNCT.search(text)


#: Longest deck (副题, a subtitle of clauses: ``X说，投资节奏可以放缓，
#: 但是转型一定要抓紧``) cut above a byline: decks of the dev pages and of
#: the newspapers they reprint are 20-40 characters, a lead paragraph longer.
DECK_MAX_CHARS = 60

#: Lines after a deck within which its byline stands (the byline itself,
#: or a blank-looking rule and then the byline).
DECK_BYLINE_WITHIN = 2

#: The end of a sentence: a deck has none (it ends on a word or a question).
_SENTENCE_CLOSE = re.compile(r"[。！!…；;][”’」』）)]*\s*$")

#: A news dateline, which opens an article's first paragraph (never a deck):
#: ``新华社太原3月2日电``, ``中新网3月2日电``, ``本报讯``.
_DATELINE = re.compile(
    r"^\s*[（(【]?\s*(?:[^，。！？；\s]{0,24}?\d{1,2}月\d{1,2}日(?:\d{1,2}时)?[电讯]|本[报刊台网]讯)"
)


def is_deck(lines: Sequence[str], index: int) -> bool:
    """A newspaper deck: a short line of clauses that ends no sentence, with
    the byline (``is_credit_line``) right under it. In print the order is
    kicker, headline, deck, byline, then the article, so a line above the
    byline at the top of a body is the headline's deck, not its first
    paragraph.

    >>> is_deck(["王强说，投资节奏可以放缓，但是转型一定要抓紧", "本报记者 张明 李华"], 0)
    True
    >>> is_deck(["会议指出，上半年主要经济指标稳中有进。", "本报记者 罗科 苏盈"], 0)
    False
    >>> is_deck(["新华社太原3月2日电 题：煤炭保供稳价成效明显", "新华社记者王晓明"], 0)
    False
    """
    line = lines[index].strip()
    if (
        not line
        or len(line) > DECK_MAX_CHARS
        or _SENTENCE_CLOSE.search(line)
        or _DATELINE.match(line)
    ):
        return False
    after = lines[index + 1 : index + 1 + DECK_BYLINE_WITHIN]
    return any(is_credit_line(text) for text in after if text.strip())


#: A block whose text is at least this share links is furniture at an edge
#: (``返回首页｜返回列表``, a related-articles list).
EDGE_LINK_SHARE = 0.5


class EdgeLine(NamedTuple):
    """What ``trim_edges`` knows of one line: its text, link share, and markup."""

    text: str
    link_share: float = 0.0
    furniture: bool = False
    heading: bool = False


def trim_edges(
    lines: Sequence[EdgeLine],
    is_meta: Callable[[str], bool],
    title: str | None = None,
    headings: bool = True,
) -> tuple[int, int]:
    """The range of ``lines`` left once furniture is cut from both edges.

    From the top, cut empty lines, lines inside furniture elements,
    breadcrumbs, controls, furniture, metadata lines (``is_meta``), link
    lists, the title repeated, and the headings and short unpunctuated lines
    above the first paragraph (a subtitle, a kicker, bylines, a date); from
    the bottom, the same but for the short lines, credits, addresses, rules
    and whole furniture sections (``联系我们`` with its contact lines,
    ``相关报道`` with its list, a post's signature and what follows). Stops
    at the first line of the article on each side. ``headings=False`` keeps
    the short lines at the top: in a plain-text document no markup tells a
    kicker from the report's own subtitles (seed 004).
    """
    folded_title = fold_spaces(title).replace(" ", "") if title else None
    texts = [line.text for line in lines]

    def edge_junk(index: int) -> bool:
        line = lines[index]
        return (
            line.furniture
            or not line.text.strip()
            or line.link_share >= EDGE_LINK_SHARE
            or is_furniture(line.text)
            or is_meta(line.text)
            or is_edge_junk(line.text)
        )

    def kicker(index: int) -> bool:
        line = lines[index]
        if _DATELINE.match(line.text):  # a news dateline opens the article
            return False
        return line.heading or is_heading_like(line.text) or is_deck(texts, index)

    start, end = 0, len(lines)
    first_paragraph = next(
        (i for i in range(end) if not kicker(i) and not edge_junk(i)),
        end,
    )
    while start < end:
        text = texts[start]
        if (
            edge_junk(start)
            or breadcrumb(text) is not None
            or (folded_title and text.replace(" ", "") == folded_title)
            or (headings and start < first_paragraph < end and kicker(start))
        ):
            start += 1
        else:
            break
    while end > start:
        if edge_junk(end - 1):
            end -= 1
            continue
        section = section_start(texts, end)
        if section is None or section < start:
            break
        end = section
    return start, end
