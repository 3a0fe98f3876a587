"""Build the offline sample mirror from the seeds and the article sources.

The sample mirror (``data/samples/``) is an offline copy of the source sites
the crawler is configured for, served by ``python -m crawler.testing.sampleserver``.
Its pages are committed; this script is how they were made, so that a page
can be changed or added by editing ``src/*.toml`` and running it again:

    .venv/bin/python scripts/make_samples.py

It writes, under ``data/samples/``:

- ``sites/<host>/<path>``: every page as its site serves it (bytes in the
  site's real encoding, with the site's real kinds of damage);
- ``mirror/<host>.toml``: the headers and faults the server applies;
- ``expected/<host>/<path>.json``: the clean record each article must become
  (for the seeds, a copy of their hand-checked gold);
- ``manifest.json``: one entry per served page (kind, encodings, hard cases).

Pages built around the seeds keep every body line of the seed, in order,
with its damage: the finance mirror's posts are rendered from the post
sources (seeds 000 and 002) the way Jekyll renders them; the company site
(seed 001) and the portal (seed 003) wrap the seed's lines in their page
templates and encode them with GB18030 (declared ``gbk``), so the private-use
characters of seed 003 become their GBK user-defined-area bytes again.

New articles are written in simplified Chinese (``src/*.toml``, the expected
text). The content-farm sites serve them as the farm does: OpenCC ``s2t``,
a reading in parentheses after the characters of the farm's annotation table
(the table is read off the seed of that site), full-width punctuation turned
to ASCII, GBK. The Big5 site serves OpenCC ``s2tw`` text in Big5. Every
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

from opencc import OpenCC

HERE = Path(__file__).resolve().parents[1] / "data" / "samples"
SEEDS = HERE / "seeds"
SRC = HERE / "src"
SITES = HERE / "sites"
MIRROR = HERE / "mirror"
EXPECTED = HERE / "expected"

FINEWS = "finews.withounder.com"
ZKY = "www.zkycreaiw.com"
# The portal of seed 003 (生態中國網): its real host is not in the seed, so
# the mirror uses a reserved ``.example`` placeholder (see sites/stzg.toml).
STZG = "www.stzg.example"
# A Taiwan/Hong Kong-style repost portal made up for the Big5 case.
TWREPOST = "news.twrepost.example"

SEED_000 = "000_a2059d4c385e6fae"
SEED_001 = "001_1b6f85196a04fcb8"
SEED_002 = "002_201de6bf2ae89c4d"
SEED_003 = "003_707599d25000a410"

S2T = OpenCC("s2t")
S2TW = OpenCC("s2tw")
T2S = OpenCC("t2s")

# A reading as the farms write it: after a CJK character, in ASCII parens.
READING = re.compile(r"(\w)\(([a-zāáǎàēéěèīíǐìōóǒòūúǔùüǖǘǚǜ]+)( ?)\)")

# The farms' punctuation step: full-width to ASCII (seeds 001 and 003).
FARM_PUNCT = str.maketrans(
    {"，": ",", "：": ":", "；": ";", "（": "(", "）": ")", "！": "!", "？": "?"}
)

FINEWS_CATEGORIES = {
    "xinhuacaijing": ("新华财经", "新华财经新闻"),
    "yangquanribao": ("阳泉日报", "阳泉日报新闻"),
}

# Posts per listing page on each site (small, so every site paginates).
FINEWS_PER_PAGE = 4
ZKY_PER_PAGE = 5
STZG_PER_PAGE = 4
TWREPOST_PER_PAGE = 2


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


def esc(text: str) -> str:
    """Escape text for HTML, leaving quotes alone as the sites do."""
    return html.escape(text, quote=False)


def iso(date: str | None) -> str | None:
    """``2022-05-23 12:55:23`` in China time as ISO 8601."""
    return None if date is None else date.replace(" ", "T") + "+08:00"


def paragraphs(text: str) -> list[str]:
    """Blank-line separated paragraphs of a source body."""
    return [p.strip() for p in text.strip().split("\n\n") if p.strip()]


#: The day in the URL of the portal's page that prints no date.
UNDATED_DAY = "2021-01-12"


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


FINEWS_HEAD = """<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="{charset}">
<meta http-equiv="X-UA-Compatible" content="IE=edge">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title} | 财经新闻</title>
<link rel="stylesheet" href="/assets/main.css">
<link rel="alternate" type="application/rss+xml" title="财经新闻" href="/feed.xml">
</head>
<body>
<header class="site-header" role="banner">
<div class="wrapper">
<a class="site-title" rel="author" href="/">财经新闻</a>
<nav class="site-nav">
<a class="page-link" href="/category/xinhuacaijing.html">新华财经</a>
<a class="page-link" href="/category/yangquanribao.html">阳泉日报</a>
<a class="page-link" href="/about/">关于</a>
</nav>
</div>
</header>
<main class="page-content" aria-label="Content">
<div class="wrapper">
"""

FINEWS_FOOT = """</div>
</main>
<footer class="site-footer h-card">
<div class="wrapper">
<p>财经新闻 · 转载自 <a href="http://finews.zning.xyz/">finews.zning.xyz</a>，版权归原作者所有</p>
<p>友情链接：<a href="http://www.cnfin.com/">新华财经</a> · <a href="http://www.sxrb.com/">山西日报</a></p>
</div>
</footer>
</body>
</html>
"""


def finews_article(post: Post, recent: list[Post], charset: str = "utf-8") -> str:
    """The rendered page of a post, as the mirror's Jekyll theme lays it out."""
    cat_name, _ = FINEWS_CATEGORIES[post.category or "xinhuacaijing"]
    date = post.date or ""
    tag = post.tags[0]
    sidebar = "\n".join(f'<li><a href="{p.path}">{esc(p.title)}</a></li>' for p in recent)
    return (
        FINEWS_HEAD.format(charset=charset, title=esc(post.title))
        + f"""<article class="post h-entry" itemscope itemtype="http://schema.org/BlogPosting">
<header class="post-header">
<h1 class="post-title p-name" itemprop="name headline">{esc(post.title)}</h1>
<p class="post-meta"><time class="dt-published" datetime="{iso(date)}" itemprop="datePublished">\
{date} +0800</time> · <a class="post-category" href="/category/{post.category}.html">\
{post.category}</a> · <span class="post-tags"><a href="/tag/{tag}.html">{tag}</a></span></p>
</header>
<div class="post-content e-content" itemprop="articleBody">
{post.html_body}
<p><a href="{post.original_url}">{post.original_url}</a></p>
<p><a href="//{FINEWS}/category/{post.category}.html">返回{cat_name}新闻</a>｜\
<a href="//{FINEWS}/">返回首页</a></p>
</div>
</article>
<aside class="sidebar">
<h2>最新文章</h2>
<ul class="recent-posts">
{sidebar}
</ul>
</aside>
"""
        + FINEWS_FOOT
    )


