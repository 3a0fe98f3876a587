"""Source health, every run: feeds as start points, unconfirmed sources skipped, and the
flags (``empty``, ``layout-changed``) that make a run partial.

Crawls run ``python -m crawler crawl`` in a child process against the sample
server on 127.0.0.1; a changed site is a copy of the mirror with its pages
changed the way a site's redesign changes them.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from crawler.health import (
    EMPTY,
    FAILED,
    LAYOUT_CHANGED,
    OK,
    Extraction,
    Sample,
    assess,
    check_sample,
)
from crawler.summary import EXIT_OK, EXIT_PARTIAL, CrawlSummary, exit_status, summary_line
from crawler.testing.sampleserver import SampleServer
from tests.helpers import MANIFEST, REPO, SAMPLES, crawl, responses

SITES = REPO / "sites"

pytestmark = pytest.mark.slow


def sites_with(tmp_path: Path, name: str, edit: tuple[str, str] | None = None) -> Path:
    """A sites directory holding the repository's ``name`` source, optionally edited."""
    directory = tmp_path / "sites"
    directory.mkdir(exist_ok=True)
    text = (SITES / f"{name}.toml").read_text(encoding="utf-8")
    if edit is not None:
        pattern, replacement = edit
        text, count = re.subn(pattern, replacement, text, flags=re.MULTILINE)
        assert count == 1, pattern
    (directory / f"{name}.toml").write_text(text, encoding="utf-8")
    return directory


def mirror_copy(tmp_path: Path) -> Path:
    root = tmp_path / "mirror"
    shutil.copytree(SAMPLES, root, ignore=shutil.ignore_patterns("expected", "src", "seeds"))
    return root


def log_text(data: Path) -> str:
    return "".join(p.read_text(encoding="utf-8") for p in (data / "logs").glob("crawl-*.log"))


def test_a_feed_start_point_yields_articles(tmp_path, sample_server):
    # finews with its Atom feed as its only start point.
    sites = sites_with(tmp_path, "finews", (r"^start_urls = .*$", "start_urls = []"))
    result = crawl(sample_server, tmp_path / "data", "--sites", str(sites))
    asked = {e.path for e in sample_server.requests}
    assert result.returncode == EXIT_OK, result.stdout[-2000:] + result.stderr[-2000:]
    in_feed = {e["url"] for e in MANIFEST if "in-feed" in e["cases"]}
    assert len(in_feed) == 10
    assert set(responses(tmp_path / "data")) == in_feed
    assert not any(p.startswith("/category/") for p in asked)
    log = log_text(tmp_path / "data")
    assert "feed http://finews.withounder.com/feed.xml: 10 entries, 10 article links" in log
    assert "health finews: ok; listings=1 article_links=10 articles_new=10" in log


def test_crawl_skips_unconfirmed_sources_and_says_which(tmp_path, sample_server):
    result = crawl(sample_server, tmp_path)
    hosts = {e.host for e in sample_server.requests}
    assert result.returncode == EXIT_OK, result.stderr[-2000:]
    line = result.stdout.strip().splitlines()[-1]
    assert line.startswith("crawl finews: ok;")
    assert line.endswith(" skipped=cedistrict,cepaper,eco,farmnet,jnkgjtnews,jzmsyl,sxgov,sxrb")
    assert "skipped, not confirmed (enabled = false): cedistrict, cepaper" in log_text(tmp_path)
    assert hosts == {"finews.withounder.com"}


def test_a_listing_whose_article_links_are_gone_is_layout_changed_and_the_run_partial(tmp_path):
    # The site moved its posts to pretty permalinks (/posts/<code>/): the category
    # pages answer, but no link on them is an article by the source's pattern.
    root = mirror_copy(tmp_path)
    for page in (root / "sites/finews.withounder.com/category").glob("*.html"):
        text = page.read_text(encoding="utf-8")
        moved = re.sub(r'href="/[^"]*/(NW\d+)\.html"', r'href="/posts/\1/"', text)
        assert moved != text
        page.write_text(moved, encoding="utf-8")
    sites = sites_with(tmp_path, "finews", (r"^feeds = .*$", "feeds = []"))
    with SampleServer(root) as server:
        result = crawl(server, tmp_path / "data", "--sites", str(sites))
    assert result.returncode == EXIT_PARTIAL, result.stdout[-2000:] + result.stderr[-2000:]
    line = result.stdout.strip().splitlines()[-1]
    flag = "finews: layout-changed (2 start/listing pages gave 0 article links)"
    assert line.startswith(f"crawl finews: partial [{flag}]")
    assert "articles_new=0" in line
    assert "WARNING: health finews: layout-changed; listings=2 article_links=0" in log_text(
        tmp_path / "data"
    )


