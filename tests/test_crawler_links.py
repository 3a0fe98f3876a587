"""Spider parsing on saved pages, no network: which links are articles, which are listings."""

from __future__ import annotations

from pathlib import Path

import pytest

from crawler.links import classify_links, page_hrefs
from crawler.sources import Source, SourceError, load_sources, parse_source, sites_dir

ROOT = Path(__file__).resolve().parent.parent
SITES = ROOT / "data" / "samples" / "sites"


@pytest.fixture(scope="module")
def sources() -> dict[str, Source]:
    return load_sources(sites_dir())


def saved(host: str, path: str, encoding: str) -> tuple[str, str]:
    """A saved page of the sample mirror: its URL and its text."""
    file = SITES / host / (path.lstrip("/") or "index.html")
    if path.endswith("/"):
        file = file / "index.html"
    return f"http://{host}{path}", file.read_bytes().decode(encoding)


def test_finews_category_page_has_its_posts_the_draft_and_no_other_domain(sources):
    url, text = saved("finews.withounder.com", "/category/xinhuacaijing.html", "utf-8")
    links = classify_links(sources["finews"], url, text)
    assert len(links.articles) == 7  # six posts and the draft
    # Listed, matches the pattern: robots.txt (not the parser) keeps it out.
    assert links.articles[0] == (
        "http://finews.withounder.com/drafts/2022/07/20/NW202207209999000001.html"
    )
    seed = "http://finews.withounder.com/xinhuacaijing/2022/05/23/NW202205232388058243.html"
    assert seed in links.articles
    # No pagination; the article-looking link to finews.zning.xyz is not on the site.
    assert links.listings == ()
    assert any("finews.zning.xyz/xinhuacaijing/" in u for u in page_hrefs(text, url))


def test_finews_pattern_takes_old_posts_and_leaves_the_sites_other_pages(sources):
    finews = sources["finews"]
    assert finews.is_article(
        "http://finews.withounder.com/old_post/2022-05-23-NW202205232388058243.html"
    )
    assert finews.is_listing(
        "http://finews.withounder.com/category/21shijijingjibaodao%2021caijingAPP.html"
    )
    assert not finews.is_article("http://finews.withounder.com/feed.xml")
    assert not finews.is_article("http://finews.withounder.com/category/xinhuacaijing.html")


def test_finews_article_page_links_are_not_listings_of_its_own(sources):
    url, text = saved(
        "finews.withounder.com",
        "/yangquanribao/2022/03/14/NW202203142307820469.html",
        "utf-8",
    )
    links = classify_links(sources["finews"], url, text)
    assert all("eastmoney" not in u and "zning" not in u for u in links.articles + links.listings)


def test_vsb_list_links_are_relative_and_page_two_counts_down(sources):
    url, text = saved("www.jnkgjtnews.com", "/jtyw.htm", "utf-8")
    links = classify_links(sources["jnkgjtnews"], url, text)
    assert links.articles == (
        "http://www.jnkgjtnews.com/info/1021/41355.htm",
        "http://www.jnkgjtnews.com/info/1021/41302.htm",
    )
    assert "http://www.jnkgjtnews.com/jtyw/1.htm" in links.listings
    url, text = saved("www.jnkgjtnews.com", "/jtyw/1.htm", "utf-8")
    links = classify_links(sources["jnkgjtnews"], url, text)
    assert links.articles == ("http://www.jnkgjtnews.com/info/1021/41237.htm",)
    url, text = saved("www.jnkgjtnews.com", "/wjxz.htm", "utf-8")
    (report,) = classify_links(sources["jnkgjtnews"], url, text).articles
    assert report.startswith("http://www.jnkgjtnews.com/system/_content/download.jsp?urltype=")


