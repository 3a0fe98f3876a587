"""Titles and publication times the way a reader finds them (page/title.py, page/metadata.py).

Each page here is written in the shape Chinese news sites, blogs and
portals print: a headline split over two lines of one ``<h1>``, a kicker
above it, a site suffix in ``<title>``, a portal's generic ``<title>``, an
updated time beside the published one, a date printed below the article,
``原创：X 2024-05-20``, a ``<meta>`` time that disagrees with the printed
one, a date-only ``<meta>`` beside a printed time. Every page goes through
``clean_page`` whole.
"""

from __future__ import annotations

import datetime as dt

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from cleaning import clean_page
from cleaning.page import metadata, title
from cleaning.page.extract import Block
from cleaning.page.metadata import DateEvidence, Stamp, choose_published
from cleaning.page.stages import collecting
from cleaning.record import CHINA_TZ as CHINA
from cleaning.record import RECORD_SCHEMA

PARAGRAPHS = (
    "5月19日，省国资委召开会议，部署国有企业改革深化提升行动重点任务，要求各企业对照清单逐项推进。",
    "会议指出，要坚持党的领导与完善公司治理相统一，推动董事会建设规范运行，提升企业核心竞争力。",
    "会议强调，各企业要聚焦主责主业，优化国有资本布局，加快培育战略性新兴产业，确保改革任务按期完成。",
    "下一步，省国资委将加强督导检查，及时总结推广典型经验，推动改革取得更大实效。",
)

NAV = "".join(f'<li><a href="/c{i}/">栏目{i}</a></li>' for i in range(12))


def page(head: str, top: str, bottom: str = "", paragraphs: tuple[str, ...] = PARAGRAPHS) -> bytes:
    """A portal page: navigation, the headline block, the article, what follows it."""
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    return (
        f"<!DOCTYPE html><html><head><meta charset='utf-8'>{head}</head><body>"
        f"<ul class='nav'>{NAV}</ul><div class='main'>{top}"
        f"<div class='article'>{body}</div>{bottom}</div>"
        "<div class='footer'>版权所有 某某网 备案号</div></body></html>"
    ).encode()


def at(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=CHINA)


URL = "http://news.example.cn/a/12345.html"


# --- titles ---------------------------------------------------------------


def test_a_headline_split_over_two_lines_of_one_h1_is_joined() -> None:
    raw = page(
        "<title>国资委部署改革深化提升行动重点任务_某某新闻网</title>",
        "<h1>国资委部署改革<br>深化提升行动重点任务</h1><div>2024-05-20 09:37 来源：某某日报</div>",
    )
    assert clean_page(raw, URL).title == "国资委部署改革深化提升行动重点任务"


def test_a_kicker_above_the_headline_is_left_out() -> None:
    raw = page(
        "<title>省属企业改革任务清单发布_某某新闻网</title>",
        "<p class='kicker'>聚焦主责主业 加快转型升级</p><h1>省属企业改革任务清单发布</h1>"
        "<div>发布时间：2024-05-20 09:37</div>",
    )
    assert clean_page(raw, URL).title == "省属企业改革任务清单发布"


def test_the_site_suffix_of_title_that_the_h1_does_not_have_is_dropped() -> None:
    raw = page(
        "<title>某某随笔 - 写给新入职员工的几句话</title>",
        "<h1>写给新入职员工的几句话</h1><div>2005年1月2日</div>",
    )
    assert clean_page(raw, URL).title == "写给新入职员工的几句话"


def test_a_column_name_printed_as_a_heading_does_not_take_the_title() -> None:
    raw = page(
        "<title>省属企业改革任务清单发布_国企改革_某某新闻网</title>",
        "<h2>国企改革</h2><div class='title'>省属企业改革任务清单发布</div>"
        "<div>发布时间：2024-05-20 09:37</div>",
    )
    assert clean_page(raw, URL).title == "省属企业改革任务清单发布"


