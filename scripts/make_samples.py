"""Build the offline sample mirror from the seeds and the article sources.

The sample mirror (``data/samples/``) is an offline copy of the source sites
the crawler is configured for (``sites/*.toml``), served by
``python -m crawler.testing.sampleserver``. Its pages are committed; this
script is how they were made, so that a page can be changed or added by
editing ``src/*.toml`` and running it again:

    .venv/bin/python scripts/make_samples.py

It writes, under ``data/samples/``:

- ``sites/<host>/<path>``: every page as its site serves it (bytes in the
  site's real encoding, with the site's real kinds of damage);
- ``mirror/<host>.toml``: the headers and faults the server applies;
- ``expected/<host>/<path>.json``: the clean record each article must become
  (for the seeds, a copy of their hand-checked gold);
- ``manifest.json``: one entry per served file (kind, encodings, hard cases).

Each site is rendered in the template public evidence shows for it
(``../shared/docs/SOURCES.md``; what is inferred is said where it is used):

- ``finews.withounder.com`` (seeds 000, 002): the Jekyll site's real post
  layout (the site header's ``<h1>`` first, then ``div.wrapper > section``
  with the ``<small>`` date, the title ``<h1>``, East Money's body HTML,
  the share link, the return links and ``<small>tags: <em>``), category
  pages without pagination and the jekyll-feed Atom feed;
- ``www.zkycreaiw.com`` (seed 001): the content-farm network's
  ``/html/54212816-<id>.html`` pages, traditional script with pinyin
  residue, GBK, found through the farm's sitemap;
- ``www.eco.gov.cn`` (seed 003): the portal's ``/news_info/<id>.html``
  scheme, served as its traditional-script copies serve it, GBK;
- ``district.ce.cn``: TRS pages, body in ``div.TRS_Editor``, GB2312 bytes;
- ``www.sxrb.com``: people.cn-style ``/GB/`` pages (GB2312) and their
  ``/BIG5/`` copies (Big5);
- ``www.jnkgjtnews.com`` (seed 004): a 博达 VSB list and articles, and the
  work report as a VSB attachment (``download.jsp``), plain text.

New articles are written in simplified Chinese (``src/*.toml``, the expected
text). The content-farm sites serve them as the farm does: OpenCC ``s2t``,
a reading in parentheses after the characters of the farm's annotation table
(the table is read off the seed of that site), full-width punctuation turned
to ASCII, GBK. The Big5 copies are OpenCC ``s2tw`` text in Big5. Every
conversion is checked to come back to the source text with ``t2s``.
"""

from __future__ import annotations

import html
import json
import re
import shutil
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

from opencc import OpenCC

HERE = Path(__file__).resolve().parents[1] / "data" / "samples"
SEEDS = HERE / "seeds"
SRC = HERE / "src"
SITES = HERE / "sites"
MIRROR = HERE / "mirror"
EXPECTED = HERE / "expected"

FINEWS = "finews.withounder.com"
# The host seed 001 names (网址 in its footer), serving the farm network's scheme.
FARM = "www.zkycreaiw.com"
FARM_BARE = "zkycreaiw.com"
# The real portal of seed 003 (生态中国网).
ECO = "www.eco.gov.cn"
CE = "district.ce.cn"
SXRB = "www.sxrb.com"
JNKG = "www.jnkgjtnews.com"

SEED_000 = "000_a2059d4c385e6fae"
SEED_001 = "001_1b6f85196a04fcb8"
SEED_002 = "002_201de6bf2ae89c4d"
SEED_003 = "003_707599d25000a410"
SEED_004 = "004_e6f5a85ba3fff0de"

S2T = OpenCC("s2t")
S2TW = OpenCC("s2tw")
T2S = OpenCC("t2s")

# A reading as the farms write it: after a CJK character, in ASCII parens.
READING = re.compile(r"(\w)\(([a-zāáǎàēéěèīíǐìōóǒòūúǔùüǖǘǚǜ]+)( ?)\)")

# The farms' punctuation step: full-width to ASCII (seeds 001 and 003).
FARM_PUNCT = str.maketrans(
    {"，": ",", "：": ":", "；": ";", "（": "(", "）": ")", "！": "!", "？": "?"}
)

# The finance mirror's outlets: category slug -> (outlet, tag).
FINEWS_CATEGORIES = {
    "xinhuacaijing": ("新华财经", "新华财经新闻"),
    "yangquanribao": ("阳泉日报", "阳泉日报新闻"),
}
# The site's title, its header's <h1> (SOURCES.md section 1).
FINEWS_TITLE = "金融消息"
# jekyll-feed's default number of posts in /feed.xml.
FEED_POSTS = 10

# Items per listing page (small, so that the paginated sites paginate).
ECO_PER_PAGE = 4
VSB_PER_PAGE = 2

# The farm network's path scheme (SOURCES.md section 4).
FARM_PREFIX = "/html/54212816-"
# The portal's section of seed 003, and its list page (the list is inferred).
ECO_LIST = "/news_list/qiye"
# district.ce.cn's category of the mirror (the real category slug is unconfirmed).
CE_CATEGORY = "sxpd"
# people.cn-style channel nodes of the mirror's sxrb pages (unconfirmed).
SXRB_NODES = "339410/339411"
# The VSB column ids of the news list and of the file list (unconfirmed).
VSB_NEWS_COLUMN = "jtyw"
VSB_FILES_COLUMN = "wjxz"
VSB_OWNER = 1532687361


@dataclass
class Page:
    """One served page: its bytes, what it is, and what it must become."""

    host: str
    path: str
    body: bytes
    kind: str
    charset: str
    declared: str | None = None
    cases: list[str] = field(default_factory=list)
    expected: dict[str, object] | None = None
    seed: str | None = None
    #: Where the bytes are stored when the URL's path cannot name a file
    #: (a query string): the mirror's ``file`` rule serves it.
    file: str | None = None


@dataclass
class Post:
    """An article as written: the clean text, and where the site puts it."""

    path: str
    title: str
    date: str | None
    body: list[str]
    source: str | None = None
    category: str | None = None
    tags: list[str] = field(default_factory=list)
    original_url: str | None = None
    stocks: list[dict[str, str]] = field(default_factory=list)
    html_body: str = ""
    seed: str | None = None


def gb2312(text: str) -> bytes:
    """Text as a GB2312 site serves it: GBK bytes that are all in GB2312.

    Python's ``gb2312`` codec has no U+2014 for the bytes A1AA (the dash of
    ``——``) that every GB2312 page uses; GB18030 writes them, and the strict
    ``gb2312`` decode checks that nothing outside GB2312 slipped in.
    """
    data = text.encode("gb18030")
    data.decode("gb2312")
    return data


def esc(text: str) -> str:
    """Escape text for HTML, leaving quotes alone as the sites do."""
    return html.escape(text, quote=False)


