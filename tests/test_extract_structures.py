"""The generic extractor on each kind of structure real Chinese pages carry.

Every page here is written for the test, in the shapes portals, party and
state media, self-media platforms, blogs and forums use: photo captions,
video players, ad slots, bylines, ``原标题`` lines, disclaimers, folded
articles, short articles beside teaser streams, a print copy of the
article, misnamed wrappers, leads beside the body, poems.
"""

from __future__ import annotations

import pytest

from cleaning.errors import NotAnArticle
from cleaning.page.clean import clean_page
from cleaning.page.furniture import (
    is_caption_line,
    is_credit_line,
    is_disclaimer,
    is_inline_junk,
)

URL = "http://news.example.cn/2024/05/20/a.html"

P1 = "5月19日，某集团召开年中工作会议，总结上半年生产经营情况，部署下半年重点工作。"
P2 = "会议指出，上半年集团主要经济指标稳中有进，安全生产形势总体平稳，改革任务有序推进。"
P3 = "会议要求，各单位要对标全年目标，抓好项目建设和市场开拓，确保完成全年各项任务。"
PARAGRAPHS = [P1, P2, P3]

NAV = "".join(f'<li><a href="/c{i}/">栏目{i}</a></li>' for i in range(12))


def page(article: str, title: str = "某集团召开年中工作会议", after: str = "") -> str:
    return (
        f"<html><head><title>{title}_某某网</title></head><body>"
        f'<div class="nav"><ul>{NAV}</ul></div>'
        f'<div class="main"><h1>{title}</h1>'
        '<div class="info">2024-05-20 10:30 来源：某某日报</div>'
        f'<div class="article">{article}</div>{after}</div>'
        '<div class="footer">版权所有 某某网 京ICP备12345678号</div></body></html>'
    )


def body_of(html: str) -> list[str]:
    return clean_page(html.encode("utf-8"), URL).body.split("\n")


def paragraphs(*texts: str) -> str:
    return "".join(f"<p>{t}</p>" for t in texts)


def test_photo_captions_go_by_credit_by_tag_and_by_class() -> None:
    article = (
        '<p><img src="/a.jpg"></p><p>5月19日，会议现场。新华社记者 王明 摄</p>'
        + paragraphs(P1, P2)
        + '<figure><img src="/b.jpg"><figcaption>与会人员参观展厅</figcaption></figure>'
        + '<p class="pic-info">集团展厅一角</p>'
        + paragraphs(P3, "（李华 摄）")
    )
    assert body_of(page(article)) == PARAGRAPHS


def test_video_player_controls_are_not_text() -> None:
    player = (
        '<div class="video-player"><div class="playerContainer"><div>广告</div>'
        "<div>正在为您切换到高清 480P,请稍候...</div><div>00:00/00:00</div>"
        "<ul><li>2.0X</li><li>1.5X</li><li>1.0X</li></ul><div>高清</div>"
        "<div>很抱歉，当前视频播放失败，请稍后重试。</div></div></div>"
    )
    assert body_of(page(player + paragraphs(P1, P2, P3))) == PARAGRAPHS


def test_ad_slots_original_titles_and_bylines_go() -> None:
    article = (
        "<p>原标题：集团召开会议部署下半年工作</p><p>本报记者 张三 李四</p>"
        + paragraphs(P1)
        + "<div>广告</div><div>夏季清凉好物限时特惠</div><div>×</div>"
        + paragraphs(P2)
        + "<p>广告 点击领取夏季优惠券</p>"
        + paragraphs(P3, "（总台记者 王五 赵六）")
    )
    assert body_of(page(article)) == [
        P1,
        "夏季清凉好物限时特惠",
        P2,
        P3,
    ]


def test_trailing_disclaimer_share_bar_and_related_links_go() -> None:
    related = "".join(
        f'<li><a href="/n/{i}.html">集团第{i}季度经营分析会召开</a></li>' for i in range(6)
    )
    article = paragraphs(*PARAGRAPHS) + (
        "<p>声明：本文（含图片和视频）由入驻作者撰写并发布，观点仅代表作者本人，"
        "本平台仅提供信息存储服务。</p>"
        '<div class="bdsharebuttonbox"><a href="#">分享到微信</a><a href="#">微博</a></div>'
        f"<p>相关报道：</p><ul>{related}</ul>"
    )
    assert body_of(page(article)) == PARAGRAPHS


def test_folded_article_keeps_the_text_behind_the_fold() -> None:
    article = (
        paragraphs(P1)
        + '<div class="fold" style="display:none">'
        + paragraphs(P2, P3)
        + '</div><div class="unfold-btn">展开全文</div>'
    )
    assert body_of(page(article)) == PARAGRAPHS