@pytest.mark.parametrize(
    "head_title",
    [
        "<title>国企改革深化提升行动一周年：改革成效...</title>",
        "<title>国企改革深化提升行动一周年：改革成效…_某某新闻网</title>",
        "<title>某某新闻网 » 国企改革深化提升行动一周年：改革成&amp;ldq...</title>",
    ],
)
def test_a_title_the_site_cut_short_names_the_printed_headline(head_title: str) -> None:
    raw = page(
        head_title,
        "<div>某某日报评论员</div><h1>国企改革深化提升行动一周年：改革成效显著</h1>"
        "<div>2024-05-20 09:37 来源：某某日报</div>",
    )
    record = clean_page(raw, URL)
    assert record.title == "国企改革深化提升行动一周年：改革成效显著"
    assert record.published_at == at("2024-05-20 09:37")


def test_a_separator_that_is_part_of_the_printed_headline_is_kept() -> None:
    raw = page(
        "<title>一周要闻回顾 | 春耕备耕正当时</title>",
        "<div class='tit2'>一周要闻回顾 | 春耕备耕正当时</div><div>2022-03-06 19:12:41</div>",
    )
    assert clean_page(raw, URL).title == "一周要闻回顾 | 春耕备耕正当时"


def test_a_generic_portal_title_gives_way_to_the_printed_headline() -> None:
    raw = page(
        "<title>欢迎访问某某新闻中心</title>",
        "<table><tr><td><b>企业党建引领改革发展纪实</b></td></tr></table>"
        "<div>作者：张三 来源：某某日报 发布日期：2024-05-20</div>",
    )
    assert clean_page(raw, URL).title == "企业党建引领改革发展纪实"


def test_a_page_without_title_takes_the_headline_above_its_date_line() -> None:
    raw = page(
        "",
        "<div>推荐 <a href='#'>我要说说</a></div><div>晋煤集团回应重组传闻 合作项目年内签约</div>"
        "<div><a href='/'>http://www.example.cn/</a> 2006-04-11 10:21:05</div>",
    )
    record = clean_page(raw, URL)
    assert record.title == "晋煤集团回应重组传闻 合作项目年内签约"
    assert record.published_at == at("2006-04-11 10:21:05")


def test_decoration_after_a_blog_headline_is_cut() -> None:
    raw = page("", "<h2 class='diaryTitle'>老旧小区改造谁来出资？- -</h2>")
    assert clean_page(raw, URL).title == "老旧小区改造谁来出资？"


def test_the_article_repeating_its_title_without_the_author_prefix_gives_the_title() -> None:
    raw = page(
        "<title>谢谢您访问某某中心</title>",
        "<table><tr><td>李明：我是怎样走上讲台的</td></tr></table>"
        "<div>作者： 来源： 发布日期： 3/8/2006 8:14:22 PM</div>",
        paragraphs=("我是怎样走上讲台的", *PARAGRAPHS),
    )
    assert clean_page(raw, URL).title == "我是怎样走上讲台的"


@pytest.mark.parametrize(
    "furniture",
    [
        "<div><a href='/reg'>注册</a> | <a href='/login'>登入</a> | <a href='/faq'>FAQ</a>"
        " | <a href='/'>主页</a> | <a href='/bbs'>论坛</a></div>",
        "<div>本页功能 【<a href='#'>发表评论</a>】【<a href='#'>推荐给朋友</a>】【字号：大 中 小】"
        "【<a href='#'>打印</a>】【<a href='#'>关闭</a>】</div>",
    ],
)
def test_a_menu_or_a_toolbar_above_the_article_is_not_its_title(furniture: str) -> None:
    raw = page(
        "<title>欢迎访问某某新闻中心</title>",
        f"<table><tr><td><b>企业党建引领改革发展纪实</b></td></tr></table>{furniture}",
    )
    assert clean_page(raw, URL).title == "企业党建引领改革发展纪实"


@pytest.mark.parametrize(
    ("line", "headline"),
    [
        ("登录 | 注册 | 帮助 | 我的主页 | 论坛", False),
        ("本页功能 【发表评论】【推荐给朋友】【字号：大 中 小】【打印】【关闭】", False),
        ("连载：企业改革纪事 出版社：某某出版社 作者：王某", False),
        ("[ 回复 ] [ 收藏 ] [ 关闭窗口 ] [ 刷新页面 ]", False),
        ("上一篇：职工运动会开幕了 | 返回首页 | 2006年目录 | 下一篇：冬季安全检查", False),
        ("【独家】国企改革三年行动 | 山西篇", True),
        ("劳动者之歌：一位老矿工的三十年", True),
        ("一周要闻回顾 | 春耕备耕正当时", True),
    ],
)
def test_menus_toolbars_and_info_lines_are_not_headline_candidates(
    line: str, headline: bool
) -> None:
    blocks = [Block(line, tag="div", position=0), Block(PARAGRAPHS[0], tag="p", position=1)]
    found = [c.text for c in title.candidates(blocks, 1)]
    assert (line in found) is headline


