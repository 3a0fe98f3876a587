"""Readers by document kind: posts with front matter, Markdown, HTML, plain text."""

from __future__ import annotations

from cleaning.page.clean import canonical_url, clean_page, doc_id
from cleaning.page.documents import looks_like_html, parse_front_matter, read

PROSE = "某集团召开党建工作会议，部署全年重点任务，各单位负责人参加会议。"


def test_front_matter_lists_and_quotes() -> None:
    fields, body = parse_front_matter(
        '---\ntitle: "党建“软实力”"\ncategories:\n  - a\n  - b\ntags: [x, "y z"]\n---\n正文'
    )
    assert fields == {"title": "党建“软实力”", "categories": ("a", "b"), "tags": ("x", "y z")}
    assert body == "正文"


def test_markdown_post_without_front_matter() -> None:
    text = f"# 标题一\n\n{PROSE}\n\n会议要求**压实责任**，[详见](http://a.cn/x_y)确保落实。\n"
    record = clean_page(text.encode(), "file:///posts/a.md")
    assert record.title == "标题一"
    assert record.body.split("\n") == [PROSE, "会议要求压实责任，详见确保落实。"]


def test_front_matter_post_with_markdown_body() -> None:
    matter = '---\ntitle: "标题二"\ndate: 2022-03-14 11:46:43 +0800\ntags: 新闻\n---\n'
    text = f"{matter}{PROSE}\n\n- 要点一\n"
    record = clean_page(text.encode(), "file:///posts/b.txt")
    assert (record.title, record.tags) == ("标题二", ("新闻",))
    assert record.published_at.isoformat() == "2022-03-14T11:46:43+08:00"
    assert record.body.split("\n") == [PROSE, "要点一"]


def test_kinds_are_sniffed() -> None:
    assert looks_like_html("<!DOCTYPE html><html>")
    assert looks_like_html("  <!-- x --><div>正文</div>")
    assert not looks_like_html("标题\n正文 <b>粗体</b>")
    assert looks_like_html("标题\n<p>正文</p>", "text/html; charset=utf-8")
    assert read("第一行\n\n第二行\u00a0\n\u00a0\n").lines == ("第一行", "第二行")


def test_doc_id_is_stable_across_url_spellings() -> None:
    assert canonical_url("HTTP://Example.CN:80/a?b=2&a=1#x") == "http://example.cn/a?a=1&b=2"
    assert doc_id("http://example.cn/a?a=1&b=2") == doc_id("HTTP://EXAMPLE.cn:80/a?b=2&a=1#top")
    assert doc_id("http://example.cn/a") != doc_id("https://example.cn/a")
