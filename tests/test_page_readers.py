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


ARTICLE = (
    "<html><head><title>某公司召开安全生产会议</title></head><body>"
    "<div class='nav'><a href='/'>首页</a></div><h1>某公司召开安全生产会议</h1>"
    f"<div class='content'><p>{PROSE}</p>"
    "<p>会议要求，各单位要压实安全责任，确保生产平稳有序。</p></div>"
    "</body></html>"
)


def _body_of(page: str, headers: dict[str, str] | None = None) -> str:
    return clean_page(page.encode("utf-8"), "http://example.cn/a.html", headers).body


def test_leading_junk_before_the_markup_is_cut_not_read_as_text() -> None:
    expected = f"{PROSE}\n会议要求，各单位要压实安全责任，确保生产平稳有序。"
    prefixes = {
        "corpus wrapper": '<text id="http://example.cn/a.html" title="某公司" encoding="utf8">\n',
        "server notice": "<br />\n<b>Warning</b>: session_start(): headers already sent "
        "in /var/www/a.php on line <b>3</b><br />\n",
        "BOM and comment": "\ufeff<!-- generated 2005-01-01 -->\n",
        "script": '<script>var s = document.createElement("script");</script>\n',
        "notice line": "Deprecated: mysql_connect() is deprecated in /x/db.php on line 9\n",
    }
    for name, prefix in prefixes.items():
        assert _body_of(prefix + ARTICLE + "\n</text>\n") == expected, name


def test_a_wrapped_fragment_without_html_tag_is_html() -> None:
    fragment = (
        '<doc id="7" encoding="gbk">\n<table><tr><td><p>'
        + PROSE
        + "</p><p>会议要求，各单位要压实安全责任。</p></td></tr></table>\n</doc>"
    )
    record = clean_page(fragment.encode("utf-8"), "http://example.cn/b.html")
    assert record.body == f"{PROSE}\n会议要求，各单位要压实安全责任。"
    assert "encoding" not in record.body and "<" not in record.body


def test_html_is_known_by_tags_anywhere_in_the_first_kilobytes() -> None:
    assert looks_like_html('<text id="u">\n\n<form name="f"><input type="hidden"></form>')
    assert looks_like_html("x" * 3000 + "<html><body><p>正文</p></body></html>")
    assert looks_like_html("说明\n<div><p>正文</p><br></div>")
    assert not looks_like_html("标题\n正文里写着 <b>粗体</b> 与 <i>斜体</i>。")


def test_the_parser_reads_the_same_tree_from_text_or_from_its_utf8_bytes() -> None:
    """A page served in UTF-8 is parsed from its own bytes; cutting the junk
    before the markup (with characters of several bytes in it), an XML
    declaration or a control character keeps the bytes and the text in step."""
    for control in ("", "\x00"):
        page = (
            '<text id="http://例子.cn/1" title="标题">\n<?xml version="1.0" encoding="utf-8"?>'
            f"<html><head><title>标题</title></head><body><p>{PROSE}</p>"
            f"<p>第二段{control}。</p></body></html>"
        )
        for document in (read(page), read(page, utf8=page.encode("utf-8"))):
            assert document.kind == "html" and document.root is not None
            assert document.root.findtext(".//title") == "标题"
            assert [p.text for p in document.root.iter("p")] == [PROSE, "第二段。"]
    fragment = f'<?xml version="1.0" encoding="utf-8"?>\n<div><p>{PROSE}</p><p>第二段。</p></div>'
    document = read(fragment, utf8=fragment.encode("utf-8"))
    assert document.root is not None
    assert [p.text for p in document.root.iter("p")] == [PROSE, "第二段。"]
