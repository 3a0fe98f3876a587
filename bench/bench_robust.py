"""clean_page on the real dev pages with their evidence taken away: how much of
the score rests on one kind of clue.

A page of a site nobody here has seen may lack what the dev pages carry: a
``<title>`` that names the article, ``<meta>`` times, class names the
furniture vocabulary knows. Each variant below changes every dev page of
``../shared/eval/dev/pages/`` in one way and scores the records with the
scorer of ``../shared/tools/eval_pages.py`` (body CER, title and date
accuracy), beside the pages as served:

- ``generic title``: the ``<title>`` is a portal's greeting (``欢迎访问新闻中心``);
- ``no title``: no ``<title>``;
- ``cut title``: the ``<title>`` cut to 60% of its characters and ``...``, as
  CMSs with a title length limit print it;
- ``no meta``: no ``<meta>`` tag but the charset, no JSON-LD;
- ``no meta, generic title``: both;
- ``no headings``: every ``<h1>``-``<h6>`` a ``<div>`` (headlines styled by class);
- ``no class or id``: every ``class`` and ``id`` attribute removed (the
  furniture vocabulary finds nothing; a floor, not a real page).

Said and skipped when ../shared is not beside the checkout.
"""

from __future__ import annotations

import importlib.util
import json
import re
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import NamedTuple

from cleaning.errors import CleaningError
from cleaning.page.clean import clean_page

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
DEV_PAGES = SHARED / "eval" / "dev" / "pages"
SCORER = SHARED / "tools" / "eval_pages.py"

#: What a portal's generic ``<title>`` says.
GENERIC_TITLE = "欢迎访问新闻中心"

#: Share of a ``<title>``'s characters a cut one keeps.
CUT_SHARE = 0.6

_TITLE = re.compile(rb"<title\b[^>]*>(.*?)</title\s*>", re.I | re.S)
_META = re.compile(rb"<meta\b[^>]*>", re.I)
_JSON_LD = re.compile(rb"<script[^>]*ld\+json[^>]*>.*?</script\s*>", re.I | re.S)
_HEADING_TAG = re.compile(rb"<(/?)h[1-6]\b", re.I)
_CLASS_OR_ID = re.compile(rb"""\s(?:class|id)\s*=\s*(?:"[^"]*"|'[^']*'|[^\s>]+)""", re.I)


class Case(NamedTuple):
    name: str
    url: str
    raw: bytes
    gold: dict[str, object]


def _generic_title(raw: bytes) -> bytes:
    return _TITLE.sub(f"<title>{GENERIC_TITLE}</title>".encode(), raw, count=1)


def _no_title(raw: bytes) -> bytes:
    return _TITLE.sub(b"", raw, count=1)


def _cut_title(raw: bytes) -> bytes:
    def cut(found: re.Match[bytes]) -> bytes:
        try:
            text = found.group(1).decode("utf-8").strip()
        except UnicodeDecodeError:  # a GBK page: cut its characters, not its bytes
            return found.group()
        kept = text[: max(4, int(len(text) * CUT_SHARE))]
        return f"<title>{kept}...</title>".encode()

    return _TITLE.sub(cut, raw, count=1)


def _no_meta(raw: bytes) -> bytes:
    kept = _META.sub(lambda m: m.group() if b"charset" in m.group().lower() else b"", raw)
    return _JSON_LD.sub(b"", kept)


VARIANTS: dict[str, Callable[[bytes], bytes]] = {
    "as served": lambda raw: raw,
    "generic title": _generic_title,
    "no title": _no_title,
    "cut title": _cut_title,
    "no meta": _no_meta,
    "no meta, generic title": lambda raw: _generic_title(_no_meta(raw)),
    "no headings": lambda raw: _HEADING_TAG.sub(rb"<\1div", raw),
    "no class or id": lambda raw: _CLASS_OR_ID.sub(b"", raw),
}


def load_cases() -> list[Case]:
    cases = []
    for folder in sorted(p for p in DEV_PAGES.iterdir() if p.is_dir()):
        meta = json.loads((folder / "meta.json").read_text(encoding="utf-8"))
        gold = json.loads((folder / "gold.json").read_text(encoding="utf-8"))
        url = str(meta.get("url") or "").strip('"')
        cases.append(Case(folder.name, url, (folder / "input.html").read_bytes(), gold))
    return cases


def load_scorer() -> ModuleType:
    spec = importlib.util.spec_from_file_location("eval_pages", SCORER)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def score(cases: list[Case], change: Callable[[bytes], bytes], scorer: ModuleType) -> str:
    cers: list[float] = []
    titles: list[bool] = []
    dates: list[bool] = []
    for case in cases:
        try:
            record = clean_page(change(case.raw), case.url)
            title, published, body = record.title, record.published_at, record.body
        except CleaningError:
            title, published, body = None, None, ""
        cers.append(scorer.cer(body, case.gold.get("body")))
        if case.gold.get("title") is not None:
            titles.append(scorer.norm(title) == scorer.norm(case.gold["title"]))
        if "published_at" in case.gold:
            dates.append(bool(scorer.date_match(published, case.gold["published_at"])))
    cer = sum(cers) / len(cers)
    return f"{cer:8.4f}  {sum(titles):3d}/{len(titles)}  {sum(dates):3d}/{len(dates)}"


def main() -> None:
    if not DEV_PAGES.is_dir() or not SCORER.is_file():
        print(f"robustness: {DEV_PAGES} or {SCORER} not found (../shared is beside the")
        print("  checkout in CI, not in a clone): skipped")
        return
    cases, scorer = load_cases(), load_scorer()
    print(f"{len(cases)} real dev pages, each variant changing every page:")
    print(f"{'':26}{'body CER':>8}  {'title':>6}  {'date':>6}")
    for name, change in VARIANTS.items():
        print(f"{name:26}{score(cases, change, scorer)}", flush=True)


if __name__ == "__main__":
    main()
