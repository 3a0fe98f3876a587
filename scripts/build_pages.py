# ruff: noqa: E501  (HTML templates: their lines are as long as the sites write them)
"""Rebuild the saved test pages of the generic extractor from articles.toml.

Each article is put into the layout of one kind of Chinese news site (people.cn
and xinhuanet-style portals, a TRS government site, company sites, a news
app's share page, a WeChat-style article, an old table layout...), with the
furniture those sites really carry: navigation, breadcrumbs, info lines,
share bars, editors' lines, related lists, comment boxes, pagers, sidebars
with summaries, copyright and ICP footers. ``evaldata.json`` gives for each
page its expected body and, trafilatura style, snippets that must be kept
(``with``) and removed (``without``).

Run ``.venv/bin/python scripts/build_pages.py`` after editing a layout or
an article; commit the pages and evaldata.json it writes.
"""

from __future__ import annotations

import datetime as dt
import json
import tomllib
from pathlib import Path

HERE = Path(__file__).resolve().parents[1] / "tests" / "pages"

NAV = "".join(
    f'<li><a href="/{slug}/">{name}</a></li>'
    for slug, name in [
        ("", "首页"),
        ("news", "要闻"),
        ("sx", "山西"),
        ("finance", "财经"),
        ("energy", "能源"),
        ("soe", "国企"),
        ("video", "视频"),
        ("special", "专题"),
    ]
)
HOT = [
    "全省能源保供工作会议召开",
    "太原地铁二号线客流突破新高",
    "山西出台支持民营经济发展十条措施",
    "大同云冈石窟游客量创新高",
    "晋城推进新能源汽车产业发展",
    "运城苹果丰收上市",
]
ICP = "晋ICP备05001234号-1"
SEC = "晋公网安备 14010502000123号"


def links(items: list[str], prefix: str = "/news/2022") -> str:
    return "".join(
        f'<li><a href="{prefix}/{i:04d}.html" target="_blank">{t}</a><span>07-2{i % 9}</span></li>'
        for i, t in enumerate(items)
    )


def day(article: dict, fmt: str) -> str:
    return dt.datetime.fromisoformat(article["date"]).strftime(fmt)


def layout_people(a: dict) -> tuple[str, list[str]]:
    """A people.cn-style portal article."""
    paragraphs = "\n".join(f"<p>\u3000\u3000{p}</p>" for p in a["paragraphs"])
    html = f"""<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>{a["title"]}--山西频道--人民网</title>
<meta name="keywords" content="国企,党建">
<script>var _hmt = _hmt || []; (function() {{ var hm = document.createElement("script"); }})();</script>
<style>.rm_txt_con p {{ text-indent: 2em; }}</style></head>
<body>
<div class="header"><div class="w1000"><a href="http://www.people.com.cn/">人民网首页</a>
<ul class="nav">{NAV}</ul><div class="search"><input type="text" value="搜索"></div></div></div>
<div class="route">人民网 &gt;&gt; <a href="/sx/">山西频道</a> &gt;&gt; <a href="/soe/">国企</a></div>
<div class="layout rm_txt cf">
<div class="col col-1 fl">
<h1>{a["title"]}</h1>
<div class="col-1-1 fl">{day(a, "%Y年%m月%d日%H:%M")} | 来源：<a href="#">人民网－{a["source"]}</a></div>
<div class="col-1-1 fr"><a href="#">分享到：</a><a class="wx">微信</a><a class="wb">微博</a></div>
<div class="rm_txt_con cf">
{paragraphs}
<p class="edit">(责编：王晓、李娜)</p>
</div>
<div class="box_pic"></div>
<div class="edit cf"><a href="#">关注公众号：人民网山西频道</a></div>
<div class="rm_relevant"><h3>相关新闻</h3><ul>{links(HOT[:4])}</ul></div>
</div>
<div class="col col-2 fr"><div class="hot"><h2>热点推荐</h2><ul>{links(HOT)}</ul></div></div>
</div>
<div class="foot"><p>人民日报社概况 | 关于人民网 | 报社招聘 | 招聘英才 | 广告服务 | 合作加盟</p>
<p>人民网版权所有，未经书面授权禁止使用</p><p>Copyright &copy; 1997-2022 by www.people.com.cn. all rights reserved</p></div>
</body></html>"""
    return html, ["责编", "相关新闻", HOT[5], "人民网版权所有", "分享到"]


