"""The generic extractor on saved pages of sites without rules (tests/pages/).

Each page is a site layout of the kind this corpus comes from (portals,
government and company sites, a news app's share page, a WeChat-style
article, an old table layout), built by scripts/build_pages.py.
evaldata.json gives, trafilatura style, snippets the body must keep
(``with``) and furniture it must not (``without``), plus the whole expected
body for a character error rate, compared with trafilatura's on the same
pages.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import trafilatura

from cleaning.page.clean import clean_page
from cleaning.page.sites import rules_for
from tests.helpers import cer, fold

PAGES = Path(__file__).resolve().parent / "pages"
EVALDATA = json.loads((PAGES / "evaldata.json").read_text(encoding="utf-8"))

#: Body CER allowed per page (an image caption or a stray label at most).
MAX_PAGE_CER = 0.05


@pytest.mark.parametrize("name", sorted(EVALDATA))
def test_page_keeps_article_and_drops_furniture(name: str) -> None:
    page = EVALDATA[name]
    assert rules_for(page["url"]) is None, "saved pages are for sites without rules"
    record = clean_page((PAGES / name).read_bytes(), page["url"])
    body = fold(record.body)
    for snippet in page["with"]:
        assert fold(snippet) in body
    for snippet in page["without"]:
        assert fold(snippet) not in body
    assert cer(record.body, page["body"]) <= MAX_PAGE_CER
    assert record.title == page["title"]
    assert record.published_at is not None
    assert record.published_at.date().isoformat() == page["published_at"][:10]


@pytest.mark.parametrize("name", sorted(EVALDATA))
def test_paragraphs_stay_apart(name: str) -> None:
    page = EVALDATA[name]
    record = clean_page((PAGES / name).read_bytes(), page["url"])
    for paragraph in page["body"].split("\n"):
        assert fold(paragraph) in [fold(line) for line in record.body.split("\n")]


def test_generic_extractor_beats_trafilatura_on_the_saved_pages() -> None:
    ours, theirs = [], []
    for name, page in sorted(EVALDATA.items()):
        raw = (PAGES / name).read_bytes()
        ours.append(cer(clean_page(raw, page["url"]).body, page["body"]))
        text = raw.decode(page["encoding"])
        theirs.append(cer(trafilatura.extract(text, url=page["url"]) or "", page["body"]))
    assert sum(ours) / len(ours) < sum(theirs) / len(theirs)
    assert sum(ours) / len(ours) <= MAX_PAGE_CER / 5