def test_one_paragraph_wire_item_beats_a_stream_of_teasers() -> None:
    wire = "新华社北京5月20日电 某部门20日发布通知，明确今年夏季用电高峰期间的保供措施。"
    stream = "".join(
        f'<li><div>某某财经 · {i}小时前</div><h4><a href="/s/{i}.html">市场观察第{i}期：'
        f"行业景气度继续回升</a></h4><p>分析人士认为，第{i}个季度的数据显示，多个行业的景气度"
        "正在回升，企业盈利预期有所改善，市场信心逐步恢复。</p></li>"
        for i in range(20)
    )
    html = page(
        f"<p>{wire}</p>", after=f'<div class="stream"><h3>你可能还想看</h3><ul>{stream}</ul></div>'
    )
    assert body_of(html) == [wire]


def test_a_poem_is_an_article() -> None:
    poem = (
        '<div class="poem"><div>春风吹绿山前树，</div><div>细雨润开陌上花。</div>'
        "<div>最是一年好时节，</div><div>田间处处种桑麻。</div></div>"
        '<div class="notes"><div>注释：</div><div class="note-body">这首诗写于春耕时节，'
        "描写了农村春天的景色和农民忙碌的生活。</div></div>"
    )
    html = page(f'<div class="content">{poem}</div>', title="春耕")
    assert body_of(html) == [
        "春风吹绿山前树，",
        "细雨润开陌上花。",
        "最是一年好时节，",
        "田间处处种桑麻。",
        "注释：",
        "这首诗写于春耕时节，描写了农村春天的景色和农民忙碌的生活。",
    ]


def test_an_article_printed_twice_is_returned_once() -> None:
    copy = paragraphs(*PARAGRAPHS)
    assert body_of(page(copy + '<div class="print-copy">' + copy + "</div>")) == PARAGRAPHS


def test_one_paragraph_repeated_by_the_editor_stays_twice() -> None:
    article = paragraphs(P1, P2, P1, P3)
    assert body_of(page(article)) == [P1, P2, P1, P3]


def test_a_wrapper_with_a_furniture_class_is_not_furniture() -> None:
    html = (
        "<html><head><title>某集团召开年中工作会议_某某网</title></head><body>"
        f'<div class="nav"><ul>{NAV}</ul></div><div class="breadcrumb">'
        '<a href="/">首页</a> &gt; <a href="/news/">新闻</a>'
        f"<h1>某集团召开年中工作会议</h1><div>{paragraphs(*PARAGRAPHS)}</div>"
        "</body></html>"
    )
    assert body_of(html) == PARAGRAPHS


def test_a_long_comment_list_after_the_article_stays_out() -> None:
    comments = "".join(
        f"<li><p>网友{i}：这次会议的部署很及时，希望各单位真正抓好落实，"
        "把各项任务都落到实处，期待下半年取得更好的成绩。</p></li>"
        for i in range(12)
    )
    after = f'<div id="comments"><h3>网友评论</h3><ul>{comments}</ul></div>'
    assert body_of(page(paragraphs(*PARAGRAPHS), after=after)) == PARAGRAPHS


def test_a_lead_beside_the_body_is_taken_in_and_the_site_blurb_after_is_not() -> None:
    lead = "核心提示：集团上半年经营情况良好，下半年将重点抓好项目建设和市场开拓。"
    html = page(
        f'<p class="summary">{lead}</p><div class="text">{paragraphs(*PARAGRAPHS)}</div>'
    ).replace(
        '<div class="footer">',
        '<div class="about"><p>某某网是一家综合性新闻网站，创办于2000年，致力于提供权威、'
        "及时、全面的新闻资讯服务，是国内有影响力的新闻门户之一。</p></div>"
        '<div class="footer">',
    )
    assert body_of(html) == [lead, *PARAGRAPHS]


def test_kickers_bylines_and_dates_above_the_first_paragraph_go() -> None:
    article = (
        "<p>上半年主要指标稳中有进</p><p>本报记者 张三</p><p>2024年5月20日</p>"
        + paragraphs(*PARAGRAPHS)
        + "<p>文/李四</p><p>------------</p><p>我的博客 http://blog.example.cn/lisi</p>"
    )
    assert body_of(page(article)) == PARAGRAPHS


def test_an_in_body_ad_box_of_links_does_not_make_a_listing() -> None:
    ads = "".join(f'<div><a href="/ad/{i}">夏季清凉好物第{i}号限时特惠</a></div>' for i in range(8))
    article = paragraphs(P1) + f"<table><tr><td>{ads}</td></tr></table>" + paragraphs(P2, P3)
    assert body_of(page(article)) == PARAGRAPHS