def finews_listing(
    title: str, posts: list[Post], prev: str | None, nxt: str | None, page: int, pages: int
) -> str:
    """A category listing page (jekyll-paginate style)."""
    items = "\n".join(
        f'<li><span class="post-meta">{(p.date or "")[:10]}</span>\n'
        f'<h3><a class="post-link" href="{p.path}">{esc(p.title)}</a></h3></li>'
        for p in posts
    )
    nav = []
    if prev:
        nav.append(f'<a class="previous" href="{prev}">上一页</a>')
    nav.append(f'<span class="page_number">第 {page} 页 / 共 {pages} 页</span>')
    if nxt:
        nav.append(f'<a class="next" href="{nxt}">下一页</a>')
    return (
        FINEWS_HEAD.format(charset="utf-8", title=esc(title))
        + f"""<div class="home">
<h1 class="page-heading">{esc(title)}</h1>
<ul class="post-list">
{items}
</ul>
<div class="pagination">
{" ".join(nav)}
</div>
<div class="elsewhere">
<h2>原站阅读</h2>
<ul>
<li><a href="http://finews.zning.xyz/xinhuacaijing/2022/05/20/NW202205202381536790.html">\
原站：山西省属国企一季度经济运行情况</a></li>
<li><a href="http://finews.zning.xyz/">原站首页</a></li>
</ul>
</div>
</div>
"""
        + FINEWS_FOOT
    )


