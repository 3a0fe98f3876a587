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


def test_finews_listing_page_two_has_articles_the_draft_and_no_other_domain(sources):
    url, text = saved("finews.withounder.com", "/category/xinhuacaijing/page2.html", "utf-8")
    links = classify_links(sources["finews"], url, text)
    assert links.articles == (
        "http://finews.withounder.com/xinhuacaijing/2022/06/02/NW202206022391544109.html",
        "http://finews.withounder.com/xinhuacaijing/2022/05/23/NW202205232388058243.html",
        # Listed, matches the pattern: robots.txt (not the parser) keeps it out.
        "http://finews.withounder.com/drafts/2022/07/20/NW202207209999000001.html",
    )
    # Back to page 1 and the other category; the article-looking link to
    # finews.zning.xyz and the quote widgets' links are not on the site.
    assert links.listings == (
        "http://finews.withounder.com/category/xinhuacaijing.html",
        "http://finews.withounder.com/category/yangquanribao.html",
    )
    assert any("finews.zning.xyz/xinhuacaijing/" in u for u in page_hrefs(text, url))


def test_finews_first_page_paginates_to_page_two(sources):
    url, text = saved("finews.withounder.com", "/category/xinhuacaijing.html", "utf-8")
    links = classify_links(sources["finews"], url, text)
    assert "http://finews.withounder.com/category/xinhuacaijing/page2.html" in links.listings
    assert len(links.articles) == 4


def test_finews_article_page_links_are_not_listings_of_its_own(sources):
    url, text = saved(
        "finews.withounder.com",
        "/yangquanribao/2022/03/14/NW202203142307820469.html",
        "utf-8",
    )
    links = classify_links(sources["finews"], url, text)
    assert all("eastmoney" not in u and "zning" not in u for u in links.articles + links.listings)


def test_company_site_gbk_listing_keeps_the_old_redirecting_url_and_the_deleted_story(sources):
    url, text = saved("www.zkycreaiw.com", "/news/", "gb18030")
    links = classify_links(sources["zkycreaiw"], url, text)
    assert "http://www.zkycreaiw.com/news/show.php?id=1047" in links.articles
    assert "http://www.zkycreaiw.com/news/show-1043.html" in links.articles
    assert links.listings == ("http://www.zkycreaiw.com/news/list_2.html",)
    # Navigation and the "about" pages are neither.
    assert not any("/about/" in u or "/case/" in u for u in links.articles + links.listings)


def test_portal_and_big5_listings(sources):
    url, text = saved("www.stzg.example", "/qiye/list_2.html", "gb18030")
    links = classify_links(sources["stzg"], url, text)
    assert len(links.articles) == 3
    assert links.listings == ("http://www.stzg.example/qiye/",)
    url, text = saved("news.twrepost.example", "/china/index.htm", "big5")
    links = classify_links(sources["twrepost"], url, text)
    assert links.articles == (
        "http://news.twrepost.example/china/202109/51196.htm",
        "http://news.twrepost.example/china/202108/51142.htm",
    )
    assert links.listings == ("http://news.twrepost.example/china/index_2.htm",)


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
    zky = sources["zkycreaiw"]
    assert zky.is_article("http://www.zkycreaiw.com/news/show-1038.html")
    assert zky.is_article("http://www.zkycreaiw.com/news/show.php?id=1047")
    assert not zky.is_article("http://www.zkycreaiw.com/news/show.php?id=1047&print=1")
    assert not zky.is_article("http://evil.example/news/show-1038.html")
    assert zky.is_listing("http://www.zkycreaiw.com/news/")
    assert not zky.is_listing("http://www.zkycreaiw.com/news/show-1038.html")


def test_every_shipped_source_loads_with_its_start_pages_on_its_domains(sources):
    assert set(sources) >= {"finews", "zkycreaiw", "stzg", "twrepost"}
    for source in sources.values():
        assert source.start_urls
        assert all(source.is_listing(u) for u in source.start_urls), source.name


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