def layout_xinhua(a: dict) -> tuple[str, list[str]]:
    """A xinhuanet-style article with an info block, editor line and QR code."""
    paragraphs = "\n".join(f'<p style="text-indent:2em;">{p}</p>' for p in a["paragraphs"])
    html = f"""<!DOCTYPE html><html><head>
<meta http-equiv="Content-Type" content="text/html; charset=utf-8" />
<title>{a["title"]}-新华网</title>
<meta property="og:title" content="{a["title"]}" />
</head><body>
<div class="topBar"><a href="/">新华网</a> <a href="#">登录</a></div>
<div class="nav"><ul>{NAV}</ul></div>
<div class="header">
<div class="h-p3 clearfix"><div class="h-info"><span class="h-time">{day(a, "%Y-%m-%d %H:%M:%S")}</span>
<span><em>来源：</em>{a["source"]}</span></div></div>
<div class="h-title">{a["title"]}</div>
</div>
<div class="main clearfix">
<div id="detail"><span id="detailContent">
{paragraphs}
</span></div>
<div id="articleEdit"><span class="tiyi1"><a href="#">【纠错】</a></span><span class="editor">【责任编辑:刘洋 】</span></div>
<div class="fix-ewm"><img src="/ewm.png"><p>扫一扫在手机打开当前页</p></div>
<div class="xgxw"><div class="tit">相关新闻</div><ul>{links(HOT[:3])}</ul></div>
</div>
<div class="foot">Copyright &copy; 2000-2022 XINHUANET.com All Rights Reserved. 制作单位：新华网</div>
</body></html>"""
    return html, ["纠错", "责任编辑", "扫一扫", HOT[0], "XINHUANET"]


def layout_gov(a: dict) -> tuple[str, list[str]]:
    """A TRS government site: table layout, TRS_Editor, font-size controls, sponsor footer."""
    paragraphs = "\n".join(
        f'<p style="text-indent: 2em; line-height: 2;"><span style="font-family: 仿宋;">{p}</span></p>'
        for p in a["paragraphs"]
    )
    html = f"""<html><head><meta http-equiv="Content-Type" content="text/html; charset=gb2312">
<title>{a["title"]}</title></head>
<body>
<table width="1000" align="center"><tr><td><img src="/images/banner.jpg"></td></tr>
<tr><td class="dh"><a href="/">网站首页</a> | <a href="/zwgk/">政务公开</a> | <a href="/gzdt/">工作动态</a> | <a href="/hdjl/">互动交流</a></td></tr></table>
<table width="1000" align="center"><tr><td class="dqwz">当前位置：<a href="/">首页</a> &gt; <a href="/gzdt/">工作动态</a> &gt; 国企党建</td></tr></table>
<table width="1000" align="center" class="content-table">
<tr><td align="center" class="title"><b>{a["title"]}</b></td></tr>
<tr><td align="center" class="info">发布时间：{day(a, "%Y-%m-%d")}&nbsp;&nbsp;&nbsp;来源：{a["source"]}&nbsp;&nbsp;&nbsp;浏览次数：1285&nbsp;&nbsp;【字体：<a href="#">大</a> <a href="#">中</a> <a href="#">小</a>】</td></tr>
<tr><td class="bt_content"><div class="TRS_Editor">
{paragraphs}
</div></td></tr>
<tr><td align="right"><a href="javascript:window.print()">【打印本页】</a> <a href="javascript:window.close()">【关闭窗口】</a></td></tr>
</table>
<table width="1000" align="center" class="bottom"><tr><td>
主办单位：晋中市人民政府国有资产监督管理委员会&nbsp;&nbsp;承办单位：市国资委办公室<br>
网站标识码：1407000012&nbsp;&nbsp;{ICP}&nbsp;&nbsp;{SEC}<br>地址：晋中市榆次区迎宾街 电话：0354-3030000
</td></tr></table>
</body></html>"""
    return html, ["浏览次数", "字体", "打印本页", "主办单位", "ICP", "当前位置"]