def build_finews() -> tuple[list[Page], str]:
    """The finance-news mirror: two seed posts, new posts, listings, robots."""
    entries = tomllib.loads((SRC / "finews.toml").read_text(encoding="utf-8"))["article"]
    posts = [finews_seed_post(SEED_000), finews_seed_post(SEED_002)]
    posts += [finews_new_post(e) for e in entries]
    draft = next(p for p in posts if p.path.startswith("/drafts/"))
    published = sorted((p for p in posts if p is not draft), key=lambda p: p.date or "")[::-1]
    gbk_page = "/xinhuacaijing/2022/07/18/NW202207182408350092.html"
    pages: list[Page] = []
    for post in [*published, draft]:
        recent = [p for p in published if p is not post][:5]
        if post.path == gbk_page:
            text = finews_article(post, recent, charset="utf-8")
            body, charset, cases = text.encode("gb18030"), "gbk", ["wrong-charset"]
        else:
            body, charset, cases = finews_article(post, recent).encode(), "utf-8", []
        if post.stocks:
            cases.append("stock-links")
        if post is draft:
            cases.append("robots-disallowed")
        expected = seed_gold(post.seed) if post.seed else expected_of(post)
        pages.append(
            Page(FINEWS, post.path, body, "article", charset, "utf-8", cases, expected, post.seed)
        )
    for category, (name, _) in FINEWS_CATEGORIES.items():
        in_cat = [p for p in published if p.category == category]
        chunks = [in_cat[i : i + FINEWS_PER_PAGE] for i in range(0, len(in_cat), FINEWS_PER_PAGE)]
        urls = [f"/category/{category}.html"]
        urls += [f"/category/{category}/page{n}.html" for n in range(2, len(chunks) + 1)]
        for n, chunk in enumerate(chunks):
            shown = list(chunk)
            if category == "xinhuacaijing" and n == len(chunks) - 1:
                shown.append(draft)
            text = finews_listing(
                f"{name}新闻",
                shown,
                urls[n - 1] if n else None,
                urls[n + 1] if n + 1 < len(chunks) else None,
                n + 1,
                len(chunks),
            )
            pages.append(Page(FINEWS, urls[n], text.encode(), "listing", "utf-8", "utf-8"))
    home = finews_listing("财经新闻", published[:5], None, None, 1, 1)
    pages.append(Page(FINEWS, "/index.html", home.encode(), "listing", "utf-8", "utf-8"))
    robots = (
        "User-agent: *\nDisallow: /drafts/\n\nSitemap: http://finews.withounder.com/sitemap.xml\n"
    )
    pages.append(Page(FINEWS, "/robots.txt", robots.encode(), "robots", "ascii"))
    mirror = f"""# How the sample server serves {FINEWS} (the finance-news mirror).
host = "{FINEWS}"

[defaults]
content_type = "text/html; charset=utf-8"
headers = {{ Server = "nginx/1.18.0 (Ubuntu)" }}

[paths."/robots.txt"]
content_type = "text/plain"

# Hard case: the header (and the page's <meta>) say UTF-8, the bytes are GBK.
[paths."{gbk_page}"]
content_type = "text/html; charset=utf-8"
"""
    return pages, mirror


# --- the company site of seed 001 (GBK, content farm) ------------------------

ZKY_NAME = "晉中市茂盛園林綠化有限公司"


def zky_page(title: str, main: str, footer: list[str], sidebar: list[tuple[str, str]]) -> str:
    """The company site's page template around its main column."""
    side = "\n".join(f'<li><a href="{url}">{esc(t)}</a></li>' for url, t in sidebar)
    contact = "\n".join(f"<p>{esc(line)}</p>" for line in footer[1:-1])
    return f"""<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" \
"http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">
<html xmlns="http://www.w3.org/1999/xhtml">
<head>
<meta http-equiv="Content-Type" content="text/html; charset=gbk" />
<title>{esc(title)}-{ZKY_NAME}</title>
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


def build_zky() -> tuple[list[Page], str]:
    """The company site: the seed page, new pages, listings, robots, faults."""
    lines = seed_lines(SEED_001)
    footer = lines[17:24]
    table = farm_table(SEED_001)
    entries = tomllib.loads((SRC / "zkycreaiw.toml").read_text(encoding="utf-8"))["article"]
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
    sidebar = [(f"/news/show-{i}.html", t) for i, t, *_ in items[:6]]
    redirect_id, slow_id, br_id, gone_id = 1047, 1044, 1045, 1043
    pages = []
    for num, title, dateline, paras, expected, seed in items:
        if num == br_id:
            content = "<br />\n<br />\n".join(f"　　{esc(p)}" for p in paras)
            cases = ["br-paragraphs"]
        else:
            content = "\n".join(f"<p>{esc(p)}</p>" for p in paras)
            cases = []
        cases += ["traditional", "pinyin-residue"]
        if seed:
            cases.append("misaligned-gbk")
        if num == slow_id:
            cases.append("slow")
        if num == redirect_id:
            cases.append("redirect-target")
        main = f"""<div class="position">當前位置:<a href="/">首頁</a> &gt; <a href="/news/">新聞中心</a></div>