def iso(date: str | None) -> str | None:
    """``2022-05-23 12:55:23`` in China time as ISO 8601."""
    return None if date is None else date.replace(" ", "T") + "+08:00"


def paragraphs(text: str) -> list[str]:
    """Blank-line separated paragraphs of a source body."""
    return [p.strip() for p in text.strip().split("\n\n") if p.strip()]


def expected_of(post: Post) -> dict[str, object]:
    """The clean record of a post, in the gold's shape."""
    return {
        "title": post.title,
        "published_at": iso(post.date),
        "source": post.source,
        "category": post.category,
        "tags": post.tags,
        "original_url": post.original_url,
        "stocks": post.stocks,
        "body": "\n".join(post.body),
    }


def seed_gold(seed: str) -> dict[str, object]:
    """The hand-checked gold of a seed."""
    return json.loads((SEEDS / f"{seed}.json").read_text(encoding="utf-8"))


def seed_lines(seed: str) -> list[str]:
    """The lines of a seed file."""
    return (SEEDS / f"{seed}.txt").read_text(encoding="utf-8").split("\n")


# --- content farms: traditional script, readings, ASCII punctuation ---------


def farm_table(seed: str) -> dict[str, tuple[str, str]]:
    """The annotation table of a farm, read off its seed: char -> (reading, pad)."""
    table: dict[str, tuple[str, str]] = {}
    for char, reading, pad in READING.findall("\n".join(seed_lines(seed))):
        if "\u4e00" <= char <= "\u9fff":
            table.setdefault(char, (reading, pad))
    return table


def to_traditional(text: str, converter: OpenCC = S2T) -> str:
    """Convert to traditional script, checking that t2s brings the text back."""
    converted = converter.convert(text)
    back = T2S.convert(converted)
    if back != text:
        diff = [(a, b) for a, b in zip(text, back, strict=True) if a != b]
        raise ValueError(f"t2s does not undo the conversion of {text[:20]!r}: {diff}")
    return converted


def farm(text: str, table: dict[str, tuple[str, str]]) -> str:
    """Serve text as the farm does: traditional, readings, ASCII punctuation."""
    out = []
    for char in to_traditional(text):
        out.append(char)
        if char in table:
            reading, pad = table[char]
            out.append(f"({reading}{pad})")
    return "".join(out).translate(FARM_PUNCT)


# --- the finance-news mirror (Jekyll, UTF-8) ----------------------------------

STOCK_MARK = re.compile(r"\{(stock|bk|common|info):([^:}]+):([^}]+)\}")


def stock_html(kind: str, name: str, arg: str) -> str:
    """The portal's quote widget around a company, sector or topic name."""
    if kind == "info":
        info_id, url = arg.split(":", 1)
        return f'<span id="Info.{info_id}"><a href="{url}" class="infokey">{name}</a></span>'
    dotted = arg.replace(",", ".")
    quote = f"http://quote.eastmoney.com/unify/r/{dotted}"
    if kind == "common":
        return (
            f'<span web="1" href="{quote}" class="em_stock_key_common" '
            f'data-code="{arg}">{name}</span>'
        )
    span, after = ("stock", "quote") if kind == "stock" else ("bk", "bkquote")
    return (
        f'<span id="{span}_{dotted}"><a href="{quote}" class="keytip" data-code="{arg}">'
        f'{name}</a></span><span id="{after}_{dotted}"></span>'
    )


def finews_new_post(entry: dict[str, object]) -> Post:
    """A new post of the finance mirror from its source entry."""
    category = str(entry["category"])
    date = str(entry["date"])
    slug = str(entry["slug"])
    y, m, d = date[:10].split("-")
    path = str(entry.get("path") or f"/{category}/{y}/{m}/{d}/{slug}.html")
    clean, rendered, stocks = [], [], []
    for para in paragraphs(str(entry["body"])):
        clean.append(STOCK_MARK.sub(lambda mt: mt.group(2), para))
        rendered.append(f"<p>{STOCK_MARK.sub(lambda mt: stock_html(*mt.groups()), para)}</p>")
        for kind, name, arg in STOCK_MARK.findall(para):
            code = arg.replace(",", ".")
            if kind != "info" and all(s["code"] != code for s in stocks):
                stocks.append({"name": name, "code": code})
    source = str(entry["source"])
    rendered[-1] += f'<p class="em_media">（文章来源：{source}）</p>'
    return Post(
        path=path,
        title=str(entry["title"]),
        date=date,
        body=clean,
        source=source,
        category=category,
        tags=[FINEWS_CATEGORIES[category][1]],
        original_url=f"http://finews.zning.xyz/html_News/NewsShare.html?infoCode={slug}",
        stocks=stocks,
        html_body="\n ".join(rendered),
    )


def finews_seed_post(seed: str) -> Post:
    """A post of the finance mirror from its post source (seeds 000 and 002)."""
    text = (SEEDS / f"{seed}.txt").read_text(encoding="utf-8")
    _, front, rest = text.split("---\n", 2)
    meta = dict(line.split(": ", 1) for line in front.strip().split("\n"))
    body_html = rest.split("\n\n<http")[0].strip("\n")
    gold = seed_gold(seed)
    date = meta["date"][:19]
    y, m, d = date[:10].split("-")
    code = str(gold["original_url"]).rsplit("=", 1)[1]
    return Post(
        path=f"/{meta['categories']}/{y}/{m}/{d}/{code}.html",
        title=json.loads(meta["title"]),
        date=date,
        body=str(gold["body"]).split("\n"),
        source=str(gold["source"]),
        category=meta["categories"],
        tags=[meta["tags"]],
        original_url=str(gold["original_url"]),
        html_body=body_html,
        seed=seed,
    )


# --- the finance-news mirror (Jekyll, UTF-8) ----------------------------------
#
# The site's layouts are public (repository zning1994/finews, _layouts/default.html
# and _layouts/post.html, theme jekyll-theme-minimal): default.html puts the site
# header (an <h1> with the site's title) and then the page inside
# div.wrapper > section; post.html writes the date in a <small>, the title in an
# <h1>, the post's body (East Money's HTML, then the share link and the return
# links, kramdown-rendered from the post's Markdown) and the tags in a <small>.
# The <head> is the theme's, with jekyll-seo-tag's lines.

FINEWS_HEAD = """<!DOCTYPE html>
<html lang="zh-CN">
  <head>
    <meta charset="{charset}">
    <meta http-equiv="X-UA-Compatible" content="IE=edge">
<!-- Begin Jekyll SEO tag v2.8.0 -->
<title>{title} | {site}</title>
<meta name="generator" content="Jekyll v3.9.3" />
<meta property="og:title" content="{title}" />
<meta property="og:locale" content="en_US" />
<link rel="canonical" href="{url}" />
<meta property="og:url" content="{url}" />
<meta property="og:site_name" content="{site}" />
{seo}<!-- End Jekyll SEO tag -->
    <link rel="stylesheet" href="/assets/css/style.css?v=3f1c6a1">
    <!--[if lt IE 9]>
    <script src="https://cdnjs.cloudflare.com/ajax/libs/html5shiv/3.7.3/html5shiv.min.js"></script>
    <![endif]-->
  </head>
  <body>
    <div class="wrapper">
      <header>
        <h1><a href="http://{host}/">{site}</a></h1>
        <p>东方财富网新闻的镜像，每隔几分钟更新一次</p>
      </header>
      <section>
"""

