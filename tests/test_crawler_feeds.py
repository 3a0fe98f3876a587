"""Feeds and sitemaps as start points, parsed from the sample mirror's files (no network)."""

from __future__ import annotations

import gzip

from crawler.feeds import feed_links, is_feed, sitemap_links
from crawler.sources import load_sources, sites_dir
from tests.helpers import MANIFEST, SAMPLES


def test_the_finews_atom_feed_gives_its_ten_most_recent_posts_as_articles():
    body = (SAMPLES / "sites/finews.withounder.com/feed.xml").read_bytes()
    assert is_feed(body)
    links = feed_links(body, "http://finews.withounder.com/feed.xml")
    in_feed = [e["url"] for e in MANIFEST if "in-feed" in e["cases"]]
    assert sorted(links) == sorted(in_feed) and len(links) == 10
    finews = load_sources(sites_dir())["finews"]
    assert all(finews.is_article(u) for u in links)


def test_rss_items_give_their_link_or_permalink_guid():
    rss = b"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom"><channel><title>t</title>
<atom:link href="http://a.example/rss.xml" rel="self"/>
<item><title>one</title><link>http://a.example/1.html</link></item>
<item><title>two</title><guid isPermaLink="true">http://a.example/2.html</guid></item>
<item><title>three</title><guid isPermaLink="false">tag:a.example,3</guid></item>
<item><title>four</title><link> /4.html </link></item>
</channel></rss>"""
    assert is_feed(rss)
    assert feed_links(rss, "http://a.example/rss.xml") == [
        "http://a.example/1.html",
        "http://a.example/2.html",
        "http://a.example/4.html",
    ]


def test_not_a_feed_gives_nothing():
    assert not is_feed(b"<html><body><a href='/x'>x</a></body></html>")
    assert feed_links(b"", "http://a.example/") == []
    assert feed_links(b"\x00\xff garbage", "http://a.example/") == []


def test_the_farm_sitemap_lists_its_articles_the_deleted_one_and_the_bare_host():
    body = (SAMPLES / "sites/www.zkycreaiw.com/sitemap.xml").read_bytes()
    found = sitemap_links(body, "http://www.zkycreaiw.com/sitemap.xml")
    assert found.sitemaps == ()
    farm = load_sources(sites_dir())["farmnet"]
    articles = [u for u in found.pages if farm.is_article(u)]
    assert "http://www.zkycreaiw.com/" in found.pages  # the home page: not an article
    assert len(articles) == 9
    assert "http://www.zkycreaiw.com/html/54212816-1043.html" in articles  # deleted: 404
    assert "http://zkycreaiw.com/html/54212816-1047.html" in articles  # redirects to www


def test_a_gzipped_sitemap_index_gives_its_sitemaps_and_robots_gives_its_sitemap_lines():
    index = (
        b'<?xml version="1.0" encoding="UTF-8"?>'
        b'<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        b"<sitemap><loc>http://a.example/news-1.xml</loc></sitemap>"
        b"<sitemap><loc>/news-2.xml.gz</loc></sitemap></sitemapindex>"
    )
    found = sitemap_links(gzip.compress(index), "http://a.example/sitemap.xml.gz")
    assert found.pages == ()
    assert found.sitemaps == ("http://a.example/news-1.xml", "http://a.example/news-2.xml.gz")
    robots = (SAMPLES / "sites/www.zkycreaiw.com/robots.txt").read_bytes()
    found = sitemap_links(robots, "http://www.zkycreaiw.com/robots.txt")
    assert found.sitemaps == ("http://www.zkycreaiw.com/sitemap.xml",)


def test_a_damaged_sitemap_gives_nothing():
    assert sitemap_links(b"\x1f\x8b\x08 cut", "http://a.example/s.xml.gz").pages == ()
    assert sitemap_links(b"<html>not a sitemap", "http://a.example/s.xml").pages == ()
    assert sitemap_links(b"", "http://a.example/s.xml").pages == ()