<div class="article">
<h1>{esc(title)}</h1>
<div class="info">{esc(dateline or "")}</div>
<div class="content">
{content}
</div>
<div class="share"><a href="javascript:window.print()">打印本頁</a> <a href="javascript:window.close()">關閉窗口</a></div>
</div>"""
        text = zky_page(title, main, footer, sidebar)
        path = f"/news/show-{num}.html"
        pages.append(
            Page(ZKY, path, text.encode("gb18030"), "article", "gbk", "gbk", cases, expected, seed)
        )
    listed: list[tuple[str, str, str]] = []
    for num, title, dateline, *_ in items:
        url = f"/news/show.php?id={num}" if num == redirect_id else f"/news/show-{num}.html"
        listed.append((url, title, (dateline or "")[3:13]))
    # A story the site deleted: still listed, answered 404.
    listed.insert(3, (f"/news/show-{gone_id}.html", "茂盛公司開展植樹節義務植樹活動", "2022-04-20"))
    chunks = [listed[i : i + ZKY_PER_PAGE] for i in range(0, len(listed), ZKY_PER_PAGE)]
    urls = ["/news/index.html"] + [f"/news/list_{n}.html" for n in range(2, len(chunks) + 1)]
    for n, chunk in enumerate(chunks):
        rows = "\n".join(
            f'<li><span>{d}</span><a href="{u}" title="{esc(t)}">{esc(t)}</a></li>'
            for u, t, d in chunk
        )
        links = " ".join(
            f"<b>{k + 1}</b>"
            if k == n
            else f'<a href="{"/news/" if k == 0 else urls[k]}">{k + 1}</a>'
            for k in range(len(chunks))
        )
        nxt = f'<a href="{urls[n + 1]}">下一頁</a>' if n + 1 < len(chunks) else ""
        main = f"""<div class="position">當前位置:<a href="/">首頁</a> &gt; 新聞中心</div>
<div class="newslist"><ul>
{rows}
</ul></div>
<div class="pages">共{len(listed)}條 {links} {nxt}</div>"""
        text = zky_page("新聞中心", main, footer, sidebar)
        pages.append(Page(ZKY, urls[n], text.encode("gb18030"), "listing", "gbk", "gbk"))
    home_main = '<div class="welcome"><h2>歡迎光臨</h2><p><a href="/news/">新聞中心</a></p></div>'
    pages.append(
        Page(
            ZKY,
            "/index.html",
            zky_page("首頁", home_main, footer, sidebar).encode("gb18030"),
            "listing",
            "gbk",
            "gbk",
        )
    )
    robots = "User-agent: *\nDisallow: /admin/\nDisallow: /plus/\n"
    pages.append(Page(ZKY, "/robots.txt", robots.encode(), "robots", "ascii"))
    mirror = f"""# How the sample server serves {ZKY} (the company site of seed 001).
host = "{ZKY}"

[defaults]
content_type = "text/html; charset=gbk"
headers = {{ Server = "Microsoft-IIS/7.5", X-Powered-By = "ASP.NET" }}

[paths."/robots.txt"]
content_type = "text/plain"

# The listings link the old dynamic URL; the site redirects to the static one.
[paths."/news/show.php?id={redirect_id}"]
status = 301
location = "/news/show-{redirect_id}.html"

# A slow page (seconds before the response starts).
[paths."/news/show-{slow_id}.html"]
delay = 1.5
"""
    return pages, mirror


# --- the portal of seed 003 (GBK, content farm) ------------------------------

STZG_NAME = "生態中國網"


def stzg_page(title: str, crumbs: str, main: str) -> str:
    """The portal's page template."""
    return f"""<html>
<head>
<meta http-equiv="Content-Type" content="text/html; charset=gbk">
<title>{esc(title)}_{STZG_NAME}</title>
<meta name="description" content="{STZG_NAME},生態文明,綠色發展">
<link rel="stylesheet" type="text/css" href="/templets/style/article.css">
<script type="text/javascript" src="/templets/js/common.js"></script>
</head>
<body>
<div id="header">
<div class="logo"><a href="/"><img src="/templets/images/logo.gif" alt="{STZG_NAME}"></a></div>
<div class="menu"><a href="/">首頁</a> | <a href="/yaowen/">生態要聞</a> | <a href="/qiye/">生態企業</a> | \
<a href="/wenhua/">生態文化</a> | <a href="/lvse/">綠色發展</a></div>
</div>
<div class="crumb">{crumbs}</div>
<div id="main">
{main}
</div>
<div id="footer">
<p><a href="/about/">關於我們</a> | <a href="/contact/">聯繫方式</a> | <a href="/copyright/">版權聲明</a></p>
<p>版權所有 {STZG_NAME} 未經授權禁止複製或建立鏡像</p>
</div>
</body>
</html>
"""