def test_new_articles_that_mostly_fail_extraction_are_layout_changed(tmp_path):
    # The site now renders its posts with scripts: the section is empty.
    root = mirror_copy(tmp_path)
    for entry in MANIFEST:
        if entry["kind"] == "article" and entry["url"].startswith("http://finews."):
            page = root / entry["file"]
            text = page.read_bytes().decode("utf-8", errors="replace")
            start, end = text.index("<section>") + len("<section>"), text.index("</section>")
            page.write_text(text[:start] + '<div id="app"></div>' + text[end:], encoding="utf-8")
    with SampleServer(root) as server:
        result = crawl(server, tmp_path / "data", "--source", "finews")
    assert result.returncode == EXIT_PARTIAL, result.stdout[-2000:] + result.stderr[-2000:]
    line = result.stdout.strip().splitlines()[-1]
    assert "finews: layout-changed (5 of 5 new articles failed extraction" in line
    assert "articles_new=12" in line  # archived all the same: cleaning can try again later


def test_a_source_that_fetched_nothing_is_named_and_the_run_is_not_ok(tmp_path, sample_server):
    # sxgov's host is not in the mirror: the server answers 502, as a dead site would.
    result = crawl(
        sample_server, tmp_path, "--source", "finews", "--source", "sxgov", "--set", "RETRY_TIMES=0"
    )
    assert result.returncode == EXIT_PARTIAL != EXIT_OK
    line = result.stdout.strip().splitlines()[-1]
    assert line.startswith("crawl finews+sxgov: partial [sxgov: empty (no start point answered:")
    assert "responses 502:2" in line
    assert "finews:" not in line.split("]")[0]


# --- the rules, on their own -------------------------------------------------------


def _stats(**values: int | str) -> dict[str, object]:
    base: dict[str, object] = {"finish_reason": "finished", "downloader/request_count": 5}
    base.update({f"sxcrawl/{k}": v for k, v in values.items()})
    return base


def _extraction(ok: bool, date: bool = True) -> Extraction:
    return Extraction("http://a.example/1.html", "html", ok, ok and date, ok)


def test_assess_flags_with_the_numbers_that_show_it():
    assert assess("a", _stats(listings_fetched=2, article_links=9), [], 0).status == OK
    empty = assess("a", _stats(), [], 0)
    assert (empty.status, empty.flagged) == (EMPTY, True)
    assert "no start point answered: 5 requests" in empty.reason
    gone = assess("a", _stats(listings_fetched=3, article_links=0), [], 0)
    assert gone.status == LAYOUT_CHANGED and "3 start/listing pages gave 0" in gone.reason
    broken = assess("a", {**_stats(listings_fetched=1), "finish_reason": "closespider"}, [], 0)
    assert broken.status == FAILED
    # One article in five without a date is normal; three in five is not.
    some = [_extraction(True)] * 4 + [_extraction(True, date=False)]
    assert assess("a", _stats(listings_fetched=1, article_links=5), some, 0).status == OK
    most = [_extraction(True)] * 2 + [_extraction(False)] * 3
    changed = assess("a", _stats(listings_fetched=1, article_links=5), most, 0)
    assert changed.status == LAYOUT_CHANGED
    assert "3 of 5 new articles failed extraction (body 3, date 3, title 3)" in changed.reason


def test_a_partial_run_exits_5_and_names_its_sources():
    summary = CrawlSummary(sources=["a", "b"], finish_reasons=["finished", "finished"])
    summary.listings = 3
    assert exit_status(summary) == EXIT_OK
    summary.flagged = ["b: empty (no start point answered: 4 requests, responses 404:4)"]
    assert exit_status(summary) == EXIT_PARTIAL
    assert summary_line(summary).startswith("crawl a+b: partial [b: empty (")


def test_the_quick_clean_reads_an_article_and_refuses_a_listing():
    article = next(e for e in MANIFEST if "trs" in e["cases"])
    body = (SAMPLES / article["file"]).read_bytes()
    found = check_sample(Sample(article["url"], "text/html", body), ["html"])
    assert found.ok and found.kind == "html"
    listing = next(e for e in MANIFEST if e["kind"] == "listing" and "district" in e["url"])
    body = (SAMPLES / listing["file"]).read_bytes()
    found = check_sample(Sample(listing["url"], "text/html", body), ["html"])
    assert not found.ok and found.error == "not-an-article"
    report = next(e for e in MANIFEST if "work-report" in e["cases"])
    body = (SAMPLES / report["file"]).read_bytes()
    plain = "text/plain; charset=UTF-8"
    assert check_sample(Sample(report["url"], plain, body), ["html"]).missing() == [
        "date",
        "kind text",
    ]