def test_a_listing_page_is_still_not_an_article() -> None:
    items = "".join(
        f'<li><a href="/n/{i}.html">集团召开第{i}次经营分析会议</a> 2024-05-{i + 1:02d}</li>'
        for i in range(20)
    )
    with pytest.raises(NotAnArticle):
        clean_page(page(f"<ul>{items}</ul>", title="集团要闻").encode("utf-8"), URL)


LONG_POST = [
    "上周末和朋友们一起去了郊外的古镇，古镇保留着很多明清时期的老房子，街道两旁都是小店。" * 3,
    "我们在古镇里逛了一整天，尝了当地有名的小吃，还在河边的茶馆里坐了一下午，听老人讲古镇的故事。"
    * 3,
    "傍晚的时候，河面上亮起了灯笼，游船从桥下缓缓经过，整个古镇都安静下来，让人舍不得离开。" * 3,
]


def blog_page(posts: list[tuple[str, str, list[str]]]) -> str:
    """A blog's front page: its posts one under the other, from one template."""
    units = "".join(
        f'<div class="post"><h2 class="post-title"><a href="/p/{i}.html">{title}</a></h2>'
        f'<div class="post-date">{date}</div>'
        f'<div class="post-body">{paragraphs(*texts)}</div>'
        f'<div class="post-footer">发表于 {date} | 阅读(12) | <a href="/p/{i}.html#c">评论(3)</a>'
        "</div></div>"
        for i, (title, date, texts) in enumerate(posts)
    )
    side = "".join(f'<li><a href="/p/{i}.html">以前的文章{i}</a></li>' for i in range(10))
    return (
        "<html><head><title>小王的博客 - 某某博客</title></head><body>"
        '<div id="header"><h1>小王的博客</h1><p>记录生活的点点滴滴</p></div>'
        f'<div id="main">{units}</div><div id="sidebar"><ul>{side}</ul></div>'
        '<div class="footer">Powered by 某某博客</div></body></html>'
    )


def test_a_blog_page_of_several_posts_gives_its_first_post() -> None:
    posts = [
        ("周末去爬山", "2024-05-20 21:15", PARAGRAPHS),
        ("读书笔记", "2024-05-18 09:02", [P2, P3]),
        ("古镇一日游", "2024-05-12 22:40", LONG_POST),
    ]
    record = clean_page(blog_page(posts).encode("utf-8"), "http://blog.example.cn/xiaowang/")
    assert record.title == "周末去爬山"
    assert record.body.split("\n") == PARAGRAPHS
    assert record.published_at is not None and record.published_at.day == 20


def test_a_blog_page_in_table_rows_gives_its_first_post() -> None:
    """The same in an old table layout: classless rows of one template."""
    rows = "".join(
        f'<tr><td><table><tr><td class="post-title">{title}</td><td>{date}</td></tr>'
        f'<tr><td class="post-body">{"<br>".join(texts)}</td></tr>'
        f'<tr><td class="post-footer">由小王张贴 @ {date} 共 3 篇评论</td></tr></table></td></tr>'
        for title, date, texts in [
            ("周末去爬山", "2005-03-21 01:20:44", PARAGRAPHS),
            ("古镇一日游", "2005-03-18 01:28:08", LONG_POST),
        ]
    )
    html = (
        "<html><head><title>小王 | 某某博客</title></head><body><table><tr>"
        f'<td class="side">{NAV}</td><td><table class="posts">{rows}</table></td>'
        "</tr></table></body></html>"
    )
    record = clean_page(html.encode("utf-8"), "http://blog.example.cn/xiaowang/")
    assert record.title == "周末去爬山"
    assert record.body.split("\n") == PARAGRAPHS


def test_a_blog_engine_home_page_with_classes_per_post_gives_its_first_post() -> None:
    """WordPress-style posts: each ``<article>`` carries its own id and category
    classes beside the shared ones, and an English date line."""
    posts = [
        (101, "life", "周末去爬山", "Saturday, May 18th, 2024 9:15 pm", PARAGRAPHS),
        (97, "travel", "古镇一日游", "Sunday, May 12th, 2024 10:40 pm", LONG_POST),
    ]
    units = "".join(
        f'<article id="post-{n}" class="post-{n} post type-post status-publish category-{cat}">'
        f'<header class="entry-header"><h2 class="entry-title"><a href="/?p={n}">{title}</a></h2>'
        f'<div class="entry-meta">{date}</div></header>'
        f'<div class="entry-content">{paragraphs(*texts)}</div>'
        f'<footer class="entry-footer"><a href="/?p={n}#respond">发表评论</a></footer></article>'
        for n, cat, title, date, texts in posts
    )
    html = (
        "<html><head><title>小王的博客 | 又一个WordPress站点</title></head><body>"
        '<header id="masthead"><p class="site-title"><a href="/">小王的博客</a></p></header>'
        f'<main id="main" class="site-main">{units}</main>'
        '<aside id="secondary"><h2>近期文章</h2><ul>'
        + "".join(f'<li><a href="/?p={i}">以前的文章{i}</a></li>' for i in range(8))
        + "</ul></aside></body></html>"
    )
    record = clean_page(html.encode("utf-8"), "http://xiaowang.example.cn/")
    assert record.title == "周末去爬山"
    assert record.body.split("\n") == PARAGRAPHS