def build_stzg() -> tuple[list[Page], str]:
    """The portal: the seed page, new pages (one without a date), listings."""
    lines = seed_lines(SEED_003)
    table = farm_table(SEED_003)
    entries = tomllib.loads((SRC / "stzg.toml").read_text(encoding="utf-8"))["article"]
    crumb_home, crumb_section, _ = (c.strip() for c in lines[0].split("\xa0>\xa0"))
    crumbs = (
        f'<a href="/">{esc(crumb_home)}</a>&nbsp;&gt;&nbsp; '
        f'<a href="/qiye/">{esc(crumb_section)}</a>&nbsp;&gt;&nbsp; 正文'
    )
    end = next(i for i, line in enumerate(lines) if line.startswith("*"))
    statement, close = lines[end], lines[end + 1]
    seed_body = [line for line in lines[8:end] if line.strip()]
    source_line, time_line = lines[4].split(" ", 1)
    items: list[tuple[str, str, str, str | None, list[str], dict[str, object], str | None]] = [
        (
            "/qiye/20200922/3861.html",
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
        day = (post.date or UNDATED_DAY)[:10]
        path = f"/qiye/{day.replace('-', '')}/{e['id']}.html"
        served = ["  " + farm(p, table) for p in post.body]
        time_part = None if post.date is None else f"時間:{post.date}"
        expected = expected_of(post)
        if post.date is None:
            # Nothing printed: the cleaner falls back on the URL's day.
            expected["published_at"] = iso(f"{day} 00:00:00")
        items.append(
            (
                path,
                farm(post.title, table),
                f"來源:{farm(str(post.source), table)}",
                time_part,
                served,
                expected,
                None,
            )
        )
    items.sort(key=lambda it: it[0], reverse=True)
    fail_once = "/qiye/20201103/3917.html"
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
        text = stzg_page(title, crumbs, main)
        pages.append(
            Page(STZG, path, text.encode("gb18030"), "article", "gbk", "gbk", cases, expected, seed)
        )
    chunks = [items[i : i + STZG_PER_PAGE] for i in range(0, len(items), STZG_PER_PAGE)]
    urls = ["/qiye/index.html"] + [f"/qiye/list_{n}.html" for n in range(2, len(chunks) + 1)]
    for n, chunk in enumerate(chunks):
        rows = "\n".join(
            f'<li><a href="{it[0]}">{esc(it[1])}</a><span>{(it[3] or "")[3:13]}</span></li>'
            for it in chunk
        )
        nav = []
        if n:
            nav.append(f'<a href="{"/qiye/" if n == 1 else urls[n - 1]}">上一頁</a>')
        if n + 1 < len(chunks):
            nav.append(f'<a href="{urls[n + 1]}">下一頁</a>')
        main = f"""<div class="list"><h2>{esc(crumb_section)}</h2><ul>
{rows}
</ul>
<div class="pagelist">{" ".join(nav)}</div>
</div>"""
        text = stzg_page(STZG_NAME, crumbs.rsplit("&nbsp;&gt;", 1)[0], main)
        pages.append(Page(STZG, urls[n], text.encode("gb18030"), "listing", "gbk", "gbk"))
    mirror = f"""# How the sample server serves {STZG} (the portal of seed 003; a placeholder
# host: the seed does not name the portal's real one). It has no robots.txt.
host = "{STZG}"

[defaults]
content_type = "text/html"
headers = {{ Server = "Apache/2.2.15 (CentOS)", X-Powered-By = "PHP/5.3.3" }}

# Fails with 503 the first time it is asked for, then works.
[paths."{fail_once}"]
fail_once = 503
"""
    return pages, mirror


# --- a Big5 repost portal ------------------------------------------------------


def tw_page(title: str, main: str) -> str:
    """The Big5 portal's page template."""
    return f"""<!DOCTYPE html>
<html lang="zh-Hant">
<head>
<meta http-equiv="Content-Type" content="text/html; charset=big5">
<title>{esc(title)} - 兩岸新聞網</title>
</head>
<body>
<div class="header"><a href="/">兩岸新聞網</a>
<ul class="menu"><li><a href="/">首頁</a></li><li><a href="/china/index.htm">大陸</a></li>\
<li><a href="/world/index.htm">國際</a></li><li><a href="/finance/index.htm">財經</a></li></ul></div>
<div class="container">
{main}
</div>
<div class="footer">兩岸新聞網 版權所有 轉載請註明出處</div>
</body>
</html>
"""


def build_twrepost() -> tuple[list[Page], str]:
    """The Big5 portal: traditional (Taiwan forms) reposts, listings."""
    entries = tomllib.loads((SRC / "twrepost.toml").read_text(encoding="utf-8"))["article"]
    posts = []
    for e in entries:
        date = str(e["date"])
        path = f"/china/{date[:7].replace('-', '')}/{e['id']}.htm"
        posts.append(
            Post(
                path=path,
                title=str(e["title"]),
                date=date,
                body=paragraphs(str(e["body"])),
                source=str(e["source"]),
            )
        )
    posts.sort(key=lambda p: p.date or "", reverse=True)
    pages = []
    for post in posts:
        paras = "\n".join(f"<p>{esc(to_traditional(p, S2TW))}</p>" for p in post.body)
        title = to_traditional(post.title, S2TW)
        main = f"""<div class="article">
<h1>{esc(title)}</h1>
<div class="meta"><span class="source">來源：{to_traditional(str(post.source), S2TW)}</span> \
<span class="time">{post.date}</span></div>
<div class="article-body">
{paras}
</div>
<div class="related"><a href="/china/index.htm">返回大陸新聞</a></div>
</div>"""
        pages.append(
            Page(
                TWREPOST,
                post.path,
                tw_page(title, main).encode("big5"),
                "article",
                "big5",
                "big5",
                ["big5", "traditional"],
                expected_of(post),
            )
        )
    chunks = [posts[i : i + TWREPOST_PER_PAGE] for i in range(0, len(posts), TWREPOST_PER_PAGE)]
    urls = ["/china/index.htm"] + [f"/china/index_{n}.htm" for n in range(2, len(chunks) + 1)]
    for n, chunk in enumerate(chunks):
        rows = "\n".join(
            f'<li><a href="{p.path}">{esc(to_traditional(p.title, S2TW))}</a> '
            f"<em>{(p.date or '')[:10]}</em></li>"
            for p in chunk
        )
        nav = " ".join(f'<a href="{u}">{k + 1}</a>' for k, u in enumerate(urls) if k != n)
        main = f'<h2>大陸新聞</h2>\n<ul class="list">\n{rows}\n</ul>\n<div class="page">{nav}</div>'
        pages.append(
            Page(
                TWREPOST,
                urls[n],
                tw_page("大陸新聞", main).encode("big5"),
                "listing",
                "big5",
                "big5",
            )
        )
    robots = "User-agent: *\nDisallow:\n"
    pages.append(Page(TWREPOST, "/robots.txt", robots.encode(), "robots", "ascii"))
    mirror = f"""# How the sample server serves {TWREPOST} (a Big5 repost portal; a placeholder
# host made up for the samples).
host = "{TWREPOST}"

[defaults]
content_type = "text/html; charset=big5"
headers = {{ Server = "nginx" }}

[paths."/robots.txt"]
content_type = "text/plain"
"""
    return pages, mirror


def file_of(page: Page) -> Path:
    """Where a page's bytes live in the mirror."""
    return SITES / page.host / page.path.lstrip("/")


def main() -> None:
    """Rebuild sites/, mirror/, expected/ and manifest.json."""
    for directory in (SITES, MIRROR, EXPECTED):
        if directory.exists():
            shutil.rmtree(directory)
        directory.mkdir(parents=True)
    manifest = []
    for build in (build_finews, build_zky, build_stzg, build_twrepost):
        pages, mirror = build()
        (MIRROR / f"{pages[0].host}.toml").write_text(mirror, encoding="utf-8")
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
                exp = EXPECTED / page.host / (page.path.lstrip("/") + ".json")
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