def layout_company_br(a: dict) -> tuple[str, list[str]]:
    """A company site: bare div text with <br> paragraphs, left column of links."""
    paragraphs = "<br />\n".join(f"&nbsp;&nbsp;&nbsp;&nbsp;{p}<br />" for p in a["paragraphs"])
    html = f"""<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">
<html><head><meta http-equiv="Content-Type" content="text/html; charset=gbk" />
<title>{a["title"]}_新闻动态_山西某建设工程有限公司</title></head>
<body><div id="top"><div class="logo"><img src="/logo.png" alt="山西某建设工程有限公司"></div>
<div class="menu"><a href="/">网站首页</a><a href="/about/">关于我们</a><a href="/news/">新闻动态</a><a href="/case/">工程案例</a><a href="/contact/">联系我们</a></div></div>
<div id="main"><div class="left"><div class="tit">新闻动态</div><ul><li><a href="/news/gsxw/">公司新闻</a></li><li><a href="/news/hyxw/">行业新闻</a></li><li><a href="/news/djgz/">党建工作</a></li></ul>
<div class="tit">联系我们</div><p>电话：0351-7654321</p><p>地址：太原市小店区长治路</p></div>
<div class="right"><div class="weizhi">您现在的位置：<a href="/">首页</a> > <a href="/news/">新闻动态</a> > 党建工作</div>
<div class="news_title">{a["title"]}</div>
<div class="news_date">发布日期：{day(a, "%Y-%m-%d %H:%M")}&nbsp;&nbsp;点击数：362</div>
<div class="news_content">
{paragraphs}
</div>
<div class="prenext"><p>上一篇：<a href="/news/120.html">公司召开二季度经济活动分析会</a></p><p>下一篇：<a href="/news/122.html">公司开展消防应急演练</a></p></div>
</div></div>
<div id="foot">Copyright &copy; 2022 山西某建设工程有限公司 版权所有 {ICP} 技术支持：某网络</div>
</body></html>"""
    return html, ["上一篇", "下一篇", "点击数", "版权所有", "0351-7654321", "您现在的位置"]


def layout_app(a: dict) -> tuple[str, list[str]]:
    """A news app's share page: sections, an open-in-app bar, user comments."""
    paragraphs = "\n".join(f'<p class="text">{p}</p>' for p in a["paragraphs"])
    comments = "".join(
        f'<div class="comment-item"><span class="user">{u}</span><p class="comment-text">{t}</p><span class="like">赞 {n}</span></div>'
        for u, t, n in [
            ("太原网友", "向坚守在一线的煤矿工人致敬，你们辛苦了！", 128),
            ("晋城网友", "看了很感动，希望大家平平安安，新年快乐。", 64),
            ("用户8372", "老一辈煤矿人的精神值得我们学习，点赞！", 31),
        ]
    )
    html = f"""<!DOCTYPE html><html><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width,initial-scale=1">
<title>{a["title"]}</title>
<script type="application/ld+json">{{"@context":"https://schema.org","@type":"NewsArticle","headline":"{a["title"]}","datePublished":"{a["date"]}"}}</script>
</head><body>
<div class="open-app-bar">打开APP，阅读体验更佳 <a href="#">立即打开</a></div>
<article class="article">
<h1 class="article-title">{a["title"]}</h1>
<div class="article-meta"><span class="media-name">{a["source"]}</span></div>
<section class="article-content">
{paragraphs}
</section>
<div class="read-more">展开全文</div>
</article>
<div class="comment-area"><h3>网友评论</h3>{comments}<a class="more">查看更多评论</a></div>
<div class="recommend-list"><h3>为你推荐</h3><ul>{links(HOT[1:5])}</ul></div>
<div class="download-bar">下载APP，看更多精彩内容</div>
</body></html>"""
    return html, ["向坚守在一线的煤矿工人致敬", "打开APP", "下载APP", "为你推荐", "查看更多评论"]


def layout_portal_summaries(a: dict) -> tuple[str, list[str]]:
    """A portal whose sidebar lists headlines with one-sentence summaries."""
    paragraphs = "\n".join(f"<p>{p}</p>" for p in a["paragraphs"])
    side = "".join(
        f'<div class="side-item"><a href="/n/{i}.html">{t}</a><p class="summary">{t}，记者从相关部门获悉，各项工作正在有序推进之中。</p></div>'
        for i, t in enumerate(HOT)
    )
    html = f"""<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8">
<title>{a["title"]}_财经频道_中国经济网——国家经济门户</title></head>
<body>
<div id="header"><ul class="menu">{NAV}</ul></div>
<div class="crumbs"><a href="/">中国经济网首页</a> &gt; <a href="/finance/">财经频道</a> &gt; 正文</div>
<div class="wrap">
<div class="main-left">
<h1 id="articleTitle">{a["title"]}</h1>
<div class="article-info"><span id="articleTime">{day(a, "%Y年%m月%d日 %H:%M")}</span><span id="articleSource">来源：{a["source"]}</span></div>
<div class="article-body" id="articleText">
{paragraphs}
</div>
<div class="article-editor">（责任编辑：赵云）</div>
</div>
<div class="main-right"><h3>热点新闻</h3>{side}</div>
</div>
<div id="footer">中国经济网 版权所有 互联网新闻信息服务许可证(10120170008) {ICP}</div>
</body></html>"""
    return html, ["记者从相关部门获悉", "责任编辑", "热点新闻", "版权所有"]