def test_undated_boxes_of_one_template_before_the_article_are_not_posts() -> None:
    """Boxes of one template (an about-us blurb, then the article): only
    dated units are posts, so the article keeps its place."""
    about = (
        "某某网是一家综合性新闻网站，创办于2000年，致力于提供权威、及时、全面的新闻资讯服务，"
        "是国内有影响力的新闻门户之一。"
    )
    html = (
        "<html><head><title>某集团召开年中工作会议_某某网</title></head><body>"
        f'<div class="box"><h3>关于我们</h3><div class="content"><p>{about}</p></div></div>'
        '<div class="box"><h1>某集团召开年中工作会议</h1>'
        f'<div class="content"><p>2024-05-20 10:30 来源：某某日报</p>{paragraphs(*PARAGRAPHS)}'
        "</div></div></body></html>"
    )
    assert body_of(html) == PARAGRAPHS


def test_a_deck_above_the_byline_goes_in_a_table_cell_too() -> None:
    """Print order under the headline: deck (副题, clauses without a full stop),
    byline, article. The deck above the byline is not the first paragraph."""
    deck = "集团负责人表示，下半年将抓好项目建设，确保完成全年目标"
    cell = "<br><br>".join([deck, "<b>本报记者 张三 李四 发自太原</b>", *PARAGRAPHS])
    article = f'<table border="0"><tr><td class="f14">{cell}</td></tr></table>'
    assert body_of(page(article)) == PARAGRAPHS


def test_a_dateline_above_the_byline_is_the_article_not_a_deck() -> None:
    lead = "新华社太原5月20日电 题：某集团上半年主要经济指标稳中有进"
    article = paragraphs(lead, "新华社记者 张三", *PARAGRAPHS)
    assert body_of(page(article))[0] == lead


def test_a_first_sentence_above_the_byline_is_not_a_deck() -> None:
    article = paragraphs(P1, "本报记者 张三", P2, P3)
    assert body_of(page(article)) == PARAGRAPHS


def test_vertical_labels_and_bullets_alone_go() -> None:
    article = paragraphs(P1) + "<div>今<br>日<br>推<br>荐</div><div>·</div>" + paragraphs(P2, P3)
    assert body_of(page(article)) == PARAGRAPHS


@pytest.mark.parametrize(
    "line",
    [
        "5月19日，在圣多明各，总统在竞选总部发表演讲。 新华社记者 李明 摄",
        "（张华 摄）",
        "图为会议现场。",
        "（新华社发）",
        "（新华社记者 李明 摄 ）",
        "工人们在车间检修设备。（王五、赵六 摄影）  ",
        "图片说明：职工在学习党章。",
    ],
)
def test_captions(line: str) -> None:
    assert is_caption_line(line)


@pytest.mark.parametrize(
    "line",
    [
        "工作人员正在对设备进行检查拍摄。",
        "（李明 摄）后，大家一起参观了展览。",
        "会议由集团党委书记主持（新华社发布）",
        "职工们表示要以实际行动践行初心使命，" * 8 + "王明 摄",  # longer than a caption
    ],
)
def test_not_captions(line: str) -> None:
    assert not is_caption_line(line)


@pytest.mark.parametrize(
    "line",
    [
        "本报记者罗某某发自北京",
        "（总台央视记者 张三 李四）",
        "文丨特约评论员 王五",
        "执笔人：赵六 钱七",
    ],
)
def test_credit_lines(line: str) -> None:
    assert is_credit_line(line)


@pytest.mark.parametrize(
    "line",
    [
        "记者从有关部门获悉，该工程将于年底前完工。",
        "工作人员正在对设备进行检查拍摄。",
        "广告行业的发展离不开诚信经营，这是业内的共识。",
        "文化是一个国家、一个民族的灵魂。",
        "（作者单位：某某集团某某公司）",
    ],
)
def test_prose_is_not_inline_junk(line: str) -> None:
    assert not is_inline_junk(line)


def test_disclaimers() -> None:
    assert is_disclaimer("本文仅代表作者观点，不代表本站立场。")
    assert is_disclaimer("Notice: The content above is uploaded and posted by a user.")
    assert not is_disclaimer("会议声明，各方将继续加强合作。")