FINEWS_FOOT = """
      </section>
      <footer>
        <p><small>Hosted on GitHub Pages &mdash; Theme by <a href="https://github.com/orderedlist">orderedlist</a></small></p>
      </footer>
    </div>
    <script src="/assets/js/scale.fix.js"></script>
  </body>
</html>
"""


def finews_head(title: str, url: str, charset: str = "utf-8", published: str | None = None) -> str:
    """The theme's <head>, the site header, and the opening of the section."""
    seo = '<meta property="og:type" content="website" />\n'
    if published:
        seo = (
            '<meta property="og:type" content="article" />\n'
            f'<meta property="article:published_time" content="{published}" />\n'
        )
    return FINEWS_HEAD.format(
        charset=charset, title=esc(title), url=url, site=FINEWS_TITLE, seo=seo, host=FINEWS
    )


def finews_article(post: Post, charset: str = "utf-8") -> str:
    """A post as the site renders it (post.html inside default.html)."""
    cat_name, _ = FINEWS_CATEGORIES[post.category or "xinhuacaijing"]
    date = post.date or ""
    url = f"http://{FINEWS}{post.path}"
    return (
        finews_head(post.title, url, charset, iso(date))
        + f"""<small>(GMT+8, Asia/Shanghai, CST) {date}</small>
<h1>{esc(post.title)}</h1>
{post.html_body}

<p><a href="{post.original_url}">{post.original_url}</a></p>

<p><a href="//{FINEWS}/category/{post.category}.html">返回{cat_name}新闻</a>｜\
<a href="//{FINEWS}/">返回首页</a></p>

<small>tags: <em>{esc(post.tags[0])}</em></small>
"""
        + FINEWS_FOOT
    )


def finews_category(slug: str, posts: list[Post]) -> str:
    """A category page: the outlet's posts, newest first, one page, no pagination."""
    name, tag = FINEWS_CATEGORIES[slug]
    items = "\n".join(
        f'<li><small>{(p.date or "")[:16]}</small> <a href="{p.path}">{esc(p.title)}</a></li>'
        for p in posts
    )
    url = f"http://{FINEWS}/category/{slug}.html"
    return (
        finews_head(f"{name}新闻", url)
        + f"""<h2>{esc(tag)}</h2>
<ul>
{items}
</ul>
<p>更早的新闻请看 <a href="http://finews.zning.xyz/{slug}/2022/05/20/NW202205202381536790.html">原站</a>\
 · <a href="//{FINEWS}/">返回首页</a></p>
"""
        + FINEWS_FOOT
    )


def finews_feed(posts: list[Post]) -> str:
    """/feed.xml as jekyll-feed writes it: Atom, the most recent posts, full content."""
    entries = []
    for post in posts[:FEED_POSTS]:
        url = f"http://{FINEWS}{post.path}"
        entries.append(
            f'<entry><title type="html">{esc(post.title)}</title>'
            f'<link href="{url}" rel="alternate" type="text/html" title="{esc(post.title)}" />'
            f"<published>{iso(post.date)}</published><updated>{iso(post.date)}</updated>"
            f"<id>{url}</id>"
            f'<content type="html" xml:base="{url}">{esc(post.html_body)}</content>'
            f"<author><name></name></author>"
            f'<category term="{post.category}" /><category term="{esc(post.tags[0])}" />'
            f"</entry>"
        )
    updated = iso(posts[0].date)
    return (
        '<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom" >'
        '<generator uri="https://jekyllrb.com/" version="3.9.3">Jekyll</generator>'
        f'<link href="http://{FINEWS}/feed.xml" rel="self" type="application/atom+xml" />'
        f'<link href="http://{FINEWS}/" rel="alternate" type="text/html" />'
        f"<updated>{updated}</updated><id>http://{FINEWS}/feed.xml</id>"
        f'<title type="html">{FINEWS_TITLE}</title>' + "".join(entries) + "</feed>\n"
    )


def build_finews() -> tuple[list[Page], dict[str, str]]:
    """The finance-news mirror: two seed posts, new posts, categories, feed, robots."""
    entries = tomllib.loads((SRC / "finews.toml").read_text(encoding="utf-8"))["article"]
    posts = [finews_seed_post(SEED_000), finews_seed_post(SEED_002)]
    posts += [finews_new_post(e) for e in entries]
    draft = next(p for p in posts if p.path.startswith("/drafts/"))
    published = sorted((p for p in posts if p is not draft), key=lambda p: p.date or "")[::-1]
    gbk_page = "/xinhuacaijing/2022/07/18/NW202207182408350092.html"
    pages: list[Page] = []
    for post in [*published, draft]:
        cases = ["jekyll-layout"]
        if post.path == gbk_page:
            body, charset = finews_article(post).encode("gb18030"), "gbk"
            cases.append("wrong-charset")
        else:
            body, charset = finews_article(post).encode(), "utf-8"
        if post.stocks:
            cases.append("stock-links")
        if post is draft:
            cases.append("robots-disallowed")
        if post in published[:FEED_POSTS]:
            cases.append("in-feed")
        expected = seed_gold(post.seed) if post.seed else expected_of(post)
        expected = finews_expected(expected)
        pages.append(
            Page(FINEWS, post.path, body, "article", charset, "utf-8", cases, expected, post.seed)
        )
    for slug in FINEWS_CATEGORIES:
        shown = [p for p in published if p.category == slug]
        if slug == "xinhuacaijing":
            shown.insert(0, draft)
        text = finews_category(slug, shown)
        pages.append(
            Page(FINEWS, f"/category/{slug}.html", text.encode(), "listing", "utf-8", "utf-8")
        )
    feed = finews_feed(published)
    pages.append(Page(FINEWS, "/feed.xml", feed.encode(), "feed", "utf-8", "utf-8"))
    robots = "User-agent: *\nDisallow: /drafts/\n"
    pages.append(Page(FINEWS, "/robots.txt", robots.encode(), "robots", "ascii"))
    mirror = f"""# How the sample server serves {FINEWS} (the finance-news mirror, Jekyll).
host = "{FINEWS}"

[defaults]
content_type = "text/html; charset=utf-8"
headers = {{ Server = "GitHub.com" }}

[paths."/robots.txt"]
content_type = "text/plain; charset=utf-8"

[paths."/feed.xml"]
content_type = "application/xml"

# Hard case: the header (and the page's <meta>) say UTF-8, the bytes are GBK.
[paths."{gbk_page}"]
content_type = "text/html; charset=utf-8"
"""
    return pages, {FINEWS: mirror}