def test_the_pages_h1_far_above_the_article_is_its_headline() -> None:
    # A generic <title>; between the <h1> (in a <header>) and the article an
    # author's card, counters, tags, a licence and a dozen controls.
    card = "".join(f"<div>控件{i}</div>" for i in range(12))
    raw = page(
        "<title>欢迎访问某某新闻中心</title>",
        "<header><h1>国企改革深化提升行动一周年观察</h1>"
        "<div>某某 于 2024-05-06 15:47:53 发布</div></header>"
        f"<div>阅读量1.3万 收藏 98</div><div>文章标签： 国企 改革</div>{card}",
    )
    assert clean_page(raw, URL).title == "国企改革深化提升行动一周年观察"


HEADLINE = "企业党建引领改革发展纪实"
CONTROLS = "".join(f"<div>控件{i}</div>" for i in range(12))


@pytest.mark.parametrize(
    ("head_title", "top"),
    [
        pytest.param(
            "<title>欢迎访问某某新闻中心</title>",
            f"<h1>热门搜索</h1>{CONTROLS}<table><tr><td><b>{HEADLINE}</b></td></tr></table>"
            "<div>作者：张三 来源：某某日报 发布日期：2024-05-20</div>",
            id="a section label in an h1 far above",
        ),
        pytest.param(
            "<title>欢迎访问某某新闻中心</title>",
            f"<div><a href='/'>某某新闻中心</a></div><h2>{HEADLINE}</h2>"
            "<div>发布日期：2024-05-20</div>",
            id="a linked site name inside a generic title",
        ),
        pytest.param(
            f"<title>{HEADLINE}_某某新闻网</title>",
            "<h1><a href='/'>某某新闻网</a></h1>"
            f"<table><tr><td><b>{HEADLINE}</b></td></tr></table><div>发布日期：2024-05-20</div>",
            id="a logo h1",
        ),
    ],
)
def test_names_of_the_site_or_its_sections_are_not_the_headline(head_title: str, top: str) -> None:
    assert clean_page(page(head_title, top), URL).title == HEADLINE


def test_the_headline_over_its_date_line_beats_a_sidebar_link_above_it() -> None:
    # The headline and its date line open the article's container; the last
    # link of a sidebar list stands right above them.
    sidebar = "".join(
        f"<li><a href='/n/{i}.html'>{t}</a></li>"
        for i, t in enumerate(("职工运动会开幕", "冬季安全生产检查", "哪种岗位最需要技能培训？"))
    )
    body = "".join(f"<p>{p}</p>" for p in PARAGRAPHS)
    raw = (
        "<html><head><meta charset='utf-8'><title>欢迎访问某某新闻中心</title></head><body>"
        f"<ul class='nav'>{NAV}</ul><table><tr><td><ul>{sidebar}</ul></td></tr></table>"
        "<div><div>职工技能培训怎样落地</div><div>2006-03-09 10:42 来源：某某日报</div>"
        f"{body}</div></body></html>"
    ).encode()
    assert clean_page(raw, URL).title == "职工技能培训怎样落地"


def test_title_rules_on_lines() -> None:
    assert title.segments("标题_生态企业_生态中国网") == ["标题", "生态企业", "生态中国网"]
    assert title.match("主标题", "主标题_某某网") == 2
    assert title.match("主标题_某某网", "主标题_某某网") == 3
    assert title.match("某某新闻中心", "欢迎访问某某新闻中心首页") == 1
    assert title.match("别的新闻", "主标题_某某网") == 0
    assert title.overlap("某某娱乐", "《远方》：一部关于归乡的电影") == 0.0
    assert title.clean("扎根基层(2)\ue004 ") == "扎根基层(2)"
    assert title.join_lines("Hello", "World") == "Hello World"
    assert title.join_lines("广东：", "标题") == "广东：标题"


# --- times ----------------------------------------------------------------