def test_trs_gb2312_list_and_people_style_big5_list(sources):
    url, text = saved("district.ce.cn", "/newarea/sxpd/index.shtml", "gb2312")
    links = classify_links(sources["cedistrict"], url, text)
    assert links.articles == (
        "http://district.ce.cn/newarea/sxpd/202306/08/t20230608_38590127.shtml",
        "http://district.ce.cn/newarea/sxpd/202305/30/t20230530_38573318.shtml",
        "http://district.ce.cn/newarea/sxpd/202305/23/t20230523_38561042.shtml",
    )
    url, text = saved("www.sxrb.com", "/BIG5/339410/339411/index.html", "big5")
    links = classify_links(sources["sxrb"], url, text)
    assert len(links.articles) == 4
    assert all("/BIG5/" in u for u in links.articles)
    # The page's link to its simplified twin is a listing of the same source.
    assert links.listings == ("http://www.sxrb.com/GB/339410/339411/index.html",)


def test_portal_listing_pages(sources):
    url, text = saved("www.eco.gov.cn", "/news_list/qiye_2.html", "gb18030")
    links = classify_links(sources["eco"], url, text)
    assert len(links.articles) == 3
    assert links.listings == ("http://www.eco.gov.cn/news_list/qiye.html",)


def test_hrefs_resolve_base_drop_fragments_and_scripts():
    html = (
        '<html><head><base href="http://a.example/dir/"></head><body>'
        '<a href="x.html#top">x</a><a href="javascript:void(0)">j</a>'
        '<a href="mailto:a@b.c">m</a><a href="//b.example/y">y</a></body></html>'
    )
    assert page_hrefs(html, "http://a.example/") == [
        "http://a.example/dir/x.html",
        "http://b.example/y",
    ]
    assert page_hrefs("", "http://a.example/") == []


def test_patterns_match_path_and_query_on_allowed_domains_only(sources):
    farm = sources["farmnet"]
    assert farm.is_article("http://www.zkycreaiw.com/html/54212816-1038.html")
    assert farm.is_article("http://zkycreaiw.com/html/54212816-1047.html")
    assert not farm.is_article("http://evil.example/html/54212816-1038.html")
    jzmsyl = sources["jzmsyl"]
    assert jzmsyl.is_article("http://jzmsyl.cn/index.php?p=news_show&id=88&c_id=1&lanmu=2")
    assert not jzmsyl.is_article("http://jzmsyl.cn/index.php?p=news_show&id=88&print=1")
    assert jzmsyl.is_listing("http://jzmsyl.cn/index.php?p=news&c_id=1&lanmu=2&page=2")


def test_every_shipped_source_loads_with_its_start_pages_on_its_domains(sources):
    assert set(sources) >= {"finews", "farmnet", "eco", "cedistrict", "sxrb", "jnkgjtnews"}
    for source in sources.values():
        assert source.start_urls or source.feeds or source.sitemaps
        assert all(source.is_listing(u) for u in source.start_urls), source.name
        assert all(source.is_allowed(u) for u in (*source.feeds, *source.sitemaps)), source.name
        # Every source says where its config comes from; no placeholder host.
        assert source.evidence, source.name
        assert not any(d.endswith(".example") for d in source.allowed_domains), source.name


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({}, "no [source] table"),
        ({"source": {"name": "other"}}, "name must be the file's stem"),
        ({"source": {"base_url": "ftp://x"}}, "base_url"),
        (
            {
                "source": {
                    "base_url": "http://a.example/",
                    "start_urls": ["/"],
                    "allowed_domains": ["a.example"],
                    "listing_patterns": ["("],
                    "article_pattern": "x",
                }
            },
            "is not a regex",
        ),
        (
            {
                "source": {
                    "base_url": "http://a.example/",
                    "start_urls": ["http://b.example/"],
                    "allowed_domains": ["a.example"],
                    "listing_patterns": ["^/$"],
                    "article_pattern": "x",
                }
            },
            "not on a.example",
        ),
    ],
)
def test_bad_sites_files_say_what_is_wrong(data, message):
    with pytest.raises(SourceError, match=message.replace("[", r"\[").replace("]", r"\]")):
        parse_source(data, "demo", "sites/demo.toml")


def test_sites_dir_comes_from_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("SXCORPUS_SITES", str(tmp_path))
    assert sites_dir() == tmp_path
    assert sites_dir(ROOT / "sites") == ROOT / "sites"
    with pytest.raises(SourceError, match="no sites"):
        load_sources(tmp_path)