def finews_expected(record: dict[str, object]) -> dict[str, object]:
    """The record a finews page must become: the post's, but for the category.

    The rendered page does not print the post's category (it is in the
    post's front matter and its URL only; the page shows the outlet's tag),
    so the category a reader of the page finds is none.
    """
    return {**record, "category": None}


# --- the content-farm network (seed 001; GBK, traditional, pinyin residue) --

FARM_NAME = "晉中市茂盛園林綠化有限公司"


def farm_page(title: str, main: str, footer: list[str], sidebar: list[tuple[str, str]]) -> str:
    """The farm's page template around its main column (the network's template is
    not in evidence: this one holds what seed 001 shows, title, 編輯 line,
    body, the company's contact footer)."""
    side = "\n".join(f'<li><a href="{url}">{esc(t)}</a></li>' for url, t in sidebar)
    contact = "\n".join(f"<p>{esc(line)}</p>" for line in footer[1:-1])
    return f"""<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" \
"http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">
<html xmlns="http://www.w3.org/1999/xhtml">
<head>
<meta http-equiv="Content-Type" content="text/html; charset=gbk" />
<title>{esc(title)}-{FARM_NAME}</title>
<meta name="keywords" content="園林綠化,苗木培育,綠化養護,晉中" />
<link href="/css/style.css" rel="stylesheet" type="text/css" />
</head>
<body>
<div class="top">
<div class="logo"><a href="/"><img src="/images/logo.png" alt="" /></a></div>
<div class="nav"><ul>
<li><a href="/"><img src="/images/nav_home.png" alt="" /></a></li>
<li><a href="/about/"><img src="/images/nav_about.png" alt="" /></a></li>
<li><a href="/news/"><img src="/images/nav_news.png" alt="" /></a></li>
<li><a href="/case/"><img src="/images/nav_case.png" alt="" /></a></li>
<li><a href="/contact/"><img src="/images/nav_contact.png" alt="" /></a></li>
</ul></div>
</div>
<div class="banner"><img src="/images/banner.jpg" alt="" /></div>
<div class="main">
<div class="left">
<div class="lbox"><h3>新聞中心</h3><ul>
{side}
</ul></div>
</div>
<div class="right">
{main}
</div>
</div>
<div class="footer">
<div class="contact">
<h3>{esc(footer[0])}</h3>
{contact}
</div>
<div class="copyright">{esc(footer[-1])}</div>
</div>
</body>
</html>
"""


def farm_url(num: int, host: str = FARM) -> str:
    return f"http://{host}{FARM_PREFIX}{num}.html"


def build_farm() -> tuple[list[Page], dict[str, str]]:
    """The farm network's pages of seed 001's company: seed, new pages, sitemap, faults."""
    lines = seed_lines(SEED_001)
    footer = lines[17:24]
    table = farm_table(SEED_001)
    entries = tomllib.loads((SRC / "farmnet.toml").read_text(encoding="utf-8"))["article"]
    # (id, served title, served date line, served paragraphs, expected, seed)
    items: list[tuple[int, str, str | None, list[str], dict[str, object], str | None]] = [
        (1038, lines[7], lines[8], lines[9:17], seed_gold(SEED_001), SEED_001)
    ]
    for e in entries:
        body = paragraphs(str(e["body"]))
        post = Post(path="", title=str(e["title"]), date=str(e["date"]), body=body)
        served = [farm(p, table) for p in body]
        items.append(
            (
                int(e["id"]),
                farm(post.title, table),
                f"編輯:{post.date}",
                served,
                expected_of(post),
                None,
            )
        )
    items.sort(key=lambda it: str(it[4]["published_at"]), reverse=True)
    sidebar = [(f"{FARM_PREFIX}{i}.html", t) for i, t, *_ in items[:6]]
    redirect_id, slow_id, br_id, gone_id = 1047, 1044, 1045, 1043
    pages = []
    for num, title, dateline, paras, expected, seed in items:
        if num == br_id:
            content = "<br />\n<br />\n".join(f"　　{esc(p)}" for p in paras)
            cases = ["br-paragraphs"]
        else:
            content = "\n".join(f"<p>{esc(p)}</p>" for p in paras)
            cases = []
        cases += ["traditional", "pinyin-residue", "sitemap"]
        if seed:
            cases.append("misaligned-gbk")
        if num == slow_id:
            cases.append("slow")
        if num == redirect_id:
            cases.append("redirect-target")
        main = f"""<div class="position">當前位置:<a href="/">首頁</a> &gt; <a href="/">新聞中心</a></div>
<div class="article">
<h1>{esc(title)}</h1>
<div class="info">{esc(dateline or "")}</div>
<div class="content">
{content}
</div>
<div class="share"><a href="javascript:window.print()">打印本頁</a> <a href="javascript:window.close()">關閉窗口</a></div>
</div>"""
        text = farm_page(title, main, footer, sidebar)
        path = f"{FARM_PREFIX}{num}.html"
        pages.append(
            Page(FARM, path, text.encode("gb18030"), "article", "gbk", "gbk", cases, expected, seed)
        )
    # The sitemap, newest first: a story the site deleted is still in it (404),
    # and one entry names the bare host, which redirects to www (301).
    listed = [farm_url(num) for num, *_ in items]
    listed[[num for num, *_ in items].index(redirect_id)] = farm_url(redirect_id, FARM_BARE)
    listed.insert(3, farm_url(gone_id))
    dates = [str(it[4]["published_at"])[:10] for it in items]
    dates.insert(3, "2022-04-20")
    urls = "\n".join(
        f"<url><loc>{u}</loc><lastmod>{d}</lastmod><changefreq>daily</changefreq>"
        "<priority>0.8</priority></url>"
        for u, d in zip(listed, dates, strict=True)
    )
    sitemap = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
        f"<url><loc>http://{FARM}/</loc><changefreq>daily</changefreq><priority>1.0</priority></url>\n"
        f"{urls}\n</urlset>\n"
    )
    pages.append(Page(FARM, "/sitemap.xml", sitemap.encode(), "sitemap", "utf-8", "utf-8"))
    home_main = '<div class="welcome"><h2>歡迎光臨</h2></div>'
    pages.append(
        Page(
            FARM,
            "/index.html",
            farm_page("首頁", home_main, footer, sidebar).encode("gb18030"),
            "listing",
            "gbk",
            "gbk",
        )
    )
    robots = (
        f"User-agent: *\nDisallow: /admin/\nDisallow: /plus/\nSitemap: http://{FARM}/sitemap.xml\n"
    )
    pages.append(Page(FARM, "/robots.txt", robots.encode(), "robots", "ascii"))
    pages.append(Page(FARM_BARE, "/robots.txt", robots.encode(), "robots", "ascii"))
    mirror = f"""# How the sample server serves {FARM}: the host seed 001 names, serving the
# content-farm network's /html/54212816-<id>.html pages (the network's scheme is
# in evidence; that this host serves it is inferred).
host = "{FARM}"

[defaults]
content_type = "text/html; charset=gbk"
headers = {{ Server = "Microsoft-IIS/7.5", X-Powered-By = "ASP.NET" }}

[paths."/robots.txt"]
content_type = "text/plain"

# A slow page (seconds before the response starts).
[paths."{FARM_PREFIX}{slow_id}.html"]
delay = 1.5
"""
    bare = f"""# How the sample server serves {FARM_BARE}: the bare host redirects to www.
host = "{FARM_BARE}"

[defaults]
content_type = "text/html; charset=gbk"
headers = {{ Server = "Microsoft-IIS/7.5" }}

[paths."/robots.txt"]
content_type = "text/plain"

[paths."{FARM_PREFIX}{redirect_id}.html"]
status = 301
location = "{farm_url(redirect_id)}"
"""
    return pages, {FARM: mirror, FARM_BARE: bare}