def layout_split(a: dict) -> tuple[str, list[str]]:
    """An article split over sibling divs with an image and caption between."""
    half = len(a["paragraphs"]) // 2
    first = "\n".join(f"<p>{p}</p>" for p in a["paragraphs"][:half])
    second = "\n".join(f"<p>{p}</p>" for p in a["paragraphs"][half:])
    html = f"""<html><head><meta charset="utf-8"><title>{a["title"]} - 集团要闻</title></head>
<body>
<div class="navbar"><a href="/">集团首页</a> <a href="/news/">集团要闻</a> <a href="/dj/">党的建设</a></div>
<div class="container">
<div class="article-head"><h2>{a["title"]}</h2><p class="meta">作者：宣传部 时间：{day(a, "%Y/%m/%d %H:%M")}</p></div>
<div class="article">
<div class="part">{first}</div>
<div class="pic"><img src="/p/1.jpg"><p class="caption">培训现场</p></div>
<div class="part">{second}</div>
</div>
<div class="pages"><a href="#">上一页</a> <a href="#">1</a> <a href="#">下一页</a></div>
</div>
<div class="copyright">版权所有：某集团有限责任公司 {ICP}</div>
</body></html>"""
    return html, ["上一页", "版权所有", "集团首页"]


def layout_html5(a: dict) -> tuple[str, list[str]]:
    """An HTML5 article: article, aside, footer, time element."""
    paragraphs = "\n".join(f"<p>{p}</p>" for p in a["paragraphs"])
    html = f"""<!doctype html><html lang="zh"><head><meta charset="utf-8">
<title>{a["title"]} | 工人日报</title>
<meta property="article:published_time" content="{a["date"]}"></head>
<body><header><nav><a href="/">首页</a><a href="/yw/">要闻</a><a href="/qy/">企业</a></nav></header>
<main><article><header><h1>{a["title"]}</h1><time datetime="{a["date"]}">{day(a, "%Y-%m-%d")}</time>
<span class="source">来源：{a["source"]}</span></header>
{paragraphs}
<footer class="article-footer"><p>本文来源：{a["source"]}　编辑：孙敏</p></footer>
</article>
<aside><h2>推荐阅读</h2><ul>{links(HOT[:5])}</ul></aside></main>
<footer><p>&copy; 2020 工人日报社 版权所有</p></footer></body></html>"""
    return html, ["推荐阅读", "编辑：孙敏", "工人日报社 版权所有", HOT[2]]


def layout_wechat(a: dict) -> tuple[str, list[str]]:
    """A WeChat-style article: nested sections and spans, <p><br></p> gaps."""
    paragraphs = "\n".join(
        f'<section style="margin:0 8px;"><p style="text-align:justify;"><span style="font-size:15px;">{p}</span></p></section>\n<p><br></p>'
        for p in a["paragraphs"]
    )
    html = f"""<!DOCTYPE html><html><head><meta charset="utf-8">
<meta property="og:title" content="{a["title"]}">
<title>{a["title"]}</title></head>
<body id="activity-detail">
<div class="rich_media_inner">
<h1 class="rich_media_title" id="activity-name">{a["title"]}</h1>
<div id="meta_content" class="rich_media_meta_list"><span class="rich_media_meta rich_media_meta_text">{a["source"]}</span>
<em id="publish_time" class="rich_media_meta rich_media_meta_text">{day(a, "%Y-%m-%d %H:%M")}</em></div>
<div class="rich_media_content" id="js_content">
<section><section><p><span style="color:#888;">点击上方蓝字关注我们</span></p></section></section>
{paragraphs}
<p style="text-align:center;"><span>来源：{a["source"]}</span></p>
<p style="text-align:center;"><span>编辑：周婷　审核：钱峰</span></p>
</div>
<div id="js_tags" class="article-tag__list">阅读原文</div>
<div class="rich_media_tool"><span>预览时标签不可点</span></div>
</div></body></html>"""
    return html, ["点击上方蓝字关注我们", "预览时标签不可点", "审核：钱峰"]