def test_the_printed_time_beats_a_meta_time_that_disagrees() -> None:
    raw = page(
        "<title>县城公交运营之困_某某新闻</title>"
        "<meta property='article:published_time' content='2024-06-12T05:54:20+08:00'>",
        "<h1>县城公交运营之困</h1><div><span>2024年06月12日 00:26</span> 每日经济新闻</div>",
    )
    record = clean_page(raw, URL)
    assert record.published_at == at("2024-06-12 00:26")
    assert record.published_precision == "minute"


def test_a_date_only_meta_never_replaces_the_printed_time() -> None:
    raw = page(
        "<title>古北水镇系列活动推出_中国网</title><meta name='publishdate' content='2024-05-20'>",
        "<h1>古北水镇系列活动推出</h1><p>2024-05-20 09:37</p><p>来源：中国网</p>",
    )
    record = clean_page(raw, URL)
    assert record.published_at == at("2024-05-20 09:37")
    assert record.published_precision == "minute"


@pytest.mark.parametrize(
    ("printed", "expected"),
    [
        ("2024年3月6日週三 上午9:15", "2024-03-06 09:15"),
        ("2024年5月20日 星期一 下午3:40", "2024-05-20 15:40"),
        ("2024年5月20日（周一） 晚上9:30", "2024-05-20 21:30"),
        ("2024-05-20 中午12:10", "2024-05-20 12:10"),
        ("2024-05-20 凌晨12:30", "2024-05-20 00:30"),
    ],
)
def test_a_printed_twelve_hour_time_after_a_weekday(printed: str, expected: str) -> None:
    raw = page(
        "<title>古北水镇系列活动推出_某某新闻</title>",
        f"<h1>古北水镇系列活动推出</h1><p>{printed}</p><p>来源：某某新闻</p>",
    )
    record = clean_page(raw, URL)
    assert record.published_at == at(expected)
    assert record.published_precision == "minute"


def test_a_date_and_a_time_printed_by_two_elements_without_a_space() -> None:
    raw = page(
        "<title>古北水镇系列活动推出_某某新闻</title>",
        "<h1>古北水镇系列活动推出</h1>"
        "<div class='info'><span>2024.05.20</span><span>09:37</span> 某某新闻</div>",
    )
    record = clean_page(raw, URL)
    assert record.published_at == at("2024-05-20 09:37")
    assert record.published_precision == "minute"
    # A day of one digit glued to digits stays unread: 2024.5.209:37 is ambiguous.
    assert metadata.parse_stamp("2024.5.209:37") is None


def headless_page(before: str, top: str, bottom: str) -> bytes:
    """A page without ``<title>`` or heading: what stands before the article's
    box, the box's first lines, the article, what follows it in the box."""
    body = "".join(f"<p>{p}</p>" for p in PARAGRAPHS)
    return (
        "<html><head><meta charset='utf-8'></head><body>"
        f"{before}<div class='main'>{top}{body}{bottom}</div></body></html>"
    ).encode()


def test_without_a_headline_the_date_line_at_the_articles_top_beats_a_footer() -> None:
    # A blog's repost of a newspaper article: its byline and the paper's date
    # at the top, the blog's own stamp below.
    raw = headless_page(
        "",
        "<div>企业改革的成本由谁承担？- -</div><p>企业改革的一些思考</p>"
        "<p>企业改革的成本由谁承担？</p>"
        "<p>本报实习生 李某</p><p>本报记者 王某 张某</p><p>2004-3-15 某某晚报</p>",
        "<div>作者：某某 阅读：120 2006年04月12日 13:22</div>",
    )
    record = clean_page(raw, URL)
    assert record.published_at == at("2004-03-15 00:00")
    assert record.published_precision == "day"


def test_the_day_a_portal_prints_in_its_header_is_not_the_publication_date() -> None:
    raw = headless_page(
        "<div class='top'><div>今天是：2024年6月1日 星期六</div></div>",
        "<div>企业改革的成本由谁承担？- -</div><div>企业改革的一些思考</div>"
        "<div>企业改革的成本由谁承担？</div>",
        "<div>发表于 2024-05-20 09:37 评论(3)</div>",
    )
    record = clean_page(raw, URL)
    assert record.published_at == at("2024-05-20 09:37")


