"""``python -m crawler check-source NAME --page FILE`` on pages saved from a browser."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.slow
SITES = ROOT / "data" / "samples" / "sites"


def check(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "crawler", "check-source", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )


def saved_from_browser(tmp_path: Path, url: str, file: Path) -> Path:
    """The page as a browser's "Save page as" leaves it: the saved-from mark on top."""
    page = tmp_path / file.name
    mark = f"<!-- saved from url=({len(url):04d}){url} -->\r\n".encode()
    page.write_bytes(mark + file.read_bytes())
    return page


def test_an_article_page_prints_what_cleaning_extracts(tmp_path):
    url = "http://finews.withounder.com/yangquanribao/2022/03/14/NW202203142307820469.html"
    page = saved_from_browser(tmp_path, url, SITES / url.removeprefix("http://"))
    result = check("finews", "--page", str(page))
    assert result.returncode == 0, result.stderr
    out = result.stdout.splitlines()
    assert out[0] == "source finews: enabled"
    assert any(line.startswith("  evidence: host finews.withounder.com") for line in out)
    assert f"page {url} (URL from the browser's saved-from mark)" in out
    assert "  the URL is article by the source's patterns" in out
    assert "  title: 提升党建“软实力” 筑牢发展“硬支撑”" in out
    assert "  published_at: 2022-03-14T11:46:43+08:00" in out
    assert "  source: 阳泉日报" in out
    assert "  tags: 阳泉日报新闻" in out
    body = out.index("  body: 7 paragraphs; the first 5:")
    assert out[body + 1].startswith("    国有企业是国民经济发展的中坚力量")
    assert "verdict as an article: ok (title, date and body found)" in out


def test_a_listing_page_prints_the_links_it_would_follow(tmp_path):
    url = "http://www.jnkgjtnews.com/jtyw.htm"
    result = check("jnkgjtnews", "--page", str(SITES / "www.jnkgjtnews.com/jtyw.htm"), "--url", url)
    assert result.returncode == 0, result.stderr
    out = result.stdout.splitlines()
    assert out[0] == "source jnkgjtnews: disabled (not confirmed)"
    assert any(line.startswith("  unconfirmed: the columns") for line in out)
    articles = out.index("article links the crawl would follow (2):")
    assert out[articles + 1 : articles + 3] == [
        "  http://www.jnkgjtnews.com/info/1021/41355.htm",
        "  http://www.jnkgjtnews.com/info/1021/41302.htm",
    ]
    assert "  http://www.jnkgjtnews.com/jtyw/1.htm" in out
    assert "verdict as a listing: ok, 2 article links" in out
    assert any(line.startswith("verdict as an article: NOT extracted") for line in out)


def test_a_gb2312_page_saved_without_its_url_uses_the_first_start_point(tmp_path):
    file = SITES / "district.ce.cn/newarea/sxpd/202305/23/t20230523_38561042.shtml"
    result = check("cedistrict", "--page", str(file), "--lines", "1")
    out = result.stdout.splitlines()
    assert (
        "URL from the source's first start point (give --url to be exact)"
        in out[next(i for i, line in enumerate(out) if line.startswith("page "))]
    )
    assert "  decoded as gb18030" in out
    assert "  title: 山西省属国企一季度实现利润同比增长" in out
    assert "  published_at: 2023-05-23T08:42:00+08:00" in out
    assert "  body: 3 paragraphs; the first 1:" in out


def test_a_feed_saved_from_the_site_prints_its_articles():
    result = check("finews", "--page", str(SITES / "finews.withounder.com/feed.xml"))
    assert result.returncode == 0, result.stderr
    assert "article links the crawl would follow (10):" in result.stdout
    assert "verdict as a feed: ok" in result.stdout


def test_a_page_that_is_neither_fails_and_bad_usage_says_why(tmp_path):
    page = tmp_path / "blank.html"
    page.write_text("<html><body><p>维护中</p></body></html>", encoding="utf-8")
    result = check("finews", "--page", str(page), "--url", "http://finews.withounder.com/x")
    assert result.returncode == 1
    assert "NO article links" in result.stdout
    unknown = check("nosuch", "--page", str(page))
    assert unknown.returncode == 2 and "unknown source nosuch" in unknown.stderr
    missing = check("finews", "--page", str(tmp_path / "gone.html"))
    assert missing.returncode == 2 and "cannot read" in missing.stderr