def layout_finance(a: dict) -> tuple[str, list[str]]:
    """A finance portal with stock quote widgets in the text."""
    p = list(a["paragraphs"])
    p[0] = p[0].replace(
        "华阳集团",
        '<span id="stock_1.600348"><a href="http://quote.example.cn/1.600348" class="keytip" data-code="1,600348">华阳集团</a></span><span id="quote_1.600348"></span>',
        1,
    )
    paragraphs = "\n".join(f"<p>{x}</p>" for x in p)
    html = f"""<!DOCTYPE html><html><head><meta charset="utf-8"><title>{a["title"]}_财经频道_东方某财富网</title></head>
<body><div class="topnav"><a href="/">首页</a><a href="/stock/">股票</a><a href="/fund/">基金</a><a href="/bond/">债券</a></div>
<div class="main"><div class="contentwrap">
<div class="newsContent"><h1>{a["title"]}</h1>
<div class="infos"><div class="item">{day(a, "%Y年%m月%d日 %H:%M")}</div><div class="item">来源：<a href="#">{a["source"]}</a></div>
<div class="item">评论 <a href="#">0</a></div></div>
<div class="txtinfos" id="ContentBody">
{paragraphs}
<p class="res-edit">(文章来源：{a["source"]})</p>
</div>
<div class="abstract">文章来源：{a["source"]} 责任编辑：6</div>
<div class="disclaimer">郑重声明：本网转发此文章旨在为读者提供更多信息资讯，所涉内容不构成投资、消费建议。</div>
<div class="guba"><h3>股吧热帖</h3><ul>{links(HOT[:5])}</ul></div>
</div></div></div>
<div class="footer">本站郑重声明：所载数据仅供参考，使用前请核实，风险自负。{ICP}</div>
</body></html>"""
    return html, ["郑重声明", "股吧热帖", "责任编辑：6", "风险自负"]


def layout_div_text(a: dict) -> tuple[str, list[str]]:
    """Paragraphs as bare <div>s, title in a div, date in a span, no h1."""
    paragraphs = "\n".join(f"<div>{p}</div>" for p in a["paragraphs"])
    html = f"""<html><head><meta http-equiv="content-type" content="text/html;charset=utf-8">
<title>{a["title"]}-晋中新闻网</title></head>
<body><div class="top"><a href="/">晋中新闻网</a> <a href="/jzxw/">晋中新闻</a> <a href="/sxxw/">山西新闻</a> <a href="/gnxw/">国内新闻</a></div>
<div class="box"><div class="l"><div class="bt">{a["title"]}</div>
<div class="ly"><span>{day(a, "%Y-%m-%d %H:%M:%S")}</span> <span>来源：{a["source"]}</span> <span>作者：记者 郝敏</span></div>
<div class="nr">
{paragraphs}
</div>
<div class="fx">分享到：<a>QQ空间</a> <a>新浪微博</a> <a>微信</a></div>
</div><div class="r"><div class="rd">热点排行</div><ol>{links(HOT)}</ol></div></div>
<div class="db">晋中新闻网 版权所有 {ICP} 未经授权禁止转载</div>
</body></html>"""
    return html, ["分享到", "热点排行", "未经授权禁止转载", "晋中新闻网 版权所有"]


def layout_provincial(a: dict) -> tuple[str, list[str]]:
    """A provincial paper's site in GBK with a long related list inside the article box."""
    paragraphs = "\n".join(f"<p>　　{p}</p>" for p in a["paragraphs"])
    html = f"""<html><head><meta http-equiv="Content-Type" content="text/html; charset=gbk">
<title>{a["title"]}_山西经济日报</title></head>
<body><div class="head"><ul class="nav">{NAV}</ul></div>
<div class="article-box">
<div class="position">您的位置：<a href="/">首页</a> > <a href="/qy/">企业</a></div>
<h1>{a["title"]}</h1>
<div class="info">{day(a, "%Y-%m-%d %H:%M")}　来源：{a["source"]}　作者：王静</div>
<div class="text">
{paragraphs}
</div>
<div class="related"><div class="title">相关阅读：</div><ul>{links(HOT)}</ul></div>
<div class="copyright-note">（本文版权归山西经济日报所有，转载请注明出处）</div>
</div>
<div class="foot"><p>主办：山西经济日报社　{ICP}</p></div>
</body></html>"""
    return html, ["相关阅读", "转载请注明出处", "主办", HOT[4]]