# --- the portal of seed 003 (GBK, as its traditional-script copies serve it) --

ECO_NAME = "生態中國網"


def eco_page(title: str, crumbs: str, main: str) -> str:
    """The portal's page template."""
    return f"""<html>
<head>
<meta http-equiv="Content-Type" content="text/html; charset=gbk">
<title>{esc(title)}_{ECO_NAME}</title>
<meta name="description" content="{ECO_NAME},生態文明,綠色發展">
<link rel="stylesheet" type="text/css" href="/templets/style/article.css">
<script type="text/javascript" src="/templets/js/common.js"></script>
</head>
<body>
<div id="header">
<div class="logo"><a href="/"><img src="/templets/images/logo.gif" alt="{ECO_NAME}"></a></div>
<div class="menu"><a href="/">首頁</a> | <a href="/yaowen/">生態要聞</a> | <a href="{ECO_LIST}.html">生態企業</a> | \
<a href="/wenhua/">生態文化</a> | <a href="/lvse/">綠色發展</a></div>
</div>
<div class="crumb">{crumbs}</div>
<div id="main">
{main}
</div>
<div id="footer">
<p><a href="/about/">關於我們</a> | <a href="/contact/">聯繫方式</a> | <a href="/copyright/">版權聲明</a></p>
<p>版權所有 {ECO_NAME} 未經授權禁止複製或建立鏡像</p>
</div>
</body>
</html>
"""


def build_eco() -> tuple[list[Page], dict[str, str]]:
    """The portal: the seed page, new pages (one without a date), its list pages."""
    lines = seed_lines(SEED_003)
    table = farm_table(SEED_003)
    entries = tomllib.loads((SRC / "eco.toml").read_text(encoding="utf-8"))["article"]
    crumb_home, crumb_section, _ = (c.strip() for c in lines[0].split("\xa0>\xa0"))
    crumbs = (
        f'<a href="/">{esc(crumb_home)}</a>&nbsp;&gt;&nbsp; '
        f'<a href="{ECO_LIST}.html">{esc(crumb_section)}</a>&nbsp;&gt;&nbsp; 正文'
    )
    end = next(i for i, line in enumerate(lines) if line.startswith("*"))
    statement, close = lines[end], lines[end + 1]
    seed_body = [line for line in lines[8:end] if line.strip()]
    source_line, time_line = lines[4].split(" ", 1)
    items: list[tuple[str, str, str, str | None, list[str], dict[str, object], str | None]] = [
        (
            "/news_info/3861.html",
            lines[2],
            source_line,
            time_line,
            seed_body,
            seed_gold(SEED_003),
            SEED_003,
        )
    ]
    for e in entries:
        date = e.get("date")
        post = Post(
            path="",
            title=str(e["title"]),
            date=None if date is None else str(date),
            body=paragraphs(str(e["body"])),
            source=str(e["source"]),
            category="生态企业",
        )
        path = f"/news_info/{e['id']}.html"
        served = ["  " + farm(p, table) for p in post.body]
        time_part = None if post.date is None else f"時間:{post.date}"
        items.append(
            (
                path,
                farm(post.title, table),
                f"來源:{farm(str(post.source), table)}",
                time_part,
                served,
                expected_of(post),
                None,
            )
        )
    items.sort(key=lambda it: int(it[0].rsplit("/", 1)[1].split(".")[0]), reverse=True)
    fail_once = "/news_info/3917.html"
    pages = []
    for path, title, source_part, time_part, paras, expected, seed in items:
        info = f"<span>{esc(source_part)}</span>"
        if time_part:
            info += f" <span>{esc(time_part)}</span>"
        content = "\n".join(f"<p>{esc(p)}</p>\n<p><br></p>" for p in paras)
        main = f"""<div class="article">
<h1>{esc(title)}</h1>
<div class="info">{info}</div>
<div class="fontsize">字號</div>
<div class="content">
{content}
</div>
<div class="statement">{esc(statement)}</div>
<div class="close"><a href="javascript:window.close()">{esc(close)}</a></div>
</div>"""
        cases = ["traditional", "pinyin-residue"]
        if seed:
            cases += ["misaligned-gbk", "private-use"]
        if time_part is None:
            cases.append("no-date")
        if path == fail_once:
            cases.append("fail-once-503")
        text = eco_page(title, crumbs, main)
        pages.append(
            Page(ECO, path, text.encode("gb18030"), "article", "gbk", "gbk", cases, expected, seed)
        )
    chunks = [items[i : i + ECO_PER_PAGE] for i in range(0, len(items), ECO_PER_PAGE)]
    urls = [f"{ECO_LIST}.html"] + [f"{ECO_LIST}_{n}.html" for n in range(2, len(chunks) + 1)]
    for n, chunk in enumerate(chunks):
        rows = "\n".join(
            f'<li><a href="{it[0]}">{esc(it[1])}</a><span>{(it[3] or "")[3:13]}</span></li>'
            for it in chunk
        )
        nav = []
        if n:
            nav.append(f'<a href="{urls[n - 1]}">上一頁</a>')
        if n + 1 < len(chunks):
            nav.append(f'<a href="{urls[n + 1]}">下一頁</a>')
        main = f"""<div class="list"><h2>{esc(crumb_section)}</h2><ul>
{rows}
</ul>
<div class="pagelist">{" ".join(nav)}</div>
</div>"""
        text = eco_page(ECO_NAME, crumbs.rsplit("&nbsp;&gt;", 1)[0], main)
        pages.append(Page(ECO, urls[n], text.encode("gb18030"), "listing", "gbk", "gbk"))
    mirror = f"""# How the sample server serves {ECO} (生态中国网, seed 003's portal), as its
# traditional-script copies serve it (GBK). It has no robots.txt.
host = "{ECO}"

[defaults]
content_type = "text/html"
headers = {{ Server = "Apache/2.2.15 (CentOS)", X-Powered-By = "PHP/5.3.3" }}

# Fails with 503 the first time it is asked for, then works.
[paths."{fail_once}"]
fail_once = 503
"""
    return pages, {ECO: mirror}