def test_a_weekday_alone_leaves_a_date() -> None:
    stamp = metadata.parse_stamp("2024年5月20日 星期一 阅读：1200")
    assert stamp is not None
    assert stamp.precision == "day"
    assert stamp.moment == at("2024-05-20 00:00")


def test_a_meta_time_refines_a_printed_date_of_the_same_day() -> None:
    raw = page(
        "<title>标题文字内容_某某网</title><meta name='pubdate' content='2024-05-20 08:15:02'>",
        "<h1>标题文字内容</h1><div>日期：2024年5月20日</div>",
    )
    record = clean_page(raw, URL)
    assert record.published_at == at("2024-05-20 08:15:02")
    assert record.published_precision == "second"


@pytest.mark.parametrize(
    ("meta", "expected", "precision"),
    [
        ("2024-05-20T01:37:12Z", "2024-05-20 09:37:12", "second"),  # the printed minute, in UTC
        ("2024-05-20 09:38:12", "2024-05-20 09:37", "minute"),  # another minute: the page's
    ],
)
def test_a_meta_time_gives_the_seconds_of_the_printed_minute_it_agrees_with(
    meta: str, expected: str, precision: str
) -> None:
    raw = page(
        "<title>标题文字内容_某某网</title>"
        f"<meta property='article:published_time' content='{meta}'>",
        "<h1>标题文字内容</h1><div>2024-05-20 09:37 来源：某某网</div>",
    )
    record = clean_page(raw, URL)
    assert record.published_at == at(expected)
    assert record.published_precision == precision


def test_the_published_time_not_the_updated_one() -> None:
    raw = page(
        "<title>标题文字内容_某某网</title>",
        "<h1>标题文字内容</h1><div>更新时间：2024-05-21 10:00</div>"
        "<div>发布时间：2024-05-20 09:37</div>",
    )
    assert clean_page(raw, URL).published_at == at("2024-05-20 09:37")
    one_line = page(
        "<title>标题文字内容_某某网</title>",
        "<h1>标题文字内容</h1><div>更新时间：2024-05-21 10:00 发布时间：2024-05-20 09:37</div>",
    )
    assert clean_page(one_line, URL).published_at == at("2024-05-20 09:37")


def test_a_date_printed_below_the_article_is_found() -> None:
    raw = page(
        "<title>第一次在这里写日志 - 某某的博客</title>",
        "<h2>第一次在这里写日志</h2>",
        bottom="<p>发表于 2005年3月14日 12:40 - (阅读:215;评论:8)</p>",
    )
    record = clean_page(raw, URL)
    assert record.published_at == at("2005-03-14 12:40")
    assert record.published_precision == "minute"


def test_an_original_mark_with_a_date_is_found() -> None:
    raw = page(
        "<title>绥德：退役军人表彰大会举行</title>",
        "<h1>绥德：退役军人表彰大会举行</h1><div>原创：某某融媒 2024-05-20</div>",
    )
    record = clean_page(raw, URL)
    assert record.published_at == at("2024-05-20 00:00")
    assert record.published_precision == "day"


def test_the_json_ld_day_picks_among_two_printed_times() -> None:
    raw = page(
        "<title>为什么 ChatGPT 不火了？-CSDN博客</title>"
        '<script type="application/ld+json">{"pubDate":"2024-05-06T15:44:46",'
        '"upDate":"2024-05-06T15:47:53"}</script>',
        "<h1>为什么 ChatGPT 不火了？</h1><div>最新推荐文章于 2024-05-07 22:12:13 发布</div>"
        "<div>某某作者 于 2024-05-06 15:47:53 发布</div>",
    )
    assert clean_page(raw, URL).published_at == at("2024-05-06 15:47:53")


def test_the_url_day_only_when_nothing_else_gives_one() -> None:
    bare = page("<title>标题文字内容_某某网</title>", "<h1>标题文字内容</h1>")
    dated_url = "http://news.example.cn/2024-05/20/content_1.htm"
    record = clean_page(bare, dated_url)
    assert record.published_at == at("2024-05-20 00:00")
    assert record.published_precision == "day"
    printed = page(
        "<title>标题文字内容_某某网</title>", "<h1>标题文字内容</h1><div>2024-05-19 18:00</div>"
    )
    assert clean_page(printed, dated_url).published_at == at("2024-05-19 18:00")
    assert clean_page(bare, URL).published_at is None
    assert clean_page(bare, URL).published_precision is None