def layout_old_table(a: dict) -> tuple[str, list[str]]:
    """An old table layout with <font> tags and &nbsp; indents, text directly in a td."""
    paragraphs = "<br>".join(f"&nbsp;&nbsp;&nbsp;&nbsp;{p}<br>" for p in a["paragraphs"])
    html = f"""<HTML><HEAD><META http-equiv=Content-Type content="text/html; charset=gb2312">
<TITLE>{a["title"]}</TITLE></HEAD>
<BODY><TABLE width=778 align=center><TR><TD><A href="/">首页</A> | <A href="/xw/">新闻中心</A> | <A href="/gg/">通知公告</A></TD></TR></TABLE>
<TABLE width=778 align=center><TR><TD width=180 valign=top><TABLE><TR><TD><A href="/xw/1.htm">学院召开教学工作会议</A></TD></TR><TR><TD><A href="/xw/2.htm">我院学生在技能大赛中获奖</A></TD></TR></TABLE></TD>
<TD valign=top><TABLE width="100%"><TR><TD align=center><FONT size=4><B>{a["title"]}</B></FONT></TD></TR>
<TR><TD align=center><FONT color=#666666>发布日期：{day(a, "%Y年%m月%d日")}　来源：{a["source"]}</FONT></TD></TR>
<TR><TD><FONT size=3>{paragraphs}</FONT></TD></TR></TABLE></TD></TR></TABLE>
<TABLE width=778 align=center><TR><TD align=center>版权所有 太原市某技师学院 {ICP}</TD></TR></TABLE>
</BODY></HTML>"""
    return html, ["学院召开教学工作会议", "版权所有", "通知公告"]


def layout_group_site(a: dict) -> tuple[str, list[str]]:
    """A group company site: ul-based submenu inside main, tag list and a print bar."""
    paragraphs = "\n".join(
        f'<p style="text-indent:2em"><font face="宋体">{p}</font></p>' for p in a["paragraphs"]
    )
    html = f"""<!DOCTYPE html><html><head><meta charset="utf-8"><title>{a["title"]}-晋能控股装备制造集团</title></head>
<body><div class="header"><div class="logo"></div><ul class="menu">{NAV}</ul></div>
<div class="main"><div class="sub-menu"><h2>新闻中心</h2><ul><li><a href="/xw/jt/">集团要闻</a></li><li><a href="/xw/jc/">基层动态</a></li><li><a href="/xw/mt/">媒体聚焦</a></li></ul></div>
<div class="detail"><div class="detail-title"><h3>{a["title"]}</h3>
<p>发布者：党委工作部　发布时间：{day(a, "%Y-%m-%d")}　浏览：215次</p></div>
<div class="detail-content">
{paragraphs}
</div>
<div class="detail-tags">标签：<a href="#">党建品牌</a> <a href="#">管理提升</a></div>
<div class="print-bar"><a href="#">【打印】</a><a href="#">【关闭】</a><a href="#">【返回顶部】</a></div>
</div></div>
<div class="footer"><p>晋能控股装备制造集团有限公司 版权所有　地址：山西省晋城市</p><p>{ICP}</p></div>
</body></html>"""
    return html, ["发布者", "浏览：215次", "标签：", "返回顶部", "基层动态"]


def layout_gov_json(a: dict) -> tuple[str, list[str]]:
    """A provincial government page: meta publish date, zoom controls, attachments line."""
    paragraphs = "\n".join(f"<p>{p}</p>" for p in a["paragraphs"])
    html = f"""<!DOCTYPE html><html><head><meta charset="utf-8">
<meta name="ArticleTitle" content="{a["title"]}">
<meta name="PubDate" content="{day(a, "%Y-%m-%d %H:%M")}">
<meta name="ContentSource" content="{a["source"]}">
<title>{a["title"]}_山西省人民政府国有资产监督管理委员会</title></head>
<body><div class="gov-top">无障碍 | 长者模式 | 繁體</div>
<div class="gov-nav"><a href="/">首页</a><a href="/xxgk/">信息公开</a><a href="/gzdt/">工作动态</a></div>
<div class="gov-article">
<div class="article-title">{a["title"]}</div>
<div class="article-attr"><span>来源：{a["source"]}</span><span>发布时间：{day(a, "%Y-%m-%d %H:%M")}</span>
<span class="zoom">【字号：<a>大</a> <a>中</a> <a>小</a>】</span></div>
<div class="article-content" id="zoom">
{paragraphs}
</div>
<div class="article-bottom"><a href="#">【打印本页】</a> <a href="#">【关闭窗口】</a></div>
</div>
<div class="gov-footer"><p>主办：山西省人民政府国有资产监督管理委员会</p><p>网站标识码：1400000033 {ICP} {SEC}</p></div>
</body></html>"""
    return html, ["无障碍", "字号", "打印本页", "网站标识码", "主办"]