# --- a Big5 repost portal ------------------------------------------------------


# --- 山西日报 / 山西新闻网 (people.cn-style, /GB/ in GB2312, /BIG5/ in Big5) ----
#
# The article URLs /GB/<node>/<node>/<id>.html and the /BIG5/ copy of every
# page are in evidence; the template is people.cn's (the site uses it): the
# title in div.text_title h1, the time and source in div.box01 div.fl
# (YYYY年MM月DD日HH:mm, to the minute), the body in div.box_con.

SXRB_NAME = "山西新闻网"


def minute(date: str) -> str:
    """A ``YYYY-MM-DD HH:MM:SS`` time cut to the minute, as a page printing minutes shows it."""
    return date[:16] + ":00"


def chinese_time(date: str, sep: str = "") -> str:
    """``2021-05-12 20:14`` as ``2021年05月12日20:14`` (``sep`` between day and time)."""
    return f"{date[:4]}年{date[5:7]}月{date[8:10]}日{sep}{date[11:16]}"


def sxrb_page(title: str, main: str, charset: str, script: str) -> str:
    """The people.cn-style page; a /BIG5/ copy has its furniture in traditional script too."""
    other = "BIG5" if script == "GB" else "GB"
    label = "繁体" if script == "GB" else "簡體"

    def t(text: str) -> str:
        return text if script == "GB" else S2TW.convert(text)

    return f"""<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" \
"http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">
<html xmlns="http://www.w3.org/1999/xhtml">
<head>
<meta http-equiv="content-type" content="text/html;charset={charset}"/>
<title>{esc(title)}--{t(SXRB_NAME)}</title>
<link href="/img/2016sxrb/css/page.css" type="text/css" rel="stylesheet" media="all" />
</head>
<body>
<div class="header"><a href="http://{SXRB}/"><img src="/img/2016sxrb/images/logo.png" alt="" /></a>
<span class="lang"><a href="/{other}/{SXRB_NODES}/index.html">{label}</a></span></div>
<div class="nav"><a href="http://{SXRB}/">{t("首页")}</a> | \
<a href="/{script}/{SXRB_NODES}/index.html">{t("要闻")}</a></div>
{main}
<div class="footer"><p>{t("山西日报社主办 版权所有")}</p></div>
</body>
</html>
"""


def build_sxrb() -> tuple[list[Page], dict[str, str]]:
    """Each article as a GB2312 /GB/ page and a Big5 /BIG5/ copy, with their lists."""
    entries = tomllib.loads((SRC / "sxrb.toml").read_text(encoding="utf-8"))["article"]
    posts = []
    for e in entries:
        posts.append(
            Post(
                path=f"{SXRB_NODES}/{e['id']}.html",
                title=str(e["title"]),
                date=minute(str(e["date"])),
                body=paragraphs(str(e["body"])),
                source=str(e["source"]),
            )
        )
    posts.sort(key=lambda p: p.date or "", reverse=True)
    pages = []
    for script, charset, codec, cases in (
        ("GB", "GB2312", "gb2312", ["gb2312"]),
        ("BIG5", "big5", "big5", ["big5", "traditional"]),
    ):

        def shown(text: str, script: str = script) -> str:
            return text if script == "GB" else to_traditional(text, S2TW)

        for post in posts:
            other = "BIG5" if script == "GB" else "GB"
            paras = "\n".join(f"<p>　　{esc(shown(p))}</p>" for p in post.body)
            main = f"""<div class="clearfix w1000_320 text_title">
<h1>{esc(shown(post.title))}</h1>
<div class="box01"><div class="fl">{chinese_time(post.date or "")}&nbsp;&nbsp;{shown("来源")}：\
<a href="http://{SXRB}/" target="_blank">{esc(shown(str(post.source)))}</a></div>
<div class="fr"><a href="/{other}/{post.path}">{"繁体" if script == "GB" else "簡體"}</a></div></div>
</div>
<div class="clearfix w1000_320 text_con">
<div class="fl text_con_left">
<div class="box_con">
{paras}
</div>
<div class="edit clearfix">({shown("责编")}：{shown("王磊")})</div>
</div>
</div>"""
            text = sxrb_page(shown(post.title), main, charset, script)
            record = expected_of(post)
            pages.append(
                Page(
                    SXRB,
                    f"/{script}/{post.path}",
                    gb2312(text) if codec == "gb2312" else text.encode(codec),
                    "article",
                    codec,
                    codec,
                    ["people-template", *cases],
                    record,
                )
            )
        items = "\n".join(
            f'<li><a href="/{script}/{p.path}" target="_blank">{esc(shown(p.title))}</a>'
            f"<i>[{(p.date or '')[:10]}]</i></li>"
            for p in posts
        )
        main = f'<div class="p2j_list"><h2>{shown("要闻")}</h2><ul class="list_14">\n{items}\n</ul></div>'
        pages.append(
            Page(
                SXRB,
                f"/{script}/{SXRB_NODES}/index.html",
                gb2312(sxrb_page(shown("要闻"), main, charset, script))
                if codec == "gb2312"
                else sxrb_page(shown("要闻"), main, charset, script).encode(codec),
                "listing",
                codec,
                codec,
            )
        )
    robots = "User-agent: *\nDisallow:\n"
    pages.append(Page(SXRB, "/robots.txt", robots.encode(), "robots", "ascii"))
    mirror = f"""# How the sample server serves {SXRB} (山西日报 / 山西新闻网): /GB/ pages
# in GB2312, their /BIG5/ copies in Big5 (the server's header names no charset:
# the pages' <meta> does).
host = "{SXRB}"

[defaults]
content_type = "text/html"
headers = {{ Server = "nginx" }}

[paths."/robots.txt"]
content_type = "text/plain"
"""
    return pages, {SXRB: mirror}


# --- 中国经济网 地方经济 (TRS, GB2312) --------------------------------------------
#
# In evidence (a public feed generator's tested selectors): lists
# /newarea/<cat>/index.shtml with items in div.sec_left li, articles
# /newarea/<cat>/<yyyymm>/<dd>/t<yyyymmdd>_<id>.shtml, body div.TRS_Editor,
# time span#articleTime as YYYY年MM月DD日 HH:mm, GB2312. The rest of the
# template (title h1#articleTitle, source span#articleSource) is TRS's usual.


