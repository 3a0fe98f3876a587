"""The generic extractor's hard cases, each a small page built to fail a naive one."""

from __future__ import annotations

import pytest

from cleaning.errors import NotAnArticle
from cleaning.page.clean import clean_page
from cleaning.page.documents import parse_html
from cleaning.page.extract import choose_container, linearise

URL = "http://generic.example/a.html"

SUMMARIES = "".join(
    f'<li><a href="/n/{i}.html">关于国企改革的第{i}条报道标题</a>'
    f"<p>记者从有关部门获悉，第{i}项工作正在有序推进，各方面反映良好，预计年底前全面完成。</p></li>"
    for i in range(8)
)


def body_of(html: str) -> list[str]:
    return clean_page(html.encode("utf-8"), URL).body.split("\n")


def test_short_article_beats_a_sidebar_of_summaries() -> None:
    html = (
        "<html><head><title>国企召开会议_某网</title></head><body>"
        '<div class="l"><h1>国企召开会议</h1><div class="con">'
        "<p>3月1日，某国企召开党建工作会议，部署全年重点任务。</p>"
        "<p>会议要求各级党组织压实责任，确保任务落地见效。</p></div></div>"
        f'<div class="r"><ul>{SUMMARIES}</ul></div></body></html>'
    )
    assert body_of(html) == [
        "3月1日，某国企召开党建工作会议，部署全年重点任务。",
        "会议要求各级党组织压实责任，确保任务落地见效。",
    ]


def test_listing_with_summaries_is_not_an_article() -> None:
    html = (
        "<html><head><title>国企要闻_某网</title></head><body><h1>国企要闻</h1>"
        f'<div class="list"><ul>{SUMMARIES}</ul></div><div class="pages">1 2 3 下一页</div>'
        "</body></html>"
    )
    with pytest.raises(NotAnArticle):
        clean_page(html.encode("utf-8"), URL)


@pytest.mark.parametrize(
    "markup",
    [
        "<p>{0}</p><p>{1}</p><p>{2}</p>",
        "<p>{0}<br>{1}<br/>{2}</p>",
        "{0}<br><br>{1}<br><br>{2}",
        "<div>{0}</div><div>{1}</div><div>{2}</div>",
        "<div>{0}</div>{1}<div>{2}</div>",
        "<section><p><span>{0}</span></p></section><p><br></p><section>{1}</section><p>{2}</p>",
    ],
    ids=["p", "br-in-p", "br", "div", "div-and-bare-text", "wechat-sections"],
)
def test_paragraphs_stay_apart_whatever_the_markup(markup: str) -> None:
    paragraphs = [
        "某公司组织职工开展技能培训，共有二百余人参加，培训为期一周。",
        "培训结束后，公司组织了考核，合格率达到百分之九十八，成效明显。",
        "公司表示，将持续开展职工培训，不断提升职工队伍的整体素质。",
    ]
    html = (
        "<html><head><title>培训-某网</title></head><body>"
        '<div class="nav"><a href="/">首页</a> <a href="/n">新闻</a></div>'
        f'<div id="text">{markup.format(*paragraphs)}</div>'
        '<div id="footer">版权所有 某网 晋ICP备05001234号</div></body></html>'
    )
    assert body_of(html) == paragraphs


def test_related_list_and_its_heading_at_the_foot_go() -> None:
    html = (
        "<html><head><title>技能培训_网</title></head><body><div class=main><h1>技能培训</h1>"
        "<div class=c><p>某公司组织职工开展技能培训，共有二百余人参加，培训为期一周。</p>"
        "<p>培训结束后，公司组织了考核，合格率达到百分之九十八。</p><p>相关新闻：</p>"
        '<ul><li><a href="/1">某公司召开第三届职代会</a></li>'
        '<li><a href="/2">某公司开展消防演练活动</a></li>'
        '<li><a href="/3">某公司举办职工运动会</a></li></ul></div></div></body></html>'
    )
    assert body_of(html)[-1] == "培训结束后，公司组织了考核，合格率达到百分之九十八。"


def test_boilerplate_words_inside_the_article_stay() -> None:
    middle = (
        "会议强调，要关闭落后产能，打印并下发整改清单，返回基层一线督导，版权所有制改革要稳步推进。"
    )
    html = (
        "<html><head><title>会议_网</title></head><body><div id=c>"
        "<p>某集团召开专题会议，研究部署去产能工作，各单位负责人参加会议。</p>"
        f"<p>{middle}</p><p>会议要求，各单位要抓好落实，确保各项任务按期完成到位。</p>"
        "<p>【打印】【关闭】</p></div></body></html>"
    )
    body = body_of(html)
    assert middle in body
    assert body[-1].startswith("会议要求")


def test_furniture_marks_reach_exactly_the_blocks_a_marked_element_holds() -> None:
    # A share bar by its class, a caption by its tag, an inline element with a
    # furniture class around block children, and a marked inline element
    # inside a paragraph (it holds no block of its own: nothing is marked).
    root = parse_html(
        "<html><body><div>"
        "<p>国企改革三年行动取得显著成效，党建引领作用充分发挥。</p>"
        '<div class="bdsharebuttonbox"><p>分享到</p><p>微信</p></div>'
        "<figure><img src=a.jpg><figcaption>会议现场</figcaption></figure>"
        '<span class="share"><p>转发</p></span>'
        '<p>会议强调<span class="share">要</span>压实责任。</p>'
        "</div></body></html>"
    )
    page = linearise(root.find("body"))
    assert [(b.text, b.furniture) for b in page.blocks] == [
        ("国企改革三年行动取得显著成效，党建引领作用充分发挥。", False),
        ("分享到", True),
        ("微信", True),
        ("会议现场", True),
        ("转发", True),
        ("会议强调要压实责任。", False),
    ]


def test_container_is_none_for_navigation_only() -> None:
    links = "".join(f'<li><a href="/{i}">栏目{i}</a></li>' for i in range(50))
    root = parse_html(f"<html><body><ul>{links}</ul></body></html>")
    assert choose_container(linearise(root.find("body"))) is None


def test_class_names_mark_furniture_but_not_the_page_itself() -> None:
    html = (
        '<html><head><title>标题-网</title></head><body class="nav-open">'
        '<div class="article-content">'
        "<p>集团党委召开理论学习中心组学习会议，传达学习有关会议精神。</p>"
        "<p>会议要求，要把学习成果转化为推动企业高质量发展的强大动力。</p></div>"
        '<div class="bdsharebuttonbox"><p>分享到微信朋友圈，让更多人看到这条重要的新闻。</p></div>'
        "</body></html>"
    )
    assert body_of(html) == [
        "集团党委召开理论学习中心组学习会议，传达学习有关会议精神。",
        "会议要求，要把学习成果转化为推动企业高质量发展的强大动力。",
    ]