LAYOUTS = {
    "a01": (
        "people.sx.soe-party-meeting.html",
        "http://sx.people.com.cn/n2/2022/0218/c189132-35140012.html",
        layout_people,
        "utf-8",
    ),
    "a02": (
        "xinhuanet.power-commandos.html",
        "http://www.news.cn/local/2022-07/12/c_1128825123.htm",
        layout_xinhua,
        "utf-8",
    ),
    "a03": (
        "gov.jz-gzw.party-progress.html",
        "http://gzw.sxjz.gov.cn/gzdt/202111/t20211105_123456.html",
        layout_gov,
        "gb18030",
    ),
    "a04": (
        "company.construction-safety.html",
        "http://www.sxjianshe.example.cn/news/121.html",
        layout_company_br,
        "gb18030",
    ),
    "a05": (
        "app.share-miner-story.html",
        "https://m.news.example.cn/share/article/9834211",
        layout_app,
        "utf-8",
    ),
    "a06": (
        "ce.cn.reform-three-years.html",
        "http://finance.ce.cn/stock/gsgdbd/202209/26/t20220926_38123456.shtml",
        layout_portal_summaries,
        "utf-8",
    ),
    "a07": (
        "group.luan-youth-training.html",
        "http://www.luanhuagong.example.cn/news/2021/0520/5678.html",
        layout_split,
        "utf-8",
    ),
    "a08": (
        "workercn.project-branch.html",
        "https://www.workercn.example.cn/qy/2020-10/15/art_77.html",
        layout_html5,
        "utf-8",
    ),
    "a09": (
        "wechat.tongmei-integrity.html",
        "https://mp.weixin.example.cn/s/Xy9aBcDeFgHiJkLmN",
        layout_wechat,
        "utf-8",
    ),
    "a10": (
        "finance.huayang-q1.html",
        "http://finance.eastmoney.example.cn/a/202204062337123456.html",
        layout_finance,
        "utf-8",
    ),
    "a11": (
        "jznews.soe-forum.html",
        "http://www.jznews.com.cn/jzxw/20220310/123456.shtml",
        layout_div_text,
        "utf-8",
    ),
    "a12": (
        "sxjjrb.digital.html",
        "http://www.sxjjrb.example.cn/qy/20221201/88888.html",
        layout_provincial,
        "gb18030",
    ),
    "a13": (
        "college.skills-contest.html",
        "http://www.tyjsxy.example.cn/xw/2019/0912/301.htm",
        layout_old_table,
        "gb18030",
    ),
    "a14": (
        "jnkgzb.brand.html",
        "http://www.jnkgzb.example.cn/xw/jt/2023/0321/1102.html",
        layout_group_site,
        "utf-8",
    ),
    "a15": (
        "gzw.shanxi.half-year.html",
        "http://gzw.shanxi.gov.cn/gzdt/202207/t20220725_6654321.shtml",
        layout_gov_json,
        "utf-8",
    ),
}


def main() -> None:
    articles = tomllib.loads((HERE / "articles.toml").read_text(encoding="utf-8"))
    evaldata = {}
    for key, (name, url, layout, encoding) in LAYOUTS.items():
        article = articles[key]
        html, without = layout(article)
        (HERE / name).write_bytes(html.encode(encoding))
        paragraphs = article["paragraphs"]
        evaldata[name] = {
            "url": url,
            "encoding": encoding,
            "title": article["title"],
            "published_at": article["date"],
            "body": "\n".join(paragraphs),
            "with": [
                paragraphs[0][:12],
                paragraphs[-1][-12:],
                paragraphs[len(paragraphs) // 2][:10],
            ],
            "without": without,
        }
    (HERE / "evaldata.json").write_text(
        json.dumps(evaldata, ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
    )


if __name__ == "__main__":
    main()