def ce_page(title: str, main: str) -> str:
    return f"""<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" \
"http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">
<html xmlns="http://www.w3.org/1999/xhtml">
<head>
<meta http-equiv="Content-Type" content="text/html; charset=gb2312" />
<title>{esc(title)}_中国经济网——国家经济门户</title>
<meta name="keywords" content="{esc(title)}" />
<link href="http://www.ce.cn/css/ce_2015.css" rel="stylesheet" type="text/css" />
</head>
<body>
<div class="ce_top"><a href="http://www.ce.cn/">中国经济网首页</a> | <a href="http://district.ce.cn/">地方经济</a> | \
<a href="http://www.ce.cn/xwzx/">新闻</a> | <a href="http://finance.ce.cn/">金融</a></div>
{main}
<div class="ce_footer"><p>中国经济网 版权所有 互联网新闻信息服务许可证(10120170008)</p></div>
</body>
</html>
"""


def build_ce() -> tuple[list[Page], dict[str, str]]:
    """district.ce.cn: TRS articles in GB2312 and their category list."""
    entries = tomllib.loads((SRC / "cedistrict.toml").read_text(encoding="utf-8"))["article"]
    base = f"/newarea/{CE_CATEGORY}"
    posts = []
    for e in entries:
        date = str(e["date"])
        ymd = date[:10].replace("-", "")
        posts.append(
            Post(
                path=f"{base}/{ymd[:6]}/{ymd[6:]}/t{ymd}_{e['id']}.shtml",
                title=str(e["title"]),
                date=date + ":00",
                body=paragraphs(str(e["body"])),
                source=str(e["source"]),
            )
        )
    posts.sort(key=lambda p: p.date or "", reverse=True)
    crumbs = (
        '<div class="path"><a href="http://www.ce.cn/">中国经济网首页</a>&nbsp;&gt;&nbsp;'
        '<a href="http://district.ce.cn/">地方经济</a>&nbsp;&gt;&nbsp;'
        f'<a href="{base}/index.shtml">山西</a>&nbsp;&gt;&nbsp;正文</div>'
    )
    pages = []
    for post in posts:
        paras = "\n".join(f"<p>　　{esc(p)}</p>" for p in post.body)
        main = f"""{crumbs}
<div class="left">
<h1 id="articleTitle">{esc(post.title)}</h1>
<div class="laiyuan"><span id="articleTime">{chinese_time(post.date or "", " ")}</span>\
&nbsp;&nbsp;<span id="articleSource">来源：{esc(str(post.source))}</span></div>
<div id="articleText">
<div class="TRS_Editor"><style type="text/css">.TRS_Editor P{{line-height:2;}}</style>
{paras}
</div>
</div>
<div class="fenxiang">分享到：</div>
<div id="articleEditor">（责任编辑：李静）</div>
</div>"""
        record = expected_of(post)
        pages.append(
            Page(
                CE,
                post.path,
                gb2312(ce_page(post.title, main)),
                "article",
                "gb2312",
                "gb2312",
                ["trs", "gb2312"],
                record,
            )
        )
    items = "\n".join(
        f'<li><a href=".{p.path[len(base) :]}" target="_blank">{esc(p.title)}</a>'
        f"<span>{(p.date or '')[:10]}</span></li>"
        for p in posts
    )
    main = f"""<div class="path"><a href="http://www.ce.cn/">中国经济网首页</a>&nbsp;&gt;&nbsp;\
<a href="http://district.ce.cn/">地方经济</a>&nbsp;&gt;&nbsp;山西</div>
<div class="sec_left"><ul>
{items}
</ul></div>"""
    pages.append(
        Page(
            CE,
            f"{base}/index.shtml",
            gb2312(ce_page("山西", main)),
            "listing",
            "gb2312",
            "gb2312",
        )
    )
    robots = "User-agent: *\nDisallow: /cgi-bin/\n"
    pages.append(Page(CE, "/robots.txt", robots.encode(), "robots", "ascii"))
    mirror = f"""# How the sample server serves {CE} (中国经济网 地方经济, a TRS site, GB2312).
host = "{CE}"

[defaults]
content_type = "text/html"
headers = {{ Server = "Apache" }}

[paths."/robots.txt"]
content_type = "text/plain"
"""
    return pages, {CE: mirror}


# --- 晋能控股集团 news (博达 VSB, UTF-8) and its work report (seed 004) -------
#
# In evidence (a public scraper): lists /<col>.htm then /<col>/<n>.htm, items
# div.bt-list ul li a with the date in em.col3, articles /info/<colid>/<id>.htm,
# UTF-8. The article template (div.v_news_content inside #vsb_content, the
# form _newscontent_fromname) and the attachment URL
# (/system/_content/download.jsp?urltype=news.DownloadAttachUrl&owner=…&wbfileid=…)
# are VSB's conventions: inferred. Nothing public shows how an SOE site
# publishes a work report (SOURCES.md section 5): the mirror serves seed 004 the
# way VSB serves a file column's attachment, as its text (the seed's bytes).

VSB_SITE = "晋能控股集团"


def vsb_page(title: str, main: str) -> str:
    return f"""<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" \
"http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">
<HTML><HEAD><TITLE>{esc(title)}-{VSB_SITE}</TITLE><META Name="keywords" Content="{VSB_SITE},{esc(title)}" />
<META http-equiv="Content-Type" content="text/html; charset=UTF-8">
<!--Announced by Visual SiteBuilder 9-->
<link rel="stylesheet" type="text/css" href="/_sitegray/_sitegray_d.css" />
<script language="javascript" src="/_sitegray/_sitegray.js"></script>
<script type="text/javascript" src="/system/resource/js/counter.js"></script>
<script type="text/javascript">_jsq_(1021,'/content.jsp',-1,1718364937)</script>
</HEAD>
<body>
<div class="top"><div class="logo"><a href="/index.htm"><img src="/images/logo.png"></a></div>
<div class="nav"><ul><li><a href="/index.htm">首页</a></li><li><a href="/{VSB_NEWS_COLUMN}.htm">集团要闻</a></li>\
<li><a href="/{VSB_FILES_COLUMN}.htm">文件下载</a></li></ul></div></div>
<div class="main">
{main}
</div>
<div class="foot"><p>版权所有：{VSB_SITE} 晋ICP备05001234号</p></div>
</body></HTML>
"""


def vsb_pager(column: str, page: int, pages: int, depth: str) -> str:
    """VSB's pager: page 1 is /<col>.htm, page k>1 is /<col>/<pages-k+1>.htm (counting down)."""

    def href(k: int) -> str:
        return f"{depth}{column}.htm" if k == 1 else f"{depth}{column}/{pages - k + 1}.htm"

    spans = [f'<span class="p_t">共{pages}页</span>']
    if page > 1:
        spans.append(f'<span class="p_prev p_fun"><a href="{href(page - 1)}">上页</a></span>')
    for k in range(1, pages + 1):
        spans.append(
            f'<span class="p_no_d">{k}</span>'
            if k == page
            else f'<span class="p_no"><a href="{href(k)}">{k}</a></span>'
        )
    if page < pages:
        spans.append(f'<span class="p_next p_fun"><a href="{href(page + 1)}">下页</a></span>')
    return f'<div class="pb_sys_common pb_sys_normal pb_sys_style1"><span class="p_pages">{"".join(spans)}</span></div>'