def test_a_printed_midnight_is_told_from_a_date_only_value() -> None:
    midnight = page(
        "<title>标题文字内容_某某网</title>", "<h1>标题文字内容</h1><div>2024-05-20 00:00</div>"
    )
    date_only = page(
        "<title>标题文字内容_某某网</title>", "<h1>标题文字内容</h1><div>2024-05-20</div>"
    )
    first, second = clean_page(midnight, URL), clean_page(date_only, URL)
    assert first.published_at == second.published_at == at("2024-05-20 00:00")
    assert (first.published_precision, second.published_precision) == ("minute", "day")


def test_precision_survives_a_parquet_round_trip(tmp_path) -> None:
    raw = page("<title>标题文字内容_某某网</title>", "<h1>标题文字内容</h1><div>2024-05-20</div>")
    record = clean_page(raw, URL)
    table = pa.Table.from_pylist([record.to_row()], schema=RECORD_SCHEMA)
    pq.write_table(table, tmp_path / "r.parquet")
    row = pq.read_table(tmp_path / "r.parquet").to_pylist()[0]
    assert row["published_precision"] == "day"
    assert row["published_at"] == record.published_at


# --- the precedence, clue by clue -----------------------------------------

MORNING = Stamp(at("2024-05-20 09:37"), "minute")
DAY = Stamp(at("2024-05-20 00:00"), "day")
OTHER_DAY = Stamp(at("2024-05-18 07:00:05"), "second")


@pytest.mark.parametrize(
    ("evidence", "moment", "via"),
    [
        (DateEvidence(near=("2024-05-20 09:37",), meta=OTHER_DAY), MORNING.moment, "visible"),
        (DateEvidence(near=("2024-05-20",), meta=OTHER_DAY), DAY.moment, "visible"),
        (
            DateEvidence(near=("2024-05-20",), meta=Stamp(at("2024-05-20 09:37"), "minute")),
            MORNING.moment,
            "meta",
        ),
        (DateEvidence(near=("更新时间：2024-05-21 10:00",), meta=DAY), DAY.moment, "meta"),
        (DateEvidence(near=("更新时间：2024-05-21 10:00",)), at("2024-05-21 10:00"), "updated"),
        (DateEvidence(below=("2024-05-18 07:00:05",), meta=DAY), DAY.moment, "meta"),
        (DateEvidence(below=("2024-05-20 09:37",), meta=DAY), MORNING.moment, "below"),
        (DateEvidence(matter=OTHER_DAY, near=("2024-05-20 09:37",)), OTHER_DAY.moment, "matter"),
        (DateEvidence(url="http://x.cn/2024/0520/c1.html"), DAY.moment, "url"),
        (DateEvidence(url="http://x.cn/a.html"), None, "none"),
    ],
)
def test_precedence(evidence: DateEvidence, moment: dt.datetime | None, via: str) -> None:
    chosen = choose_published(evidence)
    assert (chosen.stamp.moment if chosen.stamp else None, chosen.via) == (moment, via)


def test_prose_that_mentions_a_date_is_not_a_date_line() -> None:
    assert metadata.date_line("2022年2月17日，晋中市召开座谈会，听取各方意见建议。") is None
    clue = metadata.date_line("作者：某某 2020年01月12日18:32 浏览：272 收藏 觉得不错，我要 赞赏")
    assert clue is not None and clue.stamp.precision == "minute"


def test_the_stage_counters_record_the_choices() -> None:
    raw = page("<title>标题文字内容_某某网</title>", "<h1>标题文字内容</h1><div>2024-05-20</div>")
    with collecting() as stats:
        clean_page(raw, URL)
        clean_page(raw, URL)
    assert stats.calls["title"] == stats.calls["metadata"] == 2
    assert stats.outcomes["title:printed-title"] == 2
    assert stats.outcomes["precision:day"] == 2
    assert set(stats.seconds) == {
        "decode",
        "read",
        "stocks",
        "blocks",
        "title",
        "edges",
        "metadata",
        "repair",
    }
    clean_page(raw, URL)
    assert stats.calls["title"] == 2