def build_jnkg() -> tuple[list[Page], dict[str, str]]:
    """VSB news list and articles, and the file column with seed 004's attachment."""
    entries = tomllib.loads((SRC / "jnkgjtnews.toml").read_text(encoding="utf-8"))["article"]
    posts = [
        Post(
            path=f"/info/{e['column']}/{e['id']}.htm",
            title=str(e["title"]),
            date=minute(str(e["date"])),
            body=paragraphs(str(e["body"])),
            source=str(e["source"]),
        )
        for e in entries
    ]
    posts.sort(key=lambda p: p.date or "", reverse=True)
    pages = []
    for post in posts:
        paras = "\n".join(
            f'<p style="text-indent:2em;line-height:2;">{esc(p)}</p>' for p in post.body
        )
        main = f"""<div class="position">当前位置：<a href="/index.htm">首页</a> &gt;&gt; \
<a href="/{VSB_NEWS_COLUMN}.htm">集团要闻</a> &gt;&gt; 正文</div>
<script language="javascript" src="/system/resource/js/dynclicks.js"></script>
<form name="_newscontent_fromname">
<div class="content-title"><h3>{esc(post.title)}</h3></div>
<div class="content-info">发布时间：{(post.date or "")[:16]}&nbsp;&nbsp;&nbsp;来源：{esc(str(post.source))}\
&nbsp;&nbsp;&nbsp;点击数：<script>_showDynClicks("wbnews", 1718364937, {post.path.rsplit("/", 1)[1][:-4]})</script></div>
<div id="vsb_content"><div class="v_news_content">
{paras}
</div></div>
<div id="div_vote_id"></div>
</form>"""
        pages.append(
            Page(
                JNKG,
                post.path,
                vsb_page(post.title, main).encode(),
                "article",
                "utf-8",
                "utf-8",
                ["vsb"],
                expected_of(post),
            )
        )
    chunks = [posts[i : i + VSB_PER_PAGE] for i in range(0, len(posts), VSB_PER_PAGE)]
    for n, chunk in enumerate(chunks, start=1):
        depth = "" if n == 1 else "../"
        path = (
            f"/{VSB_NEWS_COLUMN}.htm" if n == 1 else f"/{VSB_NEWS_COLUMN}/{len(chunks) - n + 1}.htm"
        )
        rows = "\n".join(
            f'<li id="line_u8_{i}"><a href="{depth}{p.path.lstrip("/")}" title="{esc(p.title)}">'
            f'{esc(p.title)}</a><em class="col3">{(p.date or "")[:10]}</em></li>'
            for i, p in enumerate(chunk)
        )
        main = f"""<div class="list-title">集团要闻</div>
<div class="bt-list"><ul>
{rows}
</ul></div>
{vsb_pager(VSB_NEWS_COLUMN, n, len(chunks), depth)}"""
        pages.append(
            Page(JNKG, path, vsb_page("集团要闻", main).encode(), "listing", "utf-8", "utf-8")
        )
    # The work report: a file column whose items link the attachment itself.
    wbfileid = 4862190
    download = (
        f"/system/_content/download.jsp?urltype=news.DownloadAttachUrl&owner={VSB_OWNER}"
        f"&wbfileid={wbfileid}"
    )
    report_title = seed_lines(SEED_004)[0].strip()
    pages.append(
        Page(
            JNKG,
            download,
            (SEEDS / f"{SEED_004}.txt").read_bytes(),
            "article",
            "utf-8",
            "utf-8",
            ["vsb", "attachment", "work-report"],
            seed_gold(SEED_004),
            SEED_004,
            file=f"/system/_content/download/{wbfileid}.txt",
        )
    )
    rows = (
        f'<li id="line_u9_0"><a href="{download.lstrip("/")}" target="_blank" '
        f'title="{esc(report_title)}">{esc(report_title)}</a><em class="col3">2023-02-10</em></li>'
    )
    main = f"""<div class="list-title">文件下载</div>
<div class="bt-list"><ul>
{rows}
</ul></div>
{vsb_pager(VSB_FILES_COLUMN, 1, 1, "")}"""
    pages.append(
        Page(
            JNKG,
            f"/{VSB_FILES_COLUMN}.htm",
            vsb_page("文件下载", main).encode(),
            "listing",
            "utf-8",
            "utf-8",
        )
    )
    robots = "User-agent: *\nDisallow: /system/resource/\n"
    pages.append(Page(JNKG, "/robots.txt", robots.encode(), "robots", "ascii"))
    filename = quote(f"{report_title}.txt")
    mirror = f"""# How the sample server serves {JNKG} (晋能控股集团 news, a 博达 VSB site, UTF-8).
host = "{JNKG}"

[defaults]
content_type = "text/html; charset=UTF-8"
headers = {{ Server = "VWebServer", X-Frame-Options = "SAMEORIGIN" }}

[paths."/robots.txt"]
content_type = "text/plain"

# The work report (seed 004): a VSB attachment, served as its plain text.
[paths."{download}"]
file = "/system/_content/download/{wbfileid}.txt"
content_type = "text/plain; charset=UTF-8"
headers = {{ Content-Disposition = "attachment; filename*=UTF-8''{filename}" }}
"""
    return pages, {JNKG: mirror}


def file_of(page: Page) -> Path:
    """Where a page's bytes live in the mirror."""
    return SITES / page.host / (page.file or page.path).lstrip("/")


def main() -> None:
    """Rebuild sites/, mirror/, expected/ and manifest.json."""
    for directory in (SITES, MIRROR, EXPECTED):
        if directory.exists():
            shutil.rmtree(directory)
        directory.mkdir(parents=True)
    manifest = []
    for build in (build_finews, build_farm, build_eco, build_ce, build_sxrb, build_jnkg):
        pages, mirrors = build()
        for host, mirror in mirrors.items():
            (MIRROR / f"{host}.toml").write_text(mirror, encoding="utf-8")
        for page in pages:
            target = file_of(page)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(page.body)
            entry: dict[str, object] = {
                "url": f"http://{page.host}{page.path}",
                "file": str(target.relative_to(HERE)),
                "kind": page.kind,
                "encoding": page.charset,
                "declared": page.declared,
                "cases": page.cases,
            }
            if page.expected is not None:
                name = (page.file or page.path).lstrip("/") + ".json"
                exp = EXPECTED / page.host / name
                exp.parent.mkdir(parents=True, exist_ok=True)
                exp.write_text(
                    json.dumps(page.expected, ensure_ascii=False, indent=1) + "\n",
                    encoding="utf-8",
                )
                entry["expected"] = str(exp.relative_to(HERE))
            if page.seed:
                entry["seed"] = page.seed
            manifest.append(entry)
    (HERE / "manifest.json").write_text(
        json.dumps(manifest, ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
    )


if __name__ == "__main__":
    main()
